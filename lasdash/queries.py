"""Named, parameterised DuckDB queries over views on one snapshot.

Joins and casts live in the views created by `connect`; pages, the CLI and the benchmark call
`run(con, view, filter)`, so a table, its chart and its CSV can never disagree. User values only
ever reach SQL as bound parameters.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from . import schema as S
from .snapshots import SnapshotStore

WIDER = ("London", "National")


@dataclass(frozen=True)
class Filter:
    """The filter in force: HCP footprints and sub-groups (empty = all)."""

    hcps: tuple[str, ...] = ()
    sub_groups: tuple[str, ...] = ()  # sub-group IDs
    include_wider: bool = True  # London-wide and national rows alongside the chosen HCPs
    search: str = ""  # matched case-insensitively against a view's search columns (names, aliases)

    def describe(self, sub_group_names: dict[str, str] | None = None) -> str:
        """The filter in words, for captions: 'HCP: SWL, with London-wide and national; sub-group: ...'."""
        parts = []
        if self.hcps:
            parts.append("HCP: " + ", ".join(self.hcps) + (", with London-wide and national" if self.include_wider else ""))
        elif not self.include_wider:
            parts.append("the five HCPs only (London-wide and national hidden)")
        if self.sub_groups:
            names = [(sub_group_names or {}).get(s, s) for s in self.sub_groups]
            parts.append("sub-group: " + "; ".join(names))
        if self.search.strip():
            parts.append(f"matching \u201c{self.search.strip()}\u201d")
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
        if self.search.strip():
            parts.append("q-" + (re.sub(r"[^A-Za-z0-9]+", "-", self.search.strip()).strip("-")[:30] or "x"))
        return "_".join(parts) or "all"

    def footprint_clause(self, column: str, null_is_wider: bool = False) -> tuple[str, list]:
        """SQL condition on a footprint column, with its parameters. The column name is ours, never a user's."""
        wider = [w for w in WIDER] if self.include_wider else []
        wanted = list(self.hcps or S.HCP_CODES) + wider
        if not self.hcps and self.include_wider:
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

    def sub_group_clause(self, column: str) -> tuple[str, list]:
        if not self.sub_groups:
            return "TRUE", []
        return f"{column} IN ({', '.join('?' for _ in self.sub_groups)})", list(self.sub_groups)


NO_FILTER = Filter()


# The view layer: every join and derived column the pages use.
_DERIVED_VIEWS = """
CREATE OR REPLACE VIEW org_x AS
SELECT o.*, sg.name AS sub_group_name,
       EXISTS (SELECT 1 FROM engagements e WHERE e.organisation_id = o.id) AS engaged,
       (SELECT max(e.date) FROM engagements e WHERE e.organisation_id = o.id) AS last_engaged
FROM organisations o LEFT JOIN sub_groups sg ON sg.id = o.sub_group_id;

CREATE OR REPLACE VIEW forum_x AS
SELECT f.* EXCLUDE (sub_group_id), h.name AS host_name,
       coalesce(nullif(f.sub_group_id, ''), h.sub_group_id) AS sub_group_id
FROM forums f LEFT JOIN organisations h ON h.id = f.host_organisation_id;

CREATE OR REPLACE VIEW seats AS
SELECT r.*,
       p.name AS person_name, p.aliases AS person_aliases,
       CASE WHEN p.id IS NULL THEN NULL
            ELSE trim(coalesce(p.title || ' ', '') || p.name) END AS person_display,
       f.name AS forum_name, f.kind AS forum_kind, f.tier AS forum_tier,
       o.name AS organisation_name,
       coalesce(nullif(r.footprint, ''), nullif(f.footprint, ''), nullif(o.footprint, ''),
                nullif(po.footprint, '')) AS eff_footprint,
       coalesce(nullif(o.sub_group_id, ''), nullif(f.sub_group_id, ''), nullif(po.sub_group_id, '')) AS eff_sub_group,
       (r.person_id IS NULL OR r.person_id = '') AS is_gap
FROM roles r
LEFT JOIN people p ON p.id = r.person_id
LEFT JOIN forum_x f ON f.id = r.forum_id
LEFT JOIN organisations o ON o.id = r.organisation_id
LEFT JOIN organisations po ON po.id = p.organisation_id;
"""


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


