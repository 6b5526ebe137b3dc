"""Multi-channel convolution: the Hands-on CNN project's 5×5×3 input, two 3×3×3 filters, pad 1, stride 2.

Widgets and URL in -> ``cnn_core.conv.conv2d_trace`` -> the cell stepper, heatmaps and LaTeX out.
Every number shown comes from the trace (or ``conv_parameter_count``).
Every output cell of both filters (windows on every channel, partial sums, bias) is explained by
the browser-side cell stepper (``ui.components``): choosing a cell never reruns this script.
The channels share one size control, one message when their sizes disagree, and one paste box
for a whole C×H×W input (``ui.channels_input``).
Top to bottom: the values (input and kernels), the layer (stride, padding) with the biases and its output, the
section tabs, the export / code panels. The last three are fragments (``page_kit.url_fragment``) side by side: a layer
control reruns the layer part only (never the editors above it, nor the tabs below it, which read the layer's
settings themselves and follow it when they show it: the partial-sum maps, an open panel); a bias, which changes the
output only, the bias part inside it (the biases and the output below them).
Only the open channel's and the open kernel's editor is drawn (``ui.multi_editors``; every matrix is read
from its text, drawn or not, by each part itself: ``_values``), under a tab strip (one element, not a Streamlit tab
bar): a tab switch reruns its column's tabs alone, a new matrix the open editor's part below the strip. Each
column of the values box is a keyed fragment too: a changed matrix (size, preset, typed, grid, paste, upload) reruns
its column and the parts that show it, by name from the control's callback (``_follow_up``), never the title, the
other column or the frame (#14).
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from cnn_core.worked_examples import CONV_5X5X3
from ui import conv_multi_cache as cache
from ui.channels_input import mismatch, paste_box, resize_all, size_control
from ui.claims_view import claim_note
from ui.components.cell_stepper import cell_stepper
from ui.components.math_box import Panels, Text, math_box
from ui.exercise_view import render_check_link
from ui.export import ExportDoc, chart_config, export_panel, setup_just_loaded
from ui.formulas.conv_forward import equation_latex, multi_partial_equation, multi_total_equation
from ui.formulas.conv_multi import filter_kernels_latex
from ui.i18n import current_language, explain_error, t, translate
from ui.image_input import image_uploader
from ui.latex import display_digits, equation_lines, fmt, subscript_unicode
from ui.library_code import conv2d_code
from ui.matrix_input import matrix_editor, parse_matrix, then
from ui.multi_editors import keep_editor_state, open_index, read_matrix, texts_of
from ui.page_kit import (follow_open_panels, keep_in_range, lazy_code_panel, page_body, page_body_running, reset_button, show_chart,
                         text_title, url_fragment, url_tabs)
from ui.presets import preset_selector
from ui.url_state import ChoiceParam, FloatParam, IntParam, MatrixParam, init_from_url, sync_to_url

PAGE = "conv_multi"
CHANNELS = 3            # D: the editors offer one matrix per input channel
FILTERS = 2             # P: and one kernel per (filter, channel)
MAX_INPUT = 8           # input matrices up to 8×8 (padded up to 14×14: values still printed)
MAX_KERNEL = 5
MAX_OUT = 14            # largest output side the setup allows (8 + 2·3, kernel 1, stride 1)
MAX_BIAS = 100.0        # biases from −100 to 100
KERNEL_BOX_HEIGHT = 150  # the kernel editors' text box (px); the input's grows with its rows

X0 = CONV_5X5X3.inputs["x"][0]          # (3, 5, 5)
W0 = CONV_5X5X3.inputs["w"]             # (2, 3, 3, 3)
B0 = CONV_5X5X3.inputs["b"]             # (2,)
PRINTED_Y = CONV_5X5X3.printed["y"][0]  # (2, 3, 3)
TEXT_STRIDE = int(CONV_5X5X3.params["stride"])
TEXT_PADDING = int(CONV_5X5X3.params["padding"])
# the parameter count and the notes on the texts first: the first view needs no chart (the filters' kernels are
# already drawn by the cell stepper above), so it is not held up by the chart library (#14: 4.0 s -> 2.6 s)
SECTIONS = ("params", "filters", "partials")
X_KEYS = tuple(f"{PAGE}.x{c + 1}" for c in range(CHANNELS))
W_PAIRS = tuple((f, c) for f in range(FILTERS) for c in range(CHANNELS))
W_KEYS = tuple(f"{PAGE}.w{f + 1}{c + 1}" for f, c in W_PAIRS)

SPECS = (
    IntParam("stride", TEXT_STRIDE, 1, 4, label_key="conv_multi.stride"),
    IntParam("padding", TEXT_PADDING, 0, 3, label_key="conv_multi.padding"),
    FloatParam("b1", float(B0[0]), -MAX_BIAS, MAX_BIAS, label_key="conv_multi.bias1"),
    FloatParam("b2", float(B0[1]), -MAX_BIAS, MAX_BIAS, label_key="conv_multi.bias2"),
    ChoiceParam("filter", 1, (1, 2), label_key="conv_multi.filter"),
    IntParam("row", 1, 1, MAX_OUT, label_key="conv_multi.row"),
    IntParam("col", 1, 1, MAX_OUT, label_key="conv_multi.col"),
    ChoiceParam("tab", SECTIONS[0], SECTIONS, label_key="conv_multi.url_tab"),
    *(MatrixParam(f"x{c + 1}", X0[c], MAX_INPUT, MAX_INPUT) for c in range(CHANNELS)),
    *(MatrixParam(f"w{f + 1}{c + 1}", W0[f, c], MAX_KERNEL, MAX_KERNEL) for f, c in W_PAIRS),
)
SUPERSCRIPT = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")
# the page's parts that a values control reruns by name (``st.rerun([...])`` in its callback), in page order
(X_PART, X_EDITORS, X_EDITOR, W_PART, W_EDITORS, W_EDITOR, LAYER_PART, CHECKS_PART, BIAS_PART, OUTPUT_PART,
 SECTIONS_PART, TAKE_AWAY_PART) = (f"{PAGE}.{name}_part" for name in ("x", "x_editors", "x_editor", "w", "w_editors",
                                                                      "w_editor", "layer", "checks", "bias", "output",
                                                                      "sections", "take_away"))


def _key(name: str) -> str:
    return f"{PAGE}.{name}"


# the cached core calls, payload and figures live in ui.conv_multi_cache (wrapped once per process, not per run)
_trace, _parameter_count, _channels_figure = cache.trace, cache.parameter_count, cache.channels_figure


# --------------------------------------------------------------------------- figures


def _chart(fig: go.Figure, name: str) -> None:
    """A figure with Plotly's PNG download button only (file ``conv_multi-<name>.png``)."""
    show_chart(fig, PAGE, name, config=chart_config(f"{PAGE}-{name}"))


