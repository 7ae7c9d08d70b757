"""Meeting briefs: one A4 page on the forum, organisation, person or partnership an executive is about to meet.

`build` gathers a brief from the named views as plain data (the app previews it as it is); `render_pdf` typesets it
with typst (lasdash/briefs/brief.typ) as tagged PDF/UA-1. Map text reaches typst only as JSON in sys.inputs, never
as template source; the compile root holds only the template and its fonts; no package is imported, so nothing is
fetched. Facts come from the views (queries.run), so a brief says what the pages say: blanks stay gaps, and a cut
list says how many more rows the dashboard has.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import difflib
import json
import math
import struct
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

from . import clock, queries, team
from . import schema as S
from .edits import is_first_hand
from .normalise import match_key
from .validate import NameIndex

KINDS = S.BRIEF_KINDS
KIND_WORDS = {"forum": ("forum", "forums"), "organisation": ("organisation", "organisations"),
              "person": ("person", "people"), "hcp": ("partnership (HCP)", "partnerships (HCPs)")}
HCP_SHORT = {"NWL": "NW London", "NCL": "NC London", "NEL": "NE London", "SEL": "SE London", "SWL": "SW London"}
CHAIRS = ("Chair", "Co-chair", "Independent Chair", "Interim Chair")  # the roles the forums view calls its chair
CLOSED = ("Done", "Closed", "Superseded")  # any other status, or none recorded, is open (as on the page)
OPEN_ROW = f"\"Status\" NOT IN ({', '.join(repr(s) for s in CLOSED)})"  # the same, over the recommendations view
OPEN = f"count(*) FILTER (WHERE {OPEN_ROW})"
DOCUMENTS = "|Documents|"  # brief_links' documents, by their Sheet
NOT_KNOWN = "Not known"  # a seat the source mentions without naming its holder
MORE = " … and {n} more"
# How many rows each table shows before "and N more (see the dashboard)": the largest subject on the bundled map
# then fits on two pages.
LIMITS = {"seats": 18, "people": 14, "hosted": 8, "engagements": 4, "recommendations": 4, "gaps": 8, "leaders": 10,
          "boards": 12, "jhoscs": 4, "hwbs": 8}
LONGEST_CELL = 1200  # characters; a longer cell is cut, saying so (a cell of pages would push a brief past two)

BRIEFS_DIR = resources.files(__package__) / "briefs"  # the compile root: the template and its fonts, nothing else
TEMPLATE = "brief.typ"
FONTS = "fonts"


@dataclass(frozen=True)
class Subject:
    kind: str  # one of KINDS
    id: str  # the row's ID; an HCP's code, e.g. "NEL"
    name: str  # display name (a person's with their title; an HCP's from schema.HCP_NAMES)
    aliases: str | None = None
    detail: str = ""  # a short disambiguator for pickers, e.g. "JHOSC · NEL"


class UnknownSubject(ValueError):
    """No subject, or more than one, has this ID, name or alias; `suggestions` are up to three closest."""

    def __init__(self, message: str, suggestions: list[Subject]):
        super().__init__(message)
        self.suggestions = suggestions


# --- small pure helpers -----------------------------------------------------------------------------------------
def cell_text(value: object) -> str | None:
    """A cell as one line of text, a date as '31 Mar 2023'; None for a blank (None, NaN, NA, NaT, '')."""
    if _blank(value):
        return None
    if isinstance(value, dt.date):  # datetimes and pandas Timestamps too
        return f"{value:%d %b %Y}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    out = " ".join(str(value).split())
    if len(out) > LONGEST_CELL:
        out = out[:LONGEST_CELL].rsplit(" ", 1)[0] + " … (cut here: the whole text is on the dashboard)"
    return out or None


def display_name(name: str | None, title: str | None) -> str:
    """'Cllr Eileen Keller' from its name and title."""
    return " ".join(p for p in (cell_text(title), cell_text(name)) if p)


def and_list(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = [i for i in items if i]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


def when(date: object, period: object) -> str | None:
    """An engagement's date, else the period as printed; None when neither is recorded."""
    return cell_text(date) or cell_text(period)


def cut(rows: list, limit: int) -> tuple[list, int]:
    """The first `limit` rows and how many were left out (a brief never drops a row without saying so). One row
    over is shown: its "and 1 more" line would save nothing."""
    if len(rows) <= limit + 1:
        return rows, 0
    return rows[:limit], len(rows) - limit


def capped(labels: list[str], n: int = 3) -> str | None:
    """Up to n labels joined with '; ', and how many more."""
    labels = [label for label in labels if label]
    if not labels:
        return None
    return "; ".join(labels[:n]) + (MORE.format(n=len(labels) - n) if len(labels) > n else "")


def id_search(row_id: str) -> str:
    """The search text that finds one ID exactly in the brief views' '|ID|' search columns (not 'ORG-a' in
    'ORG-ab'); matching ignores case, so callers keep only the rows whose ID is equal."""
    return f"|{row_id}|"


def place_filter(footprint: str | None) -> queries.Filter:
    """The filter holding a row of this footprint: its HCP alone, London-wide and national alone, or everything."""
    if footprint in S.HCP_CODES:
        return queries.Filter((footprint,), include_wider=False)
    if footprint in queries.WIDER:
        return queries.Filter(only_wider=True)
    return queries.NO_FILTER


def line(parts: list) -> str:
    """Facts for a subtitle: 'JHOSC · Scrutiny · North East London', each once, blanks left out."""
    kept = {match_key(p): p for p in (cell_text(p) for p in parts) if p}
    return " · ".join(kept.values())


def footprint_words(footprint: str | None) -> str | None:
    return S.HCP_NAMES.get(footprint, footprint) if footprint else None


def split_sources(source: object, documents) -> list[tuple[str, str]]:
    """'000 Chart 5; 000 §3.5' -> [('000', 'Chart 5'), ('000', '§3.5')]: a ';' starts another source only where a
    document ID (one of `documents`) or a first-hand record follows, so a ';' in the text stays in it. A first-hand
    record is its own document."""
    parts: list[str] = []
    for piece in (cell_text(source) or "").split(";"):
        head = piece.split(maxsplit=1)[0].rstrip(",:") if piece.strip() else ""
        if not parts or head in documents or is_first_hand(piece.strip()):
            parts.append(piece)
        else:
            parts[-1] += ";" + piece
    out = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if is_first_hand(part):
            out.append((part, ""))
            continue
        doc, _, where = part.partition(" ")
        out.append((doc.rstrip(",:"), where.strip()))
    return out


