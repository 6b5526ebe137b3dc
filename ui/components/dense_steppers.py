"""Cell-stepper payload of the fully connected page's forward pass, from the core's trace (pure).

The grids: the products wᵢⱼxⱼ (row i holds the terms of zᵢ), the bias b and the output z = W x + b. Per output
unit zᵢ (the pick grid): its row of products and its bias outlined, and the sum written out
(:func:`ui.formulas.dense.forward_row_tree`). Every number comes from a ``DenseForwardTrace``; strings come
translated through ``tr(key, **params)``. See :mod:`ui.components.cell_stepper` for the payload format.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ui.components.cell_stepper import formula_block, grid, payload
from ui.formulas import dense as fx
from ui.formulas.conv_forward import equation_html, equation_text
from ui.latex import subscript_unicode

Translate = Callable[..., str]


def labels(tr: Translate) -> dict[str, str]:
    """The component's labels (buttons, hint, regions) in the page's language."""
    out = {name: tr(f"dense.stepper_{name}") for name in ("prev", "next", "play", "pause")}
    out.update({name: tr(f"dense.cs_forward_{name}") for name in ("hint", "region", "stage")})
    out["clamped"] = tr("common.stepper_clamped")
    return out


def forward_steps(trace, tr: Translate, start: int = 0) -> dict:
    """Every output unit zᵢ: its products wᵢⱼxⱼ and bias bᵢ outlined, and zᵢ = Σⱼ wᵢⱼxⱼ + bᵢ with the numbers."""
    n_out, n_in = trace.W.shape
    units = [str(k) for k in range(1, n_out + 1)]
    grids = [grid(trace.products, tr("dense.products_title"), row_labels=units,
                  col_labels=[str(k) for k in range(1, n_in + 1)]),
             grid(np.reshape(trace.b, (-1, 1)), "b", row_labels=units, col_labels=[""]),
             grid(np.reshape(trace.z, (-1, 1)), "z", row_labels=units, col_labels=[""], pick=0)]
    cells = []
    for i in range(n_out):
        eq = fx.forward_row_tree(trace, i)
        cells.append({"label": subscript_unicode("z", i), "marks": [[0, i, 0, i, n_in - 1], [1, i, 0, i, 0]],
                      "html": formula_block([("", equation_html(eq))]), "aria": equation_text(eq)})
    return payload(grids, cells, (1, n_out, 1), labels(tr), start=start, group="dense.unit", url={"unit": "k"},
                   legend=[("window", tr("dense.cs_legend_row"))])
