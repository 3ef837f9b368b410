"""The `normalize` flow on a Dask cluster started as an operator starts one gives the same
dataset as a local run.

The scheduler and two workers are separate OS processes started with the `dask` command-line
tools of the project's environment, each in a working directory of its own (not the
repository), as the README's "Scale out on Dask" says. The flow gets only the scheduler's
address: batch tasks go there through prefect-dask, the corpus-wide line count and the
deduplication run there as Dask DataFrame jobs. Afterwards every process is stopped and checked
gone.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.synthetic_corpus import make_corpus
from flows.cluster import ClusterError, ClusterStepError, check_cluster, require_parts
from flows.normalize import normalize, read_documents
from tests.conftest import RAW
from transforms.schema import DOCUMENT_SCHEMA

DASK = Path(sys.executable).parent / "dask"
# the run's own identity differs between runs; everything else must not
SAME_COLUMNS = [name for name in DOCUMENT_SCHEMA.names if name not in ("run_id", "processed_at")]
BATCH_SIZE = 10


@dataclass
class DaskProcesses:
    address: str
    scheduler: subprocess.Popen
    workers: subprocess.Popen

    def client(self):
        from distributed import Client

        return Client(self.address, set_as_default=False)

    def worker_pids(self) -> list[int]:
        with self.client() as client:
            return sorted(client.run(os.getpid).values())

    def wait_for_workers(self, count: int, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if len(self.worker_pids()) >= count:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"{count} Dask workers did not join {self.address} in {timeout} s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], folder: Path) -> subprocess.Popen:
    """A process in its own folder and its own process group (so that stopping it stops the
    worker processes its nanny started), with the logs kept for a failing test."""
    folder.mkdir(parents=True)
    log = (folder / "log.txt").open("wb")
    return subprocess.Popen(
        command, cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def group_alive(process: subprocess.Popen) -> bool:
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(process: subprocess.Popen) -> None:
    if group_alive(process):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    deadline = time.monotonic() + 20
    while group_alive(process) and time.monotonic() < deadline:
        time.sleep(0.2)  # the nanny's children exit after it


@pytest.fixture(scope="module")
def dask_processes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dask-cluster")
    address = f"tcp://127.0.0.1:{free_port()}"
    scheduler = start(
        [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
         "--no-dashboard"],
        folder / "scheduler",
    )  # fmt: skip
    workers = start(
        [str(DASK), "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard"],
        folder / "workers",
    )
    processes = DaskProcesses(address, scheduler, workers)
    try:
        processes.wait_for_workers(2)
        yield processes
    finally:
        stop(workers)
        stop(scheduler)
    assert not group_alive(workers) and not group_alive(scheduler), "a Dask process was left"
    assert workers.returncode is not None and scheduler.returncode is not None


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The seeds, a copy of one, and 60 generated pages: copies, near copies (a changed
    phrase, an added source line) and re-encodings (GBK, Big5, UTF-16, Traditional)."""
    folder = tmp_path_factory.mktemp("raw")
    for path in RAW.iterdir():
        shutil.copy(path, folder / path.name)
    shutil.copy(RAW / "003_de09101387fcaee4.txt", folder / "003_copy.txt")
    make_corpus(folder / "generated", 60, seed=11)
    return folder


def frame(output):
    return read_documents(output).select(SAME_COLUMNS).to_pandas().set_index("source_path")


def assert_same_dataset(local: Path, on_dask: Path) -> None:
    expected, actual = frame(local).sort_index(), frame(on_dask).sort_index()
    assert list(actual.index) == list(expected.index)
    assert actual["text"].equals(expected["text"])
    assert [list(f) for f in actual["flags"]] == [list(f) for f in expected["flags"]]
    assert [list(r) for r in actual["removed"]] == [list(r) for r in expected["removed"]]
    assert actual.drop(columns=["removed", "flags"]).equals(
        expected.drop(columns=["removed", "flags"])
    )


