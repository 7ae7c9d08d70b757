"""Cached access to the store and its DuckDB views, keyed on the snapshot id.

A publish or rollback changes the current id, so every session sees the new map on its next
run without clearing caches by hand.
"""
from __future__ import annotations

import duckdb
import streamlit as st

from lasdash import pipeline, queries
from lasdash.snapshots import Manifest, SnapshotStore


@st.cache_resource(show_spinner=False)
def store() -> SnapshotStore:
    return pipeline.open_store()


@st.cache_resource(show_spinner=False, max_entries=4)
def connection(snapshot_id: str) -> duckdb.DuckDBPyConnection:
    """One connection per snapshot; queries use cursors (a connection is not thread-safe)."""
    return queries.connect(store(), snapshot_id)


def current() -> Manifest:
    return store().current()
