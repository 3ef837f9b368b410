"""Prefect tasks: each works on a batch of documents, reads and writes staging Parquet, and
returns only a small summary (counts, seconds), never document text."""

import functools
import time
import traceback
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from prefect import task
from prefect.cache_policies import NO_CACHE

from flows import staging
from flows.corpus import signatures_for
from flows.limits import DEFAULT_MAX_FILE_BYTES
from flows.memory import leave_live_objects_out_of_collection, release_freed_memory
from flows.staging import RunLayout
from flows.storage import (
    ROW_GROUP_BYTES,
    FileTooLargeError,
    InputFile,
    Where,
    chunks,
    iter_row_groups,
    parquet_files,
    parquet_writer_atomically,
    read_input_bytes,
    read_parquet_folder,
    read_table,
    unopenable_reason,
    write_parquet_atomically,
)
from transforms import dedup
from transforms.config import PipelineConfig
from transforms.pipeline import (
    PreparedDocument,
    QuarantinedDocument,
    RawDocument,
    finish_document,
    prepare_document,
)
from transforms.schema import DOCUMENT_SCHEMA, QUARANTINE_SCHEMA, table_from_rows
from transforms.script import ScriptConfig, SimplifiedConverter
from transforms.structure import CHINA_TIME, line_key_hash, line_keys_by_line, recurring_hashes

TRANSIENT_ERRORS = (TimeoutError, ConnectionError, BlockingIOError, InterruptedError)


def retry_on_transient_error(task, task_run, state) -> bool:
    """Retry only what may succeed on a second try: I/O hiccups, not bad data or bugs."""
    try:
        state.result()
    except TRANSIENT_ERRORS:
        return True
    except Exception:
        return False
    return False


batch_task = functools.partial(
    task,
    cache_policy=NO_CACHE,  # these tasks write files: never skip them on repeated inputs
    retries=2,
    retry_delay_seconds=1,
    retry_condition_fn=retry_on_transient_error,
)


@functools.lru_cache(maxsize=4)
def converter_for(config: ScriptConfig) -> SimplifiedConverter:
    """One converter per worker process and configuration: OpenCC loads its dictionaries once."""
    return SimplifiedConverter(config)


def now_utc() -> datetime:
    return datetime.now(UTC)


def quarantine_row(record: QuarantinedDocument, run_id: str) -> dict[str, Any]:
    return {**asdict(record), "run_id": run_id, "processed_at": now_utc()}


