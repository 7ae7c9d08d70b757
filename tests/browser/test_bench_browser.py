"""The benchmark's chromium part runs: page loads, a filter change, peak memory and many viewers at once."""
from lasdash import bench, pipeline


def test_the_benchmarks_browser_part_measures_what_it_reports(browser, tmp_path):
    store = tmp_path / "store"
    pipeline.open_store(store)
    result = bench.in_browser(store, ["", "jhosc"], repeats=1, viewers=3, browser=browser)
    assert set(result["pages"]) == {"/", "jhosc"} and not result["page_errors"]
    for item in result["pages"].values():
        assert item["load_s"] > 0 and item["filter_s"] > 0
    assert result["peak_rss_mb"] > 50
    crowd = result["viewers"]
    assert crowd["sessions"] == 3 and crowd["errors"] == 0 and crowd["all_rendered_s"] > 0
    assert crowd["server_cpu_s"] > 0 and crowd["cpu_s_per_view"] == crowd["server_cpu_s"] / 3
