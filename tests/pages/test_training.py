"""Training page (tiny CNN) through the real app: both languages, every tab, buttons, URL state.

References: the core (``cnn_core.tiny_cnn``) for the tensors the page must show, and plain
NumPy written here independently (loops over windows, log-softmax, a − y) for the maths the
page must NOT do itself — so a wrong wiring (sample, filter, cell, 1/N) fails the test.
"""

from __future__ import annotations

import html
import json

import numpy as np
import pytest

from cnn_core import tiny_cnn
from ui.i18n import translate
from ui.latex import fmt, fmt_latex

from ui.components.training_steppers import GROUP

from ui.svg_chart import parse_values

from tests.reference import correlate

from .conftest import all_text, choice_markup, choose, chosen, figure_titled, link_of, no_exception, open_page, pick_in_menu, plotly_figures, set_setting, stepper, stepper_grid
from .conftest import pick_tab, tab_labels
from .plain_tables import plain_tables
from .metric_rows import metric_rows

PAGE = "training"
LR = 0.1  # the page's default learning rate


def _shows_result(latex: str, value: float) -> bool:
    """A last step shows ``value``: with = when the shown numbers give it, else ≈ (never hidden)."""
    shown = fmt_latex(value, factor=False)
    return f"&= {shown} " in latex or f"&\\approx {shown} " in latex


def _data(seed: int = 0):
    """The page's data: one generator per seed draws the glyphs (3 per class, noise 0.2, shift 1), then the weights."""
    rng = np.random.default_rng(seed)
    x, y, names = tiny_cnn.make_glyph_dataset(rng, 3, 0.2, 1)
    return x, y, names, tiny_cnn.init_params(rng, 4, 4, 8)


def _figure(at, title_start: str) -> dict:
    return figure_titled(at, title_start, prefix=True)


def _svgs(at) -> list[str]:
    """The inline SVG charts on the page, drawn by the SVG box component (``ui.components.svg_box``: not Markdown,
    #14)."""
    assert not [el for el in at.markdown if el.value.lstrip().startswith("<svg")], "no chart is Markdown any more"
    boxes = [json.loads(el.proto.json) for el in at.main.get("bidi_component") if el.key.startswith("training.svg_")]
    return [markup for markup in boxes if markup.lstrip().startswith("<svg")]


def _svg(at, title: str) -> str:
    """The inline SVG chart titled ``title`` (its aria-label, XML-escaped)."""
    from html import escape

    found = [svg for svg in _svgs(at) if f'aria-label="{escape(title, quote=True)}"' in svg]
    assert len(found) == 1, (title, [svg[:200] for svg in _svgs(at)])
    return found[0]


def _curve(at, lang: str = "en") -> list[float]:
    """The losses the loss curve draws (its unrounded numbers)."""
    return parse_values(_svg(at, translate(lang, "training.curve_title")), translate(lang, "training.curve_loss"))


def _latex_lines(at) -> list[str]:
    """Every display formula on the page as LaTeX: the st.latex ones and the math boxes' (their sources)."""
    from .math_boxes import math_box_formulas

    return [el.value for el in at.latex] + math_box_formulas(at, "training.")


def _latex(at) -> str:
    return "\n".join(_latex_lines(at))


def _metric(at, key: str, lang: str = "en") -> str:
    """A number of the status row (ui.metric_row: one st.html element, not st.metric, #14 round 13)."""
    assert not at.metric, "st.metric: the page draws its numbers as one row"
    (row,) = [row for row in metric_rows(at) if translate(lang, "training.metric_steps") in row]
    return row[translate(lang, f"training.{key}")]


def _open_tab(at, which: str, lang: str = "en"):
    return pick_tab(at, "training", "tab", which, translate(lang, f"training.tab_{which}"))


def _open(at, *sections: str):
    """Open lazily drawn expanders (``training.show_<section>``) and rerun."""
    for name in sections:
        at.session_state[f"training.show_{name}"] = True
    return at.run()


def _net_loops(x, params, n: int, f: int) -> np.ndarray:
    """net of sample n, filter f (6×6) by the loop cross-correlation of tests/reference.py (the reference)."""
    return correlate(x[n, 0], params.conv_w[f, 0]) + params.conv_b[f]


def _stepper_parts(aria: str) -> tuple[str, str, str, str, str]:
    """A stepper formula's text ``lhs = symbols = numbers = result`` (or ``≈ result``): its four parts and
    the last relation."""
    import re

    lhs, symbols, numbers, result = re.split(r" [=≈] ", aria)
    return lhs, symbols, numbers, result, aria[len(aria) - len(result) - 2]


