"""Convolution (one channel): the Hands-on CNN project's 4×4 input and 2×2 kernel, every output cell written out.

Widgets and URL in -> cnn_core (conv2d_trace, rot180, activate) -> ui renderers out.
Every number on screen comes from a ConvTrace or from ``activate``; this script only
picks, labels and lays them out. The output cells are explained by the browser-side cell
stepper (``ui.components``): every cell's window and formula is sent once, and choosing a
cell never reruns this script.
The section tabs and the take-away panels are keyed parts (``st.fragment(key=...)``): a tab switch or a panel reruns
its own part only (#14); each part reads the setup itself (``_setup``). A new input or kernel (a preset, typed, the
grid) reruns the page, in one script run: round 10 reran the kernel's column and the parts below by name from its
callback instead, which costs two runs (docs/ARCHITECTURE.md, "What a control costs the browser") and measured
slower than the input's page run (kernel preset 142 ms against the input preset's 123 ms, round 10).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import streamlit as st

from cnn_core.activations import ACTIVATIONS, activate
from cnn_core.conv import rot180
from cnn_core.worked_examples import CONV_4X4
from ui.claims_view import claim_note
from ui.components.choice_menu import choice_menu
from ui.components.cell_stepper import cell_stepper
from ui.conv_single_cache import (DEFAULT_INPUT, DEFAULT_KERNEL, compare_payload, formula_table, is_text_example,
                                 shows_eq5, step_payload)
from ui.conv_single_cache import trace as _trace
from ui.exercise_view import render_check_link
from ui.export import ExportDoc, export_panel, setup_just_loaded
from ui.formulas.conv_forward import (Sym, activation_equation, equation_latex, flipped_kernel_index,
                                      single_net_equation)
from ui.html_grid import cell_names, grids_html, matrix_table
from ui.i18n import current_language, explain_error, t
from ui.image_input import image_uploader
from ui.latex import display_digits, subscript_unicode
from ui.library_code import conv2d_code
from ui.matrix_input import matrix_editor
from ui.multi_editors import read_matrix
from ui.page_kit import activation_name, follow_open_panels, lazy_code_panel, reset_button, text_title, url_fragment, url_tabs
from ui.presets import preset_selector
from ui.url_state import ChoiceParam, IntParam, MatrixParam, init_from_url, sync_to_url

PAGE = "conv_single"
FROM_TEXT = tuple(CONV_4X4.inputs["from_text"])  # input cells the text prints (0-based)
MAX_INPUT, MAX_KERNEL, MAX_CELLS = 12, 6, 144
TABLE_BOX_ROWS, TABLE_BOX_PX = 12, 480   # the formula table scrolls in a box beyond 12 rows

SPECS = (
    MatrixParam("input", DEFAULT_INPUT, MAX_INPUT, MAX_INPUT, label_key="conv_single.url_input"),
    MatrixParam("kernel", DEFAULT_KERNEL, MAX_KERNEL, MAX_KERNEL, label_key="conv_single.url_kernel"),
    IntParam("stride", int(CONV_4X4.params["stride"]), 1, 3),
    IntParam("padding", int(CONV_4X4.params["padding"]), 0, 2),
    ChoiceParam("activation", CONV_4X4.params["activation"], ACTIVATIONS,
                label_key="conv_single.activation_label"),
    IntParam("cell", 1, 1, MAX_CELLS, label_key="conv_single.url_cell"),
    ChoiceParam("tab", "step", ("step", "inputs", "compare", "table"), label_key="conv_single.url_tab"),
)
SECTIONS = ("step", "inputs", "compare", "table")
# the page's parts: a tab switch or a panel reruns its own
SECTIONS_PART, TAKE_AWAY_PART = (f"{PAGE}.{name}_part" for name in ("sections", "take_away"))

# the trace (_trace), the steppers' payloads and the formula table are cached in ui.conv_single_cache (built
# once per process: a cache wrapper built here would re-read its function's source on every rerun)
# rot180 and activate on at most 12×12 numbers take microseconds: calling them costs less than
# hashing their arguments for a cache.
_rot180 = rot180
_activate = activate


def key(name: str) -> str:
    return f"{PAGE}.{name}"


def editor_height(name: str) -> int:
    """Tall enough to show every typed row (the widget's own default cuts the last one)."""
    lines = str(st.session_state.get(key(name), "")).count("\n") + 1
    return int(min(max(90, 26 * lines + 30), 340))


class Setup(NamedTuple):
    """What the parts below the controls show, read from session state (``_setup``)."""
    x: np.ndarray | None        # (H, W) input, None while its text does not parse
    w: np.ndarray | None        # (KH, KW) kernel, likewise
    stride: int
    padding: int
    activation: str
    trace: object | None        # the core's ConvTrace of the setup, None without one
    error: ValueError | None    # why the core gave none (e.g. a kernel larger than the padded input)


def _setup() -> Setup:
    """The setup as the widgets hold it now (the editors' texts, the sliders, the activation), with its trace. Each part
    reads it itself: a part rerun alone gets the arguments and the globals of the page's last full run."""
    state = st.session_state
    x = read_matrix(key("input"), DEFAULT_INPUT, max_rows=MAX_INPUT, max_cols=MAX_INPUT)
    w = read_matrix(key("kernel"), DEFAULT_KERNEL, max_rows=MAX_KERNEL, max_cols=MAX_KERNEL)
    defaults = {spec.name: spec.default for spec in SPECS}
    stride, padding = (int(state.get(key(name), defaults[name])) for name in ("stride", "padding"))
    activation = str(state.get(key("activation"), defaults["activation"]))
    trace = error = None
    if x is not None and w is not None:
        try:
            trace = _trace(x[None], w[None, None], None, stride, padding)
        except ValueError as err:  # e.g. kernel larger than the padded input
            error = err
    return Setup(x, w, stride, padding, activation, trace, error)


def export_doc(x: np.ndarray, w: np.ndarray, trace, out: np.ndarray, activation: str, stride: int, padding: int,
               cell: int) -> ExportDoc:
    """The worked example to take away: input and kernel, the chosen cell's sums, both output maps."""
    oh, ow = trace.output.shape[1:]
    i, j = divmod(min(max(cell, 0), oh * ow - 1), ow)
    o = Sym("o", (i, j))
    net_sym, out_sym = Sym("net", sub=o), Sym("out", sub=o)
    net = single_net_equation(trace, i, j, (net_sym,))
    act = activation_equation(activation, out_sym, net_sym, float(trace.output[0, i, j]), float(out[0, i, j]))
    doc = ExportDoc(t("conv_single.title"))
    doc.step(t("conv_single.export_setup"), text=t("conv_single.export_settings", stride=stride, padding=padding,
                                                     act=activation_name(activation)),
             matrices={"i": x, "h": w})
    doc.step(t("conv_single.export_cell", cell=subscript_unicode("o", i, j)),
             latex=[equation_latex(net), equation_latex(act)])
    doc.step(t("conv_single.export_output"), matrices={r"\mathrm{net}": trace.output[0],
                                                        r"\mathrm{out}": out[0]})
    return doc


# --------------------------------------------------------------------------- page
st.title(t("conv_single.title"))
st.markdown(t("conv_single.intro"))

init_from_url(PAGE, SPECS)
lang = current_language()
with st.container(border=True):
    st.markdown(f"**{t('conv_single.controls')}**")
    col_x, col_w, col_p = st.columns([3, 2, 2])
    with col_x:
        preset_selector(key("input"), kind="input", example=DEFAULT_INPUT, max_rows=MAX_INPUT, max_cols=MAX_INPUT)
        matrix_editor(t("conv_single.input_label"), key=key("input"), default=DEFAULT_INPUT,
                      max_rows=MAX_INPUT, max_cols=MAX_INPUT, height=editor_height("input"))
        image_uploader(key("input"), key=key("upload"), size=(MAX_INPUT, MAX_INPUT))
    with col_w:
        preset_selector(key("kernel"), kind="kernel", example=DEFAULT_KERNEL, max_rows=MAX_KERNEL,
                        max_cols=MAX_KERNEL)
        matrix_editor(t("conv_single.kernel_label"), key=key("kernel"), default=DEFAULT_KERNEL, max_rows=MAX_KERNEL,
                      max_cols=MAX_KERNEL, height=editor_height("kernel"))
    with col_p:
        st.slider(t("conv_single.stride_label"), 1, 3, key=key("stride"))
        st.slider(t("conv_single.padding_label"), 0, 2, key=key("padding"))
        # the browser's own <select> (ui.components.choice_menu, #14 round 12): ~20 React components in the page's
        # tree, not a Streamlit select's ~110, and no popover per pick; the choice stays under "conv_single.activation"
        choice_menu(t("conv_single.activation_label"), [(a, activation_name(a, lang)) for a in ACTIVATIONS],
                    key("activation"))
        reset_button(PAGE, SPECS, t("conv_single.reset"), help=t("conv_single.reset_help",
                                                                 text=text_title("003")))
st.caption(t("conv_single.conventions"))


def section_guard(setup: Setup) -> bool:
    """True when the trace exists; otherwise say why (next to the section) and skip it."""
    if setup.x is None:
        st.info(t("conv_single.needs_input"))
    elif setup.w is None:
        st.info(t("conv_single.needs_kernel"))
    elif setup.error is not None:
        st.error(explain_error(setup.error))
    return setup.trace is not None


def inputs_tab(x: np.ndarray | None, w: np.ndarray | None) -> None:
    """The input (the text's cells outlined) and the kernel beside its 180° rotation, as shaded tables
    (no Plotly chart: opening this tab draws in a few ms, #14). Hovering a cell names it; a cell of
    rot180(h) is named by the kernel cell it came from."""
    tables = []
    is_text = x is not None and x.shape == DEFAULT_INPUT.shape and bool(np.array_equal(x, DEFAULT_INPUT))
    if x is not None:
        tables.append(matrix_table(x, t("conv_single.fig_input", rows=x.shape[0], cols=x.shape[1]),
                                   cell_names("i", x.shape), outlined=FROM_TEXT if is_text else ()))
    if w is not None:
        flipped = flipped_kernel_index(w.shape)
        rot_names = tuple(tuple(subscript_unicode("h", *flipped[a, b]) for b in range(w.shape[1]))
                          for a in range(w.shape[0]))
        tables.append(matrix_table(w, t("conv_single.fig_kernel", rows=w.shape[0], cols=w.shape[1]),
                                   cell_names("h", w.shape)))
        tables.append(matrix_table(_rot180(w), t("conv_single.fig_kernel_rot"), rot_names))
    if tables:
        st.html(grids_html(tables))
    if x is None:
        st.info(t("conv_single.needs_input"))
    else:
        st.caption(t("conv_single.cap_input_from_text", text=text_title("003")) if is_text
                   else t("conv_single.cap_input_user"))
    if w is None:
        st.info(t("conv_single.needs_kernel"))
    else:
        st.caption(t("conv_single.cap_kernel"))
        st.caption(t("conv_single.cap_kernel_rot"))


@url_fragment(PAGE, SPECS, key=SECTIONS_PART)
def _sections() -> None:
    """The tab bar and the open tab, a part of its own (#14): switching tabs reruns and sends only this part,
    not the title, the editors, preset menus and sliders and the panels below. A new setup reruns it with the page;
    it reads the setup itself (``_setup``)."""
    setup = _setup()
    x, w, stride, padding, activation, trace = setup[:6]
    # the first cell shown comes from the link (?cell=k, reading order); choosing cells stays in the browser
    start = int(st.session_state.get(key("cell"), 1)) - 1
    digits = display_digits()
    step_tab, inputs_tab_, compare_tab, table_tab = url_tabs(PAGE, "section", "tab", SECTIONS,
                                                             [t(f"conv_single.sec_{name}") for name in SECTIONS])
    follow_open_panels(PAGE, ("tab",))   # the export panel below writes the open tab into its link and file

    if step_tab.open is not False:
        with step_tab:
            if section_guard(setup):
                cell_stepper(step_payload(x, w, stride, padding, activation, lang, start, digits), key=key("stepper"))
                # one caption of two paragraphs (an element fewer for every setup change to send and draw, #14)
                st.caption(t("conv_single.cap_step") + "\n\n" + t("conv_single.cap_activation"))
                # notes of the catalogue that belong to what is on screen
                if is_text_example(x, w) and stride == 1 and padding == 0 and activation == "relu":
                    claim_note("s003_o11", lang)
                if shows_eq5(x, w, stride, padding):
                    claim_note("s003_eq5_label", lang)

    if inputs_tab_.open is not False:
        with inputs_tab_:
            inputs_tab(x, w)

    if compare_tab.open is not False:
        with compare_tab:
            if section_guard(setup):
                cell_stepper(compare_payload(x, w, stride, padding, lang, start, digits), key=key("compare"))
                st.caption(t("conv_single.cap_compare"))
                st.caption(t("conv_single.library_note"))
                claim_note("s001_crosscorr_naming", lang)
                claim_note("s004_xcorr_rot", lang)

    if table_tab.open is not False:
        with table_tab:
            if section_guard(setup):
                columns = tuple(t(f"conv_single.{c}")
                                for c in ("col_cell", "col_symbolic", "col_numbers", "col_net", "col_out"))
                st.caption(t("conv_single.table_expander", count=trace.output[0].size))
                # a plain table (not the canvas data grid, ~250 ms to mount, #14); a long one scrolls in a box
                rows = formula_table(x, w, stride, padding, activation, columns, digits)
                with st.container(height=TABLE_BOX_PX if len(rows) > TABLE_BOX_ROWS else "content",
                                  border=len(rows) > TABLE_BOX_ROWS):
                    st.table(rows, hide_index=True)
                st.caption(t("conv_single.table_caption"))
                if shows_eq5(x, w, stride, padding):   # the step tab may be drawn too (opened before)
                    claim_note("s003_eq5_label", lang, where="table")


_sections()

# ---- take it away: check by hand, export, the same in a library
@url_fragment(PAGE, SPECS, key=TAKE_AWAY_PART)
def _take_away() -> None:
    """A part of its own (#14): opening or closing the export or code panel reruns and sends only this part, not
    the title, the editors, the sliders and the open tab (a tab switch with a panel open reruns the page,
    ``follow_open_panels`` above). It reads the setup itself (``_setup``)."""
    if setup_just_loaded(PAGE):   # a loaded setup file changed the editors: the whole page again
        st.rerun()
    x, w, stride, padding, activation, trace = _setup()[:6]
    render_check_link("conv_forward", x=x, w=w, b=0.0, stride=stride, padding=padding)
    out = _activate(activation, trace.output)
    cell = int(st.session_state.get(key("cell"), 1)) - 1   # the link's cell (the stepper keeps it there)
    export_panel(PAGE, SPECS, lambda: export_doc(x, w, trace, out, activation, stride, padding, cell))
    lazy_code_panel(PAGE, lambda: conv2d_code(x, w, None, stride=stride, padding=padding))


# the panels need an output
if _setup().trace is not None:
    _take_away()

sync_to_url(PAGE, SPECS)
