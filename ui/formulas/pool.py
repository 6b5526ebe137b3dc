"""Formulas and labels of the pooling page, built from :class:`cnn_core.pool.PoolTrace` windows and
:class:`cnn_core.pool.PoolBackwardTrace` cells.

Symbols: a the pooled input (a = σ(z)), y the output, δ = ∂L/∂y; indices 1-based. Average pooling
divides by k_h × k_w with the padded zeros counted (``count_include_pad``), max pooling pads with −∞.
"""

from __future__ import annotations

import numpy as np

from cnn_core.pool import PoolBackwardTrace, PoolCellGradient, PoolTrace, PoolWindow
from ui.formulas.conv_forward import Equation as TreeEquation
from ui.formulas.conv_forward import Fn, Frac, Num, Op, Sym
from ui.formulas.equation import Equation, shown
from ui.latex import fmt, fmt_latex, subscript, subscript_unicode

UPSAMPLE = r"\operatorname{upsample}(\delta^l)"
LIST_LIMIT = 4   # up to this many taps the window is written as a list, like the texts' max(o11, o12, o21, o22)


def _bmatrix(rows: list[list[str]]) -> str:
    return r"\begin{bmatrix} " + r" \\ ".join(" & ".join(row) for row in rows) + r" \end{bmatrix}"


def forward(trace: PoolTrace, win: PoolWindow, pad_label: str) -> Equation:
    """y_ij = max(window) (the winner boxed) or (Σ window)/(k_h × k_w), symbols and numbers."""
    kh, kw = trace.kernel
    symbols, numbers, values = [], [], []
    for i, pr in enumerate(win.rows):
        sym_row, num_row = [], []
        for j, pc in enumerate(win.cols):
            cell = trace.input_index(pr, pc)
            sym_row.append(subscript("a", *cell) if cell else rf"\text{{{pad_label}}}")
            value = fmt_latex(win.values[i, j], factor=False)
            num_row.append(rf"\boxed{{{value}}}" if trace.mode == "max" and cell == win.winner else value)
            values.append(float(win.values[i, j]))
        symbols.append(sym_row)
        numbers.append(num_row)
    lhs = subscript("y", win.out_row, win.out_col)
    as_list = kh * kw <= LIST_LIMIT
    if trace.mode == "max":   # no arithmetic: the result is one of the numbers shown
        if as_list:
            return Equation(lhs, rf"\max({', '.join(sum(symbols, []))})", rf"\max({', '.join(sum(numbers, []))})",
                            win.output)
        return Equation(lhs, rf"\max {_bmatrix(symbols)}", rf"\max {_bmatrix(numbers)}", win.output)
    denominator = rf"{kh} \times {kw}"
    again = sum(shown(v) for v in values) / (kh * kw)
    if as_list:
        signed = [fmt_latex(v) for v in values]
        return Equation(lhs, rf"\frac{{{' + '.join(sum(symbols, []))}}}{{{denominator}}}",
                        rf"\frac{{{' + '.join(signed)}}}{{{denominator}}}", win.output, recomputed=again)
    return Equation(lhs, rf"\frac{{1}}{{{denominator}}} \sum {_bmatrix(symbols)}",
                    rf"\frac{{1}}{{{denominator}}} \sum {_bmatrix(numbers)}", win.output, recomputed=again)


def backward(back: PoolBackwardTrace, cell: PoolCellGradient) -> Equation:
    """∂L/∂a_rc = Σ of what the windows sent it: δ of each window it won (max) or δ/(k_h × k_w) (avg)."""
    kh, kw = back.forward.kernel
    lhs = rf"\frac{{\partial L}}{{\partial {subscript('a', cell.row, cell.col)}}}"
    if not cell.terms:
        return Equation(lhs, "0", None, cell.total)
    deltas = [subscript(r"\delta", term.out_row, term.out_col) for term in cell.terms]
    if back.forward.mode == "max":
        numeric = " + ".join(fmt_latex(term.dy) for term in cell.terms) if len(cell.terms) > 1 else None
        return Equation(lhs, " + ".join(deltas), numeric, cell.total, tuple((shown(term.dy),) for term in cell.terms))
    denominator = rf"{kh} \times {kw}"
    return Equation(lhs, rf"\frac{{{' + '.join(deltas)}}}{{{denominator}}}",
                    rf"\frac{{{' + '.join(fmt_latex(term.dy) for term in cell.terms)}}}{{{denominator}}}",
                    cell.total, recomputed=sum(shown(term.dy) for term in cell.terms) / (kh * kw))


