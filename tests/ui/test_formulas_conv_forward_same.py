"""The conv steppers' payloads are byte for byte what they were before the formula renderers kept their leaves
(``ui.formulas.conv_forward``: ``_leaf_mathml`` / ``_leaf_text`` / ``_printed``, #14 round 8).

The digests below were written by the renderers before that change (commit 3929c37), on setups with integers, decimals
and numbers in scientific notation, at 2, 4 and 6 digits, with every activation: a digest that changes means the
stepper shows something else. A deliberate change of a formula's look updates them (run this file's ``_digests()``): round 9 did, for the visible
dot between a symbol and a padding cell's bold 0 (``δ₁₁·0``; the setups with padding changed, the one without did
not).
The translator is a stand-in (key + parameters), so a wording change in the locales does not count.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from cnn_core.activations import activate
from cnn_core.conv import conv2d_trace
from ui.components.conv_steppers import multi_channel_steps, single_channel_compare, single_channel_steps
from ui.formulas import conv_forward as cf
from ui.latex import use_display_digits


def tr(key: str, **params) -> str:
    return key + json.dumps(params, sort_keys=True, ensure_ascii=False, default=str)


def values(rng, shape, kind):
    if kind == "int":
        return rng.integers(-4, 5, size=shape).astype(float)
    if kind == "dec":
        return np.round(rng.normal(size=shape), 3)
    return rng.normal(size=shape) * 10.0 ** rng.integers(-7, 17, size=shape)   # tiny and huge: scientific


SETUPS = [((3, 5, 5), (2, 3, 3, 3), 2, 1, "int"), ((3, 7, 7), (2, 3, 3, 3), 1, 1, "dec"),
          ((3, 4, 6), (2, 3, 2, 3), 1, 2, "wild"), ((3, 6, 6), (2, 3, 4, 4), 3, 0, "dec")]

def digest(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def _digests(n: int) -> dict[str, str]:
    xs, ws, s, p, kind = SETUPS[n]
    rng = np.random.default_rng(n)
    x, w, b = values(rng, xs, kind), values(rng, ws, kind), values(rng, ws[:1], kind)
    out = {}
    for digits in (2, 4, 6):
        use_display_digits(digits)
        t = conv2d_trace(x, w, b, s, p)
        out[f"multi{n}-{digits}"] = digest(multi_channel_steps(t, tr, start=(1, 1, 0)))
        t1 = conv2d_trace(x[:1], w[:1, :1], b[:1], s, p)
        for act in ("relu", "sigmoid", "tanh", "identity"):
            out[f"single{n}-{act}-{digits}"] = digest(single_channel_steps(t1, activate(act, t1.output), act, act, tr))
        tc = conv2d_trace(x[:1], w[:1, :1, ::-1, ::-1].copy(), b[:1], s, p)
        out[f"compare{n}-{digits}"] = digest(single_channel_compare(t1, tc, tr))
    return out


BEFORE = {
    'compare0-2': 'ce5b6ae6a0413b10',
    'compare0-4': 'ce5b6ae6a0413b10',
    'compare0-6': 'ce5b6ae6a0413b10',
    'compare1-2': 'fb5de12d4866ba46',
    'compare1-4': 'faa477141d9ecb33',
    'compare1-6': 'e302cabe0c65d773',
    'compare2-2': '13d76342fe232f34',
    'compare2-4': 'ce956b8f7ff06d0f',
    'compare2-6': '1143ec2396219c09',
    'compare3-2': 'c059caf3ff950b87',
    'compare3-4': '40b6d04ff2828175',
    'compare3-6': 'bee67f517bcffa51',
    'multi0-2': '2146e1c3ded27576',
    'multi0-4': '2146e1c3ded27576',
    'multi0-6': '2146e1c3ded27576',
    'multi1-2': 'e3cd4143a8b01c02',
    'multi1-4': 'da4ec0b58f3d976d',
    'multi1-6': '9ce95436151c00d7',
    'multi2-2': 'a7265fe38410faaf',
    'multi2-4': 'bb3054388488c4e7',
    'multi2-6': '22cfa94af8f827dc',
    'multi3-2': 'a5c9d483ab0b2e97',
    'multi3-4': 'f1336d845e7d989e',
    'multi3-6': 'b9e7f4652d867e6b',
    'single0-identity-2': 'caf5dc5f2b5ea1d6',
    'single0-identity-4': 'caf5dc5f2b5ea1d6',
    'single0-identity-6': 'caf5dc5f2b5ea1d6',
    'single0-relu-2': '862f1de5e6746bdb',
    'single0-relu-4': '862f1de5e6746bdb',
    'single0-relu-6': '862f1de5e6746bdb',
    'single0-sigmoid-2': 'a556e8bdacaa4849',
    'single0-sigmoid-4': 'f132941e51c24429',
    'single0-sigmoid-6': '75fc1ee96ba3fd9b',
    'single0-tanh-2': 'e270c924e3ef2cc3',
    'single0-tanh-4': 'efdc804e11f3bcb4',
    'single0-tanh-6': '08fdfca254ce4340',
    'single1-identity-2': '4512967cabcc50a8',
    'single1-identity-4': '7a2a47c9c6923a13',
    'single1-identity-6': '38a57993510e3b69',
    'single1-relu-2': 'e40717b7585fa3b2',
    'single1-relu-4': 'a4631e8920dd6db5',
    'single1-relu-6': '0d2a6676b3f957da',
    'single1-sigmoid-2': 'ed45a3bb89e63c14',
    'single1-sigmoid-4': '54373fc5c3235f05',
    'single1-sigmoid-6': '9202bbcda0ddd286',
    'single1-tanh-2': '217add19438e720f',
    'single1-tanh-4': '5abd81043d20b2d8',
    'single1-tanh-6': '2158423aa17b7a6e',
    'single2-identity-2': 'e5e39d5d40d6066d',
    'single2-identity-4': '4c017c6b9754e43a',
    'single2-identity-6': '97a3d8a916c7057a',
    'single2-relu-2': '4fc3360644f38fc4',
    'single2-relu-4': '9c5b360ae0beed40',
    'single2-relu-6': '34d4fa822d8e3cb0',
    'single2-sigmoid-2': 'a24319c6c965c44d',
    'single2-sigmoid-4': '80cc6ac3d6477c69',
    'single2-sigmoid-6': '95b1ef7119cde498',
    'single2-tanh-2': '544efd8b7079c7e1',
    'single2-tanh-4': 'ef6bf5dd7e3c248c',
    'single2-tanh-6': '342cd828258f4741',
    'single3-identity-2': 'a78b2b955436ccce',
    'single3-identity-4': 'a2d7eedd6516ffbd',
    'single3-identity-6': 'd3615406c178f51b',
    'single3-relu-2': '4db0fb6bbfbcbc01',
    'single3-relu-4': 'c8999b3871a97eca',
    'single3-relu-6': '85cc8b5c7d79b4f3',
    'single3-sigmoid-2': '765042802f30ccbf',
    'single3-sigmoid-4': '22aa5e2d35d4d1f8',
    'single3-sigmoid-6': '2b15e05fbbea3e64',
    'single3-tanh-2': 'bed630632fed7baf',
    'single3-tanh-4': 'fb00ff7aaeeaec3b',
    'single3-tanh-6': '005556c3d18f9cc1',
}


@pytest.mark.parametrize("n", range(len(SETUPS)))
def test_stepper_payloads_are_what_they_were_before_the_leaf_caches(n):
    got = _digests(n)
    assert got == {k: v for k, v in BEFORE.items() if k in got}
    assert len(got) == 3 * 6


def test_a_number_kept_at_one_digit_count_is_not_reused_at_another():
    """The leaf caches key by the digits shown: 1/3 at 2 digits is 0.33, at 6 digits 0.333333 (never a stale text)."""
    third = cf.Num(1 / 3)
    use_display_digits(2)
    assert cf.to_text((third,)) == "0.33" and cf.to_mathml((third,)) == "<mn>0.33</mn>"
    use_display_digits(6)
    assert cf.to_text((third,)) == "0.333333" and cf.to_mathml((third,)) == "<mn>0.333333</mn>"
    use_display_digits(4)
