"""Editor journeys in a real browser, on their own server (they change the map).

Download the workbook, change a JHOSC chair in openpyxl, upload, review, publish, see it, roll back.
"""
import csv
import io

import openpyxl
from corpus import edit_cell

from .server import main_text, open_path, wait_for_app

# test_sign_in imports download_current, publish and upload from here
from .steps import (
    cell_text,
    change_seat,
    download_current,
    editor_grid,
    go,
    new_page,
    nwl_line,
    pick,
    publish,
    record_engagement,
    save,
    sidebar,
    type_into_cell,
    unlock,
    upload,
)


def roll_back(page, server, to_note=None):
    unlock(page, server)  # a page load is a new Streamlit session: editing is per session
    if to_note:
        target = page.get_by_label("Make an earlier snapshot current again")
        target.scroll_into_view_if_needed()  # unlocked in the sidebar, the page is still at its top: a select
        target.click()                       # scrolled into view by the click itself does not open its list
        page.get_by_role("option", name=to_note).click()
        wait_for_app(page)
    page.get_by_role("button", name="Roll back…").click()
    wait_for_app(page)
    page.get_by_role("button", name="Yes, roll back").click()
    page.wait_for_selector("text=is current again")


def nwl_chair_line(page, server):
    open_path(page, server, "jhosc")
    return nwl_line(page)


def test_viewer_has_no_upload_control(page, server):
    open_path(page, server, "data")
    assert "Editors: unlock editing for this session" in main_text(page)
    assert page.locator("[data-testid=stFileUploader]").count() == 0


def test_broken_upload_shows_the_report_and_changes_nothing(page, server, tmp_path):
    before = nwl_chair_line(page, server)
    unlock(page, server)
    path = download_current(page, tmp_path / "broken.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Roles"]
    role_col = next(c.column for c in ws[1] if c.value == "Role")
    ws.cell(row=3, column=role_col).value = "Grand Poobah"
    wb.save(path)
    upload(page, path)
    text = main_text(page)
    assert "Not published: 1 error in Roles" in text
    assert "Download the validation report (CSV)" in text
    assert nwl_chair_line(page, server) == before


def test_editor_changes_a_chair_publishes_and_rolls_back(page, server, tmp_path):
    assert "Cllr Mel Collins" in nwl_chair_line(page, server)
    unlock(page, server)
    path = download_current(page, tmp_path / "current.xlsx")

    wb = openpyxl.load_workbook(path)
    people, roles = wb["People"], wb["Roles"]
    head = {c.value: c.column for c in people[1]}
    people.append([None] * len(head))
    new_row = people.max_row
    for header, value in {"ID": "PER-a-n-other", "Name": "A. N. Other", "Title": "Cllr", "Source": "000 Chart 5"}.items():
        people.cell(row=new_row, column=head[header]).value = value
    rh = {c.value: c.column for c in roles[1]}
    chair = next(r for r in range(2, roles.max_row + 1)
                 if roles.cell(r, rh["Forum ID"]).value == "FOR-jhosc-nwl" and roles.cell(r, rh["Role"]).value == "Chair")
    roles.cell(chair, rh["Person ID"]).value = "PER-a-n-other"
    wb.save(path)

    upload(page, path)
    preview = main_text(page)
    assert "NW London JHOSC \u2014 Chair: Person ID: Cllr Mel Collins \u2192 Cllr A. N. Other" in preview
    publish(page, "New NWL JHOSC chair (browser test)")
    assert "Cllr A. N. Other" in nwl_chair_line(page, server)

    roll_back(page, server)
    assert "Cllr Mel Collins" in nwl_chair_line(page, server)


def test_a_link_typed_as_a_chair_is_warned_about_and_shown_as_text(page, server, tmp_path):
    unlock(page, server)
    path = download_current(page, tmp_path / "link.xlsx")
    wb = openpyxl.load_workbook(path)
    people = wb["People"]
    head = {c.value: c.column for c in people[1]}
    row = next(r for r in range(2, people.max_row + 1) if people.cell(r, head["ID"]).value == "PER-mel-collins")
    people.cell(row, head["Name"]).value = "[click](https://example.org)"
    wb.save(path)

    upload(page, path)
    preview = main_text(page)
    assert "1 warning in People: publishing is allowed" in preview
    assert "Name: Mel Collins \u2192 [click](https://example.org)" in preview
    publish(page, "A link as a name (browser test)")

    assert "chair Cllr [click](https://example.org) (" in nwl_chair_line(page, server)
    assert page.locator("a[href*='example.org']").count() == 0

    roll_back(page, server, to_note="Initial map transcribed")  # whichever snapshots earlier tests made
    assert "Cllr Mel Collins" in nwl_chair_line(page, server)


