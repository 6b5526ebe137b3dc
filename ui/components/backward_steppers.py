"""Cell-stepper payloads of the convolution backward page, from the core's ``ConvBackwardTrace`` (pure).

Five steppers, one per view of the page: ∂E/∂x by the chain rule (way 1, per input cell), by scatter
(way 2, per δ cell), by the full convolution of δ̃ with rot180(W) (way 3, per input cell), the σ′ step
(per input cell) and ∂E/∂W (per weight). Every number comes from the trace (and the core's σ′ and
scatter results the page passes in), every formula from :mod:`ui.formulas.conv_backward`. Strings come
translated through ``tr(key, **params)``. See :mod:`ui.components.cell_stepper` for the payload format.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from ui.components.cell_stepper import formula_block, grid, payload
from ui.formulas import conv_backward as fx
from ui.formulas.conv_forward import Num, equation_html, equation_text, padded_tick_labels, to_mathml, to_text
from ui.latex import subscript_unicode

Translate = Callable[..., str]
NS = "conv_backward"


def labels(tr: Translate, which: str) -> dict[str, str]:
    """The component's labels: the shared buttons, the hint and regions of stepper ``which``."""
    out = {name: tr(f"{NS}.stepper_{name}") for name in ("prev", "next", "play", "pause")}
    out.update({name: tr(f"{NS}.{which}_{name}") for name in ("hint", "region", "stage")})
    out["clamped"] = tr("common.stepper_clamped")
    return out


def matrix_mathml(M: np.ndarray) -> str:
    """A matrix of numbers as MathML (brackets, one ``<mtd>`` per entry, numbers as :func:`fmt` prints)."""
    rows = "".join("<mtr>" + "".join(f"<mtd>{to_mathml((Num(float(v), factor=False),))}</mtd>" for v in row)
                   + "</mtr>" for row in np.asarray(M))
    return f"<mrow><mo>[</mo><mtable>{rows}</mtable><mo>]</mo></mrow>"


def _matrix_text(M: np.ndarray) -> str:
    return "[" + "; ".join(", ".join(to_text((Num(float(v), factor=False),)) for v in row) for row in M) + "]"


def _x_name(multi: bool, c: int, r: int, s: int) -> str:
    return subscript_unicode("x", c, r, s) if multi else subscript_unicode("i", r, s)


def _delta_grids(trace, tr: Translate, multi: bool, pick: bool = False, padded: bool = False) -> list[dict]:
    oh, ow = trace.dy.shape[1:]
    maps = trace.dy_padded if padded else trace.dy
    key = "fig_padded" if padded else "fig_delta"
    return [grid(maps[f], tr(f"{NS}.{key}", n=f + 1) if multi else tr(f"{NS}.{key}1"),
                 pick=f * oh * ow if pick else None) for f in range(maps.shape[0])]


def input_cell_steps(trace, c: int, multi: bool, tr: Translate, start: int = 0) -> dict:
    """Way 1: per input cell, the δ cells whose window covered it times the weight that touched it."""
    F = trace.dy.shape[0]
    H, W = trace.dx.shape[1:]
    grids = _delta_grids(trace, tr, multi)
    grids += [grid(trace.x[c], tr(f"{NS}.fig_x", n=c + 1) if multi else tr(f"{NS}.fig_x1"), pick=0, newline=True),
              grid(trace.dx[c], tr(f"{NS}.cs_dx", n=c + 1) if multi else tr(f"{NS}.cs_dx1"), pick=0)]
    cells = []
    for r in range(H):
        for s in range(W):
            eq = fx.dx_chain_tree(trace, c, r, s, multi)
            terms = trace.dx_terms(c, r, s)
            marks = [[tm.f, tm.oi, tm.oj, tm.oi, tm.oj] for tm in terms] + [[F, r, s, r, s], [F + 1, r, s, r, s]]
            note = (tr(f"{NS}.way1_none") if not terms else tr(f"{NS}.way1_caption_one") if len(terms) == 1
                    else tr(f"{NS}.way1_caption", n=len(terms)))
            cells.append({"label": _x_name(multi, c, r, s), "marks": marks,
                          "html": formula_block([("", equation_html(eq))], [note]), "aria": equation_text(eq)})
    return payload(grids, cells, (1, H, W), labels(tr, "cs_in"), start=start, group=f"{NS}.in", url={"cell": "rc"})


