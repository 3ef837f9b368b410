"""Handing freed memory back to the system between the steps of a run.

A batch task runs in a worker thread (or process) and frees its texts when it returns, but
the C allocator keeps what a thread freed in that thread's arena, and Arrow's pool keeps its
own: the next step, on another thread (publish runs on the flow's), could not reuse it. On a
60 MB one-line page the flow process still held ~250 MiB more than it needed when the
structure stage began, and ~400 MiB more when publish ended (measured with the arenas left).

glibc also moves the size from which it maps a block on its own (and unmaps it when freed)
up to the largest block freed so far, up to 32 MiB: after the first large page or Arrow
buffer, every later one is carved out of the heap, and the heap cannot shrink past a block
still in use. `map_large_blocks_apart` pins that size at glibc's default of 128 KiB.
"""

import ctypes
import ctypes.util
import functools
import gc
import multiprocessing
import os
import sys

LARGE_BLOCK_BYTES = 128 * 1024  # glibc's own starting value of the size it maps apart
M_MMAP_THRESHOLD = -3  # mallopt's parameter number, from glibc's malloc.h


@functools.cache
def _libc_function(name: str):
    """A function of glibc, or None where the C library has none (macOS, musl)."""
    library = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(library), name, None) if library else None
    except OSError:
        return None


def map_large_blocks_apart() -> bool:
    """Have glibc map every block of LARGE_BLOCK_BYTES or more on its own, for good: freed,
    it goes back to the system at once. Measured on a 200 MB corpus's deduplication and
    publish, in one process: peak 502 -> 350 MiB, 430 -> 309 MiB held after. Returns
    whether it was set (not where the C library is not glibc, nor when the user chose the
    size through glibc's MALLOC_MMAP_THRESHOLD_)."""
    mallopt = _libc_function("mallopt")
    if mallopt is None or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK_BYTES))


def release_freed_memory() -> None:
    """Return the free pages of every allocator arena and of Arrow's pool to the system."""
    import pyarrow as pa  # here, not at the top: `import flows` runs this module, and the
    # CLI answers --help and a refused lock before it loads pyarrow or Prefect

    pa.default_memory_pool().release_unused()
    trim = _libc_function("malloc_trim")
    if trim is not None:
        trim(0)


def leave_live_objects_out_of_collection() -> None:
    """Leave the objects alive now out of every later cyclic garbage collection (`gc.freeze`).

    A batch task calls it as it starts: what is alive then is the worker's imports (Prefect,
    pyarrow, pandas), its pattern tables, OpenCC and its memos, ~300k objects that each full
    collection walked again (~110 ms a time: on a 20 MB run, three such collections were
    0.34 of a worker's 0.40 s in the collector). They are still freed by reference counting;
    only a reference cycle among them that dies later stays until the process ends.
    Measured on the 20 MB corpus, three alternating runs: the collector's time in a worker
    0.40 -> 0.16 s, structure and signatures 6.45-6.89 -> 6.25-6.36 s summed over workers.

    Only in a worker process of the run's pool, which ends with the run: not in the process
    that started it (a notebook, a test session, the command itself running one batch), nor
    in a Dask worker, which outlives the run and runs others' tasks; their garbage must stay
    collectable."""
    if multiprocessing.parent_process() is not None and not _in_dask_worker():
        gc.freeze()


def _in_dask_worker() -> bool:
    distributed = sys.modules.get("distributed")  # imported in every Dask worker, else absent
    if distributed is None:
        return False
    try:
        distributed.get_worker()
    except ValueError:  # imported, but this is not a worker's task
        return False
    return True
