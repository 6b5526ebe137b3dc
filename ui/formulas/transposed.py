"""Formula builders for the transposed / dilated / 1-D convolution page (pure, no Streamlit).

Every worked sum is built from one list of trace terms, so the symbolic line and the line with
numbers cannot drift apart. Numbers that 4 significant digits would round (1/3) are written as
fractions when they are simple ones (\\tfrac{1}{3}); otherwise the last step says ≈.

>>> number_latex(1 / 3), number_latex(-0.5), number_latex(2 ** 0.5)
(('\\\\tfrac{1}{3}', True), ('-0.5', True), ('1.414', False))
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Sequence

import numpy as np

from ui.latex import SUM_BREAK, fmt, fmt_latex, subscript, subscript_unicode
from ui.math_html import Matrix, equation, op, sym

__all__ = ["number_latex", "worked_sum", "kernel_latex", "conv1d_sample_lines", "conv1d_length_lines", "text_length_line",
           "transposed_size_lines", "text_fractional_line", "CONV1D_RULE", "transposed_cell_lines", "dilation_lines", "receptive_field_line",
           "symbol_matrix", "symbol_names", "names_matrix", "numbers_matrix", "matrix_1d_html", "matrix_2d_html",
           "padded_names", "all_windows", "dilated_taps", "tap_names", "sample_taps"]

#: The 1-D correlation rule with stride S and dilation D (x̃: the padded signal), 1-based like the text.
CONV1D_RULE = r"y_o = \sum_{t=1}^{K} w_t\, \tilde x_{(o-1)S + (t-1)D + 1}"
#: Largest denominator written as a fraction (1/3, 2/7, 5/12 ...).
MAX_DENOMINATOR = 64
_TOL = 1e-9


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= _TOL * max(1.0, abs(a), abs(b))


def number_latex(v: float) -> tuple[str, bool]:
    """(LaTeX, exact): the compact number if 4 digits show it exactly, else a simple fraction, else rounded."""
    v = float(v)
    if _close(float(fmt(v)), v):
        return fmt_latex(v, factor=False), True
    frac = Fraction(v).limit_denominator(MAX_DENOMINATOR)
    if frac.denominator > 1 and _close(frac.numerator / frac.denominator, v):
        sign = "-" if frac < 0 else ""
        return f"{sign}\\tfrac{{{abs(frac.numerator)}}}{{{frac.denominator}}}", True
    return fmt_latex(v, factor=False), False


def _factor(v: float) -> tuple[str, bool]:
    text, exact = number_latex(v)
    return (f"({text})" if text.startswith("-") else text), exact


def worked_sum(lhs: str, symbols: Sequence[tuple[str, str]], values: Sequence[tuple[float, float]],
               result: float) -> str:
    """``lhs = Σ a·b`` as an aligned block: symbols, numbers, result (``≈`` when a shown number is rounded).

    Parameters
    ----------
    symbols : [(a_symbol, b_symbol), ...] LaTeX
    values : [(a, b), ...] the numbers of the same terms
    result : the core's value of the sum

    >>> worked_sum("y_{1}", [("w_{1}", "x_{1}"), ("w_{2}", "x_{2}")], [(1 / 3, 3), (1 / 3, 1)], 4 / 3)
    '\\\\begin{aligned} y_{1} &= w_{1}x_{1} + w_{2}x_{2} \\\\\\\\ &= \\\\tfrac{1}{3}\\\\times3 + \\\\tfrac{1}{3}\\\\times1 \\\\\\\\ &= \\\\tfrac{4}{3} \\\\\\\\ &\\\\approx 1.333 \\\\end{aligned}'
    """
    if len(symbols) != len(values):
        raise ValueError(f"{len(symbols)} symbol pairs but {len(values)} value pairs")
    if not symbols:
        lines = [f"{lhs} &= 0"]
    else:
        sym = " + ".join(f"{a}{b}" for a, b in symbols)
        parts, exact = [], True
        for a, b in values:
            (ta, ea), (tb, eb) = _factor(a), _factor(b)
            parts.append(f"{ta}\\times{tb}")
            exact = exact and ea and eb
        lines = [f"{lhs} &= {sym}", "&= " + " + ".join(parts)]
        shown, result_exact = number_latex(result)
        if exact and result_exact:
            lines.append(f"&= {shown}")
            if "frac" in shown:
                lines.append(f"&\\approx {fmt_latex(result, factor=False)}")
        else:
            lines.append(f"&\\approx {fmt_latex(result, factor=False)}")
    return "\\begin{aligned} " + " \\\\ ".join(lines) + " \\end{aligned}"


def kernel_latex(w: Sequence[float], name: str = "w") -> str:
    """``w = [w_1 ... w_K]`` as a row, exact where :func:`number_latex` can be (1/3 as a fraction)."""
    return f"{name} = \\begin{{bmatrix}} " + " & ".join(number_latex(v)[0] for v in w) + " \\end{bmatrix}"


def conv1d_sample_lines(trace, o: int) -> str:
    """Output sample ``o`` (0-based) of a :class:`cnn_core.transposed.Conv1dTrace`, written out.

    y_o = Σ_t w_t x̃_{o·s + t·d}; a tap on a padded zero shows as 0.
    """
    indices = trace.input_index(o)
    symbols = [(subscript("w", t), r"\cdot 0" if i is None else subscript("x", i)) for t, i in enumerate(indices)]
    values = [(float(trace.w[t]), 0.0 if i is None else float(trace.x[i])) for t, i in enumerate(indices)]
    return worked_sum(subscript("y", o), symbols, values, float(trace.output[o]))


def conv1d_length_lines(m: int, k: int, stride: int, dilation: int, before: int, after: int, out: int) -> str:
    """O = ⌊(M + P_b + P_a − D(K−1) − 1)/S⌋ + 1 with the numbers."""
    symbolic = r"\left\lfloor \frac{M + P_{\mathrm{b}} + P_{\mathrm{a}} - D(K - 1) - 1}{S} \right\rfloor + 1"
    numeric = (rf"\left\lfloor \frac{{{m} + {before} + {after} - {dilation}\cdot({k} - 1) - 1}}{{{stride}}}"
               rf" \right\rfloor + 1")
    return "\\begin{aligned} " + f"O &= {symbolic} \\\\ &= {numeric} \\\\ &= {out}" + " \\end{aligned}"


def text_length_line(mode: str, m: int, k: int, out: int) -> str | None:
    """The text's special case for S = D = 1: narrow M−K+1, wide M+K−1, equal-width M (None otherwise)."""
    forms = {"valid": ("M - K + 1", f"{m} - {k} + 1"), "full": ("M + K - 1", f"{m} + {k} - 1"),
             "same": ("M", f"{m}")}
    if mode not in forms:
        return None
    sym, num = forms[mode]
    if sym == "M":
        return f"O = M = {out}"
    return f"O = {sym} = {num} = {out}"


