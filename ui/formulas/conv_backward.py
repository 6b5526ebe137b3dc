"""Formulas of the convolution backward page, built from :class:`cnn_core.conv.ConvBackwardTrace` terms.

Indices in are 0-based (as the trace); symbols out are 1-based (``i₁₂``). Two namings: the one-channel
example writes the input i, the kernel h and δ (text 003 §2.7.2); the multi-channel one writes x, w
with the filter and channel as a superscript ``w^{(f,c)}``.
"""

from __future__ import annotations

from cnn_core.conv import ConvBackwardTrace
from ui.formulas.conv_forward import Equation as TreeEquation
from ui.formulas.conv_forward import Fn, Frac, Num, Op, Sym
from ui.formulas.equation import Equation, product_equation, sum_equation, sum_of_products_equation
from ui.latex import equation_lines, fmt, fmt_latex, latex_matrix, subscript, subscript_unicode


# --------------------------------------------------------------------------- symbols
def sym_x(multi: bool, c: int, r: int, s: int) -> str:
    """The input cell: ``x_{crs}`` (multi) or ``i_{rs}``."""
    return subscript("x", c, r, s) if multi else subscript("i", r, s)


def sym_w(multi: bool, f: int, c: int, a: int, b: int, hat: bool = False) -> str:
    """A weight; ``hat`` = the rotated kernel's entry ``\\hat{w}_{ab}`` = rot180(w)_{ab}."""
    if multi:
        stem = r"\hat{w}" if hat else "w"
        return f"{subscript(stem, a, b)}^{{({f + 1},{c + 1})}}"
    return subscript(r"\hat{h}" if hat else "h", a, b)


def sym_d(multi: bool, f: int, i: int, j: int, tilde: bool = False) -> str:
    """A δ cell; ``tilde`` = δ̃ (zero-inserted and padded δ)."""
    stem = r"\tilde{\delta}" if tilde else r"\delta"
    return f"{subscript(stem, i, j)}^{{({f + 1})}}" if multi else subscript(stem, i, j)


def kernel_name(multi: bool, f: int, c: int) -> str:
    return f"W^{{({f + 1},{c + 1})}}" if multi else "h"


def rotated_kernel_name(multi: bool, f: int, c: int) -> str:
    r"""rot180 of the kernel: ``\hat{w}^{(f,c)}`` or ``\hat{h}``."""
    return rf"\hat{{w}}^{{({f + 1},{c + 1})}}" if multi else r"\hat{h}"


def lhs_dx(multi: bool, c: int, r: int, s: int) -> str:
    return rf"\frac{{\partial E}}{{\partial {sym_x(multi, c, r, s)}}}"


# --------------------------------------------------------------------------- ∂E/∂x
def dx_chain(trace: ConvBackwardTrace, c: int, r: int, s: int, multi: bool) -> Equation:
    """Way 1: ∂E/∂x_rs = Σ over the windows that covered (r, s) of δ_ij · w_ab (the weight that touched it)."""
    terms = [(sym_d(multi, tm.f, tm.oi, tm.oj), tm.delta, sym_w(multi, tm.f, c, tm.kh, tm.kw), tm.weight)
             for tm in trace.dx_terms(c, r, s)]
    return sum_of_products_equation(lhs_dx(multi, c, r, s), terms, float(trace.dx[c, r, s]), dot=r"\cdot ")


def dx_full(trace: ConvBackwardTrace, c: int, r: int, s: int, multi: bool) -> Equation:
    """Way 3 at input cell (r, s): Σ_f Σ_a Σ_b δ̃_{R+a, S+b} · rot180(w)_ab, (R, S) its padded-grid position."""
    rr, ss = r + trace.padding.top, s + trace.padding.left
    terms = [(sym_d(multi, tm.f, tm.row, tm.col, tilde=True), tm.delta, sym_w(multi, tm.f, c, tm.a, tm.b, hat=True),
              tm.weight) for tm in trace.full_terms(c, rr, ss)]
    return sum_of_products_equation(lhs_dx(multi, c, r, s), terms, float(trace.dx_padded[c, rr, ss]), dot=r"\cdot ")


def padded_position(trace: ConvBackwardTrace, r: int, s: int) -> tuple[int, int]:
    """Input cell (r, s) -> its (row, col) on the padded grid."""
    return r + trace.padding.top, s + trace.padding.left


