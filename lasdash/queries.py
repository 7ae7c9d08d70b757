"""Named, parameterised DuckDB queries over views on one snapshot.

Joins and casts live in the views created by `connect`; pages, the CLI and the benchmark call
`run(con, view, filter)`, so a table, its chart and its CSV can never disagree. User values only
ever reach SQL as bound parameters.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from importlib import resources

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from . import clock
from . import schema as S
from .snapshots import Store

WIDER = ("London", "National")


@dataclass(frozen=True)
class Filter:
    """The filter in force: HCP footprints and sub-groups (empty = all)."""

    hcps: tuple[str, ...] = ()
    sub_groups: tuple[str, ...] = ()  # sub-group IDs
    include_wider: bool = True  # London-wide and national rows alongside the chosen HCPs
    search: str = ""  # matched case-insensitively against a view's search columns (names, aliases)
    only_wider: bool = False  # London-wide and national rows alone (a page's section apart from the HCPs' own)
    owner: str = ""  # an LAS team member's role or name, as chosen: whose rows (a view's owner column) to show
    owner_keys: tuple[str, ...] = ()  # what finds them in an owner cell (team.keys_for), matched whole, any case

    def describe(self, sub_group_names: dict[str, str] | None = None) -> str:
        """The filter in words, for captions: 'HCP: SWL, with London-wide and national; sub-group: ...'."""
        parts = []
        if self.only_wider:
            parts.append("London-wide and national only")
        elif self.hcps:
            parts.append("HCP: " + ", ".join(self.hcps) + (", with London-wide and national" if self.include_wider else ""))
        elif not self.include_wider:
            parts.append("the five HCPs only (London-wide and national hidden)")
        if self.sub_groups:
            names = [(sub_group_names or {}).get(s, s) for s in self.sub_groups]
            parts.append("sub-group: " + "; ".join(names))
        if self.search.strip():
            parts.append(f"matching \u201c{self.search.strip()}\u201d")
        if self.owner_keys:
            parts.append(f"owned by {self.owner}")
        return "; ".join(parts) if parts else "all of London, no filter"

    def slug(self) -> str:
        """For file names: 'hcp-SWL_sg-SG03' or 'all'."""
        parts = []
        if self.hcps:
            parts.append("hcp-" + "-".join(self.hcps))
        if self.sub_groups:
            parts.append("sg-" + "-".join(self.sub_groups))
        if not self.include_wider:
            parts.append("hcps-only")
        if self.only_wider:
            parts.append("london-wide")
        if self.search.strip():
            parts.append("q-" + (re.sub(r"[^A-Za-z0-9]+", "-", self.search.strip()).strip("-")[:30] or "x"))
        if self.owner_keys:
            parts.append("owner-" + (re.sub(r"[^A-Za-z0-9]+", "-", self.owner.strip()).strip("-")[:30] or "x"))
        return "_".join(parts) or "all"

    def place(self) -> str:
        """Where the filter looks, for headings: 'NCL', 'NCL and SEL', or 'London'."""
        if not self.hcps:
            return "London"
        return self.hcps[0] if len(self.hcps) == 1 else ", ".join(self.hcps[:-1]) + " and " + self.hcps[-1]

    def scope_label(self) -> str:
        """What the Scope column calls the chosen HCPs' own rows: 'NCL', or 'NCL/SEL'."""
        return "/".join(c for c in S.HCP_CODES if c in self.hcps)

    def own(self) -> Filter:
        """The chosen HCPs' own rows, without the London-wide and national ones: what headline figures count."""
        return replace(self, include_wider=False) if self.hcps else self

    def wider_only(self) -> Filter:
        """Only the London-wide and national rows (none when they are hidden)."""
        return replace(self, hcps=(), only_wider=True)

    def scope_sql(self, footprint: str, aggregated: bool = False) -> tuple[str, str]:
        """A "Scope" column ('NCL', or 'London-wide' / 'National' for the wider rows shown with it) and the ORDER BY
        term that puts the chosen HCPs' own rows first; ('', '') when no HCP is chosen. `footprint` is our SQL for the
        row's footprint; with `aggregated`, the row is a group (a person with many seats), own if any member is. The
        codes written into the SQL are our own constants, never the user's text."""
        codes = [c for c in S.HCP_CODES if c in self.hcps]
        if not codes:
            return "", ""
        own = f"{footprint} IN ({', '.join(repr(c) for c in codes)})"
        national = f"{footprint} = 'National'"
        if aggregated:
            own, national = f"bool_or({own})", f"bool_and({national})"
        label = self.scope_label()
        return (f"CASE WHEN {own} THEN '{label}' WHEN {national} THEN 'National' ELSE 'London-wide' END AS \"Scope\", ",
                f"(\"Scope\" <> '{label}'), ")

    def footprint_clause(self, column: str, null_is_wider: bool = False) -> tuple[str, list]:
        """SQL condition on a footprint column, with its parameters. The column name is ours, never a user's."""
        wider = [w for w in WIDER] if self.include_wider else []
        wanted = wider if self.only_wider else list(self.hcps or S.HCP_CODES) + wider
        if not wanted:
            return "FALSE", []
        if not self.hcps and self.include_wider and not self.only_wider:
            return "TRUE", []
        cond = f"{column} IN ({', '.join('?' for _ in wanted)})"
        if null_is_wider and self.include_wider:
            cond = f"({cond} OR {column} IS NULL)"
        return cond, wanted

    def search_clause(self, columns: tuple[str, ...]) -> tuple[str, list]:
        text = self.search.strip()
        if not text or not columns:
            return "TRUE", []
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return "(" + " OR ".join(f"{c} ILIKE ? ESCAPE '\\'" for c in columns) + ")", [pattern] * len(columns)

    def owner_clause(self, column: str) -> tuple[str, list]:
        """Rows whose owner cell ('A; B') names the chosen team member, by role or name (team.norm's matching)."""
        if not self.owner_keys:
            return "TRUE", []
        parts = (f"list_transform(string_split(coalesce({column}, ''), ';'), "
                 "lambda x: lower(trim(regexp_replace(x, '\\s+', ' ', 'g'))))")
        return f"list_has_any({parts}, ?::VARCHAR[])", [list(self.owner_keys)]

    def sub_group_clause(self, column: str) -> tuple[str, list]:
        if not self.sub_groups:
            return "TRUE", []
        return f"{column} IN ({', '.join('?' for _ in self.sub_groups)})", list(self.sub_groups)


