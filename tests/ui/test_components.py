"""ui.components: the cell stepper's payload (every cell's window against a loop reference, every grid against
tests/reference.py's loop cross-correlation), its checks, its escaping, and the component's own files."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from cnn_core.activations import activate
from cnn_core.conv import conv2d_trace
from cnn_core.worked_examples import CONV_4X4, CONV_5X5X3
from ui.components import cell_stepper as cs
from ui.components.conv_steppers import (
    multi_channel_steps, single_channel_compare, single_channel_steps, window_marks,
)
from ui.i18n import translate

from tests.reference import correlate, correlate_channels

X4 = np.array(CONV_4X4.inputs["x"][0, 0])
H2 = np.array(CONV_4X4.inputs["w"][0, 0])


def tr(key: str, **params) -> str:
    return translate("en", key, **params)


@pytest.mark.parametrize("shape, kshape, stride, padding", [((4, 4), (2, 2), 1, 0), ((6, 5), (3, 2), 2, 1),
                                                            ((5, 5), (3, 3), 3, 2), ((3, 4), (1, 1), 1, 1)])
def test_single_channel_payload_windows_and_grids_equal_loop_references(shape, kshape, stride, padding):
    rng = np.random.default_rng(3)
    x = rng.integers(-3, 4, size=shape).astype(float)
    w = rng.integers(-2, 3, size=kshape).astype(float)
    trace = conv2d_trace(x[None], w[None, None], None, stride, padding)
    out = activate("relu", trace.output)
    payload = single_channel_steps(trace, out, "relu", "ReLU", tr)
    ref = correlate(x, w, stride, padding)
    oh, ow = ref.shape
    assert payload["shape"] == [1, oh, ow] and len(payload["cells"]) == oh * ow
    padded, kernel, net, relu = payload["grids"]
    # the padded grid: the input inside, zeros (marked as padding) around it
    expect = np.zeros((shape[0] + 2 * padding, shape[1] + 2 * padding))
    expect[padding:padding + shape[0], padding:padding + shape[1]] = x
    assert padded["values"] == expect.tolist()
    assert np.array(padded["mask"]).sum() == expect.size - x.size
    assert kernel["values"] == w.tolist()
    assert net["values"] == ref.tolist() and net["pick"] == 0
    assert relu["values"] == np.maximum(ref, 0).tolist()
    kh, kw = kshape
    for i in range(oh):
        for j in range(ow):
            cell = payload["cells"][i * ow + j]
            # loop reference: output (i, j) reads padded rows i·s … i·s+kh−1, columns j·s … j·s+kw−1
            assert cell["marks"] == [[0, i * stride, j * stride, i * stride + kh - 1, j * stride + kw - 1]]
            assert cell["label"] == f"o{chr(0x2080 + i + 1)}{chr(0x2080 + j + 1)}"
            net_text = cell["aria"].split("; ")[0]
            assert net_text.endswith(f"= {ref[i, j]:g}".replace("-", "\u2212"))
    json.dumps(payload)   # JSON all the way down


def test_compare_payload_has_both_outputs_and_the_rotated_kernel():
    trace = conv2d_trace(X4[None], H2[None, None], None, 1, 0)
    conv_trace = conv2d_trace(X4[None], H2[::-1, ::-1][None, None], None, 1, 0)
    payload = single_channel_compare(trace, conv_trace, tr, start=99)
    by_title = {g["title"]: g for g in payload["grids"]}
    assert by_title[tr("conv_single.fig_corr")]["values"] == correlate(X4, H2).tolist()
    assert by_title[tr("conv_single.fig_conv")]["values"] == \
        correlate(X4, H2[::-1, ::-1]).tolist()
    assert by_title[tr("conv_single.fig_kernel_rot")]["values"] == [[-1, 1], [-1, 1]]
    assert payload["start"] == 8 and payload["clamped"] is True   # a start past the end is kept inside, and said
    assert single_channel_compare(trace, conv_trace, tr, start=8)["clamped"] is False
    assert payload["group"] == "conv_single.cell"


def test_multi_channel_payload_marks_every_channel_the_kernels_and_the_output_cell():
    x, w, b = CONV_5X5X3.inputs["x"][0], CONV_5X5X3.inputs["w"], CONV_5X5X3.inputs["b"]
    trace = conv2d_trace(x, w, b, 2, 1)
    payload = multi_channel_steps(trace, tr, start=(1, 7, 0))
    ref = correlate_channels(x, w, b, 2, 1)
    assert payload["shape"] == [2, 3, 3] and len(payload["grids"]) == 3 + 6 + 2
    assert payload["grids"][9]["values"] == ref[0].tolist() and payload["grids"][10]["values"] == ref[1].tolist()
    assert [payload["grids"][g]["pick"] for g in (9, 10)] == [0, 9]
    for f in range(2):
        for i in range(3):
            for j in range(3):
                marks = payload["cells"][(f * 3 + i) * 3 + j]["marks"]
                window = [2 * i, 2 * j, 2 * i + 2, 2 * j + 2]
                assert marks == [[0, *window], [1, *window], [2, *window],
                                 *[[3 + 3 * f + c, 0, 0, 2, 2] for c in range(3)], [9 + f, i, j, i, j]]
    assert payload["start"] == 15   # filter 2, row 8 kept inside as row 3, column 1
    assert payload["cells"][0]["aria"].endswith("= 4 + 0 + 1 + 1 = 6")


def test_window_marks_per_tap_when_the_taps_are_not_contiguous():
    assert window_marks(0, [1, 2], [3, 4]) == [[0, 1, 3, 2, 4]]
    assert window_marks(2, [0, 2], [1]) == [[2, 0, 1, 0, 1], [2, 2, 1, 2, 1]]   # dilation 2


def test_payload_checks_its_shape_and_its_marks():
    g = cs.grid(np.zeros((2, 2)), "g")
    cell = {"label": "a", "marks": [[0, 0, 0, 1, 1]], "html": "", "aria": ""}
    assert cs.payload([g], [cell], (1, 1, 1), {})["cells"] == [cell]
    with pytest.raises(ValueError, match="holds 2 cells"):
        cs.payload([g], [cell], (1, 1, 2), {})
    with pytest.raises(ValueError, match="outside grid 0"):
        cs.payload([g], [dict(cell, marks=[[0, 0, 0, 2, 1]])], (1, 1, 1), {})
    with pytest.raises(ValueError, match="2-D"):
        cs.grid(np.zeros(3), "v")


def test_grid_prints_compact_numbers_and_sends_no_nan():
    g = cs.grid(np.array([[1.0, -0.5], [1 / 3, np.nan]]), "t", pick=4)
    assert g["text"] == [["1", "-0.5"], ["0.3333", "nan"]]
    assert g["values"] == [[1.0, -0.5], [1 / 3, None]]
    assert g["pick"] == 4 and g["mask"] is None


def test_formula_block_escapes_headings_and_notes():
    html = cs.formula_block([("<b>h</b> & co", "<math></math>")], notes=["<script>x</script>"])
    assert "<b>" not in html and "<script>" not in html
    assert "&lt;b&gt;h&lt;/b&gt; &amp; co" in html and "&lt;script&gt;" in html
    assert "<math></math>" in html


def test_the_component_loads_nothing_from_the_network_and_parses_only_the_formula_as_html():
    js, css = cs.JS, cs.CSS
    assert not re.search(r"https?://|import\s*\(|fetch\(|XMLHttpRequest|@import|url\(", js + css)
    # textContent for every payload string; innerHTML only for the Python-built formula
    assert re.findall(r"\.innerHTML\s*=", js) == [".innerHTML ="]
    assert "formula.innerHTML = cell.html" in js
    assert "setStateValue" not in js and "setTriggerValue" not in js   # no round trip to Python
    assert "export default async function" in js
    # the link: rewritten in place (no reload, no navigation), never sent anywhere
    assert "history.replaceState" in js and "location.assign" not in js and "location.href =" not in js


def test_pack_is_deterministic_compact_and_inverts():
    x, w, b = CONV_5X5X3.inputs["x"][0], CONV_5X5X3.inputs["w"], CONV_5X5X3.inputs["b"]
    payload = multi_channel_steps(conv2d_trace(x, w, b, 2, 1), tr)
    blob = cs.pack(payload)
    assert cs.unpack(blob) == json.loads(json.dumps(payload))   # nothing lost
    assert cs.pack(multi_channel_steps(conv2d_trace(x, w, b, 2, 1), tr)) == blob   # same setup, same bytes
    assert len(blob) * 8 < len(json.dumps(payload))   # the MathML repeats itself: > 8x smaller
    import zlib
    assert zlib.decompress(blob)   # zlib format: what the browser's DecompressionStream("deflate") reads


def test_pack_writes_a_payload_object_it_packed_before_once(monkeypatch):
    """#14: a cached payload comes back as the same object on every rerun: packed again without writing its JSON (the
    same bytes); an equal payload in another object is written out and gives the same bytes too."""
    x, w, b = CONV_5X5X3.inputs["x"][0], CONV_5X5X3.inputs["w"], CONV_5X5X3.inputs["b"]
    payload = multi_channel_steps(conv2d_trace(x, w, b, 1, 1), tr)
    blob = cs.pack(payload)
    written, dumps = [], json.dumps
    monkeypatch.setattr(cs.json, "dumps", lambda *a, **k: written.append(1) or dumps(*a, **k))
    assert cs.pack(payload) is blob and written == []
    copy = json.loads(dumps(payload))
    assert cs.pack(copy) == blob and written == [1]


@pytest.mark.parametrize("build, url", [
    (lambda t: single_channel_steps(t, t.output, "identity", "id", tr), {"cell": "k"}),
    (lambda t: single_channel_compare(t, t, tr), {"cell": "k"}),
])
def test_single_channel_steppers_name_the_links_cell_parameter(build, url):
    trace = conv2d_trace(X4[None], H2[None, None], None, 1, 0)
    payload = build(trace)
    assert payload["url"] == url and payload["labels"]["clamped"] == tr("common.stepper_clamped")


def test_multi_channel_link_parts_and_the_pages_own_start():
    x, w, b = CONV_5X5X3.inputs["x"][0], CONV_5X5X3.inputs["w"], CONV_5X5X3.inputs["b"]
    payload = multi_channel_steps(conv2d_trace(x, w, b, 2, 1), tr, start=(1, 7, 0))
    assert payload["url"] == {"filter": "l", "row": "r", "col": "c"}
    # kept inside the 2×3×3 output for the first view, but the page's own choice is remembered as asked
    assert payload["start"] == (1 * 3 + 2) * 3 + 0 and payload["start_from"] == "1,7,0" and payload["clamped"]
    assert multi_channel_steps(conv2d_trace(x, w, b, 2, 1), tr, start=(1, 2, 0))["clamped"] is False


def test_payload_rejects_an_unknown_link_part():
    g = cs.grid(np.zeros((1, 1)), "g", pick=0)
    cell = {"label": "a", "marks": [[0, 0, 0, 0, 0, "winner"]], "html": "", "aria": ""}
    assert cs.payload([g], [cell], (1, 1, 1), {}, url={"cell": "k"})["url"] == {"cell": "k"}
    with pytest.raises(ValueError):
        cs.payload([g], [cell], (1, 1, 1), {}, url={"cell": "row"})


def test_the_shipped_script_still_parses_after_its_comments_are_stripped(tmp_path):
    import shutil
    import subprocess
    from pathlib import Path

    source = (Path(cs.__file__).parent / "cell_stepper.js").read_text(encoding="utf-8")
    assert source.count("//") > 20 and "//" not in cs.JS.replace("://", "")   # comments gone
    assert len(cs.JS) < 0.85 * len(source) and "/*" not in cs.CSS
    node = shutil.which("node")
    if node is None:
        pytest.skip("no node to parse the script (the e2e tests run it in Chromium)")
    (tmp_path / "stepper.mjs").write_text(cs.JS, encoding="utf-8")
    done = subprocess.run([node, "--check", str(tmp_path / "stepper.mjs")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_grid_editor_loads_nothing_from_the_network_and_parses_nothing_as_html():
    from ui.components import grid_editor as ge

    js, css = ge.JS, ge.CSS
    assert not re.search(r"https?://|import\s*\(|fetch\(|XMLHttpRequest|@import|url\(|innerHTML|insertAdjacentHTML|eval\(",
                         js + css)
    assert "textContent" in js and "setTriggerValue" in js and "setStateValue" not in js   # events only
    # the browser's check is the parser's own number pattern (ui.matrix_input._NUMBER)
    from ui.matrix_input import _NUMBER

    assert f"/^{_NUMBER.pattern}$/" in js


def test_the_grid_payload_writes_numbers_as_the_text_box_does():
    from ui.components import grid_editor as ge
    from ui.matrix_input import format_number, parse_matrix

    M = np.array([[1.0, -0.5], [1 / 3, 1e-7]])
    data = ge.payload(M, max_rows=2, max_cols=3, resizable=True, caption="c", labels={"add_row": "+"})
    assert data["cells"] == [[format_number(v) for v in row] for row in M]
    assert parse_matrix("\n".join(" ".join(row) for row in data["cells"])).matrix.tolist() == M.tolist()   # exact
    assert data["can"] == {"add_row": False, "remove_row": True, "add_col": True, "remove_col": True}
    json.dumps(data)
    with pytest.raises(ValueError):
        ge.payload(np.zeros((0, 2)), max_rows=2, max_cols=2, resizable=True, caption="", labels={})
