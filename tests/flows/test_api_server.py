"""The Prefect API server a CLI run starts as its first act (`flows.api_server`).

A run without a configured API records its flow and task runs on a real Prefect server it
starts itself, leaves no server behind (not even when killed), and falls back to Prefect's
own temporary server when its early one does not come up.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil

from flows import api_server
from tests.conftest import RAW, REPO


def servers_of(prefect_home: Path) -> list[psutil.Process]:
    """The Prefect server processes running on the database in `prefect_home`."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        try:
            command = " ".join(process.info["cmdline"] or [])
            server = "prefect server start" in command or "prefect.server.api.server" in command
            if server and process.environ().get("PREFECT_HOME") == str(prefect_home):
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def cli_environment(prefect_home: Path) -> dict[str, str]:
    environment = {**os.environ, "PREFECT_HOME": str(prefect_home)}
    environment.pop("PREFECT_API_URL", None)
    return environment


def test_a_run_without_an_api_records_itself_on_the_server_it_started(tmp_path):
    home, output = tmp_path / "prefect", tmp_path / "clean"
    result = subprocess.run(
        [sys.executable, "-m", "flows.normalize", "--input", str(RAW), "--output", str(output)],
        cwd=REPO,
        env=cli_environment(home),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stderr  # no log or event lost to a stopped server
    run_id = next((output / "runs").glob("*.json")).stem
    with sqlite3.connect(home / "prefect.db") as database:
        (state,) = database.execute(
            "SELECT state_name FROM flow_run WHERE id = ?", (run_id,)
        ).fetchone()
        tasks = database.execute(
            "SELECT COUNT(*) FROM task_run WHERE flow_run_id = ? AND state_name = 'Completed'",
            (run_id,),
        ).fetchone()[0]
    assert state == "Completed"
    assert tasks >= 4  # prepare, count, finish, deduplicate, publish
    assert servers_of(home) == []


def test_a_killed_run_takes_its_server_with_it(tmp_path):
    home = tmp_path / "prefect"
    run = subprocess.Popen(
        [sys.executable, "-m", "flows.normalize", "--input", str(RAW),
         "--output", str(tmp_path / "clean")],
        cwd=REPO,
        env=cli_environment(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not servers_of(home) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert servers_of(home), "the run started no server"
    run.send_signal(signal.SIGKILL)  # the run alone, not its process group
    run.wait()
    deadline = time.monotonic() + 15
    while servers_of(home) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert servers_of(home) == []


def test_no_server_is_started_when_the_environment_names_an_api(monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert api_server.start_server() is None


def test_a_server_that_exits_is_not_used_and_prefect_falls_back_to_its_own(monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    exited = subprocess.Popen([sys.executable, "-c", "raise SystemExit(1)"])
    server = api_server.EarlyServer(exited, "http://127.0.0.1:9/api")
    exited.wait()
    started = time.monotonic()
    assert not server.answers(timeout_seconds=30)
    assert time.monotonic() - started < 1  # an exited server is not waited for
    with api_server.used_by_flow(server):
        assert "PREFECT_API_URL" not in os.environ  # so the flow run starts Prefect's own
