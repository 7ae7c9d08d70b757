"""Who is this person, and what seats do they hold across London? Search by name or alias; who holds the most seats."""
import dataclasses

import streamlit as st

from lasdash import charts
from lasdash.ui import page
from lasdash.ui.text import literal

TOP = 15
UK_DATE = st.column_config.DateColumn(format="DD MMM YYYY")

ctx = page.header("People", "Who is this person, and what seats do they hold across London?")
# The rows shown (the table, and the chart's top rows) and the figures, from one evaluation of the view.
everyone, n_people, figures = page.shown(ctx, "people", measures={
    "multi": 'count(*) FILTER (WHERE "Seats" >= 2)', "most": 'coalesce(max("Seats"), 0)',
    "by_seats": 'histogram("Seats")'})  # {seats: people}, for the tie at the chart's cut
page.kpis([
    ("People", n_people, "People on the map; when filtered, those holding a seat within the filter"),
    ("Seats", ctx.count("roles"), "A person's role in a forum or organisation (unknown holders included)"),
    ("People with 2+ seats", figures["multi"], "Counting every seat they hold, wherever it is"),
    ("Most seats held", figures["most"], None),
])

st.subheader("Find a person")
query = st.text_input("Name or alias", key="q", bind="query-params", type="search",
                      placeholder="e.g. Heaversedge, Pettersen, Cllr",
                      help="Matches any part of a name or of a recorded alternative spelling, ignoring case.")
query = (query or "").strip()
if query:
    searched = dataclasses.replace(ctx.flt, search=query)  # applied in SQL as a bound parameter
    matches, n, _ = page.shown(ctx, "people", searched)  # cached: the table below costs nothing more
    if not page.empty_note(matches, f"people matching \u201c{literal(query)}\u201d"):
        st.caption(f"{n} {'person matches' if n == 1 else 'people match'} "
                   f"\u201c{literal(query)}\u201d (name or alias).")
        page.table(ctx, "people", key="matches", flt=searched)
        st.markdown("**Every seat they hold**: their roles in forums and organisations, London-wide and "
                    "national roles included.")
        if ctx.flt.hcps or ctx.flt.sub_groups or not ctx.flt.include_wider:
            st.caption("Seats outside the current filter are not listed: clear the filters to see them all.")
        page.table(ctx, "roles", key="seats", flt=searched, column_config={"From": UK_DATE, "To": UK_DATE})

st.subheader(f"The {TOP} people holding the most seats")
top = everyone.head(TOP)  # the table's rows are the view's first, by seats, then name
if not page.empty_note(top, "people"):
    least = int(top["Seats"].min())
    tied_out = figures["by_seats"].get(least, 0) - int((top["Seats"] == least).sum())
    tie_note = f" {tied_out} more people also hold {least} seats: the cut is by name." if tied_out else ""
    st.caption("Seats held anywhere on the map by the people of the current filter; the full list follows." + tie_note)
    page.chart(charts.bar_with_labels(top, "Name", "Seats", sort=list(top["Name"]),
                                      tooltip=["Name", "Seats", "Substantive role", "Organisation", "Footprints"]))

st.subheader("Everyone on the map")
if n_people:
    page.table(ctx, "people", everyone, total=n_people, key="people",
               column_config={"Roles": st.column_config.TextColumn(width="large")})
