"""What changed, for everyone: recent changes under the filter, and one row's history across snapshots.

Derived from the snapshots by lasdash.history, cached on the current snapshot id (a publish, edit or
rollback changes it, so the list is never stale).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lasdash import config, export, history, queries
from lasdash.diff import row_heading
from lasdash.ui import auth, data
from lasdash.ui.page import Context
from lasdash.ui.text import literal

SHOWN = ["When", "By", "Sheet", "Row", "Field", "From", "To"]


@st.cache_data(show_spinner=False, max_entries=8)
def _all_changes(root: str, current_id: str) -> pd.DataFrame:
    return history.changes(data.store(), last=None)


def all_changes(ctx: Context) -> pd.DataFrame:
    return _all_changes(str(config.data_dir()), ctx.manifest.id)


def recent(ctx: Context, limit: int = 200) -> None:
    """The latest changes to the map within the filter, newest first; the one chosen, in full below them."""
    df = queries.filter_rows_of_map(data.connection(ctx.manifest.id), all_changes(ctx), ctx.flt)
    if df.empty:
        st.info("No changes since the map was first published" + (" under the current filter." if ctx.flt.hcps or
                ctx.flt.sub_groups else "."), icon=":material/history:")
        return
    st.caption(f"{len(df)} change(s), newest first{'; the latest ' + str(limit) + ' shown' if len(df) > limit else ''}. "
               "Each publish, edit and rollback, field by field, in names. Choose a change (the box at the start of "
               "its line) to read it in full below the table.")
    latest = df.head(limit)
    event = st.dataframe(latest[SHOWN], hide_index=True, key="recent_changes", on_select="rerun",
                         selection_mode="single-row", placeholder="–",
                         column_config={"Row": st.column_config.TextColumn(width="large")})
    chosen = [i for i in event.selection.rows if i < len(latest)]  # a choice made before a publish may be gone
    if chosen:
        in_full(latest.iloc[chosen[0]])
    st.download_button("Download CSV: What changed", data=auth.guarded(lambda: export.to_csv_bytes(for_csv(df))),
                       file_name="lasdash_what-changed.csv", mime="text/csv", key="dl_recent_changes",
                       icon=":material/download:", on_click="ignore")


def for_csv(df: pd.DataFrame) -> pd.DataFrame:
    """What changed as a download: the columns on screen, each row with nothing cut (a recommendation's whole text)."""
    return df[SHOWN].assign(Row=df["Row in full"])


def in_full(change: pd.Series) -> None:
    """One change with nothing cut: the row's whole description and the whole values, as plain text."""
    with st.container(border=True):
        st.markdown("**The change chosen, in full**")
        st.text(row_heading(change["Sheet"], change["Row in full"]))
        if change["Field"]:
            st.text(f"Field: {change['Field']}")
            st.text(f"From: {change['From']}")
            st.text(f"To: {change['To']}")
        else:
            st.text((change["To"] or change["From"]).capitalize())
        st.caption(f"By {literal(change['By'])}, {literal(change['When'])}")


def row_history(ctx: Context, sheet: str, rows: dict[str, str], what: str) -> None:
    """Pick one row (ID -> label) and see every change to it, with who made it and when. Only rows that have
    changed are offered: at 100x the map a list of every seat was 31,000 options sent on every rerun."""
    with st.expander(f"History of {what}", icon=":material/history:"):
        df = all_changes(ctx)
        df = df[df["Sheet"] == sheet]
        changed = set(df["ID"])
        options = [rid for rid in rows if rid in changed]
        if not options:
            st.caption(f"No {what.split(' ', 1)[-1]} shown here has changed since the map was first published.")
            return
        st.caption(f"{len(options)} of the {len(rows)} shown here have changed since the map was first published.")
        chosen = st.selectbox(what.capitalize(), options, format_func=rows.get, index=None,
                              placeholder="Type to search", key=f"history_{sheet}")
        if chosen is None:
            return
        mine = df[df["ID"] == chosen]
        st.dataframe(mine[["When", "By", "Field", "From", "To"]], hide_index=True, key=f"history_grid_{sheet}",
                     placeholder="–")
