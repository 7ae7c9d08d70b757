"""Which relationships are going cold? Days since the last contact against each organisation's contact interval."""
import streamlit as st

from lasdash import charts
from lasdash.ui import brief_links, owners, page
from lasdash.ui.text import literal

UK_DATE = st.column_config.DateColumn(format="DD MMM YYYY")
EVERYONE = "Everyone"
CHART_MAX = 40  # bars in the chart; the table below lists every organisation
# (status as the view words it, badge colour, whether it needs an interval): the text always goes with the colour
STATUSES = [("Overdue", "red", True), ("Due soon", "orange", True), ("Up to date", "green", True),
            ("Never contacted", "gray", False), ("No interval set", "gray", False)]

HELP = {
    "Overdue": "Past the contact interval since the last engagement, or never contacted though an interval is set",
    "Due soon": "Within 14 days of the end of the contact interval",
    "Up to date": "Contacted within the interval, and not due within 14 days",
    "Never contacted": "No engagement with the organisation is recorded at all (with or without an interval)",
    "No interval set": "Contacted, but no 'Contact every (days)' is set, so it cannot be judged; the days since the "
                       "last contact are still shown",
}

ctx = page.header("Stale relationships", "Which relationships are going cold: whom has LAS not contacted within "
                                         "the interval agreed for them, and who owns each relationship?")
everyone = ctx.run("relationships")
owner = owners.picker(ctx, "LAS relationship owner", EVERYONE,
                      help="Pick a member of the LAS team to see only the organisations they own, by role or name "
                           "(a shareable link).")
if everyone["LAS relationship owner"].isna().all():
    st.info(f"No LAS relationship owner is set for any of the {len(everyone)} organisations: set one on "
            "Priorities (editors), or in the 'LAS relationship owner' column of the Organisations sheet; each owner "
            "can then pick their own list here.", icon=":material/person_add:")
# the owner is matched in SQL as bound parameters: any of the member's role and name among the organisation's owners
flt = ctx.flt if owner is None else owners.with_owner(ctx, ctx.flt, owner)
rel = everyone if owner is None else ctx.run("relationships", flt)
if owner is not None:
    st.caption(f"Organisations whose LAS relationship owner is **{literal(owner)}**, by role or name.")

own, wider = page.scope_split(rel, ctx.flt)  # the figures count the chosen HCP's own organisations
counts = own["Status"].value_counts()
with_interval = int(own["Contact every (days)"].notna().sum())
never_overdue = int(((own["Status"] == "Never contacted") & own["Contact every (days)"].notna()).sum())


def figure(status: str, needs_interval: bool) -> str:
    """A state's count; a state that needs an interval reads 'no intervals set' when none has one, never '0'."""
    if needs_interval and not with_interval:
        return "no intervals set"
    n = int(counts.get(status, 0))
    if status == "Overdue" and never_overdue:  # never contacted, with an interval: overdue too
        return f"{n + never_overdue} ({never_overdue} never contacted)"
    return str(n)


if with_interval:
    page.kpis([(status, figure(status, needs), HELP[status]) for status, _, needs in STATUSES])
else:  # the three states that need an interval share one figure, so it says its missing basis once
    page.kpis([("Overdue, due soon, up to date", "no intervals set",
                ("None of these organisations has a contact interval, so none can be judged overdue, due soon "
                 "or up to date")),
               *[(status, figure(status, needs), HELP[status]) for status, _, needs in STATUSES if not needs]])
st.markdown(" ".join(f":{colour}-badge[{status}: {figure(status, needs)}]" for status, colour, needs in STATUSES))
st.caption(f"Of {len(own):,} organisations{' in ' + ctx.place if ctx.flt.hcps else ''}: {with_interval:,} have a "
           "contact interval. Days since the latest engagement with the organisation; one known only by a period "
           "(e.g. 'June 2022 - March 2023') counts from the period's last day, the latest it can have been, so "
           "'overdue' is never overstated. Red: past the interval (or never contacted with one); amber: due within "
           "14 days; green: up to date.")

if len(own) and not with_interval:
    st.warning(f"**No contact interval is set for any of these {len(own):,} organisations**, so none can be shown "
               f"overdue: {int(counts.get('Never contacted', 0)):,} have never been contacted, and "
               f"{int(counts.get('No interval set', 0)):,} were last contacted on the dates below. Set 'Contact "
               "every (days)' and 'LAS relationship owner' in the Organisations sheet (or, as an editor, on "
               "Priorities).", icon=":material/edit_note:")

timed = rel[rel["Status"].isin(charts.CONTACT_STATUS_COLOURS)]
if not timed.empty:
    st.subheader("Days since the last contact")
    shown = f"The {CHART_MAX} most overdue of {len(timed)}: e" if len(timed) > CHART_MAX else "E"
    st.caption(f"{shown}ach bar is an organisation with an interval and a recorded contact; the dark tick marks "
               "its interval.")
    page.chart(charts.contact_status(timed.head(CHART_MAX)))  # the view lists the most overdue first

st.subheader(f"Every relationship in {ctx.place}" if ctx.flt.hcps else "Every relationship")
if not page.empty_note(rel, "organisations"):
    page.table(ctx, "relationships", rel.assign(Brief=[brief_links.url("organisation", n) for n in rel["Organisation"]]),
               key="relationships", flt=flt,
               column_config={"Last contact": UK_DATE, "Contact due": UK_DATE, "Brief": brief_links.column()})
