"""What changed between two versions of the map: rows added, removed and changed, field by field, in people's words.

Used by the store (`Store.diff`), the merge of an upload with edits made since, the history of changes, the CLI and
the pages. Works on tables only: it knows nothing of where they are kept.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from . import schema as S
from .normalise import is_blank


@dataclass
class FieldChange:
    column: str  # header text
    old: object
    new: object


@dataclass
class RowChange:
    key: str
    label: str  # the row's name, for people to read
    changes: list[FieldChange]


@dataclass
class SheetDiff:
    sheet: str
    added: list[str] = field(default_factory=list)  # rows in people's words
    removed: list[str] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    added_keys: list[str] = field(default_factory=list)  # the same rows' IDs, in the same order
    removed_keys: list[str] = field(default_factory=list)
    # ID -> the row's whole description, for rows whose label gives only the start (a recommendation's text)
    full: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def comparable(value: object) -> object:
    """A value as changes are compared: blank is None, a timestamp its date."""
    if is_blank(value):
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date() if hasattr(value, "date") else value
    return value


def _display_name(record: dict) -> str:
    """A person as people say it: title and name ('Cllr Mel Collins')."""
    name, title = _text(record.get("name")), _text(record.get("title"))
    return f"{title} {name}".strip()


def _text(value: object) -> str:
    """A map value as one line of text; blank gives ''."""
    return "" if is_blank(value) else " ".join(str(value).split())


SHORT_TEXT = 60  # characters of a recommendation's text that a list shows; the whole text is one click away


def _start(text: str, limit: int = SHORT_TEXT) -> str:
    """The start of a long text, cut at a word, with ' …' where it was cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(" ,;:.-\u2013\u2014") + " \u2026"


class _Labels(dict):
    """For each sheet, key -> what people call that row (a person's title and name, a forum's or organisation's
    name, a document's title); worked out only for the sheets a diff asks about, so an edit of one sheet does not
    turn every sheet into records. Seats, engagements and recommendations have no name: `record_label` describes
    them."""

    def __init__(self, tables: dict[str, pd.DataFrame]):
        super().__init__()
        self.tables = tables

    def __missing__(self, sheet_name: str) -> dict[str, str]:
        sheet, df = S.sheet(sheet_name), self.tables[sheet_name]
        keys = df[sheet.key].tolist()
        if "role" in df.columns and sheet_name != "Roles":  # an LAS team member: 'Medical Director (Dr Jane Doe)'
            names = [f"{_text(r)} ({_text(n)})" if _text(n) else _text(r)
                     for r, n in zip(df["role"].tolist(), df["name"].tolist(), strict=True)]
        elif "name" in df.columns:  # only People have a title beside the name
            titles = df["title"].tolist() if "title" in df.columns else [None] * len(keys)
            names = [_display_name({"name": n, "title": t}) for n, t in zip(df["name"].tolist(), titles, strict=True)]
        elif "title" in df.columns:  # a document is called by its title
            names = [_text(t) for t in df["title"].tolist()]
        else:
            names = [""] * len(keys)
        labels = {k: n or str(k) for k, n in zip(keys, names, strict=True)}
        self[sheet_name] = labels
        return labels


def row_labels(tables: dict[str, pd.DataFrame]) -> dict[str, dict[str, str]]:
    return _Labels(tables)


# Sheets whose rows are described by a phrase that says what they are ('Engagement with ...', 'Recommendation ...'):
# their lines need no sheet name in front.
SELF_DESCRIBED = ("Engagements", "Recommendations")
_PARTIES = (("organisation_id", "Organisations"), ("person_id", "People"), ("forum_id", "Forums"))


def _engagement_label(record: dict, labels: dict[str, dict[str, str]]) -> str:
    """'Engagement with London Fire Brigade on 01 Dec 2026 (Meeting)': the organisation, else the person, else the
    forum; the date, else the period as written; the mechanism when recorded."""
    party = next((labels[sheet].get(record[col], str(record[col])) for col, sheet in _PARTIES
                  if not is_blank(record.get(col))), None)
    label = f"Engagement with {party}" if party else f"Engagement {record['id']}"
    if not is_blank(record.get("date")):
        label += f" on {fmt(comparable(record['date']))}"
    elif period := _text(record.get("period")):
        label += f", {period}"
    if mechanism := _text(record.get("mechanism")):
        label += f" ({mechanism})"
    return label


