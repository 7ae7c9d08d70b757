"""The one builder of downloadable tables: page downloads, `lasdash export` and validation reports.

CSV is UTF-8 with a BOM (so Excel shows £ and ’ correctly) and text cells that Excel would run
as formulas are neutralised with a leading apostrophe (OWASP CSV injection guidance).
"""
from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd

from .normalise import is_blank

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")  # the ASCII triggers
# Excel (and LibreOffice) read the full-width and small forms of = + - @ as the ASCII ones, e.g. typed with a
# Japanese or Chinese input method: FULLWIDTH EQUALS SIGN, PLUS SIGN, HYPHEN-MINUS, COMMERCIAL AT; SMALL EQUALS
# SIGN, PLUS SIGN, HYPHEN-MINUS, COMMERCIAL AT.
WIDE_TRIGGERS = "\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b"
# What may stand before a trigger without showing: format characters (Unicode category Cf: zero-width, bidi, the
# Mongolian vowel separator, BOM, tags ...) and spaces and separators (Zs, Zl, Zp), listed as Unicode 15.1 has them
# (tests check the list against unicodedata). Literal characters, so Python's re and Arrow's RE2 read one pattern.
_CF = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
       "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
       "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
_Z = "\u0020\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
FORMULA_START = f"[{_CF}{_Z}]*[=+\\-@\t\r\n{WIDE_TRIGGERS}]"  # matched at the start of a cell
_FORMULA = re.compile(FORMULA_START)
BOM = "\ufeff"


def is_formula_like(value: str) -> bool:
    """Whether Excel could read the text as a formula: it starts with = + - @ (ASCII, full-width or small), tab, CR
    or LF, after any invisible, bidi, format or space characters."""
    return _FORMULA.match(value) is not None


def neutralise(value: object) -> object:
    """A text value safe to open in Excel; other types unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def _cell(value: object) -> object:
    if is_blank(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")  # en-GB, as NHS users type it
    return neutralise(value) if isinstance(value, str) else value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    # object dtype throughout, so a whole-number column with a gap is not printed as 1.0
    return pd.DataFrame({neutralise(str(c)): _safe_column(df[c]) for c in df.columns})


def _safe_column(column: pd.Series) -> pd.Series:
    """What _cell gives for each value; text and date columns vectorised (per cell, 37k seats took 0.8 s)."""
    column = column.reset_index(drop=True)
    present = column.notna()
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return column.dt.strftime("%d/%m/%Y").astype(object).where(present, None)
    if isinstance(column.dtype, pd.StringDtype):
        text = column.astype(object).where(present & (column != ""), None)
        risky = column.str.match(FORMULA_START).fillna(False).astype(bool)
        return text.where(~risky, "'" + column.astype(object).where(risky, ""))
    return pd.Series([_cell(v) for v in column.tolist()], dtype=object)


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    safe_frame(df).to_csv(buf, index=False, lineterminator="\r\n")
    return (BOM + buf.getvalue()).encode("utf-8")


def to_xlsx_bytes(df: pd.DataFrame, sheet_title: str = "Export") -> bytes:
    from openpyxl import Workbook

    from .workbook import write_rows

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title[:31]
    write_rows(ws, [str(c) for c in df.columns], df.itertuples(index=False, name=None))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def file_name(view: str, filter_slug: str, as_of: dt.date | dt.datetime, ext: str = "csv") -> str:
    """'lasdash_jhosc_hcp-SWL_2026-11-23.csv': the view, the filter and the snapshot date."""
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    return f"lasdash_{view}_{filter_slug}_{as_of.isoformat()}.{ext}"
