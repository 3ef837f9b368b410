"""MinHash signatures and LSH banding: the stages that *propose* near-duplicate pairs.

`signature_table` gives each document its MinHash signature (rensa's RMinHash over the 64-bit
shingle hashes of transforms.dedup.shingling); `band_rows` cuts signatures into bands (bands x rows
derived from the threshold by `lsh_parameters`); `candidate_pairs` pairs the documents that
share a bucket. Each runs per partition (DataFrame operations of the shape Dask runs), and
nothing here merges documents: near_duplicates verifies every candidate on its true Jaccard.
"""

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import rensa
import xxhash

from transforms.dedup.shingling import (
    FNV_OFFSET,
    FNV_PRIME,
    mix64,
    ngram_hash_rows,
    normalize_for_dedup,
)

MINHASH_BATCH = 1000  # documents hashed at once: bounds the flat buffer of shingle hashes
MINHASH_BATCH_CHARS = 1 << 21  # and characters: a buffer's temporaries are ~40 bytes a character
SIGNATURE_COLUMNS = ["doc_id", "source_path", "published_date", "n_chars", "body_hash", "signature"]


@dataclass(frozen=True)
class DedupConfig:
    """`threshold` is a Jaccard similarity; LSH bands x rows are derived from it, trading
    false positives against false negatives with `false_negative_weight` (datasketch's
    weights). Verification removes every false positive, so the default leans on recall.
    A bucket with more than `max_bucket_size` documents is paired star-wise with its
    smallest doc_id instead of all pairs: a guard against thousands of templated pages."""

    ngram: int = 5
    num_perm: int = 128
    threshold: float = 0.8
    # a copy that lost or gained whole paragraphs: most of the shorter body's shingles are in
    # the longer one, though their Jaccard is low (two of five paragraphs dropped: J = 0.6)
    containment: float = 0.7
    containment_min_jaccard: float = 0.4
    seed: int = 1
    false_negative_weight: float = 0.95
    max_bucket_size: int = 100

    def __post_init__(self) -> None:
        if self.ngram < 1 or self.num_perm < 1 or self.max_bucket_size < 2:
            raise ValueError("ngram and num_perm must be >= 1, max_bucket_size >= 2")
        if not (0.0 < self.threshold <= 1.0 and 0.0 < self.false_negative_weight < 1.0):
            raise ValueError("threshold must be in (0, 1], false_negative_weight in (0, 1)")
        if not (0.0 < self.containment_min_jaccard <= self.threshold and self.containment <= 1):
            raise ValueError("containment_min_jaccard must be in (0, threshold], containment <= 1")

    @property
    def lsh_threshold(self) -> float:
        """The lowest Jaccard a verified pair can have: LSH must propose pairs down to it."""
        return min(self.threshold, self.containment_min_jaccard)

    def is_duplicate(self, jaccard: float, containment: float) -> bool:
        return jaccard >= self.threshold or (
            jaccard >= self.containment_min_jaccard and containment >= self.containment
        )


@functools.cache
def lsh_parameters(
    threshold: float, num_perm: int, false_negative_weight: float
) -> tuple[int, int]:
    """(bands, rows) minimizing the weighted areas of false positives below and false
    negatives above the threshold, as datasketch's `_optimal_param` does.

    >>> lsh_parameters(0.8, 128, 0.5)
    (9, 13)
    """
    below, above = np.linspace(0.0, threshold, 2001), np.linspace(threshold, 1.0, 2001)
    best: tuple[float, int, int] = (float("inf"), 0, 0)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            false_positive = np.trapezoid(1 - (1 - below**rows) ** bands, below)
            false_negative = np.trapezoid((1 - above**rows) ** bands, above)
            error = (1 - false_negative_weight) * false_positive
            error += false_negative_weight * false_negative
            best = min(best, (float(error), bands, rows))
    return best[1], best[2]


def signature_table(docs: pd.DataFrame, config: DedupConfig) -> pd.DataFrame:
    """One row per document: doc_id, source_path, published_date, n_chars (the keep rule's
    inputs, passed through), body_hash and signature (`num_perm` uint32 MinHash values),
    both null when the normalized body is empty. Runs per partition."""
    normalized = [normalize_for_dedup(text) for text in docs["text"]]
    matrix = _minhash_matrix(normalized, config)
    empty = [not text for text in normalized]
    table = docs[SIGNATURE_COLUMNS[:4]].reset_index(drop=True)
    table["body_hash"] = [
        None if is_empty else xxhash.xxh3_128_hexdigest(text.encode("utf-8"))
        for text, is_empty in zip(normalized, empty, strict=True)
    ]
    table["signature"] = [
        None if is_empty else row for row, is_empty in zip(matrix, empty, strict=True)
    ]
    return table