def padded_axis_labels(trace: ConvBackwardTrace) -> tuple[list[int], list[int]]:
    """1-based input row/column numbers of the padded grid's rows/columns (≤ 0 or > H, W on the padding)."""
    hp, wp = trace.x_padded.shape[1:]
    return ([rr + 1 - trace.padding.top for rr in range(hp)], [qq + 1 - trace.padding.left for qq in range(wp)])


def padded_names(trace: ConvBackwardTrace, stem: str, pad_label: str, channel: int | None = None) -> list[list[str]]:
    """Hover name of every padded-grid cell, in INPUT coordinates: ``∂E/∂i₁₁``, or ``pad_label`` on the padding.

    ``channel`` (0-based) is written first when given (the multi-channel example's x₁₁₂).
    """
    hp, wp = trace.x_padded.shape[1:]
    prefix = () if channel is None else (channel,)
    return [[pad_label if (cell := trace.input_index(r, q)) is None else subscript_unicode(stem, *prefix, *cell)
             for q in range(wp)] for r in range(hp)]


def full_conv_frames(trace: ConvBackwardTrace, x_symbol: str, pad_label: str
                     ) -> tuple[list[tuple[int, int, int, int]], list[str]]:
    """Windows of rot180(W) on δ̃, one per padded-grid cell (row-major), and the cell each one computes."""
    hp, wp = trace.dx_padded.shape[1:]
    kh = (trace.w.shape[2] - 1) * trace.dilation[0]
    kw = (trace.w.shape[3] - 1) * trace.dilation[1]
    windows, labels = [], []
    for rr in range(hp):
        for qq in range(wp):
            windows.append((rr, qq, rr + kh, qq + kw))
            cell = trace.input_index(rr, qq)
            labels.append(pad_label if cell is None else subscript_unicode(x_symbol, *cell))
    return windows, labels


def full_conv_setup(trace: ConvBackwardTrace) -> dict[str, int]:
    """The numbers of the way-3 recipe, all read from the trace (for the caption).

    ``zeros`` between δ cells (stride − 1), the zeros around δ (``top, bottom, left, right``: k_eff − 1 each
    side, plus ``extra_rows`` / ``extra_cols`` the forward windows never reached, bottom/right), the kernel
    size and the forward padding cropped at the end.
    """
    fp, p = trace.full_padding, trace.padding
    extra_rows, extra_cols = trace.uncovered
    return dict(stride=trace.stride[0], zeros=trace.stride[0] - 1, kh=trace.w.shape[2], kw=trace.w.shape[3],
                top=fp.top, bottom=fp.bottom, left=fp.left, right=fp.right, extra_rows=extra_rows,
                extra_cols=extra_cols, crop_top=p.top, crop_bottom=p.bottom, crop_left=p.left, crop_right=p.right)


def scatter_step(trace: ConvBackwardTrace, step: int) -> tuple[int, int, int, tuple[int, int, int, int] | None]:
    """Step k (1-based, row-major over filter, row, column) -> (f, i, j) of the δ cell sending, and its input window."""
    oh, ow = trace.dy.shape[1:]
    fk, rest = divmod(step - 1, oh * ow)
    oi, oj = divmod(rest, ow)
    return fk, oi, oj, trace.input_window(oi, oj)


def scatter_steps(trace: ConvBackwardTrace) -> int:
    """Number of δ cells (all filters)."""
    return int(trace.dy.size)


def dx_terms_text(trace: ConvBackwardTrace, c: int, r: int, s: int) -> str:
    """Plain text of way 1's sum (for a caption): ``δ₁₂·h₁₂ + δ₁₃·h₁₁``; ``0`` when no window covered the cell."""
    return " + ".join(f"δ{subscript_unicode('', tm.oi, tm.oj)}·h{subscript_unicode('', tm.kh, tm.kw)}"
                      for tm in trace.dx_terms(c, r, s)) or "0"


# --------------------------------------------------------------------------- ∂E/∂W, ∂E/∂b
def dw_sum(trace: ConvBackwardTrace, f: int, c: int, a: int, b: int, multi: bool) -> Equation:
    """∂E/∂w_ab = Σ_ij δ_ij · x_{(i−1)s+a−p, (j−1)s+b−p} (1-based); a tap on the padding reads 0 (underlined)."""
    terms = []
    for tm in trace.dw_terms(f, c, a, b):
        cell = trace.input_index(tm.row_padded, tm.col_padded)
        x_sym = r"\underline{0}" if cell is None else sym_x(multi, c, *cell)
        terms.append((sym_d(multi, f, tm.oi, tm.oj), tm.delta, x_sym, tm.x_value))
    lhs = rf"\frac{{\partial E}}{{\partial {sym_w(multi, f, c, a, b)}}}"
    return sum_of_products_equation(lhs, terms, float(trace.dw[f, c, a, b]), dot=r"\cdot ")


