"""Transposed, dilated and 1-D convolution (seed 004, 4.1.1.1 and 4.5): 1-D filters on a signal, convolution
as a sparse matrix C and its transpose, the transposed convolution as zero insertion + full correlation with
rot180(w), output_padding, the checkerboard of overlapping windows, dilation and receptive fields.

Thin: widgets and URL in -> cnn_core.transposed -> ui renderers and ui.formulas.transposed out.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnn_core.arithmetic import effective_kernel
from cnn_core.transposed import (conv1d_trace, conv_transpose2d_trace, dilate_kernel, matrix_view_1d,
                                 matrix_view_2d, receptive_field, sizes_mapping_to, transposed_via_matrix,
                                 window_counts)
from ui.components.math_box import Text, math_box, prose
from ui.components.svg_box import svg_box
from ui.formulas.transposed import (CONV1D_RULE, all_windows, conv1d_length_lines, conv1d_sample_lines, dilated_taps,
                                    dilation_lines, kernel_latex, matrix_1d_html, sample_taps, tap_names, matrix_2d_html, padded_names,
                                    receptive_field_line, text_fractional_line, text_length_line,
                                    transposed_cell_lines, transposed_size_lines)
from ui.export import ExportDoc, chart_config, export_panel, setup_just_loaded
from ui.heatmap import matrix_heatmap, window_animation
from ui.i18n import current_language, explain_error, t, translate
from ui.latex import display_digits, fmt_power, subscript_unicode
from ui.library_code import conv1d_code, conv_transpose2d_code
from ui.matrix_input import format_matrix, matrix_editor, parse_matrix
from ui.page_kit import (agreement, follow_open_panels, lazy_code_panel, mark_page_body, open_section, opened_so_far,
                         opened_tabs, page_body_running, reset_button, show_chart, url_fragment, url_tabs)
from ui.presets import preset_selector
from ui.signal_plot import stem_svg
from ui.url_state import ChoiceParam, IntParam, MatrixParam, init_from_url, sync_to_url

PAGE = "transposed"
SECTIONS = ("signal", "matrix", "transposed", "dilation")
FILTERS = ("avg", "diff", "decay", "custom")
# seed 004: the moving average and the second difference (4.1.1.1), and the decay w = 1, 1/2, 1/4 of eq. 4.1.1,
# which is a true convolution (y_t = w1 x_t + w2 x_{t-1} + w3 x_{t-2}): as a cross-correlation it is [1/4, 1/2, 1]
FILTER_WEIGHTS = {"avg": (1 / 3, 1 / 3, 1 / 3), "diff": (1.0, -2.0, 1.0), "decay": (0.25, 0.5, 1.0)}
MODES = ("valid", "full", "same")
# The 1-D section's results: the numbers (output length, one sample's sum) first, the stem plot in a tab of its
# own (#14). With the plot open, every control of the section redrew a four-panel Plotly figure (2-2.8x the bare
# page's slider; the page's first view waited for Plotly, 1.7x): the numbers tab has no chart, so the first view
# and the section's controls redraw formulas only. The plot is one click away and the link keeps it open (sv=plot).
SIGNAL_VIEWS = ("numbers", "plot")
# The matrix section: C and Cᵀ written out (symbols and numbers) first, the coloured grids in a second tab
MATRIX_VIEWS = ("numbers", "pictures")
MAX_SIGNAL = 32
MAX_KERNEL_1D = 9
DEFAULT_SIGNAL = np.array([[0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 4, 1, 1, 1, 1, 0, 0]], dtype=float)  # step + spike
DEFAULT_CUSTOM = np.array([[-1, 0, 1]], dtype=float)
TEXT_W = np.array([[1, 2, -1]], dtype=float)          # w₁ w₂ w₃ of 4.5.1, as numbers
TEXT_X = np.array([[1, 2, 3, 4, 5]], dtype=float)
TEXT_Z = np.array([[1, -1, 2]], dtype=float)
GRID_X = np.arange(1, 17, dtype=float).reshape(4, 4)   # the 4×4 input of the 2-D example
GRID_K = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=float)
T_Z = np.array([[1, 2], [3, 4]], dtype=float)
T_W = np.array([[1, 2, 0], [0, 1, -1], [1, 0, 2]], dtype=float)
MAX_T_Z, MAX_T_W = 6, 5
# the convolution-backward page's limits (its SPECS): a link is offered only inside them
BACKWARD_MAX_STRIDE, BACKWARD_MAX_PADDING, BACKWARD_MAX_X, BACKWARD_MAX_W = 3, 2, 8, 5
LAYERS_SHOWN = 6
AGREE_TOL = 1e-9

SPECS = (
    ChoiceParam("tab", SECTIONS[0], SECTIONS),
    ChoiceParam("filter", "avg", FILTERS),
    MatrixParam("signal", DEFAULT_SIGNAL, 1, MAX_SIGNAL),
    MatrixParam("custom", DEFAULT_CUSTOM, 1, MAX_KERNEL_1D),
    ChoiceParam("mode", "same", MODES),
    ChoiceParam("sv", SIGNAL_VIEWS[0], SIGNAL_VIEWS),
    IntParam("s", 1, 1, 4),
    IntParam("d", 1, 1, 4),
    IntParam("o", 12, 1, 200),
    MatrixParam("w1", TEXT_W, 1, 5),
    MatrixParam("x1", TEXT_X, 1, 8),
    MatrixParam("z1", TEXT_Z, 1, 8),
    IntParam("ms", 1, 1, 3),
    ChoiceParam("mv", MATRIX_VIEWS[0], MATRIX_VIEWS),
    MatrixParam("z", T_Z, MAX_T_Z, MAX_T_Z),
    MatrixParam("w", T_W, MAX_T_W, MAX_T_W),
    IntParam("ts", 2, 1, 3),
    IntParam("tp", 0, 0, 2),
    IntParam("top", 0, 0, 2),
    IntParam("td", 1, 1, 3),
    IntParam("ti", 3, 1, 200),
    IntParam("tj", 3, 1, 200),
    IntParam("k", 3, 1, 7),
    IntParam("dd", 2, 1, 4),
)
# what each section put into the export while it was the open one: {section: ExportDoc step + library code}. Keyed
# by section, not a list: the export and code panels are parts of their own (#14 round 12) that read it after the
# page's run, and a section's own rerun writes its entry again (a list would grow with every rerun).
TAKE_AWAY: dict = {}
# Each section is a part of its own (a keyed fragment, in its tab), rerun by name from the section switch's callback
# on its first visit (``_section_switched``); the link part only writes the open section into the link.
SECTION_PARTS = {name: f"{PAGE}.{name}_part" for name in SECTIONS}
LINK_PART = f"{PAGE}.link_part"
# inside the 1-D section: the signal's part (its editor and the results), and in it the results (the sample, the
# numbers / plot switch rerun them alone)
SIGNAL_PART, SIGNAL_RESULTS_PART = f"{PAGE}.signal_values_part", f"{PAGE}.signal_results_part"


def _is_open(section: str) -> bool:
    """Whether ``section`` is the open tab (a section opened before is drawn too; the export follows the open one)."""
    return open_section(PAGE, "tab", SECTIONS) == section


def _drawn(section: str) -> bool:
    """Whether ``section`` is drawn in this run: the open one and every one opened before (``page_kit.opened_tabs``)."""
    return section in opened_tabs(PAGE, "tab", SECTIONS)


def _take_away(section: str, heading: str, *, text: str = "", matrices=None, latex=None, code=None) -> None:
    """The export's step and library code for ``section``, kept while it is the open tab."""
    if _is_open(section):
        TAKE_AWAY[section] = dict(heading=heading, text=text, matrices=matrices or {}, latex=latex or [], code=code)


