"""Edits made in the app (or the CLI): small, named changes to the map's tables.

Each function takes the tables of one snapshot and returns new tables with the change made; it
never touches the store. Saving goes through `pipeline.save_edit`, which validates the whole map
as an upload would and publishes a snapshot. What an editor records first-hand has no source
document: its Source says who recorded it and when, e.g. 'Recorded in lasdash by Jane Smith,
01/12/2026', and no Documents row is invented for it.
"""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from . import schema as S

FIRST_HAND = re.compile(r"Recorded in lasdash by (?P<who>.+), (?P<day>\d{2}/\d{2}/\d{4})")
REC_FIELDS = ("status", "owner", "due", "progress_note")  # what "Update" may change on a recommendation
TRACKED = ("status", "progress_note")  # a change to these sets "Last update" to the day of the edit
ENGAGEMENT_FIELDS = ("date", "period", "organisation_id", "person_id", "forum_id", "las_lead", "mechanism", "level",
                     "theme", "summary", "next_steps", "next_contact")


def first_hand_source(who: str, day: dt.date) -> str:
    return f"Recorded in lasdash by {who}, {day:%d/%m/%Y}"


def is_first_hand(source: object) -> bool:
    return isinstance(source, str) and FIRST_HAND.fullmatch(source.strip()) is not None


def new_id(prefix: str, day: dt.date, existing) -> str:
    """'ENG-20261115-001': the prefix, the day, and the next free number that day."""
    stem = f"{prefix}-{day:%Y%m%d}-"
    taken = {str(i) for i in existing if str(i).startswith(stem)}
    n = 1
    while f"{stem}{n:03d}" in taken:
        n += 1
    return f"{stem}{n:03d}"


def _copy(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {k: v.copy(deep=True) for k, v in tables.items()}


def _blank(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date()
    return value


def update_recommendations(tables: dict[str, pd.DataFrame], changes: dict[str, dict[str, object]],
                           today: dt.date) -> dict[str, pd.DataFrame]:
    """Set status, owner, due date and progress note of one or many recommendations (by ID).

    'Last update' becomes `today` for a recommendation whose status or progress note changes."""
    out = _copy(tables)
    recs = out["Recommendations"].set_index("id", drop=False)
    for rec_id, fields in changes.items():
        if rec_id not in recs.index:
            raise KeyError(f"No recommendation {rec_id}")
        unknown = set(fields) - set(REC_FIELDS)
        if unknown:
            raise ValueError(f"Only {', '.join(REC_FIELDS)} can be updated here, not {', '.join(sorted(unknown))}")
        touched = False
        for column, value in fields.items():
            value = _blank(value)
            if _blank(recs.at[rec_id, column]) != value:
                recs[column] = recs[column].astype(object)
                recs.at[rec_id, column] = value
                touched |= column in TRACKED
        if touched:
            recs["last_update"] = recs["last_update"].astype(object)
            recs.at[rec_id, "last_update"] = today
    out["Recommendations"] = recs.reset_index(drop=True)
    return out


def record_engagement(tables: dict[str, pd.DataFrame], fields: dict[str, object], who: str,
                      today: dt.date) -> tuple[dict[str, pd.DataFrame], str]:
    """Add one engagement, sourced to the editor and the day; returns the new tables and the new row's ID."""
    unknown = set(fields) - set(ENGAGEMENT_FIELDS)
    if unknown:
        raise ValueError(f"Not engagement fields: {', '.join(sorted(unknown))}")
    out = _copy(tables)
    engagements = out["Engagements"]
    eid = new_id("ENG", _blank(fields.get("date")) or today, engagements["id"])
    row = {c: None for c in S.sheet("Engagements").column_names}
    row.update({k: _blank(v) for k, v in fields.items()})
    row.update(id=eid, source=first_hand_source(who, today))
    out["Engagements"] = pd.concat([engagements.astype(object), pd.DataFrame([row]).astype(object)],
                                   ignore_index=True)
    return out, eid
