"""What changed: each publish, edit and rollback as field-level changes in names, derived from the
snapshots themselves (nothing is stored twice), and the history of one row across them.
"""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from . import schema as S
from .diff import SELF_DESCRIBED, fmt, record_label, row_heading, row_labels, sheet_keys, shown
from .snapshots import Store

# Row: the row in people's words (a recommendation's reference and the start of its text); Row in full: the same with
# nothing cut (a recommendation's whole text). From and To: the whole values, a blank as '–'.
COLUMNS = ["When", "By", "Sheet", "ID", "Row", "Row in full", "Field", "From", "To", "Snapshot"]


def index(store: Store, last: int | None = 20) -> pd.DataFrame:
    """What changed in the last `last` events, newest first, as keys only: one row per changed field (or added or
    removed row), with When, By, Sheet, ID, Field (a changed field's header, else ''), To ('added' for an added row),
    From ('removed' for a removed one), Snapshot and Previous. Row, Row in full, and a field's From and To are left
    for `described`: a publish of a map 100 times the size adds 90,000 rows, and only the ones shown need words.
    Counts taken from it are exact."""
    events = [e for e in store.events() if e.get("previous")]  # the bootstrap replaced nothing
    # Sheet by sheet, so at most one sheet of the newer snapshot is in memory beside the older one: reading both
    # snapshots whole was 40 MB more at the peak of a publish from the bundled map to one 100 times its size. The
    # older snapshot's sheets are kept for the next (older) event, whose newer snapshot they are: each is read once.
    carried: tuple[str | None, dict[str, pd.DataFrame]] = (None, {})

    parts = []
    for e in reversed(events[-last:] if last else events):
        when = pd.Timestamp(e["at"]).strftime("%d %b %Y %H:%M")
        newer = carried[1] if carried[0] == e["snapshot"] else {}
        older: dict[str, pd.DataFrame] = {}
        carried = (e["previous"], older)
        sheets, ids, fields, froms, tos = [], [], [], [], []
        for sheet in S.SHEETS:
            new = newer.pop(sheet.name, None)
            if new is None:
                new = store.read(e["snapshot"], sheet.name)
            old = older[sheet.name] = store.read(e["previous"], sheet.name)
            k = sheet_keys(sheet, old, new)
            del new
            headers = {c.name: c.header for c in sheet.input_columns}
            n = len(k.added) + len(k.removed)
            sheets += [sheet.name] * n
            ids += k.added + k.removed
            fields += [""] * n
            froms += [""] * len(k.added) + ["removed"] * len(k.removed)
            tos += ["added"] * len(k.added) + [""] * len(k.removed)
            for key, cols in k.changed:
                sheets += [sheet.name] * len(cols)
                ids += [key] * len(cols)
                fields += [headers[c] for c in cols]
                froms += [""] * len(cols)
                tos += [""] * len(cols)
        parts.append(pd.DataFrame({"When": when, "By": e["by"], "Sheet": sheets, "ID": ids, "Field": fields,
                                   "From": froms, "To": tos, "Snapshot": e["snapshot"], "Previous": e["previous"]},
                                  columns=INDEX_COLUMNS))
    if not parts:
        return pd.DataFrame(columns=INDEX_COLUMNS)
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


INDEX_COLUMNS = ["When", "By", "Sheet", "ID", "Field", "From", "To", "Snapshot", "Previous"]


class _Snapshot(dict):
    """One snapshot's tables, each read on first use (a change to a seat needs Roles, Forums and Organisations,
    not all nine sheets)."""

    def __init__(self, read: Callable[[str, str], pd.DataFrame], snapshot_id: str):
        super().__init__()
        self.read, self.snapshot_id = read, snapshot_id

    def __missing__(self, sheet_name: str) -> pd.DataFrame:
        df = self[sheet_name] = self.read(self.snapshot_id, sheet_name)
        return df


