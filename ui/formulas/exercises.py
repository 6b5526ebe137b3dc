"""Formula builders of the exercises: one answer cell written out (symbols -> numbers -> result).

Pure (no Streamlit). The symbolic and the numeric line of a cell come from the same
:class:`cnn_core.exercises.CellTerms`; sizes come from the core's arithmetic traces
(``same_axis``) or the exercise's given numbers, the result always from ``exercise.answer``.
"""

from __future__ import annotations

from cnn_core.arithmetic import same_axis
from cnn_core.exercises import CellTerms, Exercise, Term
from ui.latex import equation_lines, fmt, fmt_latex, subscript

#: How each given array is written in formulas.
SYMBOLS = {"x": "x", "w": "w", "dy": r"\delta", "a": "a", "y": "y"}
#: How the answer's cells are named, per kind.
ANSWER_SYMBOL = {
    "conv_forward": "y", "pool_forward": "y", "pool_backward": r"\tfrac{\partial L}{\partial x}",
    "conv_input_grad": r"\tfrac{\partial L}{\partial x}", "conv_weight_grad": r"\tfrac{\partial L}{\partial w}",
    "softmax_ce_grad": r"\tfrac{\partial L}{\partial z}",
}
#: More terms than this are shortened with \cdots on the symbolic line (the numbers stay complete).
LONG = 9


def _symbol(name: str | None, index: tuple[int, ...] | None) -> str:
    if index is None:
        return "0"
    return subscript(SYMBOLS.get(name or "", name or ""), *index)


def _lhs(kind: str, cell: tuple[int, int]) -> str:
    stem = ANSWER_SYMBOL[kind]
    if kind == "softmax_ce_grad":
        return rf"\left({stem}\right)_{{{cell[1] + 1}}}"
    if stem.startswith(r"\tfrac"):
        return rf"\left({stem}\right)_{{{cell[0] + 1}{cell[1] + 1}}}"
    return subscript(stem, *cell)


def _join(parts: list[str]) -> str:
    return " + ".join(parts) if parts else "0"


def _product(t: Term, share: bool) -> tuple[str, str]:
    """(symbolic, numeric) of one term: x·w, or δ (max route) / δ·¼ (average share)."""
    if t.right is None:
        if share:
            return _symbol(t.left, t.left_index), fmt_latex(t.left_value)
        return (rf"{_symbol(t.left, t.left_index)}\cdot{fmt_latex(t.right_value)}",
                rf"{fmt_latex(t.left_value)}\times{fmt_latex(t.right_value)}")
    return (rf"{_symbol(t.left, t.left_index)}\,{_symbol(t.right, t.right_index)}",
            rf"{fmt_latex(t.left_value)}\times{fmt_latex(t.right_value)}")


def cell_equation(exercise: Exercise, ct: CellTerms) -> str:
    """``lhs = symbolic terms = numbers = result`` for one answer cell (LaTeX, aligned).

    >>> from cnn_core.exercises import exercise_from, explain_cell
    >>> ex = exercise_from("conv_forward", x=[[1, 2], [3, 4]], w=[[1, 0], [0, 1]], b=1, stride=1, padding=0)
    >>> cell_equation(ex, explain_cell(ex, (0, 0)))
    '\\\\begin{aligned} y_{11} &= x_{11}\\\\,w_{11} + x_{12}\\\\,w_{12} + x_{21}\\\\,w_{21} + x_{22}\\\\,w_{22} + b \\\\\\\\ &= 1\\\\times1 + 2\\\\times0 + 3\\\\times0 + 4\\\\times1 + 1 \\\\\\\\ &= 6 \\\\end{aligned}'
    """
    kind, lhs = exercise.kind, _lhs(exercise.kind, ct.cell)
    result = exercise.answer[ct.cell]
    if ct.rule == "difference":
        t = ct.terms[0]
        return _lines(f"{lhs} = {_symbol(t.left, t.left_index)} - {_symbol(t.right, t.right_index)}",
                      f"{fmt_latex(t.left_value, factor=False)} - {fmt_latex(t.right_value)}", _approx(result))
    if ct.rule in ("max", "avg"):
        syms = [_symbol(t.left, t.left_index) for t in ct.terms]
        nums = [fmt_latex(t.left_value, factor=False) for t in ct.terms]
        if ct.rule == "max":
            return equation_lines(rf"{lhs} = \max({', '.join(_short(syms))})", rf"\max({', '.join(nums)})",
                                  fmt_latex(result, factor=False))
        # (sum)/n on one level: a tall \frac on the first line of an aligned block sticks out of
        # Streamlit's formula box (overflow-y hidden) and loses its top pixels
        return _lines(rf"{lhs} = ({_join(_short(syms))})\,/\,{fmt_latex(ct.divisor)}",
                      rf"({_join([fmt_latex(t.left_value) for t in ct.terms])})\,/\,{fmt_latex(ct.divisor)}",
                      _approx(result))
    share = kind == "pool_backward" and exercise.given.get("mode") == "max"
    pairs = [_product(t, share) for t in ct.terms]
    syms, nums = [p[0] for p in pairs], [p[1] for p in pairs]
    if ct.bias is not None:
        syms, nums = _short(syms) + ["b"], nums + [fmt_latex(ct.bias)]
    else:
        syms = _short(syms)
    if not ct.terms and ct.bias is None:
        return f"{lhs} = 0"  # no window reaches this cell (the page says why in words: no_terms_reason)
    return _lines(f"{lhs} = {_join(syms)}", _join(nums), _approx(result))


