"""The corpus-level steps as Dask DataFrame jobs on the run's Dask cluster (`--dask-address`).

A run on a cluster does its per-batch work as Prefect tasks on the cluster's workers
(prefect-dask); the two steps that look across the whole corpus run here, over the staged
Parquet parts, on the same cluster, so that no single process holds the corpus:

- `count_recurring_lines`: cc_net's count as a distributed drop-duplicates and group-by.
- `deduplicate`: `transforms.dedup`'s stages inside `map_partitions`: bodies grouped by
  `body_hash` (a shuffle) give exact copies and one LSH representative per body; `band_rows`
  per partition; the candidate pairs come from a shuffle on (band_index, band_key) followed by
  `candidate_pairs` per partition (all rows of a bucket meet in one partition); the texts of
  the candidates only are joined to the pairs and `verified_pairs` runs per partition.

What comes back to the flow process is small: the links (earlier clusters, exact copies and
verified pairs) and the keep-rule columns of the linked documents. Their union-find
(`dedup.clusters_of_linked`) holds only documents that have a duplicate: about 100 bytes per
such document in Python objects, so ~1 GB for 10 million duplicated documents. Everything else
(signatures, band rows, texts) stays on the workers and is written back by them.

Results equal a local run's (tests/flows/test_dask.py), with one documented exception: a bucket
of more than `max_bucket_size` documents is paired star-wise with its smallest member, and the
local run orders members by their position in the run while this one orders them by doc_id;
such buckets only arise from templated pages, and verification still decides every pair.

Every path must be readable and writable by the workers (a shared folder or an object store),
and the scheduler and every worker must import qingxi's own modules: `check_cluster` says so in
one line before any work is sent. Every distributed write is counted: a step that wrote fewer
parts than it was given partitions raises `ClusterStepError` naming the step, never an empty
result that a later step trips over.
"""

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import dask
import dask.dataframe as dd
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from flows import staging
from flows.corpus import signatures_for
from flows.staging import RunLayout
from flows.storage import Location, Where, parquet_files, read_table, write_parquet_atomically
from transforms import dedup
from transforms.config import PipelineConfig
from transforms.schema import DOCUMENT_SCHEMA

PARTITION_BYTES = 64 * 2**20  # of Parquet per partition: ~10,000 pages with their texts
# what a worker (or the scheduler, which unpickles task graphs) must import to run qingxi's tasks
REQUIRED_IMPORTS = "import flows.cluster, flows.tasks, transforms.pipeline"


class ClusterError(RuntimeError):
    """The cluster cannot run qingxi: no workers, or qingxi not importable there."""


class ClusterStepError(RuntimeError):
    """A distributed step produced less than it was given (a lost or silently failed part)."""


@contextlib.contextmanager
def connected(address: str) -> Iterator[Any]:
    """A client of the cluster at `address` for this step only. Object columns (signatures)
    must stay objects: dask would otherwise turn them into strings."""
    from distributed import Client

    with (
        Client(address, set_as_default=False) as client,
        dask.config.set({"dataframe.convert-string": False}),
    ):
        yield client


def check_cluster(address: str, imports: str = REQUIRED_IMPORTS) -> int:
    """Fail before any work is sent unless the scheduler and every worker at `address` can
    import qingxi; returns the number of workers.

    A scheduler or worker started outside qingxi's environment (or from a folder where the
    project is not importable) cannot unpickle qingxi's tasks. Without this check every batch
    fails on the workers, the run counts them as failed batches and reaches publish with
    nothing staged. The probe is a builtin (`exec` of an import statement), so it unpickles
    anywhere and fails exactly where qingxi's own tasks would."""
    advice = (
        "start the scheduler and workers from an environment where qingxi is installed "
        "(pip install -e /path/to/qingxi, or `make` in a checkout); see the README, "
        "'Scale out on Dask'"
    )
    with connected(address) as client:
        workers = client.scheduler_info()["workers"]
        if not workers:
            raise ClusterError(f"the Dask cluster at {address} has no workers")
        try:
            client.run_on_scheduler(exec, imports)
        except Exception as error:
            raise ClusterError(
                f"the Dask scheduler at {address} cannot import qingxi "
                f"({type(error).__name__}: {error}): {advice}"
            ) from error
        answers = client.run(exec, imports, on_error="return")
        broken = {
            worker: answer for worker, answer in answers.items() if isinstance(answer, Exception)
        }
        if broken:
            worker, error = sorted(broken.items())[0]
            raise ClusterError(
                f"{len(broken)} of {len(answers)} Dask workers at {address} cannot import qingxi "
                f"(worker {worker}: {type(error).__name__}: {error}): {advice}"
            )
        return len(answers)