def described(store: Store, df: pd.DataFrame, read: Callable[[str, str], pd.DataFrame] | None = None) -> pd.DataFrame:
    """Rows of `index` (any of them, e.g. the page of them shown, or one row's) in people's words: COLUMNS, in the
    same order. `read(snapshot_id, sheet)` gives a table (default: the store's)."""
    read = read or store.read
    out = []
    for (previous, snapshot), rows in df.groupby(["Previous", "Snapshot"], sort=False):
        old, new = _Snapshot(read, previous), _Snapshot(read, snapshot)
        labels = {"old": row_labels(old), "new": row_labels(new)}
        for sheet_name, part in rows.groupby("Sheet", sort=False):
            sheet = S.sheet(sheet_name)
            columns = {c.header: c for c in sheet.input_columns}

            def records(tables: dict, keys: list[str], sheet=sheet, sheet_name=sheet_name) -> dict[str, dict]:
                t = tables[sheet_name]
                t = t[t[sheet.key].isin(set(keys))].drop_duplicates(sheet.key, keep="last")
                return {r[sheet.key]: r for r in t.astype(object).to_dict("records")}

            removed = part["From"] == "removed"
            before = records(old, part.loc[removed | (part["Field"] != ""), "ID"].tolist())
            after = records(new, part.loc[~removed, "ID"].tolist())
            words = []
            for r in part.itertuples():
                side, record = ("old", before[r.ID]) if r.From == "removed" else ("new", after[r.ID])
                label = record_label(sheet, record, labels[side])
                whole = record_label(sheet, record, labels[side], full=True)
                frm, to = r.From, r.To
                if r.Field:
                    col = columns[r.Field]
                    frm = fmt(shown(col, before[r.ID][col.name], labels["old"]))
                    to = fmt(shown(col, record[col.name], labels["new"]))
                words.append((r.Index, label, whole, frm, to))
            out.append(pd.DataFrame(words, columns=["_i", "Row", "Row in full", "From", "To"]).set_index("_i"))
    if not out:
        return pd.DataFrame(columns=COLUMNS)
    words = pd.concat(out).reindex(df.index)
    return df.assign(**{c: words[c] for c in words.columns})[COLUMNS].reset_index(drop=True)


def changes(store: Store, last: int | None = 20) -> pd.DataFrame:
    """One row per changed field (or added or removed row) of the last `last` events, newest first, every one in
    words (fine for a few events of edits; for a page, take `index` and describe what is shown)."""
    return described(store, index(store, last))


SUMMARY_COLUMNS = ["When", "By", "Sheet", "Rows added", "Rows removed", "Rows changed", "Fields changed"]


def summary(df: pd.DataFrame) -> pd.DataFrame:
    """Exact counts of `index` rows (filtered or not), one line per event and sheet, newest first: rows added,
    removed and changed, and fields changed."""
    if df.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    t = df.assign(added=df["To"] == "added", removed=df["From"] == "removed", field=df["Field"] != "")
    g = t.groupby(["Snapshot", "When", "By", "Sheet"], sort=False)
    changed = t[t["field"]].groupby(["Snapshot", "When", "By", "Sheet"], sort=False)["ID"].nunique()
    order = g.size().index  # newest event first, its sheets in the map's order
    out = pd.DataFrame({
        "Rows added": g["added"].sum(), "Rows removed": g["removed"].sum(),
        "Rows changed": changed.reindex(order, fill_value=0), "Fields changed": g["field"].sum()},
        index=order).astype(int).reset_index()
    return out[SUMMARY_COLUMNS]


def more(total: int, listed: int) -> str:
    """What a cut list says beneath it: 'and 1,234 more' (nothing when every one is listed)."""
    return f"and {total - listed:,} more" if total > listed else ""


def describe(df: pd.DataFrame) -> list[str]:
    """'Roles: NW London JHOSC — Chair: Person ID: Cllr Mel Collins → Cllr Ada Testwell · by B · 01 Dec 2026 14:03',
    'Engagement with London Fire Brigade on 01 Dec 2026 (Meeting) added · by B · 01 Dec 2026 14:03'."""
    out = []
    for r in df.itertuples(index=False):
        if r.Field:
            what = f"{row_heading(r.Sheet, r.Row)}: {r.Field}: {r.From} \u2192 {r.To}"
        elif r.Sheet in SELF_DESCRIBED:
            what = f"{r.Row} {r.To or r.From}"
        else:
            what = f"{r.Sheet}: {r.Row}: {r.To or r.From}"
        out.append(f"{what} \u00b7 by {r.By} \u00b7 {r.When}")
    return out