def source_lines(sources: list[object], titles: dict[str, str]) -> list[str]:
    """The documents a brief cites, each once with the parts cited: '000 · Stakeholder engagement report for LAS:
    Chart 5; §3.5'. In the documents' order; first-hand records last."""
    cited: dict[str, list[str]] = {}
    for source in sources:
        for doc, where in split_sources(source, titles):
            places = cited.setdefault(doc, [])
            if where and where not in places:
                places.append(where)
    lines = []
    for doc in sorted(cited, key=lambda d: (is_first_hand(d), d)):
        if is_first_hand(doc):
            lines.append(doc)
            continue
        head = f"{doc} · {titles[doc]}" if doc in titles else doc
        lines.append(head + (": " + "; ".join(cited[doc]) if cited[doc] else ""))
    return lines


def level_rank(level: object) -> int:
    """Deeper engagement ranks lower (Co-produce 0); an unknown level last."""
    return S.ENGAGEMENT_LEVELS.index(level) if level in S.ENGAGEMENT_LEVELS else len(S.ENGAGEMENT_LEVELS)


# --- what typst can draw ----------------------------------------------------------------------------------------
def _cmap(data: bytes) -> set[int]:
    """The code points a TrueType font maps to a glyph (cmap formats 4 and 12)."""
    tables = {data[12 + 16 * i:16 + 16 * i]: struct.unpack(">II", data[20 + 16 * i:28 + 16 * i])
              for i in range(struct.unpack(">H", data[4:6])[0])}
    base = tables[b"cmap"][0]
    out: set[int] = set()
    for i in range(struct.unpack(">H", data[base + 2:base + 4])[0]):
        at = base + struct.unpack(">I", data[base + 8 + 8 * i:base + 12 + 8 * i])[0]
        fmt = struct.unpack(">H", data[at:at + 2])[0]
        if fmt == 4:
            n = struct.unpack(">H", data[at + 6:at + 8])[0] // 2
            ends = struct.unpack(f">{n}H", data[at + 14:at + 14 + 2 * n])
            starts = struct.unpack(f">{n}H", data[at + 16 + 2 * n:at + 16 + 4 * n])
            deltas = struct.unpack(f">{n}h", data[at + 16 + 4 * n:at + 16 + 6 * n])
            offsets_at = at + 16 + 6 * n
            offsets = struct.unpack(f">{n}H", data[offsets_at:offsets_at + 2 * n])
            for k in range(n):
                for c in range(starts[k], ends[k] + 1):
                    if c == 0xFFFF:
                        continue
                    if offsets[k] == 0:
                        glyph = (c + deltas[k]) & 0xFFFF
                    else:
                        g_at = offsets_at + 2 * k + offsets[k] + 2 * (c - starts[k])
                        glyph = struct.unpack(">H", data[g_at:g_at + 2])[0]
                        glyph = (glyph + deltas[k]) & 0xFFFF if glyph else 0
                    if glyph:
                        out.add(c)
        elif fmt == 12:
            for j in range(struct.unpack(">I", data[at + 12:at + 16])[0]):
                first, last, _ = struct.unpack(">III", data[at + 16 + 12 * j:at + 28 + 12 * j])
                out.update(range(first, last + 1))
    return out


@cache
def drawable() -> frozenset[int]:
    """The code points every shipped font draws (regular and bold alike)."""
    fonts = [f for f in (BRIEFS_DIR / FONTS).iterdir() if f.name.endswith(".ttf")]
    return frozenset(set.intersection(*(_cmap(f.read_bytes()) for f in fonts)))


def printable(value: str, covered: frozenset[int] | None = None) -> str:
    """The text as the PDF can show it: a character no shipped font has becomes its code point, '[U+10000]'
    (PDF/UA-1 refuses a glyph it cannot draw, and a blank box would hide that something is there); control and
    format characters, which draw nothing, are dropped."""
    covered = drawable() if covered is None else covered
    if value.isascii() and value.isprintable():
        return value
    out = []
    for ch in value:
        code, kind = ord(ch), unicodedata.category(ch)
        if kind in ("Cc", "Cf", "Cs") or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
            out.append(" " if ch in "\t\n\r" else "")  # draws nothing: a control, format or variation character
        elif code in covered:
            out.append(ch)
        elif kind.startswith("Z"):
            out.append(" ")  # a space or line separator the fonts lack
        else:
            out.append(f"[U+{code:04X}]")
    return "".join(out)


def _printable_tree(value):
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {k: _printable_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_printable_tree(v) for v in value]
    return value


_COMPILERS = threading.local()


def _compiler():
    """This thread's typst compiler: it keeps the parsed template and fonts between briefs (a PDF in about half the
    time of a fresh compile, the same bytes). Its root is lasdash/briefs/, which holds only the template and the
    fonts; system fonts are ignored, so a brief looks the same on every machine."""
    import typst  # only when a PDF is made: the CLI's other commands never load it

    if getattr(_COMPILERS, "compiler", None) is None:
        root = BRIEFS_DIR
        _COMPILERS.compiler = typst.Compiler(str(root / TEMPLATE), root=str(root), font_paths=[str(root / FONTS)],
                                             ignore_system_fonts=True)
    return _COMPILERS.compiler


def render_pdf(brief: dict) -> bytes:
    """The brief as a tagged PDF/UA-1: typst checks the standard while it compiles and fails rather than write a PDF
    that breaks it (raising typst.TypstError). The brief reaches the template only as JSON (sys.inputs)."""
    data = json.dumps(_printable_tree(brief), ensure_ascii=False)
    return _compiler().compile(sys_inputs={"brief": data}, pdf_standards=["ua-1"])


# --- the views a brief reads -------------------------------------------------------------------------------------
_BATCH: contextvars.ContextVar = contextvars.ContextVar("brief_batch", default=None)


@contextlib.contextmanager
def batch(con):
    """Build many briefs on one connection (the test over every subject): within it, each view is read once for all
    of them, whole or under a footprint, and a brief picks its rows by ID from that (outside, it asks the brief_*
    views for its IDs, which costs less for one brief on a large map). A connection is views over one snapshot,
    which never changes."""
    token = _BATCH.set((con, clock.today(), {}))
    try:
        yield
    finally:
        _BATCH.reset(token)


