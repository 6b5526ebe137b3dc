"""The baseline for bench_browser.py: a bare Streamlit page with one slider and one heatmap."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

n = st.slider("size", 2, 12, 5)
z = np.arange(n * n, dtype=float).reshape(n, n)
st.plotly_chart(go.Figure(go.Heatmap(z=z, texttemplate="%{z}")))
