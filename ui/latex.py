"""Numbers and formulas as text: compact numbers, LaTeX matrices, worked equations.

Pure functions (no Streamlit). Every number a page shows goes through :func:`fmt`
(plain text, figure cells) or :func:`fmt_latex` (``st.latex``), so the whole app
prints ``1``, ``-0.5``, ``0.125`` and never ``1.0000000``.

Display indices are 1-based like the seeds (``i₁₁`` is ``M[0, 0]``): the functions
here take 0-based array indices and add one when they print.

>>> fmt(1.0), fmt(-0.5), fmt(0.125), fmt(1 / 3), fmt(-0.0), fmt(1.2e-5)
('1', '-0.5', '0.125', '0.3333', '0', '1.2e-5')
>>> fmt_latex(-1), fmt_latex(-1, factor=False), fmt_latex(1.2e-5)
('(-1)', '-1', '1.2\\\\times10^{-5}')
>>> sum_of_products(["i_{11}", "i_{12}"], [1, 0], ["h_{11}", "h_{12}"], [1, -1])
('i_{11}h_{11} + i_{12}h_{12}', '1\\\\times1 + 0\\\\times(-1)')
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from contextvars import ContextVar
from typing import Iterable, Sequence

import numpy as np

__all__ = [
    "fmt",
    "fmt_latex",
    "latex_matrix",
    "equation_lines",
    "sum_of_products",
    "subscript",
    "subscript_unicode",
    "escape_markdown",
]

#: Significant digits printed by default (1/3 -> 0.3333).
SIGNIFICANT = 4
#: The reader's choices of significant digits for formulas (sidebar "Digits shown", ``?digits=``).
DIGIT_CHOICES = (2, 4, 6)
# The digits of the current script run. Streamlit runs every rerun (a fragment's too) in a thread of its
# own and a new thread starts with an empty context, so one session's choice never leaks into another's;
# the first number formatted in a run reads the session's choice (see :func:`display_digits`).
_DIGITS: ContextVar[int | None] = ContextVar("display_digits", default=None)
# Outside [SMALL, LARGE) a non-integer prints in scientific notation.
_SMALL = 1e-4
_LARGE = 1e15


def _parts(x: float, sig: int) -> tuple[str, int | None]:
    """(mantissa text, exponent or None) of a finite non-zero number, compact."""
    if float(x).is_integer() and abs(x) < _LARGE:
        return str(int(x)), None
    if abs(x) >= _SMALL and abs(x) >= 10 ** sig and abs(x) < _LARGE:
        return str(int(round(x))), None  # 12345.6 -> 12346, not 1.235e4
    text = f"{x:.{sig}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return mantissa, int(exponent)
    return text, None


def _session_digits() -> int:
    """The session's ``digits`` choice (set by the frame), or :data:`SIGNIFICANT` outside a script run."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx(suppress_warning=True)
        if ctx is None:
            return SIGNIFICANT
        value = ctx.session_state["digits"] if "digits" in ctx.session_state else SIGNIFICANT
    except Exception:  # no usable session state
        return SIGNIFICANT
    return value if value in DIGIT_CHOICES else SIGNIFICANT


def display_digits() -> int:
    """Significant digits numbers in formulas are shown with in this run (2, 4 or 6; default 4)."""
    digits = _DIGITS.get()
    if digits is None:
        digits = _session_digits()
        _DIGITS.set(digits)
    return digits


def use_display_digits(digits: int) -> None:
    """Set the digits of this script run (the frame calls it once per run with the session's choice)."""
    _DIGITS.set(digits if digits in DIGIT_CHOICES else SIGNIFICANT)


