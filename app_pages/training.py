"""Training step: a tiny CNN (conv → ReLU → max-pool → flatten → FC → softmax) on 8×8 glyphs.

Thin page: seed, learning rate, steps, sample and filter come from widgets (mirrored in the URL);
every tensor comes from ``cnn_core.tiny_cnn`` (``train_step``'s StepTrace, ``train``,
``check_gradients``) and is drawn by ``ui`` renderers. The trained parameters and the loss history
live in ``st.session_state[widget_key(PAGE, "model")]``.

Speed in the browser (#14): the default view draws no Plotly chart and one cell stepper
(``ui.components.training_steppers``: x, h and net with every cell's window and formula).
The cell of net (forward) / of o (backward) is picked in the browser — one choice shared by both
tabs' steppers, kept in the link as row/col — so picking it reruns nothing. The other sections are
lazy tabs and expanders (only an open one is computed and sent); the choice of sample and filter
lives in a fragment with the tabs, and the data column and "Your own image" are fragments of their
own, so their controls rerun only their part. A step, a run or a new seed changes the curve, the metrics and
the open tab (on the Forward tab: its one stepper), nothing else, and reruns a part, not the page (below).
The loss curve, the probability bars and v = flatten(p) (and ∂L/∂v) are inline SVG built by
``ui.svg_chart`` from the core's numbers, and the gallery is 12 picture tiles (``ui.heatmap.grey_tiles``):
a Plotly chart that changes costs the browser ~80–90 ms, and the first one waits for Plotly's script, so
a step and the Forward tab's expanders use none (round 6). Plotly remains on the Backward tab's
gradients, the Update tab and the gradient check.

Layout code calls container methods (``box.latex``) instead of nesting ``with`` blocks:
Streamlit re-walks the syntax tree once per nested block when it compiles the script. The cached calls
and their builders live in ``ui.training_cache`` (their wrappers are made once, not on every rerun), and a run
trains with ``tiny_cnn.train_curve`` (50 steps ~10 ms; round 7). Round 8: a step re-sends fewer blocks (the
buttons, metrics and sample/filter menus are horizontal containers, not columns), the stepper's numbers are built
from remembered pieces, and the FC table is one plain HTML table (``ui.plain_table``), not Markdown per cell.
Round 10: the forward and backward tabs stay drawn once opened (for the same numbers), and a switch back to one
reruns a part that only writes the link (``_tab_switched``): the tab bar shows it, nothing is re-sent. Round 12: the
three buttons, the status and the body are one part (``_training``, a fragment below the settings' box): a click reruns
it alone, in one script run (a callback rerunning the status, the curve and the tabs by key made two runs and measured
slower, 100 against 88 ms of browser CPU; the whole page, 99). Only with the export panel open does a click rerun the
page (its setup holds the progress). Round 13: the buttons' and the seed's callbacks train (or start again) and compute
what the run shows (``_prepare``) before the run, which then sends its elements in one burst (the browser renders the
whole page again for each batch that arrives apart); a new seed is one run of the page (it reran the status and the
body by key: two runs); the export panel and each lazy section (ReLU/pool, flatten, FC, ∂L/∂v, the gradients) are parts
of their own, so opening one reruns and sends only it; the FC section's formulas are MathML (math boxes, no KaTeX).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from cnn_core import tiny_cnn
from ui.claims_view import claim_note
from ui.components.cell_stepper import cell_stepper
from ui.components.choice_menu import choice_menu
from ui.components.math_box import math_box
from ui.components.svg_box import svg_box
from ui.exercise_view import render_check_link
from ui.export import CHART_CONFIG, ExportDoc, export_panel, setup_just_loaded, setup_load_pending
from ui.i18n import current_language, explain_error, translator
from ui.image_input import image_uploader
from ui.formulas import training as fx
from ui.latex import display_digits, fmt, subscript, subscript_unicode
from ui.matrix_input import matrix_editor
from ui.metric_row import metric_row_html
from ui.page_kit import (clamp_on_change, clamped, open_section, opened_so_far, opened_tabs, page_body, page_body_running,
                         show_chart, url_fragment, url_tabs)
from ui.plain_table import table_html
from ui.presets import preset_selector
# the cached calls live in a module (their wrappers are made once, not on every rerun); the page's names kept
from ui.training_cache import FILTERS, GALLERY_PX, IMAGE_SIZE, MAX_SHIFT, NOISE, PER_CLASS
from ui.training_cache import backward_payload as _backward_payload, core as _core, figure as _figure
from ui.training_cache import forward_payload as _forward_payload, pool_payload as _pool_payload, svg as _svg
from ui.training_cache import tiles as _tiles
from ui.url_state import BoolParam, ChoiceParam, FloatParam, IntParam, MatrixParam, init_from_url, sync_to_url, widget_key

PAGE = "training"
# ~140 strings a run: bound to the run's language once (t() reads the session for each); the language radio reruns
# the whole app, so a part's own rerun (a fragment) uses the language of the full run that defined it
t = translator(current_language())
MODEL = "training.model"
N_IMAGES = PER_CLASS * len(tiny_cnn.CLASS_NAMES)
CONV_H, CONV_W, _, _ = tiny_cnn.feature_shape(IMAGE_SIZE)
K = tiny_cnn.CONV_KERNEL
PARAM_NAMES = ("conv_w", "conv_b", "fc_W", "fc_b")
MAX_RUNS = 12            # learning-rate changes a link can carry
MAX_REPLAY = 1000        # steps a link may ask to replay (about 0.2 s with tiny_cnn.train_curve)
PICK_PX = 280            # the sample and filter menus (a quarter of a wide page, as their columns were)
RUN_CHUNK = 50           # a run trains in chunks of 50 steps: an overflow keeps the chunks before it

SPECS = (
    IntParam("seed", 0, 0, 9999, label_key=widget_key(PAGE, "seed_label")),
    FloatParam("lr", 0.1, 0.01, 2.0, label_key=widget_key(PAGE, "lr_label")),
    IntParam("steps", 50, 1, 200, label_key=widget_key(PAGE, "steps_label")),
    IntParam("sample", 1, 1, N_IMAGES, label_key=widget_key(PAGE, "sample_label")),
    IntParam("filter", 1, 1, FILTERS, label_key=widget_key(PAGE, "filter_label")),
    # the cell of net (forward) and of o (backward), one choice picked in the browser by the two tabs' cell
    # steppers (one group): they rewrite these two in the link; the server reads them when a link is opened
    IntParam("row", 1, 1, CONV_H, label_key=widget_key(PAGE, "row_label")),
    IntParam("col", 1, 1, CONV_W, label_key=widget_key(PAGE, "col_label")),
    ChoiceParam("view", "forward", ("forward", "backward", "update", "gradcheck"), label_key=widget_key(PAGE, "view_label")),
    # the progress: one row (steps, η) per run at one learning rate; the link replays it exactly
    MatrixParam("runs", np.zeros((1, 2)), MAX_RUNS, 2, label_key=widget_key(PAGE, "runs_label")),
)
# the lazily drawn expanders ("training.show_<name>"): a link reopens the ones that were open
SPECS += tuple(BoolParam(f"show_{name}", False, label_key=widget_key(PAGE, "expander_label"))
               for name in ("data", "fwd_pool", "fwd_flat", "fwd_fc", "bwd_flat", "bwd_grads"))
RUNS = widget_key(PAGE, "runs")
TAB_NAMES = ("forward", "backward", "update", "gradcheck")
KEPT_TABS = frozenset({"forward", "backward"})   # tabs that stay drawn once opened (cell steppers, no Plotly)
LINK_PART = widget_key(PAGE, "link_part")        # a part that writes the link alone (a switch to a drawn tab)


def _valid_runs(matrix) -> tuple[tuple[int, float], ...] | None:
    """The link's (steps, η) rows, or None when a row is not a whole number of steps with an η the slider allows."""
    if matrix is None:
        return None
    runs = []
    for count, rate in np.asarray(matrix, dtype=float).reshape(-1, 2):
        if count == 0 and rate == 0:
            continue
        if count != int(count) or not 1 <= count <= MAX_REPLAY or not 0.01 <= rate <= 2.0:
            return None
        runs.append((int(count), float(rate)))
    return tuple(runs)