def _open_take_away() -> dict | None:
    """The open section's export step and code (None: that section has none, or it was not drawn yet)."""
    return TAKE_AWAY.get(open_section(PAGE, "tab", SECTIONS))


def _key(name: str) -> str:
    return f"{PAGE}.{name}"


def follow_panels() -> None:
    """With the export or code panel open, a setting changed in a section's (or the cell view's) own rerun reruns
    the page: the panels below the tabs show the setup of every section."""
    follow_open_panels(PAGE, [spec.name for spec in SPECS], ("export_open", "code_open"))   # own rerun: see mark_page_body


def _keep_state() -> None:
    """Before a run's (or a section fragment's) widgets: every setting stays what it was while its tab is closed.

    Streamlit forgets the state of a widget it did not draw in a run (a closed tab's), and a widget drawn again
    later came back empty or on its first option (the signal text empty, "valid" padding, a KeyError on the
    picked sample). The keys it dropped come back from the link's last values (``init_from_url``), and writing
    every key back makes it the page's own state, which Streamlit keeps."""
    init_from_url(PAGE, SPECS)
    state = st.session_state
    follow_panels()
    for spec in SPECS:
        key = _key(spec.name)
        if key in state:
            state[key] = state[key]


def _own_rerun_state() -> None:
    """At the start of a section: :func:`_keep_state` on the section's own rerun (the page's run did it once
    before the sections; writing a key again after an earlier section drew its widget is an error)."""
    if not page_body_running(PAGE):
        _keep_state()


def _math(formulas: list[str], name: str) -> None:
    """Formulas as MathML in one element (#14 round 8: the browser draws MathML itself; KaTeX typeset each
    ``st.latex`` in JavaScript on every rerun that sent it)."""
    math_box(formulas, _key(name))


def _chart(fig, name: str) -> None:
    show_chart(fig, PAGE, f"fig_{name}", config=chart_config(f"{PAGE}-{name}"))


def _verdict(gap: float, key: str) -> None:
    """Success when the two roads agree to rounding, else say by how much they differ."""
    if gap <= AGREE_TOL:
        st.success(t(key))
    else:
        st.error(t("transposed.disagree", gap=fmt_power(gap, 3)))


# --------------------------------------------------------------------------- cached core calls and figures
@st.cache_data(max_entries=128, show_spinner=False)
def _conv1d(signal: np.ndarray, w: np.ndarray, mode: str, stride: int, dilation: int):
    return conv1d_trace(signal, w, stride, mode, dilation)


