"""The calendar of reminders (.ics, RFC 5545): built with icalendar, read back by icalendar and by a second,
independent parser (vobject); stable UIDs, DTSTAMP always, SEQUENCE rising when the map or the day moves on, and
map text that can never start a property or an event. The intervals and dates here are SYNTHETIC."""
import datetime as dt
import time

import icalendar
import pytest
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser import Contentline

from lasdash import cli, clock, edits, pipeline, queries, reminders

TODAY = dt.date(2026, 12, 2)
HOSTILE = "Evil Org\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Injected;X-ALARM=1,\\n"


@pytest.fixture
def due_map(store, monkeypatch):
    """LFB overdue (last contact a period ending 31/03/2023, every 30 days), Camden CCG never contacted with an
    interval, a planned contact in 5 days, the Health Committee's six recommendations owned and due in 2023."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    tables = edits.assess_organisations(store.read_all(store.current_id()), {
        "ORG-lfb": {"las_owner": "Medical Director", "contact_every_days": 30},
        "ORG-camden-ccg": {"las_owner": "Medical Director", "contact_every_days": 90},
        "ORG-gla": {"las_owner": "Head of Partnerships"}})
    tables, _ = edits.record_engagement(tables, {"organisation_id": "ORG-gla", "date": TODAY - dt.timedelta(days=3),
                                                 "mechanism": "Meeting", "next_contact": TODAY + dt.timedelta(5),
                                                 "las_lead": "Head of Partnerships"}, "tests", TODAY)
    tables = edits.update_recommendations(tables, {f"REC-001-HC{i}": {"owner": "Medical Director"} for i in range(1, 7)},
                                          TODAY)
    assert pipeline.save_edit(store, store.current_id(), tables, author="tests (synthetic)").manifest
    return store


def _ics(store, owner=None, now=None) -> bytes:
    con = queries.connect(store, store.current_id())
    flt = queries.NO_FILTER
    if owner:
        members = store.read(store.current_id(), "LAS team")
        from lasdash import team
        flt = queries.Filter(owner=owner, owner_keys=team.keys_for(members, owner))
    return reminders.calendar(reminders.items(con, flt), name="test", now=now or dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC),
                              seq=reminders.sequence(store.current().created_at, clock.today()),
                              base_url="https://lasdash.example.nhs.uk")


def _events(ics: bytes) -> dict[str, icalendar.Event]:
    return {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(ics).walk("VEVENT")}


def test_the_medical_directors_calendar_reads_the_same_in_two_parsers(due_map):
    ics = _ics(due_map, "Medical Director")
    cal = icalendar.Calendar.from_ical(ics)
    assert (str(cal["VERSION"]), str(cal["METHOD"])) == ("2.0", "PUBLISH")
    events = _events(ics)
    lfb_late, rec_late = (TODAY - dt.date(2023, 4, 30)).days, (TODAY - dt.date(2023, 3, 31)).days
    recs = [s for s in events if s.startswith("Recommendation due:")]
    assert set(events) - set(recs) == {f"Contact due: London Fire Brigade (overdue {lfb_late} days)",
                                       "Contact due: Camden CCG (never contacted)"}
    assert len(recs) == 6 and all(s.endswith(f"(overdue {rec_late} days)") for s in recs)
    lfb = events[f"Contact due: London Fire Brigade (overdue {lfb_late} days)"]
    assert lfb.decoded("DTSTART") == dt.date(2023, 4, 30) and lfb.decoded("DTEND") == dt.date(2023, 5, 1)
    assert lfb.decoded("DTSTAMP") == dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC)
    assert "Last engagement: June 2022 - March 2023" in str(lfb["DESCRIPTION"])
    assert str(lfb["URL"]) == "https://lasdash.example.nhs.uk/relationships"
    assert events["Contact due: Camden CCG (never contacted)"].decoded("DTSTART") == TODAY
    second = vobject.readOne(ics.decode())  # an independent parser agrees
    assert {e.summary.value for e in second.vevent_list} == set(events)
    assert {e.uid.value for e in second.vevent_list} == {str(e["UID"]) for e in events.values()}
    assert all(e.dtstamp.value.tzinfo is not None for e in second.vevent_list)


def test_an_owners_calendar_holds_only_their_items_and_planned_contacts_by_lead(due_map):
    events = _events(_ics(due_map, "Head of Partnerships"))
    assert set(events) == {"Planned contact: Greater London Authority / Mayor of London"}
    assert next(iter(events.values())).decoded("DTSTART") == TODAY + dt.timedelta(5)


def test_uids_are_stable_and_sequence_rises_only_when_the_map_or_the_day_moves_on(due_map, monkeypatch):
    first = {str(e["UID"]): e for e in _events(_ics(due_map, "Medical Director")).values()}
    again = {str(e["UID"]): e for e in _events(_ics(due_map, "Medical Director",
                                                    now=dt.datetime(2026, 12, 2, 17, tzinfo=dt.UTC))).values()}
    assert set(first) == set(again) and len(first) == 8
    assert {int(e["SEQUENCE"]) for e in first.values()} == {int(e["SEQUENCE"]) for e in again.values()}
    # a new snapshot (the map changed): the same UIDs, a higher SEQUENCE (it counts seconds: the next one)
    time.sleep(1.1)
    tables = edits.assess_organisations(due_map.read_all(due_map.current_id()), {"ORG-lfb": {"power": "High"}})
    assert pipeline.save_edit(due_map, due_map.current_id(), tables, author="tests").manifest
    later = {str(e["UID"]): e for e in _events(_ics(due_map, "Medical Director")).values()}
    assert set(later) == set(first)
    assert min(int(e["SEQUENCE"]) for e in later.values()) > max(int(e["SEQUENCE"]) for e in first.values())
    # the next day: "overdue N days" changes, and so does SEQUENCE
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 12, 3) + dt.timedelta(days=400))
    assert reminders.sequence(due_map.current().created_at, clock.today()) > int(next(iter(later.values()))["SEQUENCE"])


@pytest.mark.parametrize("field", ["name", "summary"])
def test_hostile_map_text_stays_one_event_with_its_text(store, monkeypatch, field):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    tables = store.read_all(store.current_id())
    orgs = tables["Organisations"].astype(object)
    orgs.loc[orgs["id"] == "ORG-lfb", "name"] = HOSTILE if field == "name" else "London Fire Brigade"
    tables["Organisations"] = orgs
    tables = edits.assess_organisations(tables, {"ORG-lfb": {"las_owner": "Medical Director", "contact_every_days": 30}})
    tables, _ = edits.record_engagement(tables, {"organisation_id": "ORG-lfb", "date": TODAY - dt.timedelta(40),
                                                 "summary": HOSTILE}, "tests", TODAY)
    assert pipeline.save_edit(store, store.current_id(), tables, author="tests (synthetic)").manifest
    ics = _ics(store, "Medical Director")
    assert b"\r\nBEGIN:VEVENT\r\nSUMMARY:Injected" not in ics and b"\r\nX-ALARM" not in ics
    [event] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    [again] = vobject.readOne(ics.decode()).vevent_list
    text = str(event["SUMMARY"]) if field == "name" else str(event["DESCRIPTION"])
    assert "Evil Org" in text and "END:VEVENT" in text and "Injected;X-ALARM=1,\\n" in text  # every character kept
    assert again.summary.value == str(event["SUMMARY"])
    assert "\n" not in str(event["SUMMARY"])  # a summary is one line: breaks become spaces


def test_the_cli_writes_the_calendar_for_an_owner(due_map, tmp_path, capsys):
    out = tmp_path / "due.ics"
    assert cli.main(["calendar", "--owner", "medical director", "-o", str(out)]) == 0
    assert len(_events(out.read_bytes())) == 8
    assert capsys.readouterr().err.startswith(f"Wrote 8 events to {out}")
    assert cli.main(["calendar", "--hcp", "SEL", "-o", str(out)]) == 0
    assert _events(out.read_bytes()) == {} or all("SEL" not in s for s in _events(out.read_bytes()))


@pytest.mark.parametrize(("kind", "days", "status", "summary"), [
    ("Contact due", 12, "Overdue", "Contact due: X (overdue 12 days)"),
    ("Contact due", 1, "Overdue", "Contact due: X (overdue 1 day)"),
    ("Contact due", None, "Never contacted", "Contact due: X (never contacted)"),
    ("Contact due", None, "Due soon", "Contact due: X"),
    ("Planned contact", None, "Planned", "Planned contact: X"),
    ("Recommendation due", 3, "In progress", "Recommendation due: X (overdue 3 days)"),
    ("Recommendation due", None, "In progress", "Recommendation due: X (in progress)"),
])
def test_summaries_are_plain_words(kind, days, status, summary):
    item = reminders.Item(kind, "ID-1", " X\r\n", TODAY, status, days, None, None, None, "relationships")
    assert item.summary == summary


def test_the_digest_shares_out_the_items_the_owner_filter_finds(due_map):
    """The digest reads the reminders once and shares them out in Python; what each member gets is what the
    views' owner filter (SQL) finds for them, by role or name."""
    from lasdash import team
    tables = edits.update_team(due_map.read_all(due_map.current_id()), {
        "LT04": {"email": "md@example.org", "name": "Dr  TEST md"}, "LT09": {"email": "hop@example.org"}}, "t", TODAY)
    tables = edits.assess_organisations(tables, {"ORG-ealing-ccg": {"las_owner": "dr test MD", "contact_every_days": 5}})
    assert pipeline.save_edit(due_map, due_map.current_id(), tables, author="tests").manifest
    con = queries.connect(due_map, due_map.current_id())
    members = due_map.read(due_map.current_id(), "LAS team")
    got = {d.member["id"]: {i.uid for i in d.all} for d in reminders.digests(con, members, TODAY)}
    for member, who in (("LT04", "Medical Director"), ("LT09", "Head of Partnerships")):
        flt = queries.Filter(owner=who, owner_keys=team.keys_for(members, who))
        found = reminders.items(con, flt)
        wanted = {i.uid for i in found if (i.kind == "Contact due" and i.status in ("Overdue", "Never contacted"))
                  or (i.date is not None and TODAY <= i.date <= TODAY + dt.timedelta(days=7))
                  or (i.kind == "Recommendation due" and i.date <= TODAY + dt.timedelta(days=14))}
        assert got[member] == wanted and wanted
    assert "Contact due: Ealing CCG (never contacted)" in {i.summary for d in reminders.digests(con, members, TODAY)
                                                          for i in d.all if d.member["id"] == "LT04"}


