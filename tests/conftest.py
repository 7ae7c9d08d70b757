import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lasdash import pipeline  # noqa: E402
from lasdash.defaults import load_seed_tables  # noqa: E402
from lasdash.workbook import save_workbook  # noqa: E402


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
