"""The map at a glance: counts, coverage, open recommendations and gaps, with links into each page."""
import pandas as pd
import streamlit as st

from lasdash import charts
from lasdash.config import REPO_ROOT
from lasdash.ui import changes, filters, page
from lasdash.ui.menu import MENU
from lasdash.ui.text import literal

ctx = page.header("LAS stakeholder map", "Where does London Ambulance Service stand with the organisations "
                                         "and people who shape London's health and care system?")
# Counted in SQL: the page shows figures and one capped table, so it never fetches a whole view. The
# organisations table's rows, their count and the engaged count come from one evaluation of that view.
OPEN = "(\"Status\" IS NULL OR \"Status\" NOT IN ('Done', 'Closed', 'Superseded'))"  # blank counts as open
organisations, n_orgs, orgs = page.shown(ctx, "organisations",
                                         measures={"engaged": "count(*) FILTER (WHERE \"Engaged\" = 'Yes')"})
seats = ctx.aggregate("roles", {"n": "count(*)", "gaps": "count(*) FILTER (WHERE \"Person\" = 'Unknown')",
                                "by_footprint": "histogram(coalesce(\"Footprint\", 'Not stated'))"})  # {footprint: n}
recs = ctx.aggregate("recommendations", {"open": f"count(*) FILTER (WHERE {OPEN})",
                                         "overdue": f"count(*) FILTER (WHERE {OPEN} AND \"Overdue\" = 'Yes')"})
relationships = ctx.aggregate("relationships", {
    "overdue": "count(*) FILTER (WHERE \"Overdue\" = 'Yes')",
    "no_interval": "count(*) FILTER (WHERE \"Status\" = 'No interval set')"})
engaged = orgs["engaged"]
coverage = f"{100 * engaged / n_orgs:.0f}%" if n_orgs else "–"
gaps = seats["gaps"]

page.kpis([
    ("Engagement coverage", coverage, f"{engaged} of {n_orgs} mapped organisations have an engagement recorded"),
    ("Open recommendations", recs["open"], "Status not Done, Closed or Superseded (blank counts as open)"),
    ("Overdue", recs["overdue"], "Recommendations past their due date and not done"),
    ("Data gaps", gaps, "Seats whose holder is unknown: unknown chairs, TBC leads"),
    ("Relationships overdue", relationships["overdue"],
     f"Organisations not contacted within their contact interval; "
     f"{relationships['no_interval']} have no interval set yet (Stale relationships)"),
])
# The size of the map is context, not an answer: one line, so a phone shows the answers first.
st.markdown(f"**On the map:** {n_orgs:,} organisations · {ctx.count('people'):,} people · "
            f"{ctx.count('forums'):,} forums (boards, committees, programmes, JHOSCs, HWBs) · {seats['n']:,} seats")
st.caption(f"Snapshot {ctx.manifest.id}, published {ctx.manifest.created_at:%d %b %Y %H:%M} UTC by "
           f"{literal(ctx.manifest.author)} from {literal(ctx.manifest.source_file or 'the bundled map')}.")

left, right = st.columns([3, 2])
with left:
    st.subheader("Seats by footprint")
    by_fp = pd.DataFrame(sorted(seats["by_footprint"].items()), columns=["Footprint", "Seats"])  # as groupby sorts
    page.chart(charts.bar_with_labels(by_fp, "Footprint", "Seats", sort=charts.FOOTPRINT_ORDER))
    order = {f: i for i, f in enumerate(charts.FOOTPRINT_ORDER)}
    st.caption("Seats: " + "; ".join(f"{literal(r.Footprint)} {r.Seats}"
                                     for r in by_fp.sort_values("Footprint", key=lambda c: c.map(order)).itertuples()))
with right:
    st.subheader("Go to")
    params = filters.link_params(ctx.flt, ctx.sub_group_names)
    for script, title, icon in MENU[1:]:
        st.page_link(REPO_ROOT / script, label=title, icon=icon, query_params=params)

st.subheader("What changed")
changes.recent(ctx)

st.subheader("Organisations")
page.table(ctx, "organisations", organisations, total=n_orgs, key="organisations")
