"""The broken-workbook corpus (tests/corpus.py) through the real CLI, `python -m lasdash publish FILE`.

Each refused file gets exit 1, a message naming sheet, row and column, no traceback, and leaves the
store byte for byte as it was. Files legitimately accepted (reordered headers, spaces, serial dates)
get exit 0, only the expected warnings, and the stored values are checked against the seed.
Every case runs in-process through lasdash.cli.main; a representative subset also as a real subprocess.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys

import corpus
import pytest

from lasdash import cli, config, pipeline
from lasdash.snapshots import SnapshotStore

BY_NAME = {c.name: c for c in corpus.BROKEN}
# one of each kind: structure, formula, a former crash, the template, accepted with normalising, Unicode
SUBPROCESS_CASES = ["missing-sheet", "formula-without-result", "huge-number", "headers-only", "non-breaking-spaces",
                    "emoji-and-rtl"]


@pytest.fixture(autouse=True, scope="module")
def _report(request):
    corpus.install_report(request.config)


@pytest.fixture(scope="module")
def bootstrapped(tmp_path_factory):
    """A store bootstrapped once from the bundled map; each test gets its own copy."""
    root = tmp_path_factory.mktemp("corpus") / "store"
    pipeline.open_store(root)
    return root


@pytest.fixture
def store_dir(bootstrapped, tmp_path, monkeypatch):
    d = tmp_path / "store"
    shutil.copytree(bootstrapped, d)
    monkeypatch.setenv("LASDASH_DATA_DIR", str(d))
    return d


def store_files(root):
    """Every file of the store and a hash of its bytes: a refused publish must not change one."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".lock"}


def check_answer(case, code, out, err, store_root, before, seed_tables):
    text = out + err
    assert "Traceback" not in text
    assert code == case.exit_code, text[-3000:]
    lines = [line for line in text.splitlines() if line.startswith(("ERROR:", "WARNING:"))]
    for e in case.expect:
        assert any(line.startswith(e.prefix) and e.fragment in line for line in lines), \
            f"no line starting {e.prefix!r} with {e.fragment!r} in:\n" + "\n".join(lines[:20])
    store = SnapshotStore(store_root)
    if case.exit_code:
        # errors stay in the sheets the case broke (no cascade of follow-on errors elsewhere)
        sheets = {e.sheet for e in case.expect}
        error_sheets = [re.match(r"ERROR: (.+?)(?: row \d+|, column |: )", line)[1]
                        for line in lines if line.startswith("ERROR:")]
        stray = [sheet for sheet in error_sheets if sheet not in sheets]
        assert not stray, stray
        assert "Not published" in err and "current snapshot is unchanged" in err
        assert store_files(store_root) == before, "a refused publish changed the store"
    else:
        assert len(lines) == len(case.expect), lines  # only the expected warnings
        new_id = out.strip().splitlines()[-1]
        assert store.current_id() == new_id and len(store.list()) == 2
        case.stored(store.read_all(new_id), seed_tables)


@pytest.mark.parametrize("case", corpus.BROKEN, ids=lambda c: c.name)
def test_broken_workbook_through_the_cli(case, store_dir, tmp_path, capsys, seed_tables):
    path = tmp_path / f"{case.name}.xlsx"
    case.build(path)
    before = store_files(store_dir)
    try:
        code = cli.main(["publish", str(path), "--by", "corpus test"])
    except BaseException:
        corpus.count("broken workbooks: unhandled exceptions")
        raise
    out, err = capsys.readouterr()
    check_answer(case, code, out, err, store_dir, before, seed_tables)
    corpus.count("broken workbooks tried (CLI in-process)")
    corpus.count(f"broken workbooks: exit {code}")
    corpus.FIGURES.setdefault("broken workbooks: unhandled exceptions", 0)
    if code:
        corpus.FIGURES.setdefault("broken workbooks: refused publishes that changed the store", 0)


@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_broken_workbook_through_a_cli_process(name, store_dir, tmp_path, seed_tables):
    case = BY_NAME[name]
    path = tmp_path / f"{case.name}.xlsx"
    case.build(path)
    before = store_files(store_dir)
    # a bare locale, as under cron: messages with £ and emoji must still print
    env = {**os.environ, "LASDASH_DATA_DIR": str(store_dir), "LC_ALL": "C", "LANG": "C"}
    proc = subprocess.run([sys.executable, "-m", "lasdash", "publish", str(path), "--by", "corpus test"],
                          capture_output=True, text=True, encoding="utf-8", cwd=config.REPO_ROOT, env=env, check=False,
                          timeout=120)
    check_answer(case, proc.returncode, proc.stdout, proc.stderr, store_dir, before, seed_tables)
    corpus.count("broken workbooks tried (CLI subprocess)")


def test_the_corpus_covers_the_issue_list():
    assert len(corpus.BROKEN) >= 30
    assert len({c.name for c in corpus.BROKEN}) == len(corpus.BROKEN)
    refused = [c for c in corpus.BROKEN if c.exit_code]
    assert all(c.expect for c in refused)
    assert all(c.stored for c in corpus.BROKEN if not c.exit_code)


def test_the_docs_list_every_case():
    doc = (config.REPO_ROOT / "docs" / "RELIABILITY.md").read_text(encoding="utf-8")
    missing = [c.name for c in corpus.BROKEN + corpus.HOSTILE if f"`{c.name}`" not in doc]
    assert not missing, f"add to docs/RELIABILITY.md (python tests/corpus.py --table): {missing}"
