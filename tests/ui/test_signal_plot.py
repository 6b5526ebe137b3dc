"""Stem plots: one panel per signal, stems from 0 to each value, marked samples in orange, 1-based ticks."""

from __future__ import annotations

from ui.signal_plot import HIGHLIGHT


def test_stem_svg_panels_values_marks_and_ticks():
    import re

    from ui.signal_plot import stem_svg
    from ui.svg_chart import parse_values

    svg = stem_svg([dict(name="x <1>", positions=[0, 1, 2], values=[1, -2, 0.5], symbol="x", marked=[1]),
                    dict(name="y", positions=[0.5, 1.5], values=[3, 4], symbol="y")],
                   title="T & U", x_title="sample")
    assert svg.startswith("<svg") and "T &amp; U" in svg and "<1>" not in svg   # texts escaped
    assert parse_values(svg, "x <1>") == [1, -2, 0.5] and parse_values(svg, "y") == [3, 4]
    # one stem and one dot per sample, the dot's tooltip its 1-based name and value; x₂ marked (orange, larger)
    tips = re.findall(r'<circle cx="[\d.]+" cy="[\d.]+" r="([\d.]+)" fill="([^"]+)"><title>([^<]+)</title>', svg)
    assert [tip for *_, tip in tips] == ["x1 = 1", "x2 = -2", "x3 = 0.5", "y1 = 3", "y2 = 4"]
    assert [(r, fill) for r, fill, _ in tips][1] == ("6.5", HIGHLIGHT) and tips[0][1] != HIGHLIGHT
    # a stem from the zero line to the dot: x₂ = -2 goes down, x₁ = 1 goes up
    stems = re.findall(r'<line x1="([\d.]+)" y1="([\d.]+)" x2="[\d.]+" y2="([\d.]+)" stroke="[^"]+" stroke-width="2"/>', svg)
    assert float(stems[0][2]) < float(stems[0][1]) and float(stems[1][2]) > float(stems[1][1])
    # the shared axis is labelled 1-based under the last panel
    assert re.findall(r'fill="#555">(\d+)</text>', svg)[-3:] == ["1", "2", "3"]
