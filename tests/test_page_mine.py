"""AppTest: My relationships, on the bundled map (the Medical Director's three Chart 2 forums) and on SYNTHETIC maps.

Names, emails, owners, intervals, next contacts and recommendation owners below are invented for the test and marked
so: 'Synthetic ...' names, example.org emails, a Documents row 'SYN' whose title says so, every added engagement
citing 'SYN'. Dates are relative to a pinned 'today' (the app's clock is patched).
"""
import datetime as dt

import apptest
import pandas as pd
import pytest
from apptest import shown
from streamlit.testing.v1 import AppTest
from test_page_relationships import A, B, add_synthetic_document, publish, synthetic  # noqa: F401 (synthetic: a fixture)

from lasdash import clock, queries, team
from lasdash.snapshots import SnapshotStore

PAGE, STALE = "app_pages/mine.py", "app_pages/relationships.py"
TODAY = clock.today()
PASSWORD = apptest.EDITOR_PASSWORD
MEDIC, MEDIC_EMAIL = "Synthetic Medic", "synthetic.medic@example.org"
MD_FORUMS = {"Clinical and Quality Leadership Group (NWL)": ("Not on the map", None),
             "Health and Care Cabinet (NCL)": ("Dr Josephine Sauvage", "North London Partners in Health and Care"),
             "Clinical Programme Board (SEL)": ("Not on the map", None)}
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32, "client_id": "c",
        "client_secret": "s", "server_metadata_url": "http://localhost:9/.well-known/openid-configuration"}


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def editing_on(monkeypatch, data_dir):
    monkeypatch.setenv("LASDASH_EDITOR_PASSWORD", PASSWORD)
    return data_dir


def frame(at, column):
    """The section's grid: the one with this column."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, column
    return found[0]


def frames(at):
    return [d.value for d in at.dataframe]


def infos(at):
    return [shown(i.value) for i in at.info]


def kpis(at):
    return {m.label: m.value for m in at.metric}


def sections(at) -> dict[str, int]:
    """How many rows each of the four sections lists (0 when it says in words that it has none)."""
    cols = {"Relationship": "Contact every (days)", "Next contact": "Next steps", "Forum to attend": "LAS attendee role",
            "Recommendation": "Days overdue"}
    return {what: next((len(df) for df in frames(at) if col in df.columns), 0) for what, col in cols.items()}


def mine_counts(store, owner) -> dict[str, int]:
    """The `mine` view's rows per "What" for an owner, as `export mine --owner` gives them."""
    con = queries.connect(store, store.current_id())
    members = store.read(store.current_id(), "LAS team")
    rows = queries.run(con, "mine", queries.Filter(owner=owner, owner_keys=team.keys_for(members, owner)))
    counts = rows["What"].value_counts()
    return {what: int(counts.get(what, 0)) for what in ("Relationship", "Next contact", "Forum to attend",
                                                         "Recommendation")}


def test_a_link_by_role_lists_the_medical_directors_forums_with_their_chairs(data_dir, store):
    at = apptest.open_page(PAGE, owner="Medical Director")
    assert at.selectbox(key="owner").value == "Medical Director"
    forums = frame(at, "LAS attendee role").set_index("Forum")
    assert {f: (r["Chair"], None if pd.isna(r["Chair's organisation"]) else r["Chair's organisation"])
            for f, r in forums.iterrows()} == MD_FORUMS  # a forum with no chair on the map says so: a gap, shown
    assert set(forums["LAS attendee role"]) == {"Medical Director"}
    # the empty sections say what is missing in words; no figure reads 0
    said = infos(at)
    assert any(s.startswith("No organisation has Medical Director as its LAS relationship owner yet: set owners on "
                            "Priorities") for s in said)
    assert any(s.startswith("No next contact is planned for Medical Director from today to "
                            f"{TODAY + dt.timedelta(28):%d %b %Y}") for s in said)
    assert any(s.startswith("No open recommendation has Medical Director as its owner") for s in said)
    assert not at.metric and sections(at) == {"Relationship": 0, "Next contact": 0, "Forum to attend": 3,
                                              "Recommendation": 0}
    assert sections(at) == mine_counts(store, "Medical Director")
    assert [shown(b.proto.label) for b in at.get("download_button")] == [
        f"Download CSV: {queries.VIEWS['attendee_forums'].title}",
        "Download calendar (.ics): Medical Director's contacts due, planned contacts and recommendations"]