class _Views:
    """The named views on one connection, each read once per filter for a brief (several sections read the same).

    A brief reads its own rows by ID (the brief_* views' '|ID|' search) or under its footprint, and of a long list
    only the first rows and the count (queries.first_rows), so its cost barely grows with the map."""

    def __init__(self, con):
        self.con = con
        self._seen: dict[tuple, object] = {}
        shared = _BATCH.get()
        self._shared = shared[2] if shared and shared[0] is con and shared[1] == clock.today() else None

    def _memo(self, key: tuple, flt: queries.Filter, read):
        seen = self._shared if self._shared is not None and (not flt.search or flt.search == DOCUMENTS) \
            else self._seen
        if key not in seen:
            seen[key] = read()
        return seen[key]

    def run(self, view: str, flt: queries.Filter = queries.NO_FILTER) -> pd.DataFrame:
        return self._memo((view, flt), flt, lambda: queries.run(self.con, view, flt))

    def records(self, view: str, flt: queries.Filter = queries.NO_FILTER) -> list[dict]:
        return _records(self.run(view, flt))

    def first(self, view: str, flt: queries.Filter, limit: int,
              measures: dict[str, str] | None = None) -> tuple[list[dict], dict[str, object]]:
        """The view's first rows, and its row count and `measures` (our SQL) over all its rows."""
        key = (view, flt, limit, tuple((measures or {}).items()))
        df, figures = self._memo(key, flt, lambda: queries.first_rows(self.con, view, flt, limit, measures))
        return _records(df), figures

    def by_id(self, view: str, ids, flt: queries.Filter = queries.NO_FILTER, column: str = "ID") -> list[dict]:
        """The view's rows whose `column` is one of `ids`, in the view's order."""
        ids = set(ids)
        if not ids:
            return []
        df = self.run(view, flt)
        return _records(df[df[column].isin(ids)])

    def _searched(self, view: str, row_id: str, columns: tuple[str, ...]) -> pd.DataFrame:
        """The view's rows naming this ID in any of `columns`: searched for (a superset: the search ignores case),
        or, in a batch, picked from the whole view (exactly)."""
        if self._shared is None:
            return self.run(view, queries.Filter(search=id_search(row_id)))
        df = self.run(view)
        return df[df[list(columns)].eq(row_id).any(axis=1)]

    def linked_to(self, row_id: str) -> list[dict]:
        """brief_subjects' row of this ID and the rows linked to it (an organisation's people and hosted forums)."""
        return _records(self._searched("brief_subjects", row_id, ("ID", "Organisation ID")))

    def subject(self, row_id: str | None, kind: str) -> dict | None:
        """brief_subjects' row of this ID and kind."""
        if not row_id:
            return None
        return next((r for r in self.linked_to(row_id) if r["ID"] == row_id and r["Kind"] == kind), None)

    def seats(self, row_id: str) -> list[dict]:
        """brief_seats' rows naming this ID (a forum's, an organisation's and its people's, a person's), most senior
        first."""
        df = self._searched("brief_seats", row_id, ("Forum ID", "Organisation ID", "Person ID",
                                                    "Holder's organisation ID"))
        return _records(df.sort_values(["Seniority", "Holder", "Seat ID"], na_position="last", kind="stable"))

    def links(self, sheet: str, search: str | None = None, **ids) -> list[dict]:
        """The engagements or recommendations naming any of the given IDs (column name -> IDs): their ID and
        footprint. `search`: an ID every one of them names, which narrows the query."""
        df = self.run("brief_links", queries.Filter(search=id_search(search))
                      if search and self._shared is None else queries.NO_FILTER)
        df = df[df["Sheet"] == sheet]
        keep = pd.Series(False, index=df.index)
        for column, wanted in ids.items():
            keep |= df[column].isin(set(wanted))
        return _records(df.loc[keep, ["ID", "Footprint"]])

    def linked(self, view: str, links: list[dict], column: str = "ID") -> list[dict]:
        """The view's rows for these links (or seats), read under the one footprint they share, if they do."""
        return self.by_id(view, [r[column] for r in links], common_filter([r["Footprint"] for r in links]), column)

    def document_titles(self) -> dict[str, str]:
        df = self.run("brief_links", queries.Filter(search=DOCUMENTS))
        df = df[df["Sheet"] == "Documents"]
        return dict(zip(df["ID"], df["Label"].fillna(""), strict=True))

    def relationship(self, org: dict | None) -> dict | None:
        """The relationships view's row for an organisation (a brief_subjects row). That view names its rows, not
        their IDs, so this is its row of the same name, footprint and source (None if none, or several that
        disagree)."""
        if org is None:
            return None
        df = self.run("relationships", place_filter(org["Footprint"]))
        same = df[(df["Organisation"] == org["Name"]) & (df["Source"] == org["Source"])
                  & (df["Footprint"].fillna("") == (org["Footprint"] or ""))]
        rows = _records(same)
        if not rows or len({(r["Status"], r["Last contact"]) for r in rows}) > 1:
            return None
        return rows[0]


def _records(df: pd.DataFrame) -> list[dict]:
    """A frame's rows as dicts, a blank (NaN, NA, NaT) as None."""
    columns = list(df.columns)
    return [{c: (None if _blank(v) else v) for c, v in zip(columns, row, strict=True)}
            for row in df.itertuples(index=False, name=None)]


def _blank(value: object) -> bool:
    return (value is None or value is pd.NA or value is pd.NaT or value == ""
            or (isinstance(value, float) and math.isnan(value)))


def common_filter(footprints: list) -> queries.Filter:
    """The filter holding rows of these footprints: the one place they share, else everything."""
    return place_filter(footprints[0]) if len(set(footprints)) == 1 else queries.NO_FILTER


# --- subjects and names -----------------------------------------------------------------------------------------
def _hcp_subjects(v: _Views) -> list[Subject]:
    df = v.run("hcp_partnerships")
    partnership = dict(zip(df["Footprint"], df["Partnership"], strict=True))
    return [Subject("hcp", code, S.HCP_NAMES[code], f"{code}; {HCP_SHORT[code]}",
                    " · ".join(filter(None, ["HCP footprint", partnership.get(code)]))) for code in S.HCP_CODES]


def _as_subject(r: dict) -> Subject:
    name = display_name(r["Name"], r["Title"]) if r["Kind"] == "person" else cell_text(r["Name"])
    return Subject(r["Kind"], r["ID"], name or r["ID"], cell_text(r["Aliases"]), cell_text(r["Detail"]) or "")


