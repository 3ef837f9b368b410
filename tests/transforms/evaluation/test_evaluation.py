"""Scoring against gold: the measures, the thresholds and the report."""

import datetime
import json
from pathlib import Path

import pytest

from transforms.evaluation.scoring import (
    char_f1,
    comparable,
    failures,
    format_report,
    label_report,
    main,
    paragraph_f1,
    score_document,
)
from transforms.records import RemovedSegment
from transforms.structure.metadata import CHINA_TIME, Metadata

GOLD = {
    "file": "page.txt",
    "script": "simplified",
    "title": "某县推进农村公路建设",
    "subtitle": None,
    "source": "某县交通运输局",
    "author": None,
    "published_at": "2023-04-18T09:42:00+08:00",
    "body": ["今年以来，某县新建农村公路120公里。", "一、坚持规划先行", "县里科学编制规划。"],
    "removed": [
        {"line": 1, "kind": "title", "text": "某县推进农村公路建设"},
        {"line": 2, "kind": "dateline", "text": "发布时间：2023-04-18 09:42 来源：某县交通运输局"},
        {"line": 6, "kind": "caption", "text": "施工现场"},
    ],
    "flags": [],
}
METADATA = Metadata(
    title="某县推进农村公路建设",
    source="某县交通运输局",
    published_date=datetime.date(2023, 4, 18),
    published_at=datetime.datetime(2023, 4, 18, 9, 42, tzinfo=CHINA_TIME),
)
REMOVED = [
    RemovedSegment("title", 1, "某县推进农村公路建设"),
    RemovedSegment("dateline", 2, "发布时间：2023-04-18 09:42 来源：某县交通运输局"),
    RemovedSegment("caption", 6, "施工现场"),
]
KINDS = ("title", "dateline", "body", "heading", "body", "caption")


def test_comparison_ignores_width_and_whitespace() -> None:
    assert comparable("今年以来, 某县 新建") == comparable("今年以来，某县新建")


def test_char_f1_counts_characters_and_their_repeats() -> None:
    assert char_f1(["甲乙丙"], ["甲乙丙"]) == 1.0
    assert char_f1(["甲乙丙", "甲乙丙"], ["甲乙丙"]) == pytest.approx(2 / 3)
    assert char_f1([], []) == 1.0 and char_f1(["甲"], []) == 0.0


def test_paragraph_f1_needs_whole_paragraphs() -> None:
    assert paragraph_f1(["甲。乙。"], ["甲。", "乙。"]) == 0.0
    assert paragraph_f1(["甲。", "乙。"], ["甲。", "乙。"]) == 1.0


def test_a_perfect_output_passes() -> None:
    score = score_document(GOLD["body"], REMOVED, METADATA, GOLD, line_kinds=KINDS)
    assert failures(score) == []
    assert (score.body_char_f1, score.paragraph_f1) == (1.0, 1.0)
    assert (4, "body", "body") in score.line_labels  # heading counts as body


def test_leaks_wrong_fields_and_flags_are_failures() -> None:
    leaked = [*GOLD["body"][:2], "施工现场", GOLD["body"][2]]
    metadata = {"title": "某县推进农村公路建设", "source": "交通运输局", "published_date": None}
    score = score_document(
        leaked, REMOVED[:2], metadata, GOLD, flags=("truncated",), line_kinds=KINDS
    )
    assert score.leaked_removed == (6,)
    assert {field for field, _, _ in score.field_mismatches} == {"source", "published_at"}
    assert score.flag_mismatches == ("truncated",)
    problems = failures(score)
    assert any("removed lines in body: [6]" in problem for problem in problems)
    assert len(problems) == 6  # char-F1, paragraph F1, leak, source, date, flag


def test_a_date_only_gold_compares_with_the_published_date() -> None:
    gold = {**GOLD, "published_at": "2023-04-18"}
    metadata = {**METADATA.__dict__, "published_at": None}
    assert score_document(GOLD["body"], REMOVED, metadata, gold).field_mismatches == ()


def test_label_report_gives_precision_and_recall_per_kind() -> None:
    wrong = [REMOVED[0], RemovedSegment("caption", 2, ""), REMOVED[2]]
    scores = [
        score_document(GOLD["body"], REMOVED, METADATA, GOLD, line_kinds=KINDS),
        score_document(GOLD["body"], wrong, METADATA, GOLD, line_kinds=KINDS),
    ]
    report = label_report(scores)
    assert report["dateline"].recall == 0.5 and report["dateline"].precision == 1.0
    assert report["caption"].precision == pytest.approx(2 / 3)
    assert report["body"].gold_count == 6
    assert "2/2 documents pass" in format_report(scores)  # labels are reported, not thresholds


def test_main_scores_a_folder_and_says_whether_all_pass(tmp_path: Path, capsys) -> None:
    raw, gold = tmp_path / "raw", tmp_path / "gold"
    raw.mkdir()
    gold.mkdir()
    page = "某县推进农村公路建设\n发布时间：2023-04-18 09:42 来源：某县交通运输局\n"
    page += "今年以来，某县新建农村公路120公里。\n一、坚持规划先行\n县里科学编制规划。\n施工现场"
    (raw / "page.txt").write_text(page, encoding="utf-8")
    (gold / "page.json").write_text(json.dumps(GOLD, ensure_ascii=False), encoding="utf-8")
    assert main([str(raw), str(gold)]) == 0
    output = capsys.readouterr().out
    assert "1/1 documents pass" in output and "caption" in output
    assert main([str(raw)]) == 2
