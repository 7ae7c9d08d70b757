"""AppTest: the Meeting brief page (issue 23): pick a subject by name or alias, preview its brief, download the PDF
behind the viewers' check; deep links open a brief ready, and an unknown name is a message with suggestions."""
import apptest
import pytest
from apptest import shown

from lasdash.ui import auth

PAGE = "app_pages/brief.py"
OUTER_NEL = "Outer NE London JHOSC"


def open_page(**params):
    return apptest.open_page(PAGE, **params)


def preview(at) -> str:
    """The page's words as a reader sees them, the preview's grids included (raw: a grid never reads Markdown)."""
    parts = [shown(e.value) for kind in ("subheader", "markdown", "caption") for e in at.get(kind)]
    for d in at.dataframe:
        parts += [str(c) for c in d.value.columns]
        parts += [str(v) for row in d.value.itertuples(index=False) for v in row]
    return "\n".join(parts)


def picker(at):
    return at.selectbox(key=f"brief_pick_{at.radio(key='brief_kind').value}")


def test_the_page_opens_on_a_picker_that_lists_aliases(data_dir):
    at = open_page()
    assert at.title[0].value == "Meeting brief" and not at.warning
    assert at.radio(key="brief_kind").options == ["Forum", "Organisation", "Person", "Partnership"]
    assert picker(at).value is None and not at.dataframe and not at.get("download_button")
    assert any("Pick a forum" in i.value for i in at.info)
    at.radio(key="brief_kind").set_value("person").run()
    options = picker(at).options
    assert len(options) == 198  # everyone on the bundled map
    heaversedge = next(o for o in options if "Heaversedge" in o)
    assert "(also Jonty Heversedge)" in heaversedge  # typing the alias finds him
    at.radio(key="brief_kind").set_value("hcp").run()
    assert [o.split(" \u2014 ")[0] for o in picker(at).options] == sorted(
        ["North West London", "North Central London", "North East London", "South East London", "South West London"])


def test_a_forum_link_previews_its_chair(data_dir):
    at = open_page(forum=OUTER_NEL)
    assert at.radio(key="brief_kind").value == "forum" and picker(at).value == "FOR-jhosc-outer-nel"
    text = preview(at)
    assert at.subheader[0].value.startswith(OUTER_NEL)
    assert "Cllr Eileen Keller" in text and "Snapshot " in text
    assert at.dataframe  # the sections, as tables
    assert [b.proto.label for b in at.get("download_button")] == ["Download PDF"]


def test_the_hcp_link_previews_the_partnership(data_dir):
    at = open_page(hcp="NEL")
    assert at.radio(key="brief_kind").value == "hcp" and picker(at).value == "NEL"
    assert "North East London" in at.subheader[0].value
    assert "North East London" in preview(at)


@pytest.mark.parametrize("params, kind, subject", [
    ({"organisation": "ORG-lfb"}, "organisation", "ORG-lfb"),  # an ID
    ({"person": "jonty  HEVERSEDGE"}, "person", "PER-jonty-heaversedge"),  # an alias, case and spacing folded
    ({"partnership": "nel"}, "hcp", "NEL"),  # what links between pages use (`hcp` is the filter's)
    ({"forum": "NW London JHOSC", "hcp": "SWL"}, "forum", "FOR-jhosc-nwl"),  # a subject beats the filter's HCP
])
def test_links_by_id_alias_and_name(data_dir, params, kind, subject):
    at = open_page(**params)
    assert at.radio(key="brief_kind").value == kind and picker(at).value == subject and at.dataframe


def test_several_hcps_are_a_filter_not_a_subject(data_dir):
    at = open_page(hcp=["NCL", "SEL"])
    assert picker(at).value is None and not at.warning


def test_an_unknown_name_says_so_with_suggestions(data_dir):
    at = open_page(forum="NW Londn JHOSC")
    assert not at.exception and not at.dataframe
    warning = shown(at.warning[0].value)
    assert "'NW Londn JHOSC'" in warning and "Did you mean" in warning
    suggestions = [shown(link.label) for link in at.get("page_link")]
    assert 1 <= len(suggestions) <= 3 and any(s.startswith("NW London JHOSC") for s in suggestions)
    assert at.radio(key="brief_kind").value == "forum" and picker(at).value is None  # pick one instead


def test_picking_previews_and_the_url_follows(data_dir):
    at = open_page()
    at.radio(key="brief_kind").set_value("hcp").run()
    picker(at).set_value("NEL").run()
    assert not at.exception and "North East London" in at.subheader[0].value
    assert at.query_params.get("partnership") == "NEL"  # the address is a link to this brief
    at.radio(key="brief_kind").set_value("forum").run()
    assert "partnership" not in at.query_params and not at.dataframe


def test_the_pdf_is_built_on_click_behind_the_viewers_check(data_dir, deferred_downloads, monkeypatch):
    at = open_page(forum=OUTER_NEL)
    [(_, file_name, build)] = [d for d in deferred_downloads if d[0] == "application/pdf"]
    assert file_name.startswith("brief-FOR-jhosc-outer-nel-") and file_name.endswith(".pdf")
    assert build().startswith(b"%PDF")
    monkeypatch.setattr(auth, "_allowed", lambda email: False)  # the policy, read again on click, now says no
    with pytest.raises(PermissionError):
        build()
    assert "made by a dashboard viewer" in preview(at)


def test_the_brief_names_the_editor_who_made_it(data_dir, monkeypatch):
    monkeypatch.setenv("LASDASH_EDITOR_PASSWORD", "pw for this test")
    at = open_page(forum=OUTER_NEL)
    side = at.sidebar
    next(t for t in side.text_input if t.label.startswith("Your name")).input("Jane Smith")
    next(t for t in side.text_input if t.label == "Editor passphrase").input("pw for this test")
    next(b for b in side.button if b.label == "Unlock editing").click()
    at.run()
    assert not at.exception and "made by Jane Smith (passphrase)" in preview(at)
    assert picker(at).value == "FOR-jhosc-outer-nel"  # the brief stays on screen
