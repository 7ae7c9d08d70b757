"""Who may see and who may change the map. Pure logic; the Streamlit side is lasdash/ui/auth.py.

Viewers: `[lasdash] viewers = ["@nhs.net", "someone@example.org"]` in secrets (or LASDASH_VIEWERS, comma
separated) lets in only those email domains and addresses, signed in by OIDC; editors are always viewers.
No viewers setting: the map is open to everyone who can reach the app. Viewers without OIDC is refused
(AccessConfigError): never fail open.

Editing has three modes, decided by configuration:
- "oidc": `[auth]` is configured in secrets; editors are an allow-list of emails
  (secrets `[lasdash] editors = ["a@nhs.net", ...]`).
- "passphrase": an editor passphrase is set (secrets `[lasdash] editor_password` or the
  LASDASH_EDITOR_PASSWORD environment variable); it unlocks editing for one session.
- "off": neither; everyone can view, nobody can edit.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import math
import os
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from . import config
from .snapshots import SecurityEventConflict, StoreError
from .stores import open_location

OIDC, PASSPHRASE, OFF = "oidc", "passphrase", "off"
ENV_PASSWORD = "LASDASH_EDITOR_PASSWORD"
ENV_VIEWERS = "LASDASH_VIEWERS"
log = logging.getLogger(__name__)


class AccessConfigError(Exception):
    """The access settings contradict each other; the app shows only this, never the map."""


def normal_email(email: object) -> str | None:
    """The address lower-cased, or None unless it is one local part, one '@' and a domain."""
    text = str(email or "").strip().lower()
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain or "@" in local or any(c.isspace() for c in text):
        return None
    return text


def matches(email: object, allowed: frozenset[str]) -> bool:
    """Whole addresses, or whole domains for entries starting with '@': 'x@nhs.net.evil.example' and
    'x@evilnhs.net' are not '@nhs.net' (and neither is a subdomain: list it if it is meant)."""
    address = normal_email(email)
    if address is None:
        return False
    return address in allowed or "@" + address.rpartition("@")[2] in allowed


@dataclass(frozen=True)
class Policy:
    mode: str
    editors: frozenset[str] = frozenset()  # lower-cased emails, for OIDC
    passphrase: str = ""
    viewers: frozenset[str] | None = None  # lower-cased addresses and '@domains'; None: open to everyone

    @property
    def restricted(self) -> bool:
        return self.viewers is not None

    def allows_email(self, email: str | None) -> bool:
        """May this signed-in identity edit?"""
        return self.mode == OIDC and normal_email(email) is not None and normal_email(email) in self.editors

    def allows_viewer(self, email: str | None) -> bool:
        """May this signed-in identity see the map? (Anyone, when viewers are not restricted.)"""
        return not self.restricted or matches(email, self.viewers) or self.allows_email(email)

    def passphrase_matches(self, given: str) -> bool:
        """Constant-time comparison, so response time does not leak how much of a guess was right."""
        if self.mode != PASSPHRASE or not self.passphrase:
            return False
        return hmac.compare_digest(given.encode("utf-8"), self.passphrase.encode("utf-8"))


def _viewers(section: Mapping, environ: Mapping[str, str]) -> frozenset[str] | None:
    listed = section.get("viewers")
    if listed is None and environ.get(ENV_VIEWERS, "").strip():
        listed = environ[ENV_VIEWERS].split(",")
    if listed is None:
        return None
    if isinstance(listed, str):
        listed = [listed]
    entries = frozenset(str(e).strip().lower() for e in listed if str(e).strip())
    bad = sorted(e for e in entries if not (e.startswith("@") and "@" not in e[1:] and "." in e)
                 and normal_email(e) is None)
    if bad:
        raise AccessConfigError(f"viewers lists {', '.join(bad)}: each entry must be an address (name@nhs.net) "
                                "or a domain with a leading @ (@nhs.net).")
    return entries  # an empty list lets in editors only


def policy_from(secrets: Mapping, environ: Mapping[str, str] = os.environ) -> Policy:
    """The access policy for this deployment, from Streamlit secrets and the environment."""
    section = secrets.get("lasdash", {}) if hasattr(secrets, "get") else {}
    viewers = _viewers(section, environ)
    if "auth" in secrets:
        emails = frozenset(str(e).strip().lower() for e in section.get("editors", []) if str(e).strip())
        return Policy(OIDC, editors=emails, viewers=viewers)
    if viewers is not None:
        raise AccessConfigError("viewers is set, but OIDC sign-in is not configured ([auth] in "
                                ".streamlit/secrets.toml), so nobody could be let in. Configure [auth], or remove "
                                "viewers to open the map to everyone.")
    password = str(section.get("editor_password") or environ.get(ENV_PASSWORD) or "")
    if password:
        return Policy(PASSPHRASE, passphrase=password)
    return Policy(OFF)


ATTEMPT, UNLOCKED = "passphrase attempt", "passphrase unlocked"  # the kinds of security event the throttle records


class TooManyAttempts(Exception):
    """The queue of passphrase attempts is longer than Throttle.max_wait: this one is refused without a check."""

    def __init__(self, retry_after: float):
        super().__init__(f"Too many passphrase attempts: try again in {math.ceil(retry_after)} s.")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Attempt:
    """One passphrase attempt, as the throttle scheduled it."""
    id: str
    source: str  # where it came from, as logged: a client address, or a session
    at: float  # when it was made (Unix time)
    answer_at: float  # when it may be checked and answered: this time is reserved for it alone
    failures: int  # attempts before it in the window, from anywhere, that did not unlock (some may be in the queue)
    source_failures: int  # the same, from its source

    @property
    def wait(self) -> float:
        return max(0.0, self.answer_at - self.at)


def source_key(source: str) -> str:
    """How a source is named in the store: not the address itself."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