def _stepper_result(aria: str) -> str:
    """The last number of a stepper formula's text (after its final = or ≈), with an ASCII minus as ``fmt``'s."""
    return aria.rsplit(" ", 1)[1].replace("−", "-")


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# --------------------------------------------------------------------------- both languages

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_in_both_languages(lang):
    at = open_page(PAGE, lang)
    no_exception(at)
    assert at.title[0].value == translate(lang, "training.title")
    text = all_text(at)
    for key in ("seed_label", "lr_label", "steps_label", "data_section", "curve_section", "look_section"):
        assert translate(lang, f"training.{key}") in text, key
    for key in ("sample", "filter"):   # the two menus' labels (ui.components.choice_menu: in their markup)
        assert f"<span>{translate(lang, f'training.{key}_label')}</span>" in choice_markup(at, f"training.{key}"), key
    expanders = [exp.label for exp in at.expander]
    for key in ("data_more", "fwd_relu_subtitle", "fwd_flat_subtitle", "fwd_fc_subtitle"):
        assert translate(lang, f"training.{key}") in expanders, key
    # the default view draws no chart: before the first step the curve would be one point, told in words
    # (the loss and accuracy of the metrics); the convolution (input, kernel, net and every cell's formula)
    # is the browser-side cell stepper
    assert plotly_figures(at) == []
    assert translate(lang, "training.curve_empty", loss="1.603", accuracy="25%") in [el.value for el in at.info]
    payload = stepper(at)
    assert [g["title"] for g in payload["grids"]] == [
        translate(lang, "training.fwd_input_title", index=1, label="X"), translate(lang, "training.fwd_kernel_title", filter=1),
        translate(lang, "training.fwd_conv_title", filter=1)]
    assert payload["labels"]["hint"] == translate(lang, "training.stepper_hint")
    assert translate(lang, "training.cs_heading") in payload["cells"][0]["html"]
    _open(at, "data", "fwd_pool", "fwd_flat", "fwd_fc")
    no_exception(at)
    text = all_text(at)
    assert translate(lang, "training.fwd_all_filters") in text
    assert translate(lang, "training.fwd_accuracy", accuracy="25%") in text
    assert tab_labels(at, "training", "tab") == [translate(lang, f"training.tab_{k}")
                                              for k in ("forward", "backward", "update", "gradcheck")]
    assert at.button(key="training.run_button").label == translate(lang, "training.run_button", n=50)
    assert translate(lang, "training.gallery_title") in text or \
        f"**{translate(lang, 'training.gallery_title')}**" in all_text(at)
    # the ReLU/max-pool section is a cell stepper over p, its texts translated; figure axis titles too
    pool = stepper(at, "pool_stepper")
    assert [g["title"] for g in pool["grids"]] == [translate(lang, "training.fwd_relu_title", filter=1),
                                                  translate(lang, "training.fwd_pool_title", filter=1)]
    assert pool["labels"]["hint"] == translate(lang, "training.pool_stepper_hint") and pool["url"] == {}
    at.button(key="training.step_button").click().run()        # the curve is drawn from the first step on
    curve = _svg(at, translate(lang, "training.curve_title"))
    assert f">{translate(lang, 'training.curve_x')}</text>" in curve and plotly_figures(at) == []
    assert len(_curve(at, lang)) == 2 and not any(el.value.startswith(translate(lang, "training.curve_empty",
                                                       loss="§", accuracy="§").split("§")[0]) for el in at.info)
    for which in ("backward", "update", "gradcheck"):
        _open_tab(at, which, lang)
        no_exception(at)


# --------------------------------------------------------------------------- forward numbers

def test_images_and_first_forward_numbers():
    x, y, names, params = _data(0)
    at = _open(open_page(PAGE, "en"), "data", "fwd_flat", "fwd_fc")
    no_exception(at)
    # the gallery shows the 12 generated images (picture tiles, no chart) with their true and predicted classes
    predicted = tiny_cnn.predict(params, x)
    imgs = [img for el in at.get("image") for img in el.proto.imgs]
    assert [img.caption for img in imgs] == [f"#{i + 1} {names[y[i]]} → {names[predicted[i]]}" for i in range(12)]
    assert f"**{translate('en', 'training.gallery_title')}**" in all_text(at)
    # input and conv output of sample 1, filter 1 (the cell stepper's grids)
    payload = stepper(at)
    np.testing.assert_allclose(stepper_grid(payload, f"Input x (sample #1, class {names[y[0]]})"), x[0, 0])
    loops = _net_loops(x, params, 0, 0)
    np.testing.assert_allclose(stepper_grid(payload, "net = x ⋆ h + b, filter 1"), loops, atol=1e-12)
    # the written-out cell: net_11 with its nine products and the result
    aria = payload["cells"][0]["aria"]
    assert aria.startswith("net₁₁ = x₁₁·h₁₁ + x₁₂·h₁₂ + x₁₃·h₁₃ + x₂₁·h₂₁")
    assert _stepper_result(aria) == fmt(loops[0, 0])
    latex = _latex(at)
    # batch loss = mean of −log softmax(z)[y], from an independent NumPy forward pass
    conv_all = np.array([[_net_loops(x, params, n, f) for f in range(4)] for n in range(12)])
    relu = np.maximum(conv_all, 0)
    pooled = relu.reshape(12, 4, 3, 2, 3, 2).max(axis=(3, 5))
    logits = pooled.reshape(12, -1) @ params.fc_W.T + params.fc_b
    probs = _softmax(logits)
    loss = -np.mean(np.log(probs[np.arange(12), y]))
    assert _metric(at, "metric_loss") == fmt(loss) == "1.603"
    assert _metric(at, "metric_accuracy") == f"{np.mean(probs.argmax(1) == y):.0%}"
    assert _shows_result(latex, loss)
    assert rf"&= -\ln {fmt_latex(probs[0, y[0]])}" in latex
    bars = _svg(at, "Probabilities a vs. target y (sample #1)")
    np.testing.assert_allclose(parse_values(bars, "probability a"), probs[0], rtol=1e-12)
    assert parse_values(bars, "target y") == [1.0, 0.0, 0.0, 0.0]
    assert f">{fmt(probs[0, 0])}</text>" in bars          # each bar's value printed above it
    # the logits / probabilities / targets table of sample 1: one plain HTML table (no Markdown cell by cell)
    table = next(tb for tb in plain_tables(at) if "logit z" in tb.columns)
    assert list(table["logit z"]) == [fmt(v) for v in logits[0]]
    assert list(table["probability a"]) == [fmt(v) for v in probs[0]]
    assert list(table["target y"]) == ["1", "0", "0", "0"]
    assert list(table["class"]) == [f"{k + 1} · {name}" for k, name in enumerate(names)]
    assert at.table == [] or all("logit z" not in tb.value.columns for tb in at.table)
    # v = flatten(p): 36 numbers, one row per filter, each printed and named v₁ … v₃₆ (no Plotly chart)
    flat = _svg(at, "v = flatten(p): 36 values")
    np.testing.assert_allclose(parse_values(flat, "values"), pooled[0].reshape(-1), rtol=1e-12)
    assert ">v₁₀</text>" in flat and ">v₃₆</text>" in flat and f">{fmt(pooled[0, 3, 2, 2])}</text>" in flat
    assert plotly_figures(at) == []                        # gallery, flatten, bars: none waits for Plotly


