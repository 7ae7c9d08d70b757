"""Altair chart builders. Pure: a DataFrame in, an alt.Chart out (no streamlit), so tests can check them.

NHS identity colours; every chart has tooltips and text labels, so colour is never the only signal.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

NHS_BLUE, DARK_BLUE, BRIGHT_BLUE, LIGHT_BLUE = "#005EB8", "#003087", "#0072CE", "#41B6E6"
DARK_GREY, PALE_GREY, GREEN, WARM_YELLOW, ORANGE, RED = "#425563", "#E8EDEE", "#009639", "#FFB81C", "#ED8B00", "#DA291C"
CATEGORICAL = [NHS_BLUE, GREEN, ORANGE, DARK_BLUE, LIGHT_BLUE, WARM_YELLOW, DARK_GREY, RED, BRIGHT_BLUE]
FOOTPRINT_ORDER = ["NWL", "NCL", "NEL", "SEL", "SWL", "London", "National", "Not stated"]
UK_DATE = "%d %b %Y"


def bar_with_labels(df: pd.DataFrame, category: str, value: str, *, title: str = "", colour: str = NHS_BLUE,
                    sort: list[str] | str = "-x", tooltip: list | None = None) -> alt.Chart:
    """Horizontal bars with the value written at the end of each bar."""
    base = alt.Chart(df, title=title).encode(
        y=alt.Y(f"{category}:N", sort=sort, title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X(f"{value}:Q", title=value, axis=alt.Axis(format="d", tickMinStep=1)),  # counts: no 0.5 ticks
        tooltip=tooltip or [category, value],
    )
    return (base.mark_bar(color=colour) + base.mark_text(align="left", dx=3, color=DARK_GREY).encode(
        text=f"{value}:Q")).properties(height=alt.Step(22))


def heatmap(df: pd.DataFrame, x: str, y: str, value: str, *, label: str | None = None, title: str = "",
            x_sort: list[str] | None = None, tooltip: list | None = None) -> alt.Chart:
    """A grid of cells shaded by value, each cell also printing its label (the number, or 'engaged/mapped')."""
    label = label or value
    base = alt.Chart(df, title=title).encode(
        x=alt.X(f"{x}:N", sort=x_sort or FOOTPRINT_ORDER, title=None, axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y(f"{y}:N", title=None, axis=alt.Axis(labelLimit=340)),
        tooltip=tooltip or [y, x, value],
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(f"{value}:Q", scale=alt.Scale(range=[PALE_GREY, NHS_BLUE]), legend=alt.Legend(title=value)))
    dark = float(df[value].max()) / 2 if len(df) else 0  # white text on the darker half of the scale
    text = base.mark_text(fontSize=12).encode(
        text=f"{label}:N",
        color=alt.condition(alt.datum[value] > dark, alt.value("white"), alt.value(DARK_GREY)))
    return (cells + text).properties(height=alt.Step(26))


def stacked_counts(df: pd.DataFrame, category: str, stack: str, value: str, *, title: str = "",
                   stack_order: list[str] | None = None) -> alt.Chart:
    """Counts per category split by a second field; each segment is labelled with its count."""
    base = alt.Chart(df, title=title).encode(
        y=alt.Y(f"{category}:N", title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X(f"sum({value}):Q", title=value, stack="zero", axis=alt.Axis(format="d", tickMinStep=1)),
        color=alt.Color(f"{stack}:N", sort=stack_order, scale=alt.Scale(range=CATEGORICAL), title=stack),
        order=alt.Order(f"{stack}:N"),
        tooltip=[category, stack, value],
    )
    # the text layer must not inherit the bar colour, or the labels vanish into their bars
    text = base.mark_text(dx=-8, fontWeight="bold").encode(text=f"sum({value}):Q", color=alt.value("white"))
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
