"""A labelled corpus for measuring deduplication, made from the gold bodies of the seed pages.

    python -m benchmarks.dedup_corpus --documents 1000      (prints a summary)

Every document belongs to a *family*: one original story and the copies made from it. The
first five originals are the seeds' gold bodies (tests/gold/*.json, paragraphs joined with
"\\n"); the others are recombinations of sentences drawn from all five seeds, so that every
family shares vocabulary with every other (same topic: governance, law, safety) while its
content differs. Each copy records its `kind` and `rate`:

    exact                the original's body
    chrome               a different leading and/or trailing line (source, editor, prompt)
    paragraphs_dropped   round(rate x paragraphs) paragraphs dropped (at least one)
    paragraphs_added     round(rate x paragraphs) recombined paragraphs inserted (at least one)
    sentences_changed    round(rate x sentences) sentences replaced by sentences of other seeds
    characters_changed   round(rate x characters) Han characters replaced by other ones
    script_round_trip    OpenCC s2t then t2s: a Traditional copy as the pipeline hands it over
                         (lossless on these bodies, so it is an exact duplicate)
    taiwan_round_trip    OpenCC s2twp (Taiwan vocabulary: 软件 -> 軟體) then tw2s: a Taiwan
                         edition converted back, whose vocabulary stays Taiwanese
    unrelated            a new recombination of sentences from the same seeds as the original

Deterministic for a given (documents, seed).
"""

import argparse
import hashlib
import json
import random
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import opencc

GOLD = Path(__file__).resolve().parent.parent / "tests" / "gold"
SENTENCE = re.compile(r"[^。！？!?；;]+(?:[。！？!?；;]+[”’」』\"]*)?")
CHROME_LINES = (
    "来源：法治日报",
    "本文来源：人民网-中国共产党新闻网",
    "（责任编辑：王莹）",
    "编辑：李明 审核：张华",
    "点击进入专题",
    "【打印】【关闭】",
    "扫一扫在手机打开当前页",
    "更多精彩内容，请关注本网微信公众号",
)
# (kind, rates, weight): how often each kind of copy is made
COPY_KINDS = (
    ("exact", (0.0,), 2),
    ("chrome", (0.0,), 2),
    ("paragraphs_dropped", (0.05, 0.1, 0.2), 2),
    ("paragraphs_added", (0.05, 0.1, 0.2), 2),
    ("sentences_changed", (0.02, 0.05, 0.1, 0.2, 0.3), 3),
    ("characters_changed", (0.002, 0.005, 0.01, 0.02), 3),
    ("script_round_trip", (0.0,), 1),
    ("taiwan_round_trip", (0.0,), 1),
    ("unrelated", (0.0,), 2),
)
ORIGINAL = "original"


@dataclass(frozen=True)
class LabelledDocument:
    doc_id: str
    family: int
    kind: str
    rate: float
    source_path: str
    published_date: date | None
    text: str


@dataclass(frozen=True)
class Sentence:
    seed: int
    text: str


def seed_paragraphs() -> list[list[str]]:
    """The seeds' gold bodies, one list of paragraphs per seed."""
    return [json.loads(path.read_text("utf-8"))["body"] for path in sorted(GOLD.glob("*.json"))]


def split_sentences(paragraph: str) -> list[str]:
    """Sentences with their closing punctuation and quotes.

    >>> split_sentences("一是好。二是“对”。三")
    ['一是好。', '二是“对”。', '三']
    """
    return SENTENCE.findall(paragraph)