def read_input(
    file: InputFile, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> RawDocument | QuarantinedDocument:
    """The file's bytes, or its quarantine row: any OSError is one file's problem, and
    FIFOs, devices, symlink loops, dangling links and files over `max_file_bytes` are never
    opened (or, for a file that grew past the limit while being read, not kept)."""
    problem = unopenable_reason(file.path)
    if problem is not None:
        kind, message = problem
        return QuarantinedDocument(file.relative_path, None, kind, message, None)
    if file.size > max_file_bytes:
        return too_large(file, f"{file.size:,} bytes")
    try:
        return RawDocument(file.relative_path, read_input_bytes(file.path, max_file_bytes))
    except FileTooLargeError:
        return too_large(file, f"more than {max_file_bytes:,} bytes when read")
    except OSError as error:
        return QuarantinedDocument(
            file.relative_path, None, "unreadable", f"{type(error).__name__}: {error}", file.size
        )


def too_large(file: InputFile, size: str) -> QuarantinedDocument:
    message = f"too large to read: {size}, over the --max-file-bytes limit"
    return QuarantinedDocument(file.relative_path, None, "too_large", message, file.size)


def prepare_one(
    file: InputFile, config: PipelineConfig, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> PreparedDocument | QuarantinedDocument:
    raw = read_input(file, max_file_bytes)
    if isinstance(raw, QuarantinedDocument):
        return raw
    try:
        return prepare_document(raw, config, converter_for(config.script))
    except Exception as error:  # a bug on one page must not cost the rest of the batch
        message = f"{type(error).__name__}: {error} ({traceback.format_exc(limit=-1).strip()})"
        return QuarantinedDocument(
            raw.source_path, raw.doc_id, "processing_error", message, len(raw.data)
        )


@batch_task(name="prepare-batch")
def prepare_batch(
    layout: RunLayout,
    batch_index: int,
    files: list[InputFile],
    config: PipelineConfig,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> dict[str, Any]:
    """Read, decode, clean and convert a batch; stage the texts and their line keys, about
    ROW_GROUP_BYTES of pages at a time (a batch is large for Prefect's sake, not memory's)."""
    started = time.perf_counter()
    leave_live_objects_out_of_collection()
    quarantined: list[QuarantinedDocument] = []
    encodings: Counter[str] = Counter()
    scripts: Counter[str] = Counter()
    documents = converted = 0
    staged = (("prepared", staging.PREPARED_SCHEMA), (staging.LINE_KEYS, staging.LINE_KEY_SCHEMA))
    with ExitStack() as outputs:
        writers = [
            outputs.enter_context(
                parquet_writer_atomically(layout.batch_file(kind, batch_index), schema)
            )
            for kind, schema in staged
        ]
        for chunk in chunks(files, len(files), ROW_GROUP_BYTES):
            prepared = []
            for result in (prepare_one(file, config, max_file_bytes) for file in chunk):
                (quarantined if isinstance(result, QuarantinedDocument) else prepared).append(
                    result
                )
            documents += len(prepared)
            encodings.update(doc.encoding for doc in prepared)
            scripts.update(doc.script for doc in prepared)
            converted += sum(1 for doc in prepared if doc.converted_chars)
            tables = staged_tables(prepared)
            del prepared
            for writer, table in zip(writers, tables, strict=True):
                if table.num_rows:
                    writer.write_table(table)
            del tables
    write_parquet_atomically(
        table_from_rows(
            [quarantine_row(record, layout.run_id) for record in quarantined], QUARANTINE_SCHEMA
        ),
        layout.batch_file(staging.QUARANTINE, batch_index),
    )
    release_freed_memory()
    return {
        "batch": batch_index,
        "documents": documents,
        "quarantined": len(quarantined),
        "bytes": sum(file.size for file in files),
        "encodings": dict(encodings),
        "scripts": dict(scripts),
        "converted": converted,
        "seconds": time.perf_counter() - started,
    }


def staged_tables(prepared: list[PreparedDocument]) -> tuple[pa.Table, pa.Table]:
    """The prepared documents, each with its lines' key hashes (0: a line with no key), for
    the structure stage; and their line keys, each distinct key once a document, to count."""
    documents, key_rows = [], []
    for doc in prepared:
        hash_of: dict[str, int] = {}
        hashes = [
            (hash_of.get(key) or hash_of.setdefault(key, line_key_hash(key))) if key else 0
            for key in line_keys_by_line(doc.text)
        ]
        documents.append({**asdict(doc), "line_key_hashes": hashes})
        key_rows.extend(
            {"doc_id": doc.doc_id, "source_path": doc.source_path, "key_hash": hash_of[key]}
            for key in sorted(hash_of)
        )
    return (
        table_from_rows(documents, staging.PREPARED_SCHEMA),
        table_from_rows(key_rows, staging.LINE_KEY_SCHEMA),
    )


@batch_task(name="count-recurring-lines")
def count_recurring_lines(
    layout: RunLayout,
    retained_paths: list[str],
    min_documents: int,
    dask_address: str | None = None,
) -> int:
    """cc_net's rule, counted before anything is classified: a line key is recurring when it
    stands in at least `min_documents` documents of the dataset (this run's plus the ones a
    previous run published and this run keeps). With `dask_address`, counted on that cluster
    (`flows.cluster`); otherwise here, with pyarrow."""
    if dask_address:
        from flows import cluster

        hashes = cluster.count_recurring_lines(dask_address, layout, retained_paths, min_documents)
        table = pa.table({"key_hash": pa.array(hashes.to_numpy(), pa.uint64())})
        write_parquet_atomically(table, layout.recurring_keys_file)
        return table.num_rows
    # Read a part file at a time; a document's keys are counted once, under the first file
    # name met with its doc_id (a copied file has the same bytes, so the same keys): only
    # one numpy array of hashes grows with the corpus (~1.2 million rows at 200 MB).
    first_path: dict[str, str] = {}
    hashes = [np.empty(0, np.uint64)]
    for keys in line_key_tables(layout, retained_paths):
        ids = pc.dictionary_encode(keys["doc_id"].combine_chunks())
        paths = keys["source_path"].combine_chunks()
        indices = ids.indices.to_numpy()
        _, first_rows = np.unique(indices, return_index=True)
        first_paths = paths.take(pa.array(first_rows)).to_pylist()
        chosen = [
            first_path.setdefault(doc_id, path)
            for doc_id, path in zip(ids.dictionary.to_pylist(), first_paths, strict=True)
        ]
        counted = pc.equal(paths, pa.array(chosen, pa.string()).take(ids.indices))
        hashes.append(keys["key_hash"].filter(counted).to_numpy().astype(np.uint64, copy=False))
    recurring = recurring_hashes(np.concatenate(hashes), min_documents)
    write_parquet_atomically(
        pa.table({"key_hash": pa.array(recurring, pa.uint64())}), layout.recurring_keys_file
    )
    del hashes
    release_freed_memory()
    return int(recurring.size)


def line_key_tables(layout: RunLayout, retained_paths: list[str]) -> Iterator[pa.Table]:
    """(key_hash, doc_id, source_path) of this run's staged line keys and of the kept
    published ones, one part file at a time."""
    columns, schema = ["key_hash", "doc_id", "source_path"], staging.LINE_KEY_SCHEMA
    for file in parquet_files(layout.staged(staging.LINE_KEYS)):
        yield read_table(file, schema=schema, columns=columns)
    kept = pa.array(retained_paths, pa.string())
    for file in parquet_files(layout.published(staging.LINE_KEYS)):
        previous = read_table(file, schema=schema)
        yield previous.filter(pc.is_in(previous["source_path"], value_set=kept)).select(columns)


def load_recurring_hashes(layout: RunLayout) -> frozenset[int]:
    return frozenset(read_table(layout.recurring_keys_file)["key_hash"].to_pylist())


def document_rows(
    prepared: Iterable[tuple[PreparedDocument, list[int]]],
    config: PipelineConfig,
    recurring: frozenset[int],
) -> list[dict[str, Any]]:
    """The output rows of staged documents, each given with its lines' key hashes: the run's
    recurring hashes are asked directly, no page is keyed again."""
    today = now_utc().astimezone(CHINA_TIME).date()  # no publication date is after the run's day
    return [
        finish_document(document, config, recurring, today, line_keys=hashes)
        for document, hashes in prepared
    ]


@batch_task(name="finish-batch")
def finish_batch(layout: RunLayout, batch_index: int, config: PipelineConfig) -> dict[str, Any]:
    """Structure each prepared page and stage its output row and dedup signature.

    A row group of the staged pages (~2 MiB) at a time, each written out before the next is
    read: a batch is large so that Prefect's cost per task stays small, and its rows (a
    page's removed lines as dicts, its texts as str and again as Arrow) held all at once
    cost a worker ~35 MiB per MiB of pages."""
    started = time.perf_counter()
    leave_live_objects_out_of_collection()
    recurring = load_recurring_hashes(layout)
    structured_file = layout.batch_file("structured", batch_index)
    signatures_file = layout.batch_file(staging.SIGNATURES, batch_index)
    removed_by_kind: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    documents = 0
    processed_at = now_utc()
    with ExitStack() as outputs:
        writers: list[pq.ParquetWriter] = []
        for prepared in read_prepared(layout.batch_file("prepared", batch_index)):
            rows = document_rows(prepared, config, recurring)
            del prepared  # for a 60 MB page every copy of its text is 40-120 MB
            documents += len(rows)
            removed_by_kind.update(segment["kind"] for row in rows for segment in row["removed"])
            flags.update(flag for row in rows for flag in row["flags"])
            for row in rows:
                row.update(
                    is_duplicate=False,
                    duplicate_of=None,
                    dup_cluster=None,
                    run_id=layout.run_id,
                    processed_at=processed_at,
                )
            table = table_from_rows(rows, DOCUMENT_SCHEMA)
            del rows
            tables = [table, signatures_for(table, config)]
            if not writers:
                writers = [
                    outputs.enter_context(parquet_writer_atomically(file, part.schema))
                    for file, part in zip((structured_file, signatures_file), tables, strict=True)
                ]
            for writer, part in zip(writers, tables, strict=True):
                writer.write_table(part)
            del table, tables
    if not writers:  # every file of the batch was quarantined: empty staged files
        empty = table_from_rows([], DOCUMENT_SCHEMA)
        write_parquet_atomically(empty, structured_file)
        write_parquet_atomically(signatures_for(empty, config), signatures_file)
    release_freed_memory()
    return {
        "batch": batch_index,
        "documents": documents,
        "removed_by_kind": dict(removed_by_kind),
        "flags": dict(flags),
        "seconds": time.perf_counter() - started,
    }


def read_prepared(file: Where) -> Iterator[list[tuple[PreparedDocument, list[int]]]]:
    """A staged batch of prepared documents with their lines' key hashes, a row group at a
    time; each Arrow table is gone before its documents are used."""
    for table in iter_row_groups(file):
        columns = {name: table[name].to_pylist() for name in table.column_names}
        del table
        columns["flags"] = [tuple(flags) for flags in columns["flags"]]
        hashes = columns.pop("line_key_hashes")
        names = list(columns)
        yield [
            (PreparedDocument(**dict(zip(names, values, strict=True))), line_hashes)
            for values, line_hashes in zip(zip(*columns.values(), strict=True), hashes, strict=True)
        ]
        del columns, hashes


def read_columns(folders: list[Where], columns: list[str], paths: list[str] | None = None):
    """Yield (column values...) rows from staged and published Parquet, optionally only the
    rows of the given source paths (read by filter, one file at a time)."""
    wanted = None if paths is None else pa.array(sorted(set(paths)), pa.string())
    for folder in folders:
        for file in parquet_files(folder):
            table = read_table(file, columns=columns)
            if wanted is not None:
                table = table.filter(pc.is_in(table["source_path"], value_set=wanted))
            yield from zip(*(table[name].to_pylist() for name in columns), strict=True)


def previous_signatures(
    layout: RunLayout, retained_paths: list[str], config: PipelineConfig
) -> tuple[pd.DataFrame | None, pa.Table | None]:
    """The kept documents' stored signatures as `seen`; or, when they were made under another
    dedup configuration, (None, fresh signatures computed from the published texts)."""
    stored = read_parquet_folder(layout.published(staging.SIGNATURES))
    if stored is None or not retained_paths:
        return None, None
    stored = stored.filter(
        pc.is_in(stored["source_path"], value_set=pa.array(retained_paths, pa.string()))
    )
    try:
        return dedup.signatures_from_arrow(stored, config.dedup), None
    except ValueError:
        documents = read_parquet_folder(layout.published(staging.DOCUMENTS))
        kept = pc.is_in(documents["source_path"], value_set=pa.array(retained_paths, pa.string()))
        return None, signatures_for(documents.filter(kept), config)


def assignment_table(assignments: pd.DataFrame) -> pa.Table:
    """The duplicate columns by source_path (doc_ids of the kept members), as publish reads
    them; a source_path not listed has no duplicate."""
    return pa.table(
        {
            "source_path": pa.array(assignments["source_path"].tolist(), pa.string()),
            "is_duplicate": pa.array(assignments["is_duplicate"].astype(bool).tolist(), pa.bool_()),
            "duplicate_of": pa.array(assignments["duplicate_of"], pa.string(), from_pandas=True),
            "dup_cluster": pa.array(assignments["dup_cluster"], pa.string(), from_pandas=True),
        }
    )


@batch_task(name="deduplicate")
def deduplicate(
    layout: RunLayout,
    retained_paths: list[str],
    config: PipelineConfig,
    dask_address: str | None = None,
) -> dict:
    """Cluster this run's documents with each other and with every kept earlier document,
    from the stored signatures: earlier raw files are never read again (only the bodies of
    candidate pairs, from the published dataset). Stages the duplicate columns (by
    source_path) and the signatures the next run will need. With `dask_address`, the work
    runs as Dask DataFrame jobs on that cluster (`flows.cluster`); otherwise here."""
    started = time.perf_counter()
    if dask_address:
        from flows import cluster

        linked, documents = cluster.deduplicate(dask_address, layout, retained_paths, config)
        write_parquet_atomically(assignment_table(linked), layout.assignments_file)
        return {
            "documents": documents,
            "duplicates": int(linked["is_duplicate"].sum()),
            "clusters": int(linked["dup_cluster"].nunique()),
            "seconds": time.perf_counter() - started,
        }
    seen, recomputed = previous_signatures(layout, retained_paths, config)
    staged = read_parquet_folder(layout.staged(staging.SIGNATURES))
    tables = [table for table in (staged, recomputed) if table is not None]
    if tables:
        new = dedup.signatures_from_arrow(pa.concat_tables(tables), config.dedup)
    elif seen is not None:
        new = seen.iloc[:0].drop(columns="dup_cluster")
    else:
        new = None
    # staged rows last: a reprocessed file's new text and doc_id win over its published ones
    folders = [layout.published(staging.DOCUMENTS), layout.staged("structured")]

    def texts(paths: list[str]) -> dict[str, str]:
        return dict(read_columns(folders, ["source_path", "text"], paths))

    if new is None:  # nothing staged and nothing kept: an empty dataset
        result = pd.DataFrame(columns=dedup.RESULT_COLUMNS)
        remembered = pd.DataFrame(columns=dedup.SIGNATURE_SCHEMA.names)
    else:
        result = dedup.find_duplicates(new, texts, config.dedup, seen)
        remembered = dedup.remembered_signatures(new, result, seen)
    doc_id_of = dict(read_columns(folders, ["source_path", "doc_id"]))
    assignments = pd.DataFrame(
        {
            "source_path": result["doc_id"],
            "is_duplicate": result["is_duplicate"].astype(bool),
            "duplicate_of": [doc_id_of.get(k) for k in result["duplicate_of"]],
            "dup_cluster": [doc_id_of.get(k) for k in result["dup_cluster"]],
        }
    )
    write_parquet_atomically(assignment_table(assignments), layout.assignments_file)
    write_parquet_atomically(
        dedup.signatures_to_arrow(remembered, config.dedup),
        layout.next_published(staging.SIGNATURES) / "part-00000.parquet",
    )
    summary = {
        "documents": len(result),
        "duplicates": int(result["is_duplicate"].sum()),
        "clusters": int(result["dup_cluster"].nunique()),
    }
    del staged, tables, new, seen, recomputed, result, remembered, assignments, doc_id_of
    release_freed_memory()
    return {**summary, "seconds": time.perf_counter() - started}
