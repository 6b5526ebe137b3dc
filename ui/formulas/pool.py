"""Formulas and labels of the pooling page, built from :class:`cnn_core.pool.PoolTrace` windows and
:class:`cnn_core.pool.PoolBackwardTrace` cells.

Symbols: a the pooled input (a = σ(z)), y the output, δ = ∂L/∂y; indices 1-based. Average pooling
divides by k_h × k_w with the padded zeros counted (``count_include_pad``), max pooling pads with −∞.
"""

from __future__ import annotations

from cnn_core.pool import PoolBackwardTrace, PoolCellGradient, PoolTrace, PoolWindow
from ui.formulas.equation import Equation, shown
from ui.latex import fmt_latex, subscript, subscript_unicode

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
