import datetime as dt
import io
import json

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from lasdash import diff, pipeline, queries, snapshots, workbook
from lasdash import schema as S
from lasdash.diff import describe
from lasdash.snapshots import StaleSnapshot, StoreError


def test_bootstrap_publishes_the_default_map_once(location):
    s1 = pipeline.open_store(location)
    s2 = pipeline.open_store(location)
    assert len(s2.list()) == 1 and s1.current_id() == s2.current_id()
    m = s2.current()
    assert m.author == pipeline.BOOTSTRAP_AUTHOR
    assert m.row_counts["Sub-groups"] == 11 and len(m.sha256) == 64


def test_publish_rollback_and_undo(any_store, tables, write_workbook):
    first = any_store.current_id()
    tables["Documents"].loc[0, "note"] = "edited"
    out = pipeline.publish(any_store, write_workbook(tables), author="ed", note="second")
    second = out.manifest.id
    assert any_store.current_id() == second and len(any_store.list()) == 2
    any_store.rollback(first, author="ed")
    assert any_store.current_id() == first
    any_store.rollback(second, author="ed")  # undo the rollback
    assert any_store.current_id() == second
    actions = [e["action"] for e in any_store.events()]
    assert actions == ["publish", "publish", "rollback", "rollback"]
    with pytest.raises(StoreError):
        any_store.rollback(second, author="ed")
    with pytest.raises(StoreError):
        any_store.rollback("../../etc", author="ed")


def test_failed_publish_changes_nothing(store, tables, write_workbook):
    before = store.current_id()
    files = sorted(p.name for p in store.root.rglob("*"))
    tables["Organisations"].loc[0, "footprint"] = "Atlantis"
    out = pipeline.publish(store, write_workbook(tables), author="ed")
    assert out.manifest is None and not out.validation.ok
    assert store.current_id() == before
    assert sorted(p.name for p in store.root.rglob("*")) == files


def test_stale_publish_is_refused(any_store, tables, write_workbook):
    reviewed = any_store.current_id()
    pipeline.publish(any_store, write_workbook(tables), author="other editor")
    with pytest.raises(StaleSnapshot):
        pipeline.publish(any_store, write_workbook(tables), author="me", expected_current=reviewed)


def test_failed_publish_changes_no_backend(any_store, tables, write_workbook):
    before = (any_store.current_id(), any_store.events(), [m.id for m in any_store.list()])
    tables["Organisations"].loc[0, "footprint"] = "Atlantis"
    out = pipeline.publish(any_store, write_workbook(tables), author="ed")
    assert out.manifest is None and not out.validation.ok
    assert (any_store.current_id(), any_store.events(), [m.id for m in any_store.list()]) == before


def test_every_backend_reads_back_what_it_stored(any_store, tables):
    sid = any_store.current_id()
    tables["Recommendations"].loc[0, "status"] = "Done"
    new = any_store.publish(tables, author="ed", expected_current=sid)
    assert any_store.read(new.id, "Recommendations").loc[0, "status"] == "Done"
    assert str(any_store.read(new.id, "Forums")["budget_gbp"].dtype) == "Int64"
    assert any_store.manifest(new.id).row_counts == {k: len(v) for k, v in any_store.read_all(new.id).items()}
    assert [m.id for m in any_store.list()] == [sid, new.id]


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
def test_diff_reports_field_level_changes(any_store, tables, write_workbook, sheet, column, new_value, expected_line):
    tables[sheet].loc[0, column] = new_value
    out = pipeline.publish(any_store, write_workbook(tables), author="ed")
    lines = describe(any_store.diff(any_store.events()[-1]["previous"], out.manifest.id))
    assert len(lines) == 1 and lines[0].startswith(expected_line) and new_value in lines[0]


def test_diff_names_a_changed_jhosc_chair_in_words(any_store, tables, write_workbook):
    people, roles = tables["People"], tables["Roles"]
    chair = roles[(roles["forum_id"] == "FOR-jhosc-nwl") & (roles["role"] == "Chair")].index[0]
    new = people.iloc[[0]].copy()
    new["id"], new["name"], new["title"] = "PER-a-n-other", "A. N. Other", "Cllr"
    tables["People"] = __import__("pandas").concat([people, new], ignore_index=True)
    roles.loc[chair, "person_id"] = "PER-a-n-other"
    out = pipeline.publish(any_store, write_workbook(tables), author="ed")
    lines = describe(any_store.diff(any_store.events()[-1]["previous"], out.manifest.id))
    assert "Roles: NW London JHOSC \u2014 Chair: Person ID: Cllr Mel Collins \u2192 Cllr A. N. Other" in lines
    assert "People: added Cllr A. N. Other" in lines
    assert len(lines) == 2


