"""What the benchmarks read about processes and the app: /proc figures, the app's pages, and the test server's
helpers (tests/browser/server.py starts the app and waits for it). Shared by bench and bench_refresh."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from . import config


def read_lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def app_pages() -> list[dict]:
    """The pages of the app's menu (lasdash/ui/menu.py): title, script, URL path."""
    from .ui.menu import MENU, url_path

    return [{"title": title, "script": str(config.REPO_ROOT / script), "url_path": url_path(script)}
            for script, title, _ in MENU]


def server_helpers():
    """tests/browser/server.py: the one place that knows how to start the app and wait for it."""
    path = config.REPO_ROOT / "tests" / "browser" / "server.py"
    spec = importlib.util.spec_from_file_location("lasdash_bench_server", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rss_kb(pid: int, field: str = "VmHWM") -> int:
    """The process's peak (VmHWM) or current (VmRSS) resident set, in kB."""
    for line in read_lines(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for process {pid}")


def cpu_seconds(pid: int) -> float:
    fields = read_lines(f"/proc/{pid}/stat")[0].rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
