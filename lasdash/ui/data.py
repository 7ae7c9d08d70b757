"""Cached access to the store and its DuckDB views, keyed on the data directory and snapshot id.

A publish or rollback changes the current id, so every session sees the new map on its next
run without clearing caches by hand.
"""
from __future__ import annotations

import duckdb
import streamlit as st

from lasdash import clock, config, memory, pipeline, queries
from lasdash.snapshots import Manifest, Store

# Before the server reads a snapshot: pyarrow on the allocator Python and pandas use, so what reading a snapshot frees
# is reused by the rest (its own pool kept ~60 MB a snapshot at 100x the map). See lasdash/memory.py.
memory.use_system_allocator()


@st.cache_resource(show_spinner=False)
def _store(root: str) -> Store:
    return pipeline.open_store(root)


def store() -> Store:
    return _store(str(config.data_dir()))


@st.cache_resource(show_spinner=False, max_entries=4)
def _connection(root: str, snapshot_id: str) -> duckdb.DuckDBPyConnection:
    return queries.connect(_store(root), snapshot_id)


def connection(snapshot_id: str) -> duckdb.DuckDBPyConnection:
    """One connection per snapshot; queries use cursors (a connection is not thread-safe)."""
    root = str(config.data_dir())
    _supersede(root, snapshot_id)
    return _connection(root, snapshot_id)


_seen: dict[str, set[str]] = {}  # store -> the snapshot ids this process has cached a connection or tables of


def _supersede(root: str, snapshot_id: str) -> None:
    """When a snapshot newer than any asked about before appears (ids sort by time), drop the older ones' cached
    connection and tables: a DuckDB database keeps what its queries freed (about 100 MB after every view at 100x the
    map) until it is closed, and the old map's tables are of no use to the new one. Nothing is closed under a session
    still using one: a connection is freed once its last user lets go of it. An older snapshot asked for later (a
    rollback, a session still on it) is cached again as before."""
    seen = _seen.setdefault(root, set())
    if snapshot_id in seen:
        return
    newest = max(seen, default=None)
    seen.add(snapshot_id)
    if newest is None or snapshot_id < newest:
        return
    for old in seen - {snapshot_id}:
        _connection.clear(root, old)
        _tables.clear(root, old)
    seen.intersection_update({snapshot_id})
    memory.trim()


@st.cache_data(show_spinner=False, max_entries=4)
def _tables(root: str, snapshot_id: str) -> dict:
    return _store(root).read_all(snapshot_id)


def tables(snapshot_id: str) -> dict:
    """A snapshot's tables (a copy each call: snapshots never change, and callers may edit theirs)."""
    root = str(config.data_dir())
    _supersede(root, snapshot_id)
    return _tables(root, snapshot_id)


def current() -> Manifest:
    return store().current()


def update_check_note() -> str | None:
    """What a replica says while it cannot reach the store: it is showing the last snapshot it has."""
    since = store().update_check_failed_since()
    if since is None:
        return None
    return (f"Could not check for updates since {since.astimezone(clock.LONDON):%H:%M} (the snapshot store cannot be "
            "reached). Showing the last snapshot this server has; it will check again by itself.")
