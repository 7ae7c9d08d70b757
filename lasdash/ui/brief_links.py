"""Links to the Meeting brief page (app_pages/brief.py) from beside a forum, organisation, person or partnership.

The page reads /brief?forum=NAME_OR_ID (or organisation=, person=, partnership=) and opens that brief ready.
"""
from __future__ import annotations

from urllib.parse import quote, urlencode

import streamlit as st

from lasdash.config import REPO_ROOT
from lasdash.ui.text import literal

SCRIPT = REPO_ROOT / "app_pages" / "brief.py"
ICON = ":material/summarize:"


def url(kind: str, name_or_id: str) -> str:
    """For a grid's LinkColumn. Relative, so it works under a server's base URL path too: every page is a sibling."""
    return "brief?" + urlencode({kind: name_or_id}, quote_via=quote)


def urls(kind: str, names) -> list[str]:
    """`url` for each of a column's names, as urlencode writes them (quote, nothing kept safe; str() of a non-text
    value), without a dict and an urlencode per row: a grid of 5,000 rows took 60 ms that way."""
    head = "brief?" + quote(kind, safe="") + "="
    return [head + quote(n if isinstance(n, str) else str(n), safe="") for n in names]


def column() -> st.column_config.LinkColumn:
    return st.column_config.LinkColumn("Brief", display_text="Brief", width="small",
                                       help="Open the meeting brief: what to know before meeting them, as a PDF")


def link(kind: str, name_or_id: str, name: str) -> None:
    """A link to the brief, in this session (the sidebar filters and editing stay as they are)."""
    st.page_link(SCRIPT, label=f"Meeting brief: {literal(name)}", icon=ICON, query_params={kind: name_or_id})
