"""lasdash: the LAS stakeholder map. Run with `streamlit run app.py`.

The entrypoint draws the shared sidebar filters, then runs the chosen page (app_pages/*.py).
"""
import streamlit as st

from lasdash import queries
from lasdash.snapshots import StoreError
from lasdash.ui import auth, data, editing, filters, nav
from lasdash.ui.page import Context
from lasdash.ui.text import literal

# A local icon: a ":material/...:" favicon is fetched from fonts.gstatic.com by every viewer's browser.
st.set_page_config(page_title=auth.TITLE, page_icon="app_assets/favicon.png", layout="wide")
auth.require_viewer()  # before anything of the map is read: with viewers restricted, only a sign-in page

try:
    manifest = data.current()
    con = data.connection(manifest.id)
except StoreError as exc:  # no snapshot this server can show: say why, and try again on the next visit
    st.title(auth.TITLE)
    st.error(f"The map cannot be shown: {literal(str(exc))}")
    st.stop()
sub_group_names = queries.sub_group_names(con)
pages = nav.pages()
navigation = st.navigation(pages, expanded=True)  # every page in the menu: no "View 3 more" hiding three
auth.return_to_deep_link(pages)
flt = filters.sidebar(sub_group_names)
st.session_state["_context"] = Context(manifest, con, flt, sub_group_names)
st.sidebar.caption(f"Snapshot {manifest.id} · as of {manifest.created_at:%d %b %Y}")
auth.account_box()
auth.editing_box(form_open=navigation.url_path == "data")  # unlock, "Editing as", Lock: on every page
editing.say_lost_changes(manifest)  # an unsaved change a server restart lost is said, not left as a dead Save
if note := data.update_check_note():
    st.warning(literal(note), icon=":material/cloud_off:")
try:
    navigation.run()
except StoreError as exc:  # an older snapshot this server has not cached, while the store is unreachable
    st.error(literal(str(exc)))
