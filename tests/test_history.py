"""What changed: derived from the snapshots, in names, following the filter; one row's history."""
import datetime as dt

import apptest

from lasdash import edits, history, pipeline, queries

TODAY = dt.date(2026, 12, 1)


def _new_chair(store):
    tables, pid = edits.add_person(store.read_all(store.current_id()), "Ada Testwell", "Editor B", TODAY, title="Cllr")
    tables, _ = edits.replace_seat_holder(tables, "R000-115", pid, "Editor B", TODAY)
    assert pipeline.save_edit(store, store.current_id(), tables, author="Editor B").manifest is not None


def test_changes_are_derived_from_the_snapshots_in_names(store):
    _new_chair(store)
    assert pipeline.save_edit(store, store.current_id(), edits.update_recommendations(
        store.read_all(store.current_id()), {"REC-001-HC1": {"status": "In progress"}}, TODAY),
        author="Editor A").manifest is not None
    df = history.changes(store)
    assert df["By"].tolist()[:3] == ["Editor A", "Editor A", "Editor B"]  # newest first
    lines = history.describe(df)
    assert "Roles: NW London JHOSC \u2014 Chair: added \u00b7 by Editor B" in " | ".join(lines)  # the new holder's seat
    assert any(line.startswith("Roles: NW London JHOSC \u2014 Chair: To: \u2013 \u2192 30 Nov 2026") for line in lines)
    assert any(line.startswith("Recommendation REC-001-HC1 (Health Committee letter 20 Feb 2023, recommendation 1): ")
               and "Status: \u2013 \u2192 In progress \u00b7 by Editor A" in line for line in lines)
    assert any(line.startswith("People: Cllr Ada Testwell: added \u00b7 by Editor B") for line in lines)


def test_the_filter_applies_to_what_changed(store):
    _new_chair(store)
    con = queries.connect(store, store.current_id())
    df = history.changes(store)
    seat_rows = df[df["Sheet"] == "Roles"]
    assert len(queries.filter_rows_of_map(con, seat_rows, queries.Filter(("NWL",), include_wider=False))) == len(seat_rows)
    assert queries.filter_rows_of_map(con, seat_rows, queries.Filter(("SWL",), include_wider=False)).empty


def test_overview_shows_what_changed_and_follows_the_hcp_filter(data_dir, store):
    _new_chair(store)
    at = apptest.open_page()
    grid = next(d.value for d in at.dataframe if "Field" in d.value.columns)
    assert "NW London JHOSC \u2014 Chair" in set(grid["Row"])
    at = apptest.open_page(hcp="SWL")
    assert not any("Field" in d.value.columns and "NW London JHOSC \u2014 Chair" in set(d.value["Row"])
                   for d in at.dataframe)


def test_a_recommendations_own_history(data_dir, store):
    assert pipeline.save_edit(store, store.current_id(), edits.update_recommendations(
        store.read_all(store.current_id()), {"REC-001-HC1": {"status": "In progress"}}, TODAY),
        author="Editor A").manifest is not None
    at = apptest.open_page("app_pages/recommendations.py")
    assert "History of a recommendation" in [e.label for e in at.expander]
    picker = next(s for s in at.selectbox if s.label == "A recommendation")
    assert picker.options[0].startswith("REC-001-HC1") and len(picker.options) == 1  # only what has changed
    picker.set_value("REC-001-HC1").run()
    grid = next(d.value for d in at.dataframe if "Field" in d.value.columns and "Sheet" not in d.value.columns)
    assert ("Status", "In progress", "Editor A") in set(zip(grid["Field"], grid["To"], grid["By"], strict=True))


def test_an_organisations_own_history(data_dir, store):
    tables = edits.assess_organisation(store.read_all(store.current_id()), "ORG-lfb", {"power": "High"})
    assert pipeline.save_edit(store, store.current_id(), tables, author="Editor A").manifest is not None
    at = apptest.open_page("app_pages/priorities.py")
    next(s for s in at.selectbox if s.label == "An organisation").set_value("ORG-lfb").run()
    grid = next(d.value for d in at.dataframe if "Field" in d.value.columns and "Sheet" not in d.value.columns)
    assert ("Power", "High", "Editor A") in set(zip(grid["Field"], grid["To"], grid["By"], strict=True))


