"""AppTest: the engagement coverage page (heatmap, levels, engaged and not-engaged lists, timeline)."""
import ast

import apptest
import pandas as pd
import pytest
from apptest import shown
from streamlit import dataframe_util

from lasdash import config, pipeline, queries

PAGE = "app_pages/engagement.py"
# each table is known by a column only its view has (an empty view shows a note instead of a table)
GRIDS = {"coverage": "Mapped", "engaged": "Engaged (period)", "not_engaged": "Category", "engagements": "Summary"}
CHARTS = ["heatmap", "levels", "timeline"]


def open_page(**params):
    return apptest.open_page(PAGE, **params)


def grid(at, name):
    found = [d.value for d in at.dataframe if GRIDS[name] in d.value.columns]
    assert len(found) <= 1
    return found[0] if found else None


def chart_data(at, name):
    proto = at.get("vega_lite_chart")[CHARTS.index(name)].proto
    return dataframe_util.convert_arrow_bytes_to_pandas_df(proto.datasets[0].data.data)


def text(at):
    return "\n".join([shown(c.value) for c in at.caption] + [shown(w.value) for w in at.warning] + [shown(m.value) for m in at.markdown])


def test_unfiltered_kpis_match_the_views(data_dir, store):
    at = open_page()
    con = queries.connect(store, store.current_id())
    orgs = queries.run(con, "organisations")
    kpi = {m.label: m.value for m in at.metric}
    engaged = int((orgs["Engaged"] == "Yes").sum())
    assert kpi["Mapped organisations"] == str(len(orgs)) == "121"
    assert kpi["Engaged"] == str(engaged) == str(len(grid(at, "engaged")))
    assert kpi["Coverage"] == f"{100 * engaged / len(orgs):.0f}%"
    assert kpi["Engagements recorded"] == "29"
    assert len(grid(at, "engaged")) + len(grid(at, "not_engaged")) == len(orgs)


def test_engaged_list_has_the_health_committee_session_with_its_lead(data_dir):
    at = open_page()
    gla = grid(at, "engaged").set_index("Organisation").loc["Greater London Authority / Mayor of London"]
    assert pd.Timestamp(gla["Last engaged (date)"]) == pd.Timestamp("2023-01-24")
    assert "Daniel Elkeles" in gla["LAS lead"]
    assert gla["Engaged (period)"] == "June 2022 - March 2023"
    assert "Greater London Authority / Mayor of London" not in set(grid(at, "not_engaged")["Organisation"])
    assert "Camden CCG" in set(grid(at, "not_engaged")["Organisation"])


def test_heatmap_cells_read_engaged_over_mapped(data_dir):
    at = open_page()
    cells = chart_data(at, "heatmap").set_index(["Sub-group ID", "Footprint"])
    assert cells.loc[("SG03", "London"), "Engaged / mapped"] == "3/3"
    assert cells.loc[("SG01", "NCL"), "Engaged / mapped"] == "0/4"
    assert cells.loc[("SG06", "London"), "Row"].startswith("SG06 · ")


def test_levels_say_plainly_that_none_is_recorded(data_dir):
    at = open_page()
    mix = chart_data(at, "levels").set_index("Level")["Engagements"].to_dict()
    assert mix == {"Co-produce": 0, "Engage on specific aspects": 0, "Keep informed": 0, "Not recorded": 29}
    assert any("No level is recorded for any of the 29 engagements" in shown(w.value) for w in at.warning)


def test_timeline_draws_dates_as_points_and_periods_as_spans(data_dir):
    at = open_page()
    tl = chart_data(at, "timeline").set_index("ID")
    assert len(tl) == 29
    session = tl.loc["E001-029"]
    assert session["Start"] == session["End"] == pd.Timestamp("2023-01-24") and session["When"] == "24 Jan 2023"
    assert session["kind"] == "On a date"
    period = tl.loc["E001-002"]  # a meeting known only as "June 2022 - March 2023": no day is invented
    assert (period["Start"], period["End"]) == (pd.Timestamp("2022-06-01"), pd.Timestamp("2023-03-31"))
    assert period["kind"] == "Over a period" and period["When"] == "June 2022 - March 2023"
    assert tl["Engagement"].is_unique
    assert "Not on the timeline" not in text(at)
    assert "1 on a known date; 28 known only as 'June 2022 - March 2023'." in text(at)


