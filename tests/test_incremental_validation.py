"""An edit of a snapshot that passed validation is checked incrementally: only what it touched, and the references
into and out of it. Its errors, its tables (and so the published bytes) must be those of the whole check, and its
problems the whole check's words and rows."""
import datetime as dt
import pickle

import numpy as np
import pandas as pd
import pytest

from lasdash import edits, pipeline
from lasdash import schema as S
from lasdash import validate as V
from lasdash.snapshots import CHECKED, sheet_parquet

TODAY = dt.date(2026, 12, 1)


def _set(tables, sheet, row, **fields):
    """A raw edit: a copy of one sheet with fields of one row (by position) set; the other sheets as given."""
    df = tables[sheet].astype(object).copy()
    for column, value in fields.items():
        df.iat[row, df.columns.get_loc(column)] = value
    return {**tables, sheet: df}


def _drop(tables, sheet, key):
    df = tables[sheet]
    return {**tables, sheet: df[df[S.sheet(sheet).key] != key].reset_index(drop=True)}


def _first_referenced(tables, sheet, by_sheet, column):
    used = set(tables[by_sheet][column].dropna())
    return next(k for k in tables[sheet][S.sheet(sheet).key] if k in used)


EDITS = {
    "status changed": lambda t: edits.update_recommendations(t, {t["Recommendations"]["id"].iat[0]:
                                                                 {"status": "In progress"}}, TODAY),
    "bad date": lambda t: _set(t, "Recommendations", 2, due="31/02/2026"),
    "bad listed value": lambda t: _set(t, "Organisations", 3, power="Enormous"),
    "required value blanked": lambda t: _set(t, "People", 4, name=None),
    "duplicate ID": lambda t: _set(t, "Recommendations", 5, id=t["Recommendations"]["id"].iat[1]),
    "duplicate ID on a later row": lambda t: _set(t, "Recommendations", 1, id=t["Recommendations"]["id"].iat[7]),
    "dangling reference": lambda t: _set(t, "Roles", 0, person_id="PER-nobody-at-all"),
    "reference by name": lambda t: _set(t, "Roles", 1, organisation_id="London Fire Brigade"),
    "unknown source document": lambda t: _set(t, "Forums", 2, source="999 nowhere"),
    "deleted referenced row": lambda t: _drop(t, "Organisations", _first_referenced(t, "Organisations", "Roles",
                                                                                     "organisation_id")),
    "deleted referenced document": lambda t: _drop(t, "Documents", _first_referenced(t, "Documents",
                                                                                     "Recommendations", "document_id")),
    "renamed ID": lambda t: _set(t, "People", 0, id="PER-renamed"),
    "due before its document": lambda t: _set(t, "Recommendations", 0, due=dt.date(2001, 1, 1)),
    "document dated after its recommendations": lambda t: _set(t, "Documents", 1, date=dt.date(2026, 11, 30)),
    "owner not on the team": lambda t: edits.assess_organisations(t, {t["Organisations"]["id"].iat[0]:
                                                                      {"las_owner": "Nobody Known", "power": "High"}}),
    "team member renamed": lambda t: _set(t, "LAS team", 0, role="Chief Exec"),
    "lookalike person added": lambda t: edits.add_person(t, t["People"]["name"].iat[0] + "e", "Ed", TODAY)[0],
    "engagement recorded": lambda t: edits.record_engagement(t, {"date": TODAY, "organisation_id": "ORG-las",
                                                                 "mechanism": "Meeting"}, "Ed", TODAY)[0],
    "engagement with an unknown forum": lambda t: edits.record_engagement(t, {"date": TODAY, "forum_id": "FOR-x",
                                                                              "mechanism": "Meeting"}, "Ed", TODAY)[0],
    "seat ended": lambda t: edits.end_seat(t, t["Roles"]["id"].iat[3], TODAY, "Ed", TODAY),
    "seat holder replaced": lambda t: edits.replace_seat_holder(t, t["Roles"]["id"].iat[2],
                                                               t["People"]["id"].iat[5], "Ed", TODAY)[0],
    "rows moved": lambda t: {**t, "Forums": t["Forums"].iloc[::-1].reset_index(drop=True)},
    "sub-group interval": lambda t: edits.set_sub_group_intervals(t, {"SG01": 30}),
    "hidden character in a name": lambda t: _set(t, "People", 6, name="Ann\u200b Smith"),
}


@pytest.fixture
def base(store):
    """A snapshot that passed these rules (published again after bootstrap, so it has its mark), and its tables."""
    sid = store.current_id()
    if not store.passed(sid):
        outcome = pipeline.save_edit(store, sid, edits.set_sub_group_intervals(store.read_all(sid), {"SG02": 45}),
                                     author="t")
        sid = outcome.manifest.id
    assert store.passed(sid)
    return store, sid


def _is_ordered_sublist(part, whole) -> bool:
    it = iter(whole)
    return all(any(p == w for w in it) for p in part)