_SUBJECT_COLUMNS = ("Kind", "ID", "Name", "Title", "Aliases", "Detail")


def subjects(con) -> list[Subject]:
    """Every forum, organisation and person on the map, and the five HCPs. Only the six columns a Subject needs are
    read: all 23 (a forum's chair looked up for every forum) were 6 s and 180 MB at 100x the map, these 0.4 s and
    95 MB."""
    rows = queries.project(con, "brief_subjects", queries.NO_FILTER, {c: f'"{c}"' for c in _SUBJECT_COLUMNS})
    return [_as_subject(dict(zip(_SUBJECT_COLUMNS, r, strict=True))) for r in rows] + _hcp_subjects(_Views(con))


def _name_table(v: _Views, kind: str) -> tuple[pd.DataFrame, dict[str, Subject]]:
    """The kind's rows as the sheet NameIndex reads (id, name, title, aliases), and the subject of each ID."""
    if kind == "hcp":
        pool = _hcp_subjects(v)
        df = pd.DataFrame({"id": [s.id for s in pool], "name": [s.name for s in pool],
                           "aliases": [s.aliases for s in pool]})
        return df, {s.id: s for s in pool}
    rows = v.run("brief_subjects")
    rows = rows[rows["Kind"] == kind]
    df = pd.DataFrame({"id": rows["ID"], "name": rows["Name"], "title": rows["Title"], "aliases": rows["Aliases"]})
    return df, {r["ID"]: _as_subject(r) for r in _records(rows)}


def resolve(con, kind: str, text: str) -> Subject:
    """The subject an ID, exact name or alias names, case and spacing folded as an upload's names are read
    (validate.NameIndex). Unknown or ambiguous: UnknownSubject, with up to three closest names."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind '{kind}'; expected one of {', '.join(KINDS)}")
    df, by_id = _name_table(_Views(con), kind)
    wanted = " ".join(str(text or "").split())
    if wanted in by_id:
        return by_id[wanted]
    index = NameIndex(df, _SHEETS[kind])
    found = sorted({i for i in by_id if match_key(i) == match_key(wanted)} or index.find(wanted))
    one, many = KIND_WORDS[kind]
    if len(found) == 1:
        return by_id[found[0]]
    if found:
        named = [by_id[i] for i in found]
        raise UnknownSubject(f"'{wanted}' names {len(found)} {many}: {_listed(named)}; give the ID", named[:3])
    near = _closest(index, wanted, by_id)
    hint = f"; closest: {_listed(near)}" if near else ""
    raise UnknownSubject(f"no {one} on the map has the ID, name or alias '{wanted}'{hint}", near)


def _listed(subjects_: list[Subject]) -> str:
    return ", ".join(f"{s.name} ({s.id})" for s in subjects_[:3])


def _closest(index: NameIndex, wanted: str, by_id: dict[str, Subject]) -> list[Subject]:
    """The upload's closest spellings, then names holding the text, then the nearest IDs: up to three."""
    shown = {f"{index.label[rid]} ({rid})": rid for rid in index.label}
    ids = [shown[s] for s in index.closest(wanted) if s in shown]
    key = match_key(wanted)
    if key:
        ids += [rid for spelling, rids in index.ids.items() if key in spelling for rid in sorted(rids)]
        ids += difflib.get_close_matches(wanted, list(by_id), n=3, cutoff=0.6)
    return [by_id[i] for i in dict.fromkeys(ids) if i in by_id][:3]


# --- sections ---------------------------------------------------------------------------------------------------
def status_words(rel: dict | None) -> str:
    """A relationship in the relationships view's words (its Status column), with what the status rests on."""
    if rel is None:
        return "not known"
    parts = [rel["Status"]]
    if rel["Last contact"] is not None and rel["Status"] != "Never contacted":
        parts.append(f"last contact {cell_text(rel['Last contact'])}")
    if rel["Contact every (days)"] is not None:
        parts.append(f"contact every {rel['Contact every (days)']} days")
    elif rel["Status"] != "No interval set":
        parts.append("no contact interval set")
    return "; ".join(parts)


def _join(parts: list, sep: str = "; ") -> str | None:
    parts = [cell_text(p) for p in parts]
    return sep.join(p for p in parts if p) or None


def _latest_first(rows: list[dict]) -> list[dict]:
    """Engagements, the latest first: by date, or for a period its last day; undated ones last."""
    def key(r):
        day = r["Date"] if r["Date"] is not None else r["Period to"]
        return (day is not None, pd.Timestamp(day) if day is not None else pd.Timestamp.min, r["ID"])
    return sorted(rows, key=key, reverse=True)


def next_contact(dates: list, today: dt.date) -> str:
    """The next planned contact among the engagements' 'Next contact' dates, in words."""
    days = sorted({pd.Timestamp(d).date() for d in dates if d is not None})
    ahead = [d for d in days if d >= today]
    if ahead:
        return cell_text(ahead[0])
    return f"none ahead (the last planned was {cell_text(days[-1])})" if days else "none recorded"


def level_reached(rows: list[dict]) -> str:
    """The deepest level recorded in these engagements (latest first), with when."""
    if not rows:
        return "No engagement recorded"
    levelled = [r for r in rows if r["Level"] is not None]
    if not levelled:
        return f"Not recorded in its {plural(len(rows), 'engagement')}"
    best = min(levelled, key=lambda r: level_rank(r["Level"]))  # min keeps the first, the latest, of a level
    return _join([best["Level"], when(best["Date"], best["Period"])], ", ")


def chair_phrase(seats: list[dict]) -> str:
    """'chair Cllr Eileen Keller (LB Barking & Dagenham), vice chair not known' from a forum's seats."""
    parts = []
    for roles, word in ((CHAIRS, "chair"), (("Vice Chair",), "vice chair")):
        held = [s for s in seats if s["Role"] in roles]
        if not held:
            if word == "chair":
                parts.append("no chair recorded")
            continue
        named = [s for s in held if s["Holder"]]
        if named:
            kinds = {s["Role"] for s in named}
            role = named[0]["Role"].lower() if len(kinds) == 1 and word == "chair" else word
            role += "s" if len(named) > 1 and not role.endswith("chairs") else ""
            who = [s["Holder"] + (f" ({org})" if (org := s["Seat organisation"] or s["Holder's organisation"]) else "")
                   for s in named]
            parts.append(f"{role} {and_list(who)}")
        if len(named) < len(held):
            parts.append(f"{'another ' if named else ''}{word} not known")
    return ", ".join(parts)


