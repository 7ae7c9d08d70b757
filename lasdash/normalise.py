"""Turning raw cell values into clean text, dates and numbers.

Pure functions: no I/O, no pandas. Each raises ValueError with a message a person can act on.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from typing import TYPE_CHECKING

from . import schema as S

if TYPE_CHECKING:
    import pandas as pd

_SPACES = re.compile(r"\s+")
# Zero-width space, word joiner and BOM; not ZWJ/ZWNJ, which emoji and some scripts need.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"))
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
                         "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
                         "\u2015": "-", "\u2212": "-"})
# Excel's 1900 date system counts from 30 Dec 1899 (it wrongly treats 1900 as a leap year).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_MAX_SERIAL = 2958465  # 31/12/9999
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def is_blank(value: object) -> bool:
    """None, NaN, pandas NA/NaT or an empty string: a gap, not a value."""
    if value is None or (isinstance(value, str) and value == ""):
        return True
    try:
        return bool(value != value)  # noqa: PLR0124 NaN check, any type: NaN, NaT and pd.NA are not equal to themselves
    except TypeError:  # pd.NA raises on bool()
        return True


def clean_text(value: object) -> str:
    """A cell as trimmed text with whitespace collapsed; blanks become ''.

    Numbers keep the form a person typed: 5.0 -> '5' (Excel stores whole numbers as floats).
    """
    if type(value) is str and value.isascii():  # most cells: no invisible characters, already NFC
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).translate(_INVISIBLE)
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    return _SPACES.sub(" ", text).strip()


# --- characters that hide or reorder text, scripts, lookalikes ------------------------------------------------
# Characters that draw nothing or reorder what follows, so a name holding one reads as another: every format
# character (Unicode category Cf: the soft hyphen, zero-width space, non-joiner and joiner, word joiner, BOM, the
# bidi marks, embeddings, overrides and isolates, invisible operators, tags ...), the combining grapheme joiner and
# the Hangul fillers, which are letters that draw nothing.
_DRAW_NOTHING = frozenset("\u034f\u115f\u1160\u3164\uffa0")


def hidden_characters(text: str) -> list[tuple[int, str]]:
    """(1-based position, character) of each invisible or direction-control character in text."""
    if text.isascii():
        return []
    return [(i, ch) for i, ch in enumerate(text, start=1)
            if ch in _DRAW_NOTHING or unicodedata.category(ch) == "Cf"]


def describe_character(ch: str) -> str:
    """'U+202E RIGHT-TO-LEFT OVERRIDE'."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, '(unnamed)')}"


def visible(text: str) -> str:
    """text with each hidden character written as its code, e.g. '<U+202E>yeffoC moT', for messages."""
    if not (hidden := dict(hidden_characters(text))):
        return text
    return "".join(f"<U+{ord(ch):04X}>" if i in hidden else ch for i, ch in enumerate(text, start=1))


# Scripts that TR39's 'highly restrictive' level lets one word mix: Japanese, Chinese and Korean writing with Latin.
_MIXES_ALLOWED = (frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}), frozenset({"LATIN", "HAN", "BOPOMOFO"}),
                  frozenset({"LATIN", "HAN", "HANGUL"}))
_NO_SCRIPT = frozenset({"COMMON", "INHERITED", "Unknown"})
_WORD = re.compile(r"[^\W\d_]+")  # runs of letters (a mark after a letter is a letter here)


def script_of(ch: str) -> str:
    """The Unicode script of a character ('LATIN', 'CYRILLIC', 'COMMON' ...), from confusable-homoglyphs' data."""
    from confusable_homoglyphs.categories import alias
    return alias(ch)


def mixed_script_words(text: str) -> list[tuple[int, str, dict[str, list[tuple[int, str]]]]]:
    """Each word whose letters come from scripts no one word mixes ('Bh\u0430n': Latin and Cyrillic), as
    (1-based position of the word, the word, script -> its letters as (position, character)); ASCII text has none."""
    if text.isascii():
        return []
    out = []
    for m in _WORD.finditer(text):
        word = m.group()
        if word.isascii():
            continue
        letters: dict[str, list[tuple[int, str]]] = {}
        for i, ch in enumerate(word):
            script = script_of(ch)
            if script not in _NO_SCRIPT:
                letters.setdefault(script, []).append((m.start() + i + 1, ch))
        if len(letters) > 1 and not any(set(letters) <= allowed for allowed in _MIXES_ALLOWED):
            out.append((m.start() + 1, word, letters))
    return out


