"""The editor's workflow on the Data page: review an upload, publish it (merged or as it is), roll back.

Every action that changes the map re-checks `auth.editor()` inside its handler, and publishing
is conditional on the snapshot the editor reviewed still being current (no silent overwrite).
A workbook made from an older snapshot is merged three ways (lasdash.merge): the editor sees
their own changes, everyone else's since, and each conflict, and picks per conflict.

Also, for every page (app.py): an unsaved change that a server restart lost is said (`say_lost_changes`, below).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lasdash import pipeline
from lasdash.diff import SheetDiff, diff_tables
from lasdash.reader import ReadError, read_workbook
from lasdash.snapshots import Manifest, StaleSnapshot, Store, StoreError
from lasdash.ui import auth, map_edits
from lasdash.ui.text import literal
from lasdash.validate import SheetsAhead, Validation, validate

REVIEW, FLASH, UPLOAD_COUNTER, CONFIRM_ROLLBACK = "_review", "_flash", "_upload_counter", "_confirm_rollback"
TAKE_YOURS, MODE = "take_yours", "publish_mode"  # widget keys: conflicts settled for the file; merge or overwrite
MERGE, OVERWRITE = "merge", "overwrite"
auth.forget_on_sign_out(REVIEW, CONFIRM_ROLLBACK)


@dataclass
class Review:
    """One uploaded workbook under review."""

    sha256: str
    file_name: str
    content: bytes
    read_error: str = ""
    validation: Validation | None = None
    against_id: str | None = None  # the current snapshot the preview compares against
    diffs: list[SheetDiff] = field(default_factory=list)  # current -> the file as it is
    base_note: str = ""  # why only a two-way comparison is possible ('' when the base is known)
    merges: dict[frozenset, pipeline.MergeOutcome | None] = field(default_factory=dict)  # by conflicts taken
    stale: bool = False  # the map changed under the editor; the preview was redone

    @property
    def publishable(self) -> bool:
        return not self.read_error and self.validation is not None and self.validation.ok

    def merge(self, store: Store, take_yours: frozenset = frozenset()) -> pipeline.MergeOutcome | None:
        """The three-way merge with these conflicts settled for the file; None when there is nothing to merge."""
        if take_yours not in self.merges:
            self.merges[take_yours] = pipeline.merge_upload(store, self.validation, take_yours)
        return self.merges[take_yours]


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def review(store: Store, file_name: str, content: bytes) -> Review:
    """Read, validate and compare, showing each step in st.status."""
    r = Review(sha256(content), file_name, content)
    with st.status(f"Checking {literal(file_name)}", expanded=True) as status:
        st.write("Reading the workbook (in a separate, limited process)…")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "upload.xlsx"
            path.write_bytes(content)
            try:
                ahead = SheetsAhead()  # sheets are checked as they arrive
                raw = read_workbook(path, display_name=file_name, on_sheet=ahead)
            except ReadError as exc:
                r.read_error = str(exc)
                status.update(label="The file could not be read", state="error")
                return r
        st.write("Validating every sheet, row and column…")
        r.validation = validate(raw, ahead, pipeline.kept_sheets(store))
        if not r.validation.ok:
            status.update(label=f"Not publishable: {literal(r.validation.summary())}", state="error")
            return r
        st.write("Comparing with the current map, and with the snapshot the file was made from…")
        compare(store, r)
        status.update(label="Ready to review and publish", state="complete", expanded=False)
    return r


def compare(store: Store, r: Review) -> None:
    r.against_id = store.current_id()
    r.diffs = diff_tables(store.read_all(r.against_id), r.validation.tables)
    r.base_note = pipeline.base_note(store, r.validation)
    r.merges = {}
    r.merge(store)


def publish(store: Store, note: str) -> None:
    """on_click handler: publish the reviewed workbook (merged unless the editor chose to overwrite), if the user
    is an editor and the map has not moved since the review."""
    r: Review | None = st.session_state.get(REVIEW)
    who = auth.editor()
    if who is None:
        st.session_state[FLASH] = ("error", "Only editors can publish. Nothing was changed.")
        return
    if r is None or not r.publishable:
        st.session_state[FLASH] = ("error", "There is no valid workbook under review.")
        return
    tables, source = r.validation.tables, r.file_name
    outcome = r.merge(store, frozenset(st.session_state.get(TAKE_YOURS, ())))
    if outcome is not None and st.session_state.get(MODE, MERGE) == MERGE:
        if outcome.current_id != r.against_id:  # the map moved after the review: redo it, publish nothing
            compare(store, r)
            r.stale = True
            return
        if not outcome.validation.ok:
            st.session_state[FLASH] = ("error", ("Not published: the merged map has errors: "
                                                 f"{literal(outcome.validation.summary())}. Nothing was changed."))
            return
        tables, source = outcome.validation.tables, f"{r.file_name} (merged with {r.against_id})"
    try:
        manifest = store.publish(tables, author=who, note=note.strip(), source_file=source,
                                 workbook_bytes=r.content, expected_current=r.against_id)
    except StaleSnapshot:
        compare(store, r)
        r.stale = True
        return
    st.session_state.pop(REVIEW, None)
    st.session_state.pop(TAKE_YOURS, None)
    st.session_state[UPLOAD_COUNTER] = st.session_state.get(UPLOAD_COUNTER, 0) + 1  # clears the uploader
    st.session_state[FLASH] = ("success", f"Published snapshot {manifest.id}. Every page now shows it.")


def rollback(store: Store, snapshot_id: str) -> None:
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
    st.session_state[FLASH] = ("success", (f"Snapshot {m.id} ({m.created_at:%d %b %Y %H:%M}) is current again. "
                                           "To undo, roll back to the snapshot you replaced."))


# --- What a restart loses -------------------------------------------------------------------------------------------
# A checked edit, the recommendations grid's changes, a workbook under review and a rollback awaiting "Yes" live in
# this server's session. When the server restarts, the browser reconnects to a new process and keeps showing the old
# page without rerunning (Streamlit 1.67 reruns on reconnect only if a run was in progress, e.g. a publish the crash
# cut short). A click on Save then starts the first run of a new session: st.session_state is empty, so the change is
# gone, and the click's callback never runs, because callbacks are registered by the run that drew the button. What
# does arrive is the value of every widget on the page, re-sent by the browser. So on a session's first run, the note
# field drawn beside each Save (or a click on "Yes, roll back") tells which change the browser was still showing: it
# is said, once, at the top of the page.
SESSION_SEEN = "_session_seen"
RESTARTED = "the server restarted (or this page was reloaded)"
LOSABLE = {  # the widget drawn beside each Save, or clicked -> what was lost, before what, and what to do
    "engagement_note": ("Your checked engagement was not saved", "Save", "check it again"),
    f"{map_edits.PENDING_SEAT}_note": ("Your checked seat change was not saved", "Save", "check it again"),
    f"{map_edits.PENDING_ASSESSMENT}_note": ("Your changes in the assessment grid were not saved", "Save",
                                             "make them again"),
    "sub_group_intervals_note": ("Your changes to the sub-groups' default intervals were not saved", "Save",
                                 "make them again"),
    "rec_note": ("Your changes in the recommendations grid were not saved", "Save", "make them again"),
    "team_note": ("Your changes to the LAS team were not saved", "Save", "make them again"),
    "team_add_note_snapshot": ("Your new role on the LAS team was not saved", "Save", "check it again"),
    "publish_note": ("Your workbook was not published", "Publish finished", "upload it again"),
    "rollback_confirm": ("Your rollback was not made", "Roll back finished", "choose it again"),
}
JUST_BEFORE = dt.timedelta(minutes=10)


def lost_changes(current: Manifest) -> list[str]:
    """On a session's first run, the unsaved changes the browser still showed from an earlier session, in words."""
    if SESSION_SEEN in st.session_state:
        return []
    st.session_state[SESSION_SEEN] = True
    ctx = get_script_run_ctx()
    sent = ctx.session_state.get_widget_states() if ctx else []  # nothing has claimed them yet in this run
    said = []
    for key, (what, before, again) in LOSABLE.items():
        state = next((s for s in sent if s.id.endswith(f"-{key}")), None)  # a keyed widget's id ends with its key
        if state is None or (state.WhichOneof("value") == "trigger_value" and not state.trigger_value):
            continue
        note = state.string_value.strip()
        recent = dt.datetime.now(dt.UTC) - current.created_at < JUST_BEFORE
        if note and current.note == note and recent:  # the crash came after the save itself
            said.append(f"Your change may have been saved just before {RESTARTED}: the current snapshot "
                        f"{current.id} has your note \u201c{literal(note)}\u201d. Look at it before making it again.")
        else:
            said.append(f"{what}: {RESTARTED} before {before}. Nothing changed; {again}.")
    return said


def say_lost_changes(current: Manifest) -> None:
    for text in lost_changes(current):
        st.warning(text, icon=":material/sync_problem:")
