"""Lookalike, invisible and implausible values (issue 21, defect 4): what the validator refuses and warns of.

Names and IDs (keys, references, name/title/aliases) holding a character that draws nothing or reorders text are
refused; a word mixing alphabets, a person who looks like another, an implausible date and a very long text are
warned of. Every message names sheet, row, column, what was found and what is expected.
"""
import datetime as dt

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lasdash import clock, pipeline
from lasdash import schema as S
from lasdash.normalise import describe_character
from lasdash.reader import RawSheet, RawWorkbook
from lasdash.validate import (
    ERROR,
    IDENTITY_COLUMNS,
    WARNING,
    _coarse,
    _may_look_alike,
    is_name_or_id,
    lookalike_people,
    validate,
    validate_tables,
)

TODAY = dt.date(2026, 12, 3)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda now=None: TODAY)


def _person(pid: str, name: str, **more) -> dict:
    return {"id": pid, "name": name, "source": "004 Appendix 2 (synthetic test value)", **more}


def _add_person(tables, pid, name, **more):
    tables["People"] = pd.concat([tables["People"], pd.DataFrame([_person(pid, name, **more)])], ignore_index=True)
    return len(tables["People"]) + 1  # its Excel row


def _set(tables, sheet, key, column, value):
    df = tables[sheet]
    pos = df.index[df["id"] == key][0]
    df[column] = df[column].astype(object)
    df.loc[pos, column] = value
    return int(pos) + 2


def _found(tables):
    """Problems of the map, less those the bundled map already has (none: see test_the_bundled_map_...)."""
    return validate_tables(tables).problems


# --- the table: (what is typed, where) -> (severity, fragments of the message) ----------------------------
# Each case: (id, edit(tables) -> (sheet, row, header), expected [(severity, fragment), ...])
def new_person(name, **more):
    def edit(tables):
        return "People", _add_person(tables, "PER-synthetic-new", name, **more), "Name"
    return edit


def cell(sheet, key, column, value):
    def edit(tables):
        return sheet, _set(tables, sheet, key, column, value), S.sheet(sheet).column(column).header
    return edit


