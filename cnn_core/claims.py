"""Every checkable claim of the five source texts, recomputed through the core.

``CLAIMS`` is a tuple of frozen :class:`Claim` records. A claim's ``recompute`` builds, on one
concrete example, the value the text writes (its sum, its size, what its listing computes) and the
value the core computes, and returns both in a :class:`Check`. Where the text is wrong, the check
also carries ``corrected``: the value of the correction the locale text states (``claims.<key>``),
built independently of the core, so a test can confirm that the correction agrees with the core.

Nothing in a recompute copies a listing: where a claim is about code, the recompute evaluates the
rule the listing applies (its size expression, its slicing, its assignment) in our own words.

Verdicts
--------
holds       the text's value survives recomputation (to its printed precision)
wrong       the text's value, formula or statement disagrees with the core
typo        a slip of writing (label, index, symbol, a line that cannot run) in otherwise right work
incomplete  right under a condition the text does not state; the example shows where it fails
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Mapping

import numpy as np

from .activations import activate, activation_backward, activation_derivative
from .arithmetic import axis_arithmetic, conv_output_size, effective_kernel, same_axis
from .autodiff import chain_paths, forward_mode, reverse_mode, sigmoid_graph
from .conv import (conv2d, conv2d_backward, conv2d_backward_trace, conv2d_input_gradient, conv2d_trace,
                   conv_parameter_count,
                   convolve2d, correlate2d, full_correlation, rot180, sgd_step, zero_insert)
from .dense import dense_backward, dense_backward_trace, dense_forward, mse_grad, softmax, softmax_ce_trace, \
    softmax_jacobian
from .pool import pool2d, pool2d_backward
from .transposed import conv1d, conv_matrix_1d, conv_transpose1d
from .worked_examples import AUTODIFF_SIGMOID, CONV_4X4, CONV_5X5X3, POOL_ROUTE

__all__ = ["Check", "Claim", "CLAIMS", "SOURCES", "VERDICTS", "KINDS", "TOPICS", "claim_by_key", "values_agree",
           "differing_cells"]

SOURCES: tuple[str, ...] = (
    "000_fee70a19b9daf747.txt",
    "001_4f08cbb30edfba64.txt",
    "002_a5f6b97d00864b3c.txt",
    "003_c7f5b9dec81c2034.txt",
    "004_34bffd5eb27c3d31.txt",
)
S0, S1, S2, S3, S4 = SOURCES
VERDICTS: tuple[str, ...] = ("holds", "wrong", "typo", "incomplete")
KINDS: tuple[str, ...] = ("number", "formula", "size", "code", "statement")
TOPICS: tuple[str, ...] = ("arithmetic", "convolution", "pooling", "backward", "dense", "autodiff", "transposed",
                           "code")

#: Agreement for values the text prints exactly (integers, formulas evaluated on an example).
EXACT_TOL = 1e-9


# --------------------------------------------------------------------------- records
@dataclass(frozen=True)
class Check:
    """The text's value next to the core's, on one concrete example.

    Attributes
    ----------
    printed : float, int, str, tuple or array
        What the text writes, evaluated on the example (a str when it cannot be evaluated,
        e.g. a kernel cell that does not exist).
    computed : same kinds
        What the core computes for the same example.
    corrected : same kinds or None
        The value of the correction stated in ``claims.<key>`` (None when the claim holds).
    decimals : int or None
        Digits the text prints; agreement is then within half a unit of the last digit.
    printed_expr, computed_expr : str
        The sums written out with the example's numbers (language-neutral).
    inputs : mapping name -> value
        The example's inputs, shown beside the comparison.
    """

    printed: Any
    computed: Any
    corrected: Any = None
    decimals: int | None = None
    printed_expr: str = ""
    computed_expr: str = ""
    inputs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def agrees(self) -> bool:
        """Does the text's value survive recomputation (to its printed precision)?"""
        return values_agree(self.printed, self.computed, self.decimals)

    @property
    def correction_agrees(self) -> bool | None:
        """Does the stated correction agree with the core? None when there is no correction."""
        if self.corrected is None:
            return None
        return values_agree(self.corrected, self.computed, self.decimals)