def test_an_unreadable_period_is_listed_not_dropped(data_dir, store, tables, write_workbook):
    eng = tables["Engagements"]
    eng.loc[eng["id"] == "E001-002", "period"] = "Spring 2023"
    assert pipeline.publish(store, write_workbook(tables), author="test").manifest
    at = open_page()
    assert len(chart_data(at, "timeline")) == 28
    assert "Not on the timeline (1): E001-002 (Greater London Authority / Mayor of London · Dr Tom Coffey: " \
           "period 'Spring 2023' could not be read)." in text(at)
    assert len(grid(at, "engagements")) == 29  # still in the table


def test_implausible_dates_are_listed_not_drawn(data_dir, store, tables, write_workbook, monkeypatch):
    """Engagements dated 2099 and 1900 get through as warnings; the timeline keeps to the plausible years and says
    which it left out, so its axis is not stretched over two centuries."""
    import datetime as dt

    from lasdash import clock
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 12, 2))
    eng = tables["Engagements"]
    eng.loc[eng["id"] == "E001-029", "date"] = dt.date(2099, 6, 15)
    eng.loc[eng["id"] == "E001-002", ["date", "period"]] = [dt.date(1900, 1, 1), None]
    outcome = pipeline.publish(store, write_workbook(tables), author="test")
    assert outcome.manifest and len(outcome.validation.problems) == 2  # two warnings, no error
    at = open_page()
    tl = chart_data(at, "timeline")
    assert len(tl) == 27 and tl["Start"].min() >= pd.Timestamp("2000-01-01") and tl["End"].max().year < 2030
    listed = text(at)
    assert "Not on the timeline (2):" in listed
    assert "E001-029 (Greater London Authority / Mayor of London" in listed
    assert "dated 15 Jun 2099, outside 2000 to Dec 2027: check the year" in listed
    assert "dated 01 Jan 1900, outside 2000 to Dec 2027: check the year" in listed
    assert len(grid(at, "engagements")) == 29  # still in the table


def test_a_recorded_level_is_counted(data_dir, store, tables, write_workbook):
    eng = tables["Engagements"]
    eng.loc[eng["id"] == "E001-029", "level"] = "Engage on specific aspects"
    assert pipeline.publish(store, write_workbook(tables), author="test").manifest
    at = open_page()
    mix = chart_data(at, "levels").set_index("Level")["Engagements"].to_dict()
    assert mix["Engage on specific aspects"] == 1 and mix["Not recorded"] == 28
    assert not any("No level is recorded" in shown(w.value) for w in at.warning)


def test_filtered_to_ncl_only_keeps_ncl_organisations(data_dir):
    at = open_page(hcp="NCL", wider="false")
    assert set(grid(at, "coverage")["Footprint"]) == {"NCL"}
    assert set(grid(at, "not_engaged")["Footprint"]) == {"NCL"}
    assert "Camden CCG" in set(grid(at, "not_engaged")["Organisation"])
    assert grid(at, "engaged") is None  # no NCL organisation has an engagement recorded in the seed map
    assert any(shown(i.value) == "No engaged organisations under the current filter." for i in at.info)
    kpi = {m.label: m.value for m in at.metric}
    assert kpi["Mapped organisations"] == str(grid(at, "coverage")["Mapped"].sum()) != "121"


def test_filtered_to_ncl_with_london_wide_keeps_the_gla(data_dir):
    at = open_page(hcp="NCL")
    assert set(grid(at, "coverage")["Footprint"]) <= {"NCL", "London", "National"}
    assert "Greater London Authority / Mayor of London" in set(grid(at, "engaged")["Organisation"])
    assert "Brent CCG" not in set(grid(at, "not_engaged")["Organisation"])  # NWL


# --- the timeline's rows, unit by unit (timeline_of, a pure function in the page) ---

def page_function(name):
    """A function defined in the page, compiled alone: importing a page would run the whole script."""
    tree = ast.parse((config.REPO_ROOT / PAGE).read_text(encoding="utf-8"))
    defs = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == name]
    from lasdash.validate import EARLIEST_EVENT, latest_event
    namespace = {"pd": pd, "EARLIEST_EVENT": EARLIEST_EVENT, "latest_event": latest_event}
    exec(compile(ast.Module(defs, type_ignores=[]), PAGE, "exec"), namespace)  # noqa: S102 (our own page's source)
    return namespace[name]


