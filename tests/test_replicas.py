"""The object-storage store under several replicas, against real servers (moto's S3 server and Azurite).

- Racing publishers: 2 processes x 10 threads publish at once. Conditional publishes on one base: exactly one
  wins and every other gets StaleSnapshot. Unconditional ones: all land, one unbroken history.
- Kill trials: SIGKILL a publisher at random points of an object-store publish. "current" is always a whole
  snapshot, the history one chain, and the next publish works (there are no locks to go stale).
- Concurrent bootstraps on an empty bucket publish one snapshot.
- A replica sees another's publish within its poll interval, not before it looks again.

Publishers are forked from a forkserver that has imported lasdash (a fork, not an interpreter start, a trial).
Forked children get the servers' settings passed in: the forkserver's environment predates the test's.
"""
import datetime as dt
import os
import random
import signal
import statistics
import threading
import time
from pathlib import Path

import corpus
import pytest
from conftest import store_location
from store_checks import check_store

from lasdash import config, pipeline
from lasdash.object_store import ObjectSnapshotStore
from lasdash.snapshots import StaleSnapshot

OBJECT_BACKENDS = ["s3", "az"]
KILL_TRIALS = 30
PROCESSES, THREADS = 2, 10
SEED = 20261202


pytestmark = pytest.mark.usefixtures("plain_main")  # forkserver and plain_main: conftest.py


@pytest.fixture(autouse=True, scope="module")
def _report(request):
    corpus.install_report(request.config)


@pytest.fixture(params=OBJECT_BACKENDS)
def shared(request, tmp_path, monkeypatch):
    """(location, settings) of an empty object store that several processes share."""
    location = store_location(request, request.param, tmp_path, monkeypatch)
    keys = ("AWS_", "AZURE_", "LASDASH_")
    return location, {k: v for k, v in os.environ.items() if k.startswith(keys)}


def replica(location: str, tmp_path: Path, name: str, **kwargs) -> ObjectSnapshotStore:
    """A store as another server would have it: its own empty cache, so every read comes from the server."""
    return ObjectSnapshotStore(location, cache_dir=tmp_path / f"cache-{name}", **kwargs)


# --- workers (run in forked processes) ----------------------------------------------------------------
def race(location: str, env: dict, tables, conditional: bool, conn) -> None:
    os.environ.update(env)
    stores = [ObjectSnapshotStore(location, cache_dir=Path(env["LASDASH_CACHE_DIR"]) / f"{os.getpid()}-{i}")
              for i in range(THREADS)]
    bases = [s.current_id() for s in stores]
    start = threading.Barrier(THREADS + 1)
    results = []

    def one(i):
        start.wait()
        try:
            m = stores[i].publish(tables, author=f"racer {os.getpid()}-{i}",
                                  expected_current=bases[i] if conditional else ...)
            results.append(("accepted", m.id, bases[i]))
        except StaleSnapshot:
            results.append(("stale", None, bases[i]))
        except Exception as exc:  # noqa: BLE001 (not swallowed) anything else is a defect the parent reports
            results.append(("error", repr(exc), bases[i]))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    conn.send("ready")
    conn.recv()  # "go": both processes start together
    start.wait()
    for t in threads:
        t.join()
    conn.send(results)


def publish_forever(location: str, env: dict, tables, conn) -> None:
    os.environ.update(env)
    store = ObjectSnapshotStore(location, cache_dir=Path(env["LASDASH_CACHE_DIR"]) / f"killed-{os.getpid()}")
    store.current_id()
    conn.send("go")
    while True:
        store.publish(tables, author="kill trial", note="store only")


def bootstrap(location: str, env: dict, conn) -> None:
    os.environ.update(env)
    conn.send("ready")
    conn.recv()
    conn.send(pipeline.open_store(location).current_id())


def start_racers(forkserver, location, env, tables, conditional):
    pipes, procs = [], []
    for _ in range(PROCESSES):
        parent, child = forkserver.Pipe()
        procs.append(forkserver.Process(target=race, args=(location, env, tables, conditional, child)))
        pipes.append(parent)
        procs[-1].start()
    assert all(p.poll(120) and p.recv() == "ready" for p in pipes)
    for p in pipes:
        p.send("go")
    results = [r for p in pipes for r in (p.recv() if p.poll(300) else [("error", "no answer", None)])]
    for proc in procs:
        proc.join(60)
    return results


