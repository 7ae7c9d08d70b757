"""The Data page: downloads for everyone; upload, preview, publish and rollback for editors only."""
import apptest
import pandas as pd
import pytest
from apptest import shown

from lasdash import editors
from lasdash.snapshots import SnapshotStore

PASSWORD = "correct horse battery staple"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def editing_on(monkeypatch, data_dir):
    monkeypatch.setenv("LASDASH_EDITOR_PASSWORD", PASSWORD)
    return data_dir


def data_page(**params):
    return apptest.open_page("app_pages/data.py", **params)


def unlock(at, name="Ed Itor", password=PASSWORD):
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    next(b for b in at.button if b.label == "Unlock editing").click()
    at.run()
    return at


def upload(at, path):
    at.get("file_uploader")[0].set_value((path.name, path.read_bytes(), XLSX))
    at.run()
    assert not at.exception, at.exception
    return at


def button(at, label):
    return next(b for b in at.button if b.label == label)


def jhosc_chair(at, name="NW London JHOSC"):
    at.switch_page("app_pages/jhosc.py").run()
    return at.dataframe[0].value.set_index("JHOSC").loc[name, "Chair"]


def new_chair_workbook(tables, write_workbook):
    people, roles = tables["People"], tables["Roles"]
    new = people.iloc[[0]].copy()
    new["id"], new["name"], new["title"], new["source"] = "PER-a-n-other", "A. N. Other", "Cllr", "000 Chart 5"
    for col in ("aliases", "substantive_role", "organisation_id", "background"):
        new[col] = None
    tables["People"] = pd.concat([people, new], ignore_index=True)
    chair = roles[(roles["forum_id"] == "FOR-jhosc-nwl") & (roles["role"] == "Chair")].index[0]
    roles.loc[chair, "person_id"] = "PER-a-n-other"
    return write_workbook(tables, "jhosc-chair-changed.xlsx")


def table_with(at, column):
    """AppTest does not report a dataframe's key, so find the table by a column it has."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def snapshot_files(data_dir):
    return sorted(str(p.relative_to(data_dir)) for p in data_dir.rglob("*") if p.is_file() and p.name != ".lock")


def test_editor_changes_a_jhosc_chair_publishes_and_rolls_back(editing_on, tables, write_workbook):
    at = unlock(data_page())
    assert "Signed in as **Ed Itor (passphrase)**." in [shown(c.value) for c in at.caption]
    at = upload(at, new_chair_workbook(tables, write_workbook))
    preview = at.get("code")[0].value.splitlines()
    assert "Roles: NW London JHOSC \u2014 Chair: Person ID: Cllr Mel Collins \u2192 Cllr A. N. Other" in preview
    assert preview == ["People: added Cllr A. N. Other",
                       "Roles: NW London JHOSC \u2014 Chair: Person ID: Cllr Mel Collins \u2192 Cllr A. N. Other"]
    at.text_input(key="publish_note").input("New NWL JHOSC chair").run()
    button(at, "Publish as the new current map").click()
    at.run()
    assert any("Published snapshot" in shown(s.value) for s in at.success)
    store = SnapshotStore(editing_on)
    assert store.current().author == "Ed Itor (passphrase)" and store.current().note == "New NWL JHOSC chair"
    assert jhosc_chair(at) == "Cllr A. N. Other"

    at.switch_page("app_pages/data.py").run()
    at.selectbox(key="rollback_target").set_value(store.list()[0].id).run()
    button(at, "Roll back…").click()
    at.run()
    assert any("Make **" in shown(w.value) for w in at.warning)
    button(at, "Yes, roll back").click()
    at.run()
    assert any("is current again" in shown(s.value) for s in at.success)
    assert jhosc_chair(at) == "Cllr Mel Collins"
    assert [e["action"] for e in store.events()] == ["publish", "publish", "rollback"]


def test_invalid_workbook_gets_a_report_and_changes_nothing(editing_on, tables, write_workbook):
    at = unlock(data_page())
    store = SnapshotStore(editing_on)
    before_id, before_files = store.current_id(), snapshot_files(editing_on)
    tables["Roles"].loc[2, "role"] = "Grand Poobah"
    tables["People"].loc[0, "name"] = None
    at = upload(at, write_workbook(tables, "broken.xlsx"))
    assert any("Not published: 1 error in People, 1 error in Roles" in shown(e.value) for e in at.error)
    report = table_with(at, "How to fix")
    roles_row = report[report["Sheet"] == "Roles"].iloc[0]
    assert (roles_row["Row"], roles_row["Column"], roles_row["Value"]) == (4, "Role", "Grand Poobah")
    assert "Chair" in roles_row["How to fix"]
    assert not [b for b in at.button if b.label == "Publish as the new current map"]
    assert store.current_id() == before_id and snapshot_files(editing_on) == before_files


def test_unreadable_upload_is_refused_with_a_message(editing_on, tmp_path):
    at = unlock(data_page())
    bad = tmp_path / "not-really.xlsx"
    bad.write_bytes(b"ID,Name\n1,x\n")
    at = upload(at, bad)
    assert any("not an Excel .xlsx workbook" in shown(e.value) for e in at.error)


def test_wrong_passphrase_does_not_unlock(editing_on):
    at = unlock(data_page(), password="guess")
    assert any("not right" in shown(e.value) for e in at.error)
    assert not at.get("file_uploader")
    assert editors.THROTTLE.delay() > 0  # the next attempt, from any session, waits


def test_viewer_sees_no_upload_and_a_crafted_publish_is_refused(editing_on, tables, write_workbook):
    at = unlock(data_page())
    at = upload(at, new_chair_workbook(tables, write_workbook))
    at.text_input(key="publish_note").input("sneaky").run()
    at.session_state["_editor_name"] = None  # the session loses editor rights, the button is still in the page
    button(at, "Publish as the new current map").click()
    at.run()
    assert any("Only editors can publish" in shown(e.value) for e in at.error)
    assert len(SnapshotStore(editing_on).list()) == 1
    assert not at.get("file_uploader")  # and the controls are gone


def test_editing_off_says_how_to_turn_it_on(data_dir, monkeypatch):
    monkeypatch.delenv("LASDASH_EDITOR_PASSWORD", raising=False)
    at = data_page()
    assert not at.get("file_uploader")
    assert any("LASDASH_EDITOR_PASSWORD" in shown(i.value) for i in at.info)
    assert [b.label for b in at.button if "Download" in b.label or "download" in b.label] == []  # downloads are download_buttons
    assert len(table_with(at, "Snapshot ID")) == 1


def test_second_editor_is_told_the_map_changed_and_reviews_again(editing_on, tables, write_workbook):
    at = unlock(data_page())
    at = upload(at, new_chair_workbook(tables, write_workbook))
    # meanwhile another editor publishes a different change
    store = SnapshotStore(editing_on)
    from lasdash import pipeline
    other = {k: v.copy() for k, v in tables.items()}
    other["Forums"].loc[0, "cadence"] = "Monthly"
    pipeline.publish(store, write_workbook(other, "other.xlsx"), author="Other Editor")
    at.text_input(key="publish_note").input("mine").run()
    button(at, "Publish as the new current map").click()
    at.run()
    assert any("changed by someone else" in shown(w.value) for w in at.warning)
    assert len(store.list()) == 2  # not published over the other editor's work
    preview = at.get("code")[0].value
    assert "Cadence: Monthly \u2192 \u2013" in preview  # the new preview shows what mine would undo
    button(at, "Publish as the new current map").click()
    at.run()
    assert any("Published snapshot" in shown(s.value) for s in at.success)
    assert len(store.list()) == 3 and store.current().author == "Ed Itor (passphrase)"


def _based_workbook(tables, store, path):
    """A workbook as the Data page's download writes it: recording the current snapshot as its base."""
    from lasdash.workbook import workbook_bytes
    path.write_bytes(workbook_bytes(tables, store.current()))
    return path


