"""The publish task: turn a run's staging area into the new dataset, then switch to it.

Rows of the previous dataset whose source file this run did not process are carried over
(with their duplicate columns brought up to date); rows of processed files are replaced.
Every folder is written in full under the run's staging area first. On the local
filesystem the folders then become a new version of the dataset, switched in as a whole by
one symlink (`flows.versions`), so a reader sees the old dataset or the new one and a crash
loses nothing. On an object store each folder is switched by its own pointer, one after
another (`flows.storage.replace_folder`): a crash between two switches there can leave
folders of two runs until the next run publishes.
"""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from flows import staging, versions
from flows.memory import release_freed_memory
from flows.staging import RunLayout
from flows.storage import (
    ROW_GROUP_BYTES,
    Where,
    iter_file_batches,
    parquet_files,
    parquet_writer_atomically,
    read_table,
    replace_folder,
    write_json_atomically,
    write_parquet_atomically,
    write_text_atomically,
)
from flows.tasks import batch_task
from transforms.schema import DOCUMENT_SCHEMA, QUARANTINE_SCHEMA

ROWS_PER_PART = 10_000
# ...and at most about this many bytes in memory (Arrow): a part of long pages is written
# sooner, so a publish holds one part at a time whatever the dataset's size.
PART_MAX_BYTES = 64 * 1024 * 1024
READ_ROWS = 1_000  # rows read at a time from a part
# ... but documents 100 at a time: a page's row holds its text twice and its removed lines
# (~40 KB), and 1,000 of them read at once cost the flow process ~120 MiB at peak
DOCUMENT_READ_ROWS = 100
DUPLICATE_COLUMNS = ("is_duplicate", "duplicate_of", "dup_cluster")
# The documents folder is written as this many streams at once, on threads: Parquet's
# decoding, encoding and compression run in Arrow's C++ without the GIL, and the workers are
# idle while the flow process publishes (200 MB corpus: publish 5.2 s on one thread).
# Each stream is a run of whole source files in order and names its parts after its own
# number (part-0-00000, part-1-00000...), so the parts' name order is still the rows' order.
PUBLISH_STREAMS = 2


def retained(table: pa.Table, retained_paths: pa.Array) -> pa.Table:
    return table.filter(pc.is_in(table["source_path"], value_set=retained_paths))


def with_assignments(table: pa.Table, assignments: dict[str, tuple]) -> pa.Table:
    """Replace the duplicate columns from the dedup step's answer (keyed by source_path)."""
    answers = [
        assignments.get(path, (False, None, None)) for path in table["source_path"].to_pylist()
    ]
    for position, name in enumerate(DUPLICATE_COLUMNS):
        column = pa.array(
            [answer[position] for answer in answers], DOCUMENT_SCHEMA.field(name).type
        )
        table = table.set_column(table.schema.get_field_index(name), name, column)
    return table


def load_assignments(layout: RunLayout) -> dict[str, tuple]:
    table = read_table(layout.assignments_file)
    columns = [table[name].to_pylist() for name in ("source_path", *DUPLICATE_COLUMNS)]
    return {path: (bool(dup), of, cluster) for path, dup, of, cluster in zip(*columns, strict=True)}


def write_parts(
    tables: Iterator[pa.Table],
    folder: Where,
    schema: pa.Schema,
    metadata: dict[str, Any],
    prefix: str = "part-",
) -> int:
    """Write tables as part files of about ROWS_PER_PART rows or PART_MAX_BYTES (whichever
    comes first), named `prefix` and their number; returns the row count. A part is written as it
    is read, a row group of about ROW_GROUP_BYTES at a time: gathering a whole part before
    writing it held it twice, as tables and as encoded pages (~180 MiB of the flow process at
    64 MiB parts)."""
    folder.mkdir(parents=True, exist_ok=True)
    total = part = part_rows = part_bytes = 0
    group: list[pa.Table] = []
    with ExitStack() as open_part:
        writer = None

        def write_group() -> None:
            if group:
                writer.write_table(pa.concat_tables(group).cast(schema))  # type: ignore[union-attr]
                group.clear()

        for table in tables:
            if not table.num_rows:
                continue
            if writer is None:
                path = folder / f"{prefix}{part:05d}.parquet"
                writer = open_part.enter_context(parquet_writer_atomically(path, schema, metadata))
            group.append(table)
            if sum(member.nbytes for member in group) >= ROW_GROUP_BYTES:
                write_group()
            total += table.num_rows
            part_rows += table.num_rows
            part_bytes += table.nbytes
            if part_rows >= ROWS_PER_PART or part_bytes >= PART_MAX_BYTES:
                write_group()
                open_part.close()  # the part is whole: renamed into place
                writer, part, part_rows, part_bytes = None, part + 1, 0, 0
        write_group()
    return total


