"""Three-way merge of a workbook with the map, the way `git merge` thinks about it.

A workbook made from snapshot B (its base) is uploaded while C is current. The upload's own
changes are B -> upload; everyone else's are B -> C. A conflict is wherever publishing the file
as it is would change or revert what others changed: a field they changed that the file holds
differently (its older value, or a change of its own), a row they added that the file lacks, a
row they deleted that the file still has, a row the file deleted that they edited. Merging keeps
the current side of every conflict unless the editor takes their file's, and applies all of the
file's other changes on top of C.

An edit made in the app (or the CLI) is different: it is the whole map as of its base, but it means only the
rows and fields it sets. `reapply` makes it again on the current map, conflicting only with others' changes to
those rows and fields and to the rows it refers to; others' rows added or deleted elsewhere are not its business.

Pure functions over typed tables (no store, no streamlit), so the rules have a unit table.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from . import schema as S
from .diff import SheetDiff, comparable, diff_tables, fmt, record_label, row_heading, row_labels, shown

BOTH_CHANGED = "both changed"  # a field others changed and your file changed differently
OLDER_VALUE = "older value"  # a field others changed; your file still has the value from before
ADDED_BY_OTHERS = "added by others"  # your file lacks the row
DELETED_BY_OTHERS = "deleted by others"  # your file still has the row
DELETED_BY_YOU = "deleted by you"  # others edited the row
REFERENCED_BY_YOU = "referenced by you"  # others deleted a row an edit refers to (an edit's conflicts only)
FIELD_KINDS = (BOTH_CHANGED, OLDER_VALUE)

FILE, EDIT = "your file", "your edit"  # what is being merged, as conflicts name it
_ROW_WORDS = {  # a whole-row conflict: (what others did, what yours does), {} being 'your file' or 'your edit'
    ADDED_BY_OTHERS: ("added", "not in {}"),
    DELETED_BY_OTHERS: ("deleted", "still in {}"),
    DELETED_BY_YOU: ("edited", "deleted in {}"),
    REFERENCED_BY_YOU: ("deleted", "referred to by {}"),
}
_EDIT_ROW_WORDS = {DELETED_BY_OTHERS: ("deleted", "changed by {}"), DELETED_BY_YOU: ("edited", "deleted by {}")}


@dataclass(frozen=True)
class Conflict:
    sheet: str
    key: str
    column: str | None  # the column's name; None when the conflict is about the whole row
    kind: str  # one of the kinds above
    label: str  # the row in people's words
    header: str  # the column as users see it ('' for a whole row)
    current: object  # shown value: names, not IDs; None for blank or deleted
    yours: object
    by: str = ""  # who made the other change, and when (filled in by attribute())
    at: str = ""
    yours_are: str = FILE  # what is being merged: a workbook (FILE) or an edit made in the app or the CLI (EDIT)

    @property
    def id(self) -> str:
        """Stable across reruns: what the editor's choice is keyed on."""
        return f"{self.sheet}|{self.key}|{self.column or '*'}"

    def describe(self) -> str:
        """'Roles: NW London JHOSC — Chair: Person ID: Cllr Ada Testwell (by B, 01 Dec 2026) → Cllr Mel Collins (your file)';
        '... (your edit)' for an edit."""
        who = f" (by {self.by}, {self.at})" if self.by else " (current map)"
        if self.kind in FIELD_KINDS:
            return (f"{row_heading(self.sheet, self.label)}: {self.header}: {fmt(self.current)}{who} \u2192 "
                    f"{fmt(self.yours)} ({self.yours_are})")
        words = (_EDIT_ROW_WORDS if self.yours_are == EDIT else {}).get(self.kind) or _ROW_WORDS[self.kind]
        return f"{row_heading(self.sheet, self.label)}: {words[0]}{who} \u2192 {words[1].format(self.yours_are)}"


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
    return all(comparable(a[c]) == comparable(b[c]) for c in columns)


def three_way(base: dict[str, pd.DataFrame], current: dict[str, pd.DataFrame], upload: dict[str, pd.DataFrame],
              take_yours: frozenset[str] | set[str] = frozenset()) -> Merge:
    """Merge `upload` (made from `base`) into `current`. `take_yours`: ids of conflicts the editor settles for
    their file; every other conflict keeps the current value."""
    current_labels, upload_labels = row_labels(current), row_labels(upload)
    merged: dict[str, pd.DataFrame] = {}
    conflicts: list[Conflict] = []
    for sheet in S.SHEETS:
        cols = [c.name for c in sheet.input_columns]  # derived columns are worked out again by validation
        b, c, u = (_records(t[sheet.name], sheet.key) for t in (base, current, upload))
        order = list(c) + [k for k in u if k not in c]  # the current order, then the upload's new rows
        out = []
        for k in order:
            rb, rc, ru = b.get(k), c.get(k), u.get(k)
            label = record_label(sheet, rc or ru or rb, current_labels if rc else upload_labels)
            conflict = _conflict_recorder(conflicts, sheet, k, label, rc, ru, current_labels, upload_labels)
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


def _conflict_recorder(conflicts: list[Conflict], sheet: S.Sheet, key: str, label: str, rc: dict | None,
                       ru: dict | None, current_labels: dict, upload_labels: dict) -> Callable[..., Conflict]:
    """`conflict(kind, column=None)` for one row: adds a Conflict on that row (or that field) to `conflicts` and
    returns it."""

    def conflict(kind: str, column: str | None = None) -> Conflict:
        col = sheet.column(column) if column else None
        shown_c = shown(col, rc[column], current_labels) if col and rc else None
        shown_u = shown(col, ru[column], upload_labels) if col and ru else None
        found = Conflict(sheet.name, key, column, kind, label, col.header if col else "", shown_c, shown_u)
        conflicts.append(found)
        return found

    return conflict


