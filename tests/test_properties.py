"""Property-based tests (hypothesis) of the normaliser and the validator on random cells and random sheets.

Cells are what calamine can hand over: None, '', text (with the spaces, quotes, dashes and invisible
characters people paste), numbers, booleans, dates, times and durations. Whatever arrives: no unhandled
exception, every problem names a sheet and a row inside it, and a workbook that validates can be stored.
"""
import datetime as dt

import corpus
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lasdash import schema as S
from lasdash.normalise import (
    canonical_choice,
    clean_text,
    header_key,
    is_blank,
    match_key,
    parse_date,
    parse_int,
    parse_period,
)
from lasdash.reader import RawSheet, RawWorkbook
from lasdash.snapshots import arrow_schema
from lasdash.validate import ERROR, WARNING, problems_frame, validate

# Bounded so the file runs in about 30 s: each validate() of random sheets builds nine DataFrames.
FAST = settings(max_examples=300, deadline=None, database=None)
SLOW = settings(max_examples=100, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
EXAMPLES = "hypothesis examples run"

# What people paste: NBSP, zero-width, BOM, curly quotes, dashes, £, slashes, RTL letters, emoji, combining marks
ALPHABET = st.sampled_from(list("aZ09 /.-,:;'\"£()\t\n") + ["\u00a0", "\u200b", "\u2060", "\ufeff", "\u2019", "\u201c",
                                                        "\u2013", "\u2212", "\u0627", "\u05d0", "\U0001f691", "\u0301",
                                                        "\u00df", "\x1f", "Ⅻ", "٣"])
TEXT = st.one_of(st.text(ALPHABET, max_size=30), st.text(max_size=12),
                 st.from_regex(r"\s*-?£?\s*\d{1,25}(,\d{3})*(\.\d{0,3})?\s*", fullmatch=True),
                 st.from_regex(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{1,5}", fullmatch=True),
                 st.from_regex(r"\d{1,2}(st|nd|rd|th)? [A-Za-z]{3,9} \d{4}", fullmatch=True),
                 st.from_regex(r"[A-Za-z]{3,9}\.? \d{4}( ?(-|to) ?[A-Za-z]{3,9} \d{4})?", fullmatch=True))
NUMBERS = st.one_of(st.floats(min_value=-1e30, max_value=1e30), st.integers(-2**63, 2**63 - 1),
                  st.from_regex(r"£?-?\d{1,30}(\.0+)?", fullmatch=True))
CELL = st.one_of(st.none(), st.just(""), TEXT, st.integers(-2**63, 2**63 - 1), st.floats(),
                 st.booleans(), st.dates(), st.datetimes(), st.times(), st.timedeltas())


@pytest.fixture(autouse=True, scope="module")
def _report(request):
    corpus.install_report(request.config)


def counted():
    corpus.count(EXAMPLES)


# --- the normaliser --------------------------------------------------------------------------------------
@FAST
@given(CELL)
def test_clean_text_is_trimmed_single_spaced_visible_and_idempotent(value):
    counted()
    text = clean_text(value)
    assert isinstance(text, str) and text == text.strip() and "  " not in text
    assert not set(text) & {"\u00a0", "\u200b", "\u2060", "\ufeff"}
    assert clean_text(text) == text
    assert all(ch in "0123456789abcdefghijklmnopqrstuvwxyz£" for ch in header_key(value))


@FAST
@given(CELL)
def test_parse_date_gives_a_date_none_or_a_reason(value):
    counted()
    try:
        result = parse_date(value)
    except ValueError as exc:
        assert str(exc)
        return
    assert result is None or (type(result) is dt.date and 1 <= result.year <= 9999)
    if result is None:
        assert is_blank(value) or clean_text(value) == ""


@FAST
@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_uk_dates_and_serials_round_trip(day):
    counted()
    assert parse_date(f"{day.day:02}/{day.month:02}/{day.year}") == day
    assert parse_date(f"{day.day}/{day.month}/{day.year}") == day
    if day >= dt.date(1900, 3, 1):  # Excel's serials are right from March 1900 on
        assert parse_date(float((day - dt.date(1899, 12, 30)).days)) == day


@FAST
@given(CELL)
def test_parse_int_gives_a_64_bit_number_none_or_a_reason(value):
    counted()
    try:
        result = parse_int(value)
    except ValueError as exc:
        assert str(exc)
        return
    assert result is None or (type(result) is int and -2**63 <= result < 2**63)


@FAST
@given(st.integers(-2**63, 2**63 - 1))
def test_whole_numbers_round_trip_through_text(n):
    counted()
    assert parse_int(str(n)) == n and parse_int(f"{n:,}") == n
    if n >= 0:
        assert parse_int(f"£ {n:,}") == n


@FAST
@given(st.sampled_from([c for s in S.SHEETS for c in s.columns if c.allowed]), st.data())
def test_listed_values_match_however_they_are_typed(column, data):
    counted()
    allowed = data.draw(st.sampled_from(column.allowed))
    typed = data.draw(st.sampled_from([allowed, allowed.upper(), f"  {allowed.lower()}\u00a0",
                                       allowed.replace("-", "\u2013")]))
    assert canonical_choice(typed, column.allowed) == allowed
    other = data.draw(TEXT)
    assert canonical_choice(other, column.allowed) in (None, *column.allowed)
    assert match_key(other) == match_key(match_key(other))


@FAST
@given(TEXT)
def test_parse_period_gives_a_span_or_none(text):
    counted()
    span = parse_period(text)
    assert span is None or (span[0] <= span[1] and span[0].day == 1)


# --- the validator on random sheets ------------------------------------------------------------------------
IDS = st.sampled_from(["000", "001", "SG01", "SG99", "ORG-x", "PER-x", "FOR-x", "R-1", "x", " x ", "000 Chart 5"])
A1 = st.builds(lambda col, row: f"{col}{row}", st.sampled_from(["A", "B", "C", "K", "AA", "XFD"]),
               st.integers(1, 12))


@st.composite
def raw_sheet(draw):
    sheet = draw(st.sampled_from(S.SHEETS))
    name = draw(st.one_of(st.sampled_from([sheet.name, sheet.name.upper(), f" {sheet.name.lower()} "]),
                          st.text(ALPHABET, min_size=1, max_size=12)))
    headers = [c.header for c in sheet.columns]
    picked = draw(st.lists(st.sampled_from(headers), max_size=len(headers) + 2))
    if draw(st.booleans()):  # most sheets keep every column, so rows get converted and cross-checked
        picked = draw(st.permutations(headers))
    header = [draw(st.sampled_from([h, h.upper(), f" {h} "])) for h in picked]
    header += draw(st.lists(st.one_of(st.none(), TEXT), max_size=2))
    width = len(header)
    row = st.lists(st.one_of(CELL, IDS), min_size=0, max_size=width + 2)
    body = draw(st.lists(row, max_size=8))
    leading = draw(st.lists(st.just([None] * width), max_size=2))  # blank rows above the header
    rows = leading + ([header] if draw(st.integers(0, 9)) else []) + body
    return RawSheet.from_rows(name, draw(st.booleans()), rows, draw(st.lists(A1, max_size=2)),
                              draw(st.lists(A1, max_size=3)))


@SLOW
@given(st.lists(raw_sheet(), max_size=7))
def test_validate_never_crashes_and_names_a_sheet_and_a_real_row(sheets):
    counted()
    raw = RawWorkbook("random.xlsx", sheets)
    v = validate(raw)
    by_key = {header_key(s.name): s for s in sheets}  # the validator reads the last sheet of each name
    names = {s.name for s in sheets} | {s.name for s in S.SHEETS}
    for p in v.problems:
        assert p.severity in (ERROR, WARNING) and p.sheet and p.sheet in names
        source = next((s for s in S.SHEETS if s.name == p.sheet), None)
        raw_sheet_ = by_key.get(header_key(p.sheet)) if source else next(s for s in sheets if s.name == p.sheet)
        if p.row is not None:
            assert raw_sheet_ is not None and 1 <= p.row <= len(raw_sheet_.rows), (p, len(raw_sheet_.rows))
        assert str(p)
    assert len(problems_frame(v.problems)) == len(v.problems) and v.summary()
    assert set(v.tables) == {s.name for s in S.SHEETS}
    for sheet in S.SHEETS:
        assert list(v.tables[sheet.name].columns) == sheet.column_names
    if v.ok:
        for sheet in S.SHEETS:  # what the store does with it
            pa.Table.from_pandas(v.tables[sheet.name], schema=arrow_schema(sheet), preserve_index=False)
        keys = {s.name: set(v.tables[s.name]["id"].dropna()) for s in S.SHEETS}
        for sheet in S.SHEETS:
            ids = v.tables[sheet.name]["id"]
            assert ids.notna().all() and ids.is_unique
            for col in sheet.columns:
                if col.ref:
                    assert set(v.tables[sheet.name][col.name].dropna()) <= keys[col.ref]


# A minimal valid map (synthetic), one row per sheet, every reference resolving; hypothesis then overwrites cells.
_MINIMAL = {
    "Documents": {"id": "000", "title": "Synthetic document"},
    "Sub-groups": {"id": "SG01", "name": "Synthetic sub-group"},
    "Categories": {"id": "CAT-1", "sub_group_id": "SG01", "name": "Synthetic category"},
    "Organisations": {"id": "ORG-x", "name": "Synthetic organisation", "sub_group_id": "SG01", "footprint": "NWL",
                      "contact_every_days": 30.0},
    "People": {"id": "PER-x", "name": "Synthetic Person", "organisation_id": "ORG-x"},
    "Forums": {"id": "FOR-x", "name": "Synthetic forum", "kind": "Board", "host_organisation_id": "ORG-x",
               "budget_gbp": "£ 1,000"},
    "Roles": {"id": "R-1", "person_id": "PER-x", "forum_id": "FOR-x", "role": "Chair", "start_date": "03/04/2023"},
    "Engagements": {"id": "E-1", "organisation_id": "ORG-x", "date": dt.datetime(2023, 1, 24),
                    "level": "Keep informed"},
    "Recommendations": {"id": "REC-1", "document_id": "000", "text": "Synthetic recommendation", "status": "Done"},
    "LAS team": {"id": "LT-1", "role": "Synthetic role", "email": "synthetic@example.org"},
}


def minimal_rows() -> list[list[list]]:
    """Each sheet's rows (in S.SHEETS order): its header and one row."""
    out = []
    for sheet in S.SHEETS:
        values = _MINIMAL[sheet.name] | ({"source": "000 synthetic"} if "source" in sheet.column_names else {})
        out.append([[c.header for c in sheet.columns], [values.get(c.name) for c in sheet.columns]])
    return out


def minimal_map(rows: list[list[list]] | None = None) -> list[RawSheet]:
    return [RawSheet.from_rows(sheet.name, True, r) for sheet, r in zip(S.SHEETS, rows or minimal_rows(), strict=True)]


def test_the_minimal_map_is_valid():
    v = validate(RawWorkbook("minimal.xlsx", minimal_map()))
    assert v.ok, [str(p) for p in v.errors]


@st.composite
def edit(draw):
    """(sheet index, column index, row index, new value): a cell of the map, typed over."""
    index = draw(st.integers(0, len(S.SHEETS) - 1))
    columns = S.SHEETS[index].columns
    typed = [i for i, c in enumerate(columns) if c.type != "text" or c.allowed or c.ref or c.required]
    col = draw(st.sampled_from(typed) if typed and draw(st.booleans()) else st.integers(0, len(columns) - 1))
    return index, col, draw(st.integers(1, 3)), draw(st.one_of(CELL, IDS, NUMBERS))


EDIT = edit()


@SLOW
@given(st.lists(EDIT, min_size=1, max_size=6))
def test_validate_random_cells_in_a_valid_map(edits):
    """Overwrite cells of a valid map (rows 3 and 4 start as copies of row 2): what validates is safe to store."""
    counted()
    tables = minimal_rows()  # edited as rows, then made into sheets: a RawSheet's rows are a copy
    for rows in tables:
        rows += [list(rows[1]), list(rows[1])]
        rows[2][0], rows[3][0] = f"{rows[1][0]}-b", f"{rows[1][0]}-c"
    for sheet_index, col, row, value in edits:
        rows = tables[sheet_index]
        rows[row][col] = value
    v = validate(RawWorkbook("edited.xlsx", minimal_map(tables)))
    for p in v.problems:
        assert p.sheet in {s.name for s in S.SHEETS} and (p.row is None or 1 <= p.row <= 4), p
    if v.ok:
        keys = {s.name: set(v.tables[s.name]["id"]) for s in S.SHEETS}
        for sheet in S.SHEETS:
            pa.Table.from_pandas(v.tables[sheet.name], schema=arrow_schema(sheet), preserve_index=False)
            assert v.tables[sheet.name]["id"].is_unique
            for col in sheet.columns:
                if col.ref:
                    assert set(v.tables[sheet.name][col.name].dropna()) <= keys[col.ref]
    else:
        assert any(p.severity == ERROR for p in v.problems)
