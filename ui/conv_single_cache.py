"""conv_single's cached computations: the core's trace and the cell steppers' and formula table's payloads.

Defined here, not in the page script: a page script runs again on every rerun, and ``st.cache_data`` wrapping a
function there re-reads its source on every run (``inspect.getsource``, ~1–2 ms for ``conv2d_trace``, several
wrappers per rerun). Here each wrapper is built once per process; the caches are the same (bounded, keyed on the
arguments). Every number still comes from ``cnn_core``; formulas from ``ui.formulas.conv_forward``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from cnn_core.activations import activate
from cnn_core.conv import conv2d_trace, rot180
from cnn_core.worked_examples import CONV_4X4
from ui.components.conv_steppers import single_channel_compare, single_channel_steps
from ui.formulas.conv_forward import Sym, single_net_equation, to_text
from ui.i18n import translate, translator
from ui.latex import fmt, subscript_unicode
from ui.page_kit import activation_name, text_title

DEFAULT_INPUT = np.array(CONV_4X4.inputs["x"][0, 0])
DEFAULT_KERNEL = np.array(CONV_4X4.inputs["w"][0, 0])

trace = st.cache_data(conv2d_trace, max_entries=256, show_spinner=False)


def is_text_example(x: np.ndarray | None, w: np.ndarray | None) -> bool:
    """The text's own 4×4 input and 2×2 kernel are on screen."""
    return (x is not None and w is not None and x.shape == DEFAULT_INPUT.shape and w.shape == DEFAULT_KERNEL.shape
            and bool(np.array_equal(x, DEFAULT_INPUT)) and bool(np.array_equal(w, DEFAULT_KERNEL)))


def shows_eq5(x: np.ndarray | None, w: np.ndarray | None, stride: int, padding: int) -> bool:
    """The setup of the text's eq. (5): its 4×4 input, a 2×2 kernel (eq. (5) is symbolic in h), stride 1,
    no padding."""
    return (x is not None and w is not None and x.shape == DEFAULT_INPUT.shape and bool(np.array_equal(x, DEFAULT_INPUT))
            and w.shape == (2, 2) and stride == 1 and padding == 0)


def text_notes(x: np.ndarray, w: np.ndarray, stride: int, padding: int,
               lang: str) -> dict[tuple[int, int], list[str]]:
    """Pointers from one output cell to the catalogue note below the stepper (o₁₃ of the text's eq. (5))."""
    if not shows_eq5(x, w, stride, padding):
        return {}
    return {(0, 2): [translate(lang, "conv_single.cs_eq5_cell", text=text_title("003", lang))]}


# The whole stepper payload (every cell's window and formulas) for one setup: a few ms for the
# 4×4 example, more for 12×12 inputs, so it is cached (bounded). Its formulas are formatted text,
# so the reader's digits are an argument (a cached payload must not keep the old digits).
@st.cache_data(show_spinner=False, max_entries=64)
def step_payload(x: np.ndarray, w: np.ndarray, stride: int, padding: int, activation: str, lang: str,
                 start: int, digits: int) -> dict:
    tr = trace(x[None], w[None, None], None, stride, padding)
    out = activate(activation, tr.output)
    return single_channel_steps(tr, out, activation, activation_name(activation, lang),
                                translator(lang),
                                text_notes(x, w, stride, padding, lang), start=start)


@st.cache_data(show_spinner=False, max_entries=64)
def compare_payload(x: np.ndarray, w: np.ndarray, stride: int, padding: int, lang: str, start: int,
                    digits: int) -> dict:
    tr = trace(x[None], w[None, None], None, stride, padding)
    conv_tr = trace(x[None], rot180(w)[None, None], None, stride, padding)
    return single_channel_compare(tr, conv_tr, translator(lang), start=start)


@st.cache_data(show_spinner=False, max_entries=64)
def formula_table(x: np.ndarray, w: np.ndarray, stride: int, padding: int, activation: str,
                  columns: tuple[str, ...], digits: int) -> pd.DataFrame:
    """One row per output cell: name, Σ products with symbols and numbers, net, out."""
    tr = trace(x[None], w[None, None], None, stride, padding)
    out = activate(activation, tr.output)
    rows = []
    oh, ow = tr.output.shape[1:]
    for i in range(oh):
        for j in range(ow):
            eq = single_net_equation(tr, i, j, (Sym("net"),))
            symbolic, numeric = (" ".join(to_text(chunk) for chunk in line) for line in eq.lines)
            rows.append((subscript_unicode("o", i, j), symbolic, numeric, fmt(tr.output[0, i, j]),
                         fmt(out[0, i, j])))
    return pd.DataFrame(rows, columns=list(columns))
