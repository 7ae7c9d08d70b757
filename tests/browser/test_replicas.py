"""Two app replicas sharing one s3:// location (moto's real S3 server), in a real browser.

A changed NW London JHOSC chair published through the CLI, and then through replica A's seat editor, shows on
replica B's JHOSC page within B's poll interval (plus a margin for the page loads).
"""
import contextlib
import os
import re
import subprocess
import sys
import time

import corpus
import openpyxl
import pytest
from corpus import edit_cell

from .conftest import ARTIFACTS
from .server import ROOT, Server, open_path
from .steps import EDITOR_PASSWORD, change_seat, go, new_page, nwl_line, save, unlock

POLL_SECONDS = 2
MARGIN_SECONDS = 10  # page loads and the CLI's own start; the poll interval is the bound being tested
NWL_CHAIR_ROLE = "R000-115"  # the Roles row of the NW London JHOSC chair (as test_editor_journeys uses it)


@pytest.fixture(autouse=True, scope="module")
def _report(request):
    corpus.install_report(request.config)


@pytest.fixture(scope="module")
def replicas(moto_server, tmp_path_factory):
    """(env, tmp, A, B): two servers on one fresh bucket, each with its own cache."""
    tmp = tmp_path_factory.mktemp("replicas")
    env = {"LASDASH_DATA_DIR": moto_server.new_location(), **moto_server.env(),
           "LASDASH_POLL_SECONDS": str(POLL_SECONDS), "LASDASH_EDITOR_PASSWORD": EDITOR_PASSWORD}
    servers = []
    try:
        for name in ("a", "b"):  # one after the other: A's first page bootstraps the bucket (see below)
            servers.append(Server(tmp / f"store-{name}", {**env, "LASDASH_CACHE_DIR": str(tmp / f"cache-{name}")}).start())
        yield env, tmp, *servers
    finally:
        for s in servers:
            s.stop()


@pytest.fixture(scope="module")
def pages(browser, replicas):
    """A browser context per replica; A's page is opened first so that A bootstraps the empty bucket."""
    out = []
    for server in replicas[2:]:
        page = new_page(browser, locale="en-GB")
        open_path(page, server, "jhosc")
        out.append(page)
    yield out
    for page in out:
        page.context.close()


@contextlib.contextmanager
def evidence_on_failure(name, page, *servers):
    """On failure: B's page in test-artifacts/ and both servers' logs in the report."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        with contextlib.suppress(Exception):
            page.screenshot(path=str(ARTIFACTS / f"replicas-{name}.png"), full_page=True)
        for label, server in zip("AB", servers, strict=True):
            print(f"--- replica {label} ({server.url}) log ---\n{server.log_text()}")
        raise


def wait_until_shown(page, server, name: str, since: float) -> float:
    """Reload B's JHOSC page until the NW London chair is `name`; the seconds since `since`."""
    deadline = since + POLL_SECONDS + MARGIN_SECONDS
    while True:
        open_path(page, server, "jhosc")  # a fresh session each time, as a reader arriving later has
        if f"chair Cllr {name}" in nwl_line(page):
            return time.monotonic() - since
        if time.monotonic() > deadline:
            raise AssertionError(f"replica B still shows {nwl_line(page)!r} {time.monotonic() - since:.1f} s after "
                                 f"the publish (bound {POLL_SECONDS} s poll + {MARGIN_SECONDS} s margin)")
        page.wait_for_timeout(250)


def lasdash_cli(env, tmp, *args) -> str:
    run = subprocess.run([sys.executable, "-m", "lasdash", *args], cwd=ROOT, capture_output=True, text=True,
                         check=False, timeout=60,
                         env={**os.environ, **env, "LASDASH_CACHE_DIR": str(tmp / "cache-cli")})
    assert run.returncode == 0, f"lasdash {' '.join(args)} exited {run.returncode}:\n{run.stdout}\n{run.stderr}"
    return run.stdout


def add_chair(path, person_id: str, name: str) -> None:
    """A new person in People, made the NW London JHOSC chair (as an editor would do it in Excel)."""
    wb = openpyxl.load_workbook(path)
    people = wb["People"]
    people.append([None] * people.max_column)
    for header, value in {"ID": person_id, "Name": name, "Title": "Cllr", "Source": "000 Chart 5"}.items():
        corpus.put(people, people.max_row, header, value)
    wb.save(path)
    edit_cell(path, "Roles", NWL_CHAIR_ROLE, "Person ID", person_id)


def test_a_chair_published_through_the_cli_shows_on_replica_b(replicas, pages):
    env, tmp, a, b = replicas
    page = pages[1]
    with evidence_on_failure("cli", page, a, b):
        open_path(page, b, "jhosc")
        assert "chair Cllr Mel Collins" in nwl_line(page)

        path = tmp / "cli.xlsx"
        lasdash_cli(env, tmp, "workbook", "-o", str(path))
        add_chair(path, "PER-ada-testwell", "Ada Testwell")  # invented: test data
        lasdash_cli(env, tmp, "publish", str(path), "--by", "CLI test", "--note", "New NWL JHOSC chair (replica test)")
        seconds = wait_until_shown(page, b, "Ada Testwell", since=time.monotonic())

        assert "Mel Collins" not in nwl_line(page)
    corpus.FIGURES["replicas in a browser: seconds until B shows a CLI publish (poll 2 s)"] = seconds
    print(f"replica B showed the CLI's publish after {seconds:.1f} s")


def test_a_chair_changed_in_replica_a_shows_on_replica_b(replicas, pages):
    _env, _tmp, a, b = replicas
    page_a, page_b = pages
    with evidence_on_failure("browser", page_b, a, b):
        open_path(page_b, b, "jhosc")
        before = re.search(r"chair (Cllr [^(]+?) \(", nwl_line(page_b))[1]

        # the in-app seat editor, in the steps test_an_editor_replaces_the_nw_london_jhosc_chair... takes
        unlock(page_a, a, "Replica A Editor")
        go(page_a, "JHOSC chairs")
        change_seat(page_a, "NW London JHOSC \u2014 Chair", "Ben Testwell", "Cllr")  # invented: test data
        save(page_a)
        seconds = wait_until_shown(page_b, b, "Ben Testwell", since=time.monotonic())

        assert before not in nwl_line(page_b)
    corpus.FIGURES["replicas in a browser: seconds until B shows A's publish (poll 2 s)"] = seconds
    print(f"replica B showed replica A's publish after {seconds:.1f} s (the chair was {before})")
