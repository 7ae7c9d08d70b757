"""Every relative link in README.md and docs/*.md resolves: the file exists and, for `#anchor`, so does the heading.

Anchors follow GitHub's rules (github-slugger): the heading's text as rendered, lower-cased, every character that is
not a letter, digit, mark, `_`, `-` or space dropped, spaces turned into `-`; a repeated slug gets `-1`, `-2` ...
"""
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^ {0,3}(```|~~~)")
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)  # https:, mailto:, ... and protocol-relative


def _prose_lines(text: str):
    """(line number, line) outside fenced code blocks, with inline code spans blanked out."""
    fenced = False
    for n, line in enumerate(text.split("\n"), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield n, re.sub(r"(`+)(.+?)\1", lambda m: " " * len(m.group(0)), line)


def _heading_text(raw: str) -> str:
    """What GitHub renders from a heading's Markdown: link text kept, code and emphasis markers and HTML gone."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", raw)
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("`", "")
    text = re.sub(r"(\*+|(?<!\w)_+|_+(?!\w))", "", text)
    return text.strip()


def slug(heading: str) -> str:
    kept = "".join(ch for ch in heading.lower()
                   if ch.isalnum() or ch in "-_ " or unicodedata.category(ch).startswith("M"))
    return kept.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    fenced = False
    for line in path.read_text(encoding="utf-8").split("\n"):
        if FENCE.match(line):
            fenced = not fenced
            continue
        m = None if fenced else re.match(r"^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$", line)
        if m:
            base = slug(_heading_text(m.group(1)))
            n = seen.get(base, 0)
            seen[base] = n + 1
            found.add(base if n == 0 else f"{base}-{n}")
    return found


def links(path: Path):
    """(line number, target) of every relative link and image in a Markdown file."""
    for n, line in _prose_lines(path.read_text(encoding="utf-8")):
        targets = [m.group(1) for m in INLINE_LINK.finditer(line)]
        ref = REFERENCE_DEF.match(line)
        targets += [ref.group(1)] if ref else []
        yield from ((n, t) for t in targets if not EXTERNAL.match(t))


CASES = [(doc, n, target) for doc in DOCS for n, target in links(doc)]


@pytest.mark.parametrize("doc, line, target", CASES,
                         ids=[f"{d.relative_to(ROOT)}:{n}:{t}" for d, n, t in CASES])
def test_relative_link_resolves(doc, line, target):
    file_part, _, anchor = target.partition("#")
    dest = (doc.parent / unquote(file_part)).resolve() if file_part else doc
    where = f"{doc.relative_to(ROOT)}:{line}: {target}"
    assert dest.exists(), f"{where}: no such file"
    assert dest.is_relative_to(ROOT), f"{where}: points outside the repository"
    if anchor:
        assert dest.suffix == ".md", f"{where}: an anchor into a file that is not Markdown"
        assert unquote(anchor) in anchors(dest), f"{where}: no heading with that anchor in {dest.relative_to(ROOT)}"


def test_the_docs_have_relative_links():  # the parser above still finds them (a broken regex would pass silently)
    readme = [t for d, _, t in CASES if d.name == "README.md"]
    assert any(t.startswith("docs/") and t.endswith(".md") for t in readme)
    assert any("#" in t for _, _, t in CASES)
    assert any(t.endswith(".png") for t in readme)


@pytest.mark.parametrize("heading, want", [
    ("The two commands", "the-two-commands"),
    ("Dependencies, and why", "dependencies-and-why"),
    ("Why the page scripts are in `app_pages/`", "why-the-page-scripts-are-in-app_pages"),
    ("Worked example: Azure Container Apps with Blob Storage (on paper: no cloud is reachable here)",
     "worked-example-azure-container-apps-with-blob-storage-on-paper-no-cloud-is-reachable-here"),
    ("lasdash — the LAS stakeholder map as a dashboard", "lasdash--the-las-stakeholder-map-as-a-dashboard"),
    ("S1 × S100: **what** changed", "s1--s100-what-changed"),
])
def test_slugs_follow_github(heading, want):
    assert slug(_heading_text(heading)) == want


def test_a_missing_anchor_is_caught(tmp_path):
    (tmp_path / "a.md").write_text("# Title\n\n## Same\n\n## Same\n\n```\n# not a heading\n```\n")
    assert anchors(tmp_path / "a.md") == {"title", "same", "same-1"}
