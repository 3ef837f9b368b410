"""Dedup stage: exact and near-duplicate documents across the corpus, clustered, one kept.

    find_duplicates(signatures, texts, DedupConfig) -> result frame (dup_cluster per document)

and the pieces the flows run by partition on Dask: signature_table -> band_rows ->
candidate_pairs -> verified_pairs -> clusters_of_linked. Modules: shingling (normalization,
character n-grams), minhash_lsh (signatures, LSH bands), near_duplicates (verification, the
one-machine driver), duplicate_clusters (union-find, keep rule), signature_store (signatures
remembered between runs).
"""

from transforms.dedup.duplicate_clusters import RESULT_COLUMNS, clusters_of_linked
from transforms.dedup.minhash_lsh import (
    SIGNATURE_COLUMNS,
    DedupConfig,
    band_rows,
    candidate_pairs,
    signature_table,
)
from transforms.dedup.near_duplicates import (
    body_representatives,
    find_duplicates,
    verified_pairs,
)
from transforms.dedup.signature_store import (
    SIGNATURE_SCHEMA,
    remembered_signatures,
    signatures_from_arrow,
    signatures_to_arrow,
)

__all__ = [
    "RESULT_COLUMNS",
    "SIGNATURE_COLUMNS",
    "SIGNATURE_SCHEMA",
    "DedupConfig",
    "band_rows",
    "body_representatives",
    "candidate_pairs",
    "clusters_of_linked",
    "find_duplicates",
    "remembered_signatures",
    "signature_table",
    "signatures_from_arrow",
    "signatures_to_arrow",
    "verified_pairs",
]
