"""Cell-stepper payload of the training page's forward tab, from the core's step trace (pure).

The three grids the forward tab used to draw as Plotly heatmaps — one sample's image x, one
filter's kernel h and its map net = x ⋆ h + b — with, for every cell of net, its 3×3 window on x and
its formula (``ui.formulas.training.conv_cell_tree``). Picking a cell happens in the browser: no
rerun. Strings come translated through ``tr(key, **params)``; numbers are formatted with the reader's
digits, so a page that caches the payload makes the digits part of the key.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Callable

import numpy as np

from ui.components.cell_stepper import formula_block, grid, payload
from ui.components.conv_steppers import stepper_labels
from ui.formulas.conv_forward import Equation, equation_html, equation_text
from ui.formulas.training import conv_cell_tree
from ui.latex import subscript_unicode

Translate = Callable[..., str]
GROUP = "training.cell"
# the link keeps the picked cell as the page's own row and col parameters (1-based)
URL = {"row": "r", "col": "c"}


def forward_steps(x: np.ndarray, kernel: np.ndarray, bias: float, net: np.ndarray, titles: tuple[str, str, str],
                  tr: Translate, start: tuple[int, int] = (0, 0)) -> dict:
    """x (H, W), kernel (K, K), the filter's bias and net (OH, OW) of the core's trace; ``titles`` of the
    x, h and net grids; ``start`` = (row, col), 0-based, the link's cell (kept inside the map)."""
    x, kernel, net = (np.asarray(a, dtype=float) for a in (x, kernel, net))
    k = kernel.shape[0]
    oh, ow = net.shape
    grids = [grid(x, titles[0]), grid(kernel, titles[1]), grid(net, titles[2], pick=0)]
    cells = []
    for r in range(oh):
        for c in range(ow):
            eq = conv_cell_tree(x[r:r + k, c:c + k], kernel, float(bias), r, c, float(net[r, c]))
            html, aria = _two_halves(eq)
            cells.append({
                "label": subscript_unicode("net", r, c),
                "marks": [[0, r, c, r + k - 1, c + k - 1], [2, r, c, r, c]],
                "html": formula_block([(tr("training.cs_heading"), html)]),
                "aria": aria,
            })
    r0, c0 = min(max(int(start[0]), 0), oh - 1), min(max(int(start[1]), 0), ow - 1)
    return payload(grids, cells, (1, oh, ow), stepper_labels(tr, "training"), start=r0 * ow + c0, group=GROUP,
                   url=URL, start_from=f"{int(start[0])},{int(start[1])}", clamped=(r0, c0) != tuple(start))


def _two_halves(eq: Equation) -> tuple[str, str]:
    """``equation_html(eq)`` and ``equation_text(eq)`` of a two-line equation ``lhs = symbols = numbers = result``,
    rendered as the symbolic half (the same for every step of the training: only the weights change, so it comes
    from a cache) followed by the numeric half. Both renderers join the lines so that the halves add up to the
    whole: the numeric line's lead is "=" and the symbolic half ends before it."""
    symbols = replace(eq, lines=eq.lines[:1], result=None, approx=False)
    html, text = _rendered(symbols)
    numbers = replace(eq, lhs=(), lines=eq.lines[1:])
    return html + equation_html(numbers), text + equation_text(numbers)


@lru_cache(maxsize=256)        # the symbolic lines of a few maps' cells (36 each): bounded
def _rendered(eq: Equation) -> tuple[str, str]:
    return equation_html(eq), equation_text(eq)


