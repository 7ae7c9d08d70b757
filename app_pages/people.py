"""Who is this person, and what seats do they hold across London? Search by name or alias; who holds the most seats."""
import dataclasses

import streamlit as st

from lasdash import charts
from lasdash.ui import brief_links, page
from lasdash.ui.text import literal

TOP = 15
BRIEF_LINKS = 5  # a meeting brief link under each match, for a search that found a few
UK_DATE = st.column_config.DateColumn(format="DD MMM YYYY")

# Our SQL over the people view's columns. Every figure of the view comes from at most two evaluations of it (the
# rows shown with their figures, and the chosen HCPs' own figures), not one each: the view aggregates every seat of
# every person, 0.1 s an evaluation at 100x the map.
OWN = {"n": "count(*)", "two": 'count(*) FILTER (WHERE "Seats" >= 2)', "most": 'coalesce(max("Seats"), 0)',
       "h": 'histogram("Seats")'}


def headline(own: int, shown_too: int) -> str:
    """As page.Context.headline words it: the own figure, and the London-wide ones the table also shows beside it."""
    return page.with_wider(own, shown_too - own) if ctx.flt.hcps and ctx.flt.include_wider else f"{own:,}"


ctx = page.header("People", "Who is this person, and what seats do they hold across London?")
if ctx.own == ctx.flt:  # the figures count what the table shows: one evaluation gives both
    everyone, n_people, own = page.shown(ctx, "people", measures=OWN)  # the rows shown: the table, the chart's top
    shown_two = own["two"]
else:
    everyone, n_people, figures = page.shown(ctx, "people", measures={"two": OWN["two"]})
    own, shown_two = ctx.aggregate("people", OWN, ctx.own), figures["two"]
page.kpis([
    ("People", headline(own["n"], n_people),
     "People on the map; when filtered, those holding a seat within the filter"),
    ("Seats", ctx.headline("roles"), "A person's role in a forum or organisation (unknown holders included)"),
    ("People with 2+ seats", headline(own["two"], shown_two), "Counting every seat they hold, wherever it is"),
    ("Most seats held", own["most"], None),
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
        st.caption(f"{n:,} {'person matches' if n == 1 else 'people match'} "
                   f"\u201c{literal(query)}\u201d (name or alias).")
        page.table(ctx, "people", key="matches", flt=searched)
        if n <= BRIEF_LINKS:
            for r in matches.itertuples():
                brief_links.link("person", r.ID, r.Name)
        st.markdown("**Every seat they hold**: their roles in forums and organisations, London-wide and "
                    "national roles included.")
        if ctx.flt.hcps or ctx.flt.sub_groups or not ctx.flt.include_wider:
            st.caption("Seats outside the current filter are not listed: clear the filters to see them all.")
        page.table(ctx, "roles", key="seats", flt=searched, column_config={"From": UK_DATE, "To": UK_DATE})

st.subheader(f"The {TOP} people in {ctx.place} holding the most seats" if ctx.flt.hcps
             else f"The {TOP} people holding the most seats")
top = page.scope_split(everyone, ctx.flt)[0].head(TOP)  # the view's first: the HCP's own, by seats, then name
if not page.empty_note(top, "people"):
    least = int(top["Seats"].min())
    by_seats = own["h"]  # {seats: people} of the own rows, for the tie
    tied_out = by_seats.get(least, 0) - int((top["Seats"] == least).sum())
    tie_note = f" {tied_out:,} more people also hold {least:,} seats: the cut is by name." if tied_out else ""
    st.caption("Seats held anywhere on the map by the people of the current filter; the full list follows." + tie_note)
    page.chart(charts.bar_with_labels(top, "Name", "Seats", sort=list(top["Name"]),
                                      tooltip=["Name", "Seats", "Substantive role", "Organisation", "Footprints"]))

st.subheader(f"People in {ctx.place}" + (", then London-wide and national" if ctx.flt.include_wider else "")
             if ctx.flt.hcps else "Everyone on the map")
if n_people:
    page.table(ctx, "people", everyone, total=n_people, key="people",
               column_config={"Roles": st.column_config.TextColumn(width="large")})
