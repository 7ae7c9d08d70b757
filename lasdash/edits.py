"""Edits made in the app (or the CLI): small, named changes to the map's tables.

Each function takes the tables of one snapshot and returns new tables with the change made; it
never touches the store, and never changes a table it is given: the sheets it does not change are
returned as the very tables given (validation and publishing then know them for the snapshot's own).
Saving goes through `pipeline.save_edit`, which validates the map as an upload would (only what the
edit touched, when the snapshot passed the same rules: validate._incremental) and publishes a snapshot. What an editor records first-hand has no source
document: its Source says who recorded it and when, e.g. 'Recorded in lasdash by Jane Smith,
01/12/2026', and no Documents row is invented for it.
"""
from __future__ import annotations

import datetime as dt
import math
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


GENERATED_ID = re.compile(r"^(?P<prefix>[A-Z]+)-(?P<day>\d{8})-\d{3}$")  # what new_id makes


def renumber_added(base: dict[str, pd.DataFrame], current: dict[str, pd.DataFrame],
                   edited: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """`edited` with each row it added under a generated ID (new_id) that someone else has taken meanwhile given the
    next free number that day: two editors recording engagements on one day both keep theirs."""
    out = edited
    for sheet, df in edited.items():
        key = S.sheet(sheet).key
        added = set(df[key].astype(str)) - set(base[sheet][key].astype(str))
        taken = set(current[sheet][key].astype(str)) | set(df[key].astype(str))
        renames = {}
        for old_id in sorted(added & set(current[sheet][key].astype(str))):
            if m := GENERATED_ID.match(old_id):
                new = new_id(m["prefix"], dt.datetime.strptime(m["day"], "%Y%m%d").date(), taken)
                renames[old_id] = new
                taken.add(new)
        if renames:
            out = {**out, sheet: df.assign(**{key: df[key].replace(renames)})}
    return out


def _copy(tables: dict[str, pd.DataFrame], *changing: str) -> dict[str, pd.DataFrame]:
    """New tables: a copy of each sheet the edit changes; every other sheet is the very table given, so that
    validation and publishing see it is the base snapshot's (a table read from a snapshot is never changed in place)."""
    return {k: v.copy(deep=True) if k in changing else v for k, v in tables.items()}


def _blank(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
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
    out = _copy(tables, "Recommendations")
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


def _add_row(tables: dict[str, pd.DataFrame], sheet: str, fields: dict[str, object], allowed: tuple[str, ...],
             row_id: str, who: str, today: dt.date) -> tuple[dict[str, pd.DataFrame], str]:
    """A first-hand row: the given fields (only those allowed), the new ID, and who recorded it when."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"Not {sheet} fields: {', '.join(sorted(unknown))}")
    out = _copy(tables, sheet)
    row = {c: None for c in S.sheet(sheet).column_names}
    row.update({k: _blank(v) for k, v in fields.items()})
    row.update(id=row_id, source=first_hand_source(who, today))
    out[sheet] = pd.concat([out[sheet].astype(object), pd.DataFrame([row]).astype(object)], ignore_index=True)
    return out, row_id


def record_engagement(tables: dict[str, pd.DataFrame], fields: dict[str, object], who: str,
                      today: dt.date) -> tuple[dict[str, pd.DataFrame], str]:
    """Add one engagement, sourced to the editor and the day; returns the new tables and the new row's ID."""
    eid = new_id("ENG", _blank(fields.get("date")) or today, tables["Engagements"]["id"])
    return _add_row(tables, "Engagements", fields, ENGAGEMENT_FIELDS, eid, who, today)


ASSESSMENT_FIELDS = ("power", "interest", "target_level", "las_owner", "contact_every_days")
SEAT_FIELDS = ("person_id", "forum_id", "organisation_id", "role", "programme", "area", "footprint", "start_date")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "person"


def add_person(tables: dict[str, pd.DataFrame], name: str, who: str, today: dt.date, *, title: str | None = None,
               organisation_id: str | None = None) -> tuple[dict[str, pd.DataFrame], str]:
    """A person new to the map, sourced to the editor; the ID is 'PER-' and their name, made unique."""
    out = _copy(tables, "People")
    people = out["People"]
    base = f"PER-{_slug(name)}"
    pid, n = base, 2
    while pid in set(people["id"]):
        pid, n = f"{base}-{n}", n + 1
    row = {c: None for c in S.sheet("People").column_names}
    row.update(id=pid, name=name.strip(), title=_blank(title), organisation_id=_blank(organisation_id),
               source=first_hand_source(who, today))
    out["People"] = pd.concat([people.astype(object), pd.DataFrame([row]).astype(object)], ignore_index=True)
    return out, pid


def _seats(out: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return out["Roles"].astype(object).set_index("id", drop=False)


def _note(old: object, words: str) -> str:
    return f"{old} {words}" if _blank(old) else words


def replace_seat_holder(tables: dict[str, pd.DataFrame], seat_id: str, person_id: str, who: str,
                        today: dt.date) -> tuple[dict[str, pd.DataFrame], str]:
    """A new holder for a seat (a new JHOSC chair, a new SRO). The old holder's seat ends yesterday and keeps its
    citation; the new holder's seat starts today, sourced to the editor. A seat with no known holder is
    filled in place. Returns the tables and the ID of the seat the person now holds."""
    out = _copy(tables, "Roles")
    seats = _seats(out)
    if seat_id not in seats.index:
        raise KeyError(f"No seat {seat_id}")
    old = seats.loc[seat_id]
    stamp = f"(recorded in lasdash by {who}, {today:%d/%m/%Y})"
    if _blank(old["person_id"]) is None:  # a gap: its holder is now known
        seats.at[seat_id, "person_id"] = person_id
        seats.at[seat_id, "note"] = _note(old["note"], f"Holder {stamp}.")
        out["Roles"] = seats.reset_index(drop=True)
        return out, seat_id
    seats.at[seat_id, "end_date"] = today - dt.timedelta(days=1)  # their last day; the new holder's first is today
    seats.at[seat_id, "note"] = _note(old["note"], f"Ended {stamp}.")
    new = {**old.to_dict(), "id": new_id("R", today, seats.index), "person_id": person_id, "start_date": today,
           "end_date": None, "note": None, "source": first_hand_source(who, today)}
    out["Roles"] = pd.concat([seats.reset_index(drop=True), pd.DataFrame([new]).astype(object)], ignore_index=True)
    return out, new["id"]


def add_seat(tables: dict[str, pd.DataFrame], fields: dict[str, object], who: str,
             today: dt.date) -> tuple[dict[str, pd.DataFrame], str]:
    return _add_row(tables, "Roles", fields, SEAT_FIELDS, new_id("R", today, tables["Roles"]["id"]), who, today)


def end_seat(tables: dict[str, pd.DataFrame], seat_id: str, end: dt.date, who: str, today: dt.date) -> dict:
    out = _copy(tables, "Roles")
    seats = _seats(out)
    if seat_id not in seats.index:
        raise KeyError(f"No seat {seat_id}")
    seats.at[seat_id, "end_date"] = end
    seats.at[seat_id, "note"] = _note(seats.at[seat_id, "note"], f"Ended (recorded in lasdash by {who}, {today:%d/%m/%Y}).")
    out["Roles"] = seats.reset_index(drop=True)
    return out


def assess_organisation(tables: dict[str, pd.DataFrame], org_id: str, fields: dict[str, object]) -> dict:
    """Power, interest, target engagement level, LAS relationship owner and contact interval of one organisation."""
    return assess_organisations(tables, {org_id: fields})


def assess_organisations(tables: dict[str, pd.DataFrame], changes: dict[str, dict[str, object]]) -> dict:
    """The assessment fields (ASSESSMENT_FIELDS) of many organisations at once, by ID: one edit, one snapshot."""
    return _set_fields(tables, "Organisations", changes, ASSESSMENT_FIELDS)


TEAM_FIELDS = ("role", "name", "email", "note")


def set_sub_group_intervals(tables: dict[str, pd.DataFrame], days: dict[str, object]) -> dict:
    """The default contact interval of sub-groups, by ID (None clears it): their organisations without an interval
    of their own follow it."""
    return _set_fields(tables, "Sub-groups", {sg: {"contact_every_days": d} for sg, d in days.items()},
                       ("contact_every_days",))


def update_team(tables: dict[str, pd.DataFrame], changes: dict[str, dict[str, object]], who: str,
                today: dt.date) -> dict:
    """Role, name, email and note of LAS team members, by ID. A member whose name or email changes is sourced to the
    editor too: 'LT04' keeps '000 Chart 2' for its role and gains 'Recorded in lasdash by …' for who holds it."""
    out = _set_fields(tables, "LAS team", changes, TEAM_FIELDS)
    team = out["LAS team"].astype(object).set_index("id", drop=False)
    stamp = first_hand_source(who, today)
    before = tables["LAS team"].astype(object).set_index("id")
    for member, fields in changes.items():
        if any(_blank(before.at[member, c]) != _blank(v) for c, v in fields.items() if c in ("name", "email")):
            cited = _blank(team.at[member, "source"])
            parts = [p.strip() for p in (cited or "").split(";") if p.strip() and not is_first_hand(p.strip())]
            team.at[member, "source"] = "; ".join([*parts, stamp])
    out["LAS team"] = team.reset_index(drop=True)
    return out


def add_team_member(tables: dict[str, pd.DataFrame], fields: dict[str, object], who: str,
                    today: dt.date) -> tuple[dict[str, pd.DataFrame], str]:
    """A role new to the team, sourced to the editor: ID 'LT' and the next free number."""
    taken = set(tables["LAS team"]["id"].astype(str))
    n = len(taken) + 1
    while f"LT{n:02d}" in taken:
        n += 1
    return _add_row(tables, "LAS team", fields, TEAM_FIELDS, f"LT{n:02d}", who, today)


def _set_fields(tables: dict[str, pd.DataFrame], sheet: str, changes: dict[str, dict[str, object]],
                allowed: tuple[str, ...]) -> dict:
    """Set the given fields of rows (by key) of one sheet; only `allowed` fields, only rows that exist."""
    for fields in changes.values():
        if unknown := set(fields) - set(allowed):
            raise ValueError(f"Only {', '.join(allowed)} can be set here, not {', '.join(sorted(unknown))}")
    out = _copy(tables, sheet)
    rows = out[sheet].astype(object).set_index(S.sheet(sheet).key, drop=False)
    for key, fields in changes.items():
        if key not in rows.index:
            raise KeyError(f"No {sheet} row {key}")
        for column, value in fields.items():
            rows.at[key, column] = _blank(value)
    out[sheet] = rows.reset_index(drop=True)
    return out