def test_choosing_sample_and_filter_moves_every_view_and_the_link_picks_the_cell():
    x, y, names, params = _data(0)
    # the link's cell (row 4, column 5) is the stepper's first cell; picking others happens in the browser
    at = _open(open_page(PAGE, "en", query={"row": "4", "col": "5"}), "fwd_pool")
    choose(at, "training.sample", 8)
    choose(at, "training.filter", 3)
    assert chosen(at, "training.sample")[0] == "8" and chosen(at, "training.filter")[0] == "3"
    no_exception(at)
    n, f, r, c = 7, 2, 3, 4
    loops = _net_loops(x, params, n, f)
    payload = stepper(at)
    assert payload["start"] == r * 6 + c and payload["clamped"] is False
    assert payload["url"] == {"row": "r", "col": "c"}
    np.testing.assert_allclose(stepper_grid(payload, "net = x ⋆ h + b, filter 3"), loops, atol=1e-12)
    np.testing.assert_allclose(stepper_grid(payload, f"Input x (sample #8, class {names[y[n]]})"), x[n, 0])
    np.testing.assert_allclose(stepper_grid(payload, "Kernel h, filter 3"), params.conv_w[f, 0])
    cell = payload["cells"][r * 6 + c]
    assert cell["label"] == "net₄₅"
    assert cell["aria"].startswith("net₄₅ = x₄₅·h₁₁ + x₄₆·h₁₂ + x₄₇·h₁₃ + x₅₅·h₂₁")
    assert _stepper_result(cell["aria"]) == fmt(loops[r, c])
    # the window outline on x covers rows 4-6, columns 5-7 (0-based 3..5, 4..6); the cell itself on net
    assert cell["marks"] == [[0, 3, 4, 5, 6], [2, 3, 4, 3, 4]]
    # every cell: its window's nine products with the kernel, plus the bias (numbers as printed)
    for k, one in enumerate(payload["cells"]):
        i, j = divmod(k, 6)
        numbers = _stepper_parts(one["aria"])[2]
        assert numbers.count("×") == 9 and numbers.endswith(f"+ {fmt(params.conv_b[f])}")
        pairs = [term.replace("(", "").replace(")", "").replace("−", "-").split("×") for term in numbers.split(" + ")[:9]]
        assert [a for a, _ in pairs] == [fmt(v) for v in x[n, 0, i:i + 3, j:j + 3].ravel()]
        assert [b for _, b in pairs] == [fmt(v) for v in params.conv_w[f, 0].ravel()]
        assert _stepper_result(one["aria"]) == fmt(loops[i, j])
    # ReLU then 2x2 max-pool of this filter, with the winners outlined
    relu = np.maximum(loops, 0)
    pool = stepper(at, "pool_stepper")
    np.testing.assert_allclose(stepper_grid(pool, "o = ReLU(net) = max(net, 0), filter 3"), relu, atol=1e-12)
    np.testing.assert_allclose(stepper_grid(pool, "p = max-pool 2×2, filter 3"),
                               relu.reshape(3, 2, 3, 2).max(axis=(1, 3)), atol=1e-12)
    for k, cell in enumerate(pool["cells"]):
        pr, pc = divmod(k, 3)
        window = relu[2 * pr:2 * pr + 2, 2 * pc:2 * pc + 2]
        a, b = np.unravel_index(np.argmax(window), (2, 2))   # first maximum in row-major order
        assert cell["marks"] == [[0, 2 * pr, 2 * pc, 2 * pr + 1, 2 * pc + 1],
                                 [0, 2 * pr + a, 2 * pc + b, 2 * pr + a, 2 * pc + b, "winner"], [1, pr, pc, pr, pc]]
        assert cell["aria"] == (f"p{'₀₁₂₃₄₅₆₇₈₉'[pr + 1]}{'₀₁₂₃₄₅₆₇₈₉'[pc + 1]} = max("
                                + ", ".join(f"o{'₀₁₂₃₄₅₆₇₈₉'[r + 1]}{'₀₁₂₃₄₅₆₇₈₉'[c + 1]}"
                                            for r in (2 * pr, 2 * pr + 1) for c in (2 * pc, 2 * pc + 1))
                                + f") = max({', '.join(fmt(v).replace('-', '−') for v in window.ravel())}) = "
                                + fmt(window.max()).replace("-", "−"))
        # the winner is named under the formula (1-based)
        assert html.escape(translate("en", "training.cs_pool_winner", row=2 * pr + a + 1, col=2 * pc + b + 1)) in cell["html"]
    # the link carries the choice
    for name, value in (("sample", "8"), ("filter", "3"), ("row", "4"), ("col", "5")):
        assert at.query_params[name] in (value, [value])


# --------------------------------------------------------------------------- backward and update

