"""Deduplication: accuracy per edit kind, time and peak memory at growing corpus sizes, and the
measurements behind the choices (shingling, MinHash library, n-gram length, LSH weights).

    python -m benchmarks.bench_dedup                        # 1k and 10k documents
    python -m benchmarks.bench_dedup --sizes 1000 10000 100000    # 100k: ~6 min in all
    python -m benchmarks.bench_dedup --choices --sizes 2000

Each size runs in its own process. Its peak RSS is reset once the corpus is made (Linux
clear_refs), and the stages run a second time under tracemalloc for Python-level peaks. The
corpus comes from benchmarks.dedup_corpus (families: an original and copies of it, each with
a known edit). A pair of documents is *positive* when the true Jaccard of their shingle sets
is >= the threshold. It is *matched* when dedup found the pair itself (same body_hash, or a
verified pair of the two bodies) and *clustered* when both ended in one cluster, possibly
through other members (clusters are transitive). Pairs evaluated: every pair inside a family
and every clustered pair, so precision is exact at any size; positive pairs across families
are searched exhaustively up to 2,000 documents only. Times are printed against a baseline
measured in the same run: exact-duplicate detection alone (normalize, hash, find repeats).
"""

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.dedup_corpus import ORIGINAL, LabelledDocument, make_corpus
from transforms.dedup.minhash_lsh import (
    DedupConfig,
    band_rows,
    candidate_pairs,
    lsh_parameters,
    signature_table,
)
from transforms.dedup.near_duplicates import body_representatives, find_duplicates, verified_pairs
from transforms.dedup.shingling import (  # the hashing helpers too: to measure the choices made
    body_hash,
    jaccard,
    ngram_hash_rows,
    normalize_for_dedup,
    shingle_sets,
)

PARTITION = 5000  # documents per signature_table call, as a Dask partition would hold
EXHAUSTIVE_UP_TO = 2000
Outcome = tuple[bool, bool, bool, float]  # positive, matched, clustered, true Jaccard


def resident_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> None:
    """Forget the peak so far (Linux: clear_refs 5 resets VmHWM and ru_maxrss), so that the
    corpus generation's own peak does not hide dedup's."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("nan")


def documents_frame(corpus: list[LabelledDocument]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": [d.doc_id for d in corpus],
            "source_path": [d.source_path for d in corpus],
            "published_date": [d.published_date for d in corpus],
            "n_chars": [len(d.text) - d.text.count("\n") for d in corpus],
            "text": [d.text for d in corpus],
        }
    )


def exact_only(docs: pd.DataFrame) -> int:
    """The baseline: exact duplicates only."""
    return int(pd.Series([body_hash(text) for text in docs["text"]]).duplicated().sum())


def signatures_in_partitions(docs: pd.DataFrame, config: DedupConfig) -> pd.DataFrame:
    parts = [
        signature_table(docs.iloc[start : start + PARTITION], config)
        for start in range(0, len(docs), PARTITION)
    ]
    return pd.concat(parts, ignore_index=True)


def near_pairs(
    signatures: pd.DataFrame, texts: dict[str, str], config: DedupConfig
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The candidate and verified pairs find_duplicates works with, for counting."""
    distinct = signatures["doc_id"].isin(body_representatives(signatures)["representative"])
    rows = band_rows(signatures.loc[distinct, ["doc_id", "signature"]], config)
    candidates = candidate_pairs(rows, config)
    return candidates, verified_pairs(candidates, texts, config)


def family_pairs(corpus: list[LabelledDocument]) -> list[tuple[int, int]]:
    families: dict[int, list[int]] = defaultdict(list)
    for i, document in enumerate(corpus):
        families[document.family].append(i)
    return [pair for members in families.values() for pair in itertools.combinations(members, 2)]


def similarity_matrix(sets: list[np.ndarray]) -> np.ndarray:
    """Every pair's Jaccard at once (dense: small corpora only)."""
    universe, inverse = np.unique(np.concatenate(sets), return_inverse=True)
    matrix = np.zeros((len(sets), universe.size), dtype=np.float32)
    matrix[np.repeat(np.arange(len(sets)), [s.size for s in sets]), inverse] = 1.0
    common = matrix @ matrix.T
    sizes = matrix.sum(axis=1)
    return common / np.maximum(sizes[:, None] + sizes[None, :] - common, 1)