def require_parts(step: str, folder: Where, expected: int) -> None:
    """Raise unless `folder` holds `expected` Parquet parts after a distributed write."""
    written = len(parquet_files(folder))
    if written != expected:
        raise ClusterStepError(
            f"{step}: wrote {written} parts to {folder} but was given {expected} partitions; "
            "a worker's part was lost or its write failed"
        )


def file_size(file: Where) -> int:
    return file.fs.size(file.path) if isinstance(file, Location) else file.stat().st_size


def partition_groups(files: list[Where], target_bytes: int = PARTITION_BYTES) -> list[list[Where]]:
    """Consecutive part files grouped into partitions of about `target_bytes` of Parquet: a
    batch's part is small, and every partition costs each Dask step a task or more.

    >>> from pathlib import Path
    >>> [len(group) for group in partition_groups([Path(__file__)] * 5, 1)]
    [1, 1, 1, 1, 1]
    >>> [len(group) for group in partition_groups([Path(__file__)] * 5)]
    [5]
    """
    groups: list[list[Where]] = []
    size = target_bytes
    for file in files:
        if size >= target_bytes:
            groups.append([])
            size = 0
        groups[-1].append(file)
        size += file_size(file)
    return groups


def read_parts(
    files: list[Where],
    schema: pa.Schema,
    keep_paths: frozenset[str] | None = None,
    convert: Callable[[pa.Table], pd.DataFrame] | None = None,
) -> dd.DataFrame | None:
    """Partitions of about PARTITION_BYTES of Parquet parts (columns of `schema`), read by
    the workers; only rows whose source_path is in `keep_paths` when given."""
    if not files:
        return None
    to_frame = convert or (lambda table: table.to_pandas())
    meta = to_frame(schema.empty_table())
    return dd.from_map(
        _read_part,
        partition_groups(files),
        schema=schema,
        keep_paths=keep_paths,
        to_frame=to_frame,
        meta=meta,
        enforce_metadata=False,
    )


def _read_part(
    files: list[Where],
    schema: pa.Schema,
    keep_paths: frozenset[str] | None,
    to_frame: Callable[[pa.Table], pd.DataFrame],
) -> pd.DataFrame:
    tables = [read_table(file, columns=schema.names).select(schema.names) for file in files]
    table = pa.concat_tables([t.cast(schema) for t in tables])
    if keep_paths is not None:
        keep = pa.array(sorted(keep_paths), pa.string())
        table = table.filter(pc.is_in(table["source_path"], value_set=keep))
    return to_frame(table.cast(schema))


def concat(frames: list[dd.DataFrame | None]) -> dd.DataFrame | None:
    present = [frame for frame in frames if frame is not None]
    return dd.concat(present) if len(present) > 1 else (present[0] if present else None)


def count_recurring_lines(
    address: str, layout: RunLayout, retained_paths: list[str], min_documents: int
) -> pd.Series:
    """The key hashes found in at least `min_documents` distinct documents (doc_id), counted
    on the cluster over this run's staged line keys and the kept published ones."""
    with connected(address) as client:
        return _count_recurring_lines(client, layout, retained_paths, min_documents)


def _count_recurring_lines(
    client: Any, layout: RunLayout, retained_paths: list[str], min_documents: int
) -> pd.Series:
    schema = staging.LINE_KEY_SCHEMA
    keys = concat(
        [
            read_parts(parquet_files(layout.staged(staging.LINE_KEYS)), schema),
            read_parts(
                parquet_files(layout.published(staging.LINE_KEYS)),
                schema,
                frozenset(retained_paths),
            ),
        ]
    )
    if keys is None:
        return pd.Series([], dtype="uint64", name="key_hash")
    pairs = keys[["key_hash", "doc_id"]].drop_duplicates(split_out=keys.npartitions)
    counts = pairs.groupby("key_hash").size(split_out=keys.npartitions)
    recurring = client.compute(counts[counts >= min_documents], sync=True)
    return pd.Series(recurring.index.to_numpy(dtype="uint64"), name="key_hash").sort_values()


def _signatures_frame(config: dedup.DedupConfig, is_new: bool) -> Callable:
    def to_frame(table: pa.Table) -> pd.DataFrame:
        table = table.replace_schema_metadata(
            dedup.signatures_to_arrow(pd.DataFrame(), config).schema.metadata
        )
        frame = dedup.signatures_from_arrow(table, config)
        return frame.assign(is_new=is_new)

    return to_frame


def _fresh_signatures(config: PipelineConfig) -> Callable:
    """Signatures computed from published documents (the stored ones are incompatible)."""

    def to_frame(table: pa.Table) -> pd.DataFrame:
        signatures = signatures_for(table, config)
        return _signatures_frame(config.dedup, True)(signatures)

    return to_frame


