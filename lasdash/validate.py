"""Checking a raw workbook against the schema and turning it into typed tables.

Every problem names its sheet, Excel row, column header, the value found and what is expected.
Errors block publishing; warnings do not.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import re
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import clock, provenance, team
from . import schema as S
from .cells import BIG_INT, CellColumn, column
from .edits import is_first_hand
from .normalise import (
    ascii_skeleton_map,
    canonical_choice,
    clean_text,
    column_dtype,
    describe_character,
    empty_table,
    header_key,
    hidden_characters,
    match_key,
    mixed_script_words,
    name_key,
    name_words,
    parse_date,
    parse_int,
    script_of,
    skeleton,
    visible,
    with_derived,
    within_one_edit,
)
from .reader import RawSheet, RawWorkbook

ERROR, WARNING = "error", "warning"

# Names and titles head lists and pages: a web address or link markup in one is pasted by mistake or
# planted, so the editor is warned before publishing (the dashboard shows it as plain text anyway).
NAME_COLUMNS = frozenset({"name", "title"})
LINK_LIKE = re.compile(r"https?://|www\.|mailto:|\]\(|<[a-z][a-z0-9+.-]*:", re.IGNORECASE)
# Names and IDs are what a row is known, found and linked by: a sheet's key, every reference to one, and its names
# (name, title, aliases). A character that draws nothing or reorders text is refused in them (a name that reads as
# another's, and that search does not find), and a word mixing alphabets is warned of.
IDENTITY_COLUMNS = NAME_COLUMNS | {"aliases"}
LONG_TEXT = 2000  # characters: free text longer than this is warned of (a paste gone wrong, or a document)
EARLIEST_EVENT = dt.date(2000, 1, 1)  # an event column's date before this is warned of; so is one over a year ahead
# Two people's names are lookalikes when their skeletons (TR39) are equal, or their keys (case, accents, spacing and
# lookalike letters dropped: normalise.name_key) are equal, or all their words are the same but one, which is one
# edit from the other's: a letter added, dropped or changed in a word of NEAR_LETTERS or more ('Elliott'/'Lelliott',
# 'Heversedge'/'Heaversedge', the bundled map's recorded variants), or two neighbouring letters swapped in any word
# ('Bhan'/'Bahn'). In shorter words one letter often makes another real surname (John/Kohn: Peter John and Peter
# Kohn are two people in the bundled map; Chung/Cheung, Price/Pride, Smith/Smyth), and two edits anywhere match
# different people. Names with digits are matched only by skeleton and key.
NEAR_LETTERS = 7
_DIGIT = re.compile(r"\d")


def is_name_or_id(sheet: S.Sheet, col: S.Column) -> bool:
    return col.name == sheet.key or col.ref is not None or col.name in IDENTITY_COLUMNS


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


class SheetsAhead:
    """Checks each sheet as the reader hands it over (pass it as read_workbook's on_sheet, then to validate), so
    checking overlaps the child's parsing of the next sheet. What it has not seen, validate reads itself."""

    def __init__(self) -> None:
        self._read: dict[int, tuple[RawSheet, tuple, list[Problem]]] = {}

    def __call__(self, raw_sheet: RawSheet) -> None:
        sheet = _BY_KEY.get(header_key(raw_sheet.name))
        if sheet is not None:
            noted: list[Problem] = []
            self._read[id(raw_sheet)] = (raw_sheet, _read_sheet(sheet, raw_sheet, noted), noted)

    def read(self, sheet: S.Sheet, raw_sheet: RawSheet, problems: list[Problem]) -> tuple:
        if (done := self._read.get(id(raw_sheet))) is not None and done[0] is raw_sheet:
            problems.extend(done[2])
            return done[1]
        return _read_sheet(sheet, raw_sheet, problems)


_BY_KEY = {header_key(s.name): s for s in S.SHEETS}


def validate(raw: RawWorkbook, ahead: SheetsAhead | None = None,
             keep: dict[str, pd.DataFrame] | None = None) -> Validation:
    """`keep`: the current map's tables, whose rows of an optional sheet the workbook lacks are kept."""
    problems: list[Problem] = []
    ahead = ahead or SheetsAhead()
    found = {header_key(s.name): s for s in raw.sheets}
    tables: dict[str, pd.DataFrame] = {}
    rows_of: dict[str, list[int] | None] = {}  # None: the sheet could not be read, so skip references to it
    for sheet in S.SHEETS:
        raw_sheet = found.get(header_key(sheet.name))
        if raw_sheet is None and sheet.optional:  # a workbook from before the sheet existed
            kept = (keep or {}).get(sheet.name)
            problems.append(Problem(WARNING, sheet.name, None, "", "", "The sheet is missing (the workbook is older "
                                    "than it): " + ("the current map's rows of it are kept" if kept is not None
                                                    else "it is left empty"),
                                    f"a sheet named '{sheet.name}' (download the current map's workbook)"))
            tables[sheet.name], rows_of[sheet.name] = (empty_table(sheet) if kept is None else kept), None
            continue
        if raw_sheet is None:
            problems.append(Problem(ERROR, sheet.name, None, "", "", "The sheet is missing",
                                    f"a sheet named '{sheet.name}' (download the template for the layout)"))
            tables[sheet.name], rows_of[sheet.name] = empty_table(sheet), None
            continue
        if not raw_sheet.visible:
            problems.append(Problem(WARNING, sheet.name, None, "", "", "The sheet is hidden in Excel; it was read anyway"))
        tables[sheet.name], rows_of[sheet.name] = ahead.read(sheet, raw_sheet, problems)
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
    _check_not_before(tables, rows_of, problems)
    _check_team(tables, rows_of, problems)
    if rows_of["People"]:
        _check_lookalike_people(tables["People"], rows_of["People"], problems)
    tables = {name: with_derived(name, df) for name, df in tables.items()}
    if not any(p.severity == ERROR for p in problems):
        _note_passed(tables)
    return Validation(tables, problems, raw.base_snapshot)


def _read_sheet(sheet: S.Sheet, raw: RawSheet, problems: list[Problem]) -> tuple[pd.DataFrame, list[int] | None]:
    """Column by column: text is cleaned and checked as whole Arrow arrays; typed and listed values are converted
    once per distinct value. Problems come out row by row, as a cell-by-cell reading would give them."""
    cols, n_rows = raw.columns, raw.n_rows
    cleaned = [cleaned_text(c) if c.text is not None else None for c in cols]
    filled_cells = [_filled_cells(c, text) for c, text in zip(cols, cleaned, strict=True)]
    filled = np.zeros(n_rows, dtype=bool)
    for cells in filled_cells:
        filled |= cells
    header_index = int(np.argmax(filled)) if filled.any() else None
    if header_index is None:
        problems.append(Problem(ERROR, sheet.name, None, "", "", "The sheet is empty",
                                "a header row: " + ", ".join(c.header for c in sheet.input_columns)))
        return empty_table(sheet), None
    positions = _header(sheet, [c.value(header_index) for c in cols], header_index + 1, problems)
    if any(p.severity == ERROR and p.sheet == sheet.name for p in problems):
        return empty_table(sheet), None
    for rng in raw.merged:
        problems.append(Problem(WARNING, sheet.name, None, "", rng,
                                "Merged cells: only the first cell of the range keeps its value", "no merged cells"))
    return _rows(sheet, raw, cols, cleaned, filled_cells, header_index, positions, problems)


def _header(sheet: S.Sheet, cells: list, header_row: int, problems: list[Problem]) -> dict[str, int]:
    """Column name -> its position, from the header row's cells; unknown, repeated and missing columns noted."""
    by_key = ({header_key(c.header): c for c in sheet.input_columns}
              | {header_key(c.name): c for c in sheet.input_columns})
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for j, cell in enumerate(cells):
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
    return positions


def _rows(sheet: S.Sheet, raw: RawSheet, cols: list[CellColumn], cleaned: list, filled_cells: list[np.ndarray],
          header_index: int, positions: dict[str, int], problems: list[Problem]) -> tuple[pd.DataFrame, list[int]]:
    """The typed table of the rows below the header (blank rows skipped), and their Excel row numbers."""
    n_rows = raw.n_rows
    formulas: dict[int, set[int]] = {}  # 0-based row -> column positions holding a formula with no saved result
    for a1 in raw.uncalculated:
        if (at := _cell_position(a1)) is not None:
            formulas.setdefault(at[0] - 1, set()).add(at[1])
    mapped = {j: name for name, j in positions.items()}
    filled = np.zeros(n_rows, dtype=bool)
    for j in mapped:
        filled |= filled_cells[j]
    filled[:header_index + 1] = False
    for i, js in formulas.items():  # a row whose mapped cell holds an uncalculated formula is never blank
        if i > header_index and i < n_rows and any(j in mapped for j in js):
            filled[i] = True
    kept = np.flatnonzero(filled)  # blank rows anywhere are skipped
    excel_rows = (kept + 1).tolist()
    found: list[tuple[int, int, int, Problem]] = []  # (row position, stage, column, problem): sorted at the end
    in_formula: dict[int, set[int]] = {}  # column position -> kept-row positions of its uncalculated formulas
    for pos, i in enumerate(kept.tolist()) if formulas else ():
        for j in formulas.get(i, ()):
            in_formula.setdefault(j, set()).add(pos)
    values: dict[str, object] = {}
    for k, col in enumerate(sheet.columns):
        if col.name not in positions:
            values[col.name] = _blank_column(col, len(kept))
            continue
        j = positions[col.name]
        values[col.name] = _convert_column(sheet, col, cols[j], cleaned[j], kept, excel_rows,
                                           in_formula.get(j, set()), k, found)
    for pos, i in enumerate(kept.tolist()) if formulas else ():
        for j in sorted(formulas.get(i, ())):
            if j in mapped:
                found.append((pos, 1, j, Problem(ERROR, sheet.name, i + 1, sheet.column(mapped[j]).header, "",
                                                 "The cell holds a formula with no saved result, so its value is "
                                                 "unknown (the file was written by a program that does not calculate)",
                                                 "a value: open the file in Excel and save it again, or type the "
                                                 "value in")))
    df = _frame(sheet, values) if len(kept) else empty_table(sheet)
    _check_keys(sheet, df, excel_rows, found)
    found.sort(key=lambda f: f[:3])
    problems.extend(f[3] for f in found)
    return df.astype({c.name: column_dtype(c) for c in sheet.columns}), excel_rows


# Text needing more than a copy: ASCII whitespace other than single inner spaces (what str.split() splits on)
_UNTIDY = r"[\t\n\x0b\x0c\r\x1c-\x1f]|^ | $|  "
_UNTIDY_RUN = r"[\t\n\x0b\x0c\r\x1c-\x1f ]+"


def cleaned_text(column: CellColumn) -> pa.Array:
    """clean_text of every cell, as a string array. Tidy ASCII text is already clean; clean_text itself reads the
    rest (a number, a date, accents, invisible characters, stray spaces), which is rare."""
    if column.text is None:
        return pa.array([clean_text(v) for v in column.values()], type=pa.string())
    text = column.text
    ascii = pc.string_is_ascii(text).fill_null(True)
    untidy = pc.and_(ascii, pc.match_substring_regex(text, _UNTIDY).fill_null(False))
    other = pc.invert(ascii)
    out = text.fill_null("")
    if pc.any(untidy).as_py():  # str.split() and join, as whole-array operations on the few that need them
        tidied = pc.ascii_trim(pc.replace_substring_regex(text.filter(untidy), _UNTIDY_RUN, " "), " ")
        out = pc.replace_with_mask(out, untidy, tidied)
    if pc.any(other).as_py():
        cells = text.filter(other).to_pylist()
        out = pc.replace_with_mask(out, other, pa.array([clean_text(v) for v in cells], type=pa.string()))
    return out


def _filled_cells(column: CellColumn, cleaned: pa.Array | None) -> np.ndarray:
    """Which cells hold something (clean_text would not be blank); `cleaned`: the column's cleaned_text, if made."""
    if cleaned is not None:
        return pc.not_equal(cleaned, "").to_numpy(zero_copy_only=False)
    if column.parts is None:
        return np.fromiter((bool(clean_text(v)) for v in column.values()), dtype=bool, count=len(column))
    filled = np.zeros(len(column), dtype=bool)
    for suffix, part in column.parts.items():
        if suffix == "s":
            held = pc.not_equal(cleaned_text(CellColumn(text=part)), "")
            held = pc.and_(held, part.is_valid())
        elif suffix == "f":
            held = pc.invert(pc.is_nan(part)).fill_null(False)  # NaN is blank
        else:
            held = part.is_valid()
        filled |= held.to_numpy(zero_copy_only=False)
    return filled


def _blank_column(col: S.Column, n: int):
    return pa.nulls(n, pa.string()) if column_dtype(col) == "string" else [None] * n


def _convert_column(sheet: S.Sheet, col: S.Column, cells: CellColumn, cleaned: pa.Array | None, kept: np.ndarray,
                    excel_rows: list[int], skip: set[int], k: int, found: list) -> object:
    """A column's typed values for the kept rows, noting its problems in `found`. Plain text is checked as a whole
    array; dates, numbers and listed values once per distinct cell value, by _convert itself."""
    if col.type == "text" and not col.allowed:
        text = (cleaned if cleaned is not None else cleaned_text(cells)).take(pa.array(kept))
        blank = pc.equal(text, "")
        if col.required:
            for pos in np.flatnonzero(blank.to_numpy(zero_copy_only=False)):
                if pos not in skip:
                    found.append((pos, 0, k, _required(sheet, col, excel_rows[pos])))
        if col.name in NAME_COLUMNS:
            linked = pc.match_substring_regex(text, LINK_LIKE.pattern, ignore_case=True).to_numpy(zero_copy_only=False)
            for pos in np.flatnonzero(pc.invert(pc.string_is_ascii(text)).to_numpy(zero_copy_only=False)):
                linked[pos] = bool(LINK_LIKE.search(text[pos].as_py()))  # Python's rules for non-ASCII case
            for pos in np.flatnonzero(linked):
                if pos not in skip:
                    found.append((pos, 0, k, _link_like(sheet, col, excel_rows[pos], text[pos].as_py())))
        if is_name_or_id(sheet, col):
            _check_characters(sheet, col, _raw_text(cells, kept), text, excel_rows, skip, k, found)
        for pos in np.flatnonzero(pc.greater(pc.utf8_length(text), LONG_TEXT).to_numpy(zero_copy_only=False)):
            if pos not in skip:
                found.append((pos, 0, k, _long_text(sheet, col, excel_rows[pos], text[pos].as_py())))
        if skip:
            blank = pc.or_(blank, pa.array([pos in skip for pos in range(len(kept))]))
        return pc.if_else(blank, pa.scalar(None, pa.string()), text)
    codes, uniques = _factorize(cells, kept)
    results, notes = [], []
    for value in uniques:
        noted: list[Problem] = []
        results.append(_convert(sheet, col, value, 0, noted))
        notes.append(noted)
    by_code = np.empty(len(results), dtype=object)
    by_code[:] = results
    out = by_code[codes].tolist()
    noted = np.array([bool(n) for n in notes])
    for pos in np.flatnonzero(noted[codes]) if len(codes) else ():
        if pos not in skip:
            found.extend((pos, 0, k, dataclasses.replace(p, row=excel_rows[pos])) for p in notes[codes[pos]])
    for pos in skip:
        out[pos] = None
    return out


def _raw_text(cells: CellColumn, kept: np.ndarray) -> pa.Array:
    """The kept cells' text as typed (null where a cell is not text): what clean_text would tidy or drop is kept."""
    if cells.text is not None:
        text = cells.text
    elif cells.parts is not None:
        text = cells.parts.get("s", pa.nulls(len(cells), pa.string()))
    else:
        text = pa.array([v if isinstance(v, str) else None for v in cells.values()], type=pa.string())
    return text.take(pa.array(kept))


def _non_ascii(text: pa.Array) -> np.ndarray:
    return np.flatnonzero(pc.invert(pc.string_is_ascii(text)).fill_null(False).to_numpy(zero_copy_only=False))


def _check_characters(sheet: S.Sheet, col: S.Column, raw: pa.Array, text: pa.Array, excel_rows: list[int],
                      skip: set[int], k: int, found: list) -> None:
    """A name or ID: invisible and direction-control characters refused (in the cell as typed, since cleaning drops
    some of them silently), words mixing alphabets warned of. Only non-ASCII cells can hold either."""
    for pos in _non_ascii(raw):
        if pos not in skip and (hidden := hidden_characters(value := raw[pos].as_py())):
            listed = ", ".join(f"{describe_character(ch)} at position {i}" for i, ch in hidden[:5])
            more = f" and {len(hidden) - 5} more" if len(hidden) > 5 else ""
            what = "an invisible or direction-control character" if len(hidden) == 1 else \
                "invisible or direction-control characters"
            found.append((pos, 0, k, Problem(
                ERROR, sheet.name, excel_rows[pos], col.header, visible(value),
                f"The cell holds {what} ({listed}{more}), so it reads as something it is not and search misses it",
                "the name or ID typed plainly: retype it, or paste it as plain text")))
    for pos in _non_ascii(text):
        if pos not in skip and (words := mixed_script_words(value := text[pos].as_py())):
            found.append((pos, 0, k, _mixed_scripts(sheet, col, excel_rows[pos], value, words)))


def _mixed_scripts(sheet: S.Sheet, col: S.Column, row: int, value: str, words: list) -> Problem:
    parts = []
    for _, word, letters in words:
        scripts = sorted(letters, key=lambda s: (-len(letters[s]), s))  # the word's main script first
        odd = [f"'{ch}' {describe_character(ch)} at position {i}" for s in scripts[1:] for i, ch in letters[s]]
        parts.append(f"'{word}' mixes {' and '.join(s.title() for s in scripts)} letters ({', '.join(odd[:5])})")
    return Problem(WARNING, sheet.name, row, col.header, value,
                   "A word mixes alphabets, so it looks like another spelling that search will not match: "
                   + "; ".join(parts), "each word in one alphabet: retype it on an English keyboard")


def _long_text(sheet: S.Sheet, col: S.Column, row: int, value: str) -> Problem:
    return Problem(WARNING, sheet.name, row, col.header, f"{value[:40]}… ({len(value):,} characters)",
                   f"The text is {len(value):,} characters long", f"at most {LONG_TEXT:,} characters: summarise, "
                   "and cite the full text's document in Source")


def _factorize(cells: CellColumn, kept: np.ndarray) -> tuple[np.ndarray, list[object]]:
    """Each kept cell's index into the list of distinct values (a number and TRUE are told apart by their kind)."""
    if cells.text is None and cells.parts is None:
        values, seen = cells.values(), {}
        codes = np.array([seen.setdefault((type(values[i]), values[i]), len(seen)) for i in kept.tolist()],
                         dtype=np.int64)
        return codes, [v for _, v in seen]
    taken = pa.array(kept)
    parts = {"s": cells.text} if cells.text is not None else cells.parts
    codes = np.full(len(kept), -1, dtype=np.int64)
    uniques: list[object] = []
    for suffix, part in parts.items():
        encoded = pc.dictionary_encode(part.take(taken))
        here = encoded.indices.to_numpy(zero_copy_only=False)
        valid = encoded.indices.is_valid().to_numpy(zero_copy_only=False)
        codes[valid] = here[valid].astype(np.int64) + len(uniques)
        found = encoded.dictionary.to_pylist()
        uniques.extend([int(v) for v in found] if suffix == BIG_INT else found)
    if (codes < 0).any():  # an empty cell
        codes[codes < 0] = len(uniques)
        uniques.append(None)
    return codes, uniques


def _frame(sheet: S.Sheet, values: dict[str, object]) -> pd.DataFrame:
    data = {}
    for col in sheet.columns:
        v = values[col.name]
        if isinstance(v, pa.Array):
            data[col.name] = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([v.cast(pa.large_string())])))
        else:
            data[col.name] = pd.Series(v, dtype=column_dtype(col) if column_dtype(col) != "string" else object)
    return pd.DataFrame(data)


