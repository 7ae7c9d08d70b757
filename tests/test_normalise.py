import datetime as dt

import pytest

from lasdash.normalise import canonical_choice, clean_text, header_key, match_key, parse_date, parse_int


@pytest.mark.parametrize("raw, expected", [
    (None, ""),
    ("  Sarah   Blow ", "Sarah Blow"),
    ("Sarah\u00a0Blow", "Sarah Blow"),
    ("Sarah\u200bBlow", "SarahBlow"),
    ("line\nbreak\ttab", "line break tab"),
    (5.0, "5"),
    (5.5, "5.5"),
    ("007", "007"),  # numeric-looking text stays text
    ("01234 567890", "01234 567890"),
    (True, "TRUE"),
    (dt.date(2023, 3, 31), "2023-03-31"),
    (dt.datetime(2023, 3, 31, 0, 0), "2023-03-31"),
    (float("nan"), ""),
    ("👩‍⚕️ مرحبا", "👩‍⚕️ مرحبا"),
])
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize("a, b", [
    ("Sub-group ID", "subgroup id"),
    ("Sub-group ID", "  SUB-GROUP   ID "),
    ("Contact every (days)", "contact every days"),
    ("Budget (£)", "budget £"),
])
def test_header_key_matches_regardless_of_case_and_spacing(a, b):
    assert header_key(a) == header_key(b)


def test_header_key_distinguishes_different_headers():
    assert header_key("Person ID") != header_key("Forum ID")


@pytest.mark.parametrize("a, b", [
    ("O’Brien", "O'Brien"),
    ("John O\u2019Brien", "john o'brien"),
    ("Sutton – Merton", "sutton - merton"),
    ("“quoted”", '"quoted"'),
])
def test_match_key_unifies_quotes_dashes_and_case(a, b):
    assert match_key(a) == match_key(b)


@pytest.mark.parametrize("raw, expected", [
    ("03/04/2023", dt.date(2023, 4, 3)),  # UK order: 3 April
    ("3/4/2023", dt.date(2023, 4, 3)),
    ("31/03/2023", dt.date(2023, 3, 31)),
    ("31-03-2023", dt.date(2023, 3, 31)),
    ("31.03.2023", dt.date(2023, 3, 31)),
    ("2023-03-31", dt.date(2023, 3, 31)),
    ("24 January 2023", dt.date(2023, 1, 24)),
    ("24 Jan 2023", dt.date(2023, 1, 24)),
    ("1st March 2019", dt.date(2019, 3, 1)),
    (44926, dt.date(2022, 12, 31)),  # Excel serial
    (44926.0, dt.date(2022, 12, 31)),
    ("44926", dt.date(2022, 12, 31)),
    (dt.date(2023, 1, 24), dt.date(2023, 1, 24)),
    (dt.datetime(2023, 1, 24, 9, 30), dt.date(2023, 1, 24)),
    ("", None),
    (None, None),
    ("29/02/2024", dt.date(2024, 2, 29)),
])
def test_parse_date_accepts_uk_forms(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw, fragment", [
    ("31/02/2023", "not a real date"),
    ("29/02/2023", "not a real date"),
    ("04/13/2023", "US-order"),
    ("31/03/23", "two-digit year"),
    ("next Tuesday", "not a date"),
    ("2023-13-01", "not a real date"),
    (True, "TRUE/FALSE"),
    (0, "out of range"),
    (99999999, "out of range"),
])
def test_parse_date_rejects_with_a_reason(raw, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_date(raw)


@pytest.mark.parametrize("raw, expected", [
    (5, 5), (5.0, 5), ("5", 5), ("1,135,076", 1135076), ("£ 1,135,076", 1135076), ("£2,073,270", 2073270),
    ("  42 ", 42), ("", None), (None, None), ("-3", -3), ("7.0", 7),
])
def test_parse_int(raw, expected):
    assert parse_int(raw) == expected


@pytest.mark.parametrize("raw", ["five", "5.5", 5.5, True, "1e3", "£"])
def test_parse_int_rejects(raw):
    with pytest.raises(ValueError):
        parse_int(raw)


@pytest.mark.parametrize("value, expected", [
    ("nwl", "NWL"), ("NWL", "NWL"), (" swl ", "SWL"), ("london", "London"), ("XYZ", None),
    ("co-produce", "Co-produce"), ("Co\u2013produce", "Co-produce"),
])
def test_canonical_choice(value, expected):
    from lasdash.schema import ENGAGEMENT_LEVELS, FOOTPRINTS
    assert canonical_choice(value, FOOTPRINTS + ENGAGEMENT_LEVELS) == expected


@pytest.mark.parametrize("text, expected", [
    ("June 2022 - March 2023", (dt.date(2022, 6, 1), dt.date(2023, 3, 31))),
    ("June 2022 – March 2023", (dt.date(2022, 6, 1), dt.date(2023, 3, 31))),
    ("Jun 2022 to Mar 2023", (dt.date(2022, 6, 1), dt.date(2023, 3, 31))),
    ("February 2024 - February 2024", (dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
    ("May 2019", (dt.date(2019, 5, 1), dt.date(2019, 5, 31))),
    ("March 2023 - June 2022", None),
    ("sometime", None),
    ("", None),
    (None, None),
])
def test_parse_period(text, expected):
    from lasdash.normalise import parse_period
    assert parse_period(text) == expected


@pytest.mark.parametrize("value, blank", [
    (None, True), ("", True), (float("nan"), True), (__import__("pandas").NA, True), (__import__("pandas").NaT, True),
    (" ", False), ("x", False), (0, False), (False, False), (dt.date(2023, 1, 1), False),
])
def test_is_blank(value, blank):
    from lasdash.normalise import is_blank
    assert is_blank(value) is blank


@pytest.mark.parametrize("period, start, end", [
    ("June 2022 - March 2023", dt.date(2022, 6, 1), dt.date(2023, 3, 31)),
    ("sometime", None, None),
    (None, None, None),
    ("", None, None),
])
def test_with_derived_reads_an_engagements_period_once(period, start, end):
    import pandas as pd

    from lasdash.normalise import with_derived
    df = with_derived("Engagements", pd.DataFrame({"id": ["E1"], "period": [period]}))
    assert (df.loc[0, "period_start"], df.loc[0, "period_end"]) == (start, end)
    assert with_derived("People", df) is df
