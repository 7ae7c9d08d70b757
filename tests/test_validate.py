"""Validator messages: each problem names sheet, Excel row, column, the value and what is expected."""
import datetime as dt

import openpyxl
import pytest

from lasdash import pipeline
from lasdash import schema as S
from lasdash.reader import RawSheet, RawWorkbook
from lasdash.validate import ERROR, WARNING, validate


def test_default_workbook_is_valid():
    v = pipeline.check(pipeline.config.default_workbook())
    assert v.ok, "\n".join(map(str, v.errors[:10]))


def _problems(path):
    return pipeline.check(path).problems


def _only(problems, severity=ERROR):
    return [p for p in problems if p.severity == severity]


def _edit(path, fn):
    wb = openpyxl.load_workbook(path)
    fn(wb)
    wb.save(path)
    return path


def _col(ws, header):
    return next(c.column for c in ws[1] if c.value == header)


@pytest.mark.parametrize("sheet, header, value, fragment, expected_fragment", [
    ("Organisations", "Footprint", "XYZ", "Unknown value", "NWL"),
    ("Organisations", "Sub-group ID", "SG99", "No row in Sub-groups", "Sub-groups sheet"),
    ("Roles", "Person ID", "PER-nobody", "No row in People", "People sheet"),
    ("Roles", "Forum ID", "FOR-nowhere", "No row in Forums", "Forums sheet"),
    ("Roles", "Role", "Grand Poobah", "Unknown value", "Chair"),
    ("Roles", "From", "31/02/2023", "not a real date", "dd/mm/yyyy"),
    ("Roles", "From", "04/13/2023", "US-order", "dd/mm/yyyy"),
    ("Forums", "Budget (£)", "lots", "not a whole number", "whole number"),
    ("Recommendations", "Status", "Sort of", "Unknown value", "In progress"),
    ("People", "Source", "999 Chart 9", "not in the Documents sheet", "Documents ID"),
    ("People", "Name", None, "required", "text"),
])
def test_cell_errors_name_sheet_row_column_value_and_expectation(write_workbook, tables, sheet, header, value,
                                                                   fragment, expected_fragment):
    path = write_workbook(tables)

    def change(wb):
        ws = wb[sheet]
        ws.cell(row=3, column=_col(ws, header)).value = value
    _edit(path, change)
    errors = _only(_problems(path))
    match = [p for p in errors if p.sheet == sheet and p.row == 3 and p.column == header]
    assert match, errors[:5]
    p = match[0]
    assert fragment in p.message
    assert expected_fragment in p.expected
    if value:
        assert p.value == value


def test_duplicate_id_names_both_rows(write_workbook, tables):
    path = write_workbook(tables)

    def dup(wb):
        ws = wb["People"]
        ws.cell(row=5, column=1).value = ws.cell(row=4, column=1).value
    _edit(path, dup)
    errs = [p for p in _only(_problems(path)) if "Duplicate ID" in p.message]
    assert len(errs) == 1 and errs[0].sheet == "People" and errs[0].row == 5 and "row 4" in errs[0].message


def test_missing_sheet_and_missing_column(write_workbook, tables):
    path = write_workbook(tables)

    def mangle(wb):
        del wb["Engagements"]
        ws = wb["Roles"]
        ws.delete_cols(_col(ws, "Role"))
    _edit(path, mangle)
    errors = _only(_problems(path))
    assert any(p.sheet == "Engagements" and "missing" in p.message for p in errors)
    assert any(p.sheet == "Roles" and p.column == "Role" and p.row == 1 and "missing" in p.message for p in errors)


def test_headers_in_another_order_and_case_are_accepted(write_workbook, tables):
    df = tables["People"]
    tables["People"] = df[list(reversed(df.columns))]
    path = write_workbook(tables)

    def shout(wb):
        for c in wb["People"][1]:
            c.value = "  " + str(c.value).upper() + " "
    _edit(path, shout)
    v = pipeline.check(path)
    assert v.ok, v.errors[:3]
    assert list(v.tables["People"]["name"]) == list(df["name"])


