"""ui.formulas.autodiff: the chain-rule line, read back, gives the finite-difference derivative of f = σ(wx + b)."""

from __future__ import annotations

import math

import pytest

from cnn_core.autodiff import chain_paths, forward_mode, reverse_mode, sigmoid_graph
from ui.formulas import autodiff as fx

from .formula_numbers import adds_up, total


def _f(x, w, b):
    return 1.0 / (math.exp(-(w * x + b)) + 1.0)


@pytest.mark.parametrize("point", [(1.0, 0.0, 0.0), (2.0, -0.5, 1.0), (-1.0, 3.0, 0.25)])
@pytest.mark.parametrize("leaf", ["x", "w", "b"])
def test_chain_rule_line_against_finite_differences(point, leaf):
    g = sigmoid_graph(*point)
    paths = chain_paths(g, leaf)
    eq = fx.chain_rule(paths, leaf, reverse_mode(g).gradient(leaf))
    i = "xwb".index(leaf)
    h = 1e-6
    up, down = list(point), list(point)
    up[i] += h
    down[i] -= h
    fd = (_f(*up) - _f(*down)) / (2 * h)
    assert eq.result == pytest.approx(fd, abs=1e-8)
    assert total(eq.numeric) == pytest.approx(fd, abs=1e-3)        # the factors as shown, multiplied
    assert eq.exact == adds_up(eq.numeric, eq.result)


def test_the_texts_point_gives_a_quarter_for_w():
    g = sigmoid_graph(1.0, 0.0, 0.0)
    eq = fx.chain_rule(chain_paths(g, "w"), "w", 0.25)
    assert eq.exact and eq.latex().endswith(r"&= 0.25 \end{aligned}")
    table = forward_mode(g, "w")
    chain, numbers = fx.forward_row(table.row("h1"), "w")
    assert "∂h₁/∂w · ∂w/∂w" in chain                               # h1 = w·x: its w-input carries ∂w/∂w = 1
    products = [math.prod(float(v.strip("()")) for v in term.split(" × ")) for term in numbers.split(" + ")]
    assert sum(products) == pytest.approx(table.row("h1").derivative)
    assert fx.factor(-0.25) == "(-0.25)" and fx.pretty("h6") == "h₆"


def test_clamp_keeps_values_inside_the_range():
    from ui.formulas.autodiff import clamp

    assert clamp(-1e9, 20) == -20 and clamp(500, 20) == 20 and clamp(3.5, 20) == 3.5 and clamp(float("nan"), 20) == 0


def test_label_offsets_put_the_two_labels_on_opposite_sides_of_any_edge():
    from ui.formulas.autodiff import label_offsets

    for dx, dy in ((100, 0), (160, -60), (160, 60), (0, 100), (-50, 80)):
        (ax, ay, apos), (bx, by, bpos) = label_offsets(dx, dy, 10)
        # perpendicular to the edge, 10 px away, one on each side, the first one above
        assert abs(ax * dx + ay * dy) < 1e-9 and math.hypot(ax, ay) == pytest.approx(10)
        assert (ax, ay) == (-bx, -by) and ay >= 0
        assert apos != bpos and not apos.startswith("bottom") and not bpos.startswith("top")
    assert label_offsets(160, -60, 10)[0][2] == "top right"            # x → h₁ runs down-right: its label up-right
