"""lasdash.memory: pyarrow on the C library's malloc, and glibc's heap trimmed. Each check runs in a new
process, since a pool once set stays set for the process."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from lasdash import config

CHECK = """
import json, pyarrow as pa
before = pa.default_memory_pool().backend_name
from lasdash import memory
used = memory.use_system_allocator()
table = pa.table({"x": list(range(100_000))})  # allocated after the call: from the pool now in use
print(json.dumps({"before": before, "returned": used, "now": pa.default_memory_pool().backend_name,
                  "allocated_by_system": pa.system_memory_pool().bytes_allocated() > 0,
                  "trimmed": memory.trim()}))
"""


def _run(**env: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if k not in ("ARROW_DEFAULT_MEMORY_POOL",)}
    done = subprocess.run([sys.executable, "-c", CHECK], cwd=config.REPO_ROOT, env={**environ, **env},
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_pyarrow_allocates_with_the_system_malloc():
    out = _run()
    if out["before"] == "system":
        pytest.skip("this pyarrow has no pool of its own")
    assert out["returned"] == out["now"] == "system"
    assert out["allocated_by_system"]
    assert out["trimmed"] in (True, False)


@pytest.mark.skipif(sys.platform != "linux", reason="pyarrow's Linux wheels have jemalloc")
def test_the_operators_pool_stands():
    out = _run(ARROW_DEFAULT_MEMORY_POOL="jemalloc")
    assert out["returned"] == out["now"] == "jemalloc"
