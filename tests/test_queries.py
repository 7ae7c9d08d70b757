import datetime as dt

import pytest

from lasdash import clock, queries
from lasdash.queries import Filter


@pytest.fixture
def con(store):
    return queries.connect(store, store.current_id())


@pytest.mark.parametrize("flt, text", [
    (Filter(), "all of London, no filter"),
    (Filter(("SWL",)), "HCP: SWL, with London-wide and national"),
    (Filter(("SWL", "NCL"), include_wider=False), "HCP: SWL, NCL"),
    (Filter((), ("SG03",)), "sub-group: London local authorities"),
    (Filter((), (), include_wider=False), "the five HCPs only"),
])
def test_filter_describe(flt, text):
    assert flt.describe({"SG03": "London local authorities"}).startswith(text)


@pytest.mark.parametrize("flt, slug", [
    (Filter(), "all"), (Filter(("SWL",)), "hcp-SWL"), (Filter(("SWL",), ("SG03",)), "hcp-SWL_sg-SG03"),
    (Filter(include_wider=False), "hcps-only"),
])
def test_filter_slug(flt, slug):
    assert flt.slug() == slug


@pytest.mark.parametrize("flt, sql, params", [
    (Filter(), "TRUE", []),
    (Filter(("SWL",)), "x IN (?, ?, ?)", ["SWL", "London", "National"]),
    (Filter(("SWL",), include_wider=False), "x IN (?)", ["SWL"]),
    (Filter(include_wider=False), "x IN (?, ?, ?, ?, ?)", ["NWL", "NCL", "NEL", "SEL", "SWL"]),
])
def test_footprint_clause_binds_values(flt, sql, params):
    assert flt.footprint_clause("x") == (sql, params)


def test_user_values_never_reach_sql_text(con):
    evil = "SWL'); DROP VIEW people; --"
    df = queries.run(con, "people", Filter((evil,), include_wider=False))
    assert df.empty
    assert not queries.run(con, "people").empty


@pytest.mark.parametrize("view", list(queries.VIEWS))
def test_every_view_runs_filtered_and_unfiltered(con, view):
    everything = queries.run(con, view)
    swl = queries.run(con, view, Filter(("SWL",), include_wider=False))
    assert len(swl) <= len(everything)
    assert queries.count(con, view) == len(everything)


def test_jhosc_filter_swl(con):
    df = queries.run(con, "jhosc", Filter(("SWL",)))
    assert df["Chair"].tolist() == ["Cllr Anita Schaper"]


def test_roles_swl_excludes_other_hcps(con):
    df = queries.run(con, "roles", Filter(("SWL",), include_wider=False))
    assert set(df["Footprint"]) == {"SWL"}
    assert "Cllr Mel Collins" not in set(df["Person"])


def test_people_ranked_by_seats_and_filter_applies_to_any_seat(con):
    df = queries.run(con, "people")
    assert df["Seats"].is_monotonic_decreasing
    ncl = queries.run(con, "people", Filter(("NCL",), include_wider=False))
    assert "Helen Pettersen" in set(ncl["Name"])
    assert "Sarah Blow" not in set(ncl["Name"])


def test_sub_group_filter(con):
    la = queries.run(con, "organisations", Filter((), ("SG03",)))
    assert len(la) > 0 and set(la["Sub-group"]) == {queries.sub_group_names(con)["SG03"]}
    jhosc = queries.run(con, "jhosc", Filter((), ("SG03",)))
    assert len(jhosc) == 6


def test_recommendations_overdue_and_gaps_shown_as_not_recorded(con):
    df = queries.run(con, "recommendations")
    hc = df[df["ID"].str.startswith("REC-001-HC")]
    assert len(hc) == 6 and set(hc["Overdue"]) == {"Yes"}  # response asked by 31 Mar 2023, no status recorded
    assert set(df["Status"]) == {"Not recorded"}


@pytest.mark.parametrize("today, days", [(dt.date(2023, 4, 1), 1), (dt.date(2030, 1, 1), 2468)])
def test_views_count_days_from_londons_date_on_every_query(con, monkeypatch, today, days):
    # the same cached connection, asked on different days: 'today' is read per query, not once per connection
    monkeypatch.setattr(clock, "today", lambda: today)
    rel = queries.run(con, "relationships").set_index("Organisation")
    assert rel.loc["Greater London Authority / Mayor of London", "Days since"] == days  # from 31/03/2023


@pytest.mark.parametrize("utc, london", [
    (dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.timezone.utc), dt.date(2026, 7, 2)),  # BST: already tomorrow
    (dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.timezone.utc), dt.date(2026, 12, 1)),  # GMT: still today
])
def test_london_date_not_the_servers(utc, london):
    assert clock.today(utc) == london
