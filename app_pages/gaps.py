"""Where is the map itself incomplete? Each gap with a count, a list and its download, so an editor can fix the
workbook."""
import pandas as pd
import streamlit as st

from lasdash.gaps import GAPS
from lasdash.ui import page

ctx = page.header("Data gaps", "Where is the map itself incomplete, and what should an editor fix in the workbook?")
found = {gap.view: ctx.run(gap.view) for gap in GAPS}
split = {view: page.scope_split(df, ctx.flt) for view, df in found.items()}
# Seven counts read better as one short table than as seven cards, and stay compact on a phone. The Overview's
# "Data gaps" is this table's total (lasdash.gaps is the one list).
counts = pd.DataFrame({"Data gap": [gap.label for gap in GAPS] + ["Total"],
                       f"{ctx.place}'s own" if ctx.flt.hcps else "Count":
                           [len(split[g.view][0]) for g in GAPS] + [sum(len(own) for own, _ in split.values())]})
if ctx.flt.hcps and ctx.flt.include_wider:
    counts["London-wide or national"] = [len(split[g.view][1]) for g in GAPS] + [sum(len(w) for _, w in split.values())]
st.dataframe(counts, hide_index=True, key="gap_counts", width=520)
st.caption("Each list below has its own CSV download, the same as the command line's export: work through it in "
           "the workbook, publish, and the count falls.")

for view, heading, _, fix in GAPS:
    df, (own, wider) = found[view], split[view]
    st.subheader(f"{heading} ({page.with_wider(len(own), len(wider))})")
    st.caption(f"{fix} Command line: `python -m lasdash export {view}`.")
    if df.empty:
        st.success("None under the current filter.", icon=":material/check_circle:")
    else:
        page.table(ctx, view, df, key=view)

st.subheader(f"Recorded first-hand in the app ({len(first_hand := ctx.run('first_hand_records')):,})")
st.caption("Not a gap: rows editors recorded in lasdash have no source document, so their Source names who recorded "
           "them and when. Rows transcribed from the documents keep their citations. "
           "Command line: `python -m lasdash export first_hand_records`.")
if first_hand.empty:
    st.info("None under the current filter: every row cites a source document.", icon=":material/menu_book:")
else:
    page.table(ctx, "first_hand_records", first_hand, key="first_hand_records")
