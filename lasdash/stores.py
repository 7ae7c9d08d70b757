"""The store at a location: a folder (lasdash/snapshots.py), or object storage for s3:// and az://
(lasdash/object_store.py). Apart from both backends, so neither imports the other."""
from __future__ import annotations

from pathlib import Path

from .object_store import ObjectSnapshotStore, is_object_location
from .snapshots import SnapshotStore, Store


def open_location(location: str | Path) -> Store:
    location = str(location)
    return ObjectSnapshotStore(location) if is_object_location(location) else SnapshotStore(location)