@pytest.fixture(scope="module")
def runs(corpus, dask_processes, tmp_path_factory, prefect_harness):
    """A local run and a cluster run over the corpus, then an incremental run of each after
    files were added, changed and copied."""
    local, on_dask = tmp_path_factory.mktemp("local"), tmp_path_factory.mktemp("dask")
    options = {"input_path": str(corpus), "batch_size": BATCH_SIZE}
    first = (
        normalize(output_path=str(local), workers=1, **options),
        normalize(output_path=str(on_dask), dask_address=dask_processes.address, **options),
    )
    with dask_processes.client() as client:
        ran = set(
            client.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.task_prefixes))
        )
    snapshots = tmp_path_factory.mktemp("first")
    shutil.copytree(local, snapshots / "local")
    shutil.copytree(on_dask, snapshots / "dask")
    make_corpus(corpus / "more", 20, seed=12)
    shutil.copy(RAW / "000_958a1928a84ae82a.txt", corpus / "more" / "000_again.txt")
    changed = corpus / "generated" / sorted(os.listdir(corpus / "generated"))[0]
    changed.write_bytes(changed.read_bytes() + "\n本文有一处更正。\n".encode())
    second = (
        normalize(output_path=str(local), workers=1, **options),
        normalize(output_path=str(on_dask), dask_address=dask_processes.address, **options),
    )
    return {"first": (snapshots, first), "second": ((local, on_dask), second), "ran": ran}


def test_the_cluster_run_writes_the_same_rows_texts_and_flags(runs):
    snapshots, _ = runs["first"]
    assert len(frame(snapshots / "local")) == 66
    assert_same_dataset(snapshots / "local", snapshots / "dask")


def test_the_cluster_run_finds_the_same_duplicate_clusters(runs):
    snapshots, (local_summary, dask_summary) = runs["first"]
    columns = ["is_duplicate", "duplicate_of", "dup_cluster"]
    expected = frame(snapshots / "local")[columns].sort_index()
    actual = frame(snapshots / "dask")[columns].sort_index()
    assert expected["is_duplicate"].sum() > 5  # the corpus has copies and near copies
    assert expected["dup_cluster"].nunique() > 2
    assert actual.equals(expected)
    assert dask_summary["counts"]["duplicates"] == local_summary["counts"]["duplicates"]


def test_an_incremental_run_on_the_cluster_equals_an_incremental_local_run(runs):
    (local, on_dask), (local_summary, dask_summary) = runs["second"]
    assert dask_summary["counts"]["files_processed"] == local_summary["counts"]["files_processed"]
    assert dask_summary["counts"]["files_processed"] == 22  # 21 new files and 1 changed one
    assert len(frame(local)) == 87
    assert_same_dataset(local, on_dask)


def test_the_batches_and_the_corpus_steps_ran_on_the_cluster(runs):
    _, (_, summary) = runs["first"]
    assert summary["counts"]["failed_batches"] == 0
    assert summary["counts"]["files_processed"] == 66
    assert {"bands", "candidate_pairs", "verify", "body_groups"} <= runs["ran"], runs["ran"]


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(
    dask_processes, tmp_path, prefect_harness
):
    """SIGKILL one worker process while the batches run: its nanny starts a new one, Dask
    reschedules the lost tasks, and the dataset equals a local run's."""
    corpus, local, on_dask = tmp_path / "raw", tmp_path / "local", tmp_path / "dask"
    make_corpus(corpus, 40, seed=13)
    options = {"input_path": str(corpus), "batch_size": 4}
    normalize(output_path=str(local), workers=1, **options)
    victim = dask_processes.worker_pids()[0]
    summary: dict = {}

    def run() -> None:
        summary.update(
            normalize(output_path=str(on_dask), dask_address=dask_processes.address, **options)
        )

    runner = threading.Thread(target=run)
    runner.start()
    deadline = time.monotonic() + 120
    while not list(on_dask.glob(".staging/*/prepared/batch-*.parquet")):
        assert time.monotonic() < deadline and runner.is_alive(), "the batches never started"
        time.sleep(0.05)
    os.kill(victim, signal.SIGKILL)
    runner.join(timeout=300)
    assert not runner.is_alive()
    assert summary["counts"]["failed_batches"] == 0
    assert_same_dataset(local, on_dask)
    dask_processes.wait_for_workers(2)
    assert victim not in dask_processes.worker_pids()


def test_a_cluster_that_cannot_import_qingxi_is_refused_in_one_line(dask_processes):
    assert check_cluster(dask_processes.address) == 2
    with pytest.raises(ClusterError, match=r"scheduler .* cannot import qingxi .*Scale out"):
        check_cluster(dask_processes.address, "import qingxi_module_that_is_not_installed")


def test_a_distributed_write_that_lost_a_part_raises_naming_the_step(tmp_path):
    (tmp_path / "part-00000.parquet").write_bytes(b"")
    require_parts("deduplicate (remembered signatures)", tmp_path, 1)
    with pytest.raises(ClusterStepError, match=r"deduplicate \(remembered signatures\): wrote 1"):
        require_parts("deduplicate (remembered signatures)", tmp_path, 2)
