"""AppTest: editing is where the editor is. The unlock is in every page's sidebar; while unlocked the sidebar says who
is editing, with Lock editing; and an unsaved change that a server restart lost is said, not left as a dead Save.

A restart is simulated as Streamlit 1.67 has it (see lasdash/ui/editing.py): the browser keeps the old page and
re-sends its widget values, including a click on Save, to a new session whose state is empty and which has no
callback for that button (callbacks are registered by the run that drew it).
"""
import datetime as dt

import apptest
import pytest
from apptest import shown
from streamlit.runtime.state.common import TESTING_KEY
from streamlit.runtime.state.safe_session_state import SafeSessionState
from streamlit.runtime.state.session_state import SessionState
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.app_test import _AppTestSessionState

from lasdash import editors, pipeline
from lasdash.snapshots import SnapshotStore
from lasdash.ui.menu import MENU

PASSWORD = "correct horse battery staple"
ENGAGEMENT, DATA = "app_pages/engagement.py", "app_pages/data.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_SAVED = ("Your checked engagement was not saved: the server restarted (or this page was reloaded) before Save. "
             "Nothing changed; check it again.")
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32, "client_id": "c",
        "client_secret": "s", "server_metadata_url": "http://localhost:9/.well-known/openid-configuration"}


@pytest.fixture(autouse=True)
def editing_on(monkeypatch, data_dir):
    monkeypatch.setenv("LASDASH_EDITOR_PASSWORD", PASSWORD)
    return data_dir  # failed attempts are counted in each test's own store


def restart(at: AppTest) -> AppTest:
    """Run once more after the server process was replaced: the browser's page and its widget values (with any click
    made on it) are sent as before, to a new session, whose state is empty and which has no callbacks."""
    sent = at._tree.get_widget_states()  # read before the session goes: untouched widgets read their value there
    state = SessionState()
    state[TESTING_KEY] = {}
    at._session_state = SafeSessionState(state, lambda: None)
    at.session_state = _AppTestSessionState(at._session_state)
    at._run(sent)
    assert not at.exception, at.exception
    return at


def sidebar_text(at) -> list[str]:
    return [shown(m.value).replace("**", "").removeprefix(":material/edit: ") for m in at.sidebar.markdown]


def editing_as(at) -> list[str]:
    return [t for t in sidebar_text(at) if "Editing as" in t]


def unlock_in_sidebar(at, name="Jane Smith", password=PASSWORD):
    side = at.sidebar
    next(t for t in side.text_input if t.label.startswith("Your name")).input(name)
    next(t for t in side.text_input if t.label == "Editor passphrase").input(password)
    next(b for b in side.button if b.label == "Unlock editing").click()
    at.run()
    assert not at.exception, at.exception
    return at


def click(at, label):
    next(b for b in at.button if b.label == label).click()
    at.run()
    assert not at.exception, at.exception
    return at


def press(at, label):
    """Click a button without running: the click goes with the next run's widget values."""
    next(b for b in at.button if b.label == label).click()
    return at


def warnings(at) -> list[str]:
    return [shown(w.value) for w in at.warning]


@pytest.mark.parametrize("script", [script for script, _, _ in MENU])
def test_the_unlock_is_in_the_sidebar_of_every_page(script):
    at = apptest.open_page(None if script == MENU[0][0] else script)
    editing = [e for e in at.sidebar.expander if e.label == "Editing"]
    assert len(editing) == 1
    assert [t.label for t in editing[0].text_input] == ["Your name (recorded as the author of what you publish)",
                                                        "Editor passphrase"]
    assert [b.label for b in editing[0].button] == ["Unlock editing"]
    assert not editing_as(at)


def test_unlocking_on_another_page_says_who_is_editing_and_locking_removes_the_controls():
    at = apptest.open_page(ENGAGEMENT)
    assert "Record an engagement" not in [e.label for e in at.expander]
    unlock_in_sidebar(at)
    assert editing_as(at) == ["Editing as Jane Smith (passphrase)"]
    assert "Record an engagement" in [e.label for e in at.expander]
    assert not [e for e in at.sidebar.expander if e.label == "Editing"]  # the form is gone while editing

    at.switch_page("app_pages/recommendations.py").run()  # editing stays on from page to page
    assert editing_as(at) == ["Editing as Jane Smith (passphrase)"]
    assert "Update recommendations" in [e.label for e in at.expander]

    click(at, "Lock editing")
    assert not editing_as(at)
    assert "Update recommendations" not in [e.label for e in at.expander]
    assert [e.label for e in at.sidebar.expander] == ["Editing"]


def test_a_wrong_passphrase_in_the_sidebar_does_not_unlock_and_slows_the_next_try():
    at = unlock_in_sidebar(apptest.open_page(ENGAGEMENT), password="guess")
    assert any("not right" in shown(e.value) for e in at.sidebar.error)
    assert not editing_as(at) and "Record an engagement" not in [e.label for e in at.expander]
    assert editors.THROTTLE.delay() > 0


