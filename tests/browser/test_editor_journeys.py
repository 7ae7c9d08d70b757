"""Editor journeys in a real browser, on their own server (they change the map).

Download the workbook, change a JHOSC chair in openpyxl, upload, review, publish, see it, roll back.
"""
import openpyxl

from .conftest import EDITOR_PASSWORD
from .server import wait_for_app


def open_path(page, server, path):
    page.goto(f"{server.url}/{path}")
    wait_for_app(page)


def main_text(page):
    return page.locator("[data-testid=stMain]").inner_text()


def unlock(page, server):
    open_path(page, server, "data")
    page.get_by_label("Your name (recorded as the author of what you publish)").fill("Browser Editor")
    page.get_by_label("Editor passphrase").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Unlock editing").click()
    page.wait_for_selector("text=Signed in as")
    wait_for_app(page)


def upload(page, path):
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(path))
    page.wait_for_timeout(500)
    wait_for_app(page)


def nwl_chair_line(page, server):
    open_path(page, server, "jhosc")
    return next(line for line in main_text(page).splitlines() if line.startswith("NW London JHOSC"))


def test_viewer_has_no_upload_control(page, server):
    open_path(page, server, "data")
    assert "Editors: unlock editing for this session" in main_text(page)
    assert page.locator("[data-testid=stFileUploader]").count() == 0


def test_broken_upload_shows_the_report_and_changes_nothing(page, server, tmp_path):
    before = nwl_chair_line(page, server)
    unlock(page, server)
    with page.expect_download() as info:
        page.get_by_role("button", name="Current map as a workbook (.xlsx)").click()
    path = tmp_path / "broken.xlsx"
    info.value.save_as(path)
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
    with page.expect_download() as info:
        page.get_by_role("button", name="Current map as a workbook (.xlsx)").click()
    path = tmp_path / "current.xlsx"
    info.value.save_as(path)

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
    page.get_by_label("Note for this snapshot (what changed and why)").fill("New NWL JHOSC chair (browser test)")
    page.keyboard.press("Tab")
    wait_for_app(page)
    page.get_by_role("button", name="Publish as the new current map").click()
    page.wait_for_selector("text=Published snapshot")
    assert "Cllr A. N. Other" in nwl_chair_line(page, server)

    unlock(page, server)  # a page load is a new Streamlit session: editing is per session
    page.get_by_role("button", name="Roll back…").click()
    wait_for_app(page)
    page.get_by_role("button", name="Yes, roll back").click()
    page.wait_for_selector("text=is current again")
    assert "Cllr Mel Collins" in nwl_chair_line(page, server)