def _draw(where, svg: str, name: str) -> None:
    """An inline SVG chart (built by ``ui.svg_chart``, every text in it escaped) in the SVG box component (key
    ``training.svg_<name>``): the browser parses it natively and each point's tooltip works. As Markdown HTML the
    renderer built a React element for every SVG node on every step (#14); st.html drops an SVG; st.image would
    make it a picture."""
    with where:
        svg_box(svg, key=widget_key(PAGE, f"svg_{name}"))


def _chart(where, fig: go.Figure, name: str) -> None:
    show_chart(fig, PAGE, name, where=where, config=CHART_CONFIG)


def _heat(where, name: str, M: np.ndarray, title: str, **kwargs) -> None:
    """A matrix heatmap with translated axis titles (passed in, so the cached figure is per language)."""
    kwargs.setdefault("row_title", t("figure.row"))
    kwargs.setdefault("col_title", t("figure.col"))
    _chart(where, _figure("heatmap", M, title=title, **kwargs), name)


def _pct(x: float) -> str:
    return f"{x:.0%}"


MAX_DRAW = 9999


def _clamp_notes(where, names: tuple[str, ...]) -> None:
    for name in names:
        note = clamped(PAGE).get(name)
        if note is not None:
            where.warning(t("training.clamped", label=t(f"training.{name}_label"), typed=fmt(note.typed),
                            used=note.used, low=note.low, high=note.high))


def _why(err: Exception) -> str:
    """Why the core refused, in the page's words: an overflow is the learning rate's doing, not a variable's."""
    if getattr(err, "code", None) == "not_finite":
        return t("training.overflow")
    return explain_error(err)


def _fresh(seed: int, params, note=None) -> dict:
    return {"seed": seed, "params": params, "losses": [], "accuracies": [], "note": note, "runs": []}


def _record(model: dict, count: int, lr: float) -> None:
    """Add ``count`` steps at ``lr`` to the history the link carries (same η as the last run: one row)."""
    if count <= 0:
        return
    runs = model.setdefault("runs", [])
    if runs and runs[-1][1] == lr:
        runs[-1] = (runs[-1][0] + count, lr)
    else:
        runs.append((count, lr))


def _run(model: dict, x: np.ndarray, y: np.ndarray, lr: float, total: int) -> None:
    """``total`` SGD steps (``tiny_cnn.train_curve``: 50 steps take ~10 ms, so no progress bar); history and a
    note kept in ``model``. Chunks of 50 steps: when a huge η drives the weights to inf, the chunks before keep
    their steps (and the link replays them)."""
    done, before, after = 0, None, None
    try:
        while done < total:
            count = min(RUN_CHUNK, total - done)
            result = tiny_cnn.train_curve(model["params"], x, y, lr, count)
            model["losses"].extend(result.losses[:-1])
            model["accuracies"].extend(result.accuracies[:-1])
            model["params"], done = result.params, done + count
            before = before or (result.losses[0], result.accuracies[0])
            after = (result.losses[-1], result.accuracies[-1])
    except ValueError as err:  # e.g. a huge η drives the weights to inf: keep the last good ones
        model["note"] = ("run_failed", dict(done=done, total=total, message=_why(err)))
        return
    finally:
        _record(model, done, lr)
    # numbers kept as numbers: the note is written at the reader's digits when shown (they may change)
    model["note"] = ("run_done_one" if done == 1 else "run_done",
                     dict(steps=done, lr=float(lr), before=float(before[0]), after=float(after[0]),
                          acc_before=_pct(before[1]), acc_after=_pct(after[1])))