def _minhash_matrix(normalized: list[str], config: DedupConfig) -> np.ndarray:
    """(documents, num_perm) uint32 MinHash values, hashed MINHASH_BATCH documents (at most
    MINHASH_BATCH_CHARS characters) at a time in one rensa call over a flat buffer of their
    shingle hashes; a longer text is hashed in windows (`_long_text_minhash`)."""
    rows: list[np.ndarray] = [np.empty((0, config.num_perm), dtype=np.uint32)]
    batch: list[str] = []
    batch_chars = 0
    for text in normalized:
        if len(text) > MINHASH_BATCH_CHARS:
            rows += [_digests(batch, config), _long_text_minhash(text, config)]
            batch, batch_chars = [], 0
            continue
        if len(batch) == MINHASH_BATCH or batch_chars + len(text) > MINHASH_BATCH_CHARS:
            rows.append(_digests(batch, config))
            batch, batch_chars = [], 0
        batch.append(text)
        batch_chars += len(text)
    rows.append(_digests(batch, config))
    return np.concatenate(rows)


def _digests(texts: list[str], config: DedupConfig) -> np.ndarray:
    if not texts:
        return np.empty((0, config.num_perm), dtype=np.uint32)
    hashes, offsets = ngram_hash_rows(texts, config.ngram)
    digests = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        hashes, offsets, config.num_perm, config.seed
    )
    return np.array(digests.to_rows(), dtype=np.uint32).reshape(-1, config.num_perm)


def _long_text_minhash(text: str, config: DedupConfig) -> np.ndarray:
    """One text's MinHash from windows of it that overlap by n-1 characters: the minimum of
    each permutation over the windows' n-grams is the minimum over the text's (the same
    value), and memory follows the window, not the text."""
    last_start = len(text) - config.ngram  # the text is longer than a window: no padding
    windows = [
        text[start : start + MINHASH_BATCH_CHARS + config.ngram - 1]
        for start in range(0, last_start + 1, MINHASH_BATCH_CHARS)
    ]
    return np.minimum.reduce([_digests([window], config) for window in windows])


def band_rows(signatures: pd.DataFrame, config: DedupConfig) -> pd.DataFrame:
    """(doc_id, band_index, band_key) for each band of each signature; columns other than
    doc_id and signature (such as `is_new`) are carried along."""
    bands, rows = lsh_parameters(
        config.lsh_threshold, config.num_perm, config.false_negative_weight
    )
    count = len(signatures)
    matrix = np.stack(signatures["signature"].to_list()) if count else np.empty((0, bands * rows))
    keys = np.full((count, bands), FNV_OFFSET, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for row in range(rows):  # band b holds columns b*rows .. b*rows + rows - 1
            keys = (keys ^ matrix[:, row : bands * rows : rows].astype(np.uint64)) * FNV_PRIME
        keys = mix64(keys)
    carried = signatures.drop(columns=["signature"]).reset_index(drop=True)
    table = carried.loc[carried.index.repeat(bands)].reset_index(drop=True)
    table["band_index"] = np.tile(np.arange(bands, dtype=np.int16), count)
    table["band_key"] = keys.ravel()
    return table


def candidate_pairs(rows: pd.DataFrame, config: DedupConfig) -> pd.DataFrame:
    """Pairs (left < right) of doc_ids that share a (band_index, band_key) bucket; with an
    `is_new` column, only pairs with at least one new member. A bucket of more than
    `max_bucket_size` documents pairs its smallest doc_id with each other member only.
    `rows` must hold whole buckets (on Dask: after a shuffle on the bucket columns).

    >>> rows = pd.DataFrame({"doc_id": [3, 1, 2, 4], "band_index": 0, "band_key": [7, 7, 7, 8]})
    >>> candidate_pairs(rows, DedupConfig()).values.tolist()
    [[1, 2], [1, 3], [2, 3]]
    """
    bucket = ["band_index", "band_key"]
    rows = rows.assign(is_new=rows.get("is_new", True))[["doc_id", *bucket, "is_new"]]
    rows = rows[rows.duplicated(bucket, keep=False)]  # a bucket of one proposes nothing
    rows = rows.sort_values([*bucket, "doc_id"], ignore_index=True)
    grouped = rows.groupby(bucket, sort=False)
    size = grouped["doc_id"].transform("size").to_numpy()
    rank = grouped.cumcount().to_numpy()
    # each member pairs with the members after it; in an oversized bucket only the first does
    later = np.where(size <= config.max_bucket_size, size - rank - 1, (rank == 0) * (size - 1))
    left = np.repeat(np.arange(len(rows)), later)
    right = left + 1 + np.arange(left.size) - np.repeat(np.cumsum(later) - later, later)
    doc_ids, is_new = rows["doc_id"].to_numpy(), rows["is_new"].to_numpy()
    keep = is_new[left] | is_new[right]
    pairs = pd.DataFrame({"left": doc_ids[left[keep]], "right": doc_ids[right[keep]]})
    return pairs.drop_duplicates().sort_values(["left", "right"], ignore_index=True)
