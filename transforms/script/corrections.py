"""Phrase corrections applied after OpenCC: rows of data/t2s_corrections.tsv as one regex.

A row `wrong<TAB>right` rewrites what OpenCC outputs (著力 -> 着力); a row whose two sides are
equal protects a word (著名) from every rewrite that would overlap it. Each row becomes a
guarded alternative of one regex (`_row_pattern`); where rows compete, the longest wins.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CORRECTIONS_PATH = Path(__file__).resolve().parent / "data" / "t2s_corrections.tsv"
ZHU_WORDS_PATH = Path(__file__).resolve().parent / "data" / "zhu_words.tsv"
_MAX_FIND_ANCHORS = 8  # beyond this many first characters, one re scan beats str.find loops


@dataclass(frozen=True)
class Correction:
    wrong: str  # as OpenCC outputs it
    right: str  # equal to `wrong` for a protected word
    example: str | None = None  # a Traditional sentence whose conversion needs the row


def read_corrections(path: str | Path) -> tuple[Correction, ...]:
    """Rows of a correction TSV: `wrong<TAB>right[<TAB>example]`, `#` comments, blank lines."""
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) not in (2, 3) or not fields[0] or not fields[1]:
            raise ValueError(f"{path}:{number}: expected wrong<TAB>right[<TAB>example]")
        rows.append(Correction(fields[0], fields[1], fields[2] if len(fields) == 3 else None))
    return tuple(rows)


def read_protected_words(path: str | Path = ZHU_WORDS_PATH) -> tuple[Correction, ...]:
    """A word list (`word<TAB>source` rows, `#` comments) as protecting rows: the words that
    standard Simplified writes with 著, which the 著 -> 着 rule must leave alone."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    words = [line.split("\t")[0] for line in lines if line.strip() and not line.startswith("#")]
    return tuple(Correction(word, word) for word in words)


def _row_pattern(wrong: str, right: str, protected_words: Iterable[str]) -> tuple[str, str, str]:
    """(first character, regex, replacement) for a row.

    The regex matches only the part of `wrong` that changes, with the rest of `wrong` as
    context around it, and never where a protected word overlaps. It starts with a changed
    character (著 for most rows), so the search visits those few characters only, not every
    common first character (有, 看). The empty group after it tells `apply` which row matched.

    >>> _row_pattern("有著", "有着", ["著名"])
    ('著', '著()(?<=有著)(?!名)', '着')
    >>> _row_pattern("著力", "着力", ["显著"])
    ('著', '著()(?<!显著)(?=力)', '着')
    """
    prefix = 0
    while prefix < min(len(wrong), len(right)) and wrong[prefix] == right[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < min(len(wrong), len(right)) - prefix and wrong[-1 - suffix] == right[-1 - suffix]
    ):
        suffix += 1
    if prefix + suffix >= len(wrong):  # the matched part must hold at least one character
        suffix = max(0, len(wrong) - prefix - 1)
        prefix = min(prefix, len(wrong) - 1 - suffix)
    head, rest = wrong[: prefix + 1], wrong[prefix + 1 : len(wrong) - suffix]
    tail = wrong[prefix + 1 :]  # everything after the first matched character
    guards = [f"(?<={re.escape(head)})"] if prefix else []
    for word in protected_words:
        for start in range(1 - len(word), len(wrong)):  # the word's start relative to wrong's
            inside = start >= 0 and start + len(word) <= len(wrong)
            overlap = range(max(0, start), min(len(wrong), start + len(word)))
            if inside or any(wrong[i] != word[i - start] for i in overlap):
                continue
            before, after = word[: max(0, -start)], word[len(wrong) - start :]
            behind = f"(?<!{re.escape(before + head)})" if before else ""
            ahead = f"(?!{re.escape(tail + after)})" if after else ""
            guards.append(f"(?:{behind}|{ahead})" if behind and ahead else behind or ahead)
    context_after = f"(?={re.escape(wrong[len(wrong) - suffix :])})" if suffix else ""
    regex = re.escape(wrong[prefix]) + "()" + "".join(guards) + re.escape(rest) + context_after
    return wrong[prefix], regex, right[prefix : len(right) - suffix]


class CorrectionTable:
    """Phrase rewrites applied to converted text; where rows compete, the longest wins."""

    def __init__(self, corrections: Iterable[Correction]) -> None:
        merged = {row.wrong: row.right for row in corrections}  # a later row wins
        protected = sorted(wrong for wrong, right in merged.items() if wrong == right)
        rewrites = sorted(
            ((wrong, right) for wrong, right in merged.items() if wrong != right),
            key=lambda row: (-len(row[0]), row[0]),
        )
        patterns = [_row_pattern(wrong, right, protected) for wrong, right in rewrites]
        self.replacements = [replacement for _, _, replacement in patterns]
        self.pattern = re.compile("|".join(regex for _, regex, _ in patterns)) if patterns else None
        # Each regex starts with one of these characters (著, 沈 in the shipped table).
        self.anchors = sorted({anchor for anchor, _, _ in patterns})

    def apply(self, text: str) -> str:
        """
        >>> table = CorrectionTable([Correction("有著", "有着"), Correction("著名", "著名")])
        >>> table.apply("两国有著深厚友谊，这里有著名的古寺")
        '两国有着深厚友谊，这里有著名的古寺'
        """
        if self.pattern is None:
            return text
        if len(self.anchors) > _MAX_FIND_ANCHORS:
            return self.pattern.sub(lambda match: self.replacements[match.lastindex - 1], text)
        # str.find reaches the few anchor characters several times faster than re's scan.
        starts = sorted(index for anchor in self.anchors for index in _find_all(text, anchor))
        pieces, done = [], 0
        for start in starts:
            if start < done:
                continue
            match = self.pattern.match(text, start)
            if match:
                pieces += (text[done:start], self.replacements[match.lastindex - 1])
                done = match.end()
        return "".join(pieces) + text[done:] if pieces else text


def _find_all(text: str, character: str) -> list[int]:
    """
    >>> _find_all("著a著", "著")
    [0, 2]
    """
    found, index = [], text.find(character)
    while index >= 0:
        found.append(index)
        index = text.find(character, index + 1)
    return found
