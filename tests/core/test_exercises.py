"""The exercise grader: every kind and level against loop references / finite differences, and
every mistake named where it changes the answer. References: the loops of tests/reference.py and the ones
written here (never the grader's own code)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnn_core import KINDS, MISTAKES, CoreValueError, check_answer, exercise_from, make_exercise
from cnn_core.exercises import _close, explain_cell, mistake_variants, solution_terms
from tests.reference import correlate, pool, window_starts

SEEDS = range(100)
LEVELS = (1, 2, 3)


# --------------------------------------------------------------------------- loop references
def loop_windows(n, k, s, p, d):
    """Count the windows by sliding one (p zeros on both sides)."""
    return len(window_starts(n, k, s, p, p, d))


def loop_pool_backward(x, dy, k, s, mode):
    dx = np.zeros_like(x)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            cells = [(i * s + a, j * s + q) for a in range(k) for q in range(k)]
            if mode == "max":
                best = cells[0]
                for cell in cells[1:]:
                    if x[cell] > x[best]:
                        best = cell
                dx[best] += dy[i, j]
            else:
                for cell in cells:
                    dx[cell] += dy[i, j] / (k * k)
    return dx


def finite_difference(f, a, eps=1e-3):
    g = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        up, down = a.copy(), a.copy()
        up[idx] += eps
        down[idx] -= eps
        g[idx] = (f(up) - f(down)) / (2 * eps)
    return g


def reference(ex) -> np.ndarray:
    g = ex.given
    if ex.kind == "output_size":
        return np.array([[loop_windows(g["in_hw"][a], g["kernel_hw"][a], g["stride"][a], g["padding"][a],
                                       g["dilation"][a]) for a in (0, 1)]])
    if ex.kind == "same_padding":
        out = []
        for a in (0, 1):
            n, k, s, d = g["in_hw"][a], g["kernel_hw"][a], g["stride"][a], g["dilation"][a]
            want = len(range(0, n, s))
            total = 0
            # the fewest zeros that give ceil(n/s) windows (counting windows over n + total cells)
            while loop_windows(n + total, k, s, 0, d) < want if n + total >= d * (k - 1) + 1 else True:
                total += 1
            out += [total // 2, total - total // 2]
        return np.array([out])
    if ex.kind == "conv_forward":
        return correlate(g["x"], g["w"], g["stride"], g["padding"]) + g["b"]
    if ex.kind == "pool_forward":
        return pool(g["x"], g["kernel"], g["stride"], g["padding"], g["mode"])
    if ex.kind == "pool_backward":
        return loop_pool_backward(g["x"], g["dy"], g["kernel"], g["stride"], g["mode"])
    if ex.kind == "conv_input_grad":
        x0 = np.zeros(g["x_shape"])
        return finite_difference(lambda x: float((correlate(x, g["w"], g["stride"], g["padding"]) * g["dy"]).sum()), x0)
    if ex.kind == "conv_weight_grad":
        return finite_difference(lambda w: float((correlate(g["x"], w, g["stride"], g["padding"]) * g["dy"]).sum()),
                                 np.zeros(g["w"].shape))
    if ex.kind == "transposed_output_size":
        n, k, s, p, op, d = (g[k_] for k_ in ("n", "k", "stride", "padding", "output_padding", "dilation"))
        touched = {i * s + t * d for i in range(n) for t in range(k)}  # a 1-D scatter
        return np.array([[max(touched) + 1 - 2 * p + op]])
    if ex.kind == "param_count":
        kh, kw = g["kernel_hw"]
        return np.array([[np.zeros((g["filters"], g["channels"], kh, kw)).size + np.zeros(g["filters"]).size]])
    z, y = g["z"], g["y"]

    def loss(zz):
        e = [math.exp(v) for v in zz]
        return -sum(yk * math.log(ek / sum(e)) for yk, ek in zip(y, e))
    return finite_difference(loss, np.array(z, dtype=float), eps=1e-5).reshape(1, -1)


# --------------------------------------------------------------------------- every kind, level, seed
@pytest.mark.parametrize("kind", KINDS)
def test_answers_equal_the_loop_reference_and_grade_correct(kind):
    for level in LEVELS:
        for seed in SEEDS:
            ex = make_exercise(kind, seed, level)
            ref = reference(ex)
            assert ex.answer.shape == ref.shape, (kind, level, seed)
            np.testing.assert_allclose(ex.answer, ref, atol=1e-6, err_msg=f"{kind} {level} {seed}")
            grade = check_answer(ex, ex.answer)
            assert grade.correct and grade.mistakes == () and grade.cells.all(), (kind, level, seed)


@pytest.mark.parametrize("kind", KINDS)
def test_every_mistake_that_changes_the_answer_is_named_first_or_second(kind):
    named = set()
    for level in LEVELS:
        for seed in SEEDS:
            ex = make_exercise(kind, seed, level)
            for code, arrays in mistake_variants(ex).items():
                for wrong in arrays:
                    if wrong.shape == ex.answer.shape and _close(wrong, ex.answer).all():
                        continue
                    grade = check_answer(ex, wrong)
                    assert not grade.correct
                    assert code in grade.mistakes[:2], (kind, level, seed, code, grade.mistakes)
                    named.add(code)
    expected = {
        "output_size": {"no_padding", "no_floor", "no_dilation", "transposed_matrix"},
        "same_padding": {"padding_wrong_side", "no_dilation", "no_padding"},
        "conv_forward": {"flipped_kernel", "no_padding", "forgot_bias", "transposed_matrix", "one_based_off_by_one"},
        "pool_forward": {"no_padding", "avg_excludes_padding", "transposed_matrix", "one_based_off_by_one"},
        "pool_backward": {"pool_overwrite", "ties_to_all", "transposed_matrix"},
        "conv_input_grad": {"kernel_not_rotated", "no_zero_insertion", "no_padding", "transposed_matrix"},
        "conv_weight_grad": {"flipped_kernel", "no_padding", "no_zero_insertion", "output_instead_of_input",
                             "transposed_matrix", "one_based_off_by_one"},
        "transposed_output_size": {"no_padding", "no_dilation"},
        "param_count": {"forgot_bias"},
        "softmax_ce_grad": {"softmax_sign"},
    }[kind]
    assert named == expected


def test_every_mistake_code_is_exercised_by_some_kind():
    covered = set()
    for kind in KINDS:
        for level in LEVELS:
            for seed in range(30):
                covered |= set(mistake_variants(make_exercise(kind, seed, level)))
    assert covered == set(MISTAKES)


# --------------------------------------------------------------------------- hand-made cases
def test_true_convolution_is_named_flipped_kernel():
    x = np.arange(9.0).reshape(3, 3)
    w = np.array([[1.0, 2.0], [0.0, -1.0]])
    ex = exercise_from("conv_forward", x=x, w=w, b=0, stride=1, padding=0)
    # cross-correlation by hand: y11 = 0*1 + 1*2 + 3*0 + 4*(-1) = -2
    assert ex.answer[0, 0] == -2
    flipped = np.array([[4 * 1 + 3 * 2 + 1 * 0 + 0 * -1 - 0, 0], [0, 0]])  # only y11 written out
    flipped = correlate(x, w[::-1, ::-1], 1, 0)
    assert flipped[0, 0] == -1 * 0 + 0 * 1 + 2 * 3 + 1 * 4
    grade = check_answer(ex, flipped)
    assert grade.mistakes[0] == "flipped_kernel"
    assert not grade.cells.all()


def test_a_missing_padding_is_diagnosed_from_another_shape():
    x = np.array([[1.0, 2, 0, 1], [0, 1, 3, 1], [2, 2, 1, 0], [1, 0, 1, 2]])
    w = np.array([[1.0, 0, -1], [0, 1, 0], [1, 0, 1]])
    ex = exercise_from("conv_forward", x=x, w=w, b=1, stride=1, padding=1)
    grade = check_answer(ex, correlate(x, w, 1, 0) + 1)       # 2x2 instead of 4x4
    assert grade.cells is None and grade.mistakes == ("no_padding",) and not grade.correct


def test_seed_003_overwrite_of_overlapping_max_routes():
    x = np.array([[1.0, 5, 2], [3, 4, 0], [0, 2, 1]])
    dy = np.array([[1.0, 2], [3, 4]])
    ex = exercise_from("pool_backward", x=x, dy=dy, kernel=2, stride=1, mode="max")
    # the 5 wins all four windows that contain it: two; it wins windows (1,1) and (1,2) -> 1 + 2
    assert ex.answer[0, 1] == 3
    overwritten = ex.answer.copy()
    overwritten[0, 1] = 2  # the last window's δ only
    assert check_answer(ex, overwritten).mistakes[0] == "pool_overwrite"


def test_ties_to_all_and_the_first_maximum_rule():
    x = np.array([[2.0, 2], [1, 0]])
    ex = exercise_from("pool_backward", x=x, dy=[[5.0]], kernel=2, stride=2, mode="max")
    np.testing.assert_array_equal(ex.answer, [[5, 0], [0, 0]])
    assert check_answer(ex, [[5, 5], [0, 0]]).mistakes[0] == "ties_to_all"


def test_softmax_sign_and_same_padding_side():
    ex = exercise_from("softmax_ce_grad", z=[0.0, 0.0], y=[1, 0])
    np.testing.assert_allclose(ex.answer, [[-0.5, 0.5]])
    assert check_answer(ex, [[0.5, -0.5]]).mistakes == ("softmax_sign",)
    ex = exercise_from("same_padding", in_hw=5, kernel_hw=2, stride=1, dilation=1)
    np.testing.assert_array_equal(ex.answer, [[0, 1, 0, 1]])
    assert check_answer(ex, [1, 0, 1, 0]).mistakes[0] == "padding_wrong_side"


def test_no_floor_accepts_a_fractional_size():
    ex = exercise_from("output_size", in_hw=6, kernel_hw=3, stride=2, padding=0, dilation=1)
    np.testing.assert_array_equal(ex.answer, [[2, 2]])
    assert check_answer(ex, [[2.5, 2.5]]).mistakes[0] == "no_floor"


def test_cell_terms_add_up_to_the_answer():
    for kind in ("conv_forward", "pool_forward", "pool_backward", "conv_input_grad", "conv_weight_grad",
                 "softmax_ce_grad"):
        for level in LEVELS:
            for seed in range(10):
                ex = make_exercise(kind, seed, level)
                for ct in solution_terms(ex):
                    vals = [t.left_value * t.right_value for t in ct.terms]
                    if ct.rule == "sum":
                        total = sum(vals) + (ct.bias or 0.0)
                    elif ct.rule == "max":
                        total = max(t.left_value for t in ct.terms)
                    elif ct.rule == "avg":
                        total = sum(t.left_value for t in ct.terms) / ct.divisor
                    else:
                        total = ct.terms[0].left_value - ct.terms[0].right_value
                    assert total == pytest.approx(ex.answer[ct.cell], abs=1e-9), (kind, level, seed, ct.cell)
    ex = make_exercise("conv_forward", 1, 1)
    grade = check_answer(ex, ex.answer + 1)
    assert len(grade.terms) == ex.answer.size and grade.terms[0] == explain_cell(ex, (0, 0))


# --------------------------------------------------------------------------- determinism and bad input
def test_same_arguments_same_exercise_and_different_seeds_differ():
    a, b = make_exercise("conv_forward", 42, 2), make_exercise("conv_forward", 42, 2)
    assert all(np.array_equal(a.given[k], b.given[k]) for k in a.given)
    assert np.array_equal(a.answer, b.answer)
    assert not all(np.array_equal(make_exercise("conv_forward", s, 2).answer, a.answer) for s in range(5))


@pytest.mark.parametrize("kind, seed, level, code", [
    ("conv", 1, 1, "bad_exercise_kind"), ("<script>", 1, 1, "bad_exercise_kind"),
    ("conv_forward", 1, 4, "bad_exercise_level"), ("conv_forward", 1, 0, "bad_exercise_level"),
    ("conv_forward", 1, "2", "bad_exercise_level"), ("conv_forward", -1, 1, "value_out_of_range"),
    ("conv_forward", 10**12, 1, "value_out_of_range"), ("conv_forward", 1.5, 1, "not_integer"),
])
def test_tampered_kind_level_seed_are_refused(kind, seed, level, code):
    with pytest.raises(CoreValueError) as err:
        make_exercise(kind, seed, level)
    assert err.value.code == code


@pytest.mark.parametrize("submitted, code", [
    ([[1.0, float("nan")]], "not_finite"), ([["a", "b"]], "bad_answer"), ([], "bad_answer"),
    (np.zeros((60, 2)), "matrix_too_large"), ([[[1.0]]], "bad_answer"),
])
def test_bad_submissions_raise_before_grading(submitted, code):
    with pytest.raises(CoreValueError) as err:
        check_answer(make_exercise("conv_forward", 0, 1), submitted)
    assert err.value.code == code


def test_bad_setups_are_refused():
    with pytest.raises(CoreValueError) as err:
        exercise_from("conv_forward", x=[[1.0]], w=[[1.0, 2.0]], b=0, stride=1, padding=0)
    assert err.value.code == "kernel_too_large"
    with pytest.raises(CoreValueError) as err:
        exercise_from("softmax_ce_grad", z=[1.0, 2.0], y=[1, 1])
    assert err.value.code == "not_one_hot"
    with pytest.raises(CoreValueError) as err:
        exercise_from("pool_backward", x=np.ones((4, 4)), dy=np.ones((3, 3)), kernel=2, stride=2, mode="max")
    assert err.value.code == "bad_shape"
    with pytest.raises(CoreValueError) as err:
        exercise_from("param_count", filters=2)
    assert err.value.code == "missing_given"


def test_a_wrong_shape_without_a_matching_mistake_names_nothing():
    ex = make_exercise("conv_forward", 0, 1)
    grade = check_answer(ex, np.zeros((5, 5)))
    assert grade.cells is None and grade.mistakes == () and not grade.correct


def test_weight_gradient_with_an_uncovered_row_uses_the_given_kernel():
    x = np.arange(25.0).reshape(5, 5) % 7 - 3
    w = np.array([[1.0, -1], [2, 0]])          # 5x5, k=2, s=2: the last row and column are never read
    dy = np.array([[1.0, -2], [0, 3]])
    ex = exercise_from("conv_weight_grad", x=x, dy=dy, w=w, stride=2, padding=0)
    ref = finite_difference(lambda ww: float((correlate(x, ww, 2, 0) * dy).sum()), np.zeros((2, 2)))
    np.testing.assert_allclose(ex.answer, ref, atol=1e-6)
    # δ₁₁·x₁₁ + δ₁₂·x₁₃ + δ₂₁·x₃₁ + δ₂₂·x₃₃ for dW₁₁
    assert ex.answer[0, 0] == pytest.approx(1 * x[0, 0] - 2 * x[0, 2] + 0 * x[2, 0] + 3 * x[2, 2])


def test_one_slip_is_not_blamed_on_a_mistake_that_would_change_many_cells():
    """dW with one cell off by one: the 'output instead of input' variant happens to hold that cell's
    value, but it changes 8 other cells the student got right, so it is not the explanation."""
    x = [[1, -2, 0, 3, 1], [2, 1, -1, 0, 2], [0, 3, 1, 1, -1], [1, 0, 2, -2, 1], [3, 1, 0, 1, 2]]
    ex = exercise_from("conv_weight_grad", x=x, dy=[[1, 0, -1], [2, 1, 0], [0, 1, 1]],
                       w=[[1, 0, 0], [0, 1, 0], [0, 0, 1]], stride=2, padding=1)
    slip = np.array(ex.answer)
    slip[2, 2] += 1
    grade = check_answer(ex, slip)
    assert not grade.correct and grade.wrong == ((2, 2),)
    assert grade.mistakes == ()
    # the mistake itself is still named
    variant = mistake_variants(ex)["output_instead_of_input"][0]
    assert check_answer(ex, variant).mistakes[0] == "output_instead_of_input"