def test_under_an_hcp_filter_only_that_hcps_forums_and_an_empty_section_says_the_filter_applies(data_dir):
    at = apptest.open_page(PAGE, owner="Medical Director", hcp="NCL", wider="false")
    assert frame(at, "LAS attendee role")["Forum"].tolist() == ["Health and Care Cabinet (NCL)"]
    at = apptest.open_page(PAGE, owner="Medical Director", hcp="SWL")
    assert sections(at)["Forum to attend"] == 0
    assert any(s.startswith("No forum names Medical Director as the LAS role that should attend") and
               s.endswith("The sidebar's filter is in force: clear it to see all of theirs.") for s in infos(at))


def test_nobody_chosen_asks_for_someone_and_lists_the_team(data_dir):
    at = apptest.open_page(PAGE)
    assert at.selectbox(key="owner").value is None and "Everyone" not in at.selectbox(key="owner").options
    assert any(s.startswith("Choose a member of the LAS team") for s in infos(at))
    assert len(frame(at, "Forums to attend")) == 19 and not at.warning  # the team, with what each attends
    # Stale relationships' "Everyone" is no choice here: switching over asks again, without an error
    at = apptest.open_page(STALE)
    at.switch_page(PAGE).run()
    assert not at.exception and at.selectbox(key="owner").value is None


def test_the_same_forums_by_name_once_the_role_has_a_name(store, tables, write_workbook):
    team_rows = tables["LAS team"].set_index("id")
    team_rows.loc["LT04", "name"] = MEDIC
    tables["LAS team"] = team_rows.reset_index()
    publish(store, tables, write_workbook)
    by_name = apptest.open_page(PAGE, owner=MEDIC.upper())  # any case
    assert by_name.selectbox(key="owner").value == MEDIC
    assert set(frame(by_name, "LAS attendee role")["Forum"]) == set(MD_FORUMS)
    assert any(f"What **{MEDIC} (Medical Director)** owns" in shown(c.value) for c in by_name.caption)
    by_role = apptest.open_page(PAGE, owner="medical director")  # the role opens the member, now known by name
    assert by_role.selectbox(key="owner").value == MEDIC
    assert frame(by_role, "LAS attendee role").equals(frame(by_name, "LAS attendee role"))


@pytest.mark.usefixtures("synthetic", "editing_on")  # Stale relationships' synthetic owners, intervals and contacts
def test_a_free_text_owner_sees_what_stale_relationships_shows_for_them():
    for owner in (A, B):
        mine, stale = apptest.open_page(PAGE, owner=owner), apptest.open_page(STALE, owner=owner)
        rel, stale_rel = frame(mine, "Contact every (days)"), frame(stale, "Contact every (days)")
        assert rel["Organisation"].tolist() == stale_rel["Organisation"].tolist()
        assert len(rel) >= 3 and kpis(mine) == kpis(stale)
        assert [m.value for m in mine.markdown if "-badge[" in m.value] == \
            [m.value for m in stale.markdown if "-badge[" in m.value]
    assert kpis(mine)["Overdue"] == "3 (1 never contacted)"  # B: Lambeth; the GLA; NEL never contacted
    # never contacted with an interval comes first among those never contacted, after the lapsed ones
    assert rel["Organisation"].tolist()[:3] == ["Greater London Authority / Mayor of London", "Lambeth CCG",
                                                "East London Health and Care Partnership"]
    links = frame(mine, "Contact every (days)").set_index("Organisation")["Record an engagement"]
    assert links["Lambeth CCG"] == "engagement?record_org=ORG-lambeth-ccg&record_lead=Synthetic%20Owner%20B"
    # the Overview counts what Stale relationships counts for everyone
    everyone = kpis(apptest.open_page(STALE))
    assert kpis(apptest.open_page())["Relationships overdue"] == everyone["Overdue"] == "5 (2 never contacted)"


