"""Padding & stride arithmetic: the output-size formula per axis, SAME/VALID/FULL padding, the padded
grid with the kernel's footprint and every kernel position (cnn_core.arithmetic).

#14: the controls, the formula and the result with the grid are one part (``_settings_part``) that reads the settings
from the session (``_setup``); a setting reruns that part, in one script run, not the title, the notes and the panels
below (with the export or code panel open, the part reruns the page: ``follow_open_panels``). The formula section is a
part of its own inside it (its tab bar reruns it alone)."""

from __future__ import annotations

import streamlit as st

from cnn_core.arithmetic import axis_arithmetic, padded_grid, resolve_padding, same_axis
from ui.claims_view import claim_note
from ui.components.cell_stepper import cell_stepper
from ui.components.math_box import math_box
from ui.components.padding_steppers import footprint_steps
from ui.exercise_view import render_check_link
from ui.export import ExportDoc, chart_config, export_panel
from ui.formulas import padding as fx
from ui.heatmap import matrix_heatmap
from ui.i18n import current_language, explain_error, t, translate, translator
from ui.latex import display_digits, subscript_unicode
from ui.library_code import output_shape_code
from ui.page_kit import (figure_cache, follow_open_panels, lazy_code_panel, lazy_expander, mark_page_body,
                         reset_button, show_chart, url_fragment, url_tabs)
from ui.url_state import BoolParam, ChoiceParam, IntParam, init_from_url, sync_to_url, widget_key

PAGE = "padding"
MODES = ("explicit", "valid", "same", "full")
STEPS = ("padding", "output", "used")
MAX_OUT = 64  # far above any output side the sliders allow; a linked cell outside the output is moved inside
# The Hands-on CNN project's setting: 5x5 input, 3x3 kernel, stride 2, pad 1 -> 3x3 output.
SPECS = (
    IntParam("h", 5, 1, 16, label_key="padding.height"),
    IntParam("w", 5, 1, 16, label_key="padding.width"),
    IntParam("k", 3, 1, 7, label_key="padding.kernel"),
    IntParam("s", 2, 1, 4, label_key="padding.stride"),
    IntParam("d", 1, 1, 3, label_key="padding.dilation"),
    ChoiceParam("mode", "explicit", MODES, label_key="padding.mode"),
    IntParam("p", 1, 0, 4, label_key="padding.p"),
    BoolParam("axes", False, label_key="padding.per_axis"),
    IntParam("kh", 3, 1, 7, label_key="padding.kernel_h"),
    IntParam("kw", 3, 1, 7, label_key="padding.kernel_w"),
    IntParam("sh", 2, 1, 4, label_key="padding.stride_h"),
    IntParam("sw", 2, 1, 4, label_key="padding.stride_w"),
    IntParam("dh", 1, 1, 3, label_key="padding.dilation_h"),
    IntParam("dw", 1, 1, 3, label_key="padding.dilation_w"),
    IntParam("ph", 1, 0, 4, label_key="padding.p_h"),
    IntParam("pw", 1, 0, 4, label_key="padding.p_w"),
    IntParam("oi", 1, 1, MAX_OUT, label_key="padding.out_row"),
    IntParam("oj", 1, 1, MAX_OUT, label_key="padding.out_col"),
    ChoiceParam("step", "output", STEPS, label_key="padding.url_step"),
    BoolParam("notes", False, label_key="padding.section_seeds"),   # the notes expander open (its widget key)
)
SLIDER_RANGES = {"k": (1, 7), "s": (1, 4), "d": (1, 3), "p": (0, 4)}


@st.cache_data(show_spinner=False, max_entries=256)
def _derive(mode: str, n_hw: tuple, k_hw: tuple, s_hw: tuple, d_hw: tuple, p_hw: tuple) -> dict:
    """Every core result the page shows for one setting (an axis without output is None)."""
    pad = resolve_padding(p_hw if mode == "explicit" else mode, n_hw, k_hw, s_hw, d_hw)
    same = tuple(same_axis(n_hw[i], k_hw[i], s_hw[i], d_hw[i]) for i in (0, 1)) if mode == "same" else None
    axes = []
    for i, axis, before_after in ((0, "height", pad.height), (1, "width", pad.width)):
        try:
            axes.append(axis_arithmetic(n_hw[i], k_hw[i], s_hw[i], before_after, d_hw[i], axis=axis))
        except ValueError:  # explained next to the formula by _axis_error
            axes.append(None)
    return dict(padding=pad, same=same, axes=tuple(axes), grid=padded_grid(n_hw, pad, *axes))


