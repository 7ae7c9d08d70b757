"""AppTest: edits where the reader is. Viewers see no edit controls; an editor records an engagement by
name (no ID typed) and it becomes one snapshot; rights checked again at save; a stale map is handled."""
import datetime as dt

import apptest
import pytest
from apptest import shown

from lasdash import clock, pipeline
from lasdash.snapshots import SnapshotStore

PASSWORD = "correct horse battery staple"
ENGAGEMENT = "app_pages/engagement.py"


@pytest.fixture(autouse=True)
def editing_on(monkeypatch, data_dir):
    monkeypatch.setenv("LASDASH_EDITOR_PASSWORD", PASSWORD)
    return data_dir  # failed attempts are counted in each test's own store


def editor_at(page, **params):
    """Unlock editing on the Data page, then open `page` as a link with `params` would."""
    at = apptest.open_page("app_pages/data.py")
    at.text_input[0].input("Jane Smith")
    at.text_input[1].input(PASSWORD)
    next(b for b in at.button if b.label == "Unlock editing").click()
    at.run()
    at.query_params.update(params)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def expander_labels(at):
    return [e.label for e in at.expander]


def preview(at):
    """The page's Markdown as the reader sees it (the preview of an edit is a list of wrapped lines)."""
    return "\n".join(shown(m.value) for m in at.markdown)


@pytest.mark.parametrize("page, control", [(ENGAGEMENT, "Record an engagement"),
                                           ("app_pages/recommendations.py", "Update recommendations"),
                                           ("app_pages/priorities.py", "Assess organisations"),
                                           ("app_pages/sub_groups.py", "Set default contact intervals")])
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
    assert "Engagement with London Fire Brigade on 15 Nov 2026 (Meeting) added" in preview(at)
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
    assert "Cllr Ada Testwell" in preview(at)
    _click(at, "Save as a new snapshot")
    assert any("Saved as snapshot" in shown(s.value) for s in at.success)
    assert at.dataframe[0].value.set_index("JHOSC").loc["NW London JHOSC", "Chair"] == "Cllr Ada Testwell"
    assert store.current().author == "Jane Smith (passphrase)"
    assert store.current().note == "new holder for NW London JHOSC \u2014 Chair: Cllr Ada Testwell (was Cllr Mel Collins)"


@pytest.mark.parametrize("typed", ["Angela Bh\u0430n", "Angela Bahn"])  # a Cyrillic 'а'; two letters swapped
def test_a_new_person_who_looks_like_someone_on_the_map_is_asked_about(editing_on, typed):
    """The validator's lookalike check runs when an editor adds a person in the app, before anything is saved."""
    at = editor_at("app_pages/jhosc.py")
    next(s for s in at.selectbox if s.label == "Seat").set_value("R000-115")
    next(t for t in at.text_input if t.label == "New person's name").input(typed)
    _click(at, "Check")
    asked = [shown(w.value) for w in at.warning if "did you mean" in w.value]
    assert len(asked) == 1 and "did you mean PER-angela-bhan?" in asked[0]


def test_an_editor_assesses_an_organisation_in_the_grid_and_priorities_shows_it(editing_on):
    store = SnapshotStore(editing_on)
    at = editor_at("app_pages/priorities.py")
    at.session_state["assess_grid_open"] = True  # a click on "Assess organisations"
    at.run()
    grid = next(d.value for d in at.dataframe if "Sub-group default" in d.value.columns)
    assert len(grid) == 121  # unfiltered: every organisation
    at.session_state[f"assess_editor_{store.current_id()}"] = {
        "edited_rows": {grid.index.get_loc("ORG-lfb"): {"Power": "High", "Interest": "High"}},
        "added_rows": [], "deleted_rows": []}
    at.run()
    assert "- Organisations: London Fire Brigade\n  - Power: \u2013 \u2192 High\n  - Interest: \u2013 \u2192 High" in preview(at)
    _click(at, "Save as a new snapshot")
    assert any("Saved as snapshot" in shown(s.value) for s in at.success)
    org = store.read(store.current_id(), "Organisations").set_index("id").loc["ORG-lfb"]
    assert (org["power"], org["interest"]) == ("High", "High")
    assert {m.label: m.value for m in at.metric}["Manage closely"] == "1"


