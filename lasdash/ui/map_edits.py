"""Edits where the reader already is: "Update" on Recommendations, "Record an engagement" on Engagement
coverage. Editors only: the controls are not drawn for viewers, and every save checks again.

A save validates the whole map, shows the change in names first, and publishes one snapshot with
the editor as author (lasdash.pipeline.save_edit; lasdash.edits does the change itself).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lasdash import edits, pipeline
from lasdash import schema as S
from lasdash.snapshots import describe, diff_tables
from lasdash.ui import auth, data
from lasdash.ui.page import Context
from lasdash.ui.text import literal

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


def _preview(before: dict, after: dict) -> list[str]:
    lines = describe(diff_tables(before, after))
    st.code("\n".join(lines) or "No change", language=None)
    return lines


def recommendation_editor(ctx: Context, shown_ids: list[str]) -> None:
    """Status, owner, due date and progress note of the recommendations on the page, in an editable grid."""
    show_flash()  # also after a refused save, when the controls are no longer drawn
    if auth.editor() is None:
        return
    with st.expander("Update recommendations", icon=":material/edit:"):
        tables = data.store().read_all(ctx.manifest.id)
        recs = tables["Recommendations"]
        grid = recs[recs["id"].isin(shown_ids)][list(REC_COLUMNS)].rename(columns=REC_COLUMNS)
        edited = st.data_editor(grid, key=f"rec_editor_{ctx.manifest.id}", hide_index=True,
                                disabled=["ID", "Recommendation"], column_config={
                                    "Status": st.column_config.SelectboxColumn(options=list(S.RECOMMENDATION_STATUSES)),
                                    "Due": st.column_config.DateColumn(format=UK),
                                    "Recommendation": st.column_config.TextColumn(width="large")})
        changes = {}
        for (_, old), (_, new) in zip(grid.iterrows(), edited.iterrows()):
            fields = {c: new[REC_COLUMNS[c]] for c in edits.REC_FIELDS
                      if edits._blank(old[REC_COLUMNS[c]]) != edits._blank(new[REC_COLUMNS[c]])}
            if fields:
                changes[old["ID"]] = fields
        if not changes:
            st.caption("Change a status, owner, due date or progress note in the table: what it changes in the map "
                       "appears here before anything is saved. 'Last update' becomes today's date when a status "
                       "or progress note changes.")
            return
        after = edits.update_recommendations(tables, changes, dt.date.today())
        st.markdown(f"**What saving changes ({len(_preview(tables, after))})**")
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
        tables = data.store().read_all(ctx.manifest.id)
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
                after, eid = edits.record_engagement(tables, fields, who, dt.date.today())
                st.session_state[PENDING_ENGAGEMENT] = (ctx.manifest.id, after, eid)
        pending = st.session_state.get(PENDING_ENGAGEMENT)
        if pending and pending[0] == ctx.manifest.id:
            base_id, after, eid = pending
            st.markdown(f"**What saving changes** (new engagement {eid}, sourced to you and today)")
            _preview(tables, after)
            note = st.text_input("Note for this snapshot (optional)", key="engagement_note")
            st.button("Save as a new snapshot", type="primary", icon=":material/save:", key="engagement_save",
                      on_click=save, args=(base_id, after, note, f"Recorded engagement {eid}"))
