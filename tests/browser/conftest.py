"""Browser fixtures: a real Streamlit server per module and Debian's chromium driven by Playwright.

Locally, no chromium skips these tests with the reason; under CI (CI set) it is a failure.
On failure each test leaves a screenshot and the page HTML in test-artifacts/.
"""
import contextlib
import os
import re

import pytest

from .server import CHROMIUM, CHROMIUM_ARGS, ROOT, Server, chromium_available
from .steps import EDITOR_PASSWORD, new_page, unlock  # noqa: F401 (unlock: test_accessibility imports it from here)

ARTIFACTS = ROOT / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    if chromium_available():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI is set but chromium is missing at {CHROMIUM}: apt-get install -y chromium")
    skip = pytest.mark.skip(reason=f"chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("browser-store") / "store"
    srv = Server(data_dir, {"LASDASH_EDITOR_PASSWORD": EDITOR_PASSWORD}).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """A server whose current map is tests/hostile_text.py's, full of Markdown, HTML and Streamlit markup, published
    the way the CLI publishes."""
    import hostile_text
    root = tmp_path_factory.mktemp("hostile")
    hostile_text.publish(root)
    srv = Server(root / "store").start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server, request, tmp_path):
    pg = new_page(browser, accept_downloads=True, locale="en-GB")
    yield pg
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        from playwright.sync_api import Error as PlaywrightError
        with contextlib.suppress(PlaywrightError):  # the page may be gone; the server log still helps
            pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            (ARTIFACTS / f"{name}.html").write_text(pg.content())
        (ARTIFACTS / f"{name}.server.log").write_text(server.log_text())
    pg.context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)
