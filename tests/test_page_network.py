"""AppTest: the influence network page (boundary spanners, forums sharing members, the capped picture)."""
import apptest
from streamlit import dataframe_util

from lasdash import network

PAGE = "app_pages/network.py"


def frames(at):
    """The page's tables, by a column only each has."""
    found = {}
    for d in at.dataframe:
        cols = set(d.value.columns)
        key = "spanners" if "Sits on" in cols else "shared" if "Shares members with" in cols else "links"
        found[key] = d.value
    return found


def picture_nodes(at):
    proto = at.get("vega_lite_chart")[0].proto
    data = [dataframe_util.convert_arrow_bytes_to_pandas_df(d.data.data) for d in proto.datasets]
    return next(d for d in data if "Connections" in d.columns)


def test_unfiltered_ranks_eyres_first_and_caps_the_picture(data_dir):
    at = apptest.open_page(PAGE)
    kpi = {m.label: m.value for m in at.metric}
    assert kpi["Boundary spanners"] == "69" and kpi["People with a seat"] == "197"
    t = frames(at)
    assert t["spanners"]["Person"].head(3).tolist() == ["Andrew Eyres", "Paul Jenkins", "Sarah Blow"]
    assert t["spanners"]["Forums and organisations"].head(3).tolist() == [8, 7, 6]
    assert len(t["links"]) == 350  # every named seat
    top_pair = t["shared"].iloc[0]
    assert (top_pair["Forum or organisation"], top_pair["Shares members with"], top_pair["Shared members"]) == (
        "HLP programme: Estates", "HLP programme: Payments & Funding", 8)
    nodes = picture_nodes(at)
    people = nodes[nodes["Type"] == "Person"]
    assert len(people) == network.MAX_PEOPLE and "Andrew Eyres" in set(people["Name"])
    assert any(f"capped at the top {network.MAX_PEOPLE} of 69" in i.value for i in at.info)


def test_filtered_to_swl_counts_swl_and_wider_seats_only(data_dir):
    at = apptest.open_page(PAGE, hcp="SWL")
    t = frames(at)
    spanners = t["spanners"].set_index("Person")
    assert spanners.index[0] == "Dr Naz Jivani"
    assert spanners.loc["Sarah Blow", "Seats"] == 4  # her two SEL seats are outside the filter
    assert "Paul Jenkins" not in spanners.index
    assert set(t["links"]["Footprint"]) <= {"SWL", "London", "National"}
    nodes = picture_nodes(at)
    assert (nodes["Type"] == "Person").sum() == len(spanners) == 25  # under the cap: everyone drawn, no note
    assert not any("capped" in i.value for i in at.info)


def test_a_sub_group_with_no_spanners_says_so(data_dir):
    at = apptest.open_page(PAGE, hcp="NWL", wider="false", sub_group="SG09")
    assert {m.label: m.value for m in at.metric}["Boundary spanners"] == "0"
    assert any("No people sitting on two or more" in i.value for i in at.info)
    assert not at.get("vega_lite_chart")
