"""Score a published dataset against hand-labelled gold (`make report`).

    python -m flows.score --output data/clean --gold tests/gold

Prints, per document, the body's character and paragraph F1, metadata mismatches and
leaked lines, then per-kind precision and recall of the removed-line labels. Exit status 1
when a document misses a threshold. This scores what the whole pipeline wrote (decoding and
conversion included); `python -m transforms.evaluation` scores the structure stage alone.
"""

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from transforms.evaluation import DocumentScore, failures, format_report, score_document
from transforms.records import RemovedSegment

ROW_FIELDS = ("encoding", "script")  # checked here, beyond the structure fields


def score_rows(rows: dict[str, dict[str, Any]], gold_folder: Path) -> list[DocumentScore]:
    """Score output rows (by source_path) against every gold file of a folder."""
    scores = []
    for gold_path in sorted(gold_folder.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        row = rows.get(gold["file"])
        if row is None:
            raise LookupError(f"no output row for {gold['file']}")
        score = score_document(
            row["text"].split("\n") if row["text"] else [],
            [RemovedSegment(**segment) for segment in row["removed"]],
            row,
            gold,
            flags=row["flags"],
            name=gold_path.stem,
        )
        extra = tuple(
            (name, gold[name], row[name]) for name in ROW_FIELDS if gold.get(name) != row[name]
        )
        lossy = ("lossy_encoding" in gold["flags"]) != ("lossy_encoding" in row["flags"])
        flag_mismatches = score.flag_mismatches + (("lossy_encoding",) if lossy else ())
        scores.append(
            dataclasses.replace(
                score,
                field_mismatches=score.field_mismatches + extra,
                flag_mismatches=flag_mismatches,
            )
        )
    return scores


def read_rows(output: Path) -> dict[str, dict[str, Any]]:
    table = pq.read_table(output / "documents")
    return {row["source_path"]: row for row in table.to_pylist()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.score", description=__doc__)
    parser.add_argument("--output", default="data/clean", help="a published qingxi dataset")
    parser.add_argument("--gold", default="tests/gold", help="folder of gold JSON files")
    args = parser.parse_args(argv)
    if not (Path(args.output) / "documents").is_dir():
        print(f"qingxi: error: no dataset in {args.output} (run `make run` first)", file=sys.stderr)
        return 2
    scores = score_rows(read_rows(Path(args.output)), Path(args.gold))
    print(format_report(scores))
    return 0 if all(not failures(score) for score in scores) else 1


if __name__ == "__main__":
    sys.exit(main())
