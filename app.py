"""lasdash: the LAS stakeholder map. Run with `streamlit run app.py`.

The entrypoint draws the shared sidebar filters, then runs the chosen page (app_pages/*.py).
"""
import streamlit as st

from lasdash import queries
from lasdash.ui import data, filters
from lasdash.ui.nav import PAGES
from lasdash.ui.page import Context

# A local icon: a ":material/...:" favicon is fetched from fonts.gstatic.com by every viewer's browser.
st.set_page_config(page_title="lasdash · LAS stakeholder map", page_icon="app_assets/favicon.png", layout="wide")

manifest = data.current()
con = data.connection(manifest.id)
sub_group_names = queries.sub_group_names(con)
navigation = st.navigation(PAGES)
flt = filters.sidebar(sub_group_names)
st.session_state["_context"] = Context(manifest, con, flt, sub_group_names)
st.sidebar.caption(f"Snapshot {manifest.id} · as of {manifest.created_at:%d %b %Y}")
navigation.run()