NO_FILTER = Filter()


@dataclass(frozen=True)
class View:
    """A named query: its SQL (with {where}), the columns the filter applies to, and its order."""

    name: str
    title: str
    sql: str
    footprint_col: str | None
    sub_group_col: str | None
    null_footprint_is_wider: bool = False
    search_cols: tuple[str, ...] = ()
    scope: str | None = None  # the row's footprint for its Scope column ({scope}, {scope_order}); None: no such column
    aggregated: bool = False  # a row is a group: own to an HCP when any of its members is
    owner_col: str | None = None  # the row's LAS owner cell, which the owner filter applies to


# The SQL lives in lasdash/views/<name>.sql, one file per view. A file starts with a header of `-- key: value`
# lines (other `--` lines there are comments), then its SQL with the placeholders {where}, {scope}, {scope_order}:
#   title          what the table is called (required)
#   footprint      our SQL for the row's footprint, which the HCP filter applies to
#   sub_group      our SQL for the row's sub-group ID, which the sub-group filter applies to
#   search         an SQL expression the search text is matched against; one line each
#   null_is_wider  true: a row with no footprint counts as London-wide
#   scope          the footprint for the Scope column, when it is not `footprint`
#   aggregated     true: a row is a group, own to an HCP when any of its members is
#   owner          our SQL for the row's LAS owners ('A; B': roles or names), which the owner filter applies to
# lasdash/views/derived/<name>.sql are the SELECTs of the views every named view builds on, created in _DERIVED order.
HEADER_KEYS = {"title", "footprint", "sub_group", "search", "null_is_wider", "scope", "aggregated", "owner"}
_FLAGS = {"true": True, "false": False}
_HEADER_LINE = re.compile(r"--\s*([a-z_]+):\s*(.*)")
_PLACEHOLDER = re.compile(r"\{(where|scope|scope_order)\}")

