"""`python -m lasdash bench`: ingest, pages, queries, CSV, meeting briefs and memory at 1x, 10x and 100x the
default map.

The machine is shared and noisy, so every target is a ratio of two things measured in the same
run; absolute times are reported beside them for reference. Every figure is a median of repeated
runs. S1 is the bundled default workbook; larger scales come from `lasdash synth`.

Streamlit (AppTest) and Playwright are imported only inside the functions that need them, so the
core package still does not import streamlit.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import importlib.metadata
import importlib.util
import itertools
import json
import logging
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import clock, config, export, pipeline, queries, synth
from . import schema as S
from .bench_process import app_pages, cpu_seconds, read_lines, rss_kb, server_helpers
from .snapshots import SnapshotStore

APP = config.REPO_ROOT / "app.py"
EMPTY_PAGE = config.REPO_ROOT / "benchmarks" / "empty_page.py"
NAIVE_PAGE = config.REPO_ROOT / "benchmarks" / "naive_page.py"
FLOOR_URL = "bench_floor"
FLOOR, BARE_FLOOR, NAIVE = "Empty page (in the app)", "Empty page (bare script)", "Naive baseline"
PACKAGES = ("streamlit", "pandas", "duckdb", "pyarrow", "openpyxl", "python-calamine", "altair", "numpy", "playwright")

TARGETS = {  # what, comparison, threshold
    "ingest": ("ingest: openpyxl read / publish", ">=", 6.0),
    "parser": ("ingest: publish / raw calamine parse", "<=", 2.0),
    "scaling": ("every page: S{top} / S1", "<=", 2.0),
    "load": ("every page in chromium, full load: S{top} / S1", "<=", 2.0),
    "filter": ("every page in chromium, HCP filter change: S{top} / S1", "<=", 2.0),
    "floor": ("every page at S1 / empty page", "<=", 3.0),
    "naive": ("every page vs naive at S{top} (naive / page)", ">=", 10.0),
    "csv": ("CSV of the largest view at S{top} (s)", "<", 1.0),
    "rss": ("server peak RSS at S{top} (MB)", "<", 400.0),
    "viewers": ("20 viewers at once at S10: errors", "<=", 0.0),
    "edit": ("a one-field edit saved: S{top} / S1", "<=", 3.0),
    "brief": ("a meeting brief (data + PDF) at S{top}, the slowest of three (s)", "<", 1.0),
    "brief_scaling": ("a meeting brief: S{top} / S1, the worst of three", "<=", 2.0),
    "digest": ("digest --dry-run for every owner / one export of relationships, at S{top}", "<=", 2.0),
    "refresh_rss": ("server peak RSS through a refresh: S1, then S{top} with every page 4 times (MB)", "<", 400.0),
    "cold_parser": ("publish / raw calamine parse, each a new process, at S{top}", "<=", 2.0),
    "cold_ingest": ("pandas+openpyxl read / publish, each a new process, at S{top}", ">=", 6.0),
    "cold_help": ("python -m lasdash --help, a new process (s)", "<", 0.3),
    "cold_validate": ("python -m lasdash validate (bundled map): start of the work (s)", "<", 0.3),
}


@dataclass(frozen=True)
class Settings:
    scales: tuple[int, ...] = (1, 10, 100)
    ingest_repeats: int = 3
    page_repeats: int = 5
    naive_repeats: int = 3
    query_repeats: int = 7
    csv_repeats: int = 5
    browser: bool = True  # the chromium part: page loads, filter changes, memory, many viewers
    browser_repeats: int = 3
    viewers: int = 20
    brief_repeats: int = 5
    digest_repeats: int = 3
    cold_repeats: int = 3  # the CLI as new processes (bench_cold)
    refresh_passes: int = 4  # the refresh scenario (bench_refresh), with the browser part


SMOKE = Settings(scales=(1,), ingest_repeats=1, page_repeats=1, naive_repeats=1, query_repeats=1, csv_repeats=1,
                 browser=False, brief_repeats=1, digest_repeats=1, cold_repeats=1)


def _median_time(fn: Callable[[], object], repeats: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def machine() -> dict:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    cpu = next((line.split(":", 1)[1].strip() for line in read_lines("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor() or platform.machine())
    mem_kb = next((int(line.split()[1]) for line in read_lines("/proc/meminfo") if line.startswith("MemTotal")), 0)
    return {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "cores": os.cpu_count(),
            "cpu": cpu, "memory_gb": round(mem_kb / 1024**2, 1), "python": platform.python_version(),
            "platform": platform.platform(), "packages": versions}


# --- ingest ------------------------------------------------------------------------------
def workbook_for(scale: int, folder: Path) -> Path:
    """S1 is the bundled map itself; larger scales are generated."""
    if scale == 1:
        return config.DEFAULT_WORKBOOK
    path = folder / f"lasdash-synthetic-s{scale}.xlsx"
    synth.write_synthetic(path, scale)
    return path


def calamine_parse(path: Path) -> int:
    """The parser's floor: python-calamine reading every sheet's cells into Python lists (no checks, no output)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return sum(len(wb.get_sheet_by_name(name).to_python()) for name in wb.sheet_names)


