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
from .conv import (conv2d, conv2d_backward, conv2d_backward_trace, conv2d_input_gradient, conv2d_trace, convolve2d,
                   correlate2d, full_correlation, input_gradient_full_conv, input_gradient_scatter, rot180, sgd_step,
                   zero_insert)
from .exercises import KINDS, MISTAKES, Exercise, Grade, check_answer, exercise_from, make_exercise
from .gradcheck import check_gradient, numerical_gradient, relative_error
from .claims import CLAIMS
from .transposed import (conv1d, conv1d_trace, conv_matrix_1d, conv_matrix_2d, conv_transpose1d, conv_transpose2d,
                         conv_transpose2d_trace)
from .transposed import (dilate_kernel, matrix_view_1d, matrix_view_2d, receptive_field, sizes_mapping_to,
                         transposed_via_matrix, window_counts)

__all__ = [
    "dilate_kernel",
    "matrix_view_1d",
    "matrix_view_2d",
    "receptive_field",
    "sizes_mapping_to",
    "transposed_via_matrix",
    "window_counts",
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
    "conv2d",
    "conv2d_backward",
    "conv2d_backward_trace",
    "conv2d_input_gradient",
    "conv2d_trace",
    "convolve2d",
    "correlate2d",
    "full_correlation",
    "input_gradient_full_conv",
    "input_gradient_scatter",
    "rot180",
    "sgd_step",
    "zero_insert",
    "KINDS",
    "MISTAKES",
    "Exercise",
    "Grade",
    "check_answer",
    "exercise_from",
    "make_exercise",
    "check_gradient",
    "numerical_gradient",
    "relative_error",
    "conv1d",
    "conv1d_trace",
    "conv_matrix_1d",
    "conv_matrix_2d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose2d_trace",
    "CLAIMS",
]