def fmt(x: float, sig: int | None = None) -> str:
    """A number as short plain text: ``1``, ``-0.5``, ``0.3333``, ``1.2e-5``; ``-0`` prints ``0``.

    Parameters
    ----------
    x : float
        Any real number (NumPy scalars fine). ``nan`` / ``±inf`` print as ``nan`` / ``inf`` / ``-inf``.
    sig : int, optional
        Significant digits kept; trailing zeros are dropped. Default: :func:`display_digits`
        (the reader's choice, 4 unless changed).
    """
    if sig is None:
        sig = display_digits()
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    mantissa, exponent = _parts(x, sig)
    if mantissa in ("-0", "0"):
        return "0"
    return mantissa if exponent is None else f"{mantissa}e{exponent}"


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def fmt_power(x: float, sig: int = 1) -> str:
    """A difference or an error for a sentence: ``3 × 10⁻¹⁶``, ``0.0012``, ``0`` (not ``3e-16``).

    Numbers in [1e-4, 1e4) print as :func:`fmt` does at ``sig`` digits; others as mantissa × 10 to a power.
    """
    x = float(x)
    if x == 0 or not math.isfinite(x) or 1e-4 <= abs(x) < 1e4:
        return fmt(x, sig)
    mantissa, exponent = f"{x:.{sig - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def fmt_latex(x: float, *, factor: bool = True, sig: int | None = None) -> str:
    """A number for ``st.latex``: ``1.2\\times10^{-5}``, ``\\infty``.

    With ``factor=True`` (the default) a negative number is wrapped in parentheses so it
    can stand after ``\\times`` or ``+``: ``0\\times(-1)``. Use ``factor=False`` for a
    number standing alone (a result, a matrix entry). ``sig`` as in :func:`fmt`.
    """
    if sig is None:
        sig = display_digits()
    x = float(x)
    if math.isnan(x):
        body = r"\mathrm{NaN}"
    elif math.isinf(x):
        body = r"\infty" if x > 0 else r"-\infty"
    elif x == 0:
        body = "0"
    else:
        mantissa, exponent = _parts(x, sig)
        if mantissa in ("-0", "0"):
            body = "0"
        elif exponent is None:
            body = mantissa
        elif mantissa in ("1", "-1"):
            body = f"{mantissa[:-1]}10^{{{exponent}}}"
        else:
            body = f"{mantissa}\\times10^{{{exponent}}}"
    if factor and body.startswith("-"):
        return f"({body})"
    return body


def _as_matrix(M: np.ndarray | Sequence) -> np.ndarray:
    a = np.asarray(M, dtype=float)
    if a.ndim == 0:
        a = a.reshape(1, 1)
    elif a.ndim == 1:
        a = a.reshape(1, -1)
    elif a.ndim != 2:
        raise ValueError(f"expected a matrix (2-D), got an array of shape {a.shape}")
    return a


def latex_matrix(
    M: np.ndarray | Sequence,
    highlight: Iterable[tuple[int, int]] | None = None,
    *,
    window: tuple[int, int, int, int] | None = None,
    color: str = "red",
    sig: int | None = None,
) -> str:
    """A ``bmatrix`` of compact numbers, with optional marks.

    Parameters
    ----------
    M : array, shape (H, W) (a 1-D array is one row)
    highlight : iterable of (row, col), 0-based
        Cells drawn ``\\boxed{}`` (e.g. the max of a pooling window).
    window : (r0, c0, r1, c1), inclusive, 0-based
        Cells drawn in ``color`` (e.g. the window under the kernel).

    >>> latex_matrix([[1, -0.5], [0, 2]], highlight=[(1, 1)])
    '\\\\begin{bmatrix} 1 & -0.5 \\\\\\\\ 0 & \\\\boxed{2} \\\\end{bmatrix}'
    """
    a = _as_matrix(M)
    boxed = {(int(r), int(c)) for r, c in (highlight or ())}
    rows = []
    for r in range(a.shape[0]):
        cells = []
        for c in range(a.shape[1]):
            text = fmt_latex(a[r, c], factor=False, sig=sig)
            if window is not None and window[0] <= r <= window[2] and window[1] <= c <= window[3]:
                text = f"\\textcolor{{{color}}}{{{text}}}"
            if (r, c) in boxed:
                text = f"\\boxed{{{text}}}"
            cells.append(text)
        rows.append(" & ".join(cells))
    return "\\begin{bmatrix} " + " \\\\ ".join(rows) + " \\end{bmatrix}"


