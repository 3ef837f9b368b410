"""The `normalize` flow: a folder of raw pages in, a typed Parquet dataset out.

    python -m flows.normalize --input data/raw --output data/clean

It is the single entry point: the CLI below, the tests and the deployments all run this
flow. The flow only wires batches of files through the stages in `transforms` and does the
I/O; see `flows.tasks` for the batch tasks.
"""

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from prefect import flow
from prefect.runtime import flow_run

from flows import output_lock, staging, versions
from flows import report as reporting
from flows.incremental import plan_run
from flows.limits import DEFAULT_BATCH_FILES, DEFAULT_MAX_FILE_BYTES, batch_bytes
from flows.memory import release_freed_memory
from flows.publish import publish, write_run_report
from flows.run_comparison import previous_report
from flows.run_figures import dataset_figures
from flows.run_page import run_page
from flows.runners import make_task_runner
from flows.staging import RunLayout
from flows.storage import (
    InputFile,
    chunks,
    discover_files,
    location,
    read_parquet_folder,
    remove_tree,
)
from flows.tasks import count_recurring_lines, deduplicate, finish_batch, prepare_batch
from transforms import PIPELINE_VERSION
from transforms.config import PipelineConfig


def failure_note(batch_index: int, files: list[InputFile], error: BaseException) -> dict:
    return {"batch": batch_index, "files": len(files), "error": f"{type(error).__name__}: {error}"}


