"""Broken and hostile workbooks, generated at test time: nothing binary is committed.

BROKEN: ways people break the map workbook by hand, each an edit of the bundled default map with
what `python -m lasdash publish` must answer. HOSTILE: files built to hurt the reader.

    python tests/corpus.py OUT_DIR     write every file, to try by hand (python -m lasdash validate FILE)
    python tests/corpus.py --table     the Markdown table for docs/RELIABILITY.md

Values these edits put into the map are marked synthetic where they could be read as a fact.
"""
from __future__ import annotations

import datetime as dt
import io
import random
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lasdash import schema as S
from lasdash.defaults import load_seed_tables
from lasdash.normalise import is_blank
from lasdash.reader import DEFAULT_LIMITS
from lasdash.workbook import save_workbook, set_text, workbook_bytes

SYNTHETIC = "(synthetic test value)"
HYPERLINK = '=HYPERLINK("http://x","click")'

# --- the figures a run reports (tests add to them; printed after the run and copied to the docs) ---
FIGURES: dict[str, object] = {}


def count(key: str, n: int = 1) -> None:
    FIGURES[key] = FIGURES.get(key, 0) + n


def peak(key: str, value: float) -> None:
    FIGURES[key] = max(FIGURES.get(key, value), value)


class _Report:
    def pytest_terminal_summary(self, terminalreporter):
        if not FIGURES:
            return
        terminalreporter.section("lasdash reliability figures (docs/RELIABILITY.md)")
        for key in sorted(FIGURES):
            value = FIGURES[key]
            terminalreporter.write_line(f"{key}: {round(value, 2) if isinstance(value, float) else value}")


def install_report(config) -> None:
    """Print FIGURES at the end of the pytest run (no conftest hook needed)."""
    if not config.pluginmanager.has_plugin("lasdash-reliability"):
        config.pluginmanager.register(_Report(), "lasdash-reliability")


# --- broken workbooks -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Expect:
    """A problem the CLI must print: 'ERROR: Roles row 3, column 'Person ID': ...fragment...'."""

    sheet: str
    row: int | None
    column: str
    fragment: str
    severity: str = "error"

    @property
    def prefix(self) -> str:
        where = self.sheet + (f" row {self.row}" if self.row else "")
        where += f", column '{self.column}'" if self.column else ""
        return f"{self.severity.upper()}: {where}: "


@dataclass(frozen=True)
class Case:
    name: str
    what: str  # for the docs table
    build: Callable[[Path], None]  # writes the workbook
    exit_code: int  # 0: accepted (with the warnings in expect), 1: refused
    expect: tuple[Expect, ...] = ()
    # for accepted cases: (published tables, seed tables) -> None, asserting what was stored
    stored: Callable[[dict, dict], None] | None = None


def header_col(ws, header: str) -> int:
    return next(c.column for c in ws[1] if c.value == header)


def put(ws, row: int, header: str, value) -> None:
    """Set a cell as a person would type it: text stays text, even when it starts with '='."""
    cell = ws.cell(row=row, column=header_col(ws, header))
    if isinstance(value, str):
        set_text(cell, value)
    else:
        cell.value = value