@dataclass(frozen=True)
class View:
    """What the tabs draw: this run's data and trace, and the chosen sample and filter (the cell is picked in
    the browser, see ``_forward_payload``)."""
    tr: tiny_cnn.StepTrace
    images: np.ndarray
    labels: np.ndarray
    names: tuple
    lr: float
    params: object  # the current (trained) parameters, for the gradient check
    steps_done: int
    sample: int
    filt: int

    @property
    def pool_indices(self) -> tuple[int, int]:
        """0-based n, f."""
        return self.sample - 1, self.filt - 1


def _expander(box, name: str, label: str):
    """A lazily drawn expander: the caller draws inside only when ``.open`` (closed by default)."""
    return box.expander(label, key=f"{PAGE}.show_{name}", on_change="rerun")


def _forward_tab(box, v: View) -> None:
    tr, names, sample, filt = v.tr, v.names, v.sample, v.filt
    n, f = v.pool_indices
    box.subheader(t("training.fwd_conv_subtitle", index=sample, filter=filt))
    with box:
        cell_stepper(_fwd_payload(tr, names, sample, filt), key=widget_key(PAGE, "stepper"))
    box.markdown(t("training.fwd_bias", filter=filt, value=fmt(tr.params.conv_b[f])))
    # the exercise is this sample's whole convolution (every cell of net): the picked cell lives in the browser;
    # one caption of two paragraphs (one element fewer to send and draw, #14)
    box.caption(t("training.fwd_conv_caption") + "\n\n" + t("training.fwd_check_caption"))
    with box:
        render_check_link("conv_forward", x=tr.x[n, 0], w=tr.params.conv_w[f, 0], b=float(tr.params.conv_b[f]),
                          stride=1, padding=0)

    # the rest of the forward pass: lazily drawn sections (only an open one is computed and sent), each a part
    with box:
        _section_part("fwd_pool", t("training.fwd_relu_subtitle"), v)
        _section_part("fwd_flat", t("training.fwd_flat_subtitle"), v)
        _section_part("fwd_fc", t("training.fwd_fc_subtitle"), v)


def _flat_section(box, v: View) -> None:
    """v = flatten(p): 36 numbers as an inline SVG grid, one row per filter (a Plotly heatmap made opening this
    ~1.9× a slider)."""
    tr, n = v.tr, v.sample - 1
    _draw(box, _svg("flat", tr.flat[n], tr.pool[n, 0].size, "v", title=t("training.fwd_flat_title"),
                    digits=display_digits(), row_labels=_filter_names()), "flat")
    box.caption(t("training.fwd_flat_caption"))


def _dflat_section(box, v: View) -> None:
    """∂L/∂v, as v's grid."""
    tr, n = v.tr, v.sample - 1
    _draw(box, _svg("flat", tr.d_flat[n], tr.pool[n, 0].size, "∂L/∂v", digits=display_digits(),
                    title=t("training.bwd_flat_title", index=v.sample), row_labels=_filter_names()), "dflat")


@url_fragment(PAGE, SPECS)
def _section_part(name: str, label: str, v: View) -> None:
    """One lazily drawn expander ("training.show_<name>") as a part of its own (#14 round 13): opening or closing it
    reruns and sends only it (it reran the tabs' part: the menus, the tab bar and the open tab's elements). Its
    content is drawn from ``v``, the numbers of the run that last drew the tab (a step or a new choice draws the tab,
    and this part, again)."""
    section = _expander(st, name, label)
    if section.open:
        SECTIONS[name](section, v)


def _fwd_payload(tr, names: tuple, sample: int, filt: int) -> dict:
    """The forward tab's stepper payload (cached): x, h and net of sample ``sample`` and filter ``filt`` (1-based)."""
    n, f = sample - 1, filt - 1
    return _forward_payload(tr.x[n, 0], tr.params.conv_w[f, 0], float(tr.params.conv_b[f]), tr.conv_z[n, f],
                            sample, names[int(tr.labels[n])], filt, _start_cell(), current_language(), display_digits())


def _relu_pool_section(box, v: View) -> None:
    """o with every pool window's winner marked, and p, as a cell stepper over the cells of p."""
    tr, filt = v.tr, v.filt
    n, f = v.pool_indices
    with box:
        cell_stepper(_pool_payload(tr.relu_a[n, f], tr.pool[n, f], tr.pool_winners[n, f], filt, current_language(),
                                   display_digits()), key=widget_key(PAGE, "pool_stepper"))
    box.caption(t("training.fwd_pool_caption"))
    if box.toggle(t("training.fwd_all_filters"), key=widget_key(PAGE, "all_filters")):
        titles = [t("training.filter_option", index=i + 1) for i in range(FILTERS)]
        for key, tensor, symbol in (("all_net", tr.conv_z[n], "net"), ("all_relu", tr.relu_a[n], "o"),
                                    ("all_pool", tr.pool[n], "p")):
            _chart(box, _figure("channels", tensor, titles=titles, title=t(f"training.fwd_{key}"), symbol=symbol,
                                  row_title=t("figure.row"), col_title=t("figure.col")), key)


