"""qingxi's Prefect flows: they wire batches of documents through `transforms`, do the I/O
and report. Importing this package sets quiet console defaults before Prefect is imported
(Prefect reads its logging settings at import time); a user's own settings win."""

import os

for _name, _value in {
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # The temporary API server migrates a new database on first start: 10-20 s on a busy
    # 2-core machine, past Prefect's 20 s default.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}.items():
    os.environ.setdefault(_name, _value)
