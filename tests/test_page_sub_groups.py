"""AppTest: the sub-groups page (the 11 sub-groups, their spread by footprint, the drill-down, and the editors'
default contact interval of each)."""
import apptest
import pandas as pd

from lasdash import edits, pipeline, queries
from lasdash.ui import map_edits, page

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


# --- the default contact interval of each sub-group (editors) ---------------------------------------------------------
PASSWORD = apptest.EDITOR_PASSWORD


def editor_at(page=PAGE):
    return apptest.as_editor(page)


def intervals(at):
    found = [d.value for d in at.dataframe if d.value.columns.tolist() == ["Sub-group", "Contact every (days)"]]
    assert len(found) <= 1
    return found[0] if found else None


def test_the_caption_says_an_organisations_own_interval_overrides_its_sub_groups(data_dir):
    assert any("an organisation's own interval overrides its sub-group's" in c.value for c in open_page().caption)


def test_an_editor_gives_sg03_a_default_interval_in_one_snapshot_and_its_organisations_follow_it(data_dir, monkeypatch):
    monkeypatch.setenv("LASDASH_EDITOR_PASSWORD", PASSWORD)
    store = pipeline.open_store(data_dir)
    bexley = edits.assess_organisations(store.read_all(store.current_id()),
                                        {"ORG-bexley-council": {"contact_every_days": 30}})  # its own interval
    assert pipeline.save_edit(store, store.current_id(), bexley, author="Editor B").manifest is not None
    at = editor_at()
    assert intervals(at) is None  # closed until asked for
    at.session_state[map_edits.SUB_GROUP_OPEN] = True
    at.run()
    grid = intervals(at)
    assert grid.index.tolist() == [f"SG{i:02d}" for i in range(1, 12)] and grid["Contact every (days)"].isna().all()
    before = len(store.list())
    at.session_state[f"sub_group_editor_{store.current_id()}"] = {
        "edited_rows": {grid.index.get_loc("SG03"): {"Contact every (days)": 180}}, "added_rows": [],
        "deleted_rows": []}
    at.run()
    assert "  - Contact every \\(days\\)\\: – → 180" in "\n".join(m.value for m in at.markdown)
    next(b for b in at.button if b.label == "Save as a new snapshot").click()
    at.run()
    assert not at.exception, at.exception
    assert any("Saved as snapshot" in apptest.shown(s.value) for s in at.success)
    assert len(store.list()) == before + 1 and store.current().note == "Default contact interval of 1 sub-group(s)"
    shown = grid_of(at, "Default interval (days)").set_index("ID")["Default interval (days)"]
    assert shown.dropna().to_dict() == {"SG03": 180} and len(shown) == 11  # the page's table shows it at once
    assert intervals(at).loc["SG03", "Contact every (days)"] == 180  # still open, with the new value
    rel = queries.run(queries.connect(store, store.current_id()), "relationships")
    sg03 = rel[rel["Sub-group"] == "London local authorities"].set_index("Organisation")
    assert len(sg03) == grid_of(at, "Categories").set_index("ID").loc["SG03", "Organisations (all footprints)"]
    assert sg03.loc["LB of Bexley", ["Contact every (days)", "Interval from"]].tolist() == [30, "Its own"]
    others = sg03.drop("LB of Bexley")
    assert set(others["Interval from"]) == {"From sub-group SG03"} and set(others["Contact every (days)"]) == {180}
    assert set(rel.loc[rel["Sub-group"] != "London local authorities", "Interval from"].dropna()) == set()
    at.switch_page("app_pages/relationships.py").run()  # and the Stale relationships page says so
    stale = grid_of(at, "Interval from").set_index("Organisation")
    assert stale.loc["LB Bromley", ["Contact every (days)", "Interval from"]].tolist() == [180, "From sub-group SG03"]


def grid_of(at, column):
    return next(d.value for d in at.dataframe if column in d.value.columns)