def test_a_long_row_history_asks_for_a_search_before_it_lists(data_dir, store, monkeypatch):
    from lasdash.ui import changes
    monkeypatch.setattr(changes, "PICKER_LIMIT", 1)  # two changed organisations are then "too many to list"
    tables = edits.assess_organisation(store.read_all(store.current_id()), "ORG-lfb", {"power": "High"})
    tables = edits.assess_organisation(tables, "ORG-met-police", {"power": "High"})
    assert pipeline.save_edit(store, store.current_id(), tables, author="Editor A").manifest is not None
    at = apptest.open_page("app_pages/priorities.py")
    assert not [s for s in at.selectbox if s.label == "An organisation"]
    find = next(t for t in at.text_input if t.label == "Find an organisation by name or ID")
    find.set_value("fire  BRIGADE").run()  # by name, case and spacing folded
    [picker] = [s for s in at.selectbox if s.label == "An organisation"]
    assert len(picker.options) == 1 and "London Fire Brigade" in picker.options[0]
    next(t for t in at.text_input if t.label == "Find an organisation by name or ID").set_value("ORG-").run()
    assert any("2 match; the first 1 are listed" in c.value for c in at.caption)
    next(t for t in at.text_input if t.label == "Find an organisation by name or ID").set_value("nothing-like").run()
    assert any("Nothing that has changed matches" in c.value for c in at.caption)


def test_no_row_history_to_pick_before_anything_changed(data_dir, store):
    at = apptest.open_page("app_pages/jhosc.py")
    assert not [s for s in at.selectbox if s.label == "A seat"]
    assert any("No seat shown here has changed since the map was first published" in c.value for c in at.caption)


def test_what_changed_carries_a_recommendations_whole_text_and_never_none(store):
    from lasdash.ui.changes import SHOWN, for_csv
    assert pipeline.save_edit(store, store.current_id(), edits.update_recommendations(
        store.read_all(store.current_id()), {"REC-001-HC1": {"owner": "Director of Strategy"}}, TODAY),
        author="Editor A").manifest is not None
    whole = store.read(store.current_id(), "Recommendations").set_index("id").loc["REC-001-HC1", "text"]
    df = history.changes(store)
    owner = df[df["Field"] == "Owner"].iloc[0]
    assert owner["Row"].startswith("Recommendation REC-001-HC1 (") and owner["Row"].endswith(" \u2026")
    assert owner["Row in full"].endswith(": " + whole)
    assert (owner["From"], owner["To"]) == ("\u2013", "Director of Strategy")
    assert not df[["Row", "From", "To"]].isin(["None", "nan", "(blank)"]).any().any()
    csv = for_csv(df)
    assert list(csv.columns) == SHOWN and whole in csv[csv["Field"] == "Owner"].iloc[0]["Row"]


def test_a_recorded_engagement_reads_by_whom_when_and_how_in_what_changed(store):
    tables, eid = edits.record_engagement(store.read_all(store.current_id()), {
        "date": TODAY, "organisation_id": "ORG-lfb", "mechanism": "Meeting"}, "Editor A", TODAY)
    assert pipeline.save_edit(store, store.current_id(), tables, author="Editor A").manifest is not None
    df = history.changes(store)
    assert df[df["ID"] == eid]["Row"].tolist() == ["Engagement with London Fire Brigade on 01 Dec 2026 (Meeting)"]
    assert history.describe(df)[0].startswith(
        "Engagement with London Fire Brigade on 01 Dec 2026 (Meeting) added \u00b7 by Editor A")


def test_thousands_of_changes_read_as_exact_counts_then_the_latest_200(data_dir, store, tmp_path):
    from lasdash import synth
    path = tmp_path / "s2.xlsx"
    synth.write_synthetic(path, 2)  # the real map plus one synthetic copy: about 950 rows added
    assert pipeline.publish(store, path, author="Editor A", expected_current=store.current_id()).manifest is not None
    total = len(history.changes(store))
    assert total > 200
    at = apptest.open_page("app_pages/overview.py")
    assert any(c.value.startswith(f"{total:,} changes in all") for c in at.caption)
    counts = next(d for d in at.dataframe if "Rows added" in d.value.columns).value
    assert counts["Rows added"].sum() > 200 and "Organisations" in set(counts["Sheet"])
    assert any(f"the latest 200 listed, and {total - 200:,} more" in c.value for c in at.caption)
    listed = next(d for d in at.dataframe if "Row" in d.value.columns)
    assert len(listed.value) == 200
