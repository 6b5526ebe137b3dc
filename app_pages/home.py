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
# four stages per row: seven narrow columns would break words ("Convoluti-on") on a laptop screen
PER_ROW = 4
columns = [column for start in range(0, len(PIPELINE), PER_ROW)
           for column in st.columns(PER_ROW)[:len(PIPELINE[start:start + PER_ROW])]]
for index, ((stage, page_key), column) in enumerate(zip(PIPELINE, columns), start=1):
    with column, st.container(border=True, height="stretch"):
        arrow = "" if index == 1 else "→ "
        st.markdown(f"**{arrow}{index}. {t(f'home.stage_{stage}')}**")
        entry = page_entry(page_key)
        if entry is not None:
            # a short link label fits the narrow box; the page's name wraps in the caption below
            st.page_link(entry.path, label=t("home.open"), icon=entry.icon, help=t(f"nav.{entry.key}"))
            st.caption(t(f"nav.{entry.key}"))
        else:
            st.caption(t("home.coming"))
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