# Explicit, as the pages and `export --list` show views in this order.
VIEW_ORDER = (
    "jhosc", "organisations", "people", "roles", "forums", "engagements", "recommendations", "hcp_leaders",
    "hcp_forums", "programme_leads", "las_coverage", "hwb_chairs", "la_chairs", "coverage", "engaged", "not_engaged",
    "sub_groups", "sub_group_footprints", "hcp_partnerships", "network_links", "boundary_spanners", "shared_members",
    "priorities", "not_assessed", "engagement_gaps", "relationships", "next_contacts", "attendee_forums",
    "owned_recommendations", "mine", "gap_unknown_chairs", "gap_tbc_leads",
    "gap_forums_without_chair", "gap_organisations_without_owner", "gap_people_without_role",
    "gap_rows_without_source", "first_hand_records", "gap_recommendations",
    "las_team", "reminders", "brief_subjects", "brief_seats", "brief_links",
)
_DERIVED = ("org_x", "forum_x", "all_seats", "seats", "sourced_rows", "rel_x")  # each may read those before it
_VIEW_DIR = resources.files(__package__) / "views"  # importlib.resources: found in a wheel as in the source tree


def read_view_file(path) -> tuple[dict[str, list[str]], str]:
    """A view file's header ({key: [values]}) and its SQL. Raises ValueError on an unknown or repeated key."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header: dict[str, list[str]] = {}
    n = 0
    while n < len(lines) and lines[n].startswith("--"):
        m = _HEADER_LINE.fullmatch(lines[n].strip())
        if m:
            if m[1] not in HEADER_KEYS or (m[1] in header and m[1] != "search"):
                raise ValueError(f"{path.name}: unknown or repeated header key '{m[1]}'")
            if m[1] in ("null_is_wider", "aggregated") and m[2].strip() not in _FLAGS:
                raise ValueError(f"{path.name}: '{m[1]}' must be true or false")
            header.setdefault(m[1], []).append(m[2].strip())
        n += 1
    if "title" not in header:
        raise ValueError(f"{path.name}: no '-- title:' line")
    return header, "\n".join(lines[n:]).strip()


def _load_view(name: str) -> View:
    header, sql = read_view_file(_VIEW_DIR / f"{name}.sql")
    one = {k: v[0] for k, v in header.items()}
    footprint = one.get("footprint")
    return View(name, one["title"], sql, footprint, one.get("sub_group"), _FLAGS[one.get("null_is_wider", "false")],
                tuple(header.get("search", ())), (one.get("scope") or footprint) if "{scope}" in sql else None,
                _FLAGS[one.get("aggregated", "false")], one.get("owner"))


VIEWS: dict[str, View] = {name: _load_view(name) for name in VIEW_ORDER}
# What `connect` runs on a snapshot's tables; the newline before ';' lets a file end in a comment.
_DERIVED_SQL = {name: read_view_file(_VIEW_DIR / "derived" / f"{name}.sql")[1] for name in _DERIVED}
_DERIVED_VIEWS = "\n".join(f"CREATE OR REPLACE VIEW {name} AS\n{sql}\n;" for name, sql in _DERIVED_SQL.items())


def connect(store: Store, snapshot_id: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with views over one snapshot's Parquet files.

    Callers share it across threads only through `con.cursor()` (a connection is not thread-safe).
    """
    con = duckdb.connect(":memory:")
    for sheet in S.SHEETS:
        path = store.table_path(snapshot_id, sheet.name) if store.has_sheet(snapshot_id, sheet.name) else None
        if path is None or not set(sheet.column_names) <= set(pq.read_schema(path).names):  # older than a column
            con.register("_older_snapshot", store.read(snapshot_id, sheet.name))  # visible to cursors only as a table
            con.execute(f"CREATE TABLE {S.table_name(sheet.name)} AS SELECT * FROM _older_snapshot")
            con.unregister("_older_snapshot")
            continue
        quoted = str(path).replace("'", "''")  # our own path, not user input
        con.execute(f"CREATE VIEW {S.table_name(sheet.name)} AS SELECT * FROM read_parquet('{quoted}')")
    con.execute(_DERIVED_VIEWS)
    return con