def backward_steps(d_pool: np.ndarray, d_relu: np.ndarray, relu_prime: np.ndarray, d_net: np.ndarray,
                   net: np.ndarray, winners: np.ndarray, fc_W: np.ndarray, d_fc_z: np.ndarray, d_flat: np.ndarray,
                   f: int, filters: int, titles: tuple[str, str, str, str], tr: Translate,
                   start: tuple[int, int] = (0, 0)) -> dict:
    """The backward tab's stepper for one sample and filter ``f`` (0-based, of ``filters``): δ of p (PH, PW),
    the routed δ of o, ReLU′(net) and δ of net (OH, OW), all from the core's trace; ``winners`` (PH, PW, 2) the
    core's max-pool winners (row, col in o); fc_W (K, F·PH·PW), d_fc_z (K,) and d_flat (F·PH·PW,) of the
    sample. Per cell of o: ∂L/∂v_j of its pool window, the route through the max-pool and the step through
    ReLU′. Same group and link parameters as the forward stepper: a cell picked on one tab is the other's."""
    from ui.formulas.training import flat_gradient_tree, pool_position, relu_step_tree, route_tree

    d_pool, d_relu, relu_prime, d_net, net = (np.asarray(a, dtype=float) for a in (d_pool, d_relu, relu_prime, d_net, net))
    winners = np.asarray(winners, dtype=int)
    oh, ow = d_relu.shape
    pool_shape = (filters,) + d_pool.shape
    won = np.zeros((oh, ow), dtype=bool)
    for wr, wc in winners.reshape(-1, 2):
        won[wr, wc] = True
    grids = [grid(d_pool, titles[0]), grid(d_relu, titles[1], pick=0, won=won),
             grid(relu_prime, titles[2], pick=0, newline=True), grid(d_net, titles[3], pick=0)]
    cells = []
    for r in range(oh):
        for c in range(ow):
            pr, pc, j = pool_position(pool_shape, f, r, c)
            wr, wc = (int(i) for i in winners[pr, pc])
            is_winner = (wr, wc) == (r, c)
            flat = flat_gradient_tree(fc_W, d_fc_z, j, float(d_flat[j]))
            route = route_tree(is_winner, r, c, pr, pc, float(d_relu[r, c]))
            step = relu_step_tree(float(d_relu[r, c]), float(relu_prime[r, c]), float(net[r, c]), r, c, float(d_net[r, c]))
            kind = ["winner"] if is_winner else []
            # the pool window of o (2×2) that feeds p_{pr pc}; the cell; its δ of p; its cell on ReLU′ and δ of net
            inside = np.argwhere(_window_mask(oh, ow, pool_shape, f, pr, pc))
            (top, left), (bottom, right) = inside.min(axis=0).tolist(), inside.max(axis=0).tolist()
            marks = [[0, pr, pc, pr, pc], [1, top, left, bottom, right], [1, r, c, r, c, *kind],
                     [2, r, c, r, c], [3, r, c, r, c]]
            parts = [(tr("training.bwd_flat_caption", row=pr + 1, col=pc + 1, filter=f + 1, j=j + 1), equation_html(flat)),
                     (tr("training.bwd_cell_winner" if is_winner else "training.bwd_cell_loser", row=r + 1, col=c + 1,
                         wrow=wr + 1, wcol=wc + 1), equation_html(route)),
                     (tr("training.cs_relu_heading"), equation_html(step))]
            cells.append({"label": subscript_unicode("o", r, c), "marks": marks, "html": formula_block(parts),
                          "aria": "; ".join(equation_text(eq) for eq in (flat, route, step))})
    legend = [("won", tr("training.cs_legend_won")), ("winner", tr("training.cs_legend_winner"))]
    r0, c0 = min(max(int(start[0]), 0), oh - 1), min(max(int(start[1]), 0), ow - 1)
    labels = stepper_labels(tr, "training")
    labels.update({name: tr(f"training.bwd_stepper_{name}") for name in ("hint", "region", "stage")})
    return payload(grids, cells, (1, oh, ow), labels, start=r0 * ow + c0, group=GROUP,
                   url=URL, legend=legend, start_from=f"{int(start[0])},{int(start[1])}",
                   clamped=(r0, c0) != tuple(start))


def _window_mask(oh: int, ow: int, pool_shape: tuple[int, int, int], f: int, pr: int, pc: int) -> np.ndarray:
    """The cells of o whose pool window is (pr, pc) (from ``pool_position``, not re-derived here)."""
    from ui.formulas.training import pool_position

    return np.array([[pool_position(pool_shape, f, r, c)[:2] == (pr, pc) for c in range(ow)] for r in range(oh)])


def pool_steps(relu: np.ndarray, pool: np.ndarray, winners: np.ndarray, f: int, filters: int,
               titles: tuple[str, str], tr: Translate) -> dict:
    """The "ReLU and max-pooling" stepper of one sample and filter ``f`` (0-based): o = ReLU(net) (OH, OW) with
    every window's winner marked, p (PH, PW) of the core's trace; ``winners`` (PH, PW, 2) the core's (row, col)
    in o. Per cell of p: its 2×2 window on o, the winner, ``p = max(o …) = max(numbers) = value``. Its own
    group and no link parameter: the pool window is a reading aid, not a setting."""
    from ui.formulas.training import pool_max_tree

    relu, pool = np.asarray(relu, dtype=float), np.asarray(pool, dtype=float)
    winners = np.asarray(winners, dtype=int)
    oh, ow = relu.shape
    ph, pw = pool.shape
    pool_shape = (filters, ph, pw)
    won = np.zeros((oh, ow), dtype=bool)
    for wr, wc in winners.reshape(-1, 2):
        won[wr, wc] = True
    grids = [grid(relu, titles[0], won=won), grid(pool, titles[1], pick=0)]
    cells = []
    for pr in range(ph):
        for pc in range(pw):
            inside = [tuple(int(v) for v in rc) for rc in np.argwhere(_window_mask(oh, ow, pool_shape, f, pr, pc))]
            (top, left), (bottom, right) = inside[0], inside[-1]
            wr, wc = (int(i) for i in winners[pr, pc])
            eq = pool_max_tree(inside, [float(relu[r, c]) for r, c in inside], pr, pc, float(pool[pr, pc]))
            cells.append({"label": subscript_unicode("p", pr, pc),
                          "marks": [[0, top, left, bottom, right], [0, wr, wc, wr, wc, "winner"], [1, pr, pc, pr, pc]],
                          "html": formula_block([("", equation_html(eq))],
                                                [tr("training.cs_pool_winner", row=wr + 1, col=wc + 1)]),
                          "aria": equation_text(eq)})
    labels = stepper_labels(tr, "training")
    labels.update({name: tr(f"training.pool_stepper_{name}") for name in ("hint", "region", "stage")})
    legend = [("window", tr("training.cs_legend_window")), ("winner", tr("training.cs_legend_pool_winner"))]
    return payload(grids, cells, (1, ph, pw), labels, group="training.pool", legend=legend)