def _fc_section(box, v: View) -> None:
    tr, names, sample = v.tr, v.names, v.sample
    n = v.sample - 1
    label_n, N = int(tr.labels[n]), len(tr.labels)
    box.caption(t("training.fwd_fc_caption"))
    c1, c2 = box.columns([2, 3])
    classes = tuple(f"{k + 1} · {name}" for k, name in enumerate(names))
    # one HTML string (``ui.plain_table``): st.table renders each of its 20 cells through the Markdown renderer
    c1.html(table_html({t("training.col_class"): classes, t("training.col_logit"): [fmt(z) for z in tr.fc_z[n]],
                        t("training.col_prob"): [fmt(a) for a in tr.probs[n]],
                        t("training.col_target"): [fmt(y) for y in tr.targets[n]]},
                       label=t("training.fwd_fc_subtitle")))
    _draw(c2, _svg("bars", classes, tr.probs[n], tr.targets[n],
                 (t("training.fwd_probs_title", index=sample), t("training.col_prob"),
                  t("training.col_target"), t("training.col_class")), display_digits()), "probs")
    box.caption(t("training.fwd_softmax_caption", label=names[label_n]))
    true_class = label_n
    # the formulas as MathML in math boxes (ui.components.math_box, #14 round 13): st.latex had KaTeX typeset each of
    # the three in the browser, ~20 ms a formula, when the section opened
    with box:
        math_box([fx.softmax_entry(tr.fc_z[n], true_class, float(tr.probs[n, true_class])).latex()],
                 widget_key(PAGE, "softmax_math"))
    losses_n = _core("sample_losses", tr.fc_z, tr.targets)
    box.caption(t("training.fwd_loss_caption", n=N))
    with box:
        math_box([fx.sample_loss(n, true_class, float(tr.probs[n, true_class]), losses_n[n]).latex(),
                  fx.batch_loss(np.asarray(losses_n), tr.loss).latex()], widget_key(PAGE, "loss_math"))
    box.markdown(t("training.fwd_accuracy", accuracy=_pct(tr.accuracy)))


def _filter_names() -> tuple[str, ...]:
    """"filter 1" … "filter 4", translated (the rows of v = flatten(p))."""
    return tuple(t("training.filter_option", index=i + 1) for i in range(FILTERS))


def _start_cell() -> tuple[int, int]:
    """The link's cell (row, col), 0-based: the steppers' first cell until the reader picks another."""
    return tuple(int(st.session_state.get(widget_key(PAGE, name), 1)) - 1 for name in ("row", "col"))


def _backward_tab(box, v: View) -> None:
    tr, names, sample, filt = v.tr, v.names, v.sample, v.filt
    n, f = v.pool_indices
    N = len(tr.labels)
    box.caption(t("training.bwd_intro"))
    box.subheader(t("training.bwd_fc_subtitle"))
    box.latex(fx.fc_delta(tr.probs[n], tr.targets[n], N, tr.d_fc_z[n]))
    box.caption(t("training.bwd_fc_note", n=N))
    with box:
        claim_note("s000_ce_grad")

    box.subheader(t("training.bwd_flat_subtitle"))
    with box:
        _section_part("bwd_flat", t("training.bwd_flat_more"), v)

    box.subheader(t("training.bwd_pool_subtitle"))
    with box:
        cell_stepper(_backward_payload(tr.d_pool[n, f], tr.d_relu[n, f], tr.relu_prime[n, f], tr.d_conv_z[n, f],
                                       tr.conv_z[n, f], tr.pool_winners[n, f], tr.params.fc_W, tr.d_fc_z[n],
                                       tr.d_flat[n], filt, _start_cell(), current_language(), display_digits()),
                     key=widget_key(PAGE, "bwd_stepper"))
    box.caption(t("training.bwd_stepper_caption"))
    box.caption(t("training.bwd_route_caption"))
    with box:
        claim_note("s003_pool_derivative")
        _section_part("bwd_grads", t("training.bwd_grad_subtitle", n=N), v)


def _grads_section(box, v: View) -> None:
    """The gradients of the chosen filter's kernel and bias and of the FC layer (Plotly heatmaps)."""
    tr, names, filt = v.tr, v.names, v.filt
    f = filt - 1
    c1, c2 = box.columns([2, 3])
    _heat(c1, "bwd_dh", tr.grads.conv_w[f, 0], t("training.bwd_dh_title", filter=filt), symbol="∂L/∂h", height=320)
    c1.markdown(t("training.bwd_db", filter=filt, value=fmt(tr.grads.conv_b[f])))
    c1.caption(t("training.bwd_conv_grad_caption"))
    class_ticks = [f"{k + 1} {name}" for k, name in enumerate(names)]
    # ∂L/∂W is 4 × 36: the 9 columns that read the chosen filter's pooled map, labelled v_j (readable)
    cols = fx.filter_columns(tr.pool.shape[1:], f)
    _heat(c2, "bwd_dW", tr.grads.fc_W[:, cols.start:cols.stop],
          t("training.bwd_dW_title_filter", filter=filt, first=cols.start + 1, last=cols.stop), symbol="∂L/∂W",
          row_labels=class_ticks, col_labels=[subscript_unicode("v", j) for j in cols], height=300,
          row_title=t("training.col_class"), col_title=t("training.bwd_dW_cols"))
    _heat(c2, "bwd_dc", tr.grads.fc_b, t("training.bwd_dc_title"), symbol="∂L/∂c", col_labels=class_ticks,
          row_labels=[""], height=180, row_title="", col_title=t("training.col_class"))
    c2.caption(t("training.bwd_fc_grad_caption"))


SECTIONS = {"fwd_pool": _relu_pool_section, "fwd_flat": _flat_section, "fwd_fc": _fc_section,
            "bwd_flat": _dflat_section, "bwd_grads": _grads_section}


def _entry(name: str, idx: tuple[int, ...], names: tuple) -> tuple[str, str]:
    """(widget text, LaTeX symbol) of one parameter entry, 1-based."""
    one = [i + 1 for i in idx]
    if name == "conv_w":
        return (t("training.upd_entry_conv_w", f=one[0], i=one[2], j=one[3]),
                rf"h^{{({one[0]})}}_{{{one[2]}{one[3]}}}")
    if name == "conv_b":
        return t("training.upd_entry_conv_b", f=one[0]), rf"b^{{({one[0]})}}"
    if name == "fc_W":
        return t("training.upd_entry_fc_W", k=one[0], label=names[idx[0]], j=one[1]), subscript("W", *idx)
    return t("training.upd_entry_fc_b", k=one[0], label=names[idx[0]]), subscript("c", *idx)


