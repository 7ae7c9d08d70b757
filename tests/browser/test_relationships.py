"""Relationships that can go cold (issue 24), end to end in chromium against a real `streamlit run app.py`.

1. An editor gives SG03 (London local authorities) a 180-day default contact interval on Sub-groups, then assesses
   SEL's ten organisations on Priorities in one grid and one save; Stale relationships and My relationships then
   agree on the five councils and their states.
2. Signed in through a real OpenID Connect provider (oidc-provider-mock) with the email the LAS team sheet gives the
   Medical Director, a user finds their own My relationships list without choosing it; a user whose email is on no
   team row is told so.

The grids (st.data_editor) are driven by the keyboard through the grid's accessible table (`#glide-cell-<col>-<row>`,
whose focused cell is the grid's selection), never by pixel positions. The assessments, the 180 days and the
Medical Director's name and email are invented for the tests: they are no one's real assessment or address.
"""
import re

import pandas as pd
import pytest

from lasdash import clock, edits, pipeline, team
from lasdash.snapshots import SnapshotStore

from . import oidc
from .server import main_text, open_path
from .steps import (
    cell_text,
    editor_grid,
    go,
    grid_rows,
    save,
    sidebar,
    type_into_cell,
    unlock,
    unlock_in_sidebar,
)
from .test_editor_journeys import _csv_rows
from .test_sign_in import sign_in

EDITOR = "Jane Smith"
SEL_QUERY = "hcp=SEL&wider=false"  # SEL's own ten organisations, no London-wide ones
DEFAULT_DAYS = 180
OWNER = "Medical Director"  # LT04 on the bundled map: a role, no name, no email
POWER, INTEREST, OWNER_COLUMN = 1, 2, 4  # columns of the assessment grid (no index shown); 0 is the Organisation
RELATIONSHIPS_CSV = "Download CSV: Stale relationships"
FORUMS_CSV = "Download CSV: Forums LAS should attend"


# --- what the store says -------------------------------------------------------------------------------------------
def _blank(value) -> object:
    return None if value is None or pd.isna(value) else value


def expected_state(tables: dict, org_id: str, every: int, today) -> tuple[str, str]:
    """(Status, Overdue) of an organisation with an interval of `every` days, from its engagements: the last contact
    is its latest dated engagement or, for one known by a period, the period's last day."""
    e = tables["Engagements"]
    e = e[e["organisation_id"] == org_id].astype(object)
    contacts = [d for d in e["date"] if _blank(d) is not None]
    contacts += [end for d, start, end in zip(e["date"], e["period_start"], e["period_end"], strict=True)
                 if _blank(d) is None and _blank(end) is not None and _blank(start) is not None and start <= end]
    if not contacts:
        return "Never contacted", "Yes"  # with an interval, never contacted counts as overdue
    days = (today - max(pd.Timestamp(c).date() for c in contacts)).days
    status = "Overdue" if days > every else "Due soon" if days > every - 14 else "Up to date"
    return status, "Yes" if status == "Overdue" else "No"


def figures(page) -> dict[str, str]:
    """The relationship figures of the page open now: label -> value, as shown."""
    return {m.locator("[data-testid=stMetricLabel]").inner_text().strip():
            m.locator("[data-testid=stMetricValue]").inner_text().strip()
            for m in page.locator("[data-testid=stMetric]").all()}


