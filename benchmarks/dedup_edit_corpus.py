"""A labelled dedup corpus shaped like real edits: stories of 5-15 long paragraphs whose copies
lose or gain whole paragraphs, change a few characters, swap two paragraphs or make a Taiwan
Traditional round trip (OpenCC s2tw, then qingxi's conversion back), beside unrelated stories
on the same topics and follow-ups that reuse some of another story's paragraphs (negatives).

Sentences come from the repository's own gold bodies (seeds and labelled fixtures); each story
mutates the sentences it draws (one Han character in four replaced), so that no paragraph repeats
whole across stories. Two documents are a positive pair when they are copies of one story.
"""

import json
import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOLD_FOLDERS = [
    REPO / "tests/gold",
    REPO / "tests/fixtures/pages/gold",
    REPO / "tests/fixtures/blind/gold",
]
EDITS = ("drop_one", "drop_two", "add_one", "characters", "swap", "taiwan_round_trip", "mixed")
_SENTENCE = re.compile(r"[^。！？]+[。！？]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class EditedDocument:
    doc_id: str
    story: int  # copies of one story share it; negatives have their own
    edit: str  # original, one of EDITS, unrelated or follow_up
    text: str


@cache
def sentence_pool() -> tuple[str, ...]:
    sentences = set()
    for folder in GOLD_FOLDERS:
        for path in sorted(folder.glob("*.json")):
            gold = json.loads(path.read_text(encoding="utf-8"))
            body = gold.get("body") or []
            for paragraph in body if isinstance(body, list) else body.split("\n"):
                sentences.update(s for s in _SENTENCE.findall(paragraph) if len(s) >= 12)
    return tuple(sorted(sentences))


@cache
def han_characters() -> tuple[str, ...]:
    return tuple(sorted({c for s in sentence_pool() for c in _HAN.findall(s)}))


def mutate(text: str, rng: random.Random, share: float) -> str:
    han = han_characters()
    return "".join(rng.choice(han) if _HAN.match(c) and rng.random() < share else c for c in text)


def paragraph(rng: random.Random) -> str:
    return mutate("".join(rng.sample(sentence_pool(), rng.randint(3, 6))), rng, 0.25)


def story(rng: random.Random) -> list[str]:
    return [paragraph(rng) for _ in range(rng.randint(5, 15))]


@cache
def _to_taiwan():
    import opencc

    return opencc.OpenCC("s2tw")


@cache
def _to_simplified():
    from transforms.script import SimplifiedConverter

    return SimplifiedConverter()


def edited(paragraphs: list[str], edit: str, rng: random.Random) -> list[str]:
    copy = list(paragraphs)
    if edit in ("drop_one", "mixed"):
        copy.pop(rng.randrange(len(copy)))
    if edit == "drop_two":
        for _ in range(2):
            copy.pop(rng.randrange(len(copy)))
    if edit in ("add_one", "mixed"):
        copy.insert(rng.randrange(len(copy) + 1), paragraph(rng))
    if edit in ("characters", "mixed"):
        for index in rng.sample(range(len(copy)), max(1, len(copy) * 3 // 10)):
            copy[index] = mutate(copy[index], rng, 3 / max(len(copy[index]), 1))
    if edit == "swap":
        i, j = rng.sample(range(len(copy)), 2)
        copy[i], copy[j] = copy[j], copy[i]
    if edit == "taiwan_round_trip":
        taiwan = _to_taiwan().convert("\n".join(copy))
        copy = _to_simplified().convert(taiwan).text.split("\n")
    return copy


def make_edit_corpus(size: int, seed: int = 7) -> list[EditedDocument]:
    """About `size` documents: 45% originals, 35% their copies (one to three edits each),
    10% unrelated stories and 10% follow-ups reusing up to 3 paragraphs (at most 30%) of an
    original."""
    rng = random.Random(seed)
    documents: list[EditedDocument] = []
    originals: list[list[str]] = []
    while len(documents) < size:
        story_id = len(originals)
        paragraphs = story(rng)
        originals.append(paragraphs)
        documents.append(
            EditedDocument(f"s{story_id}-original", story_id, "original", "\n".join(paragraphs))
        )
        for number, edit in enumerate(rng.sample(EDITS, rng.choice((0, 1, 1, 2, 3)))):
            text = "\n".join(edited(paragraphs, edit, rng))
            documents.append(EditedDocument(f"s{story_id}-copy{number}", story_id, edit, text))
        if rng.random() < 0.2:
            documents.append(
                EditedDocument(
                    f"u{story_id}", -1 - len(documents), "unrelated", "\n".join(story(rng))
                )
            )
        if rng.random() < 0.2 and len(originals) > 1:
            source = rng.choice(originals[:-1])
            reused = rng.sample(source, max(1, min(3, len(source) * 3 // 10)))
            text = "\n".join(reused + story(rng)[: rng.randint(4, 10)])
            documents.append(EditedDocument(f"f{story_id}", -1 - len(documents), "follow_up", text))
    return documents[:size]
