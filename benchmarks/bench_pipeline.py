"""Throughput of the whole pipeline against a bare baseline, measured in the same run.

    python -m benchmarks.bench_pipeline --documents 2000 --workers 2     (or: make bench)

It generates a synthetic corpus from the seed pages (mixed encodings and scripts, exact and
near duplicates), then runs, each in its own process so peak memory is its own:
- baseline: read, decode (strict UTF-8, else chardet's guess), OpenCC t2s, write Parquet;
- qingxi: `python -m flows.normalize` over the same files (Prefect, all stages, dedup).
It prints MB/s, docs/s and peak RSS for both and their ratios. The pipeline's wall time
includes Prefect's fixed start-up cost (a temporary API server); the "in flow" figure
excludes it.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic_corpus import REPO, make_corpus


def run_measured(command: list[str]) -> tuple[float, float]:
    """Run a command; return its wall seconds and peak resident memory in MiB."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed")
    return seconds, usage.ru_maxrss / 1024


def baseline(input_folder: Path, output_file: Path) -> None:
    """The least a pipeline must do: read, decode, convert, write."""
    import chardet
    import opencc
    import pyarrow as pa
    import pyarrow.parquet as pq

    converter = opencc.OpenCC("t2s")
    paths, texts = [], []
    for path in sorted(input_folder.iterdir()):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode(chardet.detect(data)["encoding"] or "gb18030", errors="replace")
        paths.append(path.name)
        texts.append(converter.convert(text))
    pq.write_table(pa.table({"source_path": paths, "text": texts}), output_file, compression="zstd")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--baseline", nargs=2, metavar=("INPUT", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline:
        baseline(Path(args.baseline[0]), Path(args.baseline[1]))
        return

    with tempfile.TemporaryDirectory(prefix="qingxi-bench-") as scratch:
        corpus, output = Path(scratch) / "raw", Path(scratch) / "clean"
        stats = make_corpus(corpus, args.documents)
        megabytes = stats.bytes / 1e6
        python = sys.executable
        base_seconds, base_memory = run_measured(
            [
                python,
                "-m",
                "benchmarks.bench_pipeline",
                "--baseline",
                str(corpus),
                f"{scratch}/b.parquet",
            ]
        )
        pipe_seconds, pipe_memory = run_measured(
            [
                python,
                "-m",
                "flows.normalize",
                "--input",
                str(corpus),
                "--output",
                str(output),
                "--workers",
                str(args.workers),
                "--batch-size",
                str(args.batch_size),
            ]
        )
        run_report = json.loads(next((output / "runs").glob("*.json")).read_text())
    flow_seconds = run_report["seconds"]
    results = {
        "documents": stats.documents,
        "megabytes": round(megabytes, 2),
        "workers": args.workers,
        "baseline": {"seconds": base_seconds, "peak_mib": base_memory},
        "qingxi": {
            "seconds": pipe_seconds,
            "in_flow_seconds": flow_seconds,
            "peak_mib": pipe_memory,
            "seconds_per_stage": run_report["seconds_per_stage"],
        },
        "duplicates_found": run_report["counts"]["duplicates"],
    }
    rows = [
        ("baseline (read, decode, t2s, write)", base_seconds, base_memory),
        ("qingxi, wall (incl. Prefect start-up)", pipe_seconds, pipe_memory),
        ("qingxi, in flow", flow_seconds, pipe_memory),
    ]
    print(
        f"corpus: {stats.documents} documents, {megabytes:.1f} MB "
        f"({stats.exact_copies} exact, {stats.near_copies} near copies); workers={args.workers}"
    )
    print(f"{'':40} {'MB/s':>8} {'docs/s':>9} {'peak MiB':>9} {'x baseline':>11}")
    for name, seconds, memory in rows:
        print(
            f"{name:40} {megabytes / seconds:8.2f} {stats.documents / seconds:9.0f} "
            f"{memory:9.0f} {base_seconds / seconds:11.2f}"
        )
    print(
        "seconds per stage (summed over workers):",
        ", ".join(f"{k} {v:.2f}" for k, v in run_report["seconds_per_stage"].items()),
    )
    out = REPO / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    (out / "pipeline.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
