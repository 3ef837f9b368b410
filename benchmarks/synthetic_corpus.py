"""A synthetic corpus made from the raw seed pages: many documents, mixed encodings and
scripts, some exact and near duplicates. Deterministic for a given seed.

    python -m benchmarks.synthetic_corpus --documents 2000 --output /tmp/corpus
"""

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

import opencc

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "data" / "raw"

# (codec to write with, convert to Traditional first?) — Big5 can only hold Traditional text.
ENCODINGS = (
    ("utf-8", False),
    ("utf-8-sig", False),
    ("gb18030", False),
    ("gbk", False),
    ("utf-16", False),
    ("big5", True),
    ("utf-8", True),
)


@dataclass(frozen=True)
class CorpusStats:
    documents: int
    bytes: int
    exact_copies: int
    near_copies: int


def seed_texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(RAW.glob("*.txt"))]


def sentence_pool(texts: list[str]) -> list[str]:
    """Every sentence of the seeds' long lines, to recombine into new bodies."""
    pool = []
    for text in texts:
        for line in text.split("\n"):
            if len(line) > 60:
                pool += [sentence + "。" for sentence in line.split("。") if len(sentence) > 10]
    return pool


def recombine(template: str, pool: list[str], rng: random.Random) -> str:
    """The template page's chrome and layout, with each long line replaced by new prose of
    about the same length: documents look alike without being copies of each other."""
    lines = []
    for line in template.split("\n"):
        if len(line) > 60:
            new_line = ""
            while len(new_line) < len(line):
                new_line += rng.choice(pool)
            line = new_line
        lines.append(line)
    return "\n".join(lines)


def mutate(text: str, rng: random.Random) -> str:
    """A near copy: one paragraph dropped or a few characters changed."""
    lines = text.split("\n")
    long_lines = [i for i, line in enumerate(lines) if len(line) > 60]
    if long_lines and rng.random() < 0.5:
        index = rng.choice(long_lines)
        line = lines[index]
        position = rng.randrange(len(line) - 10)
        lines[index] = line[:position] + "有关部门" + line[position + 4 :]
    else:
        lines.insert(0, "来源：新华网")
    return "\n".join(lines)


def encodable(text: str, codec: str) -> bytes:
    return text.encode(codec, errors="replace")


def make_corpus(output: Path, documents: int, seed: int = 7) -> CorpusStats:
    rng = random.Random(seed)
    to_traditional = opencc.OpenCC("s2t")
    bases = seed_texts()
    pool = sentence_pool(bases)
    output.mkdir(parents=True, exist_ok=True)
    written: list[bytes] = []
    exact = near = total = 0
    last_text = ""
    for number in range(documents):
        roll = rng.random()
        if written and roll < 0.05:
            data = rng.choice(written)
            exact += 1
        else:
            codec, make_traditional = rng.choice(ENCODINGS)
            text = recombine(rng.choice(bases), pool, rng)
            if written and roll < 0.15:
                text = mutate(last_text, rng)
                near += 1
            last_text = text
            if make_traditional:
                text = to_traditional.convert(text)
            data = encodable(text, codec)
            written.append(data)
        (output / f"doc-{number:07d}.txt").write_bytes(data)
        total += len(data)
    return CorpusStats(documents, total, exact, near)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(make_corpus(args.output, args.documents, args.seed))


if __name__ == "__main__":
    main()
