"""conv_parameter_count: P·D·U·V + P (seed 004, 4.2.2), checked against the weight tensors' sizes."""

import numpy as np
import pytest

from cnn_core.conv import conv_parameter_count
from cnn_core.worked_examples import CONV_5X5X3


def test_seed_003_layer_has_56_parameters():
    w, b = CONV_5X5X3.inputs["w"], CONV_5X5X3.inputs["b"]
    assert conv_parameter_count(*w.shape) == w.size + b.size == 56


@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (1, 3, 5, 5), (4, 2, 3, 1), (16, 3, 3, 3)])
def test_count_equals_weights_plus_one_bias_per_filter(shape):
    assert conv_parameter_count(*shape) == np.zeros(shape).size + shape[0]


@pytest.mark.parametrize("bad", [(0, 3, 3, 3), (2, -1, 3, 3), (2, 3, 2.5, 3), (2, 3, 3, True)])
def test_bad_sizes_raise_value_error(bad):
    with pytest.raises(ValueError):
        conv_parameter_count(*bad)
