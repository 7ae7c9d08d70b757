"""The CLI contract: command names, exit codes, no tracebacks."""
import csv
import io
import json
import os
import subprocess
import sys

import openpyxl
import pytest
from corpus import edit_cell

from lasdash import cli, clock, config

ROOT = config.REPO_ROOT


def run(*args):
    """In-process, for speed: returns (exit code, stdout text). The CLI writes text and bytes."""
    buf = io.BytesIO()
    old, sys.stdout = sys.stdout, io.TextIOWrapper(buf, encoding="utf-8", write_through=True)
    try:
        code = cli.main(list(args))
    finally:
        sys.stdout.flush()
        sys.stdout.detach()  # keep buf open
        sys.stdout = old
    return code, buf.getvalue().decode("utf-8")


def run_process(*args, env_dir):
    env = {**os.environ, "LASDASH_DATA_DIR": str(env_dir)}
    return subprocess.run([sys.executable, "-m", "lasdash", *args], capture_output=True, text=True, cwd=ROOT, env=env,
                          check=False, timeout=120)


def test_validate_default_workbook_exits_0(data_dir):
    code, out = run("validate", str(config.default_workbook()))
    assert code == 0 and "No problems found" in out


def test_validate_json_lists_problems(data_dir, tables, write_workbook):
    tables["Organisations"].loc[0, "footprint"] = "XYZ"
    path = write_workbook(tables)
    code, out = run("validate", str(path), "--json")
    assert code == 1
    problems = json.loads(out)
    assert problems == [{"severity": "error", "sheet": "Organisations", "row": 2, "column": "Footprint",
                         "value": "XYZ", "message": problems[0]["message"]}]
    assert "Unknown value" in problems[0]["message"] and "NWL" in problems[0]["message"]


@pytest.mark.parametrize("content, code", [(b"", 2), (b"ID,Name\n", 2), (b"PK\x03\x04broken", 2)])
def test_unreadable_files_exit_2_without_traceback(tmp_path, content, code):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    proc = run_process("validate", str(path), env_dir=tmp_path / "store")
    assert proc.returncode == code
    assert "Traceback" not in proc.stderr and "cannot read" in proc.stderr


def test_missing_file_and_unknown_view_exit_2(data_dir, tmp_path):
    assert run("validate", str(tmp_path / "nope.xlsx"))[0] == 2
    assert run("export", "nonsense")[0] == 2
    assert run("export", "jhosc", "--hcp", "XYZ")[0] == 2


def test_publish_export_jhosc_lists_six_with_chairs(data_dir, tmp_path):
    code, out = run("publish", str(config.default_workbook()), "--note", "from CLI", "--by", "tester")
    assert code == 0 and out.strip()
    code, out = run("export", "jhosc")
    assert code == 0 and out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert len(rows) == 6
    by_name = {r["JHOSC"]: r for r in rows}
    assert by_name["NW London JHOSC"]["Chair"] == "Cllr Mel Collins"
    assert by_name["NW London JHOSC"]["Vice chair(s)"] == "Cllr Lorraine Dean"
    assert by_name["SW London and Surrey JHOSC"]["Chair"] == "Cllr Anita Schaper"
    assert by_name["Inner NE London JHOSC"]["Chair"] == "Unknown"
    assert "Cllr Pippa Connor" in by_name["North Central London JHOSC"]["Vice chair(s)"]
    assert "Cllr Tricia Clarke" in by_name["North Central London JHOSC"]["Vice chair(s)"]


def test_export_filtered_by_hcp(data_dir):
    _code, out = run("export", "jhosc", "--hcp", "swl")
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert [r["JHOSC"] for r in rows] == ["SW London and Surrey JHOSC"]


def test_export_list_names_the_required_views(data_dir):
    _code, out = run("export", "--list")
    for view in ("jhosc", "people", "roles", "forums", "organisations", "engagements", "recommendations"):
        assert view in out


