import pytest

from lasdash import schema as S


def test_every_sheet_has_a_unique_id_column_first():
    for sheet in S.SHEETS:
        assert sheet.columns[0].name == sheet.key == "id", sheet.name


def test_every_data_sheet_has_a_required_source():
    for sheet in S.SHEETS:
        if sheet.name == "Documents":
            continue
        assert sheet.column("source").required, sheet.name


@pytest.mark.parametrize("sheet", S.SHEETS, ids=lambda s: s.name)
def test_references_point_at_existing_sheets_and_headers_are_unique(sheet):
    for col in sheet.columns:
        if col.ref:
            assert col.ref in S.SHEETS_BY_NAME
    headers = [c.header for c in sheet.columns]
    assert len(headers) == len(set(headers))
    names = sheet.column_names
    assert len(names) == len(set(names))
    for c in sheet.one_of:
        assert c in names


def test_membership_is_first_class():
    roles = S.sheet("Roles")
    assert {"person_id", "forum_id", "organisation_id", "role", "programme"} <= set(roles.column_names)
    for role in ("Chair", "Vice Chair", "SRO", "Convenor", "Clinical lead", "Member"):
        assert role in roles.column("role").allowed


@pytest.mark.parametrize("sheet_name, table", [
    ("Sub-groups", "sub_groups"), ("People", "people"), ("Roles", "roles"),
])
def test_table_name(sheet_name, table):
    assert S.table_name(sheet_name) == table


@pytest.mark.parametrize("col, fragment", [
    (S.Column("x", "X", type="date"), "dd/mm/yyyy"),
    (S.Column("x", "X", type="int"), "whole number"),
    (S.Column("x", "X", allowed=("A", "B")), "one of: A, B"),
    (S.Column("x", "X", ref="People"), "People sheet"),
])
def test_expected_describes_valid_values(col, fragment):
    assert fragment in col.expected


def test_parquet_types_follow_the_schema():
    import pyarrow as pa

    from lasdash.snapshots import arrow_schema
    sch = arrow_schema(S.sheet("Forums"))
    assert sch.field("budget_gbp").type == pa.int64()
    assert sch.field("name").type == pa.string()
    assert arrow_schema(S.sheet("Recommendations")).field("due").type == pa.date32()