def edit_cell(path, sheet: str, key: str, header: str, value) -> None:
    """Change one cell of the row with ID `key` in a workbook file, as an editor would in Excel."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, header_col(ws, "ID")).value == key)
    put(ws, row, header, value)
    wb.save(path)


def put_formula(ws, row: int, header: str, formula: str) -> None:
    """A formula as openpyxl writes it: with no saved result, since openpyxl does not calculate."""
    ws.cell(row=row, column=header_col(ws, header)).value = formula


def get(ws, row: int, header: str):
    return ws.cell(row=row, column=header_col(ws, header)).value


def first_row(ws, header: str) -> int:
    """The first data row with a value under header."""
    c = header_col(ws, header)
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=c).value not in (None, ""))


def _edit(fn: Callable[[openpyxl.Workbook], None]) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        wb = openpyxl.load_workbook(io.BytesIO(base_workbook()))
        fn(wb)
        wb.save(path)
    return build


_BASE: list[bytes] = []


def base_workbook() -> bytes:
    """The bundled default map as written by `lasdash workbook` (built once per process)."""
    if not _BASE:
        _BASE.append(workbook_bytes(load_seed_tables()))
    return _BASE[0]


def records(df: pd.DataFrame) -> dict[str, dict]:
    """Rows by ID with blanks as None and numpy scalars as Python values, for comparing tables."""
    out = {}
    for r in df.to_dict("records"):
        clean = {k: (None if is_blank(v) else (v.item() if hasattr(v, "item") else v)) for k, v in r.items()}
        out[clean["id"]] = clean
    return out


def same_as_seed(stored: dict, seed: dict, except_: tuple[tuple[str, str, str], ...] = ()) -> None:
    """Every sheet stored exactly as the seed, except the (sheet, id, column) cells named."""
    for sheet, df in seed.items():
        want, got = records(df), records(stored[sheet])
        assert got.keys() == want.keys(), f"{sheet}: rows differ"
        for key, row in want.items():
            for col, value in row.items():
                if (sheet, key, col) not in except_:
                    assert got[key][col] == value, f"{sheet} {key} {col}: {got[key][col]!r} != {value!r}"


def _stored_value(stored, sheet, key, column):
    return records(stored[sheet])[key][column]


def _accept(sheet: str, row: int, column: str, typed, expected) -> tuple[Callable, Callable]:
    """A cell typed in some messy form that must be stored as `expected`, everything else untouched."""
    def edit(wb):
        put(wb[sheet], row, header_of(sheet, column), typed)

    def stored(tables, seed):
        key = list(records(seed[sheet]))[row - 2]  # the workbook holds the seed's rows in order from row 2
        assert _stored_value(tables, sheet, key, column) == expected
        same_as_seed(tables, seed, ((sheet, key, column),))
    return edit, stored


def header_of(sheet: str, column: str) -> str:
    return S.sheet(sheet).column(column).header


def _refuse(sheet: str, row: int | None, header: str, value) -> Callable[[openpyxl.Workbook], None]:
    def edit(wb):
        ws = wb[sheet]
        put(ws, row, header, value)
    return edit


def _cell_case(name, what, sheet, row, header, value, fragment) -> Case:
    return Case(name, what, _edit(_refuse(sheet, row, header, value)), 1, (Expect(sheet, row, header, fragment),))


def _accept_case(name, what, sheet, row, column, typed, expected, warnings=()) -> Case:
    edit, stored = _accept(sheet, row, column, typed, expected)
    return Case(name, what, _edit(edit), 0, tuple(warnings), stored)


# Structural edits -----------------------------------------------------------------------------------
def _delete_column(sheet, header):
    def edit(wb):
        ws = wb[sheet]
        ws.delete_cols(header_col(ws, header))
    return edit


def _rename_column(sheet, header, new):
    def edit(wb):
        ws = wb[sheet]
        set_text(ws.cell(row=1, column=header_col(ws, header)), new)
    return edit


def _extra_column(wb):
    ws = wb["People"]
    set_text(ws.cell(row=1, column=ws.max_column + 1), "My notes")
    set_text(ws.cell(row=2, column=ws.max_column), f"call back next week {SYNTHETIC}")


def _reorder_and_recase(wb):
    ws = wb["People"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(reversed(row), start=1):
            cell = ws.cell(row=r, column=c)
            cell.value = None
            if isinstance(value, str):
                set_text(cell, f"  {value.upper()} " if r == 1 else value)
            elif value is not None:
                cell.value = value
    wb["Roles"].title = "tmp"  # openpyxl refuses a case-only rename as a duplicate
    wb["tmp"].title = "ROLES"


def _blank_rows(wb):
    wb["Forums"].insert_rows(3, amount=2)


def _blank_rows_then_error(wb):
    ws = wb["Forums"]
    ws.insert_rows(3, amount=2)
    put(ws, 6, "Footprint", f"Nowhere {SYNTHETIC}")


def _trailing_empties(wb):
    ws = wb["Organisations"]
    for r in range(ws.max_row + 1, ws.max_row + 400, 37):
        set_text(ws.cell(row=r, column=2), "   ")
    set_text(ws.cell(row=3, column=ws.max_column + 20), "\u00a0")
    ws.cell(row=2000, column=60).fill = openpyxl.styles.PatternFill("solid", fgColor="FFB81C")


def _merged(wb):
    ws = wb["Sub-groups"]
    source = next(c.column_letter for c in ws[1] if c.value == "Source")
    ws.merge_cells(f"{source}2:{source}3")


def _hidden(state):
    def edit(wb):
        wb["Documents"].sheet_state = state
    return edit


def _formula_budget(wb):
    put_formula(wb["Forums"], 2, "Budget (£)", "=1000*2")


def _formula_name(wb):
    put_formula(wb["People"], 3, "Name", '=UPPER("synthetic")')


def _formula_with_saved_result(path: Path) -> None:
    """As Excel saves it: the formula and its result. The result is what the map stores."""
    _edit(_formula_budget)(path)
    src = zipfile.ZipFile(path)
    files = {i.filename: src.read(i) for i in src.infolist()}
    src.close()
    sheet = next(n for n, b in files.items() if n.startswith("xl/worksheets/") and b"<f>1000*2</f>" in b)
    files[sheet] = files[sheet].replace(b"<f>1000*2</f><v />", b"<f>1000*2</f><v>2000</v>")
    assert b"<v>2000</v>" in files[sheet]
    _write_zip(path, files)


def _duplicate_id(wb):
    ws = wb["People"]  # row 4 pasted again at the end, then edited: two rows, one ID
    new = ws.max_row + 1
    for c in range(1, ws.max_column + 1):
        value = ws.cell(row=4, column=c).value
        if value is not None:
            set_text(ws.cell(row=new, column=c), str(value))
    put(ws, new, "Background / other roles", f"pasted twice {SYNTHETIC}")


def _missing_forum(wb):
    ws = wb["Roles"]
    put(ws, first_row(ws, "Forum ID"), "Forum ID", "FOR-nowhere")


def _missing_forum_row(seed) -> int:
    return int(seed["Roles"]["forum_id"].notna().to_numpy().nonzero()[0][0]) + 2


def _neither_forum_nor_org(wb):
    ws = wb["Roles"]
    put(ws, 2, "Forum ID", None)
    put(ws, 2, "Organisation ID", None)


def _title_row_above_headers(wb):
    ws = wb["People"]
    ws.insert_rows(1)
    set_text(ws.cell(row=1, column=1), "LAS stakeholder map: people")


def _duplicate_column(wb):
    ws = wb["People"]
    set_text(ws.cell(row=1, column=ws.max_column + 1), "name")


def _extra_sheet(wb):
    ws = wb.create_sheet("My scratch notes")
    set_text(ws["A1"], f"to do {SYNTHETIC}")


def _empty_workbook(path: Path) -> None:
    openpyxl.Workbook().save(path)


def _headers_only(path: Path) -> None:
    save_workbook(path, None)  # the blank template


def _spaces(wb):
    ws = wb["Roles"]
    r = first_row(ws, "Person ID")
    put(ws, r, "Person ID", f"  {get(ws, r, 'Person ID')}  ")
    put(ws, r, "Role", f" {get(ws, r, 'Role')}   ")


def _nbsp(wb):
    ws = wb["Organisations"]
    put(ws, 3, "Footprint", f"{get(ws, 3, 'Footprint')}\u00a0")
    put(ws, 3, "Name", get(ws, 3, "Name").replace(" ", "\u00a0", 1) + "\u00a0")


def _zero_width(wb):
    ws = wb["Roles"]
    r = first_row(ws, "Person ID")
    put(ws, r, "Person ID", "\u200b" + get(ws, r, "Person ID") + "\ufeff")


def _curly(wb):
    ws = wb["Engagements"]
    put(ws, 2, "Level", "Co\u2013produce")  # en dash, as Word and Outlook type it
    put(ws, 2, "Summary", f"LAS\u2019s \u201cjoint\u201d session {SYNTHETIC}")


LONG_NOTE = ("Synthetic 1,000-character note. " * 40)[:1000]
EMOJI_RTL = ("\U0001f691 \u2705 \u0645\u0644\u0627\u062d\u0638\u0629 \u05d4\u05e2\u05e8\u05d4 "  # Arabic, Hebrew
             f"\U0001f469\U0001f3fd\u200d\u2695\ufe0f {SYNTHETIC}")  # an emoji built with ZWJ and a skin tone


def _hyperlink_person(wb):
    ws = wb["People"]
    r = ws.max_row + 1
    for header, value in [("ID", "PER-synthetic-hyperlink"), ("Name", HYPERLINK), ("Source", f"000 {SYNTHETIC}")]:
        put(ws, r, header, value)


def _hyperlink_stored(tables, seed):
    assert _stored_value(tables, "People", "PER-synthetic-hyperlink", "name") == HYPERLINK
    assert len(tables["People"]) == len(seed["People"]) + 1


def _stored_equal_seed(tables, seed):
    """Stored exactly as the seed: spaces trimmed, NBSP and invisible characters gone, IDs still linking."""
    same_as_seed(tables, seed)


def _saved_result_stored(tables, seed):
    key = next(iter(records(seed["Forums"])))
    assert _stored_value(tables, "Forums", key, "budget_gbp") == 2000
    same_as_seed(tables, seed, (("Forums", key, "budget_gbp"),))


def _roles_dates(wb):
    ws = wb["Roles"]
    put(ws, 2, "From", 44926)  # an Excel date serial: 31/12/2022
    put(ws, 3, "From", "44927")  # the same, stored as text


def _roles_dates_stored(tables, seed):
    ids = list(records(seed["Roles"]))
    assert _stored_value(tables, "Roles", ids[0], "start_date") == dt.date(2022, 12, 31)
    assert _stored_value(tables, "Roles", ids[1], "start_date") == dt.date(2023, 1, 1)
    same_as_seed(tables, seed, (("Roles", ids[0], "start_date"), ("Roles", ids[1], "start_date")))


def _curly_stored(tables, seed):
    key = next(iter(records(seed["Engagements"])))
    assert _stored_value(tables, "Engagements", key, "level") == "Co-produce"
    assert _stored_value(tables, "Engagements", key, "summary") == f"LAS\u2019s \u201cjoint\u201d session {SYNTHETIC}"
    same_as_seed(tables, seed, (("Engagements", key, "level"), ("Engagements", key, "summary")))


def _write_zip(path: Path, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, body in files.items():
            dst.writestr(name, body)


def _broken() -> list[Case]:
    seed = load_seed_tables()
    roles_forum_row = _missing_forum_row(seed)
    pasted_row = len(seed["People"]) + 2
    zero_width_row = 2 + next(i for i, v in enumerate(seed["Roles"]["person_id"]) if not is_blank(v))
    return [
        Case("missing-sheet", "a whole sheet deleted", _edit(lambda wb: wb.remove(wb["Engagements"])), 1,
             (Expect("Engagements", None, "", "The sheet is missing"),)),
        Case("missing-required-column", "a required column deleted",
             _edit(_delete_column("Roles", "Role")), 1, (Expect("Roles", 1, "Role", "The column is missing"),)),
        Case("renamed-required-column", "a required column renamed",
             _edit(_rename_column("Organisations", "Name", "Organisation name")), 1,
             (Expect("Organisations", 1, "Name", "The column is missing"),
              Expect("Organisations", 1, "Organisation name", "Unknown column ignored", "warning"))),
        Case("renamed-optional-column", "an optional column renamed (publishing would blank it)",
             _edit(_rename_column("People", "Title", "Honorific")), 1,
             (Expect("People", 1, "Title", "if it was renamed, give it back its header"),)),
        Case("extra-column", "an extra column of someone's notes", _edit(_extra_column), 0,
             (Expect("People", 1, "My notes", "Unknown column ignored", "warning"),), _stored_equal_seed),
        Case("headers-reordered-and-recased", "columns in another order, headers in capitals with spaces, "
             "sheet name in capitals", _edit(_reorder_and_recase), 0, (), _stored_equal_seed),
        Case("blank-rows-mid-sheet", "two blank rows in the middle of a sheet", _edit(_blank_rows), 0, (),
             _stored_equal_seed),
        Case("blank-rows-then-error", "an error below blank rows: the message gives the Excel row",
             _edit(_blank_rows_then_error), 1, (Expect("Forums", 6, "Footprint", "Unknown value"),)),
        Case("trailing-empty-rows-and-columns", "whitespace-only and formatted cells far below and right",
             _edit(_trailing_empties), 0, (), _stored_equal_seed),
        Case("merged-cells", "two cells merged (the second loses its value)", _edit(_merged), 1,
             (Expect("Sub-groups", None, "", "Merged cells", "warning"),
              Expect("Sub-groups", 3, "Source", "A value is required"))),
        Case("hidden-sheet", "a sheet hidden in Excel", _edit(_hidden("hidden")), 0,
             (Expect("Documents", None, "", "hidden", "warning"),), _stored_equal_seed),
        Case("very-hidden-sheet", "a sheet 'very hidden' (only VBA can show it)", _edit(_hidden("veryHidden")), 0,
             (Expect("Documents", None, "", "hidden", "warning"),), _stored_equal_seed),
        Case("formula-without-result", "a formula in a number column, saved by a program that does not "
             "calculate", _edit(_formula_budget), 1,
             (Expect("Forums", 2, "Budget (£)", "formula with no saved result"),)),
        Case("formula-without-result-in-text", "a formula in a required text column, no saved result",
             _edit(_formula_name), 1, (Expect("People", 3, "Name", "formula with no saved result"),)),
        Case("formula-with-saved-result", "a formula as Excel saves it: its result is stored",
             _formula_with_saved_result, 0, (), _saved_result_stored),
        Case("duplicate-id", "the same ID on two rows", _edit(_duplicate_id), 1,
             (Expect("People", pasted_row, "ID", "Duplicate ID: already used in row 4"),)),
        _cell_case("missing-person", "a seat held by a person who is not in People", "Roles", 3, "Person ID",
                   "PER-nobody", "No row in People has this ID"),
        Case("missing-forum", "a seat in a forum that is not in Forums", _edit(_missing_forum), 1,
             (Expect("Roles", roles_forum_row, "Forum ID", "No row in Forums has this ID"),)),
        _cell_case("missing-organisation", "a person at an organisation that is not in Organisations", "People", 3,
                   "Organisation ID", "ORG-nowhere", "No row in Organisations has this ID"),
        _cell_case("missing-source-document", "a Source citing a document that is not in Documents", "People", 4,
                   "Source", "999 Chart 9", "not in the Documents sheet"),
        Case("seat-without-forum-or-organisation", "a seat in neither a forum nor an organisation",
             _edit(_neither_forum_nor_org), 1, (Expect("Roles", 2, "Forum ID", "The row needs"),)),
        _cell_case("unknown-hcp", "a footprint that is not an HCP, London or National", "Organisations", 2,
                   "Footprint", "North-ish London", "Unknown value"),
        _cell_case("unknown-sub-group", "a sub-group ID that is not in Sub-groups", "Organisations", 3,
                   "Sub-group ID", "SG99", "No row in Sub-groups has this ID"),
        _cell_case("unknown-status", "a recommendation status not on the list", "Recommendations", 2, "Status",
                   "Sort of", "Unknown value"),
        _cell_case("unknown-role", "a role not on the list", "Roles", 4, "Role", "Grand Poobah", "Unknown value"),
        _accept_case("date-as-uk-text", "a date typed as text dd/mm/yyyy", "Roles", 2, "start_date",
                     "03/04/2023", dt.date(2023, 4, 3)),
        Case("date-as-excel-serial", "dates as Excel serial numbers, as a number and as text",
             _edit(_roles_dates), 0, (), _roles_dates_stored),
        _cell_case("impossible-date", "31/02/2023", "Roles", 3, "From", "31/02/2023", "not a real date"),
        _accept_case("ambiguous-date", "04/05/2023, which the US reads as 5 April: read the UK way, 4 May",
                     "Roles", 2, "end_date", "04/05/2023", dt.date(2023, 5, 4)),
        _cell_case("us-order-date", "12/31/2023, only possible in US order", "Roles", 3, "To", "12/31/2023",
                   "US-order"),
        _cell_case("two-digit-year", "31/03/23", "Recommendations", 3, "Due", "31/03/23", "two-digit year"),
        _cell_case("serial-out-of-range", "a number far beyond any Excel date", "Roles", 3, "From", 99999999,
                   "out of range"),
        _cell_case("true-in-date-column", "TRUE in a date column", "Roles", 3, "From", True, "TRUE/FALSE"),
        _accept_case("number-as-text", "a budget typed as text with £ and commas", "Forums", 2, "budget_gbp",
                     "£ 1,135,076", 1135076),
        _cell_case("text-in-number-column", "words in a number column", "Forums", 3, "Budget (£)", "lots",
                   "not a whole number"),
        _cell_case("fraction-in-number-column", "2.5 in a whole-number column", "Organisations", 2,
                   "Contact every (days)", 2.5, "not a whole number"),
        _cell_case("huge-number", "a 23-digit number (beyond what the store can hold)", "Forums", 3, "Budget (£)",
                   "99999999999999999999999", "too large"),
        Case("spaces-around-values", "leading and trailing spaces around an ID and a listed value",
             _edit(_spaces), 0, (), _stored_equal_seed),
        Case("non-breaking-spaces", "non-breaking spaces (pasted from the web) in a name and a footprint",
             _edit(_nbsp), 0, (), _stored_equal_seed),
        Case("zero-width-characters", "zero-width space and BOM around an ID: refused, each character named",
             _edit(_zero_width), 1,
             (Expect("Roles", zero_width_row, "Person ID", "U+200B ZERO WIDTH SPACE at position 1, U+FEFF ZERO WIDTH "
                     "NO-BREAK SPACE at position"),)),
        Case("curly-quotes-and-dashes", "an en dash in a listed value, curly quotes in text",
             _edit(_curly), 0, (), _curly_stored),
        _accept_case("long-cell", "a 1,000-character note, stored whole", "Forums", 2, "note", LONG_NOTE, LONG_NOTE),
        _cell_case("long-cell-in-list-column", "a 1,000-character value in a listed column", "Forums", 2,
                   "Footprint", LONG_NOTE, "Unknown value"),
        _accept_case("emoji-and-rtl", "emoji and Arabic/Hebrew (right-to-left) text, stored verbatim",
                     "Forums", 3, "note", EMOJI_RTL, EMOJI_RTL),
        Case("formula-like-text", f"a person named {HYPERLINK}, typed as text: stored as text, with a warning "
             "that a name holds a web address", _edit(_hyperlink_person), 0,
             (Expect("People", 200, "Name", "holds a web address", "warning"),), _hyperlink_stored),
        Case("title-row-above-headers", "a title typed above the header row", _edit(_title_row_above_headers), 1,
             (Expect("People", 1, "ID", "The column is missing"),)),
        Case("duplicate-column", "the same column twice", _edit(_duplicate_column), 1,
             (Expect("People", 1, "Name", "The column appears twice"),)),
        Case("extra-sheet", "an extra sheet of notes", _edit(_extra_sheet), 0,
             (Expect("My scratch notes", None, "", "Unknown sheet ignored", "warning"),), _stored_equal_seed),
        Case("empty-workbook", "a new, empty workbook", _empty_workbook, 1,
             tuple(Expect(s.name, None, "", "The sheet is missing") for s in S.SHEETS if not s.optional)
             + (Expect("Sheet", None, "", "Unknown sheet ignored", "warning"),)),
        Case("headers-only", "the blank template: headers, no rows", _headers_only, 1,
             tuple(Expect(s.name, None, "", "every sheet is empty") for s in S.SHEETS)),
    ]


BROKEN: list[Case] = _broken()


# --- hostile files ----------------------------------------------------------------------------------
_SECTOR = 512
_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(name: str, kind: int, right: int = _NOSTREAM, child: int = _NOSTREAM, start: int = _END,
               size: int = 0) -> bytes:
    raw = name.encode("utf-16-le") + b"\x00\x00"
    return (raw.ljust(64, b"\x00") + struct.pack("<HBBIII", len(raw), kind, 1, _NOSTREAM, right, child)
            + b"\x00" * 36 + struct.pack("<IQ", start, size))


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal valid OLE2 Compound File (version 3) holding the given streams in its root storage.

    What Excel writes for .xls files and for encrypted workbooks. Streams are padded to the
    4,096-byte mini-stream cutoff, so no mini FAT is needed. `file` names the results
    'CDFV2 Encrypted' and 'CDFV2 Microsoft Excel'.
    """
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # the directory's sort order
    fat, body, entries = [_FATSECT, _END], b"", []
    for name in names:
        data = streams[name].ljust(4096, b"\x00")
        data += b"\x00" * (-len(data) % _SECTOR)
        start, sectors = len(fat), len(data) // _SECTOR
        fat += [start + i + 1 for i in range(sectors - 1)] + [_END]
        body += data
        entries.append((name, start, max(len(streams[name]), 4096)))
    assert len(fat) <= 128 and len(entries) <= 3
    fat += [_FREE] * (128 - len(fat))
    directory = _dir_entry("Root Entry", 5, child=1 if entries else _NOSTREAM)
    for i, (name, start, size) in enumerate(entries, start=1):  # a chain of right siblings, all black
        directory += _dir_entry(name, 2, right=i + 1 if i < len(entries) else _NOSTREAM, start=start, size=size)
    directory = directory.ljust(_SECTOR, b"\x00")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\x00" * 6 + struct.pack("<9I", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<I", 0) + struct.pack("<I", _FREE) * 108)
    return header + struct.pack("<128I", *fat) + directory + body


