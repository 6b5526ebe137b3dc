"""ui.formulas.padding: each numeric line, evaluated as written, gives the number of windows counted by brute force."""

from __future__ import annotations

import itertools
import math
import re

import pytest

from cnn_core.arithmetic import axis_arithmetic, same_axis
from ui.formulas import padding as fx

LO, HI = fx.pad_symbol("top"), fx.pad_symbol("bottom")


def evaluate(latex: str) -> int:
    """Evaluate one line of integer LaTeX arithmetic (⌊⌋, ⌈⌉, \\frac, \\cdot, max) as written."""
    text = latex.replace(r"\left\lfloor", "math.floor(").replace(r"\right\rfloor", ")")
    text = text.replace(r"\left\lceil", "math.ceil(").replace(r"\right\rceil", ")")
    text = text.replace(r"\cdot", "*").replace(r"\,", "").replace(r"\max", "max")
    # a numerator written on two rows (it fits a phone): one expression again
    text = text.replace(r"\begin{gathered}", "").replace(r"\end{gathered}", "").replace(r"\\ {}", "")
    while r"\frac" in text:
        text = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"((\1)/(\2))", text)
    assert re.fullmatch(r"[\d\s+\-*/().,a-z]*", text), text
    return eval(text, {"math": math, "max": max})   # noqa: S307 - our own formula text, digits and operators only


def windows_by_brute_force(n: int, k: int, s: int, before: int, after: int, d: int) -> int:
    padded = n + before + after
    return sum(1 for start in range(0, padded, s) if start + d * (k - 1) < padded)


CASES = [(n, k, s, d, p) for n, k, s, d, p in itertools.product((4, 5, 7, 9), (1, 2, 3), (1, 2, 3), (1, 2), (0, 1, 2))
         if n + 2 * p >= d * (k - 1) + 1]


@pytest.mark.parametrize("n,k,s,d,p", CASES)
def test_output_and_used_lines_evaluate_to_the_brute_force_count(n, k, s, d, p):
    a = axis_arithmetic(n, k, s, (p, p), d)
    eq = fx.output_size("h", a, LO, HI)
    first, second = eq.numeric.split(r" \\ &= ")
    assert evaluate(first) == evaluate(second) == eq.result == windows_by_brute_force(n, k, s, p, p, d)
    used = fx.used_extent("h", a)
    last_start = s * (eq.result - 1)
    assert evaluate(used.numeric) == used.result == last_start + d * (k - 1) + 1


@pytest.mark.parametrize("n,k,s,d", [(5, 3, 2, 1), (7, 2, 3, 1), (6, 3, 1, 2), (4, 4, 2, 1), (9, 3, 3, 2)])
def test_same_lines_give_ceil_n_over_s_outputs(n, k, s, d):
    rule = same_axis(n, k, s, d)
    lines = fx.same_lines("h", rule, LO, HI)
    values = [evaluate(eq.numeric) for eq in lines]
    assert values == [eq.result for eq in lines]
    out, total, before, after = values
    assert before + after == total and after - before in (0, 1)          # the odd zero goes after
    assert windows_by_brute_force(n, k, s, before, after, d) == out == math.ceil(n / s)


def test_full_padding_line():
    eq = fx.full_line("w", 3, 2, 4, LO, HI)
    assert evaluate(eq.numeric) == eq.result == 4