def _filled(values: pd.Series) -> np.ndarray:
    """Which values are neither missing nor empty text."""
    return values.astype(object).fillna("").to_numpy() != ""


def _check_keys(sheet: S.Sheet, df: pd.DataFrame, excel_rows: list[int], found: list) -> None:
    """Duplicate IDs, and rows that fill none of the columns of which one is needed."""
    keys = df[sheet.key]
    given = _filled(keys)
    repeated = keys.duplicated(keep="first").to_numpy(dtype=bool) & given
    if repeated.any():
        first: dict[str, int] = {}
        for pos in np.flatnonzero(given):
            first.setdefault(keys.iat[pos], excel_rows[pos])
        header = sheet.column(sheet.key).header
        for pos in np.flatnonzero(repeated):
            key = keys.iat[pos]
            found.append((pos, 2, 0, Problem(ERROR, sheet.name, excel_rows[pos], header, key,
                                             f"Duplicate ID: already used in row {first[key]}", "a unique ID")))
    if sheet.one_of:
        empty = np.ones(len(df), dtype=bool)
        for name in sheet.one_of:
            empty &= ~_filled(df[name])
        headers = " or ".join(f"'{sheet.column(c).header}'" for c in sheet.one_of)
        for pos in np.flatnonzero(empty):
            found.append((pos, 3, 0, Problem(ERROR, sheet.name, excel_rows[pos], sheet.column(sheet.one_of[0]).header,
                                             "", f"The row needs {headers}", f"at least one of {headers} filled in")))


