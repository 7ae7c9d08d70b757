"""Hostile input and hostile output.

In: files built to hurt the reader (tests/corpus.py HOSTILE) are refused by the CLI and by the app's
upload, with a message, exit code 2, bounded memory and time, and the process (or server) keeps going;
the parent survives its reader child being killed.
Out: every CSV the app and CLI offer comes from export.to_csv_bytes, which neutralises formulas; xlsx
files store formula-like text as text. Plus the app's security settings, each pinned.
"""
import ast
import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import apptest
import corpus
import openpyxl
import pandas as pd
import pytest

from lasdash import cli, config, export, pipeline, queries
from lasdash.reader import DEFAULT_LIMITS, ReadError, read_workbook
from lasdash.snapshots import SnapshotStore

ROOT = config.REPO_ROOT
REJECT_WITHIN_S = 10  # the bound; measured at about 2 s, nearly all of it interpreter start-up
PASSWORD = "hostile-test passphrase"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
APP_CODE = [ROOT / "app.py", *sorted((ROOT / "lasdash").rglob("*.py")), *sorted((ROOT / "app_pages").glob("*.py"))]


@pytest.fixture(autouse=True, scope="module")
def _report(request):
    corpus.install_report(request.config)


@pytest.fixture(scope="module")
def bootstrapped(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile") / "store"
    pipeline.open_store(root)
    return root


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile-files")
    paths = {}
    for h in corpus.HOSTILE:
        paths[h.name] = d / f"{h.name}.xlsx"
        paths[h.name].write_bytes(h.make())
    return paths


def store_files(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".lock"}


# Starts the command from a small fresh process: Linux carries a forking process's peak memory into the
# child's ru_maxrss, so spawning straight from this (large) test process would report pytest's size.
_LAUNCHER = """
import json, os, sys, time
start = time.monotonic()
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)  # covers the command and its waited-for children (the reader)
with open(sys.argv[1], "w") as fh:
    json.dump({"code": os.waitstatus_to_exitcode(status), "seconds": time.monotonic() - start,
               "rss_mb": usage.ru_maxrss / 1024}, fh)
"""


def run_measured(args, env, tmp_path):
    """Run a command; return (exit code, stdout, stderr, seconds, peak RSS in MB of it and its children)."""
    report = tmp_path / "measured.json"
    proc = subprocess.run([sys.executable, "-c", _LAUNCHER, str(report), *args], capture_output=True, cwd=ROOT,
                          env=env, stdin=subprocess.DEVNULL, check=True, timeout=120)
    m = json.loads(report.read_text())
    return m["code"], proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"), \
        m["seconds"], m["rss_mb"]


# --- hostile files: the CLI ------------------------------------------------------------------------
@pytest.mark.parametrize("hostile", corpus.HOSTILE, ids=lambda h: h.name)
def test_hostile_file_is_refused_by_the_cli(hostile, hostile_files, bootstrapped, tmp_path):
    store_dir = tmp_path / "store"
    shutil.copytree(bootstrapped, store_dir)
    before = store_files(store_dir)
    env = {**os.environ, "LASDASH_DATA_DIR": str(store_dir)}
    code, out, err, seconds, rss_mb = run_measured(
        [sys.executable, "-m", "lasdash", "publish", str(hostile_files[hostile.name])], env, tmp_path)
    corpus.count("hostile files: CLI crashes (killed by a signal)", int(code < 0))
    assert code == 2, (code, out, err)  # a clean refusal, not a crash (a signal gives a negative code)
    assert "Traceback" not in out + err
    assert err.startswith("lasdash: cannot read") and hostile.fragment in err, err
    assert store_files(store_dir) == before
    assert seconds < REJECT_WITHIN_S
    assert rss_mb * 1024 * 1024 < DEFAULT_LIMITS.memory_bytes
    corpus.count("hostile files tried (CLI)")
    corpus.peak("hostile files: slowest CLI rejection (s)", seconds)
    corpus.peak("hostile files: peak RSS of CLI + reader child (MB)", rss_mb)


# --- hostile files: the app --------------------------------------------------------------------------
def unlock(at):
    at.text_input[0].input("Hostile Tester")
    at.text_input[1].input(PASSWORD)
    next(b for b in at.button if b.label == "Unlock editing").click()
    at.run()
    return at


def upload(at, name, content):
    at.get("file_uploader")[0].set_value((name, content, XLSX))
    at.run()
    assert not at.exception, at.exception
    return at


def test_hostile_uploads_are_refused_and_the_app_keeps_serving(data_dir, monkeypatch, hostile_files, tmp_path):
    monkeypatch.setenv("LASDASH_EDITOR_PASSWORD", PASSWORD)
    at = unlock(apptest.open_page("app_pages/data.py"))
    store = SnapshotStore(data_dir)
    before = store_files(data_dir)
    for h in corpus.HOSTILE:
        start = time.monotonic()
        upload(at, f"{h.name}.xlsx", hostile_files[h.name].read_bytes())
        corpus.peak("hostile files: slowest app rejection (s)", time.monotonic() - start)
        errors = [e.value for e in at.error]
        assert any(h.fragment in e for e in errors), (h.name, errors)
        assert not [b for b in at.button if b.label == "Publish as the new current map"]
        corpus.count("hostile files tried (app upload)")
    assert store_files(data_dir) == before
    # still serving: a good upload is reviewed and publishable, and another page renders
    good = tmp_path / "good.xlsx"
    next(c for c in corpus.BROKEN if c.name == "number-as-text").build(good)
    upload(at, "good.xlsx", good.read_bytes())
    assert any(b.label == "Publish as the new current map" for b in at.button)
    at.switch_page("app_pages/jhosc.py").run()
    assert not at.exception and len(at.dataframe[0].value) == 6
    assert store.current_id() is not None


# --- the reader child killed from outside --------------------------------------------------------------
def _big_workbook(path: Path, rows: int = 60_000) -> None:
    """A plain workbook large enough that its reader child lives a while (written as XML: fast)."""
    body = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>{r * 7}</v></c>'
                   f'<c r="C{r}"><v>{r % 97}</v></c></row>' for r in range(1, rows + 1))
    parts = corpus._parts(corpus._xlsx())
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(rb"<sheetData>.*</sheetData>", f"<sheetData>{body}</sheetData>".encode(), parts[sheet])
    parts[sheet] = parts[sheet].replace(b'<dimension ref="A1:A1" />', f'<dimension ref="A1:C{rows}" />'.encode())
    path.write_bytes(corpus._zip(parts))


