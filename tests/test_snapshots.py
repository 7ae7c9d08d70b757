import json

import pytest

from lasdash import pipeline
from lasdash.snapshots import StaleSnapshot, StoreError, describe


def test_bootstrap_publishes_the_default_map_once(data_dir):
    s1 = pipeline.open_store(data_dir)
    s2 = pipeline.open_store(data_dir)
    assert len(s2.list()) == 1 and s1.current_id() == s2.current_id()
    m = s2.current()
    assert m.author == pipeline.BOOTSTRAP_AUTHOR
    assert m.row_counts["Sub-groups"] == 11 and len(m.sha256) == 64


def test_publish_rollback_and_undo(store, tables, write_workbook):
    first = store.current_id()
    tables["Documents"].loc[0, "note"] = "edited"
    out = pipeline.publish(store, write_workbook(tables), author="ed", note="second")
    second = out.manifest.id
    assert store.current_id() == second and len(store.list()) == 2
    store.rollback(first, author="ed")
    assert store.current_id() == first
    store.rollback(second, author="ed")  # undo the rollback
    assert store.current_id() == second
    actions = [e["action"] for e in store.events()]
    assert actions == ["publish", "publish", "rollback", "rollback"]
    with pytest.raises(StoreError):
        store.rollback(second, author="ed")
    with pytest.raises(StoreError):
        store.rollback("../../etc", author="ed")


def test_failed_publish_changes_nothing(store, tables, write_workbook):
    before = store.current_id()
    files = sorted(p.name for p in store.root.rglob("*"))
    tables["Organisations"].loc[0, "footprint"] = "Atlantis"
    out = pipeline.publish(store, write_workbook(tables), author="ed")
    assert out.manifest is None and not out.validation.ok
    assert store.current_id() == before
    assert sorted(p.name for p in store.root.rglob("*")) == files


def test_stale_publish_is_refused(store, tables, write_workbook):
    reviewed = store.current_id()
    pipeline.publish(store, write_workbook(tables), author="other editor")
    with pytest.raises(StaleSnapshot):
        pipeline.publish(store, write_workbook(tables), author="me", expected_current=reviewed)


def test_snapshots_are_immutable_and_typed(store):
    sid = store.current_id()
    forums = store.read(sid, "Forums")
    assert str(forums["budget_gbp"].dtype) == "Int64"
    manifest = json.loads((store.snapshot_dir / sid / "manifest.json").read_text())
    assert manifest["row_counts"]["Forums"] == len(forums)


@pytest.mark.parametrize("sheet, column, new_value, expected_line", [
    ("Forums", "name", "Renamed board", "Forums: Renamed board: Name:"),
    ("Organisations", "borough", "Barnet", "Organisations:"),
])
def test_diff_reports_field_level_changes(store, tables, write_workbook, sheet, column, new_value, expected_line):
    tables[sheet].loc[0, column] = new_value
    out = pipeline.publish(store, write_workbook(tables), author="ed")
    lines = describe(store.diff(store.events()[-1]["previous"], out.manifest.id))
    assert len(lines) == 1 and lines[0].startswith(expected_line) and new_value in lines[0]


def test_diff_names_a_changed_jhosc_chair_in_words(store, tables, write_workbook):
    people, roles = tables["People"], tables["Roles"]
    chair = roles[(roles["forum_id"] == "FOR-jhosc-nwl") & (roles["role"] == "Chair")].index[0]
    new = people.iloc[[0]].copy()
    new["id"], new["name"], new["title"] = "PER-a-n-other", "A. N. Other", "Cllr"
    tables["People"] = __import__("pandas").concat([people, new], ignore_index=True)
    roles.loc[chair, "person_id"] = "PER-a-n-other"
    out = pipeline.publish(store, write_workbook(tables), author="ed")
    lines = describe(store.diff(store.events()[-1]["previous"], out.manifest.id))
    assert "Roles: NW London JHOSC \u2014 Chair: Person ID: Cllr Mel Collins \u2192 Cllr A. N. Other" in lines
    assert "People: added Cllr A. N. Other" in lines
    assert len(lines) == 2


def test_workbook_round_trip_gives_an_empty_diff(store, tmp_path):
    from lasdash.workbook import save_workbook
    path = tmp_path / "current.xlsx"
    save_workbook(path, store.read_all(store.current_id()))
    out = pipeline.publish(store, path, author="ed")
    assert describe(store.diff(store.events()[-1]["previous"], out.manifest.id)) == []


def test_half_written_snapshot_is_not_listed(store):
    (store.snapshot_dir / ".tmp-20990101T000000Z-abc").mkdir()
    assert all(not m.id.startswith(".") for m in store.list())
    assert store.clean_partial() == 1


def test_periods_are_read_once_and_stored_and_older_snapshots_still_work(store):
    import pyarrow.parquet as pq

    from lasdash import queries
    sid = store.current_id()
    stored = pq.read_table(store.table_path(sid, "Engagements")).to_pandas()
    row = stored[stored["period"] == "June 2022 - March 2023"].iloc[0]
    assert (str(row["period_start"]), str(row["period_end"])) == ("2022-06-01", "2023-03-31")
    before = queries.run(queries.connect(store, sid), "relationships")
    # a snapshot written before the derived columns existed: the same answers, worked out on reading
    path = store.table_path(sid, "Engagements")
    pq.write_table(pq.read_table(path).drop_columns(["period_start", "period_end"]), path)
    assert store.read(sid, "Engagements")["period_end"].dropna().map(str).tolist() == \
        stored["period_end"].dropna().map(str).tolist()
    after = queries.run(queries.connect(store, sid), "relationships")
    assert after.equals(before)


def test_an_edit_stores_only_the_sheets_it_changed(store, tables):
    before = store.current_id()
    recs = store.read_all(before)
    recs["Recommendations"].loc[0, "status"] = "Done"
    after = store.publish(recs, author="test", expected_current=before).id
    old_dir, new_dir = store.snapshot_dir / before, store.snapshot_dir / after
    shared = {f.name for f in new_dir.glob("*.parquet") if f.stat().st_ino == (old_dir / f.name).stat().st_ino}
    assert "recommendations.parquet" not in shared and "people.parquet" in shared and len(shared) == 8
    assert store.read(after, "Recommendations").loc[0, "status"] == "Done"
    assert store.read(before, "Recommendations").isna().loc[0, "status"]  # the old snapshot is untouched
