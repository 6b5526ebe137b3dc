"""ui.training_cache: the training page's cached calls give the core's numbers (references: train_step stepped by
hand, the core's own train)."""

from __future__ import annotations

import numpy as np

from cnn_core import tiny_cnn
from ui import training_cache as cached
from ui.svg_chart import parse_values


def test_a_links_runs_replay_the_checked_steps_exactly():
    images, labels, _, params = cached.core("setup", 4)
    current, losses = params, []
    for count, rate in ((3, 0.1), (2, 0.5)):                     # the reference: the checked step, by hand
        for _ in range(count):
            trace = tiny_cnn.train_step(current, images, labels, rate)
            losses.append(trace.loss)
            current = trace.new_params
    replayed, replay_losses, accuracies, done, err = cached.core("replay", params, images, labels, ((3, 0.1), (2, 0.5)))
    assert err is None and done == 5 and replay_losses == tuple(losses) and len(accuracies) == 5
    for name, value in current.as_dict().items():
        np.testing.assert_array_equal(getattr(replayed, name), value, err_msg=name)


def test_the_curve_is_drawn_from_arrays_with_every_point():
    images, labels, _, params = cached.core("setup", 0)
    curve = tiny_cnn.train_curve(params, images, labels, 0.1, 30)
    svg = cached.svg("curve", np.array(curve.losses), np.array(curve.accuracies), ("T", "x", "loss", "accuracy"), 4)
    np.testing.assert_allclose(parse_values(svg, "loss"), curve.losses, rtol=1e-12)
    np.testing.assert_allclose(parse_values(svg, "accuracy"), curve.accuracies, rtol=1e-12)
    assert curve.losses == tiny_cnn.train(params, images, labels, 0.1, 30).losses
