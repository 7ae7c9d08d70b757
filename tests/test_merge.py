"""The three-way merge's rules, as a table: base B, the current map C (others' changes), the upload U (yours).

A conflict is whatever publishing the file as it is would change or revert of others' work; merging keeps
the current side of each (unless the editor takes theirs) and applies the file's own changes.
"""
import pandas as pd
import pytest

from lasdash.merge import (
    ADDED_BY_OTHERS,
    BOTH_CHANGED,
    DELETED_BY_OTHERS,
    DELETED_BY_YOU,
    EDIT,
    FILE,
    OLDER_VALUE,
    REFERENCED_BY_YOU,
    Conflict,
    reapply,
    three_way,
)

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


# --- an edit made in the app, made again on a newer map: only what it touches can conflict (issue 21, defect 3) ---

ENG = ("Engagements", "E001-029", "summary")
NEW_ENGAGEMENT = {"id": "ENG-20261115-001", "date": pd.Timestamp("2026-11-15").date(), "organisation_id": "ORG-lfb",
                  "mechanism": "Meeting", "source": "Recorded in lasdash by Bob, 01/12/2026"}


def _add(tables, sheet, row):
    tables[sheet] = pd.concat([tables[sheet].astype(object), pd.DataFrame([row]).astype(object)], ignore_index=True)


def yours_engagement(u):
    _add(u, "Engagements", NEW_ENGAGEMENT)


REAPPLY_CASES = [
    # name, others' change (current), your edit (edited = base with it), expected values, conflicts (sheet, kind, col)
    ("others deleted an engagement; you record one", lambda c: _delete(c, *ENG[:2]), yours_engagement,
     {ENG: "(no row)", ("Engagements", "ENG-20261115-001", "organisation_id"): "ORG-lfb"}, []),
    ("others deleted another recommendation; you set a status",
     lambda c: _delete(c, "Recommendations", "REC-000-4.2-1"), yours_status,
     {STATUS: "In progress", ("Recommendations", "REC-000-4.2-1", "status"): "(no row)"}, []),
    ("others added a person; you set a status", lambda c: _add_person(c), yours_status,
     {STATUS: "In progress", ("People", "PER-synthetic-ada", "name"): "Ada Testwell"}, []),
    ("others changed another field of the same row: both kept",
     lambda c: _set(c, "Recommendations", "REC-001-HC1", "owner", "Director (synthetic)"), yours_status,
     {STATUS: "In progress", ("Recommendations", "REC-001-HC1", "owner"): "Director (synthetic)"}, []),
    ("others changed the same field", lambda c: _set(c, *STATUS, "Done"), yours_status,
     {}, [("Recommendations", BOTH_CHANGED, "status")]),
    ("others made the same change: already so", yours_status, yours_status, {STATUS: "In progress"}, []),
    ("others deleted the row you change", lambda c: _delete(c, "Recommendations", "REC-001-HC1"), yours_status,
     {}, [("Recommendations", DELETED_BY_OTHERS, None)]),
    ("others deleted the organisation your engagement refers to",
     lambda c: (_delete(c, "Engagements", "E001-026"), _delete(c, "Organisations", "ORG-lfb")), yours_engagement,
     {}, [("Organisations", REFERENCED_BY_YOU, None)]),
    ("you delete a row others edited", lambda c: _set(c, *STATUS, "Done"),
     lambda u: _delete(u, "Recommendations", "REC-001-HC1"), {}, [("Recommendations", DELETED_BY_YOU, None)]),
    ("you delete an untouched row", lambda c: _delete(c, *ENG[:2]),
     lambda u: _delete(u, "Recommendations", "REC-001-HC1"), {STATUS: "(no row)", ENG: "(no row)"}, []),
    ("the same new ID added meanwhile, differently",
     lambda c: _add(c, "Engagements", {**NEW_ENGAGEMENT, "mechanism": "Call"}), yours_engagement,
     {}, [("Engagements", BOTH_CHANGED, "mechanism")]),
]


@pytest.mark.parametrize("name, others, yours, expected, conflicts", REAPPLY_CASES, ids=[c[0] for c in REAPPLY_CASES])
def test_an_edit_made_again_conflicts_only_with_what_it_touches(seed_tables, name, others, yours, expected, conflicts):
    base, current, edited = _copy(seed_tables), _copy(seed_tables), _copy(seed_tables)
    others(current)
    yours(edited)
    r = reapply(base, current, edited)
    assert [(c.sheet, c.kind, c.column) for c in r.conflicts] == conflicts
    assert all(c.yours_are == EDIT for c in r.conflicts)
    for (sheet, key, column), value in expected.items():
        assert _get(r.tables, sheet, key, column) == value
    if not conflicts:  # every row others left alone and the edit did not touch is the current one, in order
        kept = [k for k in current["Organisations"]["id"]]
        assert list(r.tables["Organisations"]["id"]) == kept


def test_a_workbook_still_conflicts_with_rows_others_added_or_deleted_anywhere(seed_tables):
    """The workbook path is unchanged: a file is the whole map, so others' unrelated additions and deletions are
    conflicts, described as about 'your file'."""
    base, current, upload = _copy(seed_tables), _copy(seed_tables), _copy(seed_tables)
    _delete(current, *ENG[:2])
    _add_person(current)
    yours_status(upload)
    m = three_way(base, current, upload)
    assert [(c.sheet, c.key, c.kind) for c in m.conflicts] == [
        ("People", "PER-synthetic-ada", ADDED_BY_OTHERS), ("Engagements", "E001-029", DELETED_BY_OTHERS)]
    added, deleted = (c.describe() for c in m.conflicts)
    assert added.endswith("\u2192 not in your file") and deleted.endswith("\u2192 still in your file")
    assert all(c.yours_are == FILE for c in m.conflicts)


@pytest.mark.parametrize("kind, column, yours_are, ending", [
    (BOTH_CHANGED, "status", FILE, "Status: Done (by Editor B, 01 Dec 2026) \u2192 In progress (your file)"),
    (BOTH_CHANGED, "status", EDIT, "Status: Done (by Editor B, 01 Dec 2026) \u2192 In progress (your edit)"),
    (DELETED_BY_OTHERS, None, FILE, ": deleted (by Editor B, 01 Dec 2026) \u2192 still in your file"),
    (DELETED_BY_OTHERS, None, EDIT, ": deleted (by Editor B, 01 Dec 2026) \u2192 changed by your edit"),
    (DELETED_BY_YOU, None, FILE, ": edited (by Editor B, 01 Dec 2026) \u2192 deleted in your file"),
    (DELETED_BY_YOU, None, EDIT, ": edited (by Editor B, 01 Dec 2026) \u2192 deleted by your edit"),
    (REFERENCED_BY_YOU, None, EDIT, ": deleted (by Editor B, 01 Dec 2026) \u2192 referred to by your edit"),
])
def test_a_conflict_names_what_is_merged_a_file_or_an_edit(kind, column, yours_are, ending):
    c = Conflict("Recommendations", "REC-001-HC1", column, kind, "Recommendation HC1", "Status" if column else "",
                 "Done", "In progress", by="Editor B", at="01 Dec 2026", yours_are=yours_are)
    assert c.describe().endswith(ending)
    assert ("your file" in c.describe()) is (yours_are == FILE)