def test_backward_tab_numbers():
    x, y, names, params = _data(0)
    trace = tiny_cnn.train_step(params, x, y, LR)
    # the link's cell (row 2, column 3) is the backward stepper's first cell, as the forward one's
    at = open_page(PAGE, "en", query={"sample": "3", "filter": "2", "row": "2", "col": "3"})
    _open_tab(at, "backward")
    _open(at, "bwd_flat", "bwd_grads")
    no_exception(at)
    latex = _latex(at)
    # ∂L/∂z = (a − y)/N for sample 3, from an independent softmax
    probs = _softmax(trace.fc_z[2])
    expected = (probs - np.eye(4)[y[2]]) / 12
    assert r"\frac{1}{12}\left(" in latex
    assert " & ".join(fmt_latex(v, factor=False) for v in expected) in latex
    # ∂L/∂v = Wᵀ ∂L/∂z (a matrix product), all 36 entries in the SVG grid, one row per filter, each printed
    d_flat = _svg(at, "∂L/∂v, sample #3")
    np.testing.assert_allclose(parse_values(d_flat, "values"), trace.params.fc_W.T @ expected, atol=1e-15)
    assert ">∂L/∂v₁₀</text>" in d_flat and f">{fmt((trace.params.fc_W.T @ expected)[9])}</text>" in d_flat
    payload = stepper(at, "bwd_stepper")
    assert payload["group"] == stepper(at.run(), "bwd_stepper")["group"] == GROUP and payload["url"] == {"row": "r", "col": "c"}
    assert payload["start"] == 1 * 6 + 2
    # the routed δ of o, from an independent max-pool backward (first maximum in row-major order wins)
    relu = trace.relu_a[2, 1]
    d_pool = trace.d_pool[2, 1]
    routed = np.zeros((6, 6))
    for pr in range(3):
        for pc in range(3):
            a, b = np.unravel_index(np.argmax(relu[2 * pr:2 * pr + 2, 2 * pc:2 * pc + 2]), (2, 2))
            routed[2 * pr + a, 2 * pc + b] = d_pool[pr, pc]
    np.testing.assert_allclose(stepper_grid(payload, "∂L/∂o (routed), filter 2"), routed, atol=1e-15)
    np.testing.assert_allclose(stepper_grid(payload, "∂L/∂net = ∂L/∂o ⊙ ReLU′(net)"),
                               routed * (trace.conv_z[2, 1] > 0), atol=1e-15)
    # every cell of o: ∂L/∂v_j of its pool window (j from the window, filter 2: entries 10 … 18), the route, ReLU′
    for k, cell in enumerate(payload["cells"]):
        r, c = divmod(k, 6)
        pr, pc = r // 2, c // 2
        j = 9 + 3 * pr + pc
        d_v = float(params.fc_W[:, j] @ expected)
        flat, route, step = cell["aria"].split("; ")
        assert flat.startswith(f"(∂L)/(∂v{''.join('₀₁₂₃₄₅₆₇₈₉'[int(d)] for d in str(j + 1))}) = W₁,")
        assert _stepper_result(flat) == fmt(d_v)
        a, b = np.unravel_index(np.argmax(relu[2 * pr:2 * pr + 2, 2 * pc:2 * pc + 2]), (2, 2))
        won = (2 * pr + a, 2 * pc + b) == (r, c)
        assert route.endswith(f"= {fmt(d_pool[pr, pc])}".replace("-", "−")) if won else route.endswith(" = 0")
        net = trace.conv_z[2, 1, r, c]
        assert _stepper_result(step) == fmt(routed[r, c] * (1.0 if net > 0 else 0.0))
        heading = translate("en", "training.bwd_cell_winner" if won else "training.bwd_cell_loser", row=r + 1,
                            col=c + 1, wrow=2 * pr + a + 1, wcol=2 * pc + b + 1)
        assert html.escape(heading) in cell["html"]
        # the cell, its 2×2 pool window on ∂L/∂o and that window's δ on ∂L/∂p are outlined
        assert [0, pr, pc, pr, pc] in cell["marks"] and [1, 2 * pr, 2 * pc, 2 * pr + 1, 2 * pc + 1] in cell["marks"]
    # parameter gradients as the core computed them
    dh = _figure(at, "∂L/∂h, filter 2")
    np.testing.assert_allclose(np.array(dh["data"][0]["z"], dtype=float), trace.grads.conv_w[1, 0], atol=1e-15)
    # ∂L/∂c = Σ_n (a_n − y_n)/N, independent of the page
    dc = _figure(at, "∂L/∂c")
    np.testing.assert_allclose(dc["data"][0]["z"][0], (_softmax(trace.fc_z) - np.eye(4)[y]).mean(axis=0),
                               atol=1e-12)
    # ∂L/∂W (4 × 36) shown for the chosen filter: its 9 columns v₁₀ … v₁₈, each Σ_n (a_n − y_n) v_nj / N
    dW = _figure(at, translate("en", "training.bwd_dW_title_filter", filter=2, first=10, last=18))
    flat = np.array([[trace.pool[n, f].ravel() for f in range(4)] for n in range(12)]).reshape(12, 36)
    reference = ((_softmax(trace.fc_z) - np.eye(4)[y]).T @ flat) / 12
    np.testing.assert_allclose(np.array(dW["data"][0]["z"], dtype=float), reference[:, 9:18], atol=1e-12)
    assert dW["layout"]["xaxis"]["ticktext"] == [f"v{''.join('₀₁₂₃₄₅₆₇₈₉'[int(d)] for d in str(j))}" for j in range(10, 19)]


