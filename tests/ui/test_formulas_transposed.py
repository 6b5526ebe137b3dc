"""Formula builders of the transposed page: the numbers shown add up, the symbols match the references."""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest

from cnn_core.transposed import conv1d_trace, conv_transpose2d_naive, conv_transpose2d_trace
from ui.formulas.transposed import (symbol_matrix, conv1d_length_lines, conv1d_sample_lines, dilation_lines, kernel_latex,
                                    number_latex, text_fractional_line, text_length_line, transposed_cell_lines,
                                    transposed_size_lines,
                                    worked_sum)


def lines(block: str) -> list[str]:
    """The aligned block's lines; a sum continued on the next line (``&\\qquad +``) is joined back."""
    body = block.replace("\\begin{aligned}", "").replace("\\end{aligned}", "")
    out: list[str] = []
    for part in (p.strip() for p in body.split("\\\\")):
        if part.startswith("&\\qquad +") and out:
            out[-1] += " " + part[len("&\\qquad "):]
        else:
            out.append(part)
    return out


def exact_value(latex: str) -> Fraction:
    """Evaluate a numeric LaTeX line of fractions, decimals, ×, +, -, parentheses exactly (test helper)."""
    text = latex.replace("&=", "").replace("&\\approx", "")
    text = re.sub(r"\\tfrac\{(\d+)\}\{(\d+)\}", r"F(\1, \2)", text)
    text = re.sub(r"(?<![\w(])(\d+\.\d+|\d+)(?![\d,])", r"F('\1')", text)
    text = text.replace("\\times", "*").replace("\\cdot", "*").replace(")(", ")*(")  # implicit products
    assert re.fullmatch(r"[F()'\d., +*\-/]*", text), text
    return eval(text, {"__builtins__": {}}, {"F": Fraction})  # our own generated LaTeX, never user text


def test_number_latex_exact_or_fraction_or_rounded():
    assert number_latex(0.125) == ("0.125", True)
    assert number_latex(-2 / 3) == ("-\\tfrac{2}{3}", True)
    assert number_latex(5 / 12) == ("\\tfrac{5}{12}", True)
    assert number_latex(np.pi) == ("3.142", False)
    assert kernel_latex([1 / 3, 1 / 3, 1 / 3]).count("\\tfrac{1}{3}") == 3


@pytest.mark.parametrize("w", [(1 / 3, 1 / 3, 1 / 3), (1, -2, 1), (0.25, 0.5, 1)])
@pytest.mark.parametrize("mode", ["valid", "same", "full"])
def test_conv1d_sample_shown_numbers_add_up(w, mode):
    signal = [0, 0, 1, 1, 1, 4, 1, 1, 0, 0]
    trace = conv1d_trace(signal, w, padding=mode)
    for o in range(trace.output.size):
        parts = lines(conv1d_sample_lines(trace, o))
        assert parts[0].startswith(f"y_{{{o + 1}}}")
        numeric, result = parts[1], parts[2]
        assert result.startswith("&=")            # every number exact: the result is '=' (maybe then ≈)
        assert exact_value(numeric) == exact_value(result)
        # the reference: the loop over the padded signal
        before = trace.padding[0]
        padded = [0] * before + signal + [0] * trace.padding[1]
        loop = sum(Fraction(w[t]).limit_denominator(64) * padded[o + t] for t in range(len(w)))
        assert exact_value(result) == loop


def test_conv1d_sample_marks_padding_and_uses_one_based_indices():
    trace = conv1d_trace([5, 6, 7], [1, 2, 3], padding="same")
    parts = lines(conv1d_sample_lines(trace, 0))
    assert parts[0] == "y_{1} &= w_{1}\\cdot 0 + w_{2}x_{1} + w_{3}x_{2}"
    assert parts[-1] == "&= 28"   # 0 + 2·5 + 3·6


def test_rounded_numbers_say_approx():
    block = worked_sum("y", [("a", "b")], [(np.sqrt(2), 1.0)], np.sqrt(2))
    assert lines(block)[-1] == "&\\approx 1.414"
    thirds = worked_sum("y", [("a", "b")], [(1 / 3, 2.0)], 2 / 3)
    assert lines(thirds)[-2:] == ["&= \\tfrac{2}{3}", "&\\approx 0.6667"]


