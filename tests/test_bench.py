"""The synthetic generator and the benchmark. No timing assertions: the machine is shared; timings are the bench's job."""
import json
import subprocess
import sys

import pandas as pd
import pytest

from lasdash import cli, config, pipeline, synth
from lasdash import schema as S

SCALE = 10


@pytest.fixture(scope="module")
def s10(tmp_path_factory):
    """`python -m lasdash synth --scale 10`, then read back and validated as an upload would be."""
    path = tmp_path_factory.mktemp("synth") / "s10.xlsx"
    assert cli.main(["synth", "--scale", str(SCALE), "-o", str(path)]) == cli.OK
    return pipeline.check(path)


def test_s10_validates_without_errors(s10):
    assert s10.errors == [], s10.errors[:5]


@pytest.mark.parametrize("sheet", [s.name for s in S.SHEETS])
def test_s10_has_ten_times_the_rows(s10, seed_tables, sheet):
    seed, got = len(seed_tables[sheet]), len(s10.tables[sheet])
    if sheet == "Sub-groups":  # the real 11 of the mapping report, never invented
        assert s10.tables[sheet]["id"].tolist() == [f"SG{i:02d}" for i in range(1, 12)]
    elif sheet == "Documents":
        assert got == SCALE * seed + 1  # plus the SYN row that marks the file as synthetic
    elif sheet == "LAS team":  # the real team, and one synthetic member per synthetic owner and lead (70)
        assert got == seed + 70 and s10.tables[sheet]["email"].str.endswith("@example.invalid").sum() == 70
    else:
        assert got == SCALE * seed


@pytest.mark.parametrize("sheet, column", [(s.name, c.name) for s in S.SHEETS for c in s.columns if c.ref])
def test_s10_references_are_intact(s10, sheet, column):
    col = S.sheet(sheet).column(column)
    keys = set(s10.tables[col.ref][S.sheet(col.ref).key])
    used = set(s10.tables[sheet][column].dropna())
    assert used and used <= keys, sorted(used - keys)[:5]


def test_s10_keeps_the_real_map_and_marks_every_synthetic_row(s10, seed_tables):
    docs = s10.tables["Documents"].set_index("id")
    assert docs.loc[synth.MARKER_ID, "title"] == synth.MARKER_TITLE and "SYNTHETIC" in synth.MARKER_TITLE
    for sheet in S.SHEETS:
        df, seed = s10.tables[sheet.name], seed_tables[sheet.name]
        real = df["id"].isin(set(seed["id"]))
        assert real.sum() == len(seed), sheet.name  # the default map is in it, untouched
        invented = df[~real & (df["id"] != synth.MARKER_ID)]
        if sheet.name == "Sub-groups":
            assert invented.empty
            continue
        assert invented["id"].str.startswith("SYN-").all(), sheet.name
        if "source" in df:
            assert invented["source"].str.startswith("SYN ").all(), sheet.name
        if "name" in df:
            assert invented["name"].str.startswith("Synthetic ").all(), sheet.name
        assert not (real & df["id"].str.startswith("SYN")).any()


def test_s10_is_shaped_like_the_real_map(s10):
    roles, engagements = s10.tables["Roles"], s10.tables["Engagements"]
    synthetic = roles[roles["id"].str.startswith("SYN-")]
    seats = synthetic["person_id"].value_counts()
    assert (seats >= 2).sum() > 100  # people hold several seats
    assert synthetic["person_id"].isna().sum() > 0  # seats whose holder is unknown stay gaps
    assert set(roles["role"]) <= set(S.ROLES) and set(roles["footprint"].dropna()) <= set(S.FOOTPRINTS)
    years = {d.year for d in engagements["date"].dropna()}
    assert len(years) >= 5  # dates over several years
    assert engagements["date"].isna().sum() > 0 and engagements["period"].notna().sum() > 0
    assert set(s10.tables["Organisations"]["sub_group_id"]) <= {f"SG{i:02d}" for i in range(1, 12)}


def test_the_generator_is_deterministic():
    a, b = synth.synthetic_tables(3), synth.synthetic_tables(3)
    for sheet in S.SHEETS:
        pd.testing.assert_frame_equal(a[sheet.name], b[sheet.name])


def test_scale_one_is_the_default_map_plus_the_marker(seed_tables):
    tables = synth.synthetic_tables(1)
    for sheet in S.SHEETS:
        extra = {"Documents": 1, "LAS team": 70}.get(sheet.name, 0)  # the marker; the synthetic owners' members
        assert len(tables[sheet.name]) == len(seed_tables[sheet.name]) + extra


