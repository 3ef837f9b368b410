"""Text that is not Chinese, in a single-byte legacy codec: which one, by a language check.

A detector (chardet) alone confuses the single-byte codecs on short texts: it reads
`Café résumé naïve` in Latin-1 as Greek (`Cafι rιsumι naοve`). Every codec of
data/decoding_alphabetic_codecs.tsv (and the detector's, when it is single-byte) that decodes
the bytes strictly is scored on its words with non-ASCII letters (ASCII reads the same in
all of them):

- a plausible word is letters of one script (Latin, Greek, Cyrillic...), cased as a word is
  (`été`, `Müller`, `ΕΛΛΆΔΑ`), with no symbol inside it (`gê¶l¹` is Polish read as
  Latin-1) and, in Latin script, at most two thirds of a long word non-ASCII (Greek read
  as Latin-1 is `Åëëüäá`; Polish `Zażółć` is two thirds);
- a C1 control (0x80-0x9F read as Latin-1) counts as an implausible word;
- then, the share of lowercase letters (cp1251 read as KOI8-R swaps the cases).

The best score wins, if at least MIN_PLAUSIBLE_WORDS of the words are plausible (GBK bytes
read as Latin-1 are not words at all); among equal scores, the detector's codec if it is one
of them, else the table's order. Readings that give the same text are one reading, named by
the table's order (Western text without 0x80-0x9F is `iso8859-1`, not `cp1252`).
"""

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"

# A word: letters and any non-ASCII character (so that a symbol inside a word stays in it).
# ’ splits words as ' does (l’été, Ankara’dır).
_WORD = re.compile(r"[^\s\x00-\x40\x5b-\x60\x7b-\x7f\u2019]+")
_C1_CONTROL = re.compile("[\x80-\x9f]")
_NON_ASCII = re.compile("[^\x00-\x7f]")
MIN_PLAUSIBLE_WORDS = 0.5
SAMPLE_CHARACTERS = 8192  # scored from the first non-ASCII character; decoding is whole-file
_EDGE_CATEGORIES = ("P", "Sc", "Sm", "So", "Sk")  # punctuation and symbols around a word


@dataclass(frozen=True, order=True)
class Plausibility:
    words: float  # share of plausible words among those with non-ASCII letters
    lowercase: float  # share of lowercase letters


@dataclass(frozen=True)
class AlphabeticReading:
    text: str
    encoding: str
    plausibility: Plausibility


@cache
def alphabetic_codecs() -> tuple[str, ...]:
    """The candidates, in order of preference (data/decoding_alphabetic_codecs.tsv)."""
    rows = (DATA / "decoding_alphabetic_codecs.tsv").read_text(encoding="utf-8").splitlines()
    return tuple(row.split("\t")[0] for row in rows if row and not row.startswith("#"))


@cache
def is_single_byte(codec: str) -> bool:
    """Whether `codec` reads every byte as one character (a charmap codec).

    >>> is_single_byte("cp1253"), is_single_byte("gb18030"), is_single_byte("utf-8")
    (True, False, False)
    """
    text = bytes(range(256)).decode(codec, "replace")
    return len(text) == 256 and text.count("\ufffd") < 64


def script_of(letter: str) -> str:
    """The script of a letter, as Unicode names it: LATIN, GREEK, CYRILLIC...

    >>> script_of("é"), script_of("ι"), script_of("я")
    ('LATIN', 'GREEK', 'CYRILLIC')
    """
    return unicodedata.name(letter, "UNKNOWN").split(" ", 1)[0]


def is_plausible_word(word: str) -> bool:
    """Whether a word (non-ASCII characters in it) looks like a word of a real language.

    >>> [is_plausible_word(w) for w in ("été", "Müller", "Ευρώπης", "ΕΛΛΆΔΑ", "niño")]
    [True, True, True, True, True]
    >>> [is_plausible_word(w) for w in ("cafι", "Åëëüäá", "gê¶l¹", "бЯЕ")]
    [False, False, False, False]
    """
    if not word.isalpha():
        return False
    if len({script_of(letter) for letter in word}) > 1:
        return False
    if not (word.islower() or word.isupper() or word.istitle()):
        return False
    non_ascii = len(_NON_ASCII.findall(word))
    return not (script_of(word[0]) == "LATIN" and len(word) >= 4 and non_ascii * 3 > len(word) * 2)


def plausibility(text: str) -> Plausibility:
    """How plausible a reading is as text in an alphabetic language.

    >>> plausibility("Le café à l'été").words
    1.0
    >>> plausibility("Le cafι ΰ l'ιtι").words
    0.3333333333333333
    """
    judged = plausible = 0
    for match in _WORD.finditer(text):
        word = _strip_edges(match.group())
        if word.isascii() or not any(char.isalpha() for char in word):
            continue  # reads the same in every codec, or a lone symbol (€, –)
        judged += 1
        plausible += is_plausible_word(word)
    judged += len(_C1_CONTROL.findall(text))
    letters = [char for char in text if char.isalpha()]
    lowercase = sum(char.islower() for char in letters) / len(letters) if letters else 0.0
    return Plausibility(plausible / judged if judged else 1.0, lowercase)


def read_alphabetic(data: bytes, detected: str | None) -> AlphabeticReading | None:
    """The most plausible reading of `data` among the single-byte candidates, or None when
    none decodes it strictly and plausibly. `detected`: the detector's codec (Python name).

    >>> read_alphabetic("Café résumé naïve".encode("latin-1"), "cp1253").text
    'Café résumé naïve'
    >>> read_alphabetic("Все люди равны".encode("cp1251"), "cp1251").encoding
    'cp1251'
    """
    candidates = list(alphabetic_codecs())
    if detected and detected not in candidates and is_single_byte(detected):
        candidates.append(detected)
    readings: dict[str, AlphabeticReading] = {}  # text -> its first reading
    for codec in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if text not in readings:
            readings[text] = AlphabeticReading(text, codec, plausibility(_sample(text)))
    if not readings:
        return None
    best = max(reading.plausibility for reading in readings.values())
    if best.words < MIN_PLAUSIBLE_WORDS:
        return None
    tied = [reading for reading in readings.values() if reading.plausibility == best]
    agreed = [reading for reading in tied if _gives(detected, data, reading.text)]
    return (agreed or tied)[0]


def _sample(text: str) -> str:
    first = _NON_ASCII.search(text)
    start = text.rfind(" ", 0, first.start()) + 1 if first else 0  # from the start of a word
    return text[start : start + SAMPLE_CHARACTERS]


def _gives(codec: str | None, data: bytes, text: str) -> bool:
    """Whether `codec` (the detector's) decodes `data` to `text`: the detector agrees."""
    if not codec:
        return False
    try:
        return data.decode(codec) == text
    except (UnicodeDecodeError, LookupError):
        return False


def _strip_edges(word: str) -> str:
    """A word without the punctuation and symbols around it (`„Die`, `¿Qué`, `5€`)."""
    start, end = 0, len(word)
    while start < end and unicodedata.category(word[start]).startswith(_EDGE_CATEGORIES):
        start += 1
    while end > start and unicodedata.category(word[end - 1]).startswith(_EDGE_CATEGORIES):
        end -= 1
    return word[start:end]


def canonical_codec(name: str | None) -> str | None:
    """Python's canonical name of a detector's answer, None if Python has no such codec.

    >>> canonical_codec("Windows-1252"), canonical_codec("ISO-8859-1"), canonical_codec("x")
    ('cp1252', 'iso8859-1', None)
    """
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None