def _reader_children() -> list[int]:
    me, found = os.getpid(), []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == me and b"lasdash._read_child" in cmdline:
            found.append(int(pid))
    return found


def test_parent_survives_its_reader_child_killed_from_outside(tmp_path):
    """As if the OOM killer or an operator killed the parser mid-read: a message, and the next read works."""
    path = tmp_path / "big.xlsx"
    _big_workbook(path)
    with ThreadPoolExecutor(1) as pool:
        for _ in range(5):  # the child must still be running when we find it
            future = pool.submit(read_workbook, path)
            while not future.done() and not (children := _reader_children()):
                time.sleep(0.002)
            if future.done():
                continue
            for pid in children:
                os.kill(pid, signal.SIGKILL)
            with pytest.raises(ReadError, match="killed by SIGKILL"):
                future.result()
            break
        else:
            pytest.fail("the reader child always finished before it could be killed")
    assert read_workbook(path).sheets[0].rows[-1] == [60_000.0, 420_000.0, 60_000 % 97]


# --- exports: one builder, formulas neutralised ----------------------------------------------------------
@pytest.fixture
def builder_calls(monkeypatch):
    """Calls of export.to_csv_bytes (the real one still runs)."""
    calls = []
    real = export.to_csv_bytes

    def spy(df):
        calls.append(df)
        return real(df)
    monkeypatch.setattr(export, "to_csv_bytes", spy)
    return calls