@pytest.mark.parametrize("scale", ["0", "-3", "x"])
def test_synth_refuses_a_bad_scale(tmp_path, scale, capsys):
    try:
        code = cli.main(["synth", "--scale", scale, "-o", str(tmp_path / "x.xlsx")])
    except SystemExit as exc:  # argparse: not a whole number
        code = exc.code
    assert code == cli.UNREADABLE and not (tmp_path / "x.xlsx").exists()


def test_bench_smoke_runs_from_the_command_line_and_reports_numbers(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, "-m", "lasdash", "bench", "--smoke", "--json", str(out)],
                          cwd=config.REPO_ROOT, capture_output=True, text=True, check=False, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Targets" in proc.stdout and "Traceback" not in proc.stderr
    result = json.loads(out.read_text())
    assert result["machine"]["cores"] >= 1 and result["machine"]["packages"]["streamlit"]
    s1 = result["scales"]["1"]
    assert s1["ingest"]["publish_s"] > 0 and s1["ingest"]["openpyxl_s"] > 0 and s1["ingest"]["ratio"] > 0
    assert s1["ingest"]["rows"] == {name: len(df) for name, df in pipeline.check(config.DEFAULT_WORKBOOK).tables.items()}
    pages = s1["pages"]
    for title in (*result["ratios"], "Empty page (in the app)", "Empty page (bare script)", "Naive baseline"):
        assert pages[title]["error"] == "" and pages[title]["median_s"] > 0, title
    assert len(result["ratios"]) >= 8  # every page of the app, not just some
    from lasdash import queries
    assert set(s1["queries"]) == set(queries.VIEWS) and all(q["median_s"] > 0 for q in s1["queries"].values())
    assert s1["csv"]["view"] in queries.VIEWS and s1["csv"]["bytes"] > 0
    assert {t["key"] for t in result["targets"]} == {"ingest", "parser", "scaling", "load", "filter", "floor", "naive",
                                                    "csv", "rss", "viewers", "edit", "brief", "brief_scaling",
                                                    "digest", "refresh_rss", "cold_parser", "cold_ingest", "cold_help",
                                                    "cold_validate"}
    briefs = s1["briefs"]  # the largest forum, organisation and HCP of the map
    assert set(briefs) == {"forum", "organisation", "hcp"} and briefs["hcp"]["id"] in S.HCP_CODES
    assert all(b["median_s"] > 0 and b["build_s"] > 0 and b["render_s"] > 0 and 1 <= b["pages"] <= 2
               for b in briefs.values())
    assert "Meeting briefs" in proc.stdout
    assert s1["ingest"]["calamine_s"] > 0 and s1["ingest"]["over_parser"] > 0
    assert s1["edit"]["median_s"] > 0 and s1["edit"]["store_bytes_per_edit"] > 0
    # the bundled map's team has no email, so no message, but both commands ran as processes and exited 0
    assert s1["digest"]["messages"] == 0 and s1["digest"]["digest_s"] > 0 and s1["digest"]["export_s"] > 0
    cold = result["cold"]  # each command a new process, which exited 0
    for what in (cold["help"], cold["validate_default"], *(cold["scales"]["1"][k] for k in ("publish", "calamine",
                                                                                          "openpyxl"))):
        assert what["wall_s"] > 0 and what["cpu_s"] > 0 and what["peak_rss_mb"] > 5
        assert all(run["exit"] == 0 for run in what["runs"])
    validate = cold["validate_default"]  # the reading child starts before pandas or pyarrow is loaded
    assert 0 < validate["start_s"] < validate["wall_s"] and validate["loaded_at_start"] == []
    assert "The CLI from cold" in proc.stdout and "refresh" not in result  # the browser part is not smoke


def test_the_vectorised_csv_cells_follow_the_per_cell_rule():
    """export.safe_frame handles text and date columns a column at a time (for the bench's CSV target)."""
    import datetime as dt

    from lasdash import export
    frame = pd.DataFrame({
        "str": pd.array(["=1", "", None, "+x", "-", "@", "\tq", "ok", "O’Brien", "a\nb"], dtype="str"),
        "string": pd.array(["=1", "", None, "+x", "-", "@", "\tq", "ok", "x", "y"], dtype="string"),
        "when": pd.to_datetime(["2023-03-31", None, "2023-01-01 10:30", *[None] * 7], format="mixed"),
        "mixed": ["=x", None, 1, 2.5, dt.date(2020, 1, 2), float("nan"), True, "", "-", pd.NA],
        "count": pd.array([1, None] * 5, dtype="Int64"),
    }).iloc[::-1]  # pages pass filtered frames, whose index is not 0..n-1
    expected = {c: [export._cell(v) for v in frame[c].tolist()] for c in frame.columns}
    got = export.safe_frame(frame)
    assert {c: got[c].tolist() for c in got.columns} == expected