def _xlsx(cells: dict[str, object] | None = None) -> bytes:
    wb = openpyxl.Workbook()
    for ref, value in (cells or {"A1": "hello"}).items():
        wb.active[ref] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return buf.getvalue()


def _raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand, so its headers can say what we like: (name, deflated bytes, crc, declared size)."""
    out, central = io.BytesIO(), b""
    for name, data, crc, size in entries:
        offset, n = out.tell(), name.encode()
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(n), 0)
        out.write(local + n + data)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                               len(n), 0, 0, 0, 0, 0, offset) + n
    cd = out.tell()
    out.write(central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), cd, 0))
    return out.getvalue()


def _deflate(data: bytes, final: bool = True) -> bytes:
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    return co.compress(data) + co.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


_SST_HEAD = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
_SST_TYPE = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             b'spreadsheetml.sharedStrings+xml"/></Types>')
_SST_REL = (b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'sharedStrings" Target="sharedStrings.xml"/></Relationships>')


def _with_shared_strings(sst: bytes | None) -> dict[str, bytes]:
    """A one-cell workbook whose A1 is shared string 0, with the given sharedStrings part (None: added later)."""
    parts = _parts(_xlsx())
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b'<c r="A1" t="inlineStr"><is><t>hello</t></is></c>',
                                        b'<c r="A1" t="s"><v>0</v></c>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", _SST_TYPE)
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", _SST_REL)
    if sst is not None:
        parts["xl/sharedStrings.xml"] = sst
    return parts


def zip_bomb() -> bytes:
    """A 1 MB workbook whose shared strings inflate to 1 GiB (built from one repeated deflate block, in ms)."""
    block = _deflate(b"a" * (1 << 20), final=False)
    stream = _deflate(_SST_HEAD, final=False) + block * 1024 + _deflate(b"</t></si></sst>")
    entries = [(n, _deflate(b), zlib.crc32(b), len(b)) for n, b in _with_shared_strings(None).items()]
    return _raw_zip(entries + [("xl/sharedStrings.xml", stream, 0, (1 << 30) + len(_SST_HEAD) + 15)])


def zip_bomb_lying() -> bytes:
    """The same bomb, but its headers claim the part is 1,000 bytes (with a CRC to match those bytes)."""
    block = _deflate(b"a" * (1 << 20), final=False)
    stream = _deflate(_SST_HEAD, final=False) + block * 1024 + _deflate(b"</t></si></sst>")
    first = zlib.decompressobj(-15).decompress(stream[:8192])[:1000]
    entries = [(n, _deflate(b), zlib.crc32(b), len(b)) for n, b in _with_shared_strings(None).items()]
    return _raw_zip(entries + [("xl/sharedStrings.xml", stream, zlib.crc32(first), 1000)])


def _laughs(padding: int) -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    return ('<?xml version="1.0"?>' + ("<!-- " + "x" * padding + " -->" if padding else "")
            + f"<!DOCTYPE sst [{entities}]>" + _SST_HEAD.decode()[21:] + "&lol9;</t></si></sst>").encode()


def billion_laughs() -> bytes:
    return _zip(_with_shared_strings(_laughs(0)))


def billion_laughs_padded() -> bytes:
    """The DOCTYPE pushed past the first 4 KB, beyond the reader's cheap check: the parser must refuse it."""
    return _zip(_with_shared_strings(_laughs(6000)))


