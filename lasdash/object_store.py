"""Snapshots on object storage (any S3-compatible store, or Azure Blob Storage), shared by several replicas.

Layout under the location's prefix:
    snapshots/<id>/<table>.parquet + manifest.json   written first, never changed; the manifest last
    events/<seq>.json                                one per publish or rollback, each created only if absent

The newest event names the current snapshot. A publish creates event seq+1 with `If-None-Match: *`, so two
replicas publishing at once never both win, and a snapshot becomes visible only when an event names it, after
all its files exist. There are no locks: a killed publisher leaves at most files no event names (and their copies
in its machine's cache), which `leftovers` reports and `sweep` removes once they are old enough (ORPHAN_AGE) not
to belong to a publish still under way.

Replicas keep the immutable files in a local cache and look for new events at most every `poll_seconds`. When
the store cannot be reached they keep serving the last snapshot they know, and say since when.
"""
from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
import os
import re
import tempfile
import threading
import time
import uuid
from contextlib import suppress
from pathlib import Path

import obstore
import pandas as pd
from obstore.exceptions import (
    AlreadyExistsError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionError,
    UnauthenticatedError,
)
from obstore.store import AzureStore, S3Store

from . import config
from . import schema as S
from .snapshots import (
    CACHED,
    HALF_WRITTEN,
    PARTIAL_COPY,
    PROBE,
    UNPUBLISHED,
    Leftover,
    Manifest,
    StaleSnapshot,
    Store,
    StoreError,
    _mtime,
    _remove,
    _split_by_age,
    new_snapshot_id,
    sheet_parquet,
)

