"""A hostile-text map: the default map with Markdown, HTML and Streamlit markup in its text.

Every text cell that is not an ID, a reference or a listed value gets one payload appended, in
rotation, so every kind of markup lands in names, titles, organisations, forums, notes, sources,
periods and recommendations. Each payload carries a marker (HX01 ...): wherever a marker is on
screen, the whole payload must be there as written, or something rendered it as markup.

    python tests/hostile_text.py OUT.xlsx     write the workbook, to try by hand
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lasdash import pipeline
from lasdash import schema as S
from lasdash.defaults import load_seed_tables
from lasdash.workbook import save_workbook

EVIL_HOST = "evil.example"
# (marker, payload): one of each kind of markup Streamlit's Markdown would act on
PAYLOADS = [
    ("HX01", "[HX01 Verify your NHS login](https://evil.example/login)"),
    ("HX02", "![HX02](https://evil.example/beacon.png)"),
    ("HX03", "<img src='https://evil.example/html.png'> HX03"),
    ("HX04", "<script src='https://evil.example/s.js'></script> HX04"),
    ("HX05", "<https://evil.example/auto> HX05 www.evil.example/www x@evil.example"),
    ("HX06", ":red[HX06] **bold** _em_ ~~struck~~"),
    ("HX07", "$HX07^2$ and $$x$$"),
    ("HX08", "`HX08` :smile: :material/warning: :streamlit:"),
    ("HX09", "HX09 -> <- -- >= <= ~= <->"),
    ("HX10", "# HX10 heading"),
    ("HX11", "- HX11 | a | b |"),
    ("HX12", "[HX12][r] [r]: https://evil.example/ref"),
    ("HX13", "<a href='https://evil.example/a'>HX13</a> &amp; &#x41;"),
    ("HX14", "\\*HX14\\* backslashes \\\\ kept"),
]
MARKERS = [m for m, _ in PAYLOADS]
CHAIR_ID = "PER-mel-collins"  # chairs the NW London JHOSC (000 Chart 5)
CHAIR_NAME = "Mel [Verify your NHS login](https://evil.example/login)"
# a recommendation the Health Committee letter made, so its ID is listed as overdue on the page
HOSTILE_ID = ("REC-001-HC1", "REC-[HX15](https://evil.example/id)")
MARKERS.append("HX15")
# what the snapshot itself records: author, note and the upload's file name
AUTHOR = "Ed [HX16](https://evil.example/author)"
NOTE = "Refresh ![HX17](https://evil.example/note.png)"
FILE_NAME = "map [HX18](https://evil.example/file).xlsx"
# what a link can carry into the page: an unknown HCP, a people search
LINK_HCP = "[HX19](https://evil.example/hcp)"
LINK_SEARCH = "[HX20](https://evil.example/search)"
MARKERS += ["HX16", "HX17", "HX18", "HX19", "HX20"]
LITERALS = {m: p for m, p in PAYLOADS} | {"HX15": HOSTILE_ID[1], "HX16": AUTHOR, "HX17": NOTE, "HX18": FILE_NAME,
                                          "HX19": LINK_HCP, "HX20": LINK_SEARCH}


CODES = {("Forums", "kind")}  # free text that the views match ('JHOSC', 'HWB'): a payload would empty the pages
# lists separated by ';', which the views split: they get the payloads without a ';'
LISTS = {("Organisations", "aliases"), ("People", "aliases"), ("Organisations", "las_owner"), ("Forums", "las_attendee")}


def _free_text(sheet: S.Sheet) -> list[S.Column]:
    return [c for c in sheet.columns if c.type == "text" and not c.allowed and not c.ref and c.name != sheet.key
            and (sheet.name, c.name) not in CODES]


def hostile_tables() -> dict[str, pd.DataFrame]:
    tables = load_seed_tables()
    turn = 0
    for sheet in S.SHEETS:
        df = tables[sheet.name]
        for col in _free_text(sheet):
            payloads = [p for _, p in PAYLOADS if (sheet.name, col.name) not in LISTS or ";" not in p]
            values = df[col.name].astype(object).tolist()
            for i, value in enumerate(values):
                payload = payloads[turn % len(payloads)]
                turn += 1
                values[i] = payload if pd.isna(value) else f"{value} {payload}"
            df[col.name] = values
    people = tables["People"]
    people.loc[people["id"] == CHAIR_ID, "name"] = CHAIR_NAME
    recs = tables["Recommendations"]
    recs.loc[recs["id"] == HOSTILE_ID[0], "id"] = HOSTILE_ID[1]
    return tables


def write(path: Path | str) -> Path:
    save_workbook(path, hostile_tables())
    return Path(path)


def publish(root: Path):
    """A store in `root` whose current map is the hostile one, published the way the CLI publishes: (store, manifest)."""
    store = pipeline.open_store(root / "store")
    outcome = pipeline.publish(store, write(root / "hostile.xlsx"), author=AUTHOR, note=NOTE, display_name=FILE_NAME)
    assert outcome.manifest is not None, outcome.validation.summary()
    return store, outcome.manifest


if __name__ == "__main__":
    print(write(sys.argv[1]))
