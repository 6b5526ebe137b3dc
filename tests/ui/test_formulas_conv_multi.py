"""ui.formulas.conv_multi: a filter's kernels written out, one matrix per channel, numbers as given."""

from __future__ import annotations

import re

import numpy as np
import pytest

from cnn_core.worked_examples import CONV_5X5X3
from ui.formulas.conv_multi import filter_kernels_latex

W = np.asarray(CONV_5X5X3.inputs["w"])          # (2, 3, 3, 3): the Hands-on CNN project's two filters


def _read(latex: str) -> dict[tuple[int, int], np.ndarray]:
    found = {}
    for f, c, body in re.findall(r"w\^\{\((\d+),(\d+)\)\} &= \\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", latex):
        found[int(f), int(c)] = np.array([[float(v) for v in row.split("&")] for row in body.split("\\\\")])
    return found


@pytest.mark.parametrize("f", [0, 1])
def test_every_channel_of_the_texts_filter_written_in_order(f):
    latex = filter_kernels_latex(W[f], f)
    assert latex.startswith("\\begin{aligned}") and latex.endswith("\\end{aligned}")
    found = _read(latex)
    assert list(found) == [(f + 1, c) for c in (1, 2, 3)]          # 1-based, channel by channel
    for c in range(3):
        np.testing.assert_array_equal(found[f + 1, c + 1], W[f, c])


def test_rectangular_kernels_and_decimals_keep_their_values():
    kernels = np.array([[[0.5, -1.25, 3.0]], [[-0.125, 2.0, 0.0]]])      # 2 channels, 1×3 kernels
    found = _read(filter_kernels_latex(kernels, 1))
    np.testing.assert_array_equal(found[2, 1], kernels[0])
    np.testing.assert_array_equal(found[2, 2], kernels[1])


def test_not_one_kernel_per_channel_is_refused():
    with pytest.raises(ValueError):
        filter_kernels_latex(np.ones((3, 3)), 0)


@pytest.mark.parametrize("f", [0, 1])
def test_the_mathml_draws_the_kernels_numbers_and_nothing_else(f):
    """The math box's MathML of a filter: one grid row per channel, left ``w^{(f,c)}``, and exactly the kernels'
    numbers in order (a row break's spacing argument such as ``\\\\[4pt]`` was drawn as a number "4pt")."""
    from ui.formulas.mathml import block_html, mathml_numbers, split_aligned

    latex = filter_kernels_latex(W[f], f)
    assert [left for left, _ in split_aligned(latex)] == [f"w^{{({f + 1},{c})}}" for c in (1, 2, 3)]
    drawn = mathml_numbers(block_html(latex))
    expected = []
    for c in range(3):   # each row: the superscript's f and c, then the kernel row by row
        expected += [str(f + 1), str(c + 1)] + [str(int(v)) for v in W[f, c].ravel()]
    assert drawn == expected
