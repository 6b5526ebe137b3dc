"""A tiny computational graph with forward- and reverse-mode tables (seed 004, "三. 自动微分").

Like micrograd, every node records its op, its inputs and its local derivatives;
unlike micrograd nothing is accumulated in place: :func:`build_graph` returns
immutable node records and the two modes return tables (frozen dataclasses).

Seed 004's example, f(x; w, b) = 1 / (exp(−(w x + b)) + 1):

    h1 = w · x,  h2 = h1 + b,  h3 = −h2,  h4 = exp(h3),  h5 = h4 + 1,  h6 = 1 / h5 = f

At x = 1, w = 0, b = 0:  ∂f/∂w = 1 × (−0.25) × 1 × 1 × (−1) × 1 × 1 = 0.25   (eq. 3.3).

* forward mode (eq. 3.4): for one leaf θ, in graph order
  ∂h/∂θ = Σ_inputs u ∂h/∂u · ∂u/∂θ       (one sweep per leaf)
* reverse mode (eq. 3.5): from the output f backwards
  ∂f/∂u = Σ_consumers h ∂f/∂h · ∂h/∂u    (one sweep gives every leaf)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from .errors import CoreValueError

# op -> (arity, forward(values, constant), local derivatives(values, constant) aligned with the inputs)
_OPS: dict[str, tuple[int, Callable[..., float], Callable[..., tuple[float, ...]]]] = {
    "mul": (2, lambda v, c: v[0] * v[1], lambda v, c: (v[1], v[0])),
    "add": (2, lambda v, c: v[0] + v[1], lambda v, c: (1.0, 1.0)),
    "sub": (2, lambda v, c: v[0] - v[1], lambda v, c: (1.0, -1.0)),
    "neg": (1, lambda v, c: -v[0], lambda v, c: (-1.0,)),
    "exp": (1, lambda v, c: math.exp(v[0]), lambda v, c: (math.exp(v[0]),)),
    "log": (1, lambda v, c: math.log(v[0]), lambda v, c: (1.0 / v[0],)),
    "add_const": (1, lambda v, c: v[0] + c, lambda v, c: (1.0,)),
    "mul_const": (1, lambda v, c: v[0] * c, lambda v, c: (c,)),
    "reciprocal": (1, lambda v, c: 1.0 / v[0], lambda v, c: (-1.0 / v[0] ** 2,)),
    "square": (1, lambda v, c: v[0] ** 2, lambda v, c: (2.0 * v[0],)),
}
OPS: tuple[str, ...] = tuple(_OPS)


@dataclass(frozen=True)
class OpSpec:
    """One step of a graph before evaluation: ``name = op(*inputs[, constant])``."""

    name: str
    op: str
    inputs: tuple[str, ...]
    constant: float | None = None


@dataclass(frozen=True)
class Node:
    """An evaluated node.

    Attributes
    ----------
    name : str
        ``"x"``, ``"w"``, ``"b"`` for leaves, ``"h1"`` … ``"h6"`` for operations.
    op : str
        ``"leaf"`` or one of ``OPS``.
    inputs : tuple of str
        Names of the nodes it reads.
    constant : float or None
        The constant of ``add_const`` / ``mul_const`` (the "+ 1" of h5).
    value : float
        Forward value.
    local : tuple of float
        ∂node/∂input for each input, evaluated at the forward values.
    """

    name: str
    op: str
    inputs: tuple[str, ...]
    constant: float | None
    value: float
    local: tuple[float, ...]


@dataclass(frozen=True)
class Graph:
    """An evaluated graph: leaves first, then operations in evaluation (topological) order.

    Attributes
    ----------
    nodes : tuple of Node
    output : str
        The node that is f.
    specs : tuple of OpSpec
        The recipe, so the graph can be rebuilt at other leaf values (:func:`rebuild`).
    """

    nodes: tuple[Node, ...]
    output: str
    specs: tuple[OpSpec, ...]

    @property
    def leaves(self) -> tuple[str, ...]:
        return tuple(n.name for n in self.nodes if n.op == "leaf")

    @property
    def value(self) -> float:
        """f."""
        return self.node(self.output).value

    def node(self, name: str) -> Node:
        for n in self.nodes:
            if n.name == name:
                return n
        raise CoreValueError("bad_mode", f"no node named {name!r}; nodes are {', '.join(n.name for n in self.nodes)}",
                             name="node", value=repr(name), allowed=", ".join(n.name for n in self.nodes))


def _finite(value: float, name: str) -> float:
    if not math.isfinite(value):
        raise CoreValueError("not_finite", f"node {name} evaluates to {value}", name=name, count=1)
    return float(value) + 0.0          # + 0.0 turns −0.0 (e.g. −h2 at h2 = 0) into 0.0 for display


def build_graph(leaves: Mapping[str, float], steps: Sequence[OpSpec], output: str | None = None) -> Graph:
    """Evaluate ``steps`` in order on the given leaf values; record values and local derivatives.

    Parameters
    ----------
    leaves : mapping name -> float
        Input variables and parameters (x, w, b).
    steps : sequence of OpSpec
        Operations in evaluation order; each input must be a leaf or an earlier step.
    output : str, optional
        The node that is f (default: the last step).
    """
    nodes: list[Node] = []
    values: dict[str, float] = {}
    for name, v in leaves.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise CoreValueError("bad_shape", f"leaf {name} must be a real number, got {v!r}",
                                 name=name, expected="a real number", got=repr(v))
        values[name] = _finite(float(v), name)
        nodes.append(Node(name=name, op="leaf", inputs=(), constant=None, value=values[name], local=()))
    for spec in steps:
        if spec.op not in _OPS:
            raise CoreValueError("bad_mode", f"unknown op {spec.op!r}; use one of {', '.join(OPS)}",
                                 name="op", value=repr(spec.op), allowed=", ".join(OPS))
        arity, forward, local = _OPS[spec.op]
        if len(spec.inputs) != arity:
            raise CoreValueError("bad_shape", f"{spec.name} = {spec.op} takes {arity} input(s), got {len(spec.inputs)}",
                                 name=spec.name, expected=str(arity), got=str(len(spec.inputs)))
        for u in spec.inputs:
            if u not in values:
                raise CoreValueError("bad_mode", f"{spec.name} reads {u!r}, which is not defined before it",
                                     name="input", value=repr(u), allowed=", ".join(values))
        if spec.name in values:
            raise CoreValueError("bad_mode", f"node name {spec.name!r} is used twice",
                                 name="node", value=repr(spec.name), allowed="a new name")
        args = tuple(values[u] for u in spec.inputs)
        try:
            value = forward(args, spec.constant)
            derivs = tuple(float(d) for d in local(args, spec.constant))
        except (OverflowError, ZeroDivisionError, ValueError):
            value, derivs = math.nan, ()
        values[spec.name] = _finite(value, spec.name)
        for d in derivs:
            _finite(d, spec.name)
        nodes.append(Node(name=spec.name, op=spec.op, inputs=spec.inputs, constant=spec.constant,
                          value=values[spec.name], local=derivs))
    out = output if output is not None else (steps[-1].name if steps else next(iter(leaves)))
    graph = Graph(nodes=tuple(nodes), output=out, specs=tuple(steps))
    graph.node(out)  # raises for an unknown output
    return graph


def rebuild(graph: Graph, **leaf_values: float) -> Graph:
    """The same graph evaluated at new leaf values (others unchanged); the original is untouched."""
    leaves = {n.name: n.value for n in graph.nodes if n.op == "leaf"}
    for name in leaf_values:
        if name not in leaves:
            raise CoreValueError("bad_mode", f"no leaf named {name!r}; leaves are {', '.join(leaves)}",
                                 name="leaf", value=repr(name), allowed=", ".join(leaves))
    leaves.update(leaf_values)
    return build_graph(leaves, graph.specs, graph.output)


SIGMOID_STEPS: tuple[OpSpec, ...] = (
    OpSpec("h1", "mul", ("w", "x")),
    OpSpec("h2", "add", ("h1", "b")),
    OpSpec("h3", "neg", ("h2",)),
    OpSpec("h4", "exp", ("h3",)),
    OpSpec("h5", "add_const", ("h4",), 1.0),
    OpSpec("h6", "reciprocal", ("h5",)),
)


def sigmoid_graph(x: float = 1.0, w: float = 0.0, b: float = 0.0) -> Graph:
    """Seed 004's graph of f(x; w, b) = 1 / (exp(−(w x + b)) + 1).

    >>> g = sigmoid_graph(1.0, 0.0, 0.0)
    >>> [(n.name, n.value) for n in g.nodes[3:]]
    [('h1', 0.0), ('h2', 0.0), ('h3', 0.0), ('h4', 1.0), ('h5', 2.0), ('h6', 0.5)]
    """
    return build_graph({"x": x, "w": w, "b": b}, SIGMOID_STEPS, "h6")


# --- forward mode ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ChainTerm:
    """One term ``local × carried`` of a chain-rule sum.

    Forward mode:  ∂node/∂input × ∂input/∂θ   (``other`` = the input).
    Reverse mode:  ∂f/∂consumer × ∂consumer/∂node   (``other`` = the consumer).
    """

    other: str
    local: float
    carried: float
    product: float


@dataclass(frozen=True)
class ForwardRow:
    """∂node/∂θ in forward mode: the sum of ``terms`` (a leaf gets 1 if it is θ, else 0)."""

    name: str
    op: str
    value: float
    terms: tuple[ChainTerm, ...]
    derivative: float


@dataclass(frozen=True)
class ForwardModeTable:
    """Forward-mode sweep for one leaf θ (seed 004 eq. 3.4).

    Attributes
    ----------
    wrt : str
        θ.
    rows : tuple of ForwardRow
        In graph order (leaves first).
    result : float
        ∂f/∂θ (= the output node's row).
    """

    wrt: str
    rows: tuple[ForwardRow, ...]
    result: float

    def row(self, name: str) -> ForwardRow:
        return next(r for r in self.rows if r.name == name)


def _check_leaf(graph: Graph, wrt: str) -> None:
    if wrt not in graph.leaves:
        raise CoreValueError("bad_mode", f"cannot differentiate with respect to {wrt!r}; leaves are "
                             f"{', '.join(graph.leaves)}", name="wrt", value=repr(wrt), allowed=", ".join(graph.leaves))


def forward_mode(graph: Graph, wrt: str) -> ForwardModeTable:
    """∂h_i/∂θ for every node, accumulated in graph order: ∂h/∂θ = Σ_u ∂h/∂u · ∂u/∂θ."""
    _check_leaf(graph, wrt)
    tangent: dict[str, float] = {}
    rows = []
    for node in graph.nodes:
        if node.op == "leaf":
            terms: tuple[ChainTerm, ...] = ()
            d = 1.0 if node.name == wrt else 0.0
        else:
            terms = tuple(ChainTerm(other=u, local=loc, carried=tangent[u], product=loc * tangent[u])
                          for u, loc in zip(node.inputs, node.local))
            d = float(sum(t.product for t in terms))
        tangent[node.name] = d
        rows.append(ForwardRow(name=node.name, op=node.op, value=node.value, terms=terms, derivative=d))
    return ForwardModeTable(wrt=wrt, rows=tuple(rows), result=tangent[graph.output])


# --- reverse mode ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ReverseRow:
    """∂f/∂node in reverse mode: the sum of ``terms`` over the node's consumers (1 for f itself)."""

    name: str
    op: str
    value: float
    terms: tuple[ChainTerm, ...]
    adjoint: float


@dataclass(frozen=True)
class ReverseModeTable:
    """Reverse-mode sweep (seed 004 eq. 3.5): ∂f/∂node for every node, output first.

    Attributes
    ----------
    output : str
        f.
    rows : tuple of ReverseRow
        Reverse graph order (f first, leaves last).
    gradients : tuple of (str, float)
        ∂f/∂leaf for every leaf, in the leaves' order.
    """

    output: str
    rows: tuple[ReverseRow, ...]
    gradients: tuple[tuple[str, float], ...]

    def row(self, name: str) -> ReverseRow:
        return next(r for r in self.rows if r.name == name)

    def gradient(self, leaf: str) -> float:
        return dict(self.gradients)[leaf]


def reverse_mode(graph: Graph) -> ReverseModeTable:
    """∂f/∂u for every node u, from the output back: ∂f/∂u = Σ_h ∂f/∂h · ∂h/∂u over consumers h."""
    order = {n.name: i for i, n in enumerate(graph.nodes)}
    out_index = order[graph.output]
    adjoint: dict[str, float] = {}
    rows = []
    for node in reversed(graph.nodes):
        if order[node.name] > out_index:
            continue                                   # after f: does not influence it
        if node.name == graph.output:
            terms: tuple[ChainTerm, ...] = ()
            a = 1.0
        else:
            terms = tuple(
                ChainTerm(other=h.name, local=loc, carried=adjoint[h.name], product=adjoint[h.name] * loc)
                for h in graph.nodes if h.name in adjoint
                for u, loc in zip(h.inputs, h.local) if u == node.name)
            a = float(sum(t.product for t in terms))
        adjoint[node.name] = a
        rows.append(ReverseRow(name=node.name, op=node.op, value=node.value, terms=terms, adjoint=a))
    return ReverseModeTable(output=graph.output, rows=tuple(rows),
                            gradients=tuple((leaf, adjoint.get(leaf, 0.0)) for leaf in graph.leaves))


# --- the chain of eq. (3.3) ------------------------------------------------------------------

@dataclass(frozen=True)
class ChainFactor:
    """One factor ∂numerator/∂denominator of a path product, at the forward values."""

    numerator: str
    denominator: str
    value: float


@dataclass(frozen=True)
class ChainPath:
    """One path f → … → θ: the factors (first ∂f/∂h_out = 1) and their product."""

    factors: tuple[ChainFactor, ...]
    product: float


def chain_paths(graph: Graph, wrt: str) -> tuple[ChainPath, ...]:
    """Every path from f down to the leaf θ as its factors (seed 004 eq. 3.2/3.3).

    ∂f/∂θ is the sum of the path products ("如果函数和参数之间有多条路径，可以将这多条路径上的导数再进行相加").
    The first factor is ∂f/∂h_out = 1, as in the seed.
    """
    _check_leaf(graph, wrt)
    by_name = {n.name: n for n in graph.nodes}

    def down(name: str) -> list[list[ChainFactor]]:
        if name == wrt:
            return [[]]
        found = []
        node = by_name[name]
        for u, loc in zip(node.inputs, node.local):
            for tail in down(u):
                found.append([ChainFactor(numerator=name, denominator=u, value=loc)] + tail)
        return found

    head = ChainFactor(numerator="f", denominator=graph.output, value=1.0)
    paths = []
    for factors in down(graph.output):
        product = 1.0
        for f in [head] + factors:
            product *= f.value
        paths.append(ChainPath(factors=tuple([head] + factors), product=product))
    return tuple(paths)