def evaluate(
    corpus: list[LabelledDocument],
    signatures: pd.DataFrame,
    duplicates: pd.DataFrame,
    verified: pd.DataFrame,
    config: DedupConfig,
) -> dict[str, Any]:
    """Pairwise confusion counts, overall and per edit kind (original-copy pairs)."""
    cluster = dict(zip(duplicates["doc_id"], duplicates["dup_cluster"], strict=True))
    exact = body_representatives(signatures)
    representative = dict(zip(exact["doc_id"], exact["representative"], strict=True))
    found = set(zip(verified["left"], verified["right"], strict=True))
    index_of = {d.doc_id: i for i, d in enumerate(corpus)}
    cache: dict[int, np.ndarray] = {}

    def outcome(i: int, j: int) -> Outcome:
        missing = [k for k in (i, j) if k not in cache]
        sets = shingle_sets([normalize_for_dedup(corpus[k].text) for k in missing], config.ngram)
        cache.update(zip(missing, sets, strict=True))
        left, right = corpus[i].doc_id, corpus[j].doc_id
        bodies = (representative.get(left), representative.get(right))
        matched = None not in bodies and (bodies[0] == bodies[1] or tuple(sorted(bodies)) in found)
        clustered = cluster[left] is not None and cluster[left] == cluster[right]
        similarity = jaccard(cache[i], cache[j])
        return similarity >= config.threshold, matched, clustered, similarity

    outcomes: dict[tuple[int, int], Outcome] = {}
    per_kind: dict[tuple[str, float], list[Outcome]] = defaultdict(list)
    for i, j in family_pairs(corpus):
        outcomes[(i, j)] = outcome(i, j)
        if corpus[i].kind == ORIGINAL:
            per_kind[(corpus[j].kind, corpus[j].rate)].append(outcomes[(i, j)])
        if len(cache) > 10_000:
            cache.clear()
    clusters: dict[str, list[int]] = defaultdict(list)
    for doc_id, cluster_id in cluster.items():
        if cluster_id is not None:
            clusters[cluster_id].append(index_of[doc_id])
    for members in clusters.values():
        for i, j in itertools.combinations(sorted(members), 2):
            if (i, j) not in outcomes:
                outcomes[(i, j)] = outcome(i, j)
        cache.clear()
    exhaustive = len(corpus) <= EXHAUSTIVE_UP_TO
    if exhaustive:
        similarity = similarity_matrix(shingle_sets([d.text for d in corpus], config.ngram))
        family = np.array([d.family for d in corpus])
        across = (family[:, None] != family[None, :]) & (similarity >= config.threshold)
        for i, j in np.argwhere(np.triu(across, 1)):
            outcomes.setdefault((int(i), int(j)), outcome(int(i), int(j)))
    kept_pairs = [
        tuple(sorted((index_of[doc_id], index_of[kept])))
        for doc_id, kept in zip(duplicates["doc_id"], duplicates["duplicate_of"], strict=True)
        if kept is not None
    ]
    return {
        "overall": counts(list(outcomes.values())),
        "per_kind": {f"{kind} {rate:.3f}": counts(v) for (kind, rate), v in per_kind.items()},
        "across_families": counts(
            [o for (i, j), o in outcomes.items() if corpus[i].family != corpus[j].family]
        ),
        "duplicate_of_similar": [sum(outcomes[pair][0] for pair in kept_pairs), len(kept_pairs)],
        "exhaustive": exhaustive,
    }


def counts(outcomes: list[Outcome]) -> dict[str, Any]:
    result: dict[str, Any] = {"pairs": len(outcomes), "positives": sum(o[0] for o in outcomes)}
    for level, column in (("matched", 1), ("clustered", 2)):
        result[level] = {
            "tp": sum(1 for o in outcomes if o[0] and o[column]),
            "fp": sum(1 for o in outcomes if o[column] and not o[0]),
            "fn": sum(1 for o in outcomes if o[0] and not o[column]),
        }
    values = [o[3] for o in outcomes]
    result["min_j"] = min(values, default=float("nan"))
    result["mean_j"] = float(np.mean(values)) if values else float("nan")
    return result


def precision_recall(level: dict[str, int]) -> tuple[float, float]:
    return ratio(level["tp"], level["tp"] + level["fp"]), ratio(
        level["tp"], level["tp"] + level["fn"]
    )


