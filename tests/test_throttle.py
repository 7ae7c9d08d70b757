"""The passphrase throttle (lasdash.editors.Throttle) over the store's security events, on every backend (folder,
S3 through moto, Azure Blob through Azurite).

Issue 21, defect 2: six wrong tries raised the wait to 8 s, then five sessions trying at once were all answered within
8.6 s, and a restart forgot the count. Here the waits must queue (one answer per wait, across threads and "replicas"),
and the count must survive a new throttle, a new store object and a new process. These tests read what the throttle
scheduled (the answer times it reserved in the store) rather than time the machine; where real time is used, only
lower bounds are asserted (a sleep never ends early).
"""
import itertools
import json
import logging
import os
import subprocess
import sys
import threading
import time

import pytest

from lasdash.editors import ATTEMPT, UNLOCKED, Throttle, TooManyAttempts, source_key
from lasdash.snapshots import SecurityEventConflict
from lasdash.stores import open_location

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class FakeTime:
    """A clock that moves only when told: a sleep is recorded, and moves the clock only if `advance`."""

    def __init__(self):
        self.now = time.time()  # near the store's own clock: it reads events by modification time
        self.slept: list[float] = []
        self.advance = True
        self.lock = threading.Lock()

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.slept.append(seconds)
            if self.advance:
                self.now += seconds


def attempts(store, since: float = 0.0) -> list[dict]:
    return [e for e in store.security_events(since)[1] if e["kind"] == ATTEMPT]


def six_wrong_tries(throttle: Throttle, fake: FakeTime) -> None:
    """One session, one wrong try after another, each waiting its turn: the issue's starting point."""
    for _ in range(6):
        assert throttle.check("session one", lambda: False) is False
    assert throttle.delay("session one") == 8.0  # the cap


