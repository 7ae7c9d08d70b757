"""Where is the map itself incomplete? Each gap with a count, a list and its download, so an editor can fix the
workbook."""
import pandas as pd
import streamlit as st

from lasdash.ui import page

# (view, heading, short label for the figures, what an editor does about it)
GAPS = [
    ("gap_unknown_chairs", "Unknown chairs and vice chairs", "Unknown chairs",
     "Seats the sources mention but whose holder they do not name. Fill the Person ID on the Roles sheet."),
    ("gap_tbc_leads", "Leads marked TBC", "TBC leads",
     "Leads the source printed as 'TBC', unnamed or named provisionally. Confirm or name them on the Roles sheet."),
    ("gap_forums_without_chair", "Forums with no named chair", "Forums without a chair",
     "No chair seat on the Roles sheet, or one whose holder is unknown. Add a Chair row for the forum."),
    ("gap_organisations_without_owner", "Organisations without a LAS relationship owner", "Unowned organisations",
     "Set 'LAS relationship owner' on the Organisations sheet."),
    ("gap_people_without_role", "People without a seat", "People without a seat",
     "People on the People sheet with no row on the Roles sheet. Add their seats, or remove them."),
    ("gap_rows_without_source", "Rows whose source names no chart or section", "Vague sources",
     "The validator requires a Source; this lists those naming only the document (e.g. '001' rather than "
     "'001 Appendix 2'), which leave a reader nowhere to check. Add the chart or section."),
    ("gap_recommendations", "Recommendations without an owner or a status", "Untracked recommendations",
     "Set Owner and Status on the Recommendations sheet."),
]

ctx = page.header("Data gaps", "Where is the map itself incomplete, and what should an editor fix in the workbook?")
found = {view: ctx.run(view) for view, *_ in GAPS}
# Seven counts read better as one short table than as seven cards, and stay compact on a phone.
st.dataframe(pd.DataFrame({"Data gap": [label for _, _, label, _ in GAPS], "Count": [len(found[v]) for v, *_ in GAPS]}),
             hide_index=True, key="gap_counts", width=420)
st.caption("Each list below has its own CSV download, the same as the command line's export: work through it in "
           "the workbook, publish, and the count falls.")

for view, heading, _, fix in GAPS:
    df = found[view]
    st.subheader(f"{heading} ({len(df)})")
    st.caption(f"{fix} Command line: `python -m lasdash export {view}`.")
    if df.empty:
        st.success("None under the current filter.", icon=":material/check_circle:")
    else:
        page.table(ctx, view, df, key=view)

st.subheader(f"Recorded first-hand in the app ({len(first_hand := ctx.run('first_hand_records'))})")
st.caption("Not a gap: rows editors recorded in lasdash have no source document, so their Source names who recorded "
           "them and when. Rows transcribed from the documents keep their citations. "
           "Command line: `python -m lasdash export first_hand_records`.")
if first_hand.empty:
    st.info("None under the current filter: every row cites a source document.", icon=":material/menu_book:")
else:
    page.table(ctx, "first_hand_records", first_hand, key="first_hand_records")
