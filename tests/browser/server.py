"""Start and stop a real `streamlit run app.py` for browser tests and screenshots."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from lasdash.ui.text import WORD_JOINER

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LASDASH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path, env: dict[str, str] | None = None, args: list[str] | None = None):
        self.port = free_port()
        self.args = list(args or [])  # more `streamlit run` options, e.g. --secrets.files
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir.parent / f"streamlit-{self.port}.log"
        self.env = {**os.environ, "LASDASH_DATA_DIR": str(data_dir), **(env or {})}
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> Server:
        cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(self.port), "--server.address", "127.0.0.1",
               "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false", *self.args]
        with open(self.log_path, "w") as log:  # the server writes to its own copy of the descriptor
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.log_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"streamlit did not become healthy in {timeout:.0f} s:\n{self.log_text()}")

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


def wait_for_app(page, timeout_ms: int = 60_000) -> None:
    """The app is connected and the script has finished running (DESIGN.md §4)."""
    page.wait_for_selector("[data-testid=stApp][data-test-connection-state=CONNECTED]", timeout=timeout_ms)
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=timeout_ms)
    page.wait_for_timeout(300)  # let the last delta paint
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=timeout_ms)


# url path -> page title; "data" is the editors' page
PAGES = {
    "": "LAS stakeholder map", "sub_groups": "Sub-groups", "hcp_governance": "HCP governance",
    "jhosc": "JHOSC chairs", "engagement": "Engagement coverage", "recommendations": "Recommendations",
    "people": "People", "network": "Influence network", "priorities": "Priorities",
    "relationships": "Stale relationships", "mine": "My relationships", "gaps": "Data gaps", "data": "Data",
    "brief": "Meeting brief",
}


def open_path(page, server: Server, path: str = "", query: str = "") -> None:
    page.goto(f"{server.url}/{path}{'?' + query if query else ''}")
    wait_for_app(page)


def main_text(page) -> str:
    """The main area's text as a reader sees it (literal()'s word joiners are invisible)."""
    return page.locator("[data-testid=stMain]").inner_text().replace(WORD_JOINER, "")