@pytest.fixture
def medic_owns(store, tables, write_workbook):
    """The Medical Director, named, owns two organisations (one by role, one by name), leads one next contact and
    owns three recommendations (one done, one overdue, one not yet due)."""
    add_synthetic_document(tables)
    members = tables["LAS team"].set_index("id")
    members.loc["LT04", ["name", "email"]] = [MEDIC, MEDIC_EMAIL]
    tables["LAS team"] = members.reset_index()
    orgs = tables["Organisations"].set_index("id")
    orgs.loc["ORG-camden-ccg", ["las_owner", "contact_every_days"]] = ["Medical Director", 30]
    orgs.loc["ORG-lambeth-ccg", ["las_owner", "contact_every_days"]] = [f"{MEDIC}; Head of Partnerships", 30]
    tables["Organisations"] = orgs.reset_index()
    engagement = {"summary": "Synthetic engagement for a test", "source": "SYN test"}
    tables["Engagements"] = pd.concat([tables["Engagements"], pd.DataFrame([
        {"id": "SYN-E-1", "organisation_id": "ORG-camden-ccg", "date": TODAY - dt.timedelta(10), **engagement},
        {"id": "SYN-E-2", "organisation_id": "ORG-lfb", "date": TODAY - dt.timedelta(5), "las_lead": MEDIC,
         "next_steps": "Synthetic: agree the joint plan", "next_contact": TODAY + dt.timedelta(20), **engagement},
        {"id": "SYN-E-3", "organisation_id": "ORG-lfb", "date": TODAY - dt.timedelta(4), "las_lead": MEDIC,
         "next_contact": TODAY + dt.timedelta(40), **engagement},  # beyond four weeks
        {"id": "SYN-E-4", "organisation_id": "ORG-lfb", "date": TODAY - dt.timedelta(3), "las_lead": "Chair",
         "next_contact": TODAY + dt.timedelta(3), **engagement}])], ignore_index=True)  # someone else's
    recs = tables["Recommendations"].set_index("id")
    overdue = recs.index[recs["due"].notna() & (pd.to_datetime(recs["due"]) < pd.Timestamp(TODAY))]
    undated = recs.index[recs["due"].isna()]
    recs.loc[overdue[0], ["owner", "status"]] = ["Medical Director", "In progress"]
    recs.loc[overdue[1], ["owner", "status"]] = [MEDIC, "Done"]
    recs.loc[undated[0], ["owner", "status"]] = [MEDIC, None]
    tables["Recommendations"] = recs.reset_index()
    publish(store, tables, write_workbook)
    return overdue[0], undated[0]


def test_a_named_member_sees_all_four_sections_and_the_mine_view_agrees(store, medic_owns, editing_on):
    at = apptest.open_page(PAGE, owner=MEDIC)
    rel = frame(at, "Contact every (days)")
    assert rel["Organisation"].tolist() == ["Lambeth CCG", "Camden CCG"]  # by role and by name; never contacted first
    assert kpis(at) == kpis(apptest.open_page(STALE, owner=MEDIC))
    assert kpis(at)["Overdue"] == "1 (1 never contacted)" and kpis(at)["Up to date"] == "1"
    assert set(frame(at, "Contact every (days)")["Record an engagement"].str.endswith(
        "&record_lead=Synthetic%20Medic"))
    nxt = frame(at, "Next steps")
    assert nxt["ID"].tolist() == ["SYN-E-2"] and nxt["Next contact"].dt.date.tolist() == [TODAY + dt.timedelta(20)]
    assert nxt["Organisation"].tolist() == ["London Fire Brigade"]
    recs = frame(at, "Days overdue")
    assert recs["ID"].tolist() == list(medic_owns)  # open only, overdue first; blank status counts as open
    assert recs["Status"].tolist() == ["In progress", "Not recorded"] and recs["Days overdue"].iloc[0] > 0
    assert sections(at) == {"Relationship": 2, "Next contact": 1, "Forum to attend": 3, "Recommendation": 2}
    assert mine_counts(store, MEDIC) == sections(at) == mine_counts(store, "Medical Director")
    con = queries.connect(store, store.current_id())
    everything = queries.run(con, "mine")  # unfiltered: what anyone is named for
    assert everything["LAS owner"].notna().all() and "Synthetic: agree the joint plan" in everything["Detail"].tolist()


