"""Edits in the app: the pure edit functions, first-hand provenance, and saving an edit as a snapshot."""
import datetime as dt

import pandas as pd
import pytest

from lasdash import edits, pipeline
from lasdash.diff import describe, diff_tables

TODAY = dt.date(2026, 12, 1)
HC1 = "REC-001-HC1"


@pytest.mark.parametrize("existing, day, expected", [
    ([], dt.date(2026, 11, 15), "ENG-20261115-001"),
    (["ENG-20261115-001"], dt.date(2026, 11, 15), "ENG-20261115-002"),
    (["ENG-20261115-001", "ENG-20261115-003"], dt.date(2026, 11, 15), "ENG-20261115-002"),
    (["ENG-20261114-001", "E001-001"], dt.date(2026, 11, 15), "ENG-20261115-001"),
])
def test_new_id_takes_the_next_free_number_of_the_day(existing, day, expected):
    assert edits.new_id("ENG", day, existing) == expected


@pytest.mark.parametrize("source, first_hand", [
    ("Recorded in lasdash by Jane Smith, 01/12/2026", True),
    ("Recorded in lasdash by Ed Itor (passphrase), 15/11/2026", True),
    ("Recorded in lasdash by Jane Smith", False),
    ("000 Chart 5", False),
    (None, False),
])
def test_first_hand_sources_name_who_and_when(source, first_hand):
    assert edits.is_first_hand(source) is first_hand


def test_first_hand_source_reads_as_the_issue_asks():
    assert edits.first_hand_source("Jane Smith", TODAY) == "Recorded in lasdash by Jane Smith, 01/12/2026"


def _rec(tables, column):
    return tables["Recommendations"].set_index("id").loc[HC1, column]


@pytest.mark.parametrize("fields, last_update", [
    ({"status": "In progress"}, TODAY),
    ({"progress_note": "Response drafted"}, TODAY),
    ({"owner": "Director of Strategy (synthetic)"}, None),  # not a status or note: Last update unchanged
    ({"due": dt.date(2027, 3, 31)}, None),
])
def test_update_sets_last_update_only_for_status_and_note(seed_tables, fields, last_update):
    out = edits.update_recommendations(seed_tables, {HC1: fields}, TODAY)
    for column, value in fields.items():
        assert _rec(out, column) == value
    assert (_rec(out, "last_update") if last_update else None) == last_update
    assert _rec(seed_tables, "status") is None  # the input is not changed


def test_update_refuses_other_fields_and_unknown_ids(seed_tables):
    with pytest.raises(ValueError):
        edits.update_recommendations(seed_tables, {HC1: {"text": "rewritten"}}, TODAY)
    with pytest.raises(KeyError):
        edits.update_recommendations(seed_tables, {"REC-nope": {"status": "Done"}}, TODAY)


def test_recording_an_engagement_adds_one_sourced_row(store):
    tables = store.read_all(store.current_id())
    out, eid = edits.record_engagement(tables, {"date": dt.date(2026, 11, 15), "organisation_id": "ORG-lfb",
                                                "mechanism": "Meeting", "level": "Keep informed"},
                                       "Jane Smith", TODAY)
    assert eid == "ENG-20261115-001"
    saved = pipeline.save_edit(store, store.current_id(), out, author="Jane Smith", note="LFB meeting")
    assert saved.manifest is not None, saved.validation.summary()
    row = store.read(store.current_id(), "Engagements").set_index("id").loc[eid]
    assert row["organisation_id"] == "ORG-lfb"
    assert row["source"] == "Recorded in lasdash by Jane Smith, 01/12/2026"
    assert store.current().author == "Jane Smith"


def test_an_edit_is_validated_like_an_upload(store):
    tables = store.read_all(store.current_id())
    out, _ = edits.record_engagement(tables, {"organisation_id": "ORG-nowhere"}, "Jane Smith", TODAY)
    saved = pipeline.save_edit(store, store.current_id(), out, author="Jane Smith")
    assert saved.manifest is None
    assert [(p.sheet, p.column) for p in saved.validation.errors] == [("Engagements", "Organisation ID")]


