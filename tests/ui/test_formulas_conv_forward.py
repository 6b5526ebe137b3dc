"""ui.formulas.conv_forward: every term of every cell against a loop over the raw input, and the
three renderings (MathML, LaTeX, text) of the same terms.

References: plain Python loops over the unpadded input (a tap outside it is a padding zero), tests/reference.py's
loop cross-correlation for the totals, seed 003's printed o₁₁ and hand-written strings for the renderings.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnn_core.conv import conv2d_trace
from cnn_core.worked_examples import CONV_4X4, CONV_5X5X3
from ui.formulas.conv_forward import (
    Num, Op, Sym, activation_equation, equation_html, equation_latex, equation_text, flipped_kernel_index,
    multi_partial_equation, multi_total_equation, padded_tick_labels, single_net_equation, to_mathml, to_text,
)

from tests.reference import correlate, correlate_channels

X4 = np.array(CONV_4X4.inputs["x"][0, 0])
H2 = np.array(CONV_4X4.inputs["w"][0, 0])
NET = (Sym("net", sub=Sym("o", (0, 0))),)


def terms(eq) -> tuple[list, list]:
    """(symbol pairs, number pairs) of a Σ a·b equation: the first and second line's chunks."""
    sym_line, num_line = eq.lines
    strip = [[n for n in chunk if not isinstance(n, Op)] for chunk in sym_line]
    nums = [[n.value for n in chunk if isinstance(n, Num)] for chunk in num_line]
    return strip, nums


CASES = [((4, 4), (2, 2), 1, 0), ((5, 6), (3, 2), 2, 1), ((6, 5), (3, 3), 3, 2), ((3, 3), (1, 1), 1, 2),
         ((7, 7), (4, 3), 2, 0)]


@pytest.mark.parametrize("shape, kshape, stride, padding", CASES)
def test_single_channel_terms_equal_a_loop_over_the_input(shape, kshape, stride, padding):
    rng = np.random.default_rng(7)
    x = rng.integers(-4, 5, size=shape).astype(float)
    w = rng.integers(-3, 4, size=kshape).astype(float)
    trace = conv2d_trace(x[None], w[None, None], None, stride, padding)
    ref = correlate(x, w, stride, padding)
    kh, kw = kshape
    for i in range(ref.shape[0]):
        for j in range(ref.shape[1]):
            eq = single_net_equation(trace, i, j, NET)
            syms, nums = terms(eq)
            k = 0
            for a in range(kh):
                for b in range(kw):
                    r, q = i * stride + a - padding, j * stride + b - padding   # on the unpadded input
                    inside = 0 <= r < shape[0] and 0 <= q < shape[1]
                    expected_sym = Sym("i", (r, q)) if inside else Sym("i", zero=True)
                    assert syms[k] == [expected_sym, Sym("h", (a, b))]
                    assert nums[k] == [x[r, q] if inside else 0.0, w[a, b]]
                    k += 1
            assert k == len(syms)
            assert eq.result == ref[i, j]
            assert not eq.approx   # integers: the printed products add up exactly


def test_true_convolution_names_the_flipped_weights_by_the_original_kernel():
    assert flipped_kernel_index((2, 3)).tolist() == [[[1, 2], [1, 1], [1, 0]], [[0, 2], [0, 1], [0, 0]]]
    trace = conv2d_trace(X4[None], H2[::-1, ::-1][None, None], None, 1, 0)
    eq = single_net_equation(trace, 0, 0, (Sym("(i ∗ h)", (0, 0)),), flipped_kernel_index((2, 2)))
    assert equation_text(eq) == "(i ∗ h)₁₁ = i₁₁·h₂₂ + i₁₂·h₂₁ + i₂₁·h₁₂ + i₂₂·h₁₁ = 1×(−1) + 0×1 + 1×(−1) + 1×1 = −1"


def test_seed_003_o11_in_all_three_renderings():
    trace = conv2d_trace(X4[None], H2[None, None], None, 1, 0)
    eq = single_net_equation(trace, 0, 0, NET)
    assert eq.result == CONV_4X4.printed["net_o11"] == 1
    assert equation_text(eq) == "net(o₁₁) = i₁₁·h₁₁ + i₁₂·h₁₂ + i₂₁·h₂₁ + i₂₂·h₂₂ = 1×1 + 0×(−1) + 1×1 + 1×(−1) = 1"
    assert equation_latex(eq) == (r"\begin{aligned} net_{o_{11}} &= i_{11}h_{11} + i_{12}h_{12} + i_{21}h_{21} + "
                                  r"i_{22}h_{22} \\ &= 1\times1 + 0\times(-1) + 1\times1 + 1\times(-1) \\ &= 1 "
                                  r"\end{aligned}")
    html = equation_html(eq)
    assert html.count('<div class="eq-line') == 3
    assert "<msub><mi>net</mi><msub><mi>o</mi><mn>11</mn></msub></msub>" in html
    assert "<mrow><mo>(</mo><mn>−1</mn><mo>)</mo></mrow>" in html   # a negative factor in parentheses
    assert html.count("<math>") == 1 + 4 + 1 + 4 + 1   # "lhs =", 4 terms, "=", 4 terms, "= result"


