"""Meeting briefs (issue 23): what a brief says, that every subject of the bundled map fits two pages, that map text
stays text in the PDF, and that the PDF is tagged PDF/UA-1.

PDFs are made in-process on the shared bundled-map connection; poppler's pdftotext and pdfinfo read a sample back
(the page count of the rest comes from the PDF's own page objects, which is much faster than a process each).
pdftotext -raw keeps the text in the order typst laid it out, so a table cell's lines stay together."""
import datetime as dt
import json
import os
import re
import subprocess
import sys
import types
import unicodedata

import hostile_text as H
import pandas as pd
import pytest

from lasdash import brief, cli, config, queries
from lasdash import schema as S
from lasdash.defaults import load_seed_tables

MADE_AT = dt.datetime(2026, 12, 6, 14, 5, tzinfo=dt.UTC)
MANIFEST = types.SimpleNamespace(id="20261206T140000Z-test01", created_at=dt.datetime(2026, 12, 6, 14, 0, tzinfo=dt.UTC))
PAGE = re.compile(rb"/Type\s*/Page\b")  # a page object ("/Pages" is their tree)
SEED = load_seed_tables()
EVERY = ([("forum", i) for i in SEED["Forums"]["id"]] + [("organisation", i) for i in SEED["Organisations"]["id"]]
         + [("person", i) for i in SEED["People"]["id"]] + [("hcp", c) for c in S.HCP_CODES])


def pdftotext(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def pdfinfo(pdf: bytes) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line) | {"": ""}