def _update_tab(box, v: View) -> None:
    tr, lr, filt, f = v.tr, v.lr, v.filt, v.filt - 1
    box.caption(t("training.upd_intro"))
    c1, c2 = box.columns(2)
    # two choice menus, the browser's own <select> (ui.components.choice_menu, #14 round 12: a Streamlit select is
    # ~140 React components that every pass of the page re-renders). Each parameter keeps its entry under its own
    # key ("training.upd_entry_<name>"): the entry menu offers that parameter's entries only, so the entry shown is
    # always one of them (the first until one is chosen), and coming back to a parameter finds its entry again.
    pname = choice_menu(t("training.upd_param_label"), [(p, t(f"training.upd_name_{p}")) for p in PARAM_NAMES],
                        widget_key(PAGE, "upd_param"), where=c1)
    entries = {i: _entry(pname, i, v.names) for i in np.ndindex(*getattr(tr.params, pname).shape)}
    idx = choice_menu(t("training.upd_entry_label"), [(i, text) for i, (text, _) in entries.items()],
                      f"training.upd_entry_{pname}", where=c2)
    sym = entries[idx][1]
    before, grad, after = (getattr(p, pname)[idx] for p in (tr.params, tr.grads, tr.new_params))
    box.caption(t("training.upd_rule_caption"))
    box.latex(fx.update_step(sym, float(before), float(tr.lr), float(grad), float(after)).latex())

    box.subheader(t("training.upd_panels_title", filter=filt))
    for column, key, tensor, symbol in zip(box.columns(3), ("upd_before", "upd_gradient", "upd_after"),
                                           (tr.params.conv_w[f, 0], tr.grads.conv_w[f, 0],
                                            tr.new_params.conv_w[f, 0]), ("h", "∂L/∂h", "h′")):
        # signed: the caption's "positive red, negative blue" holds even when a gradient has one sign only
        _heat(column, key, tensor, t(f"training.{key}"), symbol=symbol, height=320, signed=True)
    box.caption(t("training.upd_panels_caption"))
    try:
        loss_after = _core("loss", tr.new_params, v.images, v.labels)
    except ValueError as err:  # the update overflowed: say so, keep the rest of the tab
        box.error(_why(err))
        return
    box.markdown(t("training.upd_loss", before=fmt(tr.loss), after=fmt(loss_after)))
    if loss_after > tr.loss:
        box.warning(t("training.upd_loss_up", lr=fmt(lr)))


def _check_tab(box, v: View) -> None:
    box.caption(t("training.gc_intro", steps=v.steps_done))
    try:
        checks = _core("gradcheck", v.params, v.images, v.labels)
    except ValueError as err:
        box.error(_why(err))
        return
    box.table({t("training.gc_col_param"): [t(f"training.upd_name_{name}") for name, _ in checks],
                   t("training.gc_col_shape"): [" × ".join(map(str, chk.analytic.shape)) for _, chk in checks],
                   t("training.gc_col_error"): [fmt(chk.max_rel_error) for _, chk in checks],
                   t("training.gc_col_passed"): [t("training.gc_pass" if chk.passed else "training.gc_fail")
                                                 for _, chk in checks]}, hide_index=True)
    if all(chk.passed for _, chk in checks):
        box.success(t("training.gc_all_passed"))
    else:
        box.warning(t("training.gc_some_failed"))
    points = tuple((t(f"training.upd_name_{name}"), chk.analytic, chk.numeric) for name, chk in checks)
    _chart(box, _figure("scatter", points, (t("training.gc_scatter_title"), t("training.gc_scatter_x"),
                                         t("training.gc_scatter_y"))), "gc_scatter")
    box.caption(t("training.gc_caption"))


# --------------------------------------------------------------------------- controls and training

TRAIN_PART = widget_key(PAGE, "train_part")
WARNINGS = widget_key(PAGE, "_warnings")
TRAINED = widget_key(PAGE, "_trained")   # a button's callback trained: the part's run checks the export panel


def _now(trace: bool = True) -> tuple:
    """What the parts show, read from the session (a part rerun by key gets the arguments of the last full run):
    (seed, lr, images, labels, names, model, tr, steps_done); tr is None with ``trace=False``."""
    state = st.session_state
    seed = min(max(int(state.get(widget_key(PAGE, "seed"), 0)), 0), MAX_DRAW)
    lr = float(state.get(widget_key(PAGE, "lr"), 0.1))
    images, labels, names, _ = _core("setup", seed)
    model = state[MODEL]
    # _run never stores parameters the core refused
    tr = _core("step", model["params"], images, labels, lr) if trace else None
    return seed, lr, images, labels, tuple(names), model, tr, len(model["losses"])


def _link_runs(model: dict) -> None:
    """The progress goes into the link: seed + runs reproduce these weights exactly."""
    runs_now = model.get("runs", [])
    in_link = bool(runs_now) and len(runs_now) <= MAX_RUNS and len(model["losses"]) <= MAX_REPLAY
    st.session_state[RUNS] = model["runs_text"] = next(spec for spec in SPECS if spec.name == "runs").to_state(
        np.array(runs_now, dtype=float) if in_link else np.zeros((1, 2)))
    model["in_link"] = in_link


def _seed_changed() -> None:
    """A new seed (the number box): new data and a fresh network, made here with what the page shows of them
    (``_prepare``), before the page's run, which then only draws (in one burst). One run of the page (#14 round 13):
    rerunning the status and the body by key made two runs (Streamlit ends the callback's run early and starts the
    named parts'), and the empty first one cost the browser two whole-page passes; the page's own run re-sends the
    title and the settings unchanged, which the browser keeps as they were. A seed moved into range, a model not made
    yet or a progress from a link: the page's run sorts them out."""
    state = st.session_state
    had_note = "seed" in clamped(PAGE)
    clamp_on_change(PAGE, "seed", 0, MAX_DRAW, integer=True)
    model = state.get(MODEL)
    if had_note or "seed" in clamped(PAGE) or model is None or state.get(RUNS) != model.get("runs_text"):
        return
    seed = int(state[widget_key(PAGE, "seed")])
    if model.get("seed") != seed:
        model = state[MODEL] = _fresh(seed, _core("setup", seed)[3], ("seed_changed", {}))
        _link_runs(model)
    state[WARNINGS] = []
    _prepare()


