"""The `qingxi` command: `qingxi normalize` (the flow; also `python -m flows.normalize`),
`qingxi explain` (one page of the published dataset, line by line) and `qingxi report` (a
run's HTML report, drawn again from its JSON).

Arguments are checked before Prefect starts: a wrong path costs a line, not 10 seconds of
server start-up. Relative paths are relative to the folder the command runs in.
"""

import argparse
import gc
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from flows.limits import DEFAULT_BATCH_FILES, DEFAULT_MAX_FILE_BYTES

NORMALIZE_DESCRIPTION = "Turn raw Chinese news/government page dumps into clean, typed Parquet."


def build_parser(prog: str = "python -m flows.normalize") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=NORMALIZE_DESCRIPTION,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    return add_normalize_arguments(parser)


def add_normalize_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    io = parser.add_argument_group("input and output")
    io.add_argument(
        "--input",
        default="data/raw",
        help="a raw file, or a folder read recursively (a path or an fsspec URL, e.g. s3://…)",
    )
    io.add_argument("--glob", default="**/*", help="which files of --input to read (glob)")
    io.add_argument("--output", default="data/clean", help="dataset folder (path or URL) to write")
    io.add_argument(
        "--full-refresh",
        action="store_true",
        help="reprocess every file and rebuild the dataset from --input alone",
    )
    run = parser.add_argument_group("execution")
    run.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="worker processes")
    run.add_argument(
        "--batch-size",
        type=int,
        default=DEFAULT_BATCH_FILES,
        help="most files per Prefect task (batches also stop at 8 MiB, less on small corpora)",
    )
    run.add_argument(
        "--max-file-bytes",
        type=int,
        default=DEFAULT_MAX_FILE_BYTES,
        help="files larger than this are quarantined as too_large, never read (default 64 MiB)",
    )
    run.add_argument("--dask-address", help="run batches on this Dask scheduler (tcp://host:port)")
    run.add_argument("--verbose", action="store_true", help="show Prefect's log lines")
    stages = parser.add_argument_group("stages")
    stages.add_argument("--opencc-config", help="OpenCC configuration for Traditional text")
    stages.add_argument("--corrections", help="extra TSV of phrase corrections after OpenCC")
    stages.add_argument(
        "--no-widen-punctuation",
        action="store_true",
        help="keep half-width , : ; ( ) ? ! next to Han characters as they are",
    )
    stages.add_argument(
        "--recurring-min-documents",
        type=int,
        help="a line found in at least this many documents is boilerplate (cc_net's rule)",
    )
    stages.add_argument(
        "--dedup-threshold", type=float, help="Jaccard similarity of near-duplicates"
    )
    stages.add_argument("--options", help="JSON file of per-stage options (see README)")
    return parser


def stage_options(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    options: dict[str, dict[str, Any]] = {}
    if args.options:
        options = json.loads(Path(args.options).read_text())
    flags = {
        ("script", "opencc_config"): args.opencc_config,
        ("script", "extra_corrections"): args.corrections,
        ("hygiene", "widen_punctuation"): False if args.no_widen_punctuation else None,
        ("structure", "recurring_min_documents"): args.recurring_min_documents,
        ("dedup", "threshold"): args.dedup_threshold,
    }
    for (stage, name), value in flags.items():
        if value is not None:
            options.setdefault(stage, {})[name] = value
    return options


def validate(args: argparse.Namespace) -> str | None:
    """One line saying what is wrong with the arguments, or None."""
    from flows.storage import exists

    if not exists(args.input):
        return f"input path does not exist: {args.input}"
    if args.options and not Path(args.options).is_file():
        return f"options file does not exist: {args.options}"
    if args.corrections and not Path(args.corrections).is_file():
        return f"corrections file does not exist: {args.corrections}"
    if args.workers < 1 or args.batch_size < 1 or args.max_file_bytes < 1:
        return "--workers, --batch-size and --max-file-bytes must be at least 1"
    return None


def show_prefect_logs() -> None:
    for handler in logging.getLogger("prefect").handlers:
        handler.setLevel(logging.INFO)


def main(argv: list[str] | None = None) -> int:
    """`python -m flows.normalize …`: the normalize sub-command alone."""
    return run_normalize(build_parser().parse_args(argv))


def qingxi_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qingxi", description="清洗: clean raw Chinese pages into a Parquet dataset."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_normalize_arguments(
        commands.add_parser(
            "normalize",
            help="clean raw pages into the dataset (the Prefect flow)",
            description=NORMALIZE_DESCRIPTION,
            formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        )
    )
    from flows import explain

    explain.add_arguments(
        commands.add_parser(
            "explain",
            help="show one page line by line: what was kept, what was removed and why",
            description=explain.__doc__.split("\n\n")[0],
        )
    )
    report_command = commands.add_parser(
        "report", help="draw a run's HTML report again from its JSON report"
    )
    report_command.add_argument("--output", default="data/clean", help="dataset folder")
    report_command.add_argument("run_id", nargs="?", help="run id (default: the latest run)")
    return parser