def _symbol_heatmap(tap_index: np.ndarray, names: list[str], title: str, lang: str):
    """C with each weight's symbol in its cell (0 where C has a structural zero), coloured by tap."""
    fig = matrix_heatmap(tap_index, title=title, signed=False, showscale=False, lang=lang,
                         height=int(120 + 42 * tap_index.shape[0]))
    texts = [[names[v - 1] if v else "0" for v in row] for row in tap_index]
    fig.update_traces(text=texts, customdata=texts, hovertemplate="%{customdata}<extra></extra>")
    return fig


@st.cache_resource(max_entries=64, show_spinner=False)   # the same SVG text: nothing rebuilt per rerun
def _signal_svg(signal: tuple, w: tuple, choice: str, mode: str, stride: int, dilation: int, o: int, lang: str,
                digits: int):
    """The signal and the outputs of the text's filters and the chosen one; ``o`` and its taps in orange.

    An inline SVG (#14 round 7), not a Plotly figure: the plot tab no longer waits for Plotly's chunk."""
    signal_a = np.asarray(signal)
    trace = _conv1d(signal_a, np.asarray(w), mode, stride, dilation)
    panels = [dict(name=translate(lang, "transposed.panel_signal"), positions=np.arange(signal_a.size),
                   values=signal_a, symbol="x", marked=sample_taps(trace, o))]
    for f in FILTERS:
        weights = w if f == choice else FILTER_WEIGHTS.get(f)
        if weights is None:
            continue
        try:
            other = _conv1d(signal_a, np.asarray(weights), mode, stride, dilation)
        except ValueError:   # a filter longer than the padded signal: its panel is left out
            continue
        panels.append(dict(name=translate(lang, "transposed.panel_output",
                                          filter=translate(lang, f"transposed.filter_{f}"
                                                           + ("_short" if f == "decay" else ""))),
                           positions=other.output_positions(), values=other.output, symbol="y",
                           marked=[o] if f == choice else []))
    return stem_svg(panels, title=translate(lang, "transposed.fig_signal"),
                    x_title=translate(lang, "transposed.axis_sample"), digits=digits)


# --------------------------------------------------------------------------- sections
def _parse_signal(text: str) -> tuple[np.ndarray | None, tuple[str, str] | None]:
    """(the signal, what to say about it): one row of numbers, longer than MAX_SIGNAL cut to it. The message is
    (kind, text): an error (no signal) or a warning (cut)."""
    result = parse_matrix(text or "", max_rows=1, max_cols=10_000)
    if result.error is not None:
        if result.error.code == "matrix_too_large" and result.error.params.get("rows", 1) > 1:
            return None, ("error", t("transposed.signal_one_row"))
        return None, ("error", explain_error(result.error))
    signal = result.matrix[0]
    if signal.size > MAX_SIGNAL:
        return signal[:MAX_SIGNAL], ("warning", t("transposed.signal_capped", n=signal.size, max=MAX_SIGNAL))
    return signal, None


def _signal_input() -> None:
    """The signal text and what is wrong with it (its results are drawn by ``_signal_results``)."""
    text = st.text_area(t("transposed.signal_label"), key=_key("signal"), height=68,
                        help=t("transposed.signal_help", max=MAX_SIGNAL))
    _, message = _parse_signal(text)
    if message is not None:
        (st.error if message[0] == "error" else st.warning)(message[1])


def _signal_setup() -> tuple:
    """(signal, w, filter, mode, stride, dilation) of the 1-D section, read from session state: ``_signal_results``
    may rerun alone (its sample, its numbers / plot switch), with the arguments of the page's last run. signal / w None when they do not
    parse (their editors say why)."""
    state = st.session_state
    signal, _ = _parse_signal(str(state.get(_key("signal"), "")))
    choice = state.get(_key("filter"), FILTERS[0])
    if choice == "custom":
        custom = parse_matrix(str(state.get(_key("custom"), "")), max_rows=1, max_cols=MAX_KERNEL_1D).matrix
        w = None if custom is None else custom[0]
    else:
        w = np.asarray(FILTER_WEIGHTS.get(choice, FILTER_WEIGHTS[FILTERS[0]]))
    return (signal, w, choice, state.get(_key("mode"), "same"), int(state.get(_key("s"), 1)),
            int(state.get(_key("d"), 1)))


