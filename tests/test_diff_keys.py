"""What changed as keys (diff.sheet_keys, history.index), its exact summary and the "and N more" of a cut list: the
same changes as the described diff, in the same order, without describing rows nobody is shown."""
import datetime as dt

import pandas as pd
import pytest

from lasdash import diff, edits, history, pipeline
from lasdash import schema as S

TODAY = dt.date(2026, 12, 1)


def _people(rows: list[dict]) -> pd.DataFrame:
    cols = S.sheet("People").column_names
    return pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)


P1 = {"id": "P1", "name": "Ada", "title": "Cllr"}
P2 = {"id": "P2", "name": "Bo"}
P3 = {"id": "P3", "name": "Cy"}


@pytest.mark.parametrize(("old", "new", "added", "removed", "changed"), [
    ([P1, P2], [P1, P2], [], [], []),
    ([P1], [P1, P2, P3], ["P2", "P3"], [], []),  # added in the new table's order
    ([P3, P1, P2], [P1], [], ["P3", "P2"], []),  # removed in the old table's order
    ([P1, P2], [P2, {**P1, "name": "Ada B"}], [], [], [("P1", ["name"])]),
    ([P1], [{**P1, "name": "Ada B", "title": None}], [], [], [("P1", ["name", "title"])]),  # in column order
    ([{**P2, "title": ""}], [P2], [], [], []),  # '' and None are both blank: no change
    ([P1, P2], [{**P2, "name": "Bob"}, P3], ["P3"], ["P1"], [("P2", ["name"])]),
])
def test_sheet_keys(old, new, added, removed, changed):
    k = diff.sheet_keys(S.sheet("People"), _people(old), _people(new))
    assert (k.added, k.removed, k.changed) == (added, removed, changed)
    assert k.counts == {"added": len(added), "removed": len(removed), "changed": len(changed),
                        "fields": sum(len(c) for _, c in changed)}


def test_sheet_keys_agree_with_the_described_diff(seed_tables):
    """Every sheet of an edit and of a changed copy: the same rows and fields as diff_tables names."""
    new, pid = edits.add_person({k: v.copy() for k, v in seed_tables.items()}, "Ada Testwell", "B", TODAY, title="Cllr")
    new, _ = edits.replace_seat_holder(new, "R000-115", pid, "B", TODAY)
    new["Organisations"] = new["Organisations"].iloc[3:]  # three removed
    for old_tables, new_tables in ((seed_tables, new), (new, seed_tables)):
        described = {d.sheet: d for d in diff.diff_tables(old_tables, new_tables)}
        for sheet in S.SHEETS:
            k = diff.sheet_keys(sheet, old_tables[sheet.name], new_tables[sheet.name])
            d = described[sheet.name]
            headers = {c.name: c.header for c in sheet.input_columns}
            assert k.added == d.added_keys and k.removed == d.removed_keys
            assert [(key, [headers[c] for c in cols]) for key, cols in k.changed] == \
                [(rc.key, [fc.column for fc in rc.changes]) for rc in d.changed]


def _index(rows: list[tuple]) -> pd.DataFrame:
    """(snapshot, when, by, sheet, id, field, kind) -> rows of history.index."""
    return pd.DataFrame([{"When": w, "By": b, "Sheet": sh, "ID": i, "Field": f,
                          "From": "removed" if kind == "removed" else "", "To": "added" if kind == "added" else "",
                          "Snapshot": s, "Previous": "s0"} for s, w, b, sh, i, f, kind in rows],
                        columns=history.INDEX_COLUMNS)


@pytest.mark.parametrize(("rows", "expected"), [
    ([], []),
    ([("s2", "b", "Y", "People", "p1", "", "added")], [("b", "Y", "People", 1, 0, 0, 0)]),
    # two fields of one row: one row changed, two fields; sheets in the order met; newest event first
    ([("s2", "b", "Y", "People", "p1", "Name", ""), ("s2", "b", "Y", "People", "p1", "Title", ""),
      ("s2", "b", "Y", "Roles", "r1", "", "removed"), ("s1", "a", "X", "People", "p1", "", "added")],
     [("b", "Y", "People", 0, 0, 1, 2), ("b", "Y", "Roles", 0, 1, 0, 0), ("a", "X", "People", 1, 0, 0, 0)]),
    # thousands of rows: exact counts, never cut
    ([("s2", "b", "Y", "Roles", f"r{i}", "", "added") for i in range(5_000)]
     + [("s2", "b", "Y", "Roles", f"q{i}", "", "removed") for i in range(1_234)],
     [("b", "Y", "Roles", 5_000, 1_234, 0, 0)]),
])
def test_summary_counts_exactly(rows, expected):
    out = history.summary(_index(rows))
    assert list(out.columns) == history.SUMMARY_COLUMNS
    assert [tuple(r) for r in out.itertuples(index=False)] == expected


@pytest.mark.parametrize(("total", "listed", "said"), [
    (0, 200, ""), (200, 200, ""), (201, 200, "and 1 more"), (91_279, 200, "and 91,079 more"), (5, 0, "and 5 more"),
])
def test_a_cut_list_says_how_many_more(total, listed, said):
    assert history.more(total, listed) == said


def test_index_described_is_the_whole_history_and_a_page_of_it_reads_the_same(store):
    tables, pid = edits.add_person(store.read_all(store.current_id()), "Ada Testwell", "Editor B", TODAY, title="Cllr")
    tables, _ = edits.replace_seat_holder(tables, "R000-115", pid, "Editor B", TODAY)
    assert pipeline.save_edit(store, store.current_id(), tables, author="Editor B").manifest is not None
    tables = store.read_all(store.current_id())
    tables["Organisations"] = tables["Organisations"].iloc[2:]
    tables["Roles"] = tables["Roles"][tables["Roles"]["organisation_id"].isin(tables["Organisations"]["id"])
                                      | tables["Roles"]["organisation_id"].isna()]
    store.publish(tables, author="Editor C")
    ix = history.index(store, last=None)
    assert set(ix.columns) == set(history.INDEX_COLUMNS) and (ix["From"] == "removed").sum() >= 2
    whole = history.described(store, ix)
    assert list(whole.columns) == history.COLUMNS and len(whole) == len(ix)
    assert whole.equals(history.changes(store, last=None))
    assert not whole["Row"].isna().any() and not (whole["Row"] == "").any()
    some = ix.iloc[[len(ix) - 1, 0, 3]]  # any rows, in any order: each reads as it does in the whole
    assert history.described(store, some).equals(whole.iloc[[len(ix) - 1, 0, 3]].reset_index(drop=True))