def _sup(f: int) -> str:
    """'⁽¹⁾' for filter index 0: the filter number as a plain-text superscript."""
    return f"({f + 1})".translate(SUPERSCRIPT)


def _channel_titles() -> tuple[str, ...]:
    return tuple(t("figure.channel", index=c + 1) for c in range(CHANNELS))


def _size_text(shape) -> str:
    return f"{shape[0]}×{shape[1]}"


def _size_message(names: list[str], shapes: list, size: tuple[int, int], keys: tuple[str, ...], cap: int,
                  what: str) -> bool:
    """One message in view when the matrices' sizes disagree (with a button that makes them one size).

    Returns True when they all agree (or do not parse: their own message is under the editor)."""
    odd, new = mismatch(shapes, size)
    if not odd:
        return True
    listed = t("conv_multi.list_sep").join(t("conv_multi.listed_item", name=names[k], size=_size_text(shapes[k]))
                                            for k in odd)
    st.warning(t(f"conv_multi.{what}_sizes", listed=listed, size=_size_text(size)))
    if new is not None:
        st.button(t(f"conv_multi.{what}_resize", size=_size_text(new)), key=_key(f"{what}_resize"),
                  on_click=then(resize_all, _follow_up("x" if what == "input" else "w", column_part=True)),
                  args=(keys, *new, _key(f"{what}_size")),
                  kwargs=dict(max_rows=cap, max_cols=cap))
    return False


def _export_doc(x, w, b, trace, stride: int, padding: int, start: tuple[int, int, int]) -> ExportDoc:
    """The worked example to take away: the setup, the chosen cell channel by channel, both output maps."""
    filters, oh, ow = trace.output.shape
    f, i, j = (min(max(int(v), 0), n - 1) for v, n in zip(start, (filters, oh, ow)))
    doc = ExportDoc(t("conv_multi.title"))
    doc.step(t("conv_multi.export_input"), text=t("conv_multi.export_settings", stride=stride, padding=padding,
                                                    b1=fmt(b[0]), b2=fmt(b[1])),
             matrices={f"x^{{({c + 1})}}": x[c] for c in range(CHANNELS)})
    doc.step(t("conv_multi.export_filters"),
             matrices={f"w^{{({ff + 1},{c + 1})}}": w[ff, c] for ff, c in W_PAIRS})
    lines = [equation_latex(multi_partial_equation(trace, f, i, j, c)) for c in range(CHANNELS)]
    lines.append(equation_latex(multi_total_equation(trace, f, i, j)))
    doc.step(t("conv_multi.export_cell", f=f + 1, cell=subscript_unicode("z", i, j)), latex=lines)
    doc.step(t("conv_multi.export_output"),
             matrices={f"z^{{({ff + 1})}}": trace.output[ff] for ff in range(filters)})
    return doc


