"""conv_single's cached computations (``ui.conv_single_cache``): the formula table and the stepper payloads against
a loop cross-correlation, and the page script builds no cache wrapper of its own (#14: a wrapper built in a page
script re-reads its function's source on every rerun)."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np

from ui import conv_single_cache as data

from tests.reference import correlate

ROOT = Path(__file__).resolve().parents[2]


def test_formula_table_nets_match_a_loop_cross_correlation():
    x = np.arange(25, dtype=float).reshape(5, 5) - 12
    w = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]])
    table = data.formula_table(x, w, 2, 1, "relu", ("c", "s", "n", "net", "out"), 4)
    expected = correlate(x, w, 2, 1)
    assert len(table) == expected.size
    assert np.allclose([float(v.replace("−", "-")) for v in table["net"]], expected.ravel())
    assert np.allclose([float(v.replace("−", "-")) for v in table["out"]], np.maximum(expected, 0).ravel())
    assert table["c"].iloc[0] == "o₁₁"


def test_step_payload_and_the_text_example():
    assert data.is_text_example(data.DEFAULT_INPUT, data.DEFAULT_KERNEL)
    assert not data.is_text_example(data.DEFAULT_INPUT, data.DEFAULT_KERNEL + 1)
    assert data.shows_eq5(data.DEFAULT_INPUT, np.ones((2, 2)), 1, 0)
    assert not data.shows_eq5(data.DEFAULT_INPUT, np.ones((2, 2)), 2, 0)
    assert data.text_notes(data.DEFAULT_INPUT, data.DEFAULT_KERNEL, 1, 1, "en") == {}
    assert list(data.text_notes(data.DEFAULT_INPUT, data.DEFAULT_KERNEL, 1, 0, "zh")) == [(0, 2)]


def test_the_page_script_builds_no_cache_wrapper():
    tree = ast.parse((ROOT / "app_pages" / "conv_single.py").read_text(encoding="utf-8"))
    wrappers = [node.lineno for node in ast.walk(tree)
                if isinstance(node, ast.Attribute) and node.attr in ("cache_data", "cache_resource")]
    assert wrappers == []
