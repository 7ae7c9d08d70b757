"""Three-way merge of a workbook with the map, the way `git merge` thinks about it.

A workbook made from snapshot B (its base) is uploaded while C is current. The upload's own
changes are B -> upload; everyone else's are B -> C. A conflict is wherever publishing the file
as it is would change or revert what others changed: a field they changed that the file holds
differently (its older value, or a change of its own), a row they added that the file lacks, a
row they deleted that the file still has, a row the file deleted that they edited. Merging keeps
the current side of every conflict unless the editor takes their file's, and applies all of the
file's other changes on top of C.

Pure functions over typed tables (no store, no streamlit), so the rules have a unit table.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import schema as S
from .snapshots import SheetDiff, _comparable, _fmt, _labels, _row_label, _shown, diff_tables, row_heading

BOTH_CHANGED = "both changed"  # a field others changed and your file changed differently
OLDER_VALUE = "older value"  # a field others changed; your file still has the value from before
ADDED_BY_OTHERS = "added by others"  # your file lacks the row
DELETED_BY_OTHERS = "deleted by others"  # your file still has the row
DELETED_BY_YOU = "deleted by you"  # others edited the row
FIELD_KINDS = (BOTH_CHANGED, OLDER_VALUE)


@dataclass(frozen=True)
class Conflict:
    sheet: str
    key: str
    column: str | None  # the column's name; None when the conflict is about the whole row
    kind: str  # one of the five above
    label: str  # the row in people's words
    header: str  # the column as users see it ('' for a whole row)
    current: object  # shown value: names, not IDs; None for blank or deleted
    yours: object
    by: str = ""  # who made the other change, and when (filled in by attribute())
    at: str = ""

    @property
    def id(self) -> str:
        """Stable across reruns: what the editor's choice is keyed on."""
        return f"{self.sheet}|{self.key}|{self.column or '*'}"

    def describe(self) -> str:
        """'Roles: NW London JHOSC — Chair: Person ID: Cllr Ada Testwell (by B, 01 Dec 2026) → Cllr Mel Collins (your file)'."""
        who = f" (by {self.by}, {self.at})" if self.by else " (current map)"
        if self.kind in FIELD_KINDS:
            return (f"{row_heading(self.sheet, self.label)}: {self.header}: {_fmt(self.current)}{who} \u2192 "
                    f"{_fmt(self.yours)} (your file)")
        current, yours = {ADDED_BY_OTHERS: ("added", "not in"), DELETED_BY_OTHERS: ("deleted", "still in"),
                          DELETED_BY_YOU: ("edited", "deleted in")}[self.kind]
        return f"{row_heading(self.sheet, self.label)}: {current}{who} \u2192 {yours} your file"


@dataclass
class Merge:
    tables: dict[str, pd.DataFrame]  # the merged map, with the editor's choices applied
    yours: list[SheetDiff]  # the upload's own changes: base -> upload
    theirs: list[SheetDiff]  # everyone else's: base -> current
    conflicts: list[Conflict] = field(default_factory=list)
    result: list[SheetDiff] = field(default_factory=list)  # what publishing the merge changes: current -> merged


def _records(df: pd.DataFrame, key: str) -> dict[str, dict]:
    return {r[key]: r for r in df.astype(object).where(df.notna(), None).to_dict("records")}


def _same(a: dict | None, b: dict | None, columns: list[str]) -> bool:
    if a is None or b is None:
        return a is b
    return all(_comparable(a[c]) == _comparable(b[c]) for c in columns)


