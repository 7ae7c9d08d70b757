"""The calendar download from My relationships, in chromium: the .ics an owner takes away holds their reminders,
read back by icalendar and vobject. The map is the bundled one with SYNTHETIC owners, intervals and an email."""
import datetime as dt

import icalendar
import pytest
import vobject

from lasdash import clock, edits, pipeline

from .server import Server, main_text, open_path


@pytest.fixture(scope="module")
def reminder_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("reminders") / "store"
    store = pipeline.open_store(root)
    tables = edits.update_team(store.read_all(store.current_id()), {
        "LT04": {"name": "Dr Test Medical Director", "email": "md.test@example.org"}}, "tests", clock.today())
    tables = edits.assess_organisations(tables, {
        "ORG-lfb": {"las_owner": "Medical Director", "contact_every_days": 30},
        "ORG-camden-ccg": {"las_owner": "Dr Test Medical Director", "contact_every_days": 90}})
    tables = edits.update_recommendations(tables, {"REC-001-HC1": {"owner": "Medical Director"}}, clock.today())
    assert pipeline.save_edit(store, store.current_id(), tables, author="tests (synthetic)").manifest
    srv = Server(root, {"LASDASH_BASE_URL": "https://lasdash.example.nhs.uk"}).start()
    yield srv
    srv.stop()


def test_an_owner_downloads_their_calendar_from_my_relationships(browser, reminder_server, tmp_path):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True).new_page()
    page.set_default_timeout(30_000)
    try:
        open_path(page, reminder_server, "mine", "owner=Medical%20Director")
        assert "Organisations owned" in main_text(page)
        with page.expect_download() as info:
            page.get_by_role("button", name="Download calendar (.ics): Dr Test Medical Director (Medical Director)"
                             "'s contacts due, planned contacts and recommendations").click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
    finally:
        page.context.close()
    assert path.name.startswith("lasdash-mine_") and path.suffix == ".ics"
    ics = path.read_bytes()
    events = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(ics).walk("VEVENT")}
    late = (clock.today() - dt.date(2023, 4, 30)).days
    assert set(events) == {f"Contact due: London Fire Brigade (overdue {late} days)",
                           "Contact due: Camden CCG (never contacted)",
                           "Recommendation due: " + next(s.split(": ", 1)[1] for s in events
                                                         if s.startswith("Recommendation due: "))}
    assert events["Contact due: Camden CCG (never contacted)"].decoded("DTSTART") == clock.today()
    assert str(events[f"Contact due: London Fire Brigade (overdue {late} days)"]["URL"]) == \
        "https://lasdash.example.nhs.uk/relationships"
    assert {e.summary.value for e in vobject.readOne(ics.decode()).vevent_list} == set(events)
