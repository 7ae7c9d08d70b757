"""The pages, in menu order (lasdash/ui/menu.py), as st.Page objects for app.py's navigation.

Built anew on every run: a Page records whether this run may call it, so one list shared by every session lets
concurrent sessions trip over each other ("This page cannot be called directly"), as 20 viewers at once showed.
"""
import streamlit as st

from lasdash.config import REPO_ROOT
from lasdash.ui.menu import DEFAULT, MENU


def pages() -> list[st.Page]:
    # absolute paths: a script run from elsewhere (the benchmark's floor) finds the same pages
    return [st.Page(REPO_ROOT / script, title=title, icon=icon, default=script == DEFAULT) for script, title, icon in MENU]