def _cell_position(a1: str) -> tuple[int, int] | None:
    """'K2' -> (2, 10): the Excel row and the 0-based column index."""
    m = re.fullmatch(r"([A-Z]{1,3})(\d+)", a1)
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col - 1


def _required(sheet: S.Sheet, col: S.Column, row: int) -> Problem:
    return Problem(ERROR, sheet.name, row, col.header, "", "A value is required", col.expected)


def _link_like(sheet: S.Sheet, col: S.Column, row: int, shown: str) -> Problem:
    return Problem(WARNING, sheet.name, row, col.header, shown, "The cell holds a web address or a Markdown link; "
                   "it is shown as plain text, never as a link", "only the name: put web addresses in a Note")


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
            problems.append(_required(sheet, col, row))
        return None
    if col.name in NAME_COLUMNS and LINK_LIKE.search(parsed):
        problems.append(_link_like(sheet, col, row, shown))
    if col.event and isinstance(parsed, dt.date):
        latest = latest_event()
        if not EARLIEST_EVENT <= parsed <= latest:
            when = f"before {EARLIEST_EVENT.year}" if parsed < EARLIEST_EVENT else "more than a year ahead of today"
            problems.append(Problem(WARNING, sheet.name, row, col.header, f"{parsed:%d/%m/%Y}",
                                    f"The date is {when}, so it is most likely mistyped",
                                    f"a date from {EARLIEST_EVENT:%d/%m/%Y} to {latest:%d/%m/%Y}: check the year"))
    if col.allowed:
        choice = canonical_choice(parsed, col.allowed)
        if choice is None:
            problems.append(Problem(ERROR, sheet.name, row, col.header, shown, "Unknown value", col.expected))
        return choice
    return parsed