def _axis_error(n: int, k: int, s: int, before_after: tuple, d: int, axis: str) -> Exception | None:
    try:
        axis_arithmetic(n, k, s, before_after, d, axis=axis)
    except ValueError as err:
        return err
    return None


def _key(name: str) -> str:
    return widget_key(PAGE, name)


def _math(items: list, name: str) -> None:
    """One axis's formulas of the open tab as MathML in one element (#14: no KaTeX typesetting in the browser;
    a setting that changes one axis only has the browser redraw that axis's box: the other's markup is the same)."""
    math_box(items, _key(name))


def _split_axes() -> None:
    """Turning per-axis on starts both axes from the square settings."""
    state = st.session_state
    if state.get(_key("axes")):
        for name in ("k", "s", "d", "p"):
            value = state.get(_key(name))
            if value is not None:
                state[_key(f"{name}h")] = value
                state[_key(f"{name}w")] = value


def _hover_names(grid, lang: str) -> list[list[str]]:
    return [[translate(lang, "padding.hover_pad") if r is None or c is None
             else translate(lang, "padding.hover_input", name=subscript_unicode("x", r, c))
             for c in grid.col_index] for r in grid.row_index]


def _ticks(index, lang: str) -> list[str]:
    return [translate(lang, "padding.tick_pad") if i is None else str(i + 1) for i in index]


def _never_read_shapes(grid) -> list[dict]:
    """Red-shaded real input cells that no kernel tap reads."""
    shapes = []
    for r, row in enumerate(grid.never_read):
        for c, flag in enumerate(row):
            if flag:
                shapes.append(dict(type="rect", xref="x", yref="y", x0=c - 0.5, x1=c + 0.5, y0=r - 0.5,
                                   y1=r + 0.5, line=dict(color="rgba(214,39,40,0.9)", width=1),
                                   fillcolor="rgba(214,39,40,0.28)", layer="above"))
    return shapes


def _figure_height(grid) -> int:
    """Tall enough for square cells filling a half-width column (layout only)."""
    rows, cols = grid.shape
    return int(min(600, max(300, 430 * rows / cols + 130)))


def _padded_only_figure(setup: tuple, lang: str):
    """The padded grid when the kernel fits nowhere (no output, so nothing for the cell stepper to step)."""
    grid = _derive(*setup)["grid"]
    fig = matrix_heatmap(grid.read_counts, title=translate(lang, "padding.fig_padded_only"),
                         height=_figure_height(grid), signed=False, mask=grid.mask,
                         row_labels=_ticks(grid.row_index, lang), col_labels=_ticks(grid.col_index, lang),
                         hover_names=_hover_names(grid, lang), row_title=translate(lang, "padding.axis_row"),
                         col_title=translate(lang, "padding.axis_col"), showscale=False, lang=lang)
    for shape in _never_read_shapes(grid):
        fig.add_shape(shape)
    fig.update_layout(margin=dict(t=100))
    return fig


# the same Figure object each time: re-validating a copy is slow
_padded_only_figure = figure_cache(_padded_only_figure, max_entries=16)


# Every kernel position of a setting for the cell stepper (#14): the padded grid drawn in the browser, the
# output cell picked there (no rerun), its taps outlined and its window's rows and columns written out.
# Cached per setting, language, digits shown (``digits``: part of the key only, ``fmt`` reads the session's) and
# the link's cell (bounded). The largest setting (24 x 24 positions) takes ~0.6 s to build, once.
@st.cache_data(show_spinner=False, max_entries=64)
def _stepper_payload(setup: tuple, lang: str, digits: int, cell: tuple[int, int]) -> dict:
    derived = _derive(*setup)
    return footprint_steps(derived["grid"], *derived["axes"], translator(lang), cell=cell)


def _pad_symbols(ax: str) -> tuple[str, str]:
    """LaTeX symbols of the zeros before / after along one axis (translated side names)."""
    lo, hi = ("top", "bottom") if ax == "h" else ("left", "right")
    return fx.pad_symbol(t(f"padding.tex_{lo}")), fx.pad_symbol(t(f"padding.tex_{hi}"))


