"""Opening the app at a page in AppTest, the way a link would: query parameters first, then the page."""
import re

from streamlit.testing.v1 import AppTest

from lasdash import config
from lasdash.ui.text import WORD_JOINER

APP = str(config.REPO_ROOT / "app.py")


def open_page(page: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def shown(markdown: str) -> str:
    """Markdown source as the reader sees its words: literal()'s escapes and word joiners removed."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(WORD_JOINER, "")


EDITOR_PASSWORD = "correct horse battery staple"  # what the editing fixtures set as LASDASH_EDITOR_PASSWORD


def as_editor(page: str, name: str = "Jane Smith", **params) -> AppTest:
    """Unlock editing on the Data page (`params`: the filter in the link), then go to `page`."""
    at = open_page("app_pages/data.py", **params)
    at.text_input[0].input(name)
    at.text_input[1].input(EDITOR_PASSWORD)
    next(b for b in at.button if b.label == "Unlock editing").click()
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at