def test_export_xlsx(data_dir, tmp_path):
    path = tmp_path / "people.xlsx"
    assert run("export", "people", "--format", "xlsx", "-o", str(path))[0] == 0
    ws = openpyxl.load_workbook(path).active
    assert ws["B1"].value == "Name" and ws.max_row > 50


def test_workbook_publish_diff_is_empty(data_dir, tmp_path):
    path = tmp_path / "current.xlsx"
    assert run("workbook", "-o", str(path))[0] == 0
    assert run("publish", str(path))[0] == 0
    code, out = run("diff")
    assert code == 0 and "No changes." in out


def test_snapshots_rollback_and_diff(data_dir, tables, write_workbook):
    run("snapshots")
    first = json.loads(run("snapshots", "--json")[1])[0]["id"]
    tables["Forums"].loc[0, "cadence"] = "Monthly"
    _code, new_id = run("publish", str(write_workbook(tables)))
    new_id = new_id.strip()
    listing = json.loads(run("snapshots", "--json")[1])
    assert [s["current"] for s in listing] == [False, True]
    _code, out = run("diff")
    assert "Cadence: \u2013 \u2192 Monthly" in out
    assert run("rollback", first)[0] == 0
    assert json.loads(run("snapshots", "--json")[1])[0]["current"] is True
    _code, out = run("diff", new_id, first)
    assert "Monthly \u2192 \u2013" in out


def test_invalid_publish_exits_1_and_keeps_current(data_dir, tables, write_workbook):
    before = run("snapshots", "--json")[1]
    tables["Roles"].loc[0, "person_id"] = "PER-nobody"
    assert run("publish", str(write_workbook(tables)))[0] == 1
    assert run("snapshots", "--json")[1] == before


def test_template_has_headers_dropdowns_frozen_rows_and_instructions(tmp_path):
    path = tmp_path / "template.xlsx"
    assert run("template", "-o", str(path))[0] == 0
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Instructions"
    ws = wb["Roles"]
    assert ws.freeze_panes == "A2" and ws.max_row == 1
    assert [c.value for c in ws[1]][:3] == ["ID", "Person ID", "Forum ID"]
    assert any("Chair" in (dv.formula1 or "") for dv in ws.data_validations.dataValidation)


# --- a workbook made from an older snapshot (three-way merge) ---------------------------------------------

@pytest.fixture
def two_editors(data_dir, tmp_path):
    """A and B download the same map; B renames the NW London JHOSC chair's holder and publishes."""
    a, b = tmp_path / "editor-a.xlsx", tmp_path / "editor-b.xlsx"
    assert run("workbook", "-o", str(a))[0] == 0
    assert run("workbook", "-o", str(b))[0] == 0
    edit_cell(b, "Roles", "R000-115", "Person ID", "PER-lorraine-dean")  # an existing person, so no new row
    assert run("publish", str(b), "--by", "Editor B", "--note", "new chair")[0] == 0
    edit_cell(a, "Recommendations", "REC-001-HC1", "Status", "In progress")
    return a


def _current(data_dir, sheet, key, column):
    from lasdash.snapshots import SnapshotStore
    store = SnapshotStore(data_dir)
    return store.read(store.current_id(), sheet).set_index("id").loc[key, column]


def test_a_stale_file_with_conflicts_exits_1_names_them_and_publishes_nothing(two_editors, data_dir):
    before = run("snapshots")[1]
    code, out = run("publish", str(two_editors), "--by", "Editor A")
    assert code == 1
    assert "Roles: NW London JHOSC \u2014 Chair: Person ID: Cllr Lorraine Dean (by Editor B, " in out
    assert "\u2192 Cllr Mel Collins (your file)" in out
    assert run("snapshots")[1] == before


def test_merge_publishes_both_changes(two_editors, data_dir):
    code, _out = run("publish", str(two_editors), "--by", "Editor A", "--merge")
    assert code == 0
    assert _current(data_dir, "Roles", "R000-115", "person_id") == "PER-lorraine-dean"  # B's chair kept
    assert _current(data_dir, "Recommendations", "REC-001-HC1", "status") == "In progress"  # A's status


