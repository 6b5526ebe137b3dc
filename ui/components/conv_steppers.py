"""Cell-stepper payloads of the forward convolution pages, from the core's traces (pure).

Every window outlined and every number printed comes from a ``ConvTrace`` (its ``tap_rows`` /
``tap_cols``, ``window``, ``weights``, ``partial_sums``, ``output``); the formulas come from
:mod:`ui.formulas.conv_forward`. Strings come translated through ``tr(key, **params)`` (the
page passes ``t``). See :mod:`ui.components.cell_stepper` for the payload format.

Numbers are formatted with the reader's digits (:func:`ui.latex.display_digits`): a page that
caches a payload must make the digits part of the cache key (an argument of the cached function).
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np

from ui.components.cell_stepper import formula_block, grid, payload
from ui.formulas.conv_forward import (
    Sym, activation_equation, equation_html, equation_text, flipped_kernel_index, multi_partial_equation,
    multi_total_equation, padded_tick_labels, single_net_equation,
)
from ui.latex import subscript_unicode

Translate = Callable[..., str]


def window_marks(grid_index: int, rows: Sequence[int], cols: Sequence[int]) -> list[list[int]]:
    """Outline the taps ``rows × cols`` of ``grid_index``: one rectangle when they are contiguous
    (no dilation), else one mark per tap."""
    rows, cols = [int(r) for r in rows], [int(c) for c in cols]
    if np.all(np.diff(rows) == 1) and np.all(np.diff(cols) == 1):
        return [[grid_index, rows[0], cols[0], rows[-1], cols[-1]]]
    return [[grid_index, r, c, r, c] for r in rows for c in cols]


def stepper_labels(tr: Translate, namespace: str) -> dict[str, str]:
    """The component's button and region labels, from ``<namespace>.stepper_<name>``."""
    out = {name: tr(f"{namespace}.stepper_{name}")
           for name in ("prev", "next", "play", "pause", "hint", "region", "stage")}
    out["clamped"] = tr("common.stepper_clamped")
    return out


def single_channel_steps(trace, out: np.ndarray, activation: str, act_name: str, tr: Translate,
                         notes: Mapping[tuple[int, int], Sequence[str]] | None = None, start: int = 0) -> dict:
    """The "one output cell" stepper: padded input, kernel, net and out; per cell the net sum and
    the activation. ``out`` (1, OH, OW) is the core's activation of ``trace.output``."""
    rows, cols = padded_tick_labels(trace)
    kernel = trace.w[0, 0]
    oh, ow = trace.output.shape[1:]
    grids = [
        grid(trace.x_padded[0], tr("conv_single.fig_windows"), mask=trace.pad_mask, row_labels=rows,
             col_labels=cols),
        grid(kernel, tr("conv_single.fig_kernel", rows=kernel.shape[0], cols=kernel.shape[1])),
        grid(trace.output[0], tr("conv_single.fig_net"), pick=0),
        grid(out[0], tr("conv_single.fig_out", name=act_name), pick=0),
    ]
    cells = []
    for i in range(oh):
        for j in range(ow):
            cell = trace.cell(0, i, j)
            o = Sym("o", (i, j))
            net_sym, out_sym = Sym("net", sub=o), Sym("out", sub=o)
            net = single_net_equation(trace, i, j, (net_sym,))
            act = activation_equation(activation, out_sym, net_sym, float(cell.total), float(out[0, i, j]))
            cell_notes = ([tr("conv_single.cs_pad_note")] if bool(cell.on_padding.any()) else []) \
                + list((notes or {}).get((i, j), ()))
            cells.append({
                "label": subscript_unicode("o", i, j),
                "marks": window_marks(0, cell.tap_rows, cell.tap_cols),
                "html": formula_block([(tr("conv_single.cs_net_heading"), equation_html(net)),
                                       (tr("conv_single.cs_act_heading", name=act_name), equation_html(act))],
                                      cell_notes),
                "aria": f"{equation_text(net)}; {equation_text(act)}",
            })
    return payload(grids, cells, (1, oh, ow), stepper_labels(tr, "conv_single"), start=start,
                   group="conv_single.cell", url={"cell": "k"})


