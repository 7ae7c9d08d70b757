"""literal(): map text as Markdown that shows exactly as written.

Checked two ways. A CommonMark parser (markdown-it-py, with GFM tables, strikethrough and bare-link
detection) must read the escaped text back as one plain paragraph of the original. And what it
reads back must not match any of the rewrites Streamlit 1.67's renderer does after parsing (its
emoji, icon, logo and arrow patterns and GFM's bare links), copied here from its frontend bundle.
The browser test (tests/browser/test_hostile_text.py) shows the same on every page.
"""
import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from lasdash.ui.text import WORD_JOINER, join, literal

COMMONMARK = MarkdownIt("commonmark", {"linkify": True}).enable(["table", "strikethrough", "linkify"])
AFTER_PARSE = {  # Streamlit 1.67 StreamlitMarkdown and GFM's autolink literals, run on parsed text
    "emoji": r":(?!material/|streamlit:)[\w+-][\w_+-]*:",
    "material icon": r":material_(\w+):",
    "logo": r":streamlit:",
    "arrow": r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)",
    "bare link": r"(https?://|www(?=\.))[-.\w]+",
    "bare email": r"[-.\w+]+@[-\w]+(\.[-\w]+)+",
}
MARKUP = [
    ("link", "Mel [Verify your NHS login](https://evil.example/login)"),
    ("image", "![t](https://evil.example/t.png)"),
    ("reference link", "[click][r]\n\n[r]: https://evil.example/ref"),
    ("autolink", "<https://evil.example/auto>"),
    ("bare link", "see https://evil.example/bare and www.evil.example"),
    ("email", "write to x@evil.example or <x@evil.example>"),
    ("html", "<img src=x onerror=alert(1)><script>alert(1)</script>"),
    ("entity", "&amp; &#x41; &copy;"),
    ("bold and italic", "**bold** __bold__ *it* _it_"),
    ("strikethrough", "~~struck~~"),
    ("code", "`code` and ``more``"),
    ("colour", ":red[alarm] :blue-background[x] :green-badge[ok]"),
    ("math", "$x^2$ and $$y$$ and \\(z\\)"),
    ("emoji", ":smile: :+1:"),
    ("material icon", ":material/warning: :material_home:"),
    ("logo", ":streamlit:"),
    ("arrows", "a -> b <- c -- d >= e <= f ~= g <-> h"),
    ("heading", "# Heading"),
    ("list", "- item\n1. item\n+ item"),
    ("quote", "> quoted"),
    ("table", "| a | b |\n|---|---|\n| 1 | 2 |"),
    ("rule", "***"),
    ("backslashes", "\\*not bold\\* and a trailing \\"),
    ("line break", "one\ntwo\r\nthree\tfour"),
    ("plain", "Cllr Mel Collins (Hounslow) – 20% of £1,000"),
]


def _read_back(markdown: str) -> str:
    """The text a CommonMark reader finds, or an AssertionError if it finds anything but one paragraph of text."""
    tokens = COMMONMARK.parse(markdown)
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"], tokens
    children = tokens[1].children
    assert all(c.type == "text" for c in children), [c.type for c in children]
    return "".join(c.content for c in children)


def _expected(text: str) -> str:
    return re.sub(r"[\r\n\t\v\f]+", " ", text).strip()


@pytest.mark.parametrize("kind, text", MARKUP, ids=[k for k, _ in MARKUP])
def test_commonmark_reads_back_exactly_the_text(kind, text):
    assert _read_back(literal(text)).replace(WORD_JOINER, "") == _expected(text)


@pytest.mark.parametrize("kind, text", MARKUP, ids=[k for k, _ in MARKUP])
@pytest.mark.parametrize("rewrite", AFTER_PARSE)
def test_no_rewrite_after_parsing_can_match(kind, text, rewrite):
    assert not re.search(AFTER_PARSE[rewrite], _read_back(literal(text)))


# Control characters are left out: an .xlsx cannot hold them, and CommonMark turns NUL into U+FFFD.
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(str.strip))
def test_any_text_is_read_back_unchanged(text):
    shown = _read_back(literal(text))
    assert shown.replace(WORD_JOINER, "") == _expected(text)
    assert not any(re.search(p, shown) for p in AFTER_PARSE.values())


@pytest.mark.parametrize("value, expected", [(None, ""), (math.nan, ""), (float("nan"), ""), (42, "42"),
                                             (1.5, "1\\.5"), ("", "")])
def test_missing_values_and_numbers(value, expected):
    assert literal(value) == expected


def test_join_escapes_each_value_and_keeps_the_separator():
    assert join(["a*b", "[c](d)"]) == "a\\*b; \\[c\\]\\(d\\)"
    assert join(["x", "y"], ", ") == "x, y"


def test_plain_words_are_untouched():
    assert literal("Cllr Mel Collins") == "Cllr Mel Collins"
