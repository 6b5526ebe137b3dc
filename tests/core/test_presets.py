"""Kernel and input presets, checked against what the classic filters are known to do."""

import numpy as np
import pytest

from cnn_core.conv import correlate2d
from cnn_core.presets import (DIGIT_GLYPHS, INPUT_PRESETS, KERNEL_PRESETS, RANDOM_INPUT_RANGE, RANDOM_KERNEL_RANGE,
                              input_preset, input_preset_fits, kernel_preset, kernel_preset_shape, weight_preset)
from tests.core.expect import raises_core_error

#: A vertical step edge, dark (0) on the left, bright (1) on the right.
VERTICAL_EDGE = np.array([[0, 0, 0, 1, 1, 1]] * 6, dtype=float)
HORIZONTAL_EDGE = VERTICAL_EDGE.T


def test_sobel_on_a_vertical_edge_gives_the_textbook_response():
    # Gx = 1 + 2 + 1 = 4 on the two columns whose window straddles the step, 0 on flat parts.
    gx = correlate2d(VERTICAL_EDGE, kernel_preset("sobel_x", 3))
    np.testing.assert_array_equal(gx, [[0, 4, 4, 0]] * 4)
    np.testing.assert_array_equal(correlate2d(VERTICAL_EDGE, kernel_preset("sobel_y", 3)), np.zeros((4, 4)))
    np.testing.assert_array_equal(correlate2d(HORIZONTAL_EDGE, kernel_preset("sobel_y", 3)), gx.T)
    # a bright-to-dark edge gives the opposite sign
    np.testing.assert_array_equal(correlate2d(1 - VERTICAL_EDGE, kernel_preset("sobel_x", 3)), -gx)


def test_prewitt_on_a_vertical_edge_gives_three():
    np.testing.assert_array_equal(correlate2d(VERTICAL_EDGE, kernel_preset("prewitt_x", 3)), [[0, 3, 3, 0]] * 4)
    np.testing.assert_array_equal(correlate2d(HORIZONTAL_EDGE, kernel_preset("prewitt_y", 3)),
                                  np.array([[0, 3, 3, 0]] * 4).T)


