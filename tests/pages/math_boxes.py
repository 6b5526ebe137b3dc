"""Reading the math box components (``ui.components.math_box``) in AppTest: the formulas' LaTeX and the texts."""

from __future__ import annotations

import html
import json
import re

from ui.formulas.mathml import latex_sources


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