def dw_cells(trace: ConvBackwardTrace, f: int, c: int, a: int, b: int) -> list[tuple[int, int]]:
    """Padded-grid cells weight (a, b) read, one per δ cell."""
    return [(tm.row_padded, tm.col_padded) for tm in trace.dw_terms(f, c, a, b)]


def db_sum(trace: ConvBackwardTrace, f: int, multi: bool) -> Equation:
    """∂E/∂b = Σ_ij δ_ij over every cell of filter f's δ."""
    oh, ow = trace.dy.shape[1:]
    terms = [(sym_d(multi, f, i, j), float(trace.dy[f, i, j])) for i in range(oh) for j in range(ow)]
    b_sym = subscript("b", f) if multi else "b"
    return sum_equation(rf"\frac{{\partial E}}{{\partial {b_sym}}}", terms, float(trace.db[f]))


# --------------------------------------------------------------------------- one SGD step
def sgd_kernel_line(trace: ConvBackwardTrace, new_w, lr: float, f: int, c: int, multi: bool) -> str:
    r"""W − η ∂E/∂W = [W] − η × [∂E/∂W] = [W'] for filter f, channel c: ``new_w`` (KH, KW) is the core's step."""
    name, lr_tex = kernel_name(multi, f, c), fmt_latex(lr)
    return (rf"{name} - {lr_tex}\,\frac{{\partial E}}{{\partial {name}}} = {latex_matrix(trace.w[f, c])}"
            rf" - {lr_tex} \times {latex_matrix(trace.dw[f, c])} = {latex_matrix(new_w)}")


def sgd_bias_line(trace: ConvBackwardTrace, b: float, new_b: float, lr: float, f: int, multi: bool) -> str:
    """b − η ∂E/∂b with the numbers, aligned; ``b`` the bias before the step, ``new_b`` the core's after it."""
    b_sym, lr_tex = (subscript("b", f) if multi else "b"), fmt_latex(lr)
    return equation_lines(rf"{b_sym} - {lr_tex}\,\frac{{\partial E}}{{\partial {b_sym}}}",
                          rf"{fmt_latex(b, factor=False)} - {lr_tex} \times {fmt_latex(trace.db[f])}", float(new_b))


# --------------------------------------------------------------------------- σ' step
def sigma_step(dx: float, factor: float, delta_prev: float, c: int, r: int, s: int, multi: bool) -> Equation:
    """δˡ⁻¹ at one cell: ∂E/∂x_rs · σ'(z_rs)."""
    z_sym = subscript("z", *((c,) if multi else ()), r, s)
    d_prev = subscript(r"\delta", *((c,) if multi else ()), r, s) + "^{l-1}"
    return product_equation(d_prev, [lhs_dx(multi, c, r, s), rf"\sigma'({z_sym})"], [dx, factor], delta_prev)


# --------------------------------------------------------------------------- the same formulas as trees (cell stepper)
# The browser-side cell stepper prints MathML: these build ui.formulas.conv_forward expression trees from the
# same trace terms as the LaTeX builders above (render with conv_forward.equation_html / equation_text). Long
# sums are lists of chunks, so they wrap between terms instead of being clipped.
def tree_x(multi: bool, c: int, r: int, s: int) -> Sym:
    """The input cell: ``x₁₂₃`` (channel first, multi) or ``i₂₃``."""
    return Sym("x", (c, r, s)) if multi else Sym("i", (r, s))


def tree_w(multi: bool, f: int, c: int, a: int, b: int, hat: bool = False) -> Sym:
    """A weight ``h₁₂`` / ``w₁₂⁽¹˒²⁾``; ``hat`` = rot180's entry ``ĥ₁₂`` / ``ŵ₁₂⁽¹˒²⁾``."""
    if multi:
        return Sym("ŵ" if hat else "w", (a, b), sup=f"({f + 1},{c + 1})")
    return Sym("ĥ" if hat else "h", (a, b))


def tree_d(multi: bool, f: int, i: int, j: int, tilde: bool = False) -> Sym:
    """A δ cell ``δ₁₂`` / ``δ₁₂⁽¹⁾``; ``tilde`` = δ̃ (zero-inserted and padded)."""
    return Sym("δ", (i, j), sup=f"({f + 1})" if multi else "", tilde=tilde)