def test_a_stale_edit_is_made_again_on_the_new_map(store):
    base = store.current_id()
    others = store.read_all(base)
    others["Roles"].loc[others["Roles"]["id"] == "R000-115", "person_id"] = "PER-lorraine-dean"
    store.publish(others, author="Editor B", expected_current=base)
    mine = edits.update_recommendations(store.read_all(base), {HC1: {"status": "In progress"}}, TODAY)
    saved = pipeline.save_edit(store, base, mine, author="Editor A")
    assert saved.manifest is not None and saved.reapplied
    now = store.read_all(store.current_id())
    assert _rec(now, "status") == "In progress"
    assert now["Roles"].set_index("id").loc["R000-115", "person_id"] == "PER-lorraine-dean"  # B's kept


def test_a_stale_edit_of_the_same_field_is_a_conflict_and_publishes_nothing(store):
    base = store.current_id()
    store.publish(edits.update_recommendations(store.read_all(base), {HC1: {"status": "Done"}}, TODAY),
                  author="Editor B", expected_current=base)
    before = store.current_id()
    mine = edits.update_recommendations(store.read_all(base), {HC1: {"status": "In progress"}}, TODAY)
    saved = pipeline.save_edit(store, base, mine, author="Editor A")
    assert saved.manifest is None and store.current_id() == before
    assert [c.header for c in saved.conflicts] == ["Status"]
    assert "Done (by Editor B, " in saved.conflicts[0].describe()


def test_the_preview_of_an_edit_reads_in_names(seed_tables):
    out = edits.update_recommendations(seed_tables, {HC1: {"status": "In progress"}}, TODAY)
    lines = describe(diff_tables(seed_tables, out))
    assert any("Status: \u2013 \u2192 In progress" in line for line in lines)
    assert any("Last update: \u2013 \u2192 01 Dec 2026" in line for line in lines)


def _current_chair(store):
    from lasdash import queries
    jhosc = queries.run(queries.connect(store, store.current_id()), "jhosc").set_index("JHOSC")
    return jhosc.loc["NW London JHOSC", "Chair"]


def test_a_new_chair_new_to_the_map_in_one_step(store):
    base = store.current_id()
    tables, pid = edits.add_person(store.read_all(base), "Ada Testwell", "Jane Smith", TODAY, title="Cllr",
                                   organisation_id="ORG-hounslow-council")
    tables, seat = edits.replace_seat_holder(tables, "R000-115", pid, "Jane Smith", TODAY)
    saved = pipeline.save_edit(store, base, tables, author="Jane Smith", note="New NW London JHOSC chair")
    assert saved.manifest is not None, saved.validation.summary()
    assert _current_chair(store) == "Cllr Ada Testwell"
    roles = store.read(store.current_id(), "Roles").set_index("id")
    assert roles.loc["R000-115", "end_date"] == dt.date(2026, 11, 30)  # the old seat keeps its citation
    assert roles.loc["R000-115", "source"] == "000 Chart 5"
    assert roles.loc[seat, "source"] == "Recorded in lasdash by Jane Smith, 01/12/2026"
    assert store.read(store.current_id(), "People").set_index("id").loc[pid, "name"] == "Ada Testwell"
    store.rollback(base, author="Jane Smith")
    assert _current_chair(store) == "Cllr Mel Collins"


def test_a_seat_with_no_known_holder_is_filled_in_place(seed_tables):
    gap = seed_tables["Roles"][seed_tables["Roles"]["person_id"].isna()].iloc[0]["id"]
    out, seat = edits.replace_seat_holder(seed_tables, gap, "PER-mel-collins", "Jane Smith", TODAY)
    assert seat == gap and len(out["Roles"]) == len(seed_tables["Roles"])
    assert "Holder (recorded in lasdash by Jane Smith, 01/12/2026)." in out["Roles"].set_index("id").loc[gap, "note"]


@pytest.mark.parametrize("fields", [
    {"power": "High", "interest": "Medium"},
    {"target_level": "Co-produce", "las_owner": "Director of Strategy (synthetic)", "contact_every_days": 90},
])
def test_assessing_an_organisation_sets_only_those_fields(seed_tables, fields):
    out = edits.assess_organisation(seed_tables, "ORG-lfb", fields)
    row = out["Organisations"].set_index("id").loc["ORG-lfb"]
    assert {k: row[k] for k in fields} == fields
    assert row["name"] == "London Fire Brigade"
    with pytest.raises(ValueError):
        edits.assess_organisation(seed_tables, "ORG-lfb", {"name": "Renamed"})


