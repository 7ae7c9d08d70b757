"""The editor's workflow on the Data page: review an upload, publish it, roll back.

Every action that changes the map re-checks `auth.editor()` inside its handler, and publishing
is conditional on the snapshot the editor reviewed still being current (no silent overwrite).
"""
from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from lasdash.reader import ReadError, read_workbook
from lasdash.snapshots import SheetDiff, SnapshotStore, StaleSnapshot, StoreError, diff_tables
from lasdash.ui import auth
from lasdash.ui.text import literal
from lasdash.validate import Validation, validate

REVIEW, FLASH, UPLOAD_COUNTER, CONFIRM_ROLLBACK = "_review", "_flash", "_upload_counter", "_confirm_rollback"


@dataclass
class Review:
    """One uploaded workbook under review."""

    sha256: str
    file_name: str
    content: bytes
    read_error: str = ""
    validation: Validation | None = None
    base_id: str | None = None  # the snapshot the preview compares against
    diffs: list[SheetDiff] = field(default_factory=list)
    stale: bool = False  # the map changed under the editor; the preview was redone

    @property
    def publishable(self) -> bool:
        return not self.read_error and self.validation is not None and self.validation.ok


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def review(store: SnapshotStore, file_name: str, content: bytes) -> Review:
    """Read, validate and compare, showing each step in st.status."""
    r = Review(sha256(content), file_name, content)
    with st.status(f"Checking {literal(file_name)}", expanded=True) as status:
        st.write("Reading the workbook (in a separate, limited process)…")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "upload.xlsx"
            path.write_bytes(content)
            try:
                raw = read_workbook(path, display_name=file_name)
            except ReadError as exc:
                r.read_error = str(exc)
                status.update(label="The file could not be read", state="error")
                return r
        st.write("Validating every sheet, row and column…")
        r.validation = validate(raw)
        if not r.validation.ok:
            status.update(label=f"Not publishable: {literal(r.validation.summary())}", state="error")
            return r
        st.write("Comparing with the current map…")
        compare(store, r)
        status.update(label="Ready to review and publish", state="complete", expanded=False)
    return r


def compare(store: SnapshotStore, r: Review) -> None:
    r.base_id = store.current_id()
    r.diffs = diff_tables(store.read_all(r.base_id), r.validation.tables)


def publish(store: SnapshotStore, note: str) -> None:
    """on_click handler: publish the reviewed workbook, if the user is an editor and the map has not moved."""
    r: Review | None = st.session_state.get(REVIEW)
    who = auth.editor()
    if who is None:
        st.session_state[FLASH] = ("error", "Only editors can publish. Nothing was changed.")
        return
    if r is None or not r.publishable:
        st.session_state[FLASH] = ("error", "There is no valid workbook under review.")
        return
    try:
        manifest = store.publish(r.validation.tables, author=who, note=note.strip(), source_file=r.file_name,
                                 workbook_bytes=r.content, expected_current=r.base_id)
    except StaleSnapshot:
        compare(store, r)
        r.stale = True
        return
    st.session_state.pop(REVIEW, None)
    st.session_state[UPLOAD_COUNTER] = st.session_state.get(UPLOAD_COUNTER, 0) + 1  # clears the uploader
    st.session_state[FLASH] = ("success", f"Published snapshot {manifest.id}. Every page now shows it.")


def rollback(store: SnapshotStore, snapshot_id: str) -> None:
    """on_click handler for the confirmed rollback."""
    st.session_state.pop(CONFIRM_ROLLBACK, None)
    who = auth.editor()
    if who is None:
        st.session_state[FLASH] = ("error", "Only editors can roll back. Nothing was changed.")
        return
    try:
        m = store.rollback(snapshot_id, author=who, note="Rollback from the Data page")
    except StoreError as exc:
        st.session_state[FLASH] = ("error", str(exc))
        return
    st.session_state[FLASH] = ("success", f"Snapshot {m.id} ({m.created_at:%d %b %Y %H:%M}) is current again. "
                                          "To undo, roll back to the snapshot you replaced.")
