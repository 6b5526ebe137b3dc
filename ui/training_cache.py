"""The training page's cached calls and the pure builders behind them (no widgets).

A page script runs again on every rerun, and with it every ``@st.cache_data`` line in it: Streamlit then
hashes the function's source again (~0.4 ms each, seven for this page). Defined here, in a module imported
once, the wrappers are made once per process; the page (``app_pages/training.py``) calls them. Every
number still comes from ``cnn_core.tiny_cnn``; the payloads are ``ui.components.training_steppers``'.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from cnn_core import tiny_cnn
from cnn_core.dense import softmax_ce_trace
from ui import svg_chart
from ui.components.training_steppers import backward_steps, forward_steps, pool_steps
from ui.heatmap import channels_heatmap, grey_tiles, matrix_heatmap
from ui.i18n import translator
from ui.latex import fmt

# The data: 3 noisy copies of each of the 4 glyphs, shifted by up to one pixel.
PER_CLASS, NOISE, MAX_SHIFT, IMAGE_SIZE, FILTERS = 3, 0.2, 1, 8, 4


def _setup(seed: int):
    """Images, labels, class names and initial parameters, all from one generator seeded by ``seed``."""
    rng = np.random.default_rng(seed)
    images, labels, names = tiny_cnn.make_glyph_dataset(rng, PER_CLASS, NOISE, MAX_SHIFT)
    return images, labels, names, tiny_cnn.init_params(rng, FILTERS, len(names), IMAGE_SIZE)


def _sample_losses(fc_z: np.ndarray, targets: np.ndarray) -> tuple[float, ...]:
    """Per-sample cross-entropy ℓₙ, from the core's softmax/cross-entropy trace."""
    return tuple(softmax_ce_trace(z, y).loss for z, y in zip(fc_z, targets))


def _bars_svg(classes: tuple[str, ...], probs: np.ndarray, targets: np.ndarray,
              texts: tuple[str, ...], digits: int) -> str:
    """Probabilities vs. target as grouped bars (inline SVG, no Plotly); ``digits`` (the reader's choice) keys
    the cache: the bars carry formatted numbers."""
    title, prob_name, target_name, class_title = texts
    return svg_chart.grouped_bars(title, classes, (
        svg_chart.Series(prob_name, tuple(map(float, probs)), "#1f77b4", labels=tuple(fmt(v, digits) for v in probs)),
        svg_chart.Series(target_name, tuple(map(float, targets)), "#9ecae1")), x_title=class_title, digits=digits)


def _curve_svg(losses: np.ndarray, accuracies: np.ndarray, texts: tuple[str, ...], digits: int) -> str:
    """The loss and accuracy after each step (inline SVG, no Plotly: a step redraws it in a few ms). Arrays, not
    tuples, as the cache's key: st.cache_data hashes an array's bytes at once, a tuple float by float (~6 ms for
    a curve of 1000 steps)."""
    title, x_title, loss_name, accuracy_name = texts
    return svg_chart.two_axis_lines(title, x_title, svg_chart.Series(loss_name, tuple(map(float, losses)), "#d62728"),
                                    svg_chart.Series(accuracy_name, tuple(map(float, accuracies)), "#1f77b4", dash=True),
                                    digits=digits)


def _scatter_figure(points: tuple, texts: tuple[str, ...]) -> go.Figure:
    title, x_title, y_title = texts
    fig = go.Figure([go.Scatter(x=analytic.ravel().tolist(), y=numeric.ravel().tolist(), mode="markers",
                                name=name, marker=dict(size=7, opacity=0.75)) for name, analytic, numeric in points])
    fig.update_layout(title=dict(text=title, x=0.5, xanchor="center"), xaxis_title=x_title, yaxis_title=y_title,
                      height=460, margin=dict(l=60, r=20, t=60, b=50))
    return fig.update_yaxes(scaleanchor="x", scaleratio=1)


def _replay(params, x: np.ndarray, y: np.ndarray, runs: tuple[tuple[int, float], ...]):
    """The runs of a link, one after the other: (params, losses, accuracies, steps done, error or None).

    Full-batch SGD is deterministic, so replaying the same runs from the same seed gives the same weights.
    """
    losses, accuracies = [], []
    for count, rate in runs:
        try:
            result = tiny_cnn.train_curve(params, x, y, rate, count)
        except ValueError as err:
            return params, tuple(losses), tuple(accuracies), len(losses), err
        params = result.params
        losses += result.losses[:-1]
        accuracies += result.accuracies[:-1]
    return params, tuple(losses), tuple(accuracies), len(losses), None


def _probs(params, x: np.ndarray) -> np.ndarray:
    """The class probabilities of images x (N, 1, H, W) under the current weights."""
    return tiny_cnn.forward(params, x).probs


CORE = {"setup": _setup, "replay": _replay, "probs": _probs, "step": tiny_cnn.train_step, "loss": tiny_cnn.loss, "predict": tiny_cnn.predict,
        "gradcheck": tiny_cnn.check_gradients, "sample_losses": _sample_losses}