# --------------------------------------------------------------------------- every output cell (in the browser)
# Every cell's windows and formulas for one setup, sent once: choosing a cell never reruns the script.
# One shared object per setup (``cache.steps_payload``: no pickled copy per rerun; the reader's digits in the key).
_steps_payload = cache.steps_payload


def _general_formula() -> str:
    """z⁽ᶠ⁾ᵢⱼ = Σ_c S_c + b_f, then S_c as the double sum over the kernel (no numbers): two aligned lines, so
    the formula fits a phone's column (one line with an underbrace was wider than 390 px)."""
    return (f"\\begin{{aligned}} z^{{(f)}}_{{ij}} &= \\sum_{{c=1}}^{{{CHANNELS}}} S_c + b_{{f}}, \\\\ "
            "S_c &= \\sum_{u=1}^{U} \\sum_{v=1}^{V} \\tilde{x}^{(c)}_{(i-1)s+u,\\,(j-1)s+v}\\, w^{(f,c)}_{uv}"
            " \\end{aligned}")


def _small(text: str) -> str:
    """Our own words (a locale string, never user text) in Markdown as a caption looks: small and grey."""
    return f":gray[:small[{text}]]"


def _missing() -> None:
    st.info(t("conv_multi.no_trace"))


def _filters(w) -> None:
    """Tab 'the two filters': each filter's kernels written out, one matrix per input channel (the cell stepper
    above draws the same kernels shaded; a heatmap here was a second chart to redraw on every tab switch)."""
    if w is None:
        _missing()
        return
    # the filters side by side under their titles, MathML in one math box (not KaTeX typeset: #14 round 9)
    math_box([Panels(tuple((t("conv_multi.filter_fig_title", f=f + 1, kh=w.shape[2], kw=w.shape[3]),
                            filter_kernels_latex(w[f], f)) for f in range(FILTERS)))], _key("filters_math"))
    st.caption(t("conv_multi.filters_caption"))


def _partial_maps(trace, lang: str) -> None:
    """Tab 'partial-sum maps' of the filter chosen here."""
    f_sel = st.radio(t("conv_multi.filter"), (1, 2), key=_key("filter"), horizontal=True,
                     format_func=lambda n: translate(lang, "conv_multi.filter_option", n=n))
    f_idx = int(f_sel) - 1
    st.markdown(f"**{t('conv_multi.partial_maps_title', f=f_idx + 1)}**")
    maps = np.moveaxis(trace.partial_sums[f_idx], -1, 0)   # (OH, OW, C) -> (C, OH, OW): a view, no math
    _chart(_channels_figure(maps, lang, t("conv_multi.partial_fig_title", f=f_idx + 1), _channel_titles(), "S",
                            True), "partials_fig")
    st.caption(t("conv_multi.partial_caption", f=f_idx + 1, b=fmt(float(trace.bias[f_idx]))))


def _params_and_notes(w, lang: str) -> None:
    """Tab 'parameters and notes'."""
    if w is not None:
        P, D, U, V = w.shape
        # the title, the rule and the count in one math box (MathML drawn by the browser, not typeset by KaTeX: #14
        # round 9; the title a paragraph of its own in it, not an element: #14 round 13)
        math_box([Text(f"**{t('conv_multi.section_params')}**"), Text(t("conv_multi.params_text")),
                  equation_lines("N_{\\text{params}} = P \\cdot D \\cdot U \\cdot V + P",
                                 f"{P} \\cdot {D} \\cdot {U} \\cdot {V} + {P}", _parameter_count(P, D, U, V))],
                 _key("params_math"))
        render_check_link("param_count", filters=P, channels=D, kernel_hw=(U, V))
    else:
        st.markdown(f"**{t('conv_multi.section_params')}**\n\n{t('conv_multi.params_text')}")
        _missing()
    claim_note("s004_param_count", lang)
    st.markdown(f"**{t('conv_multi.section_notes')}**")
    claim_note("s002_feature_map", lang)
    st.caption(t("conv_multi.conventions"))


def _layer_box() -> None:
    """Stride and padding (the biases sit with the output they change: ``_biases``)."""
    with st.container(border=True):
        # the title and its words in one element (a caption's look: small, grey): every pass of the page re-renders
        # each element, ~20 React components apiece (#14 round 13)
        st.markdown(f"**{t('conv_multi.layer_box')}**  \n{_small(t('conv_multi.layer_caption'))}")
        c1, c2 = st.columns(2)
        c1.slider(t("conv_multi.stride"), 1, 4, key=_key("stride"))
        c2.slider(t("conv_multi.padding"), 0, 3, key=_key("padding"))