def qingxi(argv: list[str] | None = None) -> int:
    """The `qingxi` console command."""
    args = qingxi_parser().parse_args(argv)
    if args.command == "explain":
        from flows import explain

        return explain.run(args)
    if args.command == "report":
        from flows.run_page import redraw

        return redraw(args.output, args.run_id)
    return run_normalize(args)


def run_normalize(args: argparse.Namespace) -> int:
    problem = validate(args)
    if problem:
        print(f"qingxi: error: {problem}", file=sys.stderr)
        return 2
    try:
        options = stage_options(args)
        from transforms.config import PipelineConfig

        PipelineConfig.from_dict(options)
    except (ValueError, TypeError) as error:  # bad JSON or unknown option: say so, no traceback
        print(f"qingxi: error: {error}", file=sys.stderr)
        return 2

    problem = dead_prefect_server()
    if problem:
        print(f"qingxi: error: {problem}", file=sys.stderr)
        return 2
    from flows import output_lock
    from flows.storage import location

    try:  # before Prefect starts; the flow run takes the lock itself
        output_lock.check(location(args.output))
    except output_lock.OutputLockedError as error:
        print(f"qingxi: error: {error}", file=sys.stderr)
        return 3

    from flows import api_server

    server = api_server.start_server()  # comes up while the imports below run; stops at exit
    try:
        from flows import report
        from flows.normalize import normalize

        # The imports' ~200k objects stay for the command's life: out of every later full
        # collection (this process ends with the run; see flows.memory for the workers)
        gc.freeze()
        if args.verbose:
            show_prefect_logs()
        report.console_progress = sys.stderr.isatty() and not args.verbose
        with api_server.used_by_flow(server):
            summary = normalize(
                input_path=args.input,
                output_path=args.output,
                pattern=args.glob,
                workers=args.workers,
                batch_size=args.batch_size,
                dask_address=args.dask_address,
                full_refresh=args.full_refresh,
                options=options,
                max_file_bytes=args.max_file_bytes,
            )
    except output_lock.OutputLockedError as error:  # another run took it since the check
        print(f"qingxi: error: {error}", file=sys.stderr)
        return 3
    except Exception as error:
        if args.dask_address and type(error).__name__ == "ClusterError":
            print(f"qingxi: error: {error}", file=sys.stderr)  # one line: how to fix the cluster
            return 1
        raise
    print(report.console_summary(summary))
    problem = failed_batches_problem(summary)
    if problem:
        print(f"qingxi: error: {problem}", file=sys.stderr)
        return 1
    return 0


def failed_batches_problem(summary: dict[str, Any]) -> str | None:
    """One line when batches failed (their files' previous rows were kept), else None."""
    failed = summary.get("failed_batches") or []
    if not failed:
        return None
    return (
        f"{len(failed)} batch(es) failed, the previous rows of their files were kept; "
        f"first: {failed[0]['error']}"
    )


def dead_prefect_server(timeout_seconds: float = 3.0) -> str | None:
    """One line when PREFECT_API_URL names a server that does not answer, else None: the
    Prefect client would otherwise retry for minutes before it says anything."""
    url = os.environ.get("PREFECT_API_URL")
    if not url:
        return None
    import httpx

    try:
        httpx.get(url.rstrip("/") + "/health", timeout=timeout_seconds).raise_for_status()
    except httpx.HTTPError as error:
        return (
            f"the Prefect server at PREFECT_API_URL={url} does not answer "
            f"({type(error).__name__}: {error}); start it, or unset PREFECT_API_URL to run "
            "with a temporary local server"
        )
    return None