def _padding_lines(mode: str, ax: str, k: int, d: int, before: int, rule, per_axis: bool) -> None:
    """How many zeros go before and after along one axis (ax: 'h' or 'w'); ``rule``: SAME's trace."""
    st.caption(t(f"padding.{mode}_caption"))
    _math([eq.latex() for eq in _padding_equations(mode, ax, k, d, before, rule, per_axis)], f"padding_{ax}_math")


def _output_lines(ax: str, a, error: Exception | None) -> None:
    """The output size along one axis with the numbers (``a``: its AxisArithmetic, or None)."""
    p_lo, p_hi = _pad_symbols(ax)
    if a is None:
        _math([fx.output_symbolic(ax, p_lo, p_hi)], f"output_{ax}_math")
        st.error(explain_error(error))
        return
    _math([fx.output_size(ax, a, p_lo, p_hi).latex()], f"output_{ax}_math")


def _used_text(mode: str, ax: str, a) -> str:
    """How far the windows reach along one axis, in words (one, zero and many said naturally)."""
    lines = t("padding.lines_rows") if ax == "h" else t("padding.lines_cols")
    line = t("padding.line_row") if ax == "h" else t("padding.line_col")
    if a.uncovered == 0:
        return t("padding.used_all", padded=a.padded, lines=lines if a.padded != 1 else line)
    head = t("padding.used_head_one" if a.used == 1 else "padding.used_head", used=a.used, padded=a.padded,
             lines=lines)
    n, m = a.uncovered, a.uncovered_input
    if n == 1:
        tail = t("padding.used_tail_one_input" if m == 1 else "padding.used_tail_one_pad", line=line)
    else:
        tail = t("padding.used_tail_input" if m == n else "padding.used_tail_pad" if m == 0 else "padding.used_tail_some",
                 n=n, m=m, lines=lines)
    if mode == "valid":
        return t("padding.used_sentence_valid", head=head, tail=tail, valid=t("padding.used_valid"))
    return t("padding.used_sentence", head=head, tail=tail)


def _used_lines(mode: str, ax: str, a) -> None:
    """How far into the padded input the windows reach along one axis."""
    st.caption(t("padding.used_caption"))
    _math([fx.used_extent(ax, a).latex()], f"used_{ax}_math")
    st.markdown(_used_text(mode, ax, a))


def _padding_equations(mode: str, ax: str, k: int, d: int, before: int, rule, per_axis: bool) -> list:
    """The lines of "1. Zeros added" as equations (shared by the page and the export)."""
    p_lo, p_hi = _pad_symbols(ax)
    if mode == "same":
        return list(fx.same_lines(ax, rule, p_lo, p_hi))
    if mode == "full":
        return [fx.full_line(ax, k, d, before, p_lo, p_hi)]
    return [fx.fixed_line(ax, before, p_lo, p_hi, None if mode == "valid" else f"p_{ax}" if per_axis else "p")]


def _export_doc(setup: tuple, per_axis: bool) -> ExportDoc:
    """The worked example to take away: per axis the zeros, the output size and the reach, with the numbers."""
    mode, n_hw, k_hw, s_hw, d_hw, _ = setup
    derived = _derive(*setup)
    pad, grid = derived["padding"], derived["grid"]
    doc = ExportDoc(t("padding.title"))
    doc.step(t("padding.export_setup"), text=t("padding.export_settings", h=n_hw[0], w=n_hw[1], mode=t(f"padding.mode_{mode}"),
                                                 kh=k_hw[0], kw=k_hw[1], sh=s_hw[0], sw=s_hw[1], dh=d_hw[0], dw=d_hw[1],
                                                 top=pad.top, bottom=pad.bottom, left=pad.left, right=pad.right))
    for i, (ax, axis) in enumerate((("h", "height"), ("w", "width"))):
        before = (pad.height if ax == "h" else pad.width)[0]
        lines = [eq.latex() for eq in _padding_equations(mode, ax, k_hw[i], d_hw[i], before,
                                                          derived["same"][i] if derived["same"] else None, per_axis)]
        a = derived["axes"][i]
        p_lo, p_hi = _pad_symbols(ax)
        if a is None:
            lines.append(fx.output_symbolic(ax, p_lo, p_hi))
        else:
            lines += [fx.output_size(ax, a, p_lo, p_hi).latex(), fx.used_extent(ax, a).latex()]
        doc.step(t(f"padding.axis_{axis}"), text=_used_text(mode, ax, a) if a is not None else t("padding.used_none"),
                 latex=lines)
    doc.step(t("padding.export_result"), text=t("padding.result_size", oh=grid.out_hw[0], ow=grid.out_hw[1],
                                                  ph=grid.shape[0], pw=grid.shape[1])
             if grid.out_hw is not None else t("padding.no_output"))
    return doc


