"""Contact intervals that exist: a sub-group's default applies to its organisations that have no interval of their
own; an organisation's own overrides it. The relationships view decides the state and says where the interval
came from. The organisations are the default map's; the intervals and engagements are SYNTHETIC."""
import datetime as dt

import pandas as pd
import pytest
from test_relationship_states import views_on_a_published_map

TODAY = dt.date(2026, 12, 2)
DEFAULT = 180  # SG03 (London local authorities); SG01 gets none
# organisation: (its own interval, days since its last contact or None) -> (Status, Contact every, Interval from)
CASES = {
    "ORG-hounslow-council": ((None, 200), ("Overdue", 180, "From sub-group SG03")),
    "ORG-westminster-council": ((365, 200), ("Up to date", 365, "Its own")),
    "ORG-harrow-council": ((30, 100), ("Overdue", 30, "Its own")),  # shorter than the default: its own counts
    "ORG-ealing-council": ((None, None), ("Never contacted", 180, "From sub-group SG03")),
    "ORG-brent-council": ((None, 170), ("Due soon", 180, "From sub-group SG03")),
    "ORG-hillingdon-council": ((None, 10), ("Up to date", 180, "From sub-group SG03")),
    "ORG-southwark-ccg": ((None, 500), ("No interval set", None, None)),  # SG01 has no default
    "ORG-lambeth-ccg": ((90, 10), ("Up to date", 90, "Its own")),
}


@pytest.fixture(scope="module")
def rel(tmp_path_factory, seed_tables):
    tables = {k: v.copy(deep=True) for k, v in seed_tables.items()}
    sub_groups = tables["Sub-groups"].set_index("id")
    sub_groups.loc["SG03", "contact_every_days"] = DEFAULT
    tables["Sub-groups"] = sub_groups.reset_index()
    orgs = tables["Organisations"].set_index("id")
    engagements = tables["Engagements"]
    engagements = engagements[~engagements["organisation_id"].isin(CASES)]
    added = []
    for org, ((own, days), _) in CASES.items():
        orgs.loc[org, "contact_every_days"] = own
        if days is not None:
            added.append({"id": f"SYN-{org}", "organisation_id": org, "date": TODAY - dt.timedelta(days),
                          "summary": "SYNTHETIC engagement for a test", "source": "001 Appendix 2"})
    tables["Organisations"] = orgs.reset_index()
    tables["Engagements"] = pd.concat([engagements, pd.DataFrame(added)], ignore_index=True)
    df, organisations = views_on_a_published_map(tmp_path_factory.mktemp("intervals"), tables, TODAY,
                                                 "relationships", "organisations")
    names = tables["Organisations"].set_index("id")["name"]
    return df.set_index("Organisation"), organisations.set_index("ID"), names


@pytest.mark.parametrize("org", CASES)
def test_the_interval_in_force_and_where_it_comes_from(rel, org):
    df, _, names = rel
    row = df.loc[names[org]]
    status, every, source = CASES[org][1]
    assert row["Status"] == status
    assert (None if pd.isna(row["Contact every (days)"]) else int(row["Contact every (days)"])) == every
    assert (None if pd.isna(row["Interval from"]) else row["Interval from"]) == source


def test_every_sg03_organisation_without_its_own_interval_follows_the_default(rel):
    df, organisations, _ = rel
    sg03 = df[df["Sub-group"] == "London local authorities"]
    assert len(sg03) > 20
    followers = sg03[sg03["Interval from"] == "From sub-group SG03"]
    assert set(followers["Contact every (days)"]) == {DEFAULT}
    assert len(followers) == len(sg03) - 2  # all but Westminster and Harrow, which have their own
    # the Organisations table shows the same interval and its origin
    assert organisations.loc["ORG-hounslow-council", "Contact every (days)"] == DEFAULT
    assert organisations.loc["ORG-hounslow-council", "Interval from"] == "From sub-group SG03"
    assert organisations.loc["ORG-westminster-council", "Interval from"] == "Its own"
