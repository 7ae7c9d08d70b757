"""Who runs each Health and Care Partnership, and which LAS director should be at which board? (000 Charts 1 and 2)"""
import pandas as pd
import streamlit as st

from lasdash import charts
from lasdash import schema as S
from lasdash.queries import Filter
from lasdash.ui import brief_links, map_edits, page
from lasdash.ui.text import literal

# Chart 1's roles, grouped as the issue asks for them; an empty group is shown as a gap, not hidden.
LEADER_GROUPS = {
    "Chair": ("Independent Chair", "Chair", "Co-chair", "Interim Chair"),
    "Convenor / Accountable Officer": ("Convenor", "Accountable Officer", "Chief Officer"),
    "Clinical lead(s)": ("Clinical lead", "Co-clinical lead"),
    "Local-authority lead": ("LA lead",),
    "Provider lead": ("Provider lead", "Provider SRO"),
    "SROs by programme": ("SRO", "Programme Director"),
}
GAP = "⚠ "

ctx = page.header("HCP governance", "Who runs each Health and Care Partnership, and which LAS director "
                                    "should be at which board?")
hcps = ctx.flt.hcps or S.HCP_CODES
partnerships = ctx.run("hcp_partnerships")
leaders = ctx.run("hcp_leaders")
hcp_only = Filter(ctx.flt.hcps, ctx.flt.sub_groups, include_wider=False)  # what the partnership tabs list
forums, wider_forums = ctx.run("hcp_forums", hcp_only), ctx.run("hcp_forums", ctx.flt.wider_only())
leads = ctx.run("programme_leads")
coverage = ctx.run("las_coverage")
own_leads, own_coverage = (page.scope_split(df, ctx.flt)[0] for df in (leads, coverage))
page.kpis([
    ("Partnerships", len(partnerships), "The HCPs shown: each one's SG01 organisation with the most seats"),
    ("Leaders named", int((leaders["Person"] != "Unknown").sum()), "Chart 1 seats: chairs, convenors, leads, SROs"),
    ("HCP forums", len(forums), "Chart 2 forums of the partnerships shown, listed in their tabs below"
                                + (f"; {len(wider_forums):,} London-wide forums are listed apart" if len(wider_forums) else "")),
    ("Programme lead gaps", int(own_leads["Gap"].sum()), "Programme leads the source gives as TBC or not known"),
    ("LAS roles attending", own_coverage["LAS role"].nunique(), "Distinct LAS roles named to attend a forum"),
])


def who_is_who(who: pd.DataFrame) -> str:
    """Chart 1 as a short list: each leadership group with its people, or a visible gap."""
    lines = []
    for group, roles in LEADER_GROUPS.items():
        rows = who[who["Role"].isin(roles)]
        people = [literal(f"{r.Person} ({r.Role}{' ' + r.Programme if pd.notna(r.Programme) else ''}; {r.Where})")
                  for r in rows.itertuples()]
        lines.append(f"- **{group}**: " + ("; ".join(people) if people else f"{GAP}not recorded in the map"))
    return "\n".join(lines)


def show_partnership(code: str) -> None:
    one = Filter((code,), ctx.flt.sub_groups, include_wider=False)  # this footprint only, so tables and CSVs agree
    name = partnerships.loc[partnerships["Footprint"] == code, "Partnership"]
    st.subheader(f"{code}: {literal(name.iloc[0])}" if len(name) else f"{code}: partnership not recorded")
    brief_links.link("partnership", code, f"the {code} partnership")
    who = ctx.run("hcp_leaders", one)
    st.markdown("**Who runs it** (Chart 1)")
    st.markdown(who_is_who(who))
    if not page.empty_note(who, f"{code} leaders"):
        page.table(ctx, "hcp_leaders", who, key=f"leaders_{code}", flt=one)
    st.markdown("**Its forums by tier, and the LAS role that should attend** (Chart 2)")
    tiers = ctx.run("hcp_forums", one)
    if not page.empty_note(tiers, f"{code} forums"):
        page.table(ctx, "hcp_forums", tiers, key=f"forums_{code}", flt=one,
                   column_config={"Participants / note": st.column_config.TextColumn(width="large")})


map_edits.seat_editor(ctx)  # editors only

st.subheader("The partnerships")
if not page.empty_note(partnerships, "partnerships"):
    page.table(ctx, "hcp_partnerships", partnerships, key="partnerships")
if len(hcps) == 1:
    show_partnership(hcps[0])
else:
    for tab, code in zip(st.tabs(list(hcps)), hcps, strict=True):
        with tab:
            show_partnership(code)

if len(wider_forums):
    st.subheader("London-wide and national forums")
    st.caption(f"Chart 2 forums that span London rather than one partnership: they bear on {ctx.place} as on "
               "every HCP.")
    page.table(ctx, "hcp_forums", wider_forums, key="wider_forums", flt=ctx.flt.wider_only(),
               column_config={"Participants / note": st.column_config.TextColumn(width="large")})

st.subheader("SROs and leads: programme × footprint")
st.caption(f"Includes the 2015 SPG leads (seed 004). **{GAP}Gap** marks a lead the source gives as TBC or "
           "not known; a blank cell means the map records no lead there. Borough-level (CCG) leads carry their area.")
if not page.empty_note(leads, "programme leads"):
    area = leads["Area"].where(leads["Area"].notna() & (leads["Area"] != leads["Footprint"]))
    cell = (leads["Lead"].where(~leads["Gap"], GAP + leads["Lead"]) + " (" + leads["Role"]
            + area.radd(", ").fillna("") + ")")
    matrix = (leads.assign(cell=cell, Footprint=leads["Footprint"].fillna("Not stated"))
              .sort_values("Gap", ascending=False, kind="stable")  # a gap leads its cell, so it is never cut off
              .groupby(["Programme", "Footprint"])["cell"].agg("; ".join).unstack("Footprint"))
    matrix = matrix[[f for f in charts.FOOTPRINT_ORDER if f in matrix.columns]].fillna("")
    # Narrow columns keep every footprint in view; the gap mark opens its cell, hovering shows the rest.
    st.dataframe(matrix.style.map(lambda v: f"background-color: {charts.WARM_YELLOW}" if GAP in v else ""),
                 key="grid_lead_matrix", height=(len(matrix) + 1) * 35 + 3,
                 column_config={c: st.column_config.TextColumn(width=150) for c in matrix.columns})
    with st.expander("The leads as a list (downloadable)"):
        page.table(ctx, "programme_leads", leads, key="programme_leads")

st.subheader("LAS roles × HCP: how many forums each role covers")
if not page.empty_note(coverage, "forums with an LAS attendee"):
    counts = (coverage.fillna({"Footprint": "Not stated"}).groupby(["LAS role", "Footprint"]).size()
              .rename("Forums").reset_index())
    page.chart(charts.heatmap(counts, "Footprint", "LAS role", "Forums"))
    pivot = counts.pivot(index="LAS role", columns="Footprint", values="Forums")
    pivot = pivot[[f for f in charts.FOOTPRINT_ORDER if f in pivot.columns]].fillna(0).astype(int)
    st.dataframe(pivot.assign(Total=pivot.sum(axis=1)), key="grid_coverage_matrix")
    with st.expander("The forums behind the counts (downloadable)"):
        page.table(ctx, "las_coverage", coverage, key="las_coverage")