def _show(fig, name: str) -> None:
    """A figure with Plotly's PNG download button only (file ``padding-<name>.png``)."""
    show_chart(fig, PAGE, name, config=chart_config(f"{PAGE}-{name}"))


def _link_cell(name: str) -> int:
    """The link's output row / column (1-based; anything odd is 1)."""
    value = st.session_state.get(_key(name), 1)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 1:
        return 1
    return int(value)


# --------------------------------------------------------------------------- page

lang = current_language()
st.title(t("padding.title"))
st.markdown(t("padding.intro"))

init_from_url(PAGE, SPECS)
mark_page_body(PAGE, True)   # until the end of the page's run: a part's own rerun tells itself from the page's
state = st.session_state
# the part a setting reruns (the controls, the formula, the grid; not the title, the notes, the panels) and the formula
# section's own part inside it (its tab bar)
SETTINGS_PART, FORMULA_PART = (_key(name) for name in ("settings_part", "formula_part"))
SETTINGS = ("h", "w", "k", "s", "d", "p", "mode", "axes", "kh", "kw", "sh", "sw", "dh", "dw", "ph", "pw")


def _setup() -> tuple[tuple, bool]:
    """(setup, per_axis) from the session: (mode, n_hw, k_hw, s_hw, d_hw, p_hw), as every part reads it (a part
    rerun by key gets the arguments of the page's last full run)."""
    n_hw = (int(state[_key("h")]), int(state[_key("w")]))
    per_axis = bool(state[_key("axes")])
    if per_axis:
        k_hw, s_hw, d_hw, p_hw = (tuple(int(state[_key(f"{name}{ax}")]) for ax in ("h", "w"))
                                  for name in ("k", "s", "d", "p"))
    else:
        k_hw, s_hw, d_hw, p_hw = ((int(state[_key(name)]),) * 2 for name in ("k", "s", "d", "p"))
    return (state[_key("mode")], n_hw, k_hw, s_hw, d_hw, p_hw), per_axis


ROW_LABELS = ("kernel", "stride", "dilation", "p")   # the first row's sliders, and the width's row


def _row_key(name: str) -> str:
    """The first row's slider of setting ``name`` (k, s, d, p): the square value, or the height's with per-axis on."""
    return _key(f"row_{name}")


def _row_source(name: str) -> str:
    """The session key the first row's slider ``name`` shows and sets: ``padding.k`` or, per axis, ``padding.kh``
    (the link's parameters; the square values are kept while per-axis is on, for turning it off)."""
    return _key(f"{name}h" if st.session_state.get(_key("axes")) else name)


def _row_moved(name: str) -> None:
    st.session_state[_row_source(name)] = st.session_state[_row_key(name)]


def _row_heading(label_key: str, per_axis: bool) -> None:
    """A row's heading with per-axis on; its place held without (the blocks below keep theirs)."""
    if per_axis:
        st.markdown(f"**{t(label_key)}**")
    else:
        st.empty()


def _first_row(per_axis: bool, explicit: bool) -> None:
    """Kernel, stride, dilation and padding: the square setting, or the height's (per-axis). Each slider shows its
    source's value (the link, a reset, a loaded setup file or the per-axis toggle may have changed it)."""
    for col, name in zip(st.columns(4), ROW_LABELS):
        lo, hi = SLIDER_RANGES[name[0]]
        value = state[_row_source(name[0])]
        if state.get(_row_key(name[0])) != value:
            state[_row_key(name[0])] = value
        with col:
            st.slider(t(f"padding.{name}_h" if per_axis else f"padding.{name}"), lo, hi, key=_row_key(name[0]),
                      disabled=name == "p" and not explicit, help=t("padding.p_help") if name == "p" else None,
                      on_change=_row_moved, args=(name[0],))


