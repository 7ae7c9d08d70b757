"""AppTest: the HCP governance page (who runs each partnership, its forums, programme leads, LAS coverage)."""

import apptest
from apptest import shown

PAGE = "app_pages/hcp_governance.py"
PARTNERSHIPS = {
    "NWL": "North West London Health and Care Partnership",
    "NCL": "North London Partners in Health and Care",
    "NEL": "East London Health and Care Partnership",
    "SEL": "Our Healthier South East London",
    "SWL": "South West London Health and Care Partnership",
}


def open_page(**params):
    return apptest.open_page(PAGE, **params)


def grids(at, hcps=1, wider=True):
    """The page's tables by name: partnerships, then leaders and forums per HCP, the London-wide forums apart,
    then the two matrices."""
    names = ["partnerships"] + [f"{t}_{i}" for i in range(hcps) for t in ("leaders", "forums")]
    names += ["wider_forums"] * wider + ["lead_matrix", "programme_leads", "coverage_matrix", "las_coverage"]
    assert len(at.dataframe) == len(names)
    return {n: d.value for n, d in zip(names, at.dataframe, strict=True)}


def test_ncl_shows_its_convenor_and_its_sros(data_dir):
    at = open_page(hcp="NCL")
    g = grids(at)
    assert g["partnerships"]["Partnership"].tolist() == [PARTNERSHIPS["NCL"]]
    assert any(shown(h.value) == f"NCL: {PARTNERSHIPS['NCL']}" for h in at.subheader)
    leaders = g["leaders_0"]
    assert set(leaders["Footprint"]) == {"NCL"}
    seats = set(zip(leaders["Person"], leaders["Role"], leaders["Programme"].fillna(""), strict=True))
    assert {("Helen Pettersen", "Convenor", ""), ("Paul Jenkins", "SRO", "Mental Health"),
            ("Sarah Mansuralli", "SRO", "Urgent and Emergency Care")} <= seats
    text = "\n".join(shown(m.value) for m in at.markdown)
    assert "Paul Jenkins (SRO Mental Health;" in text and "Sarah Mansuralli (SRO Urgent and Emergency Care;" in text
    assert "Helen Pettersen (Convenor;" in text
    assert "Cheryl Coppell" not in text  # SWL's independent chair
    forums = g["forums_0"].set_index("Forum")
    assert set(forums["Footprint"]) == {"NCL"}
    # "Forums" counts what the tables under it list: NCL's own; the London-wide ones are listed apart
    assert {m.label: m.value for m in at.metric}["HCP forums"] == str(len(forums))
    assert set(g["wider_forums"]["Footprint"]) <= {"London", "National"} and len(g["wider_forums"])
    assert "London-wide and national forums" in [h.value for h in at.subheader]
    shown_columns = list(at.dataframe[2].proto.column_order)  # forums_0, as the grid orders its columns
    assert shown_columns[:3] == ["Forum", "Chair", "LAS attendee role"]  # a phone sees these first
    assert forums.loc["Health and Care Cabinet (NCL)", ["Tier", "LAS attendee role"]].tolist() == [
        "Clinical", "Medical Director"]
    assert g["lead_matrix"].loc["Mental Health", "NCL"] == "Paul Jenkins (SRO)"


def test_unfiltered_shows_all_five_partnerships_side_by_side(data_dir):
    at = open_page()
    g = grids(at, hcps=5)
    assert dict(zip(g["partnerships"]["Footprint"], g["partnerships"]["Partnership"], strict=True)) == PARTNERSHIPS
    assert [t.label for t in at.tabs] == list(PARTNERSHIPS)
    assert {shown(h.value) for h in at.subheader} >= {f"{c}: {n}" for c, n in PARTNERSHIPS.items()}
    assert set(g["leaders_4"]["Footprint"]) == {"SWL"} and "Cheryl Coppell" in set(g["leaders_4"]["Person"])
    coverage = g["coverage_matrix"]
    assert coverage.loc["Chief Information Officer", ["NWL", "NCL", "NEL", "SEL", "SWL"]].tolist() == [1] * 5
    assert coverage.loc["Chief Executive", "NCL"] == 2


def test_tbc_leads_show_as_gaps_in_the_matrix(data_dir):
    at = open_page(hcp="SWL", wider="false")
    g = grids(at, wider=False)
    matrix = g["lead_matrix"]
    assert list(matrix.columns) == ["SWL"]
    assert matrix.loc["Prevention", "SWL"] == "⚠ Gap: TBC (SPG lead)"
    assert matrix.loc["Workforce", "SWL"].startswith("⚠ Gap")
    assert {m.label: m.value for m in at.metric}["Programme lead gaps"] == "3"
    assert g["programme_leads"]["Gap"].sum() == 3  # the downloadable list carries the same gaps
    assert list(g["coverage_matrix"].columns) == ["SWL", "Total"]
