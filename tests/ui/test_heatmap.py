"""Heatmap figures: orientation, printed values, colour scales, overlays, animation frames."""

import json

import numpy as np
import pytest

from ui import heatmap
from ui.heatmap import channels_heatmap, channels_heatmap_spec, matrix_heatmap, window_animation
from ui.i18n import translate

M = np.array([[1.0, -0.5, 0.125], [0.0, 2.0, 1 / 3]])


def test_z_orientation_text_and_axes():
    fig = matrix_heatmap(M, title="Input", symbol="x", lang="en")
    trace = fig.data[0]
    assert np.array(trace.z).tolist() == M.tolist()  # z[0] is row 0 ...
    assert fig.layout.yaxis.autorange == "reversed"  # ... drawn at the top
    assert [list(row) for row in trace.text] == [["1", "-0.5", "0.125"], ["0", "2", "0.3333"]]
    assert trace.texttemplate == "%{text}"
    assert list(fig.layout.xaxis.ticktext) == ["1", "2", "3"]
    assert list(fig.layout.yaxis.ticktext) == ["1", "2"]
    assert list(fig.layout.xaxis.tickvals) == [0, 1, 2]
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    assert fig.layout.title.text == "Input"
    assert fig.layout.xaxis.title.text == "column" and fig.layout.yaxis.title.text == "row"
    json.dumps(fig.to_plotly_json(), default=str)  # serialisable


def test_hover_shows_symbol_with_one_based_subscripts():
    fig = matrix_heatmap(M, title="t", symbol="x", lang="en")
    trace = fig.data[0]
    assert "%{customdata}" in trace.hovertemplate and "%{text}" in trace.hovertemplate
    assert trace.customdata[0][1] == "x₁₂"
    assert trace.customdata[1][2] == "x₂₃"
    named = matrix_heatmap([[1, 2]], title="t", hover_names=[["a", "b"]], lang="en")
    assert list(named.data[0].customdata[0]) == ["a", "b"]


def test_signed_data_uses_a_diverging_scale_centred_at_zero():
    trace = matrix_heatmap(M, title="t", lang="en").data[0]
    assert trace.zmid == 0
    assert trace.zmin == -trace.zmax == -2
    assert trace.colorscale == matrix_heatmap(M, title="t", signed=True, lang="en").data[0].colorscale
    unsigned = matrix_heatmap(np.abs(M), title="t", lang="en").data[0]
    assert unsigned.zmid is None and unsigned.zmin == 0
    assert unsigned.colorscale != trace.colorscale
    forced = matrix_heatmap(np.abs(M), title="t", signed=True, lang="en").data[0]
    assert forced.zmid == 0


def test_overlays_are_shapes_and_annotations():
    fig = matrix_heatmap(M, title="t", highlight=(0, 1, 1, 2), cells=[(1, 1)],
                         route=[((0, 0), (1, 1)), ((1, 0), (1, 0))], lang="en")
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    window = rects[-1]
    assert (window.x0, window.x1, window.y0, window.y1) == (0.5, 2.5, -0.5, 1.5)
    assert any((s.x0, s.x1, s.y0, s.y1) == (0.5, 1.5, 0.5, 1.5) for s in rects[:-1])
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    marks = [a for a in fig.layout.annotations if not a.showarrow]
    assert len(arrows) == 1 and (arrows[0].ax, arrows[0].ay, arrows[0].x, arrows[0].y) == (0, 0, 1, 1)
    assert len(marks) == 1 and (marks[0].x, marks[0].y) == (0, 1)


def test_mask_and_non_finite_cells():
    a = np.array([[-np.inf, 1.0], [2.0, 3.0]])
    mask = np.array([[True, False], [False, False]])
    fig = matrix_heatmap(a, title="t", mask=mask, mask_label="pad", lang="en")
    assert fig.data[0].z[0][0] is None  # JSON has no -inf
    assert fig.data[0].text[0][0] == "pad"
    # the mask is one translucent overlay trace over exactly the masked cells, not per-cell shapes
    overlay = fig.data[1]
    assert [[v is not None for v in row] for row in overlay.z] == mask.tolist()
    assert overlay.hoverinfo == "skip" and overlay.text is None  # the values' text shows through
    assert len(fig.layout.shapes) == 0
    json.dumps(fig.to_plotly_json(), default=str, allow_nan=False)


