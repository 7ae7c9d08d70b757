"""Sidebar filters, bound to the URL (?hcp=SWL&sub_group=...) so a filtered view is a shareable link.

Streamlit's binding silently drops values it does not know; we look at the raw link first so a
person who followed a bad link is told what was ignored.
"""
from __future__ import annotations

import streamlit as st

from lasdash import schema as S
from lasdash.queries import Filter
from lasdash.ui.text import literal

HCP_KEY, SUB_GROUP_KEY, WIDER_KEY = "hcp", "sub_group", "wider"
_NOTES_KEY = "_filter_notes"


def _read_link(sub_group_names: dict[str, str]) -> list[str]:
    """On a session's first run, translate what the link says into widget state; return notes on what was ignored."""
    notes = []
    if HCP_KEY not in st.session_state and HCP_KEY in st.query_params:
        raw = st.query_params.get_all(HCP_KEY)
        good = [c for r in raw for c in S.HCP_CODES if c.lower() == r.strip().lower()]
        bad = [r for r in raw if r.strip() and r.strip().upper() not in S.HCP_CODES]
        if good:
            st.session_state[HCP_KEY] = list(dict.fromkeys(good))
        if bad:
            notes.append(f"Ignored unknown HCP {', '.join(literal(repr(b)) for b in bad)} in the link; "
                         f"expected one of {', '.join(S.HCP_CODES)}.")
    if SUB_GROUP_KEY not in st.session_state and SUB_GROUP_KEY in st.query_params:
        raw = st.query_params.get_all(SUB_GROUP_KEY)
        lookup = {k.lower(): sid for sid, name in sub_group_names.items() for k in (sid, name)}
        good = [lookup[r.strip().lower()] for r in raw if r.strip().lower() in lookup]
        bad = [r for r in raw if r.strip() and r.strip().lower() not in lookup]
        if good:
            st.session_state[SUB_GROUP_KEY] = list(dict.fromkeys(good))
        if bad:
            notes.append(f"Ignored unknown sub-group {', '.join(literal(repr(b)) for b in bad)} in the link.")
    if WIDER_KEY not in st.session_state and WIDER_KEY in st.query_params:
        raw = st.query_params.get(WIDER_KEY, "").strip().lower()
        if raw in ("true", "false"):
            st.session_state[WIDER_KEY] = raw == "true"
        else:
            notes.append(f"Ignored {WIDER_KEY}={literal(repr(raw))} in the link; expected true or false.")
    return notes


def _clear() -> None:
    st.session_state[HCP_KEY] = []
    st.session_state[SUB_GROUP_KEY] = []
    st.session_state[WIDER_KEY] = True
    st.session_state[_NOTES_KEY] = []


def sidebar(sub_group_names: dict[str, str]) -> Filter:
    """Draw the filters in the sidebar and return the Filter in force."""
    notes = _read_link(sub_group_names)
    if notes:
        st.session_state[_NOTES_KEY] = notes
    with st.sidebar:
        st.markdown("**Filters**")
        hcps = st.pills("Health and Care Partnership", S.HCP_CODES, selection_mode="multi", key=HCP_KEY,
                        bind="query-params", help="Show the chosen HCP footprints. None chosen: all of London.")
        wider = st.toggle("Include London-wide and national", value=True, key=WIDER_KEY, bind="query-params",
                          help="Show pan-London and national bodies alongside the chosen HCPs.")
        sub_groups = st.multiselect("Stakeholder sub-group", list(sub_group_names), format_func=sub_group_names.get,
                                    key=SUB_GROUP_KEY, bind="query-params", placeholder="All sub-groups")
        st.button("Clear filters", on_click=_clear, icon=":material/filter_alt_off:")
        for note in st.session_state.get(_NOTES_KEY, []):
            st.warning(note, icon=":material/link_off:")
    ordered = tuple(c for c in S.HCP_CODES if c in (hcps or []))
    return Filter(ordered, tuple(s for s in sub_group_names if s in (sub_groups or [])), bool(wider))


def link_params(flt: Filter, sub_group_names: dict[str, str]) -> dict[str, list[str] | str]:
    """The query parameters that reproduce a filter, for st.page_link."""
    params: dict[str, list[str] | str] = {}
    if flt.hcps:
        params[HCP_KEY] = list(flt.hcps)
    if flt.sub_groups:
        params[SUB_GROUP_KEY] = [sub_group_names[s] for s in flt.sub_groups]
    if not flt.include_wider:
        params[WIDER_KEY] = "false"
    return params