def three_way(base: dict[str, pd.DataFrame], current: dict[str, pd.DataFrame], upload: dict[str, pd.DataFrame],
              take_yours: frozenset[str] | set[str] = frozenset()) -> Merge:
    """Merge `upload` (made from `base`) into `current`. `take_yours`: ids of conflicts the editor settles for
    their file; every other conflict keeps the current value."""
    current_labels, upload_labels = _labels(current), _labels(upload)
    merged: dict[str, pd.DataFrame] = {}
    conflicts: list[Conflict] = []
    for sheet in S.SHEETS:
        cols = [c.name for c in sheet.input_columns]  # derived columns are worked out again by validation
        b, c, u = (_records(t[sheet.name], sheet.key) for t in (base, current, upload))
        order = list(c) + [k for k in u if k not in c]  # the current order, then the upload's new rows
        out = []
        for k in order:
            rb, rc, ru = b.get(k), c.get(k), u.get(k)
            label = _row_label(sheet, rc or ru or rb, current_labels if rc else upload_labels)

            def conflict(kind: str, column: str | None = None) -> Conflict:
                col = sheet.column(column) if column else None
                shown_c = _shown(col, rc[column], current_labels) if col and rc else None
                shown_u = _shown(col, ru[column], upload_labels) if col and ru else None
                found = Conflict(sheet.name, k, column, kind, label, col.header if col else "", shown_c, shown_u)
                conflicts.append(found)
                return found

            if rb is None:  # new since the base: on one side, or the same ID added on both
                if rc is None:
                    out.append(ru)
                elif ru is None:
                    if conflict(ADDED_BY_OTHERS).id not in take_yours:
                        out.append(rc)
                elif _same(rc, ru, cols):
                    out.append(rc)
                else:  # as if the base had the row blank: a conflict only where both filled a field differently
                    out.append(_fields(dict.fromkeys(cols), rc, ru, cols, conflict, take_yours))
            elif rc is None and ru is None:
                continue  # deleted on both sides
            elif rc is None:  # others deleted it
                if conflict(DELETED_BY_OTHERS).id in take_yours:
                    out.append(ru)
            elif ru is None:  # you deleted it
                if not _same(rb, rc, cols) and conflict(DELETED_BY_YOU).id not in take_yours:
                    out.append(rc)
            else:
                out.append(_fields(rb, rc, ru, cols, conflict, take_yours))
        merged[sheet.name] = pd.DataFrame.from_records(out, columns=cols) if out else current[sheet.name].iloc[0:0]
    result = Merge(merged, diff_tables(base, upload), diff_tables(base, current), conflicts)
    result.result = diff_tables(current, merged)
    return result


def _fields(rb: dict, rc: dict, ru: dict, cols: list[str], conflict, take_yours) -> dict:
    """One row present on every side: each field from whoever changed it; a conflict where both did, differently."""
    row = {}
    for col in cols:
        b, c, u = (_comparable(r[col]) for r in (rb, rc, ru))
        if u == c:
            row[col] = rc[col]
        elif c == b:  # only your file changed it
            row[col] = ru[col]
        else:
            kind = OLDER_VALUE if u == b else BOTH_CHANGED
            row[col] = ru[col] if conflict(kind, col).id in take_yours else rc[col]
    return row


def attribute(conflicts: list[Conflict], chain: list[tuple[dict, dict[str, pd.DataFrame]]]) -> list[Conflict]:
    """Name who made the other side of each conflict and when.

    chain: (event, tables) for each snapshot that was current from the base to now, oldest first, where the
    event is the store's history entry that made it current ({"by", "at", ...}). The latest step that
    changed the conflicting field (or row) is the one reported.
    """
    records: dict[tuple[int, str], dict[str, dict]] = {}  # (step, sheet) -> rows by key, built once

    def row(step: int, sheet: S.Sheet, key: str) -> dict | None:
        if (step, sheet.name) not in records:
            records[step, sheet.name] = _records(chain[step][1][sheet.name], sheet.key)
        return records[step, sheet.name].get(key)

    named = []
    for cf in conflicts:
        sheet = S.sheet(cf.sheet)
        who = chain[-1][0] if chain else {}
        for step in range(len(chain) - 1, 0, -1):
            event = chain[step][0]
            rb, ra = row(step - 1, sheet, cf.key), row(step, sheet, cf.key)
            columns = [cf.column] if cf.column else [c.name for c in sheet.input_columns]
            if not _same(rb, ra, columns):
                who = event
                break
        at = pd.Timestamp(who["at"]).strftime("%d %b %Y") if who.get("at") else ""
        named.append(Conflict(**{**cf.__dict__, "by": who.get("by", ""), "at": at}))
    return named