def _sheet_edit(old: bytes, new: bytes) -> bytes:
    parts = _parts(_xlsx())
    sheet = "xl/worksheets/sheet1.xml"
    assert old in parts[sheet]
    parts[sheet] = parts[sheet].replace(old, new)
    return _zip(parts)


def dimension_xfd() -> bytes:
    """4 KB that claims a sheet of A1:XFD1048576 (17 billion cells)."""
    return _sheet_edit(b'<dimension ref="A1:A1" />', b'<dimension ref="A1:XFD1048576" />')


def cell_at_xfd() -> bytes:
    """An honest A1:A1 dimension but a real cell at XFD1048576: calamine allocates the whole grid.

    Outside a limited child this aborted the whole Python process (uncatchable).
    """
    return _sheet_edit(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')


def encrypted() -> bytes:
    """A password-protected workbook as Excel saves it: an OLE container with EncryptionInfo and EncryptedPackage."""
    info = (struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"/>')
    package = struct.pack("<Q", 8192) + random.Random(7).randbytes(8192)
    return compound_file({"EncryptionInfo": info, "EncryptedPackage": package})


def old_xls() -> bytes:
    """An Excel 97-2003 workbook: an OLE container with a 'Workbook' stream starting with a BIFF8 BOF record."""
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)
    return compound_file({"Workbook": bof + struct.pack("<HH", 0x000A, 0)})


def xlsm() -> bytes:
    """A macro-enabled workbook: the macro-enabled content type and a VBA project part."""
    parts = _parts(_xlsx())
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml").replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    parts["xl/vbaProject.bin"] = compound_file({"PROJECT": b'ID="{00000000-0000-0000-0000-000000000000}"\r\n'
                                                           b'Document=ThisWorkbook/&H00000000\r\n'})
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdVBA" Type="http://schemas.microsoft.com/office/2006/relationships/'
                             b'vbaProject" Target="vbaProject.bin"/></Relationships>')
    return _zip(parts)


