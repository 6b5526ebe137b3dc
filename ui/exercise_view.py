"""Exercises on screen and on paper: setup fields, statements, the marked answer, the named
mistakes, each wrong cell's terms, worked solutions, worksheets, and the "check this by hand" link.

Pure builders (``*_blocks``, ``answer_figure``, ``worksheet_*``, ``check_link``) return data or
strings and are unit-tested; the ``render_*`` functions draw them with Streamlit.
A "block" is ``("h", text)``, ``("p", markdown text)`` or ``("math", latex)``: the same blocks make
the page, the Markdown worksheet and the HTML print view.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Mapping, Sequence
from urllib.parse import urlencode

import numpy as np
import plotly.graph_objects as go

from cnn_core.errors import CoreValueError
from cnn_core.exercises import KINDS, Exercise, Grade, check_answer, make_exercise, solution_terms
from ui.formulas.exercises import ANSWER_SYMBOL, cell_equation, size_equations
from ui.formulas.mathml import to_mathml
from ui.heatmap import ROUTE_COLOR, matrix_heatmap_spec, window_shape
from ui.i18n import translate
from ui.latex import fmt, latex_matrix
from ui.matrix_input import format_matrix, parse_matrix

Block = tuple[str, str]

MIXED = "mixed"
#: Kinds whose answer is a size (written as a formula, not cell by cell).
SIZE_KINDS = ("output_size", "same_padding", "transposed_output_size", "param_count")
#: Most cells written out in a worked solution (the rest are in the answer matrix).
SOLUTION_CELLS = 16
#: Largest worksheet.
MAX_WORKSHEET = 20


# --------------------------------------------------------------------------- setup fields
@dataclass(frozen=True)
class Field:
    """One input of a kind's setup on the "Check my work" page (and in its URL).

    ``type``: ``int`` (lo..hi), ``float``, ``matrix``, ``row`` (a one-row matrix) or ``mode``.
    """

    name: str
    type: str
    default: Any
    lo: int = 0
    hi: int = 0


_X = np.array([[1.0, 2, 0, 1], [0, 1, 3, 1], [2, 2, 1, 0], [1, 0, 1, 2]])
_W = np.array([[1.0, 0], [0, -1]])
FIELDS: dict[str, tuple[Field, ...]] = {
    "output_size": (Field("in_h", "int", 5, 1, 64), Field("in_w", "int", 5, 1, 64), Field("kernel_h", "int", 3, 1, 16),
                    Field("kernel_w", "int", 3, 1, 16), Field("stride", "int", 2, 1, 8),
                    Field("padding", "int", 1, 0, 8), Field("dilation", "int", 1, 1, 8)),
    "same_padding": (Field("in_h", "int", 5, 1, 64), Field("in_w", "int", 5, 1, 64), Field("kernel_h", "int", 2, 1, 16),
                     Field("kernel_w", "int", 2, 1, 16), Field("stride", "int", 1, 1, 8),
                     Field("dilation", "int", 1, 1, 8)),
    "conv_forward": (Field("x", "matrix", _X), Field("w", "matrix", _W), Field("b", "float", 0.0),
                     Field("stride", "int", 1, 1, 6), Field("padding", "int", 0, 0, 6)),
    "pool_forward": (Field("x", "matrix", _X), Field("kernel", "int", 2, 1, 6), Field("stride", "int", 2, 1, 6),
                     Field("padding", "int", 0, 0, 3), Field("mode", "mode", "max")),
    "pool_backward": (Field("x", "matrix", _X), Field("dy", "matrix", np.array([[1.0, 2], [3, 4]])),
                      Field("kernel", "int", 2, 1, 6), Field("stride", "int", 2, 1, 6), Field("mode", "mode", "max")),
    "conv_input_grad": (Field("dy", "matrix", np.array([[1.0, 2, 0], [0, 1, -1], [2, 0, 1]])), Field("w", "matrix", _W),
                        Field("stride", "int", 1, 1, 6), Field("padding", "int", 0, 0, 6),
                        Field("x_h", "int", 4, 1, 12), Field("x_w", "int", 4, 1, 12)),
    # w fixes dW's size (ambiguous from x and δ alone when stride > 1) and lets the grader recognise
    # dW built from the layer's output
    "conv_weight_grad": (Field("x", "matrix", _X), Field("dy", "matrix", np.array([[1.0, 0, 2], [0, 1, 0], [-1, 0, 1]])),
                         Field("w", "matrix", _W), Field("stride", "int", 1, 1, 6), Field("padding", "int", 0, 0, 6)),
    "transposed_output_size": (Field("n", "int", 3, 1, 64), Field("k", "int", 3, 1, 16), Field("stride", "int", 2, 1, 8),
                               Field("padding", "int", 1, 0, 16), Field("output_padding", "int", 1, 0, 8),
                               Field("dilation", "int", 1, 1, 8)),
    "param_count": (Field("filters", "int", 2, 1, 4096), Field("channels", "int", 3, 1, 4096),
                    Field("kernel_h", "int", 3, 1, 64), Field("kernel_w", "int", 3, 1, 64)),
    "softmax_ce_grad": (Field("z", "row", np.array([[1.0, 2, 0]])), Field("y", "row", np.array([[0.0, 1, 0]]))),
}
_PAIRS = {"in_hw": ("in_h", "in_w"), "kernel_hw": ("kernel_h", "kernel_w"), "x_shape": ("x_h", "x_w")}


def given_from_fields(kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Field values (as the page reads them) -> the ``given`` of :func:`cnn_core.exercise_from`."""
    given: dict[str, Any] = {}
    names = {f.name for f in FIELDS[kind]}
    for key, (h, w) in _PAIRS.items():
        if h in names:
            given[key] = (values[h], values[w])
    for f in FIELDS[kind]:
        if f.name in sum(_PAIRS.values(), ()):
            continue
        value = values[f.name]
        given[f.name] = np.asarray(value, dtype=float).ravel() if f.type == "row" else value
    return given


