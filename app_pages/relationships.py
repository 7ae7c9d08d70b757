"""Which relationships are going cold? Days since the last contact against each organisation's contact interval."""
import streamlit as st

from lasdash import charts
from lasdash.ui import brief_links, owners, page, relationship_figures
from lasdash.ui.text import literal

UK_DATE = st.column_config.DateColumn(format="DD MMM YYYY")
EVERYONE = "Everyone"
CHART_MAX = 40  # bars in the chart; the table below lists every organisation

ctx = page.header("Stale relationships", "Which relationships are going cold: whom has LAS not contacted within "
                                         "the interval agreed for them, and who owns each relationship?")
everyone = ctx.run("relationships")
owner = owners.picker(ctx, "LAS relationship owner", EVERYONE,
                      help="Pick a member of the LAS team to see only the organisations they own, by role or name "
                           "(a shareable link).")
if everyone["LAS relationship owner"].isna().all():
    st.info(f"No LAS relationship owner is set for any of the {len(everyone):,} organisations: set one on "
            "Priorities (editors), or in the 'LAS relationship owner' column of the Organisations sheet; each owner "
            "can then pick their own list here.", icon=":material/person_add:")
# the owner is matched in SQL as bound parameters: any of the member's role and name among the organisation's owners
flt = ctx.flt if owner is None else owners.with_owner(ctx, ctx.flt, owner)
rel = everyone if owner is None else ctx.run("relationships", flt)
if owner is not None:
    st.caption(f"Organisations whose LAS relationship owner is **{literal(owner)}**, by role or name.")
    if rel.empty:  # figures of nothing would read as '0 never contacted': say what is missing instead
        st.info(f"No organisation{' in ' + ctx.place if ctx.flt.hcps else ''} has **{literal(owner)}** as its LAS "
                "relationship owner yet: set owners on Priorities (editors), or in the 'LAS relationship owner' "
                "column of the Organisations sheet.", icon=":material/person_search:")
        st.stop()

fig = relationship_figures.figures(ctx, flt)  # the chosen HCP's own organisations, as My relationships counts
page.kpis(fig.kpis())
st.markdown(fig.badges())
st.caption(f"Of {fig.n:,} organisations{' in ' + ctx.place if ctx.flt.hcps else ''}: {fig.with_interval:,} have a "
           "contact interval. Days since the latest engagement with the organisation; one known only by a period "
           "(e.g. 'June 2022 - March 2023') counts from the period's last day, the latest it can have been, so "
           "'overdue' is never overstated. Red: past the interval (or never contacted with one); amber: due within "
           "14 days; green: up to date.")

if fig.n and not fig.with_interval:
    st.warning(f"**No contact interval is set for any of these {fig.n:,} organisations**, so none can be shown "
               f"overdue: {fig.counts['Never contacted']:,} have never been contacted, and "
               f"{fig.counts['No interval set']:,} were last contacted on the dates below. Set 'Contact "
               "every (days)' and 'LAS relationship owner' in the Organisations sheet (or, as an editor, on "
               "Priorities).", icon=":material/edit_note:")

timed = rel[rel["Status"].isin(charts.CONTACT_STATUS_COLOURS)]
if not timed.empty:
    st.subheader("Days since the last contact")
    shown = f"The {CHART_MAX} most overdue of {len(timed):,}: e" if len(timed) > CHART_MAX else "E"
    st.caption(f"{shown}ach bar is an organisation with an interval and a recorded contact; the dark tick marks "
               "its interval.")
    page.chart(charts.contact_status(timed.head(CHART_MAX)))  # the view lists the most overdue first

st.subheader(f"Every relationship in {ctx.place}" if ctx.flt.hcps else "Every relationship")
if not page.empty_note(rel, "organisations"):
    grid = rel.head(page.MAX_ROWS)  # what the grid shows: a brief link for each of those rows, not for every row
    page.table(ctx, "relationships", grid.assign(Brief=brief_links.urls("organisation", grid["Organisation"])),
               key="relationships", flt=flt, total=len(rel),
               column_config={"Last contact": UK_DATE, "Contact due": UK_DATE, "Brief": brief_links.column()})
    page.calendar_download(ctx, flt, key="contacts", kinds=("Contact due", "Planned contact"),
                           what="contacts due and planned" + (f", {owner}" if owner else ""))
