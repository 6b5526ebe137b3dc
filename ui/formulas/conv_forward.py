"""Formulas of the forward convolution pages (one channel, several channels), from trace terms.

Pure (no Streamlit). Every formula is a small expression tree built once from the core's
``ConvTrace`` cell terms and rendered three ways from that same tree:

- :func:`to_mathml` — MathML Core for the browser-side cell stepper (Chromium draws it natively,
  offline, no KaTeX needed);
- :func:`to_latex` — for ``st.latex`` wherever a page shows a static formula;
- :func:`to_text` — plain Unicode (``i₁₁·h₁₁ + …``) for tables and screen readers (aria-label).

So the symbolic line and the line with numbers of a formula come from the same term list and
cannot drift apart. Numbers are printed by :func:`ui.latex.fmt` (the reader's digits, 4 unless changed), the same
rounding for every rendering. Subscripts are 1-based (``i₁₁`` is the input's [0, 0]).
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from typing import Sequence, Union

import numpy as np

from ui.latex import display_digits, fmt, fmt_latex

__all__ = [
    "Sym", "Num", "Op", "Frac", "Power", "Fn", "Node", "Equation",
    "to_latex", "to_mathml", "to_text", "equation_html", "equation_text", "equation_latex",
    "input_symbol", "flipped_kernel_index", "single_net_equation", "activation_equation",
    "multi_partial_equation", "multi_total_equation", "padded_tick_labels",
]

_SUB_DIGITS = str.maketrans("0123456789,", "₀₁₂₃₄₅₆₇₈₉,")
_SUP_CHARS = str.maketrans("0123456789(),", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾˒")
MINUS = "\u2212"


# --------------------------------------------------------------------------- the expression tree
@dataclass(frozen=True)
class Sym:
    """A named quantity: ``base`` with 1-based subscripts from 0-based ``index`` (or a nested
    symbol ``sub``), an optional superscript text ``sup`` and a tilde (padded grid).

    ``zero=True`` is a padding cell: it prints as a bold 0.
    """

    base: str
    index: tuple[int, ...] = ()
    sup: str = ""
    tilde: bool = False
    sub: "Sym | None" = None
    zero: bool = False

    def sub_text(self) -> str:
        shown = [str(int(i) + 1) for i in self.index]
        return ("," if any(len(s) > 1 for s in shown) else "").join(shown)


@dataclass(frozen=True)
class Num:
    """A number; ``factor=True`` parenthesises a negative one (it stands after × or +)."""

    value: float
    factor: bool = True


@dataclass(frozen=True)
class Op:
    """An operator or punctuation: ``+``, ``×`` (times), ``·`` (product of symbols), ``=``, ``(``…"""

    text: str


@dataclass(frozen=True)
class Fn:
    """A function name printed upright: ``max``, ``tanh``."""

    name: str


@dataclass(frozen=True)
class Frac:
    num: tuple
    den: tuple


@dataclass(frozen=True)
class Power:
    base: tuple
    exp: tuple


Node = Union[Sym, Num, Op, Fn, Frac, Power]


@dataclass(frozen=True)
class Equation:
    """``lhs = line₁ = line₂ = … = result``: each line is a tuple of chunks (a chunk is a tuple of
    nodes kept together; a long line may wrap between chunks)."""

    lhs: tuple
    lines: tuple
    result: float | None = None
    approx: bool = False


# --------------------------------------------------------------------------- renderers
def _latex_sym(s: Sym) -> str:
    if s.zero:
        return r"\mathbf{0}"
    base = rf"\tilde{{{s.base}}}" if s.tilde else s.base
    if s.sup:
        base = f"{base}^{{{s.sup}}}"
    if s.sub is not None:
        return f"{base}_{{{_latex_sym(s.sub)}}}"
    return f"{base}_{{{s.sub_text()}}}" if s.index else base


_LATEX_OPS = {"×": r"\times", "·": "", "−": "-", "≈": r"\approx", ",": r",\ "}


def to_latex(nodes: Sequence[Node]) -> str:
    out = []
    for n in nodes:
        if isinstance(n, Sym):
            out.append(_latex_sym(n))
        elif isinstance(n, Num):
            out.append(fmt_latex(n.value, factor=n.factor))
        elif isinstance(n, Op):
            text = _LATEX_OPS.get(n.text, n.text)
            out.append(f" {text} " if n.text in "+=≈" else text)
        elif isinstance(n, Fn):
            out.append(rf"\{n.name}")
        elif isinstance(n, Frac):
            out.append(rf"\frac{{{to_latex(n.num)}}}{{{to_latex(n.den)}}}")
        elif isinstance(n, Power):
            out.append(f"{to_latex(n.base)}^{{{to_latex(n.exp)}}}")
    return "".join(out).strip()


def _text_num(value: float, factor: bool, sig: int | None = None) -> str:
    text = fmt(value, sig).replace("-", MINUS)
    return f"({text})" if factor and text.startswith(MINUS) else text


def _text_sym(s: Sym) -> str:
    if s.zero:
        return "0"
    base = s.base + ("\u0303" if s.tilde else "")
    if s.sup:
        base += s.sup.translate(_SUP_CHARS)
    if s.sub is not None:
        return f"{base}({_text_sym(s.sub)})" if len(s.base) > 1 else base + _text_sym(s.sub)
    return base + s.sub_text().translate(_SUB_DIGITS)


def _leaf_text_uncached(n: Node, digits: int) -> str | None:
    if isinstance(n, Sym):
        return _text_sym(n)
    if isinstance(n, Num):
        return _text_num(n.value, n.factor, digits)
    if isinstance(n, Op):
        return f" {n.text} " if n.text in "+=≈" else (", " if n.text == "," else n.text)
    if isinstance(n, Fn):
        return n.name
    return None


# A stepper writes the same numbers and symbols thousands of times (every window repeats its neighbours' inputs,
# every cell the kernel): a leaf's text is kept per (node, digits). Bounded; nodes are frozen (hashable, immutable).
_leaf_text = functools.lru_cache(maxsize=16384)(_leaf_text_uncached)


def to_text(nodes: Sequence[Node]) -> str:
    out = []
    digits = display_digits()
    for n in nodes:
        leaf = _leaf_text(n, digits)
        if leaf is not None:
            out.append(leaf)
        elif isinstance(n, Frac):
            num, den = to_text(n.num), to_text(n.den)
            out.append(f"{num if len(n.num) == 1 else f'({num})'}/{den if len(n.den) == 1 else f'({den})'}")
        elif isinstance(n, Power):
            out.append(f"{to_text(n.base)}^({to_text(n.exp)})")
    return "".join(out).strip()


def _mi(text: str, upright: bool = False) -> str:
    # MathML Core draws a multi-letter <mi> upright already; a single letter is italic unless told
    variant = ' mathvariant="normal"' if upright and len(text) == 1 else ""
    return f"<mi{variant}>{html.escape(text)}</mi>"


def _mathml_sym(s: Sym) -> str:
    if s.zero:
        return '<mn class="pad0">0</mn>'
    base = _mi(s.base)
    if s.tilde:
        base = f"<mover accent=\"true\">{base}<mo>~</mo></mover>"
    if s.sub is not None:
        sub = _mathml_sym(s.sub)
    elif s.index:
        sub = f"<mn>{html.escape(s.sub_text())}</mn>"
    else:
        sub = ""
    if s.sup and sub:
        return f"<msubsup>{base}{sub}<mn>{html.escape(s.sup)}</mn></msubsup>"
    if s.sup:
        return f"<msup>{base}<mn>{html.escape(s.sup)}</mn></msup>"
    return f"<msub>{base}{sub}</msub>" if sub else base


def _mathml_num(value: float, factor: bool, sig: int | None = None) -> str:
    text = fmt(value, sig)
    negative = text.startswith("-")
    body = text.lstrip("-")
    if "e" in body:
        mantissa, exponent = body.split("e")
        exp = exponent.replace("-", MINUS)
        body_ml = (f"<mn>{mantissa}</mn><mo>×</mo>" if mantissa != "1" else "") + \
            f"<msup><mn>10</mn><mn>{html.escape(exp)}</mn></msup>"
    else:
        body_ml = f"<mn>{html.escape(body)}</mn>"
    if not negative:
        return body_ml
    # the sign inside the number (<mn>−1</mn>): a separate <mo>−</mo> would be spaced as subtraction
    signed = body_ml.replace("<mn>", f"<mn>{MINUS}", 1)
    return f"<mrow><mo>(</mo>{signed}<mo>)</mo></mrow>" if factor else signed


def _leaf_mathml_uncached(n: Node, digits: int) -> str | None:
    if isinstance(n, Sym):
        return _mathml_sym(n)
    if isinstance(n, Num):
        return _mathml_num(n.value, n.factor, digits)
    if isinstance(n, Op):
        if n.text == "·":
            return "<mo>\u2062</mo>"  # invisible times: i₁₁h₁₁ as in the texts
        if n.text in "+=≈×":
            # each term is its own <math> (so long sums wrap): a leading + would get prefix spacing
            return f'<mo form="infix">{html.escape(n.text)}</mo>'
        return f"<mo>{html.escape(n.text)}</mo>"
    if isinstance(n, Fn):
        return _mi(n.name, upright=True)
    return None


#: a leaf's MathML per (node, digits), like :data:`_leaf_text`
_leaf_mathml = functools.lru_cache(maxsize=16384)(_leaf_mathml_uncached)


def _numeral(n: Node | None) -> bool:
    """Whether ``n`` is drawn as a number (a value, or a padding cell's bold 0)."""
    return isinstance(n, Num) or (isinstance(n, Sym) and n.zero)


def to_mathml(nodes: Sequence[Node]) -> str:
    """The nodes as MathML Core children (no ``<math>`` wrapper)."""
    out = []
    digits = display_digits()
    for k, n in enumerate(nodes):
        if isinstance(n, Op) and n.text == "·" and any(_numeral(m) for m in (nodes[k - 1] if k else None,
                                                                              nodes[k + 1] if k + 1 < len(nodes) else None)):
            out.append("<mo>·</mo>")   # δ₁₁·0, not δ₁₁0: a factor that is a numeral needs a visible dot
            continue
        leaf = _leaf_mathml(n, digits)
        if leaf is not None:
            out.append(leaf)
        elif isinstance(n, Frac):
            out.append(f"<mfrac><mrow>{to_mathml(n.num)}</mrow><mrow>{to_mathml(n.den)}</mrow></mfrac>")
        elif isinstance(n, Power):
            out.append(f"<msup><mrow>{to_mathml(n.base)}</mrow><mrow>{to_mathml(n.exp)}</mrow></msup>")
    return "".join(out)


def _math(children: str) -> str:
    return f"<math>{children}</math>"


def equation_html(eq: Equation) -> str:
    """The equation as HTML: one ``<div class="eq-line">`` per line, each chunk its own inline
    ``<math>`` so a long sum wraps between terms. The first line starts with ``lhs =``."""
    rows = []
    for k, line in enumerate(eq.lines):
        chunks = [_math(to_mathml(c)) for c in line]
        lead = _math(to_mathml(eq.lhs) + "<mo>=</mo>") if k == 0 else _math("<mo>=</mo>")
        rows.append(f'<div class="eq-line">{lead} {" ".join(chunks)}</div>')
    if eq.result is not None:
        sign = "≈" if eq.approx else "="
        rows.append(f'<div class="eq-line eq-result">{_math(f"<mo>{sign}</mo>" + _mathml_num(eq.result, False))}</div>')
    return "".join(rows)


def equation_text(eq: Equation) -> str:
    parts = [to_text(eq.lhs)]
    for line in eq.lines:
        parts.append(" ".join(to_text(c) for c in line))
    text = " = ".join(parts)
    if eq.result is not None:
        text += f" {'≈' if eq.approx else '='} {_text_num(eq.result, False)}"
    return text


def equation_latex(eq: Equation) -> str:
    """``\\begin{aligned} lhs &= line₁ \\\\ &= … \\\\ &= result \\end{aligned}``."""
    lines = [" ".join(to_latex(c) for c in line) for line in eq.lines]
    rows = [f"{to_latex(eq.lhs)} &= {lines[0]}"] + [f"&= {line}" for line in lines[1:]]
    if eq.result is not None:
        sign = r"\approx" if eq.approx else "="
        rows.append(f"&{sign} {fmt_latex(eq.result, factor=False)}")
    return "\\begin{aligned} " + " \\\\ ".join(rows) + " \\end{aligned}"


# --------------------------------------------------------------------------- terms -> equations
def _sum_chunks(pairs: Sequence[tuple[Node, Node]], joiner: str) -> tuple:
    """``a₁ j b₁ + a₂ j b₂ + …`` as chunks (the ``+`` leads every chunk but the first)."""
    chunks = []
    for k, (a, b) in enumerate(pairs):
        lead = (Op("+"),) if k else ()
        chunks.append(lead + (a, Op(joiner), b))
    return tuple(chunks) or ((Num(0),),)


@functools.lru_cache(maxsize=16384)
def _printed(value: float, digits: int) -> float:
    """The number as printed at ``digits`` significant digits, read back (what a student adds up)."""
    return float(fmt(value, digits))


def _same(shown: float, total: float) -> bool:
    """Whether a sum worked out from the printed numbers is the printed total (float noise aside)."""
    printed = _printed(float(total), display_digits())
    return abs(shown - printed) <= 1e-9 * max(1.0, abs(printed))


def _adds_up(num_pairs: Sequence[tuple[Num, Num]], total: float) -> bool:
    """Whether the products of the numbers as printed give the printed total (else the page says ≈):
    0.3333×3 + 0.3333×3 is 1.9998 for a student with a pencil, not 2."""
    digits = display_digits()
    return _same(sum(_printed(float(a.value), digits) * _printed(float(b.value), digits) for a, b in num_pairs), total)


def input_symbol(trace, r: int, q: int, on_padding: bool, name: str = "i") -> Sym:
    """The padded-grid cell (r, q) named by its input index (1-based when shown), or a bold 0."""
    if on_padding:
        return Sym(name, zero=True)
    return Sym(name, (r - trace.padding.top, q - trace.padding.left))


def flipped_kernel_index(kernel_shape: tuple[int, int]) -> np.ndarray:
    """(KH, KW, 2): which h_ab sits at each place of rot180(h) — the index grid turned by 180°."""
    kh, kw = kernel_shape
    a, b = np.meshgrid(np.arange(kh), np.arange(kw), indexing="ij")
    return np.stack([kh - 1 - a, kw - 1 - b], axis=-1)


def single_net_equation(trace, i: int, j: int, lhs: tuple, flipped: np.ndarray | None = None) -> Equation:
    """``lhs = Σ i·h = Σ numbers = total`` for output cell (i, j) of a one-channel trace.

    ``flipped`` (from :func:`flipped_kernel_index`) names the weights of a trace made with
    rot180(h) by the original kernel's indices (true convolution pairs i₁₁ with h₂₂).
    """
    cell = trace.cell(0, i, j)
    sym_pairs, num_pairs = [], []
    for a, r in enumerate(cell.tap_rows):
        for b, q in enumerate(cell.tap_cols):
            hb = (a, b) if flipped is None else (int(flipped[a, b, 0]), int(flipped[a, b, 1]))
            sym_pairs.append((input_symbol(trace, int(r), int(q), bool(cell.on_padding[a, b])), Sym("h", hb)))
            num_pairs.append((Num(float(cell.window[0, a, b])), Num(float(cell.weights[0, a, b]))))
    return Equation(lhs, (_sum_chunks(sym_pairs, "·"), _sum_chunks(num_pairs, "×")), float(cell.total),
                    approx=not _adds_up(num_pairs, float(cell.total)))


def activation_equation(name: str, out_sym: Sym, net_sym: Sym, net: float, out: float) -> Equation:
    """``out = σ(net) = σ(number) = result`` for ReLU, sigmoid, tanh, identity (value from the core)."""
    if name == "relu":
        sym = (Fn("max"), Op("("), Num(0), Op(","), net_sym, Op(")"))
        num = (Fn("max"), Op("("), Num(0), Op(","), Num(net, factor=False), Op(")"))
    elif name == "sigmoid":
        sym = (Frac((Num(1),), (Num(1), Op("+"), Power((Sym("e"),), (Op("−"), net_sym)))),)
        num = (Frac((Num(1),), (Num(1), Op("+"), Power((Sym("e"),), (Op("−"), Num(net))))),)
    elif name == "tanh":
        sym = (Fn("tanh"), Op("("), net_sym, Op(")"))
        num = (Fn("tanh"), Op("("), Num(net, factor=False), Op(")"))
    else:
        return Equation((out_sym,), (((net_sym,),),), out)
    return Equation((out_sym,), ((sym,), (num,)), out)


def multi_partial_equation(trace, f: int, i: int, j: int, c: int) -> Equation:
    """``S_c = Σ x̃⁽ᶜ⁾·w⁽ᶠ'ᶜ⁾ = Σ numbers = partial sum`` for channel c of output cell (f, i, j).

    ``x̃`` is indexed on the padded grid (the window rows/cols of the trace), 1-based.
    """
    cell = trace.cell(f, i, j)
    kh, kw = cell.weights.shape[1:]
    sym_pairs, num_pairs = [], []
    for u in range(kh):
        for v in range(kw):
            sym_pairs.append((Sym("x", (int(cell.tap_rows[u]), int(cell.tap_cols[v])), sup=f"({c + 1})", tilde=True),
                              Sym("w", (u, v), sup=f"({f + 1},{c + 1})")))
            num_pairs.append((Num(float(cell.window[c, u, v])), Num(float(cell.weights[c, u, v]))))
    total = float(cell.partial_sums[c])
    return Equation((Sym("S", (c,)),), (_sum_chunks(sym_pairs, "·"), _sum_chunks(num_pairs, "×")), total,
                    approx=not _adds_up(num_pairs, total))


def multi_total_equation(trace, f: int, i: int, j: int) -> Equation:
    """``z⁽ᶠ⁾_ij = S₁ + … + S_C + b_f = numbers = total``."""
    cell = trace.cell(f, i, j)
    channels = len(cell.partial_sums)
    sym = tuple(((Op("+"),) if c else ()) + (Sym("S", (c,)),) for c in range(channels)) + ((Op("+"), Sym("b", (f,))),)
    num = tuple(((Op("+"),) if c else ()) + (Num(float(v)),) for c, v in enumerate(cell.partial_sums)) \
        + ((Op("+"), Num(float(cell.bias))),)
    shown = sum(float(fmt(v)) for v in [*cell.partial_sums, cell.bias])
    return Equation((Sym("z", (i, j), sup=f"({f + 1})"),), (sym, num), float(cell.total),
                    approx=not _same(shown, float(cell.total)))


def padded_tick_labels(trace) -> tuple[list[str], list[str]]:
    """Row and column labels of the padded grid: an input row/column keeps its 1-based index,
    an all-padding row/column shows ``·``."""
    pad = trace.padding
    mask = trace.pad_mask
    rows = ["·" if mask[r].all() else str(r - pad.top + 1) for r in range(mask.shape[0])]
    cols = ["·" if mask[:, q].all() else str(q - pad.left + 1) for q in range(mask.shape[1])]
    return rows, cols
