"""A shared link must work as the very first request to a freshly started server.

Regression: with page scripts in a folder named pages/ beside app.py, Streamlit 1.67 runs the
legacy multipage mode until st.navigation has run once, so /jhosc?hcp=SWL ran the page without
app.py (no filters, a KeyError). Page scripts therefore live in app_pages/.
"""
from .server import Server, wait_for_app


def test_deep_link_on_a_fresh_server(browser, tmp_path):
    srv = Server(tmp_path / "store").start()
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{srv.url}/jhosc?hcp=SWL")
        wait_for_app(page)
        text = page.locator("[data-testid=stMain]").inner_text()
        assert page.locator("[data-testid=stException]").count() == 0, text[:500]
        assert "Cllr Anita Schaper" in text and "Cllr Mel Collins" not in text
        # app.py ran: its sidebar (our navigation titles and filters) is there; wait for it, don't snapshot it
        sidebar = page.locator("[data-testid=stSidebar]")
        sidebar.get_by_role("button", name="Clear filters").wait_for(timeout=30_000)
        assert "JHOSC chairs" in sidebar.inner_text() and "jhosc\n" not in sidebar.inner_text()
        context.close()
    finally:
        srv.stop()
