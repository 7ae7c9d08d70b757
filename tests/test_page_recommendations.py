"""AppTest: the recommendations page (status KPIs, the Health Committee deadline, overdue items, status by source)."""
import datetime as dt
import json

import apptest
import pandas as pd
from apptest import shown
from streamlit import dataframe_util

from lasdash import clock, pipeline

PAGE = "app_pages/recommendations.py"
HC = [f"REC-001-HC{i}" for i in range(1, 7)]


def open_page(**params):
    return apptest.open_page(PAGE, **params)


def kpis(at):
    return {m.label: m.value for m in at.metric}


def overdue_items(at):
    """The overdue list: (its line in words, its whole text) per item."""
    lines = [shown(m.value).replace("**", "") for m in at.markdown if "days overdue" in m.value]
    return list(zip(lines, [t.value for t in at.text], strict=True))


def status_chart(at):
    proto = at.get("vega_lite_chart")[0].proto
    return dataframe_util.convert_arrow_bytes_to_pandas_df(proto.datasets[0].data.data)


def test_unfiltered_six_health_committee_recommendations_are_overdue(data_dir):
    at = open_page()
    assert kpis(at) == {"Recommendations": "51", "Open": "51", "Overdue": "6", "Status not recorded": "51"}
    recs = at.dataframe[0].value
    assert len(recs) == 51
    assert sorted(recs.loc[recs["Overdue"] == "Yes", "ID"]) == HC
    assert recs["Overdue"].tolist()[:6] == ["Yes"] * 6  # the grid lists what to act on first
    assert "Overdue: 6" in [h.value for h in at.subheader]
    # the overdue list can be acted on without a CSV: reference, whole text, owner, due date and days overdue
    items = overdue_items(at)
    days = (clock.today() - dt.date(2023, 3, 31)).days
    assert [line for line, _ in items] == [
        f"Health Committee letter 20 Feb 2023, recommendation {n} (REC-001-HC{n}) · due 31 Mar 2023 · "
        f"{days:,} days overdue · owner: not recorded · status: Not recorded" for n in range(1, 7)]
    texts = dict(zip(recs["ID"], recs["Recommendation"], strict=True))
    assert [text for _, text in items] == [texts[i] for i in HC]  # whole, not clipped


def test_deadline_callout_reads_31_mar_2023(data_dir):
    at = open_page()
    callout = shown(at.info[0].value)
    assert "Health Committee response deadline: 31 Mar 2023" in callout
    assert "its 6 recommendations" in callout and "6 of them are overdue" in callout


def test_blank_statuses_show_as_not_recorded_never_not_started(data_dir):
    at = open_page()
    recs = at.dataframe[0].value
    assert set(recs["Status"]) == {"Not recorded"}
    chart = status_chart(at)
    assert set(chart["Status"]) == {"Not recorded"}
    assert chart.set_index("Source document")["Recommendations"].to_dict() == {
        "Developing the LAS five-year strategy: feedback and recommendations from health, care and emergency "
        "organisations": 21, "Stakeholder engagement report for LAS": 30}
    page_text = "\n".join(shown(c.value) for c in at.caption)
    assert "Stakeholder engagement report for LAS: Not recorded 30" in page_text
    assert "Not started" not in page_text + at.dataframe[0].value.to_string()


def test_deadline_and_statuses_follow_the_data(data_dir, store, tables, write_workbook):
    """The deadline is read from the map, not written in the page; a done item stops being open or overdue."""
    recs = tables["Recommendations"]
    hc = recs["id"].isin(HC)
    recs.loc[hc, "due"] = dt.date(2023, 4, 28)
    recs.loc[recs["id"] == "REC-001-HC1", "status"] = "Done"
    recs.loc[recs["id"] == "REC-001-HC2", "status"] = "In progress"
    assert pipeline.publish(store, write_workbook(tables), author="test").manifest
    at = open_page()
    assert "Health Committee response deadline: 28 Apr 2023" in shown(at.info[0].value)
    assert "5 of them are overdue" in shown(at.info[0].value)
    assert kpis(at) == {"Recommendations": "51", "Open": "50", "Overdue": "5", "Status not recorded": "49"}
    assert len(overdue_items(at)) == 5 and not any("recommendation 1 ·" in line for line, _ in overdue_items(at))
    counts = status_chart(at).groupby("Status")["Recommendations"].sum().to_dict()
    assert counts == {"Done": 1, "In progress": 1, "Not recorded": 49}


def test_filtered_to_ncl_keeps_the_london_wide_committee(data_dir):
    at = open_page(hcp="NCL")
    assert kpis(at)["Overdue"] == "0 (+6 London-wide)"  # NCL's own figure first, London's beside it in words
    assert kpis(at)["Recommendations"] == "0 (+51 London-wide)"
    assert "None of these recommendations was made by an organisation in NCL" in shown(at.info[0].value)
    assert any("31 Mar 2023" in shown(i.value) for i in at.info)
    recs = at.dataframe[0].value
    assert len(recs) == 51 and set(recs["Scope"]) == {"London-wide"}  # no NCL body made one; London's stay, marked


def test_filtered_to_ncl_only_shows_a_note_not_an_error(data_dir):
    at = open_page(hcp="NCL", wider="false")
    assert kpis(at) == {"Recommendations": "0", "Open": "0", "Overdue": "0", "Status not recorded": "0"}
    assert [shown(i.value) for i in at.info] == ["No recommendations under the current filter."]
    assert not at.dataframe and not at.warning


def test_due_dates_are_en_gb_dates_and_overdue_is_pinned_in_view(data_dir):
    at = open_page()
    grid = at.dataframe[0]
    assert pd.Timestamp(grid.value.set_index("ID").loc["REC-001-HC3", "Due"]) == pd.Timestamp("2023-03-31")
    columns = json.loads(grid.proto.columns)
    assert columns["Due"]["type_config"] == {"type": "date", "format": "DD MMM YYYY"}
    assert columns["Overdue"]["pinned"] is True


def test_one_mistyped_due_date_does_not_become_a_second_deadline(data_dir, store, tables, write_workbook):
    """A recommendation due 01/01/2020 (before its letter of 20 Feb 2023) is named apart, not read as a deadline."""
    recs = tables["Recommendations"]
    recs.loc[recs["id"] == "REC-001-HC4", "due"] = dt.date(2020, 1, 1)
    assert pipeline.publish(store, write_workbook(tables), author="test").manifest
    callout = shown(open_page().info[0].value)
    assert "Health Committee response deadline: 31 Mar 2023." in callout and "and 31 Mar" not in callout
    assert "REC-001-HC4 has a different due date recorded: 01 Jan 2020." in callout


def test_the_calendar_download_holds_the_open_recommendations_due_dates_under_the_filter(data_dir,
                                                                                        deferred_downloads):
    import icalendar
    apptest.open_page(PAGE, sub_group="SG06")  # the GLA's sub-group
    [(_, name, make)] = [d for d in deferred_downloads if d[0] == "text/calendar"]
    events = icalendar.Calendar.from_ical(make()).walk("VEVENT")
    # the Health Committee's six are the bundled map's only recommendations with a due date, all open
    assert len(events) == 6 and {e.decoded("DTSTART") for e in events} == {dt.date(2023, 3, 31)}
    assert all(str(e["SUMMARY"]).startswith("Recommendation due: Health Committee letter") for e in events)
    assert name.startswith("lasdash-recommendations_sg-SG06_")
