"""The claims catalogue: well-formed records; every recompute runs; verdicts agree with the core.

References: hand computations of the examples (written out below, not read from the catalogue) and
the texts' printed values.
"""

from __future__ import annotations

import collections
import math

import numpy as np
import pytest

import cnn_core
from cnn_core.claims import (CLAIMS, KINDS, SOURCES, TOPICS, VERDICTS, Check, claim_by_key, differing_cells,
                             values_agree)
from ui.frame import PAGES
from ui.i18n import catalog

WITH_RECOMPUTE = [c for c in CLAIMS if c.recompute is not None]
ids = lambda c: c.key  # noqa: E731


def test_catalogue_is_exported_and_well_formed():
    assert cnn_core.CLAIMS is CLAIMS
    keys = [c.key for c in CLAIMS]
    assert len(keys) == len(set(keys)) >= 60
    page_keys = {p.key for p in PAGES}
    for c in CLAIMS:
        assert c.source in SOURCES and c.kind in KINDS and c.verdict in VERDICTS and c.topic in TOPICS, c.key
        assert c.page in page_keys, c.key
        assert c.where.strip() and c.quote.strip(), c.key
        assert len(c.quote) <= 120, f"{c.key}: quote too long — a claim, not a paragraph"
        assert "def " not in c.quote and "import " not in c.quote, f"{c.key}: never copy code"
        assert all(isinstance(v, (int, float, str)) for v in c.params.values()), c.key
        if c.recompute is None:
            assert c.kind in ("code", "statement"), f"{c.key}: numbers, formulas and sizes must be recomputed"


def test_every_text_and_every_verdict_is_represented():
    per_text = collections.Counter(c.source for c in CLAIMS)
    assert set(per_text) == set(SOURCES)
    assert min(per_text.values()) >= 8
    assert set(c.verdict for c in CLAIMS) == set(VERDICTS)
    assert set(c.topic for c in CLAIMS) == set(TOPICS)


def test_every_claim_has_a_title_and_an_explanation_in_both_languages():
    for lang in ("en", "zh"):
        strings = catalog(lang)
        for c in CLAIMS:
            assert strings.get(f"claims.{c.key}", "").strip(), (lang, c.key)
            assert strings.get(f"claims.{c.key}_title", "").strip(), (lang, c.key)


@pytest.mark.parametrize("claim", WITH_RECOMPUTE, ids=ids)
def test_every_recompute_runs_and_is_deterministic(claim):
    first, second = claim.recompute(), claim.recompute()
    assert isinstance(first, Check)
    assert values_agree(first.computed, second.computed) and values_agree(first.printed, second.printed)


@pytest.mark.parametrize("claim", [c for c in WITH_RECOMPUTE if c.verdict == "holds"], ids=ids)
def test_a_claim_that_holds_agrees_with_the_core_to_the_printed_precision(claim):
    check = claim.recompute()
    assert check.agrees, f"{claim.key}: printed {check.printed!r} vs computed {check.computed!r}"
    assert check.corrected is None


@pytest.mark.parametrize("claim", [c for c in WITH_RECOMPUTE if c.verdict != "holds"], ids=ids)
def test_a_claim_that_fails_disagrees_and_its_correction_agrees(claim):
    check = claim.recompute()
    if claim.kind == "code" and claim.verdict == "typo":
        # the listing computes the right thing; the slip is in how it is written (it does not run)
        assert check.agrees
        return
    assert not check.agrees, f"{claim.key}: marked {claim.verdict} but the text's value agrees with the core"
    assert check.corrected is not None, claim.key
    assert check.correction_agrees, f"{claim.key}: correction {check.corrected!r} vs core {check.computed!r}"


# --- hand computations (references written out here, not taken from the catalogue) -------------------

def test_text_003_eq8_on_the_example():
    # δ = [[1, 2, 0], [-1, 3, 1], [2, 0, -2]], h = [[1, 2], [3, 4]]: ∂E/∂i₁₃ = δ₁₂h₁₂ + δ₁₃h₁₁ = 2·2 + 0·1
    check = claim_by_key("s003_eq8").recompute()
    assert check.computed == 4 and check.corrected == 4
    assert isinstance(check.printed, str)                       # h₁₃ does not exist


