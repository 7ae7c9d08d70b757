"""What is mine to do? An LAS team member's organisations, next contacts, forums to attend and open recommendations."""
import datetime as dt
from collections import Counter
from urllib.parse import quote, urlencode

import pandas as pd
import streamlit as st

from lasdash import clock, edits, reminders, team
from lasdash.editors import OFF
from lasdash.ui import auth, brief_links, data, map_edits, owners, page, relationship_figures
from lasdash.ui.text import literal

UK_DATE = st.column_config.DateColumn(format="DD MMM YYYY")
DAYS_AHEAD = 28  # next_contacts.sql looks this far ahead
TEAM_COLUMNS = {"id": "ID", "role": "Role", "name": "Name", "email": "Email", "note": "Note", "source": "Source"}
PENDING_MEMBER = "_pending_team_member"
auth.forget_on_sign_out(PENDING_MEMBER)


def blank(value: object) -> str | None:
    """A grid cell as the map stores it: None for empty."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return str(value).strip() or None


def member_for(members: pd.DataFrame, who: str) -> dict | None:
    """The team member `who` (a role or name) is, if any."""
    wanted = team.norm(who)
    rows = members.astype(object).where(members.notna(), None).to_dict("records")
    return next((m for m in rows if wanted in {team.norm(m[k]) for k in ("name", "role") if m[k]}), None)


def org_ids(tables: dict) -> dict[tuple[str, str | None], str]:
    """(name, footprint) -> organisation ID, for the rows of the relationships view (which has no ID column); a name
    and footprint two organisations share gets no link rather than the wrong one."""
    orgs = tables["Organisations"].astype(object)
    keys = list(zip(orgs["name"], orgs["footprint"].where(orgs["footprint"].notna(), None), strict=True))
    seen = Counter(keys)  # keys.count per key was quadratic: minutes at 100x the map
    once = {k for k in keys if seen[k] == 1}
    return {k: i for k, i in zip(keys, orgs["id"], strict=True) if k in once}


def record_url(org_id: str | None, lead: str) -> str | None:
    """Engagement coverage's "Record an engagement", the organisation and LAS lead filled in (relative, as a sibling
    page, like brief links)."""
    if org_id is None:
        return None
    return "engagement?" + urlencode({"record_org": org_id, "record_lead": lead}, quote_via=quote)


def say_empty(text: str) -> None:
    """An empty section in words (`text` is Markdown: map values through literal())."""
    st.info(text + (" The sidebar's filter is in force: clear it to see all of theirs." if filtered else ""),
            icon=":material/info:")


ctx = page.header("My relationships", "What is mine to do: the organisations I own, the contacts I have planned, "
                                      "the forums my role should attend and the recommendations I own?")
members = owners.team_table(ctx)  # not data.tables: every sheet of the map copied on each rerun, for editors only


def map_tables() -> dict:
    """Every sheet of the snapshot (a copy), for an editor's changes and the engagement links."""
    return data.tables(ctx.manifest.id)


filtered = bool(ctx.flt.hcps or ctx.flt.sub_groups or not ctx.flt.include_wider)
email = auth.signed_in_email()
me = team.member_by_email(members, email) if email else None
options = owners.choices(ctx)
if st.session_state.get(owners.KEY) not in options:  # e.g. "Everyone", left by Stale relationships' picker
    st.session_state.pop(owners.KEY, None)
if me is not None and not st.query_params.get(owners.KEY) and owners.KEY not in st.session_state:
    # signed in as someone on the team: their own list, unless a link or the picker chose another
    st.query_params[owners.KEY] = st.session_state[owners.KEY] = (me["name"] or me["role"]).strip()
who = owners.picker(ctx, "LAS team member", help="Whose list to show: a role or a name from the LAS team sheet (a "
                                                 "shareable link). Signed in, your own list opens first.")


def nobody_chosen() -> None:
    st.info("Choose a member of the LAS team above, by role or name, to see the organisations they own, their next "
            "contacts, the forums their role should attend and the recommendations they own.",
            icon=":material/person_search:")
    if email and me is None:
        st.warning(f"Your email {literal(email)} is not on the LAS team sheet; ask an editor to add it.",
                   icon=":material/person_off:")
    st.subheader("The LAS team")
    page.table(ctx, "las_team", key="las_team")


