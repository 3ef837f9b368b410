"""The figures of a run report, counted from the published dataset after the run.

Every figure is plain JSON (counts keyed by name, lists of rows), so the run's JSON report
holds the numbers, the HTML page and the Prefect artifacts draw them, and the next run can
compare itself with this one. Kinds, flags, encodings and scripts are read from the data,
never from a fixed list: a stage that adds a kind or a flag shows up here unchanged.
"""

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import xxhash

from flows import staging
from flows.storage import Where, iter_parquet_batches, read_parquet_folder

# Edges of the histograms: the share of a page kept as body (percent) and body length.
BODY_SHARE_EDGES = (0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100)
BODY_LENGTH_EDGES = (0, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000)
LARGEST_CLUSTERS = 10
BOILERPLATE_LINES = 15
DOCUMENT_COLUMNS = [
    "source_path",
    "doc_id",
    "encoding",
    "script",
    "title",
    "removed",
    "flags",
    "n_chars",
    "is_duplicate",
    "dup_cluster",
]


def histogram(values: list[float], edges: tuple[int, ...], open_ended: bool) -> dict[str, int]:
    """Counts per bin [edge, next edge); the last bin also holds its upper edge, or, when
    open-ended, a further bin holds everything from the last edge up."""
    labels = [f"{low}–{high}" for low, high in pairwise(edges)]
    if open_ended:
        labels.append(f"≥{edges[-1]}")
    counts = dict.fromkeys(labels, 0)
    for value in values:
        index = min(max(bisect_right(edges, value) - 1, 0), len(labels) - 1)
        counts[labels[index]] += 1
    return counts


def median(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def quarantine_by_reason(output: Where) -> dict[str, list[str]]:
    table = read_parquet_folder(output / staging.QUARANTINE, columns=["source_path", "error_kind"])
    reasons: dict[str, list[str]] = defaultdict(list)
    for row in table.to_pylist() if table is not None else []:
        reasons[row["error_kind"]].append(row["source_path"])
    return {reason: sorted(paths) for reason, paths in sorted(reasons.items())}


def sorted_counts(counter: Counter) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda item: (-item[1], str(item[0]))))


# What str.split() and str.strip() take for whitespace (str.isspace), spelled out for Arrow's
# kernels, which would otherwise use their own definition.
WHITESPACE = "".join(chr(code) for code in range(0x3001) if chr(code).isspace())  # U+3000 last
_WHITESPACE_RUN = "[" + "".join(f"\\x{{{ord(char):x}}}" for char in WHITESPACE) + "]+"
FIGURE_BATCH_ROWS = 2000


def dataset_figures(output: Where) -> dict[str, Any]:
    """Count every figure of the report over the published dataset under `output`.

    Column by column, with Arrow kernels and NumPy, batch by batch: the removed lines are the
    bulk of a dataset (~10 a kilobyte of page), and holding each distinct one as a Python
    string to find the most frequent cost the flow ~100 MB per 20 MB of pages. Their
    document counts are kept as 64-bit hashes; only the most frequent are read again as text.
    """
    encodings: Counter[str] = Counter()
    scripts: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    shares: list[float] = []
    lengths: list[int] = []
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    line_hashes: list[np.ndarray] = []  # per batch: each removed text's hash, once a document
    documents = 0
    for batch in _document_batches(output):
        documents += batch.num_rows
        encodings.update(batch["encoding"].to_pylist())
        scripts.update(batch["script"].to_pylist())
        flags.update(pc.list_flatten(batch["flags"]).to_pylist())
        removed = _removed_lines(batch)
        kinds.update(_value_counts(removed["kind"]))
        n_chars = batch["n_chars"].to_numpy(zero_copy_only=False).astype(np.int64)
        removed_chars = np.bincount(
            removed["document"],
            weights=pc.utf8_length(
                pc.replace_substring_regex(removed["text"], _WHITESPACE_RUN, "")
            ).to_numpy(zero_copy_only=False),
            minlength=batch.num_rows,
        ).astype(np.int64)
        shares.extend(_body_shares(n_chars, removed_chars))
        lengths.extend(n_chars.tolist())
        line_hashes.append(_hashes_once_a_document(removed, _originals(batch)))
        for row in _cluster_rows(batch):
            members[row["dup_cluster"]].append(row)
    clusters = sorted(members.values(), key=lambda rows: (-len(rows), rows[0]["dup_cluster"]))
    return {
        "documents": documents,
        "by_encoding": sorted_counts(encodings),
        "by_script": sorted_counts(scripts),
        "removed_lines_by_kind": sorted_counts(kinds),
        "flags": sorted_counts(flags),
        "body_share_percent": histogram(shares, BODY_SHARE_EDGES, open_ended=False),
        "median_body_share_percent": round(median(shares), 1),
        "body_length_chars": histogram(lengths, BODY_LENGTH_EDGES, open_ended=True),
        "median_body_length_chars": median(lengths),
        "duplicates": sum(1 for rows in clusters for row in rows if row["is_duplicate"]),
        "duplicate_clusters_by_size": {
            str(size): count
            for size, count in sorted(Counter(len(rows) for rows in clusters).items())
        },
        "largest_clusters": [cluster_row(rows) for rows in clusters[:LARGEST_CLUSTERS]],
        "boilerplate_lines": _boilerplate_lines(output, line_hashes),
        "quarantined_by_reason": quarantine_by_reason(output),
    }


