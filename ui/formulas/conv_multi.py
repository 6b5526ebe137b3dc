"""The multi-channel page's filters written out: one filter's kernels, one per input channel, as matrices.

Pure (no Streamlit): the page shows the result as MathML in a math box (``ui.components.math_box``). Display
indices are 1-based.
"""

from __future__ import annotations

import numpy as np

from ui.latex import latex_matrix


def filter_kernels_latex(kernels: np.ndarray, f: int) -> str:
    """Filter ``f`` (0-based) as aligned lines ``w^{(f,c)} = [...]``, one per channel ``c``.

    ``kernels`` has shape (C, KH, KW): the filter's kernel of every input channel.

    >>> filter_kernels_latex(np.array([[[1.0, -2.0]]]), 0)
    '\\\\begin{aligned} w^{(1,1)} &= \\\\begin{bmatrix} 1 & -2 \\\\end{bmatrix} \\\\end{aligned}'
    """
    kernels = np.asarray(kernels, dtype=float)
    if kernels.ndim != 3:
        raise ValueError("kernels must have shape (channels, rows, cols)")
    lines = [f"w^{{({f + 1},{c + 1})}} &= {latex_matrix(k)}" for c, k in enumerate(kernels)]
    # plain row breaks: the math box's grid spaces its rows itself, and the MathML converter would draw an
    # optional spacing argument ("\\\\[4pt]") as the text "[4pt]"
    return "\\begin{aligned} " + " \\\\ ".join(lines) + " \\end{aligned}"