def through_activation(dx: float, sigma_prime: float, result: float, r: int, c: int) -> Equation:
    """δˡ⁻¹_rc = upsample(δˡ)_rc · σ'(z_rc)."""
    upsample = subscript(UPSAMPLE, r, c)
    return Equation(subscript(r"\delta^{l-1}", r, c), rf"{upsample} \cdot \sigma'({subscript('z', r, c)})",
                    rf"{fmt_latex(dx)} \times {fmt_latex(sigma_prime)}", result, ((shown(dx), shown(sigma_prime)),))


def example_delta(shape: tuple[int, int]) -> np.ndarray:
    """The example δ of a pooled output of ``shape``: 1, 2, 3, … in reading order (data, not arithmetic)."""
    return np.arange(1.0, shape[0] * shape[1] + 1).reshape(shape)


# --------------------------------------------------------------------------- figure labels (no arithmetic in the page)
def window_box(win: PoolWindow) -> tuple[int, int, int, int]:
    """The window's (r0, c0, r1, c1) on the padded grid."""
    return win.rows[0], win.cols[0], win.rows[-1], win.cols[-1]


def winner_on_grid(trace: PoolTrace, win: PoolWindow) -> tuple[int, int]:
    """The max winner's (row, col) on the padded grid."""
    r, c = win.winner
    return r + trace.padding.top, c + trace.padding.left


def grid_names(trace: PoolTrace, symbol: str, pad_label: str) -> list[list[str]]:
    """Hover name of every padded-grid cell: ``a₁₂`` or the padding label."""
    hp, wp = trace.padded.shape[1:]
    return [[subscript_unicode(symbol, *cell) if (cell := trace.input_index(r, q)) else pad_label
             for q in range(wp)] for r in range(hp)]


def grid_ticks(trace: PoolTrace) -> tuple[list[str], list[str]]:
    """Row and column ticks of the padded grid: 1-based input numbers, blank on the padding."""
    hp, wp = trace.padded.shape[1:]
    h, w = trace.x.shape[1:]
    rows = [str(r - trace.padding.top + 1) if 0 <= r - trace.padding.top < h else "" for r in range(hp)]
    cols = [str(q - trace.padding.left + 1) if 0 <= q - trace.padding.left < w else "" for q in range(wp)]
    return rows, cols


# --------------------------------------------------------------------------- the same formulas as trees (cell stepper)
# The browser-side cell stepper prints MathML: these build ui.formulas.conv_forward expression trees from the
# same trace terms as the LaTeX builders above (render with conv_forward.equation_html / equation_text).
MINUS_INFINITY = Fn("−∞")


def _shown_equal(recomputed: float, result: float) -> bool:
    """Whether a value worked out from the printed numbers prints as the printed result (else ≈)."""
    return fmt(recomputed) == fmt(result)


def _args(nodes: list, first: tuple, joiner: str = "+") -> tuple:
    """``first n₀ j n₁ j … )`` as wrap-able chunks: ``first`` opens the first chunk, ``)`` closes the last."""
    chunks = []
    last = len(nodes) - 1
    for k, node in enumerate(nodes):
        if joiner == ",":   # a comma ends its chunk: "max(a₁₁, a₁₂, …)"
            chunk = (first if k == 0 else ()) + (node, Op(")" if k == last else ","))
        else:               # a plus starts its chunk
            chunk = (first if k == 0 else (Op(joiner),)) + (node,) + ((Op(")"),) if k == last else ())
        chunks.append(chunk)
    return tuple(chunks)


