"""flows.memory: freed memory goes back to the system, and large blocks stay mapped apart."""

import gc
import multiprocessing
import subprocess
import sys
import textwrap
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from flows import memory

REPO = Path(__file__).resolve().parents[2]

# Where the process's 1 MiB block lands after an 8 MiB one was freed: with glibc's moving
# threshold it is carved out of the heap (which then cannot shrink past it); mapped apart it
# is not.
LANDS_IN_HEAP = textwrap.dedent(
    """
    import ctypes
    import flows
    big = bytearray(8 << 20)
    del big
    block = bytearray(1 << 20)
    address = ctypes.addressof((ctypes.c_char * 1).from_buffer(block))
    maps = open("/proc/self/maps").read().splitlines()
    heap = next(line.split()[0] for line in maps if line.endswith("[heap]"))
    start, end = (int(edge, 16) for edge in heap.split("-"))
    print(start <= address < end)
    """
)

needs_glibc = pytest.mark.skipif(
    memory._libc_function("mallopt") is None or not Path("/proc/self/maps").exists(),
    reason="glibc and /proc only",
)


def lands_in_heap(environment: dict[str, str] | None = None) -> bool:
    result = subprocess.run(
        [sys.executable, "-c", LANDS_IN_HEAP],
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), **(environment or {})},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip() == "True"


@needs_glibc
def test_with_the_flows_imported_a_large_block_is_mapped_apart_after_a_larger_one_was_freed():
    assert not lands_in_heap()


@needs_glibc
def test_a_threshold_the_user_set_is_kept():
    # glibc's own variable, set to its ceiling: the flows leave it alone, so the block is
    # carved out of the heap as the user asked
    assert lands_in_heap({"MALLOC_MMAP_THRESHOLD_": str(32 << 20)})


def test_the_threshold_is_not_set_over_the_users(monkeypatch):
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", str(1 << 20))
    assert memory.map_large_blocks_apart() is False


def test_release_freed_memory_runs_where_the_c_library_has_no_malloc_trim(monkeypatch):
    monkeypatch.setattr(memory, "_libc_function", lambda name: None)
    memory.release_freed_memory()
    assert memory.map_large_blocks_apart() is False


def freeze_at_a_task_start() -> tuple[bool, bool, bool]:
    """In a pool's worker: what is alive when a batch starts is left out of later
    collections, what comes after is collected as before."""
    alive = [[] for _ in range(10_000)]
    walked_before = len(gc.get_objects())
    memory.leave_live_objects_out_of_collection()
    walked_after = len(gc.get_objects())
    later: list = []
    later.append(later)  # a cycle made after: still the collector's
    del later
    return walked_before > len(alive), walked_after < 1_000, gc.collect() >= 1


def test_a_pool_worker_leaves_what_is_alive_at_a_task_start_out_of_later_collections():
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert pool.submit(freeze_at_a_task_start).result() == (True, True, True)


def test_the_process_that_runs_the_flow_keeps_collecting_everything():
    frozen = gc.get_freeze_count()  # this test session: a notebook or the command alike
    memory.leave_live_objects_out_of_collection()
    assert gc.get_freeze_count() == frozen


def test_a_dask_worker_which_outlives_the_run_keeps_collecting_everything(monkeypatch):
    class Worker:  # what distributed.get_worker finds inside a Dask worker's task
        pass

    distributed = type(sys)("distributed")
    distributed.get_worker = Worker
    monkeypatch.setitem(sys.modules, "distributed", distributed)
    monkeypatch.setattr(multiprocessing, "parent_process", lambda: object())  # a child process
    frozen = gc.get_freeze_count()
    memory.leave_live_objects_out_of_collection()
    assert gc.get_freeze_count() == frozen