def _also(seat: dict) -> str | None:
    """The holder's most senior other seats, and how many more."""
    if not seat["Other seats"]:
        return None
    return seat["Other seats"] + (MORE.format(n=seat["More other seats"]) if seat["More other seats"] else "")


def _role_and_organisation(seat: dict) -> str | None:
    role, org = seat["Substantive role"], seat["Holder's organisation"]
    if role and org and match_key(org) in match_key(role):
        return role  # 'Leader, LB of Southwark' already names the organisation
    return _join([role, org], ", ")


def _seat(seat: dict) -> str | None:
    return _join([seat["Role"], seat["Programme"], seat["Area"]], ", ")


class _Brief:
    """One brief being built: its sections in order, and the source of every fact it shows."""

    def __init__(self, con, subject: Subject):
        self.v, self.subject = _Views(con), subject
        self.sections: list[dict] = []
        self.cited: list[object] = []

    def cite(self, rows) -> None:
        for r in rows if isinstance(rows, list) else [rows]:
            if r and r.get("Source"):
                self.cited.append(r["Source"])

    def section(self, heading: str, columns: list[str], rows: list[list], limit: str | None = None,
                note: str | None = None, total: int | None = None) -> None:
        """A table; of `total` rows (default: all of `rows`), those beyond the limit are counted, never dropped."""
        if total is None:
            shown = list(dict.fromkeys(tuple(cell_text(v) for v in row) for row in rows))  # a repeated row says nothing new
            shown, more = cut(shown, LIMITS[limit]) if limit else (shown, 0)
        else:  # the first rows of a long view, and how many it has
            shown, _ = cut([tuple(cell_text(v) for v in row) for row in rows], LIMITS[limit])
            shown = shown if total <= LIMITS[limit] + 1 else shown[:LIMITS[limit]]
            more = total - len(shown)
        self.sections.append({"heading": heading, "columns": list(columns), "rows": [list(r) for r in shown],
                              "more": more, "note": note})

    def who(self, cell: str | None) -> str | None:
        """An owner, lead or attendee cell with the names the LAS team sheet gives its roles: 'Medical Director
        (Dr Jane Doe); Head of Partnerships' (a role with no name known stays as it is)."""
        if cell is None:
            return None
        names = {team.norm(r["Role"]): r["Name"] for r in self.v.records("las_team") if r["Name"]}
        return "; ".join(f"{part} ({names[team.norm(part)]})" if team.norm(part) in names else part
                         for part in team.split(cell)) or cell

    def room(self, at: int, columns: list[str], row: list) -> None:
        """LAS in the room, before the Engagement section whose rows give the level reached."""
        self.sections.insert(at, {"heading": "LAS in the room", "columns": columns, "rows": [[cell_text(v) for v in row]],
                                  "more": 0, "note": None})

    def engagements(self, links: list[dict], with_column: bool, status: str,
                    empty: str = "No engagement recorded") -> tuple[list[dict], str]:
        """The Engagement section on these engagements (links), the latest first; returns its rows and the
        summary's phrase."""
        rows = _latest_first(self.v.linked("engagements", links))
        self.cite(rows[:LIMITS["engagements"] + 1])
        note = (f"{empty}. " if not rows else "") + \
            f"Next planned contact: {next_contact([r['Next contact'] for r in rows], clock.today())}. " \
            f"Relationship status: {status}."
        columns = ["When", *(["With"] if with_column else []), "Mechanism", "Level", "Summary", "Next steps"]
        table = [[when(r["Date"], r["Period"]) or "Date not recorded",
                  *([r["Person"] or r["Forum"] or r["Organisation"]] if with_column else []),
                  r["Mechanism"], r["Level"], r["Summary"], r["Next steps"]] for r in rows]
        self.section("Engagement", columns, table, "engagements", note)
        if not rows:
            return rows, "no engagement recorded"
        latest, how = rows[0], cell_text(rows[0]["Mechanism"])
        return rows, f"last engaged {when(latest['Date'], latest['Period']) or 'on a date not recorded'}" + \
            (f" ({how.lower()})" if how else "")

    def recommendations(self, made_by: list[str], whose: str | None, hcp: str | None = None) -> str:
        """Open recommendations made by these organisations; for an HCP, by its organisations and then the London-wide
        ones, which bear on every partnership (as the Recommendations page says). Returns the summary's phrase."""
        if hcp:
            # the view lists the HCP's own first, then the longest overdue: open ones are among its first rows
            first, figures = self.v.first("recommendations", queries.Filter((hcp,)), 60,
                                          {"open": OPEN, "own": f"count(*) FILTER (WHERE {OPEN_ROW} AND \"Scope\" = '{hcp}')",
                                           "overdue": "count(*) FILTER (WHERE \"Overdue\" = 'Yes')"})
            rows = [r for r in first if r["Status"] not in CLOSED]
            total, own, overdue = figures["open"], figures["own"], figures["overdue"]
            note = (f"{'No open one' if not own else plural(own, 'open one')} made by its organisations; then "
                    f"{plural(total - own, 'London-wide one')} (made by a London-wide body or by no one), which "
                    "bear on every partnership. The longest overdue first.")
        else:
            links = self.v.links("Recommendations", made_by[0], **{"Organisation ID": made_by}) if made_by else []
            rows = [r for r in self.v.linked("recommendations", links) if r["Status"] not in CLOSED]
            total = own = len(rows)
            overdue = sum(r["Overdue"] == "Yes" for r in rows)
            wider_own = sum(r["Footprint"] not in S.HCP_CODES for r in links
                            if r["ID"] in {x["ID"] for x in rows})  # its own open ones counted as London-wide
            wider = self.v.first("recommendations", queries.Filter(only_wider=True), 1, {"open": OPEN})[1]["open"]
            wider -= wider_own
            where = (f"Made by {whose}, the longest overdue first. " if rows else f"No recommendation made by {whose}. ") if whose \
                else "No recommendation linked: the map links one to the organisation that made it, and has none for this. "
            note = where + (f"{plural(wider, 'other open recommendation')} {'is' if wider == 1 else 'are'} "
                            "London-wide or name no organisation: see the Recommendations page.")
        self.cite(rows[:LIMITS["recommendations"] + 1])
        self.section("Open recommendations", ["Ref", "Recommendation", "Owner", "Due", "Status", "Days overdue"],
                     [[r["Reference"] or r["ID"], r["Recommendation"], r["Owner"], r["Due"], r["Status"],
                       r["Days overdue"]] for r in rows], "recommendations", note, total)
        if not total:
            return "no open recommendations" + (" bear on it" if hcp else "")
        phrase = plural(total, "open recommendation") + (f", {overdue} overdue" if overdue else "")
        if hcp:
            phrase += " (all London-wide)" if not own else f" ({own} made by its organisations)"
        return phrase

    def seat_gaps(self, seats: list[dict]) -> list[list]:
        """Unknown chairs and leads marked TBC among these seats, as the gap views list them (each view asked only
        if a seat could be in it: one with no holder, one with a note)."""
        out = []
        for r in self.v.linked("gap_unknown_chairs", [s for s in seats if not s["Holder"]], "Seat ID"):
            self.cite(r)
            out.append([f"{r['Role']} not known", _join([r["Forum or organisation"], r["Note"]], ": ")])
        for r in self.v.linked("gap_tbc_leads", [s for s in seats if s["Note"]], "Seat ID"):
            self.cite(r)
            out.append(["Lead marked TBC", _join([f"{r['Role']}, {r['Programme or forum']}", r["Person"], r["Note"]],
                                                 ": ")])
        return out

    def organisation_gaps(self, org: dict | None, rel: dict | None, label: str = "") -> list[list]:
        """What the map does not record about LAS's relationship with an organisation."""
        if org is None:
            return []
        name, out = label or org["Name"], []
        if org["LAS relationship owner"] is None:
            out.append(["No LAS relationship owner", name])
        if org["Contact every (days)"] is None:
            out.append(["No contact interval", name])
        if org["Target engagement"] is None:
            out.append(["No target engagement level", name])
        if rel is None:
            out.append(["Relationship status not known", f"{name}: no single row in the relationships view"])
        return out

    def gaps(self, rows: list[list]) -> None:
        note = None if rows else "Nothing this brief draws on is recorded as unknown."
        self.section("What the map does not know", ["Gap", "Where / detail"], rows, "gaps", note)