def ingest(path: Path, folder: Path, scale: int, repeats: int) -> tuple[dict, Path]:
    """publish (read + validate + write) against pandas' openpyxl read and a raw calamine parse, interleaved."""
    publish_times, openpyxl_times, calamine_times, kept = [], [], [], None
    note = synth.marker_note(scale) if scale > 1 else "Bundled default map (benchmark)"
    for i in range(repeats):
        root = folder / f"store-s{scale}-{i}"
        start = time.perf_counter()
        outcome = pipeline.publish(SnapshotStore(root), path, author="lasdash bench", note=note, expected_current=None)
        publish_times.append(time.perf_counter() - start)
        if outcome.manifest is None:
            raise RuntimeError(f"S{scale} does not validate: " + "; ".join(map(str, outcome.validation.errors[:5])))
        start = time.perf_counter()
        pd.read_excel(path, sheet_name=None, engine="openpyxl")
        openpyxl_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        calamine_parse(path)
        calamine_times.append(time.perf_counter() - start)
        if kept is not None:
            shutil.rmtree(kept, ignore_errors=True)
        kept = root
    publish, openpyxl = statistics.median(publish_times), statistics.median(openpyxl_times)
    calamine = statistics.median(calamine_times)
    rows = SnapshotStore(kept).current().row_counts
    return {"file_bytes": path.stat().st_size, "rows": rows, "total_rows": sum(rows.values()),
            "publish_s": publish, "openpyxl_s": openpyxl, "calamine_s": calamine, "ratio": openpyxl / publish,
            "over_parser": publish / calamine, "publish_runs": publish_times, "openpyxl_runs": openpyxl_times,
            "calamine_runs": calamine_times}, kept


# --- queries and CSV ---------------------------------------------------------------------
def edit_time(store: SnapshotStore, repeats: int) -> dict:
    """Saving a one-field edit in the app: from pressing save (validate the whole map, publish) to the new
    snapshot being current; and what each edit adds to the store on disk."""
    from . import edits, pipeline

    def folder_bytes(path: Path) -> int:  # files shared with the parent snapshot (hard links) cost nothing
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and f.stat().st_nlink == 1)

    times, sizes = [], []
    for i in range(max(repeats, 1)):
        base = store.current_id()
        status = S.RECOMMENDATION_STATUSES[i % 2]  # alternate, so every save is a real change
        rec = store.read(base, "Recommendations")["id"].iloc[0]
        edited = edits.update_recommendations(store.read_all(base), {rec: {"status": status}}, clock.today())
        started = time.perf_counter()
        outcome = pipeline.save_edit(store, base, edited, author="bench")
        times.append(time.perf_counter() - started)
        sizes.append(folder_bytes(store.snapshot_dir / outcome.manifest.id))
    return {"median_s": statistics.median(times), "runs_s": times, "store_bytes_per_edit": statistics.median(sizes)}


def query_times(store: SnapshotStore, repeats: int) -> dict[str, dict]:
    con = queries.connect(store, store.current_id())
    out = {}
    for name in queries.VIEWS:
        median, _ = _median_time(functools.partial(queries.run, con, name), repeats)
        df = queries.run(con, name)
        out[name] = {"median_s": median, "rows": len(df), "columns": len(df.columns)}
    return out


def csv_time(store: SnapshotStore, views: dict[str, dict], repeats: int) -> dict:
    """The largest view (most cells, unfiltered): query plus CSV, as the page's download builds it."""
    view = max(views, key=lambda v: views[v]["rows"] * views[v]["columns"])
    con = queries.connect(store, store.current_id())
    median, _ = _median_time(lambda: export.to_csv_bytes(queries.run(con, view)), repeats)
    return {"view": view, "rows": views[view]["rows"], "bytes": len(export.to_csv_bytes(queries.run(con, view))),
            "median_s": median}