@functools.cache
def _skeleton_table() -> dict[int, str]:
    """Each confusable character -> its prototype, as in Unicode's confusables.txt (TR39), rebuilt from
    confusable-homoglyphs' data. That data lists, for a character that has a prototype, the prototype alone, and for
    a prototype, every character that maps to it; where a prototype has exactly one such character the two list
    each other and which is the prototype cannot be told, so the pair is mapped to one of them. Skeletons stay equal
    exactly when TR39's are: the pair's other member never occurs in any prototype. The data wraps right-to-left
    characters in U+200E marks for display; they are removed."""
    from confusable_homoglyphs.confusables import confusables_data

    data = {k.replace("\u200e", ""): [e["c"].replace("\u200e", "") for e in v] for k, v in confusables_data.items()}
    proto: dict[str, str] = {}
    for key, targets in data.items():
        if len(key) != 1 or len(targets) != 1:
            continue  # a prototype (of a sequence, or of several characters)
        target = targets[0]
        if len(target) > 1 or len(data.get(target, ())) > 1 or key > target:
            proto[key] = target
    renamed = {k: v for k, v in proto.items() if len(v) == 1 and v not in proto and data.get(v) == [k]}
    return {ord(k): "".join(renamed.get(c, c) for c in v) for k, v in proto.items()}


# The ASCII characters' prototypes, as _skeleton_table() has them (tests/test_cold_cli.py checks that they agree):
# a map whose names are ASCII is then checked without loading confusable-homoglyphs' data (0.08 s a process).
_ASCII_SKELETON = {"`": "'", '"': "''", "|": "l", "1": "l", "I": "l", "0": "O", "%": "\u00ba/\u2080", "m": "rn"}
_ASCII_TABLE = {ord(k): v for k, v in _ASCII_SKELETON.items()}


def ascii_skeleton_map() -> dict[str, str]:
    """The ASCII characters TR39 maps to a prototype: '1' -> 'l', 'm' -> 'rn' ... (for whole-array skeletons)."""
    return dict(_ASCII_SKELETON)


def skeleton(text: str) -> str:
    """TR39's skeleton: two strings that look alike to a reader have the same one ('Bh\u0430n' and 'Bhan')."""
    if text.isascii():  # already NFD; only ASCII characters to look up
        mapped = text.translate(_ASCII_TABLE)
        return mapped if mapped.isascii() else unicodedata.normalize("NFD", mapped)
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", text).translate(_skeleton_table()))


_NOT_ALNUM = re.compile(r"[\W_]+")


def name_words(text: str) -> list[str]:
    """A name's words as compared for lookalikes: case, accents and punctuation dropped, and each letter read as
    its TR39 prototype, so 'ANGELA BH\u0410N', 'Angela Bh\u00e1n' and 'angela bhan' have the same words."""
    folded = clean_text(text).casefold()
    if not folded.isascii():
        folded = "".join(ch for ch in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(ch))
    return _NOT_ALNUM.sub(" ", skeleton(folded)).split()


def name_key(text: str) -> str:
    """name_words run together: spacing does not count either ('Mac Kenzie', 'MacKenzie')."""
    return "".join(name_words(text))


def within_one_edit(a: str, b: str) -> bool:
    """Whether a and b differ by at most one letter added, dropped or changed, or two neighbours swapped."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        return a[i + 1:] == b[i + 1:] or (a[i + 1:i + 2] == b[i:i + 1] and a[i:i + 1] == b[i + 1:i + 2]
                                          and a[i + 2:] == b[i + 2:])
    return a[i:] == b[i + 1:] if la < lb else a[i + 1:] == b[i:]


def header_key(text: object) -> str:
    """Headers match regardless of case, spacing and punctuation: 'Sub-group ID' == 'subgroup id'."""
    return re.sub(r"[^0-9a-z£]", "", clean_text(text).casefold())


def match_key(text: object) -> str:
    """For comparing values: curly quotes and dashes unified, case folded."""
    return clean_text(text).translate(_QUOTES).casefold()


def parse_date(value: object) -> dt.date | None:
    """A UK date from a cell: a real date, an Excel serial number, or text as dd/mm/yyyy.

    Blank -> None. 03/04/2023 is 3 April. Anything else raises ValueError saying why.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError("found TRUE/FALSE, not a date")  # noqa: TRY004 a cell's value, not a caller's type
    if isinstance(value, (int, float)):
        return _from_serial(value)
    text = clean_text(value)
    if not text:
        return None
    if re.fullmatch(r"\d+(\.0+)?", text) and len(text.split(".")[0]) <= 7:
        return _from_serial(float(text))
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})", text)
    if m:
        day, month, year = (int(g) for g in m.groups())
        if len(m.group(3)) != 4:
            raise ValueError(f"'{text}' has a two-digit year; write the year in full, e.g. 31/03/2023")
        if month > 12 and day <= 12:
            raise ValueError(f"'{text}' looks like a US-order date (mm/dd/yyyy); write it as dd/mm/yyyy")
        return _make(year, month, day, text)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?", text)
    if m:
        year, month, day = (int(g) for g in m.groups())
        return _make(year, month, day, text)
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([A-Za-z]{3,9})\.?,? (\d{4})", text)
    if m and m.group(2)[:3].lower() in _MONTHS:
        return _make(int(m.group(3)), _MONTHS[m.group(2)[:3].lower()], int(m.group(1)), text)
    raise ValueError(f"'{text}' is not a date")


