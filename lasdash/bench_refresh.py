"""Server memory as users meet it: one `streamlit run app.py` living through a refresh, and many viewers at once.

`refresh_memory`: a server on a fresh store bootstraps the bundled map (S1) and every page is opened once; then a
larger map (the S100 workbook) is published into the same store from the CLI, as an editor would, and every page is
opened `passes` times. The server's peak (VmHWM) and current (VmRSS) resident memory are read after each phase.
(Many viewers at once: `bench.in_browser`.)

Playwright and the server's helpers (tests/browser/server.py) are imported only inside these functions, so the core
package still does not import streamlit. It returns a plain JSON-able dict.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from . import config
from .bench_process import app_pages, rss_kb, server_helpers

MB = 1024  # rss_kb gives kB


def _memory(pid: int) -> dict[str, float]:
    return {"peak_mb": round(rss_kb(pid) / MB, 1), "rss_mb": round(rss_kb(pid, "VmRSS") / MB, 1)}


def _publish_cli(store_root: Path, workbook: Path, by: str, note: str) -> str:
    """`python -m lasdash publish` as its own process on the server's store, as an editor would run it: the new
    snapshot's id."""
    env = {**os.environ, "LASDASH_DATA_DIR": str(store_root)}
    done = subprocess.run([sys.executable, "-m", "lasdash", "publish", str(workbook), "--by", by, "--note", note],
                          cwd=config.REPO_ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode:
        raise RuntimeError(f"publish failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    from .stores import open_location
    return open_location(str(store_root)).current_id()


def _open(browser, helpers, url: str, timeout_ms: int, expect_snapshot: str | None = None) -> bool:
    """Open one page in a fresh browser context and wait until its script has finished; True if it shows no
    exception. With `expect_snapshot`, reload until the sidebar names that snapshot (the server polls the store)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(timeout_ms)
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            page.goto(url)
            helpers.wait_for_app(page, timeout_ms)
            if expect_snapshot is None or expect_snapshot in page.locator("[data-testid=stSidebar]").inner_text():
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server never showed snapshot {expect_snapshot}")
            page.wait_for_timeout(1000)
        return page.locator("[data-testid=stException]").count() == 0
    finally:
        context.close()


@contextlib.contextmanager
def _browser(browser=None):
    """A Playwright chromium (the caller's if given)."""
    if browser is not None:
        yield browser
        return
    from playwright.sync_api import sync_playwright
    helpers = server_helpers()
    with sync_playwright() as p:
        own = p.chromium.launch(executable_path=helpers.CHROMIUM, headless=True, args=helpers.CHROMIUM_ARGS)
        try:
            yield own
        finally:
            own.close()


def _unavailable() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements-dev.txt)"
    helpers = server_helpers()
    if not helpers.chromium_available():
        return f"chromium not found at {helpers.CHROMIUM}"
    return None


def refresh_memory(workbook: Path | str, passes: int = 4, *, first: Path | str | None = None,
                   url_paths: list[str] | None = None, env: dict[str, str] | None = None,
                   timeout_ms: int = 300_000, browser=None, probe: Callable[[str, str, int], object] | None = None,
                   log: Callable[[str], None] = lambda s: None) -> dict:
    """The refresh scenario: a server on a fresh store; the bundled map (or `first`, published before the server
    starts) and every page opened once; then `workbook` published from the CLI and every page opened `passes` times.

    Returns, in MB: `after_first` and `after_pass` (a list, one per pass) as {"peak_mb": VmHWM, "rss_mb": VmRSS},
    `final` the same at the end, `peak_rss_mb` the final VmHWM; `after_each_page` per phase (page -> memory after it);
    `page_errors` (pages that showed an exception), the snapshots and the seconds each phase took. `env`: more
    environment for the server (e.g. a profiling hook); `probe(phase, server_url, pid)`, if given, runs after each
    phase and what it returns is kept under `probes`."""
    if reason := _unavailable():
        return {"skipped": reason}
    helpers = server_helpers()
    paths = url_paths if url_paths is not None else [p["url_path"] for p in app_pages()]
    with tempfile.TemporaryDirectory(prefix="lasdash-refresh-") as tmp:
        store_root = Path(tmp) / "store"
        if first is not None:
            _publish_cli(store_root, Path(first), "benchmark", "the first map of the refresh scenario")
        srv = helpers.Server(store_root, env=env).start()
        result: dict = {"workbook": str(workbook), "first": str(first) if first else "bundled map (bootstrap)",
                        "passes": passes, "pages": [p or "/" for p in paths], "page_errors": [],
                        "after_each_page": {}, "after_pass": [], "seconds": {}}
        try:
            pid = srv.proc.pid
            with _browser(browser) as b:
                def phase(name: str, expect: str | None = None) -> dict:
                    start, after = time.perf_counter(), {}
                    for i, path in enumerate(paths):
                        ok = _open(b, helpers, f"{srv.url}/{path}", timeout_ms, expect if i == 0 else None)
                        if not ok:
                            result["page_errors"].append(f"{name}: {path or '/'}")
                        after[path or "/"] = _memory(pid)
                    result["after_each_page"][name] = after
                    result["seconds"][name] = round(time.perf_counter() - start, 1)
                    log(f"{name}: {_memory(pid)}")
                    if probe is not None:
                        result.setdefault("probes", {})[name] = probe(name, srv.url, pid)
                    return _memory(pid)

                result["after_first"] = phase("first")
                start = time.perf_counter()
                result["second_snapshot"] = _publish_cli(store_root, Path(workbook), "benchmark",
                                                         f"SYNTHETIC DATA: refresh scenario ({Path(workbook).name})")
                result["seconds"]["publish"] = round(time.perf_counter() - start, 1)
                for n in range(passes):
                    result["after_pass"].append(phase(f"pass {n + 1}", result["second_snapshot"] if n == 0 else None))
            result["final"] = _memory(pid)
            result["peak_rss_mb"] = result["final"]["peak_mb"]
        finally:
            srv.stop()
    return result


def main(argv: list[str] | None = None) -> int:
    """python -m lasdash.bench_refresh WORKBOOK [--passes N] [--first WORKBOOK] [--env NAME=VALUE]: JSON on stdout."""
    import argparse
    import json
    ap = argparse.ArgumentParser(prog="python -m lasdash.bench_refresh")
    ap.add_argument("workbook")
    ap.add_argument("--passes", type=int, default=4)
    ap.add_argument("--first")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="more environment for the server, e.g. MALLOC_ARENA_MAX=2 (repeatable)")
    args = ap.parse_args(argv)
    env = dict(e.split("=", 1) for e in args.env)
    log = lambda s: print(s, file=sys.stderr, flush=True)
    out = refresh_memory(args.workbook, args.passes, first=args.first, env=env, log=log)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