def test_workbook_round_trip_gives_an_empty_diff(any_store, tmp_path):
    from lasdash.workbook import save_workbook
    path = tmp_path / "current.xlsx"
    save_workbook(path, any_store.read_all(any_store.current_id()))
    out = pipeline.publish(any_store, path, author="ed")
    assert describe(any_store.diff(any_store.events()[-1]["previous"], out.manifest.id)) == []


def test_half_written_snapshot_is_not_listed(store):
    (store.snapshot_dir / ".tmp-20990101T000000Z-abc").mkdir()
    assert all(not m.id.startswith(".") for m in store.list())
    assert store.clean_partial() == 0 and store.clean_partial(older_than=dt.timedelta(0)) == 1  # kept while young


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


def test_a_snapshot_from_before_the_las_team_and_sub_group_intervals_reads_with_them_blank(store):
    """Old snapshots are never lost: one published before the LAS team sheet and the sub-groups' 'Contact every
    (days)' existed reads with an empty team and blank intervals, on every path (tables, views, the workbook)."""
    sid = store.current_id()
    snap = store.snapshot_dir / sid
    (snap / "las_team.parquet").unlink()
    manifest = json.loads((snap / "manifest.json").read_text())
    del manifest["row_counts"]["LAS team"]
    (snap / "manifest.json").write_text(json.dumps(manifest))
    path = snap / "sub_groups.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["contact_every_days"]), path)
    fresh = snapshots.SnapshotStore(store.root)  # no cached manifest
    assert not fresh.has_sheet(sid, "LAS team") and fresh.read(sid, "LAS team").empty
    assert list(fresh.read(sid, "LAS team").columns) == S.sheet("LAS team").column_names
    sub_groups = fresh.read(sid, "Sub-groups")
    assert len(sub_groups) == 11 and sub_groups["contact_every_days"].isna().all()
    con = queries.connect(fresh, sid)
    assert queries.run(con, "las_team").empty
    assert queries.run(con, "relationships")["Contact every (days)"].isna().all()
    sheets = openpyxl.load_workbook(io.BytesIO(workbook.snapshot_workbook_bytes(fresh, sid)), read_only=True).sheetnames
    assert "LAS team" in sheets


def test_an_edit_stores_only_the_sheets_it_changed(store, tables):
    before = store.current_id()
    recs = store.read_all(before)
    recs["Recommendations"].loc[0, "status"] = "Done"
    after = store.publish(recs, author="test", expected_current=before).id
    old_dir, new_dir = store.snapshot_dir / before, store.snapshot_dir / after
    shared = {f.name for f in new_dir.glob("*.parquet") if f.stat().st_ino == (old_dir / f.name).stat().st_ino}
    assert "recommendations.parquet" not in shared and "people.parquet" in shared and len(shared) == len(S.SHEETS) - 1
    assert store.read(after, "Recommendations").loc[0, "status"] == "Done"
    assert store.read(before, "Recommendations").isna().loc[0, "status"]  # the old snapshot is untouched


# --- every list names what it lists: rows and values in people's words --------------------------------------------
def _engagement(**fields):
    row = {c: None for c in S.sheet("Engagements").column_names}
    row.update(id="ENG-20261201-001", **fields)
    return row