@url_fragment(PAGE, SPECS, key=SECTION_PARTS["signal"])   # its controls rerun only this section
def _section_signal(lang: str) -> None:
    if not _drawn("signal"):   # not opened yet in this session: its first visit reruns this part alone
        return
    _own_rerun_state()
    # the introduction's symbols ($x_1 \dots x_M$) and the rule as MathML in one box: no KaTeX on the first view
    _math([prose(t("transposed.signal_intro")), CONV1D_RULE], "rule_math")
    # the layer's settings first, then the signal with what it gives: a new signal reruns only the signal's part
    left, right = st.columns([3, 2])
    with left:
        mode_labels = {m: t(f"transposed.mode_{m}") for m in MODES}
        st.radio(t("transposed.mode"), MODES, key=_key("mode"), format_func=mode_labels.__getitem__,
                 horizontal=True, help=t("transposed.mode_help"))
        s_col, d_col = st.columns(2)
        with s_col:
            st.slider(t("transposed.stride"), 1, 4, key=_key("s"))
        with d_col:
            st.slider(t("transposed.dilation"), 1, 4, key=_key("d"))
    with right:
        labels = {f: t(f"transposed.filter_{f}") for f in FILTERS}
        choice = st.radio(t("transposed.filter"), FILTERS, key=_key("filter"), format_func=labels.__getitem__)
        if choice == "decay":
            st.caption(t("transposed.decay_note"))
        if choice == "custom":
            preset_selector(_key("custom"), kind="kernel", example=DEFAULT_CUSTOM, max_rows=1, max_cols=MAX_KERNEL_1D)
            matrix_editor(t("transposed.custom_label"), key=_key("custom"), default=DEFAULT_CUSTOM,
                          max_rows=1, max_cols=MAX_KERNEL_1D, height=68)
    _signal_part(lang)


@url_fragment(PAGE, SPECS, key=SIGNAL_PART)
def _signal_part(lang: str) -> None:
    """The signal's preset menu and text, and the results below them: everything a new signal changes, so a preset,
    a seed or a typed signal is ONE run of this part, its own default rerun (#14 round 11: a callback that reran the
    editor and the results by name, ``st.rerun([keys])``, cost two script runs, the first one empty; drawing the
    editor in the section's part instead re-sent the section's radios and sliders). The section's controls above
    rerun the section, this part with it."""
    _signal_editor()
    _signal_results(lang)


def _signal_editor() -> None:
    """The signal's preset menu (and seed) and text (in the signal's part, ``_signal_part``)."""
    preset_selector(_key("signal"), kind="input", example=DEFAULT_SIGNAL, max_rows=1, max_cols=MAX_SIGNAL)
    _signal_input()


@url_fragment(PAGE, SPECS, key=SIGNAL_RESULTS_PART)
def _signal_results(lang: str) -> None:
    """The output length, the chosen sample's sum or the stem plot: everything below the section's controls."""
    # rerun alone (its sample, its numbers / plot switch): the sample's input, not drawn while the plot was open,
    # was dropped by Streamlit; it comes back from the link's last values (only missing keys are written)
    init_from_url(PAGE, SPECS)
    follow_panels()   # and an open export / code panel follows
    state = st.session_state
    signal, w, choice, mode, stride, dilation = _signal_setup()
    if signal is None or w is None:
        st.info(t("transposed.signal_needs_input"))
        return
    try:
        trace = _conv1d(signal, w, mode, stride, dilation)
    except ValueError as err:
        st.error(explain_error(err))
        return
    # the chosen output sample (kept inside a shorter output)
    out = trace.output.size
    value = state.get(_key("o"))   # None: dropped while the sample's input was not drawn (a bad signal)
    if not isinstance(value, int) or not 1 <= value <= out:
        state[_key("o")] = min(max(int(value) if isinstance(value, (int, float)) else 1, 1), out)
    o = int(state[_key("o")]) - 1   # the number input below shows the same (kept inside the output above)
    numbers_tab, plot_tab = url_tabs(PAGE, "signal_view", "sv", SIGNAL_VIEWS,
                                     [t(f"transposed.sv_{name}") for name in SIGNAL_VIEWS])
    if numbers_tab.open is not False:   # only the open tab is computed and drawn
        with numbers_tab:
            left, right = st.columns(2, gap="large")
            # one math box a column (#14 round 10: four boxes were four components to update on every new signal)
            with left:
                st.markdown(f"**{t('transposed.length_title')}**")
                before, after = trace.padding
                special = text_length_line(mode, signal.size, w.size, out) if stride == dilation == 1 else None
                _math([conv1d_length_lines(signal.size, w.size, stride, dilation, before, after, out)]
                      + ([Text(t(f"transposed.text_rule_{mode}")), special] if special else []), "length_math")
                if not special:
                    st.caption(t("transposed.text_rule_general"))
            with right:
                o = int(st.number_input(t("transposed.sample", out=out), min_value=1, max_value=out, step=1,
                                        key=_key("o"))) - 1
                st.markdown(f"**{t('transposed.sample_title', sub=subscript_unicode('y', o))}**")
                _math([kernel_latex(w), conv1d_sample_lines(trace, o)], "sample_math")
                st.caption(t("transposed.sample_caption"))
    if plot_tab.open is not False:
        with plot_tab:
            # the SVG box component: the browser parses the SVG itself (as Markdown HTML, a React element per node)
            svg_box(_signal_svg(tuple(signal), tuple(w), choice, mode, stride, dilation, o, lang, display_digits()),
                    key=_key("signal_svg"))
            st.caption(t("transposed.signal_caption"))
    before, after = trace.padding
    _take_away("signal", t("transposed.tab_signal"),
               text=f"{t('transposed.mode')}: {t(f'transposed.mode_{mode}')}; {t('transposed.stride')} = {stride}, "
                    f"{t('transposed.dilation')} = {dilation}",
               matrices={"x": signal.reshape(1, -1), "w": np.asarray(w).reshape(1, -1),
                         "y": trace.output.reshape(1, -1)},
               latex=[conv1d_length_lines(signal.size, w.size, stride, dilation, before, after, out),
                      conv1d_sample_lines(trace, o)],
               code=conv1d_code(signal, np.asarray(w), stride=stride, padding=(before, after), dilation=dilation))