_STORES: dict[str, object] = {}
_STORES_LOCK = threading.Lock()


def _store_here():
    """The store at LASDASH_DATA_DIR (the app passes its own cached store instead)."""
    location = str(config.data_dir())
    with _STORES_LOCK:
        if location not in _STORES:
            _STORES[location] = open_location(location)
        return _STORES[location]


class Throttle:
    """Slows down guessing the editor passphrase, across every session, process and replica that uses the store.

    Each attempt is recorded in the store (a security event) before it is checked, with the time it will be answered,
    which it reserves: the previous attempt's answer time, from anywhere (or now, if later), plus
    min(base * 2**(n-1), cap) for the n attempts in the last `window` seconds that did not unlock; and no sooner
    than its own source's previous answer plus the same wait for that source's n. The reservation is recorded only
    as the event right after those it read (Store.record_security_event with `after`; on a conflict it reads again),
    so no two attempts get the same time: five sessions at once are answered one wait apart, not together, and a
    restart or another replica sees the same count. An attempt still in the queue counts as not unlocking, so a
    burst's waits grow as they would one after another. One whose answer would be more than `max_wait` away is
    refused unchecked (TooManyAttempts): queued attempts cannot tie up every thread of the server.

    The times are Unix times, shared by replicas: their clocks must agree (NTP). Attempts and refusals are logged
    (logger "lasdash.editors"), with the source and never the passphrase.
    """

    def __init__(self, store=None, base: float = 0.5, cap: float = 8.0, window: float = 900.0,
                 max_wait: float = 60.0, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep):
        self.store = store  # a Store, or None for the one at LASDASH_DATA_DIR
        self.base, self.cap, self.window, self.max_wait = base, cap, window, max_wait
        self.clock, self.sleep = clock, sleep
        self._lock = threading.Lock()  # attempts of this process reserve one at a time (replicas: `after`)

    def delay_for(self, n: int) -> float:
        """The wait after n attempts that did not unlock: 0, then 0.5 s doubling to the cap."""
        return 0.0 if n <= 0 else min(self.base * 2 ** (n - 1), self.cap)

    def _store(self, store=None):
        return store or self.store or _store_here()

    def _plan(self, events: list[dict], key: str, now: float) -> tuple[float, int, int]:
        """(the answer time the next attempt from `key` would get, attempts not unlocking overall, and from it)."""
        unlocked = {e.get("attempt") for e in events if e.get("kind") == UNLOCKED}
        recent = [e for e in events if e.get("kind") == ATTEMPT and now - e["at"] < self.window]
        failed = [e for e in recent if e["id"] not in unlocked]
        n_all, n_source = len(failed), sum(e["source"] == key for e in failed)
        after_all = max([now] + [e["answer_at"] for e in recent])
        after_source = max([now] + [e["answer_at"] for e in recent if e["source"] == key])
        return max(after_all + self.delay_for(n_all), after_source + self.delay_for(n_source)), n_all, n_source

    def delay(self, source: str = "", store=None) -> float:
        """How long an attempt from `source` made now would wait (nothing is recorded)."""
        now = self.clock()
        _, events = self._store(store).security_events(now - self.window)
        return self._plan(events, source_key(source), now)[0] - now

    def reserve(self, source: str, store=None) -> Attempt:
        """Record an attempt and the time reserved for its answer; TooManyAttempts if the queue is too long."""
        store, key = self._store(store), source_key(source)
        with self._lock:
            for _ in range(50):
                now = self.clock()
                last, events = store.security_events(now - self.window)
                answer_at, n_all, n_source = self._plan(events, key, now)
                if answer_at - now > self.max_wait:
                    log.warning("Passphrase attempt from %s refused unchecked: the next answer is %.0f s away "
                                "(%d attempts in the last %.0f min did not unlock, %d from this source).",
                                source, answer_at - now, n_all, self.window / 60, n_source)
                    raise TooManyAttempts(answer_at - now - self.max_wait)
                attempt = Attempt(uuid.uuid4().hex, source, now, answer_at, n_all, n_source)
                try:
                    store.record_security_event({"kind": ATTEMPT, "id": attempt.id, "source": key, "at": now,
                                                 "answer_at": answer_at}, after=last)
                except SecurityEventConflict:  # another replica got in first: read again
                    continue
                level = logging.WARNING if max(self.delay_for(n_all), self.delay_for(n_source)) >= self.cap \
                    else logging.INFO
                log.log(level, "Passphrase attempt from %s: answered in %.1f s (%d attempts in the last %.0f min did "
                        "not unlock, %d from this source%s).", source, attempt.wait, n_all, self.window / 60,
                        n_source, "; at the longest wait" if level == logging.WARNING else "")
                return attempt
        raise StoreError("Too many passphrase attempts at the same moment: try again.")

    def answered(self, attempt: Attempt, ok: bool, store=None) -> None:
        """Record how it went: an attempt that unlocked no longer counts against anyone."""
        if not ok:
            log.warning("Passphrase attempt from %s failed (%d before it in the last %.0f min did not unlock, %d from "
                        "this source).", attempt.source, attempt.failures, self.window / 60, attempt.source_failures)
            return
        log.info("Passphrase attempt from %s unlocked editing.", attempt.source)
        try:
            self._store(store).record_security_event({"kind": UNLOCKED, "attempt": attempt.id,
                                                      "source": source_key(attempt.source)})
        except StoreError as exc:  # it then counts as a failure: safe
            log.warning("Could not record that a passphrase attempt unlocked editing: %s", exc)

    def check(self, source: str, test: Callable[[], bool], store=None) -> bool:
        """Reserve an answer time, wait for it, then run `test` (the constant-time comparison) and record the
        result. TooManyAttempts when the queue is too long; StoreError when the store cannot be reached (then
        nothing is checked: never fail open)."""
        attempt = self.reserve(source, store)
        self.sleep(max(0.0, attempt.answer_at - self.clock()))
        ok = bool(test())
        self.answered(attempt, ok, store)
        return ok


THROTTLE = Throttle()
