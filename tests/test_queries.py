import datetime as dt

import pandas as pd
import pytest

from lasdash import clock, queries
from lasdash.queries import Filter


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
    (dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC), dt.date(2026, 7, 2)),  # BST: already tomorrow
    (dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC), dt.date(2026, 12, 1)),  # GMT: still today
])
def test_london_date_not_the_servers(utc, london):
    assert clock.today(utc) == london


# --- counts, figures and first rows in SQL (issue 16): each equals pandas over the whole view ---------------------
FILTERS = [Filter(), Filter(("SWL",)), Filter(("NCL",), include_wider=False), Filter((), ("SG03",)),
           Filter(("SEL",), ("SG01", "SG03")), Filter(search="heaversedge")]
FILTER_IDS = ["all", "SWL", "NCL-only", "SG03", "SEL+SG01,SG03", "search"]


@pytest.mark.parametrize("flt", FILTERS, ids=FILTER_IDS)
def test_count_and_first_rows_equal_the_whole_view(con, flt):
    for view in queries.VIEWS:  # in one test: each test bootstraps a store
        whole = queries.run(con, view, flt)
        assert queries.count(con, view, flt) == len(whole), view
        for limit in (1, len(whole) + 1):
            first = queries.run(con, view, flt, limit=limit)
            pd.testing.assert_frame_equal(first, whole.head(limit), obj=f"{view}, limit {limit}")  # and dtypes
        rows, figures = queries.first_rows(con, view, flt, 5)
        pd.testing.assert_frame_equal(rows, whole.head(5), obj=view)
        assert figures == {"rows": len(whole)}, view


@pytest.mark.parametrize("view, column, dtype", [
    ("people", "Also spelled", "str"),  # the first person has no alias: alone, DuckDB gives object Nones
    ("recommendations", "Days overdue", "Int64"),  # the first are overdue: alone, plain int64
])
def test_first_rows_take_the_whole_views_dtypes(con, view, column, dtype):
    sql, params = queries.view_sql(queries.VIEWS[view], Filter())
    alone = queries._cursor(con).execute(f"{sql} LIMIT 1", params).df()
    assert str(alone[column].dtype) != dtype  # what would have been shown, but for the probe
    assert str(queries.run(con, view, limit=1)[column].dtype) == dtype == str(queries.run(con, view)[column].dtype)


OPEN = "(\"Status\" IS NULL OR \"Status\" NOT IN ('Done', 'Closed', 'Superseded'))"


def _open_and_overdue(df):
    o = df[~df["Status"].isin(["Done", "Closed", "Superseded"])]
    return {"open": len(o), "overdue": int((o["Overdue"] == "Yes").sum())}


MEASURES = {  # view: (measures, the same figures in pandas over the whole view)
    "organisations": ({"n": "count(*)", "engaged": "count(*) FILTER (WHERE \"Engaged\" = 'Yes')"},
                      lambda df: {"n": len(df), "engaged": int((df["Engaged"] == "Yes").sum())}),
    "roles": ({"n": "count(*)", "gaps": "count(*) FILTER (WHERE \"Person\" = 'Unknown')",
               "by_footprint": "histogram(coalesce(\"Footprint\", 'Not stated'))"},
              lambda df: {"n": len(df), "gaps": int((df["Person"] == "Unknown").sum()),
                          "by_footprint": df["Footprint"].fillna("Not stated").value_counts().to_dict()}),
    "recommendations": ({"open": f"count(*) FILTER (WHERE {OPEN})",
                         "overdue": f"count(*) FILTER (WHERE {OPEN} AND \"Overdue\" = 'Yes')"},
                        _open_and_overdue),
    "relationships": ({"overdue": "count(*) FILTER (WHERE \"Overdue\" = 'Yes')",
                       "no_interval": "count(*) FILTER (WHERE \"Status\" = 'No interval set')"},
                      lambda df: {"overdue": int((df["Overdue"] == "Yes").sum()),
                                  "no_interval": int((df["Status"] == "No interval set").sum())}),
    "people": ({"multi": 'count(*) FILTER (WHERE "Seats" >= 2)', "most": 'coalesce(max("Seats"), 0)',
                "by_seats": 'histogram("Seats")'},
               lambda df: {"multi": int((df["Seats"] >= 2).sum()), "most": int(df["Seats"].max()) if len(df) else 0,
                           "by_seats": df["Seats"].value_counts().to_dict() or None}),
}