def hostile_map(tables):
    """The seed map plus a synthetic person named =HYPERLINK(...) holding a synthetic seat."""
    people, roles = tables["People"], tables["Roles"]
    person = {c: None for c in people.columns} | {
        "id": "PER-synthetic-hyperlink", "name": corpus.HYPERLINK, "substantive_role": "@SUM(1+1) synthetic",
        "source": f"000 {corpus.SYNTHETIC}"}
    seat = {c: None for c in roles.columns} | {"id": "R-synthetic-1", "person_id": "PER-synthetic-hyperlink",
                                               "forum_id": roles["forum_id"].dropna().iloc[0], "role": "Member",
                                               "note": "-2+3 synthetic", "source": f"000 {corpus.SYNTHETIC}"}
    tables["People"] = pd.concat([people, pd.DataFrame([person])], ignore_index=True)
    tables["Roles"] = pd.concat([roles, pd.DataFrame([seat])], ignore_index=True)
    return tables


def parse_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(export.BOM.encode("utf-8"))
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def assert_excel_safe(rows: list[list[str]]) -> None:
    """No cell Excel would run as a formula: text starting = + - @ tab CR LF must carry the apostrophe."""
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_START):
                assert re.fullmatch(r"-\d+(\.\d+)?", cell), f"unsafe CSV cell {cell!r}"  # a negative number is fine


def test_hostile_value_round_trips_publish_to_every_export(data_dir, tables, write_workbook, tmp_path, capsysbinary):
    assert cli.main(["publish", str(write_workbook(hostile_map(tables)))]) == 0
    capsysbinary.readouterr()
    for view in ("people", "roles"):
        assert cli.main(["export", view]) == 0
        rows = parse_csv(capsysbinary.readouterr().out)
        assert_excel_safe(rows)
        assert any("'" + corpus.HYPERLINK in row for row in rows), view
        corpus.count("CSV exports checked cell by cell for formulas")
    assert cli.main(["export", "people", "--format", "xlsx", "-o", str(tmp_path / "people.xlsx")]) == 0
    assert cli.main(["workbook", "-o", str(tmp_path / "map.xlsx")]) == 0
    for path in (tmp_path / "people.xlsx", tmp_path / "map.xlsx"):
        assert_no_formulas(path)
        cells = [c for ws in openpyxl.load_workbook(path) for row in ws.iter_rows() for c in row
                 if c.value == corpus.HYPERLINK]
        assert cells and all(c.data_type == "s" for c in cells)


def assert_no_formulas(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[\s>/]", z.read(name)), f"{path.name}:{name} holds a formula"


def test_every_csv_download_in_the_app_uses_the_one_builder(data_dir, monkeypatch, tables, write_workbook,
                                                            deferred_downloads, builder_calls, capsysbinary):
    """Render every page (and the Data page's validation report), then click every CSV download."""
    monkeypatch.setenv("LASDASH_EDITOR_PASSWORD", PASSWORD)
    store = pipeline.open_store(data_dir)
    pipeline.publish(store, write_workbook(hostile_map(tables)), author="hostile test")
    at = apptest.open_page()
    pages = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "app_pages").glob("*.py"))
    for page in pages:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
    # an upload whose problems carry formula-like text: the validation report is a CSV download too
    broken = hostile_map({k: v.copy() for k, v in tables.items()})
    broken["Organisations"].loc[0, "footprint"] = "=cmd|' /C calc'!A0"
    path = write_workbook(broken, "broken.xlsx")
    wb = openpyxl.load_workbook(path)
    corpus.set_text(wb["People"].cell(row=1, column=wb["People"].max_column + 1), "@evil header")
    wb.save(path)
    at.switch_page("app_pages/data.py").run()
    upload(unlock(at), "broken.xlsx", path.read_bytes())
    assert any(b.proto.label == "Download the validation report (CSV)" for b in at.get("download_button"))

    csv_downloads = [(name, make) for mime, name, make in deferred_downloads if mime == "text/csv"]
    assert len({name for name, _ in csv_downloads}) >= len(pages)  # every page offers at least one
    report = None
    for name, make in csv_downloads:
        before = len(builder_calls)
        data = make()
        assert len(builder_calls) == before + 1, f"{name} was not built by export.to_csv_bytes"
        rows = parse_csv(data)
        assert_excel_safe(rows)
        if name.startswith("lasdash_validation_"):
            report = rows
    corpus.FIGURES["CSV download buttons clicked (all via export.to_csv_bytes)"] = len(csv_downloads)
    assert report is not None
    assert report[0] == ["Severity", "Sheet", "Row", "Column", "Value", "Message", "How to fix"]
    assert any(row[4] == "'=cmd|' /C calc'!A0" for row in report)
    assert any(row[3] == "'@evil header" for row in report)
    # the workbook downloads store text as text
    for mime, name, make in deferred_downloads:
        if mime == XLSX:
            p = data_dir.parent / name.replace("/", "_")
            p.write_bytes(make())
            assert_no_formulas(p)


