"""Writing workbooks people edit: the blank template and the current map.

Both come from the schema: headers, dropdowns for listed values, frozen header rows, and an
Instructions sheet. Text is always written as text, so a value starting with '=' never becomes
a formula. A map's workbook records the snapshot it was made from (its base), twice: as a custom
document property, and in words on the Instructions sheet; Excel and LibreOffice keep both.
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import schema as S
from .normalise import is_blank
from .snapshots import Manifest

_HEADER_FILL = PatternFill("solid", fgColor="005EB8")  # NHS Blue
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_MAX_ROWS_VALIDATED = 5000
BASE_PROPERTY = "lasdash_base_snapshot"  # the custom document property the reader reads back
BASE_LINE = "Made from snapshot {id} of {created:%d %b %Y %H:%M} UTC"  # and its words on the Instructions sheet
NAMES_SHEET = "Names"  # hidden: the names that reference columns offer in their dropdowns


def _value(v: object) -> object:
    if is_blank(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    return v


def set_text(cell, text: str) -> None:
    """Store text as text: openpyxl would otherwise turn '=...' into a formula."""
    cell._value, cell.data_type = text, TYPE_STRING


def write_rows(ws, headers: list[str], rows: Iterable[tuple]) -> None:
    for c, header in enumerate(headers, start=1):  # as text: a header may come from data, e.g. '=...'
        cell = ws.cell(row=1, column=c)
        set_text(cell, header)
        cell.fill, cell.font = _HEADER_FILL, _HEADER_FONT
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row, start=1):
            v = _value(v)
            if v is None:
                continue
            cell = ws.cell(row=r, column=c)
            if isinstance(v, str):
                set_text(cell, v)
            else:
                cell.value = v
                if isinstance(v, (dt.date, dt.datetime)):
                    cell.number_format = "dd/mm/yyyy"
    ws.freeze_panes = "A2"


def build_workbook(tables: dict[str, pd.DataFrame] | None = None, base: Manifest | None = None) -> Workbook:
    """The map as a workbook, made from snapshot `base`; with no tables, the blank template."""
    wb = Workbook()
    _instructions(wb.active, base)
    if base is not None:
        wb.custom_doc_props.append(StringProperty(name=BASE_PROPERTY, value=base.id))
    names = _names_sheet(wb, tables) if tables else {}  # moved after the map's sheets below
    for sheet in S.SHEETS:
        ws = wb.create_sheet(sheet.name)
        df = tables.get(sheet.name) if tables else None
        columns = sheet.input_columns
        rows = df[[c.name for c in columns]].itertuples(index=False, name=None) if df is not None else []
        write_rows(ws, [c.header for c in columns], rows)
        for i, col in enumerate(columns, start=1):
            letter = get_column_letter(i)
            ws.column_dimensions[letter].width = 12 if col.type != "text" else min(40, max(14, len(col.header) + 4))
            if col.allowed:
                dv = DataValidation(type="list", formula1='"' + ",".join(col.allowed) + '"', allow_blank=True,
                                    showErrorMessage=True, errorTitle=col.header, error=col.expected)
                ws.add_data_validation(dv)
                dv.add(f"{letter}2:{letter}{_MAX_ROWS_VALIDATED}")
            elif col.ref in names:  # a dropdown of names; IDs stay valid, so no error alert
                dv = DataValidation(type="list", formula1=names[col.ref], allow_blank=True, showErrorMessage=False)
                ws.add_data_validation(dv)
                dv.add(f"{letter}2:{letter}{_MAX_ROWS_VALIDATED}")
            if col.type == "date":
                for row in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                    row[0].number_format = "dd/mm/yyyy"
    if tables:
        wb.move_sheet(NAMES_SHEET, offset=len(S.SHEETS))
    return wb


def _names_sheet(wb: Workbook, tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """A hidden sheet with one column of names per referenced sheet; returns sheet -> its range for a dropdown.

    The validator reads a name typed (or picked) in a reference column as the row it names."""
    ws = wb.create_sheet(NAMES_SHEET)
    ws.sheet_state = "hidden"
    ranges = {}
    referenced = [s for s in S.SHEETS if any(c.ref == s.name for t in S.SHEETS for c in t.columns)]
    for i, sheet in enumerate(referenced, start=1):
        field = "title" if sheet.name == "Documents" else "name"
        names = sorted({n for n in tables[sheet.name][field].dropna() if str(n).strip()}, key=str.casefold)
        letter = get_column_letter(i)
        set_text(ws.cell(row=1, column=i), sheet.name)
        for r, name in enumerate(names, start=2):
            set_text(ws.cell(row=r, column=i), str(name))
        if names:
            ranges[sheet.name] = f"{NAMES_SHEET}!${letter}$2:${letter}${len(names) + 1}"
    return ranges


def _instructions(ws, base: Manifest | None) -> None:
    ws.title = "Instructions"
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 100
    lines = [
        ("lasdash stakeholder map", BASE_LINE.format(id=base.id, created=base.created_at) if base else ""),
        ("How to edit", ("Keep the sheet names and header rows. One row per item. Dates as dd/mm/yyyy. "
                         "Columns with a dropdown of fixed values accept only those. IDs link the sheets: a Roles row "
                         "names a Person ID and a Forum ID or Organisation ID; in those columns you may also type "
                         "or pick the exact name (or an alias) instead, and it is read as that row's ID. Every row "
                         "needs a Source: a Documents ID and the chart or section, e.g. '000 Chart 5'. Leave unknown "
                         "values blank: the dashboard shows them as gaps.")),
        ("", ""),
        ("Sheet / column", "Meaning"),
    ]
    for sheet in S.SHEETS:
        lines.append((sheet.name, sheet.help))
        for col in sheet.input_columns:
            need = "required; " if col.required else ""
            lines.append((f"  {col.header}", f"{need}{col.expected}" + (f". {col.help}" if col.help else "")))
    for r, (a, b) in enumerate(lines, start=1):
        set_text(ws.cell(row=r, column=1), a)
        cell = ws.cell(row=r, column=2)
        set_text(cell, b)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws["A1"].font = Font(bold=True, size=14, color="003087")
    ws["A4"].font = ws["B4"].font = Font(bold=True)


def workbook_bytes(tables: dict[str, pd.DataFrame] | None = None, base: Manifest | None = None) -> bytes:
    buf = io.BytesIO()
    build_workbook(tables, base).save(buf)
    return buf.getvalue()


def snapshot_workbook_bytes(store, snapshot_id: str) -> bytes:
    """A snapshot as the workbook an editor downloads: its tables, and itself recorded as the base."""
    return workbook_bytes(store.read_all(snapshot_id), store.manifest(snapshot_id))


def save_workbook(path: Path | str, tables: dict[str, pd.DataFrame] | None = None,
                  base: Manifest | None = None) -> None:
    Path(path).write_bytes(workbook_bytes(tables, base))