def _status() -> None:
    """The note of the last action and the three metrics (inside the controls' box)."""
    _, _, _, _, _, model, tr, steps_done = _now()
    for warning in st.session_state.get(WARNINGS, ()):
        st.warning(warning)
    if model["note"] is not None:
        kind, note = model["note"]
        alert = {"run_failed": st.error, "run_done": st.success, "run_done_one": st.success,
                 "runs_restored": st.success}.get(kind, st.info)
        alert(t(f"training.{kind}", **{k: fmt(v) if isinstance(v, float) else v for k, v in note.items()}))
    # the three numbers as one element (ui.metric_row, #14 round 13, as autodiff's): three st.metric in a row were
    # ~130 React components that every pass of the page re-renders, on every control's action
    st.html(metric_row_html([(t("training.metric_steps"), str(steps_done)), (t("training.metric_loss"), fmt(tr.loss)),
                             (t("training.metric_accuracy"), _pct(tr.accuracy))]))
    if model.get("runs") and not model.get("in_link"):
        st.caption(t("training.runs_not_in_link", most=MAX_REPLAY, runs=MAX_RUNS))


st.title(t("training.title"))
st.markdown(t("training.intro"))
init_from_url(PAGE, SPECS)
controls = st.container(border=True)
controls.markdown(f"**{t('training.controls_title')}**")
left, middle, right = controls.columns([1, 2, 2])
# no min/max on the number boxes: the browser would refuse a typed 12000 silently; clamp_on_change says what is used
seed = int(left.number_input(t("training.seed_label"), step=1, key=widget_key(PAGE, "seed"), on_change=_seed_changed,
                             help=t("training.seed_help")))
_clamp_notes(left, ("seed",))
seed = min(max(seed, 0), MAX_DRAW)
lr = float(middle.slider(t("training.lr_label"), min_value=0.01, max_value=2.0, step=0.01, key=widget_key(PAGE, "lr"),
                         help=t("training.lr_help")))
steps = int(right.slider(t("training.steps_label"), min_value=1, max_value=200, step=1, key=widget_key(PAGE, "steps")))
images, labels, names, params0 = _core("setup", seed)
model = st.session_state.get(MODEL)
warnings = st.session_state[WARNINGS] = []   # the link's progress refused: said once, above the metrics
# The progress the page last wrote into the link (below); anything else in RUNS was put there by a
# link (a new session) or by a loaded setup file (ui.export's loader, in a running session, which may
# also change the seed): replay it, so the page shows the numbers of the page the setup was saved from.
if setup_just_loaded(PAGE) or model is None or st.session_state.get(RUNS) != model.get("runs_text"):
    # the runs of steps at each η are replayed from the seed: the same weights as where they were taken
    model = _fresh(seed, params0)
    runs_spec = next(spec for spec in SPECS if spec.name == "runs")
    linked = _valid_runs(runs_spec.from_state(st.session_state.get(RUNS)))
    if linked is None:
        warnings.append(t("training.runs_bad", most=MAX_REPLAY))
    elif linked and sum(count for count, _ in linked) > MAX_REPLAY:
        warnings.append(t("training.runs_too_long", most=MAX_REPLAY))
    elif linked:
        params, losses, accuracies, done, err = _core("replay", params0, images, labels, linked)
        model.update(params=params, losses=list(losses), accuracies=list(accuracies),
                     note=("runs_restored", dict(steps=done, runs=len(linked))))
        if err is not None:
            model["note"] = ("run_failed", dict(done=done, total=sum(c for c, _ in linked), message=_why(err)))
        model["runs"] = [tuple(r) for r in linked]
elif model.get("seed") != seed:
    model = _fresh(seed, params0, ("seed_changed", {}))
st.session_state[MODEL] = model
_link_runs(model)


# --------------------------------------------------------------------------- data and loss curve

# A fragment of its own: opening or closing the gallery reruns only this column (it used to rerun the whole
# page, ~75 messages); it depends on nothing but its expander and its arguments (a full run passes them again).
@url_fragment(PAGE, SPECS)
def _data_section(params, images: np.ndarray, labels: np.ndarray, names: tuple) -> None:
    st.subheader(t("training.data_section"))
    st.caption(t("training.data_caption", n=len(labels), per_class=PER_CLASS, classes="  ".join(names),
                 noise=fmt(NOISE), shift=MAX_SHIFT))
    gallery = _expander(st, "data", t("training.data_more"))
    if gallery.open:  # the 12 images (true → predicted class), drawn only when opened
        predicted = _core("predict", params, images)
        captions = [t("training.gallery_panel", index=i + 1, label=names[labels[i]], pred=names[predicted[i]])
                    for i in range(len(labels))]
        gallery.markdown(f"**{t('training.gallery_title')}**")
        # 12 small pictures (PNG tiles), not a Plotly chart: opening the gallery does not wait for Plotly
        gallery.image(_tiles(images), caption=captions, width=GALLERY_PX + 4)


@st.fragment
def _one_step(tr, images, labels, names, lr, params, steps_done) -> None:
    """Choice of sample and filter + the tabs: changing the choice reruns only this part (the forward tab's
    cell is picked in the browser; the backward tab draws its own cell choice). The two menus are the browser's own
    ``<select>`` (``ui.components.choice_menu``, #14 round 12: a Streamlit select is ~140 React components that
    every pass re-renders, and a popover per choice); the choice is kept under "training.sample" / "training.filter"
    as before, which the link reads and writes."""
    pick = st.container(horizontal=True)   # two menus in a row (not four columns: fewer blocks re-sent, #14)
    sample = int(choice_menu(t("training.sample_label"),
                             [(i, t("training.sample_option", index=i, label=names[labels[i - 1]]))
                              for i in range(1, N_IMAGES + 1)],
                             widget_key(PAGE, "sample"), width=PICK_PX, where=pick))
    filt = int(choice_menu(t("training.filter_label"),
                           [(i, t("training.filter_option", index=i)) for i in range(1, FILTERS + 1)],
                           widget_key(PAGE, "filter"), width=PICK_PX, where=pick))
    sync_to_url(PAGE, SPECS)  # every parameter, the controls above included
    st.caption(t("training.pipeline"))
    view = View(tr, images, labels, names, lr, params, steps_done, sample, filt)
    tabs = url_tabs(PAGE, "tab", "view", TAB_NAMES, [t(f"training.tab_{name}") for name in TAB_NAMES],
                    on_change=_tab_switched)
    sync_to_url(PAGE, SPECS)  # the open tab, by name
    drawn = _drawn_tabs(view)   # the open tab, and the stepper tab opened before for these numbers
    for name, tab, render in zip(TAB_NAMES, tabs, (_forward_tab, _backward_tab, _update_tab, _check_tab)):
        if name in drawn:
            render(tab, view)




