r"""Display formulas as MathML, converted in Python from the LaTeX the formula builders write (#14 round 8).

Why: ``st.latex`` has the browser typeset every formula with KaTeX (JavaScript, ~20 ms a formula) on every
rerun that sends it. Chromium, Firefox and Safari draw MathML Core natively, so the same formula converted here
costs the browser a parse and a layout. The LaTeX builders in ``ui.formulas`` stay the source (export, tests,
the worksheet); this module only derives the markup from their strings. Pure, no Streamlit.

The converter is ``latex2mathml`` (pinned in requirements.txt, already used by the printable worksheet), with a
few touches: an ``aligned`` block becomes an HTML grid of two columns (MathML Core tables cannot align a column
at ``=``), each part its own ``<math>``; ``\ln`` is spaced, a prime is full size; the output is checked to be
MathML only (else the escaped source is shown). Every ``<math>`` carries its LaTeX in ``alttext`` and every line
in ``data-latex`` (the page tests read the formulas from it).
"""

from __future__ import annotations

import functools
import html
import re
from html.parser import HTMLParser

from latex2mathml.converter import convert

__all__ = ["to_mathml", "is_safe", "block_html", "inline_html", "latex_sources", "inline_sources", "mathml_numbers",
           "latex_numbers"]

#: The elements and attributes a converted formula may hold (MathML Core and what latex2mathml writes); anything
#: else means the LaTeX carried markup of its own (``\text{<b>}`` is copied verbatim by the converter), and the
#: formula is shown as its escaped source instead.
TAGS = frozenset("math mrow mi mn mo ms mtext mspace mfrac msub msup msubsup munder mover munderover mtable mtr mtd "
                 "mstyle menclose msqrt mroot mpadded mphantom semantics annotation".split())
ATTRS = frozenset("display alttext mathvariant stretchy fence form separator lspace rspace minsize maxsize movablelimits "
                  "accent accentunder largeop symmetric width height depth displaystyle scriptlevel rowspacing "
                  "columnspacing columnalign rowalign mathcolor mathbackground notation linethickness "
                  "columnlines rowlines frame xmlns".split())
#: Function names KaTeX spaces as operators (``0\ln 0.57``): latex2mathml writes a bare ``<mi>``.
_FUNCTIONS = re.compile(r"<mi>(ln|log|exp|tanh|sinh|cosh|sin|cos|tan|max|min)</mi>")
_UPRIGHT_LETTER = re.compile(r"\\mathrm\{([A-Za-z])\}")
_PRIME = re.compile(r"<msup>(<mi>[^<]*</mi>)<mi>\u2032</mi></msup>")
_SIGN = re.compile(r"(<mo[^>]*>[^<)\]}|]</mo>)<mo>\u2212</mo>")
_ENTITY = re.compile(r"&#x([0-9A-Fa-f]+);")


def _character(m: re.Match) -> str:
    ch = chr(int(m.group(1), 16))
    return m.group(0) if ch in "<>&\"'" else ch


_THIN = '<mspace width="0.1667em" />'


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ok = True

    def handle_starttag(self, tag, attrs):
        if tag not in TAGS or any(name not in ATTRS for name, _ in attrs):
            self.ok = False

    def handle_endtag(self, tag):
        if tag not in TAGS:
            self.ok = False


def is_safe(markup: str) -> bool:
    """Only MathML elements and attributes in ``markup`` (no HTML, no script, no event handler)."""
    checker = _Checker()
    checker.feed(markup)
    checker.close()
    return checker.ok


def _convert(latex: str, *, block: bool, alt: str | None = None, inline: bool = False) -> str:
    """``latex`` as one ``<math>`` (its source in ``alttext``); the escaped source if the converter fails or its
    output holds anything but MathML. ``inline``: text style inside a sentence (limits beside Σ, as KaTeX's
    ``$…$``), else display style."""
    alt = html.escape(latex if alt is None else alt, quote=True)   # "": none (the line carries the source)
    source = latex.replace(r"\begin{aligned}", r"\begin{align*}").replace(r"\end{aligned}", r"\end{align*}")
    source = _UPRIGHT_LETTER.sub(r"\\text{\1}", source)   # latex2mathml drops \mathrm on a single letter
    try:
        # display style: limits under Σ, as in KaTeX's aligned
        markup = convert(source, display="inline" if inline else "block")
    except Exception:   # noqa: BLE001 - a construct the converter does not know: the source, readable
        markup = ""
    head = '<math display="block"' if block else "<math" if inline else '<math displaystyle="true"'
    if not markup or not is_safe(markup):
        return f'{head} alttext="{html.escape(latex, quote=True)}"><mtext>{html.escape(latex)}</mtext></math>'
    markup = _ENTITY.sub(_character, markup)   # "=" not "&#x0003D;": a third of the bytes sent
    # a sign right after an operator ("= −0.16", "× (−2)"): a prefix minus, not spaced as a subtraction
    markup = _SIGN.sub(lambda m: m.group(1) + '<mo form="prefix">\u2212</mo>', markup)
    markup = _FUNCTIONS.sub(lambda m: f"{_THIN}<mi>{m.group(1)}</mi>{_THIN}", markup)
    markup = markup.replace("<mover>", '<mover accent="true">')
    # K′: the prime glyph is raised already; as a superscript it shrank to a speck
    markup = _PRIME.sub(r'\1<mo lspace="0" rspace="0">&#x02032;</mo>', markup)
    head += f' alttext="{alt}">' if alt else ">"
    return head + markup[markup.index(">") + 1:]


