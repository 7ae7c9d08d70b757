"""Crash safety of the snapshot store: SIGKILL a publishing process at random points, then check the store.

After every kill the store opens cleanly, "current" is a complete snapshot (every Parquet file readable,
row counts as in its manifest and as published), the old one or a new one, never partial; the lock is
free and the next publish succeeds. Two processes publishing at once are serialised by the file lock.

Kill points: a publish is also killed at each of its steps (files written, manifest written, folder in place, a
temporary state written, switched), by the Data page's path and the CLI's, on the folder store, S3 (moto) and Azure
Blob (Azurite). Nothing unpublished is ever listed or offered; `doctor` names what is left; `sweep` keeps it while
it is under an hour old (a publish may be under way), then removes it, and `doctor` is clean.

Publishers are forked from a forkserver that has already imported lasdash, so a trial costs a fork,
not an interpreter start-up: 50+ trials in seconds.
"""
import datetime as dt
import fcntl
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import corpus
import pytest
from conftest import store_location
from store_checks import check_store

from lasdash import cli, config, pipeline, snapshots
from lasdash.snapshots import CACHED, HALF_WRITTEN, TEMP_STATE, UNPUBLISHED, SnapshotStore, StoreError
from lasdash.stores import open_location
from lasdash.workbook import save_workbook

STORE_TRIALS, PIPELINE_TRIALS = 40, 12  # kills inside store.publish, and inside the whole read-validate-publish
SEED = 20240607


pytestmark = pytest.mark.usefixtures("plain_main")  # forkserver and plain_main: conftest.py


@pytest.fixture(autouse=True, scope="module")
def _report(request):
    corpus.install_report(request.config)


# --- workers (run in forked processes) ----------------------------------------------------------------
def publish_forever(root: str, tables, workbook: str, conn) -> None:
    """Publish again and again until killed: tables directly, or (tables None) the whole flow from the workbook. The
    first publish warms the process (pipeline imports what it needs when first asked) before the parent says go: the
    kill delays span a warm publish, so kills land after the switch too, not only in the cold first one."""
    store = SnapshotStore(root)

    def publish():
        if tables is None:
            pipeline.publish(store, workbook, author="crash trial", note="whole flow")
        else:
            store.publish(tables, author="crash trial", note="store only")
    publish()
    conn.send("warm")
    conn.recv()  # the parent has read the store as it stands: go
    while True:
        publish()


def publish_once(root: str, tables, note: str, conn) -> None:
    conn.send("publishing")
    conn.send(SnapshotStore(root).publish(tables, author="concurrent", note=note).id)


