"""qingxi's Prefect flows: they wire batches of documents through `transforms`, do the I/O
and report. Importing this package sets quiet console defaults before Prefect is imported
(Prefect reads its logging settings at import time) and Arrow's allocator before pyarrow is;
a user's own settings win. It also pins the size from which the C allocator maps blocks apart
(`flows.memory.map_large_blocks_apart`), in the flow process and in every worker that
imports the flows."""

import os

for _name, _value in {
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # The temporary API server migrates a new database on first start: 10-20 s on a busy
    # 2-core machine, past Prefect's 20 s default.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    # Arrow's default allocator (mimalloc) keeps the pages it frees for its own reuse: after
    # one 60 MB page was staged, ~400 MiB stayed resident for the rest of the run. The
    # system allocator hands large blocks back at once and shares its heap with Python's
    # objects. Read when pyarrow first allocates, so set before it is imported (see also
    # flows.storage, for a process that imported pyarrow first).
    "ARROW_DEFAULT_MEMORY_POOL": "system",
}.items():
    os.environ.setdefault(_name, _value)

from flows.memory import map_large_blocks_apart  # noqa: E402  (after Arrow's allocator is set)

map_large_blocks_apart()
