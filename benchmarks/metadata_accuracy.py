"""Author and date precision and recall on the labelled pages.

    python -m benchmarks.metadata_accuracy [--show] [RAW_DIR GOLD_DIR]...

Runs the structure stage (as transforms.evaluation does: hygiene, Simplified conversion, no
Prefect) over the seeds (tests/gold), the development pages (tests/fixtures/pages), the blind
pages (tests/fixtures/blind) and the metadata pages (tests/fixtures/metadata), and compares the
`author` and `published_at` fields with the gold.

Per page: a non-null answer is a *prediction*; it is *correct* when it equals the gold after
NFKC with whitespace removed. Precision = correct / predictions, recall = correct / pages whose
gold is non-null. For authors, names are also counted one by one (name precision and recall
over the multiset of names). For dates, `date` compares the day only, `at` the whole value
(the time of day too, when the gold has one). A null answer where the gold is null is neither a
prediction nor a miss; `--show` lists every page where output and gold differ.
"""

import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from transforms.evaluation.scoring import comparable, prepare_text

REPO = Path(__file__).resolve().parent.parent
SETS = {
    "seeds": (REPO / "data" / "raw", REPO / "tests" / "gold"),
    "pages": (REPO / "tests/fixtures/pages/raw", REPO / "tests/fixtures/pages/gold"),
    "blind": (REPO / "tests/fixtures/blind/raw", REPO / "tests/fixtures/blind/gold"),
    "metadata": (REPO / "tests/fixtures/metadata/raw", REPO / "tests/fixtures/metadata/gold"),
}


@dataclass(frozen=True)
class Found:
    name: str
    gold_author: str | None
    author: str | None
    gold_at: str | None
    at: str | None
    flags: tuple[str, ...]


@dataclass(frozen=True)
class Rate:
    correct: int
    predicted: int
    expected: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0

    def __str__(self) -> str:
        return (
            f"P {self.precision:.3f} ({self.correct}/{self.predicted})  "
            f"R {self.recall:.3f} ({self.correct}/{self.expected})"
        )


def run_folder(raw_folder: Path, gold_folder: Path) -> list[Found]:
    from transforms.structure import extract_structure

    found = []
    for gold_path in sorted(gold_folder.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = prepare_text((raw_folder / gold["file"]).read_text(encoding="utf-8"))
        result = extract_structure(text)
        metadata = result.metadata
        value = metadata.published_at or metadata.published_date
        found.append(
            Found(
                gold_path.stem,
                gold["author"],
                metadata.author,
                gold["published_at"],
                value.isoformat() if value else None,
                result.flags,
            )
        )
    return found


def rate(pairs: Iterable[tuple[str | None, str | None]]) -> Rate:
    pairs = list(pairs)
    return Rate(
        sum(1 for gold, got in pairs if got and gold and comparable(gold) == comparable(got)),
        sum(1 for _, got in pairs if got),
        sum(1 for gold, _ in pairs if gold),
    )


def name_rate(pages: Sequence[Found]) -> Rate:
    correct = predicted = expected = 0
    for page in pages:
        gold = Counter(map(comparable, (page.gold_author or "").split()))
        got = Counter(map(comparable, (page.author or "").split()))
        correct += sum((gold & got).values())
        predicted += sum(got.values())
        expected += sum(gold.values())
    return Rate(correct, predicted, expected)


def report(name: str, pages: Sequence[Found]) -> list[str]:
    return [
        f"{name} ({len(pages)} pages)",
        f"  author page  {rate((p.gold_author, p.author) for p in pages)}",
        f"  author names {name_rate(pages)}",
        f"  date day     {rate((p.gold_at and p.gold_at[:10], p.at and p.at[:10]) for p in pages)}",
        f"  date at      {rate((p.gold_at, p.at) for p in pages)}",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    show = "--show" in arguments
    arguments = [argument for argument in arguments if argument != "--show"]
    pairs = zip(arguments[::2], arguments[1::2], strict=True)
    sets = (
        {raw: (Path(raw), Path(gold)) for raw, gold in pairs}
        if arguments
        else {name: pair for name, pair in SETS.items() if pair[1].is_dir()}
    )
    every: list[Found] = []
    for name, (raw, gold) in sets.items():
        pages = run_folder(raw, gold)
        every += pages
        print("\n".join(report(name, pages)))
        if show:
            for page in pages:
                if comparable(page.gold_author or "") != comparable(page.author or ""):
                    print(f"    author {page.name}: gold {page.gold_author!r}, got {page.author!r}")
                if (page.gold_at or "") != (page.at or ""):
                    print(f"    date   {page.name}: gold {page.gold_at!r}, got {page.at!r}")
    if len(sets) > 1:
        print("\n".join(report("all", every)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
