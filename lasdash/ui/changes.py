"""What changed, for everyone: recent changes under the filter, and one row's history across snapshots.

Derived from the snapshots by lasdash.history, cached on the current snapshot id (a publish, edit or
rollback changes it, so the list is never stale).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lasdash import config, export, history, memory, queries
from lasdash.diff import row_heading
from lasdash.ui import auth, data
from lasdash.ui.page import Context
from lasdash.ui.text import literal

SHOWN = ["When", "By", "Sheet", "Row", "Field", "From", "To"]
PICKER_LIMIT = 300  # more changed rows than this: the history picker asks for a search first


@st.cache_resource(show_spinner=False, max_entries=1)
def _all_changes(root: str, current_id: str) -> pd.DataFrame:
    """Every change since the first publish, as keys (history.index), computed once per current snapshot and shared
    by every session (callers never modify it): a new snapshot's index replaces the old one, so the server holds one.
    A publish of a map 100 times the size lists 90,000 added rows here, without a word of description."""
    index = history.index(data.store(), last=None)
    memory.trim()  # both snapshots' tables, read for the comparison, are dropped: give their memory back
    return index


def all_changes(ctx: Context) -> pd.DataFrame:
    return _all_changes(str(config.data_dir()), ctx.manifest.id)


@st.cache_data(show_spinner=False, max_entries=16)
def _described(root: str, current_id: str, rows: pd.DataFrame) -> pd.DataFrame:
    return history.described(data.store(), rows)


def described(ctx: Context, rows: pd.DataFrame) -> pd.DataFrame:
    """Rows of the index in words (only these: a page of them, or one row's history), cached per snapshot."""
    return _described(str(config.data_dir()), ctx.manifest.id, rows.reset_index(drop=True))


def in_filter(ctx: Context, df: pd.DataFrame) -> pd.DataFrame:
    """The changes to rows within the filter, in order. Only the Sheet and ID columns go to DuckDB: all nine of
    90,000 changes cost 38 MB there."""
    if df.empty:
        return df
    slim = df[["Sheet", "ID"]].assign(_at=range(len(df)))
    kept = queries.filter_rows_of_map(data.connection(ctx.manifest.id), slim, ctx.flt)["_at"]
    return df.iloc[kept.to_numpy()]


def recent(ctx: Context, limit: int = 200) -> None:
    """The latest changes to the map within the filter, newest first; the one chosen, in full below them. When
    there are more than `limit`, exact counts per publish and sheet come first, and only the latest `limit` are
    described and listed ("and N more"); the download has them all."""
    df = in_filter(ctx, all_changes(ctx))
    if df.empty:
        st.info("No changes since the map was first published" + (" under the current filter." if ctx.flt.hcps or
                ctx.flt.sub_groups else "."), icon=":material/history:")
        return
    if len(df) > limit:
        counts = history.summary(df)
        st.caption(f"{len(df):,} changes in all: the rows added, removed and changed by each publish, edit and "
                   "rollback, sheet by sheet (exact counts).")
        st.dataframe(counts, hide_index=True, key="recent_changes_counts", placeholder="–",
                     column_config={c: st.column_config.NumberColumn(format="localized")  # 11,979, as the caption
                                    for c in counts.columns if c.startswith(("Rows", "Fields"))})
    cut = f"; the latest {limit:,} listed, {history.more(len(df), limit)} (the download has them all)"
    st.caption(f"{len(df):,} change(s), newest first{cut if len(df) > limit else ''}. "
               "Each publish, edit and rollback, field by field, in names. Choose a change (the box at the start of "
               "its line) to read it in full below the table.")
    latest = described(ctx, df.head(limit))
    event = st.dataframe(latest[SHOWN], hide_index=True, key="recent_changes", on_select="rerun",
                         selection_mode="single-row", placeholder="–",
                         column_config={"Row": st.column_config.TextColumn(width="large")})
    chosen = [i for i in event.selection.rows if i < len(latest)]  # a choice made before a publish may be gone
    if chosen:
        in_full(latest.iloc[chosen[0]])
    store = data.store()
    st.download_button("Download CSV: What changed",
                       data=auth.guarded(lambda: export.to_csv_bytes(for_csv(history.described(store, df)))),
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
        st.caption(f"{len(options):,} of the {len(rows):,} shown here have changed since the map was first published.")
        if len(options) > PICKER_LIMIT:  # a list that long is slow to send and no use to scroll: search it first
            wanted = " ".join(st.text_input(f"Find {what} by name or ID", key=f"history_find_{sheet}").split()).casefold()
            if not wanted:
                return
            options = [rid for rid in options if wanted in rid.casefold() or wanted in str(rows[rid]).casefold()]
            if len(options) > PICKER_LIMIT:
                st.caption(f"{len(options):,} match; the first {PICKER_LIMIT} are listed. Type more to narrow them.")
                options = options[:PICKER_LIMIT]
            elif not options:
                st.caption("Nothing that has changed matches.")
                return
        chosen = st.selectbox(what.capitalize(), options, format_func=rows.get, index=None,
                              placeholder="Type to search", key=f"history_{sheet}")
        if chosen is None:
            return
        mine = described(ctx, df[df["ID"] == chosen])
        st.dataframe(mine[["When", "By", "Field", "From", "To"]], hide_index=True, key=f"history_grid_{sheet}",
                     placeholder="–")