def _make(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date (day {day} of month {month} in {year})") from None


def _from_serial(serial: float) -> dt.date:
    if not 1 <= serial <= _EXCEL_MAX_SERIAL:
        raise ValueError(f"{clean_text(serial)} is out of range for an Excel date")
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


_INT64 = 2**63


def parse_int(value: object) -> int | None:
    """A whole number from a cell: 5, 5.0, '5', '1,135,076' and '£ 1,135,076' all work. Blank -> None.

    Numbers beyond 64 bits are refused here: the snapshot stores int64, and converting later crashed.
    """
    number = _whole_number(value)
    if number is not None and not -_INT64 <= number < _INT64:
        raise ValueError(f"'{clean_text(value)}' is too large for a whole number")
    return number


def _whole_number(value: object) -> int | None:
    if isinstance(value, bool):
        raise ValueError("found TRUE/FALSE, not a number")  # noqa: TRY004 a cell's value, not a caller's type
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if not value.is_integer():
            raise ValueError(f"{value!r} is not a whole number")
        return int(value)
    text = clean_text(value)
    if not text:
        return None
    digits = re.sub(r"^£\s*", "", text).replace(",", "")
    m = re.fullmatch(r"(-?\d+)(?:\.0+)?", digits)
    if m:
        if len(m.group(1)) > 20:  # int() of thousands of digits raises an unhelpful error
            raise ValueError(f"'{text}' is too large for a whole number")
        return int(m.group(1))
    raise ValueError(f"'{text}' is not a whole number")


def canonical_choice(value: str, allowed: tuple[str, ...]) -> str | None:
    """The allowed spelling of value, matched without regard to case, quotes or dashes; None if absent."""
    return _choices(allowed).get(match_key(value))


@functools.lru_cache(maxsize=64)
def _choices(allowed: tuple[str, ...]) -> dict[str, str]:
    # keyed once per list, not per cell: validating 37k Roles rows re-keyed the 35 roles for every row
    keys: dict[str, str] = {}
    for a in allowed:
        keys.setdefault(match_key(a), a)
    return keys


_MONTH_YEAR = r"([A-Za-z]{3,9})\.? (\d{4})"


def parse_period(text: object) -> tuple[dt.date, dt.date] | None:
    """'June 2022 - March 2023' -> (1 Jun 2022, 31 Mar 2023): the whole months the period covers.

    For drawing a stated period as a span; no day is claimed that the text does not imply. None if unparseable.
    """
    s = clean_text(text).translate(_QUOTES)
    m = re.fullmatch(_MONTH_YEAR + r"\s*(?:-|to)\s*" + _MONTH_YEAR, s, re.IGNORECASE)
    if not m:
        single = re.fullmatch(_MONTH_YEAR, s, re.IGNORECASE)
        return parse_period(f"{s} - {s}") if single else None
    months = [_MONTHS.get(m.group(i)[:3].lower()) for i in (1, 3)]
    if None in months:
        return None
    try:
        start = dt.date(int(m.group(2)), months[0], 1)
        end_month_first = dt.date(int(m.group(4)), months[1], 1)
        end = (end_month_first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    except (ValueError, OverflowError):  # year 0, or December 9999: no such span
        return None
    return (start, end) if start <= end else None


def with_derived(sheet_name: str, df):
    """A sheet's table with its derived columns worked out: an engagement's Period read once, by parse_period,
    into its first and last day (blank when the period cannot be read)."""
    if sheet_name != "Engagements":
        return df
    import pandas as pd
    periods = df["period"].astype(object).where(df["period"].notna(), None).tolist()
    span_of = {p: parse_period(p) if isinstance(p, str) and p.strip() else None for p in set(periods)}
    spans = [span_of[p] for p in periods]  # once per distinct period: at S100, 30 periods in 3,000 rows
    return df.assign(period_start=pd.Series([s[0] if s else None for s in spans], index=df.index, dtype=object),
                     period_end=pd.Series([s[1] if s else None for s in spans], index=df.index, dtype=object))


def column_dtype(col: S.Column) -> str:
    """The pandas dtype a typed table holds a column in."""
    return {"int": "Int64", "date": "object"}.get(col.type, "string")


def empty_table(sheet: S.Sheet) -> pd.DataFrame:
    import pandas as pd
    return pd.DataFrame({c.name: pd.Series([], dtype=column_dtype(c)) for c in sheet.columns})