def test_update_tab_shows_w_minus_lr_gradient():
    x, y, names, params = _data(0)
    trace = tiny_cnn.train_step(params, x, y, LR)
    at = open_page(PAGE, "en")
    _open_tab(at, "update")
    pick_in_menu(at, "training.upd_param", "fc_b")
    pick_in_menu(at, "training.upd_entry_fc_b", "(2,)")
    no_exception(at)
    before, grad = params.fc_b[2], trace.grads.fc_b[2]
    latex = _latex(at)
    assert r"{c_{3}}' &= c_{3} - \eta\," in latex
    assert f"&= {fmt_latex(before, factor=False)} - {fmt_latex(LR)}\\times{fmt_latex(grad)}" in latex
    assert _shows_result(latex, before - LR * grad)
    # the loss after this one step equals the core's two-point training history
    after = tiny_cnn.train(params, x, y, LR, 1).losses[-1]
    assert translate("en", "training.upd_loss", before=fmt(trace.loss), after=fmt(after)) in all_text(at)
    assert after < trace.loss
    # a kernel weight: the primed symbol is braced (KaTeX refuses h^{(2)}_{13}')
    pick_in_menu(at, "training.upd_param", "conv_w")
    pick_in_menu(at, "training.upd_entry_conv_w", "(1, 0, 0, 2)")
    latex = _latex(at)
    assert r"{h^{(2)}_{13}}' &= h^{(2)}_{13} - \eta\," in latex
    w, g = params.conv_w[1, 0, 0, 2], trace.grads.conv_w[1, 0, 0, 2]
    assert _shows_result(latex, w - LR * g)
    # kernel before / after panels
    np.testing.assert_allclose(np.array(_figure(at, "h after")["data"][0]["z"], dtype=float),
                               params.conv_w[0, 0] - LR * trace.grads.conv_w[0, 0], atol=1e-12)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_update_tab_menus_offer_the_parameters_and_the_chosen_ones_entries(lang):
    """The update tab's parameter and entry are choice menus (ui.components.choice_menu, #14 round 12): the four
    parameters by name, then the entries of the chosen one only, in the reader's language. Another parameter brings
    its own entries (the entry shown is always one of them) and coming back finds the entry chosen before; a value
    the menus did not offer (another parameter's entry, a made-up one) changes nothing."""
    names = ("conv_w", "conv_b", "fc_W", "fc_b")
    at = open_page(PAGE, lang, {"view": "update"})
    no_exception(at)
    assert chosen(at, "training.upd_param") == ("conv_w", [(p, translate(lang, f"training.upd_name_{p}")) for p in names])
    assert f'<span>{translate(lang, "training.upd_param_label")}</span>' in choice_markup(at, "training.upd_param")
    assert f'<span>{translate(lang, "training.upd_entry_label")}</span>' in choice_markup(at, "training.upd_entry_conv_w")
    selected, entries = chosen(at, "training.upd_entry_conv_w")
    assert selected == "(0, 0, 0, 0)" and len(entries) == 4 * 3 * 3
    assert entries[5] == ("(0, 0, 1, 2)", translate(lang, "training.upd_entry_conv_w", f=1, i=2, j=3))
    assert not at.selectbox
    pick_in_menu(at, "training.upd_entry_conv_w", "(1, 0, 0, 2)")
    pick_in_menu(at, "training.upd_param", "conv_b")
    no_exception(at)
    assert chosen(at, "training.upd_entry_conv_b") == (
        "(0,)", [(f"({f},)", translate(lang, "training.upd_entry_conv_b", f=f + 1)) for f in range(4)])
    assert r"{b^{(1)}}' &= b^{(1)} - \eta\," in _latex(at)
    for key, sent in (("training.upd_entry_conv_b", "(1, 0, 0, 2)"), ("training.upd_entry_conv_b", "(4,)"),
                      ("training.upd_entry_conv_b", "1"), ("training.upd_param", "W"), ("training.upd_param", None)):
        pick_in_menu(at, key, sent)                              # refused: the same parameter and entry
        no_exception(at)
        assert chosen(at, "training.upd_param")[0] == "conv_b" and chosen(at, "training.upd_entry_conv_b")[0] == "(0,)"
    pick_in_menu(at, "training.upd_param", "conv_w")             # back: the kernel entry chosen before
    assert chosen(at, "training.upd_entry_conv_w")[0] == "(1, 0, 0, 2)"
    assert r"{h^{(2)}_{13}}' &= h^{(2)}_{13} - \eta\," in _latex(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_update_panels_keep_the_captions_colours_when_a_gradient_has_one_sign(lang):
    """The caption says positive red, negative blue: the panels are on the diverging scale centred at 0, red at the
    top, even where a gradient has one sign only (random draw 10, filter 1: every ∂L/∂h is positive)."""
    x, y, _, params = _data(10)
    assert np.all(tiny_cnn.train_step(params, x, y, LR).grads.conv_w[0, 0] > 0)
    at = open_page(PAGE, lang, {"seed": "10", "filter": "1", "view": "update"})
    no_exception(at)
    for key in ("upd_before", "upd_gradient", "upd_after"):
        heat = _figure(at, translate(lang, f"training.{key}"))["data"][0]
        assert heat["zmid"] == 0 and heat["zmin"] == -heat["zmax"], key
        low, high = heat["colorscale"][0][1], heat["colorscale"][-1][1]
        assert _red(high) and not _red(low), (key, low, high)


def _red(colour: str) -> bool:
    """An ``rgb(r,g,b)`` colour whose red outweighs its blue."""
    r, _, b = (int(v) for v in colour[colour.index("(") + 1:-1].split(","))
    return r > b


def test_gradient_check_tab():
    at = open_page(PAGE, "zh")
    _open_tab(at, "gradcheck", "zh")
    no_exception(at)
    table = at.table[0].value
    assert list(table[translate("zh", "training.gc_col_passed")]) == [translate("zh", "training.gc_pass")] * 4
    assert list(table[translate("zh", "training.gc_col_shape")]) == ["4 × 1 × 3 × 3", "4", "4 × 36", "4"]
    assert all(float(v) < 1e-5 for v in table[translate("zh", "training.gc_col_error")])
    scatter = _figure(at, translate("zh", "training.gc_scatter_title"))
    assert sum(len(tr["x"]) for tr in scatter["data"]) == 36 + 4 + 144 + 4
    for tr in scatter["data"]:
        np.testing.assert_allclose(tr["x"], tr["y"], rtol=1e-4, atol=1e-9)


# --------------------------------------------------------------------------- training buttons

def test_one_step_run_and_reset():
    x, y, names, params = _data(0)
    at = open_page(PAGE, "en")
    at.button(key="training.step_button").click().run()
    no_exception(at)
    one = tiny_cnn.train(params, x, y, LR, 1)
    assert _metric(at, "metric_steps") == "1"
    assert _metric(at, "metric_loss") == fmt(one.losses[-1])
    np.testing.assert_allclose(_curve(at), one.losses)
    # then 20 more steps with the N slider
    at.slider(key="training.steps").set_value(20).run()
    at.button(key="training.run_button").click().run()
    no_exception(at)
    full = tiny_cnn.train(params, x, y, LR, 21)
    assert _metric(at, "metric_steps") == "21"
    assert _metric(at, "metric_loss") == fmt(full.losses[-1])
    np.testing.assert_allclose(_curve(at), full.losses, rtol=1e-12)
    assert full.losses[-1] < full.losses[0]
    assert at.success[0].value.startswith(f"20 steps with η = 0.1: loss {fmt(full.losses[1])} → "
                                          f"{fmt(full.losses[-1])}")
    # the tensors now come from the trained parameters
    _open(at, "fwd_fc")
    assert _shows_result(_latex(at), full.losses[-1])
    at.button(key="training.reset_button").click().run()
    assert _metric(at, "metric_steps") == "0"
    assert _metric(at, "metric_loss") == "1.603"
    assert translate("en", "training.reset_done") in [el.value for el in at.info]


@pytest.mark.parametrize("button", ["step_button", "run_button"])
def test_a_button_computes_before_the_run_draws_anything(button, monkeypatch):
    """#14 round 13: a button's callback trains and builds what the part shows (the step's trace, the curve, the
    forward stepper's payload) before the run sends its first element. Trained while the run drew, the buttons
    reached the browser 10-25 ms before the rest, and the browser rendered the whole page once more in between."""
    import time

    import ui.training_cache as cache
    from streamlit.runtime.scriptrunner_utils import script_run_context as ctx_module

    at = open_page(PAGE, "en")
    at.button(key="training.step_button").click().run()   # a curve to draw (the reset then draws none)
    events: list[tuple[float, str]] = []
    enqueue = ctx_module.ScriptRunContext.enqueue

    def noted(self, msg):
        if msg.WhichOneof("type") == "delta":
            events.append((time.perf_counter(), "element"))
        return enqueue(self, msg)

    def computing(name, func):
        def run(*args, **kwargs):
            events.append((time.perf_counter(), name))
            return func(*args, **kwargs)
        return run

    for cached in (cache.core, cache.svg, cache.forward_payload):   # every call a miss (other tests ran these steps)
        cached.clear()
    monkeypatch.setattr(ctx_module.ScriptRunContext, "enqueue", noted)
    monkeypatch.setattr(tiny_cnn, "train_curve", computing("train", tiny_cnn.train_curve))
    monkeypatch.setitem(cache.CORE, "step", computing("trace", cache.CORE["step"]))
    monkeypatch.setitem(cache.SVGS, "curve", computing("curve", cache.SVGS["curve"]))
    monkeypatch.setattr(cache, "forward_steps", computing("stepper", cache.forward_steps))
    at.button(key=f"training.{button}").click().run()
    no_exception(at)
    order = [name for _, name in sorted(events)]
    computed = {name for name in order if name != "element"}
    assert {"train", "trace", "curve", "stepper"} <= computed, order
    assert "element" not in order[:order.index(max(computed, key=order.index))], order   # all of it before the first


def test_a_long_run_in_chunks_equals_one_uninterrupted_run():
    """A run of 120 steps is trained in chunks (an overflow keeps the chunks before it): the same losses and weights
    as 120 steps in one go of the core, and the curve draws all 121 points (steps 0 … 120)."""
    x, y, names, params = _data(0)
    at = open_page(PAGE, "en", query={"steps": "120"})
    at.button(key="training.run_button").click().run()
    no_exception(at)
    full = tiny_cnn.train(params, x, y, LR, 120)
    assert _metric(at, "metric_steps") == "120"
    np.testing.assert_allclose(_curve(at), full.losses, rtol=1e-12)
    assert len(parse_values(_svg(at, "Loss and accuracy on all images"), "accuracy")) == 121


def test_new_seed_restarts_training_with_new_data():
    at = open_page(PAGE, "zh")
    at.button(key="training.step_button").click().run()
    at.number_input(key="training.seed").set_value(7).run()
    no_exception(at)
    x, y, names, params = _data(7)
    trace = tiny_cnn.train_step(params, x, y, LR)
    assert _metric(at, "metric_steps", "zh") == "0"
    assert _metric(at, "metric_loss", "zh") == fmt(trace.loss)
    assert translate("zh", "training.seed_changed") in [el.value for el in at.info]
    assert at.query_params["seed"] in ("7", ["7"])


def test_huge_learning_rate_many_steps_never_raises():
    at = open_page(PAGE, "en", query={"lr": "2", "steps": "200"})
    for _ in range(2):
        at.button(key="training.run_button").click().run()
        no_exception(at)
    assert at.success or at.error  # either it trained or a translated message says why it stopped
    for el in at.error:                                    # in the page's words, never a variable's name
        assert " z contains" not in el.value and "NaN" not in el.value
        assert translate("en", "training.overflow") in el.value
    for which in ("backward", "update", "gradcheck"):
        _open_tab(at, which)
        no_exception(at)


# --------------------------------------------------------------------------- bad links

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_url_values_warn_and_use_defaults(lang):
    query = {"seed": "abc", "lr": "nan", "steps": "500", "sample": "<b>x</b>", "filter": "0", "row": "1e309",
             "col": "__import__('os')"}
    at = open_page(PAGE, lang, query=query)
    no_exception(at)
    assert len(at.warning) == len(query)
    warnings = "\n".join(w.value for w in at.warning)
    assert "<b>" not in warnings and r"\<b\>x\<\/b\>" in warnings  # shown as text, never as HTML
    assert translate(lang, "training.seed_label") in warnings
    assert at.number_input(key="training.seed").value == 0
    assert at.slider(key="training.lr").value == pytest.approx(0.1)
    assert at.slider(key="training.steps").value == 50
    assert at.session_state["training.sample"] == 1 and chosen(at, "training.sample")[0] == "1"
    assert at.session_state["training.filter"] == 1 and chosen(at, "training.filter")[0] == "1"
    assert at.session_state["training.row"] == 1 and stepper(at)["start"] == 0
    assert _metric(at, "metric_loss", lang) == "1.603"


def test_good_url_values_are_used():
    at = open_page(PAGE, "en", query={"seed": "3", "lr": "0.5", "steps": "7", "sample": "12", "filter": "4"})
    no_exception(at)
    assert not at.warning
    assert at.button(key="training.run_button").label == "Run 7 steps"
    x, y, names, params = _data(3)
    assert _metric(at, "metric_loss") == fmt(tiny_cnn.train_step(params, x, y, 0.5).loss)
    payload = stepper(at)
    np.testing.assert_allclose(stepper_grid(payload, f"Input x (sample #12, class {names[y[11]]})"), x[11, 0])
    np.testing.assert_allclose(stepper_grid(payload, "Kernel h, filter 4"), params.conv_w[3, 0])
    # the menus show the link's choice
    assert chosen(at, "training.sample")[0] == "12" and chosen(at, "training.filter")[0] == "4"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_sample_and_filter_menus_offer_each_one_by_name_and_refuse_anything_else(lang):
    """The two menus (ui.components.choice_menu): every sample with its class and every filter, in the reader's
    language; a value the browser makes up (out of range, not a number, not a string) changes nothing."""
    from ui.components.choice_menu import apply_choice
    from ui.training_cache import FILTERS

    x, y, names, params = _data(0)
    at = open_page(PAGE, lang)
    selected, options = chosen(at, "training.sample")
    assert selected == "1" and [value for value, _ in options] == [str(i) for i in range(1, len(y) + 1)]
    assert options[7][1] == translate(lang, "training.sample_option", index=8, label=names[y[7]])
    selected, options = chosen(at, "training.filter")
    assert selected == "1" and options == [(str(i), translate(lang, "training.filter_option", index=i))
                                           for i in range(1, FILTERS + 1)]
    for sent in ("0", str(len(y) + 1), "1.0", "<b>x</b>", 8, None):
        assert not apply_choice(at.session_state, "training.sample", sent), sent
    assert not apply_choice(at.session_state, "training.filter", str(FILTERS + 1))
    at.run()
    no_exception(at)
    assert at.session_state["training.sample"] == 1 and at.session_state["training.filter"] == 1
    assert "sample" not in link_of(at) and "filter" not in link_of(at)
    assert chosen(at, "training.sample")[0] == "1"


# --------------------------------------------------------------------------- #12 item 14: the link keeps the progress

def test_the_link_replays_the_progress_exactly():
    x, y, names, params = _data(5)
    at = open_page(PAGE, "en", query={"seed": "5"})
    at.button(key="training.step_button").click().run()                   # 1 step at η = 0.1
    at.slider(key="training.lr").set_value(0.5).run()
    at.slider(key="training.steps").set_value(3).run()
    at.button(key="training.run_button").click().run()                    # 3 steps at η = 0.5
    _open_tab(at, "update")
    no_exception(at)
    link = link_of(at)
    assert link["view"] == "update" and "runs" in link
    first = tiny_cnn.train(params, x, y, 0.1, 1)
    second = tiny_cnn.train(first.params, x, y, 0.5, 3)
    assert _metric(at, "metric_loss") == fmt(tiny_cnn.loss(second.params, x, y))
    # a new session from the link: the same weights, the same curve, the same tab
    again = open_page(PAGE, "zh", query=link)
    no_exception(again)
    assert _metric(again, "metric_steps", "zh") == "4"
    assert _metric(again, "metric_loss", "zh") == fmt(tiny_cnn.loss(second.params, x, y))
    np.testing.assert_allclose(_curve(again, "zh")[:4], [tr.loss for tr in first.traces + second.traces], rtol=1e-12)
    assert translate("zh", "training.runs_restored", steps=4, runs=2) in [el.value for el in again.success]
    assert translate("zh", "training.upd_panels_title", filter=1) in [el.value for el in again.subheader]
    # reset: back to step 0 and the link forgets the progress
    again.button(key="training.reset_button").click().run()
    assert _metric(again, "metric_steps", "zh") == "0" and "runs" not in again.query_params


@pytest.mark.parametrize("runs", ["0.5,0.1", "5,7", "abc", "3000,0.1"])
def test_a_bad_progress_in_the_link_warns_and_starts_at_step_0(runs):
    from ui.url_state import encode_matrix

    at = open_page(PAGE, "en", query={"runs": encode_matrix(np.array([[float(v) for v in runs.split(",")]]))
                                      if runs != "abc" else runs})
    no_exception(at)
    assert at.warning and _metric(at, "metric_steps") == "0"


def test_plurals_and_own_image():
    x, y, names, params = _data(0)
    at = open_page(PAGE, "en", query={"steps": "1"})
    assert at.button(key="training.run_button").label == "Run 1 step"
    at.button(key="training.run_button").click().run()
    assert at.success[0].value.startswith("One step with η = 0.1")
    trained = tiny_cnn.train(params, x, y, LR, 1).params
    at.toggle(key="training.own_on").set_value(True).run()
    no_exception(at)
    glyph = tiny_cnn.glyph_templates()[2]
    at.text_area(key="training.own").input("\n".join(", ".join(str(v) for v in row) for row in glyph)).run()
    probs = tiny_cnn.forward(trained, glyph[None, None]).probs[0]
    bars = _svg(at, translate("en", "training.own_probs_title"))
    np.testing.assert_allclose(parse_values(bars, translate("en", "training.col_prob")), probs, rtol=1e-12)
    best = int(np.argmax(probs))
    assert translate("en", "training.own_result", label=names[best], prob=f"{probs[best]:.0%}", steps=1) in all_text(at)
    at.text_area(key="training.own").input("1, 0\n0, 1").run()
    assert translate("en", "training.own_size", size=8, rows=2, cols=2) in [el.value for el in at.error]


def test_open_expanders_are_kept_in_the_link():
    at = _open(open_page(PAGE, "en"), "data", "fwd_fc")
    link = link_of(at)
    assert link.get("show_data") in ("1", "true") and link.get("show_fwd_fc") in ("1", "true")
    again = open_page(PAGE, "zh", query=link)
    no_exception(again)
    assert not again.warning
    assert any(img.caption.startswith("#12") for el in again.get("image") for img in el.proto.imgs)   # the gallery
    assert _svg(again, translate("zh", "training.fwd_probs_title", index=1))


def test_check_this_convolution_by_hand_opens_check_my_work():
    from urllib.parse import parse_qs

    x, y, names, params = _data(0)
    at = open_page(PAGE, "en", query={"sample": "2", "filter": "3", "row": "4", "col": "2"})
    links = [el.proto for el in at.get("page_link") if el.proto.label == translate("en", "exercises.check_by_hand")]
    assert len(links) == 1
    query = {k: v[0] for k, v in parse_qs(links[0].query_string).items()}
    assert query["kind"] == "conv_forward"
    checker = open_page("check_work", "en", query=query)
    no_exception(checker)
    # sample 2, filter 3: every 3×3 window times the kernel, plus the bias (the picked cell is the browser's)
    net = _net_loops(x, params, 1, 2)
    checker.text_area(key="check_work.answer").input("\n".join(", ".join(repr(float(v)) for v in row) for row in net))
    checker.button(key="check_work.check").click().run()
    assert [s.value for s in checker.success] == [translate("en", "exercises.verdict_correct")]


def test_the_svg_charts_print_at_the_readers_digits():
    """Flatten, the bars and the curve print their numbers at the reader's digits (the cached SVG is per digits)."""
    x, y, names, params = _data(0)
    tr = tiny_cnn.train_step(params, x, y, LR)
    for digits in (2, 6, 2):
        at = _open(open_page(PAGE, "en", query={"digits": str(digits)}), "fwd_flat", "fwd_fc")
        flat = _svg(at, "v = flatten(p): 36 values")
        assert f">{fmt(tr.flat[0, 1], digits)}</text>" in flat, digits
        bars = _svg(at, "Probabilities a vs. target y (sample #1)")
        assert f">{fmt(tr.probs[0, 0], digits)}</text>" in bars, digits


@pytest.mark.parametrize("digits", [2, 4, 6])
def test_net_cell_and_batch_loss_add_up_as_written(digits):
    """Re-add the numbers the screen writes: the last step is '=' exactly when they give the written result."""
    import re

    from ..ui.formula_numbers import _number, total

    at = _open(open_page(PAGE, "en", query={"digits": str(digits)}), "fwd_fc")
    # the stepper's cells: the products and the bias as printed, re-added, give the printed result iff "="
    for cell in stepper(at)["cells"]:
        lhs, symbols, numbers, _, last = _stepper_parts(cell["aria"])
        terms = [t.strip().replace("−", "-").replace("(", "").replace(")", "") for t in numbers.split(" + ")]
        again = sum(float(a) * float(b) for a, b in (t.split("×") for t in terms[:-1])) + float(terms[-1])
        written = _stepper_result(cell["aria"])
        assert (fmt(again, digits) == fmt(float(written), digits)) == (last == "="), cell["aria"]
    for start in (r"L &= \frac{1}{N}",):
        line = next(line for line in _latex_lines(at) if start in line)
        body = line.strip().strip("$").strip().removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}")
        steps = [s.strip() for s in re.split(r"\\\\ (?=&(?:=|\\approx))", body)]
        numeric, last = steps[1].removeprefix("&= "), steps[-1]
        relation, written = last.split(" ", 1)
        if start.startswith("L"):
            inside = numeric.split(r"\Big(", 1)[1].rsplit(r"\Big)", 1)[0] if r"\Big(" in numeric else \
                numeric.split(r"\left(", 1)[1].rsplit(r"\right)", 1)[0]
            again = total(inside) / 12
        else:
            again = total(numeric)
        same = fmt(again, digits) == fmt(_number(written), digits)
        assert same == (relation == "&="), line
        assert relation in ("&=", r"&\approx")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_numbers_typed_beyond_the_range_say_what_is_used(lang):
    at = open_page(PAGE, lang)
    at.number_input(key="training.seed").set_value(12000).run()
    assert translate(lang, "training.clamped", label=translate(lang, "training.seed_label"), typed=fmt(12000),
                     used=9999, low=0, high=9999) in [el.value for el in at.warning]
    assert at.number_input(key="training.seed").value == 9999


