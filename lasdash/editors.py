"""Who may change the map. Pure logic; the Streamlit side is lasdash/ui/auth.py.

Three modes, decided by configuration:
- "oidc": `[auth]` is configured in secrets; editors are an allow-list of emails
  (secrets `[lasdash] editors = ["a@nhs.net", ...]`).
- "passphrase": an editor passphrase is set (secrets `[lasdash] editor_password` or the
  LASDASH_EDITOR_PASSWORD environment variable); it unlocks editing for one session.
- "off": neither; everyone can view, nobody can edit.
"""
from __future__ import annotations

import hmac
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

OIDC, PASSPHRASE, OFF = "oidc", "passphrase", "off"
ENV_PASSWORD = "LASDASH_EDITOR_PASSWORD"


@dataclass(frozen=True)
class Policy:
    mode: str
    editors: frozenset[str] = frozenset()  # lower-cased emails, for OIDC
    passphrase: str = ""

    def allows_email(self, email: str | None) -> bool:
        return self.mode == OIDC and bool(email) and email.strip().lower() in self.editors

    def passphrase_matches(self, given: str) -> bool:
        """Constant-time comparison, so response time does not leak how much of a guess was right."""
        if self.mode != PASSPHRASE or not self.passphrase:
            return False
        return hmac.compare_digest(given.encode("utf-8"), self.passphrase.encode("utf-8"))


def policy_from(secrets: Mapping, environ: Mapping[str, str] = os.environ) -> Policy:
    """The editing policy for this deployment, from Streamlit secrets and the environment."""
    section = secrets.get("lasdash", {}) if hasattr(secrets, "get") else {}
    if "auth" in secrets:
        emails = frozenset(str(e).strip().lower() for e in section.get("editors", []) if str(e).strip())
        return Policy(OIDC, editors=emails)
    password = str(section.get("editor_password") or environ.get(ENV_PASSWORD) or "")
    if password:
        return Policy(PASSPHRASE, passphrase=password)
    return Policy(OFF)


class Throttle:
    """Slows down repeated failed passphrase attempts across the whole server process.

    After n recent failures every attempt first waits min(base * 2**(n-1), cap) seconds.
    Failures older than `window` seconds are forgotten; a success does not reset others' failures.
    """

    def __init__(self, base: float = 0.5, cap: float = 8.0, window: float = 900.0,
                 clock: Callable[[], float] = time.monotonic):
        self.base, self.cap, self.window, self.clock = base, cap, window, clock
        self._failures: list[float] = []
        self._lock = threading.Lock()

    def delay(self) -> float:
        with self._lock:
            now = self.clock()
            self._failures = [t for t in self._failures if now - t < self.window]
            n = len(self._failures)
        return 0.0 if n == 0 else min(self.base * 2 ** (n - 1), self.cap)

    def record_failure(self) -> None:
        with self._lock:
            self._failures.append(self.clock())


THROTTLE = Throttle()