def _biases() -> None:
    """The two biases, in the bias part (``_bias_and_output``) above the stepper: a typed bias beyond ±100 is moved
    inside, with a message."""
    # no bounds on the widgets: a typed 500 arrives and is moved to 100 with a message (never silently kept)
    moved = {name: keep_in_range(_key(name), -MAX_BIAS, MAX_BIAS, float(B0[k])) for k, name in enumerate(("b1", "b2"))}
    c1, c2 = st.columns(2)
    c1.number_input(t("conv_multi.bias1"), step=1.0, key=_key("b1"), help=t("conv_multi.bias_help", max=fmt(MAX_BIAS)))
    c2.number_input(t("conv_multi.bias2"), step=1.0, key=_key("b2"), help=t("conv_multi.bias_help", max=fmt(MAX_BIAS)))
    for name, label in (("b1", "conv_multi.bias1"), ("b2", "conv_multi.bias2")):
        if moved[name] is not None:
            typed, used = moved[name]
            st.info(t("conv_multi.bias_moved", name=t(label), typed=fmt(typed), used=fmt(used), max=fmt(MAX_BIAS)))


# --------------------------------------------------------------------------- the layer and its output
# Three parts below the values box, each a fragment (``page_kit.url_fragment``) that reruns alone and reads the
# values (x, w) from the editors' texts itself (``_values``):
# - the layer (stride, padding) and the cell stepper of its output: a slider reruns this part only, a bias the bias
#   part inside it (the biases and the stepper: ``_bias_and_output``);
# - the section tabs (parameter count and notes, the filters, the partial-sum maps): they read the layer's
#   settings themselves, so a layer control does not send them again (#14: 51 -> 31 messages per slider move);
#   with the partial-sum maps open, which follow the layer, a layer change reruns the page;
# - the export / code panels: closed, they hold nothing of the layer; open, a layer change reruns the page.
# Editing a value reruns the column it sits in and these parts (``_follow_up``), never the page around them.
LAYER_NAMES = ("stride", "padding")
BIAS_NAMES = ("b1", "b2")
FOLLOWERS = ("export_open", "code_open", "partials_open")   # what shows the layer below the layer part, when open


def _layer_settings() -> tuple[int, int, np.ndarray]:
    """Stride, padding and biases as the layer part last used them (its widgets' values, a bias moved inside)."""
    state = st.session_state
    stride, padding = (int(state.get(_key(name), default)) for name, default in
                       (("stride", TEXT_STRIDE), ("padding", TEXT_PADDING)))
    return stride, padding, np.array([float(state.get(_key(name), B0[k])) for k, name in enumerate(("b1", "b2"))])


class Values(NamedTuple):
    """The values box's matrices as their editors' texts hold them now (drawn or not)."""
    x: np.ndarray | None          # (C, H, W), None while a channel does not parse or the sizes disagree
    w: np.ndarray | None          # (F, C, KH, KW), likewise
    x_parts: list                 # C matrices (H, W), None where the text does not parse
    w_parts: list                 # F·C kernels (KH, KW) in W_PAIRS order, None where the text does not parse
    x_size: tuple[int, int]       # the size control's rows × cols (what the matrices should be)
    w_size: tuple[int, int]


def _values() -> Values:
    """Every matrix read from its editor's text (a text not set yet starts as the text's example), stacked when
    all parse and have the size control's size. Each part reads them itself: a part rerun by a values control's
    callback (``_follow_up``) gets the arguments of the page's last full run, not the new matrices."""
    state = st.session_state
    x_parts = [read_matrix(key, default, max_rows=MAX_INPUT, max_cols=MAX_INPUT)
               for key, default in zip(X_KEYS, (X0[c] for c in range(CHANNELS)))]
    w_parts = [read_matrix(key, default, max_rows=MAX_KERNEL, max_cols=MAX_KERNEL)
               for key, default in zip(W_KEYS, (W0[f, c] for f, c in W_PAIRS))]

    def size(name: str, parts: list, default: tuple[int, int]) -> tuple[int, int]:
        rows, cols = (state.get(_key(f"{name}.{axis}")) for axis in ("rows", "cols"))
        if rows is None or cols is None:   # before the size control's first run: the shape they share
            shapes = {m.shape for m in parts if m is not None}
            return shapes.pop() if len(shapes) == 1 else tuple(default)
        return int(rows), int(cols)

    x_size, w_size = size("x_size", x_parts, X0.shape[1:]), size("w_size", w_parts, W0.shape[2:])
    x_ok = all(m is not None and m.shape == x_size for m in x_parts)
    w_ok = all(m is not None and m.shape == w_size for m in w_parts)
    x = np.stack(x_parts) if x_ok else None
    w = np.stack([np.stack(w_parts[f * CHANNELS:(f + 1) * CHANNELS]) for f in range(FILTERS)]) if w_ok else None
    return Values(x, w, x_parts, w_parts, x_size, w_size)