def test_export_panel_carries_the_run():
    at = open_page(PAGE, "en")
    at.session_state["training.export_open"] = True   # the export panel is drawn only while open
    at.button(key="training.step_button").click().run()
    assert len(at.get("download_button")) == 2
    assert any("runs=" in el.value for el in at.code)          # the link reproduces the step taken


# --------------------------------------------------------------------------- #13: a loaded setup replays the progress

def _shown(at, lang: str) -> dict:
    """The numbers the page shows about the model: the metrics and the loss curve."""
    return {"steps": _metric(at, "metric_steps", lang), "loss": _metric(at, "metric_loss", lang),
            "accuracy": _metric(at, "metric_accuracy", lang), "curve": _curve(at, lang)}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_setup_loaded_into_a_running_session_or_opened_as_a_link_shows_the_same_numbers(lang, monkeypatch):
    import ui.export

    offered: dict[str, str] = {}  # what the export panel offers: the JSON file and the Markdown (its numbers)
    real_json, real_md = ui.export.setup_json, ui.export.to_markdown
    monkeypatch.setattr(ui.export, "setup_json", lambda *a, **k: offered.__setitem__("json", real_json(*a, **k))
                        or offered["json"])
    monkeypatch.setattr(ui.export, "to_markdown", lambda *a, **k: offered.__setitem__("md", real_md(*a, **k))
                        or offered["md"])
    x, y, _, params = _data(5)
    exported = open_page(PAGE, lang, query={"seed": "5"})
    exported.session_state["training.export_open"] = True   # the export panel is drawn only while open
    exported.button(key="training.step_button").click().run()               # 1 step at η = 0.1
    exported.slider(key="training.lr").set_value(0.5).run()
    exported.slider(key="training.steps").set_value(3).run()
    exported.button(key="training.run_button").click().run()                # 3 steps at η = 0.5
    no_exception(exported)
    first = tiny_cnn.train(params, x, y, 0.1, 1)
    second = tiny_cnn.train(first.params, x, y, 0.5, 3)
    want = _shown(exported, lang)
    assert want["steps"] == "4" and want["loss"] == fmt(tiny_cnn.loss(second.params, x, y))
    np.testing.assert_allclose(want["curve"][:4], [tr.loss for tr in first.traces + second.traces], rtol=1e-12)
    setup, markdown = offered["json"], offered["md"]
    (link,) = [el.value for el in exported.code if el.value.startswith("?")]

    # a session already running elsewhere, with the same runs of steps from another seed (so the only
    # difference is the seed: the page must not keep its weights); then the file is loaded
    running = open_page(PAGE, lang, query={"seed": "2"})
    running.session_state["training.export_open"] = True
    running.button(key="training.step_button").click().run()
    running.slider(key="training.lr").set_value(0.5).run()
    running.slider(key="training.steps").set_value(3).run()
    running.button(key="training.run_button").click().run()
    assert _shown(running, lang)["steps"] == "4" and _shown(running, lang) != want
    running.file_uploader(key="training.export.load").set_value(
        ("training-setup.json", setup.encode(), "application/json")).run()
    no_exception(running)
    assert _shown(running, lang) == want
    assert offered["md"] == markdown                                      # the worked example: the same weights
    assert translate(lang, "training.runs_restored", steps=4, runs=2) in [el.value for el in running.success]
    # a step after the load continues from the loaded weights
    running.button(key="training.step_button").click().run()
    assert _metric(running, "metric_loss", lang) == fmt(tiny_cnn.loss(tiny_cnn.train(second.params, x, y, 0.5, 1).params, x, y))

    # the same setup as a link (a new session)
    from urllib.parse import parse_qsl

    again = open_page(PAGE, lang, query=dict(parse_qsl(link[1:])))
    offered.clear()
    again.session_state["training.export_open"] = True
    again.run()
    no_exception(again)
    assert _shown(again, lang) == want and offered["md"] == markdown


# --------------------------------------------------------------------------- #14 round 7: the language of a part's own rerun

@pytest.mark.parametrize("first, then", [("en", "zh"), ("zh", "en")])
def test_a_part_rerun_after_a_language_switch_speaks_the_new_language(first, then):
    """The page binds its strings to the run's language once: after the language radio (a full rerun), a choice
    that reruns only the tabs' part (sample) and a step (a full rerun) are written in the new language."""
    at = open_page(PAGE, first)
    set_setting(at, "lang", then)
    choose(at, "training.sample", 5)
    no_exception(at)
    subheaders = [el.value for el in at.subheader]
    assert translate(then, "training.fwd_conv_subtitle", index=5, filter=1) in subheaders
    assert translate(first, "training.fwd_conv_subtitle", index=5, filter=1) not in subheaders
    at.button(key="training.step_button").click().run()
    assert translate(then, "training.run_done_one", steps=1, lr=fmt(LR), before="1.603",
                     after=_metric(at, "metric_loss", then), acc_before="25%",
                     acc_after=_metric(at, "metric_accuracy", then)) in [el.value for el in at.success]