def latest_event() -> dt.date:
    """The latest plausible date of an event: a year from today (the timeline draws dates up to it too)."""
    today = clock.today()
    return today.replace(year=today.year + 1, day=28 if (today.month, today.day) == (2, 29) else today.day)


def _check_not_before(tables: dict[str, pd.DataFrame], rows_of: dict[str, list[int] | None],
                      problems: list[Problem], only: dict | None = None) -> None:
    """Dates that should not fall before the date of the row they refer to (Column.not_before): a recommendation
    due before its source document was written is most likely a mistyped year. `only`: sheet -> row positions."""
    for sheet in S.SHEETS:
        for col in sheet.columns:
            if not col.not_before or rows_of[sheet.name] is None or (only is not None and not len(only[sheet.name])):
                continue
            ref_col = sheet.column(col.not_before[0])
            their_sheet = S.sheet(ref_col.ref)
            if rows_of[their_sheet.name] is None:
                continue
            theirs = tables[their_sheet.name]
            limit_of = {key: d for key, d in zip(theirs[their_sheet.key], theirs[col.not_before[1]], strict=True)
                        if isinstance(d, dt.date)}
            df, excel_rows = tables[sheet.name], rows_of[sheet.name]
            their_header = their_sheet.column(col.not_before[1]).header.lower()
            pick = None if only is None else only[sheet.name]
            refs, dates = df[ref_col.name], df[col.name]
            if pick is not None:
                refs, dates = refs.iloc[pick], dates.iloc[pick]
            dates, limits = dates.to_numpy(dtype=object), refs.map(limit_of).to_numpy(dtype=object)
            both = np.flatnonzero(pd.notna(dates) & pd.notna(limits))
            refs = refs.to_numpy(dtype=object)
            for at in both[np.less(dates[both], limits[both]).astype(bool)] if len(both) else ():
                d, ref, limit = dates[at], refs[at], limits[at]
                pos = at if pick is None else pick[at]
                if isinstance(d, dt.date):
                    problems.append(Problem(
                        WARNING, sheet.name, excel_rows[pos], col.header, f"{d:%d/%m/%Y}",
                        f"The date is before the {their_header} of {ref_col.header.lower()} {ref} "
                        f"({limit:%d/%m/%Y})", f"a date on or after {limit:%d/%m/%Y}: check the year"))


class PeopleIndex:
    """Every person's name and aliases, for finding lookalikes of a name (see NEAR_LETTERS for what counts)."""

    def __init__(self, people: pd.DataFrame):
        self.entries: list[tuple[str, str, tuple]] = []  # (person ID, their name, the spelling's _form)
        self.name_forms: dict[int, tuple] = {}  # row position -> the _form of its name
        self._by_skeleton: dict[str, list[int]] = {}
        self._by_key: dict[str, list[int]] = {}
        self._by_variant: dict[str, list[int]] = {}  # the key, and the key less one letter -> entries
        ids, names = people["id"].tolist(), people["name"].tolist()
        aliases = people["aliases"].tolist() if "aliases" in people.columns else [None] * len(people)
        for pos, (pid, name, more) in enumerate(zip(ids, names, aliases, strict=True)):
            if not isinstance(pid, str) or not isinstance(name, str) or not name.strip():
                continue
            spellings = [name, *(a.strip() for a in more.split(";") if a.strip())] if isinstance(more, str) else [name]
            for spelling in dict.fromkeys(spellings):
                n, form = len(self.entries), _form(spelling)
                if spelling == name:
                    self.name_forms[pos] = form
                self.entries.append((pid, name, form))
                self._by_skeleton.setdefault(form[1], []).append(n)
                self._by_key.setdefault(form[3], []).append(n)
                for variant in form[4]:
                    self._by_variant.setdefault(variant, []).append(n)

    def matches(self, name: str, exclude: str | None = None, form: tuple | None = None) -> list[tuple[str, str]]:
        """(person ID, how the name resembles them, in words), closest first, one per person."""
        text, skel, words, key, variants = form or _form(name)
        if not text:
            return []
        found: dict[int, int] = {}  # entry -> rank: 0 same name, 1 same skeleton, 2 same key, 3 one edit apart
        for n in self._by_skeleton.get(skel, ()):
            found.setdefault(n, 0 if self.entries[n][2][0] == text else 1)
        for n in self._by_key.get(key, ()):
            found.setdefault(n, 2)
        for variant in variants:
            for n in self._by_variant.get(variant, ()):
                if n not in found and _one_word_apart(words, self.entries[n][2][2]):
                    found[n] = 3
        best: dict[str, tuple[int, int]] = {}
        for n, rank in found.items():
            pid = self.entries[n][0]
            if pid != exclude and (pid not in best or rank < best[pid][0]):
                best[pid] = (rank, n)
        return [(pid, self._says(n, rank)) for pid, (rank, n) in sorted(best.items(), key=lambda b: b[1])]

    def _says(self, n: int, rank: int) -> str:
        pid, their_name, (spelling, *_) = self.entries[n]
        who = (f"{visible(their_name)} ({pid})" if spelling == their_name
               else f"'{visible(spelling)}', an alias of {visible(their_name)} ({pid})")
        how = ["is the same as", "looks the same as", "reads the same as", "is spelt almost like"][rank]
        tail = [" (another person with this name)", ", though its letters differ",
                ", apart from capitals, accents, spacing or lookalike letters", ""][rank]
        return f"The name {how} {who}{tail}: did you mean {pid}?"


