"""Edits where the reader already is: "Update" on Recommendations, "Record an engagement" on Engagement
coverage. Editors only: the controls are not drawn for viewers, and every save checks again.

A save validates the whole map, shows the change in names first, and publishes one snapshot with
the editor as author (lasdash.pipeline.save_edit; lasdash.edits does the change itself).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lasdash import clock, edits, pipeline
from lasdash import schema as S
from lasdash.diff import describe_rows, diff_tables, row_label
from lasdash.ui import auth, data
from lasdash.ui.page import Context
from lasdash.ui.text import literal
from lasdash.validate import lookalike_people

FLASH, PENDING_ENGAGEMENT = "_edit_flash", "_pending_engagement"
UK = "DD/MM/YYYY"
REC_COLUMNS = {"id": "ID", "text": "Recommendation", "status": "Status", "owner": "Owner", "due": "Due",
               "progress_note": "Progress note"}


def show_flash() -> None:
    if flash := st.session_state.pop(FLASH, None):
        getattr(st, flash[0])(flash[1])


def save(base_id: str, edited: dict, note: str, what: str) -> None:
    """on_click handler: publish the previewed edit, if the user is (still) an editor."""
    st.session_state.pop(PENDING_ENGAGEMENT, None)
    who = auth.editor()
    if who is None:
        st.session_state[FLASH] = ("error", "Only editors can change the map. Nothing was saved.")
        return
    outcome = pipeline.save_edit(data.store(), base_id, edited, author=who, note=note.strip() or what)
    if outcome.manifest is not None:
        again = " It was made again on the newer map someone else had published." if outcome.reapplied else ""
        st.session_state[FLASH] = ("success", f"Saved as snapshot {outcome.manifest.id}.{again} Every page shows it.")
    elif outcome.conflicts:
        st.session_state[FLASH] = ("warning", "Not saved: someone changed the same thing meanwhile: " + "; ".join(
            literal(c.describe()) for c in outcome.conflicts) + ". Look again and redo your change if it still stands.")
    else:
        st.session_state[FLASH] = ("error", f"Not saved: {literal(outcome.validation.summary())}: " + "; ".join(
            literal(str(p)) for p in outcome.validation.errors[:3]))


def _preview(before: dict, after: dict, about: str = "") -> int:
    """What saving changes, under a heading ('about' is Markdown, its map values through literal()): a wrapped
    bullet per row in words with its field changes beneath, and the whole text of any row a bullet gives only the
    start of (a recommendation) one click away. Returns how many changes."""
    diffs = diff_tables(before, after)
    rows = describe_rows(diffs)
    count = sum(len(changes) or 1 for _, changes in rows)
    st.markdown(f"**What saving changes ({count})**" + (f": {about}" if about else ""))
    st.markdown("\n".join(f"- {literal(row)}" + "".join(f"\n  - {literal(c)}" for c in changes)
                          for row, changes in rows) or "No change")
    if whole := [text for d in diffs for text in d.full.values()]:
        with st.popover("The whole text", icon=":material/notes:"):
            for text in whole:
                st.text(text)  # not Markdown: the map's text as written
    return count


def recommendation_editor(ctx: Context, shown_ids: list[str]) -> None:
    """Status, owner, due date and progress note of the recommendations on the page, in an editable grid."""
    show_flash()  # also after a refused save, when the controls are no longer drawn
    if auth.editor() is None:
        return
    with st.expander("Update recommendations", icon=":material/edit:"):
        tables = data.tables(ctx.manifest.id)
        recs = tables["Recommendations"]
        grid = recs[recs["id"].isin(shown_ids)][list(REC_COLUMNS)].rename(columns=REC_COLUMNS)
        edited = st.data_editor(grid, key=f"rec_editor_{ctx.manifest.id}", hide_index=True,
                                disabled=["ID", "Recommendation"], column_config={
                                    "Status": st.column_config.SelectboxColumn(options=list(S.RECOMMENDATION_STATUSES)),
                                    "Due": st.column_config.DateColumn(format=UK),
                                    "Recommendation": st.column_config.TextColumn(width="large")})
        changes = {}
        for (_, old), (_, new) in zip(grid.iterrows(), edited.iterrows(), strict=True):
            fields = {c: new[REC_COLUMNS[c]] for c in edits.REC_FIELDS
                      if edits._blank(old[REC_COLUMNS[c]]) != edits._blank(new[REC_COLUMNS[c]])}
            if fields:
                changes[old["ID"]] = fields
        if not changes:
            st.caption("Change a status, owner, due date or progress note in the table: what it changes in the map "
                       "appears here before anything is saved. 'Last update' becomes today's date when a status "
                       "or progress note changes.")
            return
        after = edits.update_recommendations(tables, changes, clock.today())
        _preview(tables, after)
        note = st.text_input("Note for this snapshot (optional)", key="rec_note")
        st.button("Save as a new snapshot", type="primary", icon=":material/save:", key="rec_save", on_click=save,
                  args=(ctx.manifest.id, after, note, f"Updated {len(changes)} recommendation(s)"))


def _names(df: pd.DataFrame, with_title: bool = False) -> dict[str, str]:
    """ID -> what people call the row, with its aliases, for a searchable picker."""
    out = {}
    for r in df.astype(object).where(df.notna(), None).to_dict("records"):
        name = f"{r['title']} {r['name']}" if with_title and r.get("title") else r["name"]
        out[r["id"]] = name + (f" (also {r['aliases']})" if r.get("aliases") else "")
    return dict(sorted(out.items(), key=lambda kv: kv[1].casefold()))


def engagement_recorder(ctx: Context) -> None:
    """Record an engagement: picked by name, the ID generated, sourced to the editor and the day."""
    show_flash()
    who = auth.editor()
    if who is None:
        return
    with st.expander("Record an engagement", icon=":material/add_comment:"):
        tables = data.tables(ctx.manifest.id)
        orgs, people, forums = (_names(tables["Organisations"]), _names(tables["People"], with_title=True),
                                _names(tables["Forums"]))
        with st.form("record_engagement", clear_on_submit=False):
            when, period = st.columns(2)
            day = when.date_input("Date", value=None, format=UK)
            period_text = period.text_input("Or a period, as written", placeholder="e.g. June 2022 - March 2023")
            org = st.selectbox("Organisation", list(orgs), format_func=orgs.get, index=None, placeholder="Type to search")
            person = st.selectbox("Person", list(people), format_func=people.get, index=None, placeholder="Type to search")
            forum = st.selectbox("Forum", list(forums), format_func=forums.get, index=None, placeholder="Type to search")
            lead, mechanism, level = st.columns(3)
            fields = {
                "date": day, "period": period_text, "organisation_id": org, "person_id": person, "forum_id": forum,
                "las_lead": lead.text_input("LAS lead"), "mechanism": mechanism.text_input("Mechanism"),
                "level": level.selectbox("Level", list(S.ENGAGEMENT_LEVELS), index=None, placeholder="Not recorded"),
                "theme": st.text_input("Theme"), "summary": st.text_area("Summary"),
                "next_steps": st.text_area("Next steps"),
                "next_contact": st.date_input("Next contact", value=None, format=UK),
            }
            if st.form_submit_button("Check", icon=":material/fact_check:"):
                after, eid = edits.record_engagement(tables, fields, who, clock.today())
                st.session_state[PENDING_ENGAGEMENT] = (ctx.manifest.id, after, eid)
        pending = st.session_state.get(PENDING_ENGAGEMENT)
        if pending and pending[0] == ctx.manifest.id:
            base_id, after, eid = pending
            _preview(tables, after, f"a new engagement ({literal(eid)}), sourced to you and today")
            note = st.text_input("Note for this snapshot (optional)", key="engagement_note")
            st.button("Save as a new snapshot", type="primary", icon=":material/save:", key="engagement_save",
                      on_click=save, args=(base_id, after, note, f"Recorded: {row_label(after, 'Engagements', eid)}"))


def _pending(key: str, base_id: str, after: dict, what: str) -> None:
    st.session_state[key] = (base_id, after, what)


def _lookalikes_added(before: dict, after: dict) -> list[str]:
    """For each person the edit adds, the validator's warnings if they look like someone already on the map ('did
    you mean PER-angela-bhan?'), so the editor can pick that person instead."""
    old, new = before["People"], after["People"]
    added = new[~new["id"].isin(old["id"])]
    return [w for name in added["name"].dropna() for w in lookalike_people(str(name), old)]


