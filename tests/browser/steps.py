"""What an editor does in the browser, one named step each, shared by the browser tests: a session of one's own,
unlocking editing (on the Data page or in a page's sidebar), moving between pages, opening an expander, picking in a
search box, changing a seat, recording an engagement, Check and Save, and the workbook's download, upload and publish.

A step ends once the app has finished running (wait_for_app). What a step should have done is asserted by the tests.
"""
import contextlib

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from .server import main_text, open_path, wait_for_app

EDITOR_PASSWORD = "correct horse battery staple"  # the test servers' LASDASH_EDITOR_PASSWORD


def new_page(browser, **options):
    """A page in a new browser context (so a Streamlit session of its own), desktop-sized, 30 s a step at most;
    `options` go to browser.new_context (locale, accept_downloads). Close it with page.context.close()."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, **options).new_page()
    page.set_default_timeout(30_000)
    return page


def sidebar(page):
    return page.locator("[data-testid=stSidebar]")


def _enter_passphrase(where, name: str) -> None:
    """Fill in the unlock form found in `where` (the page, or the sidebar's Editing expander) and press Unlock, once
    the form holds both values (a form sends what its fields hold when it is submitted)."""
    fields = {"Your name (recorded as the author of what you publish)": name, "Editor passphrase": EDITOR_PASSWORD}
    for label, value in fields.items():
        where.get_by_label(label).fill(value)
    for label, value in fields.items():
        expect(where.get_by_label(label)).to_have_value(value)
    where.get_by_role("button", name="Unlock editing").click()


def unlock(page, server, name: str = "Browser Editor") -> None:
    """Open the Data page and unlock editing with the test server's passphrase."""
    open_path(page, server, "data")
    _enter_passphrase(page, name)
    page.wait_for_selector("text=Signed in as")
    wait_for_app(page)


def unlock_in_sidebar(page, name: str = "Jane Smith") -> None:
    """Unlock editing from the sidebar of the page open now, which stays open."""
    editing = sidebar(page).locator("[data-testid=stExpander]", has_text="Editing")
    if editing.locator("details[open]").count() == 0:  # a click on an open expander's summary would close it
        editing.locator("summary").click()
    _enter_passphrase(editing, name)
    answered = sidebar(page).get_by_text("Editing as").or_(editing.locator("[data-testid=stAlert]"))
    try:
        answered.first.wait_for(timeout=15_000)
    except PlaywrightTimeout:  # once in CI the press reached no server (its log shows no attempt): press it again
        editing.get_by_role("button", name="Unlock editing").click()
        answered.first.wait_for()
    wait_for_app(page)
    assert "Editing as" in sidebar(page).inner_text(), sidebar(page).inner_text()  # else the sidebar says why


def go(page, title: str) -> None:
    """Switch page by the menu, keeping the Streamlit session (and so the unlocked editing)."""
    page.locator("[data-testid=stSidebarNav]").get_by_role("link", name=title).click()
    wait_for_app(page)


def open_expander(page, label: str):
    """Open an expander and return it, once its content shows (a rerun can redraw it closed)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    expander = page.locator("[data-testid=stExpander]", has_text=label)
    wait_for_app(page)
    for _ in range(3):
        if expander.locator("details").get_attribute("open") is None:
            expander.locator("summary").click()
        try:
            expander.locator("[data-testid=stExpanderDetails]").wait_for(state="visible", timeout=5_000)
            return expander
        except PlaywrightTimeoutError:  # try the click again
            wait_for_app(page)
    raise AssertionError(f"the expander {label!r} does not open")


def pick(page, label: str, typed: str, within=None) -> None:
    """Choose in a search box (a selectbox) by typing: Enter takes the first option that matches `typed`."""
    (within or page).get_by_role("combobox", name=label).click()
    page.keyboard.type(typed)
    page.keyboard.press("Enter")


def check(page, within=None) -> None:
    """Press an edit form's Check: the preview of the edit and its Save follow."""
    (within or page).get_by_role("button", name="Check").click()
    _wait_for_rerun(page)


def _wait_for_rerun(page) -> None:
    """Wait for the rerun a press starts, then for its end: on a loaded machine the rerun can begin later than
    wait_for_app's settling pause, which then returns before the result is drawn. A very quick rerun may be missed
    while running; it has then already finished."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_selector("[data-testid=stApp][data-test-script-state=running]", timeout=3_000)
    wait_for_app(page)


def save(page) -> None:
    """Save the checked edit as a new snapshot (it becomes the current map)."""
    page.get_by_role("button", name="Save as a new snapshot").click()
    page.wait_for_selector("text=Saved as snapshot")
    wait_for_app(page)


def change_seat(page, seat: str, name: str, title: str) -> None:
    """In 'Change a seat' (an editor on a page with the seat editor), give the seat typed as `seat` to someone new
    to the map, and Check."""
    editor = open_expander(page, "Change a seat")
    pick(page, "Seat", seat, within=editor)
    editor.get_by_role("textbox", name="New person's name").fill(name)
    editor.get_by_role("textbox", name="Title").fill(title)
    check(page, within=editor)


def record_engagement(page, organisation: str, mechanism: str, day: str | None = None) -> None:
    """In 'Record an engagement' (an editor on the Engagement page), an engagement with the organisation typed as
    `organisation`, on `day` (typed as DDMMYYYY) if given, and Check."""
    form = open_expander(page, "Record an engagement")
    if day:
        form.get_by_label("Date", exact=True).locator("[role=spinbutton]").first.click()  # day, month, year fields
        page.keyboard.type(day)
    pick(page, "Organisation", organisation, within=form)
    form.get_by_role("textbox", name="Mechanism").fill(mechanism)
    check(page, within=form)


def download_current(page, path):
    """The current map as a workbook (an editor on the Data page), saved at `path`."""
    with page.expect_download() as info:
        page.get_by_role("button", name="Current map as a workbook (.xlsx)").click()
    info.value.save_as(path)
    return path


def upload(page, path):
    """Upload a workbook on the Data page: its report, or its changes and the Publish form, follow."""
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(path))
    page.wait_for_timeout(500)
    wait_for_app(page)


def publish(page, note):
    """Publish the uploaded workbook with `note`."""
    page.get_by_label("Note for this snapshot (what changed and why)").fill(note)
    page.keyboard.press("Tab")
    wait_for_app(page)
    page.get_by_role("button", name="Publish as the new current map").click()
    page.wait_for_selector("text=Published snapshot")


def nwl_line(page) -> str:
    """The NW London JHOSC's line on the JHOSC chairs page open now."""
    return next(line for line in main_text(page).splitlines() if line.startswith("NW London JHOSC"))


# --- driving a grid by the keyboard --------------------------------------------------------------------------------
def _focused_cell(page, grid) -> tuple[int, int] | None:
    """(column, row) of the grid's cell that has the keyboard, if the keyboard is in this grid."""
    found = grid.evaluate("""g => {
        const a = document.activeElement;
        return a && g.contains(a) && /^glide-cell-\\d+-\\d+$/.test(a.id) ? a.id : null;
    }""")
    return tuple(int(n) for n in found.split("-")[2:]) if found else None


def select_cell(page, grid, col: int, row: int) -> None:
    """Move the grid's selection to (col, row) with the arrow keys, from wherever it is (focusing the grid first if
    the keyboard is elsewhere: the grid then selects a cell of its own)."""
    if _focused_cell(page, grid) is None:
        grid.locator("td[role=gridcell]").first.focus()
        page.wait_for_function("g => g.contains(document.activeElement) && document.activeElement.id.startsWith("
                               "'glide-cell-')", arg=grid.element_handle())
    at = _focused_cell(page, grid)
    for _ in range(40):  # a few more presses than the largest grid here needs
        if at == (col, row):
            return
        key = ("ArrowRight" if col > at[0] else "ArrowLeft") if col != at[0] else (
            "ArrowDown" if row > at[1] else "ArrowUp")
        page.keyboard.press(key)
        page.wait_for_function("([g, was]) => document.activeElement.id !== was && g.contains(document.activeElement)",
                               arg=[grid.element_handle(), f"glide-cell-{at[0]}-{at[1]}"])
        at = _focused_cell(page, grid)
    raise AssertionError(f"the grid's selection did not reach column {col}, row {row} (it is at {at})")


def type_into_cell(page, grid, col: int, row: int, value: str) -> None:
    """Select the cell, open its editor with Enter, give it `value` and Enter again (the grid keeps it and moves
    down a row; the app reruns with the edit)."""
    select_cell(page, grid, col, row)
    page.keyboard.press("Enter")
    number = page.locator("input.gdg-input")
    choice = page.locator("input[role=combobox][id^=react-select]")  # a SelectboxColumn's list
    number.or_(choice).first.wait_for()
    if number.count():
        number.fill(value)
    else:
        page.keyboard.type(value)
        page.get_by_role("option", name=value, exact=True).wait_for()  # the list narrowed to the value
    page.keyboard.press("Enter")
    page.locator("input.gdg-input").or_(page.locator("input[role=combobox][id^=react-select]")).first.wait_for(
        state="detached")
    wait_for_app(page)


def cell_text(grid, col: int, row: int) -> str:
    return grid.locator(f"#glide-cell-{col}-{row}").text_content().strip()


def grid_rows(grid) -> int:
    return grid.locator("tbody tr").count()


def editor_grid(page, expander_label: str):
    grid = open_expander(page, expander_label).locator("[data-testid=stDataFrame]").first
    grid.locator("#glide-cell-0-0").wait_for(state="attached")  # the grid's table is drawn after the element
    grid.scroll_into_view_if_needed()  # the cell editor opens over the cell: keep it on screen
    return grid
