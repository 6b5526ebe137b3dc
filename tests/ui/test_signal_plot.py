"""Stem plots: one panel per signal, stems from 0 to each value, marked samples in orange, 1-based ticks."""

from __future__ import annotations

from ui.signal_plot import HIGHLIGHT, stem_figure


def test_stems_markers_and_ticks():
    fig = stem_figure([dict(name="x", positions=[0, 1, 2], values=[1, -2, 0.5], symbol="x", marked=[1]),
                       dict(name="y", positions=[0.5, 1.5], values=[3, 4], symbol="y")],
                      title="T", x_title="sample")
    stems, dots = fig.data[0], fig.data[1]
    assert list(stems.x) == [0, 0, None, 1, 1, None, 2, 2, None]
    assert list(stems.y) == [0, 1, None, 0, -2, None, 0, 0.5, None]
    assert list(dots.y) == [1, -2, 0.5] and list(dots.marker.color)[1] == HIGHLIGHT
    assert list(dots.hovertext) == ["x1 = 1", "x2 = -2", "x3 = 0.5"]
    assert list(fig.data[3].x) == [0.5, 1.5] and fig.data[3].xaxis == "x2"
    assert list(fig.layout.xaxis2.ticktext) == ["1", "2", "3"]
    assert [a.text for a in fig.layout.annotations] == ["x", "y"]
