"""The snapshot store: immutable Parquet snapshots of the map, and which one is current.

`lasdash.stores.open_location(location)` picks the backend: a folder (below), or object storage
(lasdash/object_store.py, for s3:// and az:// locations). Both keep the same interface, `Store`, defined here.

Layout of a folder store:
    snapshots/<id>/<table>.parquet + manifest.json   (never changed once written)
    state.json   {"current": id, "events": [...]}    (replaced atomically: write, fsync, rename)
    .lock        serialises writers (publish, rollback)

A snapshot is published only once the state (here) or an event (object storage) names it: a folder that exists
is not a publish. A publish killed midway leaves `snapshots/.tmp-<id>/`, a whole `snapshots/<id>/` that nothing
names, or `.state.<uuid>.tmp`: never listed or read, reported by `leftovers()` (`doctor`) and removed by
`sweep()` once older than ORPHAN_AGE.

The store is the only thing that knows this layout: pages and the CLI use publish, list,
current, read, rollback and diff, so another backend can replace it without touching them. What a diff says is
lasdash/diff.py.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import shutil
import uuid
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import provenance
from . import schema as S
from .diff import SheetDiff, diff_tables
from .normalise import column_dtype, with_derived


class StoreError(Exception):
    pass


class StaleSnapshot(StoreError):
    """The map changed since the caller last looked (another editor published)."""


@dataclass(frozen=True)
class Manifest:
    id: str
    created: str  # ISO 8601 UTC
    author: str
    note: str
    source_file: str
    sha256: str
    row_counts: dict[str, int]

    @property
    def created_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.created)


def _arrow_type(col: S.Column) -> pa.DataType:
    return {"int": pa.int64(), "date": pa.date32()}.get(col.type, pa.string())


def arrow_schema(sheet: S.Sheet) -> pa.Schema:
    return pa.schema([pa.field(c.name, _arrow_type(c)) for c in sheet.columns])


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# What a killed publish left is swept only once this old: no publish still under way (on object storage there is no
# lock to tell) has files that old. The module's value is read at each call, so a test may change it.
ORPHAN_AGE = dt.timedelta(hours=1)

# Kinds of leftover, in words (doctor and sweep print them)
UNPUBLISHED = "unpublished snapshot"  # whole files, but no state or event names the snapshot
HALF_WRITTEN = "half-written snapshot"  # in .tmp-<id>, not renamed into place (object storage: no manifest)
TEMP_STATE = "temporary state file"  # a new state.json written but not renamed into place
TEMP_FILE = "temporary file"  # another file written whole before it is linked into place (security events)
PROBE = "write probe"  # doctor's probe, when doctor was stopped between writing and deleting it
CACHED = "local copy of an unpublished snapshot"  # object storage: this machine's cache of one of the above
PARTIAL_COPY = "partial local copy"  # object storage: a download into the cache cut short


def _age_words(age: dt.timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60:02d} min"
    return f"{minutes // (24 * 60)} days"


@dataclass(frozen=True)
class Leftover:
    """Something an interrupted publish (or doctor's probe) left in the store. Never listed, never read."""
    kind: str  # one of the kinds above
    name: str  # where, as people can find it: a path in the store, or on this machine for the cache
    modified: dt.datetime  # the newest of its files' modification times (UTC)
    snapshot: str | None = None  # the snapshot it belongs to, when it does
    targets: tuple = field(default=(), repr=False, compare=False)  # what sweep deletes (paths or object keys)

    def age(self, now: dt.datetime | None = None) -> dt.timedelta:
        return (now or dt.datetime.now(dt.UTC)) - self.modified

    def describe(self, now: dt.datetime | None = None) -> str:
        return f"{self.kind} {self.name}, {_age_words(max(self.age(now), dt.timedelta(0)))} old"


def orphan_age(older_than: dt.timedelta | None = None) -> dt.timedelta:
    return ORPHAN_AGE if older_than is None else older_than


def _split_by_age(items: list[Leftover], older_than: dt.timedelta | None, now: dt.datetime | None
                  ) -> tuple[list[Leftover], list[Leftover]]:
    """(old enough to remove, too young: a publish may be under way)."""
    cutoff = (now or dt.datetime.now(dt.UTC)) - orphan_age(older_than)
    return [i for i in items if i.modified <= cutoff], [i for i in items if i.modified > cutoff]


def _mtime(path: Path) -> dt.datetime:
    """The newest modification time of a file, or of a folder and everything in it."""
    times = [path.stat().st_mtime]
    if path.is_dir():
        for p in path.rglob("*"):
            with suppress(FileNotFoundError):  # removed meanwhile
                times.append(p.stat().st_mtime)
    return dt.datetime.fromtimestamp(max(times), dt.UTC)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sheet_parquet(sheet: S.Sheet, df: pd.DataFrame | None) -> tuple[bytes, int]:
    """One sheet of a snapshot as Parquet bytes, with its row count (a missing sheet is stored empty)."""
    df = _complete(sheet.name, df) if df is not None else pd.DataFrame(columns=sheet.column_names)
    df = df[sheet.column_names]
    if df.attrs:  # pyarrow would store them in the file: the same rows make the same bytes, wherever they came from
        df = df.copy(deep=False)
        df.attrs = {}
    table = pa.Table.from_pandas(df, schema=arrow_schema(sheet), preserve_index=False)
    buf = pa.BufferOutputStream()
    pq.write_table(table, buf)
    return buf.getvalue().to_pybytes(), table.num_rows


def new_snapshot_id() -> tuple[str, str]:
    """(id, created): ids sort by time and are unique; microseconds keep two publishes in one second in order."""
    now = dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}", now.isoformat(timespec="microseconds")