# --- checks ------------------------------------------------------------------------------------------
def lock_is_free(root) -> bool:
    with open(root / ".lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(fh, fcntl.LOCK_UN)
        return True


def check_folder(root, expected_counts, checked: set) -> SnapshotStore:
    """check_store, once the state file parses: it is never half-written."""
    json.loads((root / "state.json").read_text())
    return check_store(SnapshotStore(root), expected_counts, checked)


def test_sigkill_at_random_points_never_leaves_a_partial_snapshot(forkserver, tmp_path, seed_tables):
    root = tmp_path / "store"
    store = pipeline.open_store(root)
    workbook = tmp_path / "map.xlsx"
    save_workbook(workbook, seed_tables)
    tables = pipeline.check(workbook).tables
    expected = {name: len(df) for name, df in tables.items()}

    def timed(fn, n=3):
        times = []
        for _ in range(n):
            start = time.monotonic()
            fn()
            times.append(time.monotonic() - start)
        return statistics.median(times)
    # kill delays span a whole publish (and a little after) as measured here, in this process
    spans = {"store": 1.5 * timed(lambda: store.publish(tables, author="timing")),
             "pipeline": 1.5 * timed(lambda: pipeline.publish(store, workbook, author="timing"))}
    rng = random.Random(SEED)
    phases: dict[str, int] = {}
    currents: dict[str, int] = {}
    damaged, checked = [], set()
    plan = ["store"] * STORE_TRIALS + ["pipeline"] * PIPELINE_TRIALS
    rng.shuffle(plan)
    for trial, mode in enumerate(plan):
        parent, child = forkserver.Pipe()
        proc = forkserver.Process(target=publish_forever,
                                  args=(str(root), tables if mode == "store" else None, str(workbook), child))
        proc.start()
        assert parent.poll(60) and parent.recv() == "warm"  # its warm-up publish is done and it waits
        before = store.current_id()
        before_left = {item.name for item in store.leftovers()}
        before_events = len(store.events())
        parent.send("go")
        delay = rng.uniform(0, spans[mode])
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(30)
        assert proc.exitcode == -signal.SIGKILL
        try:
            store = check_folder(root, expected, checked)
            completed = len(store.events()) - before_events
            left = {item.kind for item in store.leftovers() if item.name not in before_left}
            assert store.current_id() == (before if not completed else store.events()[-1]["snapshot"])
            if HALF_WRITTEN in left:
                where = "while writing the new snapshot's files (half-written folder left, not listed)"
            elif UNPUBLISHED in left:
                where = "after the snapshot was complete, before switching current (folder left, not listed)"
            else:
                where = "before writing (reading, validating or waiting for the lock) or between publishes"
            phases[where] = phases.get(where, 0) + 1
            kept = f"current afterwards: the {'new' if completed else 'old'} snapshot"
            currents[kept] = currents.get(kept, 0) + 1
            assert lock_is_free(root), "a stale lock outlived the killed process"
            after = store.publish(tables, author="after the kill", note=f"trial {trial}")  # the next publish works
            assert store.current_id() == after.id
        except AssertionError as exc:
            damaged.append(f"trial {trial} ({mode}, killed after {delay:.3f} s): {exc}")
    corpus.FIGURES["kill trials (SIGKILL while publishing)"] = len(plan)
    corpus.FIGURES["kill trials: snapshots damaged or stores unusable"] = len(damaged)
    for where, n in (phases | currents).items():
        corpus.FIGURES[f"kill trials: {where}"] = n
    corpus.FIGURES["kill trials: delay span store/pipeline (s)"] = f"{spans['store']:.2f} / {spans['pipeline']:.2f}"
    assert not damaged, "\n".join(damaged)
    assert len(phases) >= 2 and len(currents) == 2, (phases, currents)  # the kills landed across the publish
    # the debris of killed publishes is ignored by list(), kept by sweep while young, then swept; nothing listed changes
    listed = [m.id for m in store.list()]
    left = len(store.leftovers())
    assert store.clean_partial() == 0  # all under an hour old
    assert store.clean_partial(older_than=dt.timedelta(0)) == left
    assert [m.id for m in store.list()] == listed and store.leftovers() == []
    assert not list((root / "snapshots").glob(".tmp-*")) and not list(root.glob(".state.*"))
    corpus.FIGURES["kill trials: leftovers (folders, temporary state files), then swept"] = left


def test_two_publishers_at_once_are_serialised_by_the_lock(forkserver, store, data_dir):
    old = store.current_id()
    tables = pipeline.check(config.default_workbook()).tables
    pipes, procs = [], []
    with open(data_dir / ".lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as if a third publish were in progress
        for note in ("first", "second"):
            parent, child = forkserver.Pipe()
            procs.append(forkserver.Process(target=publish_once, args=(str(data_dir), tables, note, child)))
            pipes.append(parent)
            procs[-1].start()
        assert all(p.poll(60) and p.recv() == "publishing" for p in pipes)
        time.sleep(0.5)
        assert store.current_id() == old and [m.id for m in store.list()] == [old]
        assert not list((data_dir / "snapshots").glob(".tmp-*"))  # both wait: neither has started writing
        fcntl.flock(held, fcntl.LOCK_UN)
    ids = [p.recv() if p.poll(60) else None for p in pipes]
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0
    assert None not in ids and len(set(ids)) == 2
    events = store.events()[-2:]
    assert {e["snapshot"] for e in events} == set(ids)
    assert events[0]["previous"] == old and events[1]["previous"] == events[0]["snapshot"]  # one after the other
    assert store.current_id() == events[1]["snapshot"]
    assert {m.id for m in store.list()} == {old, *ids}


def test_two_cli_publishes_at_once_both_land_in_the_history(store, data_dir, tables, write_workbook):
    old = store.current_id()
    changed = {k: v.copy() for k, v in tables.items()}
    changed["Forums"].loc[0, "cadence"] = "Monthly"
    paths = [write_workbook(tables, "same.xlsx"), write_workbook(changed, "changed.xlsx")]
    env = {**os.environ, "LASDASH_DATA_DIR": str(data_dir)}
    procs = [subprocess.Popen([sys.executable, "-m", "lasdash", "publish", str(p), "--note", p.stem],
                              cwd=config.REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for p in paths]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    ids = {out.strip() for out, _ in results}
    events = store.events()
    assert len(events) == 3 and {e["snapshot"] for e in events[1:]} == ids
    assert events[1]["previous"] == old and events[2]["previous"] == events[1]["snapshot"]
    assert {m.id for m in store.list()} == {old, *ids}
    corpus.FIGURES["concurrent publishes serialised (forked and CLI)"] = 4


# --- kill points: each step of a publish, by the Data page's path and the CLI's, on every backend ------------------
LOCAL_POINTS = {  # the folder store's publish, step by step; the value is what a kill there leaves
    "files": {HALF_WRITTEN},  # the tables written in snapshots/.tmp-<id>/, not yet the manifest
    "manifest": {HALF_WRITTEN},  # the manifest written, the folder not yet renamed into place
    "folder": {UNPUBLISHED},  # snapshots/<id>/ in place, the state not yet written: issue 21's trial
    "tmpstate": {UNPUBLISHED, TEMP_STATE},  # the new state in .state.<uuid>.tmp, not yet renamed
    "switched": set(),  # state.json names the new snapshot: published
}
OBJECT_POINTS = {  # object storage (each machine also caches the files it wrote)
    "files": {HALF_WRITTEN, CACHED},  # the tables uploaded, not the manifest
    "manifest": {UNPUBLISHED, CACHED},  # the manifest uploaded, no event yet
    "switched": set(),  # the event names the new snapshot: published
}
KILL_CASES = [(backend, point) for backend in ("local", "s3", "az")
              for point in (LOCAL_POINTS if backend == "local" else OBJECT_POINTS)]


def _die():
    os.kill(os.getpid(), signal.SIGKILL)


def arm(point: str) -> None:
    """Make this (forked, disposable) process SIGKILL itself at `point` of a publish, on either backend: the file
    system and storage calls the stores make are wrapped, the stores themselves are not touched."""
    import pathlib

    import obstore
    real_rename, real_replace, real_write_text, real_put = os.rename, os.replace, pathlib.Path.write_text, obstore.put

    def write_text(self, *args, **kwargs):
        if point == "files" and self.name == "manifest.json" and self.parent.name.startswith(".tmp-"):
            _die()
        return real_write_text(self, *args, **kwargs)

    def rename(src, dst, *args, **kwargs):
        into_place = Path(dst).parent.name == "snapshots"
        if point == "manifest" and into_place:
            _die()
        real_rename(src, dst, *args, **kwargs)
        if point == "folder" and into_place:
            _die()

    def replace(src, dst, *args, **kwargs):
        state = Path(src).name.startswith(".state.")
        if point == "tmpstate" and state:
            _die()
        real_replace(src, dst, *args, **kwargs)
        if point == "switched" and state:
            _die()

    def put(store, key, *args, **kwargs):
        if (point == "files" and key.endswith("/manifest.json")) or (point == "manifest" and key.startswith("events/")):
            _die()
        result = real_put(store, key, *args, **kwargs)
        if point == "switched" and key.startswith("events/"):
            _die()
        return result

    os.rename, os.replace, pathlib.Path.write_text, obstore.put = rename, replace, write_text, put


def publish_killed_at(location: str, env: dict, point: str, how: str, tables, workbook: str, conn) -> None:
    os.environ.update(env)  # the forkserver's environment predates the test's servers
    arm(point)
    conn.send("armed")
    if how == "cli":
        cli.main(["publish", workbook, "--by", "kill trial (cli)", "--note", point])
    else:  # what the Data page's Publish button does after its review (lasdash.ui.editing.publish)
        store = pipeline.open_store(location)
        store.publish(tables, author="kill trial (data page)", note=point, source_file=Path(workbook).name,
                      workbook_bytes=Path(workbook).read_bytes(), expected_current=store.current_id())
    conn.send("not killed")


def run_cli(capsys, *args) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(list(args))
    return code, capsys.readouterr().out


def backdate(paths, by: dt.timedelta) -> None:
    then = time.time() - by.total_seconds()
    for path in map(Path, paths):
        for p in [path, *(path.rglob("*") if path.is_dir() else [])]:
            os.utime(p, (then, then))


@pytest.mark.parametrize("how", ["data page", "cli"])
@pytest.mark.parametrize("backend, point", KILL_CASES, ids=[f"{b}-{p}" for b, p in KILL_CASES])
def test_a_publish_killed_at_any_step_is_published_wholly_or_not_at_all(forkserver, request, tmp_path, monkeypatch,
                                                                         capsys, seed_tables, backend, point, how):
    location = store_location(request, backend, tmp_path, monkeypatch)
    monkeypatch.setenv("LASDASH_DATA_DIR", location)
    env = {k: v for k, v in os.environ.items() if k.startswith(("AWS_", "AZURE_", "LASDASH_"))}
    store = pipeline.open_store(location)
    expected = store.current().row_counts
    old, old_events, old_listed = store.current_id(), store.events(), [m.id for m in store.list()]

    parent, child = forkserver.Pipe()
    proc = forkserver.Process(target=publish_killed_at, args=(location, env, point, how, seed_tables,
                                                              str(config.default_workbook()), child))
    proc.start()
    proc.join(120)
    said = [parent.recv() for _ in range(2) if parent.poll(0)]
    assert proc.exitcode == -signal.SIGKILL, (proc.exitcode, said)  # killed at the point, not before or after

    after = open_location(location)  # a fresh look, as a restarted server or the CLI has
    events = after.events()
    listed = [m.id for m in after.list()]
    assert set(listed) <= {e["snapshot"] for e in events}  # nothing listed that no state or event names
    if point == "switched":  # the new snapshot, wholly
        new = events[-1]["snapshot"]
        assert events[:-1] == old_events and after.current_id() == new != old and listed == old_listed + [new]
        assert {k: len(v) for k, v in after.read_all(new).items()} == after.manifest(new).row_counts == expected
    else:  # the old one, and nothing else changed
        assert events == old_events and after.current_id() == old and listed == old_listed
    left = after.leftovers()
    assert {item.kind for item in left} == (LOCAL_POINTS if backend == "local" else OBJECT_POINTS)[point], left
    for unpublished in {item.snapshot for item in left if item.snapshot}:  # never offered: not by id either
        with pytest.raises(StoreError, match="No snapshot"):
            after.manifest(unpublished)
        with pytest.raises(StoreError, match="No snapshot"):
            after.rollback(unpublished, author="kill trial")
        assert run_cli(capsys, "diff", old, unpublished)[0] == 2

    code, out = run_cli(capsys, "doctor")
    assert code == 0, out
    if left:
        assert f"WARN  leftovers of interrupted publishes: {len(left)}" in out, out
        assert all(item.name in out for item in left), out
    else:
        assert "ok    leftovers: none" in out, out
    code, out = run_cli(capsys, "sweep")  # all under an hour old: a publish may still be under way
    assert code == 0 and "Removed 0 leftover(s) of interrupted publishes" in out, out
    assert [(i.kind, i.name) for i in after.leftovers()] == [(i.kind, i.name) for i in left]

    if backend == "local":  # an hour later, by the files' times
        backdate([t for item in left for t in item.targets], dt.timedelta(hours=1, minutes=1))
    else:  # object storage's times are the server's: shorten the rule instead
        monkeypatch.setattr(snapshots, "ORPHAN_AGE", dt.timedelta(0))
    code, out = run_cli(capsys, "sweep")
    assert code == 0 and f"Removed {len(left)} leftover(s) of interrupted publishes." in out, out
    assert all(f"removed  {item.kind} {item.name}" in out for item in left), out
    code, out = run_cli(capsys, "doctor")
    assert code == 0 and "ok    leftovers: none" in out, out
    assert after.leftovers() == [] and [m.id for m in after.list()] == listed
    if backend == "local":
        assert not list(Path(location).glob(".state.*")) and not list(Path(location, "snapshots").glob(".*"))
    nxt = after.publish(seed_tables, author="after the kill")  # the store works on
    assert after.current_id() == nxt.id and [m.id for m in after.list()] == listed + [nxt.id]
    corpus.count("kill points (a publish killed at each step, both paths, every backend)", 1)
