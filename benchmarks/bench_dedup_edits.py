"""Dedup on real-shaped edits: matched-pair precision and recall per edit kind, and time.

    python -m benchmarks.bench_dedup_edits --sizes 1000 10000 [100000]

The corpus is benchmarks.dedup_edit_corpus: copies of a story are positives, whatever their
Jaccard (a copy that lost two of five paragraphs is still the same story); unrelated stories
and follow-ups that reuse a few paragraphs are negatives. A pair is *matched* when dedup found
it itself: the same normalized body, or a verified candidate pair of the two bodies. Time is
printed against exact-duplicate detection alone, measured in the same run.
"""

import argparse
import itertools
import time
from collections import defaultdict
from datetime import date

import pandas as pd

from benchmarks.bench_dedup import exact_only, near_pairs, signatures_in_partitions
from benchmarks.dedup_edit_corpus import EDITS, EditedDocument, make_edit_corpus
from transforms.dedup import DedupConfig, body_representatives


def documents_frame(corpus: list[EditedDocument]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": [d.doc_id for d in corpus],
            "source_path": [d.doc_id for d in corpus],
            "published_date": [date(2024, 1, 1)] * len(corpus),
            "n_chars": [len(d.text) for d in corpus],
            "text": [d.text for d in corpus],
        }
    )


def matched_pairs(signatures: pd.DataFrame, verified: pd.DataFrame) -> set[tuple[str, str]]:
    """Every document pair dedup found itself: same body, or a verified pair of bodies."""
    exact = body_representatives(signatures)
    members: dict[str, list[str]] = defaultdict(list)
    for doc_id, representative in zip(exact["doc_id"], exact["representative"], strict=True):
        members[representative].append(doc_id)
    pairs = {
        tuple(sorted(p)) for group in members.values() for p in itertools.combinations(group, 2)
    }
    for left, right in zip(verified["left"], verified["right"], strict=True):
        pairs.update(tuple(sorted(p)) for p in itertools.product(members[left], members[right]))
    return pairs


def run(size: int, config: DedupConfig) -> dict:
    corpus = make_edit_corpus(size)
    docs = documents_frame(corpus)
    texts = dict(zip(docs["doc_id"], docs["text"], strict=True))
    started = time.perf_counter()
    exact_only(docs)
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    signatures = signatures_in_partitions(docs, config)
    _, verified = near_pairs(signatures, texts, config)
    seconds = time.perf_counter() - started
    found = matched_pairs(signatures, verified)
    story = {d.doc_id: d.story for d in corpus}
    edit = {d.doc_id: d.edit for d in corpus}
    by_story: dict[int, list[str]] = defaultdict(list)
    for document in corpus:
        by_story[document.story].append(document.doc_id)
    positives = {
        tuple(sorted(p)) for group in by_story.values() for p in itertools.combinations(group, 2)
    }
    true_found = found & positives
    per_edit: dict[str, list[bool]] = defaultdict(list)
    for left, right in positives:
        kind = edit[right] if edit[left] == "original" else edit[left]
        if "original" in (edit[left], edit[right]):
            per_edit[kind].append((left, right) in found)
    return {
        "size": size,
        "positives": len(positives),
        "precision": len(true_found) / len(found) if found else 1.0,
        "recall": len(true_found) / len(positives) if positives else 1.0,
        "false_pairs": sorted(p for p in found if story[p[0]] != story[p[1]])[:5],
        "per_edit": {k: (sum(v), len(v)) for k, v in sorted(per_edit.items())},
        "seconds": seconds,
        "baseline_seconds": baseline,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--threshold", type=float, default=None, help="Jaccard threshold")
    arguments = parser.parse_args()
    config = (
        DedupConfig() if arguments.threshold is None else DedupConfig(threshold=arguments.threshold)
    )
    print(f"config: {config}")
    for size in arguments.sizes:
        result = run(size, config)
        print(
            f"{result['size']:>7} docs: matched-pair precision {result['precision']:.4f} "
            f"recall {result['recall']:.4f} ({result['positives']} positive pairs); "
            f"{result['seconds']:.1f} s = {result['seconds'] / result['baseline_seconds']:.1f}x "
            "exact-only"
        )
        for kind in (*EDITS,):
            hits, total = result["per_edit"].get(kind, (0, 0))
            print(f"    {kind:<18} recall {hits / total if total else 1:.3f} ({hits}/{total})")
        if result["false_pairs"]:
            print(f"    false pairs, e.g. {result['false_pairs']}")


if __name__ == "__main__":
    main()