def _form(name: object) -> tuple[str, str, list[str], str, list[str]]:
    """A name as PeopleIndex compares it: (cleaned, skeleton, words, key, near variants). The variants are the key
    and the key less each letter in turn: two keys one edit apart share one of them (the candidates _one_word_apart
    then decides on). A name with digits has none: digits are not typos of each other."""
    text = clean_text(name)
    words = name_words(text)
    key = "".join(words)
    variants = [] if _DIGIT.search(text) else [key, *{key[:i] + key[i + 1:] for i in range(len(key))}]
    return text, skeleton(text), words, key, variants


def _one_word_apart(mine: list[str], theirs: list[str]) -> bool:
    """The same words but one, which is one edit from the other's (see NEAR_LETTERS)."""
    if len(mine) != len(theirs):
        return False
    differ = [(a, b) for a, b in zip(mine, theirs, strict=True) if a != b]
    if len(differ) != 1:
        return False
    a, b = differ[0]
    if max(len(a), len(b)) >= NEAR_LETTERS:
        return within_one_edit(a, b)
    return len(a) == len(b) and sorted(a) == sorted(b) and within_one_edit(a, b)  # two neighbours swapped


def lookalike_people(name: str, people: pd.DataFrame, exclude: str | None = None) -> list[str]:
    """Warnings for a person's name that looks like another person's name or alias (the People table; `exclude`: the
    person's own ID, when editing one), each ending 'did you mean PER-...?'. For the app's form to add a person; the
    validator gives the same texts for the People sheet."""
    cols = [c for c in ("id", "name", "aliases") if c in people.columns]
    table = pd.concat([people[cols].astype(object), pd.DataFrame({"id": [None], "name": [name]})], ignore_index=True)
    keep = _may_look_alike(table)
    return [text for _, text in PeopleIndex(table.iloc[keep[keep < len(people)]]).matches(name, exclude)]


def _check_lookalike_people(people: pd.DataFrame, excel_rows: list[int], problems: list[Problem]) -> None:
    """Each pair of lookalike people is warned of once: on the row whose name is written oddly (letters outside the
    Latin alphabet, or hidden characters) when only one is, else on the later row, naming the other."""
    if len(keep := _may_look_alike(people)) < len(people):
        people, excel_rows = people.iloc[keep].reset_index(drop=True), [excel_rows[i] for i in keep]
    index = PeopleIndex(people)
    ids, names = people["id"].tolist(), people["name"].tolist()
    row_of = {pid: pos for pos, pid in enumerate(ids) if isinstance(pid, str)}
    header = S.sheet("People").column("name").header
    for pos, form in index.name_forms.items():
        pid, name = ids[pos], names[pos]
        mine = []
        for other, text in index.matches(name, exclude=pid, form=form):
            there = row_of.get(other, pos)
            odd_here, odd_there = _oddly_written(name), _oddly_written(names[there])
            if (odd_here and not odd_there) or (odd_here == odd_there and there < pos):
                mine.append((other, text))
        if mine:
            also = "".join(f" It is also like {visible(names[row_of[o]])} ({o})." for o, _ in mine[1:3])
            problems.append(Problem(WARNING, "People", excel_rows[pos], header, visible(name), mine[0][1] + also,
                                    f"a name of its own: if this is {mine[0][0]}, use that ID instead "
                                    "(and add this spelling to its Aliases)"))


def _may_look_alike(people: pd.DataFrame) -> np.ndarray:
    """The rows that can be in a lookalike pair: any whose coarse form (see _coarse) another name or alias shares, any
    with aliases or with letters beyond ASCII, and any whose name has no digits (only those are matched within an
    edit). Plain ASCII names are worked out as whole Arrow arrays, so a big synthetic map (names with numbers) costs
    milliseconds; PeopleIndex then compares the few rows left."""
    try:
        names = pa.array(people["name"].array).cast(pa.string())
    except (pa.ArrowException, TypeError):
        names = pa.array([v if isinstance(v, str) else None for v in people["name"].tolist()], type=pa.string())
    if isinstance(names, pa.ChunkedArray):  # a table put together from parts (an edit's changed rows)
        names = names.combine_chunks()
    plain = pc.string_is_ascii(names)
    if beyond := "".join(c for c, v in ascii_skeleton_map().items() if not v.isascii()):  # '%': not to ASCII
        plain = pc.and_(plain, pc.invert(pc.match_substring_regex(names, "[" + re.escape(beyond) + "]")))
    plain = plain.fill_null(False)
    coarse = pc.ascii_lower(names)
    for char, prototype in _coarse_map():
        coarse = pc.replace_substring(coarse, char, prototype)
    coarse = pc.replace_substring_regex(coarse, "[^0-9a-z]+", "")
    other = pc.and_(pc.invert(plain), pc.is_valid(names))
    theirs = [c for v in names.filter(other).to_pylist() for c in _coarse_forms(v)]
    aliased: list[tuple[int, set[str]]] = []  # (row position, its aliases' coarse forms); '' stands for 'no digits'
    if "aliases" in people.columns:
        for pos, more in zip(np.flatnonzero(people["aliases"].notna().to_numpy()), people["aliases"].dropna(),
                             strict=True):
            forms = {c for a in str(more).split(";") if a.strip()
                     for c in _coarse_forms(a) | ({""} if not _DIGIT.search(a) else set())}
            aliased.append((pos, forms))
            theirs.extend(forms - {""})
    counts = pc.value_counts(pa.concat_arrays([coarse.filter(plain), pa.array(theirs, pa.string())]))
    repeated = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
    maybe = pc.is_in(coarse, value_set=repeated).fill_null(False).to_numpy(zero_copy_only=False)
    maybe |= ~plain.to_numpy(zero_copy_only=False)
    maybe |= ~pc.match_substring_regex(names, "[0-9]").fill_null(True).to_numpy(zero_copy_only=False)
    repeated = set(repeated.to_pylist()) | {""}
    for pos, forms in aliased:
        maybe[pos] |= bool(forms & repeated)
    return np.flatnonzero(maybe & pc.is_valid(names).to_numpy(zero_copy_only=False))


