"""AppTest: stale relationships, on the default map (no intervals: a to-do list) and on a SYNTHETIC map.

The owners, intervals and engagement dates below are invented for the test and marked so: a Documents row 'SYN'
whose title says so, owners named 'Synthetic Owner ...', every added engagement citing 'SYN'. Dates are relative
to a pinned 'today' (the app's clock is patched) so the statuses neither drift nor flip at midnight.
"""
import datetime as dt

import apptest
import pandas as pd
import pytest
from streamlit import dataframe_util

from lasdash import charts, clock, pipeline, queries
from lasdash.normalise import parse_period

PAGE = "app_pages/relationships.py"
TODAY = clock.today()
A, B, AB = "Synthetic Owner A", "Synthetic Owner B", "Synthetic Owner Abbott"  # A's name is part of AB's
# organisation ID -> (owner, contact every N days, days since a synthetic dated engagement or None)
CONTACTS = {
    "ORG-camden-ccg": (A, 30, 10),  # NCL: up to date (due in 20 days)
    "ORG-lambeth-ccg": (B, 30, 45),  # SEL: overdue
    "ORG-kingston-ccg": (A, 30, 60),  # SWL: overdue
    "ORG-islington-ccg": (B, 30, 30),  # NCL: on the day: due soon, not yet overdue
    "ORG-nel-hcp": (B, 60, None),  # NEL: never contacted, with an interval: overdue
    "ORG-gla": (f"{A}; {B}", 365, None),  # London: seed 001's period 'June 2022 - March 2023' and 24 Jan 2023
    "ORG-ealing-ccg": (AB, 30, None),  # NWL: no contact recorded; not on A's list
}


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def add_synthetic_document(tables):
    tables["Documents"] = pd.concat([tables["Documents"], pd.DataFrame([{
        "id": "SYN", "title": "SYNTHETIC TEST DATA - not real",
        "note": "Owners, intervals and engagements invented by tests/test_page_relationships.py"}])], ignore_index=True)


def publish(store, tables, write_workbook):
    outcome = pipeline.publish(store, write_workbook(tables), author="tests (synthetic)", note="SYNTHETIC")
    assert outcome.manifest, outcome.validation.errors


@pytest.fixture
def synthetic(store, tables, write_workbook):
    add_synthetic_document(tables)
    orgs = tables["Organisations"].set_index("id")
    engagements = []
    for org, (owner, every, days_ago) in CONTACTS.items():
        orgs.loc[org, ["las_owner", "contact_every_days"]] = [owner, every]
        if days_ago is not None:
            engagements.append({"id": f"SYN-E-{org}", "organisation_id": org, "date": TODAY - dt.timedelta(days_ago),
                                "summary": "Synthetic engagement for a test", "source": "SYN test"})
    tables["Organisations"] = orgs.reset_index()
    tables["Engagements"] = pd.concat([tables["Engagements"], pd.DataFrame(engagements)], ignore_index=True)
    publish(store, tables, write_workbook)


def relationships(at):
    return next(d.value for d in at.dataframe if "Status" in d.value.columns).set_index("Organisation")


def kpis(at):
    return {m.label: m.value for m in at.metric}


def test_default_map_has_no_intervals_and_says_what_to_do(data_dir):
    at = apptest.open_page(PAGE)
    rel = relationships(at)
    assert len(rel) == 121 and set(rel["Status"]) == {"Never contacted", "No interval set"}
    never = int((rel["Status"] == "Never contacted").sum())
    assert never == 121 - rel["Last contact"].notna().sum() > 90  # most of the map has never been contacted
    k = kpis(at)
    assert (k["Never contacted"], k["No interval set"]) == (str(never), str(121 - never))
    # missing is never zero: with no interval anywhere, nothing is said to be overdue, due or up to date
    assert k["Overdue, due soon, up to date"] == "no intervals set" and "Overdue" not in k
    assert set(rel["Overdue"]) == {"No interval set"}  # never "No" for a relationship nobody has judged
    assert any("No contact interval is set for any of these 121 organisations" in w.value for w in at.warning)
    assert any("No LAS relationship owner is set" in i.value for i in at.info)
    # the owner picker offers the LAS team, by name where known, by role where not
    assert at.selectbox(key="owner").options[:3] == ["Everyone", "Chief Executive: Daniel Elkeles", "Chair: Andy Trotter"]
    assert "Medical Director" in at.selectbox(key="owner").options
    overview = {m.label: m.value for m in apptest.open_page().metric}
    assert overview["Relationships overdue"] == "no intervals set"
    coverage = next(m for m in apptest.open_page().metric if m.label == "Coverage")
    assert f"{never} have never been contacted" in coverage.help
    # the last contact is still shown: seed 001's engagement period counts to its last day
    gla = rel.loc["Greater London Authority / Mayor of London"]
    assert gla["Last contact"].date() == dt.date(2023, 3, 31)
    assert gla["Last contact from"] == "End of the period June 2022 - March 2023"
    assert gla["Days since"] == (TODAY - dt.date(2023, 3, 31)).days
    assert pd.isna(rel.loc["Brent CCG", "Last contact"])  # never engaged


