"""The influence network: the bipartite graph and its picture (pure), and the ranked views checked against the seeds.

The rankings are SQL views; the graph is built independently with networkx, so the two checking each other is a
real test of both.
"""
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lasdash import charts, network, queries
from lasdash.defaults import load_seed_tables


def links(*rows) -> pd.DataFrame:
    """A small `network_links`-shaped frame: (person, place, place type, role, footprint)."""
    return pd.DataFrame([{"Person ID": p, "Person": p.title(), "Place ID": f, "Forum or organisation": f.upper(),
                          "Place type": kind, "Role": role, "Footprint": fp} for p, f, kind, role, fp in rows])


TRIANGLE = links(  # a and b share two forums; c sits on one of them and on an organisation
    ("a", "f1", "Forum", "Chair", "NCL"), ("a", "f1", "Forum", "Member", "NCL"), ("a", "f2", "Forum", "Member", "SEL"),
    ("b", "f1", "Forum", "Member", "NCL"), ("b", "f2", "Forum", "SRO", "SEL"),
    ("c", "f2", "Forum", "Member", "SEL"), ("c", "o1", "Organisation", "Director", None),
)


def test_seats_in_the_same_place_are_one_edge_with_every_role():
    g = network.bipartite_graph(TRIANGLE)
    assert len(network.people(g)) == 3 and len(network.places(g)) == 3
    assert g.number_of_edges() == 6
    assert g.edges["person:a", "place:f1"]["roles"] == ["Chair", "Member"]
    assert g.nodes["place:o1"]["kind"] == "Organisation" and "footprints" not in g.nodes["place:o1"]
    assert g.nodes["person:a"]["footprints"] == {"NCL", "SEL"}


def test_a_person_and_a_place_with_the_same_id_stay_apart():
    g = network.bipartite_graph(links(("x", "x", "Forum", "Member", None)))
    assert g.number_of_nodes() == 2 and g.has_edge("person:x", "place:x")


def test_shared_members_is_the_projection_onto_places():
    assert network.shared_members(network.bipartite_graph(TRIANGLE)) == {
        frozenset({"f1", "f2"}): 2, frozenset({"f2", "o1"}): 1}


@pytest.mark.parametrize("ranked, cap, people_shown, places_shown", [
    (["a", "b", "c"], 40, 3, 3),
    (["a", "b", "c"], 1, 1, 2),  # the cap: a and the two forums a sits on
    (["c", "a"], 1, 1, 2),  # the ranking decides who is drawn, not the graph
    (["nobody", "b"], 40, 1, 2),  # a ranked person missing from the graph is skipped
    ([], 40, 0, 0),
])
def test_picture_draws_the_top_of_the_ranking_and_their_places(ranked, cap, people_shown, places_shown):
    pic = network.picture(network.bipartite_graph(TRIANGLE), ranked, max_people=cap)
    assert (pic.people_shown, pic.places_shown, pic.people_ranked) == (people_shown, places_shown, len(ranked))
    assert len(pic.nodes) == people_shown + places_shown
    assert (pic.nodes["Type"] == "Person").sum() == people_shown
    assert list(pic.nodes.columns) == network.NODE_COLUMNS and list(pic.edges.columns) == network.EDGE_COLUMNS


def test_picture_is_the_same_every_time():
    g = network.bipartite_graph(TRIANGLE)
    first, second = network.picture(g, ["a", "b", "c"]), network.picture(g, ["a", "b", "c"])
    pd.testing.assert_frame_equal(first.nodes, second.nodes)
    pd.testing.assert_frame_equal(first.edges, second.edges)


