"""Crash safety of the snapshot store: SIGKILL a publishing process at random points, then check the store.

After every kill the store opens cleanly, "current" is a complete snapshot (every Parquet file readable,
row counts as in its manifest and as published), the old one or a new one, never partial; the lock is
free and the next publish succeeds. Two processes publishing at once are serialised by the file lock.

Publishers are forked from a forkserver that has already imported lasdash, so a trial costs a fork,
not an interpreter start-up: 50+ trials in seconds.
"""
import fcntl
import json
import multiprocessing
import multiprocessing.forkserver
import os
import random
import signal
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

import corpus
from lasdash import config, pipeline
from lasdash import schema as S
from lasdash.snapshots import SnapshotStore
from lasdash.workbook import save_workbook

STORE_TRIALS, PIPELINE_TRIALS = 40, 12  # kills inside store.publish, and inside the whole read-validate-publish
SEED = 20240607


@pytest.fixture(autouse=True, scope="module")
def _report(request):
    corpus.install_report(request.config)


@pytest.fixture(scope="module")
def forkserver():
    """A forkserver that has imported lasdash and this module (Python 3.11 ignores the parent's sys.path
    when preloading, so it gets PYTHONPATH instead): each publisher is then a cheap fork."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["lasdash.pipeline", "test_crash_safety"])
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).parent), str(config.REPO_ROOT), old]))
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        if old is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = old
    return ctx


@pytest.fixture(autouse=True)
def _plain_main(monkeypatch):
    """Forked children re-import the parent's __main__; after an AppTest that is app.py (streamlit and all),
    which made every fork take a second. Children need none of it."""
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))


# --- workers (run in forked processes) ----------------------------------------------------------------
def publish_forever(root: str, tables, workbook: str, conn) -> None:
    """Publish again and again until killed: tables directly, or (tables None) the whole flow from the workbook."""
    store = SnapshotStore(root)
    conn.send("go")
    while True:
        if tables is None:
            pipeline.publish(store, workbook, author="crash trial", note="whole flow")
        else:
            store.publish(tables, author="crash trial", note="store only")


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


def check_store(root, expected_counts, checked: set) -> SnapshotStore:
    """The store opens cleanly and everything it lists is complete. Raises AssertionError otherwise."""
    json.loads((root / "state.json").read_text())  # parses: the state file is never half-written
    store = SnapshotStore(root)
    current = store.current()
    assert current is not None
    listed = {m.id: m for m in store.list()}
    assert current.id in listed
    for m in listed.values():
        if m.id in checked:
            continue
        for sheet in S.SHEETS:
            df = store.read(m.id, sheet.name)  # every Parquet file readable
            assert len(df) == m.row_counts[sheet.name] == expected_counts[sheet.name], (m.id, sheet.name)
        checked.add(m.id)
    events = store.events()
    previous = None
    for e in events:  # the history is one unbroken chain, and names only complete snapshots
        assert e["snapshot"] in listed and e["previous"] == previous, e
        previous = e["snapshot"]
    assert events[-1]["snapshot"] == current.id
    return store


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
        before = store.current_id()
        before_listed = {m.id for m in store.list()}
        before_tmp = set((root / "snapshots").glob(".tmp-*"))
        before_events = len(store.events())
        parent, child = forkserver.Pipe()
        proc = forkserver.Process(target=publish_forever,
                                  args=(str(root), tables if mode == "store" else None, str(workbook), child))
        proc.start()
        assert parent.poll(60) and parent.recv() == "go"
        delay = rng.uniform(0, spans[mode])
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(30)
        assert proc.exitcode == -signal.SIGKILL
        try:
            store = check_store(root, expected, checked)
            completed = len(store.events()) - before_events
            new_tmp = set((root / "snapshots").glob(".tmp-*")) - before_tmp
            orphans = {m.id for m in store.list()} - before_listed - {e["snapshot"] for e in store.events()}
            assert store.current_id() == (before if not completed else store.events()[-1]["snapshot"])
            if new_tmp:
                where = "while writing the new snapshot's files (half-written folder left, not listed)"
            elif orphans:
                where = "after the snapshot was complete, before switching current"
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
    # the debris of killed publishes is ignored by list() and can be swept; nothing listed changes
    listed = [m.id for m in store.list()]
    left = len(list((root / "snapshots").glob(".tmp-*")))
    assert store.clean_partial() == left
    assert [m.id for m in store.list()] == listed and not list((root / "snapshots").glob(".tmp-*"))
    corpus.FIGURES["kill trials: half-written folders left, then swept by clean_partial"] = left


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