@pytest.mark.parametrize("conditional", [True, False], ids=["conditional", "unconditional"])
def test_racing_publishers_never_both_win(forkserver, shared, tmp_path, seed_tables, conditional):
    location, env = shared
    base = pipeline.open_store(location).current_id()
    tables = {k: v.copy() for k, v in seed_tables.items()}
    results = start_racers(forkserver, location, env, tables, conditional)
    assert len(results) == PROCESSES * THREADS
    assert not [r for r in results if r[0] == "error"], results
    accepted = [r[1] for r in results if r[0] == "accepted"]
    store = replica(location, tmp_path, "checker")
    events = store.events()
    check_store(store, {k: len(v) for k, v in tables.items()}, set())
    assert [e["snapshot"] for e in events[1:]] == sorted(accepted, key=[e["snapshot"] for e in events].index)
    assert set(accepted) == {e["snapshot"] for e in events[1:]}  # every accepted publish is in the history
    if conditional:  # all read the same base: one wins, nineteen are told the map changed
        assert len(accepted) == 1 and events[1]["previous"] == base
        assert sum(r[0] == "stale" for r in results) == PROCESSES * THREADS - 1
    else:
        assert len(accepted) == PROCESSES * THREADS
    corpus.count(f"racing publishes on object storage ({'conditional' if conditional else 'unconditional'})",
                len(results))


def test_concurrent_bootstraps_on_an_empty_bucket_publish_one_snapshot(forkserver, shared, tmp_path):
    location, env = shared
    pipes, procs = [], []
    for _ in range(3):
        parent, child = forkserver.Pipe()
        procs.append(forkserver.Process(target=bootstrap, args=(location, env, child)))
        pipes.append(parent)
        procs[-1].start()
    assert all(p.poll(120) and p.recv() == "ready" for p in pipes)
    for p in pipes:
        p.send("go")
    currents = {p.recv() if p.poll(300) else None for p in pipes}
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0
    store = replica(location, tmp_path, "checker")
    assert len(store.list()) == 1 and len(store.events()) == 1 and currents == {store.current_id()}


def test_sigkill_during_object_store_publish_never_shows_a_partial_snapshot(forkserver, shared, tmp_path,
                                                                            seed_tables):
    location, env = shared
    store = pipeline.open_store(location)
    tables = pipeline.check(config.default_workbook()).tables
    expected = {name: len(df) for name, df in tables.items()}
    times = []
    for _ in range(3):
        t0 = time.monotonic()
        store.publish(tables, author="timing")
        times.append(time.monotonic() - t0)
    span = 3 * statistics.median(times)  # kill delays cover a whole publish in a fresh child, and the next
    rng = random.Random(SEED)
    damaged, checked, kept = [], set(), {"old": 0, "new": 0}
    for trial in range(KILL_TRIALS):
        before = replica(location, tmp_path, f"before-{trial}").events()
        parent, child = forkserver.Pipe()
        proc = forkserver.Process(target=publish_forever, args=(location, env, tables, child))
        proc.start()
        assert parent.poll(60) and parent.recv() == "go"
        delay = rng.uniform(0, span)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(30)
        assert proc.exitcode == -signal.SIGKILL
        try:
            after = replica(location, tmp_path, f"after-{trial}")
            check_store(after, expected, checked)
            events = after.events()
            assert events[:len(before)] == before  # nothing already published changed
            kept["new" if len(events) > len(before) else "old"] += 1
            assert after.publish(tables, author="after the kill", note=f"trial {trial}").id == after.current_id()
        except AssertionError as exc:
            damaged.append(f"trial {trial} (killed after {delay:.3f} s): {exc}")
    backend = location.split(":")[0]
    corpus.count(f"kill trials on object storage ({backend})", KILL_TRIALS)
    corpus.FIGURES[f"kill trials on object storage ({backend}): damaged snapshots or unusable stores"] = len(damaged)
    corpus.FIGURES[f"kill trials on object storage ({backend}): current afterwards old / new"] = \
        f"{kept['old']} / {kept['new']}"
    assert not damaged, "\n".join(damaged)
    assert kept["old"] and kept["new"], kept  # the kills landed both before and after the switch
    # what killed publishers left is never listed, and is swept once old enough
    checker = replica(location, tmp_path, "sweeper")
    listed = [m.id for m in checker.list()]
    swept = checker.clean_partial(older_than=dt.timedelta(0))
    assert [m.id for m in checker.list()] == listed
    assert checker.clean_partial(older_than=dt.timedelta(0)) == 0
    corpus.FIGURES[f"kill trials on object storage ({backend}): unnamed snapshot files swept"] = swept


def test_a_replica_sees_a_publish_within_its_poll_interval(shared, tmp_path, seed_tables):
    location, _ = shared
    writer = pipeline.open_store(location)
    reader = replica(location, tmp_path, "reader", poll_seconds=1.0)
    old = reader.current_id()
    new = writer.publish(seed_tables, author="replica one", expected_current=old).id
    assert reader.current_id() == old  # it looked less than a second ago: no request, yesterday's answer
    time.sleep(1.1)
    assert reader.current_id() == new and reader.current().author == "replica one"
    assert [m.id for m in reader.list()] == [old, new]
