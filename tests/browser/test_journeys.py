"""User journeys in a real browser: pages, filters in the URL, downloads."""
import csv
import io

import pytest

from .server import PAGES, main_text, open_path, wait_for_app


@pytest.mark.parametrize("path", PAGES)
def test_every_page_opens_with_title_and_as_of(page, server, path):
    open_path(page, server, path)
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.locator("h1").first.inner_text().strip().startswith(PAGES[path].split(" (")[0])
    assert "Snapshot as of" in main_text(page)


def test_hcp_filter_lives_in_the_url_and_survives_switch_and_reload(page, server):
    open_path(page, server, "jhosc")
    assert "Cllr Mel Collins" in main_text(page)
    page.locator("[data-testid=stSidebar]").get_by_role("button", name="SWL", exact=True).click()
    page.wait_for_url("**hcp=SWL**")
    wait_for_app(page)
    text = main_text(page)
    assert "Cllr Anita Schaper" in text and "Cllr Mel Collins" not in text
    page.locator("[data-testid=stSidebarNav]").get_by_role("link", name="Overview").click()
    wait_for_app(page)
    assert "hcp=SWL" in page.url and "HCP: SWL" in main_text(page)
    page.locator("[data-testid=stSidebarNav]").get_by_role("link", name="JHOSC chairs").click()
    wait_for_app(page)
    assert "Cllr Anita Schaper" in main_text(page) and "Cllr Mel Collins" not in main_text(page)
    page.reload()
    wait_for_app(page)
    assert "hcp=SWL" in page.url
    assert "Cllr Anita Schaper" in main_text(page) and "Cllr Mel Collins" not in main_text(page)


def test_junk_parameter_shows_a_note_and_clear_filters_resets(page, server):
    open_path(page, server, "jhosc", "hcp=XYZ")
    assert "Ignored unknown HCP 'XYZ'" in page.locator("[data-testid=stSidebar]").inner_text()
    assert page.locator("[data-testid=stException]").count() == 0
    open_path(page, server, "jhosc", "hcp=NCL")
    assert "Cllr Alison Kelly" in main_text(page) and "Cllr Anita Schaper" not in main_text(page)
    page.get_by_role("button", name="Clear filters").click()
    wait_for_app(page)
    assert "hcp=" not in page.url
    assert "Cllr Anita Schaper" in main_text(page) and "all of London" in main_text(page)


def test_filtered_jhosc_csv_download(page, server):
    open_path(page, server, "jhosc", "hcp=SWL")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV: JHOSC chairs and vice chairs").click()
    download = info.value
    assert download.suggested_filename.startswith("lasdash_jhosc_hcp-SWL_") and download.suggested_filename.endswith(".csv")
    data = download.path().read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["JHOSC"] for r in rows] == ["SW London and Surrey JHOSC"]
    assert rows[0]["Chair"] == "Cllr Anita Schaper"


def test_grids_have_no_export_of_their_own(page, server):
    open_path(page, server, "jhosc")
    grid = page.locator("[data-testid=stDataFrame]").first
    grid.hover()
    assert page.locator("[data-testid=stElementToolbar] button[aria-label*='Download']").count() == 0
