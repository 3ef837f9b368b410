"""Mojibake repair: text whose bytes someone read in the wrong codec and saved again."""

import re

import ftfy
import ftfy.bad_codecs  # registers the sloppy-windows-1252 codec

from transforms.decoding.common_han import han_counts

# UTF-8 lead bytes of what follows a Latin-1 character in mojibake: Latin-1 (C2, C3), the
# cp1252 extras (C5, C6, CB: Œ Š Ž ƒ ˆ ˜; E2: – — ‘ ’ “ ” † • … ‰ ‹ › € ™).
_LATIN_AFTER_LATIN = frozenset(bytes([lead]) for lead in (0xC2, 0xC3, 0xC5, 0xC6, 0xCB, 0xE2))
# A non-ASCII Latin-1 character followed by another one (or by a cp1252 extra): the shape of
# UTF-8 or GBK bytes shown as Latin-1/cp1252. Only where it occurs do we try a repair.
_MOJIBAKE_HINT = re.compile(
    "[\u00a1-\u00fe][\u0080-\u00fe\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6"
    "\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
    "\u20ac\u2122]"
)


def may_be_mojibake(data: bytes, encoding: str) -> bool:
    """Worth a repair attempt: two Latin-1 characters in a row. In UTF-8 they are C2/C3
    byte pairs, found with bytes.find (a regex over MBs of clean text would cost more than
    decoding it); Chinese legacy codecs cannot hold mojibake text."""
    if encoding != "utf-8":
        return encoding not in ("gb18030", "cp950", "big5hkscs", "ascii")
    for lead in (0xC2, 0xC3):
        position = data.find(lead)
        while position >= 0:
            if data[position + 2 : position + 3] in _LATIN_AFTER_LATIN:
                return True
            position = data.find(lead, position + 2)
    return False


def repair_mojibake(text: str, min_common_han_share: float = 0.6) -> str | None:
    """The text as it was before someone read its bytes in the wrong codec and saved it
    again, or None if it does not look repairable. GBK read as Latin-1/cp1252 is tried
    first (ftfy would half-decode it as UTF-8), then UTF-8 read as Latin-1/cp1252 with
    ftfy's `fix_encoding` (never `fix_text`, which rewrites Chinese punctuation).

    >>> repair_mojibake("三明市地处福建西部".encode().decode("latin-1"))
    '三明市地处福建西部'
    >>> repair_mojibake("三明市地处福建西部".encode("gbk").decode("latin-1"))
    '三明市地处福建西部'
    >>> repair_mojibake("三明市地处福建西部") is None
    True
    """
    if not _MOJIBAKE_HINT.search(text):
        return None
    for shown_as in ("latin-1", "sloppy-windows-1252"):
        try:
            repaired = text.encode(shown_as).decode("gb18030")
        except UnicodeError:
            continue
        if _is_plausible_repair(repaired, min_common_han_share, needs_han=True):
            return repaired
    repaired = ftfy.fix_encoding(text)
    if repaired != text and _is_plausible_repair(repaired, min_common_han_share, needs_han=False):
        return repaired
    return None


def _is_plausible_repair(text: str, min_common_han_share: float, needs_han: bool) -> bool:
    han, common = han_counts(text)
    if not han:
        return not needs_han
    return common / han >= min_common_han_share
