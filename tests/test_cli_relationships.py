"""The relationships commands for scripts: assess, set-interval and export --owner (mine), with names resolved as
an upload resolves them, the same validation as the app, and the CLI's exit codes."""
import csv
import io

import pytest
from test_cli import run

from lasdash import pipeline


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_assess_sets_one_organisation_by_name_as_one_snapshot(data_dir, capsys):
    store = pipeline.open_store(data_dir)
    before = len(store.list())
    code, out = run("assess", "london fire  BRIGADE", "--power", "High", "--interest", "Medium", "--target",
                    "Co-produce", "--owner", "Medical Director", "--every", "90", "--by", "Tester")
    assert code == 0 and out.strip() == store.current_id() and len(store.list()) == before + 1
    lfb = store.read(store.current_id(), "Organisations").set_index("id").loc["ORG-lfb"]
    assert (lfb["power"], lfb["interest"], lfb["target_level"], lfb["las_owner"], lfb["contact_every_days"]) == \
        ("High", "Medium", "Co-produce", "Medical Director", 90)
    assert store.current().author == "Tester" and store.current().note == "Assessed: London Fire Brigade"
    assert capsys.readouterr().err == ""  # a team role: no warning
    code, _ = run("assess", "ORG-lfb", "--no-interval")
    assert code == 0
    assert str(store.read(store.current_id(), "Organisations").set_index("id").loc["ORG-lfb",
                                                                                  "contact_every_days"]) == "<NA>"


def test_an_owner_matching_nobody_saves_with_the_validators_warning(data_dir, capsys):
    code, _ = run("assess", "ORG-gla", "--owner", "Dr Nobody")
    err = capsys.readouterr().err
    assert code == 0
    assert "WARNING: Organisations row" in err and "Matches nobody on the LAS team sheet (found 'Dr Nobody')" in err


@pytest.mark.parametrize(("args", "message"), [
    (("assess", "London Fire Brigad", "--power", "High"),
     "no organisation 'London Fire Brigad' in the Organisations sheet; closest: London Fire Brigade (ORG-lfb)"),
    (("assess", "ORG-lfb"), "give at least one of --power"),
    (("assess", "ORG-lfb", "--every", "0"), "--every must be a whole number of days of at least 1, not 0"),
    (("set-interval", "SG99", "--every", "30"), "unknown sub-group 'SG99'"),
    (("set-interval", "SG03"), "give --every DAYS, or --clear"),
    (("export", "mine"), "export mine needs --owner NAME_OR_ROLE"),
    (("export", "jhosc", "--owner", "Medical Director"), "the view 'jhosc' has no owner to filter by"),
])
def test_bad_arguments_exit_2_with_one_line_and_change_nothing(data_dir, capsys, args, message):
    store = pipeline.open_store(data_dir)
    before = store.current_id()
    code, _ = run(*args)
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert store.current_id() == before


def test_a_choice_the_schema_does_not_allow_is_refused_by_argparse(data_dir):
    with pytest.raises(SystemExit) as exc:
        run("assess", "ORG-lfb", "--power", "Huge")
    assert exc.value.code == 2


def test_set_interval_by_name_then_the_relationships_export_says_where_it_comes_from(data_dir):
    code, _ = run("set-interval", "London local authorities", "--every", "180")
    assert code == 0
    store = pipeline.open_store(data_dir)
    assert store.read(store.current_id(), "Sub-groups").set_index("id").loc["SG03", "contact_every_days"] == 180
    assert store.current().note == "Sub-group SG03: contact every 180 days"
    code, out = run("export", "relationships", "--sub-group", "SG03")
    rows = _rows(out)
    assert code == 0 and len(rows) > 20
    assert {(r["Contact every (days)"], r["Interval from"]) for r in rows} == {("180", "From sub-group SG03")}
    code, _ = run("set-interval", "SG03", "--clear")
    assert code == 0 and str(store.read(store.current_id(), "Sub-groups").set_index("id").loc[
        "SG03", "contact_every_days"]) == "<NA>"


def test_export_with_an_owner_matches_role_or_name_as_the_pages_do(data_dir):
    assert run("assess", "ORG-lfb", "--owner", "Chief Executive")[0] == 0
    assert run("assess", "ORG-gla", "--owner", "Daniel Elkeles; Head of Partnerships")[0] == 0
    for who in ("Chief Executive", "daniel elkeles", "DANIEL  Elkeles"):
        code, out = run("export", "relationships", "--owner", who)
        assert code == 0
        assert sorted(r["Organisation"] for r in _rows(out)) == [
            "Greater London Authority / Mayor of London", "London Fire Brigade"]
    code, out = run("export", "forums", "--owner", "Medical Director")
    assert code == 0 and len(_rows(out)) == 3  # Chart 2: three forums name the Medical Director
    assert all("Medical Director" in r["LAS attendee role"] for r in _rows(out))
