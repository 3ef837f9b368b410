"""Throughput of the whole pipeline on the realistic corpus, against the bare pass in the same run.

    python -m benchmarks.bench_pipeline                   (make bench: 20 MB)
    python -m benchmarks.bench_pipeline --megabytes 200
    python -m benchmarks.bench_pipeline --growth          (make bench-full: 20 MB then 200 MB)
    python -m benchmarks.bench_pipeline --single-line     (60 MB one-line file; 70 MB file)
    python -m benchmarks.bench_pipeline --profile         (cProfile of the structure stage)

The corpus is `benchmarks.realistic_corpus` (pages under <scratch>/raw, the manifest beside
it). Each of these runs in its own process, so its peak memory is its own:
- bare pass: read, decode with the codec the manifest names, OpenCC t2s where the page is
  Traditional, write one zstd Parquet file (run 3 times, median kept);
- qingxi: `python -m flows.normalize --input raw --output clean` with default options, timed
  as a whole command (interpreter start, imports, Prefect's temporary API server, the flow).
Peak RSS is the largest single process of the command's tree (`os.wait4`: the command and
the children it waited for) and, sampled every 0.2 s with psutil, the whole tree's sum.

Then, in this process on one core and outside Prefect, the per-core throughput of prepare
(`transforms.pipeline.prepare_document`: decode, hygiene, script detection and conversion),
of the line keys, and of the structure stage (`finish_document`, i.e. `extract_structure`
and the output row) with the corpus's recurring lines, in MB of raw input per CPU second.
Results go to benchmarks/out/ (git-ignored).
"""

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.realistic_corpus import REPO, make_corpus, read_manifest

OUT = REPO / "benchmarks" / "out"
MIB = 1024 * 1024
BARE_RUNS = 3

# the environment `make run` gives the command (see the Makefile's exports)
QUIET_PREFECT = {
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
}


def command_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PREFECT_HOME", str(REPO / ".prefect"))
    for name, value in QUIET_PREFECT.items():
        env.setdefault(name, value)
    return env


def label(process: Any) -> str:
    """A short name for a process of the tree: its module or script, else its name."""
    import psutil

    try:
        words = process.cmdline()
    except psutil.Error:
        return "?"
    if "-m" in words[:-1]:
        return words[words.index("-m") + 1]
    if "-c" in words[:-1] and "multiprocessing" in words[words.index("-c") + 1]:
        return "worker process"
    return " ".join(words[:2])[:60] or process.name()


def sample_tree(pid: int, peaks: dict[int, list]) -> int:
    """The tree's RSS sum now; each process's peak kept in `peaks` (pid: [label, bytes])."""
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        with contextlib.suppress(psutil.Error):
            rss = process.memory_info().rss
            total += rss
            if process.pid not in peaks:
                peaks[process.pid] = [label(process), 0]
            peaks[process.pid][1] = max(peaks[process.pid][1], rss)
    return total


