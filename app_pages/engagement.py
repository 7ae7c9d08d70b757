"""Which stakeholders has LAS engaged, and which has it not? Coverage, engagement levels, the lists and a timeline."""
import pandas as pd
import streamlit as st

from lasdash import charts
from lasdash.schema import ENGAGEMENT_LEVELS
from lasdash.ui import map_edits, page
from lasdash.ui.text import join, literal
from lasdash.validate import EARLIEST_EVENT, latest_event

NOT_RECORDED = "Not recorded"
UK_DATE = st.column_config.DateColumn(format="DD MMM YYYY")

ctx = page.header("Engagement coverage", "Which stakeholders has LAS engaged, and which has it not?")
coverage = ctx.run("coverage")
engagements = ctx.run("engagements")
own_coverage, _ = page.scope_split(coverage, ctx.flt)  # the figures count the chosen HCP's own organisations
mapped, engaged = int(own_coverage["Mapped"].sum()), int(own_coverage["Engaged"].sum())
page.kpis([
    ("Mapped organisations", ctx.headline("organisations"), f"Organisations on the map in {ctx.place}"),
    ("Engaged", ctx.headline("organisations", "count(*) FILTER (WHERE \"Engaged\" = 'Yes')"),
     "Mapped organisations with at least one engagement recorded"),
    ("Coverage", f"{100 * engaged / mapped:.0f}%" if mapped else "no organisations",
     f"{engaged} of {mapped} mapped organisations in {ctx.place}"),
    ("Engagements recorded", ctx.headline("engagements"),
     "Meetings, sessions and forums logged, dated or over a period"),
])

map_edits.engagement_recorder(ctx)  # editors only

st.subheader("Mapped and engaged, by sub-group and footprint")
st.caption("Each cell reads engaged/mapped organisations; the shade is the share engaged. "
           "'Not stated' means the map gives the organisation no footprint.")
if not page.empty_note(coverage, "mapped organisations"):
    cells = coverage.assign(**{  # IDs lead the row labels so the rows keep the sub-groups' order
        "Engaged / mapped": charts.thousands(coverage["Engaged"]) + "/" + charts.thousands(coverage["Mapped"]),
        "Row": (coverage["Sub-group ID"] + " · " + coverage["Sub-group"]).fillna("Not stated")})
    page.chart(charts.heatmap(cells, "Footprint", "Row", "Engaged %", label="Engaged / mapped", percent=True,
                              tooltip=["Sub-group", "Footprint", "Mapped", "Engaged", "Engaged %"]))
    with st.expander("The counts as a table"):
        page.table(ctx, "coverage", coverage, key="coverage")

st.subheader("Level of engagement")
levels = engagements["Level"].fillna(NOT_RECORDED).replace("", NOT_RECORDED)
order = [*ENGAGEMENT_LEVELS, NOT_RECORDED]
mix = levels.value_counts().reindex(order, fill_value=0).rename("Engagements").rename_axis("Level").reset_index()
not_recorded = int((levels == NOT_RECORDED).sum())
if engagements.empty:
    page.empty_note(engagements, "engagements")
else:
    if not_recorded == len(engagements):  # say so in words: a chart of zeros looks like missing data
        st.warning(f"No level is recorded for any of the {len(engagements):,} engagements: all are "
                   f"'{NOT_RECORDED}'. The map's sources list who was engaged, not at which level.",
                   icon=":material/help:")
    st.caption("Engagements by level: " + "; ".join(f"{row.Level}: {row.Engagements:,}" for row in mix.itertuples()))
    page.chart(charts.bar_with_labels(mix, "Level", "Engagements", sort=order))

st.subheader("Engaged and not engaged")
engaged_list, not_engaged = ctx.run("engaged"), ctx.run("not_engaged")
narrow = {"Sub-group": st.column_config.TextColumn(width="medium")}
engaged_tab, not_engaged_tab = st.tabs([f"{label} ({page.with_wider(*map(len, page.scope_split(df, ctx.flt)))})"
                                        for label, df in (("Engaged", engaged_list), ("Not engaged", not_engaged))])