def single_channel_compare(trace, conv_trace, tr: Translate, start: int = 0) -> dict:
    """The "cross-correlation vs. true convolution" stepper: the same window, h and rot180(h).

    ``conv_trace`` is the trace of the input with rot180(h); its weights are named by the
    original kernel's indices (i₁₁ pairs with h₂₂ for a 2×2 kernel)."""
    rows, cols = padded_tick_labels(trace)
    kernel, flipped_w = trace.w[0, 0], conv_trace.w[0, 0]
    oh, ow = trace.output.shape[1:]
    grids = [
        grid(trace.x_padded[0], tr("conv_single.fig_windows"), mask=trace.pad_mask, row_labels=rows,
             col_labels=cols),
        grid(kernel, tr("conv_single.fig_kernel", rows=kernel.shape[0], cols=kernel.shape[1])),
        grid(flipped_w, tr("conv_single.fig_kernel_rot")),
        grid(trace.output[0], tr("conv_single.fig_corr"), pick=0, newline=True),
        grid(conv_trace.output[0], tr("conv_single.fig_conv"), pick=0),
    ]
    flipped = flipped_kernel_index(kernel.shape)
    cells = []
    for i in range(oh):
        for j in range(ow):
            cell = trace.cell(0, i, j)
            corr = single_net_equation(trace, i, j, (Sym("(i ⋆ h)", (i, j)),))
            conv = single_net_equation(conv_trace, i, j, (Sym("(i ∗ h)", (i, j)),), flipped)
            cells.append({
                "label": subscript_unicode("o", i, j),
                "marks": window_marks(0, cell.tap_rows, cell.tap_cols),
                "html": formula_block([(tr("conv_single.cs_corr_heading"), equation_html(corr)),
                                       (tr("conv_single.cs_conv_heading"), equation_html(conv))]),
                "aria": f"{equation_text(corr)}; {equation_text(conv)}",
            })
    return payload(grids, cells, (1, oh, ow), stepper_labels(tr, "conv_single"), start=start,
                   group="conv_single.cell", url={"cell": "k"})


def multi_channel_steps(trace, tr: Translate, start: tuple[int, int, int] = (0, 0, 0)) -> dict:
    """The multi-channel stepper: every padded input channel, both filters' kernels (the shown
    cell's filter in full colour), one output map per filter; per cell the partial sum of every
    channel, then ``z = S₁ + … + S_C + b``.

    ``start`` = (filter, row, col), 0-based, of the first cell shown; each is kept inside the
    output (a link's row 5 on a 2×2 output shows row 2)."""
    filters, channels = trace.w.shape[:2]
    oh, ow = trace.output.shape[1:]
    rows, cols = padded_tick_labels(trace)
    grids = [grid(trace.x_padded[c], tr("conv_multi.cs_input", c=c + 1), mask=trace.pad_mask, row_labels=rows,
                  col_labels=cols) for c in range(channels)]
    kernel_grid = {}
    for f in range(filters):
        for c in range(channels):
            kernel_grid[f, c] = len(grids)
            grids.append(grid(trace.w[f, c], tr("conv_multi.cs_kernel", f=f + 1, c=c + 1),
                              dim_unmarked=True, newline=c == 0))
    out_grid = len(grids)
    for f in range(filters):
        grids.append(grid(trace.output[f], tr("conv_multi.output_fig_title", f=f + 1), pick=f * oh * ow,
                          newline=f == 0, dim_unmarked=True))
    kh, kw = trace.w.shape[2:]
    cells = []
    for f in range(filters):
        for i in range(oh):
            for j in range(ow):
                cell = trace.cell(f, i, j)
                marks = [m for c in range(channels) for m in window_marks(c, cell.tap_rows, cell.tap_cols)]
                marks += [[kernel_grid[f, c], 0, 0, kh - 1, kw - 1] for c in range(channels)]
                marks.append([out_grid + f, i, j, i, j])
                partials = [multi_partial_equation(trace, f, i, j, c) for c in range(channels)]
                total = multi_total_equation(trace, f, i, j)
                parts = [(tr("conv_multi.cs_partial", c=c + 1), equation_html(eq)) for c, eq in enumerate(partials)]
                parts.append((tr("conv_multi.cs_total", f=f + 1), equation_html(total)))
                cells.append({
                    "label": f"{tr('conv_multi.filter_option', n=f + 1)}: {subscript_unicode('z', i, j)}",
                    "marks": marks,
                    "html": formula_block(parts),
                    "aria": "; ".join(equation_text(eq) for eq in [*partials, total]),
                })
    f0, i0, j0 = (min(max(int(v), 0), n - 1) for v, n in zip(start, (filters, oh, ow)))
    return payload(grids, cells, (filters, oh, ow), stepper_labels(tr, "conv_multi"), start=(f0 * oh + i0) * ow + j0,
                   group="conv_multi.cell", url={"filter": "l", "row": "r", "col": "c"},
                   start_from=",".join(str(int(v)) for v in start), clamped=(f0, i0, j0) != tuple(start))
