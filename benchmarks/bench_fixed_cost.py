"""Fixed cost: `make run` on the five seeds against a trivial one-task Prefect flow.

    python -m benchmarks.bench_fixed_cost [--rounds 3]      (or: make bench-fixed)

Every command runs in a fresh process from the repository root with the environment
`make run` gives it (PREFECT_HOME=<repo>/.prefect unless set, quiet logging, no analytics)
and no PREFECT_API_URL, so each starts Prefect the way the CLI does: a temporary local API
server for the run (ephemeral mode), stopped at exit. Measured, interleaved, `--rounds`
times each, median kept:
- (a) trivial: `python -m benchmarks.bench_fixed_cost --trivial`, a flow with one task that
  returns a number (default task runner);
- (b) fresh: `python -m flows.normalize --input data/raw --output <new folder>` (default
  options: as many worker processes as cores);
- (c) current: the same command again on (b)'s output: nothing to process (checked);
- (d) fresh with `--workers 1` (for information: no worker processes to start).
Target (issue 12 point 4): (b) and (c) within 1.5x of (a).
"""

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_pipeline import OUT, run_measured


def trivial_flow() -> None:
    from prefect import flow, task

    @task
    def one() -> int:
        return 1

    @flow(name="trivial")
    def trivial() -> int:
        return one()

    assert trivial() == 1


def latest_report(output: Path) -> dict:
    reports = sorted((output / "runs").glob("*.json"), key=lambda path: path.stat().st_mtime_ns)
    return json.loads(reports[-1].read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--input", default="data/raw")
    parser.add_argument("--trivial", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.trivial:
        trivial_flow()
        return

    python = sys.executable
    trivial = [python, "-m", "benchmarks.bench_fixed_cost", "--trivial"]
    scratch = Path(tempfile.mkdtemp(prefix="qingxi-fixed-"))
    names = {
        "trivial": "(a) trivial one-task Prefect flow",
        "fresh": "(b) qingxi, data/raw -> new output",
        "current": "(c) qingxi, dataset already current",
        "fresh_workers_1": "(d) qingxi --workers 1, new output",
    }
    times: dict[str, list[float]] = {name: [] for name in names}
    memory: dict[str, list[float]] = {name: [] for name in names}
    try:
        run_measured(trivial)  # warm-up, not counted: the first start may migrate the database
        for round_number in range(args.rounds):
            output = scratch / f"clean-{round_number}"
            single = scratch / f"single-{round_number}"
            normalize = [python, "-m", "flows.normalize", "--input", args.input]
            commands = {
                "trivial": trivial,
                "fresh": [*normalize, "--output", str(output)],
                "current": [*normalize, "--output", str(output)],
                "fresh_workers_1": [*normalize, "--output", str(single), "--workers", "1"],
            }
            for name, command in commands.items():
                run = run_measured(command)
                times[name].append(run["seconds"])
                memory[name].append(run["peak_mib"])
                if name == "fresh":
                    files = latest_report(output)["counts"]["files_processed"]
                    assert files > 0, "the fresh run processed nothing"
                if name == "current":
                    files = latest_report(output)["counts"]["files_processed"]
                    assert files == 0, f"the rerun processed {files} files: dataset not current"
            print(
                f"round {round_number + 1}: "
                + ", ".join(f"{name} {values[-1]:.1f} s" for name, values in times.items()),
                flush=True,
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    base = statistics.median(times["trivial"])
    print(f"\nmedian of {args.rounds} (each a fresh process, whole command wall time):")
    print(f"{'':40} {'median s':>9} {'runs s':>18} {'peak MiB':>9} {'x (a)':>6}")
    result = {}
    for name, label in names.items():
        median = statistics.median(times[name])
        runs = " ".join(f"{value:.1f}" for value in times[name])
        peak = max(memory[name])
        print(f"{label:40} {median:9.1f} {runs:>18} {peak:9.0f} {median / base:6.2f}")
        result[name] = {"seconds": times[name], "median": median, "ratio": median / base}
    print("target: (b) and (c) <= 1.5x (a)")
    OUT.mkdir(exist_ok=True)
    result["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    (OUT / "fixed_cost.json").write_text(json.dumps(result, indent=2))
    print(f"results: {OUT / 'fixed_cost.json'}")


if __name__ == "__main__":
    main()