def _value_messages(values: Values) -> None:
    """One message in view for everything the values box needs fixed (each editor also says why under itself)."""
    x_names = [t("conv_multi.editor_channel", c=c + 1) for c in range(CHANNELS)]
    w_names = [t("conv_multi.editor_kernel", f=f + 1, c=c + 1) for f, c in W_PAIRS]
    bad = ([x_names[c] for c, m in enumerate(values.x_parts) if m is None]
           + [w_names[k] for k, m in enumerate(values.w_parts) if m is None])
    if bad:
        st.error(t("conv_multi.bad_matrix", what=t("conv_multi.list_sep").join(bad)))
    shapes = lambda parts: [None if m is None else m.shape for m in parts]  # noqa: E731
    _size_message(x_names, shapes(values.x_parts), values.x_size, X_KEYS, MAX_INPUT, "input")
    _size_message(w_names, shapes(values.w_parts), values.w_size, W_KEYS, MAX_KERNEL, "kernel")


def _follow_up(column: str, *, column_part: bool = False, typed: bool = False):
    """The callback that follows a values control of ``column`` ("x" or "w") once it has written its matrices
    (``ui.matrix_input.then``): rerun that column's editor tabs and the parts that show the values, by name,
    instead of the page (#14: a new input size, preset or typed kernel redrew the title, the other column and every
    part; a control inside an editor's tab even reran the whole app, frame and navigation included).

    A size, a preset or a typed matrix keeps the size control as it is (it shows what was chosen, or the sizes
    disagree), so the column's size control, paste box and uploader are not sent again; a paste, an upload or a
    resize button may give every matrix a new size: ``column_part`` reruns the whole column. The other column
    never shows this column's matrices; the section tabs only when what their open tab shows changed
    (``_sections_shown``); the export / code panels only when open.

    ``typed``: the editor's own text box (and its grid). A typed matrix is already in the box the student typed it
    into: when the editor's part would show nothing else new (no grid, no message under the text before or after, the
    same height: ``_editor_look``), that part is not rerun, only the parts that show the values (#14 round 13: the
    preset menu, the text box and the grid toggle were sent again with every typed matrix)."""
    return functools.partial(_rerun_value_parts, column, column_part, typed)


def _sections_shown(values: Values) -> tuple:
    """What the open section tab shows of the values: the parameter count the kernels' shape (or that they do not
    parse), the filters tab the kernels, the partial-sum maps every matrix (the layer's settings follow it otherwise:
    ``follow_open_panels``)."""
    tab = st.session_state.get(_key("tab"), SECTIONS[0])
    if tab == "params":
        return tab, None if values.w is None else values.w.shape
    if tab == "filters":
        return tab, None if values.w is None else (values.w.shape, values.w.tobytes())
    return tab, texts_of(X_KEYS + W_KEYS)


def _rerun_value_parts(column: str, column_part: bool, typed: bool = False) -> None:
    state = st.session_state
    state[_key("texts_used")] = texts_of(X_KEYS + W_KEYS)   # the parts below read these: nothing left to catch up
    own = {("x", True): X_PART, ("x", False): X_EDITOR, ("w", True): W_PART, ("w", False): W_EDITOR}
    parts = [own[column, column_part], CHECKS_PART, OUTPUT_PART]   # the layer's own controls are not sent again
    if typed and not column_part:
        before = state.get(_key(f"{column}.editor_look"))
        cap, height = (MAX_INPUT, None) if column == "x" else (MAX_KERNEL, KERNEL_BOX_HEIGHT)
        if before is not None and before == _editor_look(before[0], cap, height) and not any(before[1:3]):
            parts.remove(own[column, False])   # the box shows the typed text already, and nothing else changed
    if state.get(_key("sections_shown")) != _sections_shown(_values()):
        parts.append(SECTIONS_PART)
    if state.get(_key("export_open")) or state.get(_key("code_open")):
        parts.append(TAKE_AWAY_PART)
    st.rerun(parts)


def _layer_trace(x, w, b, stride: int, padding: int):
    """(trace, error): the core's trace of this setup, or the reason it has none (bad values: both None)."""
    if x is None or w is None:
        return None, None
    try:
        return _trace(x, w, b, stride, padding), None
    except ValueError as err:  # CoreValueError: e.g. kernel larger than the padded input
        return None, err


@url_fragment(PAGE, SPECS, key=LAYER_PART)
def _layer_and_output(lang: str) -> None:
    """The values' messages, the layer box, the output's heading and words, the biases and the output: a layer control
    reruns all of them; a bias the biases and the output (``_bias_and_output``); a values control only the messages
    and the output (keyed parts inside this one), the layer box's widgets and the words above the stepper stay as
    they are."""
    _checks()
    _layer_box()
    # what is drawn below this part follows the layer: an open panel or the open partial-sum maps
    follow_open_panels(PAGE, LAYER_NAMES, FOLLOWERS)
    _output_header()
    _bias_and_output(lang)


