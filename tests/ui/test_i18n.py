"""Every string exists in both languages, and every literal key used in the code exists."""

import json
import re
from pathlib import Path

import pytest

from ui.i18n import LANGUAGES, LOCALE_DIR, catalog, explain_error, normalize_language, translate, translator

ROOT = Path(__file__).resolve().parents[2]
KEY_CALL = re.compile(r"""\b(?:t|translate\([^,()]+,)\(?\s*["']([a-z_]+\.[A-Za-z0-9_]+)["']""")


def test_every_namespace_exists_in_every_language():
    names = {lang: sorted(p.name for p in (LOCALE_DIR / lang).glob("*.json")) for lang in LANGUAGES}
    assert names["en"] == names["zh"]


@pytest.mark.parametrize("path", sorted((LOCALE_DIR / "en").glob("*.json")), ids=lambda p: p.name)
def test_same_keys_and_placeholders_in_both_languages(path):
    en = json.loads(path.read_text(encoding="utf-8"))
    zh = json.loads((LOCALE_DIR / "zh" / path.name).read_text(encoding="utf-8"))
    assert sorted(en) == sorted(zh), f"keys differ in {path.name}: {set(en) ^ set(zh)}"
    field = re.compile(r"\{(\w+)\}")
    math = re.compile(r"\$[^$]+\$")        # the claims catalogue's formulas: LaTeX groups, not placeholders
    for key in en:
        assert set(field.findall(math.sub("", en[key]))) == set(field.findall(math.sub("", zh[key]))), \
            f"{path.name}:{key} placeholders differ"
        assert zh[key].strip(), f"{path.name}:{key} is empty in Chinese"


def test_every_literal_key_in_the_code_has_a_string():
    sources = [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]
    missing = []
    for source in sources:
        for key in KEY_CALL.findall(source.read_text(encoding="utf-8")):
            if key not in catalog("en"):
                missing.append(f"{source.relative_to(ROOT)}: {key}")
    assert not missing, "keys used in code but missing from assets/locales: " + ", ".join(missing)


def test_translate_substitutes_and_falls_back():
    assert translate("zh", "common.language") == "语言"
    assert translate("en", "errors.not_positive", name="stride", value=0) == "stride must be at least 1, got 0."
    assert translate("zh", "no_such.key") == "no_such.key"
    # a template field the caller forgot stays visible instead of raising
    assert "{value}" in translate("en", "errors.not_positive", name="stride")


def test_translator_is_translate_bound_to_one_language():
    zh, en = translator("zh"), translator("en")
    assert zh("errors.not_positive", name="s", value=0) == translate("zh", "errors.not_positive", name="s", value=0)
    assert en("errors.not_positive", name="s", value=0) == translate("en", "errors.not_positive", name="s", value=0)
    assert zh("errors.not_positive", name="s", value=0) != en("errors.not_positive", name="s", value=0)


@pytest.mark.parametrize("raw, expected", [("zh", "zh"), ("zh-CN", "zh"), ("zh_TW", "zh"), ("en-GB", "en"),
                                           ("fr", None), ("", None), (None, None), ("<script>", None)])
def test_normalize_language(raw, expected):
    assert normalize_language(raw) == expected


def test_core_errors_are_explained_in_both_languages():
    from cnn_core.arithmetic import conv_output_shape

    with pytest.raises(ValueError) as info:
        conv_output_shape((4, 4), (5, 3))
    assert explain_error(info.value, "en") == (
        "No output along the height: the kernel (5) is larger than the padded input (4).")
    assert explain_error(info.value, "zh").startswith("高度方向没有输出")
    assert explain_error(RuntimeError("boom"), "en") == "Cannot compute this: boom"


def test_one_dimensional_kernel_error_names_no_axis():
    from cnn_core.arithmetic import conv_output_size

    with pytest.raises(ValueError) as info:
        conv_output_size(2, 3)
    assert explain_error(info.value, "en") == "No output: the kernel (3) is larger than the padded input (2)."
    assert explain_error(info.value, "zh") == "没有输出：卷积核（3）大于填充后的输入（2）。"
