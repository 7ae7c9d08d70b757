"""Writing workbooks people edit: the blank template and the current map.

Both come from the schema: headers, dropdowns for listed values, frozen header rows, and an
Instructions sheet. Text is always written as text, so a value starting with '=' never becomes
a formula.
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import schema as S
from .normalise import is_blank

_HEADER_FILL = PatternFill("solid", fgColor="005EB8")  # NHS Blue
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_MAX_ROWS_VALIDATED = 5000


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


def build_workbook(tables: dict[str, pd.DataFrame] | None = None) -> Workbook:
    """The map as a workbook; with no tables, the blank template."""
    wb = Workbook()
    _instructions(wb.active)
    for sheet in S.SHEETS:
        ws = wb.create_sheet(sheet.name)
        df = tables.get(sheet.name) if tables else None
        rows = df[sheet.column_names].itertuples(index=False, name=None) if df is not None else []
        write_rows(ws, [c.header for c in sheet.columns], rows)
        for i, col in enumerate(sheet.columns, start=1):
            letter = get_column_letter(i)
            ws.column_dimensions[letter].width = 12 if col.type != "text" else min(40, max(14, len(col.header) + 4))
            if col.allowed:
                dv = DataValidation(type="list", formula1='"' + ",".join(col.allowed) + '"', allow_blank=True,
                                    showErrorMessage=True, errorTitle=col.header, error=col.expected)
                ws.add_data_validation(dv)
                dv.add(f"{letter}2:{letter}{_MAX_ROWS_VALIDATED}")
            if col.type == "date":
                for row in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                    row[0].number_format = "dd/mm/yyyy"
    return wb


def _instructions(ws) -> None:
    ws.title = "Instructions"
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 100
    lines = [
        ("lasdash stakeholder map", ""),
        ("How to edit", "Keep the sheet names and header rows. One row per item. Dates as dd/mm/yyyy. "
                        "Columns with a dropdown accept only the listed values. IDs link the sheets: a Roles row "
                        "names a Person ID and a Forum ID or Organisation ID. Every row needs a Source: a "
                        "Documents ID and the chart or section, e.g. '000 Chart 5'. Leave unknown values blank: "
                        "the dashboard shows them as gaps."),
        ("", ""),
        ("Sheet / column", "Meaning"),
    ]
    for sheet in S.SHEETS:
        lines.append((sheet.name, sheet.help))
        for col in sheet.columns:
            need = "required; " if col.required else ""
            lines.append((f"  {col.header}", f"{need}{col.expected}" + (f". {col.help}" if col.help else "")))
    for r, (a, b) in enumerate(lines, start=1):
        set_text(ws.cell(row=r, column=1), a)
        cell = ws.cell(row=r, column=2)
        set_text(cell, b)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws["A1"].font = Font(bold=True, size=14, color="003087")
    ws["A4"].font = ws["B4"].font = Font(bold=True)


def workbook_bytes(tables: dict[str, pd.DataFrame] | None = None) -> bytes:
    buf = io.BytesIO()
    build_workbook(tables).save(buf)
    return buf.getvalue()


def save_workbook(path: Path | str, tables: dict[str, pd.DataFrame] | None = None) -> None:
    Path(path).write_bytes(workbook_bytes(tables))