class CorpusMaker:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.seeds = seed_paragraphs()
        self.pool = [
            Sentence(index, sentence)
            for index, paragraphs in enumerate(self.seeds)
            for paragraph in paragraphs
            for sentence in split_sentences(paragraph)
            if len(sentence) >= 8
        ]
        self.han = sorted(
            {char for s in self.pool for char in s.text if "\u4e00" <= char <= "\u9fff"}
        )
        self.converters = {
            "script_round_trip": (opencc.OpenCC("s2t"), opencc.OpenCC("t2s")),
            "taiwan_round_trip": (opencc.OpenCC("s2twp"), opencc.OpenCC("tw2s")),
        }

    def recombined(self, seeds: set[int] | None = None) -> list[str]:
        """Paragraphs of 1-4 sentences drawn at random from the seeds' sentences."""
        pool = [s for s in self.pool if seeds is None or s.seed in seeds]
        paragraphs = []
        for _ in range(self.random.randint(6, 12)):
            count = self.random.randint(1, 4)
            paragraphs.append("".join(s.text for s in self.random.sample(pool, count)))
        return paragraphs

    def original(self, family: int) -> tuple[list[str], set[int]]:
        if family < len(self.seeds):
            return list(self.seeds[family]), {family}
        seeds = set(self.random.sample(range(len(self.seeds)), self.random.randint(2, 5)))
        return self.recombined(seeds), seeds

    def copy(self, paragraphs: list[str], seeds: set[int], kind: str, rate: float) -> str:
        edits: dict[str, Callable[[list[str], set[int], float], str]] = {
            "exact": lambda paragraphs, seeds, rate: "\n".join(paragraphs),
            "chrome": self.with_chrome,
            "paragraphs_dropped": self.paragraphs_dropped,
            "paragraphs_added": self.paragraphs_added,
            "sentences_changed": self.sentences_changed,
            "characters_changed": self.characters_changed,
            "script_round_trip": lambda paragraphs, seeds, rate: self.round_trip(paragraphs, kind),
            "taiwan_round_trip": lambda paragraphs, seeds, rate: self.round_trip(paragraphs, kind),
            "unrelated": lambda paragraphs, seeds, rate: "\n".join(self.recombined(seeds)),
        }
        return edits[kind](paragraphs, seeds, rate)

    def with_chrome(self, paragraphs: list[str], seeds: set[int], rate: float) -> str:
        lead, trail = self.random.sample(CHROME_LINES, 2)
        where = self.random.choice(("lead", "trail", "both"))
        leading = [lead] if where != "trail" else []
        return "\n".join(leading + paragraphs + ([trail] if where != "lead" else []))

    def paragraphs_dropped(self, paragraphs: list[str], seeds: set[int], rate: float) -> str:
        count = min(max(1, round(rate * len(paragraphs))), len(paragraphs) - 1)
        dropped = set(self.random.sample(range(len(paragraphs)), count))
        return "\n".join(p for i, p in enumerate(paragraphs) if i not in dropped)

    def paragraphs_added(self, paragraphs: list[str], seeds: set[int], rate: float) -> str:
        edited = list(paragraphs)
        for paragraph in self.recombined()[: max(1, round(rate * len(paragraphs)))]:
            edited.insert(self.random.randint(0, len(edited)), paragraph)
        return "\n".join(edited)

    def sentences_changed(self, paragraphs: list[str], seeds: set[int], rate: float) -> str:
        """Sentences replaced by sentences of seeds the original does not draw on."""
        split = [split_sentences(p) for p in paragraphs]
        places = [(i, j) for i, sentences in enumerate(split) for j in range(len(sentences))]
        others = [s.text for s in self.pool if s.seed not in seeds] or [s.text for s in self.pool]
        for i, j in self.random.sample(places, max(1, round(rate * len(places)))):
            split[i][j] = self.random.choice(others)
        return "\n".join("".join(sentences) for sentences in split)

    def characters_changed(self, paragraphs: list[str], seeds: set[int], rate: float) -> str:
        chars = list("\n".join(paragraphs))
        han_places = [i for i, char in enumerate(chars) if "\u4e00" <= char <= "\u9fff"]
        for i in self.random.sample(han_places, max(1, round(rate * len(han_places)))):
            chars[i] = self.random.choice(self.han)
        return "".join(chars)

    def round_trip(self, paragraphs: list[str], kind: str) -> str:
        there, back = self.converters[kind]
        return back.convert(there.convert("\n".join(paragraphs)))

    def families(self) -> Iterator[list[tuple[str, float, str]]]:
        """(kind, rate, text) for each member of each family, original first."""
        kinds = [kind for kind, _, weight in COPY_KINDS for _ in range(weight)]
        rates = {kind: kind_rates for kind, kind_rates, _ in COPY_KINDS}
        family = 0
        while True:
            paragraphs, seeds = self.original(family)
            members = [(ORIGINAL, 0.0, "\n".join(paragraphs))]
            for _ in range(self.random.choice((0, 1, 1, 2, 2, 3, 4, 5))):
                kind = self.random.choice(kinds)
                rate = self.random.choice(rates[kind])
                members.append((kind, rate, self.copy(paragraphs, seeds, kind, rate)))
            yield members
            family += 1


def make_corpus(documents: int, seed: int = 0) -> list[LabelledDocument]:
    """`documents` labelled documents (the last family may be cut short)."""
    maker = CorpusMaker(seed)
    corpus: list[LabelledDocument] = []
    for family, members in enumerate(maker.families()):
        published = date(2020, 1, 1) + timedelta(days=maker.random.randint(0, 1500))
        for kind, rate, text in members:
            if len(corpus) == documents:
                return corpus
            index = len(corpus)
            dated = maker.random.random() < 0.8
            corpus.append(
                LabelledDocument(
                    doc_id=hashlib.sha256(f"{seed}:{index}".encode()).hexdigest(),
                    family=family,
                    kind=kind,
                    rate=rate,
                    source_path=f"site{maker.random.randint(0, 49):02d}/{family:06d}_{index}.txt",
                    published_date=(
                        published + timedelta(days=maker.random.randint(0, 30)) if dated else None
                    ),
                    text=text,
                )
            )
    return corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    corpus = make_corpus(arguments.documents, arguments.seed)
    print(f"{len(corpus)} documents, {len({d.family for d in corpus})} families")
    for (kind, rate), count in sorted(Counter((d.kind, d.rate) for d in corpus).items()):
        print(f"  {kind:20s} {rate:5.3f} {count:6d}")


if __name__ == "__main__":
    main()