def test_length_lines_and_text_forms():
    numeric = lines(conv1d_length_lines(18, 3, 2, 2, 1, 1, 8))
    assert "\\frac{18 + 1 + 1 - 2\\cdot(3 - 1) - 1}{2}" in numeric[1] and numeric[2] == "&= 8"
    assert text_length_line("valid", 18, 3, 16) == "O = M - K + 1 = 18 - 3 + 1 = 16"
    assert text_length_line("full", 18, 3, 20) == "O = M + K - 1 = 18 + 3 - 1 = 20"
    assert text_length_line("same", 18, 3, 18) == "O = M = 18"


@pytest.mark.parametrize("n,k,s,p,d,op,out", [(3, 3, 2, 1, 1, 1, 6), (2, 3, 2, 0, 1, 0, 5), (4, 2, 3, 1, 2, 2, 12)])
def test_transposed_size_numbers_evaluate_to_out(n, k, s, p, d, op, out):
    parts = lines(transposed_size_lines(n, k, s, p, d, op, out, "h"))
    assert parts[0].startswith("O_{h}")
    assert exact_value(parts[1]) == out and parts[2] == f"&= {out}"


def test_transposed_cell_terms_match_the_scatter_rule():
    """x[i, j] gets z[r, q]·w[a, b] for r·s + a = i (p = 0): the cell (3, 3) at stride 2 has four terms."""
    z = np.array([[1.0, 2.0], [3.0, 4.0]])
    w = np.arange(1.0, 10.0).reshape(3, 3)
    trace = conv_transpose2d_trace(z[None], w[None, None], None, 2)
    ref = conv_transpose2d_naive(z[None, None], w[None, None], None, 2)[0, 0]
    parts = lines(transposed_cell_lines(trace.terms(0, 2, 2), 2, 2, float(trace.output[0, 2, 2])))
    assert parts[0] == "x_{33} &= z_{11}w_{33} + z_{12}w_{31} + z_{21}w_{13} + z_{22}w_{11}"
    assert exact_value(parts[1]) == exact_value(parts[2]) == ref[2, 2] == 1 * 9 + 2 * 7 + 3 * 3 + 4 * 1
    corner = lines(transposed_cell_lines(trace.terms(0, 0, 0), 0, 0, float(trace.output[0, 0, 0])))
    assert corner[0] == "x_{11} &= z_{11}w_{11}"


def test_dilation_lines():
    assert lines(dilation_lines(3, 2, 5))[1:] == ["&= 3 + (3 - 1)(2 - 1)", "&= 5"]


@pytest.mark.parametrize("m,s,k", [(2, 2, 3), (3, 1, 3), (4, 3, 2)])
def test_text_fractional_line_matches_the_transposed_size(m, s, k):
    """The text's (D+1)(M−1)+K with D = S−1 zeros inserted is the P = 0 size (M−1)S + K."""
    from cnn_core.transposed import conv_transpose_output_shape

    out = conv_transpose_output_shape((1, m), (1, k), (1, s))[1]
    line = text_fractional_line(m, s, k, out)
    assert exact_value(line.split("=")[1]) == out and line.endswith(f"= {out}")