def view_sql(view: View, flt: Filter) -> tuple[str, list]:
    conds, params = [], []
    if view.footprint_col:
        c, p = flt.footprint_clause(view.footprint_col, view.null_footprint_is_wider)
        conds.append(c), params.extend(p)
    if view.sub_group_col:
        c, p = flt.sub_group_clause(view.sub_group_col)
        conds.append(c), params.extend(p)
    if view.search_cols:
        c, p = flt.search_clause(view.search_cols)
        conds.append(c), params.extend(p)
    if view.owner_col:
        c, p = flt.owner_clause(view.owner_col)
        conds.append(c), params.extend(p)
    where = " AND ".join(conds) or "TRUE"
    if "HAVING {where}" in view.sql:  # aggregate views filter on any of the person's seats
        where = " AND ".join(f"bool_or({c})" if c != "TRUE" else c for c in conds) or "TRUE"
    scope, scope_order = flt.scope_sql(view.scope, view.aggregated) if view.scope else ("", "")
    values = {"where": where, "scope": scope, "scope_order": scope_order}
    # one pass, not str.format: the files' own braces (regex {2}) stay as written
    return _PLACEHOLDER.sub(lambda m: values[m[1]], view.sql), params


def _cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor whose views see London's date as `getvariable('today')` (set per cursor, so a cached connection
    never keeps yesterday's date)."""
    cur = con.cursor()
    cur.execute("SET VARIABLE today = ?", [clock.today()])
    return cur


def _view_sql(view_name: str, flt: Filter) -> tuple[str, list]:
    if view_name not in VIEWS:
        raise KeyError(f"Unknown view '{view_name}'. Known: {', '.join(VIEWS)}")
    return view_sql(VIEWS[view_name], flt)


def _ident(name: str) -> str:
    """A quoted identifier for one of our own column or measure names."""
    return '"' + name.replace('"', '""') + '"'


def run(con: duckdb.DuckDBPyConnection, view_name: str, flt: Filter = NO_FILTER,
        limit: int | None = None) -> pd.DataFrame:
    """The rows of a named view under a filter, with the headers people see; with `limit`, only its first rows."""
    if limit is not None:
        return first_rows(con, view_name, flt, limit)[0]
    sql, params = _view_sql(view_name, flt)
    return _cursor(con).execute(sql, params).df()


def first_rows(con: duckdb.DuckDBPyConnection, view_name: str, flt: Filter, limit: int,
               measures: dict[str, str] | None = None) -> tuple[pd.DataFrame, dict[str, object]]:
    """A view's first `limit` rows in its order, and figures over all its rows: "rows" (how many) and `measures`
    (our SQL, as in `aggregate`, with no placeholders), from one evaluation of the view. The rows have the dtypes
    `run` gives the whole view, so a page shows the same table whether it fetched all rows or these."""
    sql, params = _view_sql(view_name, flt)
    cur = _cursor(con)
    try:
        # Evaluated once into a table private to this cursor; a table keeps the order its rows were inserted in.
        cur.execute(f"CREATE TEMP TABLE _view_rows AS {sql}", params)
        rows = cur.execute("SELECT * FROM _view_rows LIMIT ?", [int(limit)])
        types = [str(d[1]) for d in rows.description]
        df = rows.df()
        probes, casts = _dtype_probes(df, types)
        wanted = {"rows": "count(*)", **(measures or {}), **probes}
        found = dict(zip(wanted, cur.execute(f"SELECT {_select_list(wanted)} FROM _view_rows").fetchone(), strict=True))
    finally:
        cur.close()  # and with it the table
    df = df.astype({column: dtype for probe, (column, dtype) in casts.items() if found[probe]})
    return df, {name: value for name, value in found.items() if name not in probes}


