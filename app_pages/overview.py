"""The map at a glance: counts, coverage, open recommendations and gaps, with links into each page."""
import streamlit as st

from lasdash import charts
from lasdash.ui import changes, filters, page
from lasdash.ui.nav import PAGES
from lasdash.ui.text import literal

ctx = page.header("LAS stakeholder map", "Where does London Ambulance Service stand with the organisations "
                                         "and people who shape London's health and care system?")
organisations = ctx.run("organisations")
people = ctx.run("people")
forums = ctx.run("forums")
roles = ctx.run("roles")
recs = ctx.run("recommendations")
relationships = ctx.run("relationships")
engaged = int((organisations["Engaged"] == "Yes").sum())
coverage = f"{100 * engaged / len(organisations):.0f}%" if len(organisations) else "–"
open_recs = recs[~recs["Status"].isin(["Done", "Closed", "Superseded"])]
gaps = int((roles["Person"] == "Unknown").sum())

page.kpis([
    ("Engagement coverage", coverage, f"{engaged} of {len(organisations)} mapped organisations have an engagement recorded"),
    ("Open recommendations", len(open_recs), "Status not Done, Closed or Superseded (blank counts as open)"),
    ("Overdue", int((open_recs["Overdue"] == "Yes").sum()), "Recommendations past their due date and not done"),
    ("Data gaps", gaps, "Seats whose holder is unknown: unknown chairs, TBC leads"),
    ("Relationships overdue", int((relationships["Overdue"] == "Yes").sum()),
     f"Organisations not contacted within their contact interval; "
     f"{int((relationships['Status'] == 'No interval set').sum())} have no interval set yet (Stale relationships)"),
])
# The size of the map is context, not an answer: one line, so a phone shows the answers first.
st.markdown(f"**On the map:** {len(organisations):,} organisations · {len(people):,} people · "
            f"{len(forums):,} forums (boards, committees, programmes, JHOSCs, HWBs) · {len(roles):,} seats")
st.caption(f"Snapshot {ctx.manifest.id}, published {ctx.manifest.created_at:%d %b %Y %H:%M} UTC by "
           f"{literal(ctx.manifest.author)} from {literal(ctx.manifest.source_file or 'the bundled map')}.")

left, right = st.columns([3, 2])
with left:
    st.subheader("Seats by footprint")
    by_fp = roles.assign(Footprint=roles["Footprint"].fillna("Not stated")).groupby("Footprint").size()
    by_fp = by_fp.rename("Seats").reset_index()
    page.chart(charts.bar_with_labels(by_fp, "Footprint", "Seats", sort=charts.FOOTPRINT_ORDER))
    order = {f: i for i, f in enumerate(charts.FOOTPRINT_ORDER)}
    st.caption("Seats: " + "; ".join(f"{literal(r.Footprint)} {r.Seats}"
                                     for r in by_fp.sort_values("Footprint", key=lambda c: c.map(order)).itertuples()))
with right:
    st.subheader("Go to")
    params = filters.link_params(ctx.flt, ctx.sub_group_names)
    for p in PAGES[1:]:
        st.page_link(p, label=p.title, icon=p.icon, query_params=params)

st.subheader("What changed")
changes.recent(ctx)

st.subheader("Organisations")
page.table(ctx, "organisations", organisations, key="organisations")
