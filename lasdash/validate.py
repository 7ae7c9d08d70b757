"""Checking a raw workbook against the schema and turning it into typed tables.

Every problem names its sheet, Excel row, column header, the value found and what is expected.
Errors block publishing; warnings do not.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass

import pandas as pd

from . import schema as S
from .edits import is_first_hand
from .normalise import canonical_choice, clean_text, header_key, match_key, parse_date, parse_int, with_derived
from .reader import RawSheet, RawWorkbook

ERROR, WARNING = "error", "warning"

# Names and titles head lists and pages: a web address or link markup in one is pasted by mistake or
# planted, so the editor is warned before publishing (the dashboard shows it as plain text anyway).
NAME_COLUMNS = frozenset({"name", "title"})
LINK_LIKE = re.compile(r"https?://|www\.|mailto:|\]\(|<[a-z][a-z0-9+.-]*:", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    severity: str
    sheet: str
    row: int | None  # Excel row number; None for a whole-sheet problem
    column: str  # the header text users see
    value: str
    message: str
    expected: str = ""  # how to fix it

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = self.sheet + (f" row {self.row}" if self.row else "") + (f", column '{self.column}'" if self.column else "")
        found = f" (found '{self.value}')" if self.value else ""
        fix = f" Expected {self.expected}." if self.expected else ""
        return f"{self.severity.upper()}: {where}: {self.message}{found}.{fix}"


@dataclass
class Validation:
    tables: dict[str, pd.DataFrame]  # sheet name -> typed table (columns are Column.name)
    problems: list[Problem]
    base_snapshot: str | None = None  # the snapshot the workbook says it was made from

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """'3 errors in Roles, 1 warning in People' (or 'No problems found')."""
        if not self.problems:
            return "No problems found"
        counts: dict[tuple[str, str], int] = {}
        for p in self.problems:
            counts[(p.severity, p.sheet)] = counts.get((p.severity, p.sheet), 0) + 1
        order = sorted(counts, key=lambda k: (k[0] != ERROR, k[1]))
        return ", ".join(f"{n} {sev}{'s' if n != 1 else ''} in {sheet}"
                         for sev, sheet in order for n in [counts[(sev, sheet)]])


def empty_table(sheet: S.Sheet) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series([], dtype=_dtype(c)) for c in sheet.columns})


def _dtype(col: S.Column) -> str:
    return {"int": "Int64", "date": "object"}.get(col.type, "string")


def validate(raw: RawWorkbook) -> Validation:
    problems: list[Problem] = []
    found = {header_key(s.name): s for s in raw.sheets}
    tables: dict[str, pd.DataFrame] = {}
    rows_of: dict[str, list[int] | None] = {}  # None: the sheet could not be read, so skip references to it
    for sheet in S.SHEETS:
        raw_sheet = found.get(header_key(sheet.name))
        if raw_sheet is None:
            problems.append(Problem(ERROR, sheet.name, None, "", "", "The sheet is missing",
                                    f"a sheet named '{sheet.name}' (download the template for the layout)"))
            tables[sheet.name], rows_of[sheet.name] = empty_table(sheet), None
            continue
        if not raw_sheet.visible:
            problems.append(Problem(WARNING, sheet.name, None, "", "", "The sheet is hidden in Excel; it was read anyway"))
        tables[sheet.name], rows_of[sheet.name] = _read_sheet(sheet, raw_sheet, problems)
    known = {header_key(s.name) for s in S.SHEETS} | {header_key("Instructions"), header_key("Names")}
    for s in raw.sheets:
        if header_key(s.name) not in known:
            problems.append(Problem(WARNING, s.name, None, "", "", "Unknown sheet ignored",
                                    "only the sheets of the template"))
    read = [name for name, excel_rows in rows_of.items() if excel_rows is not None]
    if read and not any(rows_of[name] for name in read):  # e.g. the blank template
        for name in read:
            problems.append(Problem(ERROR, name, None, "", "", "No rows: every sheet is empty, so publishing "
                                    "would empty the map", "rows of data (start from the current map's workbook)"))
    _check_references(tables, rows_of, problems)
    tables = {name: with_derived(name, df) for name, df in tables.items()}
    return Validation(tables, problems, raw.base_snapshot)


def _read_sheet(sheet: S.Sheet, raw: RawSheet, problems: list[Problem]) -> tuple[pd.DataFrame, list[int] | None]:
    rows = raw.rows
    header_index = next((i for i, r in enumerate(rows) if any(clean_text(v) for v in r)), None)
    if header_index is None:
        problems.append(Problem(ERROR, sheet.name, None, "", "", "The sheet is empty",
                                "a header row: " + ", ".join(c.header for c in sheet.input_columns)))
        return empty_table(sheet), None
    header_row = header_index + 1
    by_key = ({header_key(c.header): c for c in sheet.input_columns}
              | {header_key(c.name): c for c in sheet.input_columns})
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for j, cell in enumerate(rows[header_index]):
        text = clean_text(cell)
        if not text:
            continue
        col = by_key.get(header_key(text))
        if col is None:
            unknown.append(text)
            problems.append(Problem(WARNING, sheet.name, header_row, text, text, "Unknown column ignored",
                                    "only the template's columns"))
        elif col.name in positions:
            problems.append(Problem(ERROR, sheet.name, header_row, col.header, text, "The column appears twice",
                                    "each column once"))
        else:
            positions[col.name] = j
    for col in sheet.input_columns:
        if col.name not in positions:
            optional = not (col.required or col.name == sheet.key)
            message = "The column is missing"
            if optional and unknown:  # most likely renamed: publishing would blank the whole column
                message += (f" and the sheet has an unknown column {' or '.join(map(repr, unknown))}: if it was "
                            "renamed, give it back its header, or every value in it would be lost")
            problems.append(Problem(WARNING if optional and not unknown else ERROR, sheet.name, header_row,
                                    col.header, "", message, f"a column headed '{col.header}' in row {header_row}"))
    if any(p.severity == ERROR and p.sheet == sheet.name for p in problems):
        return empty_table(sheet), None
    for rng in raw.merged:
        problems.append(Problem(WARNING, sheet.name, None, "", rng,
                                "Merged cells: only the first cell of the range keeps its value", "no merged cells"))

    uncalculated = {_cell_position(a1) for a1 in raw.uncalculated}
    records: list[dict] = []
    excel_rows: list[int] = []
    seen_keys: dict[str, int] = {}
    for i in range(header_index + 1, len(rows)):
        cells = rows[i]
        excel_row = i + 1
        values = {name: (cells[j] if j < len(cells) else None) for name, j in positions.items()}
        formulas = {name for name, j in positions.items() if (excel_row, j) in uncalculated}
        if not formulas and not any(clean_text(v) for v in values.values()):
            continue  # blank rows anywhere are skipped
        record = {c.name: None if c.name in formulas else _convert(sheet, c, values.get(c.name), excel_row, problems)
                  for c in sheet.columns}
        for name in formulas:
            problems.append(Problem(ERROR, sheet.name, excel_row, sheet.column(name).header, "",
                                    "The cell holds a formula with no saved result, so its value is unknown "
                                    "(the file was written by a program that does not calculate)",
                                    "a value: open the file in Excel and save it again, or type the value in"))
        key = record[sheet.key]
        if key:
            if key in seen_keys:
                problems.append(Problem(ERROR, sheet.name, excel_row, sheet.column(sheet.key).header, key,
                                        f"Duplicate ID: already used in row {seen_keys[key]}", "a unique ID"))
            else:
                seen_keys[key] = excel_row
        if sheet.one_of and not any(record[c] not in (None, "") for c in sheet.one_of):
            headers = " or ".join(f"'{sheet.column(c).header}'" for c in sheet.one_of)
            problems.append(Problem(ERROR, sheet.name, excel_row, sheet.column(sheet.one_of[0]).header, "",
                                    f"The row needs {headers}", f"at least one of {headers} filled in"))
        records.append(record)
        excel_rows.append(excel_row)
    df = pd.DataFrame.from_records(records, columns=sheet.column_names) if records else empty_table(sheet)
    return df.astype({c.name: _dtype(c) for c in sheet.columns}), excel_rows


def _cell_position(a1: str) -> tuple[int, int] | None:
    """'K2' -> (2, 10): the Excel row and the 0-based column index."""
    m = re.fullmatch(r"([A-Z]{1,3})(\d+)", a1)
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col - 1


def _convert(sheet: S.Sheet, col: S.Column, value: object, row: int, problems: list[Problem]):
    shown = clean_text(value)
    try:
        if col.type == "date":
            parsed = parse_date(value)
        elif col.type == "int":
            parsed = parse_int(value)
        else:
            parsed = shown
    except ValueError as exc:
        problems.append(Problem(ERROR, sheet.name, row, col.header, shown, str(exc), col.expected))
        return None
    if parsed in (None, ""):  # a blank is stored as NULL whatever the type: a gap, not a value
        if col.required:
            problems.append(Problem(ERROR, sheet.name, row, col.header, "", "A value is required", col.expected))
        return None
    if col.name in NAME_COLUMNS and LINK_LIKE.search(parsed):
        problems.append(Problem(WARNING, sheet.name, row, col.header, shown,
                                "The cell holds a web address or a Markdown link; it is shown as plain text, "
                                "never as a link", "only the name: put web addresses in a Note"))
    if col.allowed:
        choice = canonical_choice(parsed, col.allowed)
        if choice is None:
            problems.append(Problem(ERROR, sheet.name, row, col.header, shown, "Unknown value", col.expected))
        return choice
    return parsed


def _check_references(tables: dict[str, pd.DataFrame], rows_of: dict[str, list[int] | None],
                      problems: list[Problem]) -> None:
    keys = {name: set(df[S.sheet(name).key].dropna()) for name, df in tables.items()}
    by_name: dict[str, NameIndex] = {}
    documents = keys["Documents"] if rows_of["Documents"] is not None else None
    for sheet in S.SHEETS:
        df, excel_rows = tables[sheet.name], rows_of[sheet.name]
        if excel_rows is None:
            continue
        ref_cols = [c for c in sheet.columns if c.ref and rows_of[c.ref] is not None]
        source = next((c for c in sheet.columns if c.name == "source"), None)
        # only the checked columns, as plain values: to_dict of every column was a fifth of validation time
        needed = [c.name for c in ref_cols] + (["source"] if source is not None else [])
        columns = [df[n].astype(object).where(df[n].notna(), None).tolist() for n in needed]
        for pos, values in enumerate(zip(*columns)):
            record, row = dict(zip(needed, values)), excel_rows[pos]
            for col in ref_cols:
                value = record[col.name]
                if value and value not in keys[col.ref]:
                    index = by_name.get(col.ref) or by_name.setdefault(col.ref, NameIndex(tables[col.ref], col.ref))
                    _resolve_by_name(df, pos, sheet, col, row, value, index, problems)
            if source is not None and documents is not None and record["source"] and not is_first_hand(record["source"]):
                doc = record["source"].split()[0].rstrip(",;:")
                if doc not in documents:
                    problems.append(Problem(ERROR, sheet.name, row, source.header, record["source"],
                                            f"The source document '{doc}' is not in the Documents sheet",
                                            "the source's first word to be a Documents ID, e.g. '000 Chart 5'"))


class NameIndex:
    """The rows of a sheet by what people call them: name, title and name, each alias; any case and spacing."""

    def __init__(self, df: pd.DataFrame, sheet_name: str):
        key = S.sheet(sheet_name).key
        self.label: dict[str, str] = {}
        self.ids: dict[str, set[str]] = {}
        names = "title" if sheet_name == "Documents" else "name"
        for r in df.astype(object).where(df.notna(), None).to_dict("records"):
            rid, name = r[key], r.get(names)
            if not rid or not name:
                continue
            self.label[rid] = name
            spellings = [name, *(a for a in (r.get("aliases") or "").split(";") if a.strip())]
            if sheet_name == "People" and r.get("title"):
                spellings.append(f"{r['title']} {name}")
            for spelling in spellings:
                self.ids.setdefault(match_key(spelling), set()).add(rid)

    def find(self, value: str) -> set[str]:
        return self.ids.get(match_key(value), set())

    def closest(self, value: str, n: int = 3) -> list[str]:
        """'London Fire Brigade (ORG-lfb)' for the nearest spellings, best first."""
        out = []
        for spelling in difflib.get_close_matches(match_key(value), list(self.ids), n=n * 2, cutoff=0.6):
            for rid in sorted(self.ids[spelling]):
                if (shown := f"{self.label[rid]} ({rid})") not in out:
                    out.append(shown)
        return out[:n]


def _resolve_by_name(df: pd.DataFrame, pos: int, sheet: S.Sheet, col: S.Column, row: int, value: str,
                     index: NameIndex, problems: list[Problem]) -> None:
    """A reference typed as a name: read as the one row it names (a warning), or an error saying what it could be."""
    found = index.find(value)
    if len(found) == 1:
        rid = next(iter(found))
        df.iat[pos, df.columns.get_loc(col.name)] = rid
        problems.append(Problem(WARNING, sheet.name, row, col.header, value,
                                f"'{value}' read as {rid} ({index.label[rid]})", f"the ID {rid}, to be certain"))
    elif found:
        named = ", ".join(f"{index.label[r]} ({r})" for r in sorted(found)[:3])
        problems.append(Problem(ERROR, sheet.name, row, col.header, value,
                                f"'{value}' names {len(found)} rows in {col.ref}: {named}", "the ID of the one meant"))
    else:
        near = index.closest(value)
        hint = f"; closest: {', '.join(near)}" if near else ""
        problems.append(Problem(ERROR, sheet.name, row, col.header, value,
                                f"No row in {col.ref} has this ID or name{hint}", col.expected + " or its exact name"))


def validate_tables(tables: dict[str, pd.DataFrame], file_name: str = "the merged map") -> Validation:
    """Typed tables (a merge) checked with the same rules and messages as an upload, as if written to a workbook."""
    sheets = []
    for sheet in S.SHEETS:
        df = tables[sheet.name][[c.name for c in sheet.input_columns]]
        values = df.astype(object).where(df.notna(), None).itertuples(index=False, name=None)
        rows = [[c.header for c in sheet.input_columns], *([_cell(v) for v in row] for row in values)]
        sheets.append(RawSheet(sheet.name, True, rows))
    return validate(RawWorkbook(file_name, sheets))


def _cell(value: object) -> object:
    """A typed value as a workbook cell would hold it."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """The validation report as a table: what the Data page shows and offers as CSV."""
    return pd.DataFrame({
        "Severity": [p.severity for p in problems],
        "Sheet": [p.sheet for p in problems],
        "Row": pd.array([p.row for p in problems], dtype="Int64"),
        "Column": [p.column for p in problems],
        "Value": [p.value for p in problems],
        "Message": [p.message for p in problems],
        "How to fix": [f"Expected {p.expected}." if p.expected else "" for p in problems],
    })
