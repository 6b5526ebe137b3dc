"""Cell-stepper payload of the training page's forward tab, from the core's step trace (pure).

The three grids the forward tab used to draw as Plotly heatmaps — one sample's image x, one
filter's kernel h and its map net = x ⋆ h + b — with, for every cell of net, its 3×3 window on x and
its formula (``ui.formulas.training.conv_cell_tree``). Picking a cell happens in the browser: no
rerun. Strings come translated through ``tr(key, **params)``; numbers are formatted with the reader's
digits, so a page that caches the payload makes the digits part of the key.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ui.components.cell_stepper import formula_block, grid, payload
from ui.components.conv_steppers import stepper_labels
from ui.formulas.conv_forward import equation_html, equation_text
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
            cells.append({
                "label": subscript_unicode("net", r, c),
                "marks": [[0, r, c, r + k - 1, c + k - 1], [2, r, c, r, c]],
                "html": formula_block([(tr("training.cs_heading"), equation_html(eq))]),
                "aria": equation_text(eq),
            })
    r0, c0 = min(max(int(start[0]), 0), oh - 1), min(max(int(start[1]), 0), ow - 1)
    return payload(grids, cells, (1, oh, ow), stepper_labels(tr, "training"), start=r0 * ow + c0, group=GROUP,
                   url=URL, start_from=f"{int(start[0])},{int(start[1])}", clamped=(r0, c0) != tuple(start))
