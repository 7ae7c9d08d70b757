"""AppTest: the priorities page, on the default map (a to-do list: nothing is scored) and on a SYNTHETIC map.

The synthetic scores, targets and engagement levels below are invented for the test and marked so: a Documents row
'SYN' whose title says so, every added row citing it, and every scored organisation's note saying so. They are not
facts about these organisations.
"""
import apptest
import pandas as pd
import pytest
from streamlit import dataframe_util

from lasdash import pipeline

PAGE = "app_pages/priorities.py"
SYNTHETIC_NOTE = "SYNTHETIC TEST DATA: power, interest and target invented by tests/test_page_priorities.py"

# organisation ID -> (power, interest, target, level reached in a synthetic engagement or None); footprints in comments
SCORES = {
    "ORG-camden-ccg": ("High", "High", "Co-produce", "Keep informed"),  # NCL: manage closely, below target
    "ORG-lambeth-ccg": ("High", "Medium", "Keep informed", "Co-produce"),  # SEL: keep satisfied, target met
    "ORG-kingston-ccg": ("Medium", "High", "Engage on specific aspects", None),  # SWL: keep informed, not engaged
    "ORG-nel-hcp": ("Low", "Low", None, None),  # NEL: monitor, no target
    "ORG-london-councils": ("High", None, "Keep informed", None),  # London: interest missing; engaged, no level
}


@pytest.fixture
def synthetic(store, tables, write_workbook):
    """Publish the default map plus the synthetic scores as the current snapshot."""
    tables["Documents"] = pd.concat([tables["Documents"], pd.DataFrame([{
        "id": "SYN", "title": "SYNTHETIC TEST DATA - not real", "note": SYNTHETIC_NOTE}])], ignore_index=True)
    orgs = tables["Organisations"].set_index("id")
    engagements = []
    for org, (power, interest, target, level) in SCORES.items():
        orgs.loc[org, ["power", "interest", "target_level"]] = [power, interest, target]
        orgs.loc[org, "note"] = SYNTHETIC_NOTE
        if level:
            engagements.append({"id": f"SYN-E-{org}", "organisation_id": org, "level": level,
                                "summary": "Synthetic engagement for a test", "source": "SYN test"})
    tables["Organisations"] = orgs.reset_index()
    tables["Engagements"] = pd.concat([tables["Engagements"], pd.DataFrame(engagements)], ignore_index=True)
    outcome = pipeline.publish(store, write_workbook(tables), author="tests (synthetic)", note="SYNTHETIC")
    assert outcome.manifest, outcome.validation.errors


def frames(at):
    found = {}
    for d in at.dataframe:
        cols = set(d.value.columns)
        found["priorities" if "Priority" in cols else "gaps" if "Gap" in cols else "todo"] = d.value
    return found


def kpis(at):
    return {m.label: m.value for m in at.metric}


def test_default_map_reads_as_a_to_do_list(data_dir):
    at = apptest.open_page(PAGE)
    assert kpis(at)["Assessed"] == "0 of 121" and "Not yet assessed (121)" in [h.value for h in at.subheader]
    assert kpis(at)["Short of target"] == "No targets set"
    assert any("121 organisations not yet assessed" in w.value and "add Power and Interest" in w.value
               for w in at.warning)
    t = frames(at)
    assert set(t) == {"todo"}  # no grid and no gap table to show, only the list to work through
    assert len(t["todo"]) == 121 and set(t["todo"]["Missing"]) == {"Power and interest"}
    assert "Brent CCG" in set(t["todo"]["Organisation"])
    assert not at.get("vega_lite_chart")


def test_default_map_filtered_to_ncl(data_dir):
    at = apptest.open_page(PAGE, hcp="NCL")
    todo = frames(at)["todo"]
    own = todo[todo["Scope"] == "NCL"]
    assert kpis(at)["Assessed"] == f"0 of {len(own)}" == "0 of 7"  # NCL's own
    assert "Not yet assessed (7 (+30 London-wide))" in [h.value for h in at.subheader]
    assert todo["Scope"].tolist()[:7] == ["NCL"] * 7  # NCL's own first
    assert set(todo["Footprint"].dropna()) <= {"NCL", "London", "National"}
    assert "Camden CCG" in set(todo["Organisation"]) and "Lambeth CCG" not in set(todo["Organisation"])


def test_synthetic_scores_fill_the_grid_and_the_gap_list(synthetic):
    at = apptest.open_page(PAGE)
    assert kpis(at)["Assessed"] == "4 of 121" and "Not yet assessed (117)" in [h.value for h in at.subheader]
    assert kpis(at)["Manage closely"] == "1" and kpis(at)["Short of target"] == "3 of 4"
    assert not at.warning  # no longer only a to-do list
    t = frames(at)
    priority = dict(zip(t["priorities"]["Organisation"], t["priorities"]["Priority"], strict=True))
    assert priority == {"Camden CCG": "Manage closely", "Lambeth CCG": "Keep satisfied",  # Medium counts as low
                        "Kingston CCG": "Keep informed", "East London Health and Care Partnership": "Monitor"}
    assert t["priorities"]["Organisation"].iloc[0] == "Camden CCG"  # manage closely first
    gaps = t["gaps"].set_index("Organisation")
    assert gaps.loc["Camden CCG", ["Level reached", "Gap"]].tolist() == ["Keep informed", "Below target"]
    assert gaps.loc["Lambeth CCG", "Gap"] == "Target met"
    assert gaps.loc["Kingston CCG", ["Level reached", "Gap"]].tolist() == ["Not engaged", "No engagement recorded"]
    assert gaps.loc["London Councils", "Gap"] == "Engaged, level not recorded"  # seed 001 engagement, no level
    todo = t["todo"].set_index("Organisation")
    assert todo.loc["London Councils", "Missing"] == "Interest"
    grid = dataframe_util.convert_arrow_bytes_to_pandas_df(at.get("vega_lite_chart")[0].proto.datasets[0].data.data)
    cell = grid.set_index(["Power", "Interest"])
    assert len(grid) == 9 and cell.loc[("High", "High"), "Text"] == "Manage closely\n1"
    assert cell.loc[("High", "Low"), "Text"] == "0"


def test_synthetic_scores_filtered_to_sel(synthetic):
    at = apptest.open_page(PAGE, hcp="SEL", wider="false")
    t = frames(at)
    assert t["priorities"]["Organisation"].tolist() == ["Lambeth CCG"]
    assert t["gaps"]["Organisation"].tolist() == ["Lambeth CCG"]
    assert kpis(at)["Short of target"] == "0 of 1"
