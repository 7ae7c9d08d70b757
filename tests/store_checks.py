"""Checks of a store after publishers raced or were killed (test_crash_safety.py, test_replicas.py)."""
from lasdash import schema as S


def check_store(store, expected_counts: dict, checked: set):
    """Everything the store lists is whole (every Parquet file readable, row counts as in its manifest and as
    published), nothing is listed that no event names, and the history is one unbroken chain ending at current.
    `checked`: ids already read whole (snapshots never change); added to. Raises AssertionError otherwise."""
    current = store.current()
    listed = {m.id: m for m in store.list()}
    assert current is not None and current.id in listed
    events = store.events()
    assert set(listed) <= {e["snapshot"] for e in events}, "a snapshot no event names is listed"
    for m in listed.values():
        if m.id in checked:
            continue
        for sheet in S.SHEETS:
            df = store.read(m.id, sheet.name)
            assert len(df) == m.row_counts[sheet.name] == expected_counts[sheet.name], (m.id, sheet.name)
        checked.add(m.id)
    previous = None
    for e in events:
        assert e["snapshot"] in listed and e["previous"] == previous, e
        previous = e["snapshot"]
    assert previous == current.id
    return store
