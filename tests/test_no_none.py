"""A blank is a dash or 'not recorded', never 'None' or 'nan': on every page, unfiltered and under an HCP."""
import re

import apptest
import pandas as pd
import pytest

from lasdash.ui.menu import MENU

# 'None' as Python prints a blank; 'None of these…' and 'None under the filter' are English
BLANK_WORDS = re.compile(r"\bNone\b(?! (of|under|is|was)\b)|\b(nan|NaN|NaT)\b|<NA>")


def texts(at):
    for kind in ("markdown", "caption", "info", "warning", "success", "error", "text", "subheader", "header", "title"):
        for element in at.get(kind):
            yield kind, str(element.value)
    for m in at.metric:
        yield "metric", f"{m.label}: {m.value}"
    for d in at.dataframe:
        df = d.value
        if isinstance(df, pd.DataFrame):
            for column in df.columns:
                for value in df[column]:
                    if isinstance(value, str):
                        yield f"grid column {column}", value


@pytest.mark.parametrize("params", [{}, {"hcp": "NCL"}])
@pytest.mark.parametrize("script", [script for script, _, _ in MENU])
def test_no_blank_reads_as_none(data_dir, script, params):
    at = apptest.open_page(script, **params)
    found = [(kind, text[:120]) for kind, text in texts(at) if BLANK_WORDS.search(apptest.shown(text))]
    assert not found
