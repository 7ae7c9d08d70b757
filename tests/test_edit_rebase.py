"""An edit made in the app on an older snapshot, saved after someone else published (issue 21, defect 3).

The edit is made again on the new map unless it touches what the other editor changed: the rows and fields it
sets, and the rows it refers to. Rows the other editor added or deleted elsewhere are none of its business.
"""
import datetime as dt

import pytest

from lasdash import edits, pipeline
from lasdash import schema as S
from lasdash.diff import describe, diff_tables
from lasdash.merge import BOTH_CHANGED, DELETED_BY_OTHERS
from lasdash.validate import validate_tables

TODAY = dt.date(2026, 12, 1)
HC1 = "REC-001-HC1"
OTHER_REC = "REC-000-4.2-1"
ENGAGEMENT = {"date": dt.date(2026, 11, 15), "organisation_id": "ORG-lfb", "mechanism": "Meeting",
              "level": "Keep informed"}


def _delete(tables, sheet, key):
    """Delete a row and every row that refers to it, as an editor would to keep the map valid."""
    tables[sheet] = tables[sheet][tables[sheet]["id"] != key].reset_index(drop=True)
    for other in S.SHEETS:
        for col in other.columns:
            if col.ref == sheet:
                df = tables[other.name]
                for k in df.loc[df[col.name] == key, "id"].tolist():
                    _delete(tables, other.name, k)


def _set(tables, sheet, key, column, value):
    df = tables[sheet]
    df[column] = df[column].astype(object)
    df.loc[df["id"] == key, column] = value


def _row(store, sheet, key):
    return store.read(store.current_id(), sheet).set_index("id").loc[key]


def bob_records_an_engagement(t):
    return edits.record_engagement(t, ENGAGEMENT, "Bob", TODAY)[0]


def bob_sets_a_status(t):
    return edits.update_recommendations(t, {HC1: {"status": "In progress"}}, TODAY)


def bob_changes_a_seat(t):
    return edits.replace_seat_holder(t, "R000-115", "PER-lorraine-dean", "Bob", TODAY)[0]


def bob_assesses_an_organisation(t):
    return edits.assess_organisation(t, "ORG-lfb", {"power": "High", "interest": "Medium"})


BOBS = [bob_records_an_engagement, bob_sets_a_status, bob_changes_a_seat, bob_assesses_an_organisation]
ALICES = {
    "deletes engagement E001-029": lambda t: _delete(t, "Engagements", "E001-029"),
    "deletes a different recommendation": lambda t: _delete(t, "Recommendations", OTHER_REC),
    "adds a person": lambda t: t.__setitem__("People", edits.add_person(t, "Ada Testwell", "Alice", TODAY)[0]["People"]),
    "changes another recommendation's status": lambda t: _set(t, "Recommendations", OTHER_REC, "status", "Done"),
}


def _alice_publishes(store, base, change):
    tables = store.read_all(base)
    change(tables)
    outcome = validate_tables(tables)
    assert outcome.ok, outcome.summary()
    return store.publish(outcome.tables, author="Alice", expected_current=base).id


@pytest.mark.parametrize("alice", list(ALICES), ids=list(ALICES))
@pytest.mark.parametrize("bob", BOBS, ids=[b.__name__ for b in BOBS])
def test_an_unrelated_change_by_others_does_not_block_an_edit(store, bob, alice):
    base = store.current_id()
    alices = _alice_publishes(store, base, ALICES[alice])
    mine = bob(store.read_all(base))
    saved = pipeline.save_edit(store, base, mine, author="Bob")
    assert not saved.conflicts, [c.describe() for c in saved.conflicts]
    assert saved.manifest is not None and saved.reapplied, saved.validation.summary()
    # Bob's edit is there, and Alice's change too: from Alice's map to the new one is exactly Bob's edit
    assert describe(diff_tables(store.read_all(alices), store.read_all(store.current_id()))) == \
        describe(diff_tables(store.read_all(base), mine))


def test_the_trial_engagement_after_a_deletion_is_saved(store):
    """Issue 21's trial: Alice deletes E001-029 from a workbook; Bob's engagement, recorded on the older map, is
    saved on the new one, and E001-029 stays deleted."""
    base = store.current_id()
    _alice_publishes(store, base, ALICES["deletes engagement E001-029"])
    mine, eid = edits.record_engagement(store.read_all(base), ENGAGEMENT, "Bob", TODAY)
    saved = pipeline.save_edit(store, base, mine, author="Bob")
    assert saved.manifest is not None and saved.reapplied and not saved.conflicts
    engagements = store.read(store.current_id(), "Engagements")
    assert eid in set(engagements["id"]) and "E001-029" not in set(engagements["id"])


