"""A download made for a signed-in viewer, fetched again without sign-in.

Streamlit 1.67 serves a download at `/media/<32 hex>.<ext>` to any request, with or without cookies: the media route
checks nothing. The app cannot put a check there, so it removes a delivered download's file soon after building it
(lasdash/ui/auth.py, `DOWNLOAD_SECONDS`): before, the file stayed until the end of the second script run of any
session after the download, which on a quiet server can be never. What this proves, with a real OIDC sign-in
(the provider of test_sign_in.py) and chromium:
- the URL names the file by a 128-bit hash of its bytes (and type and name): 32 hex characters, not a counter;
- a cookie-less request gets 404 once the window has passed (measured and printed, not asserted as a speed).
"""
import re
import time
import urllib.error
import urllib.request

from streamlit.runtime.memory_media_file_storage import _calculate_file_id

from lasdash.ui.auth import DOWNLOAD_SECONDS

from . import test_sign_in
from .server import open_path
from .test_sign_in import VIEWER, sign_in

# test_sign_in's fixtures, so that here too `server` (the page's as well) is its viewers-only server
provider, server = test_sign_in.provider, test_sign_in.server

MEDIA = re.compile(r"/media/(?P<id>[0-9a-f]{32})\.csv$")
GIVE_UP = DOWNLOAD_SECONDS + 90  # generous: a loaded machine may run the removal late, never early


def status(url: str) -> int:
    """A fresh request: no cookies, no session, nothing from the browser."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url), timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_delivered_download_is_gone_for_a_cookie_less_request(page, server):
    open_path(page, server, "jhosc")
    sign_in(page, VIEWER)
    open_path(page, server, "jhosc")
    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile("Download CSV")).first.click()
    clicked = time.monotonic()
    download = info.value
    body = download.path().read_bytes()
    assert b"Mel Collins" in body  # the viewer got the map
    url = download.url
    m = MEDIA.search(url)
    assert m, url  # 32 hex characters: 128 bits
    assert m["id"] == _calculate_file_id(body, "text/csv", download.suggested_filename)  # a hash of the bytes
    first = status(url)
    answers = [(0.0, first)]
    while answers[-1][1] == 200 and time.monotonic() - clicked < GIVE_UP:
        time.sleep(1)
        answers.append((time.monotonic() - clicked, status(url)))
    window = answers[-1][0]
    print(f"\ncookie-less fetch of {url}: {answers[0][1]} right after the download; "
          f"{answers[-1][1]} after {window:.1f} s ({len(answers)} requests)")
    assert answers[-1][1] == 404, f"still {answers[-1][1]} {window:.0f} s after the download"
    assert window >= DOWNLOAD_SECONDS - 1  # never before the browser had its time to fetch it
