"""What every page shares: its header (question, filter, as-of), KPIs, capped tables and the safe download.

Pages stay thin: they pick named views and charts and hand them to these helpers.
"""
from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import duckdb
import pandas as pd
import streamlit as st

from lasdash import config, export, queries
from lasdash.queries import Filter
from lasdash.snapshots import Manifest
from lasdash.ui import auth, data
from lasdash.ui.text import literal

MAX_ROWS = 5_000  # never send more rows than this to the browser


@dataclass(frozen=True)
class Context:
    manifest: Manifest
    con: duckdb.DuckDBPyConnection
    flt: Filter
    sub_group_names: dict[str, str]

    @property
    def as_of(self) -> str:
        return f"{self.manifest.created_at:%d %b %Y}"

    def run(self, view: str, flt: Filter | None = None) -> pd.DataFrame:
        return rows(self.manifest.id, view, flt or self.flt)


def rows(snapshot_id: str, view: str, flt: Filter) -> pd.DataFrame:
    """A named view's rows, cached per snapshot and filter: a publish changes the id, so no stale data."""
    return _rows(str(config.data_dir()), snapshot_id, view, flt)


@st.cache_data(show_spinner=False, max_entries=256)
def _rows(root: str, snapshot_id: str, view: str, flt: Filter) -> pd.DataFrame:
    return queries.run(data.connection(snapshot_id), view, flt)


def context() -> Context:
    return st.session_state["_context"]


def header(title: str, question: str) -> Context:
    """Title, the question the page answers, the filter in force and the snapshot's as-of date."""
    ctx = context()
    st.title(title)
    st.markdown(f"*{question}*")
    m = ctx.manifest
    st.caption(f"Filter: **{literal(ctx.flt.describe(ctx.sub_group_names))}** · Snapshot as of **{ctx.as_of}** "
               f"({literal(m.source_file or 'bundled map')}; {literal(m.note or 'no note')})")
    return ctx


def kpis(items: list[tuple[str, object, str | None]]) -> None:
    """The page's headline figures, (label, value, help): one strip that wraps, so a phone shows two or three a row
    rather than one stacked card each. Labels and help are ours; a value is a number or our own words."""
    with st.container(horizontal=True, gap="xsmall"):
        for label, value, help_text in items:
            st.metric(label, value, help=help_text, width="stretch")  # no border: its padding costs a card a row


def chart(c: alt.Chart) -> None:
    st.altair_chart(c, width="stretch")


def table(ctx: Context, view: str, df: pd.DataFrame | None = None, *, key: str, flt: Filter | None = None,
          column_config: dict | None = None, height: int | str = "auto") -> pd.DataFrame:
    """Show a named view (capped at MAX_ROWS) with a lazy download of all its rows: the CLI's export, byte for byte."""
    flt = flt or ctx.flt
    df = ctx.run(view, flt) if df is None else df
    total = len(df)
    if total > MAX_ROWS:
        st.caption(f"Showing {MAX_ROWS:,} of {total:,} rows. The download has them all.")
    st.dataframe(df.head(MAX_ROWS), hide_index=True, column_config=column_config, height=height, key=f"grid_{key}",
                 placeholder="–")
    download(ctx, view, flt, key=key)
    return df


def download(ctx: Context, view: str, flt: Filter, *, key: str) -> None:
    snapshot_id = ctx.manifest.id
    st.download_button(
        f"Download CSV: {queries.VIEWS[view].title}",
        data=auth.guarded(lambda: csv_bytes(snapshot_id, view, flt)),  # built only when clicked
        file_name=export.file_name(view, flt.slug(), ctx.manifest.created_at),
        mime="text/csv", key=f"dl_{key}", icon=":material/download:", on_click="ignore",
    )


def csv_bytes(snapshot_id: str, view: str, flt: Filter) -> bytes:
    """The page download: the same query and builder as `python -m lasdash export`."""
    return export.to_csv_bytes(queries.run(data.connection(snapshot_id), view, flt))


def empty_note(df: pd.DataFrame, what: str) -> bool:
    """Say so when a table is empty. `what` is Markdown: pass map text in it through literal()."""
    if df.empty:
        st.info(f"No {what} under the current filter.", icon=":material/filter_alt:")
        return True
    return False
