"""Named, parameterised DuckDB queries over views on one snapshot.

Joins and casts live in the views created by `connect`; pages, the CLI and the benchmark call
`run(con, view, filter)`, so a table, its chart and its CSV can never disagree. User values only
ever reach SQL as bound parameters.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

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

CREATE OR REPLACE VIEW all_seats AS
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

-- a seat that has ended is history, not a current seat
CREATE OR REPLACE VIEW seats AS SELECT * FROM all_seats WHERE end_date IS NULL OR end_date >= getvariable('today');

-- every row of every sheet with its source, for the views about provenance
CREATE OR REPLACE VIEW sourced_rows AS
SELECT 'Sub-groups' AS sheet, id, name AS label, source, NULL AS footprint, id AS sub_group_id, 1 AS n FROM sub_groups
UNION ALL SELECT 'Categories', id, name, source, NULL, sub_group_id, 2 FROM categories
UNION ALL SELECT 'Organisations', id, name, source, footprint, sub_group_id, 3 FROM organisations
UNION ALL SELECT 'People', p.id, p.name, p.source, o.footprint, o.sub_group_id, 4
  FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id
UNION ALL SELECT 'Forums', id, name, source, footprint, sub_group_id, 5 FROM forum_x
UNION ALL SELECT 'Roles', id, coalesce(person_display, 'Unknown') || ', ' || role, source, eff_footprint,
  eff_sub_group, 6 FROM all_seats
UNION ALL SELECT 'Engagements', e.id, coalesce(o.name, e.period, CAST(e.date AS VARCHAR)), e.source,
  o.footprint, o.sub_group_id, 7 FROM engagements e LEFT JOIN organisations o ON o.id = e.organisation_id
UNION ALL SELECT 'Recommendations', r.id, r.text, r.source, o.footprint, o.sub_group_id, 8
  FROM recommendations r LEFT JOIN organisations o ON o.id = r.made_by_id;
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
    scope: str | None = None  # the row's footprint for its Scope column ({scope}, {scope_order}); None: no such column
    aggregated: bool = False  # a row is a group: own to an HCP when any of its members is


def _v(name, title, sql, footprint_col=None, sub_group_col=None, null_is_wider=False, search=(), scope=None,
       aggregated=False) -> View:
    if "{scope}" not in sql:
        scope = None
    return View(name, title, sql, footprint_col, sub_group_col, null_is_wider, tuple(search),
                scope or (footprint_col if "{scope}" in sql else None), aggregated)


# An organisation's owners as '; A; B;': searching for '; A;' (owner_search) finds A's list, not 'A. N. Other's.
OWNER_LIST = "'; ' || regexp_replace(r.las_owner, '\\s*;\\s*', '; ', 'g') || ';'"


def owner_search(owner: str) -> str:
    """The search text that matches one owner exactly (ignoring case) in the relationships view."""
    return f"; {owner.strip()};"


VIEWS: dict[str, View] = {v.name: v for v in [
    _v("jhosc", "JHOSC chairs and vice chairs", """
        SELECT {scope}f.name AS "JHOSC",
          coalesce(string_agg(s.person_display, '; ' ORDER BY s.id) FILTER (WHERE s.role = 'Chair'),
                   CASE WHEN bool_or(s.role = 'Chair' AND s.is_gap) THEN 'Unknown' END) AS "Chair",
          string_agg(s.organisation_name, '; ' ORDER BY s.id) FILTER (WHERE s.role = 'Chair' AND NOT s.is_gap) AS "Chair's council",
          coalesce(string_agg(s.person_display, '; ' ORDER BY s.id) FILTER (WHERE s.role = 'Vice Chair'),
                   CASE WHEN bool_or(s.role = 'Vice Chair' AND s.is_gap) THEN 'Unknown' END) AS "Vice chair(s)",
          string_agg(s.organisation_name, '; ' ORDER BY s.id) FILTER (WHERE s.role = 'Vice Chair' AND NOT s.is_gap) AS "Vice chairs' councils",
          string_agg(DISTINCT s.note, '; ' ORDER BY s.note) FILTER (WHERE s.is_gap) AS "Gap note",
          f.footprint AS "Footprint", f.source AS "Source"
        FROM forum_x f LEFT JOIN seats s ON s.forum_id = f.id AND s.role IN ('Chair', 'Vice Chair')
        WHERE f.kind = 'JHOSC' AND {where}
        GROUP BY f.id, f.name, f.footprint, f.source
        ORDER BY {scope_order}array_position(['NWL','NCL','NEL','SEL','SWL'], f.footprint), f.name
    """, "f.footprint", "f.sub_group_id"),
    _v("organisations", "Organisations", """
        SELECT {scope}o.id AS "ID", o.name AS "Name", o.sub_group_name AS "Sub-group", o.category AS "Category",
          o.footprint AS "Footprint", o.borough AS "Borough", p.name AS "Parent",
          o.power AS "Power", o.interest AS "Interest", o.target_level AS "Target engagement",
          o.las_owner AS "LAS relationship owner", o.contact_every_days AS "Contact every (days)",
          CASE WHEN o.engaged THEN 'Yes' ELSE 'No' END AS "Engaged", o.last_engaged AS "Last engaged",
          o.source AS "Source"
        FROM org_x o LEFT JOIN organisations p ON p.id = o.parent_id
        WHERE {where}
        ORDER BY {scope_order}o.sub_group_id, o.name
    """, "o.footprint", "o.sub_group_id"),
    _v("people", "People", """
        SELECT {scope}p.id AS "ID", trim(coalesce(p.title || ' ', '') || p.name) AS "Name", p.aliases AS "Also spelled",
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
        ORDER BY {scope_order}"Seats" DESC, p.name
    """, "s.eff_footprint", "s.eff_sub_group", search=("p.name", "p.aliases"), aggregated=True),
    _v("roles", "Roles (who sits where)", """
        SELECT {scope}s.id AS "ID", coalesce(s.person_display, 'Unknown') AS "Person", s.role AS "Role",
          s.forum_name AS "Forum", s.organisation_name AS "Organisation", s.programme AS "Programme",
          s.area AS "Area", s.eff_footprint AS "Footprint", s.start_date AS "From", s.end_date AS "To",
          s.note AS "Note", s.source AS "Source"
        FROM seats s
        WHERE {where}
        ORDER BY {scope_order}array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], s.eff_footprint), s.forum_name, s.id
    """, "s.eff_footprint", "s.eff_sub_group", search=("s.person_name", "s.person_aliases")),
    _v("forums", "Forums", """
        SELECT {scope}f.id AS "ID", f.name AS "Name", f.kind AS "Kind", f.tier AS "Tier", f.footprint AS "Footprint",
          f.host_name AS "Host organisation", f.programme AS "Programme / theme", f.cadence AS "Cadence",
          f.las_attendee AS "LAS attendee role",
          (SELECT string_agg(coalesce(s.person_display, 'Unknown'), '; ' ORDER BY s.id) FROM seats s
            WHERE s.forum_id = f.id AND s.role IN ('Chair', 'Co-chair', 'Independent Chair', 'Interim Chair')) AS "Chair",
          f.budget_gbp AS "Budget (£)", f.note AS "Note", f.source AS "Source"
        FROM forum_x f
        WHERE {where}
        ORDER BY {scope_order}array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], f.footprint), f.tier, f.name
    """, "f.footprint", "f.sub_group_id"),
    _v("engagements", "Engagements", """
        SELECT {scope}e.id AS "ID", e.date AS "Date", e.period AS "Period", e.period_start AS "Period from",
          e.period_end AS "Period to", o.name AS "Organisation",
          trim(coalesce(p.title || ' ', '') || p.name) AS "Person", f.name AS "Forum", e.las_lead AS "LAS lead",
          e.mechanism AS "Mechanism", e.level AS "Level", e.theme AS "Theme", e.summary AS "Summary",
          e.next_steps AS "Next steps", e.next_contact AS "Next contact", e.source AS "Source"
        FROM engagements e
        LEFT JOIN organisations o ON o.id = e.organisation_id
        LEFT JOIN people p ON p.id = e.person_id
        LEFT JOIN organisations po ON po.id = p.organisation_id
        LEFT JOIN forum_x f ON f.id = e.forum_id
        WHERE {where}
        ORDER BY {scope_order}e.date NULLS LAST, e.id
    """, "coalesce(o.footprint, f.footprint, po.footprint)", "coalesce(o.sub_group_id, f.sub_group_id, po.sub_group_id)",
        null_is_wider=True),
    _v("recommendations", "Recommendations", """
        SELECT {scope}r.id AS "ID", r.text AS "Recommendation", coalesce(r.status, 'Not recorded') AS "Status",
          CASE WHEN r.due < getvariable('today') AND coalesce(r.status, '') NOT IN ('Done', 'Closed', 'Superseded')
               THEN 'Yes' ELSE 'No' END AS "Overdue",
          CASE WHEN "Overdue" = 'Yes' THEN getvariable('today') - r.due END AS "Days overdue",
          r.due AS "Due", r.owner AS "Owner", r.reference AS "Reference", d.title AS "Source document", r.kind AS "Kind",
          o.name AS "Made by",
          r.theme AS "Theme", r.last_update AS "Last update", r.progress_note AS "Progress note", r.source AS "Source"
        FROM recommendations r
        LEFT JOIN documents d ON d.id = r.document_id
        LEFT JOIN organisations o ON o.id = r.made_by_id
        WHERE {where}
        -- what needs acting on first: the longest overdue, then the rest in the documents' order
        ORDER BY {scope_order}"Days overdue" DESC NULLS LAST, r.document_id, r.id
    """, "o.footprint", "o.sub_group_id", null_is_wider=True),
    _v("hcp_leaders", "HCP leaders (Chart 1 roles)", """
        SELECT {scope}coalesce(s.person_display, 'Unknown') AS "Person", s.role AS "Role", s.programme AS "Programme",
          coalesce(s.forum_name, s.organisation_name) AS "Where", s.eff_footprint AS "Footprint",
          s.note AS "Note", s.source AS "Source"
        FROM seats s
        WHERE s.eff_sub_group = 'SG01' AND s.eff_footprint IN ('NWL','NCL','NEL','SEL','SWL')
          AND s.role IN ('Chair','Independent Chair','Interim Chair','Co-chair','Convenor','Accountable Officer',
                         'Chief Officer','Clinical lead','Co-clinical lead','LA lead','Provider lead','Provider SRO',
                         'SRO','Programme Director')
          AND {where}
        ORDER BY {scope_order}array_position(['NWL','NCL','NEL','SEL','SWL'], s.eff_footprint),
          array_position(['Independent Chair','Chair','Co-chair','Interim Chair','Convenor','Accountable Officer',
                          'Chief Officer','Clinical lead','Co-clinical lead','LA lead','Provider lead','Provider SRO',
                          'SRO','Programme Director'], s.role), s.programme, s.id
    """, "s.eff_footprint", "s.eff_sub_group"),
    _v("hcp_forums", "HCP forums and the LAS role that should attend (Chart 2)", """
        SELECT {scope}f.name AS "Forum",
          (SELECT string_agg(coalesce(s.person_display, 'Unknown'), '; ' ORDER BY s.id) FROM seats s
            WHERE s.forum_id = f.id AND s.role IN ('Chair', 'Co-chair', 'Independent Chair', 'Interim Chair')) AS "Chair",
          f.las_attendee AS "LAS attendee role", f.tier AS "Tier", f.kind AS "Kind", f.footprint AS "Footprint",
          f.note AS "Participants / note", f.source AS "Source"
        FROM forum_x f
        WHERE f.sub_group_id = 'SG01' AND {where}
        ORDER BY {scope_order}array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], f.footprint),
          array_position(['Board','Executive','Clinical','Programme'], f.tier) NULLS LAST, f.name
    """, "f.footprint", "f.sub_group_id"),
    _v("programme_leads", "SROs and leads by programme and footprint", """
        SELECT {scope}coalesce(s.programme, s.forum_name) AS "Programme", s.eff_footprint AS "Footprint", s.area AS "Area",
          CASE WHEN s.is_gap THEN 'Gap: ' || coalesce(nullif(s.note, ''), 'not known') ELSE s.person_display END AS "Lead",
          s.role AS "Role", s.is_gap AS "Gap", s.source AS "Source"
        FROM seats s
        WHERE s.role IN ('SRO','Lead SRO','Joint SRO','Provider SRO','SPG lead','CCG lead','Programme lead')
          AND (s.programme IS NOT NULL OR s.forum_kind IN ('Programme', 'Work programme', 'Workstream'))
          AND {where}
        ORDER BY {scope_order}"Programme", array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], s.eff_footprint), s.id
    """, "s.eff_footprint", "s.eff_sub_group"),
    _v("las_coverage", "LAS roles by forum and HCP (Chart 2)", """
        SELECT {scope}trim(r.role) AS "LAS role", f.footprint AS "Footprint", f.name AS "Forum", f.tier AS "Tier",
          f.source AS "Source"
        FROM forum_x f, unnest(string_split(f.las_attendee, ';')) AS r(role)
        WHERE trim(r.role) <> '' AND {where}
        ORDER BY {scope_order}"LAS role", array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], f.footprint), f.name
    """, "f.footprint", "f.sub_group_id"),
    _v("hwb_chairs", "Health and Wellbeing Board chairs", """
        SELECT {scope}f.name AS "Health and Wellbeing Board",
          coalesce(string_agg(s.person_display, '; ' ORDER BY s.id) FILTER (WHERE s.role = 'Chair' AND NOT s.is_gap),
                   CASE WHEN bool_or(s.role = 'Chair') THEN 'Not named' ELSE 'Not recorded' END) AS "Chair",
          string_agg(s.person_display || ' (' || s.role || ')', '; ' ORDER BY s.id)
            FILTER (WHERE s.role <> 'Chair' AND NOT s.is_gap) AS "Other named members",
          string_agg(DISTINCT s.note, '; ' ORDER BY s.note) FILTER (WHERE s.role = 'Chair') AS "Note",
          f.footprint AS "Footprint", f.source AS "Source"
        FROM forum_x f LEFT JOIN seats s ON s.forum_id = f.id
        WHERE f.kind = 'HWB' AND {where}
        GROUP BY f.id, f.name, f.footprint, f.source
        ORDER BY {scope_order}array_position(['NWL','NCL','NEL','SEL','SWL'], f.footprint) NULLS LAST, f.name
    """, "f.footprint", "f.sub_group_id"),
    _v("la_chairs", "Chairs and vice chairs of London-wide local government bodies", """
        SELECT {scope}s.organisation_name AS "Organisation", s.role AS "Role", coalesce(s.person_display, 'Unknown') AS "Person",
          s.note AS "Note", s.source AS "Source"
        FROM seats s JOIN organisations o ON o.id = s.organisation_id
        WHERE s.forum_id IS NULL AND o.sub_group_id = 'SG03' AND o.footprint = 'London'
          AND s.role IN ('Chair', 'Vice Chair') AND {where}
        ORDER BY {scope_order}s.organisation_name, array_position(['Chair', 'Vice Chair'], s.role)
    """, "o.footprint", "o.sub_group_id"),
    _v("coverage", "Mapped and engaged organisations by sub-group and HCP", """
        SELECT * FROM (
          SELECT {scope}o.sub_group_id AS "Sub-group ID", o.sub_group_name AS "Sub-group",
            coalesce(o.footprint, 'Not stated') AS "Footprint", count(*) AS "Mapped",
            count(*) FILTER (WHERE o.engaged) AS "Engaged",
            round(100.0 * count(*) FILTER (WHERE o.engaged) / count(*), 1) AS "Engaged %"
          FROM org_x o
          WHERE {where}
          GROUP BY o.sub_group_id, o.sub_group_name, coalesce(o.footprint, 'Not stated'))
        ORDER BY {scope_order}"Sub-group ID",
          array_position(['NWL','NCL','NEL','SEL','SWL','London','National','Not stated'], "Footprint")
    """, "o.footprint", "o.sub_group_id", scope="coalesce(o.footprint, 'Not stated')"),
    _v("engaged", "Engaged organisations, with their last engagement", """
        SELECT {scope}o.name AS "Organisation", o.sub_group_name AS "Sub-group", o.footprint AS "Footprint",
          max(e.date) AS "Last engaged (date)",
          string_agg(DISTINCT e.period, '; ' ORDER BY e.period) FILTER (WHERE e.date IS NULL) AS "Engaged (period)",
          string_agg(DISTINCT e.las_lead, '; ' ORDER BY e.las_lead) AS "LAS lead", string_agg(DISTINCT e.mechanism, '; ' ORDER BY e.mechanism) AS "Mechanism",
          string_agg(DISTINCT e.level, '; ' ORDER BY e.level) AS "Level", count(e.id) AS "Engagements",
          string_agg(DISTINCT e.source, '; ' ORDER BY e.source) AS "Source"
        FROM org_x o JOIN engagements e ON e.organisation_id = o.id
        WHERE {where}
        GROUP BY o.id, o.name, o.sub_group_name, o.footprint, o.sub_group_id
        ORDER BY {scope_order}"Last engaged (date)" DESC NULLS LAST, o.name
    """, "o.footprint", "o.sub_group_id"),
    _v("not_engaged", "Organisations mapped but not engaged", """
        SELECT {scope}o.name AS "Organisation", o.sub_group_name AS "Sub-group", o.category AS "Category",
          o.footprint AS "Footprint", o.las_owner AS "LAS relationship owner", o.source AS "Source"
        FROM org_x o
        WHERE NOT o.engaged AND {where}
        ORDER BY {scope_order}o.sub_group_id, o.name
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
        SELECT {scope}o.name AS "Partnership", o.footprint AS "Footprint", count(s.id) AS "Seats", o.source AS "Source"
        FROM organisations o LEFT JOIN seats s ON s.organisation_id = o.id
        WHERE o.sub_group_id = 'SG01' AND o.footprint IN ('NWL','NCL','NEL','SEL','SWL') AND {where}
        GROUP BY o.id, o.footprint, o.name, o.source
        QUALIFY row_number() OVER (PARTITION BY o.footprint ORDER BY count(s.id) DESC, o.name) = 1
        ORDER BY {scope_order}array_position(['NWL','NCL','NEL','SEL','SWL'], o.footprint)
    """, "o.footprint", "o.sub_group_id"),
    _v("network_links", "Network links: each named seat as person to forum or organisation", """
        SELECT {scope}s.person_id AS "Person ID", s.person_display AS "Person",
          coalesce(s.forum_id, s.organisation_id) AS "Place ID",
          coalesce(s.forum_name, s.organisation_name) AS "Forum or organisation",
          CASE WHEN s.forum_id IS NOT NULL THEN 'Forum' ELSE 'Organisation' END AS "Place type",
          s.role AS "Role", s.programme AS "Programme", s.eff_footprint AS "Footprint", s.id AS "Seat ID",
          s.source AS "Source"
        FROM seats s
        WHERE NOT s.is_gap AND {where}
        ORDER BY {scope_order}s.person_name, s.id
    """, "s.eff_footprint", "s.eff_sub_group"),
    _v("boundary_spanners", "Boundary spanners: people whose seats span the most forums and footprints", """
        SELECT {scope}s.person_id AS "ID", s.person_display AS "Person",
          count(DISTINCT coalesce(s.forum_id, s.organisation_id)) AS "Forums and organisations",
          count(DISTINCT s.eff_footprint) AS "Footprints", count(*) AS "Seats",
          count(DISTINCT s.eff_sub_group) AS "Sub-groups",
          string_agg(DISTINCT s.eff_footprint, ', ' ORDER BY s.eff_footprint) AS "Footprint list",
          string_agg(DISTINCT coalesce(s.forum_name, s.organisation_name), '; '
                     ORDER BY coalesce(s.forum_name, s.organisation_name)) AS "Sits on",
          string_agg(DISTINCT s.source, '; ' ORDER BY s.source) AS "Source"
        FROM seats s
        WHERE NOT s.is_gap AND {where}
        GROUP BY s.person_id, s.person_display, s.person_name
        HAVING count(DISTINCT coalesce(s.forum_id, s.organisation_id)) >= 2
        ORDER BY {scope_order}"Forums and organisations" DESC, "Footprints" DESC, "Seats" DESC, s.person_name, s.person_id
    """, "s.eff_footprint", "s.eff_sub_group", aggregated=True),
    _v("shared_members", "Forums and organisations that share members", """
        WITH m AS (
          SELECT DISTINCT s.person_id, s.person_display, coalesce(s.forum_id, s.organisation_id) AS place_id,
            coalesce(s.forum_name, s.organisation_name) AS place,
            CASE WHEN s.forum_id IS NOT NULL THEN f.footprint ELSE o.footprint END AS place_footprint
          FROM seats s LEFT JOIN forums f ON f.id = s.forum_id LEFT JOIN organisations o ON o.id = s.organisation_id
          WHERE NOT s.is_gap AND {where})
        SELECT a.place AS "Forum or organisation", a.place_footprint AS "Footprint",
          b.place AS "Shares members with", b.place_footprint AS "Its footprint",
          count(*) AS "Shared members", string_agg(a.person_display, '; ' ORDER BY a.person_display) AS "Who"
        FROM m a JOIN m b ON a.person_id = b.person_id AND a.place_id < b.place_id
        GROUP BY a.place_id, a.place, a.place_footprint, b.place_id, b.place, b.place_footprint
        ORDER BY "Shared members" DESC, a.place, b.place
    """, "s.eff_footprint", "s.eff_sub_group"),
    _v("priorities", "Power/interest priorities (Mendelow grid) of assessed organisations", """
        WITH reached AS (
          SELECT e.organisation_id,
            min(array_position(['Co-produce', 'Engage on specific aspects', 'Keep informed'], e.level)) AS depth
          FROM engagements e WHERE e.level IS NOT NULL GROUP BY e.organisation_id)
        SELECT {scope}o.name AS "Organisation",
          -- Mendelow's grid is two by two: only 'High' moves an organisation up, so 'Medium' counts as low
          CASE WHEN o.power = 'High' AND o.interest = 'High' THEN 'Manage closely'
               WHEN o.power = 'High' THEN 'Keep satisfied'
               WHEN o.interest = 'High' THEN 'Keep informed'
               ELSE 'Monitor' END AS "Priority",
          o.power AS "Power", o.interest AS "Interest", o.sub_group_name AS "Sub-group", o.footprint AS "Footprint",
          o.target_level AS "Target engagement",
          ['Co-produce', 'Engage on specific aspects', 'Keep informed'][r.depth] AS "Level reached",
          o.las_owner AS "LAS relationship owner", o.source AS "Source"
        FROM org_x o LEFT JOIN reached r ON r.organisation_id = o.id
        WHERE o.power IS NOT NULL AND o.interest IS NOT NULL AND {where}
        ORDER BY {scope_order}array_position(['Manage closely', 'Keep satisfied', 'Keep informed', 'Monitor'], "Priority"),
          array_position(['High', 'Medium', 'Low'], o.power), array_position(['High', 'Medium', 'Low'], o.interest),
          o.name
    """, "o.footprint", "o.sub_group_id"),
    _v("not_assessed", "Organisations not yet assessed for power and interest", """
        SELECT {scope}o.id AS "ID", o.name AS "Organisation", o.sub_group_name AS "Sub-group", o.category AS "Category",
          o.footprint AS "Footprint",
          CASE WHEN o.power IS NULL AND o.interest IS NULL THEN 'Power and interest'
               WHEN o.power IS NULL THEN 'Power' ELSE 'Interest' END AS "Missing",
          o.source AS "Source"
        FROM org_x o
        WHERE (o.power IS NULL OR o.interest IS NULL) AND {where}
        ORDER BY {scope_order}o.sub_group_id, o.name
    """, "o.footprint", "o.sub_group_id"),
    _v("engagement_gaps", "Target engagement level against the level reached", """
        WITH reached AS (
          SELECT e.organisation_id, count(*) AS engagements,
            min(array_position(['Co-produce', 'Engage on specific aspects', 'Keep informed'], e.level)) AS depth
          FROM engagements e WHERE e.organisation_id IS NOT NULL GROUP BY e.organisation_id)
        SELECT * EXCLUDE (sub_group_id) FROM (
          SELECT {scope}o.name AS "Organisation", o.sub_group_name AS "Sub-group", o.footprint AS "Footprint",
            o.target_level AS "Target engagement",
            coalesce(['Co-produce', 'Engage on specific aspects', 'Keep informed'][r.depth],
                     CASE WHEN r.engagements > 0 THEN 'Level not recorded' ELSE 'Not engaged' END) AS "Level reached",
            CASE WHEN r.depth IS NULL AND r.engagements > 0 THEN 'Engaged, level not recorded'
                 WHEN r.depth IS NULL THEN 'No engagement recorded'
                 WHEN r.depth > array_position(['Co-produce', 'Engage on specific aspects', 'Keep informed'],
                                               o.target_level) THEN 'Below target'
                 ELSE 'Target met' END AS "Gap",
            o.las_owner AS "LAS relationship owner", o.last_engaged AS "Last engaged (date)", o.source AS "Source",
            o.sub_group_id
          FROM org_x o LEFT JOIN reached r ON r.organisation_id = o.id
          WHERE o.target_level IS NOT NULL AND {where})
        ORDER BY {scope_order}array_position(['No engagement recorded', 'Below target', 'Engaged, level not recorded', 'Target met'],
          "Gap"), sub_group_id, "Organisation"
    """, "o.footprint", "o.sub_group_id"),
    _v("relationships", "Stale relationships: days since the last contact against each organisation's interval", """
        WITH contact AS (
          SELECT e.organisation_id, e.date, e.period, e.period_start,
            -- a stated period counts to its last day (read once, at validation), the latest the contact can have been
            CASE WHEN e.date IS NULL THEN e.period_end END AS period_end
          FROM engagements e WHERE e.organisation_id IS NOT NULL),
        latest AS (
          SELECT organisation_id, max(date) AS last_dated,
            max(period_end) FILTER (WHERE period_start <= period_end) AS last_period_end,
            arg_max(period, period_end) FILTER (WHERE period_start <= period_end) AS last_period
          FROM contact GROUP BY organisation_id),
        r AS (
          SELECT o.*, greatest(l.last_dated, l.last_period_end)::DATE AS last_contact,
            CASE WHEN l.last_dated >= l.last_period_end OR l.last_period_end IS NULL THEN 'Dated engagement'
                 ELSE 'End of the period ' || l.last_period END AS basis
          FROM org_x o LEFT JOIN latest l ON l.organisation_id = o.id)
        SELECT {scope}r.name AS "Organisation", r.status AS "Status",
          r.las_owner AS "LAS relationship owner", r.contact_every_days AS "Contact every (days)",
          r.last_contact AS "Last contact", r.days_since AS "Days since",
          r.last_contact + r.contact_every_days::INTEGER AS "Contact due",
          CASE WHEN r.contact_every_days IS NULL THEN 'No interval set'
               WHEN r.status IN ('Overdue', 'Never contacted') THEN 'Yes' ELSE 'No' END AS "Overdue",
          CASE WHEN r.last_contact IS NOT NULL THEN r.basis END AS "Last contact from",
          r.sub_group_name AS "Sub-group", r.footprint AS "Footprint", r.source AS "Source"
        FROM (SELECT r.*, getvariable('today') - r.last_contact AS days_since,
                -- one place decides a relationship's state; every page, count and CSV reads it from here
                CASE WHEN r.last_contact IS NULL THEN 'Never contacted'
                     WHEN r.contact_every_days IS NULL THEN 'No interval set'
                     WHEN getvariable('today') - r.last_contact > r.contact_every_days THEN 'Overdue'
                     WHEN getvariable('today') - r.last_contact > r.contact_every_days - 14 THEN 'Due soon'
                     ELSE 'Up to date' END AS status
              FROM r) r
        WHERE {where}
        ORDER BY {scope_order}
          -- never contacted with an interval is overdue, after those whose contact has lapsed
          CASE WHEN r.status = 'Overdue' THEN 0
               WHEN r.status = 'Never contacted' AND r.contact_every_days IS NOT NULL THEN 1
               WHEN r.status = 'Due soon' THEN 2 WHEN r.status = 'Up to date' THEN 3
               WHEN r.status = 'Never contacted' THEN 4 ELSE 5 END,
          r.days_since - r.contact_every_days DESC NULLS LAST, r.days_since DESC NULLS LAST, r.sub_group_id, r.name
    """, "r.footprint", "r.sub_group_id", search=(OWNER_LIST,)),
    _v("gap_unknown_chairs", "Data gaps: chairs and vice chairs not known", """
        SELECT {scope}coalesce(s.forum_name, s.organisation_name) AS "Forum or organisation", s.role AS "Role",
          s.eff_footprint AS "Footprint", s.note AS "Note", s.id AS "Seat ID", s.source AS "Source"
        FROM seats s
        WHERE s.is_gap AND s.role IN ('Chair', 'Co-chair', 'Independent Chair', 'Interim Chair', 'Vice Chair',
                                      'Deputy Chair', 'Convenor') AND {where}
        ORDER BY {scope_order}array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], s.eff_footprint),
          "Forum or organisation", s.id
    """, "s.eff_footprint", "s.eff_sub_group"),
    _v("gap_tbc_leads", "Data gaps: leads marked TBC in the source", """
        SELECT {scope}coalesce(s.programme, s.forum_name, s.organisation_name) AS "Programme or forum", s.role AS "Role",
          s.area AS "Area", s.eff_footprint AS "Footprint", coalesce(s.person_display, 'Unknown') AS "Person",
          s.note AS "Note", s.id AS "Seat ID", s.source AS "Source"
        FROM seats s
        WHERE regexp_matches(s.note, '\\bTBC\\b', 'i') AND {where}
        ORDER BY {scope_order}"Programme or forum", s.id
    """, "s.eff_footprint", "s.eff_sub_group"),
    _v("gap_forums_without_chair", "Data gaps: forums with no named chair", """
        SELECT {scope}f.id AS "ID", f.name AS "Forum", f.kind AS "Kind", f.footprint AS "Footprint",
          f.host_name AS "Host organisation",
          CASE WHEN bool_or(s.is_gap) THEN 'Chair seat recorded, holder unknown' ELSE 'No chair recorded' END AS "Gap",
          f.source AS "Source"
        FROM forum_x f
        LEFT JOIN seats s ON s.forum_id = f.id AND s.role IN ('Chair', 'Co-chair', 'Independent Chair', 'Interim Chair')
        WHERE {where}
        GROUP BY f.id, f.name, f.kind, f.footprint, f.host_name, f.source
        HAVING NOT coalesce(bool_or(NOT s.is_gap), FALSE)
        ORDER BY {scope_order}array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], f.footprint), f.kind, f.name
    """, "f.footprint", "f.sub_group_id"),
    _v("gap_organisations_without_owner", "Data gaps: organisations without a LAS relationship owner", """
        SELECT {scope}o.id AS "ID", o.name AS "Organisation", o.sub_group_name AS "Sub-group", o.footprint AS "Footprint",
          CASE WHEN o.engaged THEN 'Yes' ELSE 'No' END AS "Engaged", o.source AS "Source"
        FROM org_x o
        WHERE o.las_owner IS NULL AND {where}
        ORDER BY {scope_order}o.sub_group_id, o.name
    """, "o.footprint", "o.sub_group_id"),
    _v("gap_people_without_role", "Data gaps: people with no seat", """
        SELECT {scope}p.id AS "ID", trim(coalesce(p.title || ' ', '') || p.name) AS "Name",
          p.substantive_role AS "Substantive role", o.name AS "Organisation", o.footprint AS "Footprint",
          p.source AS "Source"
        FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id
        WHERE NOT EXISTS (SELECT 1 FROM roles r WHERE r.person_id = p.id) AND {where}
        ORDER BY {scope_order}p.name, p.id
    """, "o.footprint", "o.sub_group_id", null_is_wider=True),
    _v("gap_rows_without_source", "Data gaps: rows whose source names no chart or section", """
        SELECT {scope}x.sheet AS "Sheet", x.id AS "ID", x.label AS "Row", x.source AS "Source"
        FROM sourced_rows x
        -- the validator requires a source; one naming only the document leaves the reader nowhere to look
        WHERE (x.source IS NULL OR NOT regexp_matches(trim(x.source), '^\\S+\\s+\\S')) AND {where}
        ORDER BY {scope_order}x.n, x.id
    """, "x.footprint", "x.sub_group_id", null_is_wider=True),
    _v("first_hand_records", "Rows recorded first-hand in lasdash (no source document)", """
        SELECT {scope}x.sheet AS "Sheet", x.id AS "ID", x.label AS "Row", x.source AS "Recorded"
        FROM sourced_rows x
        WHERE regexp_full_match(trim(x.source), 'Recorded in lasdash by .+, \\d{{2}}/\\d{{2}}/\\d{{4}}') AND {where}
        ORDER BY {scope_order}x.n, x.id
    """, "x.footprint", "x.sub_group_id", null_is_wider=True),
    _v("gap_recommendations", "Data gaps: recommendations without an owner or a status", """
        SELECT {scope}r.id AS "ID", r.text AS "Recommendation", d.title AS "Source document",
          CASE WHEN r.owner IS NULL AND r.status IS NULL THEN 'Owner and status'
               WHEN r.owner IS NULL THEN 'Owner' ELSE 'Status' END AS "Missing",
          r.owner AS "Owner", r.status AS "Status", r.source AS "Source"
        FROM recommendations r
        LEFT JOIN documents d ON d.id = r.document_id
        LEFT JOIN organisations o ON o.id = r.made_by_id
        WHERE (r.owner IS NULL OR r.status IS NULL) AND {where}
        ORDER BY {scope_order}r.document_id, r.id
    """, "o.footprint", "o.sub_group_id", null_is_wider=True),
]}


def connect(store: Store, snapshot_id: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with views over one snapshot's Parquet files.

    Callers share it across threads only through `con.cursor()` (a connection is not thread-safe).
    """
    con = duckdb.connect(":memory:")
    for sheet in S.SHEETS:
        path = store.table_path(snapshot_id, sheet.name)
        derived = [c.name for c in sheet.columns if c.derived]
        if derived and not set(derived) <= set(pq.read_schema(path).names):  # a snapshot older than the column
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
    where = " AND ".join(conds) or "TRUE"
    if "HAVING {where}" in view.sql:  # aggregate views filter on any of the person's seats
        where = " AND ".join(f"bool_or({c})" if c != "TRUE" else c for c in conds) or "TRUE"
    scope, scope_order = flt.scope_sql(view.scope, view.aggregated) if view.scope else ("", "")
    return view.sql.format(where=where, scope=scope, scope_order=scope_order), params


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
        found = dict(zip(wanted, cur.execute(f"SELECT {_select_list(wanted)} FROM _view_rows").fetchone()))
    finally:
        cur.close()  # and with it the table
    df = df.astype({column: dtype for probe, (column, dtype) in casts.items() if found[probe]})
    return df, {name: value for name, value in found.items() if name not in probes}


def _dtype_probes(df: pd.DataFrame, types: list[str]) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """What to ask of the whole view so its first rows get the dtypes it gets whole. DuckDB picks them from the
    values: an integer or boolean column is nullable (Int64, boolean) only if a NULL occurs, and text is object only
    if every value is NULL. Returns measures (nonzero: cast) and, per measure, the column and the dtype to cast to."""
    probes, casts = {}, {}
    for i, (column, sql_type) in enumerate(zip(df.columns, types)):
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
    return dict(zip(measures, row))


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