def test_the_printed_3x3_kernels():
    assert kernel_preset("sobel_x", 3).tolist() == [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    assert kernel_preset("sobel_y", 3).tolist() == [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]
    assert kernel_preset("prewitt_x", 3).tolist() == [[-1, 0, 1]] * 3
    assert kernel_preset("laplacian", 3).tolist() == [[0, 1, 0], [1, -4, 1], [0, 1, 0]]
    assert kernel_preset("sharpen", 3).tolist() == [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]
    assert kernel_preset("identity", 3).tolist() == [[0, 0, 0], [0, 1, 0], [0, 0, 0]]
    np.testing.assert_array_equal(kernel_preset("gaussian", 3) * 16, [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    np.testing.assert_array_equal(kernel_preset("mean", 3), np.full((3, 3), 1 / 9))


def test_5x5_sobel_is_opencvs():
    # cv2.getDerivKernels(1, 0, 5): derivative [-1, -2, 0, 2, 1], smoothing [1, 4, 6, 4, 1]
    expected = np.outer([1, 4, 6, 4, 1], [-1, -2, 0, 2, 1])
    np.testing.assert_array_equal(kernel_preset("sobel_x", 5), expected)
    np.testing.assert_array_equal(kernel_preset("sobel_y", 5), expected.T)


def test_laplacian_of_a_quadratic_is_its_second_derivative():
    i, j = np.indices((7, 7), dtype=float)
    f = 3 * i ** 2 + 2 * j ** 2  # ∇²f = 6 + 4 = 10 everywhere
    np.testing.assert_allclose(correlate2d(f, kernel_preset("laplacian", 3)), np.full((5, 5), 10.0))
    np.testing.assert_allclose(correlate2d(f, kernel_preset("laplacian", 5)), np.full((3, 3), 10.0))


@pytest.mark.parametrize("size", [(1, 1), (2, 2), (3, 3), (5, 5), (4, 6), (7, 7)])
def test_identity_returns_the_input_window(size):
    x = np.arange(100.0).reshape(10, 10)
    out = correlate2d(x, kernel_preset("identity", size))
    r, c = (size[0] - 1) // 2, (size[1] - 1) // 2
    np.testing.assert_array_equal(out, x[r:r + out.shape[0], c:c + out.shape[1]])


@pytest.mark.parametrize("size", [3, 5, 7, 9])
def test_binomial_gaussian_has_the_gaussian_variance(size):
    # binomial(n-1)/2^(n-1) is the distribution of a sum of n-1 fair coins: variance (n-1)/4
    k = kernel_preset("gaussian", size)
    t = np.arange(size) - size // 2
    assert k.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(k, k.T)
    assert (k.sum(axis=0) * t ** 2).sum() == pytest.approx((size - 1) / 4)
    assert (k.sum(axis=0) * t).sum() == pytest.approx(0.0)


def test_large_binomial_gaussian_is_close_to_a_sampled_gaussian():
    size, sigma = 9, np.sqrt(2.0)
    t = np.arange(size) - size // 2
    g = np.exp(-t ** 2 / (2 * sigma ** 2))
    sampled = np.outer(g, g) / np.outer(g, g).sum()
    assert np.abs(kernel_preset("gaussian", size) - sampled).max() < 0.01  # peak weight ≈ 0.07


@pytest.mark.parametrize("name", ["mean", "gaussian", "sharpen", "identity"])
def test_smoothing_and_sharpening_keep_a_constant_image(name):
    # entries sum to 1: a flat image comes out unchanged
    flat = np.full((8, 8), 5.0)
    np.testing.assert_allclose(correlate2d(flat, kernel_preset(name, 3)), np.full((6, 6), 5.0))


@pytest.mark.parametrize("name", ["sobel_x", "sobel_y", "prewitt_x", "prewitt_y", "laplacian"])
def test_edge_detectors_ignore_a_flat_image(name):
    np.testing.assert_array_equal(correlate2d(np.full((7, 7), 3.0), kernel_preset(name, 3)), np.zeros((5, 5)))


def test_mean_blur_averages_its_window():
    x = np.arange(16.0).reshape(4, 4)
    out = correlate2d(x, kernel_preset("mean", (2, 2)))
    loop = np.array([[x[i:i + 2, j:j + 2].mean() for j in range(3)] for i in range(3)])
    np.testing.assert_allclose(out, loop)


@pytest.mark.parametrize("name, wanted, shape", [
    ("sobel_x", (2, 2), (2, 3)), ("sobel_y", (2, 2), (3, 2)), ("sobel_x", (4, 4), (4, 5)),
    ("laplacian", (2, 4), (3, 5)), ("sharpen", (1, 1), (3, 3)), ("mean", (2, 2), (2, 2)),
    ("gaussian", (2, 4), (2, 4)), ("random", (4, 1), (4, 1)), ("identity", (2, 2), (2, 2)),
])
def test_preset_shape_rounds_up_to_a_usable_size(name, wanted, shape):
    assert kernel_preset_shape(name, wanted) == shape
    assert kernel_preset(name, wanted).shape == shape


@pytest.mark.parametrize("name", KERNEL_PRESETS)
def test_every_kernel_preset_builds_at_every_small_size(name):
    for rows in range(1, 8):
        for cols in range(1, 8):
            k = kernel_preset(name, (rows, cols))
            assert k.dtype == np.float64 and np.isfinite(k).all()
            assert k.shape == kernel_preset_shape(name, (rows, cols))


def test_random_kernels_come_from_the_seed():
    a, b = kernel_preset("random", 3, seed=3), kernel_preset("random", 3, seed=3)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, kernel_preset("random", 3, seed=4))
    expected = np.random.default_rng(3).integers(-2, 2, size=(3, 3), endpoint=True)
    np.testing.assert_array_equal(a, expected)
    lo, hi = RANDOM_KERNEL_RANGE
    many = kernel_preset("random", 12, seed=0)
    assert many.min() == lo and many.max() == hi and (many == np.round(many)).all()


def test_checkerboard_and_diagonal_edge():
    assert input_preset("checkerboard", 3).tolist() == [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
    assert input_preset("diagonal_edge", 3).tolist() == [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    tall = input_preset("diagonal_edge", (4, 2))
    assert tall.tolist() == [[1, 0], [1, 0], [1, 1], [1, 1]]
    # a 45° edge (bright below-left): Sobel y answers exactly -Sobel x; by hand the top-left window
    # [[1,0,0],[1,1,0],[1,1,1]] gives Gx = (0-1) + 2(0-1) + (1-1) = -3
    x = input_preset("diagonal_edge", 8)
    gx, gy = correlate2d(x, kernel_preset("sobel_x", 3)), correlate2d(x, kernel_preset("sobel_y", 3))
    np.testing.assert_array_equal(gy, -gx)
    assert gx[0, 0] == -3 and gx[0, 1] == -3 and gx[0, 2] == -1 and gx[0, 3] == 0
    np.testing.assert_array_equal(np.diagonal(gx), np.full(6, -3.0))


def test_digit_glyph_is_scaled_and_centred():
    x = input_preset("digit", (5, 3), digit=7)
    assert x.tolist() == [[1, 1, 1], [0, 0, 1], [0, 1, 0], [0, 1, 0], [0, 1, 0]]
    big = input_preset("digit", (12, 12), digit=1)
    assert big.shape == (12, 12)
    # factor 2 (10×6 glyph), centred: one blank row top and bottom, three blank columns each side
    assert big[0].sum() == 0 and big[-1].sum() == 0 and big[:, :3].sum() == 0 and big[:, -3:].sum() == 0
    glyph = np.array([[ch == "#" for ch in row] for row in DIGIT_GLYPHS[1]], dtype=float)
    np.testing.assert_array_equal(big[1:11:2, 3:9:2], glyph)
    assert big.sum() == 4 * glyph.sum()


def test_digit_needs_room():
    assert input_preset_fits("digit", (5, 3)) and not input_preset_fits("digit", (4, 4))
    assert all(input_preset_fits(name, (1, 1)) for name in INPUT_PRESETS if name != "digit")
    raises_core_error(lambda: input_preset("digit", (4, 4)), "preset_too_small", 4)


def test_random_input_from_the_seed():
    a = input_preset("random", (4, 5), seed=11)
    np.testing.assert_array_equal(a, input_preset("random", (4, 5), seed=11))
    lo, hi = RANDOM_INPUT_RANGE
    assert a.shape == (4, 5) and lo <= a.min() and a.max() <= hi


@pytest.mark.parametrize("call, code", [
    (lambda: kernel_preset("emboss", 3), "bad_mode"),
    (lambda: input_preset("noise", 3), "bad_mode"),
    (lambda: kernel_preset("mean", 0), "out_of_range"),
    (lambda: kernel_preset("mean", (3, 99)), "out_of_range"),
    (lambda: kernel_preset("mean", "3x3"), "bad_pair"),
    (lambda: kernel_preset("random", 3, seed=-1), "negative"),
    (lambda: input_preset("digit", 8, digit=10), "out_of_range"),
])
def test_bad_arguments(call, code):
    raises_core_error(call, code)


def test_weight_identity_is_the_identity_map():
    # W·a = a for every a when W is square; a tall/wide identity keeps the first min(m, n) units
    a = np.array([0.5, -2.0, 3.0])
    np.testing.assert_array_equal(weight_preset("identity", (3, 3)) @ a, a)
    np.testing.assert_array_equal(weight_preset("identity", (2, 3)) @ a, a[:2])
    np.testing.assert_array_equal(weight_preset("identity", (4, 3)) @ a, [0.5, -2.0, 3.0, 0.0])


def test_weight_random_is_reproducible_and_in_range():
    w = weight_preset("random", (3, 5), seed=7)
    np.testing.assert_array_equal(w, weight_preset("random", (3, 5), seed=7))
    lo, hi = RANDOM_KERNEL_RANGE
    assert w.shape == (3, 5) and lo <= w.min() and w.max() <= hi and np.all(w == np.round(w))


def test_weight_preset_rejects_a_filter_name():
    with pytest.raises(ValueError):
        weight_preset("sobel_x", (3, 3))
