"""Edits where the reader already is: "Update" on Recommendations, "Record an engagement" on Engagement
coverage (prefilled from a My relationships link), "Change a seat", the assessment grid on Priorities and the
sub-groups' default contact intervals. Editors only: the controls are not drawn for viewers, and every save checks
again.

A save validates the whole map, shows the change in names first, and publishes one snapshot with
the editor as author (lasdash.pipeline.save_edit; lasdash.edits does the change itself).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lasdash import clock, edits, pipeline, team
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
        edited = st.data_editor(grid, placeholder="–", key=f"rec_editor_{ctx.manifest.id}", hide_index=True,
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
                  args=(ctx.manifest.id, after, note, f"Updated {len(changes):,} recommendation(s)"))


def _names(df: pd.DataFrame, with_title: bool = False) -> dict[str, str]:
    """ID -> what people call the row, with its aliases, for a searchable picker."""
    out = {}
    for r in df.astype(object).where(df.notna(), None).to_dict("records"):
        name = f"{r['title']} {r['name']}" if with_title and r.get("title") else r["name"]
        out[r["id"]] = name + (f" (also {r['aliases']})" if r.get("aliases") else "")
    return dict(sorted(out.items(), key=lambda kv: kv[1].casefold()))


# A My relationships link: /engagement?record_org=<organisation ID>&record_lead=<LAS lead>
RECORD_ORG, RECORD_LEAD = "record_org", "record_lead"
RECORD_OPEN, ORG_PICK, LEAD_TEXT = "record_engagement_open", "record_engagement_org", "record_engagement_lead"
RECORD_LINK_NOTE = "_record_link_note"
LEAD_MAX = 200  # a lead is a role or a name or two: a link cannot stuff the form


def _prefill_from_link(orgs: dict[str, str]) -> None:
    """Open the recorder with the organisation and LAS lead a link names, once: the parameters leave the URL, so a
    reload after saving does not fill the form again. The organisation must be an ID on the map (else nothing is
    picked); the lead is plain text for a text input."""
    if RECORD_ORG not in st.query_params and RECORD_LEAD not in st.query_params:
        return
    org, lead = st.query_params.get(RECORD_ORG), st.query_params.get(RECORD_LEAD) or ""
    for param in (RECORD_ORG, RECORD_LEAD):
        st.query_params.pop(param, None)
    st.session_state[ORG_PICK] = org if org in orgs else None
    st.session_state[LEAD_TEXT] = " ".join(lead.split())[:LEAD_MAX].strip()
    st.session_state[RECORD_OPEN] = True
    st.session_state[RECORD_LINK_NOTE] = org is not None and org not in orgs


def engagement_recorder(ctx: Context) -> None:
    """Record an engagement: picked by name, the ID generated, sourced to the editor and the day."""
    show_flash()
    who = auth.editor()
    if who is None:
        return  # a link's parameters stay in the URL: they fill the form once the reader unlocks editing
    tables = data.tables(ctx.manifest.id)
    orgs, people, forums = (_names(tables["Organisations"]), _names(tables["People"], with_title=True),
                            _names(tables["Forums"]))
    _prefill_from_link(orgs)
    # tracked (a key and a rerun on toggle) so a link can open it; its content is drawn open or closed, as before
    with st.expander("Record an engagement", icon=":material/add_comment:", key=RECORD_OPEN, on_change="rerun"):
        if st.session_state.pop(RECORD_LINK_NOTE, False):  # said once
            st.caption("The link named an organisation that is not on the map: pick it by name.")
        with st.form("record_engagement", clear_on_submit=False):
            when, period = st.columns(2)
            day = when.date_input("Date", value=None, format=UK)
            period_text = period.text_input("Or a period, as written", placeholder="e.g. June 2022 - March 2023")
            org = st.selectbox("Organisation", list(orgs), format_func=orgs.get, index=None, placeholder="Type to search",
                               key=ORG_PICK)
            person = st.selectbox("Person", list(people), format_func=people.get, index=None, placeholder="Type to search")
            forum = st.selectbox("Forum", list(forums), format_func=forums.get, index=None, placeholder="Type to search")
            lead, mechanism, level = st.columns(3)
            fields = {
                "date": day, "period": period_text, "organisation_id": org, "person_id": person, "forum_id": forum,
                "las_lead": lead.text_input("LAS lead", key=LEAD_TEXT), "mechanism": mechanism.text_input("Mechanism"),
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


ASSESS_COLUMNS = {c.name: c.header for c in S.sheet("Organisations").columns if c.name in edits.ASSESSMENT_FIELDS}
ASSESS_OPEN, SUB_GROUP_OPEN = "assess_grid_open", "sub_group_intervals_open"
GRID_MAX = 500  # rows in the assessment grid: past this, narrow the filter (the bundled map has 121 organisations)


def _days_column() -> dict:
    """Whole days, at least one (a new config each time: Streamlit may update a grid's config in place)."""
    return st.column_config.NumberColumn(min_value=1, step=1, format="%d")


def _days(value: object) -> object:
    """A grid's number as the integer it shows (the grid may hand back 90.0); anything else for the validator."""
    value = edits._blank(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _grid_changes(grid: pd.DataFrame, edited: pd.DataFrame, columns: dict[str, str]) -> dict[str, dict]:
    """{row ID (the grid's index): {field: new value}} for the cells that changed."""
    changes = {}
    for (key, old), (_, new) in zip(grid.iterrows(), edited.iterrows(), strict=True):
        fields = {}
        for field, label in columns.items():
            before, after = edits._blank(old[label]), edits._blank(new[label])
            if field == "contact_every_days":
                before, after = _days(before), _days(after)
            if before != after:
                fields[field] = after
        if fields:
            changes[key] = fields
    return changes


def _save_grid(key: str, base_id: str, tables: dict, after: dict, what: str) -> None:
    """A grid's preview, note and Save (the note's key is what a restart is recognised by: lasdash.ui.editing)."""
    _preview(tables, after)
    note = st.text_input("Note for this snapshot (optional)", key=f"{key}_note")
    st.button("Save as a new snapshot", type="primary", icon=":material/save:", key=f"{key}_save", on_click=save,
              args=(base_id, after, note, what))


def _owner_options(ctx: Context, cells) -> dict[str, str]:
    """Owner value -> how it reads: each LAS team role ('Medical Director: Dr Jane Doe'), and every value already in
    the grid, so a cell naming several, or someone not on the team, keeps its value. A pick records the role, not
    the name: the relationship stays with the role when its holder changes, and both still find it."""
    members = data.tables(ctx.manifest.id)["LAS team"]
    options = {str(m["role"]).strip(): team.label(m)
               for m in members.astype(object).where(members.notna(), None).to_dict("records")}
    for cell in cells:
        if value := edits._blank(cell):
            options.setdefault(value, value)
    return options


def assessment_grid(ctx: Context, org_ids: list[str]) -> None:
    """Power, interest, target engagement, LAS relationship owner and contact interval of the organisations the page
    shows, in one editable grid: one save, one snapshot. The expander keeps its state (a key), so after a save the
    editor finds the grid open, with the new values."""
    show_flash()
    if auth.editor() is None:
        return
    box = st.expander("Assess organisations", icon=":material/edit_note:", key=ASSESS_OPEN, on_change="rerun")
    if not box.open:  # drawn only when open: the grid is the page's heaviest element
        return
    with box:
        tables = data.tables(ctx.manifest.id)
        orgs = tables["Organisations"].set_index("id")
        sub_groups = tables["Sub-groups"].set_index("id")
        ids = [i for i in dict.fromkeys(org_ids) if i in orgs.index]
        if not ids:
            st.caption("No organisation under the filter.")
            return
        rows = orgs.loc[ids[:GRID_MAX]]
        # the editable cells first, the read-only sub-group last (its names are long)
        grid = pd.DataFrame({"Organisation": rows["name"],
                             **{label: rows[field] for field, label in ASSESS_COLUMNS.items()},
                             "Sub-group default": rows["sub_group_id"].map(sub_groups["contact_every_days"]),
                             "Sub-group": rows["sub_group_id"].map(sub_groups["name"])},
                            index=rows.index.rename("ID"))
        how_many = (f"{len(grid):,} of the {len(ids):,} organisations under the filter (narrow it to see the rest)"
                    if len(ids) > len(grid) else f"{len(grid):,} organisation{'s' * (len(grid) != 1)} under the filter")
        st.caption(f"{how_many}, one a row. A blank 'Contact every (days)' follows the sub-group's default, shown "
                   "beside it; a number of the organisation's own overrides it. Set the defaults on the Sub-groups "
                   "page.")
        levels, owner_options = list(S.POWER_INTEREST), _owner_options(ctx, rows["las_owner"])
        edited = st.data_editor(
            grid, key=f"assess_editor_{ctx.manifest.id}", hide_index=True, placeholder="–",
            disabled=["Organisation", "Sub-group", "Sub-group default"], column_config={
                "Organisation": st.column_config.TextColumn(width="medium", pinned=True),  # seen while scrolling
                "Sub-group": st.column_config.TextColumn(width="large"),
                "Power": st.column_config.SelectboxColumn(options=levels),
                "Interest": st.column_config.SelectboxColumn(options=levels),
                "Target engagement": st.column_config.SelectboxColumn(options=list(S.ENGAGEMENT_LEVELS)),
                "LAS relationship owner": st.column_config.SelectboxColumn(
                    options=list(owner_options), format_func=owner_options.get, width="medium"),
                "Contact every (days)": _days_column(),
                "Sub-group default": st.column_config.NumberColumn(
                    format="%d", help="The sub-group's default interval: what a blank 'Contact every (days)' means")})
        changes = _grid_changes(grid, edited, ASSESS_COLUMNS)
        if not changes:
            st.caption("Change any cell: what it changes in the map appears here before anything is saved.")
            return
        after = edits.assess_organisations(tables, changes)
        _save_grid(PENDING_ASSESSMENT, ctx.manifest.id, tables, after, f"Assessed {len(changes):,} organisation(s)")


def sub_group_interval_editor(ctx: Context, sub_group_ids: list[str]) -> None:
    """The default 'Contact every (days)' of the sub-groups the page shows, in one small grid: one save, one
    snapshot. An organisation's own interval overrides its sub-group's."""
    show_flash()
    if auth.editor() is None:
        return
    box = st.expander("Set default contact intervals", icon=":material/update:", key=SUB_GROUP_OPEN,
                      on_change="rerun")
    if not box.open:
        return
    with box:
        tables = data.tables(ctx.manifest.id)
        rows = tables["Sub-groups"].set_index("id")
        rows = rows.loc[[i for i in dict.fromkeys(sub_group_ids) if i in rows.index]]
        columns = {"contact_every_days": "Contact every (days)"}
        grid = pd.DataFrame({"Sub-group": rows["name"], "Contact every (days)": rows["contact_every_days"]},
                            index=rows.index.rename("ID"))
        edited = st.data_editor(grid, placeholder="–", key=f"sub_group_editor_{ctx.manifest.id}",
                                disabled=["ID", "Sub-group"],
                                column_config={"Sub-group": st.column_config.TextColumn(width="large"),
                                               "Contact every (days)": _days_column()})
        changes = _grid_changes(grid, edited, columns)
        if not changes:
            st.caption("Set a sub-group's interval in days (blank: none): its organisations without an interval of "
                       "their own follow it. What it changes appears here before anything is saved.")
            return
        after = edits.set_sub_group_intervals(tables, {sg: f["contact_every_days"] for sg, f in changes.items()})
        _save_grid("sub_group_intervals", ctx.manifest.id, tables, after,
                   f"Default contact interval of {len(changes):,} sub-group(s)")