def test_blank_rows_are_skipped_and_row_numbers_stay_excel_rows(write_workbook, tables):
    path = write_workbook(tables)

    def gap(wb):
        ws = wb["Forums"]
        ws.insert_rows(3, amount=2)
        ws.cell(row=6, column=_col(ws, "Footprint")).value = "Nowhere"
    _edit(path, gap)
    v = pipeline.check(path)
    assert len(v.tables["Forums"]) == len(tables["Forums"])
    assert [(p.sheet, p.row) for p in v.errors] == [("Forums", 6)]


def test_unknown_column_is_a_warning_and_warnings_do_not_block(write_workbook, tables):
    path = write_workbook(tables)
    _edit(path, lambda wb: wb["People"].cell(row=1, column=20, value="My notes"))
    v = pipeline.check(path)
    assert v.ok
    assert any(p.severity == WARNING and p.column == "My notes" for p in v.problems)


def test_values_are_normalised(write_workbook, tables):
    path = write_workbook(tables)

    def messy(wb):
        ws = wb["Organisations"]
        ws.cell(row=2, column=_col(ws, "Name")).value = "  Brent\u00a0  CCG "
        ws.cell(row=2, column=_col(ws, "Footprint")).value = "nwl"
        ws.cell(row=2, column=_col(ws, "Contact every (days)")).value = "30"
        ws = wb["Roles"]
        ws.cell(row=2, column=_col(ws, "From")).value = "03/04/2023"
        ws.cell(row=3, column=_col(ws, "From")).value = 44926
    _edit(path, messy)
    v = pipeline.check(path)
    assert v.ok, v.errors
    org = v.tables["Organisations"].iloc[0]
    assert org["name"] == "Brent CCG" and org["footprint"] == "NWL" and org["contact_every_days"] == 30
    assert v.tables["Roles"].iloc[0]["start_date"] == dt.date(2023, 4, 3)
    assert v.tables["Roles"].iloc[1]["start_date"] == dt.date(2022, 12, 31)


def test_numeric_looking_text_stays_text():
    raw = RawWorkbook("x.xlsx", [RawSheet.from_rows("People", True, [["ID", "Name", "Source"], ["007", 123.0, "000 x"]])])
    v = validate(raw)
    people = v.tables["People"]
    assert people.iloc[0]["id"] == "007" and people.iloc[0]["name"] == "123"


def test_summary_line():
    raw = RawWorkbook("x.xlsx", [])
    v = validate(raw)
    assert v.summary().startswith("1 error in Categories, 1 error in Documents")  # one missing sheet each
    assert v.summary().count("1 error in") == 9
    assert not v.ok


def test_hidden_sheet_and_merged_cells_are_warnings(write_workbook, tables):
    path = write_workbook(tables)

    def fn(wb):
        wb["Documents"].sheet_state = "hidden"
        wb["Sub-groups"].merge_cells("D2:D3")
    _edit(path, fn)
    warnings = _only(_problems(path), WARNING)
    assert any(p.sheet == "Documents" and "hidden" in p.message for p in warnings)
    assert any(p.sheet == "Sub-groups" and "Merged" in p.message for p in warnings)


@pytest.mark.parametrize("sheet, column, value", [
    ("People", "name", "Mel [click](https://example.org)"),
    ("People", "name", "![t](https://evil.example/t.png)"),
    ("People", "title", "Cllr <https://evil.example>"),
    ("Organisations", "name", "London Fire Brigade www.london-fire.gov.uk"),
    ("Forums", "name", "Board (see http://example.org/board)"),
    ("Documents", "title", "Report [link](x)"),
    ("Sub-groups", "name", "mailto:someone@nhs.net"),
])
def test_a_link_in_a_name_or_title_is_a_warning_not_an_error(write_workbook, tables, sheet, column, value):
    tables[sheet].loc[1, column] = value
    v = pipeline.check(write_workbook(tables))
    assert v.ok, v.errors[:3]
    header = S.sheet(sheet).column(column).header
    [warning] = [p for p in v.problems if p.severity == WARNING]
    assert (warning.sheet, warning.row, warning.column, warning.value) == (sheet, 3, header, value)
    assert "shown as plain text, never as a link" in warning.message


