"""What every page shares: its header (question, filter, as-of), KPIs, capped tables and the safe download.

Pages stay thin: they pick named views and charts and hand them to these helpers.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass

import altair as alt
import duckdb
import pandas as pd
import streamlit as st

from lasdash import clock, config, export, memory, queries
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

    @property
    def own(self) -> Filter:
        """The filter headline figures count: the chosen HCPs' own rows (all of London when none is chosen)."""
        return self.flt.own()

    @property
    def place(self) -> str:
        """Where the page looks, for headings: 'NCL', 'NCL and SEL' or 'London'."""
        return self.flt.place()

    def run(self, view: str, flt: Filter | None = None) -> pd.DataFrame:
        return rows(self.manifest.id, view, flt or self.flt)

    def count(self, view: str, flt: Filter | None = None) -> int:
        return count(self.manifest.id, view, flt or self.flt)

    def aggregate(self, view: str, measures: dict[str, str], flt: Filter | None = None) -> dict[str, object]:
        return aggregate(self.manifest.id, view, flt or self.flt, measures)

    def headline(self, view: str, measure: str = "count(*)") -> str:
        """A headline figure: `measure` (our SQL) over the chosen HCPs' own rows of a view, with the London-wide and
        national rows the tables also show counted apart in words: '0 (+51 London-wide)'."""
        own = self.aggregate(view, {"n": measure}, self.own)["n"] or 0
        if not (self.flt.hcps and self.flt.include_wider):
            return f"{own:,}"
        return with_wider(own, (self.aggregate(view, {"n": measure})["n"] or 0) - own)


def _scope() -> str:
    """Cache scope: the store and London's date (views count days from today, so an answer is kept a day at most)."""
    return f"{config.data_dir()} {clock.today():%Y-%m-%d}"


_newest: dict[str, str] = {}  # store -> the newest snapshot id a page has asked about in this process


def _cached_for(scope: str, snapshot_id: str, *args):
    """`_cached`, after dropping every cached answer when a store's snapshot newer than any asked about before
    appears (ids sort by time): a refresh to a map 100 times the size otherwise kept the old map's answers beside
    the new ones until 1,024 entries had passed. An older snapshot asked for later (a rollback, a session still on
    it) is cached as before."""
    store = scope.rsplit(" ", 1)[0]
    newest = _newest.get(store)
    if newest is not None and snapshot_id > newest:
        _cached.clear()
        memory.trim()  # the old map's answers are gone: give their memory back before the new map's are built
    if newest is None or snapshot_id > newest:
        _newest[store] = snapshot_id
    return _cached(scope, args[0], snapshot_id, *args[1:])


def rows(snapshot_id: str, view: str, flt: Filter) -> pd.DataFrame:
    """A named view's rows, cached per snapshot and filter: a publish changes the id, so no stale data."""
    return _cached_for(_scope(), snapshot_id, "run", view, flt)


def first_rows(snapshot_id: str, view: str, flt: Filter, n: int,
               measures: dict[str, str] | None = None) -> tuple[pd.DataFrame, dict]:
    """A view's first `n` rows in its own order, its row count and `measures` (our SQL) over all its rows, from one
    evaluation of the view (queries.first_rows): a page that shows a few rows need not fetch them all."""
    return _cached_for(_scope(), snapshot_id, "first_rows", view, flt, n, measures or {})


def count(snapshot_id: str, view: str, flt: Filter) -> int:
    """A view's rows counted in SQL, cached like `rows`."""
    return _cached_for(_scope(), snapshot_id, "count", view, flt)


def aggregate(snapshot_id: str, view: str, flt: Filter, measures: dict[str, str]) -> dict:
    """queries.aggregate, cached: `measures` are our SQL over the view's columns, never a user's text."""
    return _cached_for(_scope(), snapshot_id, "aggregate", view, flt, measures)


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached(scope: str, query: str, snapshot_id: str, view: str, flt: Filter, *args):
    """The one cache behind rows, first_rows, count and aggregate: `queries.<query>(connection, view, flt, *args)`.

    An answer is keyed on every argument, by value: the scope (store and day), the query, the snapshot (a publish
    changes its id), the view, the filter and the query's own `n` or `measures`. (Streamlit skips arguments named
    with a leading "_", so none is.) One function, not a twin per query made by a factory: Streamlit names a cache by
    its function's name and source, so such twins would share one cache. The four share its bound, least recently
    used out first."""
    return getattr(queries, query)(data.connection(snapshot_id), view, flt, *args)


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
    if ctx.flt.hcps:
        st.caption(f"Figures count **{ctx.place}'s own** rows. " + (
            f"London-wide and national rows that bear on {ctx.place} follow {ctx.place}'s own in each table, marked "
            f"in its **Scope** column (and in every CSV)." if ctx.flt.include_wider
            else "London-wide and national rows are hidden."))
    return ctx


def with_wider(own: int, wider: int) -> str:
    """A headline figure under an HCP filter: the HCP's own count, with the London-wide ones beside it in words."""
    return f"{own:,} (+{wider:,} London-wide)" if wider else f"{own:,}"


