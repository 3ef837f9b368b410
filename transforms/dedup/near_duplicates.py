"""Cross-document deduplication: exact and near-duplicate bodies, clustered, one member kept.

What counts as a copy
    Bodies are compared after `normalize_for_dedup` (NFKC, lowercase, letters and digits only),
    as sets of character n-grams (`shingles`, `ngram` characters, no word segmenter). The
    pipeline hands in Simplified bodies, so a Traditional copy is compared as its conversion.
    - exact duplicates share `body_hash` (xxh3-128 of the normalized body); they join one
      cluster without MinHash;
    - near duplicates have a Jaccard similarity of their shingle sets >= `threshold`. MinHash
      (rensa's RMinHash over 64-bit shingle hashes) and LSH banding only *propose* candidate
      pairs; each candidate is verified against the true Jaccard of the two shingle sets, so
      nothing is merged on an estimate.
    An empty normalized body (`body_hash` null) is never anybody's duplicate.

Stages (DataFrame operations of the shape Dask runs: map_partitions, shuffle, group-by)
    signature_table   per partition: docs -> keep-rule columns, body_hash, signature
    band_rows         per partition: signatures -> (doc_id, band_index, band_key); bands x
                      rows derived from the threshold (`lsh_parameters`)
    candidate_pairs   per bucket (after a shuffle on band_index, band_key): pairs in a bucket
    verified_pairs    per partition of pairs: true Jaccard from the texts, fetched by doc_id
    find_duplicates   runs them on one machine: one representative per body_hash enters LSH,
                      then union-find over exact groups and verified pairs (it holds only
                      documents that have a copy) and the keep rule.
    There is no global LSH index object: nothing that cannot be split by partition.
    (signature_table, band_rows and candidate_pairs live in transforms.dedup.minhash_lsh,
    normalization and shingles in transforms.shingling.)

Clusters and the keep rule: see transforms.duplicate_clusters. Incremental runs (signatures
remembered between runs, `seen`): see transforms.signature_store. The stage's public names
are exported by its package (`transforms.dedup`).
"""

import functools
from collections.abc import Callable, Mapping

import pandas as pd

from transforms.dedup.duplicate_clusters import (
    LinkedComponents,
    apply_keep_rule,
)
from transforms.dedup.minhash_lsh import (
    DedupConfig,
    band_rows,
    candidate_pairs,
)
from transforms.dedup.shingling import normalize_for_dedup, overlap, shingle_sets
from transforms.dedup.signature_store import (
    new_and_seen_documents,
)

TextSource = Callable[[list[str]], Mapping[str, str]] | Mapping[str, str]

VERIFY_BATCH_PAIRS = 2048  # bounds the texts fetched and held at once while verifying
# ...and the shingle sets are hashed for this many pairs at a time: for 2048 pairs (up to
# 4096 bodies) the sets and their hashing's temporaries held ~200 MiB at 200 MB of pages,
# and 256 pairs still raised dedup's peak by ~50 MiB there (467 pairs); 32 cost no time.
SHINGLE_BATCH_PAIRS = 32
SEEN_CHUNK = 100_000  # earlier documents banded at once in an incremental run


def verified_pairs(pairs: pd.DataFrame, texts: TextSource, config: DedupConfig) -> pd.DataFrame:
    """The candidate pairs whose true Jaccard is >= threshold, with a `jaccard` column.
    Texts are fetched in batches of at most 2 x VERIFY_BATCH_PAIRS doc_ids."""
    fetch = texts if callable(texts) else functools.partial(_from_mapping, texts)
    kept: list[tuple[str, str, float]] = []
    lefts, rights = pairs["left"].tolist(), pairs["right"].tolist()
    for start in range(0, len(lefts), VERIFY_BATCH_PAIRS):
        batch = lefts[start:][:VERIFY_BATCH_PAIRS], rights[start:][:VERIFY_BATCH_PAIRS]
        doc_ids = sorted(set(batch[0]) | set(batch[1]))
        fetched = fetch(doc_ids)
        if missing := [doc_id for doc_id in doc_ids if doc_id not in fetched]:
            raise KeyError(f"no text for {len(missing)} candidate(s), e.g. {missing[0]}")
        normalized = {doc_id: normalize_for_dedup(fetched[doc_id]) for doc_id in doc_ids}
        del fetched
        for first in range(0, len(batch[0]), SHINGLE_BATCH_PAIRS):
            group = batch[0][first:][:SHINGLE_BATCH_PAIRS], batch[1][first:][:SHINGLE_BATCH_PAIRS]
            members = sorted(set(group[0]) | set(group[1]))
            hashed = shingle_sets([normalized[doc_id] for doc_id in members], config.ngram)
            sets = dict(zip(members, hashed, strict=True))
            for left, right in zip(*group, strict=True):
                similarity, containment = overlap(sets[left], sets[right])
                if config.is_duplicate(similarity, containment):
                    kept.append((left, right, similarity))
    return pd.DataFrame(kept, columns=["left", "right", "jaccard"])