def _choose_change(at, row_text):
    """Tick one line of What changed on the Overview, as a reader's click does."""
    grid = next(d.value for d in at.dataframe if "Field" in d.value.columns)
    at.session_state["recent_changes"] = {"selection": {"rows": [grid["Row"].tolist().index(row_text)],
                                                        "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception
    return grid


def test_a_recorded_engagement_reads_as_what_it_is_in_the_preview_and_in_what_changed():
    at = editor_at(ENGAGEMENT)
    _fill_lfb_meeting(at)
    lines = preview(at)
    assert "- Engagement with London Fire Brigade on 15 Nov 2026 (Meeting) added" in lines
    assert "ENG-20261115-001 added" not in lines and "Engagements: added" not in lines
    _click(at, "Save as a new snapshot")
    at.switch_page("app_pages/overview.py").run()
    grid = _choose_change(at, "Engagement with London Fire Brigade on 15 Nov 2026 (Meeting)")
    assert not grid[["From", "To"]].isin(["None", "nan"]).any().any()
    assert [t.value for t in at.text] == ["Engagement with London Fire Brigade on 15 Nov 2026 (Meeting)", "Added"]


def test_a_recommendations_whole_text_is_one_click_away_in_what_changed(editing_on):
    store = pipeline.open_store(editing_on)
    from lasdash import edits
    note = "Agreed at [the board](https://example.org) ![x](https://example.org/p.png)"
    tables = edits.update_recommendations(store.read_all(store.current_id()), {
        "REC-001-HC1": {"progress_note": note}}, clock.today())
    assert pipeline.save_edit(store, store.current_id(), tables, author="Editor A").manifest is not None
    whole = tables["Recommendations"].set_index("id").loc["REC-001-HC1", "text"]
    at = apptest.open_page()
    grid = next(d.value for d in at.dataframe if "Field" in d.value.columns)
    row = grid[grid["Field"] == "Progress note"].iloc[0]
    assert row["Row"].startswith("Recommendation REC-001-HC1 (Health Committee letter 20 Feb 2023, recommendation 1): "
                                 "The LAS should include") and row["Row"].endswith(" \u2026")
    assert row["From"] == "\u2013" and row["To"] == note  # the whole value, raw: a grid reads no Markdown
    at.session_state["recent_changes"] = {"selection": {"rows": [int(row.name)], "columns": [], "cells": []}}
    at.run()
    texts = [t.value for t in at.text]
    assert texts[0].endswith(": " + whole) and f"To: {note}" in texts and "From: \u2013" in texts
    assert not any("](" in m.value and "\\]" not in m.value for m in at.markdown)  # no live link or image anywhere


def test_a_recommendation_edit_preview_wraps_names_the_row_and_keeps_the_whole_text_one_click_away():
    from streamlit.testing.v1 import AppTest

    def script():
        import datetime as dt

        import streamlit as st

        from lasdash import edits
        from lasdash.defaults import load_seed_tables
        from lasdash.ui.map_edits import _preview
        tables = load_seed_tables()
        with st.expander("Update recommendations"):
            _preview(tables, edits.update_recommendations(tables, {"REC-001-HC1": {
                "status": "In progress", "progress_note": "See [here](https://e.vil) ![x](https://e.vil/p.png)"}},
                dt.date(2026, 12, 1)))

    at = AppTest.from_function(script, default_timeout=60).run()
    assert not at.exception, at.exception
    assert not at.get("code")  # no clipped code block
    lines = preview(at)
    assert "**What saving changes (3)**" in lines
    assert ("- Recommendation REC-001-HC1 (Health Committee letter 20 Feb 2023, recommendation 1): The LAS should "
            "include in its new strategy commitments to \u2026\n  - Status: \u2013 \u2192 In progress") in lines
    assert "  - Progress note: \u2013 \u2192 See [here](https://e.vil) ![x](https://e.vil/p.png)" in lines
    assert "\\[here\\]\\(https" in "\n".join(m.value for m in at.markdown)  # escaped: shown, never a link
    [popover] = at.get("popover")
    assert popover.proto.popover.label == "The whole text"
    assert [t.value for t in popover.text] == [
        ("Recommendation REC-001-HC1 (Health Committee letter 20 Feb 2023, recommendation 1): The LAS should include "
         "in its new strategy commitments to increase levels of patient engagement, in order to give patients a "
         "greater say in how services are delivered.")]


def _without(tables, sheet, key):
    """A row deleted, with every row that refers to it, as another editor's workbook would."""
    from lasdash import schema as S
    tables[sheet] = tables[sheet][tables[sheet]["id"] != key].reset_index(drop=True)
    for other in S.SHEETS:
        for col in (c for c in other.columns if c.ref == sheet):
            for k in tables[other.name].loc[tables[other.name][col.name] == key, "id"].tolist():
                _without(tables, other.name, k)


@pytest.mark.parametrize("deleted, saved", [(("Engagements", "E001-029"), True), (("Organisations", "ORG-lfb"), False)],
                         ids=["an unrelated engagement: made again", "the engagement's organisation: refused"])
def test_a_deletion_meanwhile_blocks_an_engagement_only_when_it_is_referred_to(editing_on, deleted, saved):
    """Issue 21, defect 3: Alice publishes a map without E001-029 while Bob records an engagement."""
    store = SnapshotStore(editing_on)
    at = editor_at(ENGAGEMENT)
    _fill_lfb_meeting(at)
    others = store.read_all(store.current_id())
    _without(others, *deleted)
    alices = store.publish(others, author="Alice", expected_current=store.current_id()).id
    _click(at, "Save as a new snapshot")
    if saved:
        assert any("made again on the newer map" in shown(s.value) for s in at.success)
        ids = set(store.read(store.current_id(), "Engagements")["id"])
        assert "ENG-20261115-001" in ids and "E001-029" not in ids
    else:
        [warning] = [shown(w.value) for w in at.warning if "Not saved" in shown(w.value)]
        assert "Organisations: London Fire Brigade: deleted (by Alice, " in warning
        assert "\u2192 referred to by your edit" in warning and "your file" not in warning
        assert store.current_id() == alices


# --- "Record an engagement" from a My relationships link: /engagement?record_org=ID&record_lead=LEAD ------------------
def _recorder(at):
    return next(e for e in at.expander if e.label == "Record an engagement")


def test_a_link_opens_the_recorder_with_the_organisation_and_lead_filled_in_once(editing_on):
    store = SnapshotStore(editing_on)
    lead = "Medical Director **[urgent](https://e.vil)**"  # the lead is text in a text input, never Markdown
    at = editor_at(ENGAGEMENT, record_org="ORG-lfb", record_lead=lead)
    assert _recorder(at).proto.expanded
    assert at.selectbox(key="record_engagement_org").value == "ORG-lfb"
    assert at.text_input(key="record_engagement_lead").value == lead
    assert "record_org" not in at.query_params and "record_lead" not in at.query_params  # used once
    assert not any("e.vil" in m.value for m in at.markdown)
    next(d for d in at.date_input if d.label == "Date").set_value(dt.date(2026, 11, 15))
    next(t for t in at.text_input if t.label == "Mechanism").input("Meeting")
    _click(at, "Check")
    _click(at, "Save as a new snapshot")
    row = store.read(store.current_id(), "Engagements").set_index("id").loc["ENG-20261115-001"]
    assert (row["organisation_id"], row["las_lead"]) == ("ORG-lfb", lead)
    assert "record_org" not in at.query_params  # a reload after the save fills nothing in


@pytest.mark.parametrize("org", ["ORG-nowhere", "London Fire Brigade", "ORG-lfb' OR 1=1 --"])
def test_a_link_naming_no_organisation_on_the_map_picks_none(editing_on, org):
    at = editor_at(ENGAGEMENT, record_org=org, record_lead="Head of Partnerships")
    assert _recorder(at).proto.expanded
    assert at.selectbox(key="record_engagement_org").value is None  # only an ID on the map is taken
    assert at.text_input(key="record_engagement_lead").value == "Head of Partnerships"
    assert "The link named an organisation that is not on the map: pick it by name." in [c.value for c in at.caption]
    assert "record_org" not in at.query_params


def test_a_long_lead_in_a_link_is_cut_and_a_viewer_gets_no_form(editing_on):
    at = editor_at(ENGAGEMENT, record_org="ORG-lfb", record_lead="x " * 500)
    assert at.text_input(key="record_engagement_lead").value == ("x " * 100).strip()
    viewer = apptest.open_page(ENGAGEMENT, record_org="ORG-lfb", record_lead="Medical Director")
    assert "Record an engagement" not in expander_labels(viewer)
    assert viewer.query_params["record_org"] == "ORG-lfb"  # kept: it fills the form once they unlock editing


def test_without_a_link_the_recorder_opens_closed_and_empty(editing_on):
    at = editor_at(ENGAGEMENT)
    assert not _recorder(at).proto.expanded
    assert at.selectbox(key="record_engagement_org").value is None
    assert at.text_input(key="record_engagement_lead").value == ""
