"""Autodiff: seed 004's 0.25 and chain factors, forward = reverse = finite differences."""

from __future__ import annotations

import math

import pytest

from cnn_core.autodiff import (
    OpSpec,
    build_graph,
    chain_paths,
    forward_mode,
    rebuild,
    reverse_mode,
    sigmoid_graph,
)
from cnn_core.errors import CoreValueError
from cnn_core.worked_examples import AUTODIFF_SIGMOID


def centred(graph, leaf, eps=1e-6):
    value = graph.node(leaf).value
    return (rebuild(graph, **{leaf: value + eps}).value - rebuild(graph, **{leaf: value - eps}).value) / (2 * eps)


def test_seed004_values_and_derivatives():
    g = sigmoid_graph(**AUTODIFF_SIGMOID.inputs)
    assert [g.node(f"h{i}").value for i in range(1, 7)] == [0.0, 0.0, 0.0, 1.0, 2.0, 0.5]
    assert forward_mode(g, "w").result == AUTODIFF_SIGMOID.printed["df_dw"]
    assert forward_mode(g, "b").result == 0.25
    back = reverse_mode(g)
    assert back.gradient("w") == AUTODIFF_SIGMOID.printed["df_dw"] and back.gradient("b") == 0.25
    (path,) = chain_paths(g, "w")
    assert tuple(f.value for f in path.factors) == AUTODIFF_SIGMOID.printed["chain"]
    assert [(f.numerator, f.denominator) for f in path.factors] == [
        ("f", "h6"), ("h6", "h5"), ("h5", "h4"), ("h4", "h3"), ("h3", "h2"), ("h2", "h1"), ("h1", "w")]
    assert path.product == 0.25
    (path_b,) = chain_paths(g, "b")
    assert tuple(f.value for f in path_b.factors) == (1.0, -0.25, 1.0, 1.0, -1.0, 1.0)


def test_seed004_tables_in_the_texts_order():
    g = sigmoid_graph(1.0, 0.0, 0.0)
    fwd = forward_mode(g, "w")
    # eq. (3.4): ∂h1/∂w = 1, ∂h2/∂w = 1, ∂h3/∂w = −1, ..., ∂h6/∂w = 0.25
    assert [fwd.row(f"h{i}").derivative for i in range(1, 7)] == [1.0, 1.0, -1.0, -1.0, -1.0, 0.25]
    assert fwd.row("h6").terms[0].local == -0.25 and fwd.row("h6").terms[0].carried == -1.0
    rev = reverse_mode(g)
    assert [r.name for r in rev.rows[:6]] == ["h6", "h5", "h4", "h3", "h2", "h1"]
    # eq. (3.5): ∂f/∂h6 = 1, ∂f/∂h5 = −0.25, ∂f/∂h4 = −0.25, ...
    assert [r.adjoint for r in rev.rows[:6]] == [1.0, -0.25, -0.25, -0.25, 0.25, 0.25]


@pytest.mark.parametrize("x,w,b", [(1.0, 0.0, 0.0), (2.0, -0.7, 0.3), (-1.5, 1.2, -2.0), (0.5, 3.0, 1.0)])
def test_modes_agree_with_finite_differences_and_closed_form(x, w, b):
    g = sigmoid_graph(x, w, b)
    s = 1.0 / (1.0 + math.exp(-(w * x + b)))
    assert g.value == pytest.approx(s, rel=1e-14)
    rev = reverse_mode(g)
    for leaf, closed in (("w", s * (1 - s) * x), ("b", s * (1 - s)), ("x", s * (1 - s) * w)):
        numeric = centred(g, leaf)
        assert forward_mode(g, leaf).result == pytest.approx(numeric, abs=1e-9)
        assert rev.gradient(leaf) == pytest.approx(numeric, abs=1e-9)
        assert rev.gradient(leaf) == pytest.approx(closed, rel=1e-12, abs=1e-15)
        assert sum(p.product for p in chain_paths(g, leaf)) == pytest.approx(closed, rel=1e-12, abs=1e-15)


def test_several_paths_are_summed():
    # f = (u·u) + exp(u) with u = a·c: two paths from f to a
    steps = (OpSpec("h1", "mul", ("a", "c")), OpSpec("h2", "mul", ("h1", "h1")),
             OpSpec("h3", "exp", ("h1",)), OpSpec("h4", "add", ("h2", "h3")))
    g = build_graph({"a": 0.7, "c": -1.3}, steps)
    paths = chain_paths(g, "a")
    assert len(paths) == 3                                   # h2 reads h1 twice, plus exp
    numeric = centred(g, "a")
    assert sum(p.product for p in paths) == pytest.approx(numeric, abs=1e-8)
    assert forward_mode(g, "a").result == pytest.approx(numeric, abs=1e-8)
    assert reverse_mode(g).gradient("a") == pytest.approx(numeric, abs=1e-8)
    assert len(reverse_mode(g).row("h1").terms) == 3


def test_graph_is_immutable_and_rebuild_is_pure():
    g = sigmoid_graph(1.0, 0.0, 0.0)
    g2 = rebuild(g, w=2.0)
    assert g.node("w").value == 0.0 and g2.node("w").value == 2.0
    with pytest.raises(AttributeError):
        g.nodes[0].value = 3.0  # type: ignore[misc]


def test_bad_arguments():
    g = sigmoid_graph()
    with pytest.raises(CoreValueError) as info:
        forward_mode(g, "h3")
    assert info.value.code == "bad_mode" and "h3" in str(info.value) and "x, w, b" in str(info.value)
    with pytest.raises(CoreValueError) as info:
        sigmoid_graph(1.0, -1000.0, 0.0)                     # exp(1000) overflows
    assert info.value.code == "not_finite" and "h4" in str(info.value)
    with pytest.raises(CoreValueError) as info:
        build_graph({"a": 1.0}, (OpSpec("h1", "sqrt", ("a",)),))
    assert info.value.code == "bad_mode"
    with pytest.raises(CoreValueError) as info:
        build_graph({"a": 1.0}, (OpSpec("h1", "mul", ("a",)),))
    assert info.value.code == "bad_shape" and "2" in str(info.value)
    with pytest.raises(ValueError):
        sigmoid_graph(float("nan"), 0.0, 0.0)
    with pytest.raises(ValueError):
        rebuild(g, z=1.0)