def transposed_size_lines(n: int, k: int, stride: int, padding: int, dilation: int, output_padding: int,
                          out: int, axis: str = "") -> str:
    """O = (M − 1)·S − 2P + D·(K − 1) + output_padding + 1 with the numbers (one axis)."""
    o = f"O_{{{axis}}}" if axis else "O"
    # each line broken after the dilation term, so it fits a phone's column (#12 item 16)
    symbolic = rf"(M - 1)\cdot S - 2P + D\cdot(K - 1) {SUM_BREAK.strip()} \mathrm{{output\_padding}} + 1"
    numeric = (rf"({n} - 1)\cdot {stride} - 2\cdot {padding} + {dilation}\cdot({k} - 1) {SUM_BREAK.strip()} "
               rf"{output_padding} + 1")
    return "\\begin{aligned} " + f"{o} &= {symbolic} \\\\ &= {numeric} \\\\ &= {out}" + " \\end{aligned}"


def text_fractional_line(m: int, stride: int, k: int, out: int) -> str:
    """The text's (D+1)(M−1)+K, D = S−1 zeros inserted (its D is not a dilation), with the numbers."""
    return rf"(D + 1)(M - 1) + K = ({stride - 1} + 1)({m} - 1) + {k} = {out}"


def transposed_cell_lines(terms: Sequence, i: int, j: int, value: float) -> str:
    """x_ij = Σ z_rq w_ab over the :class:`cnn_core.transposed.TransposedTerm` s that land on (i, j)."""
    symbols = [(subscript("z", *term.x_index), subscript("w", *term.w_index)) for term in terms]
    values = [(term.x_value, term.w_value) for term in terms]
    return worked_sum(subscript("x", i, j), symbols, values, value)


def dilation_lines(k: int, d: int, k_eff: int) -> str:
    """K' = K + (K − 1)(D − 1) with the numbers."""
    return ("\\begin{aligned} " + rf"K' &= K + (K - 1)(D - 1) \\ &= {k} + ({k} - 1)({d} - 1) \\ &= {k_eff}"
            + " \\end{aligned}")