def equation_lines(symbolic: str, numeric: str | None, result: str | float, *, approx: bool = False) -> str:
    """The worked equation for ``st.latex``: symbolic line, with numbers, result — aligned.

    If ``symbolic`` has a left-hand side (``net_{11} = i_{11}h_{11} + ...``) the lines are
    aligned on its first ``=``. ``numeric=None`` leaves the middle line out. A number as
    ``result`` is formatted with :func:`fmt_latex`.

    >>> equation_lines("o = a + b", "1 + 2", 3)
    '\\\\begin{aligned} o &= a + b \\\\\\\\ &= 1 + 2 \\\\\\\\ &= 3 \\\\end{aligned}'
    """
    if not isinstance(result, str):
        result = fmt_latex(result, factor=False)
    if "=" in symbolic:
        lhs, rhs = symbolic.split("=", 1)
        first = f"{lhs.strip()} &= {rhs.strip()}"
    else:
        first = f"&{symbolic.strip()}"
    lines = [first]
    if numeric is not None:
        lines.append(f"&= {numeric.strip()}")
    relation = r"\approx" if approx else "="   # ≈: the shown numbers are rounded
    lines.append(f"&{relation} {result.strip()}")
    return "\\begin{aligned} " + " \\\\ ".join(lines) + " \\end{aligned}"


def sum_of_products(
    symbols_a: Sequence[str],
    values_a: Sequence[float],
    symbols_b: Sequence[str],
    values_b: Sequence[float],
    *,
    sig: int | None = None,
) -> tuple[str, str]:
    """``Σ a·b`` written out twice: with symbols and with numbers.

    Returns ``(symbolic, numeric)``, e.g. ``("i_{11}h_{11} + i_{12}h_{12}",
    "1\\times1 + 0\\times(-1)")``. Negative numbers are parenthesised. No terms -> ``("0", "0")``.
    """
    n = len(symbols_a)
    if not (len(values_a) == len(symbols_b) == len(values_b) == n):
        raise ValueError(
            f"sum_of_products needs four sequences of one length, got "
            f"{n}, {len(values_a)}, {len(symbols_b)}, {len(values_b)}")
    if n == 0:
        return "0", "0"
    symbolic = " + ".join(f"{a}{b}" for a, b in zip(symbols_a, symbols_b))
    numeric = " + ".join(
        f"{fmt_latex(a, sig=sig)}\\times{fmt_latex(b, sig=sig)}" for a, b in zip(values_a, values_b))
    return symbolic, numeric


def _display_indices(indices: Sequence[int]) -> list[str]:
    return [str(int(i) + 1) for i in indices]


def subscript(name: str, *indices: int) -> str:
    """LaTeX symbol with 1-based subscripts from 0-based indices.

    >>> subscript("i", 0, 0), subscript("w", 1, 0, 2), subscript("i", 0, 11), subscript("b", 0)
    ('i_{11}', 'w_{213}', 'i_{1,12}', 'b_{1}')

    Indices are joined without a separator like the texts (``i_{11}``) unless one of
    them is 10 or more, then with commas (``i_{1,12}``). No indices -> ``name``.
    """
    if not indices:
        return name
    shown = _display_indices(indices)
    sep = "," if any(len(s) > 1 for s in shown) else ""
    return f"{name}_{{{sep.join(shown)}}}"


_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def subscript_unicode(name: str, *indices: int) -> str:
    """Plain-text symbol for hovers and captions: ``subscript_unicode("x", 0, 1) == "x₁₂"``.

    Same index rule as :func:`subscript` (commas when an index is 10 or more: ``x₁,₁₂``).
    """
    if not indices:
        return name
    shown = _display_indices(indices)
    sep = "," if any(len(s) > 1 for s in shown) else ""
    return name + sep.join(s.translate(_SUBSCRIPT_DIGITS) for s in shown)


_MARKDOWN_SPECIALS = frozenset(string.punctuation)


def escape_markdown(text: object, max_len: int = 40) -> str:
    """User text made safe to show inside Streamlit markdown (``st.error``, ``st.warning``, ...).

    Control and format characters are removed (newlines and tabs become spaces), text
    longer than ``max_len`` characters is cut with ``…``, and every ASCII punctuation
    character is backslash-escaped, so ``<b>x</b>``, ``**``, ``$x$``, ``:red[x]`` and
    links show literally instead of being interpreted.

    >>> escape_markdown("<b>x</b>")
    '\\\\<b\\\\>x\\\\<\\\\/b\\\\>'
    """
    raw = str(text)
    # Only the first part can be shown; don't walk a megabyte of input.
    raw = raw[: max_len * 4 + 16]
    kept = []
    for ch in raw:
        if ch in "\n\r\t":
            kept.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        else:
            kept.append(ch)
    cleaned = "".join(kept)
    if len(cleaned) > max_len or len(str(text)) > len(raw):
        cleaned = cleaned[: max(max_len - 1, 0)] + "…"
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in cleaned)