def grad_symbol(stem: str, sym: Sym) -> Frac:
    """``∂stem/∂sym`` as a fraction node."""
    return Frac((Fn("∂"), Sym(stem)), (Fn("∂"), sym))


def forward_tree(trace: PoolTrace, win: PoolWindow, pad_label: str) -> TreeEquation:
    """y_ij = max(a…) = max(numbers) = result, or (1/(k_h×k_w))(a + … ) = (1/(k_h×k_w))(numbers) = result."""
    symbols, numbers, values = [], [], []
    for i, pr in enumerate(win.rows):
        for j, pc in enumerate(win.cols):
            cell = trace.input_index(pr, pc)
            symbols.append(Sym("a", cell) if cell else Fn(pad_label))
            value = float(win.values[i, j])
            numbers.append(Num(value, factor=trace.mode != "max") if np.isfinite(value) else MINUS_INFINITY)
            values.append(value)
    lhs = (Sym("y", (win.out_row, win.out_col)),)
    if trace.mode == "max":   # no arithmetic: the result is one of the numbers shown
        opening = (Fn("max"), Op("("))
        return TreeEquation(lhs, (_args(symbols, opening, ","), _args(numbers, opening, ",")), float(win.output))
    kh, kw = trace.kernel
    opening = (Frac((Num(1),), (Num(kh), Op("×"), Num(kw))), Op("("))
    again = sum(float(fmt(v)) for v in values) / (kh * kw)
    return TreeEquation(lhs, (_args(symbols, opening), _args(numbers, opening)), float(win.output),
                        approx=not _shown_equal(again, float(win.output)))


def backward_tree(back: PoolBackwardTrace, cell: PoolCellGradient) -> TreeEquation:
    """∂L/∂a_rc = δ + δ … (max: the windows it won) or (1/(k_h×k_w))(δ + …) (avg: every window holding it)."""
    lhs = (grad_symbol("L", Sym("a", (cell.row, cell.col))),)
    if not cell.terms:
        return TreeEquation(lhs, (((Num(0),),),))
    deltas = [Sym("δ", (term.out_row, term.out_col)) for term in cell.terms]
    numbers = [Num(float(term.dy)) for term in cell.terms]
    if back.forward.mode == "max":
        sym = tuple(((Op("+"),) if k else ()) + (d,) for k, d in enumerate(deltas))
        if len(numbers) == 1:
            return TreeEquation(lhs, (sym,), float(cell.total))
        num = tuple(((Op("+"),) if k else ()) + (Num(float(term.dy), factor=k > 0),)
                    for k, term in enumerate(cell.terms))
        again = sum(float(fmt(term.dy)) for term in cell.terms)
        return TreeEquation(lhs, (sym, num), float(cell.total), approx=not _shown_equal(again, float(cell.total)))
    kh, kw = back.forward.kernel
    opening = (Frac((Num(1),), (Num(kh), Op("×"), Num(kw))), Op("("))
    again = sum(float(fmt(term.dy)) for term in cell.terms) / (kh * kw)
    return TreeEquation(lhs, (_args(deltas, opening), _args(numbers, opening)), float(cell.total),
                        approx=not _shown_equal(again, float(cell.total)))


def through_activation_tree(dx: float, sigma_prime: float, result: float, r: int, c: int) -> TreeEquation:
    """δˡ⁻¹_rc = ∂L/∂a_rc · σ′(z_rc) = dx × σ′ = result."""
    sym = (grad_symbol("L", Sym("a", (r, c))), Op("·"), Fn("σ′"), Op("("), Sym("z", (r, c)), Op(")"))
    num = (Num(dx, factor=False), Op("×"), Num(sigma_prime))
    again = float(fmt(dx)) * float(fmt(sigma_prime))
    return TreeEquation((Sym("δˡ⁻¹", (r, c)),), ((sym,), (num,)), result,
                        approx=not _shown_equal(again, result))