@pytest.mark.parametrize("fields, expected", [
    ({"organisation_id": "ORG-lfb", "person_id": "PER-mel-collins", "date": dt.date(2026, 12, 1),
      "mechanism": "Meeting"},
     "Engagement with London Fire Brigade on 01 Dec 2026 (Meeting)"),  # the organisation first
    ({"person_id": "PER-mel-collins", "forum_id": "FOR-jhosc-nwl", "period": "June 2022 - March 2023"},
     "Engagement with Cllr Mel Collins, June 2022 - March 2023"),  # else the person; a period as written
    ({"forum_id": "FOR-jhosc-nwl", "mechanism": "Focus  group\nsessions"},
     "Engagement with NW London JHOSC (Focus group sessions)"),  # else the forum; no date or period
    ({"organisation_id": "ORG-lfb", "date": dt.date(2026, 12, 1), "period": "Winter 2026", "mechanism": float("nan")},
     "Engagement with London Fire Brigade on 01 Dec 2026"),  # the date before the period; NaN is not recorded
    ({"organisation_id": "ORG-gone", "date": pd.Timestamp("2026-12-01")},
     "Engagement with ORG-gone on 01 Dec 2026"),  # an organisation not on the map: its ID, not nothing
    ({"mechanism": "Meeting"}, "Engagement ENG-20261201-001 (Meeting)"),  # nobody named (invalid, but never blank)
])
def test_an_engagement_reads_as_whom_when_and_how(seed_tables, fields, expected):
    labels = diff.row_labels(seed_tables)
    assert diff.record_label(S.sheet("Engagements"), _engagement(**fields), labels) == expected


LONG = "Work with partners to improve the flow of patients between emergency departments and community services"


@pytest.mark.parametrize("reference, text, short, whole", [
    ("Health Committee 1", LONG, ("Recommendation REC-X (Health Committee 1): Work with partners to improve the flow "
                                  "of patients between \u2026"), f"Recommendation REC-X (Health Committee 1): {LONG}"),
    (None, LONG, "Recommendation REC-X: Work with partners to improve the flow of patients between \u2026",
     f"Recommendation REC-X: {LONG}"),
    (float("nan"), "Meet the SROs.", "Recommendation REC-X: Meet the SROs.", "Recommendation REC-X: Meet the SROs."),
    ("", None, "Recommendation REC-X", "Recommendation REC-X"),
])
def test_a_recommendation_reads_as_its_reference_and_the_start_of_its_text(reference, text, short, whole):
    record, rec = {"id": "REC-X", "reference": reference, "text": text}, S.sheet("Recommendations")
    assert diff.record_label(rec, record, {}) == short
    assert diff.record_label(rec, record, {}, full=True) == whole


@pytest.mark.parametrize("value, shown", [
    (None, "\u2013"), (float("nan"), "\u2013"), (pd.NA, "\u2013"), (pd.NaT, "\u2013"), ("", "\u2013"),
    (dt.date(2026, 12, 1), "01 Dec 2026"), (pd.Timestamp("2026-12-01"), "01 Dec 2026"), ("Done", "Done"), (3, "3"),
])
def test_a_value_in_a_change_never_reads_none_or_nan(value, shown):
    assert diff.fmt(value) == shown


def test_a_recorded_engagement_and_a_recommendation_update_read_as_what_they_are(seed_tables):
    from lasdash import edits
    after, eid = edits.record_engagement(seed_tables, {"date": dt.date(2026, 12, 1), "organisation_id": "ORG-lfb",
                                                       "mechanism": "Meeting"}, "Editor A", dt.date(2026, 12, 1))
    after = edits.update_recommendations(after, {"REC-001-HC1": {"status": "In progress"}}, dt.date(2026, 12, 1))
    diffs = diff.diff_tables(seed_tables, after)
    lines = describe(diffs)
    assert "Engagement with London Fire Brigade on 01 Dec 2026 (Meeting) added" in lines
    assert ("Recommendation REC-001-HC1 (Health Committee letter 20 Feb 2023, recommendation 1): The LAS should "
            "include in its new strategy commitments to \u2026: Status: \u2013 \u2192 In progress") in lines
    assert not any(eid in line or "None" in line or "nan" in line for line in lines)
    whole = seed_tables["Recommendations"].set_index("id").loc["REC-001-HC1", "text"]
    recs = next(d for d in diffs if d.sheet == "Recommendations")
    assert recs.full["REC-001-HC1"].endswith(": " + whole)  # the whole text travels with the diff


@pytest.mark.parametrize("sheet, key, expected", [
    ("Documents", "000", "Stakeholder engagement report for LAS"),  # a document by its title, not '000'
    ("People", "PER-mel-collins", "Cllr Mel Collins"),
    ("Organisations", "ORG-lfb", "London Fire Brigade"),
    ("Forums", "FOR-jhosc-nwl", "NW London JHOSC"),
])
def test_named_rows_read_by_name(seed_tables, sheet, key, expected):
    record = seed_tables[sheet].set_index("id").loc[key].to_dict() | {"id": key}
    assert diff.record_label(S.sheet(sheet), record, diff.row_labels(seed_tables)) == expected