def flat(text: str) -> str:
    """Text with all whitespace removed: a PDF wraps lines wherever it likes."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def made(map_con):
    """brief -> (data, pdf) for the bundled map, each made once; all in one batch (each view read once)."""
    cache = {}
    with brief.batch(map_con):
        def make(kind: str, name: str):
            if (kind, name) not in cache:
                subject = brief.resolve(map_con, kind, name)
                data = brief.build(map_con, subject, manifest=MANIFEST, made_by="Test Executive", made_at=MADE_AT)
                cache[kind, name] = data, brief.render_pdf(data)
            return cache[kind, name]
        yield make


# --- what a brief says ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind, name, summary, text", [
    ("forum", "Outer NE London JHOSC",
     ["chair Cllr Eileen Keller (LB Barking & Dagenham)", "vice chair not known", "no engagement recorded"],
     ["Cllr Eileen Keller", "Vice Chair not known", "Not given in Chart 5"]),
    ("forum", "Inner NE London JHOSC", ["chair not known, vice chair not known"],
     ["Chair Not known", "Vice Chair Not known", "Chair not known", "Vice Chair not known",
      "A new chair and vice chair were elected at the February 2019 meeting (minutes not yet available)"]),
    ("forum", "NW London JHOSC", ["chair Cllr Mel Collins (LB Hounslow)", "vice chair Cllr Lorraine Dean"],
     ["Who sits there", "LAS in the room", "What the map does not know", "000 · Stakeholder engagement report"]),
    ("person", "Jonty Heversedge", ["Dr Jonty Heaversedge: 4 seats on the map"],
     ["also spelled Jonty Heversedge", "Southwark CCG", "Where they sit"]),
    ("hcp", "NE London", ["North East London: partnership East London Health and Care Partnership",
                          "Outer NE London JHOSC chaired by Cllr Eileen Keller"],
     ["Rob Whiteman", "Jane Milligan", "Professor Sir Sam Everington", "Cllr Eileen Keller",
      "Inner NE London JHOSC", "Health and Wellbeing Boards"]),
    ("organisation", "GLA", ["Greater London Authority / Mayor of London:", "6 open recommendations, 6 overdue"],
     ["Health Committee letter 20 Feb 2023", "also known as Mayor of London"]),
])
def test_a_brief_says_what_the_map_says(made, kind, name, summary, text):
    data, pdf = made(kind, name)
    for phrase in summary:
        assert phrase in data["summary"], data["summary"]
    shown = flat(pdftotext(pdf))
    for phrase in summary + text:
        assert flat(phrase) in shown, phrase


def test_a_brief_is_plain_data_in_the_agreed_shape(made):
    data, _ = made("hcp", "NEL")
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"kind", "title", "subtitle", "summary", "snapshot_id", "as_of", "made_by", "made_at",
                         "sections", "sources"}
    assert (data["kind"], data["title"], data["snapshot_id"], data["as_of"], data["made_at"]) == \
           ("hcp", "North East London", MANIFEST.id, "06 Dec 2026", "06 Dec 2026 14:05")
    for section in data["sections"]:
        assert set(section) == {"heading", "columns", "rows", "more", "note"}
        assert isinstance(section["more"], int) and section["more"] >= 0
        assert all(len(row) == len(section["columns"]) for row in section["rows"])
        assert all(cell is None or isinstance(cell, str) for row in section["rows"] for cell in row)
    assert data["sources"] and all(isinstance(s, str) for s in data["sources"])


def test_a_cut_list_says_how_many_more(made):
    data, pdf = made("hcp", "NEL")
    recs = next(s for s in data["sections"] if s["heading"] == "Open recommendations")
    open_recs = int((~SEED["Recommendations"]["status"].isin(brief.CLOSED)).sum())
    assert recs["more"] > 0 and len(recs["rows"]) + recs["more"] == open_recs  # every open one: shown or counted
    assert f"and {recs['more']} more (see the dashboard)" in pdftotext(pdf)


def test_the_latest_engagement_comes_first_and_gaps_stay_gaps(made):
    data, _ = made("organisation", "ORG-gla")
    engagement = next(s for s in data["sections"] if s["heading"] == "Engagement")
    assert engagement["rows"][0][0] == "June 2022 - March 2023"  # a period counts to its last day, 31 Mar 2023
    assert "Next planned contact: none ahead (the last planned was 31 Mar 2023)" in engagement["note"]
    room = next(s for s in data["sections"] if s["heading"] == "LAS in the room")
    assert room["rows"] == [["Not recorded", "No interval set", "Not set", "Not recorded in its 5 engagements"]]
    gaps = [row[0] for row in next(s for s in data["sections"] if s["heading"] == "What the map does not know")["rows"]]
    assert {"No LAS relationship owner", "No contact interval", "No target engagement level"} <= set(gaps)


# --- every subject fits -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind, row_id", EVERY, ids=[f"{k}:{i}" for k, i in EVERY])
def test_every_subject_renders_on_at_most_two_pages(made, kind, row_id):
    _, pdf = made(kind, row_id)
    assert pdf.startswith(b"%PDF-") and 1 <= len(PAGE.findall(pdf)) <= 2


@pytest.mark.parametrize("kind, name, pages", [("forum", "NW London JHOSC", 1), ("hcp", "NEL", 1),
                                                ("forum", "FOR-hlp-urgent-emergency-care", 2)])
def test_pdfinfo_agrees_and_the_pdf_is_tagged_with_a_title(made, kind, name, pages):
    data, pdf = made(kind, name)
    info = pdfinfo(pdf)
    assert int(info["Pages"]) == len(PAGE.findall(pdf)) == pages
    assert info["Tagged"].strip() == "yes"
    assert info["Title"].strip() == f"{data['title']} – meeting brief"
    assert info["Page size"].strip().startswith("595.276 x 841.89")  # A4


def test_the_pdf_declares_pdf_ua_1_english_and_real_tables(made):
    _, pdf = made("forum", "Outer NE London JHOSC")
    assert b"<pdfuaid:part>1</pdfuaid:part>" in pdf  # the XMP metadata: PDF/UA-1
    assert re.search(rb"/Lang\s*\(en-GB\)", pdf)
    # typst checks PDF/UA-1 as it compiles and refuses a PDF that breaks it: that compile ran above, and this is it
    tags = set(re.findall(rb"/S\s*/(\w+)", pdf))
    assert {b"H1", b"H2", b"Table", b"THead", b"TH", b"TR", b"TD", b"L", b"LI"} <= tags  # headings, real tables
    assert re.search(rb"/Scope\s*/Column", pdf)  # header cells head their columns


# --- map text is data -------------------------------------------------------------------------------------------
ACTIVE = (rb"/JavaScript", rb"/JS\b", rb"/EmbeddedFile", rb"/Launch", rb"/URI", rb"/Subtype\s*/Link")


def assert_inert(pdf: bytes) -> None:
    for pattern in ACTIVE:
        assert not re.search(pattern, pdf), pattern


@pytest.fixture(scope="module")
def hostile_con(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-briefs")
    store, manifest = H.publish(root)
    return queries.connect(store, store.current_id()), manifest


HOSTILE_SUBJECTS = [("forum", "FOR-jhosc-nwl"), ("person", H.CHAIR_ID), ("organisation", "ORG-gla"), ("hcp", "NWL"),
                    ("organisation", "ORG-hlp"), ("forum", "FOR-hlp-cancer"), ("hcp", "NEL"), ("hcp", "SEL")]


def test_hostile_map_text_prints_literally_and_nothing_is_live(hostile_con):
    con, manifest = hostile_con
    seen = set()
    for kind, row_id in HOSTILE_SUBJECTS:
        data = brief.build(con, brief.resolve(con, kind, row_id), manifest=manifest, made_by=H.AUTHOR, made_at=MADE_AT)
        pdf = brief.render_pdf(data)
        assert_inert(pdf)
        shown = flat(pdftotext(pdf))
        for marker, payload in H.LITERALS.items():
            if marker in shown:
                assert flat(payload) in shown, (kind, row_id, marker)  # a marker without its payload was rendered
                seen.add(marker)
    assert {m for m, _ in H.PAYLOADS} | {"HX16"} <= seen  # every kind of markup, and the author


@pytest.mark.parametrize("value", ['#read("/etc/passwd")', "<script>alert(1)</script>", '#image("x")',
                                   '#import "@preview/x:0.1.0": *', "#{1+1}", "$x^2$", "] #panic() [", "\\u{41}",
                                   '#let x = read("brief.typ")', "= heading", "*strong* _emph_ `raw` <label> @ref"])
def test_markup_in_any_field_prints_as_text(value):
    data = {"kind": "forum", "title": value, "subtitle": value, "summary": value, "snapshot_id": value,
            "as_of": value, "made_by": value, "made_at": value, "sources": [value],
            "sections": [{"heading": value, "columns": [value, "B"], "rows": [[value, None]], "more": 1,
                          "note": value}]}
    pdf = brief.render_pdf(data)
    assert_inert(pdf)
    shown = flat(pdftotext(pdf))
    assert shown.count(flat(value)) >= 9 and "root:" not in shown and "MEETINGBRIEF" in shown


# --- characters no font has -------------------------------------------------------------------------------------
def test_a_character_no_font_has_never_fails_the_brief():
    data = {"kind": "person", "title": "Ἀθηνᾶ Жукова", "subtitle": "", "summary": "Linear B \U00010000, private "
            "use \ue000, an emoji \U0001F600, Chinese 中文, a BOM \ufeff and a bell \x07 here", "snapshot_id": "S",
            "as_of": "1 Jan 2026", "made_by": "X", "made_at": "1 Jan 2026 10:00", "sources": [], "sections": []}
    shown = pdftotext(brief.render_pdf(data))
    assert "Ἀθηνᾶ Жукова" in shown  # Greek and Cyrillic: the shipped font has them
    for code in ("[U+10000]", "[U+E000]", "[U+1F600]", "[U+4E2D][U+6587]"):
        assert code in shown
    assert "a BOM and a bell here" in " ".join(shown.split())


def test_every_character_renders_one_way_or_another():
    every = "".join(chr(c) for c in [*range(0x3000), *range(0x1F300, 0x1F320), 0xE0041, 0x10FFFD]
                    if unicodedata.category(chr(c)) != "Cn")
    data = {"kind": "person", "title": "T", "subtitle": "", "summary": every, "snapshot_id": "S", "as_of": "a",
            "made_by": "m", "made_at": "t", "sources": [], "sections": []}
    assert brief.render_pdf(data).startswith(b"%PDF-")  # PDF/UA-1 checked, nothing refused


@pytest.mark.parametrize("text, expected", [
    ("plain", "plain"), ("Zoë O’Brien – Ἀθηνᾶ", "Zoë O’Brien – Ἀθηνᾶ"), ("a\tb\nc", "a b c"),
    ("x\ufeffy\x00z\u2066\ufe0f", "xyz"), ("\U00010000", "[U+10000]"), ("\ue000!", "[U+E000]!"),
    ("a\u2028b", "a b"),
])
def test_printable(text, expected):
    assert brief.printable(text) == expected


def test_the_shipped_fonts_cover_latin_greek_and_cyrillic_and_carry_their_licence():
    covered = brief.drawable()
    for block in ((0x20, 0x7E), (0xA0, 0x17F), (0x391, 0x3C9), (0x410, 0x44F)):
        assert set(range(*block)) - {0x3A2} <= covered, block  # U+03A2 is unassigned
    fonts = brief.BRIEFS_DIR / brief.FONTS
    assert {p.name for p in fonts.iterdir()} == {"LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "OFL.txt"}
    assert "SIL OPEN FONT LICENSE" in (fonts / "OFL.txt").read_text()
    assert {p.name for p in brief.BRIEFS_DIR.iterdir()} == {"brief.typ", "fonts"}  # the compile root holds no more


# --- finding a subject ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind, text, expected", [
    ("forum", "FOR-jhosc-outer-nel", "FOR-jhosc-outer-nel"),
    ("forum", "  outer ne LONDON   jhosc ", "FOR-jhosc-outer-nel"),
    ("forum", "for-jhosc-outer-nel", "FOR-jhosc-outer-nel"),
    ("person", "Jonty Heversedge", "PER-jonty-heaversedge"),  # an alias
    ("person", "dr jonty heaversedge", "PER-jonty-heaversedge"),  # title and name
    ("person", "John O'Brien", "PER-john-obrien"),  # straight quote for the curly one
    ("organisation", "GLA", "ORG-gla"),
    ("hcp", "NE London", "NEL"), ("hcp", "nel", "NEL"), ("hcp", "North East London", "NEL"),
])
def test_resolve_reads_ids_names_and_aliases_as_an_upload_does(map_con, kind, text, expected):
    assert brief.resolve(map_con, kind, text).id == expected


def test_an_unknown_name_suggests_the_closest(map_con):
    with pytest.raises(brief.UnknownSubject) as caught:
        brief.resolve(map_con, "forum", "Outer NE Londn JHOSC")
    assert caught.value.suggestions[0].id == "FOR-jhosc-outer-nel" and len(caught.value.suggestions) <= 3
    assert "closest: Outer NE London JHOSC (FOR-jhosc-outer-nel)" in str(caught.value)
    with pytest.raises(brief.UnknownSubject) as caught:
        brief.resolve(map_con, "hcp", "Essex")
    assert len(caught.value.suggestions) <= 3
    with pytest.raises(ValueError):
        brief.resolve(map_con, "board", "x")


def test_an_ambiguous_name_asks_for_the_id(map_con, monkeypatch):
    twins = pd.DataFrame({"id": ["FOR-a", "FOR-b"], "name": ["Twin Board", "Twin Board"], "title": [None, None],
                          "aliases": [None, None]})
    monkeypatch.setattr(brief, "_name_table", lambda v, kind: (
        twins, {i: brief.Subject("forum", i, "Twin Board", None, i) for i in twins["id"]}))
    with pytest.raises(brief.UnknownSubject) as caught:
        brief.resolve(map_con, "forum", "twin board")
    assert [s.id for s in caught.value.suggestions] == ["FOR-a", "FOR-b"]
    assert "names 2 forums: Twin Board (FOR-a), Twin Board (FOR-b); give the ID" in str(caught.value)


def test_subjects_lists_the_map_and_the_five_hcps(map_con):
    found = brief.subjects(map_con)
    assert len(found) == len(EVERY) and {(s.kind, s.id) for s in found} == set(EVERY)
    keller = next(s for s in found if s.id == "PER-eileen-keller")
    assert keller.name == "Cllr Eileen Keller"
    assert next(s for s in found if s.id == "FOR-jhosc-outer-nel").detail == "JHOSC · NEL"
    assert next(s for s in found if s.id == "NEL") == brief.Subject(
        "hcp", "NEL", "North East London", "NEL; NE London", "HCP footprint · East London Health and Care Partnership")


# --- the CLI ----------------------------------------------------------------------------------------------------
def test_cli_writes_the_brief_of_a_person_given_by_alias(data_dir, tmp_path, capsys):
    out = tmp_path / "brief.pdf"
    assert cli.main(["brief", "person", "Jonty Heversedge", "-o", str(out), "--by", "Jo Exec"]) == cli.OK
    assert "Dr Jonty Heaversedge (PER-jonty-heaversedge)" in capsys.readouterr().err
    pdf = out.read_bytes()
    assert pdfinfo(pdf)["Tagged"].strip() == "yes" and "Jo Exec" in pdftotext(pdf)


def test_cli_unknown_name_exits_2_with_suggestions_and_no_traceback(data_dir, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "lasdash", "brief", "forum", "NW Londn JHOSC", "-o",
                           str(tmp_path / "x.pdf")], capture_output=True, text=True, cwd=config.REPO_ROOT, check=False,
                          timeout=120, env={**os.environ, "LASDASH_DATA_DIR": str(data_dir)})
    assert proc.returncode == cli.UNREADABLE and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("lasdash: no forum on the map has the ID, name or alias 'NW Londn JHOSC'; closest: "
                                  "NW London JHOSC (FOR-jhosc-nwl)")
    assert not (tmp_path / "x.pdf").exists()


def test_typst_loads_only_for_a_pdf():
    code = "import sys, lasdash.cli, lasdash.brief; print('typst' in sys.modules, 'streamlit' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=config.REPO_ROOT,
                          check=True)
    assert proc.stdout.split() == ["False", "False"]


# --- pure helpers -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, expected", [
    (None, None), (float("nan"), None), (pd.NA, None), (pd.NaT, None), ("", None), ("  a \n b ", "a b"),
    (dt.date(2023, 3, 31), "31 Mar 2023"), (pd.Timestamp("2023-01-24"), "24 Jan 2023"), (5.0, "5"), (1346, "1346"),
])
def test_cell_text(value, expected):
    assert brief.cell_text(value) == expected


def test_a_very_long_cell_is_cut_saying_so():
    out = brief.cell_text("word " * 1000)
    assert len(out) < brief.LONGEST_CELL + 80 and out.endswith("(cut here: the whole text is on the dashboard)")


@pytest.mark.parametrize("rows, limit, shown, more", [(5, 4, 5, 0), (6, 4, 4, 2), (0, 4, 0, 0), (4, 4, 4, 0)])
def test_cut_shows_one_over_rather_than_saying_one_more(rows, limit, shown, more):
    got, left = brief.cut(list(range(rows)), limit)
    assert (len(got), left) == (shown, more) and len(got) + left == rows


@pytest.mark.parametrize("items, expected", [([], ""), (["A"], "A"), (["A", "B"], "A and B"),
                                             (["A", None, "B", "C"], "A, B and C")])
def test_and_list(items, expected):
    assert brief.and_list(items) == expected


@pytest.mark.parametrize("labels, expected", [([], None), (["a", "b"], "a; b"), (["a", "b", "c", "d", "e"],
                                                                                  "a; b; c … and 2 more")])
def test_capped(labels, expected):
    assert brief.capped(labels) == expected


@pytest.mark.parametrize("date, period, expected", [(dt.date(2023, 1, 24), "2023", "24 Jan 2023"),
                                                    (None, "June 2022 - March 2023", "June 2022 - March 2023"),
                                                    (None, None, None)])
def test_when(date, period, expected):
    assert brief.when(date, period) == expected


@pytest.mark.parametrize("dates, expected", [
    ([], "none recorded"), ([None], "none recorded"),
    ([dt.date(2026, 12, 24), dt.date(2027, 1, 5), dt.date(2026, 1, 1)], "24 Dec 2026"),
    ([dt.date(2026, 1, 1), dt.date(2025, 6, 1)], "none ahead (the last planned was 01 Jan 2026)"),
])
def test_next_contact(dates, expected):
    assert brief.next_contact(dates, dt.date(2026, 12, 6)) == expected


def _seat(role, holder=None, org=None):
    return {"Role": role, "Holder": holder, "Seat organisation": org, "Holder's organisation": None}


@pytest.mark.parametrize("seats, expected", [
    ([], "no chair recorded"),
    ([_seat("Chair", "Cllr A", "LB X"), _seat("Vice Chair")], "chair Cllr A (LB X), vice chair not known"),
    ([_seat("Chair"), _seat("Vice Chair")], "chair not known, vice chair not known"),
    ([_seat("Co-chair", "A"), _seat("Co-chair", "B")], "co-chairs A and B"),
    ([_seat("Independent Chair", "A")], "independent chair A"),
    ([_seat("Member", "A")], "no chair recorded"),
])
def test_chair_phrase(seats, expected):
    assert brief.chair_phrase(seats) == expected


@pytest.mark.parametrize("rel, expected", [
    (None, "not known"),
    ({"Status": "Never contacted", "Last contact": None, "Contact every (days)": None},
     "Never contacted; no contact interval set"),
    ({"Status": "No interval set", "Last contact": dt.date(2023, 3, 31), "Contact every (days)": None},
     "No interval set; last contact 31 Mar 2023"),
    ({"Status": "Overdue", "Last contact": dt.date(2023, 3, 31), "Contact every (days)": 90},
     "Overdue; last contact 31 Mar 2023; contact every 90 days"),
])
def test_status_words_keep_the_relationships_views_words(rel, expected):
    assert brief.status_words(rel) == expected


@pytest.mark.parametrize("sources, expected", [
    (["000 Chart 5", "000 Chart 5; 000 §3.5", None], ["000 · Report: Chart 5; §3.5"]),
    (["001", "004 Appendix 3 (SEL CCG leads)"], ["001 · Strategy", "004: Appendix 3 (SEL CCG leads)"]),
    (["000 Chart 5 &amp; &#x41;; 001 §2"], ["000 · Report: Chart 5 &amp; &#x41;", "001 · Strategy: §2"]),
    (["Recorded in lasdash by Jo Smith, 01/12/2026", "000 Chart 1"],
     ["000 · Report: Chart 1", "Recorded in lasdash by Jo Smith, 01/12/2026"]),
])
def test_source_lines_name_each_document_once(sources, expected):
    assert brief.source_lines(sources, {"000": "Report", "001": "Strategy"}) == expected


@pytest.mark.parametrize("footprint, expected", [
    ("NEL", queries.Filter(("NEL",), include_wider=False)), ("London", queries.Filter(only_wider=True)),
    ("National", queries.Filter(only_wider=True)), (None, queries.NO_FILTER), ("Elsewhere", queries.NO_FILTER),
])
def test_place_filter(footprint, expected):
    assert brief.place_filter(footprint) == expected


@pytest.mark.parametrize("rows, total, expected", [
    ([{"F": "A"}, {"F": "A"}, {"F": "B"}], 3, "A; B"),
    ([{"F": "A"}, {"F": "B"}, {"F": "C"}, {"F": "D"}], 9, "A; B; C and others (see the Data gaps page)"),
])
def test_among(rows, total, expected):
    assert brief.among(rows, "F", total) == expected


def test_las_in_the_room_names_who_holds_each_role_when_the_team_sheet_says(store):
    """The LAS team sheet puts names to roles: the attendee role and the owner read 'Role (Name)'; a role with no
    name stays a role, and an owner not on the team stays as written."""
    from lasdash import edits, pipeline
    tables = edits.update_team(store.read_all(store.current_id()), {"LT09": {"name": "A. N. Example"}}, "T",
                               dt.date(2026, 12, 6))
    tables = edits.assess_organisations(tables, {"ORG-nwl-hcp": {"las_owner": "Chief Executive; Dr Someone"}})
    assert pipeline.save_edit(store, store.current_id(), tables, author="T").manifest
    con = queries.connect(store, store.current_id())
    data = brief.build(con, brief.resolve(con, "forum", "Partnership Board (NWL)"), manifest=store.current(),
                       made_by="T", made_at=dt.datetime(2026, 12, 6, tzinfo=dt.UTC))
    room = next(s for s in data["sections"] if s["heading"] == "LAS in the room")
    assert room["rows"][0][:2] == ["Chief Executive (Daniel Elkeles); Head of Partnerships (A. N. Example)",
                                   ("Chief Executive (Daniel Elkeles); Dr Someone (for North West London Health and "
                                   "Care Partnership)")]
