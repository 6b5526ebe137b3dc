"""cnn_core: the NumPy engine of CNN Derivation Studio.

NumPy only (no streamlit, no plotly). Layout NCHW, weights (F, C, KH, KW),
float64. ``conv2d`` is cross-correlation, as in every deep-learning library;
the flipped-kernel operation is called convolution.

The public API below is exported from here; the modules hold the rest
(traces, loop references, worked examples).
"""

from .arithmetic import conv_output_size, same_padding
from .errors import CoreValueError

__all__ = [
    "conv_output_size",
    "same_padding",
    "CoreValueError",
]
