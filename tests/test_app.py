"""AppTest: the entrypoint, the shared filters and the pages written in the app's own style (overview, JHOSC).

Other pages have their own test_page_*.py. test_every_page_opens runs every page in the navigation.
"""
import csv
import io
import re

import apptest
import pandas as pd
import pytest
from apptest import shown

from lasdash import cli, queries
from lasdash.gaps import GAPS
from lasdash.ui import page
from lasdash.ui.page import csv_bytes

PAGE_FILES = ["app_pages/overview.py", "app_pages/sub_groups.py", "app_pages/hcp_governance.py", "app_pages/jhosc.py",
              "app_pages/engagement.py", "app_pages/recommendations.py", "app_pages/people.py",
              "app_pages/network.py", "app_pages/priorities.py", "app_pages/relationships.py", "app_pages/mine.py",
              "app_pages/gaps.py"]


open_app = apptest.open_page


def all_text(at):
    return "\n".join([shown(m.value) for m in at.markdown] + [shown(c.value) for c in at.caption] + [shown(w.value) for w in at.warning])


@pytest.mark.parametrize("page", PAGE_FILES)
@pytest.mark.parametrize("params", [{}, {"hcp": "SWL"}], ids=["unfiltered", "hcp=SWL"])
def test_every_page_opens_with_title_filter_and_as_of(data_dir, page, params):
    at = open_app(page, **params)
    assert not at.exception, at.exception
    assert at.title and at.title[0].value
    header = all_text(at)
    assert "Snapshot as of" in header
    assert ("HCP: SWL" in header) if params else ("all of London, no filter" in header)


def test_junk_hcp_parameter_gives_a_note_not_an_error(data_dir):
    at = open_app(hcp="XYZ")
    assert not at.exception
    # AppTest reports sidebar elements on a session's first run only; the browser test checks later runs
    assert any("Ignored unknown HCP 'XYZ'" in shown(w.value) for w in at.sidebar.warning)
    at.switch_page("app_pages/jhosc.py").run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 6  # the junk value is ignored: no filter


def test_hcp_in_lowercase_and_sub_group_by_id_are_accepted(data_dir):
    at = open_app("app_pages/jhosc.py", hcp="swl", sub_group="SG03")
    assert not at.exception and not at.warning
    assert "HCP: SWL" in all_text(at) and "sub-group: London local authorities" in all_text(at)


def test_jhosc_filtered_to_swl_shows_schaper_not_collins(data_dir):
    at = open_app("app_pages/jhosc.py", hcp="SWL")
    jhosc = at.dataframe[0].value
    assert jhosc["Chair"].tolist() == ["Cllr Anita Schaper"]
    assert "Cllr Mel Collins" not in jhosc.to_string()


def test_jhosc_unfiltered_shows_six_with_the_inner_ne_london_gap(data_dir):
    at = open_app("app_pages/jhosc.py")
    jhosc = at.dataframe[0].value.set_index("JHOSC")
    assert len(jhosc) == 6
    assert jhosc.loc["Inner NE London JHOSC", "Chair"] == "Unknown"
    assert "minutes not yet available" in jhosc.loc["Inner NE London JHOSC", "Gap note"]
    la = at.dataframe[2].value
    assert la.set_index("Role").loc["Chair", "Person"] == "Cllr Peter John"
    assert la.set_index("Role").loc["Vice Chair", "Person"] == "Cllr Georgina Gould"
    assert {m.label: m.value for m in at.metric}["Chairs unknown"] == "1"


def test_clear_filters_resets_the_filter_state(data_dir):
    """AppTest's URL is fixed, so bound widgets follow it; the browser test checks the visible reset."""
    at = open_app(hcp="XYZ", sub_group="SG03")
    assert at.session_state["sub_group"] == ["SG03"] and at.session_state["_filter_notes"]
    next(b for b in at.sidebar.button if b.label == "Clear filters").click()
    at.run()
    assert at.session_state["hcp"] == [] and at.session_state["sub_group"] == []
    assert at.session_state["wider"] is True and at.session_state["_filter_notes"] == []


def test_filter_survives_a_page_switch(data_dir):
    at = open_app("app_pages/jhosc.py", hcp="SWL")
    at.switch_page("app_pages/overview.py").run()
    at.switch_page("app_pages/jhosc.py").run()
    assert at.dataframe[0].value["Chair"].tolist() == ["Cllr Anita Schaper"]


