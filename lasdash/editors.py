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

import hmac
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

OIDC, PASSPHRASE, OFF = "oidc", "passphrase", "off"
ENV_PASSWORD = "LASDASH_EDITOR_PASSWORD"
ENV_VIEWERS = "LASDASH_VIEWERS"


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
