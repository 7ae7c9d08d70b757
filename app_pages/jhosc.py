"""Who chairs the JHOSC that will scrutinise us next month?"""
import pandas as pd
import streamlit as st

from lasdash import clock, config, queries
from lasdash.ui import brief_links, changes, data, map_edits, page
from lasdash.ui.text import literal

# A seat's label in the history picker, our SQL over the roles view: "NW London JHOSC — Chair: Cllr A B".
SEAT_LABEL = {"id": '"ID"', "label": 'coalesce("Forum", "Organisation", \'\') || \' \u2014 \' || "Role" || \': \' || '
                                    'coalesce("Person", \'\')'}


@st.cache_resource(show_spinner=False, max_entries=32)
def seat_labels(scope: str, snapshot_id: str, flt: queries.Filter) -> dict[str, str]:
    """Every seat under the filter, ID -> label, in the view's order: two columns from DuckDB, not the whole view
    (31,000 rows at 100x the map) labelled in pandas. Kept per store, day, snapshot and filter; shared and read-only."""
    return dict(queries.project(data.connection(snapshot_id), "roles", flt, SEAT_LABEL))


ctx = page.header("JHOSC chairs", "Who chairs the Joint Health Overview and Scrutiny Committee that will "
                                  "scrutinise LAS, and who chairs the local Health and Wellbeing Boards?")
jhosc = ctx.run("jhosc")
hwb = ctx.run("hwb_chairs")
la = ctx.run("la_chairs")
own_hwb = page.scope_split(hwb, ctx.flt)[0]  # JHOSCs and HWBs sit within one HCP: its own rows are all of them
page.kpis([
    ("JHOSCs", len(jhosc), "Joint committees mirroring the HCP footprints (000 Chart 5)"),
    ("Chairs unknown", int((jhosc["Chair"] == "Unknown").sum()), "Shown as a gap until the map is updated"),
    ("HWBs listed", len(own_hwb), None),
    ("HWB chairs named", int((~own_hwb["Chair"].isin(["Not named", "Not recorded"])).sum()), None),
])

map_edits.seat_editor(ctx)  # editors only

st.subheader("Joint Health Overview and Scrutiny Committees")
st.caption("JHOSCs follow the HCP footprints, except North East London (inner and outer committees, both NEL) "
           "and South West London, whose committee includes Surrey (SWL).")
if not page.empty_note(jhosc, "JHOSCs"):
    for r in jhosc.to_dict("records"):
        council, vice = (v if pd.notna(v) else None for v in (r["Chair's council"], r["Vice chair(s)"]))
        chair = ("⚠ not known" if r["Chair"] == "Unknown"
                 else literal(f"{r['Chair']} ({council})" if council else r["Chair"]))
        vice = literal(vice) if vice and vice != "Unknown" else "⚠ not known"
        st.markdown(f"- **{literal(r['JHOSC'])}** ({literal(r['Footprint'])}): chair **{chair}**; vice chair(s) {vice}")
    page.table(ctx, "jhosc", jhosc.assign(Brief=brief_links.urls("forum", jhosc["JHOSC"])), key="jhosc",
               column_config={"Brief": brief_links.column()})

changes.row_history(ctx, "Roles", seat_labels(f"{config.data_dir()} {clock.today():%Y-%m-%d}", ctx.manifest.id, ctx.flt),
                    "a seat")

st.subheader("Health and Wellbeing Board chairs")
st.caption("'Not named' means the source says the council leader chairs the board but gives no name.")
if not page.empty_note(hwb, "Health and Wellbeing Boards"):
    page.table(ctx, "hwb_chairs", hwb, key="hwb")

st.subheader("London Councils")
if not page.empty_note(la, "London-wide local government chairs"):
    page.table(ctx, "la_chairs", la, key="la")