@url_fragment(PAGE, SPECS, key=SECTION_PARTS["matrix"])   # its controls rerun only this section
def _section_matrix(lang: str) -> None:
    if not _drawn("matrix"):   # not opened yet in this session: its first visit reruns this part alone
        return
    _own_rerun_state()
    st.markdown(t("transposed.matrix_intro"))
    cols = st.columns(3)
    with cols[0]:
        w = matrix_editor(t("transposed.w1_label"), key=_key("w1"), default=TEXT_W, max_rows=1, max_cols=5, height=68)
    with cols[1]:
        x = matrix_editor(t("transposed.x1_label"), key=_key("x1"), default=TEXT_X, max_rows=1, max_cols=8, height=68)
    with cols[2]:
        z = matrix_editor(t("transposed.z1_label"), key=_key("z1"), default=TEXT_Z, max_rows=1, max_cols=8, height=68)
    with st.columns([1, 2])[0]:
        stride = st.slider(t("transposed.matrix_stride"), 1, 3, key=_key("ms"), help=t("transposed.matrix_stride_help"))
    view = None
    if w is None or x is None or z is None:
        st.info(t("transposed.matrix_needs_input"))
    else:
        try:
            view = matrix_view_1d(w[0], x[0], z[0], stride)
        except ValueError as err:
            st.error(explain_error(err))
    view2 = matrix_view_2d(GRID_K, GRID_X)
    # C and Cᵀ written out first (the weights' names in their places, then the numbers), the four coloured grids in
    # a second tab (#14 round 6): drawn with the section, they made the switch to it wait for four Plotly charts
    # (3x the bare page's slider). The link keeps the open view (mv=pictures).
    numbers_tab, pictures_tab = url_tabs(PAGE, "matrix_view", "mv", MATRIX_VIEWS,
                                         [t(f"transposed.mv_{name}") for name in MATRIX_VIEWS])
    if numbers_tab.open is not False:
        with numbers_tab:
            _matrix_numbers(view, view2)
    if pictures_tab.open is not False:
        with pictures_tab:
            _matrix_pictures(view, view2, lang)


def _matrix_numbers(view, view2) -> None:
    """C and Cᵀ with the weights' names and with numbers, the two products and their checks (no chart).

    Written as HTML (``ui.formulas.transposed.matrix_1d_html``), not typeset (#14 round 7): KaTeX setting these
    matrices was about half of the browser's work when the section opened."""
    if view is not None:
        left_html, right_top, right_bottom = matrix_1d_html(view)
        left, right = st.columns(2, gap="large")
        with left:
            st.markdown("**" + t("transposed.fig_c", rows=view.C.shape[0], cols=view.C.shape[1]) + "**")
            st.html(left_html)
            _verdict(view.cx_gap, "transposed.cx_equal")
        with right:
            st.markdown("**" + t("transposed.fig_ct", rows=view.C.shape[1], cols=view.C.shape[0]) + "**")
            st.html(right_top)
            if view.stride > 1:
                st.caption(t("transposed.matrix_inserted", s1=view.stride - 1))
            st.html(right_bottom)
            _verdict(view.ctz_gap, "transposed.ctz_equal")
        st.info(t("transposed.otimes_meaning"))
    c_line, inputs_line, product_line = matrix_2d_html(view2)
    st.markdown(f"#### {t('transposed.grid_title')}")
    st.markdown("**" + t("transposed.fig_c2") + "**")
    st.html(c_line)
    left, right = st.columns(2)
    with left:
        st.html(inputs_line)
    with right:
        st.html(product_line)
    st.caption(t("transposed.grid_caption"))
    st.markdown(t("transposed.ct2_text"))


def _matrix_pictures(view, view2, lang: str) -> None:
    """C and Cᵀ as grids coloured by weight, each weight's symbol in its cell (1-D, then the 2-D example)."""
    if view is not None:
        names = tap_names(view.w.shape)
        left, right = st.columns(2, gap="large")
        with left:
            _chart(_symbol_heatmap(view.tap_index, names, t("transposed.fig_c", rows=view.C.shape[0],
                                                             cols=view.C.shape[1]), lang), "c1")
        with right:
            _chart(_symbol_heatmap(view.tap_index.T, names, t("transposed.fig_ct", rows=view.C.shape[1],
                                                               cols=view.C.shape[0]), lang), "ct1")
    st.markdown(f"#### {t('transposed.grid_title')}")
    names2 = tap_names(view2.k.shape)
    _chart(_symbol_heatmap(view2.tap_index, names2, t("transposed.fig_c2"), lang), "c2")
    st.caption(t("transposed.grid_caption"))
    left, right = st.columns([2, 3], gap="large")
    with left:
        fig = _symbol_heatmap(view2.tap_index.T, names2, t("transposed.fig_ct2"), lang)
        fig.update_layout(height=560)
        _chart(fig, "ct2")
    with right:
        st.markdown(t("transposed.ct2_text"))


