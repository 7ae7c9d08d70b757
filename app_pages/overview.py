"""The map at a glance: counts, coverage, open recommendations and gaps, with links into each page."""
import pandas as pd
import streamlit as st

from lasdash import charts
from lasdash.config import REPO_ROOT
from lasdash.gaps import GAPS
from lasdash.ui import changes, filters, page, relationship_figures
from lasdash.ui.menu import MENU
from lasdash.ui.text import literal

ctx = page.header("LAS stakeholder map", "Where does London Ambulance Service stand with the organisations "
                                         "and people who shape London's health and care system?")
# Counted in SQL: the page shows figures and one capped table, so it never fetches a whole view. Headline figures
# count the chosen HCP's own rows (ctx.own); the tables show London-wide rows after them, marked in their Scope.
OPEN = "(\"Status\" IS NULL OR \"Status\" NOT IN ('Done', 'Closed', 'Superseded'))"  # blank counts as open
organisations, n_rows, _ = page.shown(ctx, "organisations")
orgs = ctx.aggregate("organisations", {"n": "count(*)", "engaged": "count(*) FILTER (WHERE \"Engaged\" = 'Yes')"},
                     ctx.own)
seats = ctx.aggregate("roles", {"n": "count(*)", "by_footprint": "histogram(coalesce(\"Footprint\", 'Not stated'))"})
relationships = relationship_figures.figures(ctx, ctx.flt)  # as Stale relationships counts them
never = relationships.counts["Never contacted"]
gap_counts = {gap.label: ctx.count(gap.view, ctx.own) for gap in GAPS}  # the Data gaps page's lists, counted alike
n_orgs, engaged = orgs["n"], orgs["engaged"]
coverage = f"{100 * engaged / n_orgs:.0f}%" if n_orgs else "no organisations"

page.kpis([
    ("Coverage", coverage, (f"Engagement coverage: {engaged} of {n_orgs} mapped organisations in {ctx.place} have "
                            f"an engagement recorded; {never:,} have never been contacted")),
    ("Open recommendations", ctx.headline("recommendations", f"count(*) FILTER (WHERE {OPEN})"),
     "Status not Done, Closed or Superseded (blank counts as open)"),
    ("Overdue", ctx.headline("recommendations", f"count(*) FILTER (WHERE {OPEN} AND \"Overdue\" = 'Yes')"),
     "Recommendations past their due date and not done"),
    ("Relationships overdue", relationships.overdue(),
     (f"Organisations not contacted within their contact interval, counting those with an interval never contacted. "
      f"{relationships.n - relationships.with_interval:,} of {relationships.n:,} have no interval set "
      "(Stale relationships).")),
    ("Data gaps", f"{sum(gap_counts.values()):,}",
     "The Data gaps page's lists, added up: " + "; ".join(f"{label} {n:,}" for label, n in gap_counts.items())),
])
# The size of the map is context, not an answer: one line, so a phone shows the answers first.
st.markdown(f"**On the map{'' if not ctx.flt.hcps else ' in ' + ctx.place}:** {n_orgs:,} organisations · "
            f"{ctx.count('people', ctx.own):,} people · {ctx.count('forums', ctx.own):,} forums (boards, committees, "
            f"programmes, JHOSCs, HWBs) · {ctx.count('roles', ctx.own):,} seats")
st.caption(f"Snapshot {ctx.manifest.id}, published {ctx.manifest.created_at:%d %b %Y %H:%M} UTC by "
           f"{literal(ctx.manifest.author)} from {literal(ctx.manifest.source_file or 'the bundled map')}.")

left, right = st.columns([3, 2])
with left:
    st.subheader("Seats by footprint")
    by_fp = pd.DataFrame(sorted(seats["by_footprint"].items()), columns=["Footprint", "Seats"])  # as groupby sorts
    page.chart(charts.bar_with_labels(by_fp, "Footprint", "Seats", sort=charts.FOOTPRINT_ORDER))
    order = {f: i for i, f in enumerate(charts.FOOTPRINT_ORDER)}
    st.caption("Seats: " + "; ".join(f"{literal(r.Footprint)} {r.Seats:,}"
                                     for r in by_fp.sort_values("Footprint", key=lambda c: c.map(order)).itertuples()))
with right:
    st.subheader("Go to")
    params = filters.link_params(ctx.flt, ctx.sub_group_names)
    for script, title, icon in MENU[1:]:
        st.page_link(REPO_ROOT / script, label=title, icon=icon, query_params=params)

st.subheader("What changed")
changes.recent(ctx)

st.subheader(f"Organisations in {ctx.place}" if ctx.flt.hcps else "Organisations")
page.table(ctx, "organisations", organisations, total=n_rows, key="organisations")
