"""Pure helpers of ui.claims_view: value formatting, filters and search, exports, the URL text param."""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pytest

from cnn_core.claims import CLAIMS, claim_by_key
from ui.claims_view import (TextParam, catalogue_csv, catalogue_markdown, clean_query,
                            comparison_text, expressions_markdown, filter_claims, format_value, inputs_line,
                            matrix_panels, run_check, summary_rows, text_title)
from ui.components.math_box import GAP, Math, Panels, math_markup, prose
from ui.formulas.mathml import is_safe
from ui.i18n import translate


def test_format_value_is_compact():
    assert format_value(2.5) == "2.5" and format_value(2.0) == "2" and format_value(-0.0070000000000000001) == "-0.007"
    assert format_value((28, 28, 1)) == "(28, 28, 1)"
    assert format_value(np.array([0.5, -1.0])) == "[0.5, -1]"
    assert format_value(np.array([[1.0, -2.0], [10.0, 0.0]])).splitlines() == ["[  1  -2 ]", "[ 10   0 ]"]
    assert format_value((True, False)) == "(✓, ✗)"
    assert format_value(None) == "—"


def test_comparison_text_names_the_differing_cells_1_based():
    text = comparison_text(claim_by_key("s003_code_maxpool_overwrite").recompute(), "en")
    assert translate("en", "worked_examples.printed") + ":" in text
    assert "(2, 2)" in text                              # the centre cell, counted from 1


def test_filters_combine_and_search_is_plain_words():
    wrong_003 = filter_claims("en", text="003", verdict="wrong")
    assert wrong_003 and all(c.source.startswith("003") and c.verdict == "wrong" for c in wrong_003)
    narrow, wide = filter_claims("en", query="rot180 stride"), filter_claims("en", query="rot180")
    assert {c.key for c in narrow} <= {c.key for c in wide}
    assert filter_claims("zh", query="互相关")                   # Chinese explanations are searched in Chinese
    for hostile in ("__import__('os')", ".*", "[", "{0}", "\x00\x1b[31m"):
        filter_claims("en", query=hostile)                      # never evaluated, never a regex: no exception
    assert filter_claims("en", query="   ") == list(CLAIMS)


def test_clean_query_and_text_param_drop_control_characters_and_cut():
    assert clean_query("a\x00b\u202ec\nd") == "abc d"
    assert len(clean_query("x" * 10_000)) == 100
    value, problem = TextParam("q").parse("rot180\x07")
    assert value == "rot180" and problem is None


def test_summary_rows_add_up():
    for lang in ("en", "zh"):
        rows = summary_rows(lang)
        checked = translate(lang, "worked_examples.col_checked")
        assert sum(r[checked] for r in rows[:-1]) == rows[-1][checked] == len(CLAIMS)


def test_csv_export_has_every_claim_in_the_chosen_language():
    rows = list(csv.reader(io.StringIO(catalogue_csv("zh"))))
    assert rows[0][0] == translate("zh", "worked_examples.field_key")
    assert len(rows) == len(CLAIMS) + 1
    by_key = {r[0]: r for r in rows[1:]}
    assert by_key["s003_eq8"][6] == translate("zh", "worked_examples.verdict_wrong")
    assert by_key["s000_output_size"][8] == "2.5" and by_key["s000_output_size"][9] == "2"


def test_markdown_export_groups_by_text_with_every_title():
    md = catalogue_markdown("en")
    for tid in ("000", "001", "002", "003", "004"):
        assert f"## {text_title(tid, 'en')}" in md
    for c in CLAIMS:
        assert translate("en", f"claims.{c.key}_title") in md


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_catalogue_formulas_are_marked_as_math_or_code(lang):
    """#12: titles such as "∂E/∂w = Σ δ o_{i+m', j+n'}" showed raw; every index or power written with _ or ^
    (or braces) is inside $…$ (rendered by KaTeX) and every code name inside `…`; braces in math balance."""

    for c in CLAIMS:
        for key in (f"claims.{c.key}_title", f"claims.{c.key}"):
            text = translate(lang, key)
            assert text.count("$") % 2 == 0 and text.count("`") % 2 == 0, key
            outside = re.sub(r"\$[^$]+\$|`[^`]+`", "", text)
            assert not re.search(r"[_^{}]", outside), (key, outside)
            for math in re.findall(r"\$([^$]+)\$", text):
                depth = 0
                for ch in math.replace("\\{", "").replace("\\}", ""):
                    depth += {"{": 1, "}": -1}.get(ch, 0)
                    assert depth >= 0, (key, math)
                assert depth == 0, (key, math)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_matrix_panels_mark_the_differing_cells_in_red(lang):
    """The max-pooling code that overwrites its output: the text's matrix and the core's differ only in the centre."""
    check = run_check(claim_by_key("s003_code_maxpool_overwrite"))
    panels = matrix_panels(check, lang)
    assert [title for title, _ in panels][:2] == [translate(lang, "worked_examples.printed"),
                                                   translate(lang, "worked_examples.computed")]
    for _, tex in panels[:2]:
        rows = tex.split("\\begin{bmatrix}")[1].split("\\end{bmatrix}")[0].split("\\\\")
        marked = [(r, c) for r, row in enumerate(rows) for c, cell in enumerate(row.split("&")) if "boxed" in cell]
        assert marked == [(1, 1)]                       # the centre cell only, as comparison_text names it: (2, 2)
        (cell,) = [c for c in rows[1].split("&") if "boxed" in c]
        # the colour closes right after the box: the cell is one group, the next cell is not red
        assert re.fullmatch(r"\\textcolor\{#d62728\}\{\\boxed\{-?[\d.]+\}\}", cell.strip()), cell
    # as MathML: one red box per panel, in its cell (a bare \color ran on over the rest of the matrix)
    markup = math_markup([Panels(tuple(panels))])
    assert markup.count('<mstyle mathcolor="#d62728"><mrow><menclose notation="box">') == 2
    assert markup.count("<mtd>") == sum(np.size(v) for v in (check.printed, check.computed, check.corrected)
                                        if isinstance(v, np.ndarray))