def _backward_link(z: np.ndarray, w: np.ndarray, stride: int, padding: int, out_hw: tuple, dilation: int) -> None:
    """Open the convolution-backward page with δ = z, the same kernel, stride and padding."""
    fits = (dilation == 1 and stride <= BACKWARD_MAX_STRIDE and padding <= BACKWARD_MAX_PADDING
            and max(out_hw) <= BACKWARD_MAX_X and max(w.shape) <= BACKWARD_MAX_W and max(z.shape) <= BACKWARD_MAX_X)
    if not fits:
        st.caption(t("transposed.link_unavailable", s=BACKWARD_MAX_STRIDE, p=BACKWARD_MAX_PADDING,
                     x=BACKWARD_MAX_X, w=BACKWARD_MAX_W))
        return
    query = dict(example="one", stride=str(stride), padding=str(padding),
                 delta=format_matrix(z, row_sep=";", col_sep=","), w=format_matrix(w, row_sep=";", col_sep=","),
                 x=format_matrix(np.zeros(out_hw), row_sep=";", col_sep=","), lang=current_language(),
                 tab="dx", way="way3")  # opened on ∂E/∂x as the full correlation with rot180(W)
    url = "./conv_backward?" + "&".join(f"{k}={v}" for k, v in query.items())
    st.markdown(t("transposed.link_backward", url=url))


@url_fragment(PAGE, SPECS)   # reruns alone, and writes the chosen cell (ti, tj) into the link
def _cell_view(trace, hover: list, lang: str) -> None:
    """One output cell: its window on the padded grid, rot180(w), the output, the sum. Reruns alone."""
    state = st.session_state
    follow_panels()   # the export panel's link holds the cell
    out = trace.output[0]
    oh, ow = out.shape
    for name, hi in (("ti", oh), ("tj", ow)):   # keep the chosen cell inside a smaller output
        value = state.get(_key(name), 1)
        if not isinstance(value, int) or not 1 <= value <= hi:
            state[_key(name)] = min(max(int(value) if isinstance(value, (int, float)) else 1, 1), hi)
    a, b, _ = st.columns([1, 1, 2])
    with a:
        i = int(st.number_input(t("transposed.out_row"), min_value=1, max_value=oh, step=1, key=_key("ti"))) - 1
    with b:
        j = int(st.number_input(t("transposed.out_col"), min_value=1, max_value=ow, step=1, key=_key("tj"))) - 1
    terms = trace.terms(0, i, j)
    left, mid, right = st.columns([3, 2, 3], gap="medium")
    with left:
        fig = matrix_heatmap(trace.padded[0], title=t("transposed.fig_padded", sub=subscript_unicode("x", i, j)),
                             highlight=trace.window(i, j), cells=[term.padded for term in terms],
                             mask=~trace.real_cells(), lang=lang, hover_names=hover, showscale=False)
        _chart(fig, "padded")
    with mid:
        _chart(matrix_heatmap(dilate_kernel(trace.w_rot180[0, 0], trace.dilation), title=t("transposed.fig_rot"),
                              symbol="r", showscale=False, lang=lang), "rot")
    with right:
        _chart(matrix_heatmap(out, title=t("transposed.fig_out", oh=oh, ow=ow), highlight=(i, j, i, j),
                              showscale=False, lang=lang), "out")
    _math([transposed_cell_lines(terms, i, j, float(out[i, j]))], "cell_math")
    st.caption(t("transposed.cell_caption"))


