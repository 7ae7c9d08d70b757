"""The object-store backend's contract with the people who configure it: store URLs, settings, one-line errors
(exit 2 from the CLI, never a traceback) and `doctor`. Against real servers (moto's S3 server, Azurite)."""
import datetime as dt
import os
import subprocess
import sys

import obstore
import pytest
from storage_servers import AZURITE_ACCOUNT

from lasdash import config
from lasdash.object_store import ObjectSnapshotStore, _connection_string, _parse
from lasdash.snapshots import SnapshotStore, StoreError
from lasdash.stores import open_location


@pytest.mark.parametrize("location, parsed", [
    ("s3://lasdash/map", ("s3", "lasdash", "map")),
    ("s3://lasdash", ("s3", "lasdash", "")),
    ("s3://my.bucket-1/a/b/", ("s3", "my.bucket-1", "a/b")),
    ("az://lasdash/prod/map", ("az", "lasdash", "prod/map")),
])
def test_store_urls(location, parsed):
    assert _parse(location) == parsed


@pytest.mark.parametrize("location, says", [
    ("s3://", "bucket name '' is not valid"),
    ("s3://B/x", "bucket name 'B' is not valid"),
    ("s3://a_b/x", "bucket name 'a_b' is not valid"),
    ("az://Lasdash/x", "container name 'Lasdash' is not valid"),
    ("az://a--b/x", "container name 'a--b' is not valid"),
    ("gs://bucket/x", "not a folder, s3:// or az:// location"),
    ("https://bucket.s3.amazonaws.com/x", "not a folder, s3:// or az:// location"),
])
def test_malformed_store_urls_say_what_is_wrong(location, says):
    with pytest.raises(StoreError, match="cannot be used") as err:
        _parse(location)
    assert says in str(err.value) and "s3://bucket/prefix or az://container/prefix" in str(err.value)


@pytest.mark.parametrize("location, kind", [("data/store", SnapshotStore), ("/tmp/x", SnapshotStore)])
def test_a_path_is_the_folder_store(location, kind):
    assert type(open_location(location)) is kind


@pytest.mark.parametrize("text, settings", [
    ("DefaultEndpointsProtocol=https;AccountName=lasmap;AccountKey=abc==;EndpointSuffix=core.windows.net",
     {"account_name": "lasmap", "account_key": "abc==", "endpoint": "https://lasmap.blob.core.windows.net"}),
    ("DefaultEndpointsProtocol=http;AccountName=dev;AccountKey=k;BlobEndpoint=http://127.0.0.1:10000/dev;",
     {"account_name": "dev", "account_key": "k", "endpoint": "http://127.0.0.1:10000/dev"}),
    ("BlobEndpoint=https://lasmap.blob.core.windows.net/;SharedAccessSignature=sv=2024&sig=x",
     {"endpoint": "https://lasmap.blob.core.windows.net/", "sas_key": "sv=2024&sig=x"}),
    ("UseDevelopmentStorage=true", {"use_emulator": True}),
    ("", {}),  # none: AZURE_STORAGE_ACCOUNT_NAME and a managed identity, read by the library itself
])
def test_azure_connection_strings(text, settings):
    assert _connection_string(text) == settings


def cli(env: dict, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lasdash", *args], cwd=config.REPO_ROOT, capture_output=True,
                          text=True, check=False, timeout=120, env={**os.environ, **env})


def one_line_exit_2(result, *fragments):
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "panicked" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lasdash: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_no_such_bucket_exits_2_with_one_line(moto_server, tmp_path):
    result = cli({**moto_server.env(), "LASDASH_DATA_DIR": "s3://no-such-bucket/x",
                  "LASDASH_CACHE_DIR": str(tmp_path)}, "snapshots")
    one_line_exit_2(result, "s3://no-such-bucket/x", "the bucket does not exist")


def test_no_such_container_exits_2_with_one_line(azurite_server, tmp_path):
    result = cli({**azurite_server.env(), "LASDASH_DATA_DIR": "az://no-such-container/x",
                  "LASDASH_CACHE_DIR": str(tmp_path)}, "snapshots")
    one_line_exit_2(result, "az://no-such-container/x", "the container does not exist")


@pytest.mark.parametrize("setting, says", [
    ({"AWS_ENDPOINT_URL": "http://127.0.0.1:9"}, "the store cannot be reached"),  # nothing listens on port 9
    ({"AWS_ENDPOINT_URL": "not a url"}, "is not a URL"),
    ({"LASDASH_DATA_DIR": "s3://Bad_Bucket/x"}, "is not valid"),
    ({"LASDASH_DATA_DIR": "ftp://host/x"}, "not a folder, s3:// or az:// location"),
])
def test_unusable_s3_settings_exit_2_with_one_line(moto_server, tmp_path, setting, says):
    env = {**moto_server.env(), "LASDASH_DATA_DIR": moto_server.new_location(), "LASDASH_CACHE_DIR": str(tmp_path),
           **setting}
    one_line_exit_2(cli(env, "snapshots"), says)


def test_a_wrong_azure_key_is_permission_denied(azurite_server, tmp_path):
    location = azurite_server.new_location()
    wrong = azurite_server.connection_string.replace("AccountKey=", "AccountKey=AAAA")
    result = cli({"AZURE_STORAGE_CONNECTION_STRING": wrong, "LASDASH_DATA_DIR": location,
                  "LASDASH_CACHE_DIR": str(tmp_path)}, "snapshots")
    one_line_exit_2(result, "permission denied")


