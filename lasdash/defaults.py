"""The bundled default map.

Single source of truth: the CSV files in data/seed/ (one per sheet, transcribed from the seed
documents, every row citing its source). `python -m lasdash build-default` turns them into
data/lasdash-map.xlsx, the workbook the app bootstraps from; a test keeps the two in step.
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd

from . import config
from . import schema as S
from .normalise import with_derived
from .workbook import save_workbook


def _typed(col: S.Column, text: str):
    if text == "":
        return None
    if col.type == "date":
        return dt.date.fromisoformat(text)
    if col.type == "int":
        return int(text)
    return text


def load_seed_tables(folder: Path | str = config.SEED_CSV_DIR) -> dict[str, pd.DataFrame]:
    tables = {}
    for sheet in S.SHEETS:
        path = Path(folder) / f"{S.table_name(sheet.name)}.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            names = [c.name for c in sheet.input_columns]
            if reader.fieldnames != names:
                raise ValueError(f"{path}: header {reader.fieldnames} differs from the schema {names}")
            records = [{c.name: _typed(c, row[c.name]) for c in sheet.input_columns} for row in reader]
        tables[sheet.name] = with_derived(sheet.name, pd.DataFrame.from_records(records, columns=sheet.column_names))
    return tables


def build_default_workbook(out: Path | str = config.DEFAULT_WORKBOOK, folder: Path | str = config.SEED_CSV_DIR) -> Path:
    save_workbook(out, load_seed_tables(folder))
    return Path(out)
