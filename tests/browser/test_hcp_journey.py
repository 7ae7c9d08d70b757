"""An executive filters SEL on the bundled map (issue 20): SEL's own rows first and counted, London-wide ones marked;
0 % drawn as 0 %; the overdue recommendations readable in full without a CSV."""
import csv
import io

from PIL import Image

from .conftest import ARTIFACTS
from .server import main_text, open_path, wait_for_app

PALE_GREY, MID_BLUE = (0xE8, 0xED, 0xEE), (0x74, 0xA5, 0xD3)  # 0 % and halfway from it to NHS Blue


def _near(pixel, colour, tolerance):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def test_sel_not_engaged_lists_sels_own_first_and_marks_london(page, server):
    open_path(page, server, "engagement", "hcp=SEL")
    text = main_text(page)
    assert "Figures count SEL's own rows" in text
    page.get_by_role("tab", name="Not engaged").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV: Organisations mapped but not engaged").click()
    rows = list(csv.DictReader(io.StringIO(info.value.path().read_bytes().decode("utf-8-sig"))))
    scopes = [r["Scope"] for r in rows]
    own = scopes.count("SEL")
    assert own == 10 and scopes[:own] == ["SEL"] * own  # SEL's own first
    assert set(scopes[own:]) <= {"London-wide", "National"} and len(scopes) > own  # then London's, marked
    assert all(r["Footprint"] == "SEL" for r in rows[:own])
    assert page.get_by_role("tab").all_inner_texts() == ["Engaged (0 (+10 London-wide))", "Not engaged (10 (+20 London-wide))"]


def test_a_zero_heatmap_is_drawn_as_zero(page, server):
    open_path(page, server, "engagement", "hcp=SEL&wider=false")  # every cell 0/5
    chart = page.locator("[data-testid=stVegaLiteChart]").first
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)  # the canvas paints after the script run
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "heatmap_sel_zero.png"
    chart.screenshot(path=str(shot))
    image = Image.open(shot).convert("RGB")
    rows = [[image.getpixel((x, y)) for x in range(image.width)] for y in range(image.height)]
    pale = sum(_near(p, PALE_GREY, 4) for row in rows for p in row)
    cells = [row for row in rows if sum(_near(p, PALE_GREY, 4) for p in row) > 100]  # the grid's rows, not the legend
    mid = sum(_near(p, MID_BLUE, 25) for row in cells for p in row)
    assert pale > 2000, f"0 % cells are not drawn pale ({pale} pale pixels; see {shot})"
    assert mid < 20, f"a 0 % cell is drawn mid-blue ({mid} mid-blue pixels in the grid; see {shot})"


def test_the_overdue_recommendations_read_in_full(page, server):
    open_path(page, server, "recommendations", "hcp=SEL")
    page.get_by_text("days overdue").first.wait_for()  # the list is drawn (a loaded machine may still be painting)
    wait_for_app(page)
    text = main_text(page)
    assert "Overdue: 6" in text and "0 (+6 London-wide)" in text, text[:1500]
    assert "Health Committee letter 20 Feb 2023, recommendation 1 (REC-001-HC1) · due 31 Mar 2023" in text
    assert "owner: not recorded" in text
    # the whole text of the first, not clipped
    assert ("The LAS should include in its new strategy commitments to increase levels of patient engagement, in "
            "order to give patients a greater say in how services are delivered.") in text.replace("\n", " ")
    wait_for_app(page)