@pytest.mark.parametrize("backend", ["s3", "az"])
def test_doctor_checks_reach_read_and_write(request, backend, tmp_path):
    server = request.getfixturevalue({"s3": "moto_server", "az": "azurite_server"}[backend])
    env = {**server.env(), "LASDASH_DATA_DIR": server.new_location(), "LASDASH_CACHE_DIR": str(tmp_path)}
    empty = cli(env, "doctor")
    assert empty.returncode == 0 and "current snapshot: none yet" in empty.stdout, empty.stdout + empty.stderr
    assert cli(env, "snapshots").returncode == 0  # bootstraps the empty bucket
    ok = cli(env, "doctor")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert [line.split()[0] for line in ok.stdout.splitlines() if line[:4] in ("ok  ", "FAIL", "WARN")] == ["ok"] * 4
    assert "every table read" in ok.stdout and "wrote and deleted a probe" in ok.stdout
    assert "ok    leftovers: none" in ok.stdout
    down = cli({**env, "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
                "AZURE_STORAGE_CONNECTION_STRING": server.env().get("AZURE_STORAGE_CONNECTION_STRING", "").replace(
                    f"{server.port}/{AZURITE_ACCOUNT}", f"9/{AZURITE_ACCOUNT}")}, "doctor")
    assert down.returncode == 2 and "FAIL  reachable" in down.stdout and "cannot be reached" in down.stdout


def test_orphaned_files_are_invisible_and_swept(moto_server, tmp_path, monkeypatch):
    for key, value in moto_server.env().items():
        monkeypatch.setenv(key, value)
    store = ObjectSnapshotStore(moto_server.new_location(), cache_dir=tmp_path)
    obstore.put(store._obj, "snapshots/20990101T000000Z-abcdef/manifest.json", b"{}")  # as a killed publisher leaves
    with pytest.raises(StoreError, match="No snapshot"):
        store.manifest("20990101T000000Z-abcdef")
    assert store.list() == [] and store.clean_partial() == 0  # too young: it may be a publish under way
    [left] = store.leftovers()
    assert (left.kind, left.snapshot, left.name) == ("unpublished snapshot", "20990101T000000Z-abcdef",
                                                     "snapshots/20990101T000000Z-abcdef/ (1 files)")
    assert store.clean_partial(older_than=dt.timedelta(0)) == 1
    assert store.leftovers() == []


def test_sweep_from_the_cli_leaves_snapshots_alone(moto_server, tmp_path):
    env = {**moto_server.env(), "LASDASH_DATA_DIR": moto_server.new_location(), "LASDASH_CACHE_DIR": str(tmp_path)}
    before = cli(env, "snapshots").stdout
    swept = cli(env, "sweep")
    assert swept.returncode == 0 and "Removed 0 leftover(s) of interrupted publishes." in swept.stdout
    assert cli(env, "snapshots").stdout == before


@pytest.mark.parametrize("backend", ["s3", "az"])
def test_leftovers_on_object_storage_and_in_the_local_cache(request, backend, tmp_path, monkeypatch):
    """A killed publisher's files (with and without a manifest), doctor's probe and this machine's cached copies:
    reported with their age, kept while under an hour old, then swept; nothing an event names is touched."""
    server = request.getfixturevalue({"s3": "moto_server", "az": "azurite_server"}[backend])
    for key, value in server.env().items():
        monkeypatch.setenv(key, value)
    from lasdash import pipeline, snapshots
    location = server.new_location()
    store = pipeline.open_store(location)
    store.cache_dir = tmp_path / "cache"  # as a fresh replica has it
    sid = store.current_id()
    half, whole = "20990101T000000Z-aaaaaa", "20990101T000000Z-bbbbbb"
    obstore.put(store._obj, f"snapshots/{half}/people.parquet", b"x")  # killed before its manifest
    obstore.put(store._obj, f"snapshots/{whole}/people.parquet", b"x")  # killed before its event
    obstore.put(store._obj, f"snapshots/{whole}/manifest.json", b"{}")
    obstore.put(store._obj, "probes/0123", b"lasdash doctor")
    (store.cache_dir / whole).mkdir(parents=True)
    (store.cache_dir / whole / "people.parquet").write_bytes(b"x")
    (store.cache_dir / sid).mkdir(parents=True)
    (store.cache_dir / sid / ".part-abc").write_bytes(b"x")  # a download cut short
    kinds = {(i.kind, i.snapshot) for i in store.leftovers()}
    assert kinds == {(snapshots.HALF_WRITTEN, half), (snapshots.UNPUBLISHED, whole), (snapshots.PROBE, None),
                     (snapshots.CACHED, whole), (snapshots.PARTIAL_COPY, sid)}
    assert [m.id for m in store.list()] == [sid]
    removed, kept = store.sweep()
    assert removed == [] and len(kept) == 5
    removed, kept = store.sweep(now=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1, minutes=1))
    assert len(removed) == 5 and kept == [] and store.leftovers() == []
    assert [m.id for m in store.list()] == [sid] and len(store.read_all(sid)["People"]) > 0