def _save_pending(key: str, tables: dict, ctx: Context) -> None:
    """The preview of a checked edit and its Save button (the edit was made when the form was checked)."""
    pending = st.session_state.get(key)
    if pending and pending[0] == ctx.manifest.id:
        base_id, after, what = pending
        _preview(tables, after, literal(what))
        for warning in _lookalikes_added(tables, after):
            st.warning(literal(warning), icon=":material/person_search:")
        note = st.text_input("Note for this snapshot (optional)", key=f"{key}_note")
        st.button("Save as a new snapshot", type="primary", icon=":material/save:", key=f"{key}_save",
                  on_click=save, args=(base_id, after, note, what))


PENDING_SEAT, PENDING_ASSESSMENT = "_pending_seat", "_pending_assessment"
auth.forget_on_sign_out(PENDING_ENGAGEMENT, PENDING_SEAT, PENDING_ASSESSMENT)
REPLACE, END, ADD = "Replace who holds it", "End it", "Add a seat"


def seat_editor(ctx: Context, forum_ids: list[str] | None = None) -> None:
    """Replace who holds a seat (adding the person if they are new), end a seat, or add one."""
    show_flash()
    who = auth.editor()
    if who is None:
        return
    with st.expander("Change a seat", icon=":material/event_seat:"):
        tables = data.tables(ctx.manifest.id)
        roles = tables["Roles"]
        if forum_ids is not None:
            roles = roles[roles["forum_id"].isin(forum_ids)]
        people = _names(tables["People"], with_title=True)
        forums, orgs = _names(tables["Forums"]), _names(tables["Organisations"])
        open_seats = [r for r in roles.astype(object).where(roles.notna(), None).to_dict("records") if r["end_date"] is None]
        places = {r["id"]: f"{forums.get(r['forum_id']) or orgs.get(r['organisation_id']) or r['id']} \u2014 {r['role']}"
                  for r in open_seats}
        holders = {r["id"]: people.get(r["person_id"], "holder unknown") for r in open_seats}
        seats = {rid: f"{place}: {holders[rid]}" for rid, place in places.items()}
        action = st.radio("What to do", [REPLACE, END, ADD], horizontal=True, key="seat_action")
        with st.form("seat_form"):
            seat = None
            if action != ADD:
                seat = st.selectbox("Seat", list(seats), format_func=seats.get, index=None, placeholder="Type to search")
            if action == ADD:
                where = st.selectbox("Forum", list(forums), format_func=forums.get, index=None, placeholder="Type to search")
                role = st.selectbox("Role", list(S.ROLES), index=None)
            if action == END:
                end = st.date_input("Last day", value=clock.today(), format=UK)
            else:
                person = st.selectbox("Person on the map", list(people), format_func=people.get, index=None,
                                      placeholder="Type to search, or add someone new below")
                st.caption("Someone new to the map: give their name (and title and organisation) instead.")
                new_name, new_title = st.columns([3, 1])
                name, title = new_name.text_input("New person's name"), new_title.text_input("Title")
                org = st.selectbox("Their organisation", list(orgs), format_func=orgs.get, index=None)
            if st.form_submit_button("Check", icon=":material/fact_check:"):
                today = clock.today()
                after = tables
                if action != END and name.strip():
                    after, person = edits.add_person(after, name, who, today, title=title, organisation_id=org)
                    people[person] = " ".join(f"{title} {name}".split())
                if action == END and seat:
                    _pending(PENDING_SEAT, ctx.manifest.id, edits.end_seat(after, seat, end, who, today),
                             f"end {seats[seat]}")
                elif action == REPLACE and seat and person:
                    after, _ = edits.replace_seat_holder(after, seat, person, who, today)
                    _pending(PENDING_SEAT, ctx.manifest.id, after,
                             f"new holder for {places[seat]}: {people[person]} (was {holders[seat]})")
                elif action == ADD and where and role and person:
                    after, _ = edits.add_seat(after, {"forum_id": where, "role": role, "person_id": person,
                                                      "start_date": today}, who, today)
                    _pending(PENDING_SEAT, ctx.manifest.id, after, f"new seat: {forums[where]} \u2014 {role}")
                else:
                    st.warning("Choose the seat (or forum and role) and the person first.")
        _save_pending(PENDING_SEAT, tables, ctx)