def test_the_editors_name_is_text_in_the_sidebar():
    at = unlock_in_sidebar(apptest.open_page(ENGAGEMENT), name="[x](https://evil.example) **Eve**")
    (line,) = [m.value for m in at.sidebar.markdown if "Editing as" in m.value]
    assert "\\[x\\]\\(https" in line and "\\*\\*Eve\\*\\*" in line  # escaped by literal(): no link, no bold
    assert shown(line) == ":material/edit: Editing as **[x](https://evil.example) **Eve** (passphrase)**"


def test_locking_drops_what_was_checked_under_that_name():
    at = unlock_in_sidebar(apptest.open_page(ENGAGEMENT))
    _check_an_engagement(at)
    assert at.session_state["_pending_engagement"]
    click(at, "Lock editing")
    unlock_in_sidebar(at, name="Someone Else")
    assert not [b for b in at.button if b.label == "Save as a new snapshot"]


def test_editing_off_shows_nothing_in_the_sidebar(monkeypatch):
    monkeypatch.delenv("LASDASH_EDITOR_PASSWORD")
    at = apptest.open_page(ENGAGEMENT)
    assert not at.sidebar.expander and not editing_as(at)


def _oidc(user: dict | None = None, page: str | None = None, **lasdash) -> AppTest:
    at = AppTest.from_file(apptest.APP, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.secrets["lasdash"] = {"editors": ["jane.smith@nhs.net"], **lasdash}
    at.user = user or {"is_logged_in": False}
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


JANE = {"is_logged_in": True, "email": "jane.smith@nhs.net", "name": "Jane Smith"}
SOMEONE = {"is_logged_in": True, "email": "someone@nhs.net", "name": "Some One"}


def test_with_oidc_the_sidebar_offers_sign_in_to_edit_and_then_says_who(monkeypatch):
    monkeypatch.delenv("LASDASH_EDITOR_PASSWORD")
    at = _oidc(page=ENGAGEMENT)
    assert "Sign in to edit" in [b.label for b in at.sidebar.button] and not editing_as(at)
    assert not at.sidebar.expander  # no passphrase form with OIDC

    at = _oidc(JANE, page=ENGAGEMENT)
    assert editing_as(at) == ["Editing as Jane Smith"]
    assert "Sign out" in [b.label for b in at.sidebar.button] and "Record an engagement" in [e.label for e in at.expander]

    at = _oidc(SOMEONE, page=DATA)
    assert not editing_as(at) and "Sign in to edit" not in [b.label for b in at.button]
    assert any("someone@nhs.net, who is not on the editors list" in shown(c.value) for c in at.sidebar.caption)
    assert any("someone@nhs.net is not on the editors list" in shown(w.value) for w in at.main.warning)

    at = _oidc(JANE, viewers=["@nhs.net"])  # with viewers restricted, the account box already offers Sign out
    assert editing_as(at) == ["Editing as Jane Smith"]
    assert [b.label for b in at.sidebar.button if b.label == "Sign out"] == ["Sign out"]


# --- what a restart loses -------------------------------------------------------------------------------------------
def _check_an_engagement(at):
    next(d for d in at.date_input if d.label == "Date").set_value(dt.date(2026, 11, 15))
    next(s for s in at.selectbox if s.label == "Organisation").set_value("ORG-lfb")
    next(t for t in at.text_input if t.label == "Mechanism").input("Meeting")
    click(at, "Check")
    assert [b for b in at.button if b.label == "Save as a new snapshot"]


def test_a_save_pressed_after_a_restart_says_the_checked_engagement_was_not_saved(editing_on):
    store = SnapshotStore(editing_on)
    at = unlock_in_sidebar(apptest.open_page(ENGAGEMENT))
    _check_an_engagement(at)
    before = store.current_id()
    press(at, "Save as a new snapshot")  # on the page the browser still shows
    restart(at)
    assert NOT_SAVED in warnings(at)
    assert store.current_id() == before
    assert not editing_as(at) and [e.label for e in at.sidebar.expander] == ["Editing"]  # the unlock, again
    at.run()
    assert NOT_SAVED not in warnings(at)  # said once


def test_a_restart_while_a_seat_change_and_an_assessment_were_checked_says_so(editing_on):
    at = unlock_in_sidebar(apptest.open_page("app_pages/jhosc.py"))
    next(s for s in at.selectbox if s.label == "Seat").set_value("R000-115")
    next(t for t in at.text_input if t.label == "New person's name").input("Ada Testwell")
    click(at, "Check")
    restart(press(at, "Save as a new snapshot"))
    assert any(w.startswith("Your checked seat change was not saved: the server restarted") for w in warnings(at))

    at = unlock_in_sidebar(apptest.open_page("app_pages/priorities.py"))
    at.session_state["assess_grid_open"] = True
    at.run()
    at.session_state[next(k for k in at.session_state if k.startswith("assess_editor_"))] = {
        "edited_rows": {0: {"Power": "High"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    restart(at)  # any rerun, not only Save: the change is gone all the same
    assert any(w.startswith("Your changes in the assessment grid were not saved: the server restarted")
               for w in warnings(at))
    assert len(SnapshotStore(editing_on).list()) == 1


def test_a_restart_with_changes_in_the_recommendations_grid_says_so(editing_on):
    at = unlock_in_sidebar(apptest.open_page("app_pages/recommendations.py"))
    at.session_state[next(k for k in at.session_state if k.startswith("rec_editor_"))] = {
        "edited_rows": {0: {"Status": "In progress"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert [b for b in at.button if b.label == "Save as a new snapshot"]
    restart(press(at, "Save as a new snapshot"))
    assert ("Your changes in the recommendations grid were not saved: the server restarted (or this page was "
            "reloaded) before Save. Nothing changed; make them again.") in warnings(at)
    assert len(SnapshotStore(editing_on).list()) == 1


@pytest.mark.parametrize(("script", "opened", "editor", "cell", "said"), [
    ("app_pages/sub_groups.py", "sub_group_intervals_open", "sub_group_editor_", {"Contact every (days)": 180},
     "Your changes to the sub-groups' default intervals were not saved"),
    ("app_pages/mine.py", None, "team_editor_", {"Email": "md@example.org"},
     "Your changes to the LAS team were not saved"),
])
def test_a_restart_with_changes_in_the_interval_or_team_grid_says_so(editing_on, script, opened, editor, cell, said):
    at = unlock_in_sidebar(apptest.open_page(script))
    if opened:
        at.session_state[opened] = True
        at.run()
    at.session_state[next(k for k in at.session_state if k.startswith(editor))] = {
        "edited_rows": {0: cell}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert [b for b in at.button if b.label == "Save as a new snapshot"]
    restart(press(at, "Save as a new snapshot"))
    assert f"{said}: the server restarted (or this page was reloaded) before Save. Nothing changed; make them " \
           "again." in warnings(at)
    assert len(SnapshotStore(editing_on).list()) == 1


def _upload_a_change(at, tables, write_workbook):
    tables["Forums"].loc[0, "cadence"] = "Monthly (test)"
    path = write_workbook(tables, "cadence.xlsx")
    at.get("file_uploader")[0].set_value((path.name, path.read_bytes(), XLSX))
    at.run()
    at.text_input(key="publish_note").input("Cadence").run()
    assert not at.exception, at.exception


def test_a_crash_mid_publish_says_the_workbook_was_not_published(editing_on, tables, write_workbook):
    at = unlock_in_sidebar(apptest.open_page(DATA))
    _upload_a_change(at, tables, write_workbook)
    restart(at)  # the browser reruns by itself when it reconnects after a run was cut short
    assert ("Your workbook was not published: the server restarted (or this page was reloaded) before Publish "
            "finished. Nothing changed; upload it again.") in warnings(at)
    assert [e.label for e in at.sidebar.expander] == ["Editing"]
    assert len(SnapshotStore(editing_on).list()) == 1


def test_a_crash_just_after_the_publish_says_it_may_have_been_saved(editing_on, tables, write_workbook):
    at = unlock_in_sidebar(apptest.open_page(DATA))
    _upload_a_change(at, tables, write_workbook)
    store = SnapshotStore(editing_on)
    # the publish went through, and the server died before the page showed it
    store.publish(store.read_all(store.current_id()), author="Jane Smith (passphrase)", note="Cadence",
                  expected_current=store.current_id())
    restart(at)
    assert any(w.startswith("Your change may have been saved just before the server restarted") and
               f"snapshot {store.current_id()}" in w for w in warnings(at))
    assert not any("was not published" in w for w in warnings(at))


def test_a_rollback_confirmed_after_a_restart_says_it_was_not_made(editing_on):
    store = pipeline.open_store(editing_on)  # bootstrapped from the default map, as the app does
    store.publish(store.read_all(store.current_id()), author="Editor B", note="second",
                  expected_current=store.current_id())
    at = unlock_in_sidebar(apptest.open_page(DATA))
    click(at, "Roll back\u2026")
    restart(at)  # the question was on screen, not answered: nothing to say
    assert not any("rollback" in w for w in warnings(at))

    at = unlock_in_sidebar(apptest.open_page(DATA))
    click(at, "Roll back\u2026")
    restart(press(at, "Yes, roll back"))
    assert ("Your rollback was not made: the server restarted (or this page was reloaded) before Roll back finished. "
            "Nothing changed; choose it again.") in warnings(at)
    assert [e["action"] for e in store.events()] == ["publish", "publish"]


def test_a_new_visit_and_an_ordinary_rerun_say_nothing(editing_on):
    at = unlock_in_sidebar(apptest.open_page(ENGAGEMENT))
    _check_an_engagement(at)
    at.run()
    assert not any("not saved" in w for w in warnings(at))
    assert not any("not saved" in w for w in warnings(apptest.open_page(ENGAGEMENT)))
