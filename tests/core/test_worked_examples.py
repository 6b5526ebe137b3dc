"""Every worked example of the seeds (cnn_core.worked_examples.ALL_EXAMPLES) reproduced by the core."""

from __future__ import annotations

import json
import os
import pathlib
import re

import numpy as np
import pytest

from cnn_core import worked_examples as wx
from cnn_core.activations import activate
from cnn_core.autodiff import chain_paths, forward_mode, reverse_mode, sigmoid_graph
from cnn_core.pool import pool2d, pool2d_backward, pool2d_trace

def check_conv_4x4(ex: wx.WorkedExample) -> None:
    from cnn_core.conv import conv2d
    x, w = ex.inputs["x"], ex.inputs["w"]
    net = conv2d(x, w, stride=ex.params["stride"], padding=ex.params["padding"])
    assert net.shape == (1, 1, 3, 3)
    assert net[0, 0, 0, 0] == ex.printed["net_o11"]
    # the text's sum uses only the four cells it prints: the supplied cells must not matter
    (r0, c0), (r1, c1) = ex.inputs["from_text"][0], ex.inputs["from_text"][-1]
    assert net[0, 0, 0, 0] == float(np.sum(x[0, 0, r0:r1 + 1, c0:c1 + 1] * w[0, 0]))
    assert activate(ex.params["activation"], net)[0, 0, 0, 0] == ex.printed["out_o11"]


def check_conv_5x5x3(ex: wx.WorkedExample) -> None:
    from cnn_core.conv import conv2d, conv2d_backward
    x, w, b, delta = (ex.inputs[k] for k in ("x", "w", "b", "delta"))
    s, p, lr = ex.params["stride"], ex.params["padding"], ex.params["lr"]
    y = activate(ex.params["activation"], conv2d(x, w, b, stride=s, padding=p))
    np.testing.assert_array_equal(y, ex.printed["y"])
    _, dw, db = conv2d_backward(delta, x, w, stride=s, padding=p)
    # the text prints three decimals; an SGD step of 0.001 × an integer gradient is exact to rounding
    np.testing.assert_allclose(w - lr * dw, ex.printed["w_after"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(b - lr * db, ex.printed["b_after"], rtol=0, atol=1e-12)


def check_pool_route(ex: wx.WorkedExample) -> None:
    x, delta = ex.inputs["x"], ex.inputs["delta"]
    k, s = ex.params["kernel"], ex.params["stride"]
    np.testing.assert_array_equal(pool2d_backward(delta, x, k, s, mode="max"), ex.printed["max"])
    np.testing.assert_array_equal(pool2d_backward(delta, x, k, s, mode="avg"), ex.printed["avg"])
    # the supplied input really puts the maxima where the text says: 左上, 右下, 右上, 左下
    trace = pool2d_trace(x[0, 0], k, s)
    corners = [(w.winner[0] - w.rows[0], w.winner[1] - w.cols[0]) for w in trace.windows]
    assert corners == [(0, 0), (1, 1), (0, 1), (1, 0)]
    assert pool2d(x, k, s).shape == delta.shape


def check_autodiff(ex: wx.WorkedExample) -> None:
    g = sigmoid_graph(**ex.inputs)
    assert forward_mode(g, "w").result == ex.printed["df_dw"]
    assert reverse_mode(g).gradient("w") == ex.printed["df_dw"]
    (path,) = chain_paths(g, "w")
    assert tuple(f.value for f in path.factors) == ex.printed["chain"]


CHECKS = {
    wx.CONV_4X4.key: check_conv_4x4,
    wx.CONV_5X5X3.key: check_conv_5x5x3,
    wx.POOL_ROUTE.key: check_pool_route,
    wx.AUTODIFF_SIGMOID.key: check_autodiff,
}


@pytest.mark.parametrize("example", wx.ALL_EXAMPLES, ids=[e.key for e in wx.ALL_EXAMPLES])
def test_example_is_reproduced(example):
    check = CHECKS.get(example.key)
    assert check is not None, f"no reproduction written for worked example {example.key!r}"
    check(example)


TEXT_NUMBERS = ("000", "001", "002", "003", "004")
ROOT = pathlib.Path(__file__).resolve().parents[2]


def _source_texts() -> pathlib.Path | None:
    """The folder of the five source texts, which is not part of the repository.

    ``CNN_SOURCE_TEXTS`` names it; else ``../shared/seeds`` beside the clone (or beside its worktree folder).
    """
    candidates = [os.environ.get("CNN_SOURCE_TEXTS"), ROOT.parent / "shared" / "seeds",
                  ROOT.parent.parent / "shared" / "seeds"]
    return next((pathlib.Path(c) for c in candidates if c and pathlib.Path(c).is_dir()), None)


def _anchors(section: str) -> tuple[list[str], list[str]]:
    """(heading words, equation numbers) of a section reference such as '2.7.1 (1) 输入层---->卷积层, 公式 (1)(2)'."""
    heading, _, equations = section.partition("公式")
    words = [w for w in re.split(r"[\s,]+", heading) if w and w != "/"]
    return words, re.findall(r"\((\d+(?:\.\d+)?)\)", equations)


def test_every_example_names_one_of_the_five_texts_and_a_section():
    """Runs in a clean clone: the reference is consistent (text number, file name, key, short title)."""
    words = json.loads((ROOT / "assets" / "locales" / "en" / "words.json").read_text(encoding="utf-8"))
    for ex in wx.ALL_EXAMPLES:
        number = ex.seed[:3]
        assert number in TEXT_NUMBERS and re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", ex.seed), ex.seed
        assert ex.key.startswith(f"seed{number}_"), (ex.key, ex.seed)     # the key says which text
        assert words[f"text_{number}"]                                  # the interface has a short title for it
        heading, _ = _anchors(ex.section)
        assert heading and ex.printed, ex.key


def test_every_section_is_found_in_its_source_text():
    """Where the texts are available (beside the clone), each cited heading and equation number is in its file."""
    folder = _source_texts()
    if folder is None:
        pytest.skip("the source texts are not beside this clone (../shared/seeds, or set CNN_SOURCE_TEXTS); "
                    "they are not part of the repository, so only the consistency test above ran")
    for ex in wx.ALL_EXAMPLES:
        path = folder / ex.seed
        assert path.is_file(), f"{ex.key}: {ex.seed} is not in {folder}"
        lines = path.read_text(encoding="utf-8").replace("．", ".").splitlines()
        heading, equations = _anchors(ex.section)
        text = "\n".join(lines)
        for word in heading:
            assert word in text, (ex.key, word)
        # the first heading word opens a section (a markdown heading); the cited equations are inside it
        start = next((i for i, line in enumerate(lines) if line.startswith("#") and heading[0] in line), None)
        assert start is not None, (ex.key, heading[0])
        level = len(lines[start]) - len(lines[start].lstrip("#"))
        end = next((i for i in range(start + 1, len(lines))
                    if lines[i].startswith("#") and len(lines[i]) - len(lines[i].lstrip("#")) <= level), len(lines))
        body = "\n".join(lines[start:end])
        for number in equations:
            assert f"({number})" in body or f"tag{{{number}}}" in body, (ex.key, number)