def tree_grad(sym: Sym) -> Frac:
    """``∂E/∂sym`` as a fraction node."""
    return Frac((Fn("∂"), Sym("E")), (Fn("∂"), sym))


def _shown_sum_of_products(pairs: list[tuple[float, float]]) -> float:
    return sum(float(fmt(a)) * float(fmt(b)) for a, b in pairs)


def products_tree(lhs: tuple, terms: list[tuple[Sym, float, Sym, float]], result: float) -> TreeEquation:
    """``lhs = Σ a·b = Σ numbers = result`` (chunks of one term each); no terms -> ``lhs = 0``."""
    if not terms:
        return TreeEquation(lhs, (((Num(0),),),))
    sym = tuple(((Op("+"),) if k else ()) + (sa, Op("·"), sb) for k, (sa, _, sb, _) in enumerate(terms))
    num = tuple(((Op("+"),) if k else ()) + (Num(va, factor=k > 0), Op("×"), Num(vb))
                for k, (_, va, _, vb) in enumerate(terms))
    again = _shown_sum_of_products([(va, vb) for _, va, _, vb in terms])
    return TreeEquation(lhs, (sym, num), float(result), approx=fmt(again) != fmt(result))


def dx_chain_tree(trace: ConvBackwardTrace, c: int, r: int, s: int, multi: bool) -> TreeEquation:
    """Way 1 as a tree (see :func:`dx_chain`)."""
    terms = [(tree_d(multi, tm.f, tm.oi, tm.oj), tm.delta, tree_w(multi, tm.f, c, tm.kh, tm.kw), tm.weight)
             for tm in trace.dx_terms(c, r, s)]
    return products_tree((tree_grad(tree_x(multi, c, r, s)),), terms, float(trace.dx[c, r, s]))


def dx_full_tree(trace: ConvBackwardTrace, c: int, r: int, s: int, multi: bool) -> TreeEquation:
    """Way 3 as a tree (see :func:`dx_full`): δ̃ under rot180(W) at the cell's padded position."""
    rr, ss = padded_position(trace, r, s)
    terms = [(tree_d(multi, tm.f, tm.row, tm.col, tilde=True), tm.delta, tree_w(multi, tm.f, c, tm.a, tm.b, hat=True),
              tm.weight) for tm in trace.full_terms(c, rr, ss)]
    return products_tree((tree_grad(tree_x(multi, c, r, s)),), terms, float(trace.dx_padded[c, rr, ss]))


def dw_sum_tree(trace: ConvBackwardTrace, f: int, c: int, a: int, b: int, multi: bool) -> TreeEquation:
    """∂E/∂w_ab = Σ_ij δ_ij · x (see :func:`dw_sum`); a tap on the padding is a bold 0."""
    terms = []
    for tm in trace.dw_terms(f, c, a, b):
        cell = trace.input_index(tm.row_padded, tm.col_padded)
        x_sym = Sym("x" if multi else "i", zero=True) if cell is None else tree_x(multi, c, *cell)
        terms.append((tree_d(multi, f, tm.oi, tm.oj), tm.delta, x_sym, tm.x_value))
    return products_tree((tree_grad(tree_w(multi, f, c, a, b)),), terms, float(trace.dw[f, c, a, b]))


def sigma_step_tree(dx: float, factor: float, delta_prev: float, c: int, r: int, s: int,
                    multi: bool) -> TreeEquation:
    """δˡ⁻¹ at one cell: ∂E/∂x_rs · σ′(z_rs) = numbers = result."""
    index = (c, r, s) if multi else (r, s)
    sym = (tree_grad(tree_x(multi, c, r, s)), Op("·"), Fn("σ′"), Op("("), Sym("z", index), Op(")"))
    num = (Num(dx, factor=False), Op("×"), Num(factor))
    again = float(fmt(dx)) * float(fmt(factor))
    return TreeEquation((Sym("δˡ⁻¹", index),), ((sym,), (num,)), float(delta_prev),
                        approx=fmt(again) != fmt(delta_prev))


def scatter_tree(trace: ConvBackwardTrace, f: int, i: int, j: int, c: int, multi: bool) -> TreeEquation:
    """What δ cell (f, i, j) sends back: ``δ_ij · W`` (each weight times δ lands on its window's cell)."""
    name = Sym("W", sup=f"({f + 1},{c + 1})") if multi else Sym("h")
    return TreeEquation((tree_d(multi, f, i, j), Op("⋅"), name), (((Num(float(trace.dy[f, i, j]), factor=False),
                                                                     Op("×"), name),),))
