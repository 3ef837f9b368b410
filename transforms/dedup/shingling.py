"""Text fingerprints for deduplication: the normalized body, its hash, its shingles.

Bodies are compared after `normalize_for_dedup` (NFKC, lowercase, letters and digits only),
as sets of character n-grams (`shingles`, `ngram` characters, no word segmenter). Exact
duplicates share `body_hash` (xxh3-128 of the normalized body); near duplicates are judged by
the `jaccard` similarity of their shingle sets. N-gram hashes are computed with numpy for many
texts at once (`ngram_hash_rows`); transforms.dedup.minhash_lsh feeds them to MinHash and reuses the
same FNV-1a + `mix64` hashing for its band keys.
"""

import functools
import itertools
import re
import unicodedata

import numpy as np
import xxhash

# Bump when normalization or shingle hashing changes: stored signatures become incomparable.
SHINGLE_VERSION = 1
_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")
FNV_OFFSET, FNV_PRIME = np.uint64(0xCBF29CE484222325), np.uint64(0x100000001B3)
_MIX_1, _MIX_2, _SHIFT = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53), np.uint64(33)


def normalize_for_dedup(text: str) -> str:
    """Letters and digits only, compatibility forms folded (NFKC), lowercase.

    Non-alphanumerics are dropped before NFKC (three times faster than NFKC over the whole
    text: full-width punctuation sends it down its slow path) and again after it, for what
    NFKC expands (⑴ -> (1)). Unlike NFKC first, symbols with letters in their compatibility
    form (™, ㎡) and the marks of decomposed accents are dropped: irrelevant for dedup.

    >>> normalize_for_dedup("Ｈｅｌｌｏ， 世界！\\n２０２２年⑴")
    'hello世界2022年1'
    """
    kept = _letters_and_digits(text)
    if not unicodedata.is_normalized("NFKC", kept):
        kept = unicodedata.normalize("NFKC", kept)
    folded = kept.lower()
    return folded if not folded or folded.isalnum() else _letters_and_digits(folded)


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


@functools.cache
def _alphanumeric() -> np.ndarray:
    """For each code point: is it a letter or digit (str.isalnum)? A lookup table filters a
    text about five times faster than a regular expression."""
    every = np.arange(0x110000, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    table = np.zeros(0x110000, dtype=bool)
    table[_code_points(_NOT_ALPHANUMERIC.sub("", every))] = True
    return table


# Characters filtered at a time: the filter holds ~13 bytes per character of its input (code
# points, mask, kept code points and their bytes), ~260 MiB at once for a 20-million-character
# page; by pieces it holds a piece's worth on top of the kept text. Per character, so exact.
LETTERS_CHUNK_CHARS = 1 << 20


def _letters_and_digits(text: str) -> str:
    if len(text) <= LETTERS_CHUNK_CHARS:
        return _letters_and_digits_of_piece(text)
    return "".join(
        _letters_and_digits_of_piece(text[start : start + LETTERS_CHUNK_CHARS])
        for start in range(0, len(text), LETTERS_CHUNK_CHARS)
    )


def _letters_and_digits_of_piece(text: str) -> str:
    code_points = _code_points(text)
    return code_points[_alphanumeric()[code_points]].tobytes().decode("utf-32-le")


def body_hash(text: str) -> str:
    """Hex xxh3-128 digest of the normalized body: equal for bodies that differ only in
    spacing, punctuation, width or case.

    >>> body_hash("平安建设，法治先行。") == body_hash("平安建设 法治先行")
    True
    """
    return xxhash.xxh3_128_hexdigest(normalize_for_dedup(text).encode("utf-8"))


def mix64(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer: spreads every input bit over the whole word."""
    values = (values ^ (values >> _SHIFT)) * _MIX_1
    values = (values ^ (values >> _SHIFT)) * _MIX_2
    return values ^ (values >> _SHIFT)


def ngram_hash_rows(normalized: list[str], ngram: int) -> tuple[np.ndarray, np.ndarray]:
    """The n-gram hashes of several normalized texts in one flat array, and the offsets at
    which each text's hashes start and end. Computed on code points with numpy for all texts
    at once (FNV-1a per window, then `mix64`): a Python string per n-gram would cost more
    than hashing it. A text shorter than `ngram` is one shingle (padded with NULs, which a
    normalized text never contains); an empty text has none."""
    padded = [text.ljust(ngram, "\0") if text else text for text in normalized]
    lengths = np.fromiter(map(len, padded), dtype=np.int64, count=len(padded))
    code_points = _code_points("".join(padded))
    count = max(code_points.size - ngram + 1, 0)
    hashes = np.full(count, FNV_OFFSET, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(ngram):
            hashes = (hashes ^ code_points[offset : offset + count]) * FNV_PRIME
        hashes = mix64(hashes)
    text_end = np.repeat(np.cumsum(lengths), lengths)[:count]
    windows = np.maximum(lengths - ngram + 1, 0)
    offsets = np.concatenate(([0], np.cumsum(windows))).astype(np.uint64)
    return hashes[np.arange(count) + ngram <= text_end], offsets  # windows inside one text


def shingle_sets(normalized: list[str], ngram: int) -> list[np.ndarray]:
    """The `shingles` of several normalized texts, hashed together."""
    hashes, offsets = ngram_hash_rows(normalized, ngram)
    sets = []
    for start, end in itertools.pairwise(offsets.tolist()):
        row = np.sort(hashes[start:end])
        sets.append(row[np.concatenate(([True], row[1:] != row[:-1]))] if row.size else row)
    return sets


def shingles(text: str, ngram: int) -> np.ndarray:
    """Sorted distinct hashes of the character n-grams of the normalized text.

    >>> shingles("平安建设,平安建设", 3).size   # 平安建 安建设 建设平 设平安
    4
    >>> shingles("平安", 3).size, shingles("", 3).size
    (1, 0)
    """
    return shingle_sets([normalize_for_dedup(text)], ngram)[0]


def overlap(left: np.ndarray, right: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment) of two `shingles` arrays (sorted, distinct); containment is the
    share of the smaller set found in the larger one (1.0 when one body holds the other).

    >>> overlap(shingles("一二三四五六", 3), shingles("一二三四五六七八", 3))
    (0.6666666666666666, 1.0)
    """
    if left.size == 0 or right.size == 0:
        return 0.0, 0.0
    places = np.minimum(np.searchsorted(right, left), right.size - 1)
    common = int(np.count_nonzero(right[places] == left))
    return common / (left.size + right.size - common), common / min(left.size, right.size)


def jaccard(left: np.ndarray, right: np.ndarray) -> float:
    """Jaccard similarity of two `shingles` arrays (sorted, distinct).

    >>> jaccard(shingles("一二三四五六", 3), shingles("一二三四五七", 3))
    0.6
    """
    if left.size == 0 or right.size == 0:
        return 0.0
    places = np.minimum(np.searchsorted(right, left), right.size - 1)
    common = int(np.count_nonzero(right[places] == left))
    return common / (left.size + right.size - common)