def test_components_are_laid_out_apart():
    """Small components sit beside each other below the largest, never on top of it or of each other."""
    rows = [("a", "f1", "Forum", "Member", None), ("a", "f2", "Forum", "Member", None),
            ("b", "f2", "Forum", "Member", None), ("b", "f3", "Forum", "Member", None)]
    rows += [(f"p{i}", f"g{i}", "Forum", "Member", None) for i in range(8)]  # eight one-seat pairs
    g = network.bipartite_graph(links(*rows))
    pos = network.layout(g)
    assert set(pos) == set(g)
    boxes = []
    for comp in network.nx.connected_components(g):
        xs, ys = [pos[n][0] for n in comp], [pos[n][1] for n in comp]
        boxes.append((min(xs), max(xs), min(ys), max(ys)))
    for (ax0, ax1, ay0, ay1), (bx0, bx1, by0, by1) in itertools.combinations(boxes, 2):
        assert ax1 < bx0 or bx1 < ax0 or ay1 < by0 or by1 < ay0, "two components overlap"


def test_each_shape_of_component_is_laid_out_once_then_reused(monkeypatch):
    """The spring layout is cached per component shape: the same graph again, another filter sharing a component,
    or a component of the same shape with other people in it, reuses it."""
    spring, calls = network.nx.spring_layout, []
    monkeypatch.setattr(network.nx, "spring_layout", lambda g, **kw: calls.append(len(g)) or spring(g, **kw))
    network.component_layout.cache_clear()
    main = [("a", "f1", "Forum", "Member", None), ("a", "f2", "Forum", "Member", None),
            ("b", "f2", "Forum", "Member", None), ("c", "f2", "Forum", "Member", None)]
    pair = [("d", "g1", "Forum", "Member", None)]
    first = network.layout(network.bipartite_graph(links(*main, *pair)))
    assert calls == [5, 2] and network.component_layout.cache_info().misses == 2  # one per component
    again = network.layout(network.bipartite_graph(links(*main, *pair)))  # a new graph of the same map
    assert again == first and calls == [5, 2] and network.component_layout.cache_info().hits == 2
    # as under another filter: the main component again, a pair of other people (the same shape) and a new shape
    other = network.layout(network.bipartite_graph(links(*main, ("e", "h1", "Forum", "Member", None),
                                                         ("x", "k1", "Forum", "Member", None),
                                                         ("x", "k2", "Forum", "Member", None))))
    assert calls == [5, 2, 3]  # only the three-node component is laid out
    shared = set(first) & set(other)
    assert len(shared) == 5 and all(other[n] == first[n] for n in shared)  # the largest: centred both times
    pair_then = [first["person:d"][i] - first["place:g1"][i] for i in (0, 1)]
    pair_now = [other["person:e"][i] - other["place:h1"][i] for i in (0, 1)]
    assert pair_now == pytest.approx(pair_then)  # the same shape, drawn the same way wherever it is shelved


LAYOUT_IN_A_FRESH_PROCESS = """
import json
import pandas as pd
from lasdash import network
seats = [(f"p{i}", f"f{j}") for i in range(6) for j in range(i, i + 2 + i % 2)]  # one chain of forums
seats += [("x", "y1"), ("x", "y2"), ("z", "y2")]  # and a small one: g.subgraph(it) iterates a set
rows = [{"Person ID": p, "Person": p, "Place ID": f, "Forum or organisation": f, "Place type": "Forum",
         "Role": "Member", "Footprint": None} for p, f in seats]
print(json.dumps(sorted(network.layout(network.bipartite_graph(pd.DataFrame(rows))).items())))
"""


