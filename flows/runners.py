"""Which Prefect task runner executes the batch tasks, chosen from the run's parameters.

The flow picks the runner at run time (not at decoration time) so that the same `normalize`
flow serves the CLI, the tests and the deployments, and a deployment parameter can send the
batches to a Dask cluster.
"""

import os

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner


def share_api_with_workers() -> None:
    """Point worker processes at this process's Prefect API.

    Without a configured API, Prefect starts a temporary server per process: every worker of
    a process pool would pay ~8 s and run its own SQLite server. Exporting the API this
    process uses (the configured one, or its temporary server) makes workers report to it.
    """
    from prefect.settings import PREFECT_API_URL

    configured = PREFECT_API_URL.value()
    if configured:
        os.environ["PREFECT_API_URL"] = configured
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the singleton this process already started
    server.start()
    os.environ["PREFECT_API_URL"] = server.api_url


def make_task_runner(workers: int, dask_address: str | None = None) -> TaskRunner:
    """A runner for CPU-bound batch tasks.

    - `dask_address`: an existing Dask scheduler, through prefect-dask (the flow then also
      runs its corpus-wide steps there: `flows.cluster`).
    - `workers > 1`: a local process pool (one process per core; threads would share the GIL).
      A prefect-dask `LocalCluster` was measured against it (benchmarks/bench_scale.py, 600
      pages, 2 cores, three runs): pool 24.2 / 29.3 / 24.2 s, cluster 40.2 (before its
      partitions were coalesced) / 21.3 / 23.3 s plus 1.4-1.7 s to start, per-task cost
      116-282 ms against 194-245 ms. No clear winner: the pool stays the local default (no
      start-up, no second scheduler); a cluster is used through its address.
    - otherwise: a single thread, which keeps tests and small runs cheap.
    """
    if dask_address:
        from prefect_dask import DaskTaskRunner

        share_api_with_workers()
        return DaskTaskRunner(address=dask_address)
    if workers > 1:
        share_api_with_workers()
        return ProcessPoolTaskRunner(max_workers=workers)
    return ThreadPoolTaskRunner(max_workers=1)