timeline_of = page_function("timeline_of")
TIMELINE = ["Engagement", "Start", "End", "When", "ID", "Mechanism", "LAS lead"]
GLA, COFFEY, FORUM = "Greater London Authority", "Dr Tom Coffey", "Health Committee"
JAN_24, JUNE, MARCH = pd.Timestamp("2023-01-24"), pd.Timestamp("2022-06-01"), pd.Timestamp("2023-03-31")


def engagements(*rows) -> pd.DataFrame:
    """An `engagements`-shaped frame; a column missing from every row is blank throughout, as the view gives it."""
    blank = {"Date": None, "Period": None, "Period from": None, "Period to": None, "Organisation": None,
             "Person": None, "Forum": None, "LAS lead": None, "Mechanism": None}
    frame = pd.DataFrame([{**blank, "ID": f"E{i}", **row} for i, row in enumerate(rows, 1)])
    for col in ("Date", "Period from", "Period to"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[us]")
    return frame


@pytest.mark.parametrize("row, drawn, undrawn", [
    pytest.param({"Date": JAN_24, "Organisation": GLA, "Person": COFFEY, "Mechanism": "Meeting", "LAS lead": "DE"},
                 (f"{GLA} · {COFFEY}", JAN_24, JAN_24, "24 Jan 2023", "Meeting", "DE"), None, id="dated"),
    pytest.param({"Date": JAN_24, "Period": "June 2022 - March 2023", "Period from": JUNE, "Period to": MARCH,
                  "Forum": FORUM}, (FORUM, JAN_24, JAN_24, "24 Jan 2023", None, None), None,
                 id="a date beats a period"),
    pytest.param({"Period": "June 2022 - March 2023", "Period from": JUNE, "Period to": MARCH, "Organisation": GLA,
                  "Forum": FORUM}, (f"{GLA} · {FORUM}", JUNE, MARCH, "June 2022 - March 2023", None, None), None,
                 id="period, as written"),
    pytest.param({"Period": "Spring 2023", "Organisation": GLA, "Person": COFFEY}, None,
                 f"E1 ({GLA} · {COFFEY}: period 'Spring 2023' could not be read)", id="unreadable period"),
    pytest.param({"Person": COFFEY}, None, f"E1 ({COFFEY}: no date or period)", id="no date or period"),
    pytest.param({"Date": JAN_24}, ("E1", JAN_24, JAN_24, "24 Jan 2023", None, None), None, id="who: the ID, drawn"),
    pytest.param({}, None, "E1 (E1: no date or period)", id="who: the ID, not drawn"),
])
def test_timeline_of_one_engagement(row, drawn, undrawn):
    timeline, not_drawn = timeline_of(engagements(row))
    assert list(timeline.columns) == TIMELINE
    if drawn is None:
        assert timeline.empty and not_drawn == [undrawn]
    else:
        engagement, start, end, when, mechanism, lead = drawn
        assert not_drawn == []
        assert timeline.iloc[0].to_dict() == {"Engagement": engagement, "Start": start, "End": end, "When": when,
                                              "ID": "E1", "Mechanism": mechanism, "LAS lead": lead}
        assert isinstance(timeline["Start"].iloc[0], pd.Timestamp) and isinstance(timeline["End"].iloc[0], pd.Timestamp)


def test_timeline_of_keeps_the_order_and_lists_what_it_cannot_draw_in_order():
    timeline, undrawn = timeline_of(engagements(
        {"Date": JAN_24, "Forum": FORUM}, {"Period": "Spring 2023"}, {"Period": "June 2022 - March 2023",
                                                                      "Period from": JUNE, "Period to": MARCH},
        {}, {"Date": JUNE, "Organisation": GLA, "Mechanism": "Forum"}))
    assert timeline["ID"].tolist() == ["E1", "E3", "E5"] and timeline.index.tolist() == [0, 1, 2]
    assert timeline["Engagement"].tolist() == [FORUM, "E3", GLA]
    assert timeline["When"].tolist() == ["24 Jan 2023", "June 2022 - March 2023", "01 Jun 2022"]
    assert undrawn == ["E2 (E2: period 'Spring 2023' could not be read)", "E4 (E4: no date or period)"]