def _coarse_forms(spelling: str) -> set[str]:
    """The coarse forms of a spelling's skeleton and key (one, for a plain ASCII spelling)."""
    return {_coarse(skeleton(clean_text(spelling))), _coarse(name_key(spelling))}


@functools.cache
def _coarse_map() -> tuple[tuple[str, str], ...]:
    """The ASCII skeleton map in lower case ('1' -> 'l', 'i' -> 'l', '0' -> 'o', 'm' -> 'rn' ...)."""
    pairs = {c.lower(): v.lower() for c, v in ascii_skeleton_map().items() if v.isascii()}
    assert not any(ch in pairs for v in pairs.values() for ch in v), "a prototype is mapped again"
    return tuple(pairs.items())


def _coarse(text: str) -> str:
    """A plain ASCII name's coarse form: lower case, each character read as its TR39 prototype in lower case, only
    letters and digits kept. Two names with equal skeletons or keys have equal coarse forms (of the name itself, or of
    its skeleton or key: they are all the same for ASCII), so rows of unique coarse form need no closer look."""
    text = text.lower()
    for char, prototype in _coarse_map():
        text = text.replace(char, prototype)
    return re.sub(r"[^0-9a-z]+", "", text)


def _oddly_written(name: object) -> bool:
    if not isinstance(name, str) or name.isascii():
        return False
    return bool(hidden_characters(name)) or any(ch.isalpha() and script_of(ch) != "LATIN" for ch in name)


def _check_references(tables: dict[str, pd.DataFrame], rows_of: dict[str, list[int] | None],
                      problems: list[Problem], only: dict | None = None, copy_first: dict | None = None) -> None:
    """Every reference names a row of its sheet, and every source starts with a Documents ID or says who recorded
    it. Whole columns are matched at once; only the values that fail are looked at one by one. `only`: sheet -> the
    row positions to check (None: all); `copy_first`: tables never changed in place (a resolved name is written into
    a copy put in `tables`)."""
    keys = _LazyKeys(tables)
    by_name: dict[str, NameIndex] = {}
    documents = set(keys["Documents"]) if rows_of["Documents"] is not None else None
    for sheet in S.SHEETS:
        df, excel_rows = tables[sheet.name], rows_of[sheet.name]
        rows = None if only is None else only.get(sheet.name)
        if excel_rows is None or (rows is not None and not len(rows)):
            continue
        found: list[tuple[int, int, list[Problem]]] = []  # (row position, column, problems): in row order below
        ref_cols = [c for c in sheet.columns if c.ref and rows_of[c.ref] is not None]
        for k, col in enumerate(ref_cols):
            values = df[col.name] if rows is None else df[col.name].iloc[rows]
            cells = pa.array(values.array)
            if isinstance(cells, pa.ChunkedArray):
                cells = cells.combine_chunks()
            known = pc.is_in(cells, value_set=pa.array(keys[col.ref].tolist(), type=cells.type))
            unknown = _filled(values) & ~known.to_numpy(zero_copy_only=False)
            for pos in (np.flatnonzero(unknown) if rows is None else rows[np.flatnonzero(unknown)]):
                if copy_first is not None and df is copy_first.get(sheet.name):
                    df = tables[sheet.name] = df.copy()
                index = by_name.get(col.ref) or by_name.setdefault(col.ref, NameIndex(tables[col.ref], col.ref))
                noted: list[Problem] = []
                _resolve_by_name(df, pos, sheet, col, excel_rows[pos], df[col.name].iat[pos], index, noted)
                found.append((pos, k, noted))
        if "source" in df.columns and documents is not None:
            header = sheet.column("source").header
            column = df["source"] if rows is None else df["source"].iloc[rows]
            sources = column.astype(object).where(column.notna(), None).tolist()
            verdicts = {v: _source_problem(v, documents) for v in set(sources)}
            for pos, v in (enumerate(sources) if rows is None else zip(rows.tolist(), sources, strict=True)):
                if verdicts[v]:
                    found.append((pos, len(ref_cols), [Problem(ERROR, sheet.name, excel_rows[pos], header, v,
                                                               verdicts[v], "the source's first word to be a "
                                                               "Documents ID, e.g. '000 Chart 5'")]))
        found.sort(key=lambda f: f[:2])
        problems.extend(p for _, _, noted in found for p in noted)


def _check_team(tables: dict[str, pd.DataFrame], rows_of: dict[str, list[int] | None],
                problems: list[Problem], only: dict | None = None) -> None:
    """Owners, leads and attendee roles that name nobody on the LAS team, and emails that cannot be one: warnings,
    so that workbooks from before the team sheet keep loading. Nothing is checked against an empty team. `only`:
    sheet -> the row positions to check (None: all)."""
    members = tables["LAS team"]

    def rows(name: str, column: pd.Series) -> object:
        if only is None:
            return enumerate(column.tolist())
        return zip(only[name].tolist(), column.iloc[only[name]].tolist(), strict=True)

    if rows_of["LAS team"]:
        header = S.sheet("LAS team").column("email").header
        for pos, email in rows("LAS team", members["email"]):
            if isinstance(email, str) and not team.EMAIL.fullmatch(email):
                problems.append(Problem(WARNING, "LAS team", rows_of["LAS team"][pos], header, email,
                                        "This does not look like an email address", "name@example.org"))
    keys = team.known(members)
    if not keys:
        return
    for sheet in S.SHEETS:
        excel_rows = rows_of[sheet.name]
        if not excel_rows:
            continue
        if only is not None and not len(only[sheet.name]):
            continue
        for col in (c for c in sheet.columns if c.team):
            cells = tables[sheet.name][col.name]
            if only is not None:
                cells = cells.iloc[only[sheet.name]]
            verdicts = {v: team.unmatched(v, keys) for v in cells.dropna().unique()}
            for pos, v in rows(sheet.name, tables[sheet.name][col.name]):
                if isinstance(v, str) and (nobody := verdicts.get(v)):
                    problems.append(Problem(
                        WARNING, sheet.name, excel_rows[pos], col.header, v,
                        ("Matches nobody on the LAS team sheet" if nobody == [v.strip()] else
                         f"{' and '.join(repr(n) for n in nobody)} match{'es' if len(nobody) == 1 else ''} nobody "
                         "on the LAS team sheet"),
                        "a role or name from the LAS team sheet, ';' between several (or add them to the team)"))