def _lfb_deleted(t):
    _delete(t, "Organisations", "ORG-lfb")


CONFLICTS = [
    ("Alice deletes the organisation Bob's engagement refers to", _lfb_deleted, bob_records_an_engagement,
     [("Organisations", "referenced by you", None)],
     "Organisations: London Fire Brigade: deleted (by Alice, {day}) \u2192 referred to by your edit"),
    ("Alice deletes the person Bob puts in a seat",
     lambda t: _delete(t, "People", "PER-lorraine-dean"), bob_changes_a_seat,
     [("People", "referenced by you", None)], "referred to by your edit"),
    ("Alice changes the same recommendation's status",
     lambda t: _set(t, "Recommendations", HC1, "status", "Done"), bob_sets_a_status,
     [("Recommendations", BOTH_CHANGED, "status")], "Status: Done (by Alice, {day}) \u2192 In progress (your edit)"),
    ("Alice deletes the recommendation Bob updates",
     lambda t: _delete(t, "Recommendations", HC1), bob_sets_a_status,
     [("Recommendations", DELETED_BY_OTHERS, None)], "deleted (by Alice, {day}) \u2192 changed by your edit"),
    ("Alice changes the same seat", lambda t: _set(t, "Roles", "R000-115", "end_date", dt.date(2026, 6, 30)),
     bob_changes_a_seat, [("Roles", BOTH_CHANGED, "end_date")], "(your edit)"),
    ("Alice assesses the same organisation differently",
     lambda t: _set(t, "Organisations", "ORG-lfb", "power", "Low"), bob_assesses_an_organisation,
     [("Organisations", BOTH_CHANGED, "power")], "Power: Low (by Alice, {day}) \u2192 High (your edit)"),
]


@pytest.mark.parametrize("name, alice, bob, kinds, says", CONFLICTS, ids=[c[0] for c in CONFLICTS])
def test_a_change_to_what_the_edit_touches_is_still_refused(store, name, alice, bob, kinds, says):
    base = store.current_id()
    alices = _alice_publishes(store, base, alice)
    saved = pipeline.save_edit(store, base, bob(store.read_all(base)), author="Bob")
    assert saved.manifest is None and store.current_id() == alices
    assert [(c.sheet, c.kind, c.column) for c in saved.conflicts] == kinds
    text = saved.conflicts[0].describe()
    assert says.format(day=f"{store.current().created_at:%d %b %Y}") in text
    assert "your file" not in text


def test_both_recording_an_engagement_the_same_day_keep_both(store):
    """Alice and Bob both record an engagement for 15 Nov on the same map: the generated IDs are the same, so Bob's
    takes the next free number that day; neither is mixed into the other's row, and neither is refused."""
    base = store.current_id()
    store.publish(edits.record_engagement(store.read_all(base), {**ENGAGEMENT, "mechanism": "Call"}, "Alice",
                                          TODAY)[0], author="Alice", expected_current=base)
    saved = pipeline.save_edit(store, base, bob_records_an_engagement(store.read_all(base)), author="Bob")
    assert saved.manifest is not None and saved.reapplied and not saved.conflicts
    assert _row(store, "Engagements", "ENG-20261115-001")["mechanism"] == "Call"  # Alice's, untouched
    assert _row(store, "Engagements", "ENG-20261115-002")["mechanism"] == "Meeting"  # Bob's, renumbered


@pytest.mark.parametrize("added, taken, expected", [
    (["ENG-20261115-001"], ["ENG-20261115-001"], ["ENG-20261115-002"]),
    (["ENG-20261115-001"], ["ENG-20261115-001", "ENG-20261115-002"], ["ENG-20261115-003"]),
    (["ENG-20261115-001"], [], ["ENG-20261115-001"]),  # nobody took it: kept
    (["R-20261201-001"], ["R-20261201-001"], ["R-20261201-002"]),
    (["PER-jane-smith"], ["PER-jane-smith"], ["PER-jane-smith"]),  # a person's ID names them: a real clash
])
def test_renumber_added(added, taken, expected):
    import pandas as pd
    base = {"Engagements": pd.DataFrame({"id": ["E001"]})}
    current = {"Engagements": pd.DataFrame({"id": ["E001", *taken]})}
    edited = {"Engagements": pd.DataFrame({"id": ["E001", *added]})}
    assert edits.renumber_added(base, current, edited)["Engagements"]["id"].tolist() == ["E001", *expected]
