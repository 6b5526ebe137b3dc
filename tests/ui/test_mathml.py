"""LaTeX -> MathML (ui.formulas.mathml) and the math box's markup (ui.components.math_box), #14 round 8.

The references: the formula builders' own LaTeX (every construct the dense and transposed pages write must
convert, with the same numbers in the same order), and hand-written markup for the alignment split."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

from cnn_core.activations import ACTIVATIONS, activate
from cnn_core.dense import dense_backward_trace, dense_forward_trace, sigmoid_mse_trace, softmax_ce_trace
from cnn_core.transposed import conv1d_trace, conv_transpose2d_trace
from ui.components.math_box import Text, math_markup
from ui.formulas import dense as fx
from ui.formulas import transposed as tx
from ui.formulas.mathml import block_html, is_safe, latex_numbers, latex_sources, mathml_numbers, split_aligned, to_mathml
from ui.latex import equation_lines, latex_matrix

ACT_LATEX = {"identity": r"\mathrm{id}", "relu": r"\mathrm{ReLU}", "sigmoid": r"\sigma", "tanh": r"\tanh"}


def dense_formulas(zprev, W, b, y, act):
    """Every formula the dense page writes for this setup (both losses), from the builders the page calls."""
    x = activate(act, zprev)
    tr = dense_forward_trace(x, W, b)
    ce, ms = softmax_ce_trace(tr.z, y), sigmoid_mse_trace(tr.z, y)
    back = dense_backward_trace(ce.a_minus_y, x, W, z_prev=zprev, activation=act)
    out = [fx.activation_line(ACT_LATEX[act], act, zprev, x), fx.forward_line(tr), fx.softmax_line(tr.z, ce.a),
           fx.cross_entropy_loss(ce).latex(), fx.sigmoid_line(tr.z, ms.a), fx.mse_loss(ms).latex(),
           fx.dL_da_line(ce), fx.chain_line(ce),
           equation_lines(r"J = \frac{\partial a}{\partial z} = \operatorname{diag}(a) - a\,a^{\top}", None,
                          latex_matrix(ce.jacobian)),
           fx.jacobian_entry(ce, 0, 0).latex(), fx.jacobian_entry(ce, 0, 1).latex(),
           fx.difference_line(r"\frac{\partial L}{\partial z} = a - y", ce.a, ce.y, ce.a_minus_y),
           fx.difference_line(r"\frac{\partial L}{\partial a} = a - y", ms.a, y, ms.dL_da),
           equation_lines(r"\sigma'(z) = \sigma(z)\,(1 - \sigma(z)) = a \odot (1 - a)", None,
                          latex_matrix(ms.sigma_prime.reshape(-1, 1))),
           equation_lines(r"\frac{\partial L}{\partial b} = \delta", None, latex_matrix(back.db.reshape(-1, 1))),
           fx.dW_line(back), fx.dw_entry(back, 0, 0).latex(), fx.dx_line(back), fx.dprev_line(back)]
    out += [fx.forward_row(tr, i).latex() for i in range(W.shape[0])]
    out += [fx.chain_row(ce, j).latex() for j in range(W.shape[0])]
    out += [fx.mse_delta(ms, k).latex() for k in range(W.shape[0])]
    out += [fx.dx_row(back, j).latex() for j in range(W.shape[1])]
    return out


def transposed_formulas():
    """Every typeset formula of the transposed page, for a few setups (fractions, negatives, dilation)."""
    out = [tx.CONV1D_RULE]
    signal = np.array([0, 0, 1, 1, 4, 1, -2.5, 0.125])
    for w, mode, s, d in (([1 / 3, 1 / 3, 1 / 3], "same", 1, 1), ([1, -2, 1], "valid", 1, 1), ([0.5, 0.25], "full", 2, 2)):
        pad = {"valid": 0, "same": "same", "full": "full"}[mode]
        try:
            tr = conv1d_trace(signal, w, s, pad, d)
        except ValueError:
            tr = conv1d_trace(signal, w, s, 0, d)
        before, after = tr.padding
        out += [tx.conv1d_length_lines(signal.size, len(w), s, d, before, after, tr.output.size),
                tx.kernel_latex(w), tx.conv1d_sample_lines(tr, 0), tx.conv1d_sample_lines(tr, tr.output.size - 1)]
        special = tx.text_length_line(mode, signal.size, len(w), tr.output.size)
        if special:
            out.append(special)
    z, w = np.array([[1.0, 2], [3, -4]]), np.array([[1.0, 2, 0], [0, 1, -1], [1, 0, 2.5]])
    trace = conv_transpose2d_trace(z[None], w[None, None], None, 2, 1, 1, 1)
    res = trace.output[0]
    out += [tx.transposed_size_lines(2, 3, 2, 1, 1, 1, res.shape[0], "h"), tx.text_fractional_line(2, 2, 3, 5),
            tx.transposed_cell_lines(trace.terms(0, 1, 1), 1, 1, float(res[1, 1])),
            tx.dilation_lines(3, 2, 5), tx.receptive_field_line(3, 2, 6, 25)]
    return out


SETUPS = [(np.array([1.5, -1.0, 0.5]), np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.5], [-0.5, 0.1, 0.9]]),
           np.array([0.1, 0.0, -0.2]), np.array([0.0, 1.0, 0.0])),
          (np.array([1e-7, -12.3456]), np.array([[2.5e-6, -0.3], [1.0, 0.0]]), np.array([0.0, 0.7]),
           np.array([0.5, 0.5]))]
FORMULAS = [f for setup in SETUPS for act in ACTIVATIONS for f in dense_formulas(*setup, act)] + transposed_formulas()


def _lines(markup: str) -> list[str]:
    return re.findall(r'<div class="math-line".*?(?=<div class="math-line"|$)', markup, re.S)


@pytest.mark.parametrize("latex", sorted(set(FORMULAS)))
def test_every_formula_of_the_two_pages_converts_with_the_same_numbers(latex):
    markup = block_html(latex)
    assert is_safe(re.sub(r"</?(div|span)[^>]*>", "", markup))     # MathML only, inside our own wrappers
    assert not re.search(r"<mtext>[^<]*\\", markup), markup       # not the fallback (the source as text)
    assert "\\" not in re.sub(r'alttext="[^"]*"|data-latex="[^"]*"', "", markup), markup  # no command left over
    assert latex_sources(markup) == [latex]
    # the numbers drawn are the numbers written, in the same order (a minus sign is part of its number)
    assert mathml_numbers(markup) == latex_numbers(latex), latex


def test_aligned_formulas_become_a_grid_aligned_at_the_equals_sign():
    latex = r"\begin{aligned} z &= W x \\ &= \begin{bmatrix} 1 & -2 \\ 3 & 4 \end{bmatrix} \\ &\qquad + 1 \end{aligned}"
    assert split_aligned(latex) == [("z", "= W x"), ("", r"= \begin{bmatrix} 1 & -2 \\ 3 & 4 \end{bmatrix}"),
                                    ("", r"\qquad + 1")]
    markup = block_html(latex)
    cells = re.findall(r'<span class="(l|r)">', markup)
    assert cells == ["l", "r"] * 3
    assert markup.count("<math") == 4                  # z, and the three right sides (an empty left side: no math)
    assert markup.count("<mtable") == 1                # only the matrix is a table
    assert split_aligned("a = b") is None and split_aligned(r"\begin{aligned} a &= {b \end{aligned}") is None


def test_matrices_and_fractions_are_mathml_elements():
    markup = to_mathml(latex_matrix(np.array([[1.0, -0.5], [0.0, 2.0]])) + r" = \frac{1}{3}")
    assert markup.startswith('<math display="block" alttext="')
    assert "<mtable>" in markup and markup.count("<mtr>") == 2 and "<mfrac>" in markup
    assert mathml_numbers(markup) == ["1", "-0.5", "0", "2", "1", "3"]
    # \ln spaced as an operator (KaTeX does), the prime full size, \mathrm on one letter upright
    assert '<mspace width="0.1667em" /><mi>ln</mi>' in to_mathml(r"0\ln 0.5")
    assert "<msup>" not in to_mathml("K' = 5")
    assert "<mtext>b</mtext>" in to_mathml(r"P_{\mathrm{b}}")


@pytest.mark.parametrize("evil", [r"\text{<img src=x onerror=alert(1)>}", r"x_{\text{<script>alert(1)</script>}}",
                                  r"\textcolor{red\" onmouseover=\"alert(1)}{3}", r"\mathrm{</math><b>x</b>}"])
def test_markup_in_the_latex_is_never_markup_in_the_page(evil):
    markup = block_html(evil)
    assert is_safe(re.sub(r"</?(div|span)[^>]*>", "", markup))
    assert not re.search(r"<(img|script|b)\b|\son\w+=\"", markup)                  # no element, no handler
    assert latex_sources(markup) == [evil]


def test_texts_between_formulas_are_escaped_and_keep_bold():
    markup = math_markup([Text("**Step 1** — <b>x</b> & y"), "a = 1"])
    assert markup.startswith("<p><strong>Step 1</strong> — &lt;b&gt;x&lt;/b&gt; &amp; y</p>")
    assert latex_sources(markup) == ["a = 1"] and "<b>" not in markup
    assert html.unescape(re.sub(r"<[^>]+>", "", markup.split("</p>")[0])) == "Step 1 — <b>x</b> & y"


def test_gathered_rows_become_a_centred_table_not_the_source():
    """latex2mathml does not know gathered (the padding page's two-row numerator): it is converted as a one-column
    matrix, both rows in a <mtable> inside the fraction, the numbers in order, no fallback source."""
    latex = (r"O_h = \left\lfloor \frac{\begin{gathered} 5 + 1 + 1 \\ {} - 1\cdot(3 - 1) - 1 \end{gathered}}{2}"
             r" \right\rfloor + 1")
    markup = to_mathml(latex)
    assert not re.search(r"<mtext>[^<]*\\", markup), markup
    assert re.search(r"<mfrac><mrow><mtable><mtr><mtd>[^/]*<mn>5</mn>.*?</mtr><mtr><mtd><mrow /><mo>−</mo>", markup)
    assert markup.count("<mtr>") == 2
    assert mathml_numbers(markup) == latex_numbers(latex)


def test_max_before_its_bracket_is_not_spaced_as_an_unknown_operator():
    """``\\max(`` is ``<mo>max</mo>``: the browser gave it 0.28em on each side ("= max ((" on the padding page);
    KaTeX sets none between the operator and its bracket. Other operators keep their spacing."""
    latex = r"P_h = \max((2 - 1)\cdot 3 + 1 - 6,\, 0) + \min(a, b)"
    markup = to_mathml(latex)
    assert '<mo lspace="0" rspace="0">max</mo><mo stretchy="false">(</mo>' in markup
    assert '<mo lspace="0" rspace="0">min</mo><mo stretchy="false">(</mo>' in markup
    assert "<mo>=</mo>" in markup and "<mo>+</mo>" in markup
    assert mathml_numbers(markup) == latex_numbers(latex)
