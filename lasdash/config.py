"""Where things live. Everything is overridable by environment variables."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WORKBOOK = REPO_ROOT / "data" / "lasdash-map.xlsx"
SEED_CSV_DIR = REPO_ROOT / "data" / "seed"


def data_dir() -> Path:
    """The snapshot store: LASDASH_DATA_DIR, or the git-ignored data/store/."""
    return Path(os.environ.get("LASDASH_DATA_DIR") or REPO_ROOT / "data" / "store")


def default_workbook() -> Path:
    return Path(os.environ.get("LASDASH_DEFAULT_WORKBOOK") or DEFAULT_WORKBOOK)