LOCATION = re.compile(r"(?P<scheme>s3|az)://(?P<bucket>[^/]*)(?:/(?P<prefix>.*))?")
BUCKET_NAME = {"s3": re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"), "az": re.compile(r"[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]")}
SNAPSHOT_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{6}")
# Fail within seconds, not the library's default three minutes of retries: a page is waiting.
RETRY = {"max_retries": 2, "init_backoff": dt.timedelta(milliseconds=100), "retry_timeout": dt.timedelta(seconds=5)}
CLIENT = {"connect_timeout": "3s", "timeout": "30s"}
LOCAL_KINDS = (CACHED, PARTIAL_COPY)  # leftovers in this machine's cache, not in the store


def is_object_location(location: str) -> bool:
    return "://" in location


def _parse(location: str) -> tuple[str, str, str]:
    m = LOCATION.fullmatch(location.strip())
    kind = {"s3": "bucket", "az": "container"}.get(m["scheme"]) if m else None
    if not m or not BUCKET_NAME[m["scheme"]].fullmatch(m["bucket"]):
        what = f"its {kind} name '{m['bucket']}' is not valid" if m else "it is not a folder, s3:// or az:// location"
        raise StoreError(f"LASDASH_DATA_DIR {location} cannot be used: {what}. "
                         "Use a folder path, s3://bucket/prefix or az://container/prefix.")
    return m["scheme"], m["bucket"], (m["prefix"] or "").strip("/")


def _client(endpoint: str | None) -> dict:
    if endpoint and not re.fullmatch(r"https?://[^/\s:]+(:\d+)?(/\S*)?", endpoint):
        raise StoreError(f"The store's endpoint {endpoint} is not a URL: expected http(s)://host[:port].")
    return {**CLIENT, "allow_http": bool(endpoint and endpoint.startswith("http://"))}


def _s3(bucket: str, prefix: str) -> S3Store:
    """Credentials, region and endpoint from AWS's standard variables; an instance role when none are set."""
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    extra = {"endpoint": endpoint} if endpoint else {}
    return S3Store(bucket, prefix=prefix or None, client_options=_client(endpoint), retry_config=RETRY, **extra)


def _connection_string(text: str) -> dict:
    """Azure's connection string as object_store settings (it reads the parts, not the string)."""
    parts = dict(p.split("=", 1) for p in text.split(";") if "=" in p)
    if parts.get("UseDevelopmentStorage", "").lower() == "true":
        return {"use_emulator": True}
    out = {"account_name": parts.get("AccountName"), "account_key": parts.get("AccountKey")}
    if parts.get("BlobEndpoint"):
        out["endpoint"] = parts["BlobEndpoint"]
    elif parts.get("EndpointSuffix") and parts.get("AccountName"):
        out["endpoint"] = f"{parts.get('DefaultEndpointsProtocol', 'https')}://{parts['AccountName']}.blob.{parts['EndpointSuffix']}"
    if parts.get("SharedAccessSignature"):
        out.pop("account_key")
        out["sas_key"] = parts["SharedAccessSignature"]
    return {k: v for k, v in out.items() if v}


def _azure(container: str, prefix: str) -> AzureStore:
    """AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT_NAME with a managed identity (or a key)."""
    settings = _connection_string(os.environ.get("AZURE_STORAGE_CONNECTION_STRING", ""))
    return AzureStore(container, prefix=prefix or None, client_options=_client(settings.get("endpoint")),
                      retry_config=RETRY, **settings)


def _reason(exc: Exception) -> str:
    """The storage library's error as a few words people can act on."""
    text = str(exc)
    if "NoSuchBucket" in text:
        return "the bucket does not exist"
    if "ContainerNotFound" in text:
        return "the container does not exist"
    if isinstance(exc, (PermissionDeniedError, UnauthenticatedError)) or re.search(
            r"AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch|AuthenticationFailed|AuthorizationFailure|"
            r"\b403\b|\b401\b", text):
        return "permission denied (check the credentials and what they may do)"
    if re.search(r"error sending request|[Cc]onnection refused|dns error|timed out|[Tt]imeout", text):
        return "the store cannot be reached"
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return first[:200]


class ObjectSnapshotStore(Store):
    def __init__(self, location: str, *, poll_seconds: float | None = None, cache_dir: Path | str | None = None):
        self.location = location
        scheme, bucket, prefix = _parse(location)
        try:
            self._obj = (_s3 if scheme == "s3" else _azure)(bucket, prefix)
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001 any setting the library refuses (a bad endpoint URL, an unknown key)
            raise self._error(exc) from None
        self.poll_seconds = config.poll_seconds() if poll_seconds is None else poll_seconds
        digest = hashlib.sha256(location.encode()).hexdigest()[:16]
        self.cache_dir = Path(cache_dir or config.cache_dir()) / digest
        self._keys: list[str] = []  # event keys, in order
        self._events: dict[str, dict] = {}
        self._manifests: dict[str, Manifest] = {}
        self._checked = -float("inf")  # monotonic time of the last look for new events
        self._reached: dt.datetime | None = None  # when the store last answered
        self._failed = False
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ObjectSnapshotStore({self.location!r})"

    def settings(self) -> list[str]:
        kind = "S3-compatible object storage" if self.location.startswith("s3://") else "Azure Blob Storage"
        endpoint = self._endpoint()
        return [kind + (f", endpoint {endpoint}" if endpoint else ""),
                f"checks for new snapshots every {self.poll_seconds:g} s; local cache {self.cache_dir}"]

    def _endpoint(self) -> str | None:
        if self.location.startswith("s3://"):
            return os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
        return _connection_string(os.environ.get("AZURE_STORAGE_CONNECTION_STRING", "")).get("endpoint")

    def _error(self, exc: Exception) -> StoreError:
        endpoint = self._endpoint()
        at = f" at {endpoint}" if endpoint else ""
        return StoreError(f"Cannot use the snapshot store {self.location}{at}: {_reason(exc)}.")

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(self._obj, *args, **kwargs)
        except (AlreadyExistsError, PreconditionError):
            raise
        except NotFoundError as exc:
            if "NoSuchBucket" in str(exc) or "ContainerNotFound" in str(exc):
                raise self._error(exc) from None
            raise
        except Exception as exc:  # noqa: BLE001 library boundary: any error of the store becomes a StoreError
            raise self._error(exc) from None
        except BaseException as exc:  # the Rust client's panics derive from BaseException
            if type(exc).__name__ != "PanicException":
                raise
            raise self._error(exc) from None

    def _list(self, prefix: str, **kwargs) -> list[dict]:
        return self._call(lambda store: obstore.list(store, prefix=prefix, **kwargs).collect())  # lazy until collected

    # --- the event log -------------------------------------------------------------------
    def _add(self, key: str, event: dict) -> None:
        if key not in self._events:
            self._events[key] = event
            bisect.insort(self._keys, key)

    def _refresh(self, force: bool = False) -> None:
        """Read events newer than the last one known, at most every poll_seconds unless forced. A reader never
        waits for another session's check (a store that does not answer takes seconds to time out)."""
        if not self._lock.acquire(blocking=force or self._reached is None):
            return
        try:
            if not force and time.monotonic() - self._checked < self.poll_seconds:
                return
            self._checked = time.monotonic()
            try:
                offset = {"offset": self._keys[-1]} if self._keys else {}
                found = self._list("events/", **offset)
                for key in sorted(o["path"] for o in found if o["path"].endswith(".json")):
                    if key not in self._events:
                        self._add(key, json.loads(bytes(self._call(obstore.get, key).bytes())))
            except StoreError:
                self._failed = True
                raise
            self._failed, self._reached = False, dt.datetime.now(dt.UTC)
        finally:
            self._lock.release()

    def _look(self) -> None:
        """A reader's check: on failure keep what is known, unless nothing ever was."""
        try:
            self._refresh()
        except StoreError:
            if self._reached is None:
                raise

    def update_check_failed_since(self) -> dt.datetime | None:
        return self._reached if self._failed else None

    def _current(self) -> str | None:
        return self._events[self._keys[-1]]["snapshot"] if self._keys else None

    def _append(self, event: dict, *, conditional: bool) -> None:
        """Create the next event, only if nobody else has. Unconditional callers try the next number."""
        while True:
            seq = int(self._keys[-1].split("/")[1].split(".")[0]) + 1 if self._keys else 1
            key = f"events/{seq:010d}.json"
            event = {**event, "previous": self._current()}
            try:
                self._call(obstore.put, key, json.dumps(event, indent=1).encode(), mode="create")
            except (AlreadyExistsError, PreconditionError):
                theirs = json.loads(bytes(self._call(obstore.get, key).bytes()))
                if theirs == event:  # our own write, retried by the library after a lost reply
                    break
                self._refresh(force=True)
                if conditional:
                    raise StaleSnapshot("The map was changed by someone else while you were reviewing.") from None
                continue
            break
        with self._lock:  # a reader's refresh may have listed it already: _add keeps one
            self._add(key, event)

    # --- reading -------------------------------------------------------------------------
    def current_id(self) -> str | None:
        self._look()
        return self._current()

    def events(self) -> list[dict]:
        self._look()
        return [self._events[k] for k in self._keys]

    def _named(self) -> list[str]:
        return list(dict.fromkeys(self._events[k]["snapshot"] for k in self._keys))

    def manifest(self, snapshot_id: str) -> Manifest:
        if snapshot_id in self._manifests:
            return self._manifests[snapshot_id]
        if not SNAPSHOT_ID.fullmatch(snapshot_id or ""):
            raise StoreError(f"No snapshot with id '{snapshot_id}'.")
        if snapshot_id not in self._named():
            self._refresh(force=True)
            if snapshot_id not in self._named():  # files no event names are not part of the map
                raise StoreError(f"No snapshot with id '{snapshot_id}'.")
        cached = self.cache_dir / snapshot_id / "manifest.json"
        data = cached.read_bytes() if cached.is_file() else self._fetch(f"snapshots/{snapshot_id}/manifest.json", cached)
        self._manifests[snapshot_id] = Manifest(**json.loads(data))
        return self._manifests[snapshot_id]

    def list(self) -> list[Manifest]:
        self._look()
        return sorted((self.manifest(i) for i in self._named()), key=lambda m: (m.created, m.id))

    def _fetch(self, key: str, path: Path) -> bytes:
        data = bytes(self._call(obstore.get, key).bytes())
        _write_atomically(path, data)
        return data

    def table_path(self, snapshot_id: str, sheet_name: str) -> Path:
        """A local copy of the file (snapshot files never change, so a cached copy is always right)."""
        self.manifest(snapshot_id)
        name = f"{S.table_name(sheet_name)}.parquet"
        path = self.cache_dir / snapshot_id / name
        if not path.is_file():
            self._fetch(f"snapshots/{snapshot_id}/{name}", path)
        return path

    # --- writing -------------------------------------------------------------------------
    def publish(self, tables: dict[str, pd.DataFrame], *, author: str, note: str = "", source_file: str = "",
                workbook_bytes: bytes = b"", expected_current: str | None | object = ...) -> Manifest:
        """Write the snapshot's files, then name it in a new event. See SnapshotStore.publish."""
        self._refresh(force=True)
        if expected_current is not ... and self._current() != expected_current:
            raise StaleSnapshot("The map was changed by someone else while you were reviewing.")
        snapshot_id, created = new_snapshot_id()
        counts = {}
        for sheet in S.SHEETS:
            data, counts[sheet.name] = sheet_parquet(sheet, tables.get(sheet.name))
            name = f"{S.table_name(sheet.name)}.parquet"
            self._call(obstore.put, f"snapshots/{snapshot_id}/{name}", data, mode="create")
            _write_atomically(self.cache_dir / snapshot_id / name, data)
        manifest = Manifest(snapshot_id, created, author, note, source_file,
                            hashlib.sha256(workbook_bytes).hexdigest(), counts)
        self._call(obstore.put, f"snapshots/{snapshot_id}/manifest.json",
                   json.dumps(manifest.__dict__, indent=1).encode(), mode="create")
        self._append({"action": "publish", "snapshot": snapshot_id, "by": author, "at": created, "note": note},
                     conditional=expected_current is not ...)
        return manifest

    def rollback(self, snapshot_id: str, *, author: str, note: str = "") -> Manifest:
        manifest = self.manifest(snapshot_id)
        self._refresh(force=True)
        if self._current() == snapshot_id:
            raise StoreError(f"Snapshot {snapshot_id} is already current.")
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self._append({"action": "rollback", "snapshot": snapshot_id, "by": author, "at": at, "note": note},
                     conditional=False)
        return manifest

    def leftovers(self) -> list[Leftover]:
        """Snapshots no event names (with their manifest: whole but never named; without: half-written), doctor's
        probes, and in this machine's cache the copies of unnamed snapshots and downloads cut short."""
        self._refresh(force=True)
        named = set(self._named())
        orphans: dict[str, list] = {}
        for obj in self._list("snapshots/"):
            orphans.setdefault(obj["path"].split("/")[1], []).append(obj)
        out = []
        for sid, objs in sorted(orphans.items()):
            if sid in named:
                continue
            keys = tuple(o["path"] for o in objs)
            kind = UNPUBLISHED if f"snapshots/{sid}/manifest.json" in keys else HALF_WRITTEN
            out.append(Leftover(kind, f"snapshots/{sid}/ ({len(keys)} files)", max(o["last_modified"] for o in objs),
                                sid, keys))
        out += [Leftover(PROBE, o["path"], o["last_modified"], None, (o["path"],)) for o in self._list("probes/")]
        if self.cache_dir.is_dir():
            found = []
            for folder in sorted(self.cache_dir.iterdir()):
                if folder.is_dir() and folder.name not in named:
                    found.append((CACHED, folder, folder.name))
                elif folder.is_dir():
                    found += [(PARTIAL_COPY, p, folder.name) for p in sorted(folder.glob(".part-*"))]
            for kind, path, sid in found:
                with suppress(FileNotFoundError):  # gone meanwhile
                    out.append(Leftover(kind, str(path), _mtime(path), sid, (str(path),)))
        return out

    def sweep(self, older_than: dt.timedelta | None = None, now: dt.datetime | None = None
              ) -> tuple[list[Leftover], list[Leftover]]:
        """Delete leftovers older than ORPHAN_AGE (younger ones may be a publish under way: there is no lock to
        ask). Never anything an event names."""
        removed, kept = _split_by_age(self.leftovers(), older_than, now)
        for item in removed:
            if item.kind in LOCAL_KINDS:
                for target in item.targets:
                    _remove(Path(target))
            else:
                self._call(obstore.delete, list(item.targets))
        return removed, kept

    def probe_write(self) -> None:
        """Write and delete a small object: proves the credentials may write."""
        key = f"probes/{uuid.uuid4().hex}"
        self._call(obstore.put, key, b"lasdash doctor", mode="create")
        self._call(obstore.delete, key)

    # --- records (security events, notices; see Store): <folder>/<name>.json, created with `If-None-Match: *` -----
    def _record_list(self, folder: str) -> list[tuple[str, float]]:
        prefix = f"{folder}/"
        return [(o["path"][len(prefix):], o["last_modified"].timestamp()) for o in self._list(prefix)
                if re.fullmatch(rf"{re.escape(prefix)}[^/.][^/]*\.json", o["path"])]

    def _record_read(self, folder: str, name: str) -> bytes | None:
        try:
            return bytes(self._call(obstore.get, f"{folder}/{name}").bytes())
        except NotFoundError:  # removed meanwhile
            return None

    def _record_create(self, folder: str, name: str, data: bytes) -> bool:
        try:
            self._call(obstore.put, f"{folder}/{name}", data, mode="create")
        except (AlreadyExistsError, PreconditionError):
            return self._record_read(folder, name) == data  # ours, when the library retried a write whose reply was lost
        return True

    def _record_delete(self, folder: str, names: list[str]) -> None:
        for name in names:
            with suppress(NotFoundError):
                self._call(obstore.delete, f"{folder}/{name}")


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
