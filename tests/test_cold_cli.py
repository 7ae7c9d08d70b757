"""The CLI from cold (issue 26): the cold benchmark runs, and what the cold path takes for granted holds."""
import json

from lasdash import bench_cold, config, normalise


def test_the_ascii_skeletons_are_the_tables():
    """normalise keeps the ASCII characters' TR39 prototypes as a constant, so a map of ASCII names is checked without
    loading confusable-homoglyphs' data: it must be exactly what that data gives."""
    assert normalise.ascii_skeleton_map() == {chr(k): v for k, v in normalise._skeleton_table().items() if k < 128}


def test_cold_cli_measures_every_command_as_a_new_process(tmp_path):
    result = bench_cold.cold_cli({1: config.DEFAULT_WORKBOOK}, tmp_path, repeats=1)
    json.dumps(result)  # JSON-able
    for what in (result["help"], result["validate_default"], result["scales"]["1"]["publish"],
                 result["scales"]["1"]["calamine"], result["scales"]["1"]["openpyxl"]):
        assert what["wall_s"] > 0 and what["cpu_s"] > 0 and what["peak_rss_mb"] > 5
        assert all(run["exit"] == 0 for run in what["runs"])
    validate = result["validate_default"]
    assert 0 < validate["start_s"] < validate["wall_s"] and validate["loaded_at_start"] == []
    s1 = result["scales"]["1"]
    assert s1["publish_over_calamine"] > 0 and s1["openpyxl_over_publish"] > 0
    assert "publish" in bench_cold.report(result)
