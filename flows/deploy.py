"""Serve the `normalize` flow as a scheduled Prefect deployment.

    python -m flows.deploy --cron "0 2 * * *" --input data/raw --output data/clean

registers the deployment `normalize/qingxi` with its cron schedule and parameters on the
Prefect API in `PREFECT_API_URL`, then stays up to run what the schedule (or a user, with
`prefect deployment run normalize/qingxi`) asks for. Stop it with Ctrl-C. For a work-pool
set-up, `prefect.yaml` at the top of the repository defines the same deployment.
"""

import argparse
import os
import sys

DEFAULT_CRON = "0 2 * * *"  # daily at 02:00, in the schedule's time zone
DEFAULT_TIME_ZONE = "Asia/Shanghai"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m flows.deploy", description=__doc__)
    parser.add_argument("--name", default="qingxi", help="deployment name")
    parser.add_argument("--cron", default=DEFAULT_CRON, help="cron schedule")
    parser.add_argument("--timezone", default=DEFAULT_TIME_ZONE, help="schedule's time zone")
    parser.add_argument("--input", default="data/raw")
    parser.add_argument("--output", default="data/clean")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--dask-address", help="run batches on this Dask scheduler")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not os.environ.get("PREFECT_API_URL"):
        print("qingxi: error: set PREFECT_API_URL to a running Prefect server", file=sys.stderr)
        return 2
    from prefect.schedules import Cron

    from flows.normalize import normalize

    normalize.serve(
        name=args.name,
        schedule=Cron(args.cron, timezone=args.timezone),
        parameters={
            "input_path": args.input,
            "output_path": args.output,
            "workers": args.workers,
            "dask_address": args.dask_address,
        },
        description="Normalize raw Chinese pages into the qingxi Parquet dataset.",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
