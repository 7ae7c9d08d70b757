"""Sign-in for viewers, end to end: a real OpenID Connect provider (oidc-provider-mock, over HTTP in a thread),
a real `streamlit run app.py` with viewers restricted, and chromium.

The test server's secrets.toml is written into a temporary folder (`--secrets.files`), never into the repo.
The provider's users are invented for the test; their claims are what an ID token would carry.
"""
import re

import openpyxl
import pytest

from lasdash.snapshots import SnapshotStore
from lasdash.ui.text import WORD_JOINER

from . import oidc
from .server import PAGES, main_text, open_path, wait_for_app
from .test_editor_journeys import download_current, publish, upload

VIEWER = {"sub": "vera.viewer@nhs.net", "email": "Vera.Viewer@nhs.net", "name": "Vera Viewer"}
EDITOR = {"sub": "eddie.editor@nhs.net", "email": "eddie.editor@nhs.net", "name": "Eddie Editor"}
OUTSIDER = {"sub": "olly@nhs.net.evil.example", "email": "olly@nhs.net.evil.example", "name": "Olly Outsider"}
MAP_WORDS = ["Mel Collins", "NW London JHOSC", "London Fire Brigade", "Healthwatch"]  # on the map, never before sign-in
SNAPSHOT_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{6}")


@pytest.fixture(scope="module")
def provider():
    with oidc.provider(VIEWER, EDITOR, OUTSIDER) as url:
        yield url


@pytest.fixture(scope="module")
def server(provider, tmp_path_factory):
    """Overrides the module server of conftest: this one lets in only @nhs.net (and its editor)."""
    srv = oidc.signed_in_server(tmp_path_factory.mktemp("sign-in"), provider, ["@nhs.net"], [EDITOR["email"]])
    yield srv
    srv.stop()


def sign_in(page, user: dict) -> None:
    """Press the app's Sign in, pick the user at the provider, and wait to be back in the app."""
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/oauth2/authorize.*"))
    page.get_by_role("button", name=user["sub"]).click()
    page.wait_for_url(re.compile(r"http://127\.0\.0\.1:\d+/.*"))
    wait_for_app(page)


def sign_out(page) -> None:
    """Sign out in the app; the provider asks to confirm ending its session, then sends the browser back."""
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url(re.compile(r".*/oauth2/end_session.*"))
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile(r"http://127\.0\.0\.1:\d+/(?!oauth2callback).*"))
    wait_for_app(page)


def frames_of(page) -> list[bytes]:
    """Everything the server sends this page over its websocket (the map, were it sent, would be in here)."""
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived",
                                          lambda f: frames.append(f if isinstance(f, bytes) else f.encode())))
    return frames


def assert_sign_in_page_only(page, frames):
    assert frames, "no websocket frames captured: the check below would prove nothing"
    text, html = main_text(page), page.content()
    assert "Sign in" in text and "organisation account" in text
    for word in MAP_WORDS:
        assert word not in html and all(word.encode() not in f for f in frames), word
    assert not SNAPSHOT_ID.search(html) and all(not SNAPSHOT_ID.search(f.decode("latin-1")) for f in frames)
    assert page.locator("[data-testid=stSidebarNav]").count() == 0  # no page list
    assert page.locator("[data-testid=stDownloadButton]").count() == 0
    assert page.locator("[data-testid=stMetric]").count() == 0 and page.locator("[data-testid=stDataFrame]").count() == 0


@pytest.mark.parametrize("path, query", [("", ""), ("jhosc", "hcp=SWL"), ("data", "")])
def test_anonymous_visitors_see_only_the_sign_in_page(page, server, path, query):
    frames = frames_of(page)
    open_path(page, server, path, query)
    assert_sign_in_page_only(page, frames)


def test_a_viewer_on_the_list_sees_every_page_but_cannot_upload(page, server):
    open_path(page, server)
    sign_in(page, VIEWER)
    for path, title in PAGES.items():
        open_path(page, server, path)
        assert title in main_text(page), path
        assert page.locator("[data-testid=stException]").count() == 0, path
    open_path(page, server, "data")
    assert "is not on the editors list" in main_text(page)
    assert page.locator("[data-testid=stFileUploader]").count() == 0
    frames = frames_of(page)
    open_path(page, server, "jhosc")
    assert "Mel Collins" in main_text(page)
    assert any(b"Mel Collins" in f for f in frames)  # the frame check of the sign-in page can see the map


def test_an_outsider_is_refused_with_sign_out_and_no_data(page, server):
    frames = frames_of(page)
    open_path(page, server, "jhosc")
    sign_in(page, OUTSIDER)
    text = main_text(page)
    assert f"Your account ({OUTSIDER['email']}) is not allowed to view this map" in text
    assert page.get_by_role("button", name="Sign out").count() == 1
    for word in MAP_WORDS:
        assert word not in page.content() and all(word.encode() not in f for f in frames), word
    open_path(page, server, "people")  # every page, not only the first
    assert "is not allowed to view this map" in main_text(page) and "Mel Collins" not in page.content()


def test_a_deep_link_survives_sign_in(page, server):
    open_path(page, server, "jhosc", "hcp=SWL")
    sign_in(page, VIEWER)
    assert re.search(r"/jhosc\?.*hcp=SWL", page.url), page.url
    text = main_text(page)
    assert "JHOSC chairs" in text and "South West London" in text and "Mel Collins" not in text  # SWL only


def test_sign_out_returns_to_the_sign_in_page(page, server):
    open_path(page, server, "people")
    sign_in(page, VIEWER)
    assert "People" in main_text(page)
    assert f"Signed in as {VIEWER['email']}" in page.inner_text("[data-testid=stSidebar]").replace(WORD_JOINER, "")
    sign_out(page)
    frames = frames_of(page)
    open_path(page, server, "people")  # the session cannot see the map afterwards
    assert_sign_in_page_only(page, frames)


def test_an_editor_publishes_and_the_snapshot_is_theirs(page, server, tmp_path):
    open_path(page, server, "data")
    sign_in(page, EDITOR)
    open_path(page, server, "data")
    assert page.locator("[data-testid=stFileUploader]").count() == 1
    path = download_current(page, tmp_path / "current.xlsx")
    wb = openpyxl.load_workbook(path)
    forums = wb["Forums"]
    head = {c.value: c.column for c in forums[1]}
    forums.cell(2, head["Cadence"]).value = "Monthly"
    wb.save(path)
    upload(page, path)
    publish(page, "Signed-in editor (browser test)")
    assert "Published snapshot" in main_text(page)
    current = SnapshotStore(server.env["LASDASH_DATA_DIR"]).current()
    assert current.author == "Eddie Editor" and current.note == "Signed-in editor (browser test)"  # from the ID token
