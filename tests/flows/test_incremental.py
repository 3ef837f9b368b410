"""Incremental runs and failures: only new work is done, and nothing is lost on errors."""

import json
import os
import shutil

import pyarrow.parquet as pq
import pytest

import flows.tasks
from flows.normalize import normalize
from tests.conftest import RAW
from transforms.schema import DOCUMENT_SCHEMA

CONTENT_COLUMNS = [n for n in DOCUMENT_SCHEMA.names if n not in ("run_id", "processed_at")]


@pytest.fixture
def raw(tmp_path):
    folder = tmp_path / "raw"
    shutil.copytree(RAW, folder)
    return folder


def run(raw, output, **options):
    return normalize(
        input_path=str(raw), output_path=str(output), workers=1, batch_size=2, **options
    )


def table(output):
    return pq.read_table(output / "documents").sort_by("source_path")


def test_unchanged_input_is_skipped_and_the_dataset_stays_identical(raw, tmp_path, prefect_harness):
    output = tmp_path / "clean"
    run(raw, output)
    before = table(output)
    summary = run(raw, output)
    assert summary["counts"]["files_unchanged"] == 5
    assert summary["counts"]["files_processed"] == 0
    assert table(output).equals(before)  # run ids and times included: rows were carried over


def test_a_changed_file_alone_is_processed_again(raw, tmp_path, prefect_harness):
    output = tmp_path / "clean"
    run(raw, output)
    before = table(output).to_pandas().set_index("source_path")
    changed = raw / "003_de09101387fcaee4.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n附件：名单.docx\n", "utf-8")
    new = raw / "new" / "005.txt"
    new.parent.mkdir()
    new.write_text("标题\n" + "这是一段新的正文内容，用来检验增量运行只处理新的文件。" * 3, "utf-8")
    summary = run(raw, output)
    assert summary["counts"]["files_processed"] == 2
    after = table(output).to_pandas().set_index("source_path")
    assert len(after) == 6
    assert (
        after.loc["003_de09101387fcaee4.txt", "doc_id"]
        != before.loc["003_de09101387fcaee4.txt", "doc_id"]
    )
    unchanged = after.loc["000_958a1928a84ae82a.txt"]
    assert unchanged["run_id"] == before.loc["000_958a1928a84ae82a.txt", "run_id"]


def test_a_changed_configuration_reprocesses_every_file(raw, tmp_path, prefect_harness):
    output = tmp_path / "clean"
    run(raw, output)
    summary = run(raw, output, options={"script": {"opencc_config": "tw2s"}})
    assert summary["counts"]["files_processed"] == 5
    fingerprints = set(table(output)["config_fingerprint"].to_pylist())
    assert len(fingerprints) == 1


def test_full_refresh_redoes_everything_with_the_same_content(raw, tmp_path, prefect_harness):
    output = tmp_path / "clean"
    run(raw, output)
    before = table(output)
    summary = run(raw, output, full_refresh=True)
    assert summary["counts"]["files_processed"] == 5
    assert table(output).select(CONTENT_COLUMNS).equals(before.select(CONTENT_COLUMNS))


def test_a_failed_batch_is_reported_and_the_other_batches_are_published(
    raw, tmp_path, prefect_harness, monkeypatch
):
    real_prepare = flows.tasks.prepare_one

    def prepare_or_break(file, config, *limits):
        if file.relative_path.startswith("002"):
            raise RuntimeError("disk on fire")  # outside the per-file guard: fails the batch
        return real_prepare(file, config, *limits)

    monkeypatch.setattr(flows.tasks, "prepare_one", prepare_or_break)
    output = tmp_path / "clean"
    summary = run(raw, output)
    assert [note["error"] for note in summary["failed_batches"]] == ["RuntimeError: disk on fire"]
    paths = table(output)["source_path"].to_pylist()
    assert "002_75079be61b51ed11.txt" not in paths
    assert len(paths) == 3  # batches of two: 002 shared its batch with 001
    report = json.loads((output / "runs" / f"{summary['run_id']}.json").read_text())
    assert report["counts"]["failed_batches"] == 1
    monkeypatch.setattr(flows.tasks, "prepare_one", real_prepare)
    retry = run(raw, output)  # the failed files were not recorded as done: the next run does them
    assert retry["counts"]["files_processed"] == 2
    assert table(output).num_rows == 5


def test_a_transient_io_error_is_retried(raw, tmp_path, prefect_harness, monkeypatch):
    real_writer = flows.tasks.parquet_writer_atomically
    failures = []

    def flaky_writer(path, schema, metadata=None):
        if "prepared" in str(path) and not failures:
            failures.append(path)
            raise TimeoutError("network storage did not answer")
        return real_writer(path, schema, metadata)

    monkeypatch.setattr(flows.tasks, "parquet_writer_atomically", flaky_writer)
    summary = run(raw, tmp_path / "clean")
    assert failures and not summary["failed_batches"]
    assert table(tmp_path / "clean").num_rows == 5


def test_an_unreadable_file_is_quarantined(raw, tmp_path, prefect_harness):
    if os.geteuid() == 0:
        # root reads anything; a dangling symlink is unreadable for everyone
        (raw / "gone.txt").symlink_to(raw / "missing-target.txt")
    else:
        locked = raw / "locked.txt"
        locked.write_text("正文")
        locked.chmod(0)
    summary = run(raw, tmp_path / "clean")
    quarantine = pq.read_table(tmp_path / "clean" / "quarantine").to_pylist()
    expected = "dangling_link" if os.geteuid() == 0 else "unreadable"
    assert [row["error_kind"] for row in quarantine] == [expected]
    assert summary["counts"]["documents_written"] == 5
