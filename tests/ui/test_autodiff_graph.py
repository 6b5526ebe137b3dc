"""ui.autodiff_graph: the sigmoid neuron's graph as an inline SVG, read back as XML."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from cnn_core.autodiff import sigmoid_graph
from ui.autodiff_graph import graph_svg
from ui.latex import fmt


def hostile(key: str, **params) -> str:
    """A translation that tries to inject markup: it must come out as text."""
    return f"<script>{key}</script>&" + ",".join(f"{k}={v}" for k, v in sorted(params.items()))


def test_the_drawing_is_well_formed_and_every_text_is_escaped():
    block = graph_svg(sigmoid_graph(1.0, 0.0, 0.0), hostile)
    assert "<script>" not in block
    root = ET.fromstring(block)                       # well-formed: every text escaped
    assert root[0].text == "<script>autodiff.graph_title</script>&"


def test_edges_carry_the_values_of_their_tails_at_another_point():
    # x = 2, w = −1.5, b = 0.5: w x + b = −2.5, f = σ(−2.5), compared with the closed form
    graph = sigmoid_graph(2.0, -1.5, 0.5)
    root = ET.fromstring(graph_svg(graph, hostile))
    values = [el.text for el in root.iter() if el.get("class") == "ag-value"]
    assert values[-1] == fmt(1 / (1 + math.exp(2.5)))
    assert values[:2] == [fmt(-1.5), fmt(2.0)]        # w → h₁ and x → h₁ carry w and x
    names = [el.get("data-name") for el in root.iter() if el.get("class") == "ag-node"]
    assert sorted(names) == sorted(["x", "w", "b", "h1", "h2", "h3", "h4", "h5", "h6", "f"])
