"""Altair chart builders. Pure: a DataFrame in, an alt.Chart out (no streamlit), so tests can check them.

NHS identity colours; every chart has tooltips and text labels, so colour is never the only signal.
"""
from __future__ import annotations

import math

import altair as alt
import pandas as pd

NHS_BLUE, DARK_BLUE, BRIGHT_BLUE, LIGHT_BLUE = "#005EB8", "#003087", "#0072CE", "#41B6E6"
DARK_GREY, PALE_GREY, GREEN, WARM_YELLOW, ORANGE, RED = "#425563", "#E8EDEE", "#009639", "#FFB81C", "#ED8B00", "#DA291C"
CATEGORICAL = [NHS_BLUE, GREEN, ORANGE, DARK_BLUE, LIGHT_BLUE, WARM_YELLOW, DARK_GREY, RED, BRIGHT_BLUE]
FOOTPRINT_ORDER = ["NWL", "NCL", "NEL", "SEL", "SWL", "London", "National", "Not stated"]
UK_DATE = "%d %b %Y"
ROW_STEP, LEGEND_TITLE, MIN_GRADIENT = 26, 40, 80  # px: a heatmap row; a legend's title and end label; a gradient


def thousands(counts: pd.Series) -> pd.Series:
    """Whole numbers as the captions write them: 3,972."""
    return counts.map(lambda n: f"{int(n):,}")


