"""The computational graph of f(x; w, b) = 1 / (exp(−(w x + b)) + 1) drawn as an inline SVG (``st.html``).

Nodes are labelled circles, edges arrows; beside each edge its forward value (red, bold) on one side and its
local derivative (blue) on the other. Hovering a node or an edge shows what it computes (SVG ``<title>``).
An SVG instead of a Plotly figure (#14): a changed Plotly chart costs the browser ~80–90 ms per rerun and
the page's first chart waits for Plotly's 4.7 MB chunk; this drawing is a few ms of markup.

Pure presentation: every number is the ``Graph``'s (``cnn_core.autodiff``), formatted by ``ui.latex.fmt``;
every text is escaped here. Layout in "units" (the old figure's axes) scaled to pixels of the viewBox.
"""

from __future__ import annotations

import html
import math
from typing import Callable

from ui.formulas.autodiff import frac, label_offsets, pretty
from ui.latex import fmt

Translate = Callable[..., str]

# How each op is written (presentation only): plain text, {0}/{1} = inputs, {c} = constant.
OP_TEXT = {"mul": "{0} · {1}", "add": "{0} + {1}", "sub": "{0} − {1}", "neg": "−{0}", "exp": "exp({0})",
           "log": "ln {0}", "add_const": "{0} + {c}", "mul_const": "{c} · {0}", "reciprocal": "1 / {0}",
           "square": "{0}²"}
OP_SYMBOL = {"mul": "×", "add": "+", "sub": "−", "neg": "−(·)", "exp": "exp", "log": "ln", "add_const": "+{c}",
             "mul_const": "×{c}", "reciprocal": "1/(·)", "square": "(·)²"}
# Where each node sits (the text's figure: leaves on the left, the chain to the right), in units.
POSITIONS = {"x": (0.0, 1.1), "w": (0.0, -0.1), "h1": (1.3, 0.5), "b": (1.3, -0.7), "h2": (2.6, 0.5),
             "h3": (3.9, 0.5), "h4": (5.2, 0.5), "h5": (6.5, 0.5), "h6": (7.8, 0.5), "f": (9.0, 0.5)}
X_RANGE, Y_RANGE = (-0.5, 9.5), (-1.15, 1.55)
PX_PER_X, PX_PER_Y = 125.0, 100.0     # viewBox pixels per unit
NODE_R = 29.0                         # node radius (px)
ARROW_GAP = 30.0                      # an edge stops this far from both node centres (px)
ARROW_LEN, ARROW_HALF = 11.0, 5.5     # arrowhead length and half-width (px)
LABEL_GAP = 9.0                       # px between an edge and its two labels
MIN_WIDTH = 720                       # px: narrower screens scroll sideways instead of squeezing the nodes
LEAF_FILL, OP_FILL, OUT_FILL, LINE = "#d9f0d3", "#dbe9f6", "#fde0c5", "#555"
VALUE_COLOR, LOCAL_COLOR = "#d62728", "#1f77b4"


def px(x: float, y: float) -> tuple[float, float]:
    """Units -> viewBox pixels (y grows downwards in SVG)."""
    return (x - X_RANGE[0]) * PX_PER_X, (Y_RANGE[1] - y) * PX_PER_Y


def op_text(node) -> str:
    return OP_TEXT[node.op].format(*(pretty(u) for u in node.inputs), c=fmt(node.constant or 0))


def _anchor(position: str) -> tuple[str, str]:
    """A Plotly-style ``textposition`` ("top center": the text grows upwards from the point) as SVG
    (text-anchor, dominant-baseline)."""
    vertical, horizontal = position.split()
    return ({"right": "start", "left": "end"}.get(horizontal, "middle"),
            {"top": "auto", "bottom": "hanging"}.get(vertical, "central"))


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


def _num(v: float) -> str:
    return f"{v:.1f}"


