"""The three-way merge's rules, as a table: base B, the current map C (others' changes), the upload U (yours).

A conflict is whatever publishing the file as it is would change or revert of others' work; merging keeps
the current side of each (unless the editor takes theirs) and applies the file's own changes.
"""
import pandas as pd
import pytest

from lasdash.merge import ADDED_BY_OTHERS, BOTH_CHANGED, DELETED_BY_OTHERS, DELETED_BY_YOU, OLDER_VALUE, three_way

CHAIR = ("Roles", "R000-115", "person_id")  # NW London JHOSC chair: Cllr Mel Collins (000 Chart 5)
STATUS = ("Recommendations", "REC-001-HC1", "status")
NEW_PERSON = {"id": "PER-synthetic-ada", "name": "Ada Testwell", "title": "Cllr", "source": "000 (synthetic test value)"}


def _set(tables, sheet, key, column, value):
    df = tables[sheet]
    df.loc[df["id"] == key, column] = value


def _get(tables, sheet, key, column):
    df = tables[sheet]
    rows = df.loc[df["id"] == key, column]
    return rows.iloc[0] if len(rows) else "(no row)"


def _add_person(tables, **values):
    tables["People"] = pd.concat([tables["People"], pd.DataFrame([{**NEW_PERSON, **values}])], ignore_index=True)


def _copy(tables):
    return {k: v.copy(deep=True) for k, v in tables.items()}


def _delete(tables, sheet, key):
    tables[sheet] = tables[sheet][tables[sheet]["id"] != key].reset_index(drop=True)


def others_new_chair(c):
    _add_person(c)
    _set(c, *CHAIR, "PER-synthetic-ada")


def yours_status(u):
    _set(u, *STATUS, "In progress")


CASES = [
    # name, change to current (others), change to upload (yours), expected merged values, conflicts (kind, column)
    ("disjoint changes: both kept; the file's older chair flagged", others_new_chair, yours_status,
     {CHAIR: "PER-synthetic-ada", STATUS: "In progress"}, [(ADDED_BY_OTHERS, None), (OLDER_VALUE, "person_id")]),
    ("a stale file does not revert others' change", lambda c: _set(c, *STATUS, "Done"), lambda u: None,
     {STATUS: "Done"}, [(OLDER_VALUE, "status")]),
    ("same field, both changed: current kept", lambda c: _set(c, *STATUS, "Done"), yours_status,
     {STATUS: "Done"}, [(BOTH_CHANGED, "status")]),
    ("same field, same new value: already merged", yours_status, yours_status,
     {STATUS: "In progress"}, []),
    ("you deleted, others edited: row kept", lambda c: _set(c, *STATUS, "Done"),
     lambda u: _delete(u, "Recommendations", "REC-001-HC1"), {STATUS: "Done"}, [(DELETED_BY_YOU, None)]),
    ("others deleted, you edited: stays deleted", lambda c: _delete(c, "Recommendations", "REC-001-HC1"),
     yours_status, {STATUS: "(no row)"}, [(DELETED_BY_OTHERS, None)]),
    ("others deleted, your file still has it: stays deleted", lambda c: _delete(c, "Recommendations", "REC-001-HC1"),
     lambda u: None, {STATUS: "(no row)"}, [(DELETED_BY_OTHERS, None)]),
    ("you deleted an untouched row: deleted", lambda c: None, lambda u: _delete(u, "Recommendations", "REC-001-HC1"),
     {STATUS: "(no row)"}, []),
    ("same new ID on both sides, different name", lambda c: _add_person(c), lambda u: _add_person(u, name="Ada Other"),
     {("People", "PER-synthetic-ada", "name"): "Ada Testwell"}, [(BOTH_CHANGED, "name")]),
    ("same new ID on both sides, same values", lambda c: _add_person(c), lambda u: _add_person(u),
     {("People", "PER-synthetic-ada", "name"): "Ada Testwell"}, []),
    ("a row added only in the upload", lambda c: None, lambda u: _add_person(u),
     {("People", "PER-synthetic-ada", "name"): "Ada Testwell"}, []),
    ("a row added only by others: kept", lambda c: _add_person(c), lambda u: None,
     {("People", "PER-synthetic-ada", "name"): "Ada Testwell"}, [(ADDED_BY_OTHERS, None)]),
    ("no change anywhere", lambda c: None, lambda u: None, {STATUS: None}, []),
]


@pytest.mark.parametrize("name, others, yours, expected, conflicts", CASES, ids=[c[0] for c in CASES])
def test_three_way_merge(seed_tables, name, others, yours, expected, conflicts):
    base, current, upload = _copy(seed_tables), _copy(seed_tables), _copy(seed_tables)
    others(current)
    yours(upload)
    m = three_way(base, current, upload)
    assert [(c.kind, c.column) for c in m.conflicts] == conflicts
    for (sheet, key, column), value in expected.items():
        assert _get(m.tables, sheet, key, column) == value
    untouched = [k for k in seed_tables["Organisations"]["id"]]
    assert list(m.tables["Organisations"]["id"]) == untouched  # everything else as it was, in order


@pytest.mark.parametrize("name, others, yours, taken", [
    ("same field", lambda c: _set(c, *STATUS, "Done"), yours_status, "In progress"),
    ("you deleted", lambda c: _set(c, *STATUS, "Done"), lambda u: _delete(u, "Recommendations", "REC-001-HC1"),
     "(no row)"),
    ("others deleted", lambda c: _delete(c, "Recommendations", "REC-001-HC1"), yours_status, "In progress"),
    ("older value", lambda c: _set(c, *STATUS, "Done"), lambda u: None, None),
])
def test_taking_yours_settles_a_conflict_for_your_file(seed_tables, name, others, yours, taken):
    base, current, upload = _copy(seed_tables), _copy(seed_tables), _copy(seed_tables)
    others(current)
    yours(upload)
    [conflict] = three_way(base, current, upload).conflicts
    m = three_way(base, current, upload, take_yours={conflict.id})
    assert _get(m.tables, *STATUS) is taken if taken is None else _get(m.tables, *STATUS) == taken


def test_conflicts_read_in_names_with_who_and_when(seed_tables):
    from lasdash.merge import attribute
    base, current, upload = _copy(seed_tables), _copy(seed_tables), _copy(seed_tables)
    others_new_chair(current)
    _add_person(upload, id="PER-synthetic-bob", name="Bob Other")
    _set(upload, *CHAIR, "PER-synthetic-bob")
    m = three_way(base, current, upload)
    chain = [({"by": "boot", "at": "2026-11-30T09:00:00+00:00"}, base),
             ({"by": "Editor B", "at": "2026-12-01T14:03:00+00:00"}, current)]
    added, chair = attribute(m.conflicts, chain)
    assert added.describe() == "People: Cllr Ada Testwell: added (by Editor B, 01 Dec 2026) \u2192 not in your file"
    assert chair.describe() == ("Roles: NW London JHOSC \u2014 Chair: Person ID: Cllr Ada Testwell "
                                "(by Editor B, 01 Dec 2026) \u2192 Cllr Bob Other (your file)")
