"""Cell-stepper payload of the padding & stride page, from the core's ``PaddedGrid`` (pure).

One stepper replaces the Plotly footprint chart, its two output-cell number inputs and the animated
"every kernel position" figure (#14): the padded input with how many kernel positions read each cell
(padding hatched, real input that no position reads marked), the output to pick a cell in, and per
output cell the kernel's taps outlined and where its window lies (``ui.formulas.padding.window_edges``).
Every number comes from ``cnn_core.arithmetic`` (``read_counts``, ``never_read``, ``mask``, ``windows``,
``kernel_taps``, the axes' ``starts``). Strings come translated through ``tr(key, **params)``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from cnn_core.arithmetic import kernel_taps
from ui.components.cell_stepper import formula_block, grid, payload
from ui.components.conv_steppers import window_marks
from ui.formulas.conv_forward import equation_html, equation_text
from ui.formulas.padding import window_edges
from ui.latex import subscript_unicode

Translate = Callable[..., str]


def _ticks(index, pad: str) -> list[str]:
    return [pad if i is None else str(i + 1) for i in index]


def labels(tr: Translate) -> dict[str, str]:
    out = {name: tr(f"padding.stepper_{name}") for name in ("prev", "next", "play", "pause", "hint", "region",
                                                              "stage")}
    out["clamped"] = tr("common.stepper_clamped")
    return out


def footprint_steps(grid_trace, height, width, tr: Translate, cell: tuple[int, int] = (1, 1)) -> dict:
    """Every kernel position of ``grid_trace`` (a ``PaddedGrid`` with an output; ``height`` / ``width`` its
    ``AxisArithmetic``): outlined taps on the padded grid and the window's rows and columns per output cell.

    ``cell`` = (row, col), 1-based as in the link, is the first cell shown; one outside the output is kept
    inside it (row 5 of a 2×2 output shows row 2) and the stepper says so."""
    oh, ow = grid_trace.out_hw
    row, col = (min(max(int(v), 1), n) for v, n in zip(cell, (oh, ow)))
    mask = np.asarray(grid_trace.mask, dtype=bool)
    pad = tr("padding.tick_pad")
    taps_of = [kernel_taps(height, width, i, j) for i, j in grid_trace.positions]
    real = np.array([sum(not mask[r, c] for r, c in taps) for taps in taps_of], dtype=float).reshape(oh, ow)
    grids = [
        grid(grid_trace.read_counts, tr("padding.cs_padded"), mask=mask if mask.any() else None,
             row_labels=_ticks(grid_trace.row_index, pad), col_labels=_ticks(grid_trace.col_index, pad),
             won=grid_trace.never_read if np.any(grid_trace.never_read) else None),
        grid(real, tr("padding.cs_output", oh=oh, ow=ow), pick=0),
    ]
    first, last = tr("padding.cs_first"), tr("padding.cs_last")
    cells = []
    for (i, j), taps in zip(grid_trace.positions, taps_of):
        rows = sorted({r for r, _ in taps})
        cols = sorted({c for _, c in taps})
        equations = [*window_edges("h", height, i, first, last), *window_edges("w", width, j, first, last)]
        n_real = int(real[i, j])
        heads = [tr("padding.cs_rows_heading"), "", tr("padding.cs_cols_heading"), ""]
        html_parts = [(head, equation_html(eq)) for head, eq in zip(heads, equations)]
        notes = [tr("padding.cs_taps_note", taps=len(taps), real=n_real, zeros=len(taps) - n_real),
                 tr("padding.cs_counting_note")]
        cells.append({"label": subscript_unicode("o", i, j), "marks": window_marks(0, rows, cols),
                      "html": formula_block(html_parts, notes),
                      "aria": "; ".join(equation_text(eq) for eq in equations)})
    legend = [("window", tr("padding.cs_legend_window"))]
    if np.any(grid_trace.never_read):
        legend.append(("won", tr("padding.cs_legend_never")))
    return payload(grids, cells, (1, oh, ow), labels(tr), start=(row - 1) * ow + (col - 1),
                   start_from=f"{cell[0]},{cell[1]}", clamped=(row, col) != tuple(cell),
                   group="padding.out", url={"oi": "r", "oj": "c"}, legend=legend)
