"""The heatmap's colour scale: fixed, so zero is drawn as zero (palest), whatever else the data holds.

Vega-Lite takes a scale's domain from the data unless told otherwise: an all-zero column of percentages got the
domain [0, 0], mid-blue cells and a legend reading '0.000000'. These tests read the Vega-Lite spec
(`chart.to_dict()`) the way the browser would use it.
"""
import json
import re

import pandas as pd
import pytest
from streamlit import dataframe_util

from lasdash import charts

FOOTPRINTS = ["SEL", "London", "National"]


def grid(values, value="Engaged %"):
    """One row per value, spread over footprints and rows, with an 'engaged/mapped'-style label."""
    return pd.DataFrame({"Footprint": [FOOTPRINTS[i % 3] for i in range(len(values))],
                         "Row": [f"SG{i // 3:02d}" for i in range(len(values))],
                         value: values, "Label": [f"{v}" for v in values]})


def layers(spec):
    rect = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rect")
    text = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "text")
    return rect["encoding"]["color"], text["encoding"]["color"]


def shade(colour, v):
    """Where v falls on the colour range, 0 (first colour) to 1 (last), from the spec's explicit domain.

    An explicit, non-degenerate domain is required: without one the browser derives it from the data."""
    scale = colour["scale"]
    assert "domain" in scale, "no fixed domain: Vega-Lite would take it from the data"
    lo, hi = scale["domain"]
    assert hi > lo, f"degenerate domain {scale['domain']}"
    return min(1.0, max(0.0, (v - lo) / (hi - lo)))


def white_text_above(text_colour):
    """The value past which a cell's text is white, from the condition the spec carries."""
    assert text_colour["condition"]["value"] == "white" and text_colour["value"] == charts.DARK_GREY
    found = re.fullmatch(r"\(datum\[.+\] > ([0-9.]+)\)", text_colour["condition"]["test"])
    assert found, text_colour["condition"]["test"]
    return float(found.group(1))


def legend_labels(legend):
    """The legend's labels as drawn: each value formatted by `format` ('d'), then passed through `labelExpr`.

    Only the expression shape we use is understood (datum.label plus a literal suffix); anything else fails."""
    assert legend.get("format") == "d", legend
    expr = legend.get("labelExpr", "datum.label")
    found = re.fullmatch(r"datum\.label(?: \+ '([^']*)')?", expr)
    assert found, f"unexpected labelExpr {expr!r}"
    return [f"{int(v)}{found.group(1) or ''}" for v in legend["values"]]


PERCENT_DATA = {
    "all zero (SEL, wider off)": [0.0, 0.0],
    "one zero": [0.0],
    "all full": [100.0, 100.0, 100.0],
    "mixed": [0.0, 33.3, 75.0, 100.0],
    "small shares only": [0.0, 12.5, 20.0],
}


@pytest.mark.parametrize("values", PERCENT_DATA.values(), ids=PERCENT_DATA.keys())
def test_percent_heatmap_has_a_fixed_0_to_100_domain(values):
    colour, text = layers(charts.heatmap(grid(values), "Footprint", "Row", "Engaged %", label="Label",
                                         percent=True).to_dict())
    assert colour["scale"]["domain"] == [0, 100]
    assert colour["scale"]["range"] == [charts.PALE_GREY, charts.NHS_BLUE]  # 0 palest, 100 darkest
    assert colour["scale"].get("nice") is False  # nice would stretch the domain past 100
    assert white_text_above(text) == 50  # the same fixed midpoint, not half of this data's maximum


@pytest.mark.parametrize("values", PERCENT_DATA.values(), ids=PERCENT_DATA.keys())
def test_percent_heatmap_shades_each_value_by_its_share_of_100(values):
    colour, _ = layers(charts.heatmap(grid(values), "Footprint", "Row", "Engaged %", percent=True).to_dict())
    assert [shade(colour, v) for v in values] == [v / 100 for v in values]


def test_all_zero_grid_is_drawn_palest_with_dark_text():
    """The SEL bug: every cell 0/n was mid-blue. Zero must sit at the pale end, with dark text."""
    colour, text = layers(charts.heatmap(grid([0.0, 0.0, 0.0]), "Footprint", "Row", "Engaged %",
                                         percent=True).to_dict())
    assert shade(colour, 0.0) == 0.0 and colour["scale"]["range"][0] == charts.PALE_GREY
    assert white_text_above(text) >= 0.0  # zero is not above it: dark text on the pale cell


def test_percent_legend_reads_as_percentages():
    colour, _ = layers(charts.heatmap(grid([0.0]), "Footprint", "Row", "Engaged %", percent=True).to_dict())
    labels = legend_labels(colour["legend"])
    assert {"0 %", "50 %", "100 %"} <= set(labels)
    assert labels[0] == "0 %" and labels[-1] == "100 %"
    assert colour["legend"]["title"] == "Engaged %"


