"""A dataset published twice into one output, shared by the report and explain tests: the
seeds first, then the seeds with an exact copy of the portal page and a binary file."""

import shutil
from pathlib import Path

import pytest

from tests.conftest import RAW

PORTAL_PAGE = "003_de09101387fcaee4.txt"  # breadcrumbs, captions, a byline, a dateline
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


@pytest.fixture(scope="session")
def published_twice(tmp_path_factory, prefect_harness) -> tuple[Path, dict, dict]:
    """(working folder holding raw/ and clean/, first run's report, second run's report)."""
    from flows.normalize import normalize

    folder = tmp_path_factory.mktemp("work")
    raw, output = folder / "raw", folder / "clean"
    shutil.copytree(RAW, raw)
    first = normalize(input_path=str(raw), output_path=str(output), workers=1)
    shutil.copy(RAW / PORTAL_PAGE, raw / "003_copy.txt")
    (raw / "image.png").write_bytes(PNG_HEADER)
    second = normalize(input_path=str(raw), output_path=str(output), workers=1)
    return folder, first, second
