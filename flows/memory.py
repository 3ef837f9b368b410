"""Handing freed memory back to the system between the steps of a run.

A batch task runs in a worker thread (or process) and frees its texts when it returns, but
the C allocator keeps what a thread freed in that thread's arena, and Arrow's pool keeps its
own: the next step, on another thread (publish runs on the flow's), could not reuse it. On a
60 MB one-line page the flow process still held ~250 MiB more than it needed when the
structure stage began, and ~400 MiB more when publish ended (measured with the arenas left).
"""

import ctypes
import ctypes.util
import functools

import pyarrow as pa


@functools.cache
def _malloc_trim():
    """glibc's malloc_trim, or None where the C library has none (macOS, musl)."""
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None


def release_freed_memory() -> None:
    """Return the free pages of every allocator arena and of Arrow's pool to the system."""
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
