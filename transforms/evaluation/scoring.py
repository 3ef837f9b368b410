"""Scoring the structure stage against hand-labelled gold (tests/gold/README.md's format).

Pure functions: `score_document` compares one document's output with its gold, `label_report`
turns many documents' line labels into per-kind precision and recall, `failures` says which of
the accuracy thresholds a document misses. `python -m transforms.evaluation [RAW_DIR GOLD_DIR]...`
runs the stage over folders of UTF-8 raw files and their gold and prints the table (no decoding,
no Prefect: the raw files are read as UTF-8, cleaned and converted to Simplified when the
page is Traditional, by the hygiene and script stages as in the pipeline).
"""

import dataclasses
import json
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transforms.records import Flag, LineKind, RemovedSegment

FIELDS = ("title", "subtitle", "source", "author", "published_at")
STRUCTURE_FLAGS = frozenset({Flag.TRUNCATED.value})  # the flags this stage sets
GOLD_FOLDERS = (
    ("data/raw", "tests/gold"),
    ("tests/fixtures/pages/raw", "tests/fixtures/pages/gold"),
)


@dataclass(frozen=True)
class Thresholds:
    body_char_f1: float = 0.99
    paragraph_f1: float = 0.95


@dataclass(frozen=True)
class DocumentScore:
    name: str
    body_char_f1: float
    paragraph_f1: float
    leaked_removed: tuple[int, ...]  # lines the gold removes that stayed in the body
    field_mismatches: tuple[tuple[str, Any, Any], ...]  # (field, gold, found)
    flag_mismatches: tuple[str, ...]  # structure flags (truncated) the gold and output disagree on
    line_labels: tuple[tuple[int, str, str], ...]  # (line, gold kind, found kind); body for kept


def comparable(text: str) -> str:
    """What the gold is compared on: NFKC, whitespace removed.

    >>> comparable('什么是幸福? 家住， ') == comparable('什么是幸福？家住,')
    True
    """
    return "".join(unicodedata.normalize("NFKC", text).split())


def _f1(found: Counter[str], expected: Counter[str]) -> float:
    overlap = sum((found & expected).values())
    if not found and not expected:
        return 1.0
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(found.values()), overlap / sum(expected.values())
    return 2 * precision * recall / (precision + recall)


def char_f1(found: Sequence[str], expected: Sequence[str]) -> float:
    """F1 over the multiset of characters of two bodies (order-free; duplicated text counts).

    >>> round(char_f1(['甲乙丙'], ['甲乙', '丙丁']), 3)
    0.857
    """
    return _f1(
        Counter("".join(map(comparable, found))), Counter("".join(map(comparable, expected)))
    )


def paragraph_f1(found: Sequence[str], expected: Sequence[str]) -> float:
    """F1 over exact (comparable) paragraphs.

    >>> paragraph_f1(['甲。', '乙。'], ['甲。', '乙 。', '丙。'])
    0.8
    """
    return _f1(Counter(map(comparable, found)), Counter(map(comparable, expected)))


def _published(metadata: Mapping[str, Any]) -> str | None:
    value = metadata.get("published_at") or metadata.get("published_date")
    return value.isoformat() if hasattr(value, "isoformat") else value


def score_document(
    paragraphs: Sequence[str],
    removed: Iterable[RemovedSegment],
    metadata_dict: Mapping[str, Any] | Any,
    gold: Mapping[str, Any],
    *,
    flags: Sequence[str] = (),
    line_kinds: Sequence[str] | None = None,
    name: str | None = None,
) -> DocumentScore:
    """One document's output against its gold. `metadata_dict` may be a Metadata."""
    if dataclasses.is_dataclass(metadata_dict) and not isinstance(metadata_dict, type):
        metadata_dict = dataclasses.asdict(metadata_dict)
    found_kinds = {segment.line: segment.kind for segment in removed}
    gold_kinds = {entry["line"]: entry["kind"] for entry in gold["removed"]}
    numbers = set(found_kinds) | set(gold_kinds)
    if line_kinds is not None:
        numbers |= {number for number, kind in enumerate(line_kinds, 1) if kind}
    labels = tuple(
        (number, gold_kinds.get(number, LineKind.BODY.value), found_kinds.get(number, "body"))
        for number in sorted(numbers)
    )
    found_fields = {field: metadata_dict.get(field) for field in FIELDS[:-1]}
    found_fields["published_at"] = _published(metadata_dict)
    mismatches = tuple(
        (field, gold.get(field), found_fields[field])
        for field in FIELDS
        if comparable(gold.get(field) or "") != comparable(found_fields[field] or "")
    )
    flag_mismatches = tuple(sorted((set(gold.get("flags", ())) ^ set(flags)) & STRUCTURE_FLAGS))
    return DocumentScore(
        name=name or gold.get("file", ""),
        body_char_f1=char_f1(paragraphs, gold["body"]),
        paragraph_f1=paragraph_f1(paragraphs, gold["body"]),
        leaked_removed=tuple(n for n, g, f in labels if g != "body" and f == "body"),
        field_mismatches=mismatches,
        flag_mismatches=flag_mismatches,
        line_labels=labels,
    )