def _dtype_probes(df: pd.DataFrame, types: list[str]) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """What to ask of the whole view so its first rows get the dtypes it gets whole. DuckDB picks them from the
    values: an integer or boolean column is nullable (Int64, boolean) only if a NULL occurs, and text is object only
    if every value is NULL. Returns measures (nonzero: cast) and, per measure, the column and the dtype to cast to."""
    probes, casts = {}, {}
    for i, (column, sql_type) in enumerate(zip(df.columns, types, strict=True)):
        dtype, key = df[column].dtype, f"_dtype_{i}"
        if sql_type == "VARCHAR" and dtype == object and df[column].isna().all():
            probes[key], casts[key] = f"count({_ident(column)})", (column, "str")  # a value further on
        elif isinstance(dtype, np.dtype) and dtype.kind in "iub":
            nullable = "boolean" if dtype.kind == "b" else dtype.name.replace("uint", "UInt").replace("int", "Int")
            probes[key], casts[key] = f"count(*) - count({_ident(column)})", (column, nullable)  # a NULL further on
    return probes, casts


def count(con: duckdb.DuckDBPyConnection, view_name: str, flt: Filter = NO_FILTER) -> int:
    sql, params = _view_sql(view_name, flt)
    return _cursor(con).execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]


def aggregate(con: duckdb.DuckDBPyConnection, view_name: str, flt: Filter, measures: dict[str, str],
              params: tuple = ()) -> dict[str, object]:
    """Several figures over one view's rows in one query: {name: value}.

    `measures` maps a name to an SQL aggregate over the view's output columns, e.g.
    `'count(*) FILTER (WHERE "Engaged" = \'Yes\')'`. They are written in our code and pasted into the SQL, so they
    must never contain a user's value: any value goes in `params`, bound to the measures' `?` placeholders in order.
    """
    sql, view_params = _view_sql(view_name, flt)
    row = _cursor(con).execute(f"SELECT {_select_list(measures)} FROM ({sql}) v", [*params, *view_params]).fetchone()
    return dict(zip(measures, row, strict=True))


def _select_list(measures: dict[str, str]) -> str:
    return ", ".join(f"{expr} AS {_ident(name)}" for name, expr in measures.items())


def sub_group_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(_cursor(con).execute("SELECT id, name FROM sub_groups ORDER BY id").fetchall())


def filter_rows_of_map(con: duckdb.DuckDBPyConnection, df: pd.DataFrame, flt: Filter = NO_FILTER) -> pd.DataFrame:
    """Rows of `df` that name a map row (columns 'Sheet' and 'ID') within the filter, by that row's footprint and
    sub-group in this snapshot; a row no longer on the map counts as London-wide."""
    if df.empty:
        return df
    fp, fp_params = flt.footprint_clause("x.footprint", null_is_wider=True)
    sg, sg_params = flt.sub_group_clause("x.sub_group_id")
    cur = _cursor(con)
    cur.register("_rows", df.assign(_order=range(len(df))))
    kept = cur.execute(f"""SELECT c._order FROM _rows c LEFT JOIN sourced_rows x ON x.sheet = c."Sheet" AND x.id = c."ID"
                           WHERE {fp} AND {sg}""", fp_params + sg_params).df()["_order"]
    return df.iloc[sorted(set(kept))].reset_index(drop=True)


def project(con: duckdb.DuckDBPyConnection, view_name: str, flt: Filter, columns: dict[str, str]) -> list[tuple]:
    """Every row of a view, in its order, as tuples of `columns` (our SQL over the view's columns, never a user's
    value): a page that needs one label per row (a picker) need not fetch, or build in pandas, the whole view."""
    sql, params = _view_sql(view_name, flt)
    return _cursor(con).execute(f"SELECT {', '.join(columns.values())} FROM ({sql}) v", params).fetchall()
