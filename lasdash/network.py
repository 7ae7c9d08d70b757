"""The influence network: people and the forums or organisations they sit on, as a bipartite graph.

Pure graph logic (networkx, no streamlit). The rankings themselves are SQL views (`boundary_spanners`,
`shared_members`) so the CLI exports them too; this module draws the picture they describe.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import networkx as nx
import pandas as pd

PERSON = "Person"
LAYOUT_SEED = 20190307  # fixed, so the same map always draws the same picture
MAX_PEOPLE = 40  # the picture's cap; the tables list everyone
SPREAD = 3.0  # spring length relative to networkx's default: dense clusters need room for labels


def node_id(kind: str, key: str) -> str:
    # people and places have separate ID spaces in the workbook; prefix so they can never collide
    return f"{'person' if kind == PERSON else 'place'}:{key}"


def bipartite_graph(links: pd.DataFrame) -> nx.Graph:
    """One node per person and per forum or organisation, one edge per person-place pair (their seats merged).

    `links` is the `network_links` view: a row per named seat.
    """
    g = nx.Graph()
    for row in links.to_dict("records"):
        person, place = node_id(PERSON, row["Person ID"]), node_id(row["Place type"], row["Place ID"])
        g.add_node(person, bipartite=0, kind=PERSON, name=row["Person"], key=row["Person ID"])
        g.add_node(place, bipartite=1, kind=row["Place type"], name=row["Forum or organisation"], key=row["Place ID"])
        for node in (person, place):
            if pd.notna(row["Footprint"]):
                g.nodes[node].setdefault("footprints", set()).add(row["Footprint"])
        roles = g.edges[person, place]["roles"] if g.has_edge(person, place) else []
        g.add_edge(person, place, roles=roles + [row["Role"]])
    return g


def people(g: nx.Graph) -> list[str]:
    return [n for n, d in g.nodes(data=True) if d["bipartite"] == 0]


def places(g: nx.Graph) -> list[str]:
    return [n for n, d in g.nodes(data=True) if d["bipartite"] == 1]


def shared_members(g: nx.Graph) -> dict[frozenset[str], int]:
    """Pairs of places (by workbook ID) and how many people sit on both: the one-mode projection onto places."""
    projected = nx.bipartite.weighted_projected_graph(g, places(g))
    return {frozenset((g.nodes[a]["key"], g.nodes[b]["key"])): w for a, b, w in projected.edges(data="weight")}


@dataclass(frozen=True)
class Picture:
    nodes: pd.DataFrame  # x, y, Name, Type, Connections, Footprints, Label
    edges: pd.DataFrame  # x, y, x2, y2, Person, Forum or organisation, Roles
    people_shown: int
    people_ranked: int  # boundary spanners under the filter
    places_shown: int


NODE_COLUMNS = ["x", "y", "Name", "Type", "Connections", "Footprints", "Label"]
EDGE_COLUMNS = ["x", "y", "x2", "y2", "Person", "Forum or organisation", "Roles"]


@lru_cache(maxsize=512)
def component_layout(size: int, edges: tuple[tuple[int, int], ...]) -> tuple[tuple[float, float], ...]:
    """Spring layout of a connected component, centred on (0, 0): its nodes numbered 0 to size - 1, a position each.

    spring_layout sees only the adjacency in node order, so this is a pure function of the component's shape, and
    cached: components of one shape, in one picture or across filters and snapshots, share one layout.
    """
    if size == 1:
        return ((0.0, 0.0),)
    h = nx.Graph()
    h.add_nodes_from(range(size))
    h.add_edges_from(edges)
    radius = size ** 0.5  # area grows with the number of nodes
    part = nx.spring_layout(h, k=SPREAD / radius, seed=LAYOUT_SEED, scale=radius, iterations=300)
    return tuple((float(part[i][0]), float(part[i][1])) for i in range(size))


def layout(g: nx.Graph) -> dict[str, tuple[float, float]]:
    """Spring layout per connected component, the largest first, small ones shelved beneath it.

    One spring layout of the whole graph pushes small components far out and squashes the main one.
    """
    pos: dict[str, tuple[float, float]] = {}
    components = sorted(nx.connected_components(g), key=lambda c: (-len(c), min(c)))
    # each component's nodes in the graph's own order, never a set's: set order follows the per-process string hash
    order = {n: i for i, n in enumerate(g)}
    gap, half_width = 1.0, None
    x = top = row_height = 0.0
    for comp in components:
        radius = len(comp) ** 0.5
        nodes = sorted(comp, key=order.__getitem__)
        index = {n: i for i, n in enumerate(nodes)}
        shape = tuple(sorted(tuple(sorted((index[a], index[b]))) for a, b in g.edges(nodes)))
        part = component_layout(len(nodes), shape)
        if half_width is None:  # the largest component, centred; the shelves start below it
            centre, half_width = (0.0, 0.0), radius
            x, top = -radius, -radius - gap
        else:
            if x + 2 * radius > half_width and x > -half_width:  # the shelf is full: start another below
                x, top, row_height = -half_width, top - row_height - gap, 0.0
            centre = (x + radius, top - radius)
            x, row_height = x + 2 * radius + gap, max(row_height, 2 * radius)
        pos.update({n: (px + centre[0], py + centre[1]) for n, (px, py) in zip(nodes, part, strict=True)})
    return pos


def picture(g: nx.Graph, ranked_people: list[str], max_people: int = MAX_PEOPLE, label_people: int = 12,
            label_places_from: int = 5) -> Picture:
    """The top `max_people` of a ranking (workbook person IDs, best first) and every place they sit on, laid out.

    People with one seat connect nothing, so the ranking (the `boundary_spanners` view) decides who is drawn.
    Labels: the top `label_people` people, and places that at least `label_places_from` of the people drawn sit on.
    """
    chosen = [node_id(PERSON, p) for p in ranked_people[:max_people] if node_id(PERSON, p) in g]
    shown_places = sorted({nb for p in chosen for nb in g.neighbors(p)})
    sub = g.subgraph(chosen + shown_places)
    if not sub:
        return Picture(pd.DataFrame(columns=NODE_COLUMNS), pd.DataFrame(columns=EDGE_COLUMNS), 0,
                       len(ranked_people), 0)
    pos = layout(sub)
    labelled = set(chosen[:label_people]) | {p for p in shown_places if sub.degree(p) >= label_places_from}
    nodes = pd.DataFrame([{
        "x": pos[n][0], "y": pos[n][1], "Name": d["name"], "Type": d["kind"],
        "Connections": sub.degree(n), "Footprints": ", ".join(sorted(d.get("footprints", ()))),
        "Label": d["name"] if n in labelled else "",
    } for n, d in sub.nodes(data=True)], columns=NODE_COLUMNS)
    edges = pd.DataFrame([{
        "x": float(pos[a][0]), "y": float(pos[a][1]), "x2": float(pos[b][0]), "y2": float(pos[b][1]),
        "Person": sub.nodes[a if sub.nodes[a]["kind"] == PERSON else b]["name"],
        "Forum or organisation": sub.nodes[b if sub.nodes[a]["kind"] == PERSON else a]["name"],
        "Roles": "; ".join(roles),
    } for a, b, roles in sub.edges(data="roles")], columns=EDGE_COLUMNS)
    return Picture(nodes, edges, len(chosen), len(ranked_people), len(shown_places))
