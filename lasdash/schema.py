"""The one declarative definition of the mapping workbook.

The validator, the template workbook, the Parquet types and the labels on screen
all derive from SHEETS. Adding a column is one edit here.
"""
from __future__ import annotations

from dataclasses import dataclass

FOOTPRINTS = ("NWL", "NCL", "NEL", "SEL", "SWL", "London", "National")
HCP_CODES = FOOTPRINTS[:5]
HCP_NAMES = {
    "NWL": "North West London",
    "NCL": "North Central London",
    "NEL": "North East London",
    "SEL": "South East London",
    "SWL": "South West London",
    "London": "London-wide",
    "National": "National",
}

# Seed 001's three engagement categories, in descending depth (IAP2: collaborate/involve/inform).
ENGAGEMENT_LEVELS = ("Co-produce", "Engage on specific aspects", "Keep informed")
RECOMMENDATION_STATUSES = ("Not started", "In progress", "Done", "Closed", "Superseded")
POWER_INTEREST = ("High", "Medium", "Low")
FORUM_TIERS = ("Board", "Executive", "Clinical", "Programme", "Scrutiny", "Statutory", "Advisory", "Network")
ROLES = (
    "Chair", "Co-chair", "Vice Chair", "Deputy Chair", "Independent Chair", "Interim Chair",
    "Convenor", "Accountable Officer", "Chief Officer", "Chief Executive", "Acting Chief Executive",
    "Managing Director", "Executive Director", "Director", "Programme Director", "Medical Director",
    "SRO", "Joint SRO", "Provider SRO", "Lead SRO", "Clinical lead", "Co-clinical lead",
    "LA lead", "Provider lead", "Programme lead", "SPG lead", "CCG lead", "Borough lead",
    "Member", "Board member", "Executive member", "Adviser", "Attendee", "Host", "Other",
)


# What a meeting brief can be about (lasdash/brief.py; the CLI's `brief` command names them without loading it).
BRIEF_KINDS = ("forum", "organisation", "person", "hcp")


@dataclass(frozen=True)
class Column:
    name: str  # snake_case: Parquet column and SQL name
    header: str  # the text users see in the workbook and on screen
    type: str = "text"  # text | int | date
    required: bool = False
    allowed: tuple[str, ...] = ()
    ref: str | None = None  # sheet name whose key this column references
    help: str = ""
    derived: bool = False  # worked out at validation and stored in the snapshot; not a workbook column
    # A date on which something happens: one before 2000 or more than a year after today is warned as implausible.
    event: bool = False
    # (a reference column of this sheet, a date column of the sheet it refers to): this date should not fall before
    # that row's date, e.g. a recommendation due before its source document was written.
    not_before: tuple[str, str] | None = None
    # Names LAS people by role or name, ';' between several: each should match someone on the LAS team sheet
    # (a warning when not, so older workbooks keep loading).
    team: bool = False

    @property
    def expected(self) -> str:
        """What a valid value looks like, in words, for messages and the template."""
        if self.allowed:
            return "one of: " + ", ".join(self.allowed)
        if self.type == "date":
            return "a date as dd/mm/yyyy"
        if self.type == "int":
            return "a whole number"
        if self.ref:
            return f"an ID from the {self.ref} sheet"
        return "text"


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    key: str = "id"
    help: str = ""
    # Columns of which at least one must be filled (e.g. a seat is in a forum or an organisation).
    one_of: tuple[str, ...] = ()
    # Added after workbooks and snapshots were first made: one without the sheet still loads (the map's own rows of
    # it are kept when such a workbook is published).
    optional: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def input_columns(self) -> tuple[Column, ...]:
        """The columns of the workbook (the snapshot also stores the derived ones)."""
        return tuple(c for c in self.columns if not c.derived)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _id(what: str) -> Column:
    return Column("id", "ID", required=True, help=f"Unique ID of the {what}; other sheets refer to it.")


SOURCE = Column(
    "source", "Source", required=True,
    help="Document ID and chart/section the row comes from, e.g. '000 Chart 5'. "
    "The first word must be an ID from the Documents sheet.",
)