def _controls() -> None:
    """The settings, in a box: a change reruns the part that holds them, the formula and the grid (``_settings_part``).
    With the export or code panel open the page reruns (``follow_open_panels``: their setup file, link and code hold
    the settings).

    The first row of kernel / stride / dilation / padding sliders is the square setting, or the height's with per-axis
    on; per-axis adds the width's row below it (#14 round 13). The first row's sliders are the same widgets either way
    (keys ``padding.row_<name>``, a label change keeps a slider) and every block keeps its place (``st.empty()`` where
    a row's heading or the width's row is not shown), so the toggle mounts or unmounts the width's row only: it used to
    swap four sliders for eight (~1,000 React components mounted one way, ~500 the other) and move the reset button."""
    mode_labels = {m: t(f"padding.mode_{m}") for m in MODES}  # a dict, not t() in format_func: AppTest
    per_axis = bool(state[_key("axes")])                      # formats options outside the script run
    explicit = state[_key("mode")] == "explicit"
    with st.container(border=True):
        top = st.columns([1, 1, 2])
        with top[0]:
            st.slider(t("padding.height"), 1, 16, key=_key("h"))
        with top[1]:
            st.slider(t("padding.width"), 1, 16, key=_key("w"))
        with top[2]:
            st.radio(t("padding.mode"), MODES, format_func=mode_labels.__getitem__, key=_key("mode"),
                     horizontal=True, help=t("padding.mode_help"))
            st.toggle(t("padding.per_axis"), key=_key("axes"), on_change=_split_axes)
        _row_heading("padding.row_height", per_axis)
        _first_row(per_axis, explicit)
        _row_heading("padding.row_width", per_axis)
        if per_axis:
            for col, name in zip(st.columns(4), ROW_LABELS):
                lo, hi = SLIDER_RANGES[name[0]]
                with col:
                    st.slider(t(f"padding.{name}_w"), lo, hi, key=_key(f"{name[0]}w"),
                              disabled=name == "p" and not explicit, help=t("padding.p_help") if name == "p" else None)
        else:
            st.empty()   # the width's row's place (the reset button below keeps its own)
        # the reset reruns the page: every setting and the panels go back to the text's example
        reset_button(PAGE, SPECS, t("padding.reset"), help=t("padding.reset_help", text=t("words.text_003")),
                     extra=lambda: st.rerun(scope="app"))
    follow_open_panels(PAGE, SETTINGS, ("export_open", "code_open"))


# ---- the formula, per axis: the output size is open; where the zeros come from and how far the windows
# reach are tabs of their own (only the open tab is computed and sent). A fragment of its own (#14): switching
# the tab reruns this section only, not the page (a setting reruns it with the controls and the grid).
@url_fragment(PAGE, SPECS, key=FORMULA_PART)
def _formula_section() -> None:
    setup, per_axis = _setup()
    mode, n_hw, k_hw, s_hw, d_hw, _ = setup
    derived = _derive(*setup)
    pad = derived["padding"]
    st.subheader(t("padding.section_formula"))
    st.caption(t("padding.formula_caption"))
    step_tabs = url_tabs(PAGE, "steps", "step", STEPS, [t(f"padding.step_{name}") for name in STEPS])
    for name, tab in zip(STEPS, step_tabs):
        if tab.open is False:
            continue
        with tab:
            for i, (column, ax, axis) in enumerate(zip(st.columns(2, gap="medium"), ("h", "w"),
                                                       ("height", "width"))):
                before_after = pad.height if ax == "h" else pad.width
                with column, st.container(border=True):
                    st.markdown(f"#### {t(f'padding.axis_{axis}')}")
                    if name == "padding":
                        _padding_lines(mode, ax, k_hw[i], d_hw[i], before_after[0],
                                       derived["same"][i] if derived["same"] else None, per_axis)
                        continue
                    a = derived["axes"][i]
                    error = None if a is not None else _axis_error(n_hw[i], k_hw[i], s_hw[i], before_after,
                                                                   d_hw[i], axis)
                    if name == "output":
                        _output_lines(ax, a, error)
                    elif a is not None:
                        _used_lines(mode, ax, a)
                    else:
                        st.caption(t("padding.used_none"))


