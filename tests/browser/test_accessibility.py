"""WCAG 2.2 AA in a real browser: axe-core on every page at desktop and phone width, the phone
layout, and a journey by keyboard alone.

axe-core comes bundled in the axe-playwright-python wheel (no npm in CI). It checks what a
machine can (contrast, names, roles, structure); docs/ACCESSIBILITY.md lists what it cannot.
"""
import csv
import io

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import unlock
from .server import PAGES, main_text, open_path, wait_for_app

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]},
           "resultTypes": ["violations"]}
DESKTOP, PHONE = {"width": 1400, "height": 1000}, {"width": 390, "height": 844}
AXE = Axe()


def _violations(page) -> list[str]:
    page.wait_for_timeout(500)  # charts finish drawing after the script run ends
    report = AXE.run(page, options=WCAG_AA).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in report]


@pytest.fixture
def phone(browser, server):
    context = browser.new_context(viewport=PHONE, locale="en-GB", is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_nothing_at_desktop_width(page, server, path):
    open_path(page, server, path)
    assert _violations(page) == []


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_nothing_at_phone_width(phone, server, path):
    open_path(phone, server, path)
    assert _violations(phone) == []


def test_axe_finds_nothing_on_the_editors_controls(page, server):
    unlock(page, server, "Axe Editor")
    assert page.locator("[data-testid=stFileUploader]").count() == 1
    assert _violations(page) == []


METRIC_BOXES_JS = """() => [...document.querySelectorAll('[data-testid=stMetric]')].map(e => {
    const r = e.getBoundingClientRect(); return [Math.round(r.top + scrollY), Math.round(r.bottom + scrollY)]; })"""


@pytest.mark.parametrize("path", [p for p in PAGES if p != "data"])
def test_phone_width_never_scrolls_sideways_and_keeps_headline_figures_to_two_rows(phone, server, path):
    open_path(phone, server, path)
    phone.wait_for_timeout(500)
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"
    boxes = phone.evaluate(METRIC_BOXES_JS)
    rows = sorted({top for top, _ in boxes})
    assert len(rows) <= 2, f"{len(boxes)} headline figures in {len(rows)} rows"


FOCUSED_JS = """() => { const e = document.activeElement;
    return (e.getAttribute('aria-label') || e.innerText || e.value || '').trim().split('\\n').pop(); }"""


def _press_until_focused(page, key: str, name: str, limit: int = 150) -> None:
    """Press `key` until the focused element's text is `name` (an icon's ligature before it is ignored)."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(FOCUSED_JS) == name:
            return
    raise AssertionError(f"{name!r} cannot be reached with {key}")


def test_filter_switch_page_and_download_by_keyboard_alone(page, server):
    open_path(page, server, "")
    _press_until_focused(page, "Tab", "NWL")  # the HCP pills are one stop: arrows move within them
    _press_until_focused(page, "ArrowRight", "SWL", limit=5)
    page.keyboard.press("Enter")
    page.wait_for_url("**hcp=SWL**")
    page.get_by_text("HCP: SWL").first.wait_for()
    _press_until_focused(page, "Shift+Tab", "JHOSC chairs")  # the menu is above the filters
    page.keyboard.press("Enter")
    page.wait_for_url("**/jhosc?**")
    wait_for_app(page)
    assert "Cllr Anita Schaper" in main_text(page) and "Cllr Mel Collins" not in main_text(page)
    _press_until_focused(page, "Tab", "Download CSV: JHOSC chairs and vice chairs")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    rows = list(csv.DictReader(io.StringIO(info.value.path().read_bytes().decode("utf-8-sig"))))
    assert [r["Chair"] for r in rows] == ["Cllr Anita Schaper"]