def test_overview_kpis_come_from_the_map(data_dir, store):
    at = open_app()
    kpi = {m.label: m.value for m in at.metric}
    con = queries.connect(store, store.current_id())
    on_the_map = next(shown(m.value) for m in at.markdown if m.value.startswith("**On the map:**"))
    assert f"{len(queries.run(con, 'organisations'))} organisations · {len(queries.run(con, 'people'))} people" in on_the_map
    # one word, one count: the Data gaps page's seven lists, added up
    assert kpi["Data gaps"] == f"{sum(len(queries.run(con, gap.view)) for gap in GAPS):,}" != "0"
    assert kpi["Overdue"] == "6"  # the Health Committee's six, response asked by 31 Mar 2023
    assert [p.label for p in at.get("page_link")][:2] == ["Sub-groups", "HCP governance"]


BARE_THOUSANDS = re.compile(r"(?<![\w\-/.:])[1-9]\d{3,}(?![\w\-/])")  # 3972: not 3,972, an ID, a date, 00042


def bare_thousands(text: str) -> list[str]:
    return [n for n in BARE_THOUSANDS.findall(text) if not 1900 <= int(n) <= 2100]  # years stay as written


@pytest.mark.parametrize(("text", "found"), [
    ("Seats: NWL 3972; NCL 812", ["3972"]), ("Seats: NWL 3,972", []), ("Overdue: 1625", ["1625"]),
    ("ORG-12345 and ID 0042-A", []), ("2022-23 findings, 31 Mar 2023", []), ("v1.2345 at 10:4500", []), ("Synthetic Org 00042", [])])
def test_bare_thousands_finds_counts_without_separators(text, found):
    assert bare_thousands(text) == found


def test_every_page_reads_counts_over_a_thousand_with_separators(data_dir, store, tmp_path):
    from lasdash import pipeline, synth
    path = tmp_path / "s30.xlsx"
    synth.write_synthetic(path, 30)  # over a thousand seats in each HCP's footprint
    assert pipeline.publish(store, path, author="Editor A", expected_current=store.current_id()).manifest is not None
    by_fp = queries.run(queries.connect(store, store.current_id()), "roles")["Footprint"].value_counts()
    assert by_fp.max() >= 1000
    caption = next(c.value for c in open_app().caption if c.value.startswith("Seats: "))
    assert all(f"{fp} {n:,}" in caption for fp, n in by_fp.items()), caption
    for page_file in PAGE_FILES:
        at = open_app(page_file)
        assert not at.exception, at.exception
        words = [all_text(at)] + [m.value for m in at.metric] + [h.value for h in at.subheader] + [
            i.value for i in at.info]
        assert not bare_thousands("\n".join(words)), (page_file, bare_thousands("\n".join(words)))


def test_overview_counts_in_sql_and_fetches_only_the_organisations_shown(data_dir, store, monkeypatch):
    con = queries.connect(store, store.current_id())
    everything = {m.label: (m.value, m.proto.help) for m in open_app().metric}
    monkeypatch.setattr(page, "MAX_ROWS", 50)  # the default map's 121 organisations, as a long list
    at = open_app()
    assert {m.label: (m.value, m.proto.help) for m in at.metric} == everything  # not from the rows shown
    organisations = queries.run(con, "organisations")
    pd.testing.assert_frame_equal(at.dataframe[-1].value, organisations.head(50))
    assert f"Showing 50 of {len(organisations)} rows. The download has them all." in [c.value for c in at.caption]
    roles = queries.run(con, "roles")
    by_fp = roles["Footprint"].fillna("Not stated").value_counts()
    assert any(c.value.startswith("Seats: ") and all(f"{fp} {n:,}" in c.value for fp, n in by_fp.items())
               for c in at.caption)
    engaged = int((organisations["Engaged"] == "Yes").sum())
    assert everything["Coverage"] == (f"{100 * engaged / len(organisations):.0f}%",
                                      (f"Engagement coverage: {engaged} of {len(organisations)} mapped "
                                       f"organisations in London have an engagement recorded; "
                                       f"{len(organisations) - engaged} have never been contacted"))


def _cli_export(*args):
    buf = io.BytesIO()
    import sys
    old, sys.stdout = sys.stdout, io.TextIOWrapper(buf, write_through=True)
    try:
        assert cli.main(["export", *args]) == 0
    finally:
        sys.stdout.detach()
        sys.stdout = old
    return buf.getvalue()


@pytest.mark.parametrize("view, flt, cli_args", [
    ("jhosc", queries.Filter(("SWL",)), ["--hcp", "SWL"]),
    ("people", queries.Filter(), []),
    ("roles", queries.Filter(("NCL",), ("SG01",)), ["--hcp", "NCL", "--sub-group", "SG01"]),
    ("recommendations", queries.Filter(), []),
])
def test_page_download_equals_cli_export(data_dir, store, view, flt, cli_args):
    page_csv = csv_bytes(store.current_id(), view, flt)
    assert page_csv == _cli_export(view, *cli_args)
    assert page_csv.startswith(b"\xef\xbb\xbf")
    assert len(list(csv.reader(io.StringIO(page_csv.decode("utf-8-sig"))))) > 1