def run_measured(command: list[str], quiet: bool = True) -> dict[str, Any]:
    """Run a command from the repository root; its wall seconds, the peak RSS of its largest
    process (MiB, from wait4), the peak of its whole tree's RSS sum and the sampled peaks of
    its largest processes (MiB, sampled every 0.2 s)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=REPO, env=command_env(), stdout=subprocess.DEVNULL if quiet else None
    )
    peak = [0]
    peaks: dict[int, list] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], sample_tree(process.pid, peaks))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} failed with exit code {code}")
    largest = sorted(peaks.values(), key=lambda item: -item[1])[:4]
    return {
        "seconds": seconds,
        "peak_mib": usage.ru_maxrss / 1024,
        "tree_peak_mib": peak[0] / MIB,
        "largest_processes_mib": [[name, round(rss / MIB)] for name, rss in largest],
    }


def bare_pass(corpus: Path, output_file: Path) -> None:
    """The least a pipeline must do: read, decode with the known codec, t2s, write."""
    import opencc
    import pyarrow as pa
    import pyarrow.parquet as pq

    converter = opencc.OpenCC("t2s")
    paths, texts = [], []
    for entry in read_manifest(corpus):
        text = (corpus / "raw" / entry["file"]).read_bytes().decode(entry["codec"])
        if entry["traditional"]:
            text = converter.convert(text)
        paths.append(entry["file"])
        texts.append(text)
    table = pa.table({"source_path": paths, "text": texts})
    pq.write_table(table, output_file, compression="zstd")


def qingxi_command(raw: Path, output: Path) -> list[str]:
    return [sys.executable, "-m", "flows.normalize", "--input", str(raw), "--output", str(output)]


def end_to_end(corpus: Path, scratch: Path, extra: list[str]) -> dict[str, Any]:
    """The bare pass (median of `BARE_RUNS`: it takes a second or two and varies most on a
    shared machine) and the qingxi command (once) over the same files."""
    command = [sys.executable, "-m", "benchmarks.bench_pipeline", "--bare", str(corpus)]
    runs = [run_measured([*command, str(scratch / "bare.parquet")]) for _ in range(BARE_RUNS)]
    bare = sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]
    bare["all_seconds"] = [run["seconds"] for run in runs]
    output = scratch / "clean"
    shutil.rmtree(output, ignore_errors=True)
    qingxi = run_measured(qingxi_command(corpus / "raw", output) + extra)
    report = json.loads(next((output / "runs").glob("*.json")).read_text())
    qingxi["in_flow_seconds"] = report["seconds"]
    qingxi["seconds_per_stage"] = report["seconds_per_stage"]
    qingxi["counts"] = report["counts"]
    shutil.rmtree(output, ignore_errors=True)
    return {"bare": bare, "qingxi": qingxi}


def forget_memos() -> None:
    """Empty the structure stage's bounded per-process memos (the line-shape memo), not its
    unbounded caches of compiled patterns: pages that share no line with the first pass."""
    from transforms.structure import lines

    for value in vars(lines).values():
        info = getattr(value, "cache_info", None)
        if info is not None and info().maxsize is not None:
            value.cache_clear()


def stage_throughput(corpus: Path, profile: bool) -> dict[str, Any]:
    """Per-core MB/s of prepare, line keys and structure, in this process (CPU seconds)."""
    from transforms.config import PipelineConfig
    from transforms.pipeline import PreparedDocument, RawDocument, finish_document, prepare_document
    from transforms.script import SimplifiedConverter
    from transforms.structure.boilerplate import line_key_hash, line_keys_by_line, recurring_keys

    config = PipelineConfig()
    converter = SimplifiedConverter(config.script)
    entries = read_manifest(corpus)
    raws = [RawDocument(e["file"], (corpus / "raw" / e["file"]).read_bytes()) for e in entries]
    total = sum(len(raw.data) for raw in raws)
    # warm up on a seed page: OpenCC's dictionaries and the lazily compiled pattern tables
    # are loaded once a process, not per page
    seed = RawDocument("seed", sorted((REPO / "data" / "raw").glob("*.txt"))[0].read_bytes())
    warm = prepare_document(seed, config, converter)
    finish_document(warm, config, frozenset())
    started = time.process_time()
    prepared = [prepare_document(raw, config, converter) for raw in raws]
    prepare_seconds = time.process_time() - started
    documents = [doc for doc in prepared if isinstance(doc, PreparedDocument)]
    done = {doc.source_path for doc in documents}
    structured_bytes = sum(len(raw.data) for raw in raws if raw.source_path in done)
    # as the flow stages them: each line's key hash, and each page's distinct keys to count
    started = time.process_time()
    by_line = [line_keys_by_line(doc.text) for doc in documents]
    line_hashes = [[line_key_hash(key) if key else 0 for key in keys] for keys in by_line]
    keys = [set(filter(None, hashes)) for hashes in line_hashes]
    keys_seconds = time.process_time() - started
    recurring = recurring_keys(keys, config.structure.recurring_min_documents)
    pages = list(zip(documents, line_hashes, strict=True))
    started = time.process_time()
    rows = [finish_document(d, config, recurring, line_keys=hashes) for d, hashes in pages]
    structure_seconds = time.process_time() - started
    profiler = None
    if profile:  # a second pass under cProfile, the per-process memos emptied first
        forget_memos()
        profiler = cProfile.Profile()
        profiler.enable()
        for document, hashes in pages:
            finish_document(document, config, recurring, line_keys=hashes)
        profiler.disable()
    result = {
        "documents": len(raws),
        "quarantined": len(raws) - len(documents),
        "megabytes": total / 1e6,
        "recurring_keys": len(recurring),
        "prepare_mb_s": total / 1e6 / prepare_seconds,
        "line_keys_mb_s": structured_bytes / 1e6 / keys_seconds,
        "structure_mb_s": structured_bytes / 1e6 / structure_seconds,
        "prepare_seconds": prepare_seconds,
        "line_keys_seconds": keys_seconds,
        "structure_seconds": structure_seconds,
        "profiled": profile,
        "body_share": sum(len(r["text"]) for r in rows)
        / max(1, sum(len(d.text) for d in documents)),
        "encodings": dict(Counter(doc.encoding for doc in documents)),
        "scripts": dict(Counter(doc.script for doc in documents)),
    }
    if profiler:
        for order in ("cumulative", "tottime"):
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats(order).print_stats(15)
            result[f"profile_{order}"] = text.getvalue()
    return result


def print_end_to_end(label: str, stats: Any, runs: dict[str, Any]) -> None:
    megabytes = stats.bytes / 1e6
    bare_seconds = runs["bare"]["seconds"]
    print(
        f"\n{label}: {stats.documents} pages, {megabytes:.1f} MB, {stats.templates} templates, "
        f"{stats.exact_copies} exact + {stats.near_copies} near copies, codecs {stats.by_codec}"
    )
    print(
        f"{'':44} {'wall s':>7} {'MB/s':>7} {'docs/s':>7} {'peak MiB':>9} {'tree MiB':>9}"
        f" {'x bare':>7}"
    )
    rows = [
        ("bare pass (read, known codec, t2s, zstd)", runs["bare"]["seconds"], runs["bare"]),
        ("qingxi CLI, whole command", runs["qingxi"]["seconds"], runs["qingxi"]),
        ("qingxi, in flow (no start-up)", runs["qingxi"]["in_flow_seconds"], runs["qingxi"]),
    ]
    for name, seconds, run in rows:
        print(
            f"{name:44} {seconds:7.1f} {megabytes / seconds:7.2f} {stats.documents / seconds:7.0f} "
            f"{run['peak_mib']:9.0f} {run['tree_peak_mib']:9.0f} {bare_seconds / seconds:7.3f}"
        )
    stages = runs["qingxi"]["seconds_per_stage"]
    print(
        "qingxi seconds per stage (summed over workers):",
        ", ".join(f"{k} {v:.1f}" for k, v in stages.items()),
    )
    print("qingxi largest processes (sampled peak MiB):", runs["qingxi"]["largest_processes_mib"])
    counts = runs["qingxi"]["counts"]
    print(
        f"qingxi counts: {counts['documents_written']} documents, "
        f"{counts['quarantined']} quarantined, "
        f"{counts['duplicates']} duplicates, {counts['converted']} converted"
    )


def print_stages(result: dict[str, Any]) -> None:
    print(f"\nper core, in process, outside Prefect ({result['megabytes']:.1f} MB, CPU seconds):")
    for name, label in (
        ("prepare", "prepare (decode, hygiene, script, convert)"),
        ("line_keys", "line keys"),
        ("structure", "structure (finish_document)"),
    ):
        mb_s, seconds = result[f"{name}_mb_s"], result[f"{name}_seconds"]
        print(f"  {label:44} {mb_s:6.2f} MB/s ({seconds:.1f} s)")
    share = 100 * result["body_share"]
    print(
        f"  {result['recurring_keys']} recurring line keys; body keeps {share:.0f}% of characters"
    )
    for order in ("cumulative", "tottime"):
        if f"profile_{order}" in result:
            print(
                f"\nstructure stage under cProfile (second pass, memos emptied), top 15 by {order}:"
            )
            lines = result[f"profile_{order}"].splitlines()
            start = next(i for i, line in enumerate(lines) if "ncalls" in line)
            print("\n".join(lines[start : start + 16]))


def measure(megabytes: float, args: argparse.Namespace, stages: bool) -> dict[str, Any]:
    scratch = Path(tempfile.mkdtemp(prefix="qingxi-bench-"))
    try:
        started = time.perf_counter()
        stats = make_corpus(scratch, megabytes, seed=args.seed)
        print(
            f"corpus {megabytes:g} MB generated in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        runs = end_to_end(scratch, scratch, args.extra)
        print_end_to_end(f"{megabytes:g} MB corpus", stats, runs)
        result: dict[str, Any] = {
            "corpus": {
                "documents": stats.documents,
                "megabytes": stats.bytes / 1e6,
                "exact_copies": stats.exact_copies,
                "near_copies": stats.near_copies,
                "templates": stats.templates,
                "by_codec": stats.by_codec,
            },
            **runs,
        }
        if stages:
            result["stages"] = stage_throughput(scratch, args.profile)
            print_stages(result["stages"])
        return result
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def write_result(name: str, result: dict[str, Any]) -> None:
    OUT.mkdir(exist_ok=True)
    result["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    (OUT / name).write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"\nresults: {OUT / name}")


# ------------------------------------------------------------------ very large files


def one_line_file(path: Path, megabytes: float, seed: int) -> int:
    """A single line of composed Chinese prose, `megabytes` MB of UTF-8, no newline at all."""
    import random

    from benchmarks.realistic_corpus import Vocabulary

    vocab = Vocabulary(random.Random(seed))
    target = int(megabytes * 1e6)
    written = 0
    with path.open("wb") as out:
        while written < target:
            chunk = "".join(vocab.paragraph() for _ in range(200)).encode()
            chunk = chunk[: target - written].decode("utf-8", errors="ignore").encode()
            out.write(chunk)
            written += len(chunk)
            if len(chunk) == 0:
                break
    return written


def dataset_rows(output: Path, folder: str, columns: list[str]) -> list[dict]:
    import pyarrow.parquet as pq

    rows: list[dict] = []
    for part in sorted((output / folder).glob("*.parquet")):
        rows += pq.read_table(part, columns=columns).to_pylist()
    return rows


def cli_supports(option: str) -> bool:
    helptext = subprocess.run(
        [sys.executable, "-m", "flows.normalize", "--help"],
        cwd=REPO,
        env=command_env(),
        capture_output=True,
        text=True,
    ).stdout
    return option in helptext


def large_file_run(megabytes: float, args: argparse.Namespace) -> dict[str, Any]:
    scratch = Path(tempfile.mkdtemp(prefix="qingxi-big-"))
    try:
        raw = scratch / "raw"
        raw.mkdir()
        size = one_line_file(raw / f"one-line-{megabytes:g}mb.txt", megabytes, args.seed)
        output = scratch / "clean"
        run = run_measured(qingxi_command(raw, output) + args.extra)
        documents = dataset_rows(output, "documents", ["source_path", "n_chars", "flags"])
        quarantined = dataset_rows(output, "quarantine", ["source_path", "error_kind", "message"])
        run.update(
            file_bytes=size,
            documents=documents,
            quarantined=quarantined,
            outcome="document"
            if documents
            else (f"quarantine: {quarantined[0]['error_kind']}" if quarantined else "nothing"),
        )
        return run
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def single_line(args: argparse.Namespace) -> None:
    result: dict[str, Any] = {}
    print("60 MB single-line UTF-8 file through the CLI (default options) ...", flush=True)
    run = large_file_run(60, args)
    result["one_line_60mb"] = run
    print(
        f"  60 MB one line: {run['seconds']:.0f} s, peak RSS {run['peak_mib']:.0f} MiB (largest "
        f"process; tree {run['tree_peak_mib']:.0f} MiB; target <= 1024), outcome {run['outcome']}"
    )
    print(f"  largest processes (sampled peak MiB): {run['largest_processes_mib']}")
    if cli_supports("--max-file-bytes") or args.force_too_large:
        print("70 MB file (above the 64 MB default of --max-file-bytes) ...", flush=True)
        run = large_file_run(70, args)
        result["file_70mb"] = run
        ok = run["outcome"] == "quarantine: too_large"
        print(
            f"  70 MB: {run['seconds']:.0f} s, peak RSS {run['peak_mib']:.0f} MiB, outcome "
            f"{run['outcome']} ({'as required' if ok else 'NOT quarantined as too_large'})"
        )
    else:
        result["file_70mb"] = "skipped: the CLI has no --max-file-bytes option"
        print(
            "  70 MB too_large check skipped: `python -m flows.normalize --help` lists no "
            "--max-file-bytes (not implemented); --force-too-large runs it anyway"
        )
    write_result("single_line.json", result)


def growth(args: argparse.Namespace) -> None:
    small = measure(args.megabytes, args, stages=False)
    large = measure(args.megabytes * 10, args, stages=False)
    size_ratio = large["corpus"]["megabytes"] / small["corpus"]["megabytes"]
    wall = large["qingxi"]["seconds"] / small["qingxi"]["seconds"]
    flow = large["qingxi"]["in_flow_seconds"] / small["qingxi"]["in_flow_seconds"]
    rss = large["qingxi"]["peak_mib"] / small["qingxi"]["peak_mib"]
    tree = large["qingxi"]["tree_peak_mib"] / small["qingxi"]["tree_peak_mib"]
    bare = large["bare"]["seconds"] / small["bare"]["seconds"]
    print(
        f"\ngrowth {args.megabytes:g} MB -> {10 * args.megabytes:g} MB "
        f"({size_ratio:.2f}x the data):"
    )
    print(
        f"  time: whole command {wall:.2f}x, in flow {flow:.2f}x (target <= 11x); "
        f"bare pass {bare:.2f}x"
    )
    print(f"  peak RSS: largest process {rss:.2f}x, tree {tree:.2f}x (target <= 1.3x)")
    write_result(
        "growth.json",
        {
            "small": small,
            "large": large,
            "ratios": {
                "data": size_ratio,
                "wall": wall,
                "in_flow": flow,
                "rss": rss,
                "tree_rss": tree,
                "bare": bare,
            },
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megabytes", type=float, default=20, help="corpus size (MB of raw files)")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--growth", action="store_true", help="run --megabytes and 10x it; print the ratios"
    )
    parser.add_argument(
        "--single-line", action="store_true", help="the 60 MB one-line and 70 MB checks"
    )
    parser.add_argument(
        "--force-too-large",
        action="store_true",
        help="run the 70 MB file even without --max-file-bytes",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the structure stage: top 15"
    )
    parser.add_argument(
        "--no-stages", action="store_true", help="skip the in-process per-core figures"
    )
    parser.add_argument("--bare", nargs=2, metavar=("CORPUS", "OUTPUT"), help=argparse.SUPPRESS)
    args, extra = parser.parse_known_args()
    args.extra = extra  # anything else goes to `python -m flows.normalize` (e.g. --workers 1)
    if args.bare:
        bare_pass(Path(args.bare[0]), Path(args.bare[1]))
        return
    if args.single_line:
        single_line(args)
    elif args.growth:
        growth(args)
    else:
        result = measure(args.megabytes, args, stages=not args.no_stages)
        write_result(f"pipeline-{args.megabytes:g}mb.json", result)


if __name__ == "__main__":
    main()