def _source_problem(source: str | None, documents: set[str]) -> str:
    """Why a Source cell names no document ('' when it is fine or blank)."""
    if not source or is_first_hand(source):
        return ""
    doc = source.split()[0].rstrip(",;:")
    return "" if doc in documents else f"The source document '{doc}' is not in the Documents sheet"


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
    """Typed tables (a merge) checked with the same rules and messages as an upload, as if written to a workbook.

    An edit of a snapshot that passed these very rules (Store.passed) is checked incrementally (see _incremental):
    its errors are those of the whole check; its warnings those on what the edit touched."""
    if (done := _incremental(tables, file_name)) is not None:
        return done
    sheets = []
    for sheet in S.SHEETS:
        df = tables[sheet.name]
        columns = [_as_cells(c.header, df[c.name]) for c in sheet.input_columns]
        sheets.append(RawSheet(sheet.name, True, columns, len(df) + 1))
    return validate(RawWorkbook(file_name, sheets))


def _as_cells(header: str, values: pd.Series) -> CellColumn:
    """A typed column under its header, as a workbook's cells would hold it."""
    if isinstance(values.dtype, pd.StringDtype):
        text = pa.array(values.array)
        if isinstance(text, pa.ChunkedArray):  # e.g. after pd.concat of two tables
            text = text.combine_chunks()
        return CellColumn(text=pa.concat_arrays([pa.array([header]), text.cast(pa.string())]))
    return column([header, *(_cell(v) for v in values.astype(object).where(values.notna(), None))])


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


# --- incremental validation of an edit -------------------------------------------------------------------------------
# The modules whose code makes the rules: a snapshot validated by other code is checked whole again.
_RULE_MODULES = ("validate", "schema", "normalise", "cells", "team", "edits", "reader")
_PASSED: dict[int, object] = {}  # id(table) -> weakref: tables a validation with no errors returned


@functools.cache
def rules_version() -> str:
    """A digest of the code that makes the validation rules (schema included): a snapshot records the version its
    tables passed (snapshots.CHECKED), and an edit is checked incrementally only against the same version."""
    import hashlib
    import importlib
    from pathlib import Path
    digest = hashlib.sha256()
    for name in _RULE_MODULES:
        digest.update(Path(importlib.import_module(f"lasdash.{name}").__file__).read_bytes())
    return digest.hexdigest()[:32]


def _note_passed(tables: dict[str, pd.DataFrame]) -> None:
    for df in tables.values():
        provenance.keep(_PASSED, df, True)


def passed_validation(tables: dict[str, pd.DataFrame]) -> bool:
    """Whether every sheet's table is the very one a validation with no errors returned (by these rules), unchanged."""
    return all(provenance.kept(_PASSED, tables.get(sheet.name)) for sheet in S.SHEETS)


def _as_objects(values: pd.Series) -> np.ndarray:
    return values.astype(object).where(values.notna(), None).to_numpy(dtype=object)


_SAME_KINDS = frozenset({"string", "date", "integer", "empty"})