# --- a folder that exists is not a publish (issue 21) ------------------------------------------------------------
def _killed_after_the_folder(store, tables) -> str:
    """What a publish killed between renaming its folder into place and writing the state leaves."""
    state = store.state_file.read_text()
    m = store.publish(tables, author="killed", note="never published")
    store.state_file.write_text(state)  # the state as it was before the switch
    (store.root / ".state.0123456789abcdef.tmp").write_text(state[: len(state) // 2])  # and a half-written state
    return m.id


def test_a_folder_no_state_names_is_not_listed_read_or_offered(store, tables):
    old = store.current_id()
    ghost = _killed_after_the_folder(store, tables)
    assert (store.snapshot_dir / ghost / "manifest.json").is_file()  # whole on disk
    assert [m.id for m in store.list()] == [old] and store.current_id() == old
    with pytest.raises(StoreError, match="No snapshot"):
        store.manifest(ghost)
    with pytest.raises(StoreError, match="No snapshot"):
        store.read(ghost, "People")
    with pytest.raises(StoreError, match="No snapshot"):
        store.rollback(ghost, author="ed")
    assert [e["snapshot"] for e in store.events()] == [old]
    # a fresh store (a restarted server) sees the same
    again = snapshots.SnapshotStore(store.root)
    assert [m.id for m in again.list()] == [old]


def test_leftovers_are_reported_with_their_age_and_swept_only_once_an_hour_old(store, tables):
    import os
    import time
    ghost = _killed_after_the_folder(store, tables)
    (store.snapshot_dir / ".tmp-20990101T000000Z-abcdef").mkdir()
    (store.root / ".probe-0123").write_bytes(b"lasdash doctor")
    left = {item.kind: item for item in store.leftovers()}
    assert set(left) == {snapshots.UNPUBLISHED, snapshots.HALF_WRITTEN, snapshots.TEMP_STATE, snapshots.PROBE}
    assert left[snapshots.UNPUBLISHED].snapshot == ghost and left[snapshots.UNPUBLISHED].name == f"snapshots/{ghost}"
    assert left[snapshots.TEMP_STATE].describe().endswith("under a minute old")
    removed, kept = store.sweep()
    assert removed == [] and len(kept) == 4  # a publish may be under way: kept
    then = time.time() - 2 * 3600  # two hours ago, for all but the probe
    for item in left.values():
        if item.kind != snapshots.PROBE:
            for path in [store.root / item.name, *(store.root / item.name).rglob("*")]:
                os.utime(path, (then, then))
    assert store.leftovers()[0].describe().endswith("2 h 00 min old")
    removed, kept = store.sweep()
    assert {i.kind for i in removed} == {snapshots.UNPUBLISHED, snapshots.HALF_WRITTEN, snapshots.TEMP_STATE}
    assert [i.kind for i in kept] == [snapshots.PROBE]
    assert not (store.snapshot_dir / ghost).exists() and not list(store.root.glob(".state.*"))
    now = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    assert store.clean_partial(now=now) == 1 and store.leftovers() == []
    assert [m.id for m in store.list()] == [store.current_id()] and store.publish(tables, author="ed")  # works on


def test_sweep_never_removes_what_the_state_names(store, tables):
    import os
    first = store.current_id()
    second = store.publish(tables, author="ed").id
    store.rollback(first, author="ed")  # second is no longer current, but the history names it
    for path in store.root.rglob("*"):
        os.utime(path, (0, 0))  # everything ancient
    assert store.leftovers() == [] and store.clean_partial() == 0
    assert [m.id for m in store.list()] == [first, second]


def test_a_security_event_file_cut_short_is_a_leftover_too(store):
    (store.root / "security").mkdir(exist_ok=True)
    (store.root / "security" / ".tmp-0123").write_bytes(b'{"at": 1')
    [item] = store.leftovers()
    assert (item.kind, item.name) == (snapshots.TEMP_FILE, "security/.tmp-0123")
    assert store.clean_partial() == 0 and store.clean_partial(older_than=dt.timedelta(0)) == 1
    assert store.leftovers() == []