def assessment_editor(ctx: Context) -> None:
    """Power, interest, target engagement level, LAS relationship owner and contact interval of an organisation."""
    show_flash()
    if auth.editor() is None:
        return
    with st.expander("Assess an organisation", icon=":material/edit_note:"):
        tables = data.tables(ctx.manifest.id)
        orgs = _names(tables["Organisations"])
        org = st.selectbox("Organisation", list(orgs), format_func=orgs.get, index=None, placeholder="Type to search",
                           key="assess_org")
        if org is None:
            return
        known = tables["Organisations"]
        now = known.astype(object).where(known.notna(), None).set_index("id").loc[org]
        levels = list(S.POWER_INTEREST)

        def pick(label, options, column, key):
            value = now[column] if isinstance(now[column], str) else None
            return st.selectbox(label, options, index=options.index(value) if value in options else None, key=key)

        with st.form(f"assess_{org}"):
            power, interest, target = st.columns(3)
            with power:
                p = pick("Power", levels, "power", f"power_{org}")
            with interest:
                i = pick("Interest", levels, "interest", f"interest_{org}")
            with target:
                t = pick("Target engagement", list(S.ENGAGEMENT_LEVELS), "target_level", f"target_{org}")
            owner = st.text_input("LAS relationship owner", value=now["las_owner"] or "", key=f"owner_{org}")
            days = st.number_input("Contact every (days)", min_value=1, step=1, key=f"days_{org}",
                                   value=None if now["contact_every_days"] is None else int(now["contact_every_days"]))
            if st.form_submit_button("Check", icon=":material/fact_check:"):
                after = edits.assess_organisation(tables, org, {"power": p, "interest": i, "target_level": t,
                                                                "las_owner": owner, "contact_every_days": days})
                _pending(PENDING_ASSESSMENT, ctx.manifest.id, after, f"assessment of {orgs[org]}")
        _save_pending(PENDING_ASSESSMENT, tables, ctx)
