"""NFKC for Chinese page lines, fast: most of what NFKC changes in them is full-width
punctuation, the ideographic space, NBSP and the ellipsis.

Replacing each of those characters by its compatibility decomposition leaves NFKC's result
unchanged (NFKC is NFC of NFKD) and most lines already normalised, so a quick check spares
the full normalisation: several times faster on a page of full-width punctuation.
"""

import re
import unicodedata
from collections.abc import Callable
from functools import cache

_DECOMPOSED_BLOCKS = ((0x00A0, 0x0100), (0x2000, 0x2070), (0x3000, 0x3040), (0xFE30, 0xFE70),
                      (0xFF00, 0xFFF0))  # fmt: skip


@cache
def _decompositions() -> tuple[re.Pattern[str], dict[str, str]]:
    """A pattern finding the blocks' decomposable characters, and their decompositions."""
    table = {}
    for first, last in _DECOMPOSED_BLOCKS:
        for character in map(chr, range(first, last)):
            decomposed = unicodedata.normalize("NFKD", character)
            if decomposed != character:
                table[character] = decomposed
    return re.compile("[" + "".join(map(re.escape, table)) + "]"), table


def nfkc(text: str) -> str:
    """`unicodedata.normalize("NFKC", text)`, the same answer, sooner on Chinese text.

    >>> line = '１２月，“ＡＢ”计划…完成！'
    >>> nfkc(line), nfkc(line) == unicodedata.normalize('NFKC', line)
    ('12月,“AB”计划...完成!', True)
    """
    pattern, table = _decompositions()
    text = pattern.sub(lambda match: table[match[0]], text)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text


# Stands in a folded text for a character whose NFKC form may depend on the one before it.
_JOINS_PREVIOUS = "\x00"


@cache
def _composition_seconds() -> frozenset[str]:
    """The characters NFC may compose with the character before them: the second of every
    two-character canonical decomposition, and the Hangul vowel and final jamo."""
    seconds = {chr(code) for code in range(0x1161, 0x1176)} | {
        chr(code) for code in range(0x11A8, 0x11C3)
    }
    for code in range(0x30000):  # no character above has a decomposition
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(chr(int(parts[1], 16)))
    return frozenset(seconds)


class _FoldedCharacters(dict[int, str]):
    """A `str.translate` table: each character's NFKC form put through `fold`, worked out
    the first time a text holds it; `_JOINS_PREVIOUS` for a character whose decomposition
    starts with a combining mark or a composition's second character."""

    def __init__(self, fold: Callable[[str], str]) -> None:
        super().__init__()
        self.fold = fold

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        first = decomposed[0]
        if unicodedata.combining(first) or first in _composition_seconds():
            value = _JOINS_PREVIOUS
        else:
            value = self.fold(unicodedata.normalize("NFKC", chr(code)))
        self[code] = value
        return value


def nfkc_folder(fold: Callable[[str], str]) -> Callable[[str], str]:
    r"""`lambda text: fold(nfkc(text))` in one `str.translate` pass, for a `fold` that works
    character by character (casefold, a filter by character class) and drops NUL.

    NFKC is NFC of NFKD: a text's NFKC form is the concatenation of its characters' NFKC
    forms unless a character's decomposition starts with a combining mark (marks reorder)
    or with a character NFC composes with the one before it (Hangul jamo, Indic vowel
    signs). A text holding such a character takes the two-step way.

    >>> letters = nfkc_folder(lambda text: re.sub(r"\W+", "", text.casefold()))
    >>> letters('ＡＢ，１２…'), letters('ｶﾞ') == 'ガ'
    ('ab12', True)
    """
    if fold(_JOINS_PREVIOUS):
        raise ValueError("nfkc_folder needs a fold that drops NUL")
    table = _FoldedCharacters(fold)

    def folded(text: str) -> str:
        result = text.translate(table)
        return fold(nfkc(text)) if _JOINS_PREVIOUS in result else result

    return folded
