"""Compact numbers, LaTeX builders and markdown escaping (ui.latex)."""

import math

import numpy as np
import pytest

from ui.latex import (
    equation_lines,
    escape_markdown,
    fmt,
    fmt_latex,
    latex_matrix,
    subscript,
    subscript_unicode,
    sum_of_products,
)


@pytest.mark.parametrize("x, expected", [
    (1, "1"), (1.0, "1"), (-0.5, "-0.5"), (0.125, "0.125"), (1 / 3, "0.3333"), (-0.0, "0"),
    (0.0, "0"), (2.5e-5, "2.5e-5"), (1.2e-5, "1.2e-5"), (-3e-7, "-3e-7"), (123456.7, "123457"),
    (1e20, "1e20"), (np.float64(0.25), "0.25"), (np.int64(-3), "-3"), (0.99999999, "1"),
    (-1e-20, "-1e-20"), (12.25, "12.25"), (0.0001, "0.0001"),
    (math.inf, "inf"), (-math.inf, "-inf"), (math.nan, "nan"),
])
def test_fmt(x, expected):
    assert fmt(x) == expected


def test_fmt_significant_digits():
    assert fmt(1 / 3, sig=6) == "0.333333"
    assert fmt(0.99824, sig=5) == "0.99824"


@pytest.mark.parametrize("x, factor, expected", [
    (-1, True, "(-1)"), (-1, False, "-1"), (2, True, "2"), (0.5, True, "0.5"), (-0.0, True, "0"),
    (1.2e-5, False, r"1.2\times10^{-5}"), (-1.2e-5, True, r"(-1.2\times10^{-5})"),
    (1e-7, False, "10^{-7}"), (math.inf, False, r"\infty"), (-math.inf, True, r"(-\infty)"),
])
def test_fmt_latex(x, factor, expected):
    assert fmt_latex(x, factor=factor) == expected


def test_latex_matrix_plain_boxed_and_window():
    assert latex_matrix([[1, -0.5], [0, 2]]) == r"\begin{bmatrix} 1 & -0.5 \\ 0 & 2 \end{bmatrix}"
    boxed = latex_matrix(np.array([[1, 2], [3, 4]]), highlight=[(1, 0)])
    assert r"\boxed{3}" in boxed and boxed.count(r"\boxed") == 1
    coloured = latex_matrix(np.arange(9).reshape(3, 3), window=(0, 0, 1, 1), color="blue")
    assert coloured.count(r"\textcolor{blue}") == 4
    assert r"\textcolor{blue}{4}" in coloured and r"\textcolor{blue}{8}" not in coloured
    assert latex_matrix([1, 2, 3]) == r"\begin{bmatrix} 1 & 2 & 3 \end{bmatrix}"
    with pytest.raises(ValueError):
        latex_matrix(np.zeros((2, 2, 2)))


def test_equation_lines_aligns_on_the_first_equals():
    text = equation_lines("net_{11} = i_{11}h_{11} + i_{12}h_{12}", r"1\times1 + 0\times(-1)", 1)
    assert text == (r"\begin{aligned} net_{11} &= i_{11}h_{11} + i_{12}h_{12} \\ "
                    r"&= 1\times1 + 0\times(-1) \\ &= 1 \end{aligned}")
    assert equation_lines("a + b", None, -0.5).endswith(r"&= -0.5 \end{aligned}")
    assert equation_lines("a + b", None, "c").count(r"\\") == 1


def test_sum_of_products():
    sym, num = sum_of_products(["i_{11}", "i_{12}"], [1, 0], ["h_{11}", "h_{12}"], [1, -1])
    assert sym == "i_{11}h_{11} + i_{12}h_{12}"
    assert num == r"1\times1 + 0\times(-1)"
    assert sum_of_products([], [], [], []) == ("0", "0")
    _, num = sum_of_products(["a"], [-2.5], ["b"], [0.125])
    assert num == r"(-2.5)\times0.125"
    with pytest.raises(ValueError):
        sum_of_products(["a"], [1, 2], ["b"], [1])


def test_subscripts_are_one_based_with_commas_from_ten():
    assert subscript("i", 0, 0) == "i_{11}"
    assert subscript("h", 0, 1) == "h_{12}"
    assert subscript("i", 0, 11) == "i_{1,12}"
    assert subscript("w", 1, 0, 2) == "w_{213}"
    assert subscript("b", 0) == "b_{1}"
    assert subscript("x") == "x"
    assert subscript_unicode("x", 0, 1) == "x₁₂"
    assert subscript_unicode("x", 0, 11) == "x₁,₁₂"


@pytest.mark.parametrize("raw, expected", [
    ("<b>x</b>", r"\<b\>x\<\/b\>"),
    ("**bold** _x_", r"\*\*bold\*\* \_x\_"),
    ("$x$ :red[y]", r"\$x\$ \:red\[y\]"),
    ("a\nb\tc\x00d\u202ee", "a b cde"),
    ("１２", "１２"),
])
def test_escape_markdown(raw, expected):
    assert escape_markdown(raw) == expected


def test_escape_markdown_truncates_long_text():
    out = escape_markdown("a" * 1_000_000, 10)
    assert out == "a" * 9 + "…"
    assert escape_markdown("abcdef", 6) == "abcdef"
    assert escape_markdown("abcdefg", 6) == "abcde…"
    # escapes are never cut in half
    assert escape_markdown("<" * 50, 5) == "\\<" * 4 + "…"


def test_fmt_power_writes_tiny_differences_as_powers_of_ten():
    from ui.latex import fmt_power

    assert fmt_power(3.2e-16) == "3 × 10⁻¹⁶"
    assert fmt_power(2.46e-10, 2) == "2.5 × 10⁻¹⁰"
    assert fmt_power(0.0) == "0"
    assert fmt_power(0.0015, 2) == "0.0015"
    assert fmt_power(1.5e7, 2) == "1.5 × 10⁷"


def test_markdown_with_math_keeps_our_formulas_and_escapes_everything_else():
    from ui.latex import escape_markdown, markdown_with_math

    text = "Eq. (13): $\\delta = \\sum \\delta^+_{x',y'}$ and `get_patch` <b>bold</b> **x**"
    out = markdown_with_math(text)
    assert "$\\delta = \\sum \\delta^+_{x',y'}$" in out and "`get_patch`" in out
    assert "\\<b\\>bold\\<\\/b\\>" in out and "\\*\\*x\\*\\*" in out
    # no math, no code: exactly what user text gets
    assert markdown_with_math("a_b <i>c</i>") == escape_markdown("a_b <i>c</i>", 4000)
    # an unpaired $ is shown, not opened as math
    assert markdown_with_math("costs $5") == escape_markdown("costs $5", 4000)
