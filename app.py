"""lasdash: the LAS stakeholder map. Run with `streamlit run app.py`."""
import streamlit as st

from lasdash import schema as S
from lasdash.ui import data

st.set_page_config(page_title="lasdash · LAS stakeholder map", page_icon="🚑", layout="wide")

manifest = data.current()
st.title("LAS stakeholder map")
st.caption(f"Snapshot as of {manifest.created_at:%d %b %Y %H:%M} UTC · {manifest.source_file} · {manifest.note}")
st.dataframe(
    [{"Sheet": name, "Rows": n} for name, n in manifest.row_counts.items()],
    hide_index=True,
)