def graph_svg(graph, tr: Translate) -> str:
    """The drawing as HTML (a title line and an SVG in a box that scrolls sideways on a phone).

    ``graph``: a ``cnn_core.autodiff.Graph``; ``tr(key, **params)``: the page language's translation.
    """
    width = (X_RANGE[1] - X_RANGE[0]) * PX_PER_X
    height = (Y_RANGE[1] - Y_RANGE[0]) * PX_PER_Y
    parts = [f'<svg class="ag-graph" viewBox="0 0 {_num(width)} {_num(height)}" role="img" '
             f'aria-label="{_e(tr("autodiff.graph_title"))}" '
             f'style="width:100%;min-width:{MIN_WIDTH}px;height:auto;display:block" '
             'font-family="sans-serif">']
    edges = [(u, n.name, graph.node(u).value, loc) for n in graph.nodes for u, loc in zip(n.inputs, n.local)]
    edges.append((graph.output, "f", graph.value, None))
    for src, dst, value, local in edges:
        (x0, y0), (x1, y1) = px(*POSITIONS[src]), px(*POSITIONS[dst])
        dx, dy = x1 - x0, y1 - y0
        length = math.hypot(dx, dy)
        ux, uy = dx / length, dy / length
        ax, ay = x0 + ux * ARROW_GAP, y0 + uy * ARROW_GAP            # the edge's start and the arrow's tip
        bx, by = x1 - ux * ARROW_GAP, y1 - uy * ARROW_GAP
        cx, cy = bx - ux * ARROW_LEN, by - uy * ARROW_LEN              # the arrowhead's base centre
        head = [(bx, by), (cx - uy * ARROW_HALF, cy + ux * ARROW_HALF), (cx + uy * ARROW_HALF, cy - ux * ARROW_HALF)]
        if local is not None:
            hover = tr("autodiff.edge_hover", src=pretty(src), dst=pretty(dst), value=fmt(value), local=fmt(local),
                       frac=frac(dst, src))
        else:
            hover = f"f = {pretty(src)} = {fmt(value)}"
        parts.append(f'<g class="ag-edge" data-src="{_e(src)}" data-dst="{_e(dst)}"><title>{_e(hover)}</title>')
        parts.append(f'<line x1="{_num(ax)}" y1="{_num(ay)}" x2="{_num(cx)}" y2="{_num(cy)}" stroke="{LINE}" '
                     'stroke-width="1.6"/>')
        parts.append(f'<line x1="{_num(ax)}" y1="{_num(ay)}" x2="{_num(bx)}" y2="{_num(by)}" stroke="transparent" '
                     'stroke-width="14"/>')   # a wider band to hover
        parts.append('<polygon points="' + " ".join(f"{_num(a)},{_num(b)}" for a, b in head) + f'" fill="{LINE}"/>')
        # the labels beside the edge: value on the upper side, local derivative on the lower (y up in label_offsets)
        (vx, vy, vpos), (lx, ly, lpos) = label_offsets(dx, -dy, LABEL_GAP)
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        for cls, (ox, oy, pos), text, color, size, weight in (
                ("ag-value", (vx, vy, vpos), fmt(value), VALUE_COLOR, 17, "bold"),
                ("ag-local", (lx, ly, lpos), None if local is None else fmt(local), LOCAL_COLOR, 15, "normal")):
            if text is None:
                continue
            anchor, baseline = _anchor(pos)
            parts.append(f'<text class="{cls}" x="{_num(mx + ox)}" y="{_num(my - oy)}" text-anchor="{anchor}" '
                         f'dominant-baseline="{baseline}" fill="{color}" font-size="{size}" '
                         f'font-weight="{weight}">{_e(text)}</text>')
        parts.append("</g>")
    nodes = [(n.name, n) for n in graph.nodes] + [("f", None)]
    for name, n in nodes:
        x, y = px(*POSITIONS[name])
        if n is None:
            fill, label, symbol, hover = OUT_FILL, "f", "", f"f = {fmt(graph.value)}"
        elif n.op == "leaf":
            fill, label, symbol, hover = LEAF_FILL, n.name, "", f"{n.name} = {fmt(n.value)}"
        else:
            fill, label = OP_FILL, pretty(n.name)
            symbol = OP_SYMBOL[n.op].format(c=fmt(n.constant or 0))
            hover = f"{pretty(n.name)} = {op_text(n)} = {fmt(n.value)}"
        parts.append(f'<g class="ag-node" data-name="{_e(name)}"><title>{_e(hover)}</title>'
                     f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{NODE_R:g}" fill="{fill}" stroke="{LINE}" '
                     'stroke-width="1.5"/>')
        if symbol:
            parts.append(f'<text x="{_num(x)}" y="{_num(y - 8)}" text-anchor="middle" dominant-baseline="central" '
                         f'font-size="16" font-weight="bold" fill="#222">{_e(label)}</text>'
                         f'<text x="{_num(x)}" y="{_num(y + 10)}" text-anchor="middle" dominant-baseline="central" '
                         f'font-size="13" fill="#222">{_e(symbol)}</text>')
        else:
            parts.append(f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="middle" dominant-baseline="central" '
                         f'font-size="16" font-weight="bold" fill="#222">{_e(label)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    title = (f'<div style="text-align:center;font-weight:600;margin:0.2rem 0 0.4rem">'
             f'{_e(tr("autodiff.graph_title"))}</div>')
    return f'<div class="ag-box" style="overflow-x:auto">{title}{"".join(parts)}</div>'
