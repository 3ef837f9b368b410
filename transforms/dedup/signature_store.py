"""Signatures remembered between runs, so that a later run deduplicates incrementally.

`remembered_signatures` gives every document seen so far with its current `dup_cluster`;
`signatures_to_arrow` / `signatures_from_arrow` turn that into a Parquet-ready table and
back. A later run passes it as `seen` to `find_duplicates` with only its new signatures:
candidate pairs are those involving a body not seen before, and earlier clusters are
rejoined from their stored `dup_cluster`, so no old raw file is read again (only the texts
of old documents that are candidates, through `texts`). The result equals one run over
all documents. When a later document joins a cluster, the keep rule is applied again to
the grown cluster: if the newcomer wins (say it is dated earlier), it becomes the kept
member, the cluster id changes to its doc_id and the previously kept member becomes a
duplicate; a newcomer similar to members of two clusters merges them. Clusters never
split (dropping documents needs a fresh run). `changed_documents` lists the earlier
documents whose output rows must be rewritten. (Exception to "equals one run": a bucket
larger than `max_bucket_size` is paired star-wise, which depends on who is in it.)
"""

import json
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import rensa

from transforms.dedup.minhash_lsh import SIGNATURE_COLUMNS, DedupConfig
from transforms.dedup.shingling import SHINGLE_VERSION


def new_and_seen_documents(signatures: pd.DataFrame, seen: pd.DataFrame | None) -> pd.DataFrame:
    """This run's `signatures` (is_new, no dup_cluster yet) after the `seen` documents they
    do not replace (is_new false, with their stored dup_cluster)."""
    new = signatures[SIGNATURE_COLUMNS].assign(is_new=True, dup_cluster=None)
    if seen is None:
        return new.reset_index(drop=True)
    old = seen[~seen["doc_id"].isin(new["doc_id"])]
    old = old.reindex(columns=[*SIGNATURE_COLUMNS, "dup_cluster"]).assign(is_new=False)
    return pd.concat([old, new], ignore_index=True)


def remembered_signatures(
    signatures: pd.DataFrame, duplicates: pd.DataFrame, seen: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Everything the next run needs to know about the documents seen so far: `seen` and
    this run's `signatures`, each with its current `dup_cluster` from `duplicates`."""
    documents = new_and_seen_documents(signatures, seen).drop(columns=["is_new", "dup_cluster"])
    cluster_of = duplicates.set_index("doc_id")["dup_cluster"]
    documents["dup_cluster"] = documents["doc_id"].map(cluster_of).astype(object)
    documents.loc[documents["dup_cluster"].isna(), "dup_cluster"] = None
    return documents.sort_values("doc_id", ignore_index=True)


def changed_documents(seen: pd.DataFrame, duplicates: pd.DataFrame) -> list[str]:
    """doc_ids of earlier documents whose duplicate columns changed (all three follow from
    `dup_cluster`), i.e. the old output rows to rewrite."""
    before = seen.set_index("doc_id")["dup_cluster"]
    after = duplicates.set_index("doc_id")["dup_cluster"].reindex(before.index)
    changed = (before.fillna("") != after.fillna("")).to_numpy()
    return sorted(before.index[changed])


SIGNATURE_SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("source_path", pa.string(), nullable=False),
        pa.field("published_date", pa.date32()),
        pa.field("n_chars", pa.int32(), nullable=False),
        pa.field("body_hash", pa.string()),  # null: empty normalized body
        pa.field("signature", pa.list_(pa.uint32())),
        pa.field("dup_cluster", pa.string()),
    ]
)
_METADATA_KEY = b"qingxi.dedup"


def _signature_metadata(config: DedupConfig) -> dict[str, Any]:
    return {
        **asdict(config),
        "shingle_version": SHINGLE_VERSION,
        "minhash": f"rensa.RMinHash/{rensa.RMinHash.ALGORITHM_VERSION}",
    }


def signatures_to_arrow(signatures: pd.DataFrame, config: DedupConfig) -> pa.Table:
    """`remembered_signatures` (or `signature_table`) rows as a table with SIGNATURE_SCHEMA and
    the configuration they were made with in the schema metadata."""
    frame = signatures.reindex(columns=SIGNATURE_SCHEMA.names)
    frame["published_date"] = pd.to_datetime(frame["published_date"]).dt.date
    columns: dict[str, Any] = {
        name: frame[name].astype(object).where(frame[name].notna(), None).tolist()
        for name in ("doc_id", "source_path", "published_date", "body_hash", "dup_cluster")
    }
    columns["n_chars"] = frame["n_chars"].astype("int64").tolist()
    columns["signature"] = _list_array(frame["signature"].tolist())
    table = pa.Table.from_pydict(columns, schema=SIGNATURE_SCHEMA)
    metadata = json.dumps(_signature_metadata(config), sort_keys=True).encode()
    return table.replace_schema_metadata({_METADATA_KEY: metadata})


def _list_array(signatures: list[np.ndarray | None]) -> pa.Array:
    """A list<uint32> array built from one flat buffer (20x faster than row by row)."""
    missing = np.array([value is None for value in signatures], dtype=bool)
    lengths = [0 if value is None else len(value) for value in signatures]
    offsets = pa.array(np.concatenate(([0], np.cumsum(lengths))), type=pa.int32())
    present = [value for value in signatures if value is not None]
    flat = np.concatenate([np.empty(0, dtype=np.uint32), *present]).astype(np.uint32)
    return pa.ListArray.from_arrays(offsets, pa.array(flat), mask=pa.array(missing))


def signatures_from_arrow(table: pa.Table, config: DedupConfig) -> pd.DataFrame:
    """The stored signatures back as `seen` for `find_duplicates`. Raises ValueError when
    they were made under another configuration or algorithm: then dedup must start afresh
    (signature_table over the earlier output texts, seen=None)."""
    stored = json.loads((table.schema.metadata or {}).get(_METADATA_KEY, b"{}"))
    expected = _signature_metadata(config)
    differences = sorted(key for key in expected if stored.get(key) != expected[key])
    if differences:
        raise ValueError(f"stored signatures are incompatible: {', '.join(differences)} differ")
    frame = table.select(SIGNATURE_SCHEMA.names).to_pandas()  # signature: uint32 arrays
    frame["dup_cluster"] = (
        frame["dup_cluster"].astype(object).where(frame["dup_cluster"].notna(), None)
    )
    return frame