@url_fragment(PAGE, SPECS, key=BIAS_PART)
def _bias_and_output(lang: str) -> None:
    """The biases and the output part below them: a bias changes the output only, so its own rerun is this part (two
    number inputs, the stepper and its words), not the layer part around it (#14 round 13: the layer box's sliders,
    the heading, the general formula and its words were sent again with every bias). A values control reruns the
    output part inside it by name (``_follow_up``), not the biases."""
    _biases()
    # what is drawn below the layer part follows the biases too: an open panel or the open partial-sum maps
    follow_open_panels(PAGE, BIAS_NAMES, FOLLOWERS)
    _output(lang)


def _output_header() -> None:
    """The output's heading and what it says before the stepper: the same words and general formula for every setup
    with an output, so they belong to the layer part and a new matrix (which reruns the output part) does not send
    them again (#14: five elements fewer for the browser to build per new size, preset or typed matrix). They show
    while there is an output; when a part's rerun makes it appear or go, the whole page reruns (``_output``)."""
    values = _values()
    stride, padding, b = _layer_settings()
    if _layer_trace(values.x, values.w, b, stride, padding)[0] is None:
        st.subheader(t("conv_multi.section_steps"))
        return
    # the heading, the words and the formula's caption in one element (three before: #14 round 13)
    st.markdown(f"### {t('conv_multi.section_steps')}\n\n{t('conv_multi.cell_intro')}\n\n"
                f"{_small(t('conv_multi.cell_general'))}")
    # MathML in a math box: the same markup on every layer change, so the browser does not parse it again
    math_box([_general_formula()], _key("general_math"))
    # how to use the stepper and how to read its subscripts: one caption of two paragraphs (one element fewer)
    st.caption(t("conv_multi.cs_caption") + "\n\n" + t("conv_multi.cell_subscripts"))


@st.fragment(key=CHECKS_PART)
def _checks() -> None:
    with st.container():   # always one element: the part keeps its place when it has no message (and later gets one)
        _value_messages(_values())


@url_fragment(PAGE, SPECS, key=OUTPUT_PART)
def _output(lang: str) -> None:
    """The cell stepper of the layer's output, with what changes with the setup: the maps' size, the note on the text's
    example (the values and the layer read by this part; the words above it are ``_output_header``'s)."""
    values = _values()
    x, w = values.x, values.w
    stride, padding, b = _layer_settings()
    trace, trace_error = _layer_trace(x, w, b, stride, padding)
    state = st.session_state
    # the panels below appear or go with the layer's output (a kernel larger than the padded input)
    if not page_body_running(PAGE) and state.get(_key("take_away_drawn"), trace is not None) != (trace is not None):
        st.rerun(scope="app")
    is_text_setup = (stride == TEXT_STRIDE and padding == TEXT_PADDING and x is not None and w is not None
                     and x.shape == X0.shape and w.shape == W0.shape
                     and np.array_equal(x, X0) and np.array_equal(w, W0) and np.array_equal(b, B0))

    # the heading, the words and the general formula above the stepper are the layer part's (``_output_header``)
    # the first cell shown comes from the link (?filter=&row=&col=, 1-based); the payload keeps it inside
    start = tuple(int(state.get(_key(name), 1)) - 1 for name in ("filter", "row", "col"))
    if trace is not None:
        cell_stepper(_steps_payload(x, w, b, stride, padding, lang, start, display_digits()), key=_key("stepper"))
        oh, ow = trace.output.shape[1:]
        size = t("conv_multi.output_size", oh=oh, ow=ow)
        if is_text_setup:
            st.caption(size)
            if np.array_equal(trace.output, PRINTED_Y):
                claim_note("s003_forward_printed", lang)
            else:
                st.error(t("conv_multi.text_differs", text=text_title("003")))
        else:   # one caption of two paragraphs (an element fewer to send for every new setup)
            st.caption(size + "\n\n" + t("conv_multi.text_custom", text=text_title("003")))
    elif trace_error is not None:
        st.error(explain_error(trace_error))
        st.info(t("conv_multi.no_trace"))
    else:
        st.info(t("conv_multi.no_trace"))
    if is_text_setup:   # the text's own test setup (beside its verdict, since it depends on the layer too)
        claim_note("s003_test_4x4", lang)
    if trace is None and x is not None:
        _chart(_channels_figure(x, lang, t("conv_multi.input_raw_fig_title", c=CHANNELS), _channel_titles(), "x"),
               "input")


