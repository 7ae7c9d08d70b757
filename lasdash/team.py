"""Who is who at LAS: matching the map's owners, leads and attendee roles to the LAS team sheet.

An owner, lead or attendee is written as a role ("Medical Director") or a name, ';' between several. A team member
is known by either: their role and their name both find them. Matching ignores case and spacing. Pure functions
over the LAS team table, shared by the validator, the views' owner filter and the pages.
"""
from __future__ import annotations

import re

import pandas as pd

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def norm(text: str) -> str:
    """What a role or name is matched by: spacing collapsed, lower case (as the views' owner filter matches, in SQL:
    queries.Filter.owner_clause)."""
    return " ".join(text.split()).lower()


def split(cell: object) -> list[str]:
    """The roles or names in one cell, as written ('A; B' -> ['A', 'B'])."""
    if not isinstance(cell, str):
        return []
    return [part.strip() for part in cell.split(";") if part.strip()]


def members(team: pd.DataFrame) -> list[dict]:
    """The team's rows as dicts, a blank cell as None."""
    return team.astype(object).where(team.notna(), None).to_dict("records")


def known(team: pd.DataFrame) -> set[str]:
    """Every role and name on the team, as matched."""
    return {norm(m[c]) for m in members(team) for c in ("role", "name") if isinstance(m[c], str) and m[c].strip()}


def unmatched(cell: object, team_keys: set[str]) -> list[str]:
    """The parts of a cell that name nobody on the team."""
    return [part for part in split(cell) if norm(part) not in team_keys]


def keys_for(team: pd.DataFrame | list[dict], who: str) -> tuple[str, ...]:
    """What finds `who` in an owner, lead or attendee cell: the roles and names of every team member whose role or
    name is `who`; just `who` when it matches nobody (an owner written as free text). `team` may be the table's
    records already (`members`), for a caller asking about every member."""
    wanted = norm(who)
    found = {norm(m[c]) for m in (team if isinstance(team, list) else members(team))
             if wanted in {norm(m[k]) for k in ("role", "name") if m[k]}
             for c in ("role", "name") if isinstance(m[c], str) and m[c].strip()}
    return tuple(sorted(found or {wanted}))


def label(member: dict) -> str:
    """'Medical Director: Jane Doe', or the role alone while the name is not known."""
    name = (member.get("name") or "").strip()
    return f"{member['role']}: {name}" if name else str(member["role"])


def member_by_email(team: pd.DataFrame, email: str) -> dict | None:
    """The team member whose email is `email` (ignoring case), if any."""
    wanted = email.strip().casefold()
    return next((m for m in members(team) if isinstance(m["email"], str) and m["email"].strip().casefold() == wanted
                 and wanted), None)