def test_overwrite_publishes_the_file_as_it_is(two_editors, data_dir):
    assert run("publish", str(two_editors), "--by", "Editor A", "--overwrite")[0] == 0
    assert _current(data_dir, "Roles", "R000-115", "person_id") == "PER-mel-collins"
    assert _current(data_dir, "Recommendations", "REC-001-HC1", "status") == "In progress"


def test_a_stale_file_without_conflicts_merges_unasked_and_says_so(data_dir, tmp_path, capsys):
    a, same = tmp_path / "a.xlsx", tmp_path / "same.xlsx"
    run("workbook", "-o", str(a))
    run("workbook", "-o", str(same))
    assert run("publish", str(same), "--note", "the same map again")[0] == 0  # a new snapshot, nothing changed
    edit_cell(a, "Recommendations", "REC-001-HC1", "Status", "In progress")
    code, out = run("publish", str(a))
    assert code == 0 and "Conflicts" not in out
    assert "Merged: your file's changes on top of the current map." in capsys.readouterr().err
    assert _current(data_dir, "Recommendations", "REC-001-HC1", "status") == "In progress"


def test_validate_and_diff_print_the_files_base(two_editors, data_dir):
    from lasdash.snapshots import SnapshotStore
    first = SnapshotStore(data_dir).list()[0].id
    code, out = run("validate", str(two_editors))
    assert code == 0 and f"Made from snapshot {first}." in out
    code, out = run("diff", str(two_editors))
    assert code == 0 and f"Made from snapshot {first}." in out
    assert "Recommendation REC-001-HC1 (" in out and "Status: \u2013 \u2192 In progress" in out
    assert "Conflicts (1)" in out


def test_a_file_without_a_base_gets_the_two_way_note(data_dir, capsys):
    code, _ = run("publish", str(config.default_workbook()))
    assert code == 0
    assert "does not say which snapshot it was made from" in capsys.readouterr().err


# --- edits from the command line -------------------------------------------------------------------------

def test_set_recommendation_updates_one_snapshot(data_dir):
    code, out = run("set-recommendation", "REC-001-HC1", "--status", "In progress", "--owner", "Director (synthetic)",
                    "--due", "31/03/2027", "--by", "Jane Smith")
    assert code == 0
    rec = _current(data_dir, "Recommendations", "REC-001-HC1", "status"), \
        _current(data_dir, "Recommendations", "REC-001-HC1", "owner")
    assert rec == ("In progress", "Director (synthetic)")
    from lasdash.snapshots import SnapshotStore
    assert SnapshotStore(data_dir).current().author == "Jane Smith" and out.strip() == SnapshotStore(data_dir).current_id()


@pytest.mark.parametrize("args, code", [
    (["set-recommendation", "REC-nope", "--status", "Done"], 2),
    (["set-recommendation", "REC-001-HC1"], 2),
    (["set-recommendation", "REC-001-HC1", "--due", "31/02/2027"], 2),
    (["set-recommendation", "REC-001-HC1", "--status", "Sort of"], 2),
    (["record-engagement", "--organisation", "London Fire Brigad", "--date", "15/11/2026"], 1),
])
def test_bad_edits_change_nothing(data_dir, args, code):
    before = run("snapshots")[1]
    with pytest.raises(SystemExit) if args[-1] == "Sort of" else __import__("contextlib").nullcontext():
        assert run(*args)[0] == code
    assert run("snapshots")[1] == before


def test_record_engagement_resolves_names_and_sources_the_row(data_dir, capsys):
    code, _ = run("record-engagement", "--organisation", "London Fire Brigade", "--date", "15/11/2026",
                  "--mechanism", "Meeting", "--by", "Jane Smith")
    assert code == 0
    assert "'London Fire Brigade' read as ORG-lfb" in capsys.readouterr().err
    assert _current(data_dir, "Engagements", "ENG-20261115-001", "organisation_id") == "ORG-lfb"
    assert _current(data_dir, "Engagements", "ENG-20261115-001", "source") == \
        f"Recorded in lasdash by Jane Smith, {clock.today():%d/%m/%Y}"