def test_default_map_filtered_to_swl(data_dir):
    at = apptest.open_page(PAGE, hcp="SWL", wider="false")
    rel = relationships(at)
    assert set(rel["Footprint"]) == {"SWL"} and "Kingston CCG" in rel.index
    assert int(kpis(at)["No interval set"]) + int(kpis(at)["Never contacted"]) == len(rel)


def test_synthetic_intervals_give_green_amber_red_with_text(synthetic):
    at = apptest.open_page(PAGE)
    rel = relationships(at)
    status = rel["Status"].to_dict()
    assert status["Camden CCG"] == "Up to date" and status["Islington CCG"] == "Due soon"
    assert status["Lambeth CCG"] == status["Kingston CCG"] == "Overdue"
    assert status["East London Health and Care Partnership"] == status["Ealing CCG"] == "Never contacted"
    gla = rel.loc["Greater London Authority / Mayor of London"]
    assert gla["Status"] == "Overdue" and gla["Contact every (days)"] == 365
    assert rel.loc["Lambeth CCG", "Days since"] == 45 and rel.loc["Lambeth CCG", "Overdue"] == "Yes"
    assert rel.loc["Lambeth CCG", "Contact due"].date() == TODAY - dt.timedelta(15)
    assert rel.loc["Ealing CCG", "Overdue"] == "Yes"  # an interval and no contact at all: overdue
    assert rel.loc["Camden CCG", "Last contact from"] == "Dated engagement"
    # the longest past the interval first, then those never contacted though an interval is set
    assert list(rel.index[:6]) == ["Greater London Authority / Mayor of London", "Kingston CCG", "Lambeth CCG",
                                   "Ealing CCG", "East London Health and Care Partnership", "Islington CCG"]
    k = kpis(at)
    assert (k["Overdue"], k["Due soon"], k["Up to date"]) == ("5 (2 never contacted)", "1", "1")
    never = int((rel["Status"] == "Never contacted").sum())
    assert k["Never contacted"] == str(never) and k["No interval set"] == str(121 - never - 5 - 1 - 1 + 2)
    badges = " ".join(m.value for m in at.markdown)
    assert ":red-badge[Overdue: 5 (2 never contacted)]" in badges and ":green-badge[Up to date: 1]" in badges
    chart = at.get("vega_lite_chart")[0].proto
    bars = dataframe_util.convert_arrow_bytes_to_pandas_df(chart.datasets[0].data.data).set_index("Organisation")
    assert set(bars.index) == {"Camden CCG", "Islington CCG", "Lambeth CCG", "Kingston CCG",
                               "Greater London Authority / Mayor of London"}
    assert bars.loc["Lambeth CCG", "Label"] == "Overdue · 45 days (every 30)"  # the status in words, not only colour
    assert set(bars["Status"]) <= set(charts.CONTACT_STATUS_COLOURS)


def test_the_overview_counts_the_overdue(synthetic):
    at = apptest.open_page()
    overdue = next(m for m in at.metric if m.label == "Relationships overdue")
    assert overdue.value == "5 (2 never contacted)"  # Lambeth, Kingston, the GLA; Ealing and NEL never contacted
    assert "114 of 121 have no interval set" in overdue.help


@pytest.mark.parametrize("params", [{}, {"hcp": "NCL"}, {"hcp": "SWL", "wider": "false"}])
def test_the_overview_and_stale_relationships_count_alike(synthetic, params):
    """One count (lasdash/ui/relationship_figures.py) behind both pages, under any filter."""
    stale, overview = kpis(apptest.open_page(PAGE, **params)), kpis(apptest.open_page(**params))
    assert overview["Relationships overdue"] == stale["Overdue"]
    assert stale["Overdue"] == {"": "5 (2 never contacted)", "NCL": "0", "SWL": "1"}[params.get("hcp", "")]


