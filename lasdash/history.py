"""What changed: each publish, edit and rollback as field-level changes in names, derived from the
snapshots themselves (nothing is stored twice), and the history of one row across them.
"""
from __future__ import annotations

import pandas as pd

from .diff import SELF_DESCRIBED, diff_tables, fmt, row_heading
from .snapshots import Store

# Row: the row in people's words (a recommendation's reference and the start of its text); Row in full: the same with
# nothing cut (a recommendation's whole text). From and To: the whole values, a blank as '–'.
COLUMNS = ["When", "By", "Sheet", "ID", "Row", "Row in full", "Field", "From", "To", "Snapshot"]


def changes(store: Store, last: int | None = 20) -> pd.DataFrame:
    """One row per changed field (or added or removed row) of the last `last` events, newest first."""
    events = [e for e in store.events() if e.get("previous")]  # the bootstrap replaced nothing
    read: dict[str, dict] = {}  # consecutive events share a snapshot: read each one once

    def tables(snapshot_id: str) -> dict:
        if snapshot_id not in read:
            read[snapshot_id] = store.read_all(snapshot_id)
        return read[snapshot_id]

    rows = []
    for e in reversed(events[-last:] if last else events):
        # only this event's two snapshots stay in memory: keeping all twenty was the server's peak at S100
        for stale in [k for k in read if k not in (e["previous"], e["snapshot"])]:
            del read[stale]
        when = pd.Timestamp(e["at"]).strftime("%d %b %Y %H:%M")
        for d in diff_tables(tables(e["previous"]), tables(e["snapshot"])):
            rows += [[when, e["by"], d.sheet, k, label, d.full.get(k, label), "", "", "added", e["snapshot"]]
                     for k, label in zip(d.added_keys, d.added, strict=True)]
            rows += [[when, e["by"], d.sheet, k, label, d.full.get(k, label), "", "removed", "", e["snapshot"]]
                     for k, label in zip(d.removed_keys, d.removed, strict=True)]
            for rc in d.changed:
                rows += [[when, e["by"], d.sheet, rc.key, rc.label, d.full.get(rc.key, rc.label), fc.column,
                          fmt(fc.old), fmt(fc.new), e["snapshot"]]
                         for fc in rc.changes]
    return pd.DataFrame(rows, columns=COLUMNS)


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
