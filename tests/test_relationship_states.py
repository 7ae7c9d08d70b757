"""The relationships view decides each organisation's state in one place; pages, counts and CSVs read it.

Each case is one organisation with an interval (or none) and an engagement (dated, known only by a period, or none),
against a pinned today. The organisations are the default map's; the intervals and engagements are SYNTHETIC.
"""
import datetime as dt

import pandas as pd
import pytest

from lasdash import clock, pipeline, queries
from lasdash.workbook import save_workbook

TODAY = dt.date(2026, 12, 2)
# (interval in days or None, engagement: days ago, a period as written, or None) -> (Status, Overdue)
CASES = {
    "never contacted, no interval": ((None, None), ("Never contacted", "No interval set")),
    "never contacted, with an interval": ((60, None), ("Never contacted", "Yes")),
    "contacted, no interval": ((None, 400), ("No interval set", "No interval set")),
    "past the interval": ((30, 45), ("Overdue", "Yes")),
    "on the interval's last day": ((30, 30), ("Due soon", "No")),
    "within 14 days of it": ((30, 17), ("Due soon", "No")),
    "15 days before it": ((30, 15), ("Up to date", "No")),
    "contacted today": ((30, 0), ("Up to date", "No")),
    "a period, past the interval": ((365, "June 2022 - March 2023"), ("Overdue", "Yes")),
    "a period, within the interval": ((5000, "June 2022 - March 2023"), ("Up to date", "No")),
    "a period, no interval": ((None, "June 2022 - March 2023"), ("No interval set", "No interval set")),
}
ORGS = ["ORG-camden-ccg", "ORG-lambeth-ccg", "ORG-kingston-ccg", "ORG-islington-ccg", "ORG-nel-hcp",
        "ORG-ealing-ccg", "ORG-brent-ccg", "ORG-croydon-ccg", "ORG-southwark-ccg", "ORG-tower-hamlets-ccg", "ORG-clch"]


def views_on_a_published_map(folder, tables, today: dt.date, *views: str) -> list[pd.DataFrame]:
    """Publish `tables` as a workbook would be, into a new store in `folder`, and read `views` as of `today`."""
    save_workbook(folder / "map.xlsx", tables)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(clock, "today", lambda: today)
        store = pipeline.open_store(folder / "store")
        outcome = pipeline.publish(store, folder / "map.xlsx", author="tests (synthetic)", note="SYNTHETIC")
        assert outcome.manifest, outcome.validation.errors
        con = queries.connect(store, store.current_id())
        return [queries.run(con, view) for view in views]


@pytest.fixture(scope="module")
def rel(tmp_path_factory, seed_tables):
    """Every case published at once, one organisation each, and the view read back (one publish per module)."""
    tables = {k: v.copy(deep=True) for k, v in seed_tables.items()}
    orgs = tables["Organisations"].set_index("id")
    assert set(ORGS) <= set(orgs.index) and len(ORGS) >= len(CASES)
    engagements = tables["Engagements"]
    engagements = engagements[~engagements["organisation_id"].isin(ORGS)]  # these organisations start uncontacted
    added = []
    for org, ((every, contact), _) in zip(ORGS, CASES.values(), strict=False):
        orgs.loc[org, "contact_every_days"] = every
        if contact is None:
            continue
        when = {"period": contact} if isinstance(contact, str) else {"date": TODAY - dt.timedelta(contact)}
        added.append({"id": f"SYN-{org}", "organisation_id": org, "summary": "SYNTHETIC engagement for a test",
                      "source": "001 Appendix 2", **when})
    tables["Organisations"] = orgs.reset_index()
    tables["Engagements"] = pd.concat([engagements, pd.DataFrame(added)], ignore_index=True)
    [df] = views_on_a_published_map(tmp_path_factory.mktemp("states"), tables, TODAY, "relationships")
    names = tables["Organisations"].set_index("id")["name"]
    return df.set_index("Organisation"), {case: names[org] for org, case in zip(ORGS, CASES, strict=False)}


def test_each_state_is_decided_in_the_view(rel):
    df, name_of = rel
    for case, (_, expected) in CASES.items():
        row = df.loc[name_of[case]]
        assert (row["Status"], row["Overdue"]) == expected, case


@pytest.mark.parametrize("case", [c for c, ((every, contact), _) in CASES.items() if contact is not None])
def test_days_since_are_shown_whatever_the_interval(rel, case):
    df, name_of = rel
    assert pd.notna(df.loc[name_of[case], "Days since"])  # even with no interval: days since the last contact


def test_the_view_orders_what_needs_acting_on_first(rel):
    df, _ = rel
    rank = {"Overdue": 0, "Due soon": 2, "Up to date": 3, "No interval set": 5}
    ranks = [1 if (s == "Never contacted" and pd.notna(e)) else 4 if s == "Never contacted" else rank[s]
             for s, e in zip(df["Status"], df["Contact every (days)"], strict=True)]
    assert ranks == sorted(ranks)
