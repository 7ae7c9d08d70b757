import io
import sys
import unicodedata
import zipfile

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lasdash import export
from lasdash.export import neutralise, to_csv_bytes, to_xlsx_bytes

# (value, what the CSV holds): every way a cell can start a formula in Excel, and what must stay as it is
FORMULA_TABLE = [
    ("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("\nx", "'\nx"),
    # full-width and small forms, which Excel reads as = + - @
    ("\uff1d1+1", "'\uff1d1+1"), ("\uff0b1", "'\uff0b1"), ("\uff20SUM(A1)", "'\uff20SUM(A1)"), ("\uff0dx", "'\uff0dx"),
    ("\ufe661+1", "'\ufe661+1"), ("\ufe621", "'\ufe621"), ("\ufe63x", "'\ufe63x"), ("\ufe6bSUM(A1)", "'\ufe6bSUM(A1)"),
    # a trigger after invisible, bidi or format characters (Cf) and spaces (Zs, Zl, Zp)
    ("\u200d=1+1", "'\u200d=1+1"), ("\u200e=1+1", "'\u200e=1+1"), ("\u2066=1+1", "'\u2066=1+1"),
    ("\u180e=1+1", "'\u180e=1+1"), ("\ufeff=1+1", "'\ufeff=1+1"), ("\u202e=1+1", "'\u202e=1+1"),
    ("\u00ad@x", "'\u00ad@x"), ("\U000e0041+1", "'\U000e0041+1"), (" =1+1", "' =1+1"), ("\u00a0-x", "'\u00a0-x"),
    ("\u3000\uff1d1", "'\u3000\uff1d1"), ("\u2028=1", "'\u2028=1"), ("\u2029=1", "'\u2029=1"),
    ("\u200b \u2060\u00a0=1", "'\u200b \u2060\u00a0=1"), ("\u200d\tx", "'\u200d\tx"),
    # not formulas: text, a trigger later in the cell, other lookalikes, and numbers (which stay numbers)
    ("Sarah Blow", "Sarah Blow"), ("O'Brien", "O'Brien"), ("", ""), ("a=1", "a=1"), ("\u200dSarah", "\u200dSarah"),
    ("\u2212x", "\u2212x"), (" x", " x"), ("\u00e9=1", "\u00e9=1"),
    (5, 5), (-3, -3), (-0.5, -0.5), (None, None),
]


@pytest.mark.parametrize("value, expected", FORMULA_TABLE)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
def test_whole_text_columns_are_guarded_as_each_cell_is(storage):
    """safe_frame checks a text column in one go (Python's re or Arrow's RE2, by storage): the same answers."""
    texts = [v for v, _ in FORMULA_TABLE if isinstance(v, str)]
    got = export.safe_frame(pd.DataFrame({"t": pd.array(texts, dtype=pd.StringDtype(storage))}))["t"].tolist()
    assert got == [neutralise(v) or None for v in texts]


def test_the_invisible_characters_list_covers_unicode():
    """Every format character (Cf) and space or separator (Zs, Zl, Zp) this Python knows may stand before a trigger."""
    missed = [f"U+{c:04X}" for c in range(sys.maxunicode + 1)
              if unicodedata.category(chr(c)) in ("Cf", "Zs", "Zl", "Zp") and not export.is_formula_like(chr(c) + "=1")]
    assert missed == []


LEADING = st.text(st.characters(categories=["Cf", "Zs", "Zl", "Zp"]), max_size=5)
TRIGGERS = st.sampled_from(list("=+-@\t\r\n") + list(export.WIDE_TRIGGERS))


@settings(max_examples=300, deadline=None, database=None)
@given(LEADING, TRIGGERS, st.text(max_size=10))
def test_any_trigger_after_invisible_characters_is_neutralised(leading, trigger, rest):
    value = leading + trigger + rest
    assert neutralise(value) == "'" + value
    csv = to_csv_bytes(pd.DataFrame({"t": [value]})).decode("utf-8-sig")
    assert csv.startswith(("t\r\n\"'", "t\r\n'"))  # quoted when it holds a comma, quote or CR/LF


def test_xlsx_stores_formula_like_text_as_text():
    """In an xlsx a text cell is never a formula, whatever its first character: written as a string, no <f>."""
    values = [v for v, _ in FORMULA_TABLE if isinstance(v, str) and v]
    data = to_xlsx_bytes(pd.DataFrame({"\uff1dhead": values}))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    # (a lone CR comes back as LF: XML reads line ends so, whatever the first character)
    assert [(c.value, c.data_type) for c in ws["A"]] == [("\uff1dhead", "s")] + [(v.replace("\r", "\n"), "s")
                                                                                for v in values]