def test_padding_zero_is_bold_and_the_tick_labels_mark_padded_rows():
    trace = conv2d_trace(X4[None], H2[None, None], None, 1, 1)
    eq = single_net_equation(trace, 0, 0, NET)
    assert equation_text(eq).startswith("net(o₁₁) = 0·h₁₁ + 0·h₁₂ + 0·h₂₁ + i₁₁·h₂₂ = ")
    assert '<mn class="pad0">0</mn>' in equation_html(eq)
    assert r"\mathbf{0}h_{11}" in equation_latex(eq)
    assert padded_tick_labels(trace) == (["·", "1", "2", "3", "4", "·"], ["·", "1", "2", "3", "4", "·"])


def test_printed_numbers_that_do_not_add_up_say_approximately():
    x = np.full((2, 2), 1 / 3)
    trace = conv2d_trace(x[None], np.full((1, 1, 1, 2), 3.0), None, 1, 0)
    eq = single_net_equation(trace, 0, 0, NET)
    # 0.3333×3 + 0.3333×3 = 1.9998 on screen, the true sum is 2
    assert eq.approx
    assert equation_text(eq).endswith("= 0.3333×3 + 0.3333×3 ≈ 2")
    assert "<mo>≈</mo>" in equation_html(eq) and r"&\approx 2" in equation_latex(eq)


@pytest.mark.parametrize("name, net, text", [
    ("relu", -1.0, "out(o₁₁) = max(0, net(o₁₁)) = max(0, −1) = 0"),
    ("sigmoid", -1.0, f"out(o₁₁) = 1/(1 + e^(−net(o₁₁))) = 1/(1 + e^(−(−1))) = {1 / (1 + math.e):.4g}"),
    ("tanh", 2.0, f"out(o₁₁) = tanh(net(o₁₁)) = tanh(2) = {math.tanh(2):.4g}"),
    ("identity", 3.0, "out(o₁₁) = net(o₁₁) = 3"),
])
def test_activation_lines(name, net, text):
    o = Sym("o", (0, 0))
    out = {"relu": max(0.0, net), "sigmoid": 1 / (1 + math.exp(-net)), "tanh": math.tanh(net), "identity": net}[name]
    eq = activation_equation(name, Sym("out", sub=o), Sym("net", sub=o), net, out)
    assert equation_text(eq) == text
    if name == "sigmoid":
        assert "<mfrac>" in equation_html(eq) and r"\frac{1}{1 + e^{-net_{o_{11}}}}" in equation_latex(eq)


def test_multi_channel_partial_sums_and_total_equal_a_loop():
    x, w, b = CONV_5X5X3.inputs["x"][0], CONV_5X5X3.inputs["w"], CONV_5X5X3.inputs["b"]
    trace = conv2d_trace(x, w, b, 2, 1)
    ref = correlate_channels(x, w, b, 2, 1)
    for f in range(2):
        for i in range(3):
            for j in range(3):
                parts = []
                for c in range(3):
                    eq = multi_partial_equation(trace, f, i, j, c)
                    syms, nums = terms(eq)
                    k, total = 0, 0.0
                    for u in range(3):
                        for v in range(3):
                            r, q = 2 * i + u - 1, 2 * j + v - 1
                            value = x[c, r, q] if 0 <= r < 5 and 0 <= q < 5 else 0.0
                            # x̃ is named on the padded grid (r + 1, q + 1 with p = 1), 1-based when shown
                            assert syms[k] == [Sym("x", (r + 1, q + 1), sup=f"({c + 1})", tilde=True),
                                               Sym("w", (u, v), sup=f"({f + 1},{c + 1})")]
                            assert nums[k] == [value, w[f, c, u, v]]
                            total += value * w[f, c, u, v]
                            k += 1
                    assert eq.result == total
                    parts.append(total)
                eq = multi_total_equation(trace, f, i, j)
                assert [n.value for chunk in eq.lines[1] for n in chunk if isinstance(n, Num)] == [*parts, b[f]]
                assert eq.result == ref[f, i, j] == sum(parts) + b[f]
    assert equation_text(multi_total_equation(trace, 0, 0, 0)) == "z⁽¹⁾₁₁ = S₁ + S₂ + S₃ + b₁ = 4 + 0 + 1 + 1 = 6"


def test_numbers_in_mathml_and_escaping():
    assert to_mathml([Num(1.2e-5, factor=False)]) == "<mn>1.2</mn><mo>×</mo><msup><mn>10</mn><mn>−5</mn></msup>"
    assert to_mathml([Num(-1e-7)]) == "<mrow><mo>(</mo><msup><mn>−10</mn><mn>−7</mn></msup><mo>)</mo></mrow>"
    assert to_text([Num(-0.5), Op("×"), Num(2)]) == "(−0.5)×2"
    # a symbol's text is escaped (only our own names reach here, but nothing is trusted)
    assert "&lt;b&gt;" in to_mathml([Sym("<b>")]) and "<b>" not in to_mathml([Sym("<b>")])


def test_a_product_with_a_numeral_factor_shows_its_dot():
    """i₁₁h₁₁ as in the texts (invisible times), but δ₁₁·0 with a visible dot: a padding cell's bold 0 (or a number)
    written next to a symbol read as δ₁₁0."""
    plain = to_mathml([Sym("i", (0, 0)), Op("·"), Sym("h", (0, 0))])
    assert "<mo>\u2062</mo>" in plain and "<mo>·</mo>" not in plain
    padded = to_mathml([Sym("d", (0, 0)), Op("·"), Sym("i", zero=True)])
    assert "<mo>·</mo>" in padded and "\u2062" not in padded
    assert "<mo>·</mo>" in to_mathml([Num(2), Op("·"), Sym("h", (0, 0))])