# --- 1. an editor: a sub-group default, then ten organisations in one grid ----------------------------------------
def test_an_editor_sets_a_default_interval_and_assesses_sel_in_one_grid(page, server):
    """This module's passphrase server is this test's alone (the signed-in tests below have their own): what it
    publishes is not rolled back."""
    store = SnapshotStore(server.env["LASDASH_DATA_DIR"])
    unlock(page, server, EDITOR)  # the first page load bootstraps the store from the bundled map
    before = [m.id for m in store.list()]
    tables = store.read_all(store.current_id())
    assert tables["Sub-groups"].set_index("id")["contact_every_days"].isna().all()  # the bundled map sets none

    # Sub-groups: SG03's default, typed into its row of the grid
    go(page, "Sub-groups")
    grid = editor_grid(page, "Set default contact intervals")
    sg03 = next(r for r in range(grid_rows(grid)) if cell_text(grid, 0, r) == "SG03")  # the ID column is shown
    type_into_cell(page, grid, 2, sg03, str(DEFAULT_DAYS))
    preview = main_text(page)
    assert "What saving changes (1)" in preview and f"Contact every (days): \u2013 \u2192 {DEFAULT_DAYS}" in preview
    save(page)
    first = store.current()
    assert first.id not in before and first.author == f"{EDITOR} (passphrase)"
    assert first.note == "Default contact interval of 1 sub-group(s)"
    sub_groups = store.read(first.id, "Sub-groups").set_index("id")["contact_every_days"]
    assert sub_groups["SG03"] == DEFAULT_DAYS and sub_groups.drop("SG03").isna().all()

    # Priorities, SEL's own organisations: power and interest for all ten, the councils owned by the Medical Director
    open_path(page, server, "priorities", SEL_QUERY)
    unlock_in_sidebar(page, EDITOR)  # a new page load is a new session
    grid = editor_grid(page, "Assess organisations")
    rows = {cell_text(grid, 0, r): r for r in range(grid_rows(grid))}
    orgs = tables["Organisations"]
    sel = orgs[orgs["footprint"] == "SEL"]
    assert sorted(rows) == sorted(sel["name"])  # exactly SEL's own ten
    councils = sorted(sel.loc[sel["sub_group_id"] == "SG03", "name"])  # the grid's last column, off-screen
    assert len(councils) == 5
    # invented for the test, not an assessment of these bodies
    assessed = {name: (["High", "Medium", "Low"][r % 3], ["High", "Low"][r % 2]) for name, r in rows.items()}
    for col, which in ((POWER, 0), (INTEREST, 1)):
        for name, r in sorted(rows.items(), key=lambda kv: kv[1]):
            type_into_cell(page, grid, col, r, assessed[name][which])
    for name in councils:
        type_into_cell(page, grid, OWNER_COLUMN, rows[name], OWNER)
    assert "What saving changes (25)" in main_text(page)  # power and interest of ten, the owner of five
    save(page)

    after = store.list()
    assert len(after) == len(before) + 2  # one snapshot a save
    second = store.current()
    assert second.id not in {*before, first.id} and second.note == "Assessed 10 organisation(s)"
    assert second.author == f"{EDITOR} (passphrase)"
    stored = store.read(second.id, "Organisations").set_index("name")
    for name in rows:
        power, interest, owner, days = (_blank(stored.at[name, c]) for c in ("power", "interest", "las_owner",
                                                                            "contact_every_days"))
        assert (power, interest) == assessed[name], name
        assert owner == (OWNER if name in councils else None), name
        assert days is None, name  # the councils follow their sub-group's default
    assert stored.drop(list(rows))["power"].isna().all()  # nothing outside the grid changed
    # the editor stays where they were: the grid open, with what was saved
    grid = editor_grid(page, "Assess organisations")
    assert [cell_text(grid, POWER, r) for r in sorted(rows.values())] == [
        assessed[n][0] for n, _ in sorted(rows.items(), key=lambda kv: kv[1])]

    # Stale relationships lists the five councils with the sub-group's interval, and their states
    today = clock.today()
    current = store.read_all(second.id)
    ids = current["Organisations"].set_index("name")["id"]
    open_path(page, server, "relationships", SEL_QUERY)
    stale = {r["Organisation"]: r for r in _csv_rows(page, RELATIONSHIPS_CSV)}
    assert sorted(stale) == sorted(rows)
    assert sorted(n for n, r in stale.items() if r["Contact every (days)"]) == sorted(councils)
    for name in councils:
        status, overdue = expected_state(current, ids[name], DEFAULT_DAYS, today)
        row = stale[name]
        assert (row["Contact every (days)"], row["Interval from"], row["LAS relationship owner"]) == (
            str(DEFAULT_DAYS), "From sub-group SG03", OWNER), name
        assert (row["Status"], row["Overdue"]) == (status, overdue), name
    for name in set(rows) - set(councils):
        assert (stale[name]["Interval from"], stale[name]["Overdue"]) == ("", "No interval set"), name

    # My relationships for the Medical Director: the same five, counted as Stale relationships counts them
    open_path(page, server, "mine", "owner=Medical%20Director")
    text = main_text(page)
    assert "Organisations owned" in text and f"What {OWNER} owns, leads and should attend" in text
    mine = _csv_rows(page, RELATIONSHIPS_CSV)
    assert sorted(r["Organisation"] for r in mine) == sorted(councils)
    assert all((r["Interval from"], r["Contact every (days)"]) == ("From sub-group SG03", str(DEFAULT_DAYS))
               for r in mine)
    on_mine = figures(page)
    open_path(page, server, "relationships", "owner=Medical%20Director")
    assert sorted(r["Organisation"] for r in _csv_rows(page, RELATIONSHIPS_CSV)) == sorted(councils)
    on_stale = figures(page)
    assert on_mine == on_stale and on_mine  # the same figures, and some
    states = [expected_state(current, ids[n], DEFAULT_DAYS, today)[0] for n in councils]
    assert on_mine["Never contacted"] == str(states.count("Never contacted"))
    overdue = states.count("Overdue") + states.count("Never contacted")
    assert on_mine["Overdue"].split(" ")[0] == str(overdue)