# --- meeting briefs ------------------------------------------------------------------------
def largest_subjects(con) -> dict[str, str]:
    """The forum, organisation and HCP with the most current seats (an organisation's: in it, or held by its
    people), ties to the first ID: the briefs that have the most to read."""
    seats = queries.run(con, "brief_seats")

    def most(values: pd.Series) -> str:
        counts = values.dropna().value_counts()
        return min(counts.index, key=lambda i: (-counts[i], i))

    own_people = seats["Holder's organisation ID"].where(seats["Holder's organisation ID"] != seats["Organisation ID"])
    return {"forum": most(seats["Forum ID"]), "organisation": most(pd.concat([seats["Organisation ID"], own_people])),
            "hcp": most(seats["Footprint"].where(seats["Footprint"].isin(S.HCP_CODES)))}


def brief_times(store: SnapshotStore, repeats: int) -> dict[str, dict]:
    """A meeting brief of the largest forum, organisation and HCP, as the page and the CLI make it (a brief's data,
    then its PDF), after one untimed brief, as a running app has made some: medians of `repeats`, with the parts."""
    from . import brief

    snapshot_id = store.current_id()
    con = queries.connect(store, snapshot_id)
    manifest = store.manifest(snapshot_id)
    out = {}
    for kind, subject_id in largest_subjects(con).items():
        subject = brief.resolve(con, kind, subject_id)
        builds, renders, pdf = [], [], b""
        brief.render_pdf(brief.build(con, subject, manifest=manifest, made_by="lasdash bench",
                                     made_at=dt.datetime.now(dt.UTC)))  # warm: typst loaded, template parsed
        for i in range(max(repeats, 1)):
            start = time.perf_counter()  # each brief differs (its author), so typst cannot reuse the last PDF's work
            data = brief.build(con, subject, manifest=manifest, made_by=f"lasdash bench {i}",
                               made_at=dt.datetime.now(dt.UTC))
            built = time.perf_counter()
            pdf = brief.render_pdf(data)
            builds.append(built - start)
            renders.append(time.perf_counter() - built)
        totals = [b + r for b, r in zip(builds, renders, strict=True)]
        out[kind] = {"id": subject.id, "name": subject.name, "median_s": statistics.median(totals),
                     "build_s": statistics.median(builds), "render_s": statistics.median(renders),
                     "pages": len(re.findall(rb"/Type\s*/Page\b", pdf)), "pdf_bytes": len(pdf), "runs_s": totals}
    return out


# --- the weekly digest ---------------------------------------------------------------------
def digest_time(store_root: Path, folder: Path, repeats: int) -> dict:
    """`digest --dry-run` (every owner's message composed, calendar attached, printed) against one `export` of the
    relationships view, each as a new process on the same store, as cron and a person run them; interleaved."""
    from .bench_cold import process_env, run_cold

    env = process_env(LASDASH_DATA_DIR=str(store_root), LASDASH_SMTP_HOST="")
    cli = [sys.executable, "-m", "lasdash"]
    digest_runs, export_runs, messages = [], [], None
    for _ in range(max(repeats, 1)):
        run = run_cold([*cli, "digest", "--dry-run"], env, config.REPO_ROOT, stderr=True)
        digest_runs.append(run["wall_s"])
        found = re.search(r"Dry run: (\d+) message", run["stderr"])
        messages = int(found.group(1)) if found else 0
        export_runs.append(run_cold([*cli, "export", "relationships", "-o", str(folder / "relationships.csv")], env,
                                    config.REPO_ROOT)["wall_s"])
    digest, export_ = statistics.median(digest_runs), statistics.median(export_runs)
    return {"digest_s": digest, "export_s": export_, "ratio": digest / export_, "messages": messages,
            "digest_runs": digest_runs, "export_runs": export_runs}


# --- pages (AppTest) ---------------------------------------------------------------------
def _filters() -> Iterator[dict]:
    """Filter settings in a fixed order, each new to the process, so every timed run misses the cache.

    A person picks HCPs with London-wide bodies shown (the default); after the 31 HCP choices the
    same choices come with sub-groups ticked (all 11, then 10, ...), which keeps nearly every row
    in view, so each page does its full work on every run at every scale.
    """
    sub_groups = [f"SG{i:02d}" for i in range(1, 12)]
    for ticked in [[]] + [sub_groups[:n] for n in range(11, 0, -1)]:
        for k in range(1, len(S.HCP_CODES) + 1):
            for hcps in itertools.combinations(S.HCP_CODES, k):
                yield {"hcp": list(hcps), "wider": True, "sub_group": ticked}


