"""The pages, in menu order. One list (lasdash/ui/menu.py), used by app.py's navigation and the overview's links."""
import streamlit as st

from lasdash.ui.menu import DEFAULT, MENU

PAGES = [st.Page(script, title=title, icon=icon, default=script == DEFAULT) for script, title, icon in MENU]
