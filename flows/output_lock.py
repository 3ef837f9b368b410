"""One run at a time per output folder: a lock file naming its owner.

`<output>/.lock` holds the owner's run id, pid, host and start time. Runs read and take it
while holding an flock on the output folder itself, so of two runs starting together
exactly one gets it; the other is refused with a message naming the owner. (Without that
guard a lock read half-written, or two runs taking over the same stale lock, let both in.)
The lock is written whole (a temporary file renamed over it). A lock whose pid is dead on
this host is stale (the run was killed): it is taken over. Only the run that holds the
lock may enter it again (same run id, same process): a second run in the same process
(two threads calling the flow) is refused like any other.

Every run of the `normalize` flow takes it, whoever starts the run: the CLI, a deployment
(scheduled or triggered), a test or a notebook. A refused flow run fails with
OutputLockedError naming the owner; it never waits. The CLI also `check`s the lock before
Prefect starts, so that a refusal costs a line, not a server start-up.
Object stores (fsspec URLs) have no exclusive create: there the lock is not taken.
"""

import fcntl
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


@contextmanager
def _guarded(output: Path) -> Iterator[None]:
    """Hold an exclusive flock on the folder while the lock is read and written; it is held
    for microseconds, and the kernel drops it if the process dies."""
    descriptor = os.open(output, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing drops the flock


def _write(lock: Path, run_id: str) -> None:
    owner = {
        "run_id": run_id,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    partial = lock.with_name(f"{lock.name}.{os.getpid()}.partial")
    try:
        partial.write_text(json.dumps(owner))
        os.replace(partial, lock)  # readers see the old lock or the whole new one
    finally:
        partial.unlink(missing_ok=True)  # a full disk must not leave it behind


def acquire(output: Where, run_id: str) -> bool:
    """Take the lock of `output` for `run_id`; True when this call took it (and must release
    it), False when this run already holds it or the output is not local. Raises
    OutputLockedError when another live run owns it, in this process or another."""
    if not isinstance(output, Path):
        return False
    output.mkdir(parents=True, exist_ok=True)
    lock = output / LOCK_FILE
    with _guarded(output):
        owner = _read_owner(lock)
        if owner and _is_mine(owner, run_id):
            return False
        if owner and _owner_is_alive(owner):
            raise _locked_error(output, lock, owner)
        _write(lock, run_id)  # no lock, or a stale one: its run was killed
        return True


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
    if isinstance(output, Path) and output.is_dir():  # a removed folder holds no lock
        with _guarded(output):
            (output / LOCK_FILE).unlink(missing_ok=True)


@contextmanager
def locked(output: Where, run_id: str) -> Iterator[None]:
    taken = acquire(output, run_id)
    try:
        yield
    finally:
        if taken:
            release(output)
