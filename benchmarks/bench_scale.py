"""Scaling the `normalize` flow: 1 vs N workers, process pool vs Dask, per-task overhead, and
an estimate for 10 million documents from the measured per-document costs.

    python -m benchmarks.bench_scale --documents 600 --workers 2

Every run goes over the same synthetic corpus (seed pages recombined, mixed encodings and
scripts, exact and near copies) in one Prefect test harness (one temporary API for all runs),
and every figure is a ratio against the 1-worker run measured here:
- `1 worker`:  a thread runner, corpus steps in this process (the baseline);
- `N, pool`:   Prefect's process pool (the default for `--workers N`);
- `N, dask`:   a `LocalCluster` of N single-threaded worker processes started beforehand, the
               flow given its address: batches through prefect-dask, line count and dedup as
               Dask DataFrame jobs (its start-up is reported separately: a `--workers N` run
               that started its own cluster would pay it every time);
- overhead:    the same small corpus cut into 1-file batches and into one batch; the
               difference per extra task is what a task costs beyond its work.
"""

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.synthetic_corpus import make_corpus

TEN_MILLION = 10_000_000


def peak_rss_mib() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest finished child, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def timed_run(corpus: Path, output: Path, **options: Any) -> dict[str, Any]:
    from flows.normalize import normalize

    shutil.rmtree(output, ignore_errors=True)
    started = time.perf_counter()
    summary = normalize(input_path=str(corpus), output_path=str(output), **options)
    summary["wall"] = time.perf_counter() - started
    return summary


def worker_peak_rss_mib(client: Any) -> float:
    def peak() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    return max(client.run(peak).values())


def per_document(summary: dict[str, Any]) -> dict[str, float]:
    """Seconds of work per document, by stage (summed over tasks: CPU time, not wall)."""
    documents = max(summary["counts"]["documents_written"], 1)
    return {stage: seconds / documents for stage, seconds in summary["seconds_per_stage"].items()}


def estimate(
    costs: dict[str, float], bytes_per_document: float, output_bytes: float, workers: int
) -> list[str]:
    """Wall time and memory for 10 million documents on `workers` single-core workers."""
    batch_seconds = costs["decode_clean_convert"] + costs["structure_signatures"]
    parallel = batch_seconds * TEN_MILLION / workers
    dedup_local = costs["deduplicate"] * TEN_MILLION  # one process: the local path
    publish = costs["publish"] * TEN_MILLION  # one process: part files written in sequence
    lines = [
        f"10M documents, {workers} workers: batch work {parallel / 3600:.1f} h "
        f"(measured {1000 * batch_seconds:.1f} ms/doc of decode+clean+convert+structure+"
        f"signature), publish {publish / 3600:.1f} h in the flow process "
        f"({1000 * costs['publish']:.2f} ms/doc);",
        f"  dedup, local path: {dedup_local / 3600:.1f} h in one process; on Dask it divides "
        f"by the workers: ~{dedup_local / workers / 3600:.1f} h plus shuffles;",
        f"  input {bytes_per_document * TEN_MILLION / 1e9:.0f} GB raw, output "
        f"{output_bytes * TEN_MILLION / 1e9:.0f} GB Parquet; signatures 10M x 512 B = 5.1 GB, "
        f"band rows 10M x bands x 26 B; a worker holds one batch (batch_size x "
        f"{bytes_per_document / 1024:.0f} KiB x ~10) plus shuffle buffers;",
        "  the flow process holds the union-find of the linked documents (~100 B each: "
        "~0.1 GB per million duplicated documents) and the run's file list (~200 B/file).",
    ]
    return lines


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=600)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--overhead-documents", type=int, default=40)
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="qingxi-bench-"))
    from distributed import Client, LocalCluster
    from prefect.testing.utilities import prefect_test_harness

    scratch = Path(tempfile.mkdtemp(prefix="qingxi-scale-"))
    corpus, small = scratch / "corpus", scratch / "small"
    stats = make_corpus(corpus, args.documents)
    make_corpus(small, args.overhead_documents, seed=3)
    print(f"corpus: {stats.documents} documents, {stats.bytes / 1e6:.1f} MB")
    n = args.workers
    results: dict[str, dict[str, Any]] = {}
    with prefect_test_harness(server_startup_timeout=120):
        common = {"batch_size": args.batch_size}
        results["1 worker"] = timed_run(corpus, scratch / "out1", workers=1, **common)
        rss_one = peak_rss_mib()[0]
        results[f"{n}, pool"] = timed_run(corpus, scratch / "outp", workers=n, **common)
        rss_pool_children = peak_rss_mib()[1]
        started = time.perf_counter()
        with LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            cluster_start = time.perf_counter() - started
            address = cluster.scheduler_address
            results[f"{n}, dask"] = timed_run(
                corpus, scratch / "outd", dask_address=address, **common
            )
            with Client(cluster) as client:
                rss_dask_worker = worker_peak_rss_mib(client)
            overhead_dask = [
                timed_run(small, scratch / "od", dask_address=address, batch_size=size)
                for size in (args.overhead_documents, 1)
            ]
        overhead = {
            "thread": [
                timed_run(small, scratch / "ot", workers=1, batch_size=size)
                for size in (args.overhead_documents, 1)
            ],
            "pool": [
                timed_run(small, scratch / "op", workers=n, batch_size=size)
                for size in (args.overhead_documents, 1)
            ],
            "dask": overhead_dask,
        }
    baseline = results["1 worker"]["wall"]
    print(f"\n{'run':<12}{'wall s':>8}{'x 1w':>7}{'docs/s':>8}  seconds per stage (summed)")
    for name, summary in results.items():
        stages = ", ".join(f"{k} {v:.1f}" for k, v in summary["seconds_per_stage"].items())
        rate = summary["counts"]["documents_written"] / summary["wall"]
        speedup = baseline / summary["wall"]
        print(f"{name:<12}{summary['wall']:8.1f}{speedup:7.2f}{rate:8.1f}  {stages}")
    print(f"LocalCluster start-up: {cluster_start:.1f} s (paid per run if the flow started it)")
    print(
        f"peak RSS: flow process {rss_one:.0f} MiB, pool worker {rss_pool_children:.0f} MiB, "
        f"dask worker {rss_dask_worker:.0f} MiB"
    )
    extra_tasks = 2 * (args.overhead_documents - 1)  # prepare + finish per extra batch
    print(
        f"\nper-task overhead ({args.overhead_documents} documents, 1-file batches vs one batch):"
    )
    for runner, (one_batch, many) in overhead.items():
        extra = (many["wall"] - one_batch["wall"]) / extra_tasks
        print(
            f"  {runner:<7} {1000 * extra:6.0f} ms per extra task "
            f"({one_batch['wall']:.1f} s -> {many['wall']:.1f} s)"
        )
    costs = per_document(results["1 worker"])
    print(
        "\nper-document cost, 1 worker: "
        + ", ".join(f"{k} {1000 * v:.2f} ms" for k, v in costs.items())
    )
    output_bytes = folder_bytes(scratch / "out1" / "documents") / stats.documents
    for workers in (n, 16, 64):
        for line in estimate(costs, stats.bytes / stats.documents, output_bytes, workers):
            print(line)
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