class Store:
    """What every backend shares. Backends give manifest, current_id, list, events, table_path, publish, rollback,
    leftovers and sweep. `list` and `manifest` know only snapshots the state or an event names."""

    def current(self) -> Manifest | None:
        cid = self.current_id()
        return self.manifest(cid) if cid else None

    def has_sheet(self, snapshot_id: str, sheet_name: str) -> bool:
        """Whether the snapshot stored the sheet: one published before an optional sheet existed did not."""
        return sheet_name in self.manifest(snapshot_id).row_counts

    def read(self, snapshot_id: str, sheet_name: str) -> pd.DataFrame:
        if not self.has_sheet(snapshot_id, sheet_name):
            return _complete(sheet_name, pd.DataFrame(columns=S.sheet(sheet_name).column_names))
        table = pq.read_table(self.table_path(snapshot_id, sheet_name))
        df = table.to_pandas(types_mapper={pa.string(): pd.StringDtype(), pa.int64(): pd.Int64Dtype()}.get)
        completed = _complete(sheet_name, df)  # a snapshot from before a column existed gets it here
        if completed is df:  # the very table the file holds: an edit that keeps it shares the file
            provenance.remember(df, self, snapshot_id, sheet_name)
        return completed

    def passed(self, snapshot_id: str) -> bool:
        """Whether the snapshot's tables passed validation with the rules of this very code (see
        validate.rules_version): then an edit of it need only check what the edit touched. False when unknown."""
        return False

    def read_all(self, snapshot_id: str) -> dict[str, pd.DataFrame]:
        return {s.name: self.read(snapshot_id, s.name) for s in S.SHEETS}

    def diff(self, old_id: str, new_id: str) -> list[SheetDiff]:
        return diff_tables(self.read_all(old_id), self.read_all(new_id))

    def update_check_failed_since(self) -> dt.datetime | None:
        """When a replica last reached the store, if its latest check for a newer snapshot failed."""
        return None

    def settings(self) -> list[str]:
        """How this store is set up, in words (for `doctor`)."""
        return ["a folder on this machine: use object storage when hosted (see docs/HOSTING.md)"]

    def leftovers(self) -> list[Leftover]:
        """What interrupted publishes left: snapshots nothing names, temporary files (for `doctor`)."""
        raise NotImplementedError

    def sweep(self, older_than: dt.timedelta | None = None, now: dt.datetime | None = None
              ) -> tuple[list[Leftover], list[Leftover]]:
        """Remove leftovers older than `older_than` (default ORPHAN_AGE). Returns (removed, kept as too young)."""
        raise NotImplementedError

    def clean_partial(self, older_than: dt.timedelta | None = None, now: dt.datetime | None = None) -> int:
        """`sweep`, counted: how many leftovers were removed."""
        return len(self.sweep(older_than, now)[0])

    # --- security events: failed sign-ins and the like, shared by every process and replica using the store ------
    # Each is one small JSON file or object, security/<number>.json, created only if absent (a hard link of a
    # whole file here; `If-None-Match: *` on object storage), so the numbers order them and a decision made from
    # what was read can be recorded atomically (`after`). Recent ones only: they are removed once older than
    # SECURITY_RETENTION seconds (the application's log is the lasting record).
    SECURITY_RETENTION = 3600.0
    SECURITY_CLOCK_SLACK = 300.0  # seconds a writer's clock may differ from the store's

    def security_events(self, since: float) -> tuple[int, list[dict]]:
        """(the newest event's number, 0 when there is none; the events whose "at" (Unix time) is at or after
        `since`, oldest first, each with its number as "seq")."""
        listed = self._security_list()
        read = self.__dict__.setdefault("_security_seen", {})  # events never change: read each once
        for gone in set(read) - {key for _, key, _ in listed}:
            read.pop(gone, None)
        events = []
        for seq, key, modified in sorted(listed):
            if modified < since - self.SECURITY_CLOCK_SLACK:
                continue  # written before `since`, by the store's clock: not worth reading
            if key not in read:
                data = self._security_read(key)
                try:
                    read[key] = {**json.loads(data), "seq": seq} if data is not None else None
                except ValueError:  # a folder without hard links shows a file being written: next time
                    continue
            if read.get(key) and read[key].get("at", 0) >= since:
                events.append(read[key])
        return max((seq for seq, _, _ in listed), default=0), events

    def record_security_event(self, event: dict, *, after: int | None = None) -> int:
        """Record an event (a JSON object; "at" is set to now unless given). With `after`, only as the event right
        after number `after`, else SecurityEventConflict (another was recorded since: read again, decide again), so
        that what a caller decided from the events it read holds across threads, processes and replicas. Without,
        as the next free number. Returns its number."""
        now = dt.datetime.now(dt.UTC).timestamp()
        data = json.dumps({"at": now, **event}, sort_keys=True).encode()
        while True:
            seq = after + 1 if after is not None else max((s for s, _, _ in self._security_list()), default=0) + 1
            if self._security_create(f"{seq:010d}.json", data):
                break
            if after is not None:
                raise SecurityEventConflict(f"Security event {seq} was recorded by another writer first.")
        if now - self.__dict__.get("_security_pruned", 0.0) > self.SECURITY_CLOCK_SLACK:
            self.__dict__["_security_pruned"] = now
            with suppress(OSError, StoreError):  # removal is housekeeping: the event is recorded
                self._security_prune(now - self.SECURITY_RETENTION, keep=seq)
        return seq

    def _security_prune(self, before: float, keep: int) -> None:
        old = [key for seq, key, modified in self._security_list() if modified < before and seq < keep]
        if old:
            self._security_delete(old)

    def _security_list(self) -> list[tuple[int, str, float]]:
        """(number, name, modified as Unix time) of each recorded security event."""
        return [(int(name[:-5]), name, modified) for name, modified in self._record_list("security")
                if name[:-5].isdigit() and len(name) == 15]

    def _security_read(self, name: str) -> bytes | None:
        return self._record_read("security", name)

    def _security_create(self, name: str, data: bytes) -> bool:
        return self._record_create("security", name, data)

    def _security_delete(self, names: list[str]) -> None:
        self._record_delete("security", names)

    # --- notices: what lasdash sent (a digest), one record each, kept -------------------------------------------
    # notices/<key>.json, created only if absent: the key says what was sent to whom on which day, so a rerun, a
    # second process or a replica finds it taken and sends nothing new.
    def record_notice(self, key: str, event: dict) -> bool:
        """Record a notice under `key` ([a-z0-9-]), once. False when one is recorded already."""
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,120}", key):
            raise ValueError(f"not a notice key: {key!r}")
        data = json.dumps({"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **event}, sort_keys=True)
        return self._record_create("notices", f"{key}.json", data.encode())

    def withdraw_notice(self, key: str) -> None:
        """Remove a notice whose sending failed: nothing was sent, so nothing stays recorded."""
        self._record_delete("notices", [f"{key}.json"])

    def notices(self) -> list[dict]:
        """Every notice recorded, oldest first, each with its key."""
        out = []
        for name, _ in self._record_list("notices"):
            data = self._record_read("notices", name)
            with suppress(ValueError, TypeError):
                out.append({**json.loads(data), "key": name[:-5]})
        return sorted(out, key=lambda n: (n.get("at", ""), n["key"]))

    # the backends' primitives: a folder of small records, each created whole and only if absent
    def _record_list(self, folder: str) -> list[tuple[str, float]]:
        """(name, modified as Unix time) of each record in the folder."""
        raise NotImplementedError

    def _record_read(self, folder: str, name: str) -> bytes | None:
        raise NotImplementedError

    def _record_create(self, folder: str, name: str, data: bytes) -> bool:
        """Create the record whole, only if absent: False if it exists (with other contents)."""
        raise NotImplementedError

    def _record_delete(self, folder: str, names: list[str]) -> None:
        raise NotImplementedError


class SnapshotStore(Store):
    """The folder store: one machine, writers serialised by an fcntl lock."""

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.location = str(root)
        self.snapshot_dir = self.root / "snapshots"
        self.state_file = self.root / "state.json"
        self._known: frozenset[str] = frozenset()  # ids the state named when last read (events are never removed)

    # --- reading -------------------------------------------------------------------------
    def _state(self) -> dict:
        try:
            return json.loads(self.state_file.read_text())
        except FileNotFoundError:
            return {"current": None, "events": []}

    def _named(self, state: dict | None = None) -> frozenset[str]:
        """The published snapshots: every one an event names (and current). A folder nothing names is a publish
        that never finished, however whole its files."""
        state = self._state() if state is None else state
        named = frozenset(e["snapshot"] for e in state["events"]) | ({state["current"]} - {None})
        self._known = named
        return named

    def current_id(self) -> str | None:
        return self._state()["current"]

    def manifest(self, snapshot_id: str) -> Manifest:
        path = self.snapshot_dir / snapshot_id / "manifest.json"
        if "/" in snapshot_id or snapshot_id.startswith(".") or not path.is_file() or (
                snapshot_id not in self._known and snapshot_id not in self._named()):
            raise StoreError(f"No snapshot with id '{snapshot_id}'.")
        return Manifest(**json.loads(path.read_text()))

    def list(self) -> list[Manifest]:
        """Published snapshots, oldest first: only those the state names (never a folder a killed publish left)."""
        found = [self.manifest(i) for i in self._named()
                 if "/" not in i and (self.snapshot_dir / i / "manifest.json").is_file()]
        return sorted(found, key=lambda m: (m.created, m.id))

    def events(self) -> list[dict]:
        return self._state()["events"]

    def table_path(self, snapshot_id: str, sheet_name: str) -> Path:
        self.manifest(snapshot_id)  # validates the id
        return self.snapshot_dir / snapshot_id / f"{S.table_name(sheet_name)}.parquet"

    # --- writing -------------------------------------------------------------------------
    @contextmanager
    def _locked(self):
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)  # released by the OS if the process dies
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _write_state(self, state: dict) -> None:
        tmp = self.root / f".state.{uuid.uuid4().hex}.tmp"
        with open(tmp, "w") as fh:
            json.dump(state, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.state_file)
        _fsync_dir(self.root)

    def publish(self, tables: dict[str, pd.DataFrame], *, author: str, note: str = "", source_file: str = "",
                workbook_bytes: bytes = b"", expected_current: str | None | object = ...) -> Manifest:
        """Write a new snapshot and make it current.

        expected_current: the snapshot id the caller reviewed against; if another publish got in
        first, StaleSnapshot is raised and nothing changes. Leave it out to publish unconditionally.
        """
        with self._locked():
            state = self._state()
            if expected_current is not ... and state["current"] != expected_current:
                raise StaleSnapshot("The map was changed by someone else while you were reviewing.")
            snapshot_id, created = new_snapshot_id()
            self.snapshot_dir.mkdir(parents=True, exist_ok=True)
            tmp_dir = self.snapshot_dir / f".tmp-{snapshot_id}"
            tmp_dir.mkdir()
            counts = {}
            parent = self.snapshot_dir / state["current"] if state["current"] else None
            for sheet in S.SHEETS:
                name = f"{S.table_name(sheet.name)}.parquet"
                df = tables.get(sheet.name)
                if parent is not None and provenance.origin(df) == (self.location, state["current"], sheet.name):
                    try:  # the very table read from the parent's file: share it without writing it again
                        os.link(parent / name, tmp_dir / name)
                        counts[sheet.name] = len(df)
                        continue
                    except OSError:  # a file system without hard links: written below
                        pass
                data, counts[sheet.name] = sheet_parquet(sheet, df)
                same = parent is not None and (parent / name).is_file() and (parent / name).read_bytes() == data
                try:  # an unchanged sheet shares the parent's (immutable) file: an edit costs the sheets it changed
                    if not same:
                        raise OSError
                    os.link(parent / name, tmp_dir / name)
                except OSError:  # changed, or a file system without hard links
                    (tmp_dir / name).write_bytes(data)
            manifest = Manifest(snapshot_id, created, author, note, source_file,
                                hashlib.sha256(workbook_bytes).hexdigest(), counts)
            from .validate import passed_validation, rules_version
            if passed_validation(tables):  # what validation returned, unchanged: an edit of it checks what it touches
                (tmp_dir / CHECKED).write_text(json.dumps({"rules": rules_version()}))
            (tmp_dir / "manifest.json").write_text(json.dumps(manifest.__dict__, indent=1))
            for f in tmp_dir.iterdir():
                with open(f, "rb") as fh:
                    os.fsync(fh.fileno())
            os.rename(tmp_dir, self.snapshot_dir / snapshot_id)
            _fsync_dir(self.snapshot_dir)
            state["events"].append({"action": "publish", "snapshot": snapshot_id, "previous": state["current"],
                                    "by": author, "at": created, "note": note})
            state["current"] = snapshot_id
            self._write_state(state)
            return manifest

    def rollback(self, snapshot_id: str, *, author: str, note: str = "") -> Manifest:
        """Make an earlier snapshot current again. Recorded as its own event; undo by rolling back again."""
        manifest = self.manifest(snapshot_id)
        with self._locked():
            state = self._state()
            if state["current"] == snapshot_id:
                raise StoreError(f"Snapshot {snapshot_id} is already current.")
            state["events"].append({"action": "rollback", "snapshot": snapshot_id, "previous": state["current"],
                                    "by": author, "at": _now(), "note": note})
            state["current"] = snapshot_id
            self._write_state(state)
        return manifest

    def passed(self, snapshot_id: str) -> bool:
        try:
            path = self.snapshot_dir / snapshot_id / CHECKED
            if "/" in snapshot_id or snapshot_id.startswith(".") or not path.is_file():
                return False
            from .validate import rules_version
            return json.loads(path.read_text()).get("rules") == rules_version()
        except (OSError, ValueError, AttributeError):
            return False

    def probe_write(self) -> None:
        """Create and remove a file in the store's folder: proves this process may write there."""
        self.root.mkdir(parents=True, exist_ok=True)
        probe = self.root / f".probe-{uuid.uuid4().hex}"
        probe.write_bytes(b"lasdash doctor")
        probe.unlink()

    def leftovers(self) -> list[Leftover]:
        """Snapshot folders the state does not name (half-written `.tmp-*`, or whole but never switched to),
        `.state.*.tmp` and `security/.tmp-*` files and doctor's `.probe-*`, each with its newest file's time."""
        named = self._named()
        found = []
        if self.snapshot_dir.is_dir():
            for p in sorted(self.snapshot_dir.iterdir()):
                if p.name.startswith(".tmp-"):
                    found.append((HALF_WRITTEN, p, p.name[len(".tmp-"):]))
                elif p.is_dir() and not p.name.startswith(".") and p.name not in named:
                    found.append((UNPUBLISHED, p, p.name))
        found += [(TEMP_STATE, p, None) for p in sorted(self.root.glob(".state.*.tmp"))]
        found += [(TEMP_FILE, p, None) for p in sorted(self.root.glob("security/.tmp-*"))]
        found += [(PROBE, p, None) for p in sorted(self.root.glob(".probe-*"))]
        out = []
        for kind, path, snapshot in found:
            try:
                modified = _mtime(path)
            except FileNotFoundError:  # gone meanwhile: a publish under way renamed it, or a sweep removed it
                continue
            out.append(Leftover(kind, path.relative_to(self.root).as_posix(), modified, snapshot, (str(path),)))
        return out

    def sweep(self, older_than: dt.timedelta | None = None, now: dt.datetime | None = None
              ) -> tuple[list[Leftover], list[Leftover]]:
        """Remove what interrupted publishes left, once older than ORPHAN_AGE (as on object storage); never
        anything the state names. Under the lock, so no publish on this machine is writing meanwhile."""
        with self._locked():
            removed, kept = _split_by_age(self.leftovers(), older_than, now)
            for item in removed:
                for target in item.targets:
                    _remove(Path(target))
        return removed, kept

    # --- records (security events, notices; see Store): <folder>/<name>.json, made whole, then hard-linked -------
    def _record_list(self, folder_name: str) -> list[tuple[str, float]]:
        folder = self.root / folder_name
        try:
            names = os.listdir(folder)
        except FileNotFoundError:
            return []
        out = []
        for name in names:
            if name.endswith(".json") and not name.startswith("."):
                with suppress(FileNotFoundError):  # removed meanwhile
                    out.append((name, (folder / name).stat().st_mtime))
        return out

    def _record_read(self, folder_name: str, name: str) -> bytes | None:
        try:
            return (self.root / folder_name / name).read_bytes()
        except FileNotFoundError:
            return None

    def _record_create(self, folder_name: str, name: str, data: bytes) -> bool:
        folder = self.root / folder_name
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".tmp-{uuid.uuid4().hex}"
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, folder / name)  # atomic, and fails if the name exists
            except FileExistsError:
                return False
            except OSError:  # a file system without hard links: create exclusively, then write
                try:
                    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                except FileExistsError:
                    return False
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
        finally:
            tmp.unlink(missing_ok=True)
        _fsync_dir(folder)
        return True

    def _record_delete(self, folder_name: str, names: list[str]) -> None:
        folder = self.root / folder_name
        for name in names:
            (folder / name).unlink(missing_ok=True)
        cutoff = dt.datetime.now(dt.UTC).timestamp() - self.SECURITY_RETENTION
        for tmp in folder.glob(".tmp-*"):  # left by a writer killed between writing and linking
            try:
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink(missing_ok=True)
            except FileNotFoundError:
                pass


CHECKED = "checked.json"  # in a snapshot's folder: the validation rules its tables passed ({"rules": version})

def _complete(sheet_name: str, df: pd.DataFrame) -> pd.DataFrame:
    """The table with every column of the schema: a column added since the snapshot was published is blank, and a
    derived one is worked out (validation already did for newer snapshots)."""
    sheet = S.sheet(sheet_name)
    if all(c in df.columns for c in sheet.column_names):
        return df
    df = df.assign(**{c.name: pd.Series([None] * len(df), dtype=column_dtype(c), index=df.index)
                      for c in sheet.input_columns if c.name not in df.columns})
    return with_derived(sheet_name, df)[sheet.column_names]


class SecurityEventConflict(StoreError):
    """Another writer recorded the security event number asked for (Store.record_security_event with `after`)."""
