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
CLUSTER_COLUMNS = ("source_path", "title", "is_duplicate", "dup_cluster")  # cluster_row's


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


def body_share(n_chars: int, removed: list[dict[str, Any]]) -> float:
    """Percent of a page's non-space characters that are body."""
    removed_chars = sum(len("".join(segment["text"].split())) for segment in removed)
    total = n_chars + removed_chars
    return 100.0 * n_chars / total if total else 0.0


def quarantine_by_reason(output: Where) -> dict[str, list[str]]:
    table = read_parquet_folder(output / staging.QUARANTINE, columns=["source_path", "error_kind"])
    reasons: dict[str, list[str]] = defaultdict(list)
    for row in table.to_pylist() if table is not None else []:
        reasons[row["error_kind"]].append(row["source_path"])
    return {reason: sorted(paths) for reason, paths in sorted(reasons.items())}


def sorted_counts(counter: Counter) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda item: (-item[1], str(item[0]))))


def dataset_figures(output: Where) -> dict[str, Any]:
    """Count every figure of the report over the published dataset under `output`."""
    encodings: Counter[str] = Counter()
    scripts: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    shares: list[float] = []
    lengths: list[int] = []
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    # hashes of the removed lines of each page that is not a copy (a copied page would make
    # its every line "recurring"), each line once a page, in reading order
    line_hashes: list[np.ndarray] = []
    documents = 0
    for row in document_rows(output, DOCUMENT_COLUMNS):
        documents += 1
        encodings[row["encoding"]] += 1
        scripts[row["script"]] += 1
        flags.update(row["flags"] or [])
        removed = row["removed"] or []
        kinds.update(segment["kind"] for segment in removed)
        shares.append(body_share(row["n_chars"], removed))
        lengths.append(row["n_chars"])
        if not row["is_duplicate"]:
            texts = dict.fromkeys(segment["text"].strip() for segment in removed)
            line_hashes.append(np.fromiter((line_hash(t) for t in texts if t), np.uint64))
        if row["dup_cluster"]:
            members[row["dup_cluster"]].append({name: row[name] for name in CLUSTER_COLUMNS})
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
        "boilerplate_lines": boilerplate_lines(output, line_hashes),
        "quarantined_by_reason": quarantine_by_reason(output),
    }


def document_rows(output: Where, columns: list[str]) -> Iterator[dict[str, Any]]:
    """The published documents' rows, only `columns` of them, read 2,000 at a time."""
    for batch in iter_parquet_batches(output / staging.DOCUMENTS, rows=2000, columns=columns):
        yield from batch.to_pylist()


def line_hash(text: str) -> int:
    return xxhash.xxh3_64_intdigest(text.encode("utf-8"))


def boilerplate_lines(output: Where, line_hashes: list[np.ndarray]) -> list[dict[str, Any]]:
    """The removed lines found in most pages (at least two; ties: the first seen first),
    with the kind they were most often removed as.

    Counted on 64-bit hashes with numpy, then the few lines shown are read again for their
    text and kinds: a Counter of every distinct removed text, and one of kinds for each,
    grew with the corpus (~400 MiB of the flow process at 200 MB of pages)."""
    every = np.concatenate([np.empty(0, np.uint64), *line_hashes])
    hashes, first, counts = np.unique(every, return_index=True, return_counts=True)
    order = np.lexsort((first, -counts))  # most pages first, then the first seen
    top = [int(h) for h, count in zip(hashes[order], counts[order], strict=True) if count >= 2]
    top = top[:BOILERPLATE_LINES]
    documents = dict(zip(hashes.tolist(), counts.tolist(), strict=True))
    texts: dict[int, str] = {}
    line_kinds: dict[int, Counter[str]] = {h: Counter() for h in top}
    for row in document_rows(output, ["removed", "is_duplicate"]) if top else ():
        if row["is_duplicate"]:
            continue
        for segment in row["removed"] or []:
            text = segment["text"].strip()
            kinds = line_kinds.get(hashed := line_hash(text))
            if kinds is not None:
                texts.setdefault(hashed, text)
                kinds[segment["kind"]] += 1
    return [
        {"line": texts[h], "documents": documents[h], "kind": line_kinds[h].most_common(1)[0][0]}
        for h in top
    ]


def cluster_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    kept = next((row for row in rows if not row["is_duplicate"]), rows[0])
    return {
        "cluster": kept["dup_cluster"],
        "size": len(rows),
        "kept": kept["source_path"],
        "title": kept["title"],
        "copies": sorted(row["source_path"] for row in rows if row is not kept),
    }
