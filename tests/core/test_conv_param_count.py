"""conv_parameter_count against what the layer actually learns: one gradient entry per parameter.

The reference is the core's backward pass (``conv2d_backward`` returns ∂E/∂W and ∂E/∂b): every
number it returns a gradient for is a trainable parameter, so the count must equal the number of
gradient entries, and seed 003's layer (two 3×3×3 filters, two biases) must come out as its arrays.
"""

import numpy as np
import pytest

from cnn_core.conv import conv2d_backward, conv_parameter_count
from cnn_core.worked_examples import CONV_5X5X3


def _gradient_entries(shape: tuple[int, int, int, int]) -> int:
    """Number of entries of (∂E/∂W, ∂E/∂b) for a layer with weights of this shape on a 6×7 input."""
    f, c, kh, kw = shape
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(1, c, 6, 7)), rng.normal(size=shape)
    oh, ow = 6 - kh + 1, 7 - kw + 1
    _, dw, db = conv2d_backward(rng.normal(size=(1, f, oh, ow)), x, w)
    return dw.size + db.size


def test_seed_003_layer_counts_its_weight_and_bias_arrays():
    w, b = CONV_5X5X3.inputs["w"], CONV_5X5X3.inputs["b"]
    assert conv_parameter_count(*w.shape) == w.size + b.size


@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (1, 3, 5, 5), (4, 2, 3, 1), (2, 3, 3, 3)])
def test_count_equals_the_number_of_gradient_entries(shape):
    assert conv_parameter_count(*shape) == _gradient_entries(shape)


@pytest.mark.parametrize("bad", [(0, 3, 3, 3), (2, -1, 3, 3), (2, 3, 2.5, 3), (2, 3, 3, True)])
def test_bad_sizes_raise_value_error(bad):
    with pytest.raises(ValueError):
        conv_parameter_count(*bad)
