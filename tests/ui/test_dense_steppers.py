"""ui.components.dense_steppers: the forward stepper's grids and formulas against a loop over the weights."""

from __future__ import annotations

import numpy as np

from cnn_core.dense import dense_forward_trace
from ui.components.dense_steppers import forward_steps
from ui.i18n import translate
from ui.latex import fmt

X = np.array([1.0, -2.0, 0.5, 3.0])
W = np.array([[1.0, 0.0, -2.0, 0.5], [0.5, 1.0, 1.0, -1.0], [-1.0, 2.0, 0.0, 0.25]])
B = np.array([0.5, -1.0, 2.0])


def tr(key, **params):
    return translate("en", key, **params)


def test_grids_are_the_products_the_bias_and_z_from_a_loop():
    step = forward_steps(dense_forward_trace(X, W, B), tr)
    products, bias, z = (np.array(g["values"], dtype=float) for g in step["grids"])
    loop = np.array([[W[i, j] * X[j] for j in range(4)] for i in range(3)])
    np.testing.assert_array_equal(products, loop)
    np.testing.assert_array_equal(bias.ravel(), B)
    np.testing.assert_allclose(z.ravel(), loop.sum(axis=1) + B)             # 1, −2.5, 7.75
    assert [g["pick"] for g in step["grids"]] == [None, None, 0]
    assert step["shape"] == [1, 3, 1] and step["url"] == {"unit": "k"}


def test_every_unit_outlines_its_row_and_bias_and_writes_its_sum():
    step = forward_steps(dense_forward_trace(X, W, B), tr, start=2)
    assert step["start"] == 2 and not step["clamped"]
    for i, cell in enumerate(step["cells"]):
        assert cell["label"] == "z" + "₁₂₃"[i]
        assert cell["marks"] == [[0, i, 0, i, 3], [1, i, 0, i, 0]]
        lhs, symbolic, numeric, result = cell["aria"].split(" = ")
        assert symbolic == " + ".join(f"w{'₁₂₃'[i]}{'₁₂₃₄'[j]}·x{'₁₂₃₄'[j]}" for j in range(4)) + f" + b{'₁₂₃'[i]}"
        assert result == fmt(W[i] @ X + B[i]).replace("-", "−")
        assert "<math" in cell["html"]


def test_a_sum_the_shown_numbers_miss_says_approx():
    # 0.123456 × 1 three times is 0.370368, written 0.1235×1 + … which a pencil makes 0.3705: the last step says ≈
    trace = dense_forward_trace(np.ones(3), np.full((1, 3), 0.123456), np.zeros(1))
    cell = forward_steps(trace, tr)["cells"][0]
    assert cell["aria"].endswith(" ≈ 0.3704"), cell["aria"]
    exact = forward_steps(dense_forward_trace(X, W, B), tr)["cells"][0]
    assert " ≈ " not in exact["aria"]


def test_a_unit_outside_the_layer_is_brought_inside():
    step = forward_steps(dense_forward_trace(X, W, B), tr, start=7)
    assert step["start"] == 2 and step["clamped"]
