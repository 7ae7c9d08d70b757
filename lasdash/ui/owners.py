"""Choosing an LAS owner: a team member (by role or name) or an owner the map names who is not on the team yet.
Stale relationships and My relationships share it, so both count the same rows for the same owner."""
from __future__ import annotations

import dataclasses

import streamlit as st

from lasdash import config, queries, team
from lasdash.ui import data
from lasdash.ui.page import Context

KEY = "owner"  # the widget's key and the link's query parameter: ?owner=NAME_OR_ROLE


def choices(ctx: Context) -> dict[str, str]:
    """What to pick -> how it reads: each team member by their name (or their role while the name is not known),
    then owners the map names who match nobody on the team."""
    return dict(_choices(str(config.data_dir()), ctx.manifest.id))


def team_table(ctx: Context):
    """The snapshot's LAS team sheet (small; a copy), without copying every sheet of the map as data.tables does."""
    return _team_table(str(config.data_dir()), ctx.manifest.id)


@st.cache_data(show_spinner=False, max_entries=8)
def _team_table(root: str, snapshot_id: str):
    return data.tables(snapshot_id)["LAS team"]


@st.cache_resource(show_spinner=False, max_entries=8)
def _choices(root: str, snapshot_id: str) -> dict[str, str]:
    """choices, once per store and snapshot (a snapshot never changes): at 100x the map, reading every owner cell on
    each rerun took 0.1 s. Shared by the sessions: `choices` hands each a copy."""
    tables = data.tables(snapshot_id)
    members = tables["LAS team"]
    out = {}
    for m in members.astype(object).where(members.notna(), None).to_dict("records"):
        out[(m["name"] or m["role"]).strip()] = team.label(m)
    keys = team.known(members)
    cells = [*tables["Organisations"]["las_owner"], *tables["Recommendations"]["owner"]]
    for other in sorted({part for cell in cells for part in team.unmatched(cell, keys)}, key=str.casefold):
        out.setdefault(other, f"{other} (not on the LAS team sheet)")
    return out


def resolve(ctx: Context, asked: str, options: dict[str, str]) -> str | None:
    """The option a link's ?owner= names: a team member by role or name (any case), or an owner as written."""
    members = team_table(ctx)
    wanted = set(team.keys_for(members, asked))
    for value in options:
        if wanted & set(team.keys_for(members, value)):
            return value
    return None


def picker(ctx: Context, label: str, everyone: str | None = None, help: str | None = None) -> str | None:
    """A team member (or `everyone`) to show the rows of, kept in the link as ?owner= (a role or a name both open
    it). None when nothing is chosen."""
    who = choices(ctx)
    options = [*([everyone] if everyone else []), *who]
    asked = st.query_params.get(KEY)
    if asked and asked != st.session_state.get(KEY):  # a link, not this page's own choice
        st.session_state[KEY] = resolve(ctx, asked, who) or (everyone if everyone else None)
    chosen = st.selectbox(label, options, key=KEY, index=0 if everyone else None, help=help,
                          placeholder="Choose a member of the LAS team",
                          format_func=lambda o: o if o == everyone else who.get(o, o), on_change=_to_link)
    return None if chosen in (None, everyone) else chosen


def _to_link() -> None:
    chosen = st.session_state.get(KEY)
    if chosen and chosen in choices(st.session_state["_context"]):
        st.query_params[KEY] = chosen
    else:
        st.query_params.pop(KEY, None)


def with_owner(ctx: Context, flt: queries.Filter, who: str) -> queries.Filter:
    """`flt` narrowed to what `who` (a role or name) owns, leads or attends, matched as the views match it."""
    keys = team.keys_for(team_table(ctx), who)
    return dataclasses.replace(flt, owner=who, owner_keys=keys)