def _chair_gap(chair: str | None) -> str | None:
    """A forum's gap in the gap_forums_without_chair view's words, from its Chair (the forums view's column)."""
    if not chair:
        return "No chair recorded"
    return "Chair seat recorded, holder unknown" if set(chair.split("; ")) == {"Unknown"} else None


# --- the four kinds of brief ------------------------------------------------------------------------------------
def _subject_and_organisation(b: _Brief, kind: str) -> tuple[dict, dict | None, str | None, dict | None]:
    """A forum's or person's brief_subjects row, its organisation (a forum's host), that one's name and its
    relationship, each cited."""
    me = b.v.subject(b.subject.id, kind)
    if me is None:
        raise UnknownSubject(f"no {kind} on the map has the ID '{b.subject.id}'", [])
    b.cite(me)
    org = b.v.subject(me["Organisation ID"], "organisation")
    b.cite(org)
    return me, org, org["Name"] if org else None, b.v.relationship(org)


def _forum(b: _Brief) -> tuple[str, str]:
    v, fid = b.v, b.subject.id
    forum, host, host_name, rel = _subject_and_organisation(b, "forum")
    seats = [s for s in v.seats(fid) if s["Forum ID"] == fid]
    b.cite(seats)
    noted = any(s["Note"] for s in seats)
    b.section("Who sits there", ["Seat", "Holder", "Substantive role, organisation", "Also sits on",
                                 *(["Note"] if noted else [])],
              [[_seat(s), s["Holder"] or NOT_KNOWN, _role_and_organisation(s), _also(s),
                *([s["Note"]] if noted else [])] for s in seats], "seats",
              None if seats else "No seats recorded: the map names nobody in this forum.")

    at = len(b.sections)
    rows, engaged = b.engagements(v.links("Engagements", fid, **{"Forum ID": [fid]}), False,
                                  f"{status_words(rel)} (with its host, {host_name})" if host
                                  else "none, as the map names no host organisation for it")
    b.room(at, ["LAS attendee role (Chart 2)", "LAS relationship owner", "Target engagement", "Level reached"],
           [b.who(forum["LAS attendee role"]) or "Not recorded",
            f"{b.who(host['LAS relationship owner']) or 'Not recorded'} (for {host_name})" if host
            else "No host organisation on the map",
            (host["Target engagement"] or "Not set") if host else "Not set (no host organisation)",
            level_reached(rows)])
    recs = b.recommendations([host["ID"]] if host else [], host_name and f"its host, {host_name}")

    gaps = b.seat_gaps(seats)
    if not any(s["Role"] in CHAIRS for s in seats):
        gaps.insert(0, ["No chair recorded", forum["Name"]])
    if forum["LAS attendee role"] is None:
        gaps.append(["No LAS attendee role (Chart 2)", forum["Name"]])
    if host is None:
        gaps.append(["No host organisation", f"{forum['Name']}: so no LAS relationship owner, interval or target"])
    b.gaps(gaps + b.organisation_gaps(host, rel, f"{host_name} (host)" if host else ""))

    subtitle = line([forum["Kind or category"], forum["Tier"], footprint_words(forum["Footprint"]),
                     host_name and f"hosted by {host_name}", forum["Programme / theme"],
                     forum["Cadence"] and f"meets {forum['Cadence']}"])
    return subtitle, f"{forum['Name']}: {chair_phrase(seats)}; {engaged}; {recs}"


