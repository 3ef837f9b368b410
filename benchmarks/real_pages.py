"""Accuracy on real page dumps with a person's gold (the realpages format; see its README).

    python -m benchmarks.real_pages FOLDER [--direct] [--show N] [--titles]

FOLDER holds pages/<doc_id>.txt, gold/<doc_id>.json and manifest.jsonl. By default the whole
`normalize` flow runs over FOLDER/pages into a temporary output (a real Prefect run; set
PREFECT_HOME) and the published Parquet is scored. `--direct` runs the same pure steps
(prepare_document, cross-document line keys, finish_document) without Prefect, for fast
iteration; the reported figures come from the flow.

Scoring, as the realpages README states: the body is a bag of character bigrams after NFKC,
OpenCC t2s and whitespace removal (P, R, F1 per page, macro-averaged); titles match exactly
after NFKC, t2s and casefolding with whitespace, punctuation and symbols removed. Figures are
printed for all pages, Simplified and Traditional pages, and the tuning and held-out parts of a
split by host (a host is held out when the first byte of sha1(host) is below 86, about a third;
never the same host on both sides). `--titles` lists every page whose title is missed, the
gold's and ours side by side (to study misses; the pages stay out of the repository). Last,
every run of 6+ Han characters of the gold is looked for in transforms/ (code and tables):
the gold must not have leaked into the rules.
"""

import argparse
import hashlib
import json
import re
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import opencc

_T2S = opencc.OpenCC("t2s")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{6,}")
_LEAK_CHARS = 6
HELD_OUT_BELOW = 86  # first byte of sha1(host) below this: held-out part (about a third)
TRANSFORMS = Path(__file__).resolve().parent.parent / "transforms"


@dataclass(frozen=True)
class PageScore:
    doc_id: str
    host: str
    script: str
    precision: float
    recall: float
    f1: float
    title_ok: bool | None  # None when the gold has no title
    gold_title: str | None = None
    found_title: str | None = None


def normalized(text: str) -> str:
    return "".join(_T2S.convert(unicodedata.normalize("NFKC", text)).split())


def bigrams(text: str) -> Counter[str]:
    return Counter(text[index : index + 2] for index in range(len(text) - 1))


def body_scores(found: str, gold: str) -> tuple[float, float, float]:
    found_bigrams, gold_bigrams = bigrams(normalized(found)), bigrams(normalized(gold))
    overlap = sum((found_bigrams & gold_bigrams).values())
    precision = overlap / sum(found_bigrams.values()) if found_bigrams else 0.0
    recall = overlap / sum(gold_bigrams.values()) if gold_bigrams else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def title_key(text: str) -> str:
    text = _T2S.convert(unicodedata.normalize("NFKC", text)).casefold()
    return "".join(char for char in text if unicodedata.category(char)[0] not in "ZPSC")


def held_out(host: str) -> bool:
    return hashlib.sha1(host.encode()).digest()[0] < HELD_OUT_BELOW