@contextlib.contextmanager
def _environment(**values: str):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# The floor: app.py itself (sidebar, filters, navigation) with the empty page added to its navigation, in the
# benchmark's AppTest only; the app's menu is not touched.
FLOOR_APP = f"""
import streamlit as st
_navigation = st.navigation
st.navigation = lambda pages, **kw: _navigation(
    [*pages, st.Page({str(EMPTY_PAGE)!r}, title="Empty page (benchmark floor)", url_path={FLOOR_URL!r})], **kw)
try:
    exec(compile(open({str(APP)!r}).read(), {str(APP)!r}, "exec"))
finally:  # only for this run of this script
    st.navigation = _navigation
"""


def _no_context_warning(record: logging.LogRecord) -> bool:
    # AppTest driven from the bench's thread: streamlit warns "missing ScriptRunContext" each time; harmless
    return "missing ScriptRunContext" not in record.getMessage()


def _timed_run(at, settings_: dict) -> tuple[float, str]:
    """Change the filter as a person would, then time the rerun. Returns (seconds, error or '')."""
    for key, value in settings_.items():
        at.session_state[key] = value
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    return elapsed, str(at.exception[0].value) if at.exception else ""


def page_times(store_root: Path, workbook: Path, settings: Settings, timeout: float = 600) -> dict[str, dict]:
    """Each page's run time after a filter change (a cache miss on the new filter, in a warm process)."""
    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_no_context_warning)
    filters = _filters()
    out: dict[str, dict] = {}

    def opened(script: str, in_app: bool = True, floor: bool = False):
        """A session on the page, warmed under the default filter; (None, error) if it fails."""
        at = (AppTest.from_string(FLOOR_APP, default_timeout=timeout) if floor
              else AppTest.from_file(str(APP if in_app else script), default_timeout=timeout))
        at.run()
        if in_app:
            at.switch_page(script).run()
        return (None, str(at.exception[0].value)) if at.exception else (at, "")

    def measure(sessions: dict[str, tuple], repeats: int) -> None:
        """Round-robin: each round changes every page's filter once, so drift on a shared machine hits all alike."""
        for title, (_, error) in sessions.items():
            out[title] = {"runs": [], "error": error}
        for _ in range(repeats):
            for title, (at, _) in sessions.items():
                if out[title]["error"]:
                    continue
                elapsed, error = _timed_run(at, next(filters))
                out[title]["runs"].append(elapsed)
                out[title]["error"] = error

    with _environment(LASDASH_DATA_DIR=str(store_root), LASDASH_BENCH_WORKBOOK=str(workbook)):
        pages = app_pages()
        measure({p["title"]: opened(p["script"]) for p in pages}, settings.page_repeats)
        for p in pages:
            out[p["title"]] |= {"script": p["script"], "url_path": p["url_path"]}
        measure({FLOOR: opened(str(EMPTY_PAGE), floor=True)}, settings.page_repeats)
        measure({BARE_FLOOR: opened(str(EMPTY_PAGE), in_app=False)}, settings.page_repeats)
        measure({NAIVE: opened(str(NAIVE_PAGE), in_app=False)}, settings.naive_repeats)
    for title, script in ((FLOOR, EMPTY_PAGE), (BARE_FLOOR, EMPTY_PAGE), (NAIVE, NAIVE_PAGE)):
        out[title]["script"] = str(script)
    for item in out.values():
        item["median_s"] = statistics.median(item["runs"]) if item["runs"] and not item["error"] else None
    return out


# --- server memory (real server, real browser) -------------------------------------------
def in_browser(store_root: Path, url_paths: list[str], repeats: int, viewers: int = 0,
               timeout_ms: int = 300_000, browser=None) -> dict:
    """A real `streamlit run app.py` on the store, in chromium: each page's full load and an HCP filter change
    (click the NWL pill, wait until the script has finished), medians of `repeats`; the server's peak RSS with
    every page opened; and, if `viewers`, that many sessions opening the overview at once. `browser`: a
    Playwright browser already running (a test's), else chromium is launched here."""
    helpers = server_helpers()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "playwright is not installed (pip install -r requirements-dev.txt)"}
    if not helpers.chromium_available():
        return {"skipped": f"chromium not found at {helpers.CHROMIUM}"}
    srv = helpers.Server(store_root).start()
    pages: dict[str, dict] = {}
    errors, after = [], []
    crowd: dict = {}
    try:
        with contextlib.nullcontext() if browser else sync_playwright() as p:
            own = browser is None
            if own:
                browser = p.chromium.launch(executable_path=helpers.CHROMIUM, headless=True, args=helpers.CHROMIUM_ARGS)
            for round_ in range(repeats):  # rounds across pages, so drift on the machine hits them alike
                for url_path in url_paths:
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    page = context.new_page()
                    page.set_default_timeout(timeout_ms)
                    start = time.perf_counter()
                    page.goto(f"{srv.url}/{url_path}")
                    helpers.wait_for_app(page, timeout_ms)
                    load = time.perf_counter() - start
                    start = time.perf_counter()
                    page.locator("[data-testid=stSidebar]").get_by_role("button", name="NWL", exact=True).click()
                    page.wait_for_url("**hcp=NWL**", timeout=timeout_ms)  # the rerun has started: it sets the link
                    helpers.wait_for_app(page, timeout_ms)
                    change = time.perf_counter() - start
                    if page.locator("[data-testid=stException]").count():
                        errors.append(url_path or "/")
                    item = pages.setdefault(url_path or "/", {"load_runs": [], "filter_runs": []})
                    item["load_runs"].append(load)
                    item["filter_runs"].append(change)
                    if round_ == 0:
                        after.append({"page": url_path or "/", "peak_mb": rss_kb(srv.proc.pid) / 1024,
                                      "rss_mb": rss_kb(srv.proc.pid, "VmRSS") / 1024})
                    context.close()
            for item in pages.values():
                item["load_s"] = statistics.median(item["load_runs"])
                item["filter_s"] = statistics.median(item["filter_runs"])
            peak = rss_kb(srv.proc.pid)
            if viewers:
                crowd = _many_viewers(browser, srv, helpers, viewers, timeout_ms)
            if own:
                browser.close()
    finally:
        srv.stop()
    return {"peak_rss_mb": peak / 1024, "pages": pages, "page_errors": errors, "after_each_page": after,
            "viewers": crowd}