@url_fragment(PAGE, SPECS, key=SECTION_PARTS["transposed"])   # its controls rerun only this section
def _section_transposed(lang: str) -> None:
    if not _drawn("transposed"):   # not opened yet in this session: its first visit reruns this part alone
        return
    _own_rerun_state()
    st.markdown(t("transposed.transposed_intro"))
    cols = st.columns([1, 1, 2])
    with cols[0]:
        preset_selector(_key("z"), kind="input", example=T_Z, max_rows=MAX_T_Z, max_cols=MAX_T_Z)
        z = matrix_editor(t("transposed.z_label"), key=_key("z"), default=T_Z, max_rows=MAX_T_Z, max_cols=MAX_T_Z,
                          height=120)
    with cols[1]:
        preset_selector(_key("w"), kind="kernel", example=T_W, max_rows=MAX_T_W, max_cols=MAX_T_W)
        w = matrix_editor(t("transposed.w_label"), key=_key("w"), default=T_W, max_rows=MAX_T_W, max_cols=MAX_T_W,
                          height=120)
    with cols[2]:
        s1, s2 = st.columns(2)
        with s1:
            stride = st.slider(t("transposed.stride"), 1, 3, key=_key("ts"))
            output_padding = st.slider(t("transposed.output_padding"), 0, 2, key=_key("top"),
                                       help=t("transposed.output_padding_help"))
        with s2:
            padding = st.slider(t("transposed.padding"), 0, 2, key=_key("tp"), help=t("transposed.padding_help"))
            dilation = st.slider(t("transposed.dilation"), 1, 3, key=_key("td"))
    if z is None or w is None:
        st.info(t("transposed.transposed_needs_input"))
        return
    try:
        trace = conv_transpose2d_trace(z[None], w[None, None], None, stride, padding, output_padding, dilation)
    except ValueError as err:
        st.error(explain_error(err))
        return
    out = trace.output[0]
    oh, ow = out.shape
    _take_away("transposed", t("transposed.tab_transposed"),
               text=f"{t('transposed.stride')} = {stride}, {t('transposed.padding')} = {padding}, "
                    f"{t('transposed.output_padding')} = {output_padding}, {t('transposed.dilation')} = {dilation}",
               matrices={"z": z, "w": w, "y": out},
               latex=[transposed_size_lines(n, k, stride, padding, dilation, output_padding, o_, axis)
                      for axis, n, k, o_ in (("h", z.shape[0], w.shape[0], oh), ("w", z.shape[1], w.shape[1], ow))],
               code=conv_transpose2d_code(z, w, stride=stride, padding=padding, output_padding=output_padding,
                                          dilation=dilation))
    # ---- the size
    st.markdown(f"#### {t('transposed.size_title')}")
    _math([transposed_size_lines(n, k, stride, padding, dilation, output_padding, o, axis)
           for axis, n, k, o in (("h", z.shape[0], w.shape[0], oh), ("w", z.shape[1], w.shape[1], ow))], "size_math")
    if padding == 0 and output_padding == 0 and dilation == 1:
        st.caption(t("transposed.text_fractional"))
        _math([text_fractional_line(z.shape[0], stride, w.shape[0], oh)], "fractional_math")
    sizes = sizes_mapping_to(z.shape[0], w.shape[0], stride, padding, dilation)
    if len(sizes) > 1:
        st.markdown(t("transposed.op_many", sizes=", ".join(str(v) for v in sizes), m=z.shape[0], s=stride,
                      ops=", ".join(str(v) for v in range(len(sizes)))))
    else:
        st.markdown(t("transposed.op_one", size=sizes[0] if sizes else oh, m=z.shape[0]))
    st.caption(t("transposed.layout", kh=w.shape[0], kw=w.shape[1]))

    # ---- zero insertion + padding, the window of one output cell
    st.markdown(f"#### {t('transposed.steps_title')}")
    st.markdown(t("transposed.steps_text", s1=stride - 1, k1=trace.full_padding.top, kw1=trace.full_padding.left,
                  op=output_padding, p=padding))
    hover = padded_names(trace, t("transposed.hover_zero"))
    # a tab strip, not st.tabs (#14 round 13); the open view is kept under transposed.view_open, not in the link
    cell_tab, all_tab = url_tabs(PAGE, "view", "view_open", ("cell", "all"),
                                 [t("transposed.view_cell"), t("transposed.view_all")])
    if cell_tab.open is not False:
        with cell_tab:
            _cell_view(trace, hover, lang)
    if all_tab.open is not False:
        with all_tab:
            windows, labels = all_windows(trace)
            left, right = st.columns([3, 2], gap="large")
            with left:
                fig = window_animation(trace.padded[0], windows, title=t("transposed.fig_animation", count=len(windows)),
                                       frame_labels=labels, padded_mask=~trace.real_cells(), lang=lang)
                fig.update_traces(customdata=hover, selector=dict(type="heatmap"))
                _chart(fig, "animation")
            with right:
                st.caption(t("transposed.animation_caption"))

    # ---- the same numbers as Cᵀz, and as the gradient of a convolution
    by_matrix = transposed_via_matrix(z, w, stride, padding, output_padding, dilation)
    gap = float(np.max(np.abs(by_matrix - out)))
    if gap <= AGREE_TOL:
        st.success(t("transposed.ctz_check", agreement=agreement(gap, relative=False), rows=out.size, cols=z.size))
    else:
        st.error(t("transposed.disagree", gap=fmt_power(gap, 3)))
    _backward_link(z, w, stride, padding, (oh, ow), dilation)

    # ---- how many windows write each output cell
    st.markdown(f"#### {t('transposed.counts_title')}")
    counts = window_counts(z.shape, w.shape, stride, padding, output_padding, dilation)
    left, right = st.columns([3, 2], gap="large")
    with left:
        _chart(matrix_heatmap(counts, title=t("transposed.fig_counts"), signed=False, lang=lang), "counts")
    with right:
        lo, hi = int(counts.min()), int(counts.max())
        st.markdown(t("transposed.counts_even", n=hi) if lo == hi else t("transposed.counts_text", lo=lo, hi=hi))
        st.caption(t("transposed.checkerboard"))