def _tab_switched(view: str) -> None:
    """A switch to tab ``view`` (its name is kept already): back to a tab still drawn, only the link is written (the
    link part reruns, nothing is re-sent: the tab bar has shown it); to another tab, this part reruns and draws it."""
    if view in KEPT_TABS and view in opened_so_far(PAGE, "view"):
        st.rerun(LINK_PART)


@st.fragment(key=LINK_PART)
def _link_part() -> None:
    """Draws nothing: it writes the link (the open tab) when a switch back to a drawn tab reruns it alone."""
    sync_to_url(PAGE, SPECS)


def _drawn_tabs(v: View) -> set[str]:
    """The tabs to draw in this run: the open one, and the forward / backward tab when it was opened before for the
    same numbers (#14 round 10). A tab drawn while closed is the browser's to show: switching back to it is the tab
    bar's own switch, and the rerun it starts re-sends the same elements, so the stepper is not built again (a switch
    to the backward tab was ~2× the bare slider: its stepper and math boxes built anew). The update and gradient-check
    tabs (Plotly charts) are drawn only while open. New numbers (a step, a seed, another sample or filter) start
    again from the open tab alone: a step does not send a hidden stepper too."""
    state = st.session_state
    numbers = (v.sample, v.filt, v.steps_done, float(v.tr.loss), v.lr)
    opened_key = widget_key(PAGE, "view_opened")
    if state.get(widget_key(PAGE, "view_numbers")) != numbers:
        state[widget_key(PAGE, "view_numbers")] = numbers
        state[opened_key] = set()
    opened = opened_tabs(PAGE, "view", TAB_NAMES)
    current = open_section(PAGE, "view", TAB_NAMES)
    return {name for name in opened if name in KEPT_TABS or name == current}



# --------------------------------------------------------------------------- your own 8×8 image

# A fragment of its own: the toggle, the editor and the uploader rerun only this section (they used to rerun
# the whole page, ~87 messages); it reads only the current weights, passed again by every full run.
@url_fragment(PAGE, SPECS)
def _own_image(params, names: tuple, steps_done: int) -> None:
    st.subheader(t("training.own_section"))
    st.caption(t("training.own_caption", size=IMAGE_SIZE))
    # drawn only when asked for (the editor, the uploader and a figure; the uploader has its own expander)
    if not st.toggle(t("training.own_toggle"), key=widget_key(PAGE, "own_on")):
        return
    own_left, own_right = st.columns([2, 3])
    with own_left:
        preset_selector(widget_key(PAGE, "own"), kind="input", example=tiny_cnn.glyph_templates()[0],
                        max_rows=IMAGE_SIZE, max_cols=IMAGE_SIZE)
        own = matrix_editor(t("training.own_label", size=IMAGE_SIZE), key=widget_key(PAGE, "own"),
                            default=tiny_cnn.glyph_templates()[0], max_rows=IMAGE_SIZE, max_cols=IMAGE_SIZE, height=180)
        image_uploader(widget_key(PAGE, "own"), key=widget_key(PAGE, "upload"), size=(IMAGE_SIZE, IMAGE_SIZE))
    if own is not None and own.shape != (IMAGE_SIZE, IMAGE_SIZE):
        own_left.error(t("training.own_size", size=IMAGE_SIZE, rows=own.shape[0], cols=own.shape[1]))
    elif own is not None:
        try:
            own_probs = _core("probs", params, own[None, None])[0]
        except ValueError as err:
            own_right.error(_why(err))
        else:
            classes = tuple(f"{k + 1} · {name}" for k, name in enumerate(names))
            best = int(np.argmax(own_probs))
            own_right.markdown(t("training.own_result" if steps_done else "training.own_result_untrained",
                                 label=names[best], prob=_pct(float(own_probs[best])), steps=steps_done))
            _draw(own_right, _svg("bars", classes, own_probs, np.zeros(len(names)),
                                (t("training.own_probs_title"), t("training.col_prob"), t("training.col_target"),
                                 t("training.col_class")), display_digits()), "own")


def _body() -> None:
    """Everything below the controls that shows the data, the network or its progress (read from the session)."""
    _, lr, images, labels, names, model, tr, steps_done = _now()
    data_col, curve_col = st.columns([3, 2])
    with data_col:
        _data_section(model["params"], images, labels, tuple(names))
    _curve(curve_col, labels, model, tr, steps_done)
    _look(lr, images, labels, names, model, tr, steps_done)
    _own_image(model["params"], names, steps_done)


def _curve(where, labels: np.ndarray, model: dict, tr, steps_done: int) -> None:
    """The loss and accuracy after every step so far (the curve column)."""
    where.subheader(t("training.curve_section"))
    # Before the first step the curve would be one point, the untrained network's loss and accuracy, which the
    # metrics above already show: the page then draws no chart at all, so its first view does not wait for
    # Plotly (the bare page's first view does the same work; this page's was ~1.6-1.9× it with the curve).
    if steps_done == 0:
        where.info(t("training.curve_empty", loss=fmt(tr.loss), accuracy=_pct(tr.accuracy)))
        return
    with where:
        svg_box(_curve_svg(model, tr), key=widget_key(PAGE, "svg_curve"))
    where.caption(t("training.curve_caption", n=len(labels)))


