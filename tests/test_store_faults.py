"""The object store stops mid-session: every page keeps showing the last snapshot with a note, the CLI says what
is wrong in one line (exit 2), and once the server is back the note goes and publishing works again.

Each test runs its own server so that killing it touches no other test: moto (its requests replayed on restart,
as a durable store keeps them) and Azurite (it keeps its blobs in a folder).
"""
import os
import subprocess
import sys

import apptest
import obstore
import pandas as pd
import pytest
from storage_servers import Azurite, Moto
from streamlit.testing.v1 import AppTest

from lasdash import config, pipeline

PAGES = sorted(p.relative_to(config.REPO_ROOT).as_posix() for p in (config.REPO_ROOT / "app_pages").glob("*.py"))
NOTE = "Could not check for updates since"


@pytest.fixture(params=["s3", "az"])
def own_store(request, tmp_path, monkeypatch):
    server = (Moto if request.param == "s3" else Azurite)(tmp_path / "server").start()
    for key, value in server.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("LASDASH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("LASDASH_POLL_SECONDS", "0")  # look on every run: the note must show at once
    location = server.new_location()
    monkeypatch.setenv("LASDASH_DATA_DIR", location)
    yield server, location
    server.stop()


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lasdash", *args], cwd=config.REPO_ROOT, env=dict(os.environ),
                          capture_output=True, text=True, check=False, timeout=120)


def notes(at) -> list[str]:
    return [w.value for w in at.warning if NOTE in w.value]


def with_new_chair(tables: dict, name: str) -> dict:
    people, roles = tables["People"], tables["Roles"]
    chair = roles[(roles["forum_id"] == "FOR-jhosc-nwl") & (roles["role"] == "Chair")].index[0]
    new = people.iloc[[0]].copy()
    new["id"], new["name"], new["title"] = "PER-fault-test", name, "Cllr"
    roles.loc[chair, "person_id"] = "PER-fault-test"
    return {**tables, "People": pd.concat([people, new], ignore_index=True), "Roles": roles}


def test_pages_keep_the_last_snapshot_while_the_store_is_down_and_recover(own_store, tables, write_workbook):
    server, location = own_store
    store = pipeline.open_store(location)
    store.publish(tables, author="before the fault", note="second snapshot")  # history for What changed
    killed = "20990101T000000Z-abcdef"  # and a publisher killed before its event: files no event names
    obstore.put(store._obj, f"snapshots/{killed}/manifest.json", b"{}")
    at = apptest.open_page("app_pages/jhosc.py")
    assert "Mel Collins" in " ".join(apptest.shown(m.value) for m in at.markdown) + str(at.dataframe[0].value)
    assert not notes(at)

    server.kill()
    for page in PAGES:  # every page, while nothing answers
        at = apptest.open_page(page)  # asserts no exception
        assert len(notes(at)) == 1, (page, [w.value for w in at.warning])
    jhosc = apptest.open_page("app_pages/jhosc.py")
    assert "Mel Collins" in jhosc.dataframe[0].value.to_string()  # the last snapshot, still whole
    down = cli("publish", str(write_workbook(with_new_chair(tables, "Ada Faultless"))), "--by", "fault test")
    assert down.returncode == 2 and "Traceback" not in down.stderr, down.stderr
    assert down.stderr.strip().count("\n") == 0 and "cannot be reached" in down.stderr, down.stderr
    for command in ("doctor", "sweep"):  # say so; remove nothing
        said = cli(command)
        assert said.returncode == 2 and "cannot be reached" in said.stdout + said.stderr, said.stdout + said.stderr
        assert "Traceback" not in said.stdout + said.stderr

    server.restart()
    at = apptest.open_page("app_pages/jhosc.py")
    assert not notes(at)  # it checked again by itself
    up = cli("publish", str(write_workbook(with_new_chair(tables, "Ada Faultless"))), "--by", "fault test")
    assert up.returncode == 0, up.stderr
    at = apptest.open_page("app_pages/jhosc.py")
    assert "Ada Faultless" in at.dataframe[0].value.to_string() and not notes(at)
    assert [e["by"] for e in pipeline.open_store(location).events()][-2:] == ["before the fault", "fault test"]
    doctor, swept = cli("doctor"), cli("sweep")  # the leftover is still there, named, and kept while young
    assert doctor.returncode == 0 and f"unpublished snapshot snapshots/{killed}/" in doctor.stdout, doctor.stdout
    assert swept.returncode == 0 and f"kept     unpublished snapshot snapshots/{killed}/" in swept.stdout
    assert killed not in cli("snapshots").stdout


def test_a_replica_that_never_reached_the_store_says_so_instead_of_a_traceback(own_store):
    server, _ = own_store
    server.kill()
    at = AppTest.from_file(apptest.APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert any("The map cannot be shown" in e.value and "cannot be reached" in e.value for e in at.error)
    assert not at.dataframe and not at.metric  # nothing pretends to be the map