# Our own catalogue text marks formulas with $…$ and code names with `…` (assets/locales/*/claims.json).
_MATH_OR_CODE = re.compile(r"(\$[^$\n]+\$|`[^`\n]+`)")


def markdown_with_math(text: object, max_len: int = 4000) -> str:
    """The app's own text (the claims catalogue's titles and explanations) for Streamlit markdown.

    ``$…$`` spans stay LaTeX (rendered by KaTeX) and `` `…` `` spans inline code; everything between them is
    escaped as :func:`escape_markdown` escapes user text. Only for strings from our locale files: user text
    always goes through :func:`escape_markdown`, which shows a ``$`` literally.

    >>> markdown_with_math("Eq. 5: $dz^{[l]}$ by `conv`")
    'Eq\\\\. 5\\\\: $dz^{[l]}$ by `conv`'
    """
    parts = _MATH_OR_CODE.split(str(text))
    return "".join(part if odd else escape_markdown(part, max_len) for odd, part in
                   ((i % 2 == 1, p) for i, p in enumerate(parts)) if part)


# --------------------------------------------------------------------------- long sums on narrow screens
#: The widest line of a written-out display formula, in ems of KaTeX's display font: a phone's column
#: (390 px screen, 358 px column, KaTeX at 1.21 × 16 px) holds about 18 em; a little is kept in hand.
LINE_EM = 16.5
#: What joins two lines of one sum inside ``aligned``: the next line starts under the "=", indented.
SUM_BREAK = r" \\ &\qquad + "
_CMD_EM = {"times": 0.78, "cdot": 0.5, "quad": 1.0, "qquad": 2.0, ",": 0.17, ":": 0.22, ";": 0.28, "!": -0.17,
           "sum": 1.1, "ln": 1.1, "log": 1.4, "exp": 1.5, "approx": 0.78, "odot": 0.78, "star": 0.78, "ast": 0.78,
           "ldots": 1.2, "cdots": 1.2, "infty": 1.0, "lfloor": 0.45, "rfloor": 0.45, "lceil": 0.45, "rceil": 0.45}
_ZERO_WIDTH = {"left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr", "displaystyle", "textstyle",
               "mathrm", "mathbf", "mathit", "text", "operatorname", "tilde", "hat", "bar", "vec", "boldsymbol"}


def _read_group(expr: str, i: int) -> tuple[str, int]:
    """The ``{…}`` group (or single token) starting at ``i``: (its content, the index after it)."""
    if i >= len(expr):
        return "", i
    if expr[i] == "{":
        depth, j = 0, i
        while j < len(expr):
            depth += {"{": 1, "}": -1}.get(expr[j], 0)
            if depth == 0:
                return expr[i + 1:j], j + 1
            j += 1
        return expr[i + 1:], len(expr)
    if expr[i] == "\\":
        j = i + 1
        while j < len(expr) and expr[j].isalpha():
            j += 1
        return expr[i:max(j, i + 2)], max(j, i + 2)
    return expr[i], i + 1


def latex_width_em(expr: str) -> float:
    """A rough width of LaTeX math in ems (letters and digits ~0.55 em, scripts at 70 %, a stacked sub- and
    superscript counts once, ``\\frac`` the wider of its parts). Used to break long sums, never to lay out."""
    width, i, last_script = 0.0, 0, None
    while i < len(expr):
        ch = expr[i]
        if ch in "_^":
            group, i = _read_group(expr, i + 1)
            w = 0.7 * latex_width_em(group)
            if last_script is not None:      # x_{ij}^{(1)}: sub- and superscript stack
                width += max(0.0, w - last_script)
                last_script = max(w, last_script)
            else:
                width += w
                last_script = w
            continue
        last_script = None
        if ch == "\\":
            name, i = _read_group(expr, i)
            name = name[1:]
            if name in ("frac", "tfrac", "dfrac"):
                top, i = _read_group(expr, i)
                bottom, i = _read_group(expr, i)
                width += 0.85 * max(latex_width_em(top), latex_width_em(bottom)) + 0.2
            elif name in _ZERO_WIDTH:
                continue
            elif name in ("\\",):
                continue
            else:
                width += _CMD_EM.get(name, 0.6)
        elif ch in "{}":
            i += 1
        elif ch == " ":
            i += 1
        elif ch in "+-=<>":
            width += 0.78 + (0.44 if ch in "+=-" else 0.0)    # the sign and the medium spaces around it
            i += 1
        else:
            width += 0.39 if ch in "()[],.;:|!'" else 0.55
            i += 1
    return width


