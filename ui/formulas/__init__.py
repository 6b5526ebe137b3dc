"""Formula builders: the symbolic line and the numeric line of every formula, from trace terms.

One module per topic (``conv``, ``pool``, ``dense``, ``padding``, ``transposed``, ...). Each builder is
pure (no Streamlit): it takes the core's trace (or its terms) and returns LaTeX strings, so the
symbols and the numbers of a formula come from the same term list and cannot drift apart.
"""