CASES = [
    # lookalikes: another alphabet, case and accents, aliases, typos
    ("cyrillic-a", new_person("Angela Bh\u0430n"), [
        (WARNING, ("'Bh\u0430n' mixes Latin and Cyrillic letters ('\u0430' U+0430 CYRILLIC SMALL LETTER A at "
                   "position 10)")),
        (WARNING, ("The name looks the same as Angela Bhan (PER-angela-bhan), though its letters differ: "
                   "did you mean PER-angela-bhan?"))]),
    ("greek-capital-alpha", new_person("\u0391ngela Bhan"), [
        (WARNING, "mixes Latin and Greek letters ('\u0391' U+0391 GREEK CAPITAL LETTER ALPHA at position 1)"),
        (WARNING, "did you mean PER-angela-bhan?")]),
    ("same-name", new_person("Jonty Heaversedge"), [
        (WARNING, ("The name is the same as Jonty Heaversedge (PER-jonty-heaversedge) (another person with this "
                   "name): did you mean PER-jonty-heaversedge?"))]),
    ("capitals-and-accents", new_person("ANGELA BH\u00c1N"), [
        (WARNING, ("reads the same as Angela Bhan (PER-angela-bhan), apart from capitals, accents, spacing or "
                   "lookalike letters: did you mean PER-angela-bhan?"))]),
    ("an-alias", new_person("Zoe Elliott"), [
        (WARNING, "is the same as 'Zoe Elliott', an alias of Zoe Lelliott (PER-zoe-lelliott)")]),
    ("two-letters-swapped", new_person("Angela Bahn"), [
        (WARNING, "is spelt almost like Angela Bhan (PER-angela-bhan): did you mean PER-angela-bhan?")]),
    ("a-letter-dropped", new_person("Jonty Heaversege"), [
        (WARNING, "is spelt almost like Jonty Heaversedge (PER-jonty-heaversedge)")]),
    ("digit-one-for-l", new_person("Zoe Le1liott"), [(WARNING, "did you mean PER-zoe-lelliott?")]),
    # not lookalikes: one letter in a short word makes another surname; accents alone are not another alphabet
    ("short-word-one-letter", new_person("Peter Jahn"), []),
    ("accented-latin", new_person("Jos\u00e9 \u00c1lvarez"), []),
    ("japanese-mix", new_person("\u6771\u4eac\u30bf\u30ef\u30fc"), []),
    # invisible and direction-control characters in names and IDs: refused, each named with its position
    ("soft-hyphen", new_person("Tom Cof\u00adfey"), [
        (ERROR, "(U+00AD SOFT HYPHEN at position 8)"), (WARNING, "did you mean PER-tom-coffey?")]),
    ("zero-width-joiner", new_person("Tom Cof\u200dfey"), [
        (ERROR, "(U+200D ZERO WIDTH JOINER at position 8)"), (WARNING, "did you mean PER-tom-coffey?")]),
    ("right-to-left-override", new_person("\u202eyeffoC moT"), [
        (ERROR, ("The cell holds an invisible or direction-control character (U+202E RIGHT-TO-LEFT OVERRIDE at "
                 "position 1), so it reads as something it is not and search misses it"))]),
    ("isolates", new_person("\u2066Tom Coffey\u2069"), [
        (ERROR, "(U+2066 LEFT-TO-RIGHT ISOLATE at position 1, U+2069 POP DIRECTIONAL ISOLATE at position 12)"),
        (WARNING, "did you mean PER-tom-coffey?")]),
    ("zero-width-space-in-a-reference", cell("Roles", "R000-001", "person_id", "PER-mark-easton\u200b"), [
        (ERROR, "(U+200B ZERO WIDTH SPACE at position 16)")]),
    ("bom-in-a-key", cell("Organisations", "ORG-lfb", "id", "\ufeffORG-lfb"), [
        (ERROR, "(U+FEFF ZERO WIDTH NO-BREAK SPACE at position 1)")]),
    ("word-joiner-in-a-title", cell("Documents", "001", "title", "Developing\u2060 the LAS strategy"), [
        (ERROR, "(U+2060 WORD JOINER at position 11)")]),
    ("non-joiner-in-an-alias", cell("People", "PER-zoe-lelliott", "aliases", "Zoe\u200c Elliott"), [
        (ERROR, "(U+200C ZERO WIDTH NON-JOINER at position 4)")]),
    ("lrm-in-a-forum-name", cell("Forums", "FOR-london-spb", "name", "London\u200e Board"), [
        (ERROR, "U+200E LEFT-TO-RIGHT MARK at position 7")]),
    ("zwj-in-free-text-is-fine", cell("Forums", "FOR-london-spb", "note", "\U0001f469\u200d\u2695\ufe0f nurse"), []),
    # implausible dates and long text
    ("engagement-in-2099", cell("Engagements", "E001-001", "date", dt.date(2099, 1, 1)), [
        (WARNING, ("The date is more than a year ahead of today, so it is most likely mistyped (found '01/01/2099'). "
                   "Expected a date from 01/01/2000 to 03/12/2027: check the year."))]),
    ("engagement-in-1900", cell("Engagements", "E001-001", "date", dt.date(1900, 1, 1)), [
        (WARNING, "The date is before 2000, so it is most likely mistyped (found '01/01/1900')")]),
    ("engagement-a-year-ahead", cell("Engagements", "E001-001", "date", dt.date(2027, 12, 3)), []),
    ("engagement-on-1-jan-2000", cell("Engagements", "E001-001", "date", dt.date(2000, 1, 1)), []),
    ("due-before-its-document", cell("Recommendations", "REC-001-K1", "due", dt.date(2020, 1, 1)), [
        (WARNING, ("The date is before the date of source document 001 (20/02/2023) (found '01/01/2020'). "
                   "Expected a date on or after 20/02/2023: check the year."))]),
    ("due-on-its-document-date", cell("Recommendations", "REC-001-K1", "due", dt.date(2023, 2, 20)), []),
    ("note-of-5000-characters", cell("Forums", "FOR-london-spb", "note", "x" * 5000), [
        (WARNING, ("The text is 5,000 characters long (found 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (5,000 "
                   "characters)'). Expected at most 2,000 characters"))]),
    ("note-of-2000-characters", cell("Forums", "FOR-london-spb", "note", "x" * 2000), []),
]


