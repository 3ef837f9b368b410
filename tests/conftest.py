"""Shared fixtures: a Prefect test harness for the session, the seed files and their gold."""

import json
import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "data" / "raw"
GOLD = REPO / "tests" / "gold"

# Prefect reads its home at import: give the test session its own, away from the user's.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="qingxi-prefect-"))


def load_gold(folder: Path = GOLD) -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))}


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for every flow test of the session (~6 s once)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def gold() -> dict[str, dict]:
    return load_gold()


def pytest_terminal_summary(terminalreporter):
    from tests.test_golden import GOLDEN_REPORTS

    for report in GOLDEN_REPORTS:
        terminalreporter.write_line("")
        terminalreporter.write_line(report)
