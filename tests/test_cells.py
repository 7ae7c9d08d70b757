"""Cells as columns, the child's wire form (frames of Arrow IPC), and whole-array text cleaning.

The validator's results must not depend on how cells travel or are cleaned: every kind of cell calamine gives
comes back as the same Python value, and cleaned_text is clean_text for every cell.
"""
import datetime as dt
import io
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lasdash.cells import CellColumn, column, columns_of, decode_sheet, encode_sheet, frame, read_frames
from lasdash.normalise import clean_text
from lasdash.validate import cleaned_text

KINDS = [
    ("text and blanks", ["ID", "ORG-lfb", "", None, "  two  spaces "]),
    ("a header above dates", ["From", dt.date(2023, 3, 31), None, dt.date(1900, 1, 1)]),
    ("date-times", ["When", dt.datetime(2023, 3, 31, 14, 3), dt.datetime(2023, 3, 31)]),
    ("numbers", ["Budget (£)", 1135076.0, 5.5, float("nan"), 7]),
    ("whole numbers beyond 64 bits", ["Big", 2**70, -2**65, 3]),
    ("TRUE is not 1", ["Flag", True, 1, 1.0, False, 0]),
    ("times and durations", ["At", dt.time(9, 30), dt.timedelta(days=2, hours=3)]),
    ("nothing", [None, None]),
]


def _nan(v) -> bool:
    return isinstance(v, float) and math.isnan(v)


def _same(a, b) -> bool:
    """Equal values of the same type (NaN equals NaN)."""
    return len(a) == len(b) and all(type(x) is type(y) and (x == y or _nan(x) and _nan(y))
                                    for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("kind, cells", KINDS, ids=[k for k, _ in KINDS])
def test_every_kind_of_cell_comes_back_as_it_went(kind, cells):
    rows = [[c, "x"] for c in cells]
    decoded = decode_sheet(encode_sheet(rows))
    assert _same(decoded[0].values(), cells)
    assert all(_same([decoded[0].value(i)], [c]) for i, c in enumerate(cells))
    assert _same(column(list(cells)).values(), cells)


def test_text_columns_stay_arrow_and_mixed_ones_are_split_by_kind():
    text, mixed = columns_of([["ID", "From"], ["ORG-1", dt.date(2023, 1, 1)]])
    assert text.text is not None and text.parts is None
    assert mixed.text is None and set(mixed.parts) == {"s", "d"}


def test_rows_of_different_lengths_are_padded_with_empty_cells():
    columns = columns_of([["a", "b", "c"], ["d"]])
    assert [c.values() for c in columns] == [["a", "d"], ["b", None], ["c", None]]


def test_a_value_no_arrow_type_holds_stays_a_python_value():
    huge = dt.timedelta(days=999_999_999)
    col = column(["Wait", huge])
    assert col.text is None and col.parts is None and col.values() == ["Wait", huge]


def test_frames_read_back_in_order_and_a_cut_stream_is_an_error():
    data = frame({"name": "People"}, b"abc") + frame({"properties": {}})
    assert list(read_frames(io.BytesIO(data))) == [({"name": "People"}, b"abc"), ({"properties": {}}, b"")]
    for cut in (3, 12, len(data) - 1):
        with pytest.raises(EOFError):
            list(read_frames(io.BytesIO(data[:cut])))


UNTIDY = ["plain", "  lead", "trail  ", "in  side", "tab\there", "line\nbreak", "\x0bvt\x0c", "\x1cfs\x1f",
          "caf\u00e9", "cafe\u0301", "nb\u00a0sp", "zero\u200bwidth", "\ufeffbom", "em\u2003space", "", "   ",
          "\u2060", "\u3000ideographic\u3000", "r\u00e9sum\u00e9  twice", "\u00a0"]


@pytest.mark.parametrize("text", UNTIDY)
def test_cleaned_text_is_clean_text(text):
    assert cleaned_text(CellColumn(text=column([text, None]).text)).to_pylist() == [clean_text(text), ""]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(), st.text(alphabet=" \t\n\x0b\x0c\r\x1c\x1d\x1e\x1fab\u00a0\u2060"),
                          st.floats(), st.integers(), st.booleans(), st.dates()), max_size=20))
def test_cleaned_text_is_clean_text_for_any_cells(cells):
    assert cleaned_text(column(cells)).to_pylist() == [clean_text(c) for c in cells]