def receptive_field_line(k: int, d: int, layers: int, field: int) -> str:
    """r_l = r_{l-1} + D(K − 1), so r_L = 1 + L·D(K − 1) for L stacked stride-1 layers with one dilation D."""
    # aligned lines, not one 700 px line: it fits a phone's column (#12 item 16)
    return ("\\begin{aligned} " + rf"r_l &= r_{{l-1}} + D_l(K - 1) \\ r_L &= 1 + L\cdot D(K - 1) \quad (D_l = D)"
            rf" \\ &= 1 + {layers}\cdot {d}\cdot({k} - 1) \\ &= {field}" + " \\end{aligned}")


def symbol_matrix(tap_index, kernel_shape: Sequence[int], name: str = "w") -> str:
    """A convolution matrix written with its weights' names: ``w_{t}`` (1-D kernel) or ``w_{ab}`` (2-D) where the
    matrix holds that weight, 0 where it has a structural zero.

    ``tap_index`` is :mod:`cnn_core.transposed`'s 1-based tap per cell (0: structural zero; pass its transpose
    for Cᵀ), ``kernel_shape`` the kernel's shape, (K,) or (KH, KW). Subscripts are 1-based like the text.
    """
    rows = [" & ".join(row) for row in symbol_names(tap_index, kernel_shape, name)]
    return r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"


def symbol_names(tap_index, kernel_shape: Sequence[int], name: str = "w") -> list[list[str]]:
    """The cells of :func:`symbol_matrix`: ``w_{t}`` / ``w_{ab}`` (LaTeX, 1-based) where the matrix holds that
    weight, ``"0"`` at a structural zero."""
    shape = tuple(int(n) for n in kernel_shape)

    def cell(v: int) -> str:
        return "0" if v == 0 else subscript(name, *(int(i) for i in np.unravel_index(v - 1, shape)))

    return [[cell(int(v)) for v in row] for row in np.asarray(tap_index, dtype=int)]


# --------------------------------------------------------------------------- C and Cᵀ written out (HTML, #14)
_NAME = re.compile(r"^(\w+)_\{(.*)\}$")
MINUS = "\u2212"


def _shown(v: float) -> str:
    return fmt(v).replace("-", MINUS)


def names_matrix(matrix: str, tap_index, kernel_shape: Sequence[int], name: str = "w", *, key: str = "") -> Matrix:
    """A convolution matrix ``matrix`` (its symbol, for the hover) with its weights' names in their places
    (:func:`symbol_names`), for :func:`ui.math_html.equation`; ``data-v`` holds the LaTeX name (``w_{12}``) or
    ``0``; ``key`` names it for :func:`ui.math_html.parse_matrices` (default ``"<matrix> names"``)."""
    names = symbol_names(tap_index, kernel_shape, name)
    cells, hover = [], []
    for r, row in enumerate(names):
        cells.append([sym(*_NAME.match(v).groups()) if v != "0" else "0" for v in row])
        hover.append([f"{subscript_unicode(matrix, r, c)} = "
                      + (v if v == "0" else _NAME.sub(lambda m: m.group(1) + m.group(2).translate(_SUB), v))
                      for c, v in enumerate(row)])
    return Matrix(key or f"{matrix} names", cells, names, hover)


_SUB = str.maketrans("0123456789,", "₀₁₂₃₄₅₆₇₈₉,")


def numbers_matrix(name: str, values, *, column: bool = False, key: str = "") -> Matrix:
    """A matrix (or a vector: one row, or one column with ``column``) of numbers printed like the formulas
    (``ui.latex.fmt``, the reader's digits); ``data-v`` holds the same text with an ASCII minus; ``name`` is the
    hover's symbol, ``key`` (default ``name``) names it for :func:`ui.math_html.parse_matrices`."""
    a = np.asarray(values, dtype=float)
    a = a.reshape(-1, 1) if column else a.reshape(1, -1) if a.ndim == 1 else a
    shown = [[fmt(v) for v in row] for row in a]
    vector = a.shape[0] == 1 or a.shape[1] == 1
    hover = [[f"{subscript_unicode(name, r * a.shape[1] + c if vector else r, *(() if vector else (c,)))} = {v}"
              for c, v in enumerate(row)] for r, row in enumerate(shown)]
    return Matrix(key or name, [[v.replace("-", MINUS) for v in row] for row in shown], shown, hover)