def relationships_section(flt, words: str, lead: str) -> None:
    st.subheader("Organisations owned")
    rel = ctx.run("relationships", flt)
    if rel.empty:
        say_empty(f"No organisation has {words} as its LAS relationship owner yet: set owners on Priorities "
                  "(editors), or in the 'LAS relationship owner' column of the Organisations sheet.")
        return
    fig = relationship_figures.figures(ctx, flt)  # what Stale relationships counts for the same owner
    if fig.n:
        page.kpis(fig.kpis())
        st.markdown(fig.badges())
    st.caption("By relationship state, overdue and never contacted first, as on Stale relationships.")
    shown = rel.assign(Brief=brief_links.urls("organisation", rel["Organisation"]))
    config = {"Last contact": UK_DATE, "Contact due": UK_DATE, "Brief": brief_links.column()}
    if auth.policy().mode != OFF:  # the link fills in Engagement coverage's form, for an editor
        ids = org_ids(map_tables())
        footprints = rel["Footprint"].astype(object).where(rel["Footprint"].notna(), None)
        shown.insert(1, "Record an engagement", [record_url(ids.get((n, f)), lead)
                                                 for n, f in zip(rel["Organisation"], footprints, strict=True)])
        config["Record an engagement"] = st.column_config.LinkColumn(
            display_text="Record an engagement", help="Record an engagement with this organisation, the LAS lead "
                                                      "filled in (editors: Engagement coverage)")
    page.table(ctx, "relationships", shown, key="mine_relationships", flt=flt, column_config=config)


def section(heading: str, view: str, flt, key: str, empty: str, caption: str, column_config=None) -> None:
    """One of the page's lists: its rows, or what is missing in words (`empty`, `caption`: Markdown, map values
    through literal())."""
    st.subheader(heading)
    rows = ctx.run(view, flt)
    if rows.empty:
        say_empty(empty)
        return
    st.caption(caption)
    page.table(ctx, view, rows, key=key, flt=flt, column_config=column_config)


def next_contacts_section(flt, words: str) -> None:
    until = clock.today() + dt.timedelta(days=DAYS_AHEAD)
    section("Next contacts in the coming four weeks", "next_contacts", flt, "mine_next_contacts",
            f"No next contact is planned for {words} from today to {until:%d %b %Y}: an engagement's 'Next "
            "contact' sets one, for the organisation's relationship owner and the engagement's LAS lead.",
            f"Engagements whose next contact falls from today to {until:%d %b %Y}, where {words} owns the "
            "organisation or led the engagement.", {"Next contact": UK_DATE, "Engagement date": UK_DATE})


def forums_section(flt, words: str) -> None:
    section("Forums to attend", "attendee_forums", flt, "mine_forums",
            f"No forum names {words} as the LAS role that should attend: set it in the 'LAS attendee role' column "
            "of the Forums sheet.",
            "Forums whose LAS attendee role (Chart 2) is theirs, with the forums' chairs. 'Unknown': the seat is "
            "known but not who holds it; 'Not on the map': the map names no chair for the forum.")


def recommendations_section(flt, words: str) -> None:
    section("Open recommendations owned", "owned_recommendations", flt, "mine_recommendations",
            f"No open recommendation has {words} as its owner: editors set owners on Recommendations (Update "
            "recommendations).",
            "Status not Done, Closed or Superseded (none recorded counts as open), the longest overdue first.",
            {"Due": UK_DATE, "Last update": UK_DATE})


