"""ui.formulas.equation: '=' only when the shown numbers give the shown result, else '≈'."""

from ui.formulas.equation import product_equation, sum_equation, sum_of_products_equation

from .formula_numbers import terms, total


def test_exact_sum_keeps_equals():
    eq = sum_of_products_equation("y", [("a", 1.0, "b", 2.0), ("c", 0.5, "d", -1.0)], 1.5)
    assert eq.exact and r"\approx" not in eq.latex()
    assert terms(eq.numeric) == [[1.0, 2.0], [0.5, -1.0]] and total(eq.numeric) == 1.5


def test_rounded_thirds_say_approximately():
    third = 1 / 3
    eq = sum_of_products_equation("y", [("a", third, "b", 3.0)], 1.0)   # 0.3333 × 3 = 0.9999 ≠ 1
    assert not eq.exact and eq.latex().endswith(r"&\approx 1 \end{aligned}")
    eq = sum_equation("s", [("a", third), ("b", third), ("c", third)], 1.0)
    assert not eq.exact


def test_no_terms_is_zero_without_a_numbers_line():
    eq = sum_of_products_equation("y", [], 0.0)
    assert eq.symbolic == "0" and eq.numeric is None and eq.exact


def test_product_line():
    eq = product_equation("d", ["a", "b"], [2.0, -0.5], -1.0)
    assert eq.numeric == r"2 \times (-0.5)" and eq.exact


def test_a_sum_without_terms_is_written_once():
    eq = sum_of_products_equation(r"\frac{\partial E}{\partial x}", [], 0.0)
    assert eq.latex() == r"\begin{aligned} \frac{\partial E}{\partial x} &= 0 \end{aligned}"