COUNT_DATA = {  # values -> the domain's top: the largest count, at least 1
    "several": ([1, 2, 5, 3], 5),
    "one cell": ([3], 3),
    "all ones": ([1, 1], 1),
    "all zero": ([0, 0], 1),
    "large": ([40, 7, 120], 120),
}


@pytest.mark.parametrize("values,top", COUNT_DATA.values(), ids=COUNT_DATA.keys())
def test_counts_heatmap_starts_at_zero_with_whole_number_labels(values, top):
    colour, text = layers(charts.heatmap(grid(values, "Forums"), "Footprint", "Row", "Forums").to_dict())
    assert colour["scale"]["domain"] == [0, top]
    assert shade(colour, 0) == 0.0 and shade(colour, max(values)) == (1.0 if max(values) else 0.0)
    legend = colour["legend"]
    assert legend["format"] == ",d" and legend.get("tickMinStep") == 1  # never 0.5 forums; 1,200 as captions read
    assert "%" not in json.dumps(legend)
    assert white_text_above(text) == top / 2


def test_counts_is_the_default_and_existing_calls_still_work():
    """hcp_governance and sub_groups call heatmap without the keyword: they get the counts scale."""
    df = grid([2, 4], "Forums")
    spec = charts.heatmap(df, "Footprint", "Row", "Forums", tooltip=["Row", "Footprint", "Forums"]).to_dict()
    assert layers(spec)[0]["scale"]["domain"] == [0, 4]
    assert spec == charts.heatmap(df, "Footprint", "Row", "Forums", percent=False,
                                  tooltip=["Row", "Footprint", "Forums"]).to_dict()


def test_engagement_page_draws_sel_zeros_as_zero(data_dir):
    """The page itself: SEL without London-wide rows engages none of its organisations; the heatmap says 0 %."""
    import apptest
    at = apptest.open_page("app_pages/engagement.py", hcp="SEL", wider="false")
    proto = at.get("vega_lite_chart")[0].proto
    cells = dataframe_util.convert_arrow_bytes_to_pandas_df(proto.datasets[0].data.data)
    assert len(cells) and (cells["Engaged %"] == 0).all()  # the case of the bug
    spec = json.loads(proto.spec)
    colour, text = layers(spec)
    assert colour["scale"]["domain"] == [0, 100] and white_text_above(text) == 50
    assert {"0 %", "100 %"} <= set(legend_labels(colour["legend"]))


@pytest.mark.parametrize("percent", [True, False], ids=["percent", "counts"])
@pytest.mark.parametrize("rows", [1, 2, 4, 5, 6, 8, 13, 40])
def test_the_whole_legend_fits_the_grid(rows, percent):
    """Vega-Lite's own vertical gradient is as long as the plot under a title, so the chart's frame cut off its
    0 end on short grids (SEL without London-wide rows has two). It must fit in the plot, or lie flat below it."""
    df = pd.DataFrame({"Footprint": "SEL", "Row": [f"R{i:02d}" for i in range(rows)], "v": 0})
    legend = layers(charts.heatmap(df, "Footprint", "Row", "v", percent=percent).to_dict())[0]["legend"]
    if legend.get("direction") == "horizontal":
        assert legend["orient"] == "bottom" and rows * charts.ROW_STEP - 40 < 80
    else:
        assert 80 <= legend["gradientLength"] <= min(200, rows * charts.ROW_STEP - 40)  # 40 px: title, end label


# --- counts over a thousand read as the captions write them (3,972) -------------------------------------------------
@pytest.mark.parametrize(("values", "shown"), [
    ([0, 7, 999], ["0", "7", "999"]), ([1000, 3972, 1234567], ["1,000", "3,972", "1,234,567"]),
    (pd.array([12, 4000], dtype="Int64"), ["12", "4,000"]), ([30.0, 2861.0], ["30", "2,861"])])
def test_thousands_writes_whole_numbers_with_separators(values, shown):
    assert charts.thousands(pd.Series(values)).tolist() == shown


def test_bar_labels_and_axes_of_counts_have_thousands_separators():
    spec = charts.bar_with_labels(pd.DataFrame({"Footprint": ["NWL", "SEL"], "Seats": [3972, 9000]}),
                                  "Footprint", "Seats").to_dict()
    bars, text = spec["layer"]
    assert bars["encoding"]["x"]["axis"]["format"] == ",d"
    assert text["encoding"]["text"]["format"] == ",d"
    stacked = charts.stacked_counts(pd.DataFrame({"Kind": ["a", "a"], "Level": ["x", "y"], "n": [1500, 2]}),
                                    "Kind", "Level", "n").to_dict()
    assert stacked["layer"][1]["encoding"]["text"]["format"] == ",d"


def test_contact_status_labels_read_days_with_separators():
    df = pd.DataFrame({"Organisation": ["A"], "Days since": [2861], "Contact every (days)": [1095],
                       "Status": ["Overdue"], "LAS relationship owner": [None], "Last contact from": ["x"]})
    spec = charts.contact_status(df).to_dict()
    assert "Overdue · 2,861 days (every 1,095)" in json.dumps(spec, ensure_ascii=False)
