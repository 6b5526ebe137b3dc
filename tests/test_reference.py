"""tests/reference.py, the loop references the other tests compare with, on examples worked out by hand."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from tests.reference import correlate, correlate_channels, pool, window_starts, window_taps

X3 = np.array([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]])


def test_the_reference_never_imports_the_code_under_test():
    tree = ast.parse(Path(__file__).with_name("reference.py").read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"__future__", "numpy"}, imported


def test_windows_by_hand():
    # 5 cells + 1 zero each side = 7, kernel 3, stride 2: windows at 0, 2, 4 (the next, at 6, would end at 8)
    assert window_taps(5, 3, 2, 1, 1) == [[0, 1, 2], [2, 3, 4], [4, 5, 6]]
    # 4 cells, kernel 2, stride 3: the window at 3 would read cell 4, past the end (the last cell is never read)
    assert window_taps(4, 2, 3) == [[0, 1]]
    # dilation 2: a kernel of 3 spans 5 cells; 6 cells give starts 0 and 1
    assert window_taps(6, 3, 1, 0, 0, 2) == [[0, 2, 4], [1, 3, 5]]
    assert window_starts(7, 3, 3, 2, 2, 2) == [0, 3, 6]     # 11 padded cells, span 5: starts 0, 3, 6
    assert window_taps(2, 3) == []                          # the kernel does not fit: no window


def test_correlate_by_hand():
    # no flip: y11 = 1·1 + 5·(−1)
    np.testing.assert_array_equal(correlate(X3, [[1, 0], [0, -1]]), [[-4, -4], [-4, -4]])
    # padding 1, stride 2, a 2×2 kernel of ones on the 5×5 padded grid: windows at rows/columns 0 and 2
    np.testing.assert_array_equal(correlate(X3, np.ones((2, 2)), stride=2, padding=1),
                                  [[1, 2 + 3], [4 + 7, 5 + 6 + 8 + 9]])
    # dilation along the columns only: taps t and t + 2
    np.testing.assert_array_equal(correlate([[1, 2, 3, 4, 5]], [[1, 1]], dilation=(1, 2)), [[4, 6, 8]])
    # four sides (top, bottom, left, right): one zero on the left only
    np.testing.assert_array_equal(correlate([[1, 2]], [[1]], padding=(0, 0, 1, 0)), [[0, 1, 2]])
    # a pair (rows, columns): zeros above and below only
    np.testing.assert_array_equal(correlate([[1, 2]], [[1], [1]], padding=(1, 0)), [[1, 2], [1, 2]])
    # stride per axis
    assert correlate(np.arange(16.0).reshape(4, 4), [[1]], stride=(3, 2)).tolist() == [[0, 2], [12, 14]]


def test_correlate_channels_by_hand():
    x = np.array([[[1.0, 2], [3, 4]], [[10, 20], [30, 40]]])
    w = np.array([[[[2.0]], [[-1.0]]], [[[0.0]], [[1.0]]]])      # 2 filters, 2 channels, 1×1
    y = correlate_channels(x, w, [1, -5])
    np.testing.assert_array_equal(y[0], 2 * x[0] - x[1] + 1)
    np.testing.assert_array_equal(y[1], x[1] - 5)
    assert correlate_channels(x, w).shape == (2, 2, 2)


def test_pool_by_hand():
    x = np.array([[1.0, 5, 2, 0], [4, 2, 2, 7], [0, 3, 6, 1], [2, 8, 1, 4]])
    np.testing.assert_array_equal(pool(x, 2, 2), [[5, 7], [8, 6]])
    np.testing.assert_array_equal(pool(x, 2, 2, mode="avg"), [[12 / 4, 11 / 4], [13 / 4, 12 / 4]])
    # padding: a padded cell never wins a max, and counts as 0 in an average over all k·k cells
    small = np.array([[1.0, -2], [-3, 4]])
    np.testing.assert_array_equal(pool(small, 2, 1, 1), [[1, 1, -2], [1, 4, 4], [-3, 4, 4]])
    np.testing.assert_array_equal(pool(small, 2, 1, 1, "avg"), [[0.25, -0.25, -0.5], [-0.5, 0, 0.5], [-0.75, 0.25, 1]])
    with pytest.raises(ValueError):
        pool(small, 2, 1, 0, "median")