def test_a_workbook_from_before_app_edits_keeps_them_through_the_merge(data_dir, tmp_path):
    old = tmp_path / "before-the-edits.xlsx"
    assert run("workbook", "-o", str(old))[0] == 0
    assert run("set-recommendation", "REC-001-HC1", "--status", "In progress", "--by", "Jane Smith")[0] == 0
    assert run("record-engagement", "--organisation", "ORG-lfb", "--date", "15/11/2026", "--by", "Jane Smith")[0] == 0
    edit_cell(old, "Forums", "FOR-jhosc-nwl", "Cadence", "Monthly (synthetic test value)")  # the file's own change
    code, out = run("publish", str(old), "--by", "Editor A")
    assert code == 1 and "Conflicts (3)" in out  # status, last update, the engagement: the file as is would undo them
    assert run("publish", str(old), "--by", "Editor A", "--merge")[0] == 0
    assert _current(data_dir, "Recommendations", "REC-001-HC1", "status") == "In progress"
    assert _current(data_dir, "Engagements", "ENG-20261115-001", "organisation_id") == "ORG-lfb"
    assert _current(data_dir, "Forums", "FOR-jhosc-nwl", "cadence") == "Monthly (synthetic test value)"


# --- issue 21: a publish killed after its folder appeared -------------------------------------------------------
def test_snapshots_doctor_and_sweep_after_a_publish_killed_before_the_switch(data_dir):
    """A folder no state names is not listed, doctor names it with its age, sweep keeps it for an hour (a publish
    may be under way), then removes it, and doctor is clean."""
    import time

    from lasdash.snapshots import SnapshotStore
    assert run("snapshots")[0] == 0  # bootstraps
    store = SnapshotStore(data_dir)
    state = store.state_file.read_text()
    ghost = store.publish(store.read_all(store.current_id()), author="killed", note="never published").id
    store.state_file.write_text(state)  # as if killed between the folder's rename and the state's
    (data_dir / ".state.0123abcd.tmp").write_text(state)
    listed = run("snapshots")[1]
    assert ghost not in listed and len(listed.splitlines()) == 1
    assert run("rollback", ghost)[0] == 2 and run("diff", store.current_id(), ghost)[0] == 2
    code, out = run("doctor")
    assert code == 0 and "ok    reachable: 1 events, 1 snapshots" in out
    assert "WARN  leftovers of interrupted publishes: 2" in out
    assert f"unpublished snapshot snapshots/{ghost}, under a minute old" in out
    assert "temporary state file .state.0123abcd.tmp, under a minute old" in out
    code, out = run("sweep")
    assert code == 0 and out.count("kept     ") == 2 and "Removed 0 leftover(s) of interrupted publishes; kept 2" in out
    assert (data_dir / "snapshots" / ghost).is_dir()
    then = time.time() - 3700
    for path in [data_dir / ".state.0123abcd.tmp", data_dir / "snapshots" / ghost,
                 *(data_dir / "snapshots" / ghost).iterdir()]:
        os.utime(path, (then, then))
    code, out = run("sweep")
    assert code == 0 and f"removed  unpublished snapshot snapshots/{ghost}, 1 h 01 min old" in out
    assert "Removed 2 leftover(s) of interrupted publishes." in out
    assert not (data_dir / "snapshots" / ghost).exists() and not list(data_dir.glob(".state.*"))
    code, out = run("doctor")
    assert code == 0 and "ok    leftovers: none" in out and "WARN" not in out
    assert run("snapshots")[1] == listed


def _alice_publishes_meanwhile(monkeypatch, change):
    """Someone publishes after the CLI read the map and before its edit is saved (issue 21, defect 3)."""
    from lasdash import pipeline
    real = pipeline.save_edit

    def save_edit(store, base_id, edited, **kwargs):
        tables = store.read_all(base_id)
        change(tables)
        store.publish(tables, author="Alice", expected_current=base_id)
        return real(store, base_id, edited, **kwargs)
    monkeypatch.setattr(pipeline, "save_edit", save_edit)