@pytest.mark.parametrize("edit, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_lookalike_invisible_and_implausible_values(tables, edit, expected):
    sheet, row, header = edit(tables)
    problems = _found(tables)
    assert all((p.sheet, p.row, p.column) == (sheet, row, header) for p in problems), [str(p) for p in problems]
    for severity, fragment in expected:
        assert any(p.severity == severity and fragment in str(p) for p in problems), \
            (fragment, [str(p) for p in problems])
    assert len(problems) == len(expected), [str(p) for p in problems]


def test_the_bundled_map_gets_no_new_warning():
    """Its recorded variants (Heversedge, Zoe Elliott) are aliases of one person, not lookalikes of another."""
    assert pipeline.check(pipeline.config.default_workbook()).problems == []


def test_the_five_trial_inputs_through_a_workbook(write_workbook, tables):
    """Issue 21's trial: each was accepted without a word; now three are refused and the rest warned of."""
    path = write_workbook(tables)
    wb = openpyxl.load_workbook(path)
    ws = wb["People"]
    rows = {}
    for pid, name in [("PER-angela-bhan-x", "Angela Bh\u0430n"), ("PER-tom-coffey-1", "Tom Cof\u00adfey"),
                      ("PER-tom-coffey-2", "Tom Cof\u200dfey"), ("PER-tom-coffey-3", "\u202eyeffoC moT")]:
        r = rows[pid] = ws.max_row + 1
        for c, v in ((1, pid), (2, name), (8, "004 Appendix 2 (synthetic test value)")):
            ws.cell(row=r, column=c).value = v
    wb["Forums"]["L2"] = "Synthetic note. " * 320
    wb["Engagements"]["B2"], wb["Engagements"]["B3"] = dt.date(2099, 1, 1), "01/01/1900"
    recs = wb["Recommendations"]
    rec_row = next(r for r in range(2, recs.max_row + 1) if recs.cell(r, 2).value == "001")
    recs.cell(rec_row, 9).value = "01/01/2020"
    wb.save(path)
    v = pipeline.check(path)
    got = {(p.severity, p.sheet, p.row, p.column) for p in v.problems}
    assert {(ERROR, "People", rows[f"PER-tom-coffey-{i}"], "Name") for i in (1, 2, 3)} <= got
    assert {(WARNING, "People", rows["PER-angela-bhan-x"], "Name"), (WARNING, "Forums", 2, "Note"),
            (WARNING, "Engagements", 2, "Date"), (WARNING, "Engagements", 3, "Date"),
            (WARNING, "Recommendations", rec_row, "Due")} <= got
    assert not v.ok


# --- the person check the app's form calls -----------------------------------------------------------
def test_lookalike_people_for_the_add_a_person_form(seed_tables):
    people = seed_tables["People"]
    assert lookalike_people("Angela Bh\u0430n", people) == [
        ("The name looks the same as Angela Bhan (PER-angela-bhan), though its letters differ: "
         "did you mean PER-angela-bhan?")]
    assert lookalike_people("Jonty Heversedge", people) == [
        ("The name is the same as 'Jonty Heversedge', an alias of Jonty Heaversedge (PER-jonty-heaversedge) "
         "(another person with this name): did you mean PER-jonty-heaversedge?")]
    assert lookalike_people("Jonty Heaversedge", people, exclude="PER-jonty-heaversedge") == []  # editing oneself
    assert lookalike_people("Ada Testwell", people) == []
    assert lookalike_people("", people) == []


def test_a_pair_is_warned_of_once_on_the_oddly_written_row(tables):
    """The Cyrillic lookalike above the real person still gets the warning, naming the real one."""
    fake = pd.DataFrame([_person("PER-synthetic-fake", "Angela Bh\u0430n")])
    tables["People"] = pd.concat([fake, tables["People"]], ignore_index=True)
    problems = [p for p in _found(tables) if "did you mean" in p.message]
    assert [(p.row, p.value) for p in problems] == [(2, "Angela Bh\u0430n")]
    assert problems[0].expected == ("a name of its own: if this is PER-angela-bhan, use that ID instead (and add this "
                                    "spelling to its Aliases)")


# --- which columns are names and IDs: from the schema -------------------------------------------------
def test_names_and_ids_are_keys_references_and_names():
    checked = {(s.name, c.name) for s in S.SHEETS for c in s.columns if is_name_or_id(s, c)}
    assert ("Roles", "person_id") in checked and ("Documents", "title") in checked
    assert ("People", "aliases") in checked and ("Engagements", "id") in checked
    assert ("People", "background") not in checked and ("Forums", "note") not in checked
    for s in S.SHEETS:
        for c in s.columns:
            assert ((s.name, c.name) in checked) == (c.name == s.key or c.ref is not None
                                                     or c.name in IDENTITY_COLUMNS)


# --- hypothesis: any name or ID with one of these characters anywhere is refused, naming it -------------
HIDDEN = (["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
          + [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)])
PLAIN = st.text(st.characters(exclude_categories=("Cf", "Cs", "Cc", "Co", "Cn"),
                              exclude_characters="\u034f\u115f\u1160\u3164\uffa0"), max_size=20)


def _people_sheet(pid, name, aliases=None):
    rows = [["ID", "Name", "Aliases", "Source"], [pid, name, aliases, "000 synthetic"]]
    return RawWorkbook("x.xlsx", [RawSheet.from_rows("People", True, rows)])


# Bounded: each example validates a workbook (about 0.05 s).
@settings(max_examples=120, deadline=None, database=None)
@given(PLAIN, st.sampled_from(HIDDEN), st.data(), st.sampled_from(["ID", "Name", "Aliases"]))
def test_any_hidden_character_anywhere_in_a_name_or_id_is_refused_and_named(text, hidden, data, header):
    at = data.draw(st.integers(0, len(text)))
    value = text[:at] + hidden + text[at:]
    cells = {"ID": "PER-x", "Name": "Synthetic Person", "Aliases": None} | {header: value}
    v = validate(_people_sheet(cells["ID"], cells["Name"], cells["Aliases"]))
    named = [p for p in v.errors if p.sheet == "People" and p.row == 2 and p.column == header
             and f"{describe_character(hidden)} at position {at + 1}" in p.message]
    assert named, [str(p) for p in v.problems if p.sheet == "People"]
    assert f"<U+{ord(hidden):04X}>" in named[0].value  # shown visibly in the report


@settings(max_examples=50, deadline=None, database=None)
@given(PLAIN)
def test_names_without_hidden_characters_are_not_refused_for_them(text):
    v = validate(_people_sheet("PER-x", text or "x"))
    assert not [p for p in v.problems if "direction-control" in p.message]


# --- the whole-array prefilter agrees with the Python forms -------------------------------------------------
ASCII_NAMES = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=16)


