"""Scoring against gold (not a pipeline stage: nothing in the product path imports it).

    score_document(...) -> DocumentScore; failures(score) -> list[str]; format_report(scores)
    score_folder(raw_folder, gold_folder) -> list[DocumentScore]   # the structure stage alone

`python -m transforms.evaluation` prints the structure stage's report over every gold set.
"""

from transforms.evaluation.scoring import (
    DocumentScore,
    Thresholds,
    char_f1,
    failures,
    format_report,
    label_report,
    paragraph_f1,
    score_document,
    score_folder,
)

__all__ = [
    "DocumentScore",
    "Thresholds",
    "char_f1",
    "failures",
    "format_report",
    "label_report",
    "paragraph_f1",
    "score_document",
    "score_folder",
]