def _curve_svg(model: dict, tr) -> str:
    """The loss and accuracy curve as an inline SVG (cached): every step so far and the current weights' point."""
    return _svg("curve", np.array(model["losses"] + [tr.loss]), np.array(model["accuracies"] + [tr.accuracy]),
                (t("training.curve_title"), t("training.curve_x"), t("training.curve_loss"),
                 t("training.curve_accuracy")), display_digits())


def _look(lr: float, images: np.ndarray, labels: np.ndarray, names: tuple, model: dict, tr, steps_done: int) -> None:
    """One step, every tensor: the choice of sample and filter and the tabs, for the current weights."""
    st.subheader(t("training.look_section"))   # one step, every tensor
    st.caption(t("training.look_caption", steps=steps_done, lr=fmt(lr)))
    _one_step(tr, images, labels, names, lr, model["params"], steps_done)
    _link_part()


def _train(action: str) -> None:
    """A button's callback ("step", "run" or "reset"): trains (or starts again) and computes what the part shows
    (``_prepare``) before the part's run, which then only draws (#14 round 13: trained while the run drew, the buttons
    reached the browser ~10-25 ms before the rest, and the browser rendered the whole page once more in between). A
    callback runs before the run's first element is sent (a fragment's run starts by sending its container)."""
    state = st.session_state
    seed, lr, images, labels, _, model, _, _ = _now(trace=False)
    if action == "reset":
        model = state[MODEL] = _fresh(seed, _core("setup", seed)[3], ("reset_done", {}))
    else:
        _run(model, images, labels, lr, 1 if action == "step" else int(state.get(widget_key(PAGE, "steps"), 50)))
    state[WARNINGS] = []
    _link_runs(model)
    state[TRAINED] = True
    _prepare()


def _prepare() -> None:
    """Compute what the part's run shows before it draws anything (the cached calls then answer at once): the step's
    trace, the curve and the open forward tab's stepper. Streamlit sends each element as it is drawn, and the browser
    renders the page again for each batch that arrives apart (~10 ms): elements sent in one burst are one pass."""
    _, _, _, labels, names, model, tr, steps_done = _now()
    if steps_done:
        _curve_svg(model, tr)
    if open_section(PAGE, "view", TAB_NAMES) == "forward":
        state = st.session_state
        sample, filt = (int(state.get(widget_key(PAGE, name), 1)) for name in ("sample", "filter"))
        if 1 <= sample <= N_IMAGES and 1 <= filt <= FILTERS:
            _fwd_payload(tr, names, sample, filt)


@st.fragment(key=TRAIN_PART)
def _training() -> None:
    """The buttons, the status and the body: a step, a run or a reset reruns this part alone (one run), not the title
    and the settings above it (#14 round 12). The buttons' callbacks train before the run (``_train``)."""
    state = st.session_state
    if not state.pop(TRAINED, False):
        _prepare()   # (a button's callback prepared it)
    elif state.get(widget_key(PAGE, "export_open")) and not page_body_running(PAGE):
        st.rerun(scope="app")   # this part's own run: the export panel below holds the progress, the page follows
    steps = int(state.get(widget_key(PAGE, "steps"), 50))
    box = st.container(border=True)
    # one row of three buttons (a horizontal container, not four columns: fewer blocks a step re-sends, #14)
    buttons = box.container(horizontal=True, vertical_alignment="center")
    buttons.button(t("training.step_button"), key=widget_key(PAGE, "step_button"), type="primary",
                   on_click=_train, args=("step",))
    buttons.button(t("training.run_button_one" if steps == 1 else "training.run_button", n=steps),
                   key=widget_key(PAGE, "run_button"), on_click=_train, args=("run",))
    buttons.button(t("training.reset_button"), key=widget_key(PAGE, "reset_button"), help=t("training.reset_help"),
                   on_click=_train, args=("reset",))
    with box:
        _status()
    _body()


with page_body(PAGE):   # tells this part's own run (a click) from the page's
    _training()

# --------------------------------------------------------------------------- take it away

def _export_doc() -> ExportDoc:
    """The run's setup and one conv cell (the one chosen in the forward view), built only while the panel is open;
    read from the session (``_now``): the panel's own rerun gets no arguments from the page."""
    seed, lr, _, _, _, _, tr, steps_done = _now()
    n, f, r, c = (int(st.session_state.get(widget_key(PAGE, name), 1)) - 1 for name in ("sample", "filter", "row", "col"))
    doc = ExportDoc(t("training.title"))
    doc.step(t("training.export_setup"), text=t("training.export_text", draw=seed, lr=fmt(lr), steps=steps_done,
                                                loss=fmt(tr.loss), accuracy=_pct(tr.accuracy)),
             matrices={"x": tr.x[n, 0], "h": tr.params.conv_w[f, 0]})
    return doc.step(t("training.fwd_conv_subtitle", index=n + 1, filter=f + 1),
                    latex=[fx.conv_cell(tr.x[n, 0, r:r + K, c:c + K], tr.params.conv_w[f, 0], float(tr.params.conv_b[f]),
                                        r, c, float(tr.conv_z[n, f, r, c])).latex(),
                           fx.batch_loss(np.asarray(_core("sample_losses", tr.fc_z, tr.targets)), tr.loss).latex()])


# A part of its own (#14 round 13, as transposed's panels): opening or closing the panel reruns and sends only it, not
# the page (the page was ~1.3-1.5x the bare slider). A setup file loaded in it changes the seed and the progress:
# the whole page then runs again, and replays them (the flag stays set for the page's run).
@url_fragment(PAGE, SPECS, key=widget_key(PAGE, "export_part"))
def _export_part() -> None:
    if setup_load_pending(PAGE):
        st.rerun()
    export_panel(PAGE, SPECS, _export_doc)


_export_part()