def test_no_other_code_writes_csv():
    """export.py is the only module that turns rows into CSV; every download is built lazily, behind the viewers
    check."""
    offenders = []
    for path in APP_CODE:
        if path.name == "export.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("to_csv", "writer", "DictWriter", "writerow"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "download_button":
                data = {k.arg: k.value for k in node.keywords}.get("data")
                # every download: built on click, behind the viewers check (auth.guarded re-reads the policy)
                guarded = (isinstance(data, ast.Call) and getattr(data.func, "attr", "") == "guarded"
                           and len(data.args) == 1 and isinstance(data.args[0], ast.Lambda))
                if not guarded:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} download not built on click "
                                     "through auth.guarded(lambda: ...)")
    assert not offenders, offenders


@pytest.mark.parametrize("prefix", FORMULA_START)
def test_builder_neutralises_every_prefix_in_cells_and_headers_and_keeps_numbers(prefix):
    df = pd.DataFrame({f"{prefix}head": [f"{prefix}cell", "plain"], "n": pd.array([-3, None], dtype="Int64"),
                       "x": [2.5, -0.5]})
    rows = parse_csv(export.to_csv_bytes(df))
    assert rows[0][0] == f"'{prefix}head" and rows[1][0] == f"'{prefix}cell"
    assert rows[1][1:] == ["-3", "2.5"] and rows[2][1:] == ["", "-0.5"]  # numbers stay numbers
    assert_excel_safe(rows)


def test_xlsx_builder_stores_formula_like_text_as_text(tmp_path):
    df = pd.DataFrame({"=H": [corpus.HYPERLINK, "+1", "@x"], "n": [1, -2, 3]})
    path = tmp_path / "x.xlsx"
    path.write_bytes(export.to_xlsx_bytes(df))
    assert_no_formulas(path)
    ws = openpyxl.load_workbook(path).active
    assert [(c.value, c.data_type) for c in ws["A"]] == [("=H", "s"), (corpus.HYPERLINK, "s"), ("+1", "s"), ("@x", "s")]
    assert [c.value for c in ws["B"]][1:] == [1, -2, 3] and ws["B3"].data_type == "n"


# --- app security settings ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def streamlit_config():
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_xsrf_protection_is_on(streamlit_config):
    assert streamlit_config["server"]["enableXsrfProtection"] is True


def test_upload_limit_is_the_readers_limit(streamlit_config):
    # Streamlit counts maxUploadSize in MB of 2**20 bytes; the reader refuses the same size itself
    assert streamlit_config["server"]["maxUploadSize"] * 1024 * 1024 == DEFAULT_LIMITS.max_file_bytes


