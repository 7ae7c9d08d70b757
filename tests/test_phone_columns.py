"""At 390 px a grid shows two or three columns: on every page, they are the ones that answer its question.

The order a grid shows is lasdash.ui.page.shown_order over the view's columns (the CSV keeps the view's order).
"""
import pytest

from lasdash import queries
from lasdash.queries import Filter
from lasdash.ui.page import shown_order

FIRST = [  # (view, the columns a phone must see first): who or what, then the answer
    ("organisations", ["Name", "Sub-group"]),
    ("hcp_forums", ["Forum", "Chair", "LAS attendee role"]),
    ("hcp_leaders", ["Person", "Role"]),
    ("hcp_partnerships", ["Partnership", "Footprint"]),
    ("jhosc", ["JHOSC", "Chair"]),
    ("hwb_chairs", ["Health and Wellbeing Board", "Chair"]),
    ("recommendations", ["Recommendation", "Status", "Overdue"]),
    ("relationships", ["Organisation", "Status"]),
    ("people", ["Name", "Also spelled", "Substantive role"]),
    ("engaged", ["Organisation", "Sub-group"]),
    ("not_engaged", ["Organisation", "Sub-group"]),
    ("priorities", ["Organisation", "Priority"]),
    ("boundary_spanners", ["Person", "Forums and organisations"]),
    ("gap_unknown_chairs", ["Forum or organisation", "Role"]),
]


@pytest.mark.parametrize("view, first", FIRST)
def test_a_phone_sees_what_answers_first(map_con, view, first):
    columns = list(queries.run(map_con, view, limit=1).columns)
    assert shown_order(columns)[:len(first)] == first


@pytest.mark.parametrize("view, first", FIRST)
def test_under_an_hcp_the_scope_follows_the_name(map_con, view, first):
    columns = shown_order(list(queries.run(map_con, view, Filter(("NCL",)), limit=1).columns))
    assert columns[:2] == [first[0], "Scope"] and "ID" not in columns[:-1]  # an ID is not a name: it goes last


@pytest.mark.parametrize("columns, shown", [
    (["ID", "Name", "Source"], ["Name", "Source", "ID"]),
    (["Scope", "ID", "Name", "Source"], ["Name", "Scope", "Source", "ID"]),
    (["Scope", "Organisation"], ["Organisation", "Scope"]),
    (["Organisation"], ["Organisation"]),
])
def test_shown_order(columns, shown):
    assert shown_order(columns) == shown