@settings(max_examples=300, deadline=None, database=None)
@given(ASCII_NAMES, ASCII_NAMES)
def test_equal_skeletons_or_keys_mean_equal_coarse_forms(a, b):
    from lasdash.normalise import clean_text, name_key, skeleton
    if skeleton(clean_text(a)) == skeleton(clean_text(b)) or name_key(a) == name_key(b):
        assert _coarse(a) == _coarse(b)
    for form in (skeleton(clean_text(a)), name_key(a)):
        if "%" not in a:
            assert _coarse(form) == _coarse(a)
    arrow = pc.ascii_lower(pa.array([a]))
    from lasdash.validate import _coarse_map
    for char, prototype in _coarse_map():
        arrow = pc.replace_substring(arrow, char, prototype)
    assert pc.replace_substring_regex(arrow, "[^0-9a-z]+", "")[0].as_py() == _coarse(a)


def test_the_prefilter_keeps_every_row_of_a_pair():
    people = pd.DataFrame({"id": [f"P{i}" for i in range(8)],
                           "name": ["Synthetic Person 001", "Synthetic Person OO1", "Synthetic Person 002",
                                    "Tom Coffey", "Synthetic Person 003", "Synthetic Person 0O3", "Person 7", "x 9%"],
                           "aliases": [None, None, None, None, None, None, "Synthetic Person OO2", None]})
    assert _may_look_alike(people).tolist() == [0, 1, 2, 3, 4, 5, 6, 7]
    people.loc[[1, 5, 6], "name"] = ["Synthetic Person 101", "Synthetic Person 103", "Person 8"]
    people["aliases"] = None
    assert _may_look_alike(people).tolist() == [3, 7]  # no digits ('Tom Coffey'), or beyond plain ASCII
