"""Speed and accuracy of the script stage against bare OpenCC, measured in the same run.

    python -m benchmarks.bench_script [--megabytes 8] [--rounds 7]

Corpus: the Traditional seed (001) and the four Simplified seeds turned Traditional by OpenCC
`s2t` and by `s2tw` (Taiwan forms: 著 for 着, as Taiwan's press writes), repeated as separate
documents up to --megabytes of UTF-8. Each round times, one after the other on one core: bare
`OpenCC(config).convert` per document for t2s/tw2s/hk2s, our `SimplifiedConverter.convert`,
and `detect_script` alone. Times are this process's CPU time (`time.process_time`: the machine
is shared) and the best round of each is reported. Then the pass-through of Simplified
documents, and the accuracy figures that chose the configuration.
"""

import argparse
import csv
import json
import time
from collections.abc import Callable
from pathlib import Path

import opencc

from transforms.script.conversion import SimplifiedConverter
from transforms.script.detection import detect_script

REPOSITORY = Path(__file__).resolve().parent.parent
RAW = REPOSITORY / "data" / "raw"
TEST_DATA = REPOSITORY / "tests" / "data"
CONFIGS = ("t2s", "tw2s", "hk2s")
TARGET_MEGABYTES_PER_SECOND = 50.0
DETECTION_BUDGET = 0.10  # detection may cost at most this share of conversion


def seeds() -> tuple[list[str], list[str]]:
    """(Traditional documents, Simplified documents) made from the seeds."""
    texts = {path.stem: path.read_text(encoding="utf-8") for path in sorted(RAW.glob("*.txt"))}
    simplified = [text for stem, text in texts.items() if not stem.startswith("001_")]
    traditional = [texts[stem] for stem in texts if stem.startswith("001_")]
    for config in ("s2t", "s2tw"):
        to_traditional = opencc.OpenCC(config)
        traditional += [to_traditional.convert(text) for text in simplified]
    return traditional, simplified


def repeat_to(documents: list[str], megabytes: float) -> list[str]:
    corpus: list[str] = []
    size = 0
    while size < megabytes * 1e6:
        for document in documents:
            corpus.append(document)
            size += len(document.encode("utf-8"))
    return corpus


def best_seconds(rounds: int, runs: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Run every function once per round, interleaved; keep each one's fastest round."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(rounds):
        for name, run in runs.items():
            started = time.process_time()
            run()
            best[name] = min(best[name], time.process_time() - started)
    return best


def speed(megabytes: float, rounds: int) -> dict[str, float]:
    traditional, simplified = seeds()
    corpus = repeat_to(traditional, megabytes)
    simplified_corpus = repeat_to(simplified, megabytes)
    size = sum(len(document.encode("utf-8")) for document in corpus) / 1e6
    simplified_size = sum(len(document.encode("utf-8")) for document in simplified_corpus) / 1e6
    bare = {config: opencc.OpenCC(config) for config in CONFIGS}
    converter = SimplifiedConverter()
    converter.convert(traditional[0])  # build OpenCC and the correction table outside timing

    runs: dict[str, Callable[[], object]] = {
        f"bare {config}": (lambda c=bare[config]: [c.convert(d) for d in corpus])
        for config in CONFIGS
    }
    runs["qingxi convert"] = lambda: [converter.convert(d) for d in corpus]
    runs["detect_script"] = lambda: [detect_script(d) for d in corpus]
    seconds = best_seconds(rounds, runs)
    simplified_seconds = best_seconds(
        rounds,
        {
            "bare t2s": lambda: [bare["t2s"].convert(d) for d in simplified_corpus],
            "qingxi convert": lambda: [converter.convert(d) for d in simplified_corpus],
        },
    )

    rate = {name: size / value for name, value in seconds.items()}
    print(f"Traditional corpus: {len(corpus)} documents, {size:.1f} MB, best of {rounds} rounds")
    for name, value in rate.items():
        print(f"  {name:<16} {value:7.1f} MB/s")
    ratio = seconds["bare t2s"] / seconds["qingxi convert"]
    share = seconds["detect_script"] / seconds["qingxi convert"]
    print(f"  qingxi / bare t2s speed ratio: {ratio:.2f}")
    print(
        f"  detection cost / conversion cost: {share:.1%} of qingxi's, "
        f"{seconds['detect_script'] / seconds['bare t2s']:.1%} of bare t2s "
        f"(budget {DETECTION_BUDGET:.0%})"
    )
    verdict = "meets" if rate["qingxi convert"] >= TARGET_MEGABYTES_PER_SECOND else "misses"
    print(f"  {verdict} the {TARGET_MEGABYTES_PER_SECOND:.0f} MB/s target on this machine")
    print(f"Simplified corpus: {simplified_size:.1f} MB (detected, passed through untouched)")
    for name, value in simplified_seconds.items():
        print(f"  {name:<16} {simplified_size / value:7.1f} MB/s")
    return {
        **{f"{name} MB/s": value for name, value in rate.items()},
        "speed ratio": ratio,
        "detection share": share,
    }


def accuracy() -> None:
    """The measurements behind the configuration choice (bare OpenCC, no correction table)."""
    cases = json.loads((TEST_DATA / "opencc_t2s_testcases.json").read_text(encoding="utf-8"))
    with (TEST_DATA / "t2s_sentences.tsv").open(encoding="utf-8") as handle:
        sentences = list(csv.DictReader(handle, delimiter="\t"))
    _, simplified_documents = seeds()
    simplified_texts = simplified_documents + [row["accepted"].split("|")[0] for row in sentences]
    print("Configuration accuracy (bare OpenCC):")
    print(
        f"  {'config':<6} {'OpenCC t2s cases':>17} {'our sentences':>14} {'Simplified damaged':>19}"
    )
    for config in CONFIGS:
        converter = opencc.OpenCC(config)
        passed = sum(converter.convert(c["input"]) == c["expected"] for c in cases["cases"])
        right = sum(
            converter.convert(row["traditional"]) in row["accepted"].split("|") for row in sentences
        )
        damaged = sum(
            sum(a != b for a, b in zip(text, converter.convert(text), strict=True))
            for text in simplified_texts
        )
        print(
            f"  {config:<6} {passed:>8}/{len(cases['cases']):<8} {right:>7}/{len(sentences):<6}"
            f" {damaged:>10} chars"
        )
    ours = SimplifiedConverter()
    right = sum(
        ours.convert(row["traditional"]).text in row["accepted"].split("|") for row in sentences
    )
    passed = sum(ours.convert_traditional(c["input"]) == c["expected"] for c in cases["cases"])
    total = len(cases["cases"])
    print(
        f"  qingxi (t2s + corrections): {passed}/{total} cases, {right}/{len(sentences)} sentences"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megabytes", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=7)
    arguments = parser.parse_args()
    speed(arguments.megabytes, arguments.rounds)
    accuracy()


if __name__ == "__main__":
    main()