def test_text_hidden_for_big_matrices_and_labels_custom():
    big = matrix_heatmap(np.ones((20, 20)), title="t", lang="en")
    assert big.data[0].texttemplate is None
    fig = matrix_heatmap(M, title="t", row_labels=["a", "b"], col_labels=["p", "q", "r"],
                         row_title="R", col_title="C", lang="en")
    assert list(fig.layout.yaxis.ticktext) == ["a", "b"] and fig.layout.xaxis.title.text == "C"
    assert 200 <= fig.layout.height <= 600


def test_axis_titles_translated():
    fig = matrix_heatmap(M, title="t", lang="zh")
    assert fig.layout.xaxis.title.text == translate("zh", "figure.col") == "列"


def test_channels_share_one_colour_scale():
    T = np.arange(27.0).reshape(3, 3, 3) - 13
    fig = channels_heatmap(T, titles=["R", "G", "B"], symbol="x", highlight=(0, 0, 1, 1), lang="en")
    assert len(fig.data) == 3
    assert {tr.coloraxis for tr in fig.data} == {"coloraxis"}
    assert fig.layout.coloraxis.cmid == 0 and fig.layout.coloraxis.cmin == -13
    assert fig.data[1].customdata[0][2] == "x₂₁₃"
    assert np.array(fig.data[2].z).tolist() == T[2].tolist()
    assert [a.text for a in fig.layout.annotations] == ["R", "G", "B"]
    assert sorted(s.xref for s in fig.layout.shapes) == ["x", "x2", "x3"]
    assert fig.layout.yaxis2.autorange == "reversed" and fig.layout.yaxis2.scaleanchor == "x2"
    with pytest.raises(ValueError):
        channels_heatmap(T, titles=["one"], lang="en")


def test_window_animation_has_one_frame_per_window_and_controls():
    a = np.arange(16.0).reshape(4, 4)
    windows = [(0, 0, 1, 1), (0, 2, 1, 3), (2, 0, 3, 1), (2, 2, 3, 3)]
    labels = ["o11", "o12", "o21", "o22"]
    fig = window_animation(a, windows, title="Step", symbol="i", frame_labels=labels, lang="en")
    assert len(fig.frames) == len(windows)
    assert [f.name for f in fig.frames] == ["0", "1", "2", "3"]
    last = fig.frames[3].layout.shapes[-1]
    assert (last.x0, last.y0, last.x1, last.y1) == (1.5, 1.5, 3.5, 3.5)
    slider = fig.layout.sliders[0]
    assert [s.label for s in slider.steps] == labels
    assert all(s.method == "animate" for s in slider.steps)
    assert list(slider.steps[2].args[0]) == ["2"]
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == [translate("en", "figure.play"), translate("en", "figure.pause")]
    zh = window_animation(a, windows, title="Step", frame_labels=labels, lang="zh")
    assert zh.layout.updatemenus[0].buttons[0].label == translate("zh", "figure.play")
    assert zh.layout.sliders[0].currentvalue.prefix == translate("zh", "figure.step")


def test_window_animation_with_padding_and_bad_arguments():
    a = np.zeros((4, 4))
    mask = np.zeros((4, 4), bool)
    mask[0, :] = True
    fig = window_animation(a, [(0, 0, 1, 1), (2, 2, 3, 3)], title="t", frame_labels=["a", "b"],
                           padded_mask=mask, active=1, lang="en")
    # frames move only the window: the padding overlay is a trace, drawn once
    assert len(fig.frames[0].layout.shapes) == 1
    assert fig.frames[1].layout.shapes[0].x0 == 1.5 and len(fig.data) == 2
    assert fig.layout.sliders[0].active == 1
    with pytest.raises(ValueError):
        window_animation(a, [], title="t", frame_labels=[], lang="en")
    with pytest.raises(ValueError):
        window_animation(a, [(0, 0, 0, 0)], title="t", frame_labels=["a", "b"], lang="en")


