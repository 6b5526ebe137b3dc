"""The multi-channel convolution page's cached calls, wrapped once per process.

A page script runs again on every full rerun, and ``st.cache_resource(f)`` / ``st.cache_data(f)`` written in it
wraps ``f`` again each time: Streamlit then keys the cache by reading and tokenising ``f``'s source
(``inspect.getsource``), four times per run of that page (#14). Wrapped here, in a module imported once, they cost
nothing until called. Every cache is bounded (``max_entries``); the trace and the payload are shared objects
(frozen, read only), never copied per run.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from cnn_core.conv import conv2d_trace, conv_parameter_count
from ui.components.conv_steppers import multi_channel_steps
from ui.heatmap import channels_heatmap
from ui.i18n import translator
from ui.page_kit import figure_cache

#: the core's trace of one setup (frozen, with read-only arrays: one shared object per input is safe)
trace = st.cache_resource(show_spinner=False, max_entries=256)(conv2d_trace)
parameter_count = st.cache_data(max_entries=256, show_spinner=False)(conv_parameter_count)


@st.cache_resource(show_spinner=False, max_entries=64)
def steps_payload(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int, padding: int, lang: str,
                  start: tuple[int, int, int], digits: int) -> dict:
    """The cell stepper's data for one setup: every output cell's windows and formulas (``cell_stepper`` only
    reads it). The formulas are formatted text, so the reader's ``digits`` are part of the key (never a stale
    payload)."""
    return multi_channel_steps(trace(x, w, b, stride, padding), translator(lang), start=start)


def _channels_figure(values: np.ndarray, lang: str, title: str, titles: tuple, symbol: str,
                     signed: bool | None = None) -> go.Figure:
    return channels_heatmap(values, titles=list(titles), title=title, symbol=symbol, signed=signed, lang=lang,
                            col_title="", height=300)


#: one heatmap per channel, cached as an object (``page_kit.figure_cache``: bounded, never mutated after building)
channels_figure = figure_cache(_channels_figure, max_entries=128)