def _fields(rb: dict, rc: dict, ru: dict, cols: list[str], conflict, take_yours) -> dict:
    """One row present on every side: each field from whoever changed it; a conflict where both did, differently."""
    row = {}
    for col in cols:
        b, c, u = (comparable(r[col]) for r in (rb, rc, ru))
        if u == c:
            row[col] = rc[col]
        elif c == b:  # only your file changed it
            row[col] = ru[col]
        else:
            kind = OLDER_VALUE if u == b else BOTH_CHANGED
            row[col] = ru[col] if conflict(kind, col).id in take_yours else rc[col]
    return row


@dataclass
class Reapplied:
    tables: dict[str, pd.DataFrame]  # the current map with the edit made again (input columns)
    conflicts: list[Conflict] = field(default_factory=list)  # where it met others' changes; then do not publish


def reapply(base: dict[str, pd.DataFrame], current: dict[str, pd.DataFrame], edited: dict[str, pd.DataFrame]
            ) -> Reapplied:
    """Make an edit again on `current`. `edited` is `base` with the edit made; only its own changes (base ->
    edited) are made again: the rows it adds, deletes or changes, and in a changed row only the fields it sets.
    A conflict is another editor's change (base -> current) to one of those rows or fields (BOTH_CHANGED,
    DELETED_BY_OTHERS, DELETED_BY_YOU), or the deletion of a row the edit's own values refer to
    (REFERENCED_BY_YOU, e.g. the organisation of a recorded engagement). A row it adds under an ID another editor
    added meanwhile conflicts where the two differ. Every other row is the current one."""
    labels = {"base": row_labels(base), "current": row_labels(current), "edited": row_labels(edited)}
    merged: dict[str, pd.DataFrame] = {}
    conflicts: list[Conflict] = []
    refers: dict[str, set[str]] = {}  # sheet -> keys the edit's own values refer to

    def conflict(sheet: S.Sheet, key: str, kind: str, rc: dict | None, ru: dict | None, rb: dict | None,
                 column: str | None = None) -> None:
        col = sheet.column(column) if column else None
        label = record_label(sheet, rc or ru or rb, labels["current" if rc else "edited" if ru else "base"])
        conflicts.append(Conflict(sheet.name, key, column, kind, label, col.header if col else "",
                                  shown(col, rc[column], labels["current"]) if col and rc else None,
                                  shown(col, ru[column], labels["edited"]) if col and ru else None,
                                  yours_are=EDIT))

    def refer(sheet: S.Sheet, row: dict, columns: list[str]) -> None:
        for col in (sheet.column(c) for c in columns):
            if col.ref and comparable(row[col.name]) is not None:
                refers.setdefault(col.ref, set()).add(row[col.name])

    for sheet in S.SHEETS:
        cols = [c.name for c in sheet.input_columns]  # derived columns are worked out again by validation
        if base[sheet.name].equals(edited[sheet.name]):  # most sheets of an edit: the current one as it is
            merged[sheet.name] = current[sheet.name][cols]
            continue
        b, c, e = (_records(t[sheet.name], sheet.key) for t in (base, current, edited))
        out = dict(c)  # the current rows in the current order; the edit's new rows go at the end
        for k, ru in e.items():
            rb, rc = b.get(k), c.get(k)
            if rb is None:  # a row the edit adds
                if rc is None:
                    out[k] = ru
                    refer(sheet, ru, cols)
                else:  # the same ID added meanwhile: the same row, or a conflict where they differ
                    for col in cols:
                        if comparable(rc[col]) != comparable(ru[col]):
                            conflict(sheet, k, BOTH_CHANGED, rc, ru, rb, col)
                continue
            changed = [col for col in cols if comparable(rb[col]) != comparable(ru[col])]
            if not changed:
                continue
            if rc is None:
                conflict(sheet, k, DELETED_BY_OTHERS, rc, ru, rb)
                continue
            row = dict(rc)
            for col in changed:
                if comparable(rc[col]) == comparable(ru[col]):
                    continue  # already so
                if comparable(rc[col]) != comparable(rb[col]):
                    conflict(sheet, k, BOTH_CHANGED, rc, ru, rb, col)
                row[col] = ru[col]
            out[k] = row
            refer(sheet, ru, changed)
        for k, rb in b.items():
            if k not in e and k in c:  # a row the edit deletes, and others did not
                if _same(rb, c[k], cols):
                    del out[k]
                else:
                    conflict(sheet, k, DELETED_BY_YOU, c[k], None, rb)
        merged[sheet.name] = (pd.DataFrame.from_records(list(out.values()), columns=cols) if out
                              else current[sheet.name].iloc[0:0][cols])
    for sheet in S.SHEETS:  # rows the edit refers to that others deleted
        if keys := refers.get(sheet.name):
            b = _records(base[sheet.name], sheet.key)
            gone = keys & (set(b) - set(current[sheet.name][sheet.key]))
            for k in sorted(gone):
                conflict(sheet, k, REFERENCED_BY_YOU, None, None, b[k])
    return Reapplied(merged, conflicts)


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