SHEETS: tuple[Sheet, ...] = (
    Sheet("Documents", (
        _id("document"),
        Column("title", "Title", required=True),
        Column("date", "Date", type="date"),
        Column("period", "Period", help="As printed, when the document covers a period."),
        Column("note", "Note"),
    ), help="The source documents every row cites."),
    Sheet("Sub-groups", (
        _id("sub-group"),
        Column("name", "Sub-group", required=True),
        Column("contact_every_days", "Contact every (days)", type="int",
               help="The default contact interval of the sub-group's organisations; an organisation's own overrides it."),
        Column("note", "Note"),
        SOURCE,
    ), help="The 11 stakeholder sub-groups of the mapping report (seed 000 §3.1)."),
    Sheet("Categories", (
        _id("category"),
        Column("sub_group_id", "Sub-group ID", required=True, ref="Sub-groups"),
        Column("name", "Category", required=True),
        SOURCE,
    ), help="Categories within each sub-group (seed 000 Appendix 1)."),
    Sheet("Organisations", (
        _id("organisation"),
        Column("name", "Name", required=True),
        Column("sub_group_id", "Sub-group ID", required=True, ref="Sub-groups"),
        Column("category", "Category"),
        Column("footprint", "Footprint", allowed=FOOTPRINTS),
        Column("borough", "Borough"),
        Column("parent_id", "Parent ID", ref="Organisations"),
        Column("aliases", "Aliases", help="Other names, separated by ';'."),
        Column("power", "Power", allowed=POWER_INTEREST),
        Column("interest", "Interest", allowed=POWER_INTEREST),
        Column("target_level", "Target engagement", allowed=ENGAGEMENT_LEVELS),
        Column("las_owner", "LAS relationship owner", team=True,
               help="A role or name from the LAS team sheet (';' between several)."),
        Column("contact_every_days", "Contact every (days)", type="int",
               help="Blank: the sub-group's default interval, if it has one."),
        Column("note", "Note"),
        SOURCE,
    ), help="Organisations and named groups of them."),
    Sheet("People", (
        _id("person"),
        Column("name", "Name", required=True),
        Column("title", "Title", help="Cllr, Dr, Prof, Sir ..."),
        Column("aliases", "Aliases", help="Spelling variants seen in the sources, separated by ';'."),
        Column("substantive_role", "Substantive role"),
        Column("organisation_id", "Organisation ID", ref="Organisations"),
        Column("background", "Background / other roles"),
        SOURCE,
    ), help="People. One person, one row, however many seats they hold."),
    Sheet("Forums", (
        _id("forum"),
        Column("name", "Name", required=True),
        Column("kind", "Kind", required=True, help="Board, executive group, workstream, JHOSC, HWB ..."),
        Column("tier", "Tier", allowed=FORUM_TIERS),
        Column("footprint", "Footprint", allowed=FOOTPRINTS, help="Blank where the sources do not say."),
        Column("host_organisation_id", "Host organisation ID", ref="Organisations"),
        Column("sub_group_id", "Sub-group ID", ref="Sub-groups",
               help="Blank: the host organisation's sub-group."),
        Column("programme", "Programme / theme"),
        Column("cadence", "Cadence"),
        Column("las_attendee", "LAS attendee role", team=True,
               help="Which LAS role should be in the room: a role from the LAS team sheet (';' between several)."),
        Column("budget_gbp", "Budget (£)", type="int"),
        Column("note", "Note"),
        SOURCE,
    ), help="Boards, committees, executive groups, workstreams, programmes, JHOSCs, HWBs, senates."),
    Sheet("Roles", (
        _id("seat"),
        Column("person_id", "Person ID", ref="People",
               help="Blank when the seat is known but its holder is not (a gap)."),
        Column("forum_id", "Forum ID", ref="Forums"),
        Column("organisation_id", "Organisation ID", ref="Organisations"),
        Column("role", "Role", required=True, allowed=ROLES),
        Column("programme", "Programme"),
        Column("area", "Area", help="Borough or sub-area the seat covers, e.g. 'WELC' or 'Lambeth'."),
        Column("footprint", "Footprint", allowed=FOOTPRINTS,
               help="Only where it differs from the forum's or organisation's footprint."),
        Column("start_date", "From", type="date"),
        Column("end_date", "To", type="date"),
        Column("note", "Note"),
        SOURCE,
    ), one_of=("forum_id", "organisation_id"),
        help="A person's seat in a forum or organisation."),
    Sheet("Engagements", (
        _id("engagement"),
        Column("date", "Date", type="date", event=True),
        Column("period", "Period", help="As printed when only a period is known."),
        Column("period_start", "Period from", type="date", derived=True, help="The Period's first day."),
        Column("period_end", "Period to", type="date", derived=True, help="The Period's last day."),
        Column("organisation_id", "Organisation ID", ref="Organisations"),
        Column("person_id", "Person ID", ref="People"),
        Column("forum_id", "Forum ID", ref="Forums"),
        Column("las_lead", "LAS lead", team=True, help="A role or name from the LAS team sheet."),
        Column("mechanism", "Mechanism"),
        Column("level", "Level", allowed=ENGAGEMENT_LEVELS),
        Column("theme", "Theme"),
        Column("summary", "Summary"),
        Column("next_steps", "Next steps"),
        Column("next_contact", "Next contact", type="date"),
        SOURCE,
    ), one_of=("organisation_id", "person_id", "forum_id"),
        help="Engagement activities: whom LAS engaged, when and how."),
    Sheet("Recommendations", (
        _id("recommendation"),
        Column("document_id", "Source document", required=True, ref="Documents"),
        Column("reference", "Reference"),
        Column("text", "Recommendation", required=True),
        Column("kind", "Kind", allowed=("Recommendation", "Opportunity", "Option")),
        Column("made_by_id", "Made by (organisation ID)", ref="Organisations"),
        Column("theme", "Theme"),
        Column("owner", "Owner", team=True, help="The LAS role or name from the LAS team sheet that owns it."),
        Column("due", "Due", type="date", not_before=("document_id", "date")),
        Column("status", "Status", allowed=RECOMMENDATION_STATUSES),
        Column("last_update", "Last update", type="date"),
        Column("progress_note", "Progress note"),
        SOURCE,
    ), help="Recommendations and opportunities to act on, and where each stands."),
    Sheet("LAS team", (
        Column("id", "ID", required=True, help="Unique ID of the role, e.g. LT04."),
        Column("role", "Role", required=True, help="The LAS role, as the sources name it, e.g. 'Medical Director'."),
        Column("name", "Name", help="Who holds the role now. Blank where the sources do not say."),
        Column("email", "Email", help="Their work email: how sign-in and reminders find them."),
        Column("note", "Note"),
        SOURCE,
    ), optional=True,
        help="Who is who at LAS: one row per role, so that owners, leads and attendee roles reach a person."),
)

SHEETS_BY_NAME: dict[str, Sheet] = {s.name: s for s in SHEETS}


def sheet(name: str) -> Sheet:
    return SHEETS_BY_NAME[name]


def table_name(sheet_name: str) -> str:
    """SQL/Parquet name of a sheet: 'Sub-groups' -> 'sub_groups'."""
    return sheet_name.lower().replace("-", "_").replace(" ", "_")
