"""A run killed with SIGKILL at any moment leaves the previous dataset (or none) whole, and
the next run finishes the work: the dataset then equals an uninterrupted run's.

`python -m flows.normalize` runs as a subprocess on 58 pages (the labelled fixtures and the
seeds) in batches of 20, against the session's Prefect test server (no start-up of its own),
and is killed at 10, 50 and 90% of an uninterrupted run's wall time, then at the steps of
the publish (the test hook QINGXI_TEST_PAUSE_IN_PUBLISH, `flows.versions`): after the
written folders are moved into `.versions/` (the last moment before the switch), and after
the switch (before the old versions are deleted and the links checked). After every
kill all five dataset folders are compared with the previous dataset and with the finished
one: they must equal one of the two as a whole (or be absent before any publish). Then a
rerun over the output killed just before the switch exits 0 and equals the uninterrupted
run, with no staging folder, retired folder or orphan version left. The same for an
incremental run (a changed and a new file)."""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from flows import staging, versions
from tests.conftest import RAW, REPO

FIXTURES = REPO / "tests" / "fixtures" / "pages" / "raw"
VOLATILE = {"run_id", "processed_at"}  # differ between runs of the same content
PUBLISH_STEPS = ("moved", "switched")

Content = dict[str, list[str]]  # kind -> its rows (without VOLATILE columns), sorted


def content(output: Path) -> Content | None:
    """Every dataset folder as sorted rows, or None when there is no dataset. Raises when
    only some folders exist: that is a broken dataset."""
    present = [kind for kind in staging.KINDS if (output / kind).exists()]
    if not present:
        return None
    assert present == list(staging.KINDS), f"a partial dataset: only {present}"
    found = {}
    for kind in staging.KINDS:
        table = pq.read_table(output / kind)
        table = table.select([name for name in table.column_names if name not in VOLATILE])
        found[kind] = sorted(repr(row) for row in table.to_pylist())
    return found


def command(raw: Path, output: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "flows.normalize",
        "--input",
        str(raw),
        "--output",
        str(output),
        "--workers",
        "1",
        "--batch-size",
        "20",
    ]


class Runner:
    """Starts the CLI as a subprocess against one Prefect API; kills it when asked."""

    def __init__(self, api_url: str, logs: Path) -> None:
        self.environment = {**os.environ, "PREFECT_API_URL": api_url}
        self.environment.pop(versions.PAUSE_VARIABLE, None)
        self.logs = logs
        self.count = 0

    def start(self, raw: Path, output: Path, pause_at: str | None = None):
        self.count += 1
        log = self.logs / f"run-{self.count}.log"
        environment = dict(self.environment)
        if pause_at:
            environment[versions.PAUSE_VARIABLE] = pause_at
        process = subprocess.Popen(
            command(raw, output),
            cwd=REPO,
            env=environment,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a group of its own: the kill reaches all of it
        )
        return process, log

    def complete(self, raw: Path, output: Path) -> float:
        """Run to the end; the wall time in seconds."""
        started = time.monotonic()
        process, log = self.start(raw, output)
        assert process.wait(timeout=180) == 0, log.read_text()[-3000:]
        return time.monotonic() - started

    def kill_after(self, raw: Path, output: Path, seconds: float) -> None:
        process, _ = self.start(raw, output)
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            kill(process)

    def kill_in_publish(self, raw: Path, output: Path, step: str) -> None:
        process, log = self.start(raw, output, pause_at=step)
        deadline = time.monotonic() + 180
        while f"test pause in publish at {step}" not in log.read_text():
            assert process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, f"the run never reached {step}"
            time.sleep(0.05)
        kill(process)


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def copy_output(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)  # the links are relative: they move along
    return target


