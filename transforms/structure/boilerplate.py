"""Cross-document line evidence, as cc_net does it: count first, classify second.

A line's key is its text normalised so that trivial variation does not hide a repeat (case
folded, every digit mapped to 0, punctuation, symbols and whitespace removed), then hashed.
The flow keys every line of a run's documents once (`line_keys_by_line`; `document_line_keys`
is a page's distinct keys), keeps the keys that occur in at least K documents
(`recurring_keys`), and passes that set and each page's keys to the structure stage, which
calls such lines boilerplate unless they are long body prose. Counting over the whole run
before any document is classified makes the result independent of batch order.
"""

import unicodedata
from collections import Counter
from collections.abc import Container, Hashable, Iterable, Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import xxhash

from transforms.records import LineKind
from transforms.structure.compatibility import nfkc_folder
from transforms.structure.lines import remembered_by_text

_DROPPED_CATEGORIES = ("P", "S", "Z", "C")  # punctuation, symbols, separators, controls


def normalize_line(line: str) -> str:
    """The text a line key is made of.

    >>> normalize_line('发布时间：2023-05-11 16:38  浏览次数:')
    '发布时间000000000000浏览次数'
    >>> normalize_line('Copyright © 2023') == normalize_line('copyright 2024')
    True
    """
    return _normalize_line(line)


class _KeyCharacters(dict[int, str | None]):
    """What each character becomes in a line key (a digit 0, punctuation, symbols, separators
    and controls nothing), worked out the first time `str.translate` meets it: one C loop a
    line instead of a category lookup per character."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        if char.isdigit():
            value: str | None = "0"
        elif unicodedata.category(char).startswith(_DROPPED_CATEGORIES):
            value = None
        else:
            value = char
        self[code] = value
        return value


_KEY_CHARACTERS = _KeyCharacters()
# nfkc, casefold and the key's characters in one translate pass
_normalize_line = nfkc_folder(lambda text: text.casefold().translate(_KEY_CHARACTERS))


# Keys of distinct line texts remembered per process: a page's lines are keyed when the run
# counts them and again when the page is classified, and chrome recurs across pages.
LINE_KEY_MEMO_LINES = 1 << 16


@remembered_by_text(LINE_KEY_MEMO_LINES)
def line_key(line: str) -> str:
    """A short, stable key for a line ('' for a line with nothing but punctuation).

    >>> line_key('版权所有 © 2023 某某网') == line_key('版权所有©2019某某网')
    True
    >>> line_key(' | ')
    ''
    """
    normalized = normalize_line(line)
    return xxhash.xxh3_64_hexdigest(normalized.encode("utf-8")) if normalized else ""


def line_key_hash(key: str) -> int:
    """A line key as a 64-bit number, the form runs store and count keys in.

    >>> line_key_hash(line_key('首页')) == line_key_hash(line_key(' 首页 '))
    True
    """
    return xxhash.xxh64_intdigest(key.encode())


def line_keys_by_line(text: str) -> list[str]:
    """Each raw line's key ('' where a line has none), in order: worked out once, when the
    run counts keys, and handed to the structure stage with the page.

    >>> line_keys_by_line('首页\\n\\n|')[1:]
    ['', '']
    """
    return [line_key(line) for line in text.split("\n")]


def document_line_keys(text: str) -> set[str]:
    """The distinct keys of a document's lines: a line repeated within one document counts
    once, so that only recurrence *across* documents is evidence of boilerplate.

    >>> len(document_line_keys('首页\\n正文。\\n首页\\n\\n|'))
    2
    """
    return set(filter(None, line_keys_by_line(text)))


_Key = TypeVar("_Key", bound=Hashable)


def recurring_keys(documents: Iterable[Iterable[_Key]], min_documents: int) -> frozenset[_Key]:
    """The keys found in at least `min_documents` of the documents (each given by its keys:
    `line_key`s, or their `line_key_hash`es).

    >>> sorted(recurring_keys([{'a', 'b'}, {'a'}, {'a', 'c'}], min_documents=2))
    ['a']
    """
    counts: Counter[_Key] = Counter()
    for keys in documents:
        counts.update(set(keys))
    return frozenset(key for key, count in counts.items() if count >= min_documents)


def recurring_hashes(
    key_hashes: npt.NDArray[np.uint64], min_documents: int
) -> npt.NDArray[np.uint64]:
    """`recurring_keys` over hashed keys, given one row per (key, document) -- each document's
    distinct keys, each document once: the hashes found in at least `min_documents` rows,
    sorted. One sort of one array (~8 bytes a row); a group-by over string document ids held
    ~200 MiB for the 1.5 million rows of a 200 MB corpus.

    >>> recurring_hashes(np.array([5, 9, 5, 7, 9], np.uint64), 2).tolist()
    [5, 9]
    """
    values, counts = np.unique(key_hashes, return_counts=True)
    return values[counts >= min_documents]


def mark_recurring(
    contents: Sequence[str],
    sizes: Sequence[int],
    kinds: list[str | None],
    prose: Sequence[bool],
    recurring: Container[str],
    long_prose_chars: int,
    max_body_share: float,
    exempt: Sequence[bool] = (),
    keys: Sequence[Hashable] | None = None,
) -> None:
    """In place: the open lines (kind None) of a page found in K documents of the run become
    boilerplate, or a column introduction when they are prose before the article's own text.
    Lines of `long_prose_chars` or more are never boilerplate, nor are `exempt` ones (the
    structure stage exempts numbered section headings: 一、基本情况 recurs in many reports).
    A page whose prose recurs for more than `max_body_share` of it is itself the repeat
    (cross-document dedup's business, not ours): its prose is left alone, its short lines go.
    `keys` are the lines' keys as `recurring` holds them (a false key: none), when the caller
    has them (the run works them out when it counts them); otherwise `line_key` works them out.

    >>> lines = ['首页', '本栏目刊发系列报道。', '这是一篇文章自己的正文，比栏目介绍长得多。']
    >>> kinds = [None, None, None]
    >>> mark_recurring(lines, [_size(line) for line in lines], kinds, [False, True, True],
    ...                frozenset(map(line_key, lines[:2])), long_prose_chars=200,
    ...                max_body_share=0.5)
    >>> [str(kind) for kind in kinds]
    ['boilerplate', 'column_intro', 'None']
    """
    if not recurring:
        return
    found = [
        index
        for index, kind in enumerate(kinds)
        if kind is None
        and not (exempt and exempt[index])
        and sizes[index] < long_prose_chars
        and (key := line_key(contents[index]) if keys is None else keys[index])
        and key in recurring
    ]
    open_chars = sum(sizes[i] for i, kind in enumerate(kinds) if kind is None and prose[i])
    if sum(sizes[i] for i in found if prose[i]) > max_body_share * open_chars:
        found = [index for index in found if not prose[index]]
    marked = set(found)
    own_prose = [i for i, kind in enumerate(kinds) if kind is None and prose[i] and i not in marked]
    for index in found:
        before_article = not own_prose or index < own_prose[0]
        intro = before_article and prose[index]
        kinds[index] = LineKind.COLUMN_INTRO if intro else LineKind.BOILERPLATE


def _size(text: str) -> int:
    """Characters that are not whitespace (split and join: no loop in Python)."""
    return len("".join(text.split()))