def failures(score: DocumentScore, thresholds: Thresholds = Thresholds()) -> list[str]:
    """What keeps a document from passing; empty when it passes."""
    problems = []
    if score.body_char_f1 < thresholds.body_char_f1:
        problems.append(f"body char-F1 {score.body_char_f1:.4f}")
    if score.paragraph_f1 < thresholds.paragraph_f1:
        problems.append(f"paragraph F1 {score.paragraph_f1:.4f}")
    if score.leaked_removed:
        problems.append(f"removed lines in body: {list(score.leaked_removed)}")
    problems += [f"{field}: gold {g!r}, found {f!r}" for field, g, f in score.field_mismatches]
    problems += [f"flag {flag} disagrees" for flag in score.flag_mismatches]
    return problems


@dataclass(frozen=True)
class KindScore:
    precision: float
    recall: float
    gold_count: int
    found_count: int


def label_report(scores: Iterable[DocumentScore]) -> dict[str, KindScore]:
    """Per-kind precision and recall of the line labels over all documents."""
    pairs = [(gold, found) for score in scores for _, gold, found in score.line_labels]
    report = {}
    for kind in sorted({kind for pair in pairs for kind in pair}):
        hits = sum(1 for gold, found in pairs if gold == kind == found)
        gold_count = sum(1 for gold, _ in pairs if gold == kind)
        found_count = sum(1 for _, found in pairs if found == kind)
        report[kind] = KindScore(
            hits / found_count if found_count else 1.0,
            hits / gold_count if gold_count else 1.0,
            gold_count,
            found_count,
        )
    return report


def prepare_text(text: str, hygiene: bool = True) -> str:
    """A raw page as the structure stage receives it in the pipeline: cleaned by the hygiene
    stage (unless `hygiene` is false: half-width punctuation stays) and converted to
    Simplified by the script stage when it is Traditional."""
    from transforms.decoding import clean_text
    from transforms.script import SimplifiedConverter

    if hygiene:
        text = clean_text(text).text
    return SimplifiedConverter().convert(text).text


def score_folder(raw_folder: Path, gold_folder: Path, hygiene: bool = True) -> list[DocumentScore]:
    """Run the structure stage over every gold document of a folder pair and score it."""
    from transforms.structure import extract_structure

    scores = []
    for gold_path in sorted(gold_folder.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = prepare_text((raw_folder / gold["file"]).read_text(encoding="utf-8"), hygiene)
        result = extract_structure(text)
        scores.append(
            score_document(
                result.paragraphs,
                result.removed,
                result.metadata,
                gold,
                flags=result.flags,
                line_kinds=result.line_kinds,
                name=gold_path.stem,
            )
        )
    return scores


def format_report(scores: Sequence[DocumentScore], thresholds: Thresholds = Thresholds()) -> str:
    rows = [f"{'document':<36} {'char-F1':>8} {'para-F1':>8}  result"]
    for score in scores:
        problems = failures(score, thresholds)
        verdict = "ok" if not problems else "; ".join(problems)
        rows.append(
            f"{score.name:<36} {score.body_char_f1:>8.4f} {score.paragraph_f1:>8.4f}  {verdict}"
        )
    passed = sum(1 for score in scores if not failures(score, thresholds))
    rows += [f"{passed}/{len(scores)} documents pass", "", f"{'kind':<14} {'precision':>9} "
             f"{'recall':>7} {'gold':>5} {'found':>5}"]  # fmt: skip
    for kind, kind_score in label_report(scores).items():
        rows.append(
            f"{kind:<14} {kind_score.precision:>9.3f} {kind_score.recall:>7.3f} "
            f"{kind_score.gold_count:>5} {kind_score.found_count:>5}"
        )
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m transforms.evaluation [RAW_DIR GOLD_DIR]...`; exit status 1 if any fails."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if len(arguments) % 2:
        print("usage: python -m transforms.evaluation [RAW_DIR GOLD_DIR]...", file=sys.stderr)
        return 2
    pairs = list(zip(arguments[::2], arguments[1::2], strict=True)) or [
        pair for pair in GOLD_FOLDERS if Path(pair[1]).is_dir()
    ]
    scores = [score for raw, gold in pairs for score in score_folder(Path(raw), Path(gold))]
    print(format_report(scores))
    return 0 if all(not failures(score) for score in scores) else 1


if __name__ == "__main__":
    sys.exit(main())