def bar_with_labels(df: pd.DataFrame, category: str, value: str, *, title: str = "", colour: str = NHS_BLUE,
                    sort: list[str] | str = "-x", tooltip: list | None = None) -> alt.Chart:
    """Horizontal bars with the value written at the end of each bar."""
    base = alt.Chart(df, title=title).encode(
        y=alt.Y(f"{category}:N", sort=sort, title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X(f"{value}:Q", title=value, axis=alt.Axis(format=",d", tickMinStep=1)),  # counts: no 0.5 ticks
        tooltip=tooltip or [category, value],
    )
    return (base.mark_bar(color=colour) + base.mark_text(align="left", dx=3, color=DARK_GREY).encode(
        text=alt.Text(f"{value}:Q", format=",d"))).properties(height=alt.Step(22))


def heatmap(df: pd.DataFrame, x: str, y: str, value: str, *, label: str | None = None, title: str = "",
            x_sort: list[str] | None = None, tooltip: list | None = None, percent: bool = False) -> alt.Chart:
    """A grid of cells shaded by value, each cell also printing its label (the number, or 'engaged/mapped').

    The colour scale is fixed, never taken from the data alone (an all-zero grid would get a degenerate domain
    and be drawn mid-colour): with `percent` (values 0-100) it runs from 0 (palest) to 100 (darkest) and the
    legend reads '0 %' ... '100 %'; otherwise (counts) from 0 to the largest value, at least 1, with
    whole-number legend labels. Cell text turns white past the middle of that same scale.
    """
    label = label or value
    if percent:
        top = 100
        legend = {"values": [0, 50, 100], "format": "d", "labelExpr": "datum.label + ' %'"}
    else:
        peak = pd.to_numeric(df[value], errors="coerce").max() if len(df) else None
        top = max(1, math.ceil(peak)) if pd.notna(peak) else 1  # at least 1: an all-zero grid stays palest
        legend = {"format": ",d", "tickMinStep": 1}
    base = alt.Chart(df, title=title).encode(
        x=alt.X(f"{x}:N", sort=x_sort or FOOTPRINT_ORDER, title=None, axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y(f"{y}:N", title=None, axis=alt.Axis(labelLimit=340)),
        tooltip=tooltip or [y, x, value],
    )
    # Vega-Lite makes a vertical gradient as long as the plot (100-200 px) under its title, and the chart's frame
    # cuts off what overflows: the 0 end. So fit it to the plot, and lay it flat below a grid too short for one.
    gradient = df[y].nunique() * ROW_STEP - LEGEND_TITLE
    if gradient >= MIN_GRADIENT:
        legend.update(gradientLength=min(200, gradient))
    else:
        legend.update(orient="bottom", direction="horizontal", gradientLength=200)
    scale = alt.Scale(domain=[0, top], range=[PALE_GREY, NHS_BLUE], clamp=True, nice=False, zero=True)
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(f"{value}:Q", scale=scale, legend=alt.Legend(title=value, **legend)))
    text = base.mark_text(fontSize=12).encode(  # white text on the darker half of the same fixed scale
        text=f"{label}:N",
        color=alt.condition(alt.datum[value] > top / 2, alt.value("white"), alt.value(DARK_GREY)))
    return (cells + text).properties(height=alt.Step(ROW_STEP))


def stacked_counts(df: pd.DataFrame, category: str, stack: str, value: str, *, title: str = "",
                   stack_order: list[str] | None = None) -> alt.Chart:
    """Counts per category split by a second field; each segment is labelled with its count."""
    base = alt.Chart(df, title=title).encode(
        y=alt.Y(f"{category}:N", title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X(f"sum({value}):Q", title=value, stack="zero", axis=alt.Axis(format=",d", tickMinStep=1)),
        color=alt.Color(f"{stack}:N", sort=stack_order, scale=alt.Scale(range=CATEGORICAL), title=stack),
        order=alt.Order(f"{stack}:N"),
        tooltip=[category, stack, value],
    )
    # the text layer must not inherit the bar colour, or the labels vanish into their bars
    text = base.mark_text(dx=-8, fontWeight="bold").encode(text=alt.Text(f"sum({value}):Q", format=",d"),
                                                       color=alt.value("white"))
    return (base.mark_bar() + text).properties(height=alt.Step(24))


def timeline(df: pd.DataFrame, *, label: str, start: str, end: str, title: str = "",
             tooltip: list | None = None) -> alt.Chart:
    """Engagements over time: a period is drawn as a bar from its start to its end, a dated event as a point."""
    df = df.copy()
    df["kind"] = (df[start] == df[end]).map({True: "On a date", False: "Over a period"})
    base = alt.Chart(df, title=title).encode(
        y=alt.Y(f"{label}:N", title=None, sort=alt.EncodingSortField(start), axis=alt.Axis(labelLimit=320)),
        tooltip=tooltip or [label],
    )
    x = alt.X(f"{start}:T", title=None, axis=alt.Axis(format=UK_DATE))
    periods = base.transform_filter(alt.datum.kind == "Over a period").mark_bar(
        color=LIGHT_BLUE, height=12).encode(x=x, x2=f"{end}:T")
    points = base.transform_filter(alt.datum.kind == "On a date").mark_point(
        shape="diamond", size=120, filled=True, color=DARK_BLUE).encode(x=x)
    return (periods + points).properties(height=alt.Step(20))


# Shapes and colours of the network's node types: shape too, so colour is never the only signal.
NETWORK_TYPES = {"Person": ("circle", NHS_BLUE), "Forum": ("square", GREEN), "Organisation": ("diamond", ORANGE)}


def network(nodes: pd.DataFrame, edges: pd.DataFrame, *, title: str = "", height: int = 640) -> alt.LayerChart:
    """A node-link picture: edges as lines, nodes sized by connections, names as labels; zoom and pan with the mouse.

    nodes: x, y, Name, Type, Connections, Footprints, Label; edges: x, y, x2, y2 and tooltip columns.
    """
    no_axis = alt.Axis(title=None, labels=False, ticks=False, domain=False, grid=False)
    x, y = alt.X("x:Q", axis=no_axis), alt.Y("y:Q", axis=no_axis)
    kinds = list(NETWORK_TYPES)
    links = alt.Chart(edges).mark_rule(color=DARK_GREY, opacity=0.35, strokeWidth=1).encode(
        x=x, y=y, x2="x2:Q", y2="y2:Q", tooltip=["Person", "Forum or organisation", "Roles"])
    points = alt.Chart(nodes).mark_point(filled=True, opacity=0.9, stroke="white", strokeWidth=1).encode(
        x=x, y=y,
        shape=alt.Shape("Type:N", scale=alt.Scale(domain=kinds, range=[v[0] for v in NETWORK_TYPES.values()]),
                        legend=alt.Legend(title=None, orient="top")),
        color=alt.Color("Type:N", scale=alt.Scale(domain=kinds, range=[v[1] for v in NETWORK_TYPES.values()]),
                        legend=alt.Legend(title=None, orient="top")),
        size=alt.Size("Connections:Q", scale=alt.Scale(range=[60, 600]), legend=None),
        tooltip=["Name", "Type", "Connections", "Footprints"])
    labels = alt.Chart(nodes).transform_filter(alt.datum.Label != "").mark_text(
        align="left", dx=8, dy=-6, fontSize=11, color=DARK_BLUE).encode(x=x, y=y, text="Label:N")
    return alt.layer(links, points, labels, title=title).properties(height=height).interactive()


def power_interest_grid(df: pd.DataFrame, *, power: str = "Power", interest: str = "Interest",
                        priority: str = "Priority", name: str = "Organisation",
                        levels: tuple = ("Low", "Medium", "High"),
                        title: str = "") -> alt.LayerChart:
    """Mendelow's grid: power up, interest across; each cell names its priority and counts its organisations.

    The priority of each cell comes from the rows (the view decides it); a cell with no organisation reads '0'.
    """
    shades = {"Manage closely": DARK_BLUE, "Keep satisfied": NHS_BLUE, "Keep informed": LIGHT_BLUE,
              "Monitor": PALE_GREY}
    # one pass over the rows (nine boolean masks over the frame were 0.1 s at 100x the map), each cell's rows in order
    in_cell: dict[tuple, list] = {}
    for p, i, who, what in zip(df[power].tolist(), df[interest].tolist(), df[name].tolist(), df[priority].tolist(),
                               strict=True):
        in_cell.setdefault((p, i), []).append((who, what))
    cells = []
    for p in levels:
        for i in levels:
            rows = in_cell.get((p, i), [])
            names = [who for who, _ in rows]
            label = rows[0][1] if rows else ""
            cells.append({power: p, interest: i, priority: label, "Organisations": len(names),
                          "Text": f"{label}\n{len(names)}" if label else "0",
                          "Who": "; ".join(names[:12]) + (f"; and {len(names) - 12} more" if len(names) > 12 else "")})
    cells = pd.DataFrame(cells)
    base = alt.Chart(cells, title=title).encode(
        x=alt.X(f"{interest}:N", sort=list(levels), title=f"{interest} →", axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{power}:N", sort=list(reversed(levels)), title=f"{power} →"),
        tooltip=[power, interest, priority, "Organisations", "Who"])
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(f"{priority}:N", scale=alt.Scale(domain=[*shades, ""], range=[*shades.values(), "white"]),
                        legend=None))
    dark = alt.FieldOneOfPredicate(field=priority, oneOf=["Manage closely", "Keep satisfied"])
    text = base.mark_text(fontSize=13, lineBreak="\n").encode(
        text="Text:N", color=alt.condition(dark, alt.value("white"), alt.value(DARK_GREY)))
    return (rect + text).properties(height=330, width=alt.Step(170))


# Stale relationships (the view's states with an interval and a contact): red past the interval, amber due within 14
# days, green up to date; the status is written on each bar too.
CONTACT_STATUS_COLOURS = {"Up to date": GREEN, "Due soon": WARM_YELLOW, "Overdue": RED}


def contact_status(df: pd.DataFrame, *, name: str = "Organisation", days: str = "Days since",
                   interval: str = "Contact every (days)", status: str = "Status", title: str = "") -> alt.LayerChart:
    """Days since the last contact per organisation, coloured and labelled by status, with a tick at its interval."""
    df = df.assign(Label=df[status] + " · " + thousands(df[days]) + " days (every " + thousands(df[interval]) + ")")
    order = df.sort_values(days, ascending=False)[name].tolist()
    base = alt.Chart(df, title=title).encode(
        y=alt.Y(f"{name}:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        tooltip=[name, status, days, interval, "LAS relationship owner", "Last contact from"])
    bars = base.mark_bar().encode(
        x=alt.X(f"{days}:Q", title="Days since the last contact", axis=alt.Axis(format=",d", tickMinStep=1)),
        color=alt.Color(f"{status}:N", scale=alt.Scale(domain=list(CONTACT_STATUS_COLOURS),
                                                       range=list(CONTACT_STATUS_COLOURS.values())),
                        legend=alt.Legend(title=None, orient="top")))
    ticks = base.mark_tick(color=DARK_BLUE, thickness=3, size=20).encode(x=f"{interval}:Q")
    text = base.mark_text(align="left", dx=4, color=DARK_GREY).encode(x=f"{days}:Q", text="Label:N")
    return (bars + ticks + text).properties(height=alt.Step(24))