@pytest.mark.parametrize("kernel_shape, input_shape, stride", [((3,), (5,), 1), ((3,), (7,), 2), ((2, 3), (4, 5), 1)])
def test_symbol_matrix_puts_each_weight_where_the_loop_convolution_reads_it(kernel_shape, input_shape, stride):
    """Every cell of the written C is the weight a loop cross-correlation multiplies with that input entry."""
    from cnn_core.transposed import matrix_view_1d, matrix_view_2d

    out_shape = [(n - k) // stride + 1 for n, k in zip(input_shape, kernel_shape)]
    if len(kernel_shape) == 1:
        view = matrix_view_1d(np.arange(1.0, kernel_shape[0] + 1), np.ones(input_shape[0]), np.ones(out_shape[0]),
                              stride)
    else:
        view = matrix_view_2d(np.arange(1.0, np.prod(kernel_shape) + 1).reshape(kernel_shape), np.ones(input_shape))
    rows = re.fullmatch(r"\\begin\{bmatrix\} (.*) \\end\{bmatrix\}", symbol_matrix(view.tap_index, kernel_shape)).group(1)
    cells = [row.split(" & ") for row in rows.split(r" \\ ")]
    # the reference: output o's window starts at (o // out_w * S, o % out_w * S); kernel tap (a, b) reads input
    # (row + a, col + b), numbered row by row; 1-based names like the text
    expected = [["0"] * int(np.prod(input_shape)) for _ in range(int(np.prod(out_shape)))]
    for o, start in enumerate(np.ndindex(*out_shape)):
        for tap in np.ndindex(*kernel_shape):
            at = np.ravel_multi_index(tuple(s * stride + t for s, t in zip(start, tap)), input_shape)
            expected[o][at] = "w_{" + "".join(str(t + 1) for t in tap) + "}"
    assert cells == expected
    transposed = symbol_matrix(view.tap_index.T, kernel_shape)
    assert transposed.startswith(r"\begin{bmatrix} " + " & ".join(row[0] for row in expected) + r" \\ ")


# --------------------------------------------------------------------------- C and Cᵀ written out (HTML, #14)
def _loop_conv_matrix(w, n, stride):
    """The text's C by a loop: row o holds w₁..w_K from column o·S on (a cross-correlation reads x[o·S + t])."""
    rows = (n - len(w)) // stride + 1
    c = [[0.0] * n for _ in range(rows)]
    names = [["0"] * n for _ in range(rows)]
    for o in range(rows):
        for t, wt in enumerate(w):
            c[o][o * stride + t] = wt
            names[o][o * stride + t] = f"w_{{{t + 1}}}"
    return c, names


@pytest.mark.parametrize("stride", [1, 2, 3])
def test_matrix_1d_html_writes_the_loop_c_and_both_products(stride):
    from cnn_core.transposed import matrix_view_1d
    from ui.formulas.transposed import matrix_1d_html
    from ui.math_html import parse_matrices

    w, x = [1.0, 2.0, -1.0], [1.0, 2.0, 3.0, 4.0, 5.0, -2.0, 0.5]
    c, names = _loop_conv_matrix(w, len(x), stride)
    z = [1.0, -1.0, 2.0, 0.25, -3.0][:len(c)]
    left, right_top, right_bottom = matrix_1d_html(matrix_view_1d(w, x, z, stride))
    shown = parse_matrices(left + right_top + right_bottom)
    num = lambda v: f"{v:g}"   # noqa: E731  (every number here has at most 4 significant digits)
    assert shown["C names"] == names
    assert shown["Cᵀ names"] == [list(col) for col in zip(*names)]
    assert shown["C"] == [[num(v) for v in row] for row in c]
    assert shown["Cᵀ"] == [[num(v) for v in col] for col in zip(*c)]
    cx = [sum(c[o][i] * x[i] for i in range(len(x))) for o in range(len(c))]
    ctz = [sum(c[o][i] * z[o] for o in range(len(c))) for i in range(len(x))]
    assert shown["x"] == [[num(v)] for v in x] and shown["z"] == [[num(v)] for v in z]
    assert shown["Cx"] == [[num(v)] for v in cx] and shown["w⋆x"] == [[num(v) for v in cx]]
    assert shown["Cᵀz"] == [[num(v)] for v in ctz]
    assert shown["rot180(w)"] == [[num(v) for v in w[::-1]]]
    # z̃: S−1 zeros between the samples of z, K−1 at each end; its full correlation with rot180(w) is Cᵀz
    # (samples beyond it, where the floor dropped inputs, are 0)
    tilde = [0.0] * 2 + [v for o, zo in enumerate(z) for v in ([zo] + [0.0] * (stride - 1 if o < len(z) - 1 else 0))] \
        + [0.0] * 2
    assert shown["z̃"] == [[num(v) for v in tilde]]
    full = [sum(w[::-1][t] * tilde[i + t] for t in range(3)) for i in range(len(tilde) - 2)]
    assert shown["z̃⋆rot180(w)"] == [[num(v) for v in full]]
    assert full + [0.0] * (len(x) - len(full)) == pytest.approx(ctz)


def test_matrix_2d_html_writes_the_texts_c_and_the_product():
    from cnn_core.transposed import matrix_view_2d
    from ui.formulas.transposed import matrix_2d_html
    from ui.math_html import parse_matrices

    k = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
    x = np.arange(1.0, 17.0).reshape(4, 4)
    shown = parse_matrices("".join(matrix_2d_html(matrix_view_2d(k, x))))
    # row o of C: the kernel at output o's window of the 4×4 input flattened row by row (a loop, not conv_matrix_2d)
    for o, (r, c) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        want = ["0"] * 16
        for a in range(3):
            for b in range(3):
                want[(r + a) * 4 + c + b] = f"w_{{{a + 1}{b + 1}}}"
        assert shown["C2 names"][o] == want
    loop = [[sum(k[a, b] * x[r + a, c + b] for a in range(3) for b in range(3)) for c in range(2)] for r in range(2)]
    assert loop == [[-8.0, -8.0], [-8.0, -8.0]]
    assert shown["Cvec(x)"] == shown["w⋆x2"] == [[f"{v:g}" for v in row] for row in loop]
    assert shown["x2"] == [[f"{v:g}" for v in row] for row in x] and shown["w2"] == [[f"{v:g}" for v in row] for row in k]


def test_matrix_html_rounds_like_the_formulas_and_escapes():
    from ui.formulas.transposed import numbers_matrix
    from ui.math_html import equation, parse_matrices

    m = numbers_matrix("y", [1 / 3, -2.0])
    assert parse_matrices(equation(m)) == {"y": [["0.3333", "-2"]]}
    assert "\u22122" in m.html() and 'title="y₁ = 0.3333"' in m.html()   # a real minus shown, the value on hover
    assert "&lt;b&gt;" in numbers_matrix("<b>", [1.0]).html() and "<b>" not in numbers_matrix("<b>", [1.0]).html()


def test_index_helpers_against_loops():
    from cnn_core.transposed import conv1d_trace, conv_transpose2d_trace, dilate_kernel
    from ui.formulas.transposed import all_windows, dilated_taps, padded_names, sample_taps, tap_names

    assert tap_names((3,)) == ["w₁", "w₂", "w₃"] and tap_names((2, 2)) == ["w₁₁", "w₁₂", "w₂₁", "w₂₂"]
    assert dilated_taps(dilate_kernel(np.ones((2, 2)), 3)) == [(0, 0), (0, 3), (3, 0), (3, 3)]
    # same padding, stride 1: output 1 reads the padding zero and x₁, x₂; output 3 reads x₂..x₄
    trace = conv1d_trace(np.arange(1.0, 6.0), np.ones(3), 1, "same", 1)
    assert sample_taps(trace, 0) == [0, 1] and sample_taps(trace, 2) == [1, 2, 3]
    # z 2×2, stride 2, 3×3 kernel: padded grid 7×7 with z at (2, 2), (2, 4), (4, 2), (4, 4)
    t2 = conv_transpose2d_trace(np.array([[[1.0, 2.0], [3.0, 4.0]]]), np.ones((1, 1, 3, 3)), None, 2, 0, 0, 1)
    names = padded_names(t2, "0")
    assert [(r, c, v) for r, row in enumerate(names) for c, v in enumerate(row) if v != "0"] == [
        (2, 2, "z₁₁"), (2, 4, "z₁₂"), (4, 2, "z₂₁"), (4, 4, "z₂₂")]
    windows, labels = all_windows(t2)
    assert len(windows) == 25 and labels[:2] == ["x₁₁", "x₁₂"] and labels[-1] == "x₅₅"
    assert windows[6] == t2.window(1, 1)
