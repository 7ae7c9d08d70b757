"""The map's data gaps: one list, so the Overview's total and the Data gaps page count the same things.

Each gap is a named view (lasdash.queries); the CLI exports the same lists (`python -m lasdash export VIEW`).
"""
from __future__ import annotations

from typing import NamedTuple


class Gap(NamedTuple):
    view: str
    heading: str
    label: str  # short, for the figures
    fix: str  # what an editor does about it


GAPS = [
    Gap("gap_unknown_chairs", "Unknown chairs and vice chairs", "Unknown chairs",
        "Seats the sources mention but whose holder they do not name. Fill the Person ID on the Roles sheet."),
    Gap("gap_tbc_leads", "Leads marked TBC", "TBC leads",
        "Leads the source printed as 'TBC', unnamed or named provisionally. Confirm or name them on the Roles sheet."),
    Gap("gap_forums_without_chair", "Forums with no named chair", "Forums without a chair",
        "No chair seat on the Roles sheet, or one whose holder is unknown. Add a Chair row for the forum."),
    Gap("gap_organisations_without_owner", "Organisations without a LAS relationship owner", "Unowned organisations",
        "Set 'LAS relationship owner' on the Organisations sheet."),
    Gap("gap_people_without_role", "People without a seat", "People without a seat",
        "People on the People sheet with no row on the Roles sheet. Add their seats, or remove them."),
    Gap("gap_rows_without_source", "Rows whose source names no chart or section", "Vague sources",
        "The validator requires a Source; this lists those naming only the document (e.g. '001' rather than "
        "'001 Appendix 2'), which leave a reader nowhere to check. Add the chart or section."),
    Gap("gap_recommendations", "Recommendations without an owner or a status", "Untracked recommendations",
        "Set Owner and Status on the Recommendations sheet."),
]
