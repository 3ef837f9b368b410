"""Repeated copies of the body within one page: a page dump may carry the whole body twice (the
second copy after a repeated title, perhaps with its punctuation changed) or repeat a block of
paragraphs. The first copy is the body; the later ones are marked `duplicate`."""

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from transforms.records import LineKind
from transforms.structure.compatibility import nfkc_folder
from transforms.structure.lines import Line
from transforms.structure.paragraphs import KEPT

_FIGURES = re.compile(r"\d+")
_NOT_WORD = re.compile(r"[\W_]+")


def comparable_text(text: str) -> str:
    """The letters, digits and Han characters of a text, NFKC-normalised.

    >>> comparable_text('１２月，“ＡＢ”计划…完成！')
    '12月AB计划完成'
    """
    return _comparable(text)


# NFKC and the filter in one pass over the text (two regex passes on most lines)
_comparable = nfkc_folder(lambda text: _NOT_WORD.sub("", text))


def _shingles(text: str, size: int) -> set[str]:
    return {text[start : start + size] for start in range(max(1, len(text) - size + 1))}


@dataclass(frozen=True)
class _Seen:
    """A body line kept so far, as the duplicate test compares it."""

    text: str
    shingles: set[str]
    figures: list[str]


def mark_duplicates(
    lines: Sequence[Line],
    kinds: list[str],
    min_chars: int,
    containment: float,
    similarity: float,
    shingle: int,
) -> None:
    """In place: a body line that repeats body before it is a duplicate. It repeats it when
    its text is (nearly) all found there (`containment` of its character `shingle`-grams: a
    copy split differently), or when it reads (nearly) like one earlier line (a difflib
    `similarity` ratio: a copy with a few characters changed) -- and, either way, its figures
    are the earlier text's: lines alike but for their numbers (1月份…增长5.2% / 2月份…增长6.1%)
    are a list, not a copy. A short line repeating an earlier one right next to a copy goes
    with it (the headings of a repeated block). The first occurrence is the one kept.

    Each line is normalised once, and only earlier lines sharing at least half of a line's
    shingles are compared with it: a line sharing fewer with all the earlier body together
    is compared with none.

    >>> lines = [Line(1, '', '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉。'), Line(2, '', '标题'),
    ...          Line(3, '', '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉！')]
    >>> kinds = ['body', 'heading', 'body']
    >>> mark_duplicates(lines, kinds, 10, 0.8, 0.85, 5); [str(kind) for kind in kinds]
    ['body', 'heading', 'duplicate']
    """
    texts = {index: comparable_text(line.content) for index, line in enumerate(lines)
             if kinds[index] in KEPT}  # fmt: skip
    candidates = [index for index, text in texts.items() if len(text) >= min_chars]
    may_repeat = _may_repeat([texts[index] for index in candidates], shingle)
    if not any(may_repeat):
        return  # nothing is a copy, so no short line stands next to one either
    seen: set[str] = set()
    seen_figures: set[str] = set()
    earlier: list[_Seen] = []
    # Lines that cannot repeat anything before them are kept without building their shingle
    # sets, until a line that may repeat one needs them.
    pending: list[tuple[str, list[str]]] = []
    for index, possible in zip(candidates, may_repeat, strict=True):
        text = texts[index]
        figures = _FIGURES.findall(text)
        if not possible:
            pending.append((text, figures))
            seen_figures.update(figures)
            continue
        for earlier_text, earlier_figures in pending:
            earlier_pieces = _shingles(earlier_text, shingle)
            seen |= earlier_pieces
            earlier.append(_Seen(earlier_text, earlier_pieces, earlier_figures))
        pending.clear()
        pieces = _shingles(text, shingle)
        shared = len(pieces & seen)
        contained = shared >= containment * len(pieces) and seen_figures.issuperset(figures)
        if contained or (
            2 * shared >= len(pieces) and _resembles(text, pieces, figures, earlier, similarity)
        ):
            kinds[index] = LineKind.DUPLICATE
            continue
        seen |= pieces
        seen_figures.update(figures)
        earlier.append(_Seen(text, pieces, figures))
    _mark_repeated_short_lines(texts, kinds, min_chars)


