"""A real Prefect server on 127.0.0.1: the scheduled deployment is registered, its schedule
creates runs, a run triggered by hand completes and writes the dataset, and everything shuts
down with no process left behind. Slow (~30-60 s) but it is what operators rely on.

The schedule is set half a day away from the test's start, so that no scheduled run is due
while the triggered run writes: with "0 2 * * *" a run of the test near 18:00 UTC had the
schedule's run and the triggered one start together on one output (the second is refused by
the output lock and fails)."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest

from tests.conftest import RAW, REPO

DEPLOYMENT = "normalize/qingxi"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout: float, what: str, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except httpx.HTTPError:  # a busy server's timeout: ask again
            value = None
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    # A session of its own, so that stopping it stops every process it started.
    return subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def leftovers() -> str:
        found = subprocess.run(["pgrep", "-g", str(process.pid)], capture_output=True, text=True)
        pids = found.stdout.split()
        if not pids:
            return ""
        listing = subprocess.run(
            ["ps", "-o", "pid,stat,cmd", "-p", ",".join(pids)], capture_output=True, text=True
        )
        return listing.stdout

    deadline = time.monotonic() + 15
    while leftovers() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not leftovers(), f"processes left behind:\n{leftovers()}"


@pytest.fixture
def server(tmp_path):
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    }
    prefect = str(Path(sys.executable).parent / "prefect")
    process = start(
        [prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env,
        tmp_path / "server.log",
    )

    def healthy() -> bool:
        try:
            return httpx.get(f"{api}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_for(healthy, 90, "the Prefect server")
        yield api, env
    finally:
        stop(process)


def cron_far_from_now() -> str:
    """A daily cron whose next run is about 12 hours away (UTC)."""
    due = datetime.now(UTC) + timedelta(hours=12)
    return f"{due.minute} {due.hour} * * *"


def test_scheduled_deployment_runs_on_a_real_server(server, tmp_path):
    api, env = server
    cron = cron_far_from_now()
    raw, output = tmp_path / "raw", tmp_path / "clean"
    shutil.copytree(RAW, raw)
    serve = start(
        [
            sys.executable,
            "-m",
            "flows.deploy",
            "--cron",
            cron,
            "--timezone",
            "UTC",
            "--input",
            str(raw),
            "--output",
            str(output),
            "--workers",
            "1",
        ],
        env,
        tmp_path / "serve.log",
    )
    try:
        client = httpx.Client(base_url=api, timeout=30)

        def answer(response: httpx.Response):
            """The JSON of a successful answer, else None: a SQLite-backed server answers
            errors ("database is locked") while its scheduler writes, and we poll again."""
            return response.json() if response.status_code < 300 else None

        def deployment():
            found = answer(
                client.post(
                    "/deployments/filter", json={"deployments": {"name": {"any_": ["qingxi"]}}}
                )
            )
            return found[0] if found else None

        registered = wait_for(deployment, 90, "the deployment to be registered")
        assert registered["schedules"][0]["schedule"]["cron"] == cron
        assert registered["parameters"]["input_path"] == str(raw)

        def scheduled_runs():
            return answer(
                client.post(
                    "/flow_runs/filter",
                    json={
                        "deployments": {"id": {"any_": [registered["id"]]}},
                        "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
                    },
                )
            )

        scheduled = wait_for(scheduled_runs, 60, "the scheduler to create SCHEDULED runs")
        earliest = min(datetime.fromisoformat(r["expected_start_time"]) for r in scheduled)
        assert earliest > datetime.now(UTC) + timedelta(hours=11)  # none due during the test

        answers = []

        def trigger():
            response = client.post(f"/deployments/{registered['id']}/create_flow_run", json={})
            answers.append(f"{response.status_code} {response.text[:200]}")
            return answer(response)

        try:
            run = wait_for(trigger, 60, "a run to be created", interval=2)
        except AssertionError as error:
            raise AssertionError(f"{error}; the server answered: {answers[-3:]}") from None

        def final_state():
            found = answer(client.get(f"/flow_runs/{run['id']}"))
            state = found["state"] if found else None
            return state if state and state["type"] in ("COMPLETED", "FAILED", "CRASHED") else None

        state = wait_for(final_state, 180, "the triggered run to finish", interval=1)
        assert state["type"] == "COMPLETED", (tmp_path / "serve.log").read_text()[-3000:]
        documents = pq.read_table(output / "documents")
        assert documents.num_rows == 5
        assert (output / "runs" / f"{run['id']}.json").is_file()

        def artifacts():
            found = answer(
                client.post(
                    "/artifacts/filter",
                    json={"artifacts": {"flow_run_id": {"any_": [run["id"]]}}},
                )
            )
            return found if found is not None and len(found) >= 2 else None

        keys = {artifact["key"] for artifact in wait_for(artifacts, 30, "the run's artifacts")}
        assert {"normalize-summary", "normalize-quarantine"} <= keys
    finally:
        stop(serve)
