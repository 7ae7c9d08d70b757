"""How a long-lived process (the dashboard's server) allocates memory, so what one library frees another can reuse.

pyarrow allocates through its own pool (mimalloc or jemalloc on Linux), which keeps what it frees for pyarrow alone:
reading a snapshot of a map 100 times the size left about 60 MB that Python, pandas and DuckDB's results could not
use, and the server grew by that much more on each new snapshot. `use_system_allocator` puts pyarrow on the C
library's malloc, the one Python and pandas use. `trim` hands freed heap memory back to the system (glibc's
malloc_trim), for after a large piece of work whose results are dropped (a new snapshot's caches rebuilt).

glibc's heaps (arenas) are set by MALLOC_ARENA_MAX in the server's environment (the Dockerfile sets 2; see
docs/HOSTING.md): Streamlit runs sessions on threads of their own, each given a heap, and memory one heap freed was
not reused by another. It cannot be set from here: glibc fixes the number of heaps when the second one is made, long
before the app's code runs (mallopt then had no effect, measured).

Both are safe to call more than once and from any thread. No streamlit here: the core package does not import it.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
from functools import cache

POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"  # pyarrow's own setting: when set, the operator's choice stands


def use_system_allocator() -> str:
    """Make the C library's malloc pyarrow's default memory pool, unless ARROW_DEFAULT_MEMORY_POOL names a pool
    (pyarrow then uses that one). Returns the name of the pool now in use ('system', 'mimalloc', 'jemalloc')."""
    import pyarrow as pa

    if not os.environ.get(POOL_VARIABLE) and pa.default_memory_pool().backend_name != "system":
        pa.set_memory_pool(pa.system_memory_pool())
    return pa.default_memory_pool().backend_name


@cache
def _libc():
    """glibc, if this process runs on it (malloc_trim is glibc's; musl and macOS have none)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        libc.malloc_trim  # noqa: B018 (raises AttributeError where there is no glibc)
    except (OSError, AttributeError):
        return None
    libc.malloc_trim.argtypes, libc.malloc_trim.restype = [ctypes.c_size_t], ctypes.c_int
    return libc


def trim() -> bool:
    """Give the heap's free memory back to the system (glibc's malloc_trim(0)). True if any was released; False where
    nothing was, or where there is no glibc."""
    libc = _libc()
    return bool(libc.malloc_trim(0)) if libc is not None else False