_GRAM_BASE = np.uint64(1_000_003)
_OWNER_BITS = np.uint64(16)
_OWNER_MASK = np.uint64((1 << 16) - 1)


def _may_repeat(texts: Sequence[str], size: int) -> list[bool]:
    """For each text, whether at least half of its distinct `size`-grams occur in the texts
    before it: an upper bound of what the exact test counts (it counts only earlier lines
    that were kept, and gram hashes that collide only let more texts through), so a text
    found False here cannot be a duplicate. One vectorised pass over the page's body.

    >>> _may_repeat(['甲乙丙丁戊己庚', '子丑寅卯辰巳午', '甲乙丙丁戊己庚！'], 5)
    [False, False, True]
    """
    if len(texts) < 2 or len(texts) > _OWNER_MASK or min(map(len, texts)) < size:
        return [len(texts) >= 2] * len(texts)  # too few to bound: let the exact test decide
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.cumsum(lengths) - lengths
    count = len(codes) - size + 1
    hashes = np.zeros(count, dtype=np.uint64)
    for offset in range(size):
        hashes = hashes * _GRAM_BASE + codes[offset : offset + count]
    grams_per_text = lengths - size + 1
    owner = np.repeat(np.arange(len(texts), dtype=np.uint64), grams_per_text)
    first_gram = np.cumsum(grams_per_text) - grams_per_text
    positions = np.repeat(starts - first_gram, grams_per_text) + np.arange(len(owner))
    # One sort of (gram hash, text): the hash's low bits make room for the text's number;
    # hashes that then collide only let more texts through.
    keys = (hashes[positions] >> _OWNER_BITS << _OWNER_BITS) | owner
    keys.sort()
    hashes, owner = keys >> _OWNER_BITS, keys & _OWNER_MASK
    group_start = np.empty(len(keys), dtype=bool)
    group_start[0] = True
    np.not_equal(hashes[1:], hashes[:-1], out=group_start[1:])
    first_owner = owner[np.flatnonzero(group_start)][np.cumsum(group_start) - 1]
    distinct = np.empty(len(keys), dtype=bool)
    distinct[0] = True
    np.not_equal(keys[1:], keys[:-1], out=distinct[1:])
    earlier = distinct & (first_owner < owner)
    per_text = np.bincount(owner[distinct].astype(np.intp), minlength=len(texts))
    found = np.bincount(owner[earlier].astype(np.intp), minlength=len(texts))
    return (2 * found >= per_text).tolist()


def _resembles(
    text: str, pieces: set[str], figures: list[str], earlier: Sequence[_Seen], similarity: float
) -> bool:
    """Whether an earlier line sharing at least half of `text`'s shingles, with the same
    figures, reads like it (difflib's cheap upper bounds first)."""
    for other in earlier:
        if 2 * len(pieces & other.shingles) < len(pieces) or other.figures != figures:
            continue
        matcher = difflib.SequenceMatcher(None, text, other.text, autojunk=False)
        if (
            matcher.real_quick_ratio() >= similarity
            and matcher.quick_ratio() >= similarity
            and matcher.ratio() >= similarity
        ):
            return True
    return False


def _mark_repeated_short_lines(texts: dict[int, str], kinds: list[str], min_chars: int) -> None:
    kept_or_copy = [i for i, kind in enumerate(kinds) if kind in (*KEPT, LineKind.DUPLICATE)]
    first_seen: dict[str, int] = {}
    for position, index in enumerate(kept_or_copy):
        if kinds[index] not in KEPT or len(text := texts[index]) >= min_chars:
            continue
        if text in first_seen and first_seen[text] < index:
            neighbours = kept_or_copy[max(0, position - 1) : position + 2]
            if any(kinds[other] == LineKind.DUPLICATE for other in neighbours):
                kinds[index] = LineKind.DUPLICATE
                continue
        first_seen.setdefault(text, index)