def _v(name, title, sql, footprint_col=None, sub_group_col=None, null_is_wider=False, search=()) -> View:
    return View(name, title, sql, footprint_col, sub_group_col, null_is_wider, tuple(search))


VIEWS: dict[str, View] = {v.name: v for v in [
    _v("jhosc", "JHOSC chairs and vice chairs", """
        SELECT f.name AS "JHOSC", f.footprint AS "Footprint",
          coalesce(string_agg(s.person_display, '; ' ORDER BY s.id) FILTER (WHERE s.role = 'Chair'),
                   CASE WHEN bool_or(s.role = 'Chair' AND s.is_gap) THEN 'Unknown' END) AS "Chair",
          string_agg(s.organisation_name, '; ' ORDER BY s.id) FILTER (WHERE s.role = 'Chair' AND NOT s.is_gap) AS "Chair's council",
          coalesce(string_agg(s.person_display, '; ' ORDER BY s.id) FILTER (WHERE s.role = 'Vice Chair'),
                   CASE WHEN bool_or(s.role = 'Vice Chair' AND s.is_gap) THEN 'Unknown' END) AS "Vice chair(s)",
          string_agg(s.organisation_name, '; ' ORDER BY s.id) FILTER (WHERE s.role = 'Vice Chair' AND NOT s.is_gap) AS "Vice chairs' councils",
          string_agg(DISTINCT s.note, '; ' ORDER BY s.note) FILTER (WHERE s.is_gap) AS "Gap note",
          f.source AS "Source"
        FROM forum_x f LEFT JOIN seats s ON s.forum_id = f.id AND s.role IN ('Chair', 'Vice Chair')
        WHERE f.kind = 'JHOSC' AND {where}
        GROUP BY f.id, f.name, f.footprint, f.source
        ORDER BY array_position(['NWL','NCL','NEL','SEL','SWL'], f.footprint), f.name
    """, "f.footprint", "f.sub_group_id"),
    _v("organisations", "Organisations", """
        SELECT o.id AS "ID", o.name AS "Name", o.sub_group_name AS "Sub-group", o.category AS "Category",
          o.footprint AS "Footprint", o.borough AS "Borough", p.name AS "Parent",
          o.power AS "Power", o.interest AS "Interest", o.target_level AS "Target engagement",
          o.las_owner AS "LAS relationship owner", o.contact_every_days AS "Contact every (days)",
          CASE WHEN o.engaged THEN 'Yes' ELSE 'No' END AS "Engaged", o.last_engaged AS "Last engaged",
          o.source AS "Source"
        FROM org_x o LEFT JOIN organisations p ON p.id = o.parent_id
        WHERE {where}
        ORDER BY o.sub_group_id, o.name
    """, "o.footprint", "o.sub_group_id"),
    _v("people", "People", """
        SELECT p.id AS "ID", trim(coalesce(p.title || ' ', '') || p.name) AS "Name", p.aliases AS "Also spelled",
          p.substantive_role AS "Substantive role", o.name AS "Organisation",
          count(s.id) AS "Seats",
          string_agg(s.role || coalesce(' (' || s.programme || ')', '') || ', ' ||
                     coalesce(s.forum_name, s.organisation_name), '; ' ORDER BY s.id) AS "Roles",
          string_agg(DISTINCT s.eff_footprint, ', ' ORDER BY s.eff_footprint) AS "Footprints",
          p.source AS "Source"
        FROM people p
        LEFT JOIN organisations o ON o.id = p.organisation_id
        LEFT JOIN seats s ON s.person_id = p.id
        GROUP BY p.id, p.title, p.name, p.aliases, p.substantive_role, o.name, p.source
        HAVING {where}
        ORDER BY "Seats" DESC, p.name
    """, "s.eff_footprint", "s.eff_sub_group", search=("p.name", "p.aliases")),
    _v("roles", "Roles (who sits where)", """
        SELECT s.id AS "ID", coalesce(s.person_display, 'Unknown') AS "Person", s.role AS "Role",
          s.forum_name AS "Forum", s.organisation_name AS "Organisation", s.programme AS "Programme",
          s.area AS "Area", s.eff_footprint AS "Footprint", s.start_date AS "From", s.end_date AS "To",
          s.note AS "Note", s.source AS "Source"
        FROM seats s
        WHERE {where}
        ORDER BY array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], s.eff_footprint), s.forum_name, s.id
    """, "s.eff_footprint", "s.eff_sub_group", search=("s.person_name", "s.person_aliases")),
    _v("forums", "Forums", """
        SELECT f.id AS "ID", f.name AS "Name", f.kind AS "Kind", f.tier AS "Tier", f.footprint AS "Footprint",
          f.host_name AS "Host organisation", f.programme AS "Programme / theme", f.cadence AS "Cadence",
          f.las_attendee AS "LAS attendee role",
          (SELECT string_agg(coalesce(s.person_display, 'Unknown'), '; ' ORDER BY s.id) FROM seats s
            WHERE s.forum_id = f.id AND s.role IN ('Chair', 'Co-chair', 'Independent Chair', 'Interim Chair')) AS "Chair",
          f.budget_gbp AS "Budget (£)", f.note AS "Note", f.source AS "Source"
        FROM forum_x f
        WHERE {where}
        ORDER BY array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], f.footprint), f.tier, f.name
    """, "f.footprint", "f.sub_group_id"),
    _v("engagements", "Engagements", """
        SELECT e.id AS "ID", e.date AS "Date", e.period AS "Period", o.name AS "Organisation",
          trim(coalesce(p.title || ' ', '') || p.name) AS "Person", f.name AS "Forum", e.las_lead AS "LAS lead",
          e.mechanism AS "Mechanism", e.level AS "Level", e.theme AS "Theme", e.summary AS "Summary",
          e.next_steps AS "Next steps", e.next_contact AS "Next contact", e.source AS "Source"
        FROM engagements e
        LEFT JOIN organisations o ON o.id = e.organisation_id
        LEFT JOIN people p ON p.id = e.person_id
        LEFT JOIN organisations po ON po.id = p.organisation_id
        LEFT JOIN forum_x f ON f.id = e.forum_id
        WHERE {where}
        ORDER BY e.date NULLS LAST, e.id
    """, "coalesce(o.footprint, f.footprint, po.footprint)", "coalesce(o.sub_group_id, f.sub_group_id, po.sub_group_id)",
        null_is_wider=True),
    _v("recommendations", "Recommendations", """
        SELECT r.id AS "ID", d.title AS "Source document", r.reference AS "Reference", r.text AS "Recommendation",
          r.kind AS "Kind", o.name AS "Made by", r.theme AS "Theme", r.owner AS "Owner", r.due AS "Due",
          coalesce(r.status, 'Not recorded') AS "Status", r.last_update AS "Last update",
          CASE WHEN r.due < current_date AND coalesce(r.status, '') NOT IN ('Done', 'Closed', 'Superseded')
               THEN 'Yes' ELSE 'No' END AS "Overdue",
          r.progress_note AS "Progress note", r.source AS "Source"
        FROM recommendations r
        LEFT JOIN documents d ON d.id = r.document_id
        LEFT JOIN organisations o ON o.id = r.made_by_id
        WHERE {where}
        ORDER BY r.document_id, r.id
    """, "o.footprint", "o.sub_group_id", null_is_wider=True),
    _v("hcp_leaders", "HCP leaders (Chart 1 roles)", """
        SELECT s.eff_footprint AS "Footprint", coalesce(s.person_display, 'Unknown') AS "Person", s.role AS "Role",
          s.programme AS "Programme", coalesce(s.forum_name, s.organisation_name) AS "Where",
          s.note AS "Note", s.source AS "Source"
        FROM seats s
        WHERE s.eff_sub_group = 'SG01' AND s.eff_footprint IN ('NWL','NCL','NEL','SEL','SWL')
          AND s.role IN ('Chair','Independent Chair','Interim Chair','Co-chair','Convenor','Accountable Officer',
                         'Chief Officer','Clinical lead','Co-clinical lead','LA lead','Provider lead','Provider SRO',
                         'SRO','Programme Director')
          AND {where}
        ORDER BY array_position(['NWL','NCL','NEL','SEL','SWL'], s.eff_footprint),
          array_position(['Independent Chair','Chair','Co-chair','Interim Chair','Convenor','Accountable Officer',
                          'Chief Officer','Clinical lead','Co-clinical lead','LA lead','Provider lead','Provider SRO',
                          'SRO','Programme Director'], s.role), s.programme, s.id
    """, "s.eff_footprint", "s.eff_sub_group"),
    _v("hcp_forums", "HCP forums and the LAS role that should attend (Chart 2)", """
        SELECT f.footprint AS "Footprint", f.tier AS "Tier", f.name AS "Forum", f.kind AS "Kind",
          f.las_attendee AS "LAS attendee role", f.note AS "Participants / note", f.source AS "Source"
        FROM forum_x f
        WHERE f.sub_group_id = 'SG01' AND {where}
        ORDER BY array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], f.footprint),
          array_position(['Board','Executive','Clinical','Programme'], f.tier) NULLS LAST, f.name
    """, "f.footprint", "f.sub_group_id"),
    _v("programme_leads", "SROs and leads by programme and footprint", """
        SELECT coalesce(s.programme, s.forum_name) AS "Programme", s.eff_footprint AS "Footprint", s.area AS "Area",
          CASE WHEN s.is_gap THEN 'Gap: ' || coalesce(nullif(s.note, ''), 'not known') ELSE s.person_display END AS "Lead",
          s.role AS "Role", s.is_gap AS "Gap", s.source AS "Source"
        FROM seats s
        WHERE s.role IN ('SRO','Lead SRO','Joint SRO','Provider SRO','SPG lead','CCG lead','Programme lead')
          AND (s.programme IS NOT NULL OR s.forum_kind IN ('Programme', 'Work programme', 'Workstream'))
          AND {where}
        ORDER BY "Programme", array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], s.eff_footprint), s.id
    """, "s.eff_footprint", "s.eff_sub_group"),
    _v("las_coverage", "LAS roles by forum and HCP (Chart 2)", """
        SELECT trim(r.role) AS "LAS role", f.footprint AS "Footprint", f.name AS "Forum", f.tier AS "Tier",
          f.source AS "Source"
        FROM forum_x f, unnest(string_split(f.las_attendee, ';')) AS r(role)
        WHERE trim(r.role) <> '' AND {where}
        ORDER BY "LAS role", array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], f.footprint), f.name
    """, "f.footprint", "f.sub_group_id"),
    _v("hwb_chairs", "Health and Wellbeing Board chairs", """
        SELECT f.name AS "Health and Wellbeing Board", f.footprint AS "Footprint",
          coalesce(string_agg(s.person_display, '; ' ORDER BY s.id) FILTER (WHERE s.role = 'Chair' AND NOT s.is_gap),
                   CASE WHEN bool_or(s.role = 'Chair') THEN 'Not named' ELSE 'Not recorded' END) AS "Chair",
          string_agg(s.person_display || ' (' || s.role || ')', '; ' ORDER BY s.id)
            FILTER (WHERE s.role <> 'Chair' AND NOT s.is_gap) AS "Other named members",
          string_agg(DISTINCT s.note, '; ' ORDER BY s.note) FILTER (WHERE s.role = 'Chair') AS "Note",
          f.source AS "Source"
        FROM forum_x f LEFT JOIN seats s ON s.forum_id = f.id
        WHERE f.kind = 'HWB' AND {where}
        GROUP BY f.id, f.name, f.footprint, f.source
        ORDER BY array_position(['NWL','NCL','NEL','SEL','SWL'], f.footprint) NULLS LAST, f.name
    """, "f.footprint", "f.sub_group_id"),
    _v("la_chairs", "Chairs and vice chairs of London-wide local government bodies", """
        SELECT s.organisation_name AS "Organisation", s.role AS "Role", coalesce(s.person_display, 'Unknown') AS "Person",
          s.note AS "Note", s.source AS "Source"
        FROM seats s JOIN organisations o ON o.id = s.organisation_id
        WHERE s.forum_id IS NULL AND o.sub_group_id = 'SG03' AND o.footprint = 'London'
          AND s.role IN ('Chair', 'Vice Chair') AND {where}
        ORDER BY s.organisation_name, array_position(['Chair', 'Vice Chair'], s.role)
    """, "o.footprint", "o.sub_group_id"),
    _v("coverage", "Mapped and engaged organisations by sub-group and HCP", """
        SELECT * FROM (
          SELECT o.sub_group_id AS "Sub-group ID", o.sub_group_name AS "Sub-group",
            coalesce(o.footprint, 'Not stated') AS "Footprint", count(*) AS "Mapped",
            count(*) FILTER (WHERE o.engaged) AS "Engaged",
            round(100.0 * count(*) FILTER (WHERE o.engaged) / count(*), 1) AS "Engaged %"
          FROM org_x o
          WHERE {where}
          GROUP BY o.sub_group_id, o.sub_group_name, coalesce(o.footprint, 'Not stated'))
        ORDER BY "Sub-group ID",
          array_position(['NWL','NCL','NEL','SEL','SWL','London','National','Not stated'], "Footprint")
    """, "o.footprint", "o.sub_group_id"),
    _v("engaged", "Engaged organisations, with their last engagement", """
        SELECT o.name AS "Organisation", o.sub_group_name AS "Sub-group", o.footprint AS "Footprint",
          max(e.date) AS "Last engaged (date)",
          string_agg(DISTINCT e.period, '; ' ORDER BY e.period) FILTER (WHERE e.date IS NULL) AS "Engaged (period)",
          string_agg(DISTINCT e.las_lead, '; ' ORDER BY e.las_lead) AS "LAS lead", string_agg(DISTINCT e.mechanism, '; ' ORDER BY e.mechanism) AS "Mechanism",
          string_agg(DISTINCT e.level, '; ' ORDER BY e.level) AS "Level", count(e.id) AS "Engagements",
          string_agg(DISTINCT e.source, '; ' ORDER BY e.source) AS "Source"
        FROM org_x o JOIN engagements e ON e.organisation_id = o.id
        WHERE {where}
        GROUP BY o.id, o.name, o.sub_group_name, o.footprint, o.sub_group_id
        ORDER BY "Last engaged (date)" DESC NULLS LAST, o.name
    """, "o.footprint", "o.sub_group_id"),
    _v("not_engaged", "Organisations mapped but not engaged", """
        SELECT o.name AS "Organisation", o.sub_group_name AS "Sub-group", o.category AS "Category",
          o.footprint AS "Footprint", o.las_owner AS "LAS relationship owner", o.source AS "Source"
        FROM org_x o
        WHERE NOT o.engaged AND {where}
        ORDER BY o.sub_group_id, o.name
    """, "o.footprint", "o.sub_group_id"),
    _v("sub_groups", "The 11 stakeholder sub-groups and their categories", """
        SELECT sg.id AS "ID", sg.name AS "Sub-group",
          (SELECT string_agg(c.name, '; ' ORDER BY c.id) FROM categories c WHERE c.sub_group_id = sg.id) AS "Categories",
          (SELECT count(*) FROM organisations o WHERE o.sub_group_id = sg.id) AS "Organisations (all footprints)",
          sg.source AS "Source"
        FROM sub_groups sg
        WHERE {where}
        ORDER BY sg.id
    """, None, "sg.id"),
    _v("sub_group_footprints", "Organisations, people and forums by sub-group and footprint", """
        SELECT * FROM (
          SELECT x.sub_group_id AS "Sub-group ID", coalesce(sg.name, 'Not stated') AS "Sub-group",
            coalesce(x.footprint, 'Not stated') AS "Footprint",
            count(DISTINCT x.id) FILTER (WHERE x.kind = 'organisation') AS "Organisations",
            count(DISTINCT x.id) FILTER (WHERE x.kind = 'person') AS "People",
            count(DISTINCT x.id) FILTER (WHERE x.kind = 'forum') AS "Forums"
          FROM (SELECT 'organisation' AS kind, id, sub_group_id, footprint FROM organisations
                UNION ALL SELECT 'forum', id, sub_group_id, footprint FROM forum_x
                -- a person counts wherever they hold a seat, as the people view's filter does
                UNION ALL SELECT 'person', person_id, eff_sub_group, eff_footprint FROM seats WHERE NOT is_gap) x
          LEFT JOIN sub_groups sg ON sg.id = x.sub_group_id
          WHERE {where}
          GROUP BY x.sub_group_id, sg.name, coalesce(x.footprint, 'Not stated'))
        ORDER BY "Sub-group ID" NULLS LAST,
          array_position(['NWL','NCL','NEL','SEL','SWL','London','National','Not stated'], "Footprint")
    """, "x.footprint", "x.sub_group_id"),
    _v("hcp_partnerships", "Each HCP's partnership (its SG01 organisation with the most seats)", """
        SELECT o.footprint AS "Footprint", o.name AS "Partnership", count(s.id) AS "Seats", o.source AS "Source"
        FROM organisations o LEFT JOIN seats s ON s.organisation_id = o.id
        WHERE o.sub_group_id = 'SG01' AND o.footprint IN ('NWL','NCL','NEL','SEL','SWL') AND {where}
        GROUP BY o.id, o.footprint, o.name, o.source
        QUALIFY row_number() OVER (PARTITION BY o.footprint ORDER BY count(s.id) DESC, o.name) = 1
        ORDER BY array_position(['NWL','NCL','NEL','SEL','SWL'], o.footprint)
    """, "o.footprint", "o.sub_group_id"),
]}