with engaged_tab:
    st.caption("Last dated engagement, or the period when only a period is known, and the LAS lead where recorded.")
    if not page.empty_note(engaged_list, "engaged organisations"):
        page.table(ctx, "engaged", engaged_list, key="engaged",
                   column_config={**narrow, "Last engaged (date)": UK_DATE})
with not_engaged_tab:
    st.caption("Mapped organisations with no engagement recorded.")
    if not page.empty_note(not_engaged, "organisations without an engagement"):
        page.table(ctx, "not_engaged", not_engaged, key="not_engaged", column_config=narrow)

st.subheader("Timeline of engagements")
st.caption("A diamond is an engagement on a known date; a bar is one known only by its period, drawn over the "
           "whole months the period names (no day is assumed).")


def timeline_of(engagements: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The timeline's rows, in the engagements' order, and a line for each engagement it cannot draw.

    A row is drawn on its date, else over its period as read once at validation (lasdash.normalise.parse_period).
    A date the validator warns of as implausible (before 2000, over a year ahead) is listed, not drawn, so one
    mistyped year cannot stretch the axis over a century. Whole columns at a time: row by row (iterrows) took
    0.2-0.5 s at 100 times the default map.
    """
    dated = engagements["Date"].notna()
    start = engagements["Date"].where(dated, engagements["Period from"])
    end = engagements["Date"].where(dated, engagements["Period to"])
    plausible = (start >= pd.Timestamp(EARLIEST_EVENT)) & (end <= pd.Timestamp(latest_event()))
    readable = dated | engagements["Period from"].notna()
    drawn = readable & plausible
    sep = " · "
    who = pd.Series("", index=engagements.index, dtype="str")
    for col in ("Organisation", "Person", "Forum"):  # astype: a column blank throughout arrives as object Nones
        who += (sep + engagements[col].astype("str")).fillna("")
    who = who.str.removeprefix(sep)
    who = who.where(who != "", engagements["ID"])
    timeline = pd.DataFrame({
        "Engagement": who,
        "Start": start, "End": end,
        "When": engagements["Date"].dt.strftime("%d %b %Y").where(dated, engagements["Period"]),
        "ID": engagements["ID"], "Mechanism": engagements["Mechanism"], "LAS lead": engagements["LAS lead"],
    })[drawn].reset_index(drop=True)
    why = ("period '" + engagements["Period"].astype("str") + "' could not be read").fillna("no date or period")
    when = engagements["Date"].dt.strftime("%d %b %Y").where(dated, engagements["Period"].astype("str"))
    why = why.where(~readable, "dated " + when + f", outside {EARLIEST_EVENT:%Y} to {latest_event():%b %Y}: "
                                                 "check the year")
    undrawn = (engagements["ID"] + " (" + who + ": " + why + ")")[~drawn].tolist()
    return timeline, undrawn


timeline, undrawn = timeline_of(engagements)
if timeline["Engagement"].duplicated(keep=False).any():  # one row per engagement, never two drawn on one line
    dup = timeline["Engagement"].duplicated(keep=False)
    timeline.loc[dup, "Engagement"] += " (" + timeline.loc[dup, "ID"] + ")"
if not page.empty_note(timeline, "engagements with a date or a readable period"):
    dated = int((timeline["Start"] == timeline["End"]).sum())
    periods = timeline.loc[timeline["Start"] != timeline["End"], "When"].value_counts()
    st.caption(f"{dated:,} on a known date; " + ("; ".join(f"{n:,} known only as '{literal(p)}'" for p, n in periods.items())
                                                 or "none known only by a period") + ".")
    page.chart(charts.timeline(timeline, label="Engagement", start="Start", end="End",
                               tooltip=["Engagement", "When", "Mechanism", "LAS lead", "ID"]))
if undrawn:
    st.caption(f"Not on the timeline ({len(undrawn):,}): " + join(undrawn) + ".")
with st.expander("Every engagement recorded"):
    if not page.empty_note(engagements, "engagements"):
        page.table(ctx, "engagements", engagements, key="engagements",
                   column_config={"Date": UK_DATE, "Next contact": UK_DATE,
                                  "Summary": st.column_config.TextColumn(width="large")})
