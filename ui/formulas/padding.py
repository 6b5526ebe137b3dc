"""Formulas of the padding & stride page, built from :mod:`cnn_core.arithmetic` traces
(:class:`~cnn_core.arithmetic.AxisArithmetic`, :class:`~cnn_core.arithmetic.SameAxis`).

``ax`` is ``"h"`` or ``"w"``; ``p_lo`` / ``p_hi`` are the LaTeX symbols of the zeros before / after
(their side names are translated by the page). Every line is integer arithmetic, so it is exact.
"""

from __future__ import annotations

from cnn_core.arithmetic import AxisArithmetic, SameAxis
from ui.formulas.equation import Equation


def pad_symbol(side: str) -> str:
    """``p_{\\text{top}}`` for a (translated) side name."""
    return rf"p_{{\text{{{side}}}}}"


def same_lines(ax: str, rule: SameAxis, p_lo: str, p_hi: str) -> list[Equation]:
    """SAME (TensorFlow): O = ⌈n/s⌉, P = max((O−1)s + d(k−1) + 1 − n, 0), before ⌊P/2⌋, after P − before."""
    return [
        Equation(f"O_{ax}", rf"\left\lceil \frac{{n_{ax}}}{{s_{ax}}} \right\rceil",
                 rf"\left\lceil \frac{{{rule.n}}}{{{rule.stride}}} \right\rceil", rule.out),
        Equation(f"P_{ax}", rf"\max((O_{ax} - 1)s_{ax} + d_{ax}(k_{ax} - 1) + 1 - n_{ax},\, 0)",
                 rf"\max(({rule.out} - 1)\cdot {rule.stride} + {rule.dilation}\cdot({rule.k} - 1) + 1 - {rule.n},"
                 rf"\, 0)", rule.total),
        Equation(p_lo, rf"\left\lfloor \frac{{P_{ax}}}{{2}} \right\rfloor",
                 rf"\left\lfloor \frac{{{rule.total}}}{{2}} \right\rfloor", rule.before),
        Equation(p_hi, rf"P_{ax} - {p_lo}", rf"{rule.total} - {rule.before}", rule.after),
    ]


def full_line(ax: str, k: int, d: int, before: int, p_lo: str, p_hi: str) -> Equation:
    """FULL: d(k − 1) zeros on each side."""
    return Equation(p_lo, rf"{p_hi} = d_{ax}(k_{ax} - 1)", rf"{d}\cdot({k} - 1)", before)


def fixed_line(ax: str, before: int, p_lo: str, p_hi: str, symbol: str | None) -> Equation:
    """VALID (``symbol`` None: no zeros) or explicit p (``symbol`` = ``p`` or ``p_h``)."""
    return Equation(p_lo, p_hi if symbol is None else f"{p_hi} = {symbol}", None, before)


def output_symbolic(ax: str, p_lo: str, p_hi: str) -> str:
    """O = ⌊(n + p_before + p_after − d(k − 1) − 1)/s⌋ + 1, symbols only (shown when there is no output)."""
    # the numerator on two rows: on one it made the formula wider than a phone's column (#12 item 16)
    return (rf"O_{ax} = \left\lfloor \frac{{\begin{{gathered}} n_{ax} + {p_lo} + {p_hi} \\ "
            rf"{{}} - d_{ax}(k_{ax} - 1) - 1 \end{{gathered}}}}{{s_{ax}}} \right\rfloor + 1")


def output_size(ax: str, a: AxisArithmetic, p_lo: str, p_hi: str) -> Equation:
    """The output size with the numbers, then with the padded length and the dilated kernel extent."""
    numeric = (rf"\left\lfloor \frac{{\begin{{gathered}} {a.n} + {a.before} + {a.after} \\ "
               rf"{{}} - {a.dilation}\cdot({a.k} - 1) - 1 \end{{gathered}}}}{{{a.stride}}} \right\rfloor + 1 \\ "
               rf"&= \left\lfloor \frac{{{a.padded} - {a.k_eff}}}"
               rf"{{{a.stride}}} \right\rfloor + 1")
    lhs, rhs = output_symbolic(ax, p_lo, p_hi).split(" = ", 1)
    return Equation(lhs, rhs, numeric, a.out)


def used_extent(ax: str, a: AxisArithmetic) -> Equation:
    """How far the windows reach: L = s(O − 1) + d(k − 1) + 1."""
    return Equation(f"L_{ax}", rf"s_{ax}(O_{ax} - 1) + d_{ax}(k_{ax} - 1) + 1",
                    rf"{a.stride}\cdot({a.out} - 1) + {a.dilation}\cdot({a.k} - 1) + 1", a.used)


# --------------------------------------------------------------------------- one kernel position (cell stepper)
def window_edges(ax: str, a: AxisArithmetic, index: int, first: str, last: str) -> tuple:
    """Where the window of output position ``index`` (0-based) lies along one axis, in padded rows or
    columns counted from 1 (the first row of zeros is row 1), as two equations of
    :mod:`ui.formulas.conv_forward`'s tree (MathML for the cell stepper, plain text for screen readers):

    ``r_first = s(i − 1) + 1 = …`` and ``r_last = r_first + d(k − 1) = …``. ``first`` / ``last`` are the
    (translated) subscripts. The results are the core's: ``a.starts[index]`` and its last tap."""
    from ui.formulas.conv_forward import Equation as TreeEquation, Num, Op, Sym

    sym = "r" if ax == "h" else "c"
    pos = "i" if ax == "h" else "j"
    start = a.starts[index] + 1                      # 1-based, from the core
    end = a.starts[index] + a.dilation * (a.k - 1) + 1
    s, d, k = (Sym(name, sub=Sym(ax)) for name in ("s", "d", "k"))
    lo, hi = Sym(sym, sub=Sym(first)), Sym(sym, sub=Sym(last))
    first_eq = TreeEquation(
        (lo,),
        (((s, Op("("), Sym(pos), Op("−"), Num(1), Op(")")), (Op("+"), Num(1))),
         ((Num(a.stride), Op("·"), Op("("), Num(index + 1), Op("−"), Num(1), Op(")")), (Op("+"), Num(1)))),
        start)
    last_eq = TreeEquation(
        (hi,),
        (((lo,), (Op("+"), d, Op("("), k, Op("−"), Num(1), Op(")"))),
         ((Num(start),), (Op("+"), Num(a.dilation), Op("·"), Op("("), Num(a.k), Op("−"), Num(1), Op(")")))),
        end)
    return first_eq, last_eq