def connect(store: SnapshotStore, snapshot_id: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with views over one snapshot's Parquet files.

    Callers share it across threads only through `con.cursor()` (a connection is not thread-safe).
    """
    con = duckdb.connect(":memory:")
    for sheet in S.SHEETS:
        path = str(store.table_path(snapshot_id, sheet.name)).replace("'", "''")  # our own path, not user input
        con.execute(f"CREATE VIEW {S.table_name(sheet.name)} AS SELECT * FROM read_parquet('{path}')")
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
    where = " AND ".join(conds) or "TRUE"
    if "HAVING {where}" in view.sql:  # aggregate views filter on any of the person's seats
        where = " AND ".join(f"bool_or({c})" if c != "TRUE" else c for c in conds) or "TRUE"
    return view.sql.format(where=where), params


def run(con: duckdb.DuckDBPyConnection, view_name: str, flt: Filter = NO_FILTER) -> pd.DataFrame:
    """The rows of a named view under a filter, with the headers people see."""
    if view_name not in VIEWS:
        raise KeyError(f"Unknown view '{view_name}'. Known: {', '.join(VIEWS)}")
    sql, params = view_sql(VIEWS[view_name], flt)
    return con.cursor().execute(sql, params).df()


def count(con: duckdb.DuckDBPyConnection, view_name: str, flt: Filter = NO_FILTER) -> int:
    sql, params = view_sql(VIEWS[view_name], flt)
    return con.cursor().execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]


def sub_group_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.cursor().execute("SELECT id, name FROM sub_groups ORDER BY id").fetchall())