@dataclass(frozen=True)
class Claim:
    """One claim of a source text.

    Attributes
    ----------
    key : str
        Stable id (tests, ``?claim=`` links, locale keys ``claims.<key>`` and ``claims.<key>_title``).
    source : str
        File name of the text in ``seeds/`` (one of :data:`SOURCES`).
    where : str
        The text's own label: section, equation number or the listing's function name.
    quote : str
        The claim as the text writes it, short (a formula, a number, a few words).
    kind : {"number", "formula", "size", "code", "statement"}
    verdict : {"holds", "wrong", "typo", "incomplete"}
    topic : one of :data:`TOPICS`
    recompute : callable returning :class:`Check`, or None for pure prose / syntax
    page : str
        Key of the page that explains it (``ui.frame.PAGES``).
    params : mapping
        Query parameters that reproduce the setup on that page.
    """

    key: str
    source: str
    where: str
    quote: str
    kind: str
    verdict: str
    topic: str
    recompute: Callable[[], Check] | None = field(default=None, compare=False, repr=False)
    page: str = "home"
    params: Mapping[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- comparison
def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def _tol(decimals: int | None) -> float:
    return EXACT_TOL if decimals is None else 0.5 * 10.0 ** (-decimals) + 1e-12


def values_agree(a: Any, b: Any, decimals: int | None = None) -> bool:
    """Equal to the printed precision: numbers and arrays within tolerance, anything else by ``==``."""
    if _is_number(a) and _is_number(b):
        return abs(float(a) - float(b)) <= _tol(decimals)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.shape != b.shape:
            return False
        return bool(np.all(np.abs(a.astype(float) - b.astype(float)) <= _tol(decimals)))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(values_agree(x, y, decimals) for x, y in zip(a, b))
    return a == b


def differing_cells(a: Any, b: Any, decimals: int | None = None) -> list[tuple[int, int]]:
    """(row, col) of the cells where two same-shaped 2-D arrays disagree; [] otherwise."""
    if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.shape != b.shape or a.ndim != 2:
        return []
    bad = np.abs(a.astype(float) - b.astype(float)) > _tol(decimals)
    return [(int(r), int(c)) for r, c in zip(*np.nonzero(bad))]


def _ro(a: Any) -> np.ndarray:
    arr = np.array(a, dtype=np.float64)
    arr.setflags(write=False)
    return arr


def _n(x: float) -> str:
    """A number in a written-out sum: integers without a decimal point, negatives in parentheses."""
    x = float(x)
    text = str(int(x)) if x.is_integer() else f"{x:.4g}"
    return f"({text})" if x < 0 else text


def _sum_expr(pairs: list[tuple[str, float, str, float]]) -> str:
    """'δ₁₂·h₁₂ + …' symbolically and with numbers: [(sym_a, a, sym_b, b), ...]."""
    sym = " + ".join(f"{sa}·{sb}" for sa, _, sb, _ in pairs)
    num = " + ".join(f"{_n(a)}·{_n(b)}" for _, a, _, b in pairs)
    total = sum(a * b for _, a, _, b in pairs)
    return f"{sym} = {num} = {_n(total)}"


_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _s(name: str, *idx: int) -> str:
    """1-based display subscript: _s('δ', 0, 1) -> 'δ₁₂'."""
    return name + "".join(str(i + 1) for i in idx).translate(_SUB)


# --------------------------------------------------------------------------- shared examples
X4 = np.asarray(CONV_4X4.inputs["x"])[0, 0]              # text 003's 4×4 (cells beyond i11..i22 ours)
H2 = np.asarray(CONV_4X4.inputs["w"])[0, 0]              # [[1, -1], [1, -1]]
H2_ASYM = _ro([[1, 2], [3, 4]])                          # asymmetric: a flip shows
DELTA3 = _ro([[1, 2, 0], [-1, 3, 1], [2, 0, -2]])        # our δ for the 3×3 output of a 4×4 / 2×2 conv
X5 = np.asarray(CONV_5X5X3.inputs["x"])                  # (1, 3, 5, 5)
W5 = np.asarray(CONV_5X5X3.inputs["w"])                  # (2, 3, 3, 3)
B5 = np.asarray(CONV_5X5X3.inputs["b"])
D5 = np.asarray(CONV_5X5X3.inputs["delta"])              # (1, 2, 3, 3)
A2 = _ro([0.5, -1.0])                                    # dense examples: two units
W22 = _ro([[1.0, 2.0], [-1.0, 0.5]])
DZ2 = _ro([0.2, -0.4])


def _x4(a: np.ndarray) -> np.ndarray:
    return np.asarray(a, dtype=float)[None, None]


def _dx1(delta: np.ndarray, x: np.ndarray, k: np.ndarray, stride: int = 1) -> np.ndarray:
    """The core's ∂E/∂x of a one-channel conv2d (cross-correlation)."""
    return conv2d_backward(_x4(delta), _x4(x), _x4(k), stride)[0][0, 0]


def _dw1(delta: np.ndarray, x: np.ndarray, k: np.ndarray, stride: int = 1) -> np.ndarray:
    return conv2d_backward(_x4(delta), _x4(x), _x4(k), stride)[1][0, 0]


# =========================================================================== text 000
def _r000_conv_definition() -> Check:
    x, k = X4, H2_ASYM
    oh, ow = x.shape[0] - 1, x.shape[1] - 1
    text = np.array([[sum(x[i + m, j + n] * k[m, n] for m in range(2) for n in range(2)) for j in range(ow)]
                     for i in range(oh)])
    return Check(printed=text, computed=correlate2d(x, k), inputs={"I": x, "K": k})


def _r000_same_dims() -> Check:
    out = conv2d(_x4(X4), _x4(H2)).shape[2:]
    return Check(printed=(4, 4), computed=tuple(int(v) for v in out), corrected=(4 - 2 + 1, 4 - 2 + 1),
                 inputs={"input": "4×4", "kernel": "2×2"})


def _r000_output_size() -> Check:
    n, k, s = 6, 3, 2
    return Check(printed=(n - k) / s + 1, computed=conv_output_size(n, k, s), corrected=(n - k) // s + 1,
                 printed_expr=f"({n} − {k})/{s} + 1 = {(n - k) / s + 1:g}",
                 computed_expr=f"⌊({n} − {k})/{s}⌋ + 1 = {(n - k) // s + 1}", inputs={"n": n, "k": k, "s": s})


def _r000_valid() -> Check:
    n, k, s = 7, 3, 2
    text = -(-(n - k + 1) // s)
    return Check(printed=text, computed=conv_output_size(n, k, s),
                 printed_expr=f"⌈({n} − {k} + 1)/{s}⌉ = {text}", inputs={"n": n, "k": k, "s": s})


def _r000_real_input() -> Check:
    n, k, s = 7, 2, 2
    o = conv_output_size(n, k, s)
    return Check(printed=s * (o - 1) + k, computed=axis_arithmetic(n, k, s).used,
                 printed_expr=f"{s}·({o} − 1) + {k} = {s * (o - 1) + k}", inputs={"n": n, "k": k, "s": s})


def _r000_same() -> Check:
    n, k, s = 7, 4, 2
    o = -(-n // s)
    p = max((o - 1) * s + k - n, 0)
    a = same_axis(n, k, s)
    return Check(printed=(o, p, p // 2, p - p // 2), computed=(a.out, a.total, a.before, a.after),
                 printed_expr=f"O = ⌈{n}/{s}⌉ = {o}, P = max(({o} − 1)·{s} + {k} − {n}, 0) = {p}, "
                              f"top = ⌊{p}/2⌋ = {p // 2}, bottom = {p - p // 2}",
                 inputs={"n": n, "k": k, "s": s})


def _r000_forward_sum() -> Check:
    f = 0
    parts = [correlate2d(X5[0, c], W5[f, c], stride=2, padding=1) for c in range(3)]
    text = sum(parts) + B5[f]
    return Check(printed=text, computed=conv2d(X5, W5, B5, 2, 1)[0, f], inputs={"b": float(B5[f])})


def _r000_delta_simplified() -> Check:
    x, k, delta, s = X4, H2_ASYM, _ro([[1, 2], [-1, 3]]), 2
    text = full_correlation(delta, rot180(k))
    fixed = full_correlation(zero_insert(delta, s), rot180(k))
    return Check(printed=text, computed=_dx1(delta, x, k, s), corrected=fixed,
                 inputs={"δ": delta, "W": k, "stride": s})


def _r000_dw_sum() -> Check:
    x, k, d = X4, H2_ASYM, DELTA3
    text = np.array([[sum(d[i, j] * x[i + m, j + n] for i in range(3) for j in range(3)) for n in range(2)]
                     for m in range(2)])
    return Check(printed=text, computed=_dw1(d, x, k), inputs={"o": x, "δ": d})


def _r000_dx_sum() -> Check:
    x, k, d = X4, H2_ASYM, DELTA3

    def term(i: int, j: int) -> float:
        return sum(d[i - m, j - n] * k[m, n] for m in range(2) for n in range(2)
                   if 0 <= i - m < 3 and 0 <= j - n < 3)

    text = np.array([[term(i, j) for j in range(4)] for i in range(4)])
    return Check(printed=text, computed=_dx1(d, x, k), inputs={"δ": d, "w": k})


def _r000_dw_update() -> Check:
    x, k, d = X4, H2_ASYM, DELTA3
    return Check(printed=correlate2d(x, d), computed=_dw1(d, x, k), inputs={"a⁽ˡ⁻¹⁾": x, "δˡ": d})


def _r000_db() -> Check:
    d = DELTA3
    db = conv2d_backward(_x4(d), _x4(X4), _x4(H2_ASYM))[2]
    return Check(printed=float(sum(d[i, j] for i in range(3) for j in range(3))), computed=float(db[0]),
                 inputs={"δ": d})


def _r000_pool_size() -> Check:
    h, k, s = 5, 2, 2
    out = pool2d(np.zeros((1, 1, h, h)), k, s).shape[2]
    return Check(printed=(h - k) / s + 1, computed=int(out), corrected=(h - k) // s + 1,
                 printed_expr=f"({h} + 2·0 − {k})/{s} + 1 = {(h - k) / s + 1:g}", inputs={"H": h, "k": k, "s": s})


def _r000_max_pool() -> Check:
    x, k, s = np.asarray(POOL_ROUTE.inputs["x"])[0, 0], 2, 1
    text = np.array([[max(x[m, n] for m in range(i * s, i * s + k) for n in range(j * s, j * s + k))
                      for j in range(3)] for i in range(3)])
    return Check(printed=text, computed=pool2d(_x4(x), k, s)[0, 0], inputs={"z": x, "k": k, "s": s})


def _r000_pool_backward_simple() -> Check:
    x, d = np.asarray(POOL_ROUTE.inputs["x"]), np.asarray(POOL_ROUTE.inputs["delta"])
    text = np.kron(d[0, 0], np.ones((2, 2)))
    core = pool2d_backward(d, x, 2, 2, mode="avg")[0, 0]
    return Check(printed=text, computed=core, corrected=np.kron(d[0, 0] / 4, np.ones((2, 2))),
                 inputs={"δ": d[0, 0]})


def _r000_mean_pool_sum() -> Check:
    x, d = np.asarray(POOL_ROUTE.inputs["x"]), np.asarray(POOL_ROUTE.inputs["delta"])
    return Check(printed=float(d.sum()), computed=float(pool2d_backward(d, x, 2, 2, mode="avg").sum()),
                 inputs={"δ": d[0, 0]})


def _r000_dense_forward() -> Check:
    a, w_text, b = A2, W22.T, _ro([0.1, 0.0])       # the text's W is (inputs × outputs)
    text = np.array([sum(a[p] * w_text[p, i] for p in range(2)) + b[i] for i in range(2)])
    return Check(printed=text, computed=dense_forward(a, W22, b), inputs={"a": a, "W (text)": w_text, "b": b})


def _r000_mse_grad() -> Check:
    a_prev, z = A2, dense_forward(A2, W22, _ro([0.0, 0.0]))
    a, t = activate("sigmoid", z), _ro([1.0, 0.0])
    sp = activation_derivative("sigmoid", z)
    text = np.array([[(a[i] - t[i]) * sp[i] * a_prev[p] for p in range(2)] for i in range(2)])
    core = dense_backward(mse_grad(a, t) * sp, a_prev, W22)[1]
    return Check(printed=text, computed=core, inputs={"a_prev": a_prev, "t": t})


def _r000_softmax_offdiag() -> Check:
    a = softmax(_ro([1.0, 2.0, 0.5]))
    text = np.array([[a[j] - a[j] ** 2 if i == j else -a[j] * a[i] for i in range(3)] for j in range(3)])
    return Check(printed=text, computed=softmax_jacobian(a), inputs={"z": _ro([1.0, 2.0, 0.5])})


def _r000_softmax_typo() -> Check:
    z = _ro([1.0, 2.0, 0.5])
    a = softmax(z)
    j, i = 0, 1
    return Check(printed=float(a[j] / z[i]), computed=float(softmax_jacobian(a)[j, i]),
                 corrected=float(-a[j] * a[i]), printed_expr=f"a₁/z₂ = {a[j]:.4f}/{z[i]:g}",
                 computed_expr="∂a₁/∂z₂ = −a₁·a₂", inputs={"z": z})


def _r000_ce_grad() -> Check:
    tr = softmax_ce_trace(_ro([1.0, 2.0, 0.5]), _ro([0.0, 1.0, 0.0]))
    return Check(printed=np.asarray(tr.a_minus_y), computed=np.asarray(tr.chain_product),
                 inputs={"z": np.asarray(tr.z), "y": np.asarray(tr.y)})


def _r000_ce_dL_da() -> Check:
    tr = softmax_ce_trace(_ro([1.0, 2.0, 0.5]), _ro([0.0, 1.0, 0.0]))
    a = np.asarray(tr.a)
    text = np.array([0.0, -1.0 / a[1], 0.0])
    return Check(printed=text, computed=np.asarray(tr.dL_da), inputs={"a": a, "y": np.asarray(tr.y)})


# =========================================================================== text 001
def _r001_eq2() -> Check:
    return Check(printed=DZ2 * A2, computed=dense_backward(DZ2, A2, W22)[1], corrected=np.outer(DZ2, A2),
                 inputs={"dz": DZ2, "a": A2})


def _r001_eq4() -> Check:
    return Check(printed=W22.T * DZ2, computed=dense_backward(DZ2, A2, W22)[0], corrected=W22.T @ DZ2,
                 inputs={"W": W22, "dz": DZ2})


def _r001_eq5() -> Check:
    z = _ro([0.3, -0.6])
    gp = activation_derivative("sigmoid", z)
    tr = dense_backward_trace(DZ2, activate("sigmoid", z), W22, z_prev=z, activation="sigmoid")
    return Check(printed=DZ2 * W22 * gp, computed=np.asarray(tr.delta_prev), corrected=gp * (W22.T @ DZ2),
                 inputs={"dz⁽ˡ⁺¹⁾": DZ2, "W": W22, "z⁽ˡ⁾": z})


def _r001_eq6() -> Check:
    x, k, d = X4, H2_ASYM, DELTA3
    return Check(printed=full_correlation(d, rot180(k)), computed=_dx1(d, x, k), inputs={"δ": d, "W": k})


def _r001_eq7() -> Check:
    z_prev, b = _ro([0.3, -0.6]), _ro([0.1, 0.0])
    z_now = dense_forward(activate("sigmoid", z_prev), W22, b)
    j = 0
    text = sum(W22[j, k] * activate("sigmoid", z_now)[j] for k in range(2)) + b[j]
    right = sum(W22[j, k] * activate("sigmoid", z_prev)[k] for k in range(2)) + b[j]
    return Check(printed=float(text), computed=float(z_now[j]), corrected=float(right),
                 inputs={"z⁽ˡ⁻¹⁾": z_prev, "W": W22, "b": b})


def _r001_crosscorr_naming() -> Check:
    x, k = X4, H2_ASYM
    flipped = convolve2d(x, k)                   # what the text calls 互相关 (with the mirror)
    no_flip = np.array([[sum(x[i + m, j + n] * k[m, n] for m in range(2) for n in range(2)) for j in range(3)]
                        for i in range(3)])
    return Check(printed=flipped, computed=correlate2d(x, k), corrected=no_flip, inputs={"x": x, "w": k})


def _true_conv_valid(a: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Text 001 eq. (8): z[x', y'] = Σ_a Σ_b w[a, b]·σ[x'−a, y'−b], x', y' from f−1 (0-based)."""
    f = w.shape[0]
    n = a.shape[0]
    return np.array([[sum(w[p, q] * a[i - p, j - q] for p in range(f) for q in range(f))
                      for j in range(f - 1, n)] for i in range(f - 1, n)])


def _r001_eq13() -> Check:
    a, w, d = X4, H2_ASYM, DELTA3
    f, n = 2, 4
    # the text's sum: δ[x, y] = Σ_{x', y'} δ⁺[x', y']·w[x'−x, y'−y], x' over the outputs (0-based f−1 …)
    text = np.array([[sum(d[xp - f + 1, yp - f + 1] * w[xp - x, yp - y]
                          for xp in range(f - 1, n) for yp in range(f - 1, n)
                          if 0 <= xp - x < f and 0 <= yp - y < f) for y in range(n)] for x in range(n)])
    assert np.allclose(_true_conv_valid(a, w), convolve2d(a, w))     # eq. (8) is the core's convolve2d
    core = conv2d_input_gradient(_x4(d), (1, 1, n, n), _x4(rot180(w)))[0, 0]
    return Check(printed=text, computed=core, inputs={"δ⁽ˡ⁺¹⁾": d, "w": w})


def _r001_eq14() -> Check:
    w, d = H2_ASYM, DELTA3
    f, n = 2, 4
    core = conv2d_input_gradient(_x4(d), (1, 1, n, n), _x4(rot180(w)))[0, 0]
    text = float(d.sum() * w[0, 0])             # at x = y = 0 the text's w₋ₓ,₋ᵧ is w₀₀ for every x', y'
    right = float(sum(d[xp - f + 1, yp - f + 1] * w[xp, yp]          # eq. (13) at x = y = 0
                      for xp in range(f - 1, n) for yp in range(f - 1, n) if xp < f and yp < f))
    return Check(printed=text, computed=float(core[0, 0]), corrected=right,
                 printed_expr=f"Σ δ⁺·w₀,₀ = {_n(d.sum())}·{_n(w[0, 0])} = {_n(text)}",
                 computed_expr=f"Σ δ⁺[x', y']·w[x', y'] = {_n(right)}", inputs={"δ⁽ˡ⁺¹⁾": d, "w": w})


def _r001_dw() -> Check:
    a, w, d = X4, H2_ASYM, DELTA3
    f, n = 2, 4
    # the text's sum, forward = eq. (8): ∂C/∂w[a, b] = Σ_{x, y} δ[x, y]·σ(z)[x−a, y−b], x, y over the outputs
    text = np.array([[sum(d[x - f + 1, y - f + 1] * a[x - p, y - q] for x in range(f - 1, n) for y in range(f - 1, n))
                      for q in range(f)] for p in range(f)])
    core = rot180(conv2d_backward(_x4(d), _x4(a), _x4(rot180(w)))[1][0, 0])   # convolve2d = correlate with rot180
    return Check(printed=text, computed=core, inputs={"σ(zˡ⁻¹)": a, "δˡ": d})


def _r001_full_pad() -> Check:
    tr = conv2d_backward_trace(DELTA3[None], X4[None], _x4(H2_ASYM)[0][None], 1)
    return Check(printed=2 - 1, computed=int(tr.full_padding.top), inputs={"f": 2})


def _r001_pool(mode: str) -> Check:
    x, d = np.asarray(POOL_ROUTE.inputs["x"]), np.asarray(POOL_ROUTE.inputs["delta"])
    printed = np.asarray(POOL_ROUTE.printed[mode])[0, 0]
    return Check(printed=printed, computed=pool2d_backward(d, x, 2, 2, mode=mode)[0, 0],
                 inputs={"δ": d[0, 0], "z": x[0, 0]})


def _r001_upsample_sigma() -> Check:
    x, d = np.asarray(POOL_ROUTE.inputs["x"]), np.asarray(POOL_ROUTE.inputs["delta"])
    z = x[0, 0] - 5.0                                    # z of the layer before pooling (a = ReLU(z))
    routed = pool2d_backward(d, x, 2, 2)[0, 0]
    text = routed * activation_derivative("relu", z)     # upsample(δ) ⊙ σ'(z), cell by cell
    return Check(printed=text, computed=activation_backward("relu", routed, z), inputs={"δ": d[0, 0], "z": z})


# =========================================================================== text 002
def _r002_kernel_terms() -> Check:
    m = n = 1
    # the window of s[i, j] for m ∈ [−M, M], n ∈ [−N, N]: a kernel of (2M+1)×(2N+1) taps
    tr = conv2d_trace(np.zeros((1, 5, 5)), np.zeros((1, 1, 2 * m + 1, 2 * n + 1)))
    count = int(tr.products[0, 0, 0].size)
    return Check(printed=(2 * m) * (2 * n), computed=count, corrected=(2 * m + 1) * (2 * n + 1),
                 printed_expr=f"2M × 2N = {2 * m}×{2 * n} = {4 * m * n}",
                 computed_expr=f"m, n ∈ [−{m}, {m}]: (2M+1)(2N+1) = {(2 * m + 1) * (2 * n + 1)}",
                 inputs={"M": m, "N": n})


def _r002_feature_map() -> Check:
    y = conv2d(np.zeros((1, 3, 32, 32)), np.zeros((1, 3, 5, 5)))
    return Check(printed=(28, 28, 3), computed=(int(y.shape[2]), int(y.shape[3]), int(y.shape[1])),
                 corrected=(32 - 5 + 1, 32 - 5 + 1, 1), inputs={"x": "32×32×3", "w": "5×5×3"})


def _r002_stride_overlap() -> Check:
    def overlaps(k: int, s: int) -> bool:
        a = axis_arithmetic(9, k, s)
        return any(b - a0 < k for a0, b in zip(a.starts, a.starts[1:]))

    return Check(printed=(True, False), computed=(overlaps(3, 2), overlaps(3, 3)),
                 printed_expr="k = 3: s = 2 → overlap, s = 3 → none", inputs={"n": 9, "k": 3})


def _r002_forward_size() -> Check:
    h, hh, pad, s = 6, 3, 1, 2
    return Check(printed=1 + (h + 2 * pad - hh) / s, computed=conv_output_size(h, hh, s, pad),
                 corrected=int(1 + (h + 2 * pad - hh) / s),
                 printed_expr=f"1 + ({h} + 2·{pad} − {hh})/{s} = {1 + (h + 2 * pad - hh) / s:g}",
                 inputs={"H": h, "HH": hh, "pad": pad, "stride": s})


def _r002_forward_naive() -> Check:
    # the listing's rule: window x_pad[:, i·s : i·s+HH, j·s : j·s+WW], Σ(window·kernel) + b[f]
    x, w, b, s, pad = X5[0], W5, B5, 2, 1
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad)))
    oh = int(1 + (5 + 2 * pad - 3) / s)
    text = np.array([[[float(np.sum(xp[:, i * s:i * s + 3, j * s:j * s + 3] * w[f]) + b[f]) for j in range(oh)]
                      for i in range(oh)] for f in range(2)])
    return Check(printed=text.reshape(-1, oh), computed=conv2d(X5, W5, B5, s, pad)[0].reshape(-1, oh),
                 inputs={"stride": s, "pad": pad})


def _r002_backward_pad0() -> Check:
    h, pad = 4, 0
    kept = len(range(h + 2 * pad)[pad:-pad])          # the listing's crop dx_pad[..., pad:-pad, ...]
    dx = conv2d_backward(_x4(DELTA3), _x4(X4), _x4(H2_ASYM), 1, pad)[0]
    return Check(printed=(kept, kept), computed=tuple(int(v) for v in dx.shape[2:]),
                 corrected=(len(range(h + 2 * pad)[pad:pad + h]),) * 2,
                 printed_expr=f"[{pad}:−{pad}] of {h + 2 * pad} rows → {kept}", inputs={"H": h, "pad": pad})


def _r002_scatter() -> Check:
    # the text's rule: visit every output cell, add dout·w onto its window (stride 2, pad 1, then crop)
    x, w, d, s, p = X5, W5, D5, 2, 1
    dxp = np.zeros((3, 7, 7))
    for f in range(2):
        for i in range(3):
            for j in range(3):
                dxp[:, i * s:i * s + 3, j * s:j * s + 3] += d[0, f, i, j] * w[f]
    text = dxp[:, p:p + 5, p:p + 5]
    core = conv2d_backward(d, x, w, s, p)[0][0]
    return Check(printed=text.reshape(-1, 5), computed=core.reshape(-1, 5), inputs={"stride": s, "pad": p})


def _r002_db() -> Check:
    dy = np.zeros((1, 1, 3, 3))
    dy[0, 0, 1, 1] = 1.0                                 # ∂s₂₂/∂b: a one-hot upstream gradient
    db = conv2d_backward(dy, np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 3, 3)))[2]
    return Check(printed=np.ones((2, 2)), computed=np.asarray([[float(db[0])]]), corrected=np.ones((1, 1)),
                 inputs={"M": 1, "N": 1})


def _r002_local_grads() -> Check:
    x = X5[0, 0]
    w = W5[0, 0]
    dy = np.zeros((1, 1, 3, 3))
    dy[0, 0, 1, 1] = 1.0                                 # s at output (1, 1): window rows/cols 1..3
    dx, dw, _ = conv2d_backward(dy, _x4(x), _x4(w))
    text = np.vstack([w, x[1:4, 1:4]])                   # ∂s/∂x = w on the window, ∂s/∂w = the window
    core = np.vstack([dx[0, 0, 1:4, 1:4], dw[0, 0]])
    return Check(printed=text, computed=core, inputs={"x": x, "w": w})


# =========================================================================== text 003
def _r003_sizes() -> Check:
    return Check(printed=(3, 3), computed=tuple(int(v) for v in conv2d(_x4(X4), _x4(H2)).shape[2:]),
                 inputs={"input": "4×4", "kernel": "2×2", "stride": 1})


def _r003_o11() -> Check:
    x, h = X4, H2
    pairs = [(_s("i", r, c), x[r, c], _s("h", r, c), h[r, c]) for r in range(2) for c in range(2)]
    net = conv2d(_x4(x), _x4(h))[0, 0, 0, 0]
    out = activate("relu", np.array([net]))[0]
    return Check(printed=(1.0, 1.0), computed=(float(net), float(out)), printed_expr=_sum_expr(pairs),
                 inputs={"i": x, "h": h})


def _r003_eq5_label() -> Check:
    x, h = np.arange(1.0, 17.0).reshape(4, 4), H2_ASYM
    line3 = [(_s("i", r, c), x[r, c], _s("h", r, c - 2), h[r, c - 2]) for r in range(2) for c in (2, 3)]
    tr = conv2d_trace(x[None], h[None, None])
    j = int(np.nonzero(tr.cols[:, 0] == 2)[0][0])          # the output cell whose window starts at i₁₃
    out = tr.output[0]
    return Check(printed=(1, 2), computed=(1, j + 1), corrected=(1, 3),
                 printed_expr="net_o₁₂ = " + _sum_expr(line3),
                 computed_expr=f"net_o₁₂ = {_n(out[0, 1])}, net_o₁₃ = {_n(out[0, 2])}", inputs={"i": x, "h": h})


def _r003_eq6_10() -> Check:
    d, h = DELTA3, H2_ASYM
    text = np.array([d[0, 0] * h[0, 0],
                     d[0, 0] * h[0, 1] + d[0, 1] * h[0, 0],
                     d[0, 0] * h[1, 0] + d[1, 0] * h[0, 0],
                     d[0, 0] * h[1, 1] + d[0, 1] * h[1, 0] + d[1, 0] * h[0, 1] + d[1, 1] * h[0, 0]])
    dx = _dx1(d, X4, h)
    return Check(printed=text, computed=np.array([dx[0, 0], dx[0, 1], dx[1, 0], dx[1, 1]]),
                 inputs={"δ": d, "h": h})


def _r003_eq8() -> Check:
    d, h = DELTA3, H2_ASYM
    tr = conv2d_backward_trace(d[None], X4[None], h[None, None], 1)
    terms = tr.dx_terms(0, 0, 2)
    right = [(_s("δ", 0, 1), d[0, 1], _s("h", 0, 1), h[0, 1]), (_s("δ", 0, 2), d[0, 2], _s("h", 0, 0), h[0, 0])]
    return Check(printed="h₁₃ ∉ 2×2", computed=float(sum(t.delta * t.weight for t in terms)),
                 corrected=float(sum(a * b for _, a, _, b in right)),
                 printed_expr="δ₁₂·h₁₃ + δ₁₂·h₁₁", computed_expr=_sum_expr(right), inputs={"δ": d, "h": h})


def _r003_dx_general() -> Check:
    d, h = DELTA3, H2_ASYM
    return Check(printed=full_correlation(d, h), computed=_dx1(d, X4, h), corrected=full_correlation(d, rot180(h)),
                 inputs={"δ": d, "h": h})


def _r003_eq13() -> Check:
    d, h, x = DELTA3, H2_ASYM, X4
    text = float(sum(d[m, n] * h[0, 0] for m in range(3) for n in range(3)))
    right = float(sum(d[m, n] * x[m, n] for m in range(3) for n in range(3)))
    return Check(printed=text, computed=float(_dw1(d, x, h)[0, 0]), corrected=right,
                 printed_expr=f"Σ δ·h₁₁ = {_n(d.sum())}·{_n(h[0, 0])} = {_n(text)}",
                 computed_expr=f"Σ δₘₙ·iₘₙ = {_n(right)}", inputs={"i": x, "δ": d, "h": h})


def _r003_eq14() -> Check:
    d, h, x = DELTA3, H2_ASYM, X4
    o = correlate2d(x, h)                                   # the layer's output o
    text = float(np.sum(d * o))
    right = float(np.sum(d * x[0:3, 0:3]))
    return Check(printed=text, computed=float(_dw1(d, x, h)[0, 0]), corrected=right,
                 printed_expr=f"Σ δₘₙ·oₘₙ = {_n(text)}", computed_expr=f"Σ δₘₙ·iₘₙ = {_n(right)}",
                 inputs={"i": x, "o": o, "δ": d})


def _r003_eq15() -> Check:
    d = DELTA3
    text = float(d[0, 0] + d[0, 1] + d[1, 0] + d[1, 1])
    db = conv2d_backward(_x4(d), _x4(X4), _x4(H2_ASYM))[2]
    return Check(printed=text, computed=float(db[0]), corrected=float(d.sum()),
                 printed_expr=f"δ₁₁ + δ₁₂ + δ₂₁ + δ₂₂ = {_n(text)}", computed_expr=f"Σᵢⱼ δᵢⱼ = {_n(d.sum())}",
                 inputs={"δ": d})


def _true_division_size(n: int, k: int, p: int, s: int, names: tuple[str, str, str, str]) -> Check:
    """A text's output size (n − k + 2p)/s + 1 with true division (it yields 2.5) vs the core's floor.

    ``names`` are the text's own names for (input size, kernel size, padding, stride), shown as the inputs.
    """
    n_name, k_name, p_name, s_name = names
    return Check(printed=(n - k + 2 * p) / s + 1, computed=conv_output_size(n, k, s, p),
                 corrected=(n - k + 2 * p) // s + 1,
                 printed_expr=f"({n} − {k} + 2·{p}) / {s} + 1 = {(n - k + 2 * p) / s + 1:g}",
                 inputs={n_name: n, k_name: k, p_name: p, s_name: s})


def _r003_code_output_size() -> Check:
    return _true_division_size(6, 3, 1, 2, ("input_size", "filter_size", "zero_padding", "stride"))


def _r003_code_maxpool_size() -> Check:
    n, k, s = 5, 2, 2
    return Check(printed=(n - k) / s + 1, computed=int(pool2d(np.zeros((1, 1, n, n)), k, s).shape[2]),
                 corrected=(n - k) // s + 1, printed_expr=f"({n} − {k}) / {s} + 1 = {(n - k) / s + 1:g}",
                 inputs={"input_width": n, "filter_width": k, "stride": s})


def _r003_code_maxpool_overwrite() -> Check:
    x = _ro([[1, 2, 0], [3, 9, 1], [0, 4, 2]])
    d = _ro([[1, 2], [3, 4]])
    k, s = 2, 1
    text = np.zeros_like(x)
    for i in range(2):                                   # the listing assigns: a later window overwrites
        for j in range(2):
            win = x[i * s:i * s + k, j * s:j * s + k]
            r, c = np.unravel_index(int(np.argmax(win)), win.shape)
            text[i * s + r, j * s + c] = d[i, j]
    core = pool2d_backward(_x4(d), _x4(x), k, s)[0, 0]
    return Check(printed=text, computed=core, corrected=np.where(x == 9, d.sum(), 0.0),
                 inputs={"input": x, "δ": d, "k": k, "s": s})


def _r003_code_get_batch() -> Check:
    a = np.zeros((3, 5, 5))
    text = a[0:3, 0:3].shape                              # the 3-D branch slices axes 0 and 1
    core = conv2d(np.zeros((1, 3, 5, 5)), np.zeros((1, 3, 3, 3)), padding=0).shape
    return Check(printed=tuple(int(v) for v in text), computed=(3, 3, 3),
                 corrected=tuple(int(v) for v in a[:, 0:3, 0:3].shape),
                 inputs={"input": "3×5×5", "filter": "3×3", "output": f"{core[2]}×{core[3]}"})


def _r003_code_bp_sensitivity() -> Check:
    w_in, k, s, p = 6, 3, 2, 1
    o = conv_output_size(w_in, k, s, p)
    expanded = (o - 1) * s + 1
    zp = (w_in + k - 1 - expanded) / 2
    tr = conv2d_backward_trace(np.zeros((1, o, o)), np.zeros((1, w_in, w_in)), np.zeros((1, 1, k, k)), s, p)
    need = (tr.full_padding.top - p, tr.full_padding.bottom - p)
    return Check(printed=zp, computed=need, corrected=(int(np.floor(zp)), int(np.ceil(zp))),
                 printed_expr=f"zp = ({w_in} + {k} − 1 − {expanded})/2 = {zp:g}",
                 computed_expr=f"top {need[0]}, bottom {need[1]}",
                 inputs={"input_width": w_in, "filter_width": k, "stride": s, "zero_padding": p})


def _r003_code_bp_gradient() -> Check:
    s, p = 2, 1
    xp = np.pad(X5[0], ((0, 0), (p, p), (p, p)))
    text = np.array([[correlate2d(xp[c], zero_insert(D5[0, f], s)) for c in range(3)] for f in range(2)])
    dw = conv2d_backward(D5, X5, W5, s, p)[1]
    return Check(printed=text.reshape(-1, 3), computed=dw.reshape(-1, 3), inputs={"stride": s, "padding": p})


def _r003_forward_printed() -> Check:
    printed = np.asarray(CONV_5X5X3.printed["y"])[0]
    return Check(printed=printed.reshape(-1, 3), computed=conv2d(X5, W5, B5, 2, 1)[0].reshape(-1, 3),
                 inputs={"stride": 2, "padding": 1, "b": B5})


def _r003_sgd_printed() -> Check:
    _, dw, db = conv2d_backward(D5, X5, W5, 2, 1)
    new = sgd_step({"w": W5, "b": B5}, {"w": dw, "b": db}, 0.001)
    printed = np.concatenate([np.asarray(CONV_5X5X3.printed["w_after"]).ravel(),
                              np.asarray(CONV_5X5X3.printed["b_after"])])
    computed = np.concatenate([new["w"].ravel(), new["b"]])
    return Check(printed=printed.reshape(-1, 4), computed=computed.reshape(-1, 4), decimals=3,
                 inputs={"lr": 0.001})


def _r003_test_4x4() -> Check:
    return Check(printed=(4, 4), computed=tuple(int(v) for v in X5.shape[1:]), corrected=(3, 5, 5),
                 inputs={"init_test": "a"})


def _r003_activator_backward() -> Check:
    z = _ro([-2.0, 0.0, 1.5])
    out = activate("sigmoid", z)
    relu_out = activate("relu", z)
    text = np.concatenate([out * (1 - out), (relu_out > 0).astype(float)])
    core = np.concatenate([activation_derivative("sigmoid", z), activation_derivative("relu", z)])
    return Check(printed=text, computed=core, inputs={"z": z})


def _r003_pool_derivative() -> Check:
    x = _ro([[3, 1], [2, 0]])                             # o₁₁ is the maximum of the window
    grad = pool2d_backward(np.ones((1, 1, 1, 1)), _x4(x), 2, 2)[0, 0]
    return Check(printed=np.ones((2, 2)), computed=grad, corrected=(x == x.max()).astype(float),
                 inputs={"o": x})


# =========================================================================== text 004
def _r004_fnn_forward() -> Check:
    a, b = A2, _ro([0.1, 0.0])
    text = np.array([sum(W22[i, j] * a[j] for j in range(2)) + b[i] for i in range(2)])
    return Check(printed=text, computed=dense_forward(a, W22, b), inputs={"W": W22, "a": a, "b": b})


def _r004_delta() -> Check:
    z = _ro([0.3, -0.6])
    tr = dense_backward_trace(DZ2, activate("relu", z), W22, z_prev=z, activation="relu")
    text = activation_derivative("relu", z) * (W22.T @ DZ2)
    return Check(printed=text, computed=np.asarray(tr.delta_prev), inputs={"z⁽ˡ⁾": z, "W⁽ˡ⁺¹⁾": W22, "δ⁽ˡ⁺¹⁾": DZ2})


def _r004_dot_naming() -> Check:
    z = _ro([0.3, -0.6])
    fp, v = activation_derivative("sigmoid", z), W22.T @ DZ2
    tr = dense_backward_trace(DZ2, activate("sigmoid", z), W22, z_prev=z, activation="sigmoid")
    return Check(printed=float(np.dot(fp, v)), computed=np.asarray(tr.delta_prev), corrected=fp * v,
                 inputs={"f'(z)": fp, "Wᵀδ": v})


def _r004_dW() -> Check:
    text = np.array([[DZ2[i] * A2[j] for j in range(2)] for i in range(2)])
    da, dW, db = dense_backward(DZ2, A2, W22)
    return Check(printed=np.vstack([text, DZ2]), computed=np.vstack([dW, db]), inputs={"δ": DZ2, "a⁽ˡ⁻¹⁾": A2})


def _r004_autodiff() -> Check:
    g = sigmoid_graph(**AUTODIFF_SIGMOID.inputs)
    (path,) = chain_paths(g, "w")
    printed = tuple(float(v) for v in AUTODIFF_SIGMOID.printed["chain"]) + (AUTODIFF_SIGMOID.printed["df_dw"],)
    return Check(printed=printed, computed=tuple(float(f.value) for f in path.factors) + (float(path.product),),
                 printed_expr="1 × (−0.25) × 1 × 1 × (−1) × 1 × 1 = 0.25", inputs=dict(AUTODIFF_SIGMOID.inputs))


def _r004_modes() -> Check:
    g = sigmoid_graph(1.0, 0.0, 0.0)
    fwd = {r.name: r.derivative for r in forward_mode(g, "w").rows}
    rev = reverse_mode(g)
    adj = {r.name: r.adjoint for r in rev.rows}
    printed = (1.0, 1.0, -1.0, 0.25, -0.25, -0.25, 0.25)
    computed = (fwd["h1"], fwd["h2"], fwd["h3"], fwd["h6"], adj["h5"], adj["h4"], dict(rev.gradients)["w"])
    return Check(printed=printed, computed=tuple(float(v) for v in computed),
                 printed_expr="∂h₁/∂w, ∂h₂/∂w, ∂h₃/∂w, ∂h₆/∂w; ∂f/∂h₅, ∂f/∂h₄, ∂f/∂w",
                 inputs={"x": 1.0, "w": 0.0, "b": 0.0})


def _r004_1d_delay() -> Check:
    x, w = _ro([1, 2, 0, 4, 1, 3]), _ro([1, 0.5, 0.25])
    text = np.array([sum(w[k] * x[t - k] for k in range(3)) for t in range(2, 6)])   # t from K
    return Check(printed=text, computed=conv1d(x, w[::-1]), inputs={"x": x, "w": w})


def _r004_second_diff() -> Check:
    t = np.arange(6.0)
    x = t ** 2
    text = np.array([x[i + 1] + x[i - 1] - 2 * x[i] for i in range(1, 5)])
    return Check(printed=text, computed=conv1d(x, _ro([1, -2, 1])), inputs={"x = t²": x})


def _r004_conv2d_def() -> Check:
    x, w = X4, H2_ASYM
    text = np.array([[sum(w[u, v] * x[i - u, j - v] for u in range(2) for v in range(2)) for j in range(1, 4)]
                     for i in range(1, 4)])
    return Check(printed=text, computed=convolve2d(x, w), inputs={"X": x, "W": w})


def _r004_xcorr_rot() -> Check:
    x, w = X4, H2_ASYM
    text = np.array([[sum(w[u, v] * x[i + u, j + v] for u in range(2) for v in range(2)) for j in range(3)]
                     for i in range(3)])
    return Check(printed=np.vstack([text, convolve2d(x, rot180(w))]), computed=np.vstack([correlate2d(x, w)] * 2),
                 inputs={"X": x, "W": w})


def _r004_pool_as_conv() -> Check:
    x = np.asarray(POOL_ROUTE.inputs["x"])
    mean_kernel = np.full((1, 1, 2, 2), 1 / 4)
    return Check(printed=conv2d(x, mean_kernel, stride=2)[0, 0], computed=pool2d(x, 2, 2, mode="avg")[0, 0],
                 inputs={"x": x[0, 0], "w": mean_kernel[0, 0]})


def _r004_neurons() -> Check:
    return _true_division_size(6, 3, 1, 2, ("M", "K", "P", "S"))


def _r004_narrow_wide() -> Check:
    m, k = 7, 3
    return Check(printed=(m - k + 1, m + k - 1), computed=(conv_output_size(m, k), conv_output_size(m, k, 1, k - 1)),
                 inputs={"M": m, "K": k})


def _r004_equal_width() -> Check:
    m, k = 7, 4
    a = same_axis(m, k, 1)
    return Check(printed=(k - 1) / 2, computed=(a.before, a.after), corrected=((k - 1) // 2, k - 1 - (k - 1) // 2),
                 printed_expr=f"P = ({k} − 1)/2 = {(k - 1) / 2:g}", computed_expr=f"{a.before} + {a.after} = {k - 1}",
                 inputs={"M": m, "K": k})


def _r004_wide_commutative() -> Check:
    x, w = _ro([[1, 0, 2], [3, 1, 0], [0, 2, 1]]), H2_ASYM
    return Check(printed=full_correlation(x, rot180(w)), computed=full_correlation(w, rot180(x)),
                 inputs={"X": x, "W": w})


def _r004_dW_conv() -> Check:
    x, w, d = X4, H2_ASYM, DELTA3
    return Check(printed=correlate2d(x, d), computed=_dw1(d, x, w), inputs={"X": x, "∂f/∂Y": d})


def _r004_pad_W() -> Check:
    x, w, d = X4, H2_ASYM, DELTA3
    m, u = 4, 2
    return Check(printed=correlate2d(w, rot180(d), padding=m - u), computed=_dx1(d, x, w),
                 inputs={"W": w, "∂f/∂Y": d, "P": m - u})


def _r004_dX() -> Check:
    x, w, d = X4, H2_ASYM, DELTA3
    first, second = full_correlation(w, rot180(d)), full_correlation(d, rot180(w))
    return Check(printed=np.vstack([first, second]), computed=np.vstack([_dx1(d, x, w)] * 2),
                 inputs={"W": w, "∂f/∂Y": d})


def _r004_local_params() -> Check:
    m, k = 7, 3
    z = conv1d(np.zeros(m), np.zeros(k))
    return Check(printed=(m - k + 1, k + 1), computed=(int(z.size), conv_parameter_count(1, 1, 1, k)),
                 inputs={"M": m, "K": k})


def _r004_param_count() -> Check:
    p, d, u, v = W5.shape
    return Check(printed=p * d * u * v + p, computed=conv_parameter_count(p, d, u, v),
                 printed_expr=f"{p}×{d}×({u}×{v}) + {p} = {p * d * u * v + p}",
                 inputs={"P": p, "D": d, "U×V": f"{u}×{v}"})


def _r004_eq4_3_6() -> Check:
    d = _ro([[[1, 0, 2], [0, -1, 1], [2, 1, 0]], [[0, 1, 0], [1, 0, -1], [1, 1, 1]]])   # δ of both filters
    c = 0                                                          # input channel d = 1
    text = sum(full_correlation(d[p], rot180(W5[p, c])) for p in range(2))
    dx = conv2d_backward(d[None], X5, W5)[0]                      # stride 1, no padding: 5×5 → 3×3
    return Check(printed=text, computed=dx[0, c], inputs={"δ (p = 1)": d[0], "δ (p = 2)": d[1]})


def _r004_transposed_C() -> Check:
    w = _ro([1, 2, 3])
    text = np.array([[w[c - r] if 0 <= c - r < 3 else 0.0 for c in range(5)] for r in range(3)])
    return Check(printed=text, computed=conv_matrix_1d(w, 5), inputs={"w": w})


def _r004_transposed_Ct() -> Check:
    w, z = _ro([1, 2, 3]), _ro([1, -1, 2])
    c = conv_matrix_1d(w, 5)
    text = conv1d(z, w[::-1], padding=2)                          # rot180(w) ⊗̃ z
    return Check(printed=np.vstack([c.T @ z, text]), computed=np.vstack([conv_transpose1d(z, w)] * 2),
                 inputs={"w": w, "z": z})


def _r004_fractional() -> Check:
    m, k, dz = 3, 3, 1
    y = conv_transpose1d(_ro([1, 2, 3]), _ro([1, 1, 1]), stride=dz + 1)
    return Check(printed=(dz + 1) * (m - 1) + k, computed=int(y.size),
                 printed_expr=f"({dz}+1)×({m}−1) + {k} = {(dz + 1) * (m - 1) + k}", inputs={"M": m, "K": k, "D": dz})


def _r004_dilation() -> Check:
    k, d = 3, 2
    return Check(printed=k + (k - 1) * (d - 1), computed=effective_kernel(k, d),
                 printed_expr=f"{k} + ({k}−1)×({d}−1) = {k + (k - 1) * (d - 1)}", inputs={"K": k, "D": d})


def _r004_two_3x3() -> Check:
    # the smallest input that two stacked 3×3 convolutions reduce to one cell: their receptive field
    n = next(n for n in range(3, 12)
             if conv_output_size(n, 3) >= 3 and conv_output_size(conv_output_size(n, 3), 3) == 1)
    return Check(printed=5, computed=n, printed_expr="3 + 3 − 1 = 5", inputs={"kernel": "3×3, 3×3"})


def _r004_30000() -> Check:
    x = np.zeros((1, 3, 100, 100))
    return Check(printed=30000, computed=int(x[0].size), printed_expr="100 × 100 × 3 = 30000", inputs={})


def _r004_local_connections() -> Check:
    m, k = 7, 3
    c = conv_matrix_1d(np.ones(k), m)
    m_out = c.shape[0]
    return Check(printed=(m_out * m, m_out * k), computed=(int(c.size), int(np.count_nonzero(c))),
                 printed_expr=f"M_l × M_(l−1) = {m_out}×{m} = {m_out * m} → M_l × K = {m_out}×{k} = {m_out * k}",
                 inputs={"M_(l−1)": m, "K": k})


# =========================================================================== the catalogue
def _c(key, source, where, quote, kind, verdict, topic, recompute, page, **params) -> Claim:
    return Claim(key=key, source=source, where=where, quote=quote, kind=kind, verdict=verdict, topic=topic,
                 recompute=recompute, page=page, params=MappingProxyType(dict(params)))


_M = "1,0,1,0;1,1,0,1;0,1,1,0;1,0,0,1"      # X4 in the URL's matrix syntax
_K = "1,2;3,4"
_D = "1,2,0;-1,3,1;2,0,-2"

CLAIMS: tuple[Claim, ...] = (
    # ---- text 000: course notes "卷积神经网络"
    _c("s000_conv_definition", S0, "卷积层 · 卷积定义", "(I⊗K)ᵢⱼ = Σₘ Σₙ I(i+m, j+n) K(m, n)", "formula", "holds",
       "convolution", _r000_conv_definition, "conv_single", input=_M, kernel=_K),
    _c("s000_same_dims", S0, "卷积层 · 卷积和卷积核", "输入、输出的维数没变", "statement", "incomplete", "arithmetic",
       _r000_same_dims, "padding", h=4, w=4, k=2, s=1, p=0),
    _c("s000_output_size", S0, "步长(strides)", "C_output = (C_input − C_kernel)/strides + 1", "formula",
       "incomplete", "arithmetic", _r000_output_size, "padding", h=6, w=6, k=3, s=2, p=0),
    _c("s000_valid", S0, "填充 · VALID", "O = ceil((I − k + 1)/s)", "formula", "holds", "arithmetic",
       _r000_valid, "padding", h=7, w=7, k=3, s=2, mode="valid"),
    _c("s000_real_input", S0, "填充 · VALID, 真正输入", "I = s(O − 1) + k", "formula", "holds", "arithmetic",
       _r000_real_input, "padding", h=7, w=7, k=2, s=2, mode="valid"),
    _c("s000_same", S0, "填充 · SAME", "O = ceil(I/s), P = max((O−1)s + k − I, 0), P_top = floor(P/2)", "formula",
       "holds", "arithmetic", _r000_same, "padding", h=7, w=7, k=4, s=2, mode="same"),
    _c("s000_forward_sum", S0, "forward (M 个通道)", "aˡ = σ(Σₖ aₖˡ⁻¹ * Wₖˡ + bˡ)", "formula", "holds",
       "convolution", _r000_forward_sum, "conv_multi"),
    _c("s000_delta_simplified", S0, "backward · 简化版", "δˡ⁻¹ = δˡ * rot180(Wˡ) ⊙ σ'(zˡ⁻¹)", "formula",
       "incomplete", "backward", _r000_delta_simplified, "conv_backward", stride=2, x=_M, w=_K, delta="1,2;-1,3"),
    _c("s000_dw_sum", S0, "backward · 详细版, ∂E/∂w", "∂E/∂w_{m',n'} = Σᵢ Σⱼ δᵢⱼ o_{i+m', j+n'}", "formula",
       "holds", "backward", _r000_dw_sum, "conv_backward", x=_M, w=_K, delta=_D),
    _c("s000_dx_sum", S0, "backward · 详细版, ∂E/∂x", "∂E/∂x_{i',j'} = Σₘ Σₙ δ_{i'−m, j'−n} w_{m,n} f'(x_{i',j'})",
       "formula", "holds", "backward", _r000_dx_sum, "conv_backward", x=_M, w=_K, delta=_D),
    _c("s000_dw_update", S0, "更新W", "∂J(W,b)/∂Wˡ = aˡ⁻¹ * δˡ", "formula", "holds", "backward", _r000_dw_update,
       "conv_backward", x=_M, w=_K, delta=_D),
    _c("s000_db", S0, "更新b", "对应卷积核的误差求和", "statement", "holds", "backward", _r000_db, "conv_backward",
       x=_M, w=_K, delta=_D),
    _c("s000_pool_size", S0, "池化层 · forward", "Hˡ = (Hˡ⁻¹ + 2p − k)/s + 1", "formula", "incomplete",
       "pooling", _r000_pool_size, "pooling",
       kernel=2, stride=2, input="1,2,3,4,5;5,4,3,2,1;1,2,3,4,5;5,4,3,2,1;1,2,3,4,5"),
    _c("s000_max_pool", S0, "池化层 · 最大池化的前向公式", "z = max over i·s ≤ m < i·s + k, j·s ≤ n < j·s + k",
       "formula", "holds", "pooling", _r000_max_pool, "pooling", kernel=2, stride=1),
    _c("s000_pool_backward_simple", S0, "池化层 · backward", "δᵢᵏ⁻¹ = δⱼᵏ", "formula", "incomplete", "pooling",
       _r000_pool_backward_simple, "pooling", mode="avg"),
    _c("s000_mean_pool_sum", S0, "池化层 · mean pooling", "保证池化前后的梯度（残差）之和保持不变", "statement",
       "holds", "pooling", _r000_mean_pool_sum, "pooling", mode="avg"),
    _c("s000_dense_forward", S0, "全连接层 · forward", "zᵢ = Σₚ aₚ w_{p,i} + bᵢ", "formula", "holds", "dense",
       _r000_dense_forward, "dense"),
    _c("s000_mse_grad", S0, "全连接层 · MSE", "∂E/∂w_{pi} = (aᵢ − tᵢ)·σ'(zᵢ)·aₚ", "formula", "holds", "dense",
       _r000_mse_grad, "dense", loss="mse"),
    _c("s000_softmax_jacobian", S0, "cross entropy · ∂a/∂z", "i ≠ j: −aⱼaᵢ;  i = j: aⱼ − aⱼ²", "formula", "holds",
       "dense", _r000_softmax_offdiag, "dense"),
    _c("s000_softmax_typo", S0, "cross entropy · 当 i ≠ j 时", "aⱼ/zᵢ = … = −aⱼ·aᵢ", "formula", "typo", "dense",
       _r000_softmax_typo, "dense"),
    _c("s000_ce_dL_da", S0, "cross entropy · ∂L/∂a", "∂L/∂a = [0, 0, …, −1/aⱼ, …, 0]", "formula", "holds", "dense",
       _r000_ce_dL_da, "dense"),
    _c("s000_ce_grad", S0, "cross entropy · 从而推出", "∂L/∂z = a − y", "formula", "holds", "dense",
       _r000_ce_grad, "dense"),
    # ---- text 001: "卷积神经网络反向传播：从直觉到推导"
    _c("s001_eq2", S1, "(2)", "dW^[l] = dz^[l] ⊙ a^[l−1]", "formula", "wrong", "dense", _r001_eq2, "dense"),
    _c("s001_eq4", S1, "(4)", "da^[l−1] = W^[l]ᵀ ⊙ dz^[l]", "formula", "wrong", "dense", _r001_eq4, "dense"),
    _c("s001_eq5", S1, "(5)", "dz^[l] = dz^[l+1] ⊙ W^[l] ⊙ g^[l]'(z^[l])", "formula", "wrong", "dense",
       _r001_eq5, "dense", act="sigmoid"),
    _c("s001_eq6", S1, "(6)", "δˡ⁻¹ = δˡ ∗ rot180(Wˡ) ⊙ σ'(zˡ⁻¹)", "formula", "holds", "backward", _r001_eq6,
       "conv_backward", x=_M, w=_K, delta=_D),
    _c("s001_eq7", S1, "(7)", "zⱼˡ = Σₖ wⱼₖˡ σ(zⱼˡ) + bⱼˡ", "formula", "typo", "dense", _r001_eq7, "dense"),
    _c("s001_crosscorr_naming", S1, "卷积层反向传播 · 互相关", "卷积之前…180度的翻转，有时候被称为互相关", "statement",
       "wrong", "convolution", _r001_crosscorr_naming, "conv_single", input=_M, kernel=_K),
    _c("s001_eq13", S1, "(13)", "δ_{x,y}ˡ = (Σ_{x'} Σ_{y'} δ_{x',y'}ˡ⁺¹ w_{x'−x, y'−y}ˡ⁺¹) ⊙ σ'(z_{x,y}ˡ)", "formula",
       "holds", "backward", _r001_eq13, "conv_backward", x=_M, w=_K, delta=_D),
    _c("s001_eq14", S1, "(14), (15)", "(Σ_{x'} Σ_{y'} δ_{x',y'}ˡ⁺¹ w_{−x,−y}ˡ⁺¹) ⊙ σ'(z_{x,y}ˡ)", "formula", "typo",
       "backward", _r001_eq14, "conv_backward", x=_M, w=_K, delta=_D),
    _c("s001_dw", S1, "rot180(W) 的推导证明 · ∂C/∂w", "∂C/∂w_{a,b}ˡ = Σₓ Σᵧ δ_{x,y}ˡ σ(z_{x−a, y−b}ˡ⁻¹)", "formula",
       "holds", "backward", _r001_dw, "conv_backward", x=_M, w=_K, delta=_D),
    _c("s001_full_pad", S1, "对公式(13)的补充说明", "pad = f − 1 = 1", "number", "holds", "backward",
       _r001_full_pad, "conv_backward", x=_M, w=_K, delta=_D),
    _c("s001_pool_max", S1, "反向传播过程的池化层操作 · Max", "[[2,0,0,0],[0,0,0,8],[0,4,0,0],[0,0,6,0]]", "number",
       "holds", "pooling", lambda: _r001_pool("max"), "pooling", mode="max"),
    _c("s001_pool_avg", S1, "反向传播过程的池化层操作 · Average",
       "[[0.5,0.5,2,2],[0.5,0.5,2,2],[1,1,1.5,1.5],[1,1,1.5,1.5]]", "number", "holds", "pooling",
       lambda: _r001_pool("avg"), "pooling", mode="avg"),
    _c("s001_upsample_sigma", S1, "反向传播过程的池化层操作", "δˡ⁻¹ = upsample(δˡ) ⊙ σ'(zˡ⁻¹)", "formula", "holds",
       "pooling", _r001_upsample_sigma, "pooling", activation="relu"),
    # ---- text 002: "手写神经网络7：卷积层"
    _c("s002_kernel_terms", S2, "1.1 卷积的计算公式", "卷积核的大小是 2M×2N, Σ_{m=−M}^{M} Σ_{n=−N}^{N}", "size", "wrong",
       "convolution", _r002_kernel_terms, "conv_single"),
    _c("s002_feature_map", S2, "1.1 (图 dl2)", "32x32x3 的图像, 5x5x3 的卷积核 → 28x28x3", "size", "wrong",
       "convolution", _r002_feature_map, "conv_multi"),
    _c("s002_stride_overlap", S2, "1.2 步长Stride", "步长小于卷积核的边长时…重叠；相一致时，不会出现重叠", "statement",
       "holds", "arithmetic", _r002_stride_overlap, "padding", h=9, w=9, k=3, s=2, p=0),
    _c("s002_forward_size", S2, "conv_forward_naive (docstring)", "H' = 1 + (H + 2 * pad − HH) / stride", "formula",
       "incomplete", "arithmetic", _r002_forward_size, "padding", h=6, w=6, k=3, s=2, p=1),
    _c("s002_forward_naive", S2, "conv_forward_naive", "out[n, f, i, j] = Σ(conv_zone · kernel) + b[f]", "code",
       "typo", "code", _r002_forward_naive, "conv_multi"),
    _c("s002_backward_naive", S2, "conv_backward_naive", "dx = dx_pad[:, :, pad:−pad, pad:−pad]", "code", "wrong",
       "code", _r002_backward_pad0, "conv_backward", x=_M, w=_K, delta=_D),
    _c("s002_scatter", S2, "3. 卷积层的反向传播", "把 feature map 的每个像素点进行遍历，把权重加到原位置的点上…乘上 dout",
       "statement", "holds", "backward", _r002_scatter, "conv_backward", example="multi", stride=2, padding=1),
    _c("s002_db", S2, "3. 卷积层的反向传播", "∂s_ij/∂b = 1^{2M×2N}", "formula", "wrong", "backward", _r002_db,
       "conv_backward"),
    _c("s002_local_grads", S2, "3. 卷积层的反向传播", "∂s_ij/∂x_{i+m,j+n} = w_mn,  ∂s_ij/∂w_mn = x_{i+m,j+n}",
       "formula", "holds", "backward", _r002_local_grads, "conv_backward"),
    # ---- text 003: "实战项目 2 - 动手搭建一个卷积神经网络"
    _c("s003_sizes", S3, "2.7.1 (1) 输入层---->卷积层", "4×4 的 image, 两个 2×2 的卷积核 → 两个 3×3 的 feature_map",
       "size", "holds", "convolution", _r003_sizes, "conv_single"),
    _c("s003_o11", S3, "2.7.1 (1), (2)", "net_o11 = 1×1 + 0×(−1) + 1×1 + 1×(−1) = 1, out_o11 = 1", "number", "holds",
       "convolution", _r003_o11, "conv_single"),
    _c("s003_eq5_label", S3, "2.7.2 (5)", "net_o12 = i13×h11 + i14×h12 + i23×h21 + i24×h22", "formula", "typo",
       "convolution", _r003_eq5_label, "conv_single", input="1,2,3,4;5,6,7,8;9,10,11,12;13,14,15,16",
       kernel=_K, cell=3),
    _c("s003_eq6_10", S3, "2.7.2 (6), (7), (9), (10)",
       "∂E/∂i11 = δ11·h11, …, ∂E/∂i22 = δ11·h22 + δ12·h21 + δ21·h12 + δ22·h11",
       "formula", "holds", "backward", _r003_eq6_10, "conv_backward", x=_M, w=_K, delta=_D, cell="2,2"),
    _c("s003_eq8", S3, "2.7.2 (8)", "∂E/∂i13 = δ12·h13 + δ12·h11", "formula", "wrong", "backward", _r003_eq8,
       "conv_backward", x=_M, w=_K, delta=_D, cell="1,3"),
    _c("s003_dx_general", S3, "2.7.2 图2.5 之后", "∂E/∂i_{i,j} = Σₘ Σₙ h_{m,n} δ_{i+m, j+n}", "formula", "wrong",
       "backward", _r003_dx_general, "conv_backward", x=_M, w=_K, delta=_D),
    _c("s003_eq13", S3, "2.7.2 (13)", "∂E/∂h11 = δ11·h11 + … + δ33·h11", "formula", "wrong", "backward",
       _r003_eq13, "conv_backward", x=_M, w=_K, delta=_D, weight="1,1"),
    _c("s003_eq14", S3, "2.7.2 (14)", "∂E/∂h_{i,j} = Σₘ Σₙ δ_{m,n} out_{o_{i+m, j+n}}", "formula", "wrong",
       "backward", _r003_eq14, "conv_backward", x=_M, w=_K, delta=_D, weight="1,1"),
    _c("s003_eq15", S3, "2.7.2 (15)", "∂E/∂b = δ11 + δ12 + δ21 + δ22", "formula", "incomplete", "backward",
       _r003_eq15, "conv_backward", x=_M, w=_K, delta=_D),
    _c("s003_pool_derivative", S3, "2.7.2 (池化层)", "池化层…是一个滑动窗口的最大值，一个常数，那么它的偏导是1", "statement",
       "incomplete", "pooling", _r003_pool_derivative, "pooling", kernel=2, stride=2),
    _c("s003_code_output_size", S3, "calculate_output_size",
       "(input_size − filter_size + 2 * zero_padding) / stride + 1",
       "code", "incomplete", "code", _r003_code_output_size, "padding", h=6, w=6, k=3, s=2, p=1),
    _c("s003_code_maxpool_size", S3, "MaxPoolingLayer.__init__", "(input_width − filter_width) / self.stride + 1",
       "code", "incomplete", "code", _r003_code_maxpool_size, "pooling", kernel=2, stride=2),
    _c("s003_code_maxpool_overwrite", S3, "MaxPoolingLayer.backward", "self.delta_array[d, i*s + k, j*s + l] = …",
       "code", "incomplete", "code", _r003_code_maxpool_overwrite, "pooling", kernel=2, stride=1,
       input="1,2,0;3,9,1;0,4,2", delta="1,2;3,4"),
    _c("s003_code_get_batch", S3, "get_batch (完整代码)", "input_array[start_i : …, start_j : …] (ndim == 3)", "code",
       "wrong", "code", _r003_code_get_batch, "conv_multi"),
    _c("s003_code_full_listing", S3, "完整代码 cnn.py", "ConvLayer.forward: filter = self.filters[f]", "code", "wrong",
       "code", None, "conv_multi"),
    _c("s003_code_bp_sensitivity", S3, "bp_sensitivity_map",
       "zp = (input_width + filter_width − 1 − expanded_width) / 2",
       "code", "incomplete", "code", _r003_code_bp_sensitivity, "conv_backward", stride=2, padding=1),
    _c("s003_code_bp_gradient", S3, "bp_gradient",
       "weights_grad[d] = conv(padded_input[d], expanded[f]); bias_grad = Σ",
       "code", "holds", "code", _r003_code_bp_gradient, "conv_backward", example="multi", stride=2, padding=1),
    _c("s003_code_activators", S3, "ReluActivator / SigmoidActivator.backward",
       "1 if output > 0 else 0;  output * (1 − output)",
       "code", "holds", "code", _r003_activator_backward, "conv_single"),
    _c("s003_test_4x4", S3, "2.7.3 init_test()", "用之前的 4*4 的 image 数据检验", "size", "wrong", "code",
       _r003_test_4x4, "conv_multi"),
    _c("s003_forward_printed", S3, "运行结果 · 前向传播结果", "[[[6, 7, 5], [3, −1, −1], [2, −1, 4]], [[2, −5, −8], …]]",
       "number", "holds", "convolution", _r003_forward_printed, "conv_multi"),
    _c("s003_sgd_printed", S3, "运行结果 · 反向传播后更新得到的 filter", "filter1: [[[−1.008, 0.99, −0.009], …]], bias 0.991, …",
       "number", "holds", "backward", _r003_sgd_printed, "conv_backward", example="multi", stride=2, padding=1),
    # ---- text 004: "前馈神经网络"
    _c("s004_fnn_forward", S4, "一 (1.1)", "z⁽ˡ⁾ = W⁽ˡ⁾a⁽ˡ⁻¹⁾ + b⁽ˡ⁾, W⁽ˡ⁾ ∈ ℝ^{M_l × M_{l−1}}", "formula", "holds",
       "dense", _r004_fnn_forward, "dense"),
    _c("s004_delta", S4, "二 (2.7)", "δ⁽ˡ⁾ = f'(z⁽ˡ⁾) ⊙ ((W⁽ˡ⁺¹⁾)ᵀ δ⁽ˡ⁺¹⁾)", "formula", "holds", "dense", _r004_delta,
       "dense"),
    _c("s004_dot_naming", S4, "二 (2.7) 之后", "其中 ⊙ 是向量的点积运算符", "statement", "typo", "dense",
       _r004_dot_naming, "dense", act="sigmoid"),
    _c("s004_dW", S4, "二 (2.10), (2.11)", "∂L/∂W⁽ˡ⁾ = δ⁽ˡ⁾(a⁽ˡ⁻¹⁾)ᵀ,  ∂L/∂b⁽ˡ⁾ = δ⁽ˡ⁾", "formula", "holds", "dense",
       _r004_dW, "dense"),
    _c("s004_autodiff", S4, "三 (3.3)", "1 × −0.25 × 1 × 1 × −1 × 1 × 1 = 0.25", "number", "holds", "autodiff",
       _r004_autodiff, "autodiff", x=1, w=0, b=0),
    _c("s004_modes", S4, "三 (3.4), (3.5)", "∂h₃/∂w = −1 × 1 …  ∂f/∂w = 0.25 × 1 = 0.25", "number", "holds", "autodiff",
       _r004_modes, "autodiff", x=1, w=0, b=0),
    _c("s004_1d_delay", S4, "4.1.1.1 (4.1.1), (4.1.2)", "y_t = Σ_{k=1}^{K} w_k x_{t−k+1}", "formula", "holds",
       "transposed", _r004_1d_delay, "transposed"),
    _c("s004_second_diff", S4, "4.1.1.1 (4.1.4)", "x''(t) = x(t+1) + x(t−1) − 2x(t), w = [1, −2, 1]", "formula",
       "holds", "transposed", _r004_second_diff, "transposed"),
    _c("s004_conv2d_def", S4, "4.1.1.2 (4.1.5)", "y_ij = Σᵤ Σᵥ w_uv x_{i−u+1, j−v+1}", "formula", "holds",
       "convolution", _r004_conv2d_def, "conv_single", input=_M, kernel=_K),
    _c("s004_xcorr_rot", S4, "4.1.2 (4.1.7), (4.1.8)", "y_ij = Σᵤ Σᵥ w_uv x_{i+u−1, j+v−1};  W ⊗ X = rot180(W) ∗ X",
       "formula", "holds", "convolution", _r004_xcorr_rot, "conv_single", input=_M, kernel=_K),
    _c("s004_pool_as_conv", S4, "4.2.3 汇聚层", "汇聚层也可以看作一个特殊的卷积层…卷积核为 max 函数或 mean 函数",
       "statement", "holds", "pooling", _r004_pool_as_conv, "pooling", mode="avg"),
    _c("s004_neurons", S4, "4.1.3", "(M − K + 2P)/S + 1", "formula", "incomplete", "arithmetic", _r004_neurons,
       "padding", h=6, w=6, k=3, s=2, p=1),
    _c("s004_narrow_wide", S4, "4.1.3 窄卷积 / 宽卷积", "M − K + 1;  P = K − 1 → M + K − 1", "size", "holds",
       "arithmetic", _r004_narrow_wide, "padding", h=7, w=7, k=3, s=1, mode="full"),
    _c("s004_equal_width", S4, "4.1.3 等宽卷积", "P = (K − 1)/2 → 输出长度 M", "formula", "incomplete", "arithmetic",
       _r004_equal_width, "padding", h=7, w=7, k=4, s=1, mode="same"),
    _c("s004_wide_commutative", S4, "4.1.4.1 (4.1.10)", "rot180(W) ⊗̃ X = rot180(X) ⊗̃ W", "formula", "holds",
       "convolution", _r004_wide_commutative, "transposed"),
    _c("s004_dW_conv", S4, "4.1.4.2 (4.1.11), (4.1.12)", "∂f(Y)/∂W = ∂f(Y)/∂Y ⊗ X", "formula", "holds", "backward",
       _r004_dW_conv, "conv_backward", x=_M, w=_K, delta=_D),
    _c("s004_pad_W", S4, "4.1.4.2 (4.1.13)", "相当于对 W 进行了 P = (M − U, N − V) 的零填充", "statement", "holds",
       "backward", _r004_pad_W, "conv_backward", x=_M, w=_K, delta=_D),
    _c("s004_dX", S4, "4.1.4.2 (4.1.14)", "∂f(Y)/∂X = rot180(∂f(Y)/∂Y) ⊗̃ W = rot180(W) ⊗̃ ∂f(Y)/∂Y", "formula",
       "holds", "backward", _r004_dX, "conv_backward", x=_M, w=_K, delta=_D),
    _c("s004_local_connections", S4, "4.2.1 局部连接", "由原来的 M_l × M_{l−1} 个连接变为 M_l × K 个连接", "size", "holds",
       "transposed", _r004_local_connections, "transposed"),
    _c("s004_local_params", S4, "4.2.1", "M_l = M_{l−1} − K + 1;  共 K + 1 个参数", "size", "holds", "arithmetic",
       _r004_local_params, "transposed"),
    _c("s004_param_count", S4, "4.2.2", "P × D × (U × V) + P 个参数", "size", "holds", "convolution",
       _r004_param_count, "conv_multi"),
    _c("s004_eq4_3_6", S4, "4.3.1 (4.3.6)", "δ^(l,d) = f' ⊙ Σₚ rot180(W^(l+1,p,d)) ⊗̃ δ^(l+1,p)", "formula",
       "holds", "backward", _r004_eq4_3_6, "conv_backward", example="multi", stride=1, padding=0),
    _c("s004_transposed_C", S4, "4.5.1",
       "z = w ⊗ x = C x, C = [[w1,w2,w3,0,0],[0,w1,w2,w3,0],[0,0,w1,w2,w3]]", "formula",
       "holds", "transposed", _r004_transposed_C, "transposed"),
    _c("s004_transposed_Ct", S4, "4.5.1", "x = Cᵀ z = rot180(w) ⊗̃ z", "formula", "holds", "transposed",
       _r004_transposed_Ct, "transposed"),
    _c("s004_fractional", S4, "4.5.1 微步卷积", "(D + 1) × (M − 1) + K 维的向量", "size", "holds", "transposed",
       _r004_fractional, "transposed"),
    _c("s004_dilation", S4, "4.5.2 空洞卷积", "K' = K + (K − 1) × (D − 1)", "formula", "holds", "transposed",
       _r004_dilation, "padding", h=7, w=7, k=3, s=1, d=2, p=0),
    _c("s004_two_3x3", S4, "4.5.2", "两层 3×3 的卷积可以近似一层 5×5 卷积的效果", "statement", "holds", "arithmetic",
       _r004_two_3x3, "padding", h=5, w=5, k=3, s=1, p=0),
    _c("s004_30000", S4, "四 (1. 参数太多)", "100 × 100 × 3 = 30000", "number", "holds", "dense", _r004_30000, "dense"),
    _c("s004_eq_refs", S4, "4.1.2", "和公式 (4.1) 对比 … 公式 (4.2) 可以表述为", "statement", "typo", "convolution",
       None, "conv_single"),
)

_BY_KEY = {c.key: c for c in CLAIMS}


def claim_by_key(key: str) -> Claim | None:
    """The claim with this key, or None (keys from a URL are untrusted: no exception)."""
    return _BY_KEY.get(key) if isinstance(key, str) else None
