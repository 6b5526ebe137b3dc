"""Home: what the app is for, the pipeline as a clickable map, one line per page."""

import streamlit as st

from ui.frame import available_pages, page_entry
from ui.i18n import t

# The pipeline stages, left to right, and the page that explains each one.
PIPELINE = (
    ("input", "padding"),
    ("conv", "conv_single"),
    ("activation", "conv_single"),
    ("pool", "pooling"),
    ("flatten", "training"),
    ("fc", "dense"),
    ("softmax", "dense"),
)

st.title(t("home.title"))
st.markdown(t("home.intro"))

st.subheader(t("home.pipeline_title"))
st.caption(t("home.pipeline_caption"))
columns = st.columns(len(PIPELINE) * 2 - 1, vertical_alignment="center")
for index, (stage, page_key) in enumerate(PIPELINE):
    with columns[index * 2]:
        with st.container(border=True):
            st.markdown(f"**{t(f'home.stage_{stage}')}**")
            entry = page_entry(page_key)
            if entry is not None:
                st.page_link(entry.path, label=t(f"nav.{entry.key}"), icon=entry.icon)
            else:
                st.caption(t("home.coming"))
    if index < len(PIPELINE) - 1:
        with columns[index * 2 + 1]:
            st.markdown("→")
st.caption(t("home.backward_caption"))

st.subheader(t("home.pages_title"))
for entry in available_pages():
    if entry.key == "home":
        continue
    left, right = st.columns([1, 2], vertical_alignment="center")
    with left:
        st.page_link(entry.path, label=t(f"nav.{entry.key}"), icon=entry.icon)
    with right:
        st.write(t(f"nav.{entry.key}_promise"))

st.subheader(t("home.conventions_title"))
st.markdown(t("home.conventions"))