def test_inputs_line_shows_matrices_as_formulas_and_the_rest_as_text():
    line = inputs_line(run_check(claim_by_key("s003_dx_general")))
    assert line.parts == ("δ = ", Math("\\begin{bmatrix} 1 & 2 & 0 \\\\ -1 & 3 & 1 \\\\ 2 & 0 & -2 \\end{bmatrix}"), GAP,
                          "h = ", Math("\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}"))
    # scalars and text stay text (the output-size claim's n = 6, k = 3, s = 2; the texts' "4×4")
    size = inputs_line(run_check(claim_by_key("s000_output_size")))
    assert size.parts == ("n = 6", GAP, "k = 3", GAP, "s = 2")
    dims = inputs_line(run_check(claim_by_key("s000_same_dims")))
    assert dims.parts == ("input = 4×4", GAP, "kernel = 2×2")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_formula_of_the_catalogue_becomes_mathml(lang):
    """Titles, explanations, matrices and inputs: each converts (no formula left as its escaped source)."""
    for c in CLAIMS:
        items = [prose(translate(lang, f"claims.{c.key}_title")), prose(translate(lang, f"claims.{c.key}"))]
        check = run_check(c)
        if check is not None and isinstance(check.printed, np.ndarray) and isinstance(check.computed, np.ndarray):
            items.append(Panels(tuple(matrix_panels(check, lang))))
        if check is not None and check.inputs:
            items.append(inputs_line(check))
        markup = math_markup(items)
        for source in re.findall(r"<mtext>([^<]*)</mtext>", markup):
            assert "\\" not in source, (c.key, source)      # the converter's fallback: the LaTeX as text
        assert is_safe(re.sub(r"</?(div|span|p|strong|code)[^>]*>", "", markup)), c.key


def test_expressions_markdown_labels_each_sum():
    md = expressions_markdown(run_check(claim_by_key("s003_eq8")), "zh")
    printed, computed = md.split("  \n")
    assert printed.startswith(f"**{translate('zh', 'worked_examples.printed')}:**")
    assert computed.replace("\\", "").endswith("δ₁₂·h₁₂ + δ₁₃·h₁₁ = 2·2 + 0·1 = 4")


def _two_notes():
    from ui.claims_view import claim_note

    claim_note("s000_mse_grad", "en")                     # e.g. the texts' tab
    claim_note("s000_mse_grad", "en", where="backward")   # and the tab that explains the gradient, drawn in the same run


def _same_note_twice_unnamed():
    from ui.claims_view import claim_note

    claim_note("s000_mse_grad", "en")
    claim_note("s000_mse_grad", "en")


def test_a_note_shown_in_two_places_names_the_second_by_where():
    """Two tabs drawn in one run may show the same note: the caller names the place, and each box has its own key
    (round 9 retried with _2, _3 keys on a duplicate; now the page says where)."""
    from streamlit.testing.v1 import AppTest

    from ui.claims_view import note_key

    at = AppTest.from_function(_two_notes).run()
    assert not at.exception
    keys = [el.key for el in at.main.get("bidi_component")]
    assert keys == [note_key("s000_mse_grad"), note_key("s000_mse_grad", "backward")]
    assert keys[1] == "claims.note.backward.s000_mse_grad_math"
    # the same place twice is a page's mistake, and Streamlit says so
    assert AppTest.from_function(_same_note_twice_unnamed).run().exception
