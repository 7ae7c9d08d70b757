"""Map text on screen: always literal, never markup.

Streamlit reads Markdown in st.markdown, captions, alerts, headings, metric labels and values,
help tooltips, expander, tab, button and status labels. Names, notes, sources, file names,
snapshot notes and link parameters all come from outside, so every such value goes through
`literal()` before it is put into one of those strings; our own `**bold**` around it stays.
Dataframes, charts, st.code and st.text never read Markdown and take the raw value.

Pure (no streamlit import), so its tests need no app.
"""
from __future__ import annotations

import math
import re

WORD_JOINER = "\u2060"  # invisible and zero-width: copy-paste and screen readers ignore it

# CommonMark lets a backslash escape any ASCII punctuation; that stops links, images, emphasis,
# code, HTML, headings and lists, GFM autolinks and tables, Streamlit's :color[...] directives
# and $math$.
_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# Some rewriting happens after parsing, where a backslash no longer counts: GFM's bare links
# (https://..., www...., a@b.c), Streamlit's ':name:' emoji and ':material_x:' icons, and its
# ' -> ', ' <= ', ' -- ' arrows. A word joiner breaks each of those patterns.
_AFTER_PARSE = re.compile(r"(?<=:)(?=[\w+/-])|(?<=@)(?=[\w-])|(?<=www)(?=\.)|(?<=[<>~-])(?=[-=>])", re.IGNORECASE)
_BREAKS = re.compile(r"[\r\n\t\v\f]+")  # a line break would end our bullet or paragraph around the value


def literal(value: object) -> str:
    """`value` as Markdown that Streamlit shows exactly as written (on one line, without surrounding
    spaces); None and NaN give ''."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = _BREAKS.sub(" ", str(value)).strip()
    text = _AFTER_PARSE.sub(WORD_JOINER, text)
    return _ASCII_PUNCTUATION.sub(r"\\\1", text)


def join(values, sep: str = "; ") -> str:
    """Several map values as one literal list."""
    return sep.join(literal(v) for v in values)
