"""One run at a time per output folder: a lock file naming its owner.

`<output>/.lock` holds the owner's run id, pid, host and start time. It is created with
O_EXCL, so of two runs starting together exactly one gets it; the other is refused with a
message naming the owner. A lock whose pid is dead on this host is stale (the run was
killed): it is taken over. Only the run that holds the lock may enter it again (same run
id, same process): a second run in the same process (two threads calling the flow) is
refused like any other.

Every run of the `normalize` flow takes it, whoever starts the run: the CLI, a deployment
(scheduled or triggered), a test or a notebook. A refused flow run fails with
OutputLockedError naming the owner; it never waits. The CLI also `check`s the lock before
Prefect starts, so that a refusal costs a line, not a server start-up.
Object stores (fsspec URLs) have no exclusive create: there the lock is not taken.
"""

import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows.storage import Where

LOCK_FILE = ".lock"


class OutputLockedError(RuntimeError):
    """Another live run owns the output folder."""


def _owner_is_alive(owner: dict) -> bool:
    if owner.get("host") != socket.gethostname():
        return True  # another machine's pid cannot be checked: assume it is running
    try:
        os.kill(int(owner["pid"]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True


def _read_owner(lock: Path) -> dict | None:
    try:
        return json.loads(lock.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):  # half-written by a run killed mid-write: stale
        return {}


def _create(lock: Path, run_id: str) -> bool:
    try:
        descriptor = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    owner = {
        "run_id": run_id,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    with os.fdopen(descriptor, "w") as handle:
        json.dump(owner, handle)
    return True


def acquire(output: Where, run_id: str) -> bool:
    """Take the lock of `output` for `run_id`; True when this call took it (and must release
    it), False when this run already holds it or the output is not local. Raises
    OutputLockedError when another live run owns it, in this process or another."""
    if not isinstance(output, Path):
        return False
    output.mkdir(parents=True, exist_ok=True)
    lock = output / LOCK_FILE
    for _ in range(3):  # a stale lock removed by a racing run: try again
        if _create(lock, run_id):
            return True
        owner = _read_owner(lock)
        if owner is None:
            continue
        if _is_mine(owner, run_id):
            return False
        if owner and _owner_is_alive(owner):
            raise _locked_error(output, lock, owner)
        lock.unlink(missing_ok=True)  # stale: its run was killed
    raise OutputLockedError(f"could not take the lock {lock}: other runs keep racing for it")


def _is_mine(owner: dict, run_id: str) -> bool:
    return (
        owner.get("run_id") == run_id
        and owner.get("pid") == os.getpid()
        and owner.get("host") == socket.gethostname()
    )


def _locked_error(output: Where, lock: Path, owner: dict) -> OutputLockedError:
    return OutputLockedError(
        f"output {output} is in use by run {owner.get('run_id')} "
        f"(pid {owner.get('pid')} on {owner.get('host')}, since {owner.get('started_at')});"
        f" wait for it to finish, or delete {lock} if that run is gone"
    )


def check(output: Where) -> None:
    """Raise OutputLockedError when a live run owns `output`; take nothing. (The run that
    follows takes the lock itself, and is refused if another run took it meanwhile.)"""
    if not isinstance(output, Path):
        return
    lock = output / LOCK_FILE
    owner = _read_owner(lock)
    if owner and _owner_is_alive(owner):
        raise _locked_error(output, lock, owner)


def release(output: Where) -> None:
    if isinstance(output, Path):
        (output / LOCK_FILE).unlink(missing_ok=True)


@contextmanager
def locked(output: Where, run_id: str) -> Iterator[None]:
    taken = acquire(output, run_id)
    try:
        yield
    finally:
        if taken:
            release(output)