def test_grids_own_export_is_off_and_no_unsafe_javascript(streamlit_config):
    assert streamlit_config["client"]["disableDataExport"] is True  # st.dataframe's own CSV button
    for path in APP_CODE:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "AgGrid":
                kw = {k.arg: k.value for k in node.keywords}
                for name in ("allow_unsafe_jscode", "enable_enterprise_modules"):  # JS from data; grid's own export
                    assert not (isinstance(kw.get(name), ast.Constant) and kw[name].value), f"{path}: {name}"
    source = "\n".join(p.read_text(encoding="utf-8") for p in APP_CODE)
    assert "allow_unsafe_jscode" not in source and "JsCode" not in source
    assert "unsafe_allow_javascript" not in source


MARKERS = ("NWL' OR '1'='1", "SG01'); DROP TABLE people; --", "Robert'); DROP TABLE roles;--")


def test_views_bind_user_values_as_parameters():
    """A hostile filter reaches SQL only as parameters: no user value is ever part of the SQL text."""
    flt = queries.Filter(hcps=(MARKERS[0],), sub_groups=(MARKERS[1],), include_wider=False, search=MARKERS[2])
    for name, view in queries.VIEWS.items():
        sql, params = queries.view_sql(view, flt)
        for marker in MARKERS:
            assert marker not in sql and "DROP TABLE" not in sql, name
        used = {p for p in params if isinstance(p, str)}
        for marker, col in zip(MARKERS, (view.footprint_col, view.sub_group_col, view.search_cols), strict=True):
            if col:
                assert any(marker in p for p in used), (name, marker)


def test_views_run_with_a_hostile_filter(store):
    con = queries.connect(store, store.current_id())
    flt = queries.Filter(hcps=(MARKERS[0],), sub_groups=(MARKERS[1],), search=MARKERS[2])
    for name in queries.VIEWS:
        queries.run(con, name, flt)  # no SQL error: the values are data, not code
    assert len(queries.run(con, "people")) > 100  # and the tables are still there


# SQL built with formatting is allowed only where it interpolates our own names, never a value
# connect and count format our own table names; filter_rows_of_map the Filter's clauses (our column names, ? marks);
# first_rows and aggregate our views' SQL and our own measures (any value in them is a bound parameter)
FORMATTED_SQL_ALLOWED = {("queries.py", "connect"), ("queries.py", "count"), ("queries.py", "filter_rows_of_map"),
                         ("queries.py", "first_rows"), ("queries.py", "aggregate"), ("queries.py", "project")}


class _SqlCalls(ast.NodeVisitor):
    """execute/sql/query calls whose SQL is an f-string, '+'/'%' expression or .format(), by enclosing function."""

    def __init__(self):
        self.stack, self.found = ["<module>"], []

    def visit_FunctionDef(self, node):
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node):
        if getattr(node.func, "attr", "") in ("execute", "executemany", "sql", "query") and node.args:
            sql = node.args[0]
            if isinstance(sql, (ast.JoinedStr, ast.BinOp)) or (
                    isinstance(sql, ast.Call) and getattr(sql.func, "attr", "") == "format"):
                self.found.append((self.stack[-1], node.lineno))
        self.generic_visit(node)


def test_no_module_formats_values_into_sql():
    offenders = []
    for path in APP_CODE:
        visitor = _SqlCalls()
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        offenders += [f"{path.relative_to(ROOT)}:{line} in {func}" for func, line in visitor.found
                      if (path.name, func) not in FORMATTED_SQL_ALLOWED]
    assert not offenders, "bind values as parameters, never format them into SQL: " + ", ".join(offenders)


def test_the_sql_check_catches_formatting():
    visitor = _SqlCalls()
    visitor.visit(ast.parse("def f(con, name):\n    con.execute(f\"SELECT * FROM people WHERE name = '{name}'\")\n"
                            "    con.execute('SELECT ' + name)\n    con.execute('SELECT ?', [name])\n"))
    assert visitor.found == [("f", 2), ("f", 3)]
