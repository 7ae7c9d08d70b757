"""Which kinds of stakeholder does LAS deal with, and where? The 11 sub-groups, their spread, and a drill-down."""
import dataclasses

import streamlit as st

from lasdash import charts
from lasdash.ui import map_edits, page
from lasdash.ui.text import literal

ctx = page.header("Sub-groups", "Which kinds of stakeholder does LAS deal with, and where?")
sub_groups = ctx.run("sub_groups")  # both small (a row per sub-group, or per sub-group and footprint) and shown whole
spread = ctx.run("sub_group_footprints")
page.kpis([
    ("Sub-groups", len(sub_groups), "The stakeholder sub-groups of the mapping report (000 §3.1)"),
    ("Organisations", ctx.headline("organisations"), "Under the current filter"),  # counted in SQL, not fetched
    ("Forums", ctx.headline("forums"), "Under the current filter"),
    ("People", ctx.headline("people"), "People holding a seat under the current filter"),
])

st.subheader("The sub-groups and their categories")
st.caption("Seed 000 §3.1 and Appendix 1. The organisation count here covers every footprint; "
           "the chart below follows the HCP filter. 'Default interval (days)' is how often LAS means to "
           "contact a sub-group's organisations; an organisation's own interval overrides its sub-group's.")
if not page.empty_note(sub_groups, "sub-groups"):
    page.table(ctx, "sub_groups", sub_groups, key="sub_groups", height=(len(sub_groups) + 1) * 35 + 3, column_config={
        "Sub-group": st.column_config.TextColumn(width="medium"),
        "Categories": st.column_config.TextColumn(width="large")})
    map_edits.sub_group_interval_editor(ctx, sub_groups["ID"].tolist())  # editors only

st.subheader("Where each sub-group sits")
st.caption("Counts per sub-group and footprint. A person counts in every sub-group and footprint where they "
           "hold a seat; 'Not stated' means the map gives no footprint (or no sub-group).")
if not page.empty_note(spread, "organisations, people or forums"):
    # The ID leads each label so the chart's rows keep the sub-groups' own order.
    labelled = spread.assign(**{"Sub-group": spread["Sub-group ID"].fillna("–") + " · " + spread["Sub-group"]})
    measures = ["Organisations", "People", "Forums"]
    for tab, measure in zip(st.tabs(measures), measures, strict=True):
        with tab:
            cells = labelled[labelled[measure] > 0]
            if not page.empty_note(cells, measure.lower()):
                page.chart(charts.heatmap(cells, "Footprint", "Sub-group", measure,
                                          tooltip=["Sub-group", "Footprint", measure]))
    with st.expander("The counts as a table"):
        page.table(ctx, "sub_group_footprints", spread, key="spread")

st.subheader("Drill down: one sub-group's organisations")
if not sub_groups.empty:
    names = dict(zip(sub_groups["ID"], sub_groups["Sub-group"], strict=True))
    chosen = st.selectbox("Sub-group", list(names), format_func=lambda sid: f"{sid} · {names[sid]}",
                          key="drill_sub_group")
    categories = sub_groups.set_index("ID").loc[chosen, "Categories"]
    st.caption(f"Categories: {literal(categories) or 'none recorded'}")
    drill_flt = dataclasses.replace(ctx.flt, sub_groups=(chosen,))
    orgs, _, _ = page.shown(ctx, "organisations", drill_flt)  # cached: the table below costs nothing more
    if not page.empty_note(orgs, f"organisations in {literal(names[chosen])}"):
        page.table(ctx, "organisations", key="drill", flt=drill_flt)
