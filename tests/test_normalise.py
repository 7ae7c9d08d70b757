import datetime as dt

import pytest

from lasdash import normalise
from lasdash.normalise import (
    canonical_choice,
    clean_text,
    describe_character,
    header_key,
    hidden_characters,
    match_key,
    mixed_script_words,
    name_key,
    name_words,
    parse_date,
    parse_int,
    skeleton,
    visible,
    within_one_edit,
)


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


# --- lookalikes: TR39 skeletons, hidden characters, mixed scripts (issue 21) -----------------------------
@pytest.mark.parametrize("a, b, alike", [
    ("Angela Bh\u0430n", "Angela Bhan", True),  # Cyrillic a
    ("\u0391ngela", "Angela", True),  # Greek capital alpha
    ("Ian", "lan", True), ("l1I|", "llll", True), ("0", "O", True), ("rn", "m", True),
    ("Tom Coffey", "Tom Coffey", True),
    ("Bhan", "Bhen", False), ("Angela", "angela", False),  # the skeleton keeps case; name_key folds it
    ("caf\u00e9", "cafe\u0301", True), ("caf\u00e9", "cafe", False),
])
def test_skeleton_is_equal_for_strings_that_look_alike(a, b, alike):
    assert (skeleton(a) == skeleton(b)) is alike


@pytest.mark.parametrize("a, b", [
    ("ANGELA BH\u0410N", "Angela Bhan"), ("Angela  Bh\u00e1n", "angela bhan"), ("Graham MacKenzie", "Graham Mackenzie"),
    ("John O\u2019Brien", "John O'Brien"), ("Mac Kenzie", "MacKenzie"), ("Zoe Le1liott", "Zoe Lelliott"),
])
def test_name_key_drops_case_accents_spacing_punctuation_and_lookalike_letters(a, b):
    assert name_key(a) == name_key(b)


def test_name_words_keep_the_words():
    assert name_words("Dr  Jonty Heaversedge") == ["dr", "jonty", "heaversedge"]


@pytest.mark.parametrize("text, found", [
    ("Tom Coffey", []), ("Jos\u00e9", []), ("\U0001f469\u200d\u2695", [(2, "\u200d")]),
    ("\u202eyeffoC moT", [(1, "\u202e")]), ("Tom Cof\u00adfey", [(8, "\u00ad")]),
    ("a\u2066b\u2069", [(2, "\u2066"), (4, "\u2069")]), ("\ufeffx\u200b", [(1, "\ufeff"), (3, "\u200b")]),
    ("x\u2060\u200c\u200e\u200f\u061c", [(2, "\u2060"), (3, "\u200c"), (4, "\u200e"), (5, "\u200f"), (6, "\u061c")]),
    ("\u3164\u115f", [(1, "\u3164"), (2, "\u115f")]),  # Hangul fillers: letters that draw nothing
])
def test_hidden_characters_with_their_positions(text, found):
    assert hidden_characters(text) == found


def test_hidden_characters_are_described_and_made_visible():
    assert describe_character("\u202e") == "U+202E RIGHT-TO-LEFT OVERRIDE"
    assert describe_character("\u00ad") == "U+00AD SOFT HYPHEN"
    assert visible("\u202eyeffoC moT") == "<U+202E>yeffoC moT"
    assert visible("Tom Coffey") == "Tom Coffey"


@pytest.mark.parametrize("text, mixed", [
    ("Angela Bh\u0430n", [(8, "Bh\u0430n", {"LATIN": [(8, "B"), (9, "h"), (11, "n")], "CYRILLIC": [(10, "\u0430")]})]),
    ("Angela Bhan", []), ("Jos\u00e9 \u00c1lvarez", []), ("\u0410\u043d\u0433\u0435\u043b\u0430", []),  # all Cyrillic
    ("\u6771\u4eac\u30bf\u30ef\u30fc", []), ("Tokyo\u30bf\u30ef\u30fc", []),  # Japanese mixes (TR39 allows them)
    ("Bh\u0430n-Smith O\u2019Brien 3rd", [(1, "Bh\u0430n", {"LATIN": [(1, "B"), (2, "h"), (4, "n")],
                                                              "CYRILLIC": [(3, "\u0430")]})]),
    ("\u03b1lpha", [(1, "\u03b1lpha", {"GREEK": [(1, "\u03b1")], "LATIN": [(2, "l"), (3, "p"), (4, "h"), (5, "a")]})]),
])
def test_mixed_script_words(text, mixed):
    assert mixed_script_words(text) == mixed


@pytest.mark.parametrize("a, b, near", [
    ("bhan", "bahn", True), ("elliott", "lelliott", True), ("cheung", "chung", True), ("john", "kohn", True),
    ("abc", "abc", True), ("abcd", "acbd", True), ("abcd", "adcb", False), ("abc", "xyz", False),
    ("heaversedge", "heversedge", True), ("abc", "abcde", False), ("", "a", True),
])
def test_within_one_edit(a, b, near):
    assert within_one_edit(a, b) is near and within_one_edit(b, a) is near


def test_the_ascii_skeletons_are_the_tables():
    """normalise keeps the ASCII characters' TR39 prototypes as a constant, so a map of ASCII names is checked without
    loading confusable-homoglyphs' data: it must be exactly what that data gives."""
    assert normalise.ascii_skeleton_map() == {chr(k): v for k, v in normalise._skeleton_table().items() if k < 128}
