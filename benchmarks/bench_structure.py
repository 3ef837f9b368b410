"""Speed of the structure stage, and of its duplicate marking against the pairwise reference.

    python -m benchmarks.synthetic_corpus --documents 300 --output /tmp/corpus
    python -m benchmarks.bench_structure /tmp/corpus [--rounds 5]

Each file is decoded, cleaned and converted to Simplified first (decode, hygiene,
script; not timed). Each round then times, one after the other on one core, the whole stage
(`extract_structure`) over every page, `paragraphs.mark_duplicates` alone over the body lines
the stage labelled, and `reference_mark_duplicates` on the same input: the implementation it
replaced, which normalised text for every comparison and compared every pair of lines through
a Counter of shared shingles. Times are this process's CPU time (`time.process_time`), best
round kept; the two duplicate markers must label every page alike, or the run fails.
"""

import argparse
import difflib
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from transforms.decoding.decode import decode_bytes
from transforms.decoding.hygiene import clean_text
from transforms.records import LineKind
from transforms.script.conversion import SimplifiedConverter
from transforms.structure.duplicates import mark_duplicates
from transforms.structure.extract import StructureConfig, extract_structure
from transforms.structure.lines import Line, split_lines
from transforms.structure.paragraphs import KEPT

_FIGURES = re.compile(r"\d+")
_NOT_WORD = re.compile(r"[\W_]+")


def reference_mark_duplicates(
    lines: Sequence[Line],
    kinds: list[str],
    min_chars: int,
    containment: float,
    similarity: float,
    shingle: int,
) -> None:
    """The duplicate marker as first written: the baseline the fast one must equal."""

    def comparable(text: str) -> str:
        return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text))

    seen: set[str] = set()
    seen_figures: set[str] = set()
    earlier: list[str] = []
    holders: dict[str, list[int]] = {}
    for index, line in enumerate(lines):
        text = comparable(line.content)
        if kinds[index] not in KEPT or len(text) < min_chars:
            continue
        pieces = {text[s : s + shingle] for s in range(max(1, len(text) - shingle + 1))}
        figures = _FIGURES.findall(text)
        contained = len(pieces & seen) >= containment * len(pieces)
        resembles = False
        shared = Counter(position for piece in pieces for position in holders.get(piece, ()))
        for position, count in shared.most_common():
            if count < len(pieces) / 2:
                break
            other = earlier[position]
            if _FIGURES.findall(other) != figures:
                continue
            matcher = difflib.SequenceMatcher(None, text, other, autojunk=False)
            if matcher.quick_ratio() >= similarity and matcher.ratio() >= similarity:
                resembles = True
                break
        if (contained and seen_figures.issuperset(figures)) or resembles:
            kinds[index] = LineKind.DUPLICATE
            continue
        seen |= pieces
        seen_figures.update(figures)
        for piece in pieces:
            holders.setdefault(piece, []).append(len(earlier))
        earlier.append(text)
    kept_or_copy = [i for i, kind in enumerate(kinds) if kind in (*KEPT, LineKind.DUPLICATE)]
    first_seen: dict[str, int] = {}
    for position, index in enumerate(kept_or_copy):
        text = comparable(lines[index].content)
        if kinds[index] not in KEPT or len(text) >= min_chars:
            continue
        if text in first_seen and first_seen[text] < index:
            neighbours = kept_or_copy[max(0, position - 1) : position + 2]
            if any(kinds[other] == LineKind.DUPLICATE for other in neighbours):
                kinds[index] = LineKind.DUPLICATE
                continue
        first_seen.setdefault(text, index)


def prepared_pages(folder: Path) -> list[str]:
    converter = SimplifiedConverter()
    pages = []
    for path in sorted(folder.glob("*.txt")):
        text = clean_text(decode_bytes(path.read_bytes()).text).text
        pages.append(converter.convert(text).text)
    return pages


def duplicate_inputs(pages: list[str]) -> list[tuple[list[Line], list[str]]]:
    """Each page's lines and the kinds the stage gave them, duplicates turned back to body."""
    inputs = []
    for page in pages:
        kinds = [
            LineKind.BODY.value if kind == LineKind.DUPLICATE else kind
            for kind in extract_structure(page).line_kinds
        ]
        inputs.append((split_lines(page), kinds))
    return inputs


def best_seconds(rounds: int, runs: dict[str, Callable[[], object]]) -> dict[str, float]:
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(rounds):
        for name, run in runs.items():
            started = time.process_time()
            run()
            best[name] = min(best[name], time.process_time() - started)
    return best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    pages = prepared_pages(args.folder)
    inputs = duplicate_inputs(pages)
    config = StructureConfig()
    settings = (
        config.duplicate_min_chars,
        config.duplicate_containment,
        config.duplicate_similarity,
        config.duplicate_shingle_chars,
    )

    def run_marker(marker: Callable[..., None]) -> list[list[str]]:
        results = []
        for lines, kinds in inputs:
            copy = list(kinds)
            marker(lines, copy, *settings)
            results.append(copy)
        return results

    if run_marker(mark_duplicates) != run_marker(reference_mark_duplicates):
        print("mark_duplicates and the reference disagree", file=sys.stderr)
        return 1
    best = best_seconds(
        args.rounds,
        {
            "stage": lambda: [extract_structure(page) for page in pages],
            "mark_duplicates": lambda: run_marker(mark_duplicates),
            "reference": lambda: run_marker(reference_mark_duplicates),
        },
    )
    kilobytes = sum(len(page.encode("utf-8")) for page in pages) / len(pages) / 1000
    print(f"{len(pages)} pages, {kilobytes:.1f} KB each (UTF-8), best of {args.rounds} rounds")
    print(
        f"structure stage       {len(pages) / best['stage']:8.0f} pages/s "
        f"({1000 * best['stage'] / len(pages):.2f} ms/page)"
    )
    for name in ("mark_duplicates", "reference"):
        print(
            f"{name:<21} {len(pages) / best[name]:8.0f} pages/s "
            f"({best[name] / best['stage']:.0%} of the stage's time)"
        )
    speed_up = best["reference"] / best["mark_duplicates"]
    print(f"mark_duplicates is {speed_up:.1f}x as fast as the reference")
    return 0


if __name__ == "__main__":
    sys.exit(main())