def test_text_003_eq13_eq14_eq15_on_the_example():
    # i = [[1,0,1,0],[1,1,0,1],[0,1,1,0],…]; ∂E/∂h₁₁ = Σ δ_mn i_mn over the first 3×3 = 1 − 1 + 3 − 2 = 1
    assert claim_by_key("s003_eq13").recompute().computed == 1
    assert claim_by_key("s003_eq13").recompute().printed == 6       # Σδ · h₁₁ = 6 · 1
    assert claim_by_key("s003_eq15").recompute().printed == 5       # 1 + 2 − 1 + 3
    assert claim_by_key("s003_eq15").recompute().computed == 6      # all nine


def test_sizes_without_floor_on_the_examples():
    assert claim_by_key("s000_output_size").recompute().printed == 2.5   # (6 − 3)/2 + 1
    assert claim_by_key("s000_output_size").recompute().computed == 2
    assert claim_by_key("s003_code_output_size").recompute().printed == 3.5   # (6 − 3 + 2)/2 + 1
    assert claim_by_key("s004_equal_width").recompute().computed == (1, 2)
    assert claim_by_key("s003_code_bp_sensitivity").recompute().computed == (1, 2)


def test_text_001_matrix_rules_on_the_example():
    # dz = (0.2, −0.4), a = (0.5, −1): outer product by hand
    np.testing.assert_allclose(claim_by_key("s001_eq2").recompute().computed, [[0.1, -0.2], [-0.2, 0.4]])
    # W = [[1, 2], [−1, 0.5]]: Wᵀ dz = (1·0.2 + (−1)(−0.4), 2·0.2 + 0.5·(−0.4)) = (0.6, 0.2)
    np.testing.assert_allclose(claim_by_key("s001_eq4").recompute().computed, [0.6, 0.2])


def test_printed_values_of_the_texts():
    assert claim_by_key("s004_autodiff").recompute().computed[-1] == 0.25
    assert claim_by_key("s003_o11").recompute().computed == (1.0, 1.0)
    avg = claim_by_key("s001_pool_avg").recompute().computed
    assert avg[0, 0] == 0.5 and avg[0, 2] == 2 and avg[2, 0] == 1 and avg[3, 3] == 1.5
    assert claim_by_key("s004_param_count").recompute().computed == 2 * 3 * 3 * 3 + 2
    assert claim_by_key("s002_feature_map").recompute().computed == (28, 28, 1)


def test_max_pool_overwrite_example_by_hand():
    check = claim_by_key("s003_code_maxpool_overwrite").recompute()
    assert check.computed[1, 1] == 1 + 2 + 3 + 4          # the centre 9 wins all four 2×2 windows
    assert check.printed[1, 1] == 4                       # assignment keeps the last one


# --- comparison rules -------------------------------------------------------------------------------

def test_values_agree_respects_the_printed_precision():
    assert values_agree(0.991, 0.99099999999999999, decimals=3)
    assert values_agree(-1.008, -1.0084, decimals=3)
    assert not values_agree(-1.008, -1.0086, decimals=3)
    assert not values_agree(2.5, 2)
    assert values_agree((3, 3), (3, 3)) and not values_agree((28, 28, 3), (28, 28, 1))
    assert not values_agree(np.zeros((2, 2)), np.zeros((3, 3)))
    assert not values_agree("h₁₃", 4.0)
    assert not values_agree(math.nan, math.nan)


def test_differing_cells_are_row_major_and_only_for_same_shapes():
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    b = np.array([[1.0, 0.0], [3.0, 5.0]])
    assert differing_cells(a, b) == [(0, 1), (1, 1)]
    assert differing_cells(a, np.zeros((3, 3))) == []


def test_unknown_or_odd_keys_give_none():
    for key in ("", "nope", "<script>", None, 3, "s003_eq8 "):
        assert claim_by_key(key) is None
