"""cnn_core: the NumPy engine of CNN Derivation Studio.

NumPy only (no streamlit, no plotly). Layout NCHW, weights (F, C, KH, KW),
float64. ``conv2d`` is cross-correlation, as in every deep-learning library;
the flipped-kernel operation is called convolution.

The public API below is exported from here; the modules hold the rest
(traces, loop references, worked examples).
"""

from .arithmetic import conv_output_size, same_padding
from .errors import CoreValueError
from .activations import ACTIVATIONS, activate, activation_backward, activation_derivative
from .autodiff import chain_paths, forward_mode, reverse_mode, sigmoid_graph
from .dense import (cross_entropy, cross_entropy_softmax_grad, dense_backward, dense_forward, mse, mse_grad,
                    softmax, softmax_ce_trace, softmax_jacobian)
from .pool import pool2d, pool2d_backward, pool2d_backward_trace, pool2d_trace
from .tiny_cnn import init_params, make_glyph_dataset, train, train_step

__all__ = [
    "conv_output_size",
    "same_padding",
    "CoreValueError",
    "ACTIVATIONS",
    "activate",
    "activation_backward",
    "activation_derivative",
    "chain_paths",
    "forward_mode",
    "reverse_mode",
    "sigmoid_graph",
    "cross_entropy",
    "cross_entropy_softmax_grad",
    "dense_backward",
    "dense_forward",
    "mse",
    "mse_grad",
    "softmax",
    "softmax_ce_trace",
    "softmax_jacobian",
    "pool2d",
    "pool2d_backward",
    "pool2d_backward_trace",
    "pool2d_trace",
    "init_params",
    "make_glyph_dataset",
    "train",
    "train_step",
]
