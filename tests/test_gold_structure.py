"""The structure stage against every labelled page: the seeds (tests/gold) and the fixture
pages (tests/fixtures/pages), each as the pipeline hands it over (hygiene-cleaned, Traditional
converted) and with its raw half-width punctuation left in place.

Thresholds (issue 5): body char-F1 >= 0.99 and paragraph F1 >= 0.95 after NFKC with
whitespace ignored, no removed line left in the body, title/subtitle/date/source/author exact,
the `truncated` flag as the gold says; and every non-blank raw line in the body or in
`removed` with its kind.
"""

import json
from functools import cache
from pathlib import Path

import pytest

from transforms.evaluation.scoring import failures, label_report, prepare_text, score_document
from transforms.structure.extract import StructuredDocument, extract_structure

REPO = Path(__file__).resolve().parent.parent
FOLDERS = (
    (REPO / "data" / "raw", REPO / "tests" / "gold"),
    (REPO / "tests" / "fixtures" / "pages" / "raw", REPO / "tests" / "fixtures" / "pages" / "gold"),
)
GOLD_PATHS = [(raw, path) for raw, gold in FOLDERS for path in sorted(gold.glob("*.json"))]


@cache
def structured(raw_folder: Path, gold_path: Path, hygiene: bool) -> tuple[str, StructuredDocument]:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    text = prepare_text((raw_folder / gold["file"]).read_text(encoding="utf-8"), hygiene)
    return text, extract_structure(text)


def test_the_seeds_and_the_fixture_pages_are_all_here() -> None:
    assert sum(1 for raw, _ in GOLD_PATHS if raw == FOLDERS[0][0]) == 5
    assert sum(1 for raw, _ in GOLD_PATHS if raw == FOLDERS[1][0]) >= 24


@pytest.mark.parametrize("hygiene", [True, False], ids=["cleaned", "half-width"])
@pytest.mark.parametrize(
    ("raw_folder", "gold_path"), GOLD_PATHS, ids=[path.stem for _, path in GOLD_PATHS]
)
def test_gold_page(raw_folder: Path, gold_path: Path, hygiene: bool) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    text, result = structured(raw_folder, gold_path, hygiene)
    score = score_document(
        result.paragraphs,
        result.removed,
        result.metadata,
        gold,
        flags=result.flags,
        line_kinds=result.line_kinds,
    )
    assert failures(score) == []
    removed_lines = {segment.line for segment in result.removed}
    for number, line in enumerate(text.split("\n"), 1):
        kept = result.line_kinds[number - 1] in ("body", "heading")
        assert kept != (number in removed_lines) or not line.strip(), f"line {number}"


def test_removed_line_kinds_agree_with_the_gold() -> None:
    scores = []
    for raw_folder, gold_path in GOLD_PATHS:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        _, result = structured(raw_folder, gold_path, True)
        scores.append(score_document(result.paragraphs, result.removed, result.metadata, gold))
    pairs = [(gold, found) for score in scores for _, gold, found in score.line_labels]
    agreement = sum(1 for gold, found in pairs if gold == found) / len(pairs)
    assert agreement >= 0.95
    assert all(kind.recall >= 0.8 for kind in label_report(scores).values())
