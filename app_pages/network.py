"""Who connects London's forums? Boundary spanners, forums that share members, and the network's picture."""
import streamlit as st

from lasdash import charts, network
from lasdash.queries import Filter
from lasdash.ui import page

ctx = page.header("Influence network", "Who connects London's health and care forums, and which forums and "
                                       "organisations share members?")
links = ctx.run("network_links")
spanners = ctx.run("boundary_spanners")
shared = ctx.run("shared_members")
own_links = page.scope_split(links, ctx.flt)[0]  # the figures count seats in the chosen HCP, not London-wide ones
page.kpis([
    ("People with a seat", own_links["Person ID"].nunique(), f"Named people holding a seat in {ctx.place}"),
    ("Forums and organisations", own_links["Place ID"].nunique(), "Places where those seats are"),
    ("Boundary spanners", len(page.scope_split(spanners, ctx.flt)[0]),
     "People sitting on two or more forums or organisations"),
    ("Pairs sharing members", len(shared), "Two forums or organisations with at least one person on both"),
])


@st.cache_data(show_spinner=False, max_entries=64)
def _picture(snapshot_id: str, flt: Filter, max_people: int) -> network.Picture:
    # the same snapshot and filter always give the same picture, so it is laid out once; components that
    # several filters share are laid out once between them (network.component_layout)
    ranked = page.rows(snapshot_id, "boundary_spanners", flt)["ID"].tolist()
    links = page.rows(snapshot_id, "network_links", flt)
    graph = network.bipartite_graph(links[links["Person ID"].isin(ranked[:max_people])])  # only who is drawn
    return network.picture(graph, ranked, max_people)


st.subheader("The network")
if not page.empty_note(spanners, "people sitting on two or more forums or organisations"):
    pic = _picture(ctx.manifest.id, ctx.flt, network.MAX_PEOPLE)
    st.caption(f"The {pic.people_shown:,} best-connected people (blue circles) and the {pic.places_shown:,} forums "
               "and organisations they sit on (green squares, orange diamonds). A line is a seat; bigger marks have "
               "more connections. Hover for details; scroll to zoom, drag to pan, double-click to reset.")
    if pic.people_ranked > pic.people_shown:
        st.info(f"The picture is capped at the top {pic.people_shown:,} of {pic.people_ranked:,} boundary spanners "
                "so it stays readable; the tables below list everyone. Filter by HCP or sub-group to look "
                "closer.", icon=":material/filter_alt:")
    page.chart(charts.network(pic.nodes, pic.edges))

st.subheader("Boundary spanners")
st.caption("Ranked by the number of different forums and organisations they sit on, then by footprints "
           "spanned, then by seats. Under a filter only the seats within it count.")
if not page.empty_note(spanners, "boundary spanners"):
    page.table(ctx, "boundary_spanners", spanners, key="spanners",
               column_config={"Sits on": st.column_config.TextColumn(width="large")})

st.subheader("Forums that share members")
st.caption("Each pair of forums or organisations with people on both, the most shared first: where a word in "
           "one room is likely to reach the other.")
if not page.empty_note(shared, "forums or organisations sharing members"):
    page.table(ctx, "shared_members", shared, key="shared",
               column_config={"Who": st.column_config.TextColumn(width="large")})

with st.expander("Every link in the network (one row per named seat)"):
    if not page.empty_note(links, "named seats"):
        page.table(ctx, "network_links", links, key="links")