def scatter_steps(trace, c: int, multi: bool, tr: Translate, after: Sequence[np.ndarray], start: int = 0) -> dict:
    """Way 2: per δ cell (filter, row, column), what it sends back (δ·W onto its window) and ∂E/∂x so far.

    ``after[k]`` (H, W) is the core's ∂E/∂x of channel ``c`` once the first k + 1 δ cells have sent."""
    F, OH, OW = trace.dy.shape
    grids = _delta_grids(trace, tr, multi, pick=True)
    kernel_grid = len(grids)
    grids += [grid(trace.w[f, c], tr(f"{NS}.fig_w", f=f + 1, n=c + 1) if multi else tr(f"{NS}.fig_w1"),
                   dim_unmarked=multi) for f in range(F)]
    dx_grid = len(grids)
    grids.append(grid(trace.dx[c], tr(f"{NS}.cs_dx", n=c + 1) if multi else tr(f"{NS}.cs_dx1"), newline=True))
    cells, total = [], F * OH * OW
    for f in range(F):
        for i in range(OH):
            for j in range(OW):
                k = (f * OH + i) * OW + j
                sent = trace.contributions[f, i, j, c]
                eq = fx.scatter_tree(trace, f, i, j, c, multi)
                window = trace.input_window(i, j)
                marks = [[f, i, j, i, j], [kernel_grid + f, 0, 0, sent.shape[0] - 1, sent.shape[1] - 1]]
                if window is not None:
                    marks.append([dx_grid, *window])
                sent_html = (f'<div class="eq-line"><math>{to_mathml(eq.lhs)}<mo>=</mo>'
                             f'{to_mathml(eq.lines[0][0])}<mo>=</mo>{matrix_mathml(sent)}</math></div>')
                after_html = f'<div class="eq-line"><math>{matrix_mathml(after[k])}</math></div>'
                notes = [tr(f"{NS}.scatter_where", k=k + 1, total=total, symbol=subscript_unicode("δ", i, j)
                            + (f" ({tr(f'{NS}.filter_n', n=f + 1)})" if multi else ""))]
                if window is None:
                    notes.append(tr(f"{NS}.scatter_on_padding"))
                cells.append({
                    "label": subscript_unicode("δ", i, j) + (f" ({tr(f'{NS}.filter_n', n=f + 1)})" if multi else ""),
                    "marks": marks,
                    "html": formula_block([(tr(f"{NS}.cs_sent"), sent_html),
                                           (tr(f"{NS}.fig_after", k=k + 1, total=total), after_html)], notes),
                    "aria": f"{to_text(eq.lhs)} = {to_text(eq.lines[0][0])} = {_matrix_text(sent)}; "
                            f"{_matrix_text(after[k])}",
                })
    return payload(grids, cells, (F, OH, OW), labels(tr, "cs_delta"), start=start, group=f"{NS}.delta", url={"step": "k"})


def full_conv_steps(trace, c: int, multi: bool, tr: Translate, start: int = 0) -> dict:
    """Way 3: per input cell, rot180(W) over δ̃ at the cell's padded position (every filter)."""
    F = trace.dy.shape[0]
    H, W = trace.dx.shape[1:]
    grids = _delta_grids(trace, tr, multi, padded=True)
    kh = (trace.w.shape[2] - 1) * trace.dilation[0]
    kw = (trace.w.shape[3] - 1) * trace.dilation[1]
    rot_grid = len(grids)
    grids += [grid(trace.w_rot180[f, c], tr(f"{NS}.cs_rot", f=f + 1, n=c + 1) if multi else tr(f"{NS}.cs_rot1"),
                   dim_unmarked=False) for f in range(F)]
    dx_grid = len(grids)
    grids.append(grid(trace.dx[c], tr(f"{NS}.cs_dx", n=c + 1) if multi else tr(f"{NS}.cs_dx1"), pick=0,
                      newline=True))
    cells = []
    for r in range(H):
        for s in range(W):
            R, S = fx.padded_position(trace, r, s)
            eq = fx.dx_full_tree(trace, c, r, s, multi)
            marks = [[f, R, S, R + kh, S + kw] for f in range(F)]
            marks += [[rot_grid + f, 0, 0, trace.w.shape[2] - 1, trace.w.shape[3] - 1] for f in range(F)]
            marks.append([dx_grid, r, s, r, s])
            cells.append({"label": _x_name(multi, c, r, s), "marks": marks,
                          "html": formula_block([("", equation_html(eq))]), "aria": equation_text(eq)})
    return payload(grids, cells, (1, H, W), labels(tr, "cs_in"), start=start, group=f"{NS}.in", url={"cell": "rc"})