def split_sum(expr: str) -> list[str]:
    """The terms of ``a + b + c`` at the top level (not inside braces, parentheses or ``\\left … \\right``)."""
    terms, depth, start, i = [], 0, 0, 0
    while i < len(expr):
        if expr.startswith(r"\left", i):
            depth += 1
            i += 5
            continue
        if expr.startswith(r"\right", i):
            depth -= 1
            i += 6
            continue
        ch = expr[i]
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        elif depth == 0 and expr.startswith(" + ", i):
            terms.append(expr[start:i])
            start = i + 3
            i += 3
            continue
        i += 1
    terms.append(expr[start:])
    return terms


def wrap_sum_lines(expr: str, lhs: str = "", line_em: float = LINE_EM) -> str:
    """A sum ``a + b + …`` too wide for a phone, broken into aligned lines (inside ``aligned``, after ``&=``).

    ``lhs`` is the left side in front of the ``=`` (its width counts on every line: the lines align on the
    ``=``). Each continuation line starts with ``\\qquad +``. A sum that fits, or one already broken, is
    returned unchanged.

    >>> wrap_sum_lines(" + ".join(f"x_{{{k}}}" for k in range(1, 13)), "y")
    'x_{1} + x_{2} + x_{3} + x_{4} + x_{5} + x_{6} + x_{7} \\\\\\\\ &\\\\qquad + x_{8} + x_{9} + x_{10} + x_{11} + x_{12}'
    """
    if "\\\\" in expr:
        return expr
    terms = split_sum(expr)
    lead = latex_width_em(lhs) + 1.3 if lhs else 1.3
    if len(terms) < 2 or lead + latex_width_em(expr) <= line_em:
        return expr
    plus = latex_width_em("+")
    widths = [latex_width_em(term) for term in terms]

    def greedy(first: float, rest: float) -> list[list[str]]:
        lines: list[list[str]] = [[]]
        room = first
        for term, w in zip(terms, widths):
            w += plus if lines[-1] else 0.0
            if lines[-1] and w > room:
                lines.append([])
                room, w = rest, w - plus
            lines[-1].append(term)
            room -= w
        return lines

    first, rest = line_em - lead, line_em - lead - 2.0 - plus     # \qquad + starts each further line
    count = len(greedy(first, rest))
    # the same number of lines, evenly filled (no lone last term): the narrowest width that still needs no more
    target = (sum(widths) + plus * (len(terms) - count)) / count
    for extra in (0.0, 0.5, 1.0, 2.0, 4.0):
        lines = greedy(min(first, target + extra), min(rest, target + extra))
        if len(lines) <= count:
            break
    else:
        lines = greedy(first, rest)
    return SUM_BREAK.join(" + ".join(line) for line in lines)


def wrap_product_sum(products: Sequence[Sequence[str]], lhs: str = "", line_em: float = LINE_EM,
                     times: str = "") -> str:
    """``a₁a₂a₃ + b₁b₂ + …`` (a sum of products of factors), broken into aligned lines that fit ``line_em``.

    A line may break between two terms (the next line starts ``\\qquad +``) or inside a long product (it
    starts ``\\qquad \\cdot``). ``times`` joins two factors on one line (default: side by side).
    """
    lead = (latex_width_em(lhs) if lhs else 0.0) + 1.3
    lines: list[str] = [""]
    room = line_em - lead
    for k, product in enumerate(products):
        for n, part in enumerate(product):
            joiner = (" + " if n == 0 else times) if (k or n) else ""
            w = latex_width_em(joiner + part)
            if lines[-1] and w > room:
                lines.append(("+ " if n == 0 else (times.strip() or r"\cdot") + " ") + part)
                room = line_em - lead - 2.0 - latex_width_em(lines[-1])
                continue
            lines[-1] += joiner + part
            room -= w
    return r" \\ &\qquad ".join(lines)