def team_editor() -> None:
    """Editors: the team's roles, names, emails and notes in a grid, and a role to add; each a one-snapshot save."""
    map_edits.show_flash()
    editor = auth.editor()
    if editor is None:
        return
    with st.expander("Edit the LAS team", icon=":material/group:"):
        grid = members[list(TEAM_COLUMNS)].astype(object).rename(columns=TEAM_COLUMNS)
        grid = grid.where(grid.notna(), None)
        text = st.column_config.TextColumn
        edited = st.data_editor(grid, placeholder="–", key=f"team_editor_{ctx.manifest.id}", hide_index=True,
                                num_rows="fixed",
                                disabled=["ID", "Source"], column_config={
                                    "Role": text(required=True), "Name": text(width="medium"), "Email": text(width="medium"),
                                    "Note": text(width="large")})
        changes = {}
        for (_, old), (_, new) in zip(grid.iterrows(), edited.iterrows(), strict=True):
            fields = {c: blank(new[TEAM_COLUMNS[c]]) for c in edits.TEAM_FIELDS
                      if blank(old[TEAM_COLUMNS[c]]) != blank(new[TEAM_COLUMNS[c]])}
            if fields:
                changes[old["ID"]] = fields
        if changes:
            tables = map_tables()
            after = edits.update_team(tables, changes, editor, clock.today())
            map_edits._preview(tables, after, "the LAS team")
            email_warnings([f.get("email") for f in changes.values()])
            note = st.text_input("Note for this snapshot (optional)", key="team_note")
            roles = [blank(after["LAS team"].set_index("id").at[m, "role"]) or m for m in changes]
            st.button("Save as a new snapshot", type="primary", icon=":material/save:", key="team_save",
                      on_click=map_edits.save, args=(ctx.manifest.id, after, note,
                                                     "LAS team: " + "; ".join(roles)))
        else:
            st.caption("Change a role, name, email or note in the table: what it changes appears here before anything "
                       "is saved. A name or email filled in is sourced to you and today.")
        add_member(editor)


def email_warnings(emails: list) -> None:
    """The validator's warning, before saving: an email that cannot be one is saved, but said so."""
    for value in emails:
        if value and not team.EMAIL.fullmatch(value):
            st.warning(f"{literal(value)} does not look like an email address.", icon=":material/alternate_email:")


def add_member(editor: str) -> None:
    st.markdown("**Add a role**")
    with st.form("add_team_member", clear_on_submit=False):
        role, name = st.columns(2)
        fields = {"role": role.text_input("Role", key="team_add_role"), "name": name.text_input("Name", key="team_add_name"),
                  "email": st.text_input("Email", key="team_add_email"), "note": st.text_input("Note", key="team_add_note")}
        if st.form_submit_button("Check", icon=":material/fact_check:"):
            fields = {k: blank(v) for k, v in fields.items()}
            if fields["role"] is None:
                st.warning("Give the role: the team has one row per LAS role.")
            else:
                after, member = edits.add_team_member(map_tables(), fields, editor, clock.today())
                st.session_state[PENDING_MEMBER] = (ctx.manifest.id, after, fields, member)
    pending = st.session_state.get(PENDING_MEMBER)
    if pending and pending[0] == ctx.manifest.id:
        base_id, after, fields, member = pending
        map_edits._preview(map_tables(), after, f"a new role on the LAS team ({literal(member)})")
        email_warnings([fields["email"]])
        note = st.text_input("Note for this snapshot (optional)", key="team_add_note_snapshot")
        st.button("Save as a new snapshot", type="primary", icon=":material/save:", key="team_add_save",
                  on_click=map_edits.save, args=(base_id, after, note, f"LAS team: added {fields['role']}"))


if who is None:
    nobody_chosen()
else:
    member = member_for(members, who)
    # in words: 'Medical Director', or 'Daniel Elkeles (Chief Executive)'
    named = f"{member['name']} ({member['role']})" if member and member["name"] else (member or {}).get("role", who)
    words = literal(named)
    lead = (member["name"] or member["role"]) if member else who  # what Engagement coverage records as the LAS lead
    if me is not None and member is not None and me["id"] == member["id"]:
        st.caption(f"Signed in as {literal(email)}: your own list, as **{words}** on the LAS team sheet.")
    else:
        st.caption(f"What **{words}** owns, leads and should attend, by role or name.")
    flt = owners.with_owner(ctx, ctx.flt, who)
    relationships_section(flt, words, lead)
    next_contacts_section(flt, words)
    forums_section(flt, words)
    recommendations_section(flt, words)
    page.calendar_download(ctx, flt, key="mine", kinds=reminders.KINDS,
                           what=f"{named}'s contacts due, planned contacts and recommendations")
team_editor()
