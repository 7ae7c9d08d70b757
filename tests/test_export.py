import datetime as dt

import pandas as pd
import pytest

from lasdash.export import BOM, file_name, neutralise, to_csv_bytes


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("\nx", "'\nx"),
    ("Sarah Blow", "Sarah Blow"), ("O'Brien", "O'Brien"), ("", ""), (5, 5), (-3, -3), (None, None),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_csv_has_bom_neutralised_cells_and_headers_and_uk_dates():
    df = pd.DataFrame({"=HEADER": ["=cmd|' /C calc'!A0", "£1,000 O’Brien"], "Due": [dt.date(2023, 3, 31), None],
                       "N": pd.array([1, None], dtype="Int64")})
    data = to_csv_bytes(df)
    assert data.startswith(BOM.encode("utf-8"))
    text = data.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "'=HEADER,Due,N"
    assert lines[1] == "'=cmd|' /C calc'!A0,31/03/2023,1"
    assert "£1,000 O’Brien" in lines[2]


@pytest.mark.parametrize("view, slug, as_of, expected", [
    ("jhosc", "hcp-SWL", dt.date(2026, 11, 23), "lasdash_jhosc_hcp-SWL_2026-11-23.csv"),
    ("people", "all", dt.datetime(2026, 1, 2, 10, 0), "lasdash_people_all_2026-01-02.csv"),
])
def test_file_name_carries_view_filter_and_date(view, slug, as_of, expected):
    assert file_name(view, slug, as_of) == expected
