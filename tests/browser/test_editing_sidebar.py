"""Editing is where the editor is, in a real browser: unlock from the sidebar of any page, "Editing as" while it
lasts, Lock editing; a reload drops the unlock and leaves no Save behind; a server restart under a checked engagement
leaves the page showing its Save, and pressing it says the engagement was not saved (nothing is published)."""
from playwright.sync_api import expect

from lasdash.snapshots import SnapshotStore
from lasdash.ui.text import WORD_JOINER

from .server import Server, main_text, open_path, wait_for_app
from .steps import EDITOR_PASSWORD, new_page, record_engagement, sidebar, unlock_in_sidebar

NOT_SAVED = ("Your checked engagement was not saved: the server restarted (or this page was reloaded) before Save. "
             "Nothing changed; check it again.")


def sidebar_text(page) -> str:
    return sidebar(page).inner_text().replace(WORD_JOINER, "")


def check_an_engagement(page):
    record_engagement(page, "London Fire", "Meeting")
    save_button = page.get_by_role("button", name="Save as a new snapshot")
    expect(save_button).to_have_count(1)


def test_unlock_in_the_sidebar_of_a_page_then_lock_then_a_reload_drops_it(page, server):
    open_path(page, server, "engagement")
    assert "Editing as" not in sidebar_text(page) and "Record an engagement" not in main_text(page)
    unlock_in_sidebar(page)
    assert "Editing as Jane Smith (passphrase)" in sidebar_text(page)
    assert "Record an engagement" in main_text(page)

    sidebar(page).get_by_role("button", name="Lock editing").click()
    wait_for_app(page)
    assert "Editing as" not in sidebar_text(page) and "Record an engagement" not in main_text(page)

    unlock_in_sidebar(page)
    check_an_engagement(page)
    page.reload()
    wait_for_app(page)
    assert "Editing as" not in sidebar_text(page)
    assert sidebar(page).get_by_role("button", name="Unlock editing", include_hidden=True).count() == 1  # the unlock is back
    assert "Record an engagement" not in main_text(page)
    assert page.get_by_role("button", name="Save as a new snapshot").count() == 0  # no dead Save


def test_a_save_pressed_after_a_server_restart_says_the_engagement_was_not_saved(browser, tmp_path):
    data_dir = tmp_path / "store"
    server = Server(data_dir, {"LASDASH_EDITOR_PASSWORD": EDITOR_PASSWORD}).start()
    page = new_page(browser, locale="en-GB")
    try:
        open_path(page, server, "engagement")
        unlock_in_sidebar(page)
        check_an_engagement(page)
        snapshots = SnapshotStore(data_dir).list()

        server.stop()
        page.wait_for_selector("[data-testid=stApp]:not([data-test-connection-state=CONNECTED])")
        server.start()
        page.wait_for_selector("[data-testid=stApp][data-test-connection-state=CONNECTED]", timeout=60_000)
        save = page.get_by_role("button", name="Save as a new snapshot")
        assert save.count() == 1  # Streamlit keeps showing the old page: this Save is now dead
        save.click()
        page.get_by_text("Your checked engagement was not saved").wait_for()
        wait_for_app(page)
        assert NOT_SAVED in main_text(page)
        assert page.get_by_role("button", name="Save as a new snapshot").count() == 0
        assert "Editing as" not in sidebar_text(page)
        assert sidebar(page).get_by_role("button", name="Unlock editing", include_hidden=True).count() == 1
        assert SnapshotStore(data_dir).list() == snapshots
    finally:
        page.context.close()
        server.stop()
