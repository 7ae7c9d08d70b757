"""Where things live. Everything is overridable by environment variables."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WORKBOOK = REPO_ROOT / "data" / "lasdash-map.xlsx"
SEED_CSV_DIR = REPO_ROOT / "data" / "seed"


def data_dir() -> str:
    """The snapshot store's location, LASDASH_DATA_DIR: a folder (default the git-ignored data/store/),
    s3://bucket/prefix or az://container/prefix."""
    return os.environ.get("LASDASH_DATA_DIR") or str(REPO_ROOT / "data" / "store")


def poll_seconds() -> float:
    """How often a replica looks for a snapshot published elsewhere (object storage only)."""
    return float(os.environ.get("LASDASH_POLL_SECONDS") or 5)


def cache_dir() -> Path:
    """Where a replica keeps its copies of immutable snapshot files from object storage."""
    return Path(os.environ.get("LASDASH_CACHE_DIR") or Path(tempfile.gettempdir()) / "lasdash-cache")


def default_workbook() -> Path:
    return Path(os.environ.get("LASDASH_DEFAULT_WORKBOOK") or DEFAULT_WORKBOOK)


def base_url() -> str | None:
    """The dashboard's public address (LASDASH_BASE_URL), for links in calendars and emails; None when not set."""
    url = (os.environ.get("LASDASH_BASE_URL") or "").strip().rstrip("/")
    return url if url.startswith(("https://", "http://")) else None