def test_figure_keys_exist_in_both_languages():
    from ui.i18n import catalog

    for key in ["figure.row", "figure.col", "figure.play", "figure.pause", "figure.step", "figure.padded",
                "figure.channel"]:
        assert key in catalog("en") and key in catalog("zh")


def test_channels_window_animation_moves_one_window_on_every_channel():
    from ui.heatmap import channels_window_animation

    t3 = np.arange(3 * 4 * 4, dtype=float).reshape(3, 4, 4)
    mask = np.zeros((4, 4), bool)
    mask[0, :] = True
    windows = [(0, 0, 1, 1), (2, 2, 3, 3)]
    fig = channels_window_animation(t3, windows, titles=["c1", "c2", "c3"], frame_labels=["a", "b"],
                                    padded_mask=mask, mask_label="0", active=1, lang="zh")
    values = [d for d in fig.data if d.coloraxis]
    assert [d.xaxis for d in values] == ["x", "x2", "x3"]
    assert [d.z[3][3] for d in values] == [15.0, 31.0, 47.0]
    # the shown window is the active one, on all three panels; each frame moves all three
    assert [(s.xref, s.x0) for s in fig.layout.shapes] == [("x", 1.5), ("x2", 1.5), ("x3", 1.5)]
    assert [[(s["xref"], s["x0"]) for s in f.layout.shapes] for f in fig.frames] == [
        [("x", -0.5), ("x2", -0.5), ("x3", -0.5)], [("x", 1.5), ("x2", 1.5), ("x3", 1.5)]]
    assert fig.layout.sliders[0].active == 1
    assert fig.layout.updatemenus[0].buttons[0].label == translate("zh", "figure.play")
    # panel titles are annotations above each panel's domain centre
    centres = [(fig.layout[f"xaxis{s}"].domain[0] + fig.layout[f"xaxis{s}"].domain[1]) / 2 for s in ("", "2", "3")]
    assert [(a.text, round(a.x, 6)) for a in fig.layout.annotations] == [
        (name, round(c, 6)) for name, c in zip(["c1", "c2", "c3"], centres)]
    json.dumps(fig.to_plotly_json(), default=str, allow_nan=False)
    with pytest.raises(ValueError):
        channels_window_animation(t3, [], titles=["a", "b", "c"], frame_labels=[], lang="en")


def test_figures_are_valid_plotly_after_the_fast_build():
    """The dict-built figures pass Plotly's full validation (the fast path only skips it)."""
    import plotly.graph_objects as go

    from ui.heatmap import channels_window_animation

    mask = np.zeros((3, 3), bool)
    mask[0, 0] = True
    figs = [matrix_heatmap(M, title="t", highlight=(0, 0, 1, 1), cells=[(1, 2)], route=[((0, 0), (1, 1))],
                           mask=np.zeros((2, 3), bool) | (M < 2), mask_label="p", lang="en"),
            channels_heatmap(np.ones((2, 3, 3)), titles=["a", "b"], title="T", mask=mask, lang="en"),
            window_animation(np.ones((3, 3)), [(0, 0, 1, 1)], title="t", frame_labels=["1"], padded_mask=mask,
                             lang="en"),
            channels_window_animation(np.ones((2, 3, 3)), [(0, 0, 1, 1)], titles=["a", "b"], frame_labels=["1"],
                                      lang="en")]
    def without_empty(node):
        if isinstance(node, dict):
            return {k: without_empty(v) for k, v in node.items() if v is not None and v not in ([], {}, ())}
        if isinstance(node, list):
            return [without_empty(v) for v in node]
        return node

    for fig in figs:
        validated = go.Figure(fig.to_dict())  # raises on any invalid property
        # and validation changes nothing: what the browser gets is what plotly.py would send
        assert without_empty(json.loads(validated.to_json())) == without_empty(json.loads(fig.to_json()))