def load_gold(folder: Path) -> dict[str, dict]:
    gold = {}
    for path in sorted((folder / "gold").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        gold[Path(record["input_file"]).name] = record
    return gold


def run_flow(folder: Path) -> dict[str, tuple[str, str | None]]:
    """source file name -> (published text, title), from a real Prefect run."""
    from flows.normalize import normalize
    from flows.normalize.flow import read_documents

    with tempfile.TemporaryDirectory(prefix="qingxi-real-pages-") as output:
        normalize(input_path=str(folder / "pages"), output_path=output, full_refresh=True)
        table = read_documents(output).select(["source_path", "text", "title"]).to_pylist()
    return {Path(row["source_path"]).name: (row["text"], row["title"]) for row in table}


def run_direct(folder: Path) -> dict[str, tuple[str, str | None]]:
    """The flow's pure steps in one process: the same answers, no Prefect."""
    from transforms.config import PipelineConfig
    from transforms.pipeline import RawDocument, finish_document, prepare_document
    from transforms.script import SimplifiedConverter

    config = PipelineConfig()
    converter = SimplifiedConverter(config.script)
    prepared = [
        prepare_document(RawDocument(path.name, path.read_bytes()), config, converter)
        for path in sorted((folder / "pages").glob("*.txt"))
    ]
    counts: Counter[str] = Counter()
    for document in prepared:
        counts.update(document.line_keys())
    recurring = frozenset(
        key for key, count in counts.items() if count >= config.structure.recurring_min_documents
    )
    rows = (finish_document(document, config, recurring) for document in prepared)
    return {row["source_path"]: (row["text"], row["title"]) for row in rows}


def score(gold: dict[str, dict], found: dict[str, tuple[str, str | None]]) -> list[PageScore]:
    scores = []
    for name, record in gold.items():
        text, title = found.get(name, ("", None))
        precision, recall, f1 = body_scores(text or "", record["gold"]["body"])
        gold_title = record["gold"].get("title") if "title" in record["annotated_fields"] else None
        title_ok = None if gold_title is None else title_key(title or "") == title_key(gold_title)
        scores.append(
            PageScore(
                record["doc_id"],
                record["provenance"]["host"],
                record["input_script"],
                precision,
                recall,
                f1,
                title_ok,
                gold_title,
                title,
            )
        )
    return scores


def summary_line(label: str, scores: list[PageScore]) -> str:
    if not scores:
        return f"{label:<22} (no pages)"
    count = len(scores)
    titles = [score.title_ok for score in scores if score.title_ok is not None]
    return (
        f"{label:<22} pages {count:>3}  P {sum(s.precision for s in scores) / count:.3f}"
        f"  R {sum(s.recall for s in scores) / count:.3f}"
        f"  F1 {sum(s.f1 for s in scores) / count:.3f}"
        f"  F1>=0.9 {sum(s.f1 >= 0.9 for s in scores) / count:.3f}"
        f"  title {sum(titles) / len(titles) if titles else 0:.3f}"
    )


def leaked_strings(gold: Iterable[dict], root: Path = TRANSFORMS) -> list[tuple[str, str]]:
    """(gold run of 6+ Han characters, file of transforms/ holding it), simplified or not."""
    holders: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".toml", ".tsv", ".txt", ".json", ".md"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            for run in _HAN_RUN.findall(text):
                for start in range(len(run) - _LEAK_CHARS + 1):
                    holders.setdefault(run[start : start + _LEAK_CHARS], str(path))
    found: dict[str, str] = {}
    for record in gold:
        texts = [record["gold"]["body"], record["gold"].get("title") or ""]
        texts += [_T2S.convert(text) for text in texts]
        for text in texts:
            for run in _HAN_RUN.findall(text):
                for start in range(len(run) - _LEAK_CHARS + 1):
                    piece = run[start : start + _LEAK_CHARS]
                    if piece in holders:
                        found.setdefault(piece, holders[piece])
    return sorted(found.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.real_pages")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--direct", action="store_true", help="pure steps, no Prefect run")
    parser.add_argument("--show", type=int, default=15, help="worst pages to list")
    parser.add_argument("--titles", action="store_true", help="list the missed titles")
    args = parser.parse_args(argv)
    gold = load_gold(args.folder)
    found = run_direct(args.folder) if args.direct else run_flow(args.folder)
    scores = score(gold, found)
    print(f"mode: {'direct (no Prefect)' if args.direct else 'flow (Prefect run)'}")
    tuning_hosts = sorted({s.host for s in scores if not held_out(s.host)})
    print(f"tuning hosts ({len(tuning_hosts)}): {' '.join(tuning_hosts)}")
    print(summary_line("all", scores))
    for script in ("simplified", "traditional"):
        print(summary_line(f"  {script}", [s for s in scores if s.script == script]))
    print(summary_line("tuning part", [s for s in scores if not held_out(s.host)]))
    print(summary_line("held-out part", [s for s in scores if held_out(s.host)]))
    print(f"\nworst {args.show} pages (P R F1 title):")
    for page in sorted(scores, key=lambda s: s.f1)[: args.show]:
        part = "held-out" if held_out(page.host) else "tuning"
        print(
            f"  {page.f1:.3f}  P {page.precision:.3f} R {page.recall:.3f}"
            f"  title {page.title_ok}  {part:<8} {page.doc_id}"
        )
    if args.titles:
        print("\nmissed titles (part, page, gold | ours):")
        for page in scores:
            if page.title_ok is False:
                part = "held-out" if held_out(page.host) else "tuning"
                print(f"  {part:<8} {page.doc_id}\n    {page.gold_title} | {page.found_title}")
    leaks = leaked_strings(gold.values())
    print(f"\ngold strings of {_LEAK_CHARS}+ Han characters found in transforms/: {len(leaks)}")
    for piece, path in leaks:
        print(f"  {piece}  {path}")
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
