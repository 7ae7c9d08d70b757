"""Who is who at LAS: the LAS team sheet in the template, the validator, older workbooks and snapshots, the
three-way merge, and owners matched by role or name (lasdash.team)."""
import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from lasdash import edits, pipeline, team
from lasdash import schema as S
from lasdash.validate import validate_tables
from lasdash.workbook import snapshot_workbook_bytes, workbook_bytes

TODAY = dt.date(2026, 12, 6)
TEAM_HEADERS = ["ID", "Role", "Name", "Email", "Note", "Source"]


def _sheet(content: bytes, name: str):
    return openpyxl.load_workbook(io.BytesIO(content))[name]


def test_the_template_writes_the_team_sheet(seed_tables):
    blank = _sheet(workbook_bytes(None), "LAS team")
    assert [c.value for c in blank[1]] == TEAM_HEADERS and blank.max_row == 1
    filled = _sheet(workbook_bytes(seed_tables), "LAS team")
    rows = {r[1]: r for r in filled.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 19 and rows["Medical Director"][2:4] == (None, None)  # the seeds name no Medical Director
    assert rows["Chief Executive"][2] == "Daniel Elkeles" and rows["Chief Executive"][5] == "000 Chart 2; 001 Appendix 1"
    assert not any(r[3] for r in rows.values())  # the seeds give no emails: none invented


def test_every_bundled_owner_lead_and_attendee_role_names_someone_on_the_team(seed_tables):
    assert validate_tables(seed_tables).problems == []
    roles = {r.strip() for cell in seed_tables["Forums"]["las_attendee"].dropna() for r in cell.split(";")}
    assert roles <= set(seed_tables["LAS team"]["role"]) and len(roles) == 13  # Chart 2's attendee roles


@pytest.mark.parametrize(("sheet", "column", "value", "warned"), [
    ("Organisations", "las_owner", "Medical Director", None),
    ("Organisations", "las_owner", "  medical   DIRECTOR ", None),  # any case and spacing
    ("Organisations", "las_owner", "Daniel Elkeles; Head of Partnerships", None),  # a name and a role
    ("Organisations", "las_owner", "Dr Nobody", "Matches nobody on the LAS team sheet"),
    ("Organisations", "las_owner", "Medical Director; Dr Nobody", "'Dr Nobody' matches nobody on the LAS team sheet"),
    ("Engagements", "las_lead", "Chief Exec", "Matches nobody on the LAS team sheet"),
    ("Recommendations", "owner", "Head of Partnerships", None),
    ("Recommendations", "owner", "The comms team", "Matches nobody on the LAS team sheet"),
    ("Forums", "las_attendee", "Medical Director; Chief Executive", None),
    ("Forums", "las_attendee", "Deputy Medical Director", "Matches nobody on the LAS team sheet"),
])
def test_a_name_matching_nobody_on_the_team_is_a_warning_naming_the_cell(seed_tables, sheet, column, value, warned):
    tables = {k: v.copy() for k, v in seed_tables.items()}
    tables[sheet] = tables[sheet].astype(object)
    tables[sheet].loc[0, column] = value
    v = validate_tables(tables)
    assert v.ok  # a warning, never an error: older workbooks keep loading
    found = [p for p in v.problems if p.column == S.sheet(sheet).column(column).header]
    if warned is None:
        assert found == []
    else:
        assert [(p.severity, p.sheet, p.row, p.value, p.message) for p in found] == [
            ("warning", sheet, 2, value, warned)]


def test_an_email_that_cannot_be_one_is_warned_of(seed_tables):
    tables = edits.update_team(seed_tables, {"LT04": {"email": "jane.doe(at)example.org"}}, "T", TODAY)
    [p] = validate_tables(tables).problems
    assert (p.severity, p.sheet, p.column, p.value) == ("warning", "LAS team", "Email", "jane.doe(at)example.org")


def test_with_an_empty_team_nothing_is_checked_against_it(seed_tables):
    tables = {**seed_tables, "LAS team": seed_tables["LAS team"].iloc[0:0]}
    tables["Organisations"] = tables["Organisations"].astype(object)
    tables["Organisations"].loc[0, "las_owner"] = "Anyone"
    assert validate_tables(tables).problems == []


def _without_team(content: bytes) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    del wb["LAS team"]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_workbook_from_before_the_team_sheet_loads_and_keeps_the_maps_team(store, tmp_path):
    named = edits.update_team(store.read_all(store.current_id()), {"LT04": {"name": "Dr Jane Doe",
                                                                             "email": "jane.doe@example.org"}},
                              "Editor A", TODAY)
    assert pipeline.save_edit(store, store.current_id(), named, author="Editor A").manifest
    old = tmp_path / "old.xlsx"
    old.write_bytes(_without_team(workbook_bytes(store.read_all(store.current_id()))))  # no base, no team
    alone = pipeline.check(old)
    assert alone.ok and alone.tables["LAS team"].empty
    assert [p.message for p in alone.problems if p.sheet == "LAS team"] == [
        "The sheet is missing (the workbook is older than it): it is left empty"]
    outcome = pipeline.publish(store, old, author="Editor B", note="an older workbook")
    assert outcome.manifest is not None
    assert [p.message for p in outcome.validation.problems if p.sheet == "LAS team"] == [
        "The sheet is missing (the workbook is older than it): the current map's rows of it are kept"]
    kept = store.read(store.current_id(), "LAS team").set_index("id")
    assert len(kept) == 19 and kept.loc["LT04", "email"] == "jane.doe@example.org"


def _merged_with_an_email_changed_in_the_app(store, tmp_path, member: str, email: str):
    """A workbook downloaded, the Medical Director's email then set in the app, and the workbook (with `member`'s
    email set to `email` offline) merged back."""
    base = store.current_id()
    downloaded = tmp_path / "map.xlsx"
    downloaded.write_bytes(snapshot_workbook_bytes(store, base))
    in_app = edits.update_team(store.read_all(base), {"LT04": {"email": "md@example.org"}}, "Editor A", TODAY)
    assert pipeline.save_edit(store, base, in_app, author="Editor A").manifest
    wb = openpyxl.load_workbook(downloaded)
    next(r for r in wb["LAS team"].iter_rows(min_row=2) if r[0].value == member)[3].value = email
    wb.save(downloaded)
    return pipeline.merge_upload(store, pipeline.check(downloaded, keep=pipeline.kept_sheets(store)))


def test_the_three_way_merge_keeps_a_team_members_email_changed_in_the_app_and_one_changed_in_the_file(store, tmp_path):
    outcome = _merged_with_an_email_changed_in_the_app(store, tmp_path, "LT01", "ce@example.org")
    assert outcome is not None and outcome.validation.ok
    merged = outcome.validation.tables["LAS team"].set_index("id")
    assert (merged.loc["LT04", "email"], merged.loc["LT01", "email"]) == ("md@example.org", "ce@example.org")
    # the file still holds the Medical Director's email from before: said, and the app's change kept
    assert {(c.key, c.column, c.kind) for c in outcome.merge.conflicts} == {("LT04", "email", "older value"),
                                                                            ("LT04", "source", "older value")}
    assert outcome.merge.conflicts[0].describe().startswith("LAS team: Medical Director: ")


def test_the_same_email_changed_two_ways_is_a_conflict_in_names(store, tmp_path):
    outcome = _merged_with_an_email_changed_in_the_app(store, tmp_path, "LT04", "other@example.org")
    conflict = next(c for c in outcome.merge.conflicts if c.column == "email")
    assert (conflict.sheet, conflict.key, conflict.kind) == ("LAS team", "LT04", "both changed")
    said = conflict.describe()  # who changed it, and when (the day of the publish)
    assert said.startswith("LAS team: Medical Director: Email: md@example.org (by Editor A, ")
    assert said.endswith(") \u2192 other@example.org (your file)")
    assert outcome.merge.tables["LAS team"].set_index("id").loc["LT04", "email"] == "md@example.org"  # theirs kept


def test_naming_a_member_in_the_app_cites_the_editor_beside_the_seed():
    tables = {"LAS team": pd.DataFrame([{"id": "LT04", "role": "Medical Director", "name": None, "email": None,
                                         "note": None, "source": "000 Chart 2"}])}
    out = edits.update_team(tables, {"LT04": {"name": "Dr Jane Doe"}}, "Editor A", TODAY)
    assert out["LAS team"].loc[0, "source"] == "000 Chart 2; Recorded in lasdash by Editor A, 06/12/2026"
    again = edits.update_team(out, {"LT04": {"email": "jd@example.org"}}, "Editor B", TODAY)
    assert again["LAS team"].loc[0, "source"] == "000 Chart 2; Recorded in lasdash by Editor B, 06/12/2026"
    same = edits.update_team(again, {"LT04": {"note": "acting"}}, "Editor C", TODAY)  # not who holds it
    assert same["LAS team"].loc[0, "source"] == again["LAS team"].loc[0, "source"]


MEMBERS = pd.DataFrame([
    {"id": "LT01", "role": "Chief Executive", "name": "Daniel Elkeles", "email": "de@example.org"},
    {"id": "LT04", "role": "Medical Director", "name": None, "email": None},
    {"id": "LT09", "role": "Head of Partnerships", "name": "  A.  N. Other ", "email": None},
])


@pytest.mark.parametrize(("who", "keys"), [
    ("Chief Executive", ("chief executive", "daniel elkeles")),
    ("daniel  ELKELES", ("chief executive", "daniel elkeles")),
    ("Medical Director", ("medical director",)),
    ("a. n. other", ("a. n. other", "head of partnerships")),
    ("Someone Else", ("someone else",)),  # not on the team: matched as written
])
def test_a_member_is_found_by_role_or_name(who, keys):
    assert team.keys_for(MEMBERS, who) == keys


@pytest.mark.parametrize(("cell", "nobody"), [
    ("Chief Executive", []), ("chief executive ;Medical  Director", []), (None, []), ("", []),
    ("Medical Director; Dr X", ["Dr X"]), ("Daniel Elkeles (Chief Executive)", ["Daniel Elkeles (Chief Executive)"]),
])
def test_unmatched_parts_of_a_cell(cell, nobody):
    assert team.unmatched(cell, team.known(MEMBERS)) == nobody


@pytest.mark.parametrize(("email", "found"), [("DE@example.org ", "LT01"), ("nobody@example.org", None), ("", None)])
def test_a_member_by_their_sign_in_email(email, found):
    member = team.member_by_email(MEMBERS, email)
    assert (member["id"] if member else None) == found


def test_a_workbook_downloaded_before_the_relationship_edits_and_uploaded_after_keeps_them_all(store, tmp_path):
    """The issue's merge check: the team's names and emails, the SEL assessments and SG03's default, made in the
    app after the download, all survive an upload of the older workbook (with an edit of its own) through the
    three-way merge, which keeps the current value wherever the file still holds the older one."""
    base = store.current_id()
    old = tmp_path / "before.xlsx"
    old.write_bytes(snapshot_workbook_bytes(store, base))
    tables = edits.update_team(store.read_all(base), {"LT04": {"name": "Dr Jane Doe", "email": "jd@example.org"},
                                                      "LT09": {"email": "hop@example.org"}}, "Editor A", TODAY)
    sel = tables["Organisations"].loc[tables["Organisations"]["footprint"] == "SEL", "id"].tolist()
    assert len(sel) == 10
    tables = edits.assess_organisations(tables, {o: {"power": "High", "interest": "Medium",
                                                     "las_owner": "Medical Director"} for o in sel})
    tables = edits.set_sub_group_intervals(tables, {"SG03": 180})
    assert pipeline.save_edit(store, base, tables, author="Editor A").manifest
    wb = openpyxl.load_workbook(old)
    ws = wb["Forums"]
    cadence = next(c.column for c in ws[1] if c.value == "Cadence")
    ws.cell(row=2, column=cadence).value = "Monthly (changed in the file)"
    wb.save(old)
    outcome = pipeline.merge_upload(store, pipeline.check(old, keep=pipeline.kept_sheets(store)))
    assert outcome is not None and outcome.validation.ok
    assert {c.kind for c in outcome.merge.conflicts} == {"older value"}  # the file never changed them itself
    merged = outcome.validation.tables
    team = merged["LAS team"].set_index("id")
    assert (team.loc["LT04", "name"], team.loc["LT04", "email"], team.loc["LT09", "email"]) == \
        ("Dr Jane Doe", "jd@example.org", "hop@example.org")
    orgs = merged["Organisations"].set_index("id").loc[sel]
    assert set(orgs["power"]) == {"High"} and set(orgs["las_owner"]) == {"Medical Director"}
    assert merged["Sub-groups"].set_index("id").loc["SG03", "contact_every_days"] == 180
    assert merged["Forums"].iloc[0]["cadence"] == "Monthly (changed in the file)"  # and the file's own edit