# The tabs and the take-away panels are fragments of their own: a tab switch, the filter radio or opening the
# export / code panel reruns only that piece (a few elements), never the layer box and the cell stepper.
@url_fragment(PAGE, SPECS, key=SECTIONS_PART)
def _sections(lang: str) -> None:
    values = _values()
    x, w = values.x, values.w
    tabs = url_tabs(PAGE, "section", "tab", SECTIONS, [t(f"conv_multi.tab_{name}") for name in SECTIONS])
    st.session_state[_key("sections_shown")] = _sections_shown(values)
    # the open export panel writes the open tab and filter into its link and file (closed, this part reruns alone)
    follow_open_panels(PAGE, ("tab", "filter"))
    st.session_state[_key("partials_open")] = st.session_state.get(_key("tab")) == "partials"
    for name, tab in zip(SECTIONS, tabs):
        if tab.open is False:   # only the open tab is computed and sent
            continue
        with tab:
            if name == "filters":
                _filters(w)
            elif name == "params":
                _params_and_notes(w, lang)
            else:
                stride, padding, b = _layer_settings()
                trace, _ = _layer_trace(x, w, b, stride, padding)
                if trace is None:
                    _missing()
                else:
                    _partial_maps(trace, lang)


@url_fragment(PAGE, SPECS, key=TAKE_AWAY_PART)
def _take_away() -> None:
    """Export and the same in a library (nothing without an output)."""
    if setup_just_loaded(PAGE):   # a loaded setup file changed the editors and the layer: the whole page again
        st.rerun()
    values = _values()
    x, w = values.x, values.w
    stride, padding, b = _layer_settings()
    trace, _ = _layer_trace(x, w, b, stride, padding)
    st.session_state[_key("take_away_drawn")] = trace is not None
    if trace is None:
        return
    start = tuple(int(st.session_state.get(_key(name), 1)) - 1 for name in ("filter", "row", "col"))
    export_panel(PAGE, SPECS, lambda: _export_doc(x, w, b, trace, stride, padding, start))
    lazy_code_panel(PAGE, lambda: conv2d_code(x, w, b, stride=stride, padding=padding))


# --------------------------------------------------------------------------- the editors (one column's tabs)
def _editors(name: str, keys: tuple[str, ...], names: tuple[str, ...], labels: tuple[str, ...],
             defaults: tuple[np.ndarray, ...], kind: str, cap: int, height: int | None, column: str) -> None:
    """One column's tabs (a keyed fragment each: rerun on a switch): a tab strip, and only the open matrix's preset
    menu and editor drawn below it (``_editor``, a keyed part of its own).

    A matrix changed (typed, a grid cell, a preset, a new size) reruns the open editor's part and the parts that show
    it (their callbacks' ``_follow_up``); the grid toggle that part alone; a tab switch these tabs. A matrix changed
    some other way since the parts last read them reruns the whole app (a safety net: nothing known does that)."""
    if texts_of(X_KEYS + W_KEYS) != st.session_state.get(_key("texts_used")):
        st.rerun()
    # a strip of tabs (one element: ~20 React components every pass, a Streamlit tab bar ~110: #14 round 12)
    shown = open_index(_key(name), labels, t(f"conv_multi.{name}_strip"))
    for k in range(len(keys)):
        # a hidden editor's text (and grid toggle, seed) must outlive its widget; an editor drawn again is sent
        # with that text (written this run), else the browser would show its empty default
        if k != shown or st.session_state.get(_key(f"{name}.drawn")) != keys[k]:
            keep_editor_state(keys[k])
    st.session_state[_key(f"{name}.drawn")] = keys[shown]
    st.fragment(key=X_EDITOR if column == "x" else W_EDITOR)(_editor)(
        keys, shown, names[shown], defaults[shown], kind, cap, height, column)


def _editor(keys: tuple[str, ...], shown: int, name: str, default: np.ndarray, kind: str, cap: int,
            height: int | None, column: str) -> None:
    """The open tab's preset menu and editor (H×W text, grid) of editor ``keys[shown]``, a keyed part below its
    column's tab strip: a new size, a preset, a typed matrix or a grid edit reruns this part (and the parts below), not
    the strip above it (#14 round 12: the tab bar and its tabs were sent again with every new matrix). A tab switch
    reruns the column's tabs, and with them this part for the newly open matrix (its arguments)."""
    for k, hidden in enumerate(keys):
        # every tab's editor was drawn in this part: a run of it alone would drop the hidden ones' texts with their
        # widgets (Streamlit forgets the widgets of a part that it reruns and that do not appear)
        if k != shown:
            keep_editor_state(hidden)
    key = keys[shown]
    preset_selector(key, kind=kind, example=default, max_rows=cap, max_cols=cap, on_change=_follow_up(column))
    matrix_editor(name, key=key, default=default, max_rows=cap, max_cols=cap, height=height,
                  on_change=_follow_up(column, typed=True))
    # what a typed text would have to change in this part (``_rerun_value_parts``)
    st.session_state[_key(f"{column}.editor_look")] = _editor_look(key, cap, height)