def stored_signatures_compatible(layout: RunLayout, config: dedup.DedupConfig) -> bool:
    files = parquet_files(layout.published(staging.SIGNATURES))
    if not files:
        return True
    try:
        dedup.signatures_from_arrow(read_table(files[0]).slice(0, 0), config)
    except ValueError:
        return False
    return True


def signature_frames(
    layout: RunLayout, retained_paths: list[str], config: PipelineConfig
) -> dd.DataFrame | None:
    """Every document to cluster: this run's signatures (is_new) and the kept earlier ones
    with their dup_cluster; or, when the stored ones were made under another configuration,
    fresh signatures of the kept published documents (is_new, as `find_duplicates` would)."""
    schema = dedup.SIGNATURE_SCHEMA
    kept = frozenset(retained_paths)
    new = read_parts(
        parquet_files(layout.staged(staging.SIGNATURES)),
        schema,
        convert=_signatures_frame(config.dedup, True),
    )
    if not kept:
        return new
    if stored_signatures_compatible(layout, config.dedup):
        old = read_parts(
            parquet_files(layout.published(staging.SIGNATURES)),
            schema,
            kept,
            convert=_signatures_frame(config.dedup, False),
        )
    else:
        old = read_parts(
            parquet_files(layout.published(staging.DOCUMENTS)),
            DOCUMENT_SCHEMA,
            kept,
            convert=_fresh_signatures(config),
        )
    return concat([new, old])


def _body_groups(bodies: pd.DataFrame) -> pd.DataFrame:
    """Per body_hash (all of a body's documents are in this partition): each document's
    representative, and whether the body is new (no earlier document has it)."""
    representatives = dedup.body_representatives(bodies)
    has_old = ~bodies.groupby("body_hash")["is_new"].transform("all")
    return pd.DataFrame(
        {
            "doc_id": bodies["doc_id"].array,
            "representative": representatives["representative"].array,
            "is_new": ~has_old.to_numpy(),
        }
    )


def _bands(signatures: pd.DataFrame, config: dedup.DedupConfig) -> pd.DataFrame:
    with_body = signatures.loc[signatures["body_hash"].notna(), ["doc_id", "signature"]]
    return dedup.band_rows(with_body, config)


def _verify(pairs: pd.DataFrame, config: dedup.DedupConfig) -> pd.DataFrame:
    texts = dict(zip(pairs["left"], pairs["text_left"], strict=True))
    texts.update(zip(pairs["right"], pairs["text_right"], strict=True))
    return dedup.verified_pairs(pairs[["left", "right"]], texts, config)


def _rows_of(frame: pd.DataFrame, column: str, wanted: frozenset[str]) -> pd.DataFrame:
    return frame[frame[column].isin(wanted)]


def document_parts(
    layout: RunLayout, retained_paths: list[str], column: str
) -> dd.DataFrame | None:
    """(source_path, `column`) of this run's documents and of the kept published ones (a
    reprocessed file's old row is not read); only those two columns are read."""
    schema = pa.schema([("source_path", pa.string()), DOCUMENT_SCHEMA.field(column)])
    return concat(
        [
            read_parts(parquet_files(layout.staged("structured")), schema),
            read_parts(
                parquet_files(layout.published(staging.DOCUMENTS)),
                schema,
                frozenset(retained_paths),
            ),
        ]
    )


