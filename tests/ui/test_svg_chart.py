"""ui.svg_chart: inline SVG charts drawn from numbers (no Plotly). Positions are checked against the axis
mapping computed here from the drawn ticks, values against the numbers passed in."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from ui.latex import fmt
from ui.svg_chart import Series, grouped_bars, nice_ticks, parse_values, two_axis_lines, value_grid, vector_rows

NS = {"s": "http://www.w3.org/2000/svg"}


def _tree(svg: str) -> ET.Element:
    return ET.fromstring(svg)          # well-formed XML (every text escaped)


def _texts(svg: str) -> list[str]:
    return [el.text for el in _tree(svg).iter("{http://www.w3.org/2000/svg}text")]


def test_nice_ticks_cover_the_range_with_round_steps():
    assert nice_ticks(0, 1.6) == [0.0, 0.5, 1.0, 1.5, 2.0]
    assert nice_ticks(0, 1.0) == [0.0, 0.25, 0.5, 0.75, 1.0]
    for low, high in ((0, 7.3), (0, 0.013), (0, 199), (0, 1)):
        ticks = nice_ticks(low, high)
        steps = np.diff(ticks)
        assert ticks[0] <= low and ticks[-1] >= high and np.allclose(steps, steps[0])
        mantissa = steps[0] / 10 ** np.floor(np.log10(steps[0]))
        assert min(abs(mantissa - m) for m in (1, 2, 2.5, 5, 10)) < 1e-9


def test_two_axis_lines_puts_each_point_where_its_value_is():
    loss = (1.6, 1.2, 0.9, 0.7)
    acc = (0.25, 0.5, 0.75, 1.0)
    svg = two_axis_lines("Loss <and> accuracy", "steps", Series("loss L", loss, "#d62728"),
                         Series("accuracy", acc, "#1f77b4", dash=True))
    root = _tree(svg)
    assert root.get("aria-label") == "Loss <and> accuracy" and "Loss &lt;and&gt; accuracy" in svg
    assert parse_values(svg, "loss L") == list(loss) and parse_values(svg, "accuracy") == list(acc)
    lines = root.findall(".//s:polyline", NS)
    assert len(lines) == 2
    pts = np.array([[float(v) for v in p.split(",")] for p in lines[0].get("points").split()])
    # the loss axis runs 0 → 2 (nice ticks above 1.6): y is linear in the value, x in the step
    slope_y = (pts[0, 1] - pts[1, 1]) / (loss[0] - loss[1])
    np.testing.assert_allclose(pts[:, 1] - pts[0, 1], slope_y * (np.array(loss) - loss[0]), atol=0.15)
    np.testing.assert_allclose(np.diff(pts[:, 0]), np.diff(pts[:, 0])[0], atol=0.15)
    acc_pts = np.array([[float(v) for v in p.split(",")] for p in lines[1].get("points").split()])
    # 100 % sits at the top of the plot, 0 at the bottom: the same as loss 2 and loss 0
    zero_y = pts[0, 1] - slope_y * loss[0]
    assert acc_pts[-1, 1] == pytest.approx(zero_y + slope_y * 2.0, abs=0.15)
    assert acc_pts[0, 1] == pytest.approx(zero_y + slope_y * 2.0 * 0.25, abs=0.15)
    texts = _texts(svg)
    assert "100%" in texts and "steps" in texts and "1.5" in texts
    titles = [el.text for el in root.iter("{http://www.w3.org/2000/svg}title")]
    assert f"2: loss L = {fmt(0.9)}, accuracy = 75%" in titles and f"3: loss L = {fmt(0.7)}, accuracy = 100%" in titles
    # many steps: the two lines alone (no marker per point), the SVG stays small
    many = two_axis_lines("t", "x", Series("a", tuple(np.linspace(2, 0.1, 200)), "#000"),
                          Series("b", tuple(np.linspace(0, 1, 200)), "#111", dash=True))
    assert "<circle" not in many and len(many) < 4 * 2 * 200 * 12
    assert parse_values(many, "a") == pytest.approx(list(np.linspace(2, 0.1, 200)))
    with pytest.raises(ValueError):
        two_axis_lines("t", "x", Series("a", (1.0,), "#000"), Series("b", (), "#000"))


def test_grouped_bars_heights_are_proportional_and_labels_printed():
    probs = (0.1, 0.6, 0.3)
    svg = grouped_bars("P", ("1 · X", "2 · O", "3 · +"), (
        Series("probability a", probs, "#1f77b4", labels=tuple(fmt(v) for v in probs)),
        Series("target y", (0.0, 1.0, 0.0), "#9ecae1")), x_title="class")
    root = _tree(svg)
    groups = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("data-series")]
    heights = [[float(r.get("height")) for r in g.findall("s:rect", NS)] for g in groups]
    np.testing.assert_allclose(np.array(heights[0]) / heights[1][1], probs, atol=2e-3)   # height ∝ value (0.1 px)
    assert heights[1][0] == 0 and parse_values(svg, "target y") == [0.0, 1.0, 0.0]
    assert {"0.1", "0.6", "0.3", "class", "1 · X"} <= set(_texts(svg))


def test_value_grid_and_vector_rows_name_and_print_every_entry():
    v = np.arange(1, 37) * 0.5 - 9.0                  # negative, zero and positive entries
    svg = vector_rows(v, 9, "v", title="v = flatten(p)", row_labels=("filter 1", "filter 2", "filter 3", "filter 4"))
    assert parse_values(svg, "values") == list(v)
    texts = _texts(svg)
    for j in range(36):                               # entry j sits in row j // 9: its name, then its value
        row = j // 9
        assert f"filter {row + 1}" in texts
    names = [t for t in texts if t and t.startswith("v")]
    assert names[:2] == ["v = flatten(p)", "v₁"] and "v₁₀" in names and "v₃₆" in names
    # each value printed right after its name, in reading order
    pairs = [(texts[k], texts[k + 1]) for k in range(len(texts) - 1) if re.fullmatch(r"v[₀-₉]+", texts[k] or "")]
    digits = "₀₁₂₃₄₅₆₇₈₉"
    assert pairs == [(f"v{''.join(digits[int(d)] for d in str(j + 1))}", fmt(v[j])) for j in range(36)]
    shades = [r.get("fill") for r in _tree(svg).iter("{http://www.w3.org/2000/svg}rect")]
    # the app's one shading rule (the heatmaps' RdBu_r): negative blue, positive red, 0 unshaded, |9| strongest
    assert all(s.startswith("rgba(31, 119, 180") for s, x in zip(shades, v) if x < 0)
    assert all(s.startswith("rgba(214, 39, 40") for s, x in zip(shades, v) if x > 0)
    assert shades[17].endswith(", 0.000)") and shades[35].endswith(", 0.550)") and v[35] == 9.0
    # a grid without a negative number is blue only (the heatmaps' Blues), darker for larger
    plain = [r.get("fill") for r in _tree(vector_rows(np.arange(1.0, 37.0), 9, "v", title="t", row_labels="abcd"))
             .iter("{http://www.w3.org/2000/svg}rect")]
    assert all(s.startswith("rgba(31, 119, 180") for s in plain) and plain[0] < plain[35]
    with pytest.raises(ValueError):
        vector_rows(v[:35], 9, "v", title="t", row_labels=("a", "b", "c", "d"))
    grid = value_grid(np.array([[1.0, -1.0]]), [["a", "b"]], title="g", row_labels=["r"])
    assert parse_values(grid, "values") == [1.0, -1.0]


def test_a_chart_is_sized_in_rem_so_presentation_mode_draws_it_larger():
    """Presentation mode raises the root font size (ui/frame.py); an SVG capped in px would keep its small text."""
    svg = grouped_bars("t", ["a", "b"], [Series("p", (0.25, 0.75), "#1f77b4")])
    root = ET.fromstring(svg)
    width = float(root.get("viewBox").split()[2])
    assert f"max-width:{width / 16:.3f}rem" in root.get("style") and root.get("width") == "100%"