def run_one(size: int, config: DedupConfig, accuracy: bool) -> dict[str, Any]:
    """One corpus size, in this process: time, memory and, optionally, accuracy."""
    corpus = make_corpus(size)
    docs = documents_frame(corpus)
    texts = dict(zip(docs["doc_id"], docs["text"], strict=True))
    _, baseline_seconds = timed(lambda: exact_only(docs))
    resident_before = resident_mib()
    reset_peak()
    signatures, signature_seconds = timed(lambda: signatures_in_partitions(docs, config))
    duplicates, find_seconds = timed(lambda: find_duplicates(signatures, texts, config))
    peak = peak_mib()
    candidates, verified = near_pairs(signatures, texts, config)
    result: dict[str, Any] = {
        "documents": size,
        "megabytes": sum(len(text.encode("utf-8")) for text in docs["text"]) / 1e6,
        "baseline_s": baseline_seconds,
        "signature_s": signature_seconds,
        "find_s": find_seconds,
        "resident_before_mib": resident_before,
        "peak_mib": peak,
        "candidates": len(candidates),
        "verified": len(verified),
        "clustered": int(duplicates["dup_cluster"].notna().sum()),
        "duplicates": int(duplicates["is_duplicate"].sum()),
    }
    if accuracy:
        result["accuracy"] = evaluate(corpus, signatures, duplicates, verified, config)
    del signatures, duplicates, candidates, verified
    tracemalloc.start()  # again, traced (slower): Python-level peaks of the two stages
    signatures = signatures_in_partitions(docs, config)
    result["traced_signature_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.reset_peak()
    find_duplicates(signatures, texts, config)
    result["traced_find_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return result


def print_accuracy(accuracy: dict[str, Any]) -> None:
    print("  per kind: the (original, copy) pairs")
    print(f"  {'':51s} | {'matched':^23s} | {'clustered':^16s}")
    print(f"  {'kind rate':25s} {'pairs':>6s} {'pos':>6s} {'meanJ':>6s} {'minJ':>6s}", end="")
    print(
        f" | {'FP':>4s} {'FN':>4s} {'prec':>6s} {'recall':>6s} | {'FP':>4s} {'FN':>4s} {'prec':>6s}"
    )
    rows = sorted(accuracy["per_kind"].items())
    rows += [("ALL PAIRS", accuracy["overall"]), ("ACROSS FAMILIES", accuracy["across_families"])]
    for name, c in rows:
        matched, clustered = c["matched"], c["clustered"]
        precision, recall = precision_recall(matched)
        print(f"  {name:25s} {c['pairs']:6d} {c['positives']:6d} {c['mean_j']:6.3f}", end="")
        print(
            f" {c['min_j']:6.3f} | {matched['fp']:4d} {matched['fn']:4d} {precision:6.4f}", end=""
        )
        print(f" {recall:6.4f} | {clustered['fp']:4d} {clustered['fn']:4d}", end="")
        print(f" {precision_recall(clustered)[0]:6.4f}")
    similar, total = accuracy["duplicate_of_similar"]
    print(f"  (doc, duplicate_of) pairs with Jaccard >= threshold: {similar}/{total}")
    if not accuracy["exhaustive"]:
        print("  (pairs across families: only the clustered ones were checked)")
    precision, recall = precision_recall(accuracy["overall"]["matched"])
    verdict = "ok" if precision >= 0.99 and recall >= 0.97 else "MISSED"
    print(
        f"  targets, matched pairs: precision {precision:.4f} >= 0.99, recall {recall:.4f}", end=""
    )
    print(f" >= 0.97: {verdict}")


def sizes_report(sizes: list[int]) -> None:
    config = DedupConfig()
    bands, rows = lsh_parameters(config.threshold, config.num_perm, config.false_negative_weight)
    print(f"{config}: LSH {bands} bands x {rows} rows")
    results = []
    for size in sizes:
        command = [sys.executable, "-m", "benchmarks.bench_dedup", "--one", str(size)]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    header = ("docs", "MB", "baseline s", "signature s", "find s", "x baseline", "x first")
    header += ("docs/s", "MB/s", "RSS before", "peak RSS", "traced sig", "traced find")
    header += ("candidates", "verified")
    print("\n" + " ".join(f"{name:>11s}" for name in header))
    first_total = results[0]["signature_s"] + results[0]["find_s"]
    for r in results:
        total = r["signature_s"] + r["find_s"]
        cells = [f"{r['documents']:11d}", f"{r['megabytes']:11.1f}", f"{r['baseline_s']:11.2f}"]
        cells += [f"{r['signature_s']:11.2f}", f"{r['find_s']:11.2f}"]
        cells += [f"{ratio(total, r['baseline_s']):11.2f}", f"{ratio(total, first_total):11.2f}"]
        cells += [f"{r['documents'] / total:11.0f}", f"{r['megabytes'] / total:11.1f}"]
        cells += [f"{r['resident_before_mib']:9.0f}Mi", f"{r['peak_mib']:9.0f}Mi"]
        cells += [f"{r['traced_signature_mb']:9.0f}MB", f"{r['traced_find_mb']:9.0f}MB"]
        cells += [f"{r['candidates']:11d}", f"{r['verified']:11d}"]
        print(" ".join(cells))
    for r in results:
        print(f"\n{r['documents']} documents: {r['clustered']} in clusters, ", end="")
        print(f"{r['duplicates']} marked duplicate")
        print_accuracy(r["accuracy"])


def shingling_report(normalized: list[str], megabytes: float) -> None:
    """Our numpy hashing of code points against n-gram strings built in Python."""
    import xxhash

    def numpy_batches() -> None:
        for start in range(0, len(normalized), 1000):
            ngram_hash_rows(normalized[start : start + 1000], 5)

    def python_strings() -> None:
        for text in normalized:
            {text[i : i + 5] for i in range(len(text) - 4)}

    def python_xxhash() -> None:
        for text in normalized:
            {xxhash.xxh3_64_intdigest(text[i : i + 5].encode()) for i in range(len(text) - 4)}

    print("\nshingling 5-grams of normalized bodies (MB of raw UTF-8 text)")
    _, baseline = timed(numpy_batches)
    for name, function in (
        ("numpy over code points, batched (used)", numpy_batches),
        ("Python n-gram strings, set", python_strings),
        ("Python n-gram strings + xxh3_64, set", python_xxhash),
    ):
        _, seconds = timed(function)
        print(f"  {name:42s} {megabytes / seconds:7.1f} MB/s  x{seconds / baseline:5.1f} time")


def library_report(corpus: list[LabelledDocument], normalized: list[str]) -> None:
    """rensa against datasketch on the same shingle hashes: speed, error of the Jaccard
    estimate, and the LSH recall their signatures give (same bands x rows)."""
    import datasketch
    import rensa

    config = DedupConfig()
    megabytes = sum(len(d.text.encode("utf-8")) for d in corpus) / 1e6
    batches = [ngram_hash_rows(normalized[i : i + 1000], 5) for i in range(0, len(corpus), 1000)]

    def with_rensa() -> np.ndarray:
        digests = [
            rensa.RMinHash.digest_matrix_from_flat_token_hashes(hashes, offsets, 128, 1).to_rows()
            for hashes, offsets in batches
        ]
        return np.concatenate([np.array(rows, dtype=np.uint64) for rows in digests])

    def with_rensa_strings() -> np.ndarray:
        token_sets = [[text[i : i + 5] for i in range(len(text) - 4)] for text in normalized]
        digests = rensa.RMinHash.digest_matrix_from_token_sets(token_sets, 128, 1)
        return np.array(digests.to_rows(), dtype=np.uint64)

    def with_datasketch() -> np.ndarray:
        rows = []
        for hashes, offsets in batches:
            for start, end in itertools.pairwise(offsets.tolist()):
                sketch = datasketch.MinHash(128, seed=1, hashfunc=int, scheme="affine64")
                sketch.update_batch(hashes[start:end])
                rows.append(sketch.hashvalues)
        return np.stack(rows)

    rng = np.random.default_rng(0)
    pairs = family_pairs(corpus) + [
        (int(i), int(j)) for i, j in rng.integers(0, len(corpus), (3000, 2)) if i < j
    ]
    sets = shingle_sets(normalized, 5)
    truth = np.array([jaccard(sets[i], sets[j]) for i, j in pairs])
    positives = {pair for pair, value in zip(pairs, truth, strict=True) if value >= 0.8}
    print(f"\nMinHash, 128 permutations: {len(pairs)} pairs, {len(positives)} with Jaccard >= 0.8")
    print(f"  {'library':42s} {'MB/s':>7s} {'time':>6s} {'mean err':>8s} {'max err':>7s}", end="")
    print(f" {'candidates':>10s} {'LSH recall':>10s}")
    baseline = None
    for name, function in (
        ("rensa RMinHash, flat u64 hashes (used)", with_rensa),
        ("rensa RMinHash, n-gram strings", with_rensa_strings),
        ("datasketch MinHash affine64, update_batch", with_datasketch),
    ):
        matrix, seconds = timed(function)
        baseline = baseline or seconds
        estimate = np.array([np.mean(matrix[i] == matrix[j]) for i, j in pairs])
        error = np.abs(estimate - truth)
        frame = pd.DataFrame({"doc_id": np.arange(len(corpus)), "signature": list(matrix)})
        candidates = candidate_pairs(band_rows(frame, config), config)
        found = set(zip(candidates["left"], candidates["right"], strict=True))
        print(f"  {name:42s} {megabytes / seconds:7.1f} x{seconds / baseline:5.1f}", end="")
        print(f" {error.mean():8.4f} {error.max():7.3f} {len(candidates):10d}", end="")
        print(f" {ratio(len(positives & found), len(positives)):10.4f}")


def ngram_report(corpus: list[LabelledDocument], normalized: list[str]) -> None:
    """How n separates copies from different stories on the same topic."""
    originals = {d.family: i for i, d in enumerate(corpus) if d.kind == ORIGINAL}
    copies = [(originals[d.family], i) for i, d in enumerate(corpus) if d.kind != ORIGINAL]
    family = np.array([d.family for d in corpus])
    lengths = (3, 4, 5, 6, 7, 8)
    table: dict[tuple[str, float], list[float]] = defaultdict(list)
    bottom_rows: dict[str, list[float]] = defaultdict(list)
    for n in lengths:
        sets = shingle_sets(normalized, n)
        values: dict[tuple[str, float], list[float]] = defaultdict(list)
        for i, j in copies:
            values[(corpus[j].kind, corpus[j].rate)].append(jaccard(sets[i], sets[j]))
        for kind, kind_values in values.items():
            table[kind].append(float(np.mean(kind_values)))
        similarity = similarity_matrix(sets)
        bottom_rows["max: unrelated copy"].append(max(values[("unrelated", 0.0)]))
        bottom_rows["max: across families"].append(
            float(similarity[family[:, None] != family[None, :]].max())
        )
        _, seconds = timed(
            lambda n=n: [
                ngram_hash_rows(normalized[i:][:1000], n) for i in range(0, len(normalized), 1000)
            ]
        )
        bottom_rows["hashing s"].append(seconds)
    print("\nmean true Jaccard of (original, copy) by n-gram length")
    print(f"  {'kind rate':28s}" + "".join(f" {f'n={n}':>7s}" for n in lengths))
    for (kind, rate), row in sorted(table.items()):
        print(f"  {f'{kind} {rate:.3f}':28s}" + "".join(f" {value:7.3f}" for value in row))
    for name, row in bottom_rows.items():
        print(f"  {name:28s}" + "".join(f" {value:7.3f}" for value in row))


def weights_report(corpus: list[LabelledDocument]) -> None:
    """LSH bands x rows for several false-negative weights: candidates, recall, time."""
    docs = documents_frame(corpus)
    texts = dict(zip(docs["doc_id"], docs["text"], strict=True))
    signatures = signatures_in_partitions(docs, DedupConfig())
    print("\nLSH weight against false negatives (threshold 0.8, 128 permutations)")
    print(f"  {'weight':>6s} {'bands':>5s} {'rows':>4s} {'P(J=0.8)':>8s} {'P(J=0.5)':>8s}", end="")
    print(f" {'candidates':>10s} {'recall':>7s} {'clustered FN':>12s} {'find s':>7s}")
    for weight in (0.5, 0.8, 0.9, 0.95, 0.99):
        config = DedupConfig(false_negative_weight=weight)
        bands, rows = lsh_parameters(0.8, 128, weight)
        duplicates, seconds = timed(lambda c=config: find_duplicates(signatures, texts, c))
        candidates, verified = near_pairs(signatures, texts, config)
        overall = evaluate(corpus, signatures, duplicates, verified, config)["overall"]
        chance = [1 - (1 - similarity**rows) ** bands for similarity in (0.8, 0.5)]
        print(f"  {weight:6.2f} {bands:5d} {rows:4d} {chance[0]:8.3f} {chance[1]:8.3f}", end="")
        print(f" {len(candidates):10d} {precision_recall(overall['matched'])[1]:7.4f}", end="")
        print(f" {overall['clustered']['fn']:12d} {seconds:7.2f}")


def choices_report(size: int) -> None:
    corpus = make_corpus(size)
    normalized = [normalize_for_dedup(d.text) for d in corpus]
    megabytes = sum(len(d.text.encode("utf-8")) for d in corpus) / 1e6
    print(f"{size} documents, {megabytes:.1f} MB")
    shingling_report(normalized, megabytes)
    library_report(corpus, normalized)
    ngram_report(corpus, normalized)
    weights_report(corpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--choices", action="store_true", help="shingling, library, n, LSH")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        print(json.dumps(run_one(arguments.one, DedupConfig(), accuracy=True)))
    elif arguments.choices:
        choices_report(arguments.sizes[0])
    else:
        sizes_report(arguments.sizes)


if __name__ == "__main__":
    main()