@pytest.mark.parametrize("choice", ["merge", "take mine", "overwrite"])
def test_a_stale_upload_shows_its_conflicts_and_merges_by_default(editing_on, tables, write_workbook, tmp_path,
                                                                   choice):
    from lasdash import pipeline
    store = pipeline.open_store(editing_on)
    mine = {k: v.copy() for k, v in tables.items()}
    recs = mine["Recommendations"]
    recs.loc[recs["id"] == "REC-001-HC1", "status"] = "In progress"
    stale = _based_workbook(mine, store, tmp_path / "editor-a.xlsx")
    # meanwhile editor B publishes a new NW London JHOSC chair from a workbook of the same snapshot
    theirs = new_chair_workbook({k: v.copy() for k, v in tables.items()}, write_workbook)
    b = pipeline.check(theirs)
    store.publish(b.tables, author="Editor B", note="new chair", expected_current=store.current_id())

    at = upload(unlock(data_page()), stale)
    code = "\n".join(c.value for c in at.get("code"))
    assert ("Roles: NW London JHOSC \u2014 Chair: Person ID: Cllr A. N. Other (by Editor B, "
            f"{store.current().created_at:%d %b %Y}) \u2192 Cllr Mel Collins (your file)") in code
    assert any("made from an older map" in shown(w.value) for w in at.warning)
    assert at.radio(key="publish_mode").value == "merge"
    if choice == "take mine":
        assert any("Chair" in o for o in at.multiselect(key="take_yours").options)  # offered in words
        at.multiselect(key="take_yours").select("Roles|R000-115|person_id").run()
    if choice == "overwrite":
        at.radio(key="publish_mode").set_value("overwrite").run()
    at.text_input(key="publish_note").input("status").run()
    button(at, "Publish as the new current map").click()
    at.run()
    assert any("Published snapshot" in shown(s.value) for s in at.success), [e.value for e in at.error]
    now = store.read_all(store.current_id())
    assert now["Recommendations"].set_index("id").loc["REC-001-HC1", "status"] == "In progress"
    chair = now["Roles"].set_index("id").loc["R000-115", "person_id"]
    assert chair == {"merge": "PER-a-n-other", "take mine": "PER-mel-collins", "overwrite": "PER-mel-collins"}[choice]
    assert ("PER-a-n-other" in set(now["People"]["id"])) == (choice != "overwrite")


def test_the_data_page_points_to_the_unlock_in_the_sidebar_and_opens_it_there(editing_on):
    at = data_page()
    assert any("Editors: unlock editing for this session" in shown(m.value) and "sidebar" in m.value
               for m in at.markdown)
    (editing,) = [e for e in at.sidebar.expander if e.label == "Editing"]
    assert editing.proto.expanded and [b.label for b in editing.button] == ["Unlock editing"]
    at.switch_page("app_pages/jhosc.py").run()  # elsewhere it stays out of the way
    assert not next(e for e in at.sidebar.expander if e.label == "Editing").proto.expanded
    at.switch_page("app_pages/data.py").run()
    unlock(at)
    assert not [b for b in at.main.button if b.label == "Lock editing"]  # one Lock editing, in the sidebar
    assert [b.label for b in at.sidebar.button if b.label == "Lock editing"] == ["Lock editing"]