def matrix_1d_html(view) -> tuple[str, str, str]:
    """Seed 004's 4.5.1 written out for a :class:`cnn_core.transposed.MatrixView1d`, as three HTML blocks.

    ``left``: C with the weights' names, z = Cx with the numbers, w ⋆ x. ``right_top``: Cᵀ with the names,
    Cᵀz with the numbers, rot180(w) and z̃ (z with S−1 zeros between samples and K−1 at each end).
    ``right_bottom``: z̃ ⋆ rot180(w), the same numbers as Cᵀz. Every entry is the core's.
    """
    k = (int(view.w.size),)
    eq = op("=")
    left = (equation(sym("C"), eq, names_matrix("C", view.tap_index, k))
            + equation(sym("z"), eq, sym("C"), sym("x"), eq, numbers_matrix("C", view.C),
                       numbers_matrix("x", view.x, column=True), eq, numbers_matrix("z", view.Cx, column=True, key="Cx"))
            + equation(sym("w"), op("⋆"), sym("x"), eq, numbers_matrix("z", view.direct, key="w⋆x")))
    rot = [op("rot180(", False), sym("w"), op(")", False)]
    right_top = (equation(sym("C", sup="⊤"), eq, names_matrix("Cᵀ", view.tap_index.T, k))
                 + equation(sym("C", sup="⊤"), sym("z"), eq, numbers_matrix("Cᵀ", view.C.T),
                            numbers_matrix("z", view.z, column=True), eq,
                            numbers_matrix("x′", view.CTz, column=True, key="Cᵀz"))
                 + equation(*rot, eq, numbers_matrix("r", view.w_rot180, key="rot180(w)"))
                 + equation(sym("z", accent="\u0303"), eq, numbers_matrix("z̃", view.full_padded)))
    right_bottom = equation(sym("z", accent="\u0303"), op("⋆"), *rot, eq, numbers_matrix("x′", view.full, key="z̃⋆rot180(w)"))
    return left, right_top, right_bottom


def matrix_2d_html(view) -> tuple[str, str, str]:
    """The 2-D example of a :class:`cnn_core.transposed.MatrixView2d`: C with the names ``w_{ab}`` (x flattened
    row by row), then x and w, then C vec(x) = w ⋆ x with the numbers (three HTML blocks)."""
    eq = op("=")
    return (equation(sym("C"), eq, names_matrix("C", view.tap_index, view.k.shape, key="C2 names")),
            equation(sym("x"), eq, numbers_matrix("x", view.x, key="x2"), op(",\u2003"), sym("w"), eq,
                     numbers_matrix("w", view.k, key="w2")),
            equation(sym("C"), op("\u2009vec(", False), sym("x"), op(")", False), eq, numbers_matrix("z", view.Cx, key="Cvec(x)"), eq,
                     sym("w"), op("⋆"), sym("x"), eq, numbers_matrix("z", view.direct, key="w⋆x2")))


# --------------------------------------------------------------------------- index bookkeeping for the figures
def padded_names(trace, zero: str) -> list[list[str]]:
    """Hover names over a :class:`cnn_core.transposed.ConvTranspose2dTrace`'s zero-inserted, padded grid: the z
    cell each position holds (``z₁₂``, 1-based), ``zero`` where an inserted or padding zero sits."""
    rows, cols = trace.padded.shape[1:]
    return [[zero if trace.source(r, c) is None else subscript_unicode("z", *trace.source(r, c))
             for c in range(cols)] for r in range(rows)]


def all_windows(trace) -> tuple[list, list[str]]:
    """Every output cell's window on the padded grid (row by row) and its name ``x_ij`` (1-based)."""
    oh, ow = trace.output.shape[1:]
    cells = [(r, c) for r in range(oh) for c in range(ow)]
    return [trace.window(r, c) for r, c in cells], [subscript_unicode("x", r, c) for r, c in cells]


def sample_taps(trace, o: int) -> list[int]:
    """The input samples (0-based) that output sample ``o`` of a :class:`cnn_core.transposed.Conv1dTrace` reads
    (its taps on padding zeros left out)."""
    return [int(i) for i in trace.input_index(o) if i is not None]


def tap_names(kernel_shape: Sequence[int], name: str = "w") -> list[str]:
    """The kernel's weights' plain names in tap order (row by row, 1-based): ``w₁ w₂ w₃`` or ``w₁₁ w₁₂ …``."""
    return [subscript_unicode(name, *idx) for idx in np.ndindex(*(int(n) for n in kernel_shape))]


def dilated_taps(kernel: np.ndarray) -> list[tuple[int, int]]:
    """The (row, col) cells of a dilated kernel that hold a tap (the nonzero ones; 0-based)."""
    return [(int(r), int(c)) for r, c in zip(*np.nonzero(np.asarray(kernel)))]