def test_an_owner_filters_to_their_own_list(synthetic):
    at = apptest.open_page(PAGE)
    # the team first, then owners the map names who are not on the team, said so
    assert at.selectbox(key="owner").options[-3:] == [f"{o} (not on the LAS team sheet)" for o in (A, AB, B)]
    at.selectbox(key="owner").select(A).run()
    assert not at.exception
    # whole names only: 'Synthetic Owner Abbott' contains A's name but Ealing is not A's
    assert set(relationships(at).index) == {"Camden CCG", "Kingston CCG", "Greater London Authority / Mayor of London"}
    assert kpis(at)["Up to date"] == "1" and kpis(at)["No interval set"] == "0"


def test_an_owner_from_the_link_with_an_hcp_filter(synthetic):
    at = apptest.open_page(PAGE, hcp="NCL", owner=B)
    assert at.selectbox(key="owner").value == B
    assert set(relationships(at).index) == {"Islington CCG", "Greater London Authority / Mayor of London"}


PERIODS = ["June 2022 - March 2023", "March 2023", "Mar 2023", "Sept 2021 to Feb 2022", "June 2022 \u2013 March 2023",
           "jun 2022-mar 2023", "2023", "Spring 2023", "March 2023 - June 2022", "Foo 2022 - March 2023",
           "by March 2023", "Feb 2024 - Feb 2024"]


def test_a_period_counts_to_the_same_last_day_as_parse_period(store, tables, write_workbook):
    """The view reads periods in SQL; it must agree with lasdash.normalise.parse_period, the app's one reading.

    One synthetic engagement per period, each with its own never-engaged organisation, in one publish.
    """
    add_synthetic_document(tables)
    engaged = set(tables["Engagements"]["organisation_id"].dropna())
    orgs = [o for o in tables["Organisations"]["id"] if o not in engaged][:len(PERIODS)]
    tables["Engagements"] = pd.DataFrame([{"id": f"SYN-E-{i}", "organisation_id": org, "period": period,
                                           "source": "SYN test"}
                                          for i, (org, period) in enumerate(zip(orgs, PERIODS, strict=True))],
                                         columns=tables["Engagements"].columns)
    publish(store, tables, write_workbook)
    con = queries.connect(store, store.current_id())
    names = dict(zip(tables["Organisations"]["id"], tables["Organisations"]["name"], strict=True))
    rel = queries.run(con, "relationships").set_index("Organisation")
    read = {}
    for org, period in zip(orgs, PERIODS, strict=True):
        got = rel.loc[names[org], "Last contact"]
        read[period] = None if pd.isna(got) else got.date()
    assert read == {p: (parse_period(p)[1] if parse_period(p) else None) for p in PERIODS}
    assert read["June 2022 \u2013 March 2023"] == dt.date(2023, 3, 31) and read["Spring 2023"] is None


def test_the_calendar_download_holds_the_contacts_the_page_lists_for_the_owner(synthetic, deferred_downloads):
    import icalendar
    at = apptest.open_page(PAGE, owner=A)
    listed = relationships(at)
    [(_mime, name, make)] = [d for d in deferred_downloads if d[0] == "text/calendar"]
    assert name.startswith("lasdash-contacts_owner-Synthetic-Owner-A_") and name.endswith(".ics")
    events = icalendar.Calendar.from_ical(make()).walk("VEVENT")
    about = {str(e["SUMMARY"]).split(": ", 1)[1].split(" (")[0] for e in events}
    dated = listed[listed["Contact every (days)"].notna()]  # with an interval, a contact has a due date
    assert about == set(dated.index) and len(events) == len(dated)


def test_an_owner_who_owns_nothing_yet_is_said_in_words_not_counted_as_zeros(data_dir):
    at = apptest.open_page(PAGE, owner="Medical Director")
    assert not at.exception and at.selectbox(key="owner").value == "Medical Director"
    assert any("No organisation has **Medical Director** as its LAS relationship owner yet" in i.value
               for i in at.info)
    assert not at.metric and not at.dataframe  # no '0 never contacted', no empty table