def test_signed_in_through_oidc_the_member_sees_their_own_list(store, medic_owns):
    at = oidc({"is_logged_in": True, "email": MEDIC_EMAIL.upper(), "name": "Synthetic Medic"})
    assert at.selectbox(key="owner").value == MEDIC and at.query_params["owner"] == MEDIC
    assert set(frame(at, "LAS attendee role")["Forum"]) == set(MD_FORUMS)
    assert any(f"Signed in as {MEDIC_EMAIL.upper()}: your own list" in shown(c.value) for c in at.caption)
    at.selectbox(key="owner").select("Daniel Elkeles").run()
    assert len(frame(at, "LAS attendee role")) == 11  # someone else's list, on request


def test_signed_in_with_an_email_not_on_the_team_says_so_as_plain_text(data_dir):
    email = "[x](https://e.vil)@example.org"
    at = oidc({"is_logged_in": True, "email": email, "name": "Some One"})
    assert at.selectbox(key="owner").value is None
    warning = next(w.value for w in at.warning if "LAS team sheet" in w.value)
    assert shown(warning) == f"Your email {email} is not on the LAS team sheet; ask an editor to add it."
    assert "[x](" not in warning  # escaped: no live link


def oidc(user: dict) -> AppTest:
    at = AppTest.from_file(apptest.APP, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.secrets["lasdash"] = {"editors": ["jane.smith@nhs.net"]}
    at.user = user
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def editor_at(page):
    return apptest.as_editor(page)


def test_a_viewer_sees_no_team_editor(editing_on):
    assert "Edit the LAS team" not in [e.label for e in apptest.open_page(PAGE).expander]
    assert "Edit the LAS team" not in [e.label for e in oidc({"is_logged_in": True, "email": "someone@nhs.net"}).expander]
    assert "Edit the LAS team" in [e.label for e in editor_at(PAGE).expander]


def test_an_editor_fills_in_a_name_and_email_in_one_save(editing_on):
    store = SnapshotStore(editing_on)
    at = editor_at(PAGE)
    before = len(store.list())
    row = store.read(store.current_id(), "LAS team")["id"].tolist().index("LT04")
    key = next(k for k in at.session_state if k.startswith("team_editor_"))
    at.session_state[key] = {"edited_rows": {row: {"Name": MEDIC, "Email": MEDIC_EMAIL}}, "added_rows": [],
                             "deleted_rows": []}
    at.run()
    preview = "\n".join(shown(m.value) for m in at.markdown)
    assert "**What saving changes (3)**: the LAS team\n- LAS team: Medical Director (Synthetic Medic)" in preview
    assert f"Name: \u2013 \u2192 {MEDIC}" in preview and f"Email: \u2013 \u2192 {MEDIC_EMAIL}" in preview
    next(b for b in at.button if b.key == "team_save").click()
    at.run()
    assert any("Saved as snapshot" in shown(s.value) for s in at.success)
    assert len(store.list()) == before + 1 and store.current().author == "Jane Smith (passphrase)"
    lt04 = store.read(store.current_id(), "LAS team").set_index("id").loc["LT04"]
    assert (lt04["role"], lt04["name"], lt04["email"]) == ("Medical Director", MEDIC, MEDIC_EMAIL)
    assert lt04["source"] == f"000 Chart 2; Recorded in lasdash by Jane Smith (passphrase), {TODAY:%d/%m/%Y}"
    at.query_params["owner"] = MEDIC
    at.run()
    assert set(frame(at, "LAS attendee role")["Forum"]) == set(MD_FORUMS)  # found by the new name


def test_an_editor_adds_a_role_and_a_bad_email_is_warned_of(editing_on):
    store = SnapshotStore(editing_on)
    at = editor_at(PAGE)
    at.text_input(key="team_add_role").input("Synthetic Test Role")
    at.text_input(key="team_add_email").input("not an email")
    next(b for b in at.button if b.label == "Check").click()
    at.run()
    assert any("not an email does not look like an email address" in shown(w.value) for w in at.warning)
    next(b for b in at.button if b.key == "team_add_save").click()
    at.run()
    added = store.read(store.current_id(), "LAS team").set_index("id").loc["LT20"]
    assert (added["role"], added["email"]) == ("Synthetic Test Role", "not an email")  # a warning, not refused
    assert added["source"] == f"Recorded in lasdash by Jane Smith (passphrase), {TODAY:%d/%m/%Y}"