def _many_viewers(browser, srv, helpers, n: int, timeout_ms: int) -> dict:
    """n sessions open the overview at once: time until every one has rendered, errors, server CPU per view."""
    from playwright.sync_api import Error as PlaywrightError

    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(n)]
    tabs = [c.new_page() for c in contexts]
    rss_before = rss_kb(srv.proc.pid, "VmRSS") / 1024
    cpu_before, start = cpu_seconds(srv.proc.pid), time.perf_counter()
    for tab in tabs:  # all requests go out before any is waited for
        tab.goto(srv.url, wait_until="commit")
    failed = 0
    for tab in tabs:
        try:
            helpers.wait_for_app(tab, timeout_ms)
            failed += tab.locator("[data-testid=stException]").count() > 0
        except PlaywrightError:  # a session that never rendered is an error, not a crash of the benchmark
            failed += 1
    elapsed, cpu = time.perf_counter() - start, cpu_seconds(srv.proc.pid) - cpu_before
    rss_after, peak = rss_kb(srv.proc.pid, "VmRSS") / 1024, rss_kb(srv.proc.pid) / 1024
    for c in contexts:
        c.close()
    return {"sessions": n, "all_rendered_s": elapsed, "errors": failed, "server_cpu_s": cpu,
            "cpu_s_per_view": cpu / n, "rss_before_mb": rss_before, "rss_after_mb": rss_after, "peak_rss_mb": peak,
            "rss_mb_per_session": (rss_after - rss_before) / n}


# --- the run -----------------------------------------------------------------------------
def run(settings: Settings = Settings(), log: Callable[[str], None] = lambda s: None) -> dict:
    from . import bench_cold, bench_refresh

    result = {"machine": machine(), "settings": settings.__dict__ | {"scales": list(settings.scales)}, "scales": {}}
    with tempfile.TemporaryDirectory(prefix="lasdash-bench-") as tmp:
        folder = Path(tmp)
        workbooks: dict[int, Path] = {}
        for scale in settings.scales:
            log(f"S{scale}: workbook")
            started = time.perf_counter()
            path = workbooks[scale] = workbook_for(scale, folder)
            generate_s = time.perf_counter() - started
            log(f"S{scale}: ingest ({settings.ingest_repeats}x publish and openpyxl read)")
            ingest_result, root = ingest(path, folder, scale, settings.ingest_repeats)
            ingest_result["generate_s"] = generate_s if scale > 1 else None
            store = SnapshotStore(root)
            log(f"S{scale}: queries")
            views = query_times(store, settings.query_repeats)
            log(f"S{scale}: CSV")
            csv = csv_time(store, views, settings.csv_repeats)
            log(f"S{scale}: one-field edits")
            edit = edit_time(store, settings.ingest_repeats)
            log(f"S{scale}: meeting briefs")
            briefs = brief_times(store, settings.brief_repeats)
            log(f"S{scale}: the weekly digest against an export (new processes)")
            digest = digest_time(root, folder, settings.digest_repeats)
            log(f"S{scale}: pages (AppTest)")
            pages = page_times(root, path, settings)
            memory = {"skipped": "not asked for (smoke mode)"}
            if settings.browser:
                log(f"S{scale}: chromium (page loads, filter changes, memory" +
                    (f", {settings.viewers} viewers at once)" if scale == 10 else ")"))
                memory = in_browser(root, [p["url_path"] for t, p in pages.items() if "url_path" in p],
                                    settings.browser_repeats, settings.viewers if scale == 10 else 0)
            result["scales"][str(scale)] = {"ingest": ingest_result, "queries": views, "csv": csv, "pages": pages,
                                            "memory": memory, "edit": edit, "briefs": briefs, "digest": digest}
            shutil.rmtree(root, ignore_errors=True)
        log(f"the CLI from cold ({settings.cold_repeats}x each command as a new process)")
        result["cold"] = bench_cold.cold_cli(workbooks, folder / "cold", settings.cold_repeats)
        top = max(settings.scales)
        if settings.browser and top > 1:
            log(f"refresh: a server on the bundled map, then S{top} published, every page {settings.refresh_passes}x")
            result["refresh"] = bench_refresh.refresh_memory(workbooks[top], settings.refresh_passes, log=log)
    result["ratios"], result["targets"] = summarise(result)
    return result