def burst(throttles: list[Throttle], sessions: int) -> list[str]:
    """`sessions` threads, spread over the throttles (each a replica with its own store object), trying at once."""
    start = threading.Barrier(sessions)
    errors = []

    def one(i):
        start.wait()
        try:
            throttles[i % len(throttles)].check(f"session {i + 2}", lambda: False)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
    threads = [threading.Thread(target=one, args=(i,)) for i in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


def test_the_schedule_is_kept():
    t = Throttle(store=object())
    assert [t.delay_for(n) for n in range(8)] == [0, 0.5, 1, 2, 4, 8, 8, 8]
    assert (t.base, t.cap, t.window) == (0.5, 8.0, 900.0)


def test_five_sessions_at_once_are_answered_one_wait_apart(location):
    """After six wrong tries, five sessions at once: before, all five were answered within 8.6 s; now the k-th is
    answered 8·k s after they asked, and each was told to wait at least the sum of the waits ahead of it."""
    store, fake = open_location(location), FakeTime()
    throttle = Throttle(store, clock=fake.clock, sleep=fake.sleep)
    six_wrong_tries(throttle, fake)
    asked, seen = fake.now, len(attempts(store))
    fake.advance, fake.slept = False, []  # all five ask at the same moment
    assert not burst([throttle], 5)
    queued = sorted(attempts(store)[seen:], key=lambda e: e["answer_at"])
    assert len(queued) == 5 and len({e["source"] for e in queued}) == 5
    waits = [e["answer_at"] - asked for e in queued]
    assert waits == pytest.approx([8, 16, 24, 32, 40])
    own = [waits[0]] + [b - a for a, b in itertools.pairwise(waits)]  # the wait each added to the queue
    for k in range(1, 5):  # the k-th waits for all those ahead of it, then a full wait of its own
        assert waits[k] >= sum(own[:k]) + 8.0 - 1e-6
    assert sorted(fake.slept) == pytest.approx(waits)  # what each session actually slept


def test_a_burst_with_no_earlier_failures_still_queues(location):
    store, fake = open_location(location), FakeTime()
    throttle = Throttle(store, clock=fake.clock, sleep=fake.sleep)
    fake.advance = False
    asked = fake.now
    assert not burst([throttle], 5)
    waits = sorted(e["answer_at"] - asked for e in attempts(store))
    assert waits == pytest.approx([0, 0.5, 1.5, 3.5, 7.5])  # 0, then +0.5, +1, +2, +4: as if one after another


def test_two_replicas_share_the_queue(location):
    """Two store objects and two throttles (two replicas, each with its own lock): the conditional write is all that
    orders them. Six sessions at once still get six different answer times, a full wait apart."""
    fake = FakeTime()
    replicas = [Throttle(open_location(location), clock=fake.clock, sleep=fake.sleep) for _ in range(2)]
    six_wrong_tries(replicas[0], fake)
    seen, asked = len(attempts(replicas[1].store)), fake.now
    fake.advance = False
    assert not burst(replicas, 6)
    queued = sorted(e["answer_at"] for e in attempts(open_location(location))[seen:])
    assert len(queued) == 6
    assert [b - a for a, b in itertools.pairwise([asked, *queued])] == pytest.approx([8.0] * 6)


def test_real_sessions_are_answered_in_turn(tmp_path):
    """Real clock, real sleeps, five threads: each passphrase check runs no sooner than its reserved time, so the
    checks are spread over the sum of the waits (lower bounds only: a busy machine can only make them later)."""
    store = open_location(str(tmp_path / "store"))
    throttle = Throttle(store, base=0.2, cap=0.4)
    checked: dict[str, float] = {}

    def test_for(name):
        def test():
            checked[name] = time.time()
            return False
        return test
    start, asked = threading.Barrier(5), time.time()

    def one(i):
        start.wait()
        throttle.check(f"session {i}", test_for(f"session {i}"))
    threads = [threading.Thread(target=one, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    booked = {e["source"]: e["answer_at"] for e in attempts(store)}
    for name, at in checked.items():
        assert at >= booked[source_key(name)]  # never checked before its turn
    times = sorted(checked.values())
    assert times[-1] - asked >= 0 + 0.2 + 0.4 + 0.4 + 0.4 - 0.01  # the fifth waited for the four ahead of it


def test_a_restart_keeps_the_count(location):
    """A new throttle over a new store object, then a new process: the sixth wrong try's wait is still due."""
    fake = FakeTime()
    six_wrong_tries(Throttle(open_location(location), clock=fake.clock, sleep=fake.sleep), fake)
    again = Throttle(open_location(location), clock=fake.clock, sleep=fake.sleep)
    assert again.delay("a new session") == 8.0
    code = ("import sys, time; from lasdash.editors import Throttle; from lasdash.stores import open_location; "
            "t = Throttle(open_location(sys.argv[1])); n = t._plan(open_location(sys.argv[1]).security_events("
            "time.time() - 900)[1], 'x', time.time()); print(n[1])")
    out = subprocess.run([sys.executable, "-c", code, location], cwd=ROOT, env=os.environ, capture_output=True,
                         text=True, check=False, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "6"  # six attempts in the window that did not unlock, seen by a fresh process


def test_the_count_is_forgotten_after_the_window_and_an_unlock_does_not_count(tmp_path):
    fake = FakeTime()
    store = open_location(str(tmp_path / "store"))
    t = Throttle(store, clock=fake.clock, sleep=fake.sleep)
    assert t.check("eve", lambda: False) is False
    assert t.check("jane", lambda: True) is True
    assert t.delay("x") == 0.5  # jane's unlock is not a failure; eve's failure still counts for everyone
    assert [e["kind"] for e in store.security_events(0)[1]] == [ATTEMPT, ATTEMPT, UNLOCKED]
    fake.now += 901
    assert t.delay("x") == 0


def test_a_long_queue_is_refused_unchecked_and_logged(tmp_path, caplog):
    fake = FakeTime()
    store = open_location(str(tmp_path / "store"))
    t = Throttle(store, clock=fake.clock, sleep=fake.sleep, max_wait=20)
    six_wrong_tries(t, fake)
    fake.advance = False
    for i in range(2):  # 8 s, 16 s: within the 20 s allowed
        t.reserve(f"session {i}")
    before = len(attempts(store))
    checked = []
    with caplog.at_level(logging.INFO, logger="lasdash.editors"), pytest.raises(TooManyAttempts) as exc:
        t.check("address 203.0.113.9", lambda: checked.append(1) or True)
    assert not checked and len(attempts(store)) == before  # not checked, not queued
    assert exc.value.retry_after == pytest.approx(24 - 20)
    assert "refused unchecked" in caplog.text and "203.0.113.9" in caplog.text


def test_sources_are_counted_apart_and_stored_as_a_digest(tmp_path, caplog):
    fake = FakeTime()
    store = open_location(str(tmp_path / "store"))
    t = Throttle(store, clock=fake.clock, sleep=fake.sleep)
    with caplog.at_level(logging.INFO, logger="lasdash.editors"):
        t.check("address 198.51.100.7", lambda: False)
        t.check("address 198.51.100.7", lambda: False)
        a = t.reserve("address 192.0.2.1")
    assert (a.failures, a.source_failures) == (2, 0)
    assert "198.51.100.7" not in json.dumps(store.security_events(0)[1])  # the store keeps a digest, not the address
    assert "Passphrase attempt from address 198.51.100.7 failed" in caplog.text


def test_security_events_are_recorded_in_order_and_only_once(location):
    store = open_location(location)
    assert store.security_events(0) == (0, [])
    assert store.record_security_event({"kind": "test", "at": 1.0}, after=0) == 1
    assert store.record_security_event({"kind": "test", "at": 2.0}) == 2
    with pytest.raises(SecurityEventConflict):  # someone recorded number 2 since this writer read number 1
        store.record_security_event({"kind": "test", "at": 3.0}, after=1)
    other = open_location(location)  # another replica sees the same events
    last, events = other.security_events(1.5)
    assert last == 2 and [(e["seq"], e["at"]) for e in events] == [(2, 2.0)]


def test_old_security_events_are_removed_but_never_the_newest(location, monkeypatch):
    store = open_location(location)
    for at in (1.0, 2.0):
        store.record_security_event({"kind": "test", "at": at})
    monkeypatch.setattr(type(store), "SECURITY_RETENTION", -3600.0)  # everything counts as old
    store.__dict__["_security_pruned"] = 0.0
    store.record_security_event({"kind": "test", "at": 3.0})
    last, events = store.security_events(0)
    assert last == 3 and [e["seq"] for e in events] == [3]
    assert store.record_security_event({"kind": "test"}, after=3) == 4  # numbering goes on from the newest
