"""The relationship figures (overdue, due soon, up to date, never contacted, no interval set), counted once.

The Overview, Stale relationships and My relationships all show them through `figures`, one SQL count over the
`relationships` view, so the three can never disagree for the same filter and owner. A figure whose basis is
missing says so in words ("no intervals set"), never 0.
"""
from __future__ import annotations

from dataclasses import dataclass

from lasdash.queries import Filter
from lasdash.ui.page import Context

# (status as the view words it, badge colour, whether it needs an interval): the text always goes with the colour
STATUSES = [("Overdue", "red", True), ("Due soon", "orange", True), ("Up to date", "green", True),
            ("Never contacted", "gray", False), ("No interval set", "gray", False)]

HELP = {
    "Overdue": "Past the contact interval since the last engagement, or never contacted though an interval is set",
    "Due soon": "Within 14 days of the end of the contact interval",
    "Up to date": "Contacted within the interval, and not due within 14 days",
    "Never contacted": "No engagement with the organisation is recorded at all (with or without an interval)",
    "No interval set": "Contacted, but no 'Contact every (days)' is set, so it cannot be judged; the days since the "
                       "last contact are still shown",
}
_NEEDS_INTERVAL = {status: needs for status, _, needs in STATUSES}

# Our SQL over the relationships view's columns (no user value in it): the view decides each state.
_MEASURES = {
    "n": "count(*)", "with_interval": "count(\"Contact every (days)\")",
    "overdue_never": "count(*) FILTER (WHERE \"Overdue\" = 'Yes' AND \"Status\" = 'Never contacted')",
    **{status: f"count(*) FILTER (WHERE \"Status\" = '{status}')" for status, _, _ in STATUSES},
}


@dataclass(frozen=True)
class Figures:
    """How many of the organisations counted are in each state, and how many have an interval."""

    n: int
    with_interval: int
    overdue_never: int  # never contacted though an interval is set: counted with the overdue
    counts: dict[str, int]

    def value(self, status: str) -> str:
        """A state's figure; a state that needs an interval reads 'no intervals set' when none has one."""
        if _NEEDS_INTERVAL[status] and not self.with_interval:
            return "no intervals set"
        n = self.counts[status]
        if status == "Overdue" and self.overdue_never:
            return f"{n + self.overdue_never:,} ({self.overdue_never:,} never contacted)"
        return f"{n:,}"

    def overdue(self) -> str:
        """The Overview's one figure: overdue, or why it cannot be said."""
        return "no organisations" if not self.n else self.value("Overdue")

    def kpis(self) -> list[tuple[str, str, str]]:
        """For page.kpis: every state; with no interval anywhere, the three that need one share one figure, so it
        says its missing basis once."""
        if self.with_interval:
            return [(status, self.value(status), HELP[status]) for status, _, _ in STATUSES]
        return [("Overdue, due soon, up to date", "no intervals set",
                 ("None of these organisations has a contact interval, so none can be judged overdue, due soon or "
                  "up to date")),
                *[(status, self.value(status), HELP[status]) for status, _, needs in STATUSES if not needs]]

    def badges(self) -> str:
        """Our own Markdown: each state's figure in its colour, with the status in words."""
        return " ".join(f":{colour}-badge[{status}: {self.value(status)}]" for status, colour, _ in STATUSES)


def figures(ctx: Context, flt: Filter) -> Figures:
    """The figures of the organisations the filter's headline figures count (the chosen HCPs' own), and only the
    owner's when it names one."""
    got = ctx.aggregate("relationships", _MEASURES, flt.own())
    return Figures(int(got["n"]), int(got["with_interval"]), int(got["overdue_never"]),
                   {status: int(got[status]) for status, _, _ in STATUSES})
