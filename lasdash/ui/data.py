"""Cached access to the store and its DuckDB views, keyed on the data directory and snapshot id.

A publish or rollback changes the current id, so every session sees the new map on its next
run without clearing caches by hand.
"""
from __future__ import annotations

import duckdb
import streamlit as st

from lasdash import clock, config, pipeline, queries
from lasdash.snapshots import Manifest, Store


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
    return _connection(str(config.data_dir()), snapshot_id)


@st.cache_data(show_spinner=False, max_entries=4)
def _tables(root: str, snapshot_id: str) -> dict:
    return _store(root).read_all(snapshot_id)


def tables(snapshot_id: str) -> dict:
    """A snapshot's tables (a copy each call: snapshots never change, and callers may edit theirs)."""
    return _tables(str(config.data_dir()), snapshot_id)


def current() -> Manifest:
    return store().current()


def update_check_note() -> str | None:
    """What a replica says while it cannot reach the store: it is showing the last snapshot it has."""
    since = store().update_check_failed_since()
    if since is None:
        return None
    return (f"Could not check for updates since {since.astimezone(clock.LONDON):%H:%M} (the snapshot store cannot be "
            "reached). Showing the last snapshot this server has; it will check again by itself.")
