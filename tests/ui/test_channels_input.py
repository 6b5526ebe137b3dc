"""Several matrices of one size: splitting a pasted C×H×W text, and which matrices differ from the size."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core.errors import CoreValueError
from ui.channels_input import mismatch, parse_blocks, split_blocks


def test_blocks_are_separated_by_blank_lines_of_any_width():
    assert split_blocks("1 2\n3 4\n \t\n5 6\n7 8\n\n\n9 9\n9 9\n") == ["1 2\n3 4", "5 6\n7 8", "9 9\n9 9"]
    assert split_blocks("\r\n1\r\n\r\n2\r\n") == ["1", "2"]
    assert split_blocks("   \n\n") == []


def test_three_channels_parse_in_order():
    mats = parse_blocks("1 2\n3 4\n\n0 0\n0 1\n\n-1, 2.5\n1e-3 0", 3, max_rows=8, max_cols=8)
    np.testing.assert_array_equal(np.stack(mats), [[[1, 2], [3, 4]], [[0, 0], [0, 1]], [[-1, 2.5], [0.001, 0]]])


@pytest.mark.parametrize("text, code, params", [
    ("1 2\n3 4\n\n5 6\n7 8", "channels_count", {"got": 2, "expected": 3}),
    ("1\n\n2\n\n3\n\n4", "channels_count", {"got": 4, "expected": 3}),
    ("1 2\n\n1 x\n\n3 4", "channel_bad", {"index": 2}),
    ("1 2\n\n3 4\n\n5 6 7", "channels_shapes", {"index": 3, "rows": 1, "cols": 3, "first_rows": 1, "first_cols": 2}),
    ("\n".join(["1 " * 9] * 9) + "\n\n1\n\n1", "channel_bad", {"index": 1}),   # over the 8×8 cap
])
def test_bad_pastes_say_which_matrix(text, code, params):
    with pytest.raises(CoreValueError) as info:
        parse_blocks(text, 3, max_rows=8, max_cols=8)
    assert info.value.code == code and info.value.params == params
    if code == "channel_bad":
        assert getattr(info.value.__cause__, "code", None)   # the parser's own reason goes with it


def test_mismatch_names_the_odd_ones_and_the_new_size():
    assert mismatch([(5, 5), (5, 5), (5, 5)], (5, 5)) == ([], None)
    assert mismatch([(5, 5), (5, 5), (2, 3)], (5, 5)) == ([2], (2, 3))
    assert mismatch([(2, 2), None, (3, 3)], (5, 5)) == ([0, 2], None)   # two different sizes: no single target
    assert mismatch([None, None, None], (5, 5)) == ([], None)
