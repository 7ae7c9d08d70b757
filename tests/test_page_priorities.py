"""AppTest: the priorities page, on the default map (a to-do list: nothing is scored) and on a SYNTHETIC map; and
the editors' assessment grid (many organisations, one save, one snapshot).

The synthetic scores, targets and engagement levels below are invented for the test and marked so: a Documents row
'SYN' whose title says so, every added row citing it, and every scored organisation's note saying so. They are not
facts about these organisations.
"""
import datetime as dt
import json

import apptest
import pandas as pd
import pytest
from streamlit import dataframe_util

from lasdash import edits, pipeline
from lasdash.ui import map_edits

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
    assert any("121 organisations not yet assessed" in w.value and "set Power and Interest" in w.value
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


# --- the assessment grid (editors) -----------------------------------------------------------------------------------
PASSWORD = apptest.EDITOR_PASSWORD
SEL = ["ORG-lambeth-ccg", "ORG-sel-icb", "ORG-sel-hcp", "ORG-sel-commissioning-alliance", "ORG-southwark-ccg",
       "ORG-greenwich-council", "ORG-bromley-council", "ORG-bexley-council", "ORG-lambeth-council",
       "ORG-southwark-council"]  # the 10 organisations whose footprint is SEL, in the grid's order
# (power, interest, target, owner, days) for each, by row; invented for the test, not an assessment of these bodies
ADO_SEL = "Assistant Director of Operations South East London"  # LT17, named Cathy-Anne Burchett (001 Appendix 1)
ASSESSED = [(["High", "Medium", "Low"][i % 3], ["High", "Low"][i % 2], ["Co-produce", None][i % 2],
             ["Medical Director", ADO_SEL][i % 2], [90, None][i % 2]) for i in range(10)]
GRID = ["Power", "Interest", "Target engagement", "LAS relationship owner", "Contact every (days)"]


@pytest.fixture
def editing(monkeypatch, data_dir):
    monkeypatch.setenv("LASDASH_EDITOR_PASSWORD", PASSWORD)
    return pipeline.open_store(data_dir)  # bootstrapped from the bundled map


def editor_at(page=PAGE, **params):
    """Unlock editing on the Data page (the filter in the link), then go to `page`."""
    return apptest.as_editor(page, **params)


def open_grid(at):
    at.session_state[map_edits.ASSESS_OPEN] = True  # what a click on the expander sends
    at.run()
    assert not at.exception, at.exception
    return assessment(at)


def assessment(at):
    found = [d.value for d in at.dataframe if "Sub-group default" in d.value.columns]
    assert len(found) <= 1
    return found[0] if found else None


def edit_grid(at, store, rows: dict[int, dict]):
    at.session_state[f"assess_editor_{store.current_id()}"] = {"edited_rows": rows, "added_rows": [],
                                                                "deleted_rows": []}
    at.run()
    assert not at.exception, at.exception


def click(at, label):
    next(b for b in at.button if b.label == label).click()
    at.run()
    assert not at.exception, at.exception


def test_the_ten_sel_organisations_are_assessed_in_one_grid_and_one_snapshot(editing):
    at = editor_at(hcp="SEL", wider="false")
    grid = open_grid(at)
    assert grid.index.tolist() == SEL  # exactly SEL's own: wider=false hides the London-wide ones
    assert grid.columns.tolist() == ["Organisation", *GRID, "Sub-group default", "Sub-group"]
    assert grid[GRID].isna().all().all()  # the bundled map has no assessment
    assert "10 organisations under the filter, one a row." in " ".join(c.value for c in at.caption)
    config = json.loads(next(d for d in at.dataframe if "Sub-group default" in d.value.columns).proto.columns)
    owners = {o["value"]: o["label"] for o in config["LAS relationship owner"]["type_config"]["options"]}
    assert len(owners) == 19  # the LAS team, by role, with the holder's name where the map knows it
    assert owners["Medical Director"] == "Medical Director"
    assert owners[ADO_SEL] == f"{ADO_SEL}: Cathy-Anne Burchett"
    before = len(editing.list())
    edit_grid(at, editing, {i: {k: v for k, v in zip(GRID, row, strict=True) if v is not None}
                            for i, row in enumerate(ASSESSED)})
    assert "**What saving changes (40)**" in [m.value for m in at.markdown]  # power, interest and owner of 10; 5 targets and 5 intervals
    click(at, "Save as a new snapshot")
    assert any("Saved as snapshot" in apptest.shown(s.value) for s in at.success)
    assert len(editing.list()) == before + 1  # one save, one snapshot
    assert editing.current().author == "Jane Smith (passphrase)"
    assert editing.current().note == "Assessed 10 organisation(s)"
    orgs = editing.read(editing.current_id(), "Organisations").set_index("id")
    stored = orgs.loc[SEL, ["power", "interest", "target_level", "las_owner", "contact_every_days"]]
    assert [tuple(None if pd.isna(v) else v for v in row) for row in stored.itertuples(index=False)] == ASSESSED
    assert orgs.loc["ORG-lfb", ["power", "las_owner"]].isna().all()  # nothing outside the grid changed
    # the editor stays where they were: same page and filter, the grid still open, with the new values
    assert at.session_state["hcp"] == ["SEL"] and kpis(at)["Assessed"] == "10 of 10"
    assert next(e for e in at.expander if e.label == "Assess organisations").proto.expanded
    after = assessment(at)
    assert after.index.tolist() == SEL and after.loc["ORG-lambeth-ccg", GRID].tolist() == [
        "High", "High", "Co-produce", "Medical Director", 90]
    assert not [b for b in at.button if b.label == "Save as a new snapshot"]  # nothing left to save


def test_a_viewer_sees_no_grid(editing):
    at = apptest.open_page(PAGE, hcp="SEL", wider="false")
    assert "Assess organisations" not in [e.label for e in at.expander]
    at.session_state[map_edits.ASSESS_OPEN] = True  # even asked for, it is not drawn
    at.run()
    assert assessment(at) is None and not [b for b in at.button if b.label == "Save as a new snapshot"]
    assert "Assess organisations" in [e.label for e in editor_at(hcp="SEL", wider="false").expander]


def test_rights_taken_away_while_the_grid_was_open_refuse_the_save(editing, monkeypatch):
    at = editor_at(hcp="SEL", wider="false")
    open_grid(at)
    edit_grid(at, editing, {0: {"Power": "High", "Interest": "High"}})
    before = editing.current_id()
    monkeypatch.delenv("LASDASH_EDITOR_PASSWORD")  # editing switched off on the server meanwhile
    click(at, "Save as a new snapshot")
    assert any("Only editors can change the map. Nothing was saved." in apptest.shown(e.value) for e in at.error)
    assert editing.current_id() == before and len(editing.list()) == 1
    assert assessment(at) is None  # and the grid is gone


def test_a_change_someone_else_made_meanwhile_is_a_conflict_named(editing):
    at = editor_at(hcp="SEL", wider="false")
    open_grid(at)
    edit_grid(at, editing, {0: {"Power": "High"}})
    others = edits.assess_organisations(editing.read_all(editing.current_id()), {"ORG-lambeth-ccg": {"power": "Low"}})
    theirs = pipeline.save_edit(editing, editing.current_id(), others, author="Editor B").manifest.id
    click(at, "Save as a new snapshot")
    [warning] = [apptest.shown(w.value) for w in at.warning if "Not saved" in w.value]
    assert "Lambeth CCG" in warning and "Low (by Editor B, " in warning
    assert editing.current_id() == theirs


def test_a_blank_interval_shows_the_sub_group_default_once_one_is_set(editing):
    tables = edits.set_sub_group_intervals(editing.read_all(editing.current_id()), {"SG03": 180})
    assert pipeline.save_edit(editing, editing.current_id(), tables, author="Editor B").manifest is not None
    grid = open_grid(editor_at(hcp="SEL", wider="false"))
    councils = [i for i in SEL if i.endswith("-council")]
    assert grid.loc[councils, "Contact every (days)"].isna().all()  # blank: the default applies
    assert grid.loc[councils, "Sub-group default"].tolist() == [180] * 5
    assert grid.loc["ORG-lambeth-ccg", "Sub-group default"] is pd.NA  # SG01 has no default


def test_a_grid_past_its_bound_says_how_many_it_leaves_out(editing, monkeypatch):
    from lasdash import queries
    monkeypatch.setattr(map_edits, "GRID_MAX", 5)
    at = editor_at()
    grid = open_grid(at)
    first = queries.run(queries.connect(editing, editing.current_id()), "organisations")["ID"].head(5).tolist()
    assert grid.index.tolist() == first  # the page's first five, in its order
    assert any(c.value.startswith("5 of the 121 organisations under the filter (narrow it to see the rest), one a row")
               for c in at.caption)


def test_the_owner_picked_in_the_grid_is_the_role_shown_with_its_holder(editing):
    """A pick records the role ('Medical Director'), shown as 'Medical Director: Dr Jane Doe', so the relationship
    stays with the role when its holder changes; a value already in a cell stays a choice."""
    tables = edits.update_team(editing.read_all(editing.current_id()), {"LT04": {"name": "Dr Jane Doe"}}, "t",
                               dt.date(2026, 12, 6))
    tables = edits.assess_organisations(tables, {"ORG-lambeth-ccg": {"las_owner": "Someone Not On The Team"}})
    assert pipeline.save_edit(editing, editing.current_id(), tables, author="t").manifest
    at = editor_at(hcp="SEL", wider="false")
    open_grid(at)
    config = json.loads(next(d for d in at.dataframe if "Sub-group default" in d.value.columns).proto.columns)
    owners = {o["value"]: o["label"] for o in config["LAS relationship owner"]["type_config"]["options"]}
    assert owners["Medical Director"] == "Medical Director: Dr Jane Doe" and "Dr Jane Doe" not in owners
    assert owners["Someone Not On The Team"] == "Someone Not On The Team"