def test_two_editors_with_the_same_workbook_keep_both_changes(browser, server, tmp_path):
    """A and B download the map; B changes the NW London JHOSC chair and publishes; A changes a
    recommendation's status in the older workbook and publishes: both changes are in the map."""
    pages = {}
    for who in ("A", "B"):
        pages[who] = new_page(browser, accept_downloads=True)
        unlock(pages[who], server, f"Editor {who}")
    a_file = download_current(pages["A"], tmp_path / "a.xlsx")
    b_file = download_current(pages["B"], tmp_path / "b.xlsx")

    edit_cell(b_file, "Roles", "R000-115", "Person ID", "PER-lorraine-dean")
    upload(pages["B"], b_file)
    publish(pages["B"], "New NW London JHOSC chair (browser test)")

    edit_cell(a_file, "Recommendations", "REC-001-HC1", "Status", "In progress")
    a = pages["A"]
    upload(a, a_file)
    text = main_text(a)
    assert "Your file was made from an older map" in text
    assert "Roles: NW London JHOSC \u2014 Chair: Person ID: Cllr Lorraine Dean (by Editor B (passphrase), " in text
    assert "\u2192 Cllr Mel Collins (your file)" in text
    publish(a, "Recommendation status (browser test)")  # merge is the default

    assert "chair Cllr Lorraine Dean" in nwl_chair_line(a, server)
    open_path(a, server, "recommendations")
    rows = {r["ID"]: r for r in _csv_rows(a, "Download CSV: Recommendations")}
    assert rows["REC-001-HC1"]["Status"] == "In progress"

    roll_back(a, server, to_note="Initial map transcribed")
    assert "Cllr Mel Collins" in nwl_chair_line(a, server)
    for p in pages.values():
        p.context.close()

STATUS_COLUMN = 2  # of the recommendation grid: ID, Recommendation, Status, ...


def _csv_rows(page, button):
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    return list(csv.DictReader(io.StringIO(open(info.value.path(), "rb").read().decode("utf-8-sig"))))


def _figure(page, label):
    return int(page.locator("[data-testid=stMetric]", has_text=label).locator("[data-testid=stMetricValue]").inner_text())


def test_an_editor_records_an_engagement_by_name_in_the_app(page, server):
    unlock(page, server, "Jane Smith")
    go(page, "Engagement coverage")
    before = _figure(page, "Engagements recorded")
    record_engagement(page, "London Fire", "Meeting", day="15112026")
    assert "Engagement with London Fire Brigade on 15 Nov 2026 (Meeting) added" in main_text(page)
    save(page)
    assert _figure(page, "Engagements recorded") == before + 1

    go(page, "Stale relationships")
    lfb = next(r for r in _csv_rows(page, "Download CSV: Stale relationships") if r["Organisation"] == "London Fire Brigade")
    assert lfb["Last contact"] == "15/11/2026"

    roll_back(page, server, to_note="Initial map transcribed")


def test_an_editor_marks_a_recommendation_in_progress_in_the_grid(page, server):
    unlock(page, server, "Jane Smith")
    # the GLA's sub-group narrows the grid to the Health Committee's six, recommendation 1 first
    pick(page, "Stakeholder sub-group", "Mayor of London", within=sidebar(page))
    page.keyboard.press("Escape")
    wait_for_app(page)
    go(page, "Recommendations")
    before = _figure(page, "Status not recorded")
    grid = editor_grid(page, "Update recommendations")
    assert cell_text(grid, 0, 0) == "REC-001-HC1"
    type_into_cell(page, grid, STATUS_COLUMN, 0, "In progress")  # by the keyboard: the grid is drawn on a canvas
    preview = main_text(page)
    assert "Status: \u2013 \u2192 In progress" in preview
    assert "Last update: \u2013 \u2192 " in preview  # today, set by the status change
    save(page)
    assert _figure(page, "Status not recorded") == before - 1
    rows = {r["ID"]: r for r in _csv_rows(page, "Download CSV: Recommendations")}
    assert rows["REC-001-HC1"]["Status"] == "In progress"
    go(page, "Overview")
    assert "Status: \u2013 \u2192 In progress" in " ".join(
        f"{r['Field']}: {r['From']} \u2192 {r['To']}" for r in _csv_rows(page, "Download CSV: What changed"))
    roll_back(page, server, to_note="Initial map transcribed")


def test_an_editor_replaces_the_nw_london_jhosc_chair_and_what_changed_shows_it(page, server):
    unlock(page, server, "Jane Smith")
    go(page, "JHOSC chairs")
    change_seat(page, "NW London JHOSC \u2014 Chair", "Ada Testwell", "Cllr")
    assert "People: added Cllr Ada Testwell" in main_text(page)
    save(page)
    assert "chair Cllr Ada Testwell" in nwl_line(page)
    go(page, "Overview")
    changed = _csv_rows(page, "Download CSV: What changed")
    assert {"Sheet": "Roles", "Row": "NW London JHOSC \u2014 Chair", "To": "added", "By": "Jane Smith (passphrase)"}.items() \
        <= next(r for r in changed if r["Sheet"] == "Roles" and r["To"] == "added").items()
    roll_back(page, server, to_note="Initial map transcribed")
    assert "Cllr Mel Collins" in nwl_chair_line(page, server)