def fields_from_given(kind: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`given_from_fields` (pairs split into two ints; a square pair may be one int)."""
    values: dict[str, Any] = {}
    for key, value in given.items():
        if key in _PAIRS:
            pair = value if isinstance(value, (list, tuple, np.ndarray)) else (value, value)
            values[_PAIRS[key][0]], values[_PAIRS[key][1]] = int(pair[0]), int(pair[1])
        elif isinstance(value, (list, tuple, np.ndarray)) and np.ndim(value) > 0:
            a = np.asarray(value, dtype=float)
            if a.ndim == 1 and key in ("stride", "padding", "dilation"):
                if a[0] != a[-1]:
                    raise ValueError(f"{key} {value!r}: the link carries one {key} for both axes")
                values[key] = int(a[0])
            else:
                values[key] = a
        else:
            values[key] = value
    return values


def _url_value(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return format_matrix(value, row_sep=";", col_sep=",")
    if isinstance(value, float):
        return fmt(value, sig=12)
    return str(value)


def check_query(kind: str, **given: Any) -> dict[str, str]:
    """The query of the "check this by hand" link: ``{"kind": ..., field: compact value, ...}``.

    ``given`` as in :func:`cnn_core.exercise_from` (e.g. ``x=..., w=..., b=0, stride=1, padding=1``).
    Matrices are written ``1,2;3,4``; pairs become two numbers (``in_h``, ``in_w``). Raises
    ValueError for an unknown kind or field, or a stride/padding/dilation that differs per axis.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown exercise kind {kind!r}")
    values = fields_from_given(kind, given)
    order = [f.name for f in FIELDS[kind]]
    unknown = set(values) - set(order)
    if unknown:
        raise ValueError(f"{kind} has no setup field(s) {sorted(unknown)}")
    return {"kind": kind, **{name: _url_value(values[name]) for name in order if name in values}}


def check_link(kind: str, **given: Any) -> str:
    """The "check this by hand" link of a topic page: ``/check_work?kind=...&...`` (see :func:`check_query`).

    >>> check_link("conv_forward", x=[[1, 2], [3, 4]], w=[[1]], b=0, stride=1, padding=0)
    '/check_work?kind=conv_forward&x=1%2C2%3B3%2C4&w=1&b=0&stride=1&padding=0'
    """
    return "/check_work?" + urlencode(check_query(kind, **given))


def render_check_link(kind: str, **given: Any) -> None:
    """A topic page's "Check this by hand" link to the Check my work page, its setup filled in.

    One line on a topic page, e.g. on the convolution page:
    ``render_check_link("conv_forward", x=x, w=w, b=b, stride=stride, padding=padding)``.
    """
    import streamlit as st

    from ui.i18n import t

    try:
        query = check_query(kind, **given)
    except ValueError:
        return  # a setting the checker does not take (e.g. per-axis stride): no link rather than a wrong one
    st.page_link("app_pages/check_work.py", label=t("exercises.check_by_hand"), icon=":material/task_alt:",
                 query_params=query)


# --------------------------------------------------------------------------- statements
def kind_name(kind: str, lang: str) -> str:
    return translate(lang, f"exercises.kind_{kind}")


def _pair_text(p: Sequence[int]) -> str:
    return f"{p[0]}×{p[1]}"


def statement(ex: Exercise, lang: str) -> str:
    """The task in words (markdown; only numbers from the exercise go in)."""
    g = ex.given
    params: dict[str, Any] = {}
    for key, value in g.items():
        if key in ("in_hw", "kernel_hw", "x_shape"):
            params[key] = _pair_text(value)
        elif isinstance(value, tuple):
            params[key] = value[0] if value[0] == value[1] else _pair_text(value)
        elif isinstance(value, np.ndarray):
            params[key + "_shape"] = _pair_text(value.shape) if value.ndim == 2 else str(value.size)
        elif isinstance(value, float):
            params[key] = fmt(value)
        else:
            params[key] = value
    if "padding" in g:   # "no padding" / "不补零", not "padding 0 on every side" / "每边补 0 个零"
        none = params["padding"] in (0, "0")
        params["pad"] = translate(lang, "exercises.pad_none" if none else "exercises.pad_some", padding=params["padding"])
    if "mode" in g:
        params["mode"] = translate(lang, f"exercises.mode_{g['mode']}")
    if ex.kind == "conv_weight_grad":
        params["kernel_hw"] = _pair_text(ex.answer.shape)
    rows, cols = ex.answer.shape
    shape_key = "answer_one" if rows == cols == 1 else "answer_row" if rows == 1 else "answer_shape"
    gap = "" if lang == "zh" else " "   # Chinese sentences follow each other without a space
    # the tie rule is about maxima: average pooling's statement leaves it out
    key = f"exercises.statement_{ex.kind}" + ("_avg" if ex.kind == "pool_backward" and g.get("mode") == "avg" else "")
    return (translate(lang, key, **params) + gap
            + translate(lang, f"exercises.{shape_key}", rows=rows, cols=cols))


_SHOWN = {"x": "x", "w": "w", "dy": r"\delta", "z": "z", "y": "y"}


def given_blocks(ex: Exercise) -> list[Block]:
    """The given matrices as LaTeX (``x = [...]``); the kernel ``w`` of conv_weight_grad is not shown."""
    parts = []
    for key, symbol in _SHOWN.items():
        if key in ex.given and isinstance(ex.given[key], np.ndarray):
            if ex.kind == "conv_weight_grad" and key == "w":
                continue  # not needed for dW; kept by the grader to recognise dW built from the output
            parts.append(f"{symbol} = {latex_matrix(ex.given[key])}")
    return [("math", r",\qquad ".join(parts))] if parts else []


def exercise_blocks(ex: Exercise, lang: str, number: int | None = None) -> list[Block]:
    """Heading (optional), statement, given matrices."""
    blocks: list[Block] = []
    if number is not None:
        blocks.append(("h", translate(lang, "exercises.exercise_n", n=number, kind=kind_name(ex.kind, lang),
                                      level=ex.level)))
    return blocks + [("p", statement(ex, lang))] + given_blocks(ex)


def solution_blocks(ex: Exercise, lang: str) -> list[Block]:
    """The worked solution: the formula with numbers (sizes) or the answer and its cells written out."""
    if ex.kind in SIZE_KINDS:
        return [("math", eq) for eq in size_equations(ex)] + [("p", translate(
            lang, "exercises.answer_is", answer=format_matrix(ex.answer, row_sep="; ")))]
    symbol = ANSWER_SYMBOL[ex.kind]   # y, ∂L/∂x, ∂L/∂w, ∂L/∂z: never an English word in the formula
    blocks: list[Block] = [("math", f"{symbol} = {latex_matrix(ex.answer)}")]
    terms = solution_terms(ex)
    if len(terms) > SOLUTION_CELLS:
        blocks.append(("p", translate(lang, "exercises.solution_first_cells", n=SOLUTION_CELLS)))
    for ct in terms[:SOLUTION_CELLS]:
        blocks.append(("math", cell_equation(ex, ct)))
        if not ct.terms and ct.bias is None:
            blocks.append(("p", no_terms_reason(ex, lang)))
    return blocks


# --------------------------------------------------------------------------- a graded answer
def answer_figure(grade: Grade, lang: str) -> go.Figure:
    """The submitted answer as a heatmap: every cell marked ✓ or ✗, wrong cells outlined."""
    sub = np.asarray(grade.submitted)
    spec = matrix_heatmap_spec(sub, title=translate(lang, "exercises.fig_answer"), symbol="a", lang=lang)
    if grade.cells is not None:
        marks = [[f"{fmt(sub[r, c])} {'✓' if grade.cells[r, c] else '✗'}" for c in range(sub.shape[1])]
                 for r in range(sub.shape[0])]
        spec["data"][0]["text"] = marks
        spec["layout"]["shapes"] = list(spec["layout"]["shapes"]) + [
            window_shape((r, c, r, c), color=ROUTE_COLOR, width=3) for r, c in grade.wrong]
    return go.Figure(spec)


def verdict(grade: Grade, lang: str) -> str:
    if grade.correct:
        return translate(lang, "exercises.verdict_correct")
    if grade.cells is None:
        return translate(lang, "exercises.verdict_shape", got=_pair_text(grade.submitted.shape),
                         expected=_pair_text(grade.expected.shape))
    if grade.expected.size == 1:
        return translate(lang, "exercises.verdict_wrong_one")   # one number: "1 of 1 cells" says nothing
    return translate(lang, "exercises.verdict_wrong", wrong=len(grade.wrong), total=grade.expected.size)


def mistake_texts(grade: Grade, lang: str) -> list[tuple[str, str, str]]:
    """(name, what was done, what is right) of every named mistake, most likely first."""
    return [(translate(lang, f"exercises.mistake_{code}"), translate(lang, f"exercises.mistake_{code}_done"),
             translate(lang, f"exercises.mistake_{code}_right")) for code in grade.mistakes]


def wrong_cell_blocks(ex: Exercise, grade: Grade, lang: str, limit: int = SOLUTION_CELLS) -> list[Block]:
    """For each wrong cell: its place, your value, and the right value with its terms written out."""
    if ex.kind in SIZE_KINDS:
        return [] if grade.correct else [("math", eq) for eq in size_equations(ex)]
    blocks: list[Block] = []
    for ct in grade.terms[:limit]:
        r, c = ct.cell
        blocks.append(("p", translate(lang, "exercises.wrong_cell", row=r + 1, col=c + 1,
                                      yours=fmt(grade.submitted[r, c]), right=fmt(ct.value))))
        blocks.append(("math", cell_equation(ex, ct)))
        if not ct.terms and ct.bias is None:
            blocks.append(("p", no_terms_reason(ex, lang)))
    return blocks


def no_terms_reason(ex: Exercise, lang: str) -> str:
    """Why a cell with no terms is 0: no window routes a δ to it (max pooling) or reaches it at all."""
    max_pool = ex.kind == "pool_backward" and ex.given.get("mode") == "max"
    return translate(lang, "exercises.no_terms_max" if max_pool else "exercises.no_terms")


# --------------------------------------------------------------------------- practice and worksheets
def practice_kind(choice: str, seed: int) -> str:
    """The kind of a practice exercise: the chosen one, or for "mixed" one picked by the seed."""
    return KINDS[seed % len(KINDS)] if choice == MIXED else choice


def practice_exercise(choice: str, level: int, seed: int) -> Exercise:
    """The exercise a practice link (kind or "mixed", level, seed) stands for."""
    return make_exercise(practice_kind(choice, seed), seed, level)


def worksheet_exercises(choice: str, level: int, seed: int, count: int) -> list[Exercise]:
    """``count`` exercises from consecutive seeds (the same link gives the same sheet)."""
    count = max(1, min(int(count), MAX_WORKSHEET))
    return [practice_exercise(choice, level, seed + i) for i in range(count)]


def worksheet_blocks(exercises: Sequence[Exercise], lang: str) -> list[Block]:
    """Exercises, then the answer key, then the worked solutions (three sections, page breaks between)."""
    blocks: list[Block] = [("title", translate(lang, "exercises.worksheet_title")),
                           ("p", translate(lang, "exercises.worksheet_intro"))]
    for i, ex in enumerate(exercises, 1):
        blocks += exercise_blocks(ex, lang, i)
    blocks += [("break", ""), ("title", translate(lang, "exercises.worksheet_key"))]
    for i, ex in enumerate(exercises, 1):
        blocks.append(("math", rf"\text{{{i}.}}\quad {latex_matrix(ex.answer)}"))
    blocks += [("break", ""), ("title", translate(lang, "exercises.worksheet_solutions"))]
    for i, ex in enumerate(exercises, 1):
        blocks.append(("h", translate(lang, "exercises.exercise_n", n=i, kind=kind_name(ex.kind, lang),
                                      level=ex.level)))
        blocks += solution_blocks(ex, lang)
    return blocks


def worksheet_markdown(exercises: Sequence[Exercise], lang: str) -> str:
    """The worksheet as Markdown with ``$$`` LaTeX."""
    out = []
    for kind, text in worksheet_blocks(exercises, lang):
        if kind == "title":
            out.append(f"# {text}")
        elif kind == "h":
            out.append(f"## {text}")
        elif kind == "math":
            out.append(f"$$\n{text}\n$$")
        elif kind == "break":
            out.append("---")
        else:
            out.append(text)
    return "\n\n".join(out) + "\n"


_HTML_HEAD = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:50em;margin:2em auto;padding:0 1em;line-height:1.5}}
.formula{{overflow-x:auto;margin:0.8em 0}}
math{{font-size:1.1em;font-family:"Latin Modern Math","STIX Two Math","Cambria Math","DejaVu Math TeX Gyre",math}}
mtd[columnalign=right]{{text-align:right}} mtd[columnalign=left]{{text-align:left}}
.break{{page-break-before:always}} @media print{{.noprint{{display:none}} .formula{{overflow:visible}}}}</style>
</head><body>
<p class="noprint">{hint}</p>
"""


def mathml(latex: str) -> str:
    """A display formula as MathML (``aligned`` blocks become a two-column table, aligned at ``&``): the app's one
    converter, ``ui.formulas.mathml`` (the math boxes of the pages use it too)."""
    return to_mathml(latex)


def worksheet_html(exercises: Sequence[Exercise], lang: str) -> str:
    """The worksheet as one self-contained HTML page to print (sections on new pages).

    Formulas are MathML, converted from the LaTeX when the page is made: browsers draw MathML
    themselves, so the page loads nothing from the network and works offline.
    """
    title = translate(lang, "exercises.worksheet_title")
    parts = [_HTML_HEAD.format(lang="zh-CN" if lang == "zh" else "en", title=html.escape(title),
                               hint=html.escape(translate(lang, "exercises.worksheet_print_hint")))]
    for kind, text in worksheet_blocks(exercises, lang):
        if kind == "title":
            parts.append(f"<h1>{html.escape(text)}</h1>")
        elif kind == "h":
            parts.append(f"<h2>{html.escape(text)}</h2>")
        elif kind == "math":
            parts.append(f'<div class="formula">{mathml(text)}</div>')
        elif kind == "break":
            parts.append('<div class="break"></div>')
        else:
            parts.append(f"<p>{html.escape(text.replace('**', ''))}</p>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


# --------------------------------------------------------------------------- Streamlit renderers
def block_items(blocks: Sequence[Block]) -> list:
    """Blocks as math box items: a formula stays LaTeX (drawn as MathML), a heading a bold :class:`Text`, a paragraph
    a line whose ``$…$`` spans are inline formulas (our locale strings and numbers only: never user text)."""
    from ui.components.math_box import Text, prose

    items: list = []
    for kind, text in blocks:
        if kind == "math":
            items.append(text)
        elif kind in ("h", "title"):
            items.append(Text(f"**{text}**"))
        elif kind == "p":
            items.append(prose(text))
    return items


def render_blocks(blocks: Sequence[Block], key: str) -> None:
    """The blocks in one math box keyed ``key`` (``"<page>.<name>_math"``): MathML drawn by the browser, not KaTeX
    typeset in JavaScript on every rerun (~20 ms a formula)."""
    from ui.components.math_box import math_box

    math_box(block_items(blocks), key)


def grade_text(exercise: Exercise, text: str | None) -> Grade | None:
    """Parse a typed answer and grade it; a parse or grading problem is shown as a translated error
    (nothing is evaluated) and gives None."""
    import streamlit as st

    from ui.i18n import explain_error

    parsed = parse_matrix(text or "")
    if parsed.error is not None:
        st.error(explain_error(parsed.error))
        return None
    try:
        return check_answer(exercise, parsed.matrix)
    except CoreValueError as err:
        st.error(explain_error(err))
        return None


def render_grade(ex: Exercise, grade: Grade, lang: str, key: str, solution_shown: bool = False) -> None:
    """Verdict, the marked answer (the chart keyed ``key``), the named mistakes, each wrong cell's terms (the math
    box ``<key>.right_math``).

    ``solution_shown``: the page shows the worked solution anyway (Practice), so an answer of the
    wrong shape does not repeat it here.
    """
    import streamlit as st

    (st.success if grade.correct else st.error)(verdict(grade, lang))
    from ui.page_kit import for_screen

    st.plotly_chart(for_screen(answer_figure(grade, lang)), key=key, config={"displayModeBar": False})
    if grade.correct:
        return
    if grade.mistakes:
        st.markdown(f"**{translate(lang, 'exercises.mistakes_title')}**")
        for name, done, right in mistake_texts(grade, lang):
            st.warning(translate(lang, "exercises.mistake_line", name=name, done=done, right=right))
    else:
        st.info(translate(lang, "exercises.no_mistake_found"))
    if grade.cells is None and ex.kind not in SIZE_KINDS:
        if solution_shown:
            return
        render_blocks([("h", translate(lang, "exercises.right_answer_title"))] + solution_blocks(ex, lang),
                      f"{key}.right_math")
        return
    blocks = wrong_cell_blocks(ex, grade, lang)
    if blocks:
        render_blocks([("h", translate(lang, grade_blocks_title(ex)))] + blocks, f"{key}.right_math")


def grade_blocks_title(ex: Exercise) -> str:
    """The heading over :func:`wrong_cell_blocks`: a size is worked out from its formula, not cell by cell."""
    return "exercises.right_answer_title" if ex.kind in SIZE_KINDS else "exercises.terms_title"


# --------------------------------------------------------------------------- URL parameters of a setup
def url_specs(kind: str, page: str) -> tuple:
    """The :mod:`ui.url_state` parameters of ``kind``'s setup fields (labels ``<page>.field_<name>``)."""
    from ui.url_state import ChoiceParam, FloatParam, IntParam, MatrixParam

    specs = []
    for f in FIELDS[kind]:
        label = f"{page}.field_{f.name}"
        if f.type == "int":
            specs.append(IntParam(f.name, f.default, f.lo, f.hi, label_key=label))
        elif f.type == "float":
            specs.append(FloatParam(f.name, f.default, -1000.0, 1000.0, label_key=label))
        elif f.type == "mode":
            specs.append(ChoiceParam(f.name, f.default, ("max", "avg"), label_key=label))
        else:
            specs.append(MatrixParam(f.name, f.default, 1 if f.type == "row" else 12, 12, label_key=label))
    return tuple(specs)