def sigma_steps(trace, sigma_prime: np.ndarray, delta_prev: np.ndarray, c: int, multi: bool, act_name: str,
                tr: Translate, start: int = 0) -> dict:
    """The σ′ step per input cell: ∂E/∂x ⊙ σ′(z) = δˡ⁻¹ (``sigma_prime``, ``delta_prev``: (C, H, W) from the core)."""
    H, W = trace.dx.shape[1:]
    grids = [grid(trace.dx[c], tr(f"{NS}.cs_dx", n=c + 1) if multi else tr(f"{NS}.cs_dx1"), pick=0),
             grid(sigma_prime[c], tr(f"{NS}.cs_sigma_prime", act=act_name), pick=0),
             grid(delta_prev[c], tr(f"{NS}.cs_delta_prev"), pick=0)]
    cells = []
    for r in range(H):
        for s in range(W):
            eq = fx.sigma_step_tree(float(trace.dx[c, r, s]), float(sigma_prime[c, r, s]),
                                    float(delta_prev[c, r, s]), c, r, s, multi)
            cells.append({"label": _x_name(multi, c, r, s), "marks": [[g, r, s, r, s] for g in range(3)],
                          "html": formula_block([("", equation_html(eq))]), "aria": equation_text(eq)})
    return payload(grids, cells, (1, H, W), labels(tr, "cs_in"), start=start, group=f"{NS}.in", url={"cell": "rc"})


def weight_steps(trace, f: int, c: int, multi: bool, tr: Translate, start: int = 0) -> dict:
    """∂E/∂W per weight: the input cells it read (one per δ cell) times those δ, summed."""
    KH, KW = trace.w.shape[2:]
    OH, OW = trace.dy.shape[1:]
    rows, cols = padded_tick_labels(trace)
    grids = [grid(trace.x_padded[c], tr(f"{NS}.fig_x", n=c + 1) if multi else tr(f"{NS}.fig_x1"),
                  mask=trace.pad_mask if trace.pad_mask.any() else None, row_labels=rows, col_labels=cols),
             grid(trace.dy[f], tr(f"{NS}.fig_delta", n=f + 1) if multi else tr(f"{NS}.fig_delta1")),
             grid(trace.dw[f, c], tr(f"{NS}.cs_dw", f=f + 1, n=c + 1) if multi else tr(f"{NS}.cs_dw1"), pick=0)]
    cells = []
    for a in range(KH):
        for b in range(KW):
            eq = fx.dw_sum_tree(trace, f, c, a, b, multi)
            marks = [[0, rr, qq, rr, qq] for rr, qq in fx.dw_cells(trace, f, c, a, b)]
            marks += [[1, 0, 0, OH - 1, OW - 1], [2, a, b, a, b]]
            name = subscript_unicode("w", a, b) + f"⁽{f + 1}˒{c + 1}⁾" if multi else subscript_unicode("h", a, b)
            notes = [tr(f"{NS}.dw_padding_note")] if trace.pad_mask.any() else []
            cells.append({"label": name, "marks": marks, "html": formula_block([("", equation_html(eq))], notes),
                          "aria": equation_text(eq)})
    return payload(grids, cells, (1, KH, KW), labels(tr, "cs_w"), start=start, group=f"{NS}.w", url={"weight": "rc"})


__all__ = ["full_conv_steps", "input_cell_steps", "labels", "matrix_mathml", "scatter_steps", "sigma_steps",
           "weight_steps"]


def start_index(cell: object, shape: tuple[int, int]) -> int:
    """The link's ``"row,col"`` (1-based) -> the cell number in reading order, kept inside ``shape``.

    Anything else (a bad value is already reported by the URL reader) starts at the first cell."""
    try:
        r, c = (int(v) for v in str(cell).split(","))
    except ValueError:
        return 0
    rows, cols = shape
    return min(max(r, 1), rows) * cols - cols + min(max(c, 1), cols) - 1
