"""Reading the math box components (``ui.components.math_box``) in AppTest: the formulas' LaTeX and the texts."""

from __future__ import annotations

import html
import json
import re

from ui.formulas.mathml import inline_sources, latex_sources


def math_box_markups(at, prefix: str) -> list[str]:
    """The markup of every math box whose key starts with ``prefix`` (``"dense."``), in page order."""
    out = []
    for el in at.main.get("bidi_component"):
        if el.key.startswith(prefix) and el.key.endswith("_math") and el.proto.WhichOneof("data") == "json":
            out.append(json.loads(el.proto.json))
    return out


def math_box_formulas(at, prefix: str) -> list[str]:
    """Every formula drawn by the math boxes as its LaTeX source (each line's ``data-latex``), in page order."""
    return [line for markup in math_box_markups(at, prefix) for line in latex_sources(markup)]


def math_box_texts(at, prefix: str) -> list[str]:
    """The texts between the formulas (``<p>`` paragraphs; bold as ``**…**`` as in the locale files)."""
    out = []
    for markup in math_box_markups(at, prefix):
        for p in re.findall(r"<p>(.*?)</p>", markup, re.S):
            out.append(html.unescape(p.replace("<strong>", "**").replace("</strong>", "**")))
    return out


def math_box_inline(at, prefix: str) -> list[str]:
    """Every inline formula (inside a sentence) of the math boxes as its LaTeX source, in page order."""
    return [src for markup in math_box_markups(at, prefix) for src in inline_sources(markup)]


_INLINE_SPAN = re.compile(r'<span class="math-inline" data-latex="([^"]*)">.*?</span>', re.S)


def markup_as_text(markup: str) -> str:
    """A math box's markup read back as the Markdown it stands for: paragraphs one a line, an inline formula as
    ``$latex$``, code as `` `…` ``, bold as ``**…**``, a display formula as its LaTeX on its own line."""
    text = _INLINE_SPAN.sub(lambda m: "$" + m.group(1) + "$", markup)
    text = re.sub(r'<div class="math-line" data-latex="([^"]*)">.*?(?=<div class="math-line"|<p|<div class="math-panel|$)',
                  lambda m: "\n" + m.group(1) + "\n", text, flags=re.S)
    text = re.sub(r"</?strong>", "**", text)
    text = re.sub(r"</?code>", "`", text)
    text = re.sub(r"</p>", "\n", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def math_box_text(at, prefix: str) -> str:
    """Everything the math boxes whose key starts with ``prefix`` say, as :func:`markup_as_text` reads it."""
    return "\n".join(markup_as_text(markup) for markup in math_box_markups(at, prefix))


def _is_note(element_key: str, key: str) -> bool:
    """Whether an element key is a note about claim ``key`` (``ui.claims_view.note_key``, any ``where``)."""
    return element_key.startswith("claims.note.") and element_key.endswith(f".{key}_math")


def claim_noted(at, key: str) -> bool:
    """Whether the page shows the catalogue's note about claim ``key`` (``ui.claims_view.claim_note``: its math box,
    in any place ``where`` names)."""
    return any(_is_note(el.key, key) for el in at.main.get("bidi_component"))


def claim_note_text(at, key: str) -> str:
    """The note about claim ``key`` as text (its title line and explanation; inline formulas as ``$latex$``)."""
    return "".join(markup_as_text(json.loads(el.proto.json)) for el in at.main.get("bidi_component")
                   if _is_note(el.key, key) and el.proto.WhichOneof("data") == "json")
