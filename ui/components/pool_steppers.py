"""Cell-stepper payloads of the pooling page, from the core's traces (pure).

Forward: the padded input with every window, the output y; per output cell its max or mean.
Backward: the input a, δ and ∂L/∂a (and, with an activation, σ′(z) and δˡ⁻¹); per input cell the
δ of every window that sent it something (the route of max pooling, the share of average pooling).
Every number comes from a ``PoolTrace`` / ``PoolBackwardTrace`` (and the core's σ′), every formula
from :mod:`ui.formulas.pool`. Strings come translated through ``tr(key, **params)``. See
:mod:`ui.components.cell_stepper` for the payload format.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ui.components.cell_stepper import formula_block, grid, payload
from ui.components.conv_steppers import window_marks
from ui.formulas import pool as fx
from ui.formulas.conv_forward import equation_html, equation_text
from ui.latex import fmt, subscript_unicode

Translate = Callable[..., str]


def labels(tr: Translate, namespace: str, which: str) -> dict[str, str]:
    """The component's labels: the buttons' shared, the hint and regions of stepper ``which``."""
    out = {name: tr(f"{namespace}.stepper_{name}") for name in ("prev", "next", "play", "pause")}
    out.update({name: tr(f"{namespace}.{which}_{name}") for name in ("hint", "region", "stage")})
    out["clamped"] = tr("common.stepper_clamped")
    return out


def _padded_grid(trace, title: str) -> dict:
    """The padded input; max pooling's padding prints −∞ (it never wins)."""
    rows, cols = fx.grid_ticks(trace)
    mask = trace.pad_mask
    g = grid(np.where(np.isfinite(trace.padded[0]), trace.padded[0], 0.0), title,
             mask=mask if mask.any() else None, row_labels=[r or "·" for r in rows],
             col_labels=[c or "·" for c in cols])
    if trace.mode == "max":
        g["text"] = [["−∞" if pad else text for pad, text in zip(mrow, trow)] for mrow, trow in zip(mask, g["text"])]
    return g


def forward_steps(trace, tr: Translate, start: int = 0) -> dict:
    """Every output cell of the pooling: its window on the padded input, the winner (max), the formula."""
    oh, ow = trace.output.shape[1:]
    max_mode = trace.mode == "max"
    grids = [_padded_grid(trace, tr("pooling.fig_windows")),
             grid(trace.output[0], tr("pooling.fig_output_max" if max_mode else "pooling.fig_output_avg"), pick=0)]
    pad_label = tr("pooling.pad_label")
    cells = []
    for win in trace.windows:
        eq = fx.forward_tree(trace, win, pad_label)
        marks = window_marks(0, win.rows, win.cols)
        notes = [tr("pooling.formula_caption_max" if max_mode else "pooling.formula_caption_avg")]
        if max_mode:
            r, c = fx.winner_on_grid(trace, win)
            marks.append([0, r, c, r, c, "winner"])
            winner = subscript_unicode("a", *win.winner)
            notes.append(tr("pooling.winner_caption", cell=winner))
            ties = int(np.count_nonzero(win.values == win.output))
            if ties > 1:
                notes.append(tr("pooling.tie_note", count=ties, value=fmt(win.output), cell=winner))
        cells.append({"label": subscript_unicode("y", win.out_row, win.out_col), "marks": marks,
                      "html": formula_block([("", equation_html(eq))], notes), "aria": equation_text(eq)})
    legend = [("window", tr("pooling.cs_legend_window")), ("winner", tr("pooling.cs_legend_winner"))] \
        if max_mode else []
    return payload(grids, cells, (1, oh, ow), labels(tr, "pooling", "cs_forward"), start=start,
                   group="pooling.out", url={"cell": "k"}, legend=legend)


def backward_steps(back, tr: Translate, sigma_prime: np.ndarray | None = None, delta_prev: np.ndarray | None = None,
                   act_name: str = "", start: int = 0) -> dict:
    """Every input cell: the δ cells whose windows sent it something, and the sum it receives.

    With ``sigma_prime`` and ``delta_prev`` (H, W) — the core's σ′(z) and δˡ⁻¹ — two more grids and the
    step δˡ⁻¹ = ∂L/∂a ⊙ σ′(z) per cell.
    """
    mode = back.forward.mode
    a = back.forward.x[0]
    h, w = a.shape
    max_mode = mode == "max"
    # max pooling: the input cells that won a window (the only ones δ is routed back to), from the trace
    won = np.array([[bool(back.cell(r, c).terms) for c in range(w)] for r in range(h)]) if max_mode else None
    grids = [grid(a, tr("pooling.cs_input"), pick=0, won=won),
             grid(back.dy[0], tr("pooling.cs_delta")),
             grid(back.dx[0], tr("pooling.fig_upsample_max" if mode == "max" else "pooling.fig_upsample_avg"),
                  pick=0)]
    through = sigma_prime is not None and delta_prev is not None
    if through:
        grids += [grid(sigma_prime, tr("pooling.fig_sigma_prime", activation=act_name), pick=0, newline=True),
                  grid(delta_prev, tr("pooling.fig_delta_prev"), pick=0)]
    cells = []
    for r in range(h):
        for c in range(w):
            cell = back.cell(r, c)
            eq = fx.backward_tree(back, cell)
            kind = ["winner"] if max_mode and cell.terms else []
            marks = [[0, r, c, r, c, *kind], [2, r, c, r, c, *kind]]
            marks += [[1, term.out_row, term.out_col, term.out_row, term.out_col] for term in cell.terms]
            name = subscript_unicode("a", r, c)
            notes = [tr("pooling.cell_terms", cell=name, touching=cell.windows_touching, terms=len(cell.terms))]
            if not cell.terms:
                notes.append(tr("pooling.cell_no_terms_max" if mode == "max" else "pooling.cell_no_terms_avg"))
            parts = [(tr("pooling.cs_route_heading"), equation_html(eq))]
            aria = equation_text(eq)
            if through:
                step = fx.through_activation_tree(float(back.dx[0, r, c]), float(sigma_prime[r, c]),
                                                  float(delta_prev[r, c]), r, c)
                marks += [[3, r, c, r, c], [4, r, c, r, c]]
                parts.append((tr("pooling.cs_sigma_heading", activation=act_name), equation_html(step)))
                aria += "; " + equation_text(step)
            cells.append({"label": name, "marks": marks, "html": formula_block(parts, notes), "aria": aria})
    legend = [("won", tr("pooling.cs_legend_won")), ("winner", tr("pooling.cs_legend_winner_back"))] \
        if max_mode else []
    return payload(grids, cells, (1, h, w), labels(tr, "pooling", "cs_backward"), start=start,
                   group="pooling.in", url={"in_cell": "k"}, legend=legend)
