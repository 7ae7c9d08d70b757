"""AppTest: the data gaps page, the map's own health. Each gap has a count, a list and the same CSV as the CLI."""
import apptest
import pytest
from apptest import shown

from lasdash import cli, pipeline, queries
from lasdash.ui.page import csv_bytes

PAGE = "app_pages/gaps.py"
GAP_VIEWS = ["gap_unknown_chairs", "gap_tbc_leads", "gap_forums_without_chair", "gap_organisations_without_owner",
             "gap_people_without_role", "gap_rows_without_source", "gap_recommendations"]


def frame(at, column):
    """The table with a column only it has."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def kpis(at):
    """The counts table at the top of the page."""
    counts = frame(at, "Data gap")  # its second column: the count, or under an HCP filter that HCP's own count
    return dict(zip(counts["Data gap"], counts.iloc[:, 1].astype(str), strict=True))


def test_unfiltered_lists_inner_ne_london_jhosc_missing_chair(data_dir):
    at = apptest.open_page(PAGE)
    chairs = frame(at, "Seat ID").set_index("Seat ID")
    assert chairs.loc["R000-120", ["Forum or organisation", "Role"]].tolist() == ["Inner NE London JHOSC", "Chair"]
    assert "minutes not yet available" in chairs.loc["R000-120", "Note"]
    k = kpis(at)
    assert k["Unknown chairs"] == "11"
    assert k["TBC leads"] == "7"  # seed 004: five unnamed, two named '(TBC) as printed'
    assert k["Unowned organisations"] == "121"
    assert k["People without a seat"] == "1"
    assert k["Untracked recommendations"] == "51"
    assert k["Vague sources"] == "0"
    tbc = frame(at, "Programme or forum")
    assert set(tbc["Programme or forum"]) == {"Prevention", "Workforce", "Health Services for Homeless People",
                                              "Interoperability"}
    assert frame(at, "Substantive role")["Name"].tolist() == ["Dr Howard Stoate"]
    forums = frame(at, "Gap").set_index("Forum")
    assert forums.loc["Inner NE London JHOSC", "Gap"] == "Chair seat recorded, holder unknown"
    assert "North Central London JHOSC" not in forums.index  # Cllr Alison Kelly chairs it
    assert any("None under the current filter" in shown(s.value) for s in at.success)  # rows without a source: none


def test_filtered_to_nel_keeps_the_jhosc_gap_and_drops_other_footprints(data_dir):
    at = apptest.open_page(PAGE, hcp="NEL", wider="false")
    chairs = frame(at, "Seat ID")
    assert set(chairs["Forum or organisation"]) == {"Inner NE London JHOSC", "Outer NE London JHOSC"}
    assert set(chairs["Footprint"]) == {"NEL"}
    assert kpis(at)["TBC leads"] == "0"
    assert all(fp == "NEL" for fp in frame(at, "Gap")["Footprint"])


@pytest.mark.parametrize("view", GAP_VIEWS)
def test_each_gap_downloads_what_the_cli_exports(store, view, capsysbinary):
    assert cli.main(["export", view, "--hcp", "SEL"]) == 0
    exported = capsysbinary.readouterr().out
    assert csv_bytes(store.current_id(), view, queries.Filter(("SEL",))) == exported
    assert exported.startswith(b"\xef\xbb\xbf") and queries.VIEWS[view].title.startswith("Data gaps")


def test_a_source_naming_only_the_document_is_a_gap(store, tables, write_workbook):
    """The validator accepts '001' alone as a source; the gaps page asks for the chart or section."""
    people = tables["People"].set_index("id")
    people.loc["PER-howard-stoate", "source"] = "004"
    tables["People"] = people.reset_index()
    outcome = pipeline.publish(store, write_workbook(tables), author="tests", note="a vague source")
    assert outcome.manifest, outcome.validation.errors
    at = apptest.open_page(PAGE)
    rows = frame(at, "Sheet")
    assert rows[["Sheet", "ID", "Source"]].values.tolist() == [["People", "PER-howard-stoate", "004"]]
    assert kpis(at)["Vague sources"] == "1"


def test_first_hand_records_are_listed_apart_from_missing_sources(data_dir, store):
    import datetime as dt

    from lasdash import edits
    tables, eid = edits.record_engagement(store.read_all(store.current_id()),
                                          {"organisation_id": "ORG-lfb", "date": dt.date(2026, 11, 15)},
                                          "Jane Smith", dt.date(2026, 12, 1))
    assert pipeline.save_edit(store, store.current_id(), tables, author="Jane Smith").manifest is not None
    at = apptest.open_page(PAGE)
    first_hand = frame(at, "Recorded")
    assert first_hand[["Sheet", "ID", "Recorded"]].values.tolist() == [
        ["Engagements", eid, "Recorded in lasdash by Jane Smith, 01/12/2026"]]
    assert kpis(at)["Vague sources"] == "0"  # a first-hand record is not a missing source
