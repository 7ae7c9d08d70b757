"""Where are we on what the London Assembly and our partners asked of us? Each recommendation, its status, deadline."""
import pandas as pd
import streamlit as st

from lasdash import charts
from lasdash.ui import changes, map_edits, page
from lasdash.ui.text import join, literal

CLOSED = ["Done", "Closed", "Superseded"]  # any other status, or none recorded, is still open
NOT_RECORDED = "Not recorded"  # what the view shows for a blank status
UK_DATE = st.column_config.DateColumn(format="DD MMM YYYY")
OVERDUE_CARDS = 25  # a card each, the longest overdue first; the table lists every one (1,625 cards at 100x the map)

ctx = page.header("Recommendations", "Where are we on what the London Assembly and our partners asked of us?")
recs = ctx.run("recommendations")
own, wider = page.scope_split(recs, ctx.flt)
open_recs = recs[~recs["Status"].isin(CLOSED)]
overdue = recs[recs["Overdue"] == "Yes"]  # the view lists them first, longest overdue first


def figure(rows) -> str:
    """The chosen HCP's own count, with the London-wide ones the page also lists beside it."""
    return page.with_wider(int(rows.index.isin(own.index).sum()), int(rows.index.isin(wider.index).sum()))


page.kpis([
    ("Recommendations", figure(recs), "Recommendations, opportunities and options from the source documents"),
    ("Open", figure(open_recs), "Status not Done, Closed or Superseded (no status recorded counts as open)"),
    ("Overdue", figure(overdue), "Past their due date and not done"),
    ("Status not recorded", figure(recs[recs["Status"] == NOT_RECORDED]),
     "No status in the map yet: not the same as not started"),
])
if ctx.flt.hcps and own.empty and not wider.empty:
    st.info(f"None of these recommendations was made by an organisation in {ctx.place}: all {len(wider):,} were made "
            f"by London-wide bodies, or name no one organisation, so each is marked London-wide and bears on "
            f"{ctx.place} as on every partnership.", icon=":material/public:")
if page.empty_note(recs, "recommendations"):
    st.stop()  # nothing below has anything to show
map_edits.recommendation_editor(ctx, recs["ID"].tolist())  # editors only
changes.row_history(ctx, "Recommendations",
                    dict(zip(recs["ID"], recs["ID"] + " · " + recs["Recommendation"].str[:90], strict=True)),
                    "a recommendation")

# The Health Committee's deadline comes from the data: the due date of the recommendations its letter made.
committee = recs[recs["Reference"].str.contains("Health Committee", case=False, na=False)]
deadlines = committee["Due"].dropna()
if len(deadlines):
    # the date most of its recommendations share is the deadline; a different one is named, not merged into it
    deadline = deadlines.mode().min()
    others = committee[committee["Due"].notna() & (committee["Due"] != deadline)]
    due = f"{pd.Timestamp(deadline):%d %b %Y}"
    late = int((committee["Overdue"] == "Yes").sum())
    made_by = join(committee["Made by"].dropna().unique()) or "the London Assembly"
    st.info(f"**Health Committee response deadline: {due}.** The London Assembly Health Committee "
            f"({made_by}) asked LAS to respond to its {len(committee):,} recommendations by {due}. "
            + (f"{late:,} of them {'is' if late == 1 else 'are'} overdue." if late else "None is overdue.")
            + ("".join(f" {literal(r['ID'])} has a different due date recorded: {r['Due']:%d %b %Y}."
                       for r in others.to_dict("records"))),
            icon=":material/event:")
elif not committee.empty:
    st.info(f"The Health Committee's {len(committee):,} recommendations have no due date recorded.",
            icon=":material/event:")

if overdue.empty:
    st.success("No recommendation is overdue under the current filter.", icon=":material/check_circle:")
else:
    st.subheader(f"Overdue: {len(overdue):,}")
    st.caption("Past their due date and not done, the longest overdue first: what to act on, and who owns it."
               + (f" The {OVERDUE_CARDS} longest overdue are here; the table below lists all {len(overdue):,} (its "
                  "Overdue column reads Yes)." if len(overdue) > OVERDUE_CARDS else ""))
    for r in overdue.head(OVERDUE_CARDS).to_dict("records"):
        owner = literal(r["Owner"]) if pd.notna(r["Owner"]) else "not recorded"
        where = f" · {literal(r['Scope'])}" if "Scope" in r else ""
        with st.container(border=True):
            reference = f"**{literal(r['Reference'])}** ({literal(r['ID'])})" if pd.notna(r["Reference"]) \
                else f"**{literal(r['ID'])}**"  # the ID too: it is what the CLI's set-recommendation takes
            st.markdown(f"{reference} · due {r['Due']:%d %b %Y} · **{r['Days overdue']:,} days overdue** · owner: "
                        f"{owner} · status: {literal(r['Status'])}{where}")
            st.text(r["Recommendation"])  # the whole text, wrapped; plain text, never Markdown

st.subheader("Status by source document")
st.caption(f"'{NOT_RECORDED}' means the map holds no status for the recommendation; it does not mean 'not started'.")
by_status = recs.groupby(["Source document", "Status"]).size().rename("Recommendations").reset_index()
page.chart(charts.stacked_counts(by_status, "Source document", "Status", "Recommendations"))
st.caption(" · ".join(f"{literal(doc)}: " + ", ".join(f"{r.Status} {r.Recommendations:,}" for r in rows.itertuples())
                      for doc, rows in by_status.groupby("Source document", sort=False)))

st.subheader(f"Every recommendation bearing on {ctx.place}" if ctx.flt.hcps else "Every recommendation")
st.caption("Overdue first (the 'Overdue' column, pinned at the left, reads Yes for items past their due date and not "
           "done), then in each document's order.")
page.table(ctx, "recommendations", recs, key="recommendations", column_config={
    "Overdue": st.column_config.TextColumn(pinned=True, help="Past its due date and not done"),
    "Source document": st.column_config.TextColumn(width="medium"),
    "Reference": st.column_config.TextColumn(width="medium"),
    "Recommendation": st.column_config.TextColumn(width="large"),
    "Due": UK_DATE, "Last update": UK_DATE,
})
page.calendar_download(ctx, ctx.flt, key="recommendations", kinds=("Recommendation due",),
                       what="open recommendations' due dates")
