"""File I/O for the flows: finding raw files, reading them, and writing Parquet atomically.

Nothing here knows about Prefect; the tasks in `flows.tasks` call it.
"""

import json
import os
import shutil
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

PARQUET_COMPRESSION = "zstd"


@dataclass(frozen=True)
class InputFile:
    path: str  # absolute path, as given to open()
    relative_path: str  # relative to the input root, '/'-separated: the row's source_path
    size: int
    mtime_ns: int


def discover_files(input_path: str, pattern: str = "**/*") -> list[InputFile]:
    """Every regular file under `input_path` matching the glob `pattern`, in path order.

    A single file is accepted too; its relative path is its name. Hidden files and folders
    (dot-names) are skipped: they are editor and VCS litter, not documents.
    """
    root = Path(input_path)
    if root.is_file():
        candidates, base = [root], root.parent
    else:
        candidates, base = sorted(root.glob(pattern)), root
    found = []
    for candidate in candidates:
        relative = candidate.relative_to(base)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if candidate.is_file():
            stat = candidate.stat()
            found.append(
                InputFile(str(candidate), relative.as_posix(), stat.st_size, stat.st_mtime_ns)
            )
        elif candidate.is_symlink() and not candidate.exists():
            # a dangling link is a document we were meant to have: quarantine it, loudly
            found.append(InputFile(str(candidate), relative.as_posix(), 0, 0))
    return found


def file_metadata(values: Mapping[str, Any]) -> dict[bytes, bytes]:
    """Parquet key-value metadata: every value JSON-encoded so readers can parse it back."""
    return {
        f"qingxi.{key}".encode(): json.dumps(value, default=str, ensure_ascii=False).encode()
        for key, value in values.items()
    }


def write_parquet_atomically(
    table: pa.Table, path: Path, metadata: Mapping[str, Any] | None = None
) -> Path:
    """Write `table` to `path` through a temporary file in the same folder and a rename, so a
    reader never sees half a file and a crash leaves the previous file in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if metadata:
        table = table.replace_schema_metadata(
            {**(table.schema.metadata or {}), **file_metadata(metadata)}
        )
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table, temporary, compression=PARQUET_COMPRESSION)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def write_json_atomically(value: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    temporary.write_text(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")
    os.replace(temporary, path)
    return path


def read_parquet_folder(folder: Path, schema: pa.Schema | None = None) -> pa.Table | None:
    """All `*.parquet` files of a folder as one table, or None when there are none."""
    files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    if not files:
        return None
    tables = [pq.read_table(file, schema=schema) for file in files]
    return pa.concat_tables(tables)


def iter_parquet_batches(folder: Path, rows: int = 1000) -> Iterator[pa.RecordBatch]:
    for file in sorted(folder.glob("*.parquet")) if folder.is_dir() else []:
        yield from pq.ParquetFile(file).iter_batches(batch_size=rows)


def replace_folder(staged: Path, target: Path) -> None:
    """Swap a fully written folder into place: rename the old one aside, rename the new one
    in, then delete the old one. Each rename is atomic; a reader sees the old dataset or
    the new one, never a mix of their files."""
    target.parent.mkdir(parents=True, exist_ok=True)
    retired = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
    if target.exists():
        os.replace(target, retired)
    os.replace(staged, target)
    shutil.rmtree(retired, ignore_errors=True)