@pytest.mark.parametrize("flt", FILTERS, ids=FILTER_IDS)
def test_aggregate_and_first_rows_measures_equal_pandas(con, flt):
    for view, (measures, in_pandas) in MEASURES.items():
        whole = queries.run(con, view, flt)
        expected = in_pandas(whole)
        assert queries.aggregate(con, view, flt, measures) == expected, view
        rows, figures = queries.first_rows(con, view, flt, 10, measures)
        assert figures == {"rows": len(whole), **expected}, view
        pd.testing.assert_frame_equal(rows, whole.head(10), obj=view)


@pytest.mark.parametrize("flt", FILTERS[:3], ids=FILTER_IDS[:3])
def test_aggregate_binds_values_for_its_placeholders(con, flt):
    people = queries.run(con, "people", flt)
    for seats in (1, 4, 99):
        got = queries.aggregate(con, "people", flt, {"n": 'count(*) FILTER (WHERE "Seats" = ?)'}, params=(seats,))
        assert got == {"n": int((people["Seats"] == seats).sum())}


def test_user_values_never_reach_sql_text_of_counts_and_first_rows(con):
    evil = Filter(("SWL'); DROP VIEW people; --",), search="x' OR 1=1 --")
    assert queries.count(con, "people", evil) == 0
    assert queries.aggregate(con, "people", evil, {"n": "count(*)"}) == {"n": 0}
    assert queries.first_rows(con, "people", evil, 5)[1] == {"rows": 0}
    assert queries.count(con, "people") == len(queries.run(con, "people")) > 0


# An HCP filter shows that HCP: its own rows first, the London-wide ones after them and marked in a Scope column.
UNSCOPED = {"sub_groups", "sub_group_footprints", "shared_members", "las_team"}  # no footprint per row, or a footprint matrix


@pytest.mark.parametrize("flt, place, own", [
    (Filter(), "London", Filter()),
    (Filter(("NCL",)), "NCL", Filter(("NCL",), include_wider=False)),
    (Filter(("NCL", "SEL"), ("SG01",)), "NCL and SEL", Filter(("NCL", "SEL"), ("SG01",), include_wider=False)),
    (Filter(("NWL", "NCL", "SEL")), "NWL, NCL and SEL", Filter(("NWL", "NCL", "SEL"), include_wider=False)),
])
def test_a_filter_names_its_place_and_its_own_rows(flt, place, own):
    assert flt.place() == place and flt.own() == own


@pytest.mark.parametrize("view", sorted(set(queries.VIEWS) - UNSCOPED))
@pytest.mark.parametrize("hcp", ["NCL", "SEL"])
def test_every_view_marks_scope_and_lists_the_hcps_own_rows_first(map_con, view, hcp):
    con = map_con
    unfiltered = queries.run(con, view)
    assert "Scope" not in unfiltered.columns  # all of London: nothing to mark
    df = queries.run(con, view, Filter((hcp,)))
    assert "Scope" in df.columns
    assert set(df["Scope"]) <= {hcp, "London-wide", "National"}
    own = (df["Scope"] == hcp).tolist()
    assert own == sorted(own, reverse=True), "the HCP's own rows come first"
    alone = queries.run(con, view, Filter((hcp,), include_wider=False))
    assert (alone["Scope"] == hcp).all()
    if queries.VIEWS[view].aggregated:  # a person spanning NCL and London spans two places only with London shown
        assert len(alone) <= sum(own)
    else:
        assert len(alone) == sum(own)  # the same own rows, with or without the wider


def test_unscoped_views_are_exactly_those_without_a_row_footprint():
    assert {v.name for v in queries.VIEWS.values() if v.scope is None} == UNSCOPED


def test_ncl_people_start_with_ncl_and_mark_the_london_wide(map_con):
    con = map_con
    people = queries.run(con, "people", Filter(("NCL",)))
    assert people["Scope"].iloc[0] == "NCL" and "NCL" in people["Footprints"].iloc[0]
    wider = people[people["Scope"] != "NCL"]
    assert len(wider) and not wider["Footprints"].str.contains("NCL").any()
