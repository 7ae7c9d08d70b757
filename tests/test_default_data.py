"""The bundled map against its sources: a sample of rows from every chart, checked by hand-picked
facts, plus mechanical checks that every name and recommendation appears in the document it cites."""
import re

import pandas as pd
import pytest

from lasdash import config, pipeline
from lasdash.defaults import load_seed_tables
from lasdash.normalise import match_key

SOURCES = config.REPO_ROOT / "data" / "sources"


def _source_text(doc_id: str) -> str:
    path = next(SOURCES.glob(f"{doc_id}_*.txt"))
    return re.sub(r"\s+", " ", match_key(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def t():
    return load_seed_tables()


def seats(t, person_id):
    r = t["Roles"]
    return r[r["person_id"] == person_id]


def _forum_id(t, name):
    f = t["Forums"]
    ids = f[f["name"] == name]["id"].tolist()
    assert len(ids) == 1, (name, ids)
    return ids[0]


def test_committed_workbook_matches_the_csv_source_of_truth(t):
    """data/lasdash-map.xlsx is built from data/seed/*.csv; rebuild with `python -m lasdash build-default`."""
    v = pipeline.check(config.DEFAULT_WORKBOOK)
    assert v.ok
    for name, df in t.items():
        got = v.tables[name].astype(object).where(v.tables[name].notna(), None).replace({"": None})
        want = df.astype(object).where(df.notna(), None).replace({"": None})
        assert got.values.tolist() == want.values.tolist(), f"{name} differs: run python -m lasdash build-default"


def test_eleven_sub_groups_with_categories(t):
    sg = t["Sub-groups"]
    assert len(sg) == 11
    assert sg.iloc[0]["name"].startswith("London Clinical Commissioning Groups")
    assert sg.iloc[10]["name"].startswith("Others")
    cats = t["Categories"]
    assert {"London Health and Wellbeing Boards", "London Councils", "Hospices", "LAS Patients' Forum"} <= set(cats["name"])


def test_five_hcps_with_their_partnerships(t):
    o = t["Organisations"].set_index("id")
    assert o.loc["ORG-nwl-hcp", "name"] == "North West London Health and Care Partnership"
    assert o.loc["ORG-ncl-hcp", "name"] == "North London Partners in Health and Care"
    assert o.loc["ORG-nel-hcp", "name"] == "East London Health and Care Partnership"
    assert o.loc["ORG-sel-hcp", "name"] == "Our Healthier South East London"
    assert o.loc["ORG-swl-hcp", "name"] == "South West London Health and Care Partnership"


@pytest.mark.parametrize("person_id, role, fragment", [
    ("PER-helen-pettersen", "Convenor", "North London Partners"),  # Chart 1
    ("PER-sarah-mansuralli", "SRO", "Urgent and Emergency Care"),  # Chart 1
    ("PER-paul-jenkins", "SRO", "Mental Health"),  # Chart 1
    ("PER-cheryl-coppell", "Independent Chair", ""),  # Chart 1
    ("PER-rob-whiteman", "Independent Chair", ""),  # Chart 1
    ("PER-mohini-parmar", "Clinical lead", ""),  # Chart 1
    ("PER-onker-sahota", "Chair", "Health Committee"),  # Chart 3
    ("PER-mike-gill", "Chair", "Senate"),  # Chart 3 / 3.5
    ("PER-mark-spencer", "Vice Chair", "Senate"),  # 3.5
    ("PER-peter-john", "Chair", "London Councils"),  # 3.5
    ("PER-georgina-gould", "Vice Chair", "London Councils"),  # 3.5
    ("PER-kakkar", "Chair", "UCL Partners"),  # Chart 4
    ("PER-derek-bell", "Director", "CLAHRC"),  # Chart 4
    ("PER-tonia-michaelides", "SPG lead", "Mental"),  # seed 004 Appendix 3, SWL
    ("PER-conor-burke", "Lead SRO", "Urgent"),  # seed 004 Appendix 2
])
def test_sample_of_seats_from_every_chart(t, person_id, role, fragment):
    s = seats(t, person_id)
    assert len(s) > 0, person_id
    f = t["Forums"].set_index("id")["name"].to_dict()
    o = t["Organisations"].set_index("id")["name"].to_dict()
    text = [" ".join(filter(None, [r.role, str(r.programme or ""), f.get(r.forum_id, ""), o.get(r.organisation_id, ""),
                                   str(r.note or "")])) for r in s.itertuples()]
    assert any(role in x and fragment.lower() in x.lower() for x in text), text


@pytest.mark.parametrize("forum, chair, vice", [
    ("NW London JHOSC", ["PER-mel-collins"], ["PER-lorraine-dean"]),
    ("North Central London JHOSC", ["PER-alison-kelly"], ["PER-pippa-connor", "PER-tricia-clarke"]),
    ("Inner NE London JHOSC", [None], [None]),
    ("Outer NE London JHOSC", ["PER-eileen-keller"], [None]),
    ("Our Healthier SE London JHOSC", ["PER-judith-ellis"], ["PER-philip-normal"]),
    ("SW London and Surrey JHOSC", ["PER-anita-schaper"], ["PER-ian-lewer"]),
])
def test_chart5_jhosc_chairs_and_vice_chairs(t, forum, chair, vice):
    r = t["Roles"]
    fid = _forum_id(t, forum)
    mine = r[r["forum_id"] == fid]
    got = lambda role: sorted((p if isinstance(p, str) and p else None
                               for p in mine[mine["role"] == role]["person_id"]), key=str)
    assert got("Chair") == sorted(chair, key=str)
    assert got("Vice Chair") == sorted(vice, key=str)


def test_inner_ne_london_chair_is_a_recorded_gap(t):
    r = t["Roles"]
    gap = r[(r["forum_id"] == _forum_id(t, "Inner NE London JHOSC")) & (r["role"] == "Chair")].iloc[0]
    assert pd.isna(gap["person_id"]) and "minutes not yet available" in gap["note"]


def test_chart2_forums_say_which_las_role_attends(t):
    f = t["Forums"]
    cabinet = f[f["name"].str.contains("Health and Care Cabinet")].iloc[0]
    assert cabinet["footprint"] == "NCL" and "Medical Director" in cabinet["las_attendee"]
    estates = f[f["las_attendee"].fillna("").str.contains("Director of Strategic Assets and Property")]
    assert set(estates["footprint"]) == {"NWL", "NCL", "NEL", "SEL", "SWL"}


def test_hwbs_chaired_by_council_leaders(t):
    f = t["Forums"]
    hwb = f[f["kind"] == "HWB"]["name"].str.cat(sep=" | ")
    for borough in ("Harrow", "Ealing", "Camden", "Islington", "Kingston", "Sutton", "Southwark", "Bexley", "Greenwich"):
        assert borough in hwb


@pytest.mark.parametrize("programme, budget", [
    ("Urgent & Emergency Care", 1135076), ("Cancer", 2073270), ("Primary Care", 2682984), ("Workforce", 191745),
    ("Specialised Commissioning", 0),
])
def test_seed_004_budgets_in_pounds_as_printed(t, programme, budget):
    f = t["Forums"]
    row = f[(f["source"].str.contains("004 Appendix 2")) & (f["name"].str.endswith(programme))]
    assert row["budget_gbp"].tolist() == [budget]


def test_seed_004_tbc_is_a_gap_not_a_name(t):
    people = set(t["People"]["name"].str.upper())
    assert "TBC" not in people
    r = t["Roles"]
    tbc = r[r["note"].fillna("").str.startswith("TBC") & r["person_id"].isna()]
    assert len(tbc) >= 5


def test_seed_002_sixteen_lca_trusts(t):
    o = t["Organisations"]
    lca = o[o["parent_id"] == "ORG-lca"]
    assert len(lca) == 16 and "The Royal Marsden NHS Foundation Trust" in set(lca["name"])


def test_seed_001_engagements_and_recommendations(t):
    e = t["Engagements"]
    assert (e["period"] == "June 2022 - March 2023").sum() >= 20
    session = e[e["date"] == pd.Timestamp("2023-01-24").date()]
    assert len(session) == 1 and session.iloc[0]["forum_id"] == "FOR-la-health-committee"
    rec = t["Recommendations"]
    assert len(rec[rec["id"].str.startswith("REC-001-K")]) == 6
    hc = rec[rec["id"].str.startswith("REC-001-HC")]
    assert len(hc) == 6 and set(hc["due"]) == {pd.Timestamp("2023-03-31").date()}
    assert len(rec[rec["kind"] == "Option"]) == 2
    assert rec["status"].isna().all() and rec["owner"].isna().all()  # the seeds give none


def test_one_person_many_roles_with_aliases(t):
    p = t["People"].set_index("id")
    for pid in ("PER-sarah-blow", "PER-andrew-bland", "PER-jane-milligan", "PER-andrew-eyres"):
        assert len(seats(t, pid)) >= 2, pid
        assert "004" in p.loc[pid, "source"] and "000" in p.loc[pid, "source"], pid
    assert "Heversedge" in p.loc["PER-jonty-heaversedge", "aliases"]
    assert p["name"].is_unique


def test_every_person_is_named_in_a_document_they_cite(t):
    missing = []
    for r in t["People"].itertuples():
        names = [r.name] + [a.strip() for a in str(r.aliases or "").split(";") if a.strip()]
        docs = {s.split()[0] for s in r.source.split(";")}
        texts = [_source_text(d) for d in docs]
        if not any(match_key(n) in text or match_key(n.split()[-1]) in text for n in names for text in texts):
            missing.append((r.id, r.name, r.source))
    assert not missing


def test_every_las_team_member_is_named_with_their_role_in_a_document_they_cite(t):
    """The team's roles and names come from the seeds: each role in a cited document, each name beside its role
    there; no email is invented."""
    team = t["LAS team"]
    assert len(team) == 19 and team["email"].isna().all()
    missing = []
    for r in team.itertuples():
        texts = [_source_text(s.split()[0]) for s in r.source.split(";")]
        role = match_key(r.role.split(" (")[0])  # '(Vice Chair of ...)' says where the source names it
        name = match_key(r.name.removeprefix("Dr ")) if isinstance(r.name, str) else None
        if not any(role in text or (name and name in text) for text in texts):
            missing.append((r.id, r.role))
        if name and not any(name in text for text in texts):
            missing.append((r.id, r.name))
    assert not missing
    assert t["Sub-groups"]["contact_every_days"].isna().all()  # the seeds give no default interval


def test_every_recommendation_is_verbatim_in_its_document(t):
    missing = []
    for r in t["Recommendations"].itertuples():
        text = _source_text(r.document_id)
        probe = re.sub(r"\s+", " ", match_key(r.text))[:60]
        if probe not in text:
            missing.append((r.id, probe))
    assert not missing


def test_no_invented_statuses_scores_or_owners(t):
    o = t["Organisations"]
    for col in ("power", "interest", "target_level", "las_owner", "contact_every_days"):
        assert o[col].isna().all() or (o[col] == "").all(), col