def scope_split(df: pd.DataFrame, flt: Filter) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A view's rows as (the chosen HCPs' own, the London-wide and national ones shown with them)."""
    if "Scope" not in df.columns or not flt.hcps:
        return df, df.iloc[0:0]
    own = df["Scope"] == flt.scope_label()
    return df[own], df[~own]


def kpis(items: list[tuple[str, object, str | None]]) -> None:
    """The page's headline figures, (label, value, help): one strip that wraps, so a phone shows two or three a row
    rather than one stacked card each. Labels and help are ours; a value is a number or our own words."""
    with st.container(horizontal=True, gap="xsmall"):
        for label, value, help_text in items:
            figure = f"{value:,}" if isinstance(value, numbers.Integral) else value  # 3,972, as captions read it
            st.metric(label, figure, help=help_text, width="stretch")  # no border: its padding costs a card a row


def chart(c: alt.Chart) -> None:
    st.altair_chart(c, width="stretch")


def table(ctx: Context, view: str, df: pd.DataFrame | None = None, *, key: str, flt: Filter | None = None,
          total: int | None = None, column_config: dict | None = None, height: int | str = "auto") -> pd.DataFrame:
    """Show a named view (capped at MAX_ROWS) with a lazy download of all its rows: the CLI's export, byte for byte.

    Without `df`, only the rows shown are fetched (see `shown`); `total` is the view's row count when `df` is only
    its first rows. Returns the rows given or fetched."""
    flt = flt or ctx.flt
    if df is None:
        df, total, _ = shown(ctx, view, flt)
    total = len(df) if total is None else total
    if total > MAX_ROWS:
        st.caption(f"Showing {MAX_ROWS:,} of {total:,} rows. The download has them all.")
    elif "Scope" in df.columns and flt.include_wider:
        own, wider = scope_split(df, flt)
        if len(wider):
            st.caption(f"{len(own):,} of {flt.place()}'s own, then {len(wider):,} London-wide or national "
                       f"(the Scope column says which).")
    columns = shown_order(list(df.columns))
    if "Scope" in columns and scope_split(df, flt)[1].empty:  # every row the HCP's own: the heading says so
        columns.remove("Scope")
    st.dataframe(df.head(MAX_ROWS), hide_index=True, column_config=column_config, height=height, key=f"grid_{key}",
                 placeholder="–", column_order=columns)
    download(ctx, view, flt, key=key)
    return df


def shown_order(columns: list[str]) -> list[str]:
    """The order a grid shows a view's columns in: what names the row first (an ID is not a name, so it goes last),
    then its Scope, so a phone's first columns answer the page's question. The CSV keeps the view's order."""
    ordered = [c for c in columns if c not in ("ID", "Scope")] + [c for c in ("ID",) if c in columns]
    return ordered[:1] + ["Scope"] + ordered[1:] if "Scope" in columns else ordered


def shown(ctx: Context, view: str, flt: Filter | None = None,
          measures: dict[str, str] | None = None) -> tuple[pd.DataFrame, int, dict]:
    """The rows `table` shows of a view (at most MAX_ROWS), how many the view has, and `measures` over all its rows
    (our SQL, as in queries.aggregate), from one evaluation of the view: its other rows never leave DuckDB.

    Cached, so a page that asks first (for a count or an empty note) costs `table(ctx, view)` nothing more."""
    df, figures = first_rows(ctx.manifest.id, view, flt or ctx.flt, MAX_ROWS, measures)
    return df, figures["rows"], {name: value for name, value in figures.items() if name != "rows"}


def download(ctx: Context, view: str, flt: Filter, *, key: str) -> None:
    snapshot_id = ctx.manifest.id
    st.download_button(
        f"Download CSV: {queries.VIEWS[view].title}",
        data=auth.guarded(lambda: csv_bytes(snapshot_id, view, flt)),  # built only when clicked
        file_name=export.file_name(view, flt.slug(), ctx.manifest.created_at),
        mime="text/csv", key=f"dl_{key}", icon=":material/download:", on_click="ignore",
    )


def calendar_download(ctx: Context, flt: Filter, *, key: str, kinds: tuple[str, ...], what: str) -> None:
    """The reminders under `flt` as an .ics (RFC 5545), built only when clicked: `kinds` of reminders.KINDS."""
    con, created = ctx.con, ctx.manifest.created_at
    st.download_button(
        f"Download calendar (.ics): {literal(what)}",  # a label is Markdown; `what` may hold a name from the map
        data=auth.guarded(lambda: calendar_bytes(con, created, flt, kinds, what)),
        file_name=f"lasdash-{key}_{flt.slug()}_{created:%Y-%m-%d}.ics", mime="text/calendar", key=f"ics_{key}",
        icon=":material/event:", on_click="ignore",
        help="One all-day event per date, for your calendar (Outlook, Google, Apple). Importing a newer one updates "
             "the same events rather than adding copies.")


def calendar_bytes(con: duckdb.DuckDBPyConnection, created, flt: Filter, kinds: tuple[str, ...], what: str) -> bytes:
    import datetime as dt

    from lasdash import reminders
    found = [i for i in reminders.items(con, flt) if i.kind in kinds]
    return reminders.calendar(found, name=f"LAS relationships: {what}", now=dt.datetime.now(dt.UTC),
                              seq=reminders.sequence(created, clock.today()), base_url=config.base_url())


def csv_bytes(snapshot_id: str, view: str, flt: Filter) -> bytes:
    """The page download: the same query and builder as `python -m lasdash export`."""
    return export.to_csv_bytes(queries.run(data.connection(snapshot_id), view, flt))


def empty_note(df: pd.DataFrame, what: str) -> bool:
    """Say so when a table is empty. `what` is Markdown: pass map text in it through literal()."""
    if df.empty:
        st.info(f"No {what} under the current filter.", icon=":material/filter_alt:")
        return True
    return False