def _same_values(mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """Which values would be written as the same cell: equal, and of the same kind (1, 1.0 and True differ)."""
    kinds = pd.api.types.infer_dtype(mine, skipna=True), pd.api.types.infer_dtype(theirs, skipna=True)
    if kinds[0] == kinds[1] and kinds[0] in _SAME_KINDS or "empty" in kinds and set(kinds) <= _SAME_KINDS:
        both_null = pd.isna(mine) & pd.isna(theirs)
        with np.errstate(all="ignore"):
            equal = np.asarray(mine == theirs, dtype=bool) if len(mine) else np.zeros(0, dtype=bool)
        return equal | both_null
    return np.fromiter(((a is None and b is None) or (type(a) is type(b) and a == b)
                        for a, b in zip(mine, theirs, strict=True)), dtype=bool, count=len(mine))


def _same_series(mine: pd.Series, theirs: pd.Series) -> np.ndarray:
    """_same_values of two columns; whole arrays at once when both hold text or whole numbers as typed tables do."""
    if mine.dtype == theirs.dtype and isinstance(mine.dtype, (pd.StringDtype, pd.Int64Dtype)):
        equal = (mine.array == theirs.array).fillna(False).to_numpy(dtype=bool)
        return equal | (mine.isna().to_numpy(dtype=bool) & theirs.isna().to_numpy(dtype=bool))
    return _same_values(_as_objects(mine), _as_objects(theirs))


def _incremental(tables: dict[str, pd.DataFrame], file_name: str) -> Validation | None:
    """The check of an edit of a snapshot that passed these rules, or None when that cannot be shown (then the whole
    map is checked). Only the rows the edit adds or changes are read as cells; keys are checked over their whole
    sheet (a changed ID must not collide); references out of the changed rows, and into the rows the edit deletes or
    renames, are checked; so are the dates and team names that depend on changed rows. Sound because the base had no
    errors under the same rules: every other row is as it was. Problems have the same words and rows as the whole
    check gives; its errors are the whole check's errors, its warnings those on the rows checked."""
    base_at = store = None
    for sheet in S.SHEETS:
        if (found := provenance.origin(df := tables.get(sheet.name))) is None:
            continue
        if found[2] != sheet.name or (base_at is not None and found[:2] != base_at):
            return None
        base_at, store = found[:2], provenance.origin_store(df)
    if base_at is None:  # copies (a page's cached tables): where they came from, to compare them with
        hints = {s.name: hint for s in S.SHEETS if (hint := provenance.read_from(tables.get(s.name))) is not None}
        if not hints or any(hint[2] != name for name, hint in hints.items()):
            return None
        if len({(id(hint[0]), hint[1]) for hint in hints.values()}) != 1:
            return None
        store, sid, _ = next(iter(hints.values()))
        base_at = (getattr(store, "location", None), sid)
    if store is None or not store.passed(base_at[1]):
        return None
    if any(tables.get(s.name) is None for s in S.SHEETS) or all(len(tables[s.name]) == 0 for s in S.SHEETS):
        return None
    base = {s.name: tables[s.name] if provenance.origin(tables[s.name]) == (*base_at, s.name)
            else store.read(base_at[1], s.name) for s in S.SHEETS}
    typed: dict[str, pd.DataFrame] = {}
    changed: dict[str, np.ndarray] = {}  # sheet -> positions of the rows the edit adds or changes
    removed: dict[str, set] = {}  # sheet -> keys the edit deletes (or renames)
    read_found: dict[str, list] = {}
    for sheet in S.SHEETS:
        mine, theirs = tables[sheet.name], base[sheet.name]
        if mine is theirs:
            typed[sheet.name], changed[sheet.name], removed[sheet.name] = theirs, np.zeros(0, dtype=np.int64), set()
            read_found[sheet.name] = []
            continue
        if len(mine) == 0 and len(theirs):
            return None
        done = _changed_sheet(sheet, mine, theirs)
        if done is None:
            return None
        typed[sheet.name], changed[sheet.name], removed[sheet.name], read_found[sheet.name] = done
    problems: list[Problem] = []
    for sheet in S.SHEETS:
        problems.extend(read_found[sheet.name])
    rows_of = {s.name: _Rows(len(typed[s.name])) for s in S.SHEETS}
    out = dict(typed)
    _check_references(out, rows_of, problems, only=_reference_rows(out, changed, removed), copy_first=base)
    _check_not_before(out, rows_of, problems, only=_not_before_rows(out, changed, removed, base))
    team_changed = len(changed["LAS team"]) or removed["LAS team"]
    _check_team(out, rows_of, problems, only=None if team_changed else changed)
    if len(changed["People"]) or removed["People"]:
        _check_lookalike_people(out["People"], rows_of["People"], problems)
    out = {name: df if df is base[name] else with_derived(name, df) for name, df in out.items()}
    if not any(p.severity == ERROR for p in problems):
        _note_passed(out)
    return Validation(out, problems, None)


class _Rows:
    """The Excel rows of a sheet validate_tables writes: the header in row 1, table position p in row p + 2."""

    def __init__(self, n: int):
        self.n = n

    def __getitem__(self, pos):
        return int(pos) + 2

    def __len__(self) -> int:
        return self.n

    def __bool__(self) -> bool:
        return self.n > 0


def _changed_sheet(sheet: S.Sheet, mine: pd.DataFrame, theirs: pd.DataFrame):
    """(typed table, positions of added or changed rows, deleted keys, the sheet's problems) or None."""
    key = sheet.key
    names = [c.name for c in sheet.input_columns]
    if (len(mine) == len(theirs) and all(c in mine.columns for c in names)
            and (mine[names].dtypes == theirs[names].dtypes).all() and mine[names].equals(theirs[names])):
        return theirs, np.zeros(0, dtype=np.int64), set(), []  # a copy of the base's table, as it was
    index = pd.Index(theirs[key])
    if not index.is_unique or index.hasnans:
        return None
    at = index.get_indexer(mine[key].astype(object).where(mine[key].notna(), None))
    same = at >= 0
    aligned = len(mine) == len(theirs) and bool((at == np.arange(len(theirs))).all())
    for col in sheet.input_columns:
        if not same.any():
            break
        if aligned and same.all():
            same &= _same_series(mine[col.name], theirs[col.name])
        else:
            rows = np.flatnonzero(same)
            same[rows] = _same_series(mine[col.name].iloc[rows], theirs[col.name].iloc[at[rows]])
    changed = np.flatnonzero(~same)
    hit = np.zeros(len(theirs), dtype=bool)
    hit[at[at >= 0]] = True
    removed = set(theirs[key].to_numpy(dtype=object)[~hit].tolist())
    found: list = []
    if len(changed):
        sub = mine.iloc[changed]
        cells = [_as_cells(c.header, sub[c.name]) for c in sheet.input_columns]
        cleaned = [cleaned_text(c) if c.text is not None else None for c in cells]
        filled = np.zeros(len(sub) + 1, dtype=bool)
        for c, text in zip(cells, cleaned, strict=True):
            filled |= _filled_cells(c, text)
        if not filled[1:].all():  # a blank row is skipped by the whole check: rows would renumber
            return None
        kept = np.arange(1, len(sub) + 1)
        excel_rows = (changed + 2).tolist()
        values: dict[str, object] = {}
        position = {c.name: j for j, c in enumerate(sheet.input_columns)}
        mini: list = []
        for k, col in enumerate(sheet.columns):
            if col.name not in position:
                values[col.name] = _blank_column(col, len(kept))
                continue
            j = position[col.name]
            values[col.name] = _convert_column(sheet, col, cells[j], cleaned[j], kept, excel_rows, set(), k, mini)
        found.extend((int(changed[pos]), stage, k, p) for pos, stage, k, p in mini)
        rows = _frame(sheet, values).astype({c.name: column_dtype(c) for c in sheet.columns})
        unchanged = np.flatnonzero(same)
        both = pd.concat([theirs.iloc[at[unchanged]][sheet.column_names].astype(rows.dtypes.to_dict()), rows],
                         ignore_index=True)
        order = np.argsort(np.concatenate([unchanged, changed]), kind="stable")
        table = both.take(order).reset_index(drop=True)
        table = table.astype({c.name: column_dtype(c) for c in sheet.columns})
    elif len(mine) == len(theirs) and (at == np.arange(len(theirs))).all():
        return theirs, changed, removed, []  # the same rows in the same order: the base's own table
    else:  # rows deleted or moved
        table = theirs.iloc[at][sheet.column_names].reset_index(drop=True)
    _check_keys(sheet, table, _Rows(len(table)), found)
    found.sort(key=lambda f: f[:3])
    return table, changed, removed, [f[3] for f in found]


def _positions(df: pd.DataFrame, column: str, keys: set) -> np.ndarray:
    if not keys:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(df[column].isin(list(keys)).to_numpy(dtype=bool))


def _reference_rows(tables: dict[str, pd.DataFrame], changed: dict, removed: dict) -> dict:
    """Rows whose references and sources to check: the changed ones, and any that name a deleted key (None: all)."""
    out = {}
    for sheet in S.SHEETS:
        if removed["Documents"] and "source" in tables[sheet.name].columns:
            out[sheet.name] = None
            continue
        rows = [changed[sheet.name]]
        for col in sheet.input_columns:
            if col.ref:
                rows.append(_positions(tables[sheet.name], col.name, removed[col.ref]))
        out[sheet.name] = np.unique(np.concatenate(rows)).astype(np.int64)
    return out


def _not_before_rows(tables: dict, changed: dict, removed: dict, base: dict) -> dict:
    """Rows whose dates to check against the row they refer to: changed ones, and any referring to a changed row."""
    out = {}
    for sheet in S.SHEETS:
        rows = [changed[sheet.name]]
        for col in sheet.columns:
            if col.not_before:
                ref = sheet.column(col.not_before[0]).ref
                their = tables[ref]
                keys = set(their[S.sheet(ref).key].iloc[changed[ref]].tolist()) | removed[ref]
                rows.append(_positions(tables[sheet.name], col.not_before[0], keys))
        out[sheet.name] = np.unique(np.concatenate(rows)).astype(np.int64)
    return out


class _LazyKeys(dict):
    """A sheet's keys, worked out when first asked for."""

    def __init__(self, tables: dict[str, pd.DataFrame]):
        super().__init__()
        self.tables = tables

    def __missing__(self, name: str):
        df = self.tables[name]
        self[name] = found = df[S.sheet(name).key].dropna().unique()
        return found