# --- 2. signed in: the Medical Director's own list ------------------------------------------------------------------
MEDICAL_DIRECTOR = {"sub": "md.test@nhs.net", "email": "md.test@nhs.net", "name": "Dr Test Medical Director"}
NOT_ON_THE_TEAM = {"sub": "someone.else@nhs.net", "email": "someone.else@nhs.net", "name": "Someone Else"}
MD_NAME = "Dr Test Medical Director (synthetic)"  # invented: the bundled map names no Medical Director


@pytest.fixture(scope="module")
def provider():
    with oidc.provider(MEDICAL_DIRECTOR, NOT_ON_THE_TEAM) as url:
        yield url


@pytest.fixture(scope="module")
def signed_in_server(provider, tmp_path_factory):
    """OIDC sign-in, viewers @nhs.net, and a map whose LAS team gives LT04 an email: published before it starts."""
    tmp = tmp_path_factory.mktemp("mine-sign-in")
    store = pipeline.open_store(tmp / "store")
    named = edits.update_team(store.read_all(store.current_id()),
                              {"LT04": {"email": MEDICAL_DIRECTOR["email"], "name": MD_NAME}}, "tests", clock.today())
    assert pipeline.save_edit(store, store.current_id(), named, author="tests").manifest is not None
    srv = oidc.signed_in_server(tmp, provider, ["@nhs.net"])
    yield srv
    srv.stop()


class TestSignedIn:
    """On a server of their own (signed_in_server), not the module's passphrase server."""

    @pytest.fixture
    def server(self, signed_in_server):
        """Overrides the module server for these tests, and so the `page` fixture's (its log on failure)."""
        return signed_in_server

    def test_the_medical_director_sees_their_own_list_and_forums(self, page, server):
        store = SnapshotStore(server.env["LASDASH_DATA_DIR"])
        tables = store.read_all(store.current_id())
        keys = set(team.keys_for(tables["LAS team"], OWNER))
        assert keys == {"medical director", MD_NAME.casefold()}  # the map this server has: LT04 is named
        forums = tables["Forums"]
        theirs = forums[[bool({team.norm(p) for p in team.split(c)} & keys) for c in forums["las_attendee"]]]
        assert len(theirs) == 3  # Chart 2 names the Medical Director for three forums

        open_path(page, server, "mine")
        sign_in(page, MEDICAL_DIRECTOR)
        open_path(page, server, "mine")  # no ?owner=: nothing chosen
        text = main_text(page)
        assert (f"Signed in as {MEDICAL_DIRECTOR['email']}: your own list, as {MD_NAME} ({OWNER}) on the LAS team "
                "sheet.") in text
        assert "Forums to attend" in text and "Organisations owned" in text
        assert "not on the LAS team sheet" not in text
        assert re.search(r"[?&]owner=", page.url), page.url  # their list is a link they can share
        shown = {r["Forum"]: r for r in _csv_rows(page, FORUMS_CSV)}
        assert sorted(shown) == sorted(theirs["name"])
        roles, people = tables["Roles"], tables["People"].set_index("id")
        chairs = roles[roles["role"].isin(["Chair", "Co-chair", "Independent Chair", "Interim Chair"])
                       & roles["end_date"].isna()]
        for forum_id, name in zip(theirs["id"], theirs["name"], strict=True):
            row = shown[name]
            assert row["LAS attendee role"] == OWNER, name
            held = [people.at[p, "name"] for p in chairs.loc[chairs["forum_id"] == forum_id, "person_id"].dropna()]
            if held:
                assert all(n in row["Chair"] for n in held), (name, row["Chair"])
            else:
                assert row["Chair"] == "Not on the map", (name, row["Chair"])
        assert any(r["Chair"] != "Not on the map" for r in shown.values())  # at least one chair is named

    def test_a_user_not_on_the_team_is_told_so(self, page, server):
        open_path(page, server, "mine")
        sign_in(page, NOT_ON_THE_TEAM)
        open_path(page, server, "mine")
        text = main_text(page)
        assert f"Your email {NOT_ON_THE_TEAM['email']} is not on the LAS team sheet; ask an editor to add it." in text
        assert "Signed in as" not in text and "Forums to attend" not in text  # no one's list was opened
        assert f"Signed in as {NOT_ON_THE_TEAM['email']}" in sidebar(page).inner_text().replace("\u2060", "")