def test_ending_and_adding_seats(seed_tables):
    out = edits.end_seat(seed_tables, "R000-116", dt.date(2026, 11, 1), "Jane Smith", TODAY)
    assert out["Roles"].set_index("id").loc["R000-116", "end_date"] == dt.date(2026, 11, 1)
    out, seat = edits.add_seat(out, {"person_id": "PER-mel-collins", "forum_id": "FOR-jhosc-nwl", "role": "Member"},
                               "Jane Smith", TODAY)
    assert seat == "R-20261201-001"


def _orgs(tables):
    return tables["Organisations"].set_index("id")


@pytest.mark.parametrize("changes", [
    {"ORG-lfb": {"power": "High", "interest": "Medium"}, "ORG-lambeth-ccg": {"target_level": "Co-produce"}},
    {"ORG-bexley-council": {"las_owner": "Medical Director", "contact_every_days": 90},
     "ORG-bromley-council": {"contact_every_days": 30}, "ORG-sel-icb": {"power": "Low", "interest": "Low"}},
], ids=["two rows", "three rows"])
def test_assessing_several_organisations_at_once_sets_exactly_those_fields(seed_tables, changes):
    out = edits.assess_organisations(seed_tables, changes)
    before, after = _orgs(seed_tables), _orgs(out)
    for org, fields in changes.items():
        assert {k: after.loc[org, k] for k in fields} == fields
    touched = [(org, field) for org, fields in changes.items() for field in fields]
    untouched = [(o, f) for o in after.index for f in edits.ASSESSMENT_FIELDS if (o, f) not in touched]
    assert all(edits._blank(after.loc[o, f]) == edits._blank(before.loc[o, f]) for o, f in untouched)
    assert len(untouched) == len(after) * len(edits.ASSESSMENT_FIELDS) - len(touched)
    assert _orgs(seed_tables).loc[next(iter(changes)), "power"] is None  # the input is not changed


@pytest.mark.parametrize("function, changes, error", [
    (edits.assess_organisations, {"ORG-lfb": {"power": "High"}, "ORG-sel-icb": {"name": "Renamed"}}, ValueError),
    (edits.assess_organisations, {"ORG-lfb": {"power": "High"}, "ORG-nowhere": {"power": "High"}}, KeyError),
    (edits.set_sub_group_intervals, {"SG03": 180, "SG99": 30}, KeyError),
], ids=["an unknown field", "an unknown organisation", "an unknown sub-group"])
def test_an_unknown_field_or_id_refuses_the_whole_change(seed_tables, function, changes, error):
    with pytest.raises(error):
        function(seed_tables, changes)


@pytest.mark.parametrize("function, sheet, key, field, value", [
    (edits.assess_organisations, "Organisations", "ORG-lfb", "las_owner", "Medical Director"),
    (edits.assess_organisations, "Organisations", "ORG-lfb", "contact_every_days", 90),
    (edits.set_sub_group_intervals, "Sub-groups", "SG03", "contact_every_days", 180),
])
def test_none_clears_a_value(seed_tables, function, sheet, key, field, value):
    def change(v):
        return {key: {field: v}} if function is edits.assess_organisations else {key: v}
    out = function(seed_tables, change(value))
    assert out[sheet].set_index("id").loc[key, field] == value
    cleared = function(out, change(None))
    assert pd.isna(cleared[sheet].set_index("id").loc[key, field])


def test_sub_group_intervals_for_several_sub_groups_at_once_and_the_interval_in_force(store):
    from lasdash import queries
    tables = edits.set_sub_group_intervals(store.read_all(store.current_id()), {"SG03": 180, "SG01": 60})
    tables = edits.assess_organisations(tables, {"ORG-bexley-council": {"contact_every_days": 30}})
    saved = pipeline.save_edit(store, store.current_id(), tables, author="Jane Smith")
    assert saved.manifest is not None, saved.validation.summary()
    assert dict(store.read(store.current_id(), "Sub-groups").set_index("id")["contact_every_days"].dropna()) == {
        "SG01": 60, "SG03": 180}
    rel = queries.run(queries.connect(store, store.current_id()), "relationships").set_index("Organisation")
    assert rel.loc["LB Bromley",
                   ["Contact every (days)", "Interval from"]].tolist() == [180, "From sub-group SG03"]
    assert rel.loc["LB of Bexley", ["Contact every (days)", "Interval from"]].tolist() == [30, "Its own"]
    assert rel.loc["Lambeth CCG", ["Contact every (days)", "Interval from"]].tolist() == [60, "From sub-group SG01"]