@url_fragment(PAGE, SPECS, key=SECTION_PARTS["dilation"])   # its controls rerun only this section
def _section_dilation(lang: str) -> None:
    if not _drawn("dilation"):   # not opened yet in this session: its first visit reruns this part alone
        return
    _own_rerun_state()
    st.markdown(t("transposed.dilation_intro"))
    cols = st.columns(2)
    with cols[0]:
        k = st.slider(t("transposed.kernel_size"), 1, 7, key=_key("k"))
    with cols[1]:
        d = st.slider(t("transposed.dilation"), 1, 4, key=_key("dd"))
    k_eff = effective_kernel(k, d)
    left, right = st.columns([3, 2], gap="large")
    with left:
        kernel = dilate_kernel(np.ones((k, k)), d)
        fig = matrix_heatmap(kernel, title=t("transposed.fig_dilated", k=k, d=d, ke=k_eff), cells=dilated_taps(kernel),
                             mask=kernel == 0, mask_label="·", signed=False, showscale=False, lang=lang)
        _chart(fig, "dilated")
    with right:
        _math([dilation_lines(k, d, k_eff)], "dilation_math")
        st.caption(t("transposed.dilated_caption"))
    st.markdown(f"#### {t('transposed.rf_title')}")
    layers = list(range(1, LAYERS_SHOWN + 1))
    plain = receptive_field([k] * LAYERS_SHOWN)
    same_d = receptive_field([k] * LAYERS_SHOWN, dilations=[d] * LAYERS_SHOWN)
    doubling = receptive_field([k] * LAYERS_SHOWN, dilations=[2 ** i for i in range(LAYERS_SHOWN)])
    st.table({t("transposed.rf_layers"): layers, t("transposed.rf_plain"): list(plain),
              t("transposed.rf_dilated", d=d): list(same_d), t("transposed.rf_doubling"): list(doubling)})
    _math([receptive_field_line(k, d, LAYERS_SHOWN, same_d[-1])], "rf_math")
    st.caption(t("transposed.rf_caption"))


# --------------------------------------------------------------------------- the section switch
@url_fragment(PAGE, SPECS, key=LINK_PART)
def _link() -> None:
    """Nothing on screen: its rerun writes the open section into the link (``url_fragment``)."""


def _section_switched(section: str) -> None:
    """The section switch's callback (``section`` is already the open one): a section opened before is on screen
    already, so only the link follows; a first visit draws that section's part alone (#14 round 10: the switch reran
    the whole page, every section opened so far with it). With the export or code panel open, the page reruns: they
    hold the open section's worked example and code."""
    state = st.session_state
    if state.get(_key("export_open")) or state.get(_key("code_open")):
        return
    first_visit = section not in opened_so_far(PAGE, "tab")
    opened_tabs(PAGE, "tab", SECTIONS)   # now drawn: it stays drawn in every later run
    st.rerun([SECTION_PARTS[section]] if first_visit else [LINK_PART])


# --------------------------------------------------------------------------- page
lang = current_language()
st.title(t("transposed.title"))
st.markdown(t("transposed.intro"))
mark_page_body(PAGE, True)   # until the end of the body: a section's fragment rerun tells itself from the page's run
_keep_state()
reset_button(PAGE, SPECS, t("transposed.reset"), help=t("transposed.reset_help"), keep=("tab",))

labels = [t(f"transposed.tab_{name}") for name in SECTIONS]
tabs = url_tabs(PAGE, "tab_label", "tab", SECTIONS, labels, on_change=_section_switched)
# A section once opened stays drawn while closed (page_kit.opened_tabs): switching back to it is the tab bar's own,
# and its callback reruns only the link part. The first view draws the open section only: drawing all four (six
# charts) doubled it; a section's first visit reruns that section's part alone. Not so for a section's own views
# (numbers / pictures): a section's control reruns its section, and a hidden view would be sent again with it.
# Every section's part is called (one not opened yet draws nothing), so the switch can rerun it by name.
for name, tab in zip(SECTIONS, tabs):
    with tab:
        {"signal": _section_signal, "matrix": _section_matrix, "transposed": _section_transposed,
         "dilation": _section_dilation}[name](lang)
_link()
sync_to_url(PAGE, SPECS)
st.caption(t("transposed.conventions"))

# ----- take it away: the open section's worked example (the setup of every section), the library code
def _export_doc() -> ExportDoc:
    doc = ExportDoc(t("transposed.title"))
    part = _open_take_away()
    if part is not None:
        doc.step(part["heading"], text=part["text"], matrices=part["matrices"], latex=part["latex"])
    return doc


# The two panels are parts of their own (#14 round 12): opening or closing one reruns and sends only it, not the page
# (round 11: the page, 1.45-1.60x the bare slider). They read the open section's entry the page's run or the
# section's own rerun left in TAKE_AWAY.
@url_fragment(PAGE, SPECS, key=_key("export_part"))
def _export_part() -> None:
    if setup_just_loaded(PAGE):   # a loaded setup file changed the widgets and the editors: the whole page again
        st.rerun()
    export_panel(PAGE, SPECS, _export_doc)


@url_fragment(PAGE, SPECS, key=_key("code_part"))
def _code_part() -> None:
    part = _open_take_away()
    if part is not None and part["code"] is not None:
        lazy_code_panel(PAGE, lambda: part["code"])


_export_part()
_code_part()
mark_page_body(PAGE, False)
