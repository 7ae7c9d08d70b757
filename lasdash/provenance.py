"""Where a table came from: which snapshot's sheet a table was read from, and whether it is still that very table,
unchanged. Edits use it to share the parent's unchanged files (snapshots) and to check only what an edit touched
(validate); both fall back to the full work whenever this cannot tell.
"""
from __future__ import annotations

import weakref

import numpy as np
import pandas as pd

# Tables read from a snapshot's file, by object: (location, snapshot id, sheet). Snapshots never change, so publishing
# that very table again, unchanged (see fingerprint: a change made in place is seen), shares the file.
_ORIGINS: dict[int, tuple] = {}


def fingerprint(df: pd.DataFrame) -> tuple | None:
    """The table's columns and where its data lies. With a shallow copy of it kept (`keep`), copy-on-write moves any
    change made to it in place (df.loc[...] = ...) to new memory, so an equal fingerprint later means unchanged."""
    try:
        out = []
        for block in df._mgr.blocks:
            v = block.values
            if isinstance(v, np.ndarray):
                out.append(v.__array_interface__["data"][0])
            elif hasattr(v, "_pa_array"):
                out.extend(buf.address for c in v._pa_array.chunks for buf in c.buffers() if buf is not None)
            elif hasattr(v, "_data") and hasattr(v, "_mask"):
                out += [v._data.__array_interface__["data"][0], v._mask.__array_interface__["data"][0]]
            else:
                return None  # a kind of column whose changes this cannot see
        return tuple(df.columns), tuple(out)
    except (AttributeError, TypeError, ValueError):
        return None


def keep(registry: dict, df: pd.DataFrame, info: object) -> None:
    """Remember `df` (by object, while it lives, as long as it is not changed in place) with `info`."""
    if (print_ := fingerprint(df)) is None:
        return
    key = id(df)
    registry[key] = (weakref.ref(df, lambda _, key=key: registry.pop(key, None)), df.copy(deep=False), print_, info)


def kept(registry: dict, df: object) -> object:
    """The `info` kept for `df`, if it is that very table and unchanged since; else None."""
    found = registry.get(id(df)) if df is not None else None
    if found is None or found[0]() is not df or fingerprint(df) != found[2]:
        return None
    return found[3]


# A table read from a snapshot says so in its attrs, (location, snapshot id, sheet); copies and tables made from it
# say so too, so this names only where to look: what a table holds is compared with the snapshot's own.
ORIGIN_ATTR = "lasdash.read_from"
_STORES: dict[str, object] = {}  # location -> weak reference to a store object that read from it


def remember(df: pd.DataFrame, store, snapshot_id: str, sheet_name: str) -> None:
    """Note that `df` is the very table `store` read for the snapshot's sheet; copies say so in their attrs."""
    location = getattr(store, "location", None)
    keep(_ORIGINS, df, (weakref.ref(store), (location, snapshot_id, sheet_name)))
    if location is not None and (_STORES.get(location) or (lambda: None))() is not store:
        _STORES[location] = weakref.ref(store)
    df.attrs[ORIGIN_ATTR] = (location, snapshot_id, sheet_name)  # kept by copies (a page's cache)


def read_from(df: object) -> tuple[object, str, str] | None:
    """(store, snapshot id, sheet) that `df`, or the table it was copied or made from, was read from, while a store
    object for that location is alive; None when unknown. A hint only: compare the contents."""
    try:
        location, snapshot_id, sheet_name = df.attrs[ORIGIN_ATTR]
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    store = (_STORES.get(location) or (lambda: None))()
    return (store, snapshot_id, sheet_name) if store is not None else None


def origin(df: object) -> tuple | None:
    """(store location, snapshot id, sheet) when `df` is the very table Store.read returned for them, unchanged."""
    found = kept(_ORIGINS, df)
    return found[1] if found is not None else None


def origin_store(df: object) -> object | None:
    """The store `df` was read from (see origin), while that store object is alive."""
    found = kept(_ORIGINS, df)
    return found[0]() if found is not None else None
