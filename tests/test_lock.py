"""The hash-locked installs: generated from the top-level pins, and what the test venv really holds."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCKS = {"requirements.lock": "requirements.txt", "requirements-dev.lock": "requirements-dev.txt"}


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(text: str) -> dict[str, str]:
    """'name==version' lines (a lock's, a requirements file's, or pip freeze's) as {normalised name: version}."""
    pins = {}
    for line in text.splitlines():
        if m := re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", line):
            pins[_name(m[1])] = m[2]
    return pins


def _lock_entries(text: str) -> list[str]:
    """Each entry of a lock: its requirement line and the hash lines under it."""
    return re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2].strip())


@pytest.mark.parametrize("lock, source", LOCKS.items())
def test_every_top_level_pin_is_locked_at_its_version(lock, source):
    locked = _pins((ROOT / lock).read_text())
    wanted = _pins((ROOT / source).read_text())
    if source == "requirements-dev.txt":
        wanted |= _pins((ROOT / "requirements.txt").read_text())
    assert {n: locked.get(n) for n in wanted} == wanted, f"{lock} is stale: run bin/lock"


@pytest.mark.parametrize("lock", LOCKS)
def test_every_locked_package_has_hashes(lock):
    entries = _lock_entries((ROOT / lock).read_text())
    assert len(entries) == len(_pins((ROOT / lock).read_text())) > 20
    assert not [e.split()[0] for e in entries if "--hash=sha256:" not in e]


def test_the_app_runs_on_the_versions_the_tests_use():
    runtime, dev = _pins((ROOT / "requirements.lock").read_text()), _pins((ROOT / "requirements-dev.lock").read_text())
    assert {n: dev.get(n) for n in runtime} == runtime


def test_the_venv_holds_exactly_the_lock():
    """The README's test command installs requirements-dev.lock into a new venv: pip freeze is the lock."""
    freeze = subprocess.run([sys.executable, "-m", "pip", "freeze"], capture_output=True, text=True, check=True)
    installed, locked = _pins(freeze.stdout), _pins((ROOT / "requirements-dev.lock").read_text())
    missing = {n: v for n, v in locked.items() if installed.get(n) != v}
    extra = {n: v for n, v in installed.items() if n not in locked}
    assert not missing and not extra, f"differs from requirements-dev.lock: missing or other version {missing}, " \
                                      f"not in the lock {extra} (a fresh venv from the README's command has none)"