FIGURES = {"heatmap": matrix_heatmap, "channels": channels_heatmap, "scatter": _scatter_figure}


SVGS = {"curve": _curve_svg, "bars": _bars_svg, "flat": svg_chart.vector_rows}


# One cache wrapper each, defined once per process: Streamlit hashes a wrapped function's source when
# the wrapper is made, which a page did on every rerun (~3 ms for seven).
@st.cache_data(max_entries=500, show_spinner=False)
def core(name: str, *args):
    """A pure core call, cached on its arguments."""
    return CORE[name](*args)


@st.cache_resource(max_entries=600, show_spinner=False)
def figure(kind: str, *args, **kwargs) -> go.Figure:
    """A figure built once per distinct input and language, then shared (never mutated).

    Building a Plotly figure costs more than the rerun budget, hence the cache; the translated
    titles are arguments, so each language has its own entry.
    """
    return FIGURES[kind](*args, **kwargs)


@st.cache_data(max_entries=200, show_spinner=False)
def svg(kind: str, *args, **kwargs) -> str:
    """An inline SVG chart (``ui.svg_chart``), built once per distinct input, language and digits."""
    return SVGS[kind](*args, **kwargs)


GALLERY_PX = 88   # each 8×8 image drawn 11 px a pixel


@st.cache_data(max_entries=20, show_spinner=False)
def tiles(images: np.ndarray) -> list[np.ndarray]:
    """The data set's images (N, 1, H, W) as grey picture tiles (``ui.heatmap.grey_tiles``)."""
    return grey_tiles(images[:, 0], GALLERY_PX // IMAGE_SIZE, low=0.0, high=1.0, frame=2)   # pixel 0 white, 1 black


# The forward tab's cell of net is picked in the browser by the cell stepper (ui/components/cell_stepper.py):
# x, h and net, every cell's window and formula are sent once per setup, so picking a cell sends nothing and
# reruns nothing (it used to rerun this fragment and redraw two heatmaps and the formula). The link keeps the
# picked cell as row/col (the stepper rewrites them in the address bar); the server reads them only when a
# link is opened, as ``start``.
@st.cache_data(max_entries=64, show_spinner=False)
def forward_payload(x: np.ndarray, kernel: np.ndarray, bias: float, net: np.ndarray, sample: int, label: str,
                     filt: int, start: tuple[int, int], lang: str, digits: int) -> dict:
    """The stepper's payload for one sample and filter (``digits`` keys the cache: the formulas are text)."""
    tr = translator(lang)
    titles = (tr("training.fwd_input_title", index=sample, label=label), tr("training.fwd_kernel_title", filter=filt),
              tr("training.fwd_conv_title", filter=filt))
    return forward_steps(x, kernel, bias, net, titles, tr, start=start)


# o and p were two heatmaps; as a cell stepper they are one component (opening the expander draws one thing,
# not two charts) and each cell of p shows its window, its winner and its max in the browser.
@st.cache_data(max_entries=64, show_spinner=False)
def pool_payload(relu: np.ndarray, pool: np.ndarray, winners: np.ndarray, filt: int, lang: str, digits: int) -> dict:
    """The ReLU/max-pool stepper's payload for one sample and filter (``digits`` keys the cache)."""
    tr = translator(lang)
    titles = (tr("training.fwd_relu_title", filter=filt), tr("training.fwd_pool_title", filter=filt))
    return pool_steps(relu, pool, winners, filt - 1, FILTERS, titles, tr)


# The backward tab's cell of o is picked in the browser too, by a stepper in the same group as the forward
# one: both tabs show the same cell (picked on either), the link keeps it as row/col, and a pick reruns
# nothing. Its four grids were four heatmaps (two of them in an expander) and three formulas the server
# redrew for every cell; now switching to this tab draws one component instead of two charts.
@st.cache_data(max_entries=64, show_spinner=False)
def backward_payload(d_pool: np.ndarray, d_relu: np.ndarray, relu_prime: np.ndarray, d_net: np.ndarray, net: np.ndarray,
                      winners: np.ndarray, fc_W: np.ndarray, d_fc_z: np.ndarray, d_flat: np.ndarray, filt: int,
                      start: tuple[int, int], lang: str, digits: int) -> dict:
    """The backward stepper's payload for one sample and filter (``digits`` keys the cache: formulas are text)."""
    tr = translator(lang)
    titles = (tr("training.bwd_dpool_title", filter=filt), tr("training.bwd_drelu_title", filter=filt),
              tr("training.bwd_relu_prime_title", filter=filt), tr("training.bwd_dconv_title"))
    return backward_steps(d_pool, d_relu, relu_prime, d_net, net, winners, fc_W, d_fc_z, d_flat, filt - 1, FILTERS,
                          titles, tr, start=start)