def png() -> bytes:
    """A real 1x1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00\x5e\xb8")) + chunk(b"IEND", b""))


def csv_file() -> bytes:
    return "ID,Name,Source\r\nPER-x,Synthetic Person,000 Chart 5\r\n".encode("utf-8-sig")


def random_bytes() -> bytes:
    return random.Random(11).randbytes(64 * 1024)


def truncated() -> bytes:
    data = base_workbook()
    return data[: len(data) // 2]


def over_upload_limit() -> bytes:
    """One byte over the limit, and a real zip at the start (so only the size can refuse it)."""
    data = base_workbook()
    return data + b"\x00" * (DEFAULT_LIMITS.max_file_bytes + 1 - len(data))


@dataclass(frozen=True)
class Hostile:
    name: str
    what: str
    make: Callable[[], bytes]
    fragment: str  # in the message the user gets


HOSTILE: list[Hostile] = [
    Hostile("zip-bomb", "1 MB that inflates to 1 GiB of shared strings", zip_bomb, "would unpack to"),
    Hostile("zip-bomb-lying-sizes", "the same, with headers claiming 1,000 bytes", zip_bomb_lying,
            "larger than its declared"),
    Hostile("dimension-XFD1048576", "a sheet claiming A1:XFD1048576", dimension_xfd, "XFD1048576"),
    Hostile("cell-at-XFD1048576", "a real cell at XFD1048576 (aborts calamine)", cell_at_xfd, "reader stopped"),
    Hostile("billion-laughs", "entity expansion in sharedStrings.xml", billion_laughs, "entities"),
    Hostile("billion-laughs-padded", "the same, DOCTYPE after 6 KB of comment", billion_laughs_padded, "entity"),
    Hostile("encrypted", "password-protected workbook (OLE EncryptedPackage)", encrypted, "password"),
    Hostile("xlsm-macro", "macro-enabled workbook with a VBA project", xlsm, "macros"),
    Hostile("old-xls", "Excel 97-2003 .xls renamed .xlsx", old_xls, ".xls"),
    Hostile("csv-renamed", "a CSV renamed .xlsx", csv_file, "CSV"),
    Hostile("png-renamed", "a PNG renamed .xlsx", png, "PNG"),
    Hostile("random-bytes", "64 KB of random bytes", random_bytes, "not an Excel"),
    Hostile("zero-bytes", "an empty file", lambda: b"", "empty"),
    Hostile("truncated-zip", "the map workbook cut in half", truncated, "damaged"),
    Hostile("over-upload-limit", "one byte over the 20 MB limit", over_upload_limit, "limit"),
]


def _said(e: Expect) -> str:
    where = e.sheet + (f" row {e.row}" if e.row else "") + (f" '{e.column}'" if e.column else "")
    return f"{e.severity} {where}: “{e.fragment}”"


def table() -> str:
    """The docs table: every case, what the CLI must answer, and the test that checks it."""
    lines = ["| case | input | expected | test |", "|---|---|---|---|"]
    for c in BROKEN:
        if len(c.expect) > 3:
            same = [e for e in c.expect if e.fragment == c.expect[0].fragment]
            said = "; ".join([f"{same[0].severity} in each of the {len(same)} sheets: “{same[0].fragment}”"]
                             + [_said(e) for e in c.expect if e not in same])
        else:
            said = "; ".join(map(_said, c.expect))
        if c.exit_code:
            outcome = f"exit 1 — {said}; store unchanged"
        else:
            outcome = "exit 0 — published" + (f" with {said}" if said else "") + "; stored values checked"
        lines.append(f"| `{c.name}` | {c.what} | {outcome} | test_corpus.py |")
    for h in HOSTILE:
        outcome = f"exit 2 — “{h.fragment}”; CLI and app keep running"
        lines.append(f"| `{h.name}` | {h.what} | {outcome} | test_hostile.py |")
    return "\n".join(lines)


def write_all(out: Path) -> list[Path]:
    (out / "broken").mkdir(parents=True, exist_ok=True)
    (out / "hostile").mkdir(parents=True, exist_ok=True)
    paths = []
    for c in BROKEN:
        paths.append(out / "broken" / f"{c.name}.xlsx")
        c.build(paths[-1])
    for h in HOSTILE:
        paths.append(out / "hostile" / f"{h.name}.xlsx")
        paths[-1].write_bytes(h.make())
    return paths


if __name__ == "__main__":
    if sys.argv[1:] == ["--table"]:
        print(table())
    elif len(sys.argv) == 2:
        print("\n".join(map(str, write_all(Path(sys.argv[1])))))
    else:
        sys.exit(__doc__)