def test_colour_scales_are_explicit_and_run_the_right_way():
    """Figures skip plotly.py's validation, so scales must be explicit lists plotly.js understands."""
    neg = matrix_heatmap([[-1.0, 1.0]], title="t", lang="en").to_dict()["data"][0]["colorscale"]
    pos = matrix_heatmap([[0.0, 2.0]], title="t", lang="en").to_dict()["data"][0]["colorscale"]
    rgb = lambda c: tuple(int(v) for v in c[c.index("(") + 1:-1].split(","))  # noqa: E731
    assert isinstance(neg, (list, tuple)) and isinstance(pos, (list, tuple))
    low, high = rgb(neg[0][1]), rgb(neg[-1][1])
    assert low[2] > low[0] and high[0] > high[2]          # negative is blue, positive is red
    assert sum(rgb(pos[0][1])) > sum(rgb(pos[-1][1]))      # zero is light, large is dark


# --------------------------------------------------------------------------- numbers fit their cells

def test_text_width_of_a_number():
    assert heatmap.text_em("-0.5") == pytest.approx(0.333 + 0.556 + 0.278 + 0.556)


@pytest.mark.parametrize("shape,panels", [((3, 3), 2), ((5, 5), 3), ((8, 8), 1), ((1, 12), 1), ((12, 12), 2)])
def test_printed_numbers_fit_their_cells(shape, panels):
    """Sigmoid outputs (0.2689...) and long negatives: the printed text is not wider than its cell."""
    rng = np.random.default_rng(0)
    values = -1 / (1 + np.exp(-rng.normal(size=(panels, *shape))))  # 4 significant digits, signed
    spec = (channels_heatmap_spec(values, titles=[str(k) for k in range(panels)]) if panels > 1
            else heatmap.matrix_heatmap_spec(values[0], title="t"))
    cell = heatmap._cell_px(*shape, panels=panels)
    for trace in spec["data"]:
        if trace.get("type") != "heatmap" or trace.get("texttemplate") is None:
            continue
        size = trace["textfont"]["size"]
        assert size >= heatmap.MIN_FONT
        widest = max(heatmap.text_em(s) for row in trace["text"] for s in row)
        assert widest * size <= cell, (shape, panels, size, widest, cell)


def test_shortened_numbers_keep_the_full_value_on_hover():
    a = np.full((12, 12), -0.123456)
    texts, size, shortened = heatmap.fit_cell_text(a, [[heatmap.fmt(v) for v in row] for row in a], 14, 20.0)
    assert shortened and texts[0][0] in ("-0.123", "-0.12")
    spec = heatmap.matrix_heatmap_spec(a, title="t", height=300)
    assert "%{z:" in spec["data"][0]["hovertemplate"]


def test_grey_tiles_scale_each_pixel_to_a_block_ink_on_paper():
    from ui.heatmap import grey_tiles

    images = np.array([[[0.0, 1.0], [0.5, 2.0]], [[-1.0, np.nan], [0.25, 0.75]]])   # (N=2, H=2, W=2)
    tiles = grey_tiles(images, 3, low=0.0, high=1.0)
    assert len(tiles) == 2 and all(t.shape == (6, 6) and t.dtype == np.uint8 for t in tiles)
    # pixel (i, j) of image n is the 3×3 block at rows 3i..3i+2, columns 3j..3j+2 (loop reference)
    for n in range(2):
        for i in range(2):
            for j in range(2):
                v = images[n, i, j]
                want = 255 if np.isnan(v) else round(255 * (1 - min(max(v, 0.0), 1.0)))
                assert (tiles[n][3 * i:3 * i + 3, 3 * j:3 * j + 3] == want).all(), (n, i, j)
    # default scale: the images' own range, shared (the darkest pixel of all is black, the lightest white)
    shared = grey_tiles(images, 1)
    assert shared[0][1, 1] == 0 and shared[1][0, 0] == 255
    framed = grey_tiles(images, 3, low=0.0, high=1.0, frame=2)
    assert framed[0].shape == (10, 10) and (framed[0][2:-2, 2:-2] == tiles[0]).all()
    border = np.ones((10, 10), bool)
    border[2:-2, 2:-2] = False
    assert (framed[1][border] == heatmap.FRAME_GREY).all()
    with pytest.raises(ValueError):
        grey_tiles(images[0], 2)                     # (H, W): not a stack of images
