"""Common Han characters, and the scores that tell Chinese text from a wrong decoding.

Clean Chinese text is almost all common characters (GB2312 level 1 and their Traditional
forms) and Chinese punctuation; text decoded with the wrong codec, or mojibake, is not.

Speed: the scores run on every page (a sample of it) and on up to five candidate readings of a
legacy-codec page; they count with one table lookup per code point over a NumPy view of the
text (`character_classes`) instead of a Python set lookup per character.
"""

import re
from functools import cache

import numpy as np
import numpy.typing as npt

HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))
HAN = "".join(f"{chr(first)}-{chr(last)}" for first, last in HAN_RANGES)
# Punctuation of Chinese text that every candidate codec can produce: it counts as evidence
# like a common Han character when scoring a candidate decoding.
COMMON_PUNCTUATION = frozenset("、。〈〉《》「」『』【】〔〕〖〗—…“”‘’·□") | frozenset(
    map(chr, range(0xFF01, 0xFF20))  # full-width ！ to ？
)
CONTROL_RANGES = ((0x00, 0x08), (0x0E, 0x1F), (0x7F, 0x7F))
CONTROL_CHARACTER = re.compile(
    "[" + "".join(f"{chr(first)}-{chr(last)}" for first, last in CONTROL_RANGES) + "]"
)
_SPACED_HAN = re.compile(f"[{HAN}] (?=[{HAN}])")
HAN_CHARACTER = re.compile(f"[{HAN}]")


@cache
def common_han() -> frozenset[str]:
    """The 3,755 level-1 characters of GB2312 (the common Simplified ones) and their
    Traditional forms (OpenCC s2t and Taiwan variants).

    >>> {"中", "國", "为", "為", "爲"} <= common_han()
    True
    """
    import opencc  # only needed here, once per process

    level_one = bytes(
        byte for lead in range(0xB0, 0xD8) for trail in range(0xA1, 0xFF) for byte in (lead, trail)
    ).decode("gb2312", errors="ignore")
    traditional = opencc.OpenCC("s2t").convert("\n".join(level_one))
    taiwan = opencc.OpenCC("t2tw").convert(traditional)
    return frozenset(level_one + traditional + taiwan) - {"\n"}


@cache
def common_characters() -> frozenset[str]:
    """`common_han` and COMMON_PUNCTUATION: what a Chinese reading is scored on."""
    return common_han() | COMMON_PUNCTUATION


# Bits of `character_classes`: what each code point counts as in the scores below.
COMMON = 1  # common_characters(): common Han or common Chinese punctuation
COMMON_HAN = 2  # common_han() (all of them Han characters)
HAN_BIT = 4  # in HAN
CONTROL = 8  # CONTROL_CHARACTER
ASCII_TEXT = 16  # printable ASCII (DEL included) or \t \n \r


@cache
def character_classes() -> npt.NDArray[np.uint8]:
    """Indexed by code point: the bits above, built once per process."""
    table = np.zeros(0x110000, dtype=np.uint8)
    for first, last in HAN_RANGES:
        table[first : last + 1] |= HAN_BIT
    for first, last in CONTROL_RANGES:
        table[first : last + 1] |= CONTROL
    table[32:128] |= ASCII_TEXT
    table[[ord(char) for char in "\t\n\r"]] |= ASCII_TEXT
    table[[ord(char) for char in common_characters()]] |= COMMON
    # only Han characters count as common Han: the share is of Han characters
    common_han_points = np.array([ord(char) for char in common_han()], dtype=np.uint32)
    table[common_han_points[(table[common_han_points] & HAN_BIT) != 0]] |= COMMON_HAN
    return table


def classes_of(text: str) -> npt.NDArray[np.uint8]:
    """The `character_classes` bits of each character of `text` (lone surrogates: none)."""
    code_points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return character_classes().take(code_points)


def _count(classes: npt.NDArray[np.uint8], bit: int) -> int:
    return int(np.count_nonzero(classes & bit))


def count_common(text: str) -> int:
    """How many characters of `text` are common Han or common Chinese punctuation.

    >>> count_common("中國 is 中国。")
    5
    """
    return _count(classes_of(text), COMMON)


def chinese_score(text: str) -> tuple[float, int]:
    """Share of the non-ASCII and control characters that are common Han or common Chinese
    punctuation (ASCII text reads the same in every candidate, control bytes do not), and
    how many characters that share is of.

    >>> chinese_score("中國\x01 is 中国。")
    (0.8333333333333334, 6)
    """
    classes = classes_of(text)
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    counted = non_ascii + _count(classes, CONTROL)
    return (_count(classes, COMMON) / counted if counted else 0.0), counted


def spaced_han_share(text: str) -> float:
    """Share of Han characters followed by a space and another Han character: Chinese
    does not space its words, while Korean (EUC-KR syllables read as common GB2312
    characters) and alphabetic scripts read as Han do.

    >>> spaced_han_share("한 국 어"), spaced_han_share("中 国 人民")
    (0.0, 0.5)
    """
    code_points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    han = (character_classes().take(code_points) & HAN_BIT) != 0
    # a Han character, a space, a Han character: matches never overlap (a space is not Han)
    spaced = int(np.count_nonzero(han[:-2] & (code_points[1:-1] == 32) & han[2:]))
    return spaced / max(1, int(np.count_nonzero(han)))


def text_score(text: str) -> float:
    """Share of characters that are printable ASCII, whitespace or common Chinese.

    >>> text_score("中国 ok\x01")
    0.8333333333333334
    """
    if not text:
        return 0.0
    classes = classes_of(text)
    return (_count(classes, ASCII_TEXT) + _count(classes, COMMON)) / len(text)


def han_counts(text: str) -> tuple[int, int]:
    """How many Han characters `text` has, and how many of them are common ones."""
    classes = classes_of(text)
    return _count(classes, HAN_BIT), _count(classes, COMMON_HAN)


def common_han_share(text: str) -> float | None:
    """Share of the Han characters in `text` that are common ones; None under 20 Han
    characters (too few to judge). Clean text scores ~0.99, UTF-8 read as GBK ~0.2.

    >>> common_han_share("三明市地处福建西部，是中央苏区核心区、中央红军长征的四个出发地之一")
    1.0
    """
    han, common = han_counts(text)
    if han < 20:
        return None
    return common / han


def is_han(char: str) -> bool:
    """Whether `char` is a Han character (comparisons: faster than HAN_CHARACTER on one)."""
    return (
        "\u4e00" <= char <= "\u9fff"
        or "\u3400" <= char <= "\u4dbf"
        or "\uf900" <= char <= "\ufaff"
        or "\U00020000" <= char <= "\U0003134f"
    )
