"""Common Han characters, and the scores that tell Chinese text from a wrong decoding.

Clean Chinese text is almost all common characters (GB2312 level 1 and their Traditional
forms) and Chinese punctuation; text decoded with the wrong codec, or mojibake, is not.
"""

import re
from functools import cache

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Punctuation of Chinese text that every candidate codec can produce: it counts as evidence
# like a common Han character when scoring a candidate decoding.
COMMON_PUNCTUATION = frozenset("、。〈〉《》「」『』【】〔〕〖〗—…“”‘’·□") | frozenset(
    map(chr, range(0xFF01, 0xFF20))  # full-width ！ to ？
)
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
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


def count_common(text: str) -> int:
    """How many characters of `text` are common Han or common Chinese punctuation."""
    return sum(map(common_characters().__contains__, text))


def chinese_score(text: str) -> tuple[float, int]:
    """Share of the non-ASCII and control characters that are common Han or common Chinese
    punctuation (ASCII text reads the same in every candidate, control bytes do not), and
    how many characters that share is of."""
    counted = len(text) - len(text.encode("ascii", "ignore")) + len(CONTROL_CHARACTER.findall(text))
    return (count_common(text) / counted if counted else 0.0), counted


def spaced_han_share(text: str) -> float:
    """Share of Han characters followed by a space and another Han character: Chinese
    does not space its words, while Korean (EUC-KR syllables read as common GB2312
    characters) and alphabetic scripts read as Han do."""
    return len(_SPACED_HAN.findall(text)) / max(1, len(HAN_CHARACTER.findall(text)))


def text_score(text: str) -> float:
    """Share of characters that are printable ASCII, whitespace or common Chinese."""
    if not text:
        return 0.0
    ascii_text = sum(
        1 for char in text.encode("ascii", "ignore") if char >= 32 or char in b"\t\n\r"
    )
    return (ascii_text + count_common(text)) / len(text)


def common_han_share(text: str) -> float | None:
    """Share of the Han characters in `text` that are common ones; None under 20 Han
    characters (too few to judge). Clean text scores ~0.99, UTF-8 read as GBK ~0.2.

    >>> common_han_share("三明市地处福建西部，是中央苏区核心区、中央红军长征的四个出发地之一")
    1.0
    """
    han = HAN_CHARACTER.findall(text)
    if len(han) < 20:
        return None
    return sum(map(common_han().__contains__, han)) / len(han)


def is_han(char: str) -> bool:
    """Whether `char` is a Han character (comparisons: faster than HAN_CHARACTER on one)."""
    return (
        "\u4e00" <= char <= "\u9fff"
        or "\u3400" <= char <= "\u4dbf"
        or "\uf900" <= char <= "\ufaff"
        or "\U00020000" <= char <= "\U0003134f"
    )