def _from_mapping(texts: Mapping[str, str], doc_ids: list[str]) -> dict[str, str]:
    return {doc_id: texts[doc_id] for doc_id in doc_ids if doc_id in texts}


def find_duplicates(
    signatures: pd.DataFrame,
    texts: TextSource,
    config: DedupConfig,
    seen: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Cluster this run's documents (`signature_table` rows) with each other and with `seen`
    (`remembered_signatures` of earlier runs, or None). `texts` gives the body of a doc_id
    (a mapping, or a function from a list of doc_ids to a mapping); only candidates' texts
    are asked for, old documents' included. Returns RESULT_COLUMNS for every document, new
    and seen, sorted by doc_id. A doc_id present in both is taken from `signatures`."""
    documents = new_and_seen_documents(signatures, seen)
    components = LinkedComponents()
    remembered = documents[documents["dup_cluster"].notna()]  # earlier runs' clusters
    components.link(remembered["doc_id"].tolist(), remembered["dup_cluster"].tolist())
    exact = body_representatives(documents)
    copies = exact[exact["doc_id"] != exact["representative"]]
    components.link(copies["doc_id"].tolist(), copies["representative"].tolist())
    # LSH over one representative per body, under integer ids (positions in `documents`);
    # a body is new when no earlier document has it
    with_body = documents.loc[exact.index]
    new_body = with_body.groupby("body_hash")["is_new"].transform("all")
    distinct = (exact["doc_id"] == exact["representative"]).to_numpy()
    lsh_input = pd.DataFrame(
        {
            "doc_id": exact.index[distinct],
            "signature": with_body["signature"].to_numpy()[distinct],
            "is_new": new_body.to_numpy(dtype=bool)[distinct],
        }
    )
    candidates = candidate_pairs(_bucket_rows(lsh_input, config), config)
    doc_ids = documents["doc_id"].to_numpy()
    pairs = pd.DataFrame(
        {"left": doc_ids[candidates["left"]], "right": doc_ids[candidates["right"]]}
    )
    verified = verified_pairs(pairs, texts, config)
    components.link(verified["left"].tolist(), verified["right"].tolist())
    return apply_keep_rule(documents, components)


def _bucket_rows(representatives: pd.DataFrame, config: DedupConfig) -> pd.DataFrame:
    """Band rows of the new representatives, and of the seen ones that share a bucket with a
    new one: seen signatures are banded in chunks, so memory follows the new documents."""
    new = band_rows(representatives[representatives["is_new"]], config)
    buckets = new[["band_index", "band_key"]].drop_duplicates()
    seen = representatives[~representatives["is_new"]]
    parts = [new] + [
        band_rows(seen.iloc[start : start + SEEN_CHUNK], config).merge(buckets)
        for start in range(0, len(seen), SEEN_CHUNK)
    ]
    return pd.concat(parts, ignore_index=True)


def body_representatives(signatures: pd.DataFrame) -> pd.DataFrame:
    """(doc_id, representative) for every document with a body: the representative is the
    smallest doc_id with the same body_hash, the one whose signature enters LSH."""
    bodies = signatures.loc[signatures["body_hash"].notna(), ["doc_id", "body_hash"]]
    representative = bodies.groupby("body_hash")["doc_id"].transform("min")
    return pd.DataFrame({"doc_id": bodies["doc_id"], "representative": representative})