def _document_batches(output: Where) -> Iterator[pa.Table]:
    folder = output / staging.DOCUMENTS
    for batch in iter_parquet_batches(folder, rows=FIGURE_BATCH_ROWS, columns=DOCUMENT_COLUMNS):
        yield pa.Table.from_batches([batch])


def _removed_lines(batch: pa.Table) -> dict[str, Any]:
    """The batch's removed lines: their document (row in the batch), kind, text and stripped
    text (str.strip's whitespace)."""
    removed = batch["removed"].combine_chunks()
    segments = pc.list_flatten(removed)
    text = pc.struct_field(segments, "text")
    return {
        "document": pc.list_parent_indices(removed).to_numpy(zero_copy_only=False),
        "kind": pc.struct_field(segments, "kind"),
        "text": text,
        "line": pc.utf8_trim(text, characters=WHITESPACE),
    }


def _value_counts(values: pa.Array) -> dict[str, int]:
    counts = pc.value_counts(values)
    return dict(
        zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True)
    )


def _body_shares(n_chars: np.ndarray, removed_chars: np.ndarray) -> list[float]:
    """Percent of each page's non-space characters that are body (0 for an empty page).

    >>> _body_shares(np.array([30, 0]), np.array([10, 0]))
    [75.0, 0.0]
    """
    total = n_chars + removed_chars
    pairs = zip(n_chars.tolist(), total.tolist(), strict=True)
    return [100.0 * n / t if t else 0.0 for n, t in pairs]


def _originals(batch: pa.Table) -> np.ndarray:
    """Which rows are not a copy (a copied page would make its every line "recurring")."""
    return ~batch["is_duplicate"].to_numpy(zero_copy_only=False).astype(bool)


def _line_hashes(lines: pa.Array) -> np.ndarray:
    """A 64-bit hash of each text (0 for ''), each distinct text of the batch hashed once."""
    encoded = pc.dictionary_encode(lines)
    distinct = [
        xxhash.xxh3_64_intdigest(text.encode("utf-8")) if text else 0
        for text in encoded.dictionary.to_pylist()
    ]
    table = np.array(distinct, dtype=np.uint64)
    return table[encoded.indices.to_numpy(zero_copy_only=False)]


def _hashes_once_a_document(removed: dict[str, Any], originals: np.ndarray) -> np.ndarray:
    """The hashes of the non-empty removed lines of original pages, once a page."""
    hashes = _line_hashes(removed["line"])
    document = removed["document"]
    keep = originals[document] & (hashes != 0)
    document, hashes = document[keep], hashes[keep]
    order = np.lexsort((hashes, document))
    document, hashes = document[order], hashes[order]
    first = np.ones(len(hashes), dtype=bool)  # the first of each (document, hash) pair
    first[1:] = (document[1:] != document[:-1]) | (hashes[1:] != hashes[:-1])
    return hashes[first]


def _cluster_rows(batch: pa.Table) -> list[dict[str, Any]]:
    clustered = pc.is_valid(batch["dup_cluster"])
    if not pc.any(clustered).as_py():
        return []
    return batch.filter(clustered).drop_columns(["removed"]).to_pylist()


def _boilerplate_lines(output: Where, line_hashes: list[np.ndarray]) -> list[dict[str, Any]]:
    """The removed lines found in the most original pages (at least two), most first (ties:
    the first seen first), each with the kind it is most often removed as (ties: the first
    seen). Counted by hash; the leaders are then read again as text and counted exactly."""
    if not line_hashes:
        return []
    values, counts = np.unique(np.concatenate(line_hashes), return_counts=True)
    leaders = np.flatnonzero(counts >= 2)
    if len(leaders) > BOILERPLATE_LINES:
        floor = np.sort(counts[leaders])[-BOILERPLATE_LINES]  # and every line tied with it
        leaders = leaders[counts[leaders] >= floor]
    wanted = set(values[leaders].tolist())
    if not wanted:
        return []
    line_documents: Counter[str] = Counter()
    line_kinds: dict[str, Counter[str]] = defaultdict(Counter)
    for batch in _document_batches(output):
        removed = _removed_lines(batch)
        hashes = _line_hashes(removed["line"])
        chosen = np.flatnonzero(np.isin(hashes, np.fromiter(wanted, dtype=np.uint64)))
        originals = _originals(batch)
        lines = removed["line"].take(chosen).to_pylist()
        found_kinds = removed["kind"].take(chosen).to_pylist()
        documents = removed["document"][chosen].tolist()
        seen: set[tuple[int, str]] = set()
        for document, line, kind in zip(documents, lines, found_kinds, strict=True):
            if not originals[document]:
                continue
            line_kinds[line][kind] += 1
            if (document, line) not in seen:
                seen.add((document, line))
                line_documents[line] += 1
    return [
        {"line": text, "documents": count, "kind": line_kinds[text].most_common(1)[0][0]}
        for text, count in line_documents.most_common()
        if count >= 2
    ][:BOILERPLATE_LINES]


def cluster_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    kept = next((row for row in rows if not row["is_duplicate"]), rows[0])
    return {
        "cluster": kept["dup_cluster"],
        "size": len(rows),
        "kept": kept["source_path"],
        "title": kept["title"],
        "copies": sorted(row["source_path"] for row in rows if row is not kept),
    }