def _recommendation_label(record: dict, full: bool) -> str:
    """'Recommendation REC-001-K1 (Key recommendation 1): LAS needs to establish a systematic …' (the whole text
    when `full`)."""
    reference, text = _text(record.get("reference")), _text(record.get("text"))
    head = f"Recommendation {record['id']}" + (f" ({reference})" if reference else "")
    return f"{head}: {text if full else _start(text)}" if text else head


def record_label(sheet: S.Sheet, record: dict, labels: dict[str, dict[str, str]], full: bool = False) -> str:
    """A row in people's words. `full`: a recommendation with its whole text, not only the start."""
    if sheet.name == "Roles":  # a seat reads as 'NW London JHOSC — Chair'
        where = labels["Forums"].get(record["forum_id"]) or labels["Organisations"].get(record["organisation_id"])
        return f"{where or record['id']} \u2014 {record['role']}"
    if sheet.name == "Engagements":
        return _engagement_label(record, labels)
    if sheet.name == "Recommendations":
        return _recommendation_label(record, full)
    return labels[sheet.name].get(record[sheet.key], str(record[sheet.key]))


def row_label(tables: dict[str, pd.DataFrame], sheet_name: str, key: str) -> str:
    """One row of a map in people's words, e.g. for a snapshot's note: 'Engagement with London Fire Brigade on
    15 Nov 2026 (Meeting)'."""
    sheet = S.sheet(sheet_name)
    df = tables[sheet_name]
    record = df[df[sheet.key] == key].astype(object).to_dict("records")[0]
    return record_label(sheet, record, row_labels(tables))


def shown(col: S.Column, value: object, labels: dict[str, dict[str, str]]) -> object:
    value = comparable(value)
    if value is not None and col.ref:
        return labels[col.ref].get(value, value)
    return value


@dataclass
class SheetKeys:
    """What changed in one sheet, as keys only (no row is described): rows added (in the new table's order), removed
    (in the old one's) and changed, each with the columns whose values differ (in the sheet's column order)."""
    sheet: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)  # (key, column names)

    @property
    def counts(self) -> dict[str, int]:
        """Exact counts: rows added, removed, changed, and fields changed."""
        return {"added": len(self.added), "removed": len(self.removed), "changed": len(self.changed),
                "fields": sum(len(cols) for _, cols in self.changed)}


def _maybe_different(a: pd.Series, b: pd.Series) -> pd.Series:
    """Where two aligned columns may differ: never False where `comparable` differs (a blank against '' or a
    timestamp against the same date is checked again, value by value)."""
    try:
        same = (a.isna().to_numpy() & b.isna().to_numpy()) | (a == b).fillna(False).to_numpy(dtype=bool)
    except (TypeError, ValueError):  # types that do not compare as columns: every row is checked by value
        return pd.Series(True, index=a.index)
    return pd.Series(~same, index=a.index)


def sheet_keys(sheet: S.Sheet, old: pd.DataFrame, new: pd.DataFrame) -> SheetKeys:
    """The rows of one sheet added, removed and changed between two tables, matched on the sheet's key, without
    describing any of them: at 100x the map a publish may add 90,000 rows, and this costs a few column comparisons.
    Rows in both tables are compared column by column first; only the rows that may differ are compared field by
    field with `comparable`, as `diff_tables` does."""
    out = SheetKeys(sheet.name)
    if old.equals(new):
        return out
    old_keys, new_keys = list(dict.fromkeys(old[sheet.key].tolist())), list(dict.fromkeys(new[sheet.key].tolist()))
    before, after = set(old_keys), set(new_keys)
    out.added = [k for k in new_keys if k not in before]
    out.removed = [k for k in old_keys if k not in after]
    common = [k for k in new_keys if k in before]
    if not common:
        return out
    columns = [c.name for c in sheet.input_columns if c.name != sheet.key]  # the key matches by construction
    o = old.drop_duplicates(sheet.key, keep="last").set_index(sheet.key).loc[common, columns]
    n = new.drop_duplicates(sheet.key, keep="last").set_index(sheet.key).loc[common, columns]
    maybe = pd.Series(False, index=n.index)
    for c in columns:
        maybe |= _maybe_different(o[c], n[c]).to_numpy()
    candidates = [k for k, m in zip(common, maybe.tolist(), strict=True) if m]
    if not candidates:
        return out
    olds = o.loc[candidates].astype(object).to_dict("index")
    news = n.loc[candidates].astype(object).to_dict("index")
    for k in candidates:
        cols = [c for c in columns if comparable(olds[k][c]) != comparable(news[k][c])]
        if cols:
            out.changed.append((k, cols))
    return out


