"""NFKC for Chinese page lines, fast: most of what NFKC changes in them is full-width
punctuation, the ideographic space, NBSP and the ellipsis.

Replacing each of those characters by its compatibility decomposition leaves NFKC's result
unchanged (NFKC is NFC of NFKD) and most lines already normalised, so a quick check spares
the full normalisation: several times faster on a page of full-width punctuation.
"""

import re
import unicodedata
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