def deduplicate(
    address: str, layout: RunLayout, retained_paths: list[str], config: PipelineConfig
) -> tuple[pd.DataFrame, int]:
    """Cluster on the cluster; write the signature set the next run needs (from the workers)
    and return (assignments of the linked documents by source_path, documents clustered)."""
    settings = config.dedup
    with connected(address) as client:
        signatures = signature_frames(layout, retained_paths, config)
        if signatures is None:
            if document_parts(layout, retained_paths, "doc_id") is not None:
                raise ClusterStepError(
                    "deduplicate: documents are staged or kept but no signatures are: the "
                    "finish-batch parts are missing"
                )
            write_empty_remembered(layout, settings)
            empty = {name: [] for name in ("source_path", "is_duplicate", "duplicate_of")}
            return pd.DataFrame({**empty, "dup_cluster": []}), 0
        light = signatures.drop(columns=["signature"])
        text = light._meta["doc_id"].dtype  # doc_ids and paths: one string dtype everywhere
        light = client.persist(light)
        bodies = light.loc[light["body_hash"].notnull(), ["doc_id", "body_hash", "is_new"]]
        groups = bodies.shuffle("body_hash").map_partitions(
            _body_groups,
            meta={"doc_id": text, "representative": text, "is_new": bool},
        )
        groups = client.persist(groups)
        copies = groups.loc[groups["doc_id"] != groups["representative"]]
        lsh_input = groups.loc[groups["doc_id"] == groups["representative"], ["doc_id", "is_new"]]
        bands = signatures.map_partitions(
            _bands,
            settings,
            meta={"doc_id": text, "band_index": "int16", "band_key": "uint64"},
        )
        bands = bands.merge(lsh_input, on="doc_id")
        candidates = (
            bands.shuffle(["band_index", "band_key"])
            .map_partitions(dedup.candidate_pairs, settings, meta={"left": text, "right": text})
            .drop_duplicates()
        )
        candidates = client.persist(candidates)
        candidate_ids = frozenset(
            client.compute(dd.concat([candidates["left"], candidates["right"]]).unique(), sync=True)
        )
        verified = pd.DataFrame(columns=["left", "right", "jaccard"])
        texts = document_parts(layout, retained_paths, "text")
        if candidate_ids and texts is not None:
            wanted = dask.delayed(candidate_ids, pure=True)
            texts = texts.map_partitions(_rows_of, "source_path", wanted, meta=texts._meta)
            joined = candidates.merge(
                texts.rename(columns={"source_path": "left", "text": "text_left"}), on="left"
            ).merge(
                texts.rename(columns={"source_path": "right", "text": "text_right"}), on="right"
            )
            verified = client.compute(
                joined.map_partitions(
                    _verify,
                    settings,
                    meta={"left": text, "right": text, "jaccard": float},
                ),
                sync=True,
            )
        remembered = light.loc[light["dup_cluster"].notnull(), ["doc_id", "dup_cluster"]]
        links = pd.concat(
            [
                frame.set_axis(["left", "right"], axis=1)
                for frame in client.compute(
                    [remembered, copies[["doc_id", "representative"]]], sync=True
                )
            ]
            + [verified[["left", "right"]]],
            ignore_index=True,
        )
        linked = frozenset(links["left"]) | frozenset(links["right"])
        members = client.compute(
            light.map_partitions(
                _rows_of, "doc_id", dask.delayed(linked, pure=True), meta=light._meta
            ),
            sync=True,
        )
        result = dedup.clusters_of_linked(members, links)
        documents = int(client.compute(light.map_partitions(len).sum(), sync=True))
        write_remembered(client, signatures, result, layout, settings)
        heads = frozenset(result["dup_cluster"].dropna())
        doc_id_of: dict[str, str] = {}
        doc_ids = document_parts(layout, retained_paths, "doc_id")
        if heads and doc_ids is not None:
            rows = client.compute(
                doc_ids.map_partitions(
                    _rows_of, "source_path", dask.delayed(heads, pure=True), meta=doc_ids._meta
                ),
                sync=True,
            )
            doc_id_of = dict(zip(rows["source_path"], rows["doc_id"], strict=True))
    assignments = pd.DataFrame(
        {
            "source_path": result["doc_id"],
            "is_duplicate": result["is_duplicate"].astype(bool),
            "duplicate_of": [doc_id_of.get(key) for key in result["duplicate_of"]],
            "dup_cluster": [doc_id_of.get(key) for key in result["dup_cluster"]],
        }
    )
    return assignments, documents


def write_remembered(
    client: Any,
    signatures: dd.DataFrame,
    result: pd.DataFrame,
    layout: RunLayout,
    config: dedup.DedupConfig,
) -> None:
    """Each worker writes its partitions of the next run's signature set (every document with
    its current dup_cluster)."""
    folder = layout.next_published(staging.SIGNATURES)
    clusters = dask.delayed(result[["doc_id", "dup_cluster"]], pure=True)
    writes = [
        dask.delayed(_write_remembered_part)(
            part, clusters, folder / f"part-{i:05d}.parquet", config
        )
        for i, part in enumerate(signatures.to_delayed())
    ]
    client.compute(writes, sync=True)
    require_parts("deduplicate (remembered signatures)", folder, len(writes))


def write_empty_remembered(layout: RunLayout, config: dedup.DedupConfig) -> None:
    """An empty dataset still publishes a (empty) signature set, as a local run does."""
    write_parquet_atomically(
        dedup.signatures_to_arrow(pd.DataFrame(columns=dedup.SIGNATURE_SCHEMA.names), config),
        layout.next_published(staging.SIGNATURES) / "part-00000.parquet",
    )


def _write_remembered_part(
    signatures: pd.DataFrame, clusters: pd.DataFrame, path: Where, config: dedup.DedupConfig
) -> int:
    remembered = dedup.remembered_signatures(signatures[dedup.SIGNATURE_COLUMNS], clusters)
    write_parquet_atomically(dedup.signatures_to_arrow(remembered, config), path)
    return len(remembered)
