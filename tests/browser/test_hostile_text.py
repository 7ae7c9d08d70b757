"""Map text is data, never markup: a map full of Markdown, HTML and Streamlit markup is published,
then every page is opened in chromium, unfiltered and filtered.

On every page: no link, image, script or frame points outside the app; the browser asks no host
but the app's; and wherever a payload's marker is on the page, the whole payload is there as
written (rendered markup would have eaten its brackets, asterisks or dollars).
"""
import re
from collections import Counter
from urllib.parse import quote, urlsplit

import hostile_text as H
import pytest

from lasdash.ui.text import WORD_JOINER

from .server import PAGES, open_path

SEEN: Counter = Counter()  # marker -> times shown, over every view of this module

# Every absolute address an element points at: href, src, srcset, action, data, poster, and CSS url(...)
ADDRESSES_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('*')) {
    for (const name of ['href', 'src', 'action', 'data', 'poster', 'xlink:href', 'formaction']) {
      const v = el.getAttribute(name);
      if (v) out.push([el.tagName, name, v]);
    }
    const srcset = el.getAttribute('srcset');
    if (srcset) for (const part of srcset.split(',')) out.push([el.tagName, 'srcset', part.trim().split(' ')[0]]);
    const style = el.getAttribute('style');
    if (style) for (const m of style.matchAll(/url\\(['"]?([^'")]+)/g)) out.push([el.tagName, 'style', m[1]]);
  }
  return out.map(([tag, attr, v]) => { let u; try { u = new URL(v, location.href).href } catch (e) { u = v }
                                       return [tag, attr, u] });
}"""
# The page's text, closed expanders and other tabs included. Charts are left out: Vega draws labels
# as SVG text, never Markdown, and shortens long ones with an ellipsis.
TEXT_JS = """() => {
  const app = document.querySelector('[data-testid=stApp]').cloneNode(true);
  app.querySelectorAll('.vega-embed, [data-testid=stVegaLiteChart]').forEach(e => e.remove());
  return app.textContent;
}"""
VIEWS = ([(path, "") for path in PAGES] + [(path, "hcp=NWL") for path in PAGES if path != "data"]
         + [("sub_groups", "sub_group=SG03"), ("people", "q=Verify"), ("people", "q=" + quote(H.LINK_SEARCH)),
            ("relationships", "owner=" + quote(H.LITERALS["HX01"])), ("jhosc", "hcp=" + quote(H.LINK_HCP)),
            ("brief", "forum=FOR-jhosc-nwl"), ("brief", "organisation=ORG-lfb")])  # IDs: every hostile name is marked up


@pytest.fixture(scope="module")
def server(hostile_server):
    """The hostile map's server (tests/browser/conftest.py), as this module's `server` and so the `page`'s."""
    return hostile_server


def _outside(url: str, server) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return False
    return parts.scheme not in ("http", "https", "ws", "wss") or parts.netloc != urlsplit(server.url).netloc


@pytest.mark.parametrize("path, query", VIEWS, ids=[f"{p or 'overview'}?{q}" for p, q in VIEWS])
def test_map_text_is_shown_literally(page, server, path, query):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    open_path(page, server, path, query)
    page.wait_for_timeout(500)  # let charts and images start whatever they would fetch

    assert page.locator("[data-testid=stException]").count() == 0
    pointing_out = [a for a in page.evaluate(ADDRESSES_JS) if _outside(a[2], server)]
    assert not pointing_out, pointing_out[:10]
    asked = [u for u in requests if _outside(u, server)]
    assert not asked, asked[:10]

    text = re.sub(r"\s+", " ", page.evaluate(TEXT_JS)).replace(WORD_JOINER, "")  # joiners are invisible by design
    shown = {m: text.count(m) for m in H.MARKERS if m in text}
    assert shown, "no hostile text on the page at all: the test would prove nothing"
    for marker, n in shown.items():
        assert text.count(H.LITERALS[marker]) == n, f"{marker} rendered as markup: {H.LITERALS[marker]!r}"
    SEEN.update(shown)
    if path == "jhosc" and query in ("", "hcp=NWL"):
        assert H.CHAIR_NAME in text
    if "HX19" in query:
        assert f"Ignored unknown HCP '{H.LINK_HCP}'" in text


def test_every_kind_of_markup_was_on_some_page():
    """Runs after the views above: each payload was actually displayed somewhere, and shown literally."""
    if not SEEN:
        pytest.skip("run together with the views above")
    assert set(SEEN) == set(H.MARKERS), f"never shown: {sorted(set(H.MARKERS) - set(SEEN))}"
