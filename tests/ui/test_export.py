"""Export: Markdown with LaTeX, the JSON setup and its loader, the PNG chart config."""

import json
import re
from urllib.parse import parse_qsl

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from cnn_core.conv import correlate2d
from ui.export import (APP_ID, CHART_CONFIG, MAX_SETUP_BYTES, ExportDoc, SetupError, chart_config, load_setup,
                       setup_json, setup_query, to_markdown)
from ui.i18n import LANGUAGES, explain_error, translate
from ui.url_state import BoolParam, ChoiceParam, FloatParam, IntParam, MatrixParam, encode_matrix, read_query

from tests.reference import correlate

X = np.array([[1, 2, 0, 1], [0, 1, 3, 1], [2, 0, 1, 0], [1, 1, 0, 2]], dtype=float)
K = np.array([[1, 0], [0, -0.5]])
SPECS = (IntParam("stride", 1, 1, 3), ChoiceParam("mode", "max", ("max", "avg")), FloatParam("lr", 0.001, 0, 1),
         BoolParam("flip", False), MatrixParam("kernel", K, 4, 4))

_BMATRIX = re.compile(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", re.S)


def bmatrices(markdown: str) -> list[np.ndarray]:
    """Every bmatrix in the text, read back as numbers (the reference for what was written)."""
    out = []
    for body in _BMATRIX.findall(markdown):
        rows = [[float(cell.strip()) for cell in row.split("&")] for row in body.split(r"\\")]
        out.append(np.array(rows))
    return out


def _worked_example() -> ExportDoc:
    y = correlate2d(X, K)
    doc = ExportDoc("Convolution")
    doc.step("Input and kernel", matrices={"X": X, "K": K})
    doc.step("First output cell", text="The window at the top left.",
             latex=[r"y_{11} = x_{11}k_{11} + x_{22}k_{22} = 1\times1 + 1\times(-0.5) = 0.5"])
    doc.step("Output", matrices={"Y = X \\star K": y})
    return doc


def test_markdown_carries_the_matrices_and_formulas():
    md = to_markdown(_worked_example(), query="stride=1", lang="en")
    assert md.startswith("# Convolution\n")
    headings = re.findall(r"^## (.*)$", md, re.M)
    assert headings == ["Input and kernel", "First output cell", "Output"]
    assert md.count("$$") % 2 == 0 and md.count("$$") == 2 * 4
    x_back, k_back, y_back = bmatrices(md)
    np.testing.assert_array_equal(x_back, X)
    np.testing.assert_array_equal(k_back, K)
    # the output printed equals a loop computation of the cross-correlation
    np.testing.assert_array_equal(y_back, correlate(X, K))
    assert "= 0.5\n$$" in md and "The window at the top left." in md
    assert md.rstrip().endswith("`?stride=1`")
    assert translate("en", "owndata.md_footer") in md


def test_markdown_footer_in_chinese():
    md = to_markdown(ExportDoc("卷积"), lang="zh")
    assert md.startswith("# 卷积") and translate("zh", "owndata.md_footer") in md


def test_setup_round_trips_through_json():
    values = {"stride": 2, "mode": "avg", "lr": 0.125, "flip": True, "kernel": np.array([[0.1, -2], [1 / 3, 4]])}
    text = setup_json("conv", SPECS, values)
    body = json.loads(text)
    assert body["app"] == APP_ID and body["page"] == "conv" and body["format"] == 1
    assert body["params"]["kernel"] == "0.1,-2;0.3333333333333333,4"  # exactly as in a link
    back, problems = load_setup(text.encode(), "conv", SPECS)
    assert problems == []
    assert {k: back[k] for k in ("stride", "mode", "lr", "flip")} == {"stride": 2, "mode": "avg", "lr": 0.125,
                                                                       "flip": True}
    np.testing.assert_array_equal(back["kernel"], values["kernel"])  # exact, not rounded


def test_setup_query_is_what_a_link_reads():
    values = {"stride": 2, "mode": "max", "lr": 0.001, "flip": False, "kernel": np.array([[1, 2], [3, 4]])}
    query = setup_query(SPECS, values)
    assert query.startswith("stride=2&kernel=") and query.count("&") == 1  # defaults left out; & separates
    assert dict(parse_qsl(query))["kernel"] == encode_matrix(np.array([[1, 2], [3, 4]]))  # the link's matrix code
    back, problems = read_query(SPECS, dict(parse_qsl(query)))
    assert problems == [] and back["stride"] == 2
    np.testing.assert_array_equal(back["kernel"], [[1, 2], [3, 4]])
    assert "mode=max" in setup_query(SPECS, values, include_defaults=True)


def _file(**params):
    return json.dumps({"app": APP_ID, "format": 1, "page": "conv", "params": params})


@pytest.mark.parametrize("params, bad", [
    ({"stride": "9"}, "stride"), ({"stride": "2.5"}, "stride"), ({"mode": "<script>"}, "mode"),
    ({"kernel": "1,2;3"}, "kernel"), ({"kernel": "nan,1"}, "kernel"), ({"kernel": "__import__('os')"}, "kernel"),
    ({"kernel": {"rows": 2}}, "kernel"), ({"kernel": [[1, 2], [3]]}, "kernel"), ({"stride": {"$gt": 1}}, "stride"), ({"lr": 1e400}, "lr"),
    ({"flip": "maybe"}, "flip"),
])
def test_bad_values_are_reported_and_replaced_by_defaults(params, bad):
    values, problems = load_setup(_file(**params), "conv", SPECS)
    assert [p.name for p in problems] == [bad]
    spec = {s.name: s for s in SPECS}[bad]
    assert np.array_equal(np.asarray(values[bad]), np.asarray(spec.default))


def test_a_json_list_matrix_goes_through_the_same_parser():
    values, problems = load_setup(_file(kernel=[[1, 2], [3, -4.5]]), "conv", SPECS)
    assert problems == []
    np.testing.assert_array_equal(values["kernel"], [[1, 2], [3, -4.5]])


def test_nan_literal_and_unknown_keys():
    text = '{"app": "%s", "format": 1, "page": "conv", "params": {"lr": NaN, "evil": "rm -rf /"}}' % APP_ID
    values, problems = load_setup(text, "conv", SPECS)
    assert [p.name for p in problems] == ["lr"] and values["lr"] == 0.001
    assert "evil" not in values


@pytest.mark.parametrize("data, code", [
    (b"", "setup_not_json"), (b"not json", "setup_not_json"), (b"\xff\xfe\x00", "setup_not_json"),
    (b"[1, 2]", "setup_bad_format"), (b'{"page": "conv", "params": {}}', "setup_bad_format"),
    (json.dumps({"app": APP_ID, "page": "conv", "params": []}).encode(), "setup_bad_format"),
    (json.dumps({"app": APP_ID, "page": "pooling", "params": {}}).encode(), "setup_wrong_page"),
    (b"[" * 60_000, "setup_not_json"),  # deeper than the JSON parser recurses
    (b" " * (MAX_SETUP_BYTES + 1), "setup_too_large"),
])
def test_unusable_files(data, code):
    with pytest.raises(SetupError) as info:
        load_setup(data, "conv", SPECS)
    assert info.value.code == code
    for lang in LANGUAGES:
        assert not explain_error(info.value, lang).startswith(translate(lang, "errors.generic", detail="")[:8])


def test_wrong_page_name_is_escaped():
    data = json.dumps({"app": APP_ID, "page": "<b>x</b>", "params": {}})
    with pytest.raises(SetupError) as info:
        load_setup(data, "conv", SPECS)
    assert "<b>" not in explain_error(info.value, "en")


def test_chart_config_keeps_only_the_png_button():
    assert CHART_CONFIG["modeBarButtons"] == [["toImage"]]
    assert CHART_CONFIG["toImageButtonOptions"]["format"] == "png"
    assert chart_config("conv_output")["toImageButtonOptions"]["filename"] == "conv_output"
    assert CHART_CONFIG.get("displayModeBar", True) is not False
    json.dumps(CHART_CONFIG)


# --------------------------------------------------------------------------- panel (AppTest)

def _app():
    import numpy as np
    import streamlit as st

    from ui.export import ExportDoc, export_panel
    from ui.matrix_input import matrix_editor
    from ui.url_state import IntParam, MatrixParam, init_from_url, sync_to_url

    specs = (IntParam("stride", 1, 1, 3), MatrixParam("kernel", [[1, 0], [0, -0.5]], 4, 4))
    init_from_url("conv", specs)
    stride = st.slider("Stride", 1, 3, key="conv.stride")
    kernel = matrix_editor("Kernel", key="conv.kernel", default=[[1, 0], [0, -0.5]], max_rows=4, max_cols=4)

    def build():
        st.session_state["built"] = st.session_state.get("built", 0) + 1
        return ExportDoc("Convolution").step("Kernel", matrices={"K": kernel if kernel is not None else np.zeros((1, 1))})

    st.session_state["md"] = export_panel("conv", specs, build)
    st.session_state["seen"] = (stride, None if kernel is None else kernel.tolist())
    sync_to_url("conv", specs)


def _panel(lang="en", *, open_=True):
    at = AppTest.from_function(_app)
    at.session_state["lang"] = lang
    at.session_state["conv.export_open"] = open_   # the panel is drawn only while open
    return at.run()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_closed_panel_is_one_header_and_builds_nothing(lang):
    at = _panel(lang, open_=False)
    assert not at.exception
    assert [exp.label for exp in at.expander] == [translate(lang, "owndata.export_title")]
    assert not at.get("download_button") and not at.get("file_uploader") and not at.caption and not at.code
    assert "built" not in at.session_state and at.session_state["md"] is None
    at.slider(key="conv.stride").set_value(2).run()                     # a rerun while closed builds nothing either
    assert "built" not in at.session_state and not at.get("download_button")
    at.session_state["conv.export_open"] = True                         # opening it (the header's rerun) draws it
    at.run()
    assert at.session_state["built"] == 1 and len(at.get("download_button")) == 2


@pytest.mark.parametrize("lang", LANGUAGES)
def test_open_panel_offers_the_same_files_as_before(lang, monkeypatch):
    import streamlit as st

    offered: dict[str, object] = {}
    real = st.download_button
    monkeypatch.setattr(st, "download_button",
                        lambda label, data, **kw: offered.__setitem__(kw["file_name"], data) or real(label, data, **kw))
    at = AppTest.from_function(_app)
    at.session_state["lang"] = lang
    at.session_state["conv.export_open"] = True
    at.query_params["stride"] = "2"
    at.run()
    assert not at.exception
    specs = (IntParam("stride", 1, 1, 3), MatrixParam("kernel", [[1, 0], [0, -0.5]], 4, 4))
    values = {"stride": 2, "kernel": np.array([[1, 0], [0, -0.5]])}
    doc = ExportDoc("Convolution").step("Kernel", matrices={"K": values["kernel"]})
    assert offered["conv.md"] == to_markdown(doc, query="stride=2", lang=lang) == at.session_state["md"]
    assert offered["conv-setup.json"] == setup_json("conv", specs, values)
    loaded, problems = load_setup(offered["conv-setup.json"], "conv", specs)   # and it reads back
    assert not problems and loaded["stride"] == 2 and np.array_equal(loaded["kernel"], values["kernel"])
    assert at.session_state["built"] == 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_panel_offers_both_downloads_and_the_link(lang):
    at = _panel(lang)
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert labels == [translate(lang, "owndata.download_md"), translate(lang, "owndata.download_json")]
    assert not at.code and translate(lang, "owndata.link_default") in [c.value for c in at.caption]
    at.slider(key="conv.stride").set_value(2).run()
    assert at.code[0].value == "?stride=2"
    assert "`?stride=2`" in at.session_state["md"]
    assert translate(lang, "owndata.png_hint") in [c.value for c in at.caption]


def test_loading_a_setup_sets_the_widgets():
    at = _panel()
    data = json.dumps({"app": APP_ID, "format": 1, "page": "conv", "params": {"stride": "3", "kernel": "5,6;7,8"}})
    at.file_uploader(key="conv.export.load").set_value(("s.json", data.encode(), "application/json")).run()
    assert not at.exception and not at.error
    assert at.session_state["seen"] == (3, [[5, 6], [7, 8]])
    assert at.query_params["stride"] == "3"
    assert at.success[0].value == translate("en", "owndata.setup_loaded")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_bad_setup_file_is_explained(lang):
    at = _panel(lang)
    at.file_uploader(key="conv.export.load").set_value(("s.json", b"{oops", "application/json")).run()
    assert not at.exception and len(at.error) == 1
    assert at.error[0].value == translate(lang, "errors.setup_not_json", line=1, col=2)
    assert at.session_state["seen"] == (1, [[1, 0], [0, -0.5]])
    data = _file(stride="7").replace('"conv"', '"conv"').encode()
    at.file_uploader(key="conv.export.load").set_value(("t.json", data, "application/json")).run()
    assert not at.error and len(at.warning) == 1 and at.session_state["seen"][0] == 1
