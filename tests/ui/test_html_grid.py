"""ui.html_grid: matrices as shaded HTML tables (read back with the page tests' parser)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.pages.grid_tables import _Tables
from ui.html_grid import cell_names, grids_html, matrix_table, shade


def parse(block: str) -> list[dict]:
    parser = _Tables()
    parser.feed(block)
    return parser.tables


def test_every_number_is_printed_in_its_cell_with_its_name_on_hover():
    M = np.array([[1.0, -2.5, 0.0], [3.0, 4.0, 1e-7]])
    [table] = parse(grids_html([matrix_table(M, "x", cell_names("x", M.shape))]))
    rows = [row for row in table["text"] if row]
    assert rows[0] == ["1", "-2.5", "0"] and rows[1][:2] == ["3", "4"]
    np.testing.assert_allclose([[float(v) for v in row] for row in rows], M)
    hover = [row for row in table["hover"] if row]
    assert hover[0][1] == f"x₁₂ = {rows[0][1]}" and hover[1][2].startswith("x₂₃ = ")


def test_titles_names_and_notes_are_text_never_html():
    block = matrix_table(np.eye(2), "<script>alert(1)</script>", [["<b>a</b>", "b"], ["c", "d\"onload=x"]],
                         note="<img src=x>")
    assert "<script" not in block and "<b>" not in block and "<img" not in block
    assert '"onload' not in block
    assert parse(block)[0]["title"] == "<script>alert(1)</script>"     # shown as the text typed


def test_outlined_cells_are_the_ones_asked_for():
    [table] = parse(matrix_table(np.zeros((3, 3)), "t", cell_names("i", (3, 3)), outlined=[(0, 1), (2, 2)]))
    assert sorted(table["outlined"]) == [(0, 1), (2, 2)]


def test_shading_grows_with_the_size_and_the_sign_picks_the_colour():
    M = np.array([[-4.0, -1.0], [0.0, 2.0]])
    block = matrix_table(M, "t", cell_names("m", M.shape))
    backgrounds = re.findall(r"background:(rgba\([^)]*\)|transparent)", block)
    # the heatmaps' rule (RdBu_r): negative blue, positive red, 0 unshaded, |−4| the strongest
    assert backgrounds == ["rgba(31, 119, 180, 0.550)", "rgba(31, 119, 180, 0.138)", "rgba(31, 119, 180, 0.000)",
                           "rgba(214, 39, 40, 0.275)"]
    # a grid without a negative number is shaded in blue only; an all-zero grid is not shaded
    assert shade(-1.0, 2.0, signed=False).startswith("rgba(31, 119, 180")
    assert shade(0.0, 0.0, signed=False) == "transparent" and shade(np.nan, 1.0, signed=True) == "transparent"


def test_the_cell_stepper_shades_by_the_same_rule():
    """The browser-side grids (cell_stepper.js) and these tables must not tell a student two colour stories."""
    from pathlib import Path

    import ui.html_grid as grid
    source = (Path(grid.__file__).parent / "components" / "cell_stepper.js").read_text(encoding="utf-8")
    body = source[source.index("function shade("):]
    body = body[:body.index("\n}\n")]
    assert f"* {grid.STRONGEST};" in body
    assert f"if (signed && value > 0) return `rgba({grid.POSITIVE}, " in body
    assert body.rstrip().endswith(f"return `rgba({grid.NEGATIVE}, ${{a.toFixed(3)}})`;")


def test_a_non_matrix_is_refused():
    with pytest.raises(ValueError):
        matrix_table(np.zeros(3), "t", [["a"] * 3])
