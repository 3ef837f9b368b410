"""One bad file never costs the run; a second run on the same output is refused; a dead
Prefect server costs one line."""

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import flows.tasks
from flows import output_lock
from flows.cli import failed_batches_problem
from flows.normalize import normalize
from tests.conftest import RAW, REPO

SEEDS = sorted(path.name for path in RAW.iterdir())


@pytest.fixture(scope="module")
def hostile_input(tmp_path_factory) -> Path:
    """The seeds beside entries a reader must not trip on."""
    folder = tmp_path_factory.mktemp("hostile")
    for path in RAW.iterdir():
        shutil.copy(path, folder / path.name)
    (folder / "loop_a.txt").symlink_to(folder / "loop_b.txt")
    (folder / "loop_b.txt").symlink_to(folder / "loop_a.txt")
    (folder / "dangling.txt").symlink_to(folder / "missing.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "folder.txt").mkdir()
    return folder


@pytest.fixture
def hang_guard():
    """A FIFO opened by mistake blocks forever: fail the test instead of hanging CI."""

    def interrupt(signum, frame):
        raise TimeoutError("the run hung (a FIFO was opened?)")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def quarantine_kinds(output: Path) -> dict[str, str]:
    rows = pq.read_table(output / "quarantine").to_pylist()
    return {row["source_path"]: row["error_kind"] for row in rows}


def test_loops_dangling_links_and_fifos_are_quarantined_unopened(
    hostile_input, tmp_path, prefect_harness, hang_guard
):
    summary = normalize(input_path=str(hostile_input), output_path=str(tmp_path), workers=1)
    documents = pq.read_table(tmp_path / "documents")
    assert sorted(documents["source_path"].to_pylist()) == SEEDS
    assert quarantine_kinds(tmp_path) == {
        "loop_a.txt": "symlink_loop",
        "loop_b.txt": "symlink_loop",
        "dangling.txt": "dangling_link",
        "pipe.txt": "fifo",
    }
    assert summary["failed_batches"] == []
    assert not (tmp_path / ".lock").exists()  # released when the run ended


def test_a_run_whose_every_batch_fails_keeps_the_previous_rows(
    tmp_path, prefect_harness, monkeypatch
):
    raw, output = tmp_path / "raw", tmp_path / "clean"
    shutil.copytree(RAW, raw)
    normalize(input_path=str(raw), output_path=str(output), workers=1)
    before = pq.read_table(output / "documents").sort_by("source_path")
    for path in raw.iterdir():  # every file changed: all of them are processed again
        path.write_bytes(path.read_bytes() + "\n补记。\n".encode())
    writer = flows.tasks.parquet_writer_atomically

    def disk_full_for_batches(path, schema, metadata=None):
        if path.parent.name == "prepared":
            raise OSError(errno.ENOSPC, "No space left on device")
        return writer(path, schema, metadata)

    monkeypatch.setattr(flows.tasks, "parquet_writer_atomically", disk_full_for_batches)
    summary = normalize(input_path=str(raw), output_path=str(output), workers=1, batch_size=2)
    after = pq.read_table(output / "documents").sort_by("source_path")
    assert len(summary["failed_batches"]) == 3
    assert after["text"].to_pylist() == before["text"].to_pylist()
    assert after["doc_id"].to_pylist() == before["doc_id"].to_pylist()
    problem = failed_batches_problem(summary)
    assert "3 batch(es) failed" in problem and "No space left on device" in problem
    assert "\n" not in problem


def test_a_live_owner_refuses_a_second_run_and_a_dead_one_is_taken_over(tmp_path):
    owner = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock = tmp_path / output_lock.LOCK_FILE
        lock.write_text(
            f'{{"run_id": "run-1", "pid": {owner.pid}, "host": "{os.uname().nodename}",'
            ' "started_at": "2026-01-01T00:00:00Z"}'
        )
        with pytest.raises(output_lock.OutputLockedError, match=r"in use by run run-1 \(pid"):
            output_lock.acquire(tmp_path, "run-2")
    finally:
        owner.kill()
        owner.wait()
    assert output_lock.acquire(tmp_path, "run-2")  # its owner is dead now: stale
    assert '"run-2"' in lock.read_text()
    assert not output_lock.acquire(tmp_path, "run-2")  # the holder may enter again
    output_lock.release(tmp_path)
    assert not lock.exists()


def test_a_flow_run_is_refused_an_output_another_run_of_its_process_holds(
    tmp_path, prefect_harness
):
    """Deployments and tests call the flow, not the CLI: the flow takes the lock itself,
    and a second run in the same process is another run, not the holder entering again."""
    assert output_lock.acquire(tmp_path, "run-1")
    try:
        with pytest.raises(output_lock.OutputLockedError, match=r"in use by run run-1 \(pid"):
            normalize(input_path=str(RAW), output_path=str(tmp_path), workers=1)
        assert (tmp_path / output_lock.LOCK_FILE).is_file()  # still run-1's
    finally:
        output_lock.release(tmp_path)
    assert not (tmp_path / "documents").exists()


def test_of_two_runs_started_together_exactly_one_takes_the_lock(tmp_path):
    """Both runs import first and wait for a word on stdin, so that they race for the lock
    at the same moment; each holds what it got until both have answered."""
    script = (
        "import sys; from pathlib import Path; from flows import output_lock\n"
        "sys.stdin.readline()\n"
        "try:\n    output_lock.acquire(Path(sys.argv[1]), sys.argv[2]); print('took', flush=True)\n"
        "except output_lock.OutputLockedError: print('refused', flush=True)\n"
        "sys.stdin.read()\n"
    )
    for attempt in range(5):
        output = tmp_path / f"attempt-{attempt}"
        runs = [
            subprocess.Popen(
                [sys.executable, "-c", script, str(output), f"run-{n}"],
                cwd=REPO,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for n in range(2)
        ]
        for run in runs:
            run.stdin.write("go\n")
            run.stdin.flush()
        answers = sorted(run.stdout.readline().strip() for run in runs)
        for run in runs:
            run.communicate(timeout=60)
        assert answers == ["refused", "took"]


def test_the_cli_refuses_a_locked_output_in_one_line(tmp_path):
    owner = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / output_lock.LOCK_FILE).write_text(
            f'{{"run_id": "run-1", "pid": {owner.pid}, "host": "{os.uname().nodename}"}}'
        )
        result = run_cli(tmp_path, {})
    finally:
        owner.kill()
        owner.wait()
    assert result.returncode == 3
    assert result.stderr.count("\n") == 1 and "in use by run run-1" in result.stderr


def run_cli(output: Path, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flows.normalize", "--input", str(RAW), "--output", str(output)],
        cwd=REPO,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_dead_prefect_server_costs_one_line_within_seconds(tmp_path):
    started = time.perf_counter()
    result = run_cli(tmp_path, {"PREFECT_API_URL": "http://127.0.0.1:9/api"})
    assert time.perf_counter() - started < 30  # bounded, not Prefect's minutes of retries
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "PREFECT_API_URL=http://127.0.0.1:9/api does not answer" in result.stderr
    assert not (tmp_path / "documents").exists()


def test_a_file_over_the_size_limit_is_quarantined_too_large_unread(tmp_path, prefect_harness):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / "dump.txt").write_bytes(b"a" * 20_000)  # the seeds are 7-15 KB
    output = tmp_path / "clean"
    summary = normalize(
        input_path=str(raw), output_path=str(output), workers=1, max_file_bytes=16_384
    )
    quarantine = pq.read_table(output / "quarantine").to_pylist()
    assert [(row["source_path"], row["error_kind"]) for row in quarantine] == [
        ("dump.txt", "too_large")
    ]
    assert quarantine[0]["source_bytes"] == 20_000 and "20,000 bytes" in quarantine[0]["message"]
    assert pq.read_table(output / "documents").num_rows == len(list(RAW.iterdir()))
    assert summary["counts"]["quarantined"] == 1


def test_a_run_whose_every_file_is_quarantined_publishes_an_empty_dataset(
    tmp_path, prefect_harness
):
    output = tmp_path / "clean"
    summary = normalize(input_path=str(RAW), output_path=str(output), workers=1, max_file_bytes=1)
    assert pq.read_table(output / "documents").num_rows == 0
    assert {row["error_kind"] for row in pq.read_table(output / "quarantine").to_pylist()} == {
        "too_large"
    }
    assert summary["counts"]["quarantined"] == 5


def test_a_file_that_grew_past_the_limit_while_listed_is_not_kept(tmp_path):
    from flows.storage import InputFile

    path = tmp_path / "growing.txt"
    path.write_bytes("正文。".encode() * 2000)  # 18,000 bytes now; listed when it held 10
    record = flows.tasks.read_input(InputFile(str(path), "growing.txt", 10, 0), 4096)
    assert record.error_kind == "too_large" and "when read" in record.message
