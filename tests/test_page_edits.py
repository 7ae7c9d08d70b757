"""AppTest: edits where the reader is. Viewers see no edit controls; an editor records an engagement by
name (no ID typed) and it becomes one snapshot; rights checked again at save; a stale map is handled."""
import datetime as dt

import pytest

import apptest
from apptest import shown
from lasdash import clock, editors, pipeline
from lasdash.snapshots import SnapshotStore

PASSWORD = "correct horse battery staple"
ENGAGEMENT = "app_pages/engagement.py"


@pytest.fixture(autouse=True)
def editing_on(monkeypatch, data_dir):
    monkeypatch.setenv("LASDASH_EDITOR_PASSWORD", PASSWORD)
    editors.THROTTLE._failures.clear()
    return data_dir


def editor_at(page):
    at = apptest.open_page("app_pages/data.py")
    at.text_input[0].input("Jane Smith")
    at.text_input[1].input(PASSWORD)
    next(b for b in at.button if b.label == "Unlock editing").click()
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def expander_labels(at):
    return [e.label for e in at.expander]


@pytest.mark.parametrize("page, control", [(ENGAGEMENT, "Record an engagement"),
                                           ("app_pages/recommendations.py", "Update recommendations")])
def test_viewers_see_no_edit_controls_and_editors_do(page, control):
    assert control not in expander_labels(apptest.open_page(page))
    assert control in expander_labels(editor_at(page))


def _fill_lfb_meeting(at):
    form = at.get("form")[0] if at.get("form") else None
    assert form is not None
    next(d for d in at.date_input if d.label == "Date").set_value(dt.date(2026, 11, 15))
    org = next(s for s in at.selectbox if s.label == "Organisation")
    assert "London Fire Brigade" in org.options  # offered by name
    org.set_value("ORG-lfb")
    next(t for t in at.text_input if t.label == "Mechanism").input("Meeting")
    next(s for s in at.selectbox if s.label == "Level").set_value("Keep informed")
    next(b for b in at.button if b.label == "Check").click()
    at.run()
    assert not at.exception, at.exception


def test_an_editor_records_an_engagement_by_name_as_one_snapshot(editing_on):
    store = SnapshotStore(editing_on)
    at = editor_at(ENGAGEMENT)
    before = len(store.list())
    _fill_lfb_meeting(at)
    preview = "\n".join(c.value for c in at.get("code"))
    assert "Engagements: added ENG-20261115-001" in preview
    next(b for b in at.button if b.label == "Save as a new snapshot").click()
    at.run()
    assert any("Saved as snapshot" in shown(s.value) for s in at.success)
    assert len(store.list()) == before + 1 and store.current().author == "Jane Smith (passphrase)"
    row = store.read(store.current_id(), "Engagements").set_index("id").loc["ENG-20261115-001"]
    assert row["organisation_id"] == "ORG-lfb" and row["date"] == dt.date(2026, 11, 15)
    assert row["source"] == f"Recorded in lasdash by Jane Smith (passphrase), {clock.today():%d/%m/%Y}"


def test_rights_taken_away_after_the_form_was_shown_refuse_the_save(editing_on, monkeypatch):
    store = SnapshotStore(editing_on)
    at = editor_at(ENGAGEMENT)
    _fill_lfb_meeting(at)
    before = store.current_id()
    monkeypatch.delenv("LASDASH_EDITOR_PASSWORD")  # editing switched off on the server meanwhile
    next(b for b in at.button if b.label == "Save as a new snapshot").click()
    at.run()
    assert any("Only editors can change the map" in shown(e.value) for e in at.error)
    assert store.current_id() == before


def test_an_edit_of_a_map_that_moved_on_is_made_again_on_the_new_map(editing_on):
    store = SnapshotStore(editing_on)
    at = editor_at(ENGAGEMENT)
    _fill_lfb_meeting(at)
    others = store.read_all(store.current_id())  # meanwhile someone else publishes another change
    others["Forums"].loc[0, "cadence"] = "Monthly (synthetic)"
    store.publish(others, author="Editor B", expected_current=store.current_id())
    next(b for b in at.button if b.label == "Save as a new snapshot").click()
    at.run()
    assert any("made again on the newer map" in shown(s.value) for s in at.success)
    now = store.read_all(store.current_id())
    assert "ENG-20261115-001" in set(now["Engagements"]["id"])
    assert now["Forums"].loc[0, "cadence"] == "Monthly (synthetic)"


def _click(at, label):
    next(b for b in at.button if b.label == label).click()
    at.run()
    assert not at.exception, at.exception


def test_an_editor_replaces_the_nw_london_jhosc_chair_with_someone_new(editing_on):
    store = SnapshotStore(editing_on)
    at = editor_at("app_pages/jhosc.py")
    assert "Change a seat" in expander_labels(at)
    next(s for s in at.selectbox if s.label == "Seat").set_value("R000-115")
    next(t for t in at.text_input if t.label == "New person's name").input("Ada Testwell")
    next(t for t in at.text_input if t.label == "Title").input("Cllr")
    _click(at, "Check")
    assert "Cllr Ada Testwell" in "\n".join(c.value for c in at.get("code"))
    _click(at, "Save as a new snapshot")
    assert any("Saved as snapshot" in shown(s.value) for s in at.success)
    assert at.dataframe[0].value.set_index("JHOSC").loc["NW London JHOSC", "Chair"] == "Cllr Ada Testwell"
    assert store.current().author == "Jane Smith (passphrase)"
    assert store.current().note == "new holder for NW London JHOSC \u2014 Chair: Cllr Ada Testwell (was Cllr Mel Collins)"


def test_an_editor_assesses_an_organisation_and_priorities_shows_it(editing_on):
    store = SnapshotStore(editing_on)
    at = editor_at("app_pages/priorities.py")
    next(s for s in at.selectbox if s.label == "Organisation").set_value("ORG-lfb").run()
    next(s for s in at.selectbox if s.label == "Power").set_value("High")
    next(s for s in at.selectbox if s.label == "Interest").set_value("High")
    _click(at, "Check")
    _click(at, "Save as a new snapshot")
    assert any("Saved as snapshot" in shown(s.value) for s in at.success)
    org = store.read(store.current_id(), "Organisations").set_index("id").loc["ORG-lfb"]
    assert (org["power"], org["interest"]) == ("High", "High")
    assert {m.label: m.value for m in at.metric}["Manage closely"] == "1"