@url_fragment(PAGE, SPECS)   # opening or closing it reruns only this part
def _notes(lang: str) -> None:
    """The source texts (drawn only when opened): the catalogue's verdicts."""
    notes = lazy_expander(PAGE, "notes", t("padding.section_seeds"))   # open/closed is kept in the link
    if notes is not None:
        with notes:
            for claim in ("s000_output_size", "s000_valid", "s000_real_input", "s000_same", "s003_code_output_size"):
                claim_note(claim, lang)


@url_fragment(PAGE, SPECS)   # opening or closing it reruns only this part
def _code_panel(setup: tuple) -> None:
    """The same in PyTorch / NumPy (drawn only when opened)."""
    _, n_hw, k_hw, s_hw, d_hw, _ = setup
    pad = _derive(*setup)["padding"]
    lazy_code_panel(PAGE, lambda: output_shape_code(n_hw, k_hw, stride=s_hw,
                                                    padding=(pad.top, pad.bottom, pad.left, pad.right), dilation=d_hw))


# ---- the result and the padded grid with every kernel position: one cell stepper (#14). Choosing an output cell
# (hover, click, arrow keys, ▶ through every position) happens in the browser without a rerun, and a setting's
# change redraws this one component instead of a Plotly chart (the old footprint chart, its two number inputs and
# the animated "all positions" tab: each change redrew a ~80-90 ms chart; the first view no longer waits for Plotly).
# Chosen over switching stride x padding between precomputed payloads in the browser: that would have spared the
# rerun of two sliders only, while every control (size, kernel, dilation, mode, the cell) redrew the chart; with
# the stepper no control of the page redraws a chart, and the cell choice needs no rerun at all.
def _result_and_grid() -> None:
    setup, _ = _setup()
    mode, n_hw, k_hw, s_hw, d_hw, _ = setup
    derived = _derive(*setup)
    pad, grid = derived["padding"], derived["grid"]
    if grid.out_hw is not None:
        st.success(t("padding.result_size", oh=grid.out_hw[0], ow=grid.out_hw[1], ph=grid.shape[0],
                     pw=grid.shape[1]))
        symmetric = pad.top == pad.bottom and pad.left == pad.right
        if mode == "same":
            render_check_link("same_padding", in_hw=n_hw, kernel_hw=k_hw, stride=s_hw, dilation=d_hw)
        elif symmetric:
            render_check_link("output_size", in_hw=n_hw, kernel_hw=k_hw, stride=s_hw, padding=(pad.top, pad.left),
                              dilation=d_hw)
    else:
        st.warning(t("padding.no_output"))
    st.subheader(t("padding.section_grid"))
    st.caption(t("padding.grid_caption"))
    if grid.out_hw is None:
        left, _ = st.columns(2, gap="large")
        with left:
            _show(_padded_only_figure(setup, lang), "footprint")
            st.caption(t("padding.padded_only_caption"))
    else:
        cell_stepper(_stepper_payload(setup, lang, display_digits(), (_link_cell("oi"), _link_cell("oj"))),
                     key=_key("stepper"))
        st.caption(t("padding.cs_caption"))


@url_fragment(PAGE, SPECS, key=SETTINGS_PART)
def _settings_part() -> None:
    """The controls, the formula and the grid: a setting reruns this part, in ONE script run (#14 round 13). Round 10's
    callbacks reran the three as parts by key (``st.rerun([keys])``), which costs an announced run that ends early and
    then the targeted one: two runs, and the empty one's two whole-page React passes (the page's heaviest tree)."""
    _controls()
    _formula_section()
    _result_and_grid()


_settings_part()

# ---- the source texts (drawn only when opened): the catalogue's verdicts
_notes(lang)
setup, per_axis = _setup()
grid = _derive(*setup)["grid"]
st.caption(t("padding.conventions"))

# ---- take it away: export (not a fragment: loading a setup file must rerun the whole page), the same in a library
export_panel(PAGE, SPECS, lambda: _export_doc(setup, per_axis))
if grid.out_hw is not None:
    _code_panel(setup)
sync_to_url(PAGE, SPECS)
mark_page_body(PAGE, False)
