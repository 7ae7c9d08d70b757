"""The flow in one place: workbook -> read -> validate -> snapshot.

The CLI, the Data page and the benchmark all go through these functions.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import config
from .reader import DEFAULT_LIMITS, Limits, read_workbook
from .snapshots import Manifest, SnapshotStore, StaleSnapshot
from .validate import Validation, validate

BOOTSTRAP_AUTHOR = "lasdash (bootstrap from the bundled default map)"


@dataclass
class Outcome:
    validation: Validation
    manifest: Manifest | None = None  # set when published


def check(path: Path | str, display_name: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Validation:
    """Read and validate. Raises ReadError when the file cannot be read at all."""
    return validate(read_workbook(path, limits, display_name))


def publish(store: SnapshotStore, path: Path | str, *, author: str, note: str = "",
            display_name: str | None = None, expected_current: str | None | object = ...,
            limits: Limits = DEFAULT_LIMITS) -> Outcome:
    """Validate, then publish if there are no errors. The current snapshot is untouched otherwise."""
    path = Path(path)
    validation = check(path, display_name, limits)
    if not validation.ok:
        return Outcome(validation)
    manifest = store.publish(validation.tables, author=author, note=note, source_file=display_name or path.name,
                             workbook_bytes=path.read_bytes(), expected_current=expected_current)
    return Outcome(validation, manifest)


def open_store(root: Path | str | None = None) -> SnapshotStore:
    """The store, bootstrapped from the default workbook on first use."""
    store = SnapshotStore(root or config.data_dir())
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

