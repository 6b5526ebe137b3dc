"""benchmarks/load.py: a fast smoke test of its pure parts (the benchmark itself is run by hand)."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from ui.matrix_input import parse_matrix

_spec = importlib.util.spec_from_file_location("benchmarks_load", Path(__file__).resolve().parents[2] / "benchmarks" / "load.py")
load = sys.modules["benchmarks_load"] = importlib.util.module_from_spec(_spec)  # dataclasses look their module up
_spec.loader.exec_module(load)


@pytest.mark.parametrize("values", [[1.0], [3.0, 1.0, 2.0], list(np.random.default_rng(0).exponential(size=101))])
@pytest.mark.parametrize("q", [0, 50, 95, 100])
def test_percentile_matches_numpy(values, q):
    assert load.percentile(values, q) == pytest.approx(np.percentile(values, q))


def test_user_key_matches_streamlit():
    from streamlit.runtime.state.common import user_key_from_element_id

    for element_id in ("$$ID-0f3a9c-conv_single.padding", "$$ID-ab12-pool.kernel-size", "$$ID-ab12-None"):
        assert load.user_key(element_id) == user_key_from_element_id(element_id)
    assert load.user_key("not-a-widget") is None


def test_unique_inputs_are_distinct_valid_matrices():
    texts = [load.unique_matrix(n) for n in range(5000)]
    assert len(set(texts)) == 5000
    for text in texts[:: 499]:
        result = parse_matrix(text, max_rows=12, max_cols=12)
        assert result.ok and result.matrix.shape == (4, 4)


def test_schedule_keeps_the_rate():
    plan = load.schedule(sessions=20, interval=2.0, duration=60.0, seed=1)
    assert len(plan) == 20 and all(len(times) == 30 for times in plan)
    assert all(np.allclose(np.diff(times), 2.0) and 0 <= times[0] < 2.0 for times in plan)