@flow(name="normalize", log_prints=False)
def normalize(
    input_path: str = "data/raw",
    output_path: str = "data/clean",
    pattern: str = "**/*",
    workers: int = 2,
    batch_size: int = DEFAULT_BATCH_FILES,
    dask_address: str | None = None,
    full_refresh: bool = False,
    options: dict[str, Any] | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> dict[str, Any]:
    """Normalize every raw file under `input_path` (matching `pattern`) into `output_path`.

    Both may be local paths or fsspec URLs (s3://bucket/prefix, memory://…; credentials from
    the filesystem's usual environment variables or config). With `dask_address`, the batch
    tasks run on that Dask cluster through prefect-dask, and the corpus-wide line count and
    deduplication run there as Dask DataFrame jobs (`flows.cluster`); the cluster's workers
    must then reach both paths (shared folder or object store) and import qingxi.

    `options` holds per-stage settings, e.g. {"script": {"opencc_config": "t2s"},
    "structure": {"recurring_min_documents": 3}} (see transforms.config.PipelineConfig).
    Files larger than `max_file_bytes` are quarantined as `too_large` without being read (an
    unchanged one stays quarantined: raise the limit with `full_refresh`).
    """
    config = PipelineConfig.from_dict(options or {})
    run_id = str(flow_run.get_id() or f"local-{int(time.time())}")
    layout = RunLayout(location(output_path), run_id)
    with output_lock.locked(layout.output, run_id):
        remove_stale_staging(layout)
        return _normalize(
            layout,
            input_path,
            output_path,
            pattern,
            workers,
            batch_size,
            dask_address,
            full_refresh,
            config,
            max_file_bytes,
        )


def remove_stale_staging(layout: RunLayout) -> None:
    """Staging folders and retired dataset folders of other runs: with the lock held, their
    runs are dead (killed before their clean-up), and what they staged was never published.
    A publish killed after its switch is finished first (`versions.roll_forward`)."""
    if not isinstance(layout.output, Path):
        return
    versions.roll_forward(layout.output, staging.KINDS)
    for folder in (layout.output / ".staging").glob("*"):
        if folder.name != layout.run_id:
            remove_tree(folder)
    for folder in layout.output.glob(".*.old-*"):
        remove_tree(folder)
    for link in layout.output.glob(".*.link-*"):  # a link made but never renamed into place
        link.unlink(missing_ok=True)


def _normalize(
    layout: RunLayout,
    input_path: str,
    output_path: str,
    pattern: str,
    workers: int,
    batch_size: int,
    dask_address: str | None,
    full_refresh: bool,
    config: PipelineConfig,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> dict[str, Any]:
    started = time.perf_counter()
    run_id = layout.run_id
    files = discover_files(input_path, pattern)
    plan = plan_run(files, layout, config.fingerprint(), full_refresh)
    cut_at = batch_bytes(sum(file.size for file in plan.to_process), workers)
    batches = chunks(plan.to_process, max(batch_size, 1), cut_at)
    progress = reporting.Progress(2 * len(batches) + 2)
    seconds: dict[str, float] = {}
    failed: list[dict] = []
    prepared: list[dict] = []
    finished: list[dict] = []
    if dask_address:
        from flows.cluster import check_cluster

        check_cluster(dask_address)
    try:
        # no more worker processes than batches: a run of one batch (the seeds, a dataset
        # already current) pays no process pool's start-up
        with make_task_runner(min(workers, max(len(batches), 1)), dask_address) as runner:
            futures = {
                runner.submit(
                    prepare_batch,
                    {
                        "layout": layout,
                        "batch_index": i,
                        "files": batch,
                        "config": config,
                        "max_file_bytes": max_file_bytes,
                    },
                ): i
                for i, batch in enumerate(batches)
            }
            for future, result in reporting.completed(futures, progress, "decoding"):
                index = futures[future]
                if isinstance(result, BaseException):
                    failed.append(failure_note(index, batches[index], result))
                else:
                    prepared.append(result)
            seconds["decode_clean_convert"] = sum(s["seconds"] for s in prepared)
            good = sorted(summary["batch"] for summary in prepared)
            count_recurring_lines(
                layout,
                plan.retained_paths,
                config.structure.recurring_min_documents,
                dask_address,
            )
            futures = {
                runner.submit(
                    finish_batch, {"layout": layout, "batch_index": i, "config": config}
                ): i
                for i in good
            }
            for future, result in reporting.completed(futures, progress, "structuring"):
                index = futures[future]
                if isinstance(result, BaseException):
                    failed.append(failure_note(index, batches[index], result))
                    _discard_batch(layout, index)
                else:
                    finished.append(result)
            seconds["structure_signatures"] = sum(s["seconds"] for s in finished)
        failed_paths = {file.relative_path for note in failed for file in batches[note["batch"]]}
        processed = [f for f in plan.to_process if f.relative_path not in failed_paths]
        retained_paths = sorted(set(plan.retained_paths) | (failed_paths & plan.previous_paths))
        dedup = deduplicate(layout, retained_paths, config, dask_address)
        progress.advance("deduplicating")
        seconds["deduplicate"] = dedup["seconds"]
        quarantined = _staged_quarantine(layout)
        counts = {
            "files_found": len(files),
            "files_processed": len(processed),
            "files_unchanged": len(plan.unchanged_paths),
            "documents_written": sum(s["documents"] for s in finished),
            "quarantined": len(quarantined),
            "failed_batches": len(failed),
            "duplicates": dedup["duplicates"],
            "converted": sum(s["converted"] for s in prepared),
            "bytes_processed": sum(f.size for f in processed),
        }
        published_at = time.perf_counter()
        manifest = plan.manifest(processed, layout, run_id)
        metadata = {
            "pipeline_version": PIPELINE_VERSION,
            "run_id": run_id,
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "config": config.to_dict(),
            "config_fingerprint": config.fingerprint(),
            "input": str(input_path),
            "pattern": pattern,
            "counts": counts,
        }
        totals = publish(layout, retained_paths, manifest, metadata)
        progress.advance("publishing")
        seconds["publish"] = time.perf_counter() - published_at
    finally:
        progress.close()
        remove_tree(layout.staging)
    report = {
        "run_id": run_id,
        "pipeline_version": PIPELINE_VERSION,
        "input": str(input_path),
        "output": str(output_path),
        "report_file": str(layout.run_report_file),
        "report_page": str(layout.run_page_file),
        "config": config.to_dict(),
        "counts": counts,
        "dataset_rows": totals,
        "encodings": reporting.merge_counts(prepared, "encodings"),
        "scripts": reporting.merge_counts(prepared, "scripts"),
        "removed_by_kind": reporting.merge_counts(finished, "removed_by_kind"),
        "flags": reporting.merge_counts(finished, "flags"),
        "seconds_per_stage": seconds,
        "failed_batches": failed,
        "quarantined_files": quarantined,
    }
    counted_at = time.perf_counter()
    release_freed_memory()  # what the tasks freed, before the figures read the dataset
    report["figures"] = dataset_figures(layout.output)
    seconds["report_figures"] = time.perf_counter() - counted_at
    report["seconds"] = time.perf_counter() - started
    report["finished_at"] = datetime.now(UTC).isoformat(timespec="microseconds")
    previous = previous_report(layout.output / staging.RUNS, report)
    write_run_report(layout, report, run_page(report, previous))
    reporting.publish_artifacts(report, quarantined, previous)
    return report


def _staged_quarantine(layout: RunLayout) -> list[dict[str, Any]]:
    table = read_parquet_folder(layout.staged(staging.QUARANTINE))
    if table is None:
        return []
    return table.select(["source_path", "error_kind", "message"]).to_pylist()


def _discard_batch(layout: RunLayout, batch_index: int) -> None:
    """A batch that failed after it was staged must not half-publish: drop all its parts."""
    for kind in (
        "prepared",
        "structured",
        staging.SIGNATURES,
        staging.LINE_KEYS,
        staging.QUARANTINE,
    ):
        layout.batch_file(kind, batch_index).unlink(missing_ok=True)


def read_documents(output_path: str | Path) -> pa.Table:
    """The published documents of an output folder or URL (for tests and notebooks)."""
    table = read_parquet_folder(location(output_path) / staging.DOCUMENTS)
    if table is None:
        raise FileNotFoundError(f"no documents under {output_path}")
    return table
