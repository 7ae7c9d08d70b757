"""AppTest: the people page (search by name or alias, every seat a person holds, who holds the most seats)."""
import apptest
import pandas as pd
from streamlit import dataframe_util

from lasdash import queries
from lasdash.ui import page

PAGE = "app_pages/people.py"
HEAVERSEDGE = "Dr Jonty Heaversedge"


def open_page(**params):
    return apptest.open_page(PAGE, **params)


def tables(at):
    """The page's tables by role: people matched, their seats (the roles view), and everyone."""
    frames = [d.value for d in at.dataframe]
    seats = [f for f in frames if "Person" in f.columns]
    people = [f for f in frames if "Seats" in f.columns]
    matches, everyone = (people[0], people[1]) if len(people) == 2 else (None, people[0])
    return matches, (seats[0] if seats else None), everyone


def top_chart(at):
    proto = at.get("vega_lite_chart")[0].proto
    return dataframe_util.convert_arrow_bytes_to_pandas_df(proto.datasets[0].data.data)


def test_searching_an_alias_finds_heaversedge_and_every_seat(data_dir):
    at = open_page()
    assert tables(at)[1] is None  # nothing searched yet
    at.text_input(key="q").input("heversedge").run()  # his alias, as one source spells it
    assert not at.exception
    matches, seats, everyone = tables(at)
    assert matches["Name"].tolist() == [HEAVERSEDGE] and matches["Also spelled"].tolist() == ["Jonty Heversedge"]
    assert set(seats["Person"]) == {HEAVERSEDGE} and len(seats) == 4 == matches["Seats"].iloc[0]
    held = set(zip(seats["Role"], seats["Forum"].fillna(seats["Organisation"]), strict=True))
    assert ("Medical Director", "NHS England/NHS Improvement London Region") in held  # a London-wide role
    assert ("Vice Chair", "Southwark Health and Wellbeing Board") in held
    assert len(everyone) == 198  # the full list stays
    assert any("1 person matches" in c.value for c in at.caption)


def test_search_from_the_link(data_dir):
    at = open_page(q="Heaversedge")
    assert at.text_input(key="q").value == "Heaversedge"
    assert set(tables(at)[1]["Person"]) == {HEAVERSEDGE}


def test_no_match_says_so_and_odd_input_is_just_text(data_dir):
    at = open_page()
    at.text_input(key="q").input("%' OR 1=1 --").run()
    assert not at.exception
    matches, seats, everyone = tables(at)
    assert matches is None and seats is None and len(everyone) == 198
    assert any(i.value.startswith("No people matching") for i in at.info)


def test_top_fifteen_by_seats(data_dir):
    at = open_page()
    top = top_chart(at)
    assert len(top) == 15
    assert (top["Name"].iloc[0], top["Seats"].iloc[0]) == ("Andrew Eyres", 10)
    assert top["Seats"].is_monotonic_decreasing
    everyone = tables(at)[2]
    assert top["Seats"].min() >= everyone["Seats"].iloc[15]
    assert {m.label: m.value for m in at.metric}["Most seats held"] == "10"


def test_filtered_to_ncl_lists_people_with_ncl_seats(data_dir):
    at = open_page(hcp="NCL")
    names = set(tables(at)[2]["Name"])
    assert "Helen Pettersen" in names and "Cllr Anita Schaper" not in names
    assert all("NCL" in fp or "London" in fp or "National" in fp for fp in tables(at)[2]["Footprints"])
    people = tables(at)[2]
    own = people[people["Scope"] == "NCL"]
    assert people["Scope"].tolist() == ["NCL"] * len(own) + ["London-wide"] * (len(people) - len(own))  # own first
    assert {m.label: m.value for m in at.metric}["People"] == f"{len(own)} (+{len(people) - len(own)} London-wide)"
    assert all("NCL" in fp for fp in own["Footprints"]) and len(names) < 198
    assert "People in NCL, then London-wide and national" in [h.value for h in at.subheader]


def test_filtered_search_shows_only_seats_in_the_filter_and_says_so(data_dir):
    at = open_page(hcp="NCL", wider="false")
    at.text_input(key="q").input("heaversedge").run()
    assert not at.exception
    matches, seats, _ = tables(at)
    assert matches is None and seats is None  # his seats are in SEL and London-wide
    at = open_page(hcp="SEL", wider="false")
    at.text_input(key="q").input("heaversedge").run()
    _, seats, _ = tables(at)
    assert set(seats["Footprint"]) == {"SEL"} and len(seats) == 3
    assert any("Seats outside the current filter are not listed" in c.value for c in at.caption)


def test_long_lists_fetch_only_the_rows_shown_and_count_the_rest(data_dir, store, monkeypatch):
    monkeypatch.setattr(page, "MAX_ROWS", 50)  # the default map's 198 people, as a long list
    at = open_page()
    everyone = tables(at)[2]
    whole = queries.run(queries.connect(store, store.current_id()), "people")
    pd.testing.assert_frame_equal(everyone, whole.head(50))
    assert "Showing 50 of 198 rows. The download has them all." in [c.value for c in at.caption]
    assert {m.label: m.value for m in at.metric}["People"] == "198"  # counted in SQL, not from the rows shown
    top = top_chart(at)
    assert len(top) == 15 and (top["Name"].iloc[0], top["Seats"].iloc[0]) == ("Andrew Eyres", 10)
    least = top["Seats"].min()
    tied_out = int((whole["Seats"].iloc[15:] == least).sum())
    assert tied_out and any(f"{tied_out} more people also hold {least} seats" in c.value for c in at.caption)
