"""Where should LAS spend its time? Mendelow's power/interest grid, target engagement against the level reached,
and the organisations still to assess."""
import streamlit as st

from lasdash import charts, clock, config, queries
from lasdash.ui import changes, data, map_edits, page

UK_DATE = st.column_config.DateColumn(format="DD MMM YYYY")



@st.cache_resource(show_spinner=False, max_entries=32)
def org_names(scope: str, snapshot_id: str, flt: queries.Filter) -> dict[str, str]:
    """The organisations under the filter, ID -> name, in the view's order: two columns, not the whole view (12,000
    rows at 100x the map). Kept per store, day, snapshot and filter; shared and read-only."""
    return dict(queries.project(data.connection(snapshot_id), "organisations", flt, {"id": '"ID"', "name": '"Name"'}))


ctx = page.header("Priorities", "Where should LAS spend its time: whom to manage closely, keep satisfied, "
                                "keep informed or monitor, and where is engagement short of its target?")
assessed = ctx.run("priorities")
todo = ctx.run("not_assessed")
levels = ctx.run("engagement_gaps")
# the figures count the chosen HCP's own organisations; the tables list the London-wide ones after them
own_assessed, own_levels = (page.scope_split(df, ctx.flt)[0] for df in (assessed, levels))
own_todo, wider_todo = page.scope_split(todo, ctx.flt)
mapped = len(own_assessed) + len(own_todo)
short = own_levels[own_levels["Gap"] != "Target met"]
page.kpis([
    ("Assessed", f"{len(own_assessed):,} of {mapped:,}", (f"Organisations with both Power and Interest set; "
                                                       f"{len(own_todo):,} not yet assessed (listed below)")),
    ("Manage closely", int((own_assessed["Priority"] == "Manage closely").sum()) if len(own_assessed)
     else "none assessed", "High power and high interest"),
    ("Short of target", f"{len(short):,} of {len(own_levels):,}" if len(own_levels) else "No targets set",
     "Organisations with a target engagement level that is not yet reached (or not recorded)"),
])

if todo.shape[0] and assessed.empty:  # the seed map's state: say what to do, not just that the grid is empty
    st.warning(f"**{len(todo):,} organisations not yet assessed**: editors set Power and Interest (High, Medium or "
               "Low) in 'Assess organisations' below, or in the Organisations sheet of the workbook; they will then "
               "appear on the grid.", icon=":material/edit_note:")

orgs = org_names(f"{config.data_dir()} {clock.today():%Y-%m-%d}", ctx.manifest.id, ctx.flt)
map_edits.assessment_grid(ctx, list(orgs))  # editors only: the organisations under the filter
changes.row_history(ctx, "Organisations", orgs, "an organisation")

st.subheader("Power and interest")
st.caption("Mendelow's grid has two levels on each axis; here only **High** moves an organisation up, so Medium "
           "counts as low (High power with Medium interest is 'Keep satisfied'). Each cell names its priority and "
           "counts its organisations.")
if not page.empty_note(assessed, "organisations with power and interest assessed"):
    page.chart(charts.power_interest_grid(assessed))
    page.table(ctx, "priorities", assessed, key="priorities")

st.subheader("Target engagement against the level reached")
st.caption("Levels, deepest first: Co-produce, Engage on specific aspects, Keep informed (seed 001). The level "
           "reached is the deepest recorded in the Engagements sheet.")
if levels.empty:
    st.info("No organisation under the current filter has a target engagement level: set 'Target engagement' "
            "(Co-produce, Engage on specific aspects or Keep informed) in the Organisations sheet to track it here.",
            icon=":material/edit_note:")
else:
    mix = levels.groupby("Gap").size().rename("Organisations").reset_index()
    page.chart(charts.bar_with_labels(mix, "Gap", "Organisations", sort=["No engagement recorded", "Below target",
                                                                         "Engaged, level not recorded", "Target met"]))
    page.table(ctx, "engagement_gaps", levels, key="engagement_gaps", column_config={"Last engaged (date)": UK_DATE})

st.subheader(f"Not yet assessed ({page.with_wider(len(own_todo), len(wider_todo))})")
st.caption("The to-do list: organisations to score for power and interest ('Assess organisations' above, for "
           "editors, or the workbook).")
if todo.empty:
    st.success("Every organisation under the current filter has power and interest assessed.",
               icon=":material/check_circle:")
else:
    page.table(ctx, "not_assessed", todo, key="not_assessed")
