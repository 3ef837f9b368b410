"""A Prefect API server for one command, started before the command imports Prefect.

With no API configured (`PREFECT_API_URL`), Prefect starts a temporary server when the flow
run begins: the flow process first imports the server's code (~1.8 s here), then waits
~3.5 s for the server process to answer, on every run. Started as the command's first act,
with Prefect's own `prefect server start` (no UI, no scheduler, no late-runs service: what a
temporary server runs without too) on the same database in `PREFECT_HOME`, the server comes
up while this process imports Prefect, Arrow, pandas and qingxi, and this process never
imports the server's code. Anything that goes wrong here falls back to Prefect's temporary
server, which then says what is wrong.
"""

import atexit
import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

ANSWER_TIMEOUT_SECONDS = 60.0
_PR_SET_PDEATHSIG = 1


@dataclass
class EarlyServer:
    process: subprocess.Popen[bytes]
    api_url: str

    def answers(self, timeout_seconds: float = ANSWER_TIMEOUT_SECONDS) -> bool:
        """Whether the server answers its health check within the timeout (False at once
        if it has exited: a port taken meanwhile, a broken install)."""
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:
                    if response.status == 200:
                        return True
            except OSError:  # not listening yet
                pass
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    """In the server's process, before it runs: end it when the command's process ends,
    even by SIGKILL (Linux), so that no server outlives its run."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def start_server() -> EarlyServer | None:
    """Start the server, unless an API is configured in the environment (None then, or when
    the server cannot be started)."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    port = _free_port()
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
               "--port", str(port), "--no-ui", "--no-scheduler", "--no-late-runs",
               "--log-level", "error"]  # fmt: skip
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # no other thread runs yet, so running Python code in the child is safe
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
    except OSError:
        return None
    server = EarlyServer(process, f"http://127.0.0.1:{port}/api")
    # at exit, and registered before Prefect is imported: atexit runs its functions last
    # registered first, so Prefect's log and event workers send what they hold before this
    atexit.register(server.stop)
    return server


@contextlib.contextmanager
def used_by_flow(server: EarlyServer | None) -> Iterator[None]:
    """Run what is inside against `server` once it answers; without a server, or when it
    does not answer, or when a Prefect profile names an API, as Prefect would have."""
    if server is None:
        yield
        return
    from prefect.context import refresh_global_settings_context
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value() or not server.answers():  # a profile's API wins
        server.stop()
        yield
        return
    # in the environment, and Prefect's settings read again from it: its log and event
    # workers run on threads of their own, which see the global settings, not a context
    # entered on this thread, and the batch workers inherit the environment
    os.environ["PREFECT_API_URL"] = server.api_url
    refresh_global_settings_context()
    try:
        yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        refresh_global_settings_context()