def render_fields(kind: str, page: str, lang: str) -> dict[str, Any] | None:
    """The setup widgets of ``kind`` (keys ``<page>.<kind>.<name>``); None while a matrix is invalid."""
    import streamlit as st

    from ui.components.choice_menu import choice_menu
    from ui.matrix_input import matrix_editor

    values: dict[str, Any] = {}
    ok = True
    fields = FIELDS[kind]
    small = [f for f in fields if f.type in ("int", "float", "mode")]
    big = [f for f in fields if f.type in ("matrix", "row")]
    if big:
        for col, f in zip(st.columns(len(big)), big):
            with col:
                value = matrix_editor(translate(lang, f"{page}.field_{f.name}"), key=f"{page}.{kind}.{f.name}",
                                      default=f.default, max_rows=1 if f.type == "row" else 12, max_cols=12)
                ok = ok and value is not None
                values[f.name] = value
    cols = st.columns(min(len(small), 4)) if small else []
    for i, f in enumerate(small):
        with cols[i % len(cols)]:
            label, key = translate(lang, f"{page}.field_{f.name}"), f"{page}.{kind}.{f.name}"
            if f.type == "int":
                values[f.name] = int(st.number_input(label, min_value=f.lo, max_value=f.hi, step=1, key=key))
            elif f.type == "float":
                values[f.name] = float(st.number_input(label, min_value=-1000.0, max_value=1000.0, step=1.0,
                                                       key=key, format="%g"))
            else:
                # the browser's own <select> (ui.components.choice_menu, #14 round 12): ~20 React components in the
                # page's tree, not a Streamlit select's ~110, and no popover per pick; the choice stays under ``key``
                values[f.name] = choice_menu(label, [(m, translate(lang, f"exercises.mode_{m}")) for m in ("max", "avg")],
                                             key)
    return values if ok else None