def _editor_look(key: str, cap: int, height: int | None) -> tuple:
    """What the open editor's part shows of its text besides the text itself: the grid (toggle on), the message under
    a text that does not parse, the box's height (it grows with the rows when not fixed)."""
    state = st.session_state
    text = str(state.get(key, "") or "")
    bad = parse_matrix(text, max_rows=cap, max_cols=cap).error is not None
    return key, bool(state.get(f"{key}.grid_on")), bad, text.count("\n") if height is None else None


# --------------------------------------------------------------------------- the values box's columns
# Each column is a part of its own (keyed, rerun by its controls' callbacks with the parts below, ``_follow_up``):
# a new size, preset, paste, upload or typed matrix redraws its column, not the title or the other column.
@st.fragment(key=X_PART)
def _input_column() -> None:
    st.caption(t("conv_multi.input_tabs", max=MAX_INPUT))
    size_control(X_KEYS, key=_key("x_size"), max_rows=MAX_INPUT, max_cols=MAX_INPUT,
                 labels=(t("conv_multi.size_rows"), t("conv_multi.size_cols")), default=X0.shape[1:],
                 help=t("conv_multi.size_help"), on_change=_follow_up("x"))
    x_names = tuple(t("conv_multi.editor_channel", c=c + 1) for c in range(CHANNELS))
    x_labels = tuple(t("conv_multi.tab_channel", c=c + 1) for c in range(CHANNELS))
    st.fragment(key=X_EDITORS)(_editors)("x_tab", X_KEYS, x_names, x_labels, tuple(X0[c] for c in range(CHANNELS)),
                                         "input", MAX_INPUT, None, "x")
    paste_box(X_KEYS, key=_key("paste"), max_rows=MAX_INPUT, max_cols=MAX_INPUT,
              title=t("conv_multi.paste_title"), label=t("conv_multi.paste_label"),
              help=t("conv_multi.paste_help"), button=t("conv_multi.paste_use"),
              done=t("conv_multi.paste_done"), on_change=_follow_up("x", column_part=True))
    image_uploader(X_KEYS, key=_key("upload"), size=(MAX_INPUT, MAX_INPUT),
                   on_change=_follow_up("x", column_part=True))


@st.fragment(key=W_PART)
def _kernel_column() -> None:
    st.caption(t("conv_multi.filter_tabs", max=MAX_KERNEL))
    size_control(W_KEYS, key=_key("w_size"), max_rows=MAX_KERNEL, max_cols=MAX_KERNEL,
                 labels=(t("conv_multi.size_rows"), t("conv_multi.size_cols")), default=W0.shape[2:],
                 help=t("conv_multi.kernel_size_help"), on_change=_follow_up("w"))
    w_names = tuple(t("conv_multi.editor_kernel", f=f + 1, c=c + 1) for f, c in W_PAIRS)
    w_labels = tuple(t("conv_multi.tab_kernel", f=f + 1, c=c + 1) for f, c in W_PAIRS)
    st.fragment(key=W_EDITORS)(_editors)("w_tab", W_KEYS, w_names, w_labels, tuple(W0[f, c] for f, c in W_PAIRS),
                                         "kernel", MAX_KERNEL, KERNEL_BOX_HEIGHT, "w")


# --------------------------------------------------------------------------- the page: values in, then the layer part
init_from_url(PAGE, SPECS)
lang = current_language()

st.title(t("conv_multi.title"))
st.markdown(t("conv_multi.intro"))
# in the page body, not in the layer part below: a click reruns the whole page, so the editors show the text's
# values again (a button inside the fragment would rerun only the fragment and leave the editors as they were)
reset_button(PAGE, SPECS, t("conv_multi.reset"), help=t("conv_multi.reset_help", text=text_title("003")))

# ---- the values box: input channels and kernels
# Every matrix is read from its text (session state) by each part (``_values``); only the open channel's and the
# open kernel's editor is drawn, each column's tabs and editor a fragment of its own (``_editors``): switching a tab
# or the grid toggle reruns that column's tabs alone, a change of a matrix its column and the parts below.
_values()   # every editor's text set (the text's example until then) before a part draws or reads one
st.session_state[_key("texts_used")] = texts_of(X_KEYS + W_KEYS)
with st.container(border=True):
    st.markdown(f"**{t('conv_multi.values_box', text=text_title('003'))}**")
    x_col, w_col = st.columns([2, 3])
    with x_col:
        _input_column()
    with w_col:
        _kernel_column()

with page_body(PAGE):    # the parts below tell the page's run from their own rerun
    _layer_and_output(lang)
    _sections(lang)
    _take_away()
sync_to_url(PAGE, SPECS)
