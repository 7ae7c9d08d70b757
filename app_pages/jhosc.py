"""Who chairs the JHOSC that will scrutinise us next month?"""
import pandas as pd
import streamlit as st

from lasdash.ui import brief_links, changes, map_edits, page
from lasdash.ui.text import literal

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
    page.table(ctx, "jhosc", jhosc.assign(Brief=[brief_links.url("forum", n) for n in jhosc["JHOSC"]]), key="jhosc",
               column_config={"Brief": brief_links.column()})

seats = ctx.run("roles")
where = seats["Forum"].fillna(seats["Organisation"]).fillna("")
seat_labels = where + " \u2014 " + seats["Role"] + ": " + seats["Person"].fillna("")
changes.row_history(ctx, "Roles", dict(zip(seats["ID"], seat_labels, strict=True)), "a seat")

st.subheader("Health and Wellbeing Board chairs")
st.caption("'Not named' means the source says the council leader chairs the board but gives no name.")
if not page.empty_note(hwb, "Health and Wellbeing Boards"):
    page.table(ctx, "hwb_chairs", hwb, key="hwb")

st.subheader("London Councils")
if not page.empty_note(la, "London-wide local government chairs"):
    page.table(ctx, "la_chairs", la, key="la")