def _whole(tables):
    """The whole check, as for a map of unknown origin."""
    plain = {}
    for name, df in tables.items():
        plain[name] = df.copy()
        plain[name].attrs = {}
    assert V._incremental(plain, "x") is None
    return V.validate_tables(plain, "the map with your edit")


@pytest.mark.parametrize("copied", [False, True], ids=["read", "cached copy"])
@pytest.mark.parametrize("name", list(EDITS))
def test_incremental_check_is_the_whole_check_of_what_the_edit_touched(base, name, copied):
    """`copied`: the tables as a page's cache hands them over (pickled copies), compared with the snapshot's own."""
    store, sid = base
    tables = store.read_all(sid)
    edited = EDITS[name](pickle.loads(pickle.dumps(tables)) if copied else tables)
    incremental = V._incremental(edited, "the map with your edit")
    assert incremental is not None, "the edit of a checked snapshot is checked incrementally"
    whole = _whole(edited)
    assert incremental.errors == whole.errors
    assert _is_ordered_sublist(incremental.problems, whole.problems)
    for sheet in S.SHEETS:
        pd.testing.assert_frame_equal(incremental.tables[sheet.name], whole.tables[sheet.name])
        assert sheet_parquet(sheet, incremental.tables[sheet.name]) == sheet_parquet(sheet, whole.tables[sheet.name])


@pytest.mark.parametrize("name", ["bad date", "duplicate ID", "dangling reference", "deleted referenced row",
                                  "renamed ID", "duplicate ID on a later row", "unknown source document"])
def test_errors_an_edit_introduces_are_caught(base, name):
    store, sid = base
    outcome = pipeline.save_edit(store, sid, EDITS[name](store.read_all(sid)), author="t")
    assert outcome.manifest is None and outcome.validation.errors
    assert store.current_id() == sid


def test_a_saved_edit_shares_unchanged_files_and_is_marked_checked(base):
    store, sid = base
    tables = store.read_all(sid)
    rec = tables["Recommendations"]["id"].iat[0]
    outcome = pipeline.save_edit(store, sid, edits.update_recommendations(tables, {rec: {"status": "Done"}}, TODAY),
                                 author="t")
    new = store.snapshot_dir / outcome.manifest.id
    assert (new / CHECKED).is_file() and store.passed(outcome.manifest.id)
    for sheet in S.SHEETS:
        path = new / f"{S.table_name(sheet.name)}.parquet"
        assert (path.stat().st_nlink > 1) is (sheet.name != "Recommendations"), sheet.name
    assert store.read(outcome.manifest.id, "Recommendations").set_index("id").at[rec, "status"] == "Done"


def test_an_unmarked_or_other_rules_snapshot_is_checked_whole(base, monkeypatch):
    store, sid = base
    (store.snapshot_dir / sid / CHECKED).write_text('{"rules": "older"}')
    assert not store.passed(sid)
    assert V._incremental(store.read_all(sid), "x") is None
    (store.snapshot_dir / sid / CHECKED).unlink()
    assert not store.passed(sid)


def test_tables_from_two_snapshots_are_checked_whole(base):
    store, sid = base
    other = pipeline.save_edit(store, sid, edits.set_sub_group_intervals(store.read_all(sid), {"SG03": 20}),
                               author="t").manifest.id
    mixed = {**store.read_all(sid), "People": store.read(other, "People")}
    assert V._incremental(mixed, "x") is None


@pytest.mark.parametrize("mine, theirs, same", [
    (["a", None, "b"], ["a", None, "c"], [True, True, False]),
    ([1, 2, None], [1, 2.0, None], [True, False, True]),
    ([True, 1], [1, 1], [False, True]),
    ([dt.date(2026, 1, 1), None], [dt.date(2026, 1, 1), dt.date(2026, 1, 2)], [True, False]),
    ([dt.datetime(2026, 1, 1)], [dt.date(2026, 1, 1)], [False]),
    (["", None], [None, ""], [False, False]),
    ([None, None], ["x", None], [False, True]),
])
def test_same_values_means_the_same_cell(mine, theirs, same):
    got = V._same_values(np.array(mine, dtype=object), np.array(theirs, dtype=object))
    assert got.tolist() == same


def test_a_table_read_and_changed_in_place_is_not_taken_for_the_parents(base):
    store, sid = base
    tables = store.read_all(sid)
    seat = tables["Roles"]["id"].iat[0]
    tables["Roles"].loc[tables["Roles"]["id"] == seat, "person_id"] = "PER-nobody-at-all"
    checked = V.validate_tables(tables, "x")
    assert [(p.sheet, p.value) for p in checked.errors] == [("Roles", "PER-nobody-at-all")]
    tables["Roles"].loc[tables["Roles"]["id"] == seat, "person_id"] = tables["People"]["id"].iat[3]
    manifest = store.publish(tables, author="t", expected_current=sid)
    assert store.read(manifest.id, "Roles").set_index("id").at[seat, "person_id"] == tables["People"]["id"].iat[3]
    assert not (store.snapshot_dir / manifest.id / CHECKED).exists()  # not what a validation returned
