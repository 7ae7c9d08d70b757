"""The flow in one place: workbook -> read -> validate -> snapshot.

The CLI, the Data page and the benchmark all go through these functions.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import config
from . import schema as S
from .reader import DEFAULT_LIMITS, Limits, Reading, start_read

if TYPE_CHECKING:
    import pandas as pd

    from .merge import Conflict, Merge
    from .snapshots import Manifest, Store
    from .validate import Validation

# Only what starting a read needs is imported here (the reader, without pyarrow): pandas, pyarrow, the validator and
# the store load inside the functions, while the reading child parses (issue 26: the CLI from cold).

BOOTSTRAP_AUTHOR = "lasdash (bootstrap from the bundled default map)"


@dataclass
class Outcome:
    validation: Validation
    manifest: Manifest | None = None  # set when published


def check(path: Path | str, display_name: str | None = None, limits: Limits = DEFAULT_LIMITS,
          keep: dict[str, pd.DataFrame] | None = None, reading: Reading | None = None) -> Validation:
    """Read and validate. Raises ReadError when the file cannot be read at all. `keep`: see kept_sheets.
    `reading`: the read of `path` already started (start_read), e.g. before the store was opened."""
    with reading or start_read(path, limits, display_name) as read:  # the child parses while the validator loads
        from .validate import SheetsAhead, validate
        ahead = SheetsAhead()
        return validate(read.result(on_sheet=ahead), ahead, keep)


def kept_sheets(store: Store) -> dict[str, pd.DataFrame]:
    """The current map's optional sheets (the LAS team): a workbook from before one existed keeps the map's rows."""
    current = store.current_id()
    return {s.name: store.read(current, s.name) for s in S.SHEETS if s.optional} if current else {}


def publish(store: Store, path: Path | str, *, author: str, note: str = "",
            display_name: str | None = None, expected_current: str | None | object = ...,
            limits: Limits = DEFAULT_LIMITS) -> Outcome:
    """Validate, then publish if there are no errors. The current snapshot is untouched otherwise."""
    path = Path(path)
    with start_read(path, limits, display_name) as reading:  # the child parses while the store is read
        validation = check(path, display_name, limits, kept_sheets(store), reading)
    if not validation.ok:
        return Outcome(validation)
    manifest = store.publish(validation.tables, author=author, note=note, source_file=display_name or path.name,
                             workbook_bytes=path.read_bytes(), expected_current=expected_current)
    return Outcome(validation, manifest)


def open_store(root: Path | str | None = None) -> Store:
    """The store at `root` (default LASDASH_DATA_DIR), bootstrapped from the default workbook on first use.
    Concurrent bootstraps publish one snapshot: the others lose the conditional publish and use it."""
    from .snapshots import StaleSnapshot
    from .stores import open_location
    store = open_location(root or config.data_dir())
    if store.current_id() is None:
        try:
            outcome = publish(store, config.default_workbook(), author=BOOTSTRAP_AUTHOR,
                              note="Initial map transcribed from the source documents", expected_current=None)
        except StaleSnapshot:  # another process bootstrapped first
            return store
        if outcome.manifest is None:
            raise RuntimeError("The bundled default workbook does not validate:\n" +
                               "\n".join(map(str, outcome.validation.errors[:20])))
    return store



NO_BASE = ("This workbook does not say which snapshot it was made from (it was made by hand, or by an older "
           "lasdash), so its comparison cannot tell other editors' changes from its own: check the changes below "
           "for any you did not make.")
UNKNOWN_BASE = ("This workbook was made from snapshot {base}, which this store does not have, so its comparison "
                "cannot tell other editors' changes from its own: check the changes below for any you did not make.")


def base_note(store: Store, validation: Validation) -> str:
    """Why an upload gets only a two-way comparison ('' when its base is known)."""
    from .snapshots import StoreError
    if validation.base_snapshot is None:
        return NO_BASE
    try:
        store.manifest(validation.base_snapshot)
    except StoreError:
        return UNKNOWN_BASE.format(base=validation.base_snapshot)
    return ""


@dataclass
class MergeOutcome:
    merge: Merge
    validation: Validation  # of the merged map: publishable only if it has no errors
    base: Manifest
    current_id: str


def merge_upload(store: Store, validation: Validation, take_yours: frozenset[str] = frozenset()
                 ) -> MergeOutcome | None:
    """The three-way merge of a valid upload with the current map; None when its base is unknown or current."""
    from .merge import attribute, three_way
    from .validate import validate_tables
    current_id = store.current_id()
    if base_note(store, validation) or validation.base_snapshot == current_id:
        return None
    base = store.manifest(validation.base_snapshot)
    chain = history_since(store, base)
    merge = three_way(chain[0][1], chain[-1][1], validation.tables, take_yours)
    merge.conflicts = attribute(merge.conflicts, chain)
    return MergeOutcome(merge, validate_tables(merge.tables), base, current_id)


def history_since(store: Store, base: Manifest) -> list[tuple[dict, dict]]:
    """(event, tables) for each snapshot that has been current since `base` last was, ending with the current one."""
    events = store.events()
    last = max((i for i, e in enumerate(events) if e["snapshot"] == base.id), default=None)
    since = events[last + 1:] if last is not None else [e for e in events if e["at"] > base.created]
    start = {"by": base.author, "at": base.created, "snapshot": base.id}
    steps = [start, *since]
    if steps[-1]["snapshot"] != store.current_id():  # the base was never in this history: compare with now
        steps.append({"by": "", "at": "", "snapshot": store.current_id()})
    return [(e, store.read_all(e["snapshot"])) for e in steps]


@dataclass
class EditOutcome:
    validation: Validation
    manifest: Manifest | None = None  # set when published
    conflicts: list[Conflict] = field(default_factory=list)  # someone changed the same thing meanwhile
    reapplied: bool = False  # the map had moved on; the edit was made again on the new map


def save_edit(store: Store, base_id: str, edited: dict, *, author: str, note: str = "") -> EditOutcome:
    """Publish an edit of snapshot `base_id`, validated as an upload would be. If someone published meanwhile,
    the edit's own changes (base -> edited) are made again on the new map, unless they touch what others changed:
    the same rows and fields, or a row the edit refers to (then nothing is published). Rows others added or
    deleted elsewhere are kept as they are."""
    from .edits import renumber_added
    from .merge import attribute, reapply
    from .snapshots import StaleSnapshot
    from .validate import validate_tables
    validation = validate_tables(edited, "the map with your edit")
    if not validation.ok:
        return EditOutcome(validation)
    tables, expected, reapplied = validation.tables, base_id, False
    base = None
    for _ in range(5):
        try:
            manifest = store.publish(tables, author=author, note=note, source_file="edited in lasdash",
                                     expected_current=expected)
            return EditOutcome(validation, manifest, reapplied=reapplied)
        except StaleSnapshot:
            expected = store.current_id()
            base = base or store.read_all(base_id)
            current = store.read_all(expected)
            again = reapply(base, current, renumber_added(base, current, validation.tables))
            if again.conflicts:
                return EditOutcome(validation, conflicts=attribute(again.conflicts,
                                                                   history_since(store, store.manifest(base_id))))
            checked = validate_tables(again.tables, "the map with your edit")
            if not checked.ok:
                return EditOutcome(checked)
            tables, reapplied = checked.tables, True
    raise StaleSnapshot("The map kept changing while saving; try again.")