def summarise(result: dict) -> tuple[dict, list[dict]]:
    """Per-page ratios, and each target's value at the largest scale measured."""
    scales = result["scales"]
    top = max(scales, key=int)
    low = "1" if "1" in scales else min(scales, key=int)
    pages_low, pages_top = scales[low]["pages"], scales[top]["pages"]
    floor, bare = pages_low[FLOOR]["median_s"], pages_low[BARE_FLOOR]["median_s"]
    naive = pages_top[NAIVE]["median_s"]
    # S10 is the first map where every column is filled (the real map leaves scores and intervals blank)
    pages_mid = scales["10"]["pages"] if "10" in scales and top != "10" else {}
    ratios = {}
    for title, item in pages_low.items():
        if title in (FLOOR, BARE_FLOOR, NAIVE):
            continue
        s_low, s_top = item["median_s"], pages_top.get(title, {}).get("median_s")
        ratios[title] = {
            "page_over_floor": _ratio(s_low, floor), "page_over_bare_floor": _ratio(s_low, bare),
            "top_over_s1": _ratio(s_top, s_low), "naive_over_page": _ratio(naive, s_top),
            "top_over_s10": _ratio(s_top, pages_mid.get(title, {}).get("median_s")),
        }
    real = list(ratios.values())

    def worst(key, fn):
        values = [r[key] for r in real]
        return None if not values or None in values else fn(values)

    memory = scales[top]["memory"].get("peak_rss_mb")
    browser_low, browser_top = scales[low]["memory"].get("pages", {}), scales[top]["memory"].get("pages", {})

    def worst_browser(key):
        values = [_ratio(browser_top[u][key], browser_low[u][key]) for u in browser_low if u in browser_top]
        return max(values) if values and top != low else None

    crowd = scales.get("10", {}).get("memory", {}).get("viewers") or {}
    briefs_low, briefs_top = scales[low].get("briefs", {}), scales[top].get("briefs", {})
    brief_ratios = [_ratio(briefs_top[k]["median_s"], briefs_low[k]["median_s"]) for k in briefs_low if k in briefs_top]
    values = {"ingest": scales[top]["ingest"]["ratio"], "parser": scales[top]["ingest"].get("over_parser"),
              "load": worst_browser("load_s"), "filter": worst_browser("filter_s"),
              "viewers": crowd.get("errors"), "scaling": worst("top_over_s1", max),
              "floor": worst("page_over_floor", max), "naive": worst("naive_over_page", min),
              "csv": scales[top]["csv"]["median_s"], "rss": memory,
              "edit": _ratio(scales[top]["edit"]["median_s"], scales[low]["edit"]["median_s"]) if top != low else None,
              "brief": max((b["median_s"] for b in briefs_top.values()), default=None),
              "brief_scaling": max(brief_ratios) if brief_ratios and top != low else None,
              "digest": scales[top].get("digest", {}).get("ratio"),
              "refresh_rss": result.get("refresh", {}).get("peak_rss_mb")}
    cold = result.get("cold") or {}
    cold_top = cold.get("scales", {}).get(top, {})
    values |= {"cold_parser": cold_top.get("publish_over_calamine"), "cold_ingest": cold_top.get("openpyxl_over_publish"),
               "cold_help": cold.get("help", {}).get("wall_s"),
               "cold_validate": cold.get("validate_default", {}).get("start_s")}
    targets = []
    for key, (what, op, threshold) in TARGETS.items():
        value = values[key]
        met = None if value is None else {">=": value >= threshold, "<=": value <= threshold,
                                          "<": value < threshold}[op]
        targets.append({"key": key, "what": what.format(top=top), "target": f"{op} {threshold:g}", "value": value,
                        "met": met, "scale": int(top)})
    return ratios, targets


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