@pytest.mark.parametrize("sheet, column, value", [
    ("People", "name", "Dr Jonty Heaversedge"), ("People", "title", "Cllr"),
    ("Organisations", "name", "NHS England (London)"), ("Organisations", "note", "see https://example.org"),
    ("Forums", "name", "SEL Board: 10:00 meeting"),
])
def test_ordinary_names_and_links_in_notes_give_no_warning(write_workbook, tables, sheet, column, value):
    tables[sheet].loc[1, column] = value
    assert pipeline.check(write_workbook(tables)).problems == []


@pytest.mark.parametrize("sheet, column, typed, resolved", [
    ("Engagements", "organisation_id", "London Fire Brigade", "ORG-lfb"),
    ("Engagements", "organisation_id", "  london   FIRE brigade ", "ORG-lfb"),
    ("Engagements", "person_id", "Cllr Mel Collins", "PER-mel-collins"),  # title and name
    ("Engagements", "person_id", "Mel Collins", "PER-mel-collins"),
    ("Roles", "forum_id", "NW London JHOSC", "FOR-jhosc-nwl"),
    ("Organisations", "sub_group_id", "Mayor of London/Greater London Assembly", "SG06"),
    ("Recommendations", "document_id", "Stakeholder engagement report for LAS", "000"),
])
def test_a_reference_typed_as_a_name_is_read_as_its_id_with_a_warning(write_workbook, tables, sheet, column, typed,
                                                                        resolved):
    if typed.strip().lower().startswith("stakeholder"):
        typed = tables["Documents"].set_index("id").loc["000", "title"]
    if "Mayor" in typed:
        typed = tables["Sub-groups"].set_index("id").loc["SG06", "name"]
    tables[sheet].loc[1, column] = typed
    v = pipeline.check(write_workbook(tables))
    assert v.ok, v.errors[:3]
    assert v.tables[sheet].loc[1, column] == resolved
    [warning] = [p for p in v.problems if p.severity == WARNING]
    assert (warning.sheet, warning.row, warning.column) == (sheet, 3, S.sheet(sheet).column(column).header)
    assert warning.value == " ".join(typed.split())  # as typed, spaces tidied
    assert warning.message.startswith(f"'{warning.value}' read as {resolved} (")


def test_an_unknown_name_is_an_error_with_the_closest_names(write_workbook, tables):
    tables["Engagements"].loc[1, "organisation_id"] = "London Fire Brigad"
    [error] = pipeline.check(write_workbook(tables)).errors
    assert error.message.startswith("No row in Organisations has this ID or name; closest: London Fire Brigade (ORG-lfb)")


def test_a_name_shared_by_two_rows_is_an_error_naming_both(write_workbook, tables):
    people = tables["People"]
    twin = people[people["id"] == "PER-mel-collins"].assign(id="PER-synthetic-twin", source="000 (synthetic test value)")
    tables["People"] = __import__("pandas").concat([people, twin], ignore_index=True)
    tables["Engagements"].loc[1, "person_id"] = "Mel Collins"
    errors = pipeline.check(write_workbook(tables)).errors
    assert [e.message for e in errors] == [("'Mel Collins' names 2 rows in People: Mel Collins (PER-mel-collins), "
                                            "Mel Collins (PER-synthetic-twin)")]


def test_a_name_in_a_reference_publishes_against_that_row(store, write_workbook, tables):
    tables["Engagements"].loc[1, "organisation_id"] = "London Fire Brigade"
    outcome = pipeline.publish(store, write_workbook(tables), author="test")
    assert outcome.manifest is not None
    engagements = store.read(store.current_id(), "Engagements")
    assert engagements.loc[1, "organisation_id"] == "ORG-lfb"