def _organisation(b: _Brief) -> tuple[str, str]:
    v, oid = b.v, b.subject.id
    linked = v.linked_to(oid)
    org = next((r for r in linked if r["ID"] == oid and r["Kind"] == "organisation"), None)
    if org is None:
        raise UnknownSubject(f"no organisation on the map has the ID '{oid}'", [])
    b.cite(org)
    rel = v.relationship(org)
    people = [r for r in linked if r["Kind"] == "person" and r["Organisation ID"] == oid]
    hosted = [r for r in linked if r["Kind"] == "forum" and r["Organisation ID"] == oid]
    seats = [s for s in v.seats(oid) if oid in (s["Organisation ID"], s["Holder's organisation ID"])]
    here = [s for s in seats if s["Organisation ID"] == oid and s["Forum ID"] is None]
    b.cite(here)

    # its own seats first (its chair, its chief executive), then its other people with their substantive roles
    rows = [[s["Holder"] or NOT_KNOWN, _seat(s), s["Substantive role"], _also(s)] for s in here]
    seated = {s["Person ID"] for s in here}
    for p in people:
        if p["ID"] in seated:
            continue
        theirs = sorted((s for s in seats if s["Person ID"] == p["ID"]), key=lambda s: (s["Seniority"], s["Where"]))
        b.cite(p)
        b.cite(theirs)
        rows.append([display_name(p["Name"], p["Title"]), None, p["Detail"],
                     capped([f"{s['Role']}, {s['Where']}" for s in theirs])])
    b.section("Who sits there", ["Person", "Seat here", "Substantive role", "Also sits on"], rows, "people",
              None if rows else "Nobody on the map holds a seat in it or works for it.")
    b.cite(hosted)
    if hosted:
        b.section("Forums it hosts", ["Forum", "Kind", "Chair", "LAS attendee role (Chart 2)"],
                  [[f["Name"], f["Kind or category"], f["Chair"] or "Not recorded",
                    f["LAS attendee role"] or "Not recorded"] for f in hosted], "hosted")

    at = len(b.sections)
    erows, engaged = b.engagements(v.links("Engagements", **{"Organisation ID": [oid],
                                                             "Person ID": [p["ID"] for p in people],
                                                             "Forum ID": [f["ID"] for f in hosted]}),
                                   True, status_words(rel))
    every = org["Contact every (days)"]
    b.room(at, ["LAS relationship owner", "Contact every", "Target engagement", "Level reached"],
           [b.who(org["LAS relationship owner"]) or "Not recorded",
            f"{every} days" if every is not None else "No interval set",
            org["Target engagement"] or "Not set", level_reached(erows)])
    recs = b.recommendations([oid], org["Name"])

    gaps = b.organisation_gaps(org, rel)
    if org["Power"] is None or org["Interest"] is None:
        gaps.append(["Power and interest not assessed", org["Name"]])
    gaps += b.seat_gaps(here)
    gaps += [[f"Forum it hosts: {gap.lower()}", f["Name"]] for f in hosted if (gap := _chair_gap(f["Chair"]))]
    b.gaps(gaps)

    lead = next((s for s in here if s["Holder"] and s["Seniority"] < 99), None)  # a ranked role, not 'Other'
    subtitle = line([org["Sub-group"], org["Kind or category"], footprint_words(org["Footprint"]), org["Borough"],
                     org["Organisation"] and f"part of {org['Organisation']}",
                     b.subject.aliases and f"also known as {b.subject.aliases}"])
    owner = org["LAS relationship owner"]
    summary = "; ".join([
        f"{org['Name']}: " + (f"{lead['Role'].lower()} {lead['Holder']}" if lead
                              else f"{plural(len(rows), 'person', 'people')} on the map"),
        f"LAS relationship owner {b.who(owner)}" if owner else "no LAS relationship owner recorded",
        engaged, f"relationship status: {status_words(rel)}", recs])
    return subtitle, summary


def _person(b: _Brief) -> tuple[str, str]:
    v, pid = b.v, b.subject.id
    me, org, org_name, rel = _subject_and_organisation(b, "person")
    seats = sorted((s for s in v.seats(pid) if s["Person ID"] == pid),
                   key=lambda s: (s["Seniority"], s["Where"] or "", s["Seat ID"]))
    b.cite(seats)
    b.section("Where they sit", ["Seat", "Forum or organisation", "Footprint", "LAS attendee role (Chart 2)"],
              [[_seat(s), s["Where"], footprint_words(s["Footprint"]),
                (s["LAS attendee role"] or "Not recorded") if s["Forum ID"] else None] for s in seats], "seats",
              None if seats else "No current seat on the map.")

    at = len(b.sections)
    erows, engaged = b.engagements(v.links("Engagements", pid, **{"Person ID": [pid]}), False,
                                   f"{status_words(rel)} (with {org_name})" if org
                                   else "not known, as the map records no organisation for them")
    b.room(at, ["Their organisation", "LAS relationship owner", "Target engagement", "Level reached"],
           [org_name or "Not recorded", (b.who(org["LAS relationship owner"]) or "Not recorded") if org else "Not known",
            (org["Target engagement"] or "Not set") if org else "Not known", level_reached(erows)])
    recs = b.recommendations([org["ID"]] if org else [], org_name)

    role = me["Detail"] if me["Detail"] != org_name else None  # Detail falls back to the organisation's name
    gaps = [] if org else [["No organisation recorded", b.subject.name]]
    if not role:
        gaps.append(["No substantive role recorded", b.subject.name])
    gaps += b.seat_gaps(seats)
    b.gaps(gaps + b.organisation_gaps(org, rel, f"{org_name} (their organisation)" if org else ""))

    subtitle = line([role, org_name if org_name and not (role and match_key(org_name) in match_key(role)) else None,
                     b.subject.aliases and f"also spelled {b.subject.aliases}"])
    top = [f"{s['Role'].lower()}, {s['Where']}" for s in seats[:2]]
    sits = (f"{plural(len(seats), 'seat')} on the map, among them {and_list(top)}" if len(seats) > 2
            else and_list(top) or "no current seat on the map")
    return subtitle, "; ".join([f"{b.subject.name}: {sits}", engaged,
                                f"relationship with {org_name}: {status_words(rel)}" if org
                                else "no organisation recorded", recs])


STATUSES = ("Overdue", "Due soon", "Up to date", "Never contacted", "No interval set")  # the relationships view's