def _short(symbols: list[str]) -> list[str]:
    if len(symbols) <= LONG:
        return symbols
    return symbols[:3] + [r"\cdots"] + symbols[-2:]


def _lines(symbolic: str, numeric: str, result: str) -> str:
    """equation_lines, with the last sign ≈ when the result is rounded."""
    return equation_lines(symbolic, numeric, result).replace(r"&= \approx", r"&\approx")


def _approx(result: float) -> str:
    """The result, with ≈ when the printed number is rounded (e.g. a softmax, a ninth)."""
    text = fmt_latex(result, factor=False)
    return text if abs(float(fmt(result)) - float(result)) < 1e-12 else rf"\approx {text}"


# --------------------------------------------------------------------------- sizes
def size_equations(exercise: Exercise) -> list[str]:
    """The size formula with the exercise's numbers, one aligned block per axis (or one)."""
    g, kind, ans = exercise.given, exercise.kind, exercise.answer
    if kind == "output_size":
        out = []
        for axis, name in ((0, "H"), (1, "W")):
            n, k, s = g["in_hw"][axis], g["kernel_hw"][axis], g["stride"][axis]
            p, d = g["padding"][axis], g["dilation"][axis]
            top = n + 2 * p - d * (k - 1) - 1
            out.append(equation_lines(
                rf"O_{name} = \left\lfloor \frac{{n + 2p - d(k-1) - 1}}{{s}} \right\rfloor + 1",
                rf"\left\lfloor \frac{{{n} + 2\cdot{p} - {d}\cdot({k}-1) - 1}}{{{s}}} \right\rfloor + 1"
                rf" = \left\lfloor \frac{{{top}}}{{{s}}} \right\rfloor + 1",
                fmt_latex(ans[0, axis], factor=False)))
        return out
    if kind == "same_padding":
        out = []
        for axis, name, (before, after) in ((0, "H", ("top", "bottom")), (1, "W", ("left", "right"))):
            r = same_axis(g["in_hw"][axis], g["kernel_hw"][axis], g["stride"][axis], g["dilation"][axis])
            b, a = rf"p_{{\text{{{before}}}}}", rf"p_{{\text{{{after}}}}}"
            out.append(
                r"\begin{aligned} "
                rf"O_{name} &= \lceil n/s \rceil = \lceil {r.n}/{r.stride} \rceil = {r.out} \\ "
                rf"P_{name} &= \max\big((O_{name}-1)s + d(k-1) + 1 - n,\ 0\big) \\ "
                rf"&= \max\big(({r.out}-1)\cdot{r.stride} + {r.dilation}\cdot({r.k}-1) + 1 - {r.n},\ 0\big)"
                rf" = {r.total} \\ "
                rf"{b} &= \lfloor P_{name}/2 \rfloor = \lfloor {r.total}/2 \rfloor = {r.before} \\ "
                rf"{a} &= P_{name} - {b} = {r.total} - {r.before} = {r.after}"
                r" \end{aligned}")
        return out
    if kind == "transposed_output_size":
        n, k, s, p, op, d = (g[key] for key in ("n", "k", "stride", "padding", "output_padding", "dilation"))
        return [equation_lines(r"O = (n-1)s - 2p + d(k-1) + p_{\text{out}} + 1",
                               rf"({n}-1)\cdot{s} - 2\cdot{p} + {d}\cdot({k}-1) + {op} + 1",
                               fmt_latex(ans[0, 0], factor=False))]
    kh, kw = g["kernel_hw"]
    return [equation_lines(r"N = P \cdot D \cdot U \cdot V + P",
                           rf"{g['filters']}\cdot{g['channels']}\cdot{kh}\cdot{kw} + {g['filters']}",
                           fmt_latex(ans[0, 0], factor=False))]