def test_layout_is_the_same_in_every_process():
    """The same map draws the same picture on every replica: set order, which the string hash decides, never counts."""
    runs = {subprocess.run([sys.executable, "-c", LAYOUT_IN_A_FRESH_PROCESS], capture_output=True, text=True,
                           check=True, cwd=Path(network.__file__).parent.parent,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in (0, 1, 2, 3)}
    assert len(runs) == 1


def test_network_chart_has_nodes_edges_labels_and_zoom():
    pic = network.picture(network.bipartite_graph(TRIANGLE), ["a", "b", "c"])
    spec = charts.network(pic.nodes, pic.edges).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rule", "point", "text"]
    assert any("select" in p and p["bind"] == "scales" for p in spec.get("params", []) +
               [p for layer in spec["layer"] for p in layer.get("params", [])])
    assert {d["Name"] for d in spec["datasets"][spec["layer"][1]["data"]["name"]]} == {"A", "B", "C", "F1", "F2", "O1"}


# --- the views on the default map, against the Roles sheet counted directly ---

@pytest.fixture(scope="module")
def seed_con(tmp_path_factory):
    from lasdash import pipeline
    store = pipeline.open_store(tmp_path_factory.mktemp("store"))
    return queries.connect(store, store.current_id())


@pytest.fixture(scope="module")
def counted():
    """Per named person, from the Roles sheet itself: seats and distinct forums or organisations."""
    roles = load_seed_tables()["Roles"]
    roles = roles[roles["person_id"].notna()]
    place = roles["forum_id"].fillna(roles["organisation_id"])
    return pd.DataFrame({"seats": roles.groupby("person_id").size(),
                         "places": place.groupby(roles["person_id"]).nunique()})


def test_the_ranking_tops_with_the_people_the_seeds_name_in_most_roles(seed_con, counted):
    ranked = queries.run(seed_con, "boundary_spanners")
    most_roles = counted["seats"].idxmax()
    assert ranked["ID"].iloc[0] == most_roles == "PER-andrew-eyres"
    assert ranked["Seats"].iloc[0] == counted["seats"].max() == 10
    top = ranked.head(10)
    # nobody left out of the top ten sits on more forums and organisations than the tenth
    assert list(top["Forums and organisations"]) == sorted(counted["places"], reverse=True)[:10]
    assert set(top["Person"]) >= {"Andrew Eyres", "Paul Jenkins", "Sarah Blow", "Andrew Bland", "Jane Milligan"}
    # every count on the page is the sheet's own count
    direct = counted.loc[ranked["ID"]]
    assert ranked["Seats"].tolist() == direct["seats"].tolist()
    assert ranked["Forums and organisations"].tolist() == direct["places"].tolist()
    assert set(ranked["ID"]) == set(counted.index[counted["places"] >= 2])


def test_sarah_blow_spans_three_footprints(seed_con):
    """The seeds put her in HCP, Healthy London Partnership and Strategic Partnership Board roles at once."""
    row = queries.run(seed_con, "boundary_spanners").set_index("Person").loc["Sarah Blow"]
    assert row["Footprint list"] == "London, SEL, SWL" and row["Footprints"] == 3
    assert "London Health and Care Strategic Partnership Board" in row["Sits on"]


@pytest.mark.parametrize("flt", [queries.Filter(), queries.Filter(("SWL",)), queries.Filter(("NCL",), ("SG01",)),
                                 queries.Filter(("NEL",), include_wider=False)], ids=str)
def test_networkx_agrees_with_the_sql_views(seed_con, flt):
    g = network.bipartite_graph(queries.run(seed_con, "network_links", flt))
    ranked = queries.run(seed_con, "boundary_spanners", flt)
    degrees = {g.nodes[n]["key"]: g.degree(n) for n in network.people(g)}
    assert dict(zip(ranked["ID"], ranked["Forums and organisations"], strict=True)) == {
        p: d for p, d in degrees.items() if d >= 2}
    shared = queries.run(seed_con, "shared_members", flt)
    by_name = {(g.nodes[n]["name"]) for n in network.places(g)}
    assert set(shared["Forum or organisation"]) | set(shared["Shares members with"]) <= by_name
    assert sorted(shared["Shared members"], reverse=True) == sorted(network.shared_members(g).values(), reverse=True)
    assert shared["Shared members"].sum() == sum(network.shared_members(g).values())


def test_a_filter_counts_only_the_seats_within_it(seed_con):
    swl = queries.run(seed_con, "boundary_spanners", queries.Filter(("SWL",))).set_index("Person")
    everywhere = queries.run(seed_con, "boundary_spanners").set_index("Person")
    assert swl.loc["Sarah Blow", "Seats"] == 4 < everywhere.loc["Sarah Blow", "Seats"] == 6  # her SEL seats drop out
    assert "Paul Jenkins" not in swl.index  # NCL and SEL seats only
    assert all(set(fp.split(", ")) <= {"SWL", "London", "National"} for fp in swl["Footprint list"])
