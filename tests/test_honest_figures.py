"""Honest figures on the bundled map: unknown is never shown as zero or as fine, and an HCP filter counts that HCP.

The bundled map has no contact interval, no owner and no power/interest score (the seeds give none), so every
figure built on those must say so in words.
"""
import apptest
import pytest

from lasdash.ui.menu import MENU

UNSET = [  # (page, metric, what it must read on the bundled map, whose basis is missing)
    ("app_pages/overview.py", "Relationships overdue", "no intervals set"),
    ("app_pages/relationships.py", "Overdue, due soon, up to date", "no intervals set"),
    ("app_pages/priorities.py", "Manage closely", "none assessed"),
    ("app_pages/priorities.py", "Short of target", "No targets set"),
]


@pytest.mark.parametrize("script, label, words", UNSET)
def test_a_figure_whose_basis_is_unset_says_so(data_dir, script, label, words):
    metrics = {m.label: m.value for m in apptest.open_page(script).metric}
    assert metrics[label] == words


@pytest.mark.parametrize("script", [script for script, _, _ in MENU])
def test_no_headline_figure_reads_zero_on_the_bundled_map(data_dir, script):
    """Unfiltered, a bare zero on the bundled map would be missing data read as a count: none may show. A zero with
    its basis ('0 of 121' assessed) says what it counts."""
    zeros = [m.label for m in apptest.open_page(script).metric if m.value in ("0", "0%") or m.value.startswith("0 (")]
    assert not zeros


@pytest.mark.parametrize("hcp", ["NCL", "SEL", "NEL"])
def test_an_hcp_filter_counts_that_hcps_own_rows(data_dir, store, hcp):
    """Headline figures are the HCP's own; the London-wide rows the tables also list are counted apart in words."""
    from lasdash import queries
    con = queries.connect(store, store.current_id())
    own = len(queries.run(con, "organisations", queries.Filter((hcp,), include_wider=False)))
    wider = len(queries.run(con, "organisations", queries.Filter((hcp,)))) - own
    metrics = {m.label: m.value for m in apptest.open_page("app_pages/engagement.py", hcp=hcp).metric}
    assert metrics["Mapped organisations"] == f"{own} (+{wider} London-wide)"
    assert metrics["Coverage"].endswith("%")
    overview = apptest.open_page(hcp=hcp)
    assert any(f"in {hcp}:" in m.value for m in overview.markdown)  # "On the map in NCL: ..."
    assert any(h.value == f"Organisations in {hcp}" for h in overview.subheader)