# --- ical_bytes: icalendar's own serialisation, byte for byte, without folding lines that need none -------------------
def _one_event_calendar(summary: str, description: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", reminders.PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", " ".join(summary.split()))  # as calendar() gives it
    event = icalendar.Event()
    event.add("uid", "lasdash-test")
    event.add("dtstart", dt.date(2026, 12, 6))
    event.add("summary", summary)
    event.add("description", description)
    event.add("categories", [reminders.KINDS[0]])
    cal.add_component(event)
    return cal


@pytest.mark.parametrize("summary", [
    "", "a" * 65, "a" * 66, "a" * 67, "a" * 68, "a" * 200,  # SUMMARY: is 8 octets: 66 + 8 = 74, 67 + 8 = 75
    "\u00e9" * 33, "\u00e9" * 34, "a" * 65 + "\u00e9", "a" * 66 + "\u20ac",  # two and three octets a character
    "a" * 64 + "\\,;", "Injected;X-ALARM=1,\nBEGIN:VEVENT", "\U0001f691" * 30])
def test_ical_bytes_is_icalendars_own_output_at_the_fold_limit(summary):
    cal = _one_event_calendar(summary, summary * 3)
    assert reminders.ical_bytes(cal) == cal.to_ical()


@given(st.text(max_size=300), st.text(max_size=300))
@settings(max_examples=200, deadline=None, database=None)
def test_ical_bytes_is_icalendars_own_output_for_any_text(summary, description):
    cal = _one_event_calendar(summary, description)
    assert reminders.ical_bytes(cal) == cal.to_ical()


@pytest.mark.parametrize("line", [
    "a" * 74, "a" * 75, "a" * 148, "a" * 149, "a" * 73 + "\\n" + "b" * 80, "a" * 73 + "^n" + "b" * 80,
    "a" * 72 + "\\,\\;" + "b" * 80, "\\" * 300, "^" * 160, "DESCRIPTION:" + "x\\n" * 60])
def test_an_ascii_line_is_folded_as_icalendar_folds_it(line):
    assert reminders._folded(Contentline(line)) == Contentline(line).to_ical()


@given(st.text(alphabet="ab ,;:\\^\u00e9\u2019", max_size=400).filter(bool))
@settings(max_examples=300, deadline=None, database=None)
def test_any_line_is_folded_as_icalendar_folds_it(line):
    assert reminders._folded(Contentline(line)) == Contentline(line).to_ical()
