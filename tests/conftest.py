import multiprocessing
import multiprocessing.forkserver
import os
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lasdash import config, pipeline
from lasdash.defaults import load_seed_tables
from lasdash.workbook import save_workbook


@pytest.fixture(scope="session")
def seed_tables():
    return load_seed_tables()


@pytest.fixture
def tables(seed_tables):
    """A private copy of the default map's tables to mutate."""
    return {k: v.copy(deep=True) for k, v in seed_tables.items()}


@pytest.fixture
def write_workbook(tmp_path):
    """Write tables as an .xlsx and return its path."""
    counter = iter(range(10_000))

    def _write(tables, name=None):
        path = tmp_path / (name or f"map-{next(counter)}.xlsx")
        save_workbook(path, tables)
        return path

    return _write


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    d = tmp_path / "store"
    monkeypatch.setenv("LASDASH_DATA_DIR", str(d))
    return d


@pytest.fixture
def store(data_dir):
    """A store bootstrapped from the bundled default workbook."""
    return pipeline.open_store(data_dir)


@pytest.fixture
def con(store):
    """DuckDB views over the current snapshot of the store."""
    from lasdash import queries
    return queries.connect(store, store.current_id())


@pytest.fixture(scope="session")
def map_con(tmp_path_factory):
    """DuckDB views over the bundled map, shared by the tests that only read it (one bootstrap per session)."""
    from lasdash import queries
    store = pipeline.open_store(tmp_path_factory.mktemp("bundled") / "store")
    return queries.connect(store, store.current_id())


# --- object storage: real servers, started once per session ------------------------------------------------------
BACKENDS = ["local", "s3", "az"]


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory):
    from storage_servers import Moto
    server = Moto(tmp_path_factory.mktemp("moto")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def azurite_server(tmp_path_factory):
    from storage_servers import Azurite
    server = Azurite(tmp_path_factory.mktemp("azurite")).start()
    yield server
    server.stop()


def object_server(request, backend: str):
    return request.getfixturevalue({"s3": "moto_server", "az": "azurite_server"}[backend])


def store_location(request, backend: str, tmp_path: Path, monkeypatch) -> str:
    """A fresh, empty store of one backend; its server's settings are in this process's environment."""
    monkeypatch.setenv("LASDASH_CACHE_DIR", str(tmp_path / "replica-cache"))
    if backend == "local":
        return str(tmp_path / "store")
    server = object_server(request, backend)
    for key, value in server.env().items():
        monkeypatch.setenv(key, value)
    return server.new_location()


@pytest.fixture(params=BACKENDS)
def location(request, tmp_path, monkeypatch):
    """An empty store's LASDASH_DATA_DIR, once per backend (folder, S3, Azure Blob)."""
    loc = store_location(request, request.param, tmp_path, monkeypatch)
    monkeypatch.setenv("LASDASH_DATA_DIR", loc)
    return loc


@pytest.fixture
def any_store(location):
    """A bootstrapped store, once per backend."""
    return pipeline.open_store(location)


# --- publishers in forked processes (test_crash_safety.py, test_replicas.py) -------------------------------------
@pytest.fixture(scope="module")
def forkserver(request):
    """A forkserver that has imported lasdash and the asking test module (Python 3.11 ignores the parent's sys.path
    when preloading, so it gets PYTHONPATH instead): each publisher is then a cheap fork."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["lasdash.pipeline", "lasdash.cli", "lasdash.object_store", request.module.__name__])
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).parent), str(config.REPO_ROOT), old]))
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        if old is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = old
    return ctx


@pytest.fixture
def plain_main(monkeypatch):
    """Forked children re-import the parent's __main__; after an AppTest that is app.py (streamlit and all), which
    made every fork take a second. Children need none of it. Modules that fork use it for every test (pytestmark)."""
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))


@pytest.fixture
def deferred_downloads(monkeypatch):
    """Every download_button(data=callable) the app renders: (mime, file name, the callable), to call as a click would."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    captured = []
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        captured.append((mimetype, file_name, data_callable))
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)
    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return captured