# --- report ------------------------------------------------------------------------------
def _fmt(value, spec=".2f", unit="") -> str:
    return "–" if value is None else f"{value:{spec}}{unit}"


def _grid(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]
    line = lambda cells: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                                   for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
    return [line(headers), line(["-" * w for w in widths]), *map(line, rows)]


def report(result: dict) -> str:
    m = result["machine"]
    scales = result["scales"]
    keys = sorted(scales, key=int)
    out = [f"lasdash bench, {m['date']}: {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB, Python {m['python']}",
           "packages: " + ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v), ""]
    out += ["Targets (ratios measured in this run)"]
    out += _grid(["target", "wanted", "measured", "met"],
                 [[t["what"], t["target"], _fmt(t["value"]), {True: "yes", False: "NO", None: "–"}[t["met"]]]
                  for t in result["targets"]])
    out += ["", "Ingest (median seconds)"]
    out += _grid(["scale", "rows", "file MB", "publish", "openpyxl read", "calamine parse", "openpyxl / publish",
                  "publish / calamine"],
                 [[f"S{k}", f"{scales[k]['ingest']['total_rows']:,}", _fmt(scales[k]["ingest"]["file_bytes"] / 1e6, ".1f"),
                   _fmt(scales[k]["ingest"]["publish_s"]), _fmt(scales[k]["ingest"]["openpyxl_s"]),
                   _fmt(scales[k]["ingest"].get("calamine_s")), _fmt(scales[k]["ingest"]["ratio"], ".1f", "x"),
                   _fmt(scales[k]["ingest"].get("over_parser"), ".1f", "x")] for k in keys])
    out += ["", "Pages: AppTest run after a filter change (median seconds)"]
    titles = list(scales[keys[0]]["pages"])
    rows = []
    for title in titles:
        r = result["ratios"].get(title, {})
        times = [_fmt(scales[k]["pages"].get(title, {}).get("median_s"), ".3f") for k in keys]
        errors = "; ".join(f"S{k}: {scales[k]['pages'][title]['error'][:60]}" for k in keys
                           if scales[k]["pages"].get(title, {}).get("error"))
        rows.append([title, *times, _fmt(r.get("page_over_floor"), ".1f"), _fmt(r.get("page_over_bare_floor"), ".0f"),
                     _fmt(r.get("top_over_s1"), ".2f"), _fmt(r.get("top_over_s10"), ".2f"),
                     _fmt(r.get("naive_over_page"), ".0f", "x"), errors])
    top = keys[-1]
    out += _grid(["page", *[f"S{k}" for k in keys], "S1/floor", "S1/bare", f"S{top}/S1", f"S{top}/S10",
                  f"naive/page S{top}", "error"], rows)
    out += ["", "Queries: median seconds per named view, unfiltered (rows at the largest scale)"]
    out += _grid(["view", *[f"S{k}" for k in keys], f"rows S{top}"],
                 [[v, *[_fmt(scales[k]["queries"][v]["median_s"], ".4f") for k in keys],
                   f"{scales[top]['queries'][v]['rows']:,}"] for v in scales[top]["queries"]])
    out += ["", "CSV of the largest view (query + CSV, median seconds)"]
    out += _grid(["scale", "view", "rows", "MB", "seconds"],
                 [[f"S{k}", scales[k]["csv"]["view"], f"{scales[k]['csv']['rows']:,}",
                   _fmt(scales[k]["csv"]["bytes"] / 1e6, ".1f"), _fmt(scales[k]["csv"]["median_s"], ".3f")] for k in keys])
    out += ["", "A one-field edit saved in the app (validate the whole map, publish; median seconds) and its cost on disk"]
    out += _grid(["scale", "seconds", "store MB per edit"],
                 [[f"S{k}", _fmt(scales[k]["edit"]["median_s"], ".3f"),
                   _fmt(scales[k]["edit"]["store_bytes_per_edit"] / 1e6, ".2f")] for k in keys])
    if any(scales[k].get("briefs") for k in keys):
        out += ["", "Meeting briefs: the largest forum, organisation and HCP at each scale, data + PDF (median seconds)"]
        out += _grid(["scale", "brief", "subject", "data", "PDF", "total", "pages"],
                     [[f"S{k}", kind, b["id"], _fmt(b["build_s"], ".3f"), _fmt(b["render_s"], ".3f"),
                       _fmt(b["median_s"], ".3f"), str(b["pages"])]
                      for k in keys for kind, b in scales[k].get("briefs", {}).items()])
    if any(scales[k].get("digest") for k in keys):
        out += ["", ("The weekly digest: digest --dry-run for every owner and one export of relationships, each a "
                     "new process (median seconds)")]
        out += _grid(["scale", "messages", "digest --dry-run", "export relationships", "digest / export"],
                     [[f"S{k}", str(d["messages"]), _fmt(d["digest_s"], ".3f"), _fmt(d["export_s"], ".3f"),
                       _fmt(d["ratio"], ".2f")] for k in keys if (d := scales[k].get("digest"))])
    if any(scales[k]["memory"].get("pages") for k in keys):
        out += ["", "Pages in chromium: full load and an HCP filter change (median seconds)"]
        urls = list(scales[keys[0]]["memory"].get("pages", {}))
        out += _grid(["page", *[f"load S{k}" for k in keys], *[f"filter S{k}" for k in keys], f"load S{top}/S1",
                      f"filter S{top}/S1"],
                     [[u, *[_fmt(scales[k]["memory"].get("pages", {}).get(u, {}).get("load_s"), ".3f") for k in keys],
                       *[_fmt(scales[k]["memory"].get("pages", {}).get(u, {}).get("filter_s"), ".3f") for k in keys],
                       _fmt(_ratio(scales[top]["memory"]["pages"].get(u, {}).get("load_s"),
                                   scales[keys[0]]["memory"]["pages"][u]["load_s"]), ".2f"),
                       _fmt(_ratio(scales[top]["memory"]["pages"].get(u, {}).get("filter_s"),
                                   scales[keys[0]]["memory"]["pages"][u]["filter_s"]), ".2f")] for u in urls])
    if result.get("cold"):
        from .bench_cold import report as cold_report
        out += ["", "The CLI from cold: each command a new process (median seconds; peak RSS of the largest process)"]
        out += cold_report(result["cold"]).splitlines()
    refresh = result.get("refresh") or {}
    if refresh.get("after_pass"):
        out += ["", (f"Through a refresh: a server on the bundled map, every page opened; then {Path(refresh['workbook']).name} "
                     f"published, every page opened {refresh['passes']} times. Server memory (MB, peak / current):")]
        out += _grid(["after", "peak (VmHWM)", "current (VmRSS)"],
                     [[name, _fmt(m["peak_mb"], ".0f"), _fmt(m["rss_mb"], ".0f")] for name, m in
                      [("the bundled map", refresh["after_first"]),
                       *((f"pass {i + 1}", m) for i, m in enumerate(refresh["after_pass"]))]])
        if refresh.get("page_errors"):
            out += ["page errors: " + ", ".join(refresh["page_errors"])]
    elif refresh.get("skipped"):
        out += ["", f"Through a refresh: skipped ({refresh['skipped']})"]
    crowd = scales.get("10", {}).get("memory", {}).get("viewers")
    if crowd:
        out += ["", (f"{crowd['sessions']} viewers opening the overview at once at S10: all rendered in "
                     f"{crowd['all_rendered_s']:.1f} s, {crowd['errors']} errors, server CPU "
                     f"{crowd['cpu_s_per_view']:.2f} s per page view; server RSS {crowd['rss_before_mb']:.0f} MB "
                     f"before, {crowd['rss_after_mb']:.0f} MB with all open ({crowd['rss_mb_per_session']:.1f} MB per "
                     f"session), peak {crowd['peak_rss_mb']:.0f} MB")]
    out += ["", "Server peak RSS (MB) after opening every page once, and after each page in menu order"]
    out += _grid(["scale", "peak", "after each page (peak so far)"],
                 [[f"S{k}", _fmt(scales[k]["memory"].get("peak_rss_mb"), ".0f"),
                   scales[k]["memory"].get("skipped") or
                   " ".join(f"{a['page'] or '/'}:{a['peak_mb']:.0f}" for a in scales[k]["memory"]["after_each_page"])
                   + (f"; page errors: {', '.join(scales[k]['memory']['page_errors'])}"
                      if scales[k]["memory"].get("page_errors") else "")] for k in keys])
    return "\n".join(out)


def main(scales: tuple[int, ...], smoke: bool, json_path: str | None) -> dict:
    settings = SMOKE if smoke else Settings()
    settings = Settings(**(settings.__dict__ | {"scales": scales})) if scales else settings
    result = run(settings, log=lambda s: print(f"[{time.strftime('%H:%M:%S')}] {s}", file=sys.stderr, flush=True))
    print(report(result))
    if json_path:
        Path(json_path).write_text(json.dumps(result, indent=1, default=str))
    return result