def _hcp(b: _Brief) -> tuple[str, str]:
    v, code = b.v, b.subject.id
    if code not in S.HCP_CODES:  # also keeps the code, which the measures below hold, one of ours
        raise UnknownSubject(f"no partnership (HCP) has the code '{code}'; expected one of {', '.join(S.HCP_CODES)}",
                             [])
    own = queries.Filter((code,), include_wider=False)
    partnership = v.records("hcp_partnerships", own)
    b.cite(partnership)
    p_name = partnership[0]["Partnership"] if partnership else None
    p_org = None
    if partnership:  # the view names its organisation: the one of that name and source in the footprint
        found = [r for r in v.records("brief_subjects", queries.Filter((code,), include_wider=False, search=p_name))
                 if r["Kind"] == "organisation" and r["Name"] == p_name and r["Source"] == partnership[0]["Source"]]
        p_org = found[0] if len(found) == 1 else None

    def table(view: str, heading: str, columns: list[str], cells, limit: str, empty: str,
              measures: dict[str, str] | None = None) -> tuple[list[dict], dict]:
        rows, figures = v.first(view, own, LIMITS[limit] + 1, measures)
        b.cite(rows)
        b.section(heading, columns, [cells(r) for r in rows], limit, None if rows else empty, figures["rows"])
        return rows, figures

    _, leaders = table("hcp_leaders", "Leaders (Chart 1)", ["Person", "Role", "Programme", "Where"],
                       lambda r: [r["Person"], r["Role"], r["Programme"], r["Where"]], "leaders",
                       "No leader recorded for this footprint.")
    _, boards = table("hcp_forums", "Boards and their chairs (Chart 2)", ["Forum", "Chair", "LAS attendee role", "Tier"],
                      lambda r: [r["Forum"], r["Chair"] or "Not recorded", r["LAS attendee role"] or "Not recorded",
                                 r["Tier"]], "boards", "No board or group recorded for this footprint.",
                      {"unchaired": "count(*) FILTER (WHERE \"Chair\" IS NULL OR \"Chair\" = 'Unknown')"})
    jhoscs, jhosc_count = table("jhosc", "JHOSCs (Chart 5)", ["JHOSC", "Chair", "Chair's council", "Vice chair(s)",
                                                              "Gap note"],
                                lambda r: [r["JHOSC"], r["Chair"] or "Not recorded", r["Chair's council"],
                                           r["Vice chair(s)"] or "Not recorded", r["Gap note"]], "jhoscs",
                                "No JHOSC recorded for this footprint.")
    table("hwb_chairs", "Health and Wellbeing Boards", ["Board", "Chair", "Note"],
          lambda r: [r["Health and Wellbeing Board"], r["Chair"], r["Note"]], "hwbs",
          "No Health and Wellbeing Board recorded for this footprint.")

    _, rel = v.first("relationships", own, 1, {s: f"count(*) FILTER (WHERE \"Status\" = '{s}')" for s in STATUSES}
                     | {"no interval": "count(*) FILTER (WHERE \"Contact every (days)\" IS NULL)"})
    status = ("with its " + plural(rel["rows"], "organisation") + ": "
              + ", ".join(f"{rel[s]} {s.lower()}" for s in STATUSES if rel[s])) if rel["rows"] \
        else "none, as the map has no organisation in this footprint"
    at = len(b.sections)
    erows, engaged = b.engagements([{"ID": i, "Footprint": code} for i in v.run("engagements", own)["ID"]], True,
                                   status, "No engagement recorded with its organisations, people or forums")
    b.room(at, ["Partnership", "LAS relationship owner", "Target engagement", "Level reached"],
           [p_name or "Not recorded", (p_org["LAS relationship owner"] or "Not recorded") if p_org else "Not known",
            (p_org["Target engagement"] or "Not set") if p_org else "Not known", level_reached(erows)])
    recs = b.recommendations([], None, hcp=code)

    gaps = []
    for view, label, where in (("gap_unknown_chairs", "Chairs and vice chairs not known", "Forum or organisation"),
                               ("gap_tbc_leads", "Leads marked TBC", "Programme or forum"),
                               ("gap_forums_without_chair", "Forums with no named chair", "Forum"),
                               ("gap_organisations_without_owner", "Organisations without a LAS relationship owner",
                                "Organisation")):
        found, figures = v.first(view, own, 12)
        b.cite(found[:3])
        if found:
            gaps.append([f"{label}: {figures['rows']}", among(found, where, figures["rows"])])
    if rel["no interval"]:
        gaps.append([f"Organisations with no contact interval: {rel['no interval']}", "see the Relationships page"])
    b.gaps(gaps)

    subtitle = line([f"Health and care partnership footprint ({code})", p_name and f"partnership: {p_name}"])
    jhosc_words = [f"{r['JHOSC']} " + (f"chaired by {r['Chair']}" if r["Chair"] and r["Chair"] != "Unknown"
                                       else "chair not known") for r in jhoscs[:2]]
    if jhosc_count["rows"] > 2:
        jhosc_words.append(f"{jhosc_count['rows'] - 2} more JHOSCs")
    summary = "; ".join([
        f"{b.subject.name}: " + (f"partnership {p_name}, " if p_name else "")
        + f"{plural(leaders['rows'], 'leader')} named",
        plural(boards["rows"], "board or group", "boards and groups")
        + (f" ({boards['unchaired']} without a named chair)" if boards["unchaired"] else ""),
        and_list(jhosc_words) if jhosc_words else "no JHOSC recorded", engaged, recs])
    return subtitle, summary


def among(rows: list[dict], column: str, total: int, n: int = 3) -> str:
    """Up to n distinct places from a gap list's first rows, saying so when the list has more."""
    places = list(dict.fromkeys(r[column] for r in rows if r[column]))[:n]
    covered = sum(r[column] in places for r in rows)
    return "; ".join(places) + (" and others (see the Data gaps page)" if total > covered else "")


_BUILDERS = {"forum": _forum, "organisation": _organisation, "person": _person, "hcp": _hcp}
_SHEETS = {"forum": "Forums", "organisation": "Organisations", "person": "People", "hcp": "Organisations"}


def build(con, subject: Subject, *, manifest, made_by: str, made_at: dt.datetime) -> dict:
    """The brief on `subject` as plain JSON-able data: header, one-sentence summary, sections and sources. Map text
    is in it as written: whoever shows it shows it literally."""
    if subject.kind not in KINDS:
        raise ValueError(f"unknown kind '{subject.kind}'; expected one of {', '.join(KINDS)}")
    b = _Brief(con, subject)
    subtitle, summary = _BUILDERS[subject.kind](b)
    if made_at.tzinfo is not None:
        made_at = made_at.astimezone(clock.LONDON)
    return {
        "kind": subject.kind, "title": subject.name, "subtitle": subtitle, "summary": summary,
        "snapshot_id": manifest.id, "as_of": f"{manifest.created_at:%d %b %Y}", "made_by": made_by,
        "made_at": f"{made_at:%d %b %Y %H:%M}", "sections": b.sections,
        "sources": source_lines(b.cited, b.v.document_titles()),
    }
