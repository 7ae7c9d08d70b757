"""Which relationships are going cold? Days since the last contact against each organisation's contact interval."""
import dataclasses

import streamlit as st

from lasdash import charts, queries
from lasdash.ui import page
from lasdash.ui.text import literal

UK_DATE = st.column_config.DateColumn(format="DD MMM YYYY")
EVERYONE = "Everyone"
CHART_MAX = 40  # bars in the chart; the table below lists every organisation
# (status as the view words it, short label for the figures, badge colour): the text always goes with the colour
STATUSES = [("Overdue: twice the interval", "Twice overdue", "red"), ("Overdue", "Overdue", "orange"),
            ("Within interval", "Within interval", "green"), ("No contact recorded", "No contact recorded", "gray"),
            ("No interval set", "No interval set", "gray")]

ctx = page.header("Stale relationships", "Which relationships are going cold: whom has LAS not contacted within "
                                         "the interval agreed for them, and who owns each relationship?")
everyone = ctx.run("relationships")
owners = sorted({name.strip() for cell in everyone["LAS relationship owner"].dropna()
                 for name in cell.split(";") if name.strip()})
if owners:
    owner = st.selectbox("LAS relationship owner", [EVERYONE, *owners], key="owner", bind="query-params",
                         help="Pick a name to see only the organisations that person owns (a shareable link).")
else:
    owner = EVERYONE
    st.info(f"No LAS relationship owner is set for any of the {len(everyone)} organisations: add one in the "
            "'LAS relationship owner' column of the Organisations sheet, and each owner can then pick their own "
            "list here.", icon=":material/person_add:")
# the owner is matched in SQL as a bound parameter, as a whole name among the organisation's owners
flt = ctx.flt if owner == EVERYONE else dataclasses.replace(ctx.flt, search=queries.owner_search(owner))
rel = everyone if owner == EVERYONE else ctx.run("relationships", flt)
if owner != EVERYONE:
    st.caption(f"Organisations whose LAS relationship owner includes **{literal(owner)}**.")

counts = rel["Status"].value_counts()
page.kpis([(label, int(counts.get(status, 0)), f"Status '{status}'") for status, label, _ in STATUSES])
st.markdown(" ".join(f":{colour}-badge[{status}: {int(counts.get(status, 0))}]" for status, _, colour in STATUSES))
st.caption("Days since the latest engagement with the organisation. An engagement known only by a period (e.g. "
           "'June 2022 - March 2023') counts from the period's last day, the latest it can have been, so "
           "'overdue' is never overstated. Green: within the interval; amber: past it; red: twice it or more.")

no_interval = int(counts.get("No interval set", 0))
if no_interval and no_interval == len(rel):
    st.warning(f"**No contact interval is set for any of these {no_interval} organisations**, so nothing can be "
               "overdue yet: add 'Contact every (days)' and 'LAS relationship owner' in the Organisations sheet.",
               icon=":material/edit_note:")

timed = rel[rel["Status"].isin(charts.CONTACT_STATUS_COLOURS)]
if not timed.empty:
    st.subheader("Days since the last contact")
    shown = f"The {CHART_MAX} most overdue of {len(timed)}: e" if len(timed) > CHART_MAX else "E"
    st.caption(f"{shown}ach bar is an organisation with an interval and a recorded contact; the dark tick marks "
               "its interval.")
    page.chart(charts.contact_status(timed.head(CHART_MAX)))  # the view lists the most overdue first

st.subheader("Every relationship")
if not page.empty_note(rel, "organisations"):
    page.table(ctx, "relationships", rel, key="relationships", flt=flt, column_config={"Last contact": UK_DATE})