@functools.lru_cache(maxsize=512)
def to_mathml(latex: str, display: str = "block") -> str:
    """One formula (``st.latex``'s LaTeX: KaTeX's subset the builders use) as MathML: ``display="block"`` a
    ``<math display="block">``; ``display="inline"`` a ``<math>`` in text style, to sit inside a sentence (what
    ``$…$`` is in Markdown)."""
    if display not in ("block", "inline"):
        raise ValueError(f"display must be 'block' or 'inline', not {display!r}")
    return _convert(latex, block=display == "block", inline=display == "inline")


_ALIGNED = (r"\begin{aligned}", r"\end{aligned}")


def split_aligned(latex: str) -> list[tuple[str, str]] | None:
    r"""The rows of a formula that is one ``\begin{aligned} … \end{aligned}``, each as (left of ``&``, right of it);
    None for any other formula. ``\\`` and ``&`` inside braces or a nested environment (a matrix) do not split.

    >>> split_aligned(r"\begin{aligned} z &= a \\ &= \begin{bmatrix} 1 & 2 \end{bmatrix} \end{aligned}")
    [('z', '= a'), ('', '= \\begin{bmatrix} 1 & 2 \\end{bmatrix}')]
    """
    body = latex.strip()
    if not (body.startswith(_ALIGNED[0]) and body.endswith(_ALIGNED[1])):
        return None
    body = body[len(_ALIGNED[0]):-len(_ALIGNED[1])]
    rows, row, amp, depth, envs, i = [], [], None, 0, 0, 0
    while i < len(body):
        if body.startswith(r"\begin{", i):
            envs += 1
        elif body.startswith(r"\end{", i):
            envs -= 1
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            if body[i + 1] == "\\" and depth == 0 and envs == 0:
                rows.append(("".join(row), amp))
                row, amp = [], None
                i += 2
                continue
            row.append(body[i:i + 2])   # an escaped character (\{, \&) or a command's first letter
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        if c == "&" and depth == 0 and envs == 0 and amp is None:
            amp = len("".join(row))
        row.append(c)
        i += 1
    if depth or envs:
        return None
    rows.append(("".join(row), amp))
    out = []
    for text, amp in rows:
        if amp is None:
            out.append(("", text.strip()))
        else:
            out.append((text[:amp].strip(), text[amp + 1:].strip()))
    return out


@functools.lru_cache(maxsize=512)
def block_html(latex: str) -> str:
    """A formula as one line of the math box, centred, scrolling sideways on a narrow screen; an ``aligned``
    formula as a two-column grid (right-aligned left sides, left-aligned right sides: the ``=`` in a column),
    each part its own ``<math>`` — MathML Core has no column alignment in its tables. The LaTeX source is on the
    line (``data-latex``)."""
    alt = html.escape(latex, quote=True)
    rows = split_aligned(latex)
    if rows is None:
        return f'<div class="math-line" data-latex="{alt}">{to_mathml(latex)}</div>'
    cells = []
    for left, right in rows:
        cells.append(f'<span class="l">{_convert(left, block=False, alt="") if left else ""}</span>')
        cells.append(f'<span class="r">{_convert("{}" + right, block=False, alt="") if right else ""}</span>')
    return f'<div class="math-line" data-latex="{alt}"><div class="math-aligned">{"".join(cells)}</div></div>'


@functools.lru_cache(maxsize=1024)
def inline_html(latex: str) -> str:
    """A formula inside a sentence: a ``<span class="math-inline">`` holding the inline ``<math>``, the LaTeX source
    on the span (``data-latex``)."""
    return f'<span class="math-inline" data-latex="{html.escape(latex, quote=True)}">{to_mathml(latex, "inline")}</span>'


_ALT = re.compile(r'<div class="math-line" data-latex="([^"]*)"')
_INLINE_ALT = re.compile(r'<span class="math-inline" data-latex="([^"]*)"')


def latex_sources(markup: str) -> list[str]:
    """The LaTeX source of every formula line in ``markup`` (its ``data-latex``), in order — for tests and checks."""
    return [html.unescape(m) for m in _ALT.findall(markup)]


def inline_sources(markup: str) -> list[str]:
    """The LaTeX source of every inline formula in ``markup`` (:func:`inline_html`'s ``data-latex``), in order."""
    return [html.unescape(m) for m in _INLINE_ALT.findall(markup)]


_MN = re.compile(r"(<mo(?: form=\"prefix\")?>\u2212</mo>)?<mn>([^<]*)</mn>")


def mathml_numbers(markup: str) -> list[str]:
    """The numbers drawn in ``markup`` in order (a minus sign right before one is part of it): ``-0.2``, ``11``."""
    return [("-" if m.group(1) else "") + html.unescape(m.group(2)) for m in _MN.finditer(markup)]


_NUM = re.compile(r"(-\s*)?(\d+(?:\.\d+)?)")


def latex_numbers(latex: str) -> list[str]:
    """The numbers written in ``latex`` in order, the same way :func:`mathml_numbers` reads them."""
    return [("-" if m.group(1) else "") + m.group(2) for m in _NUM.finditer(latex)]
