"""AppTest: the sub-groups page (the 11 sub-groups, their spread by footprint, and the drill-down)."""
import apptest
import pandas as pd

from lasdash import queries
from lasdash.ui import page

PAGE = "app_pages/sub_groups.py"


def open_page(**params):
    return apptest.open_page(PAGE, **params)


GRIDS = ["sub_groups", "spread", "drill"]  # the page's tables, in order


def grid(at, name):
    return at.dataframe[GRIDS.index(name)].value


def test_unfiltered_lists_the_eleven_sub_groups_with_their_categories(data_dir):
    at = open_page()
    sub_groups = grid(at, "sub_groups").set_index("ID")
    assert list(sub_groups.index) == [f"SG{i:02d}" for i in range(1, 12)]
    assert {m.label: m.value for m in at.metric}["Sub-groups"] == "11"
    assert sub_groups.loc["SG03", "Categories"] == ("London Local Authorities (Cllrs, Cabinet Members, OVSC, SLTs); "
                                                    "London Health and Wellbeing Boards; London Councils; "
                                                    "Local Government Association")
    assert sub_groups.loc["SG07", "Organisations (all footprints)"] == 0


def test_drill_down_lists_only_the_chosen_sub_groups_organisations(data_dir):
    at = open_page()
    assert set(grid(at, "drill")["Sub-group"]) == {("London Clinical Commissioning Groups: STPs/Health and "
                                                    "Care Partnerships(HCPs)")}  # the first sub-group by default
    at.selectbox(key="drill_sub_group").set_value("SG03").run()
    drill = grid(at, "drill")
    assert set(drill["Sub-group"]) == {"London local authorities"}
    assert "London Councils" in set(drill["Name"])
    assert len(drill) == grid(at, "sub_groups").set_index("ID").loc["SG03", "Organisations (all footprints)"]


def test_filtered_to_ncl_counts_and_drill_down_follow_the_footprint(data_dir):
    at = open_page(hcp="NCL", wider="false")
    assert len(grid(at, "sub_groups")) == 11  # the list of kinds is not a footprint's
    spread = grid(at, "spread")
    assert set(spread["Footprint"]) == {"NCL"}
    sg01 = spread.set_index("Sub-group ID").loc["SG01"]
    assert (sg01["Organisations"], sg01["Forums"]) == (4, 10)
    at.selectbox(key="drill_sub_group").set_value("SG03").run()
    drill = grid(at, "drill")
    assert set(drill["Footprint"]) == {"NCL"} and set(drill["Sub-group"]) == {"London local authorities"}


def test_sub_group_filter_narrows_the_list_and_the_drill_down(data_dir):
    at = open_page(sub_group="SG06")
    assert grid(at, "sub_groups")["ID"].tolist() == ["SG06"]
    assert at.selectbox(key="drill_sub_group").options == ["SG06 · Mayor of London/Greater London Assembly"]
    assert set(grid(at, "drill")["Sub-group"]) == {"Mayor of London/Greater London Assembly"}


def test_drill_down_fetches_only_the_rows_shown_and_counts_the_rest(data_dir, store, monkeypatch):
    monkeypatch.setattr(page, "MAX_ROWS", 3)
    at = open_page()
    at.selectbox(key="drill_sub_group").set_value("SG03").run()
    whole = queries.run(queries.connect(store, store.current_id()), "organisations", queries.Filter((), ("SG03",)))
    pd.testing.assert_frame_equal(grid(at, "drill"), whole.head(3))
    assert f"Showing 3 of {len(whole)} rows. The download has them all." in [c.value for c in at.caption]
    kpi = {m.label: m.value for m in at.metric}
    assert kpi["Organisations"] == "121" and kpi["People"] == "198" and kpi["Forums"] == "102"