def diff_tables(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> list[SheetDiff]:
    """Row- and field-level differences per sheet, matched on each sheet's key, in people's words."""
    old_labels, new_labels = row_labels(old), row_labels(new)
    out = []
    for sheet in S.SHEETS:
        if old[sheet.name].equals(new[sheet.name]):  # most sheets of an edit: nothing to compare row by row
            out.append(SheetDiff(sheet.name))
            continue
        before = {r[sheet.key]: r for r in old[sheet.name].to_dict("records")}
        after = {r[sheet.key]: r for r in new[sheet.name].to_dict("records")}
        d = SheetDiff(sheet.name)
        d.added_keys = [k for k in after if k not in before]
        d.removed_keys = [k for k in before if k not in after]
        d.added = [_listed(sheet, d, k, after[k], new_labels) for k in d.added_keys]
        d.removed = [_listed(sheet, d, k, before[k], old_labels) for k in d.removed_keys]
        for k, row in after.items():
            if k not in before:
                continue
            changes = [FieldChange(c.header, shown(c, before[k][c.name], old_labels),
                                   shown(c, row[c.name], new_labels))
                       for c in sheet.input_columns
                       if comparable(before[k][c.name]) != comparable(row[c.name])]
            if changes:
                d.changed.append(RowChange(k, _listed(sheet, d, k, row, new_labels), changes))
        out.append(d)
    return out


def _listed(sheet: S.Sheet, d: SheetDiff, key: str, record: dict, labels: dict) -> str:
    """A row's label for `d`'s lists; its whole text goes in `d.full` where the label shows only the start."""
    label = record_label(sheet, record, labels)
    if (whole := record_label(sheet, record, labels, full=True)) != label:
        d.full[key] = whole
    return label


def row_heading(sheet_name: str, label: str) -> str:
    """A row at the start of a line: 'Roles: NW London JHOSC — Chair', but 'Engagement with ...' as it is."""
    return label if sheet_name in SELF_DESCRIBED else f"{sheet_name}: {label}"


def describe_rows(diffs: list[SheetDiff]) -> list[tuple[str, list[str]]]:
    """Each row a diff touches, once: (the row and what happened to it, its field changes). An added or removed
    row has no field changes: ('People: added Cllr A. N. Other', []),
    ('Roles: NW London JHOSC — Chair', ['Person ID: Cllr Mel Collins → Cllr A. N. Other'])."""
    rows = []
    for d in diffs:
        for what, labels in (("added", d.added), ("removed", d.removed)):
            rows += [(f"{label} {what}" if d.sheet in SELF_DESCRIBED else f"{d.sheet}: {what} {label}", [])
                     for label in labels]
        rows += [(row_heading(d.sheet, rc.label), [f"{fc.column}: {fmt(fc.old)} \u2192 {fmt(fc.new)}"
                                                   for fc in rc.changes]) for rc in d.changed]
    return rows


def describe(diffs: list[SheetDiff]) -> list[str]:
    """One line per change: 'Roles: NW London JHOSC — Chair: Person ID: Cllr Mel Collins → Cllr A. N. Other',
    'People: added Cllr A. N. Other', 'Engagement with London Fire Brigade on 01 Dec 2026 (Meeting) added'."""
    return [f"{row}: {change}" if change else row
            for row, changes in describe_rows(diffs) for change in (changes or [""])]


BLANK = "\u2013"  # how a blank value reads in a change: never 'None' or 'nan'


def fmt(value: object) -> str:
    """A value as a change shows it: dates as '01 Dec 2026', a blank as '–'."""
    if is_blank(value):
        return BLANK
    if isinstance(value, dt.date):
        return value.strftime("%d %b %Y")
    return str(value)