def _without(sheet, key):
    def change(tables):
        tables[sheet] = tables[sheet][tables[sheet]["id"] != key].reset_index(drop=True)
    return change


def _status_done(tables):
    recs = tables["Recommendations"]
    recs["status"] = recs["status"].astype(object)
    recs.loc[recs["id"] == "REC-001-HC1", "status"] = "Done"


@pytest.mark.parametrize("args", [
    ["record-engagement", "--organisation", "London Fire Brigade", "--date", "15/11/2026", "--mechanism", "Meeting"],
    ["set-recommendation", "REC-001-HC1", "--status", "In progress"],
], ids=["record-engagement", "set-recommendation"])
def test_an_edit_is_made_again_after_an_unrelated_deletion(data_dir, monkeypatch, capsys, args):
    run("snapshots")  # bootstrap
    _alice_publishes_meanwhile(monkeypatch, _without("Engagements", "E001-029"))
    code, out = run(*args, "--by", "Bob")
    assert code == 0, capsys.readouterr().err
    from lasdash.snapshots import SnapshotStore
    store = SnapshotStore(data_dir)
    assert "E001-029" not in set(store.read(store.current_id(), "Engagements")["id"])
    assert store.current().author == "Bob" and out.strip() == store.current_id()


def test_an_edit_meeting_anothers_change_says_your_edit(data_dir, monkeypatch, capsys):
    run("snapshots")
    _alice_publishes_meanwhile(monkeypatch, _status_done)
    code, _ = run("set-recommendation", "REC-001-HC1", "--status", "In progress", "--by", "Bob")
    err = capsys.readouterr().err
    assert code == 1 and "Not saved: someone changed the same thing meanwhile:" in err
    assert "Status: Done (by Alice, " in err and "\u2192 In progress (your edit)" in err
    assert "your file" not in err
    assert _current(data_dir, "Recommendations", "REC-001-HC1", "status") == "Done"


@pytest.mark.parametrize("args", [["--help"], ["export", "--help"], ["digest", "--help"], ["assess"]])
def test_help_and_usage_errors_load_nothing_heavy(args):
    """The CLI from cold: help and argument errors end before pandas, DuckDB, pyarrow, openpyxl or streamlit load."""
    probe = ("import sys\nfrom lasdash import cli\ntry:\n    cli.main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
             "print('LOADED:' + ','.join(m for m in ('pandas', 'duckdb', 'pyarrow', 'openpyxl', 'numpy', 'streamlit',"
             " 'typst') if m in sys.modules), file=sys.stderr)")
    run = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, cwd=ROOT, timeout=60,
                         check=False)
    [loaded] = [line for line in run.stderr.splitlines() if line.startswith("LOADED:")]
    assert loaded == "LOADED:", run.stderr


def test_validate_starts_the_reading_child_before_loading_anything_heavy():
    """The CLI from cold (issue 26): `validate` starts its work, the limited child's parse, before pandas, pyarrow or
    numpy load (the app loads them while the child parses), and never loads DuckDB, openpyxl, streamlit or typst."""
    probe = ("import sys\nfrom lasdash import cli\n"
             "def hook(event, args):\n"
             "    if event == 'subprocess.Popen' and not hook.seen:\n"
             "        hook.seen = True\n"
             "        print('AT START:' + ','.join(m for m in ('pandas', 'pyarrow', 'numpy') if m in sys.modules),"
             " file=sys.stderr)\n"
             "hook.seen = False\nsys.addaudithook(hook)\n"
             "code = cli.main(sys.argv[1:])\n"
             "print('AT END:' + ','.join(m for m in ('duckdb', 'openpyxl', 'streamlit', 'typst') if m in sys.modules),"
             " file=sys.stderr)\nsys.exit(code)")
    run = subprocess.run([sys.executable, "-c", probe, "validate", str(config.DEFAULT_WORKBOOK)], capture_output=True,
                         text=True, cwd=ROOT, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    lines = run.stderr.splitlines()
    assert "AT START:" in lines and "AT END:" in lines, run.stderr