def carried_and_new(
    layout: RunLayout, kind: str, staged_kind: str, retained_paths: pa.Array, streams: int = 1
) -> list[Iterator[pa.Table]]:
    """The kept rows of the published folder, then the run's staged rows, as `streams`
    iterators over consecutive runs of their files (fewer when there are fewer files)."""
    rows = DOCUMENT_READ_ROWS if kind == staging.DOCUMENTS else READ_ROWS
    sources = [(file, True) for file in parquet_files(layout.published(kind))] + [
        (file, False) for file in parquet_files(layout.staged(staged_kind))
    ]
    share = -(-len(sources) // max(1, streams)) or 1  # ceiling division
    return [
        _rows_of(sources[start : start + share], rows, retained_paths)
        for start in range(0, max(1, len(sources)), share)
    ]


def _rows_of(
    sources: list[tuple[Where, bool]], rows: int, retained_paths: pa.Array
) -> Iterator[pa.Table]:
    for file, published in sources:
        for batch in iter_file_batches(file, rows):
            table = pa.Table.from_batches([batch])
            yield retained(table, retained_paths) if published else table


@batch_task(name="publish")
def publish(
    layout: RunLayout,
    retained_paths: list[str],
    manifest: pa.Table,
    file_metadata: dict[str, Any],
) -> dict[str, int]:
    """Write the new dataset folders and swap them in; then record the run's manifest."""
    kept = pa.array(retained_paths, pa.string())
    assignments = load_assignments(layout)
    streams = carried_and_new(layout, staging.DOCUMENTS, "structured", kept, PUBLISH_STREAMS)
    jobs = [
        (
            staging.DOCUMENTS,
            (with_assignments(table, assignments) for table in stream),
            DOCUMENT_SCHEMA,
            file_metadata,
            f"part-{index}-",
        )
        for index, stream in enumerate(streams)
    ]
    for kind, schema in ((staging.QUARANTINE, QUARANTINE_SCHEMA),
                         (staging.LINE_KEYS, staging.LINE_KEY_SCHEMA)):  # fmt: skip
        (tables,) = carried_and_new(layout, kind, kind, kept)
        jobs.append((kind, tables, schema, file_metadata, "part-"))
    counts = dict.fromkeys((kind for kind, *_ in jobs), 0)
    with ThreadPoolExecutor(PUBLISH_STREAMS) as pool:
        written = [
            (kind, pool.submit(write_parts, tables, layout.next_published(kind), *options))
            for kind, tables, *options in jobs
        ]
        for kind, rows in written:
            counts[kind] += rows.result()
    manifest_folder = layout.next_published(staging.MANIFEST)
    write_parquet_atomically(
        manifest.cast(staging.MANIFEST_SCHEMA), manifest_folder / "part-00000.parquet"
    )
    # the dedup step already wrote the complete signature set the next run needs
    missing = [kind for kind in staging.KINDS if not layout.next_published(kind).exists()]
    if missing:  # switch nothing: the previous dataset stays whole
        raise RuntimeError(f"publish: the new {', '.join(missing)} folder(s) were never written")
    switch(layout)
    release_freed_memory()
    return counts


def switch(layout: RunLayout) -> None:
    """Make the folders written under `layout.next_published` the dataset."""
    if isinstance(layout.output, Path) and isinstance(layout.next_version, Path):
        versions.switch_to(layout.output, layout.next_version, layout.run_id, staging.KINDS)
        return
    for kind in staging.KINDS:  # an object store: one pointer per folder
        replace_folder(layout.next_published(kind), layout.published(kind))


def write_run_report(layout: RunLayout, report: dict[str, Any], page: str) -> Where:
    """The run's JSON report and its HTML page, side by side under `<output>/runs/`."""
    write_text_atomically(page, layout.run_page_file)
    return write_json_atomically(report, layout.run_report_file)