@pytest.fixture(scope="module")
def runner(prefect_harness, tmp_path_factory) -> Runner:
    from prefect.settings import PREFECT_API_URL

    return Runner(PREFECT_API_URL.value(), tmp_path_factory.mktemp("logs"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("raw")
    for path in [*FIXTURES.iterdir(), *RAW.iterdir()]:
        shutil.copy(path, folder / path.name)
    return folder


def change_input(raw: Path) -> None:
    """What an incremental run has to do: one changed page, one new page."""
    changed = raw / "003_de09101387fcaee4.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n附件：名单.docx\n", "utf-8")
    new = raw / "new" / "200.txt"
    new.parent.mkdir()
    new.write_text("标题\n" + "这是一段新的正文内容，用来检验增量运行被中断后再运行的结果。" * 3)


@pytest.fixture(scope="module")
def uninterrupted(runner, corpus, tmp_path_factory) -> dict:
    """One uninterrupted full run and one incremental run after it: their wall times, their
    datasets, and a copy of the full run's output (the incremental runs' previous dataset)."""
    folder = tmp_path_factory.mktemp("uninterrupted")
    output = folder / "clean"
    full_seconds = runner.complete(corpus, output)
    full = content(output)
    previous = copy_output(output, folder / "previous")
    changed = folder / "raw-changed"
    shutil.copytree(corpus, changed)
    change_input(changed)
    incremental_seconds = runner.complete(changed, output)
    return {
        "full": (full_seconds, full),
        "incremental": (incremental_seconds, content(output)),
        "previous": previous,
        "changed_input": changed,
    }


def kill_and_check(
    runner: Runner,
    raw: Path,
    fresh: Callable[[], Path],
    seconds: float,
    finished: Content,
    steps: tuple[str, ...] = PUBLISH_STEPS,
) -> Path:
    """Kill a run at 10, 50, 90% of `seconds` and at each publish step of `steps`, each on
    a `fresh()` output. After each kill the dataset is the one before the kill, or after the
    switch the finished one, whole. Returns the output of the kill at the first step (just
    before the switch: a dead run's staging folder and unswitched version are left there)."""
    for share in (0.1, 0.5, 0.9):
        output = fresh()
        before = content(output)
        runner.kill_after(raw, output, share * seconds)
        assert content(output) in (before, finished), f"killed at {share:.0%} of {seconds:.1f} s"
    outputs = []
    for step in steps:
        outputs.append(fresh())
        before = content(outputs[-1])
        runner.kill_in_publish(raw, outputs[-1], step)
        expected = finished if step == "switched" else before
        assert content(outputs[-1]) == expected, f"killed in publish at {step}"
    return outputs[0]


def assert_clean_after_rerun(output: Path) -> None:
    assert not list((output / ".staging").iterdir())
    assert not list(output.glob(".*.old-*")) and not list(output.glob(".*.link-*"))
    assert len(list((output / versions.VERSIONS).iterdir())) <= 2
    assert not (output / ".lock").exists()


def test_a_killed_first_run_leaves_no_dataset_or_a_whole_one_and_a_rerun_finishes(
    runner, corpus, uninterrupted, tmp_path
):
    seconds, finished = uninterrupted["full"]
    outputs = iter(range(10))

    def fresh() -> Path:
        return tmp_path / f"clean-{next(outputs)}"

    # "switched" is left to the incremental test: here it would only repeat the last check
    output = kill_and_check(runner, corpus, fresh, seconds, finished, ("moved",))
    runner.complete(corpus, output)
    assert content(output) == finished
    assert_clean_after_rerun(output)


def test_a_killed_incremental_run_leaves_the_previous_dataset_and_a_rerun_finishes(
    runner, uninterrupted, tmp_path
):
    seconds, finished = uninterrupted["incremental"]
    previous = uninterrupted["previous"]
    assert content(previous) != finished  # the change is visible in the data
    copies = iter(range(10))

    def fresh() -> Path:
        return copy_output(previous, tmp_path / f"clean-{next(copies)}")

    raw = uninterrupted["changed_input"]
    output = kill_and_check(runner, raw, fresh, seconds, finished)
    runner.complete(raw, output)
    assert content(output) == finished
    assert_clean_after_rerun(output)
