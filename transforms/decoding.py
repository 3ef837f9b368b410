"""Raw bytes -> text, with the codec actually used and what was lost before and while decoding.

The evidence is taken cheapest first, each step deciding only what it can decide for sure:

1. nothing, or a known binary signature (PNG, ZIP...)      -> `UndecodableError`
2. a byte order mark                                         -> its UTF codec
3. NUL-laden bytes                                           -> UTF-16/32 without BOM, or binary
4. 7-bit bytes -> `ascii`; bytes that are strict UTF-8      -> `utf-8`
5. a bounded sample, from the first non-ASCII byte, decoded with each Chinese candidate
   (gb18030, the Big5 family, utf-8 with errors, UTF-16 without BOM) and scored by the share
   of common Chinese characters: the best wins when it looks like Chinese
6. chardet for everything else, accepted only if its codec decodes the whole file cleanly.

The GB family (GB2312, GBK, GB18030) is always decoded with `gb18030`: Python's `gb2312`
codec maps A1A4/A1AA to ・/― instead of ·/—. The Big5 family is decoded with `cp950`
(Windows-made files), and with `big5hkscs` when `cp950` fails on the file.

`encoding` is Python's canonical codec name such that `data.decode(encoding)` gives `text`
(before replacement and repair): `utf-8-sig`, `utf-16` and `utf-32` for files with a byte
order mark, `utf-16-le`... without one, `ascii` for 7-bit files.

After decoding: mojibake is repaired (`transforms.decoding.repair_mojibake`) or suspected,
and characters lost before the file reached us are counted (`find_loss_markers`).
"""

import codecs
import re
import threading
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import chardet
import ftfy
import ftfy.bad_codecs  # registers the sloppy-windows-1252 codec

from transforms.records import Flag, UndecodableError

DATA = Path(__file__).parent / "data"

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Punctuation of Chinese text that every candidate codec can produce: it counts as evidence
# like a common Han character when scoring a candidate decoding.
COMMON_PUNCTUATION = frozenset("、。〈〉《》「」『』【】〔〕〖〗—…“”‘’·□") | frozenset(
    map(chr, range(0xFF01, 0xFF20))  # full-width ！ to ？
)
BYTE_ORDER_MARKS = (  # longest first: the UTF-32-LE mark starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
CODEC_FAMILIES = {  # a detector's answer -> the codecs we decode that family with, in order
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "gb18030": ("gb18030",),
    "big5": ("cp950", "big5hkscs"),
    "cp950": ("cp950", "big5hkscs"),
    "big5hkscs": ("cp950", "big5hkscs"),
}
CHINESE_CANDIDATES = (("gb18030",), ("cp950", "big5hkscs"), ("utf-8",))
WIDE_CANDIDATES = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")

_FIRST_NON_ASCII = re.compile(rb"[\x80-\xff]")
_FIRST_NON_ASCII_CHARACTER = re.compile("[^\x00-\x7f]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_SPACED_HAN = re.compile(f"[{HAN}] (?=[{HAN}])")
_QUESTION_RUN = re.compile(r"\?(?:[;:,]?\?)*")
_IS_HAN = re.compile(f"[{HAN}]")
# UTF-8 lead bytes of what follows a Latin-1 character in mojibake: Latin-1 (C2, C3), the
# cp1252 extras (C5, C6, CB: Œ Š Ž ƒ ˆ ˜; E2: – — ‘ ’ “ ” † • … ‰ ‹ › € ™).
_LATIN_AFTER_LATIN = frozenset(bytes([lead]) for lead in (0xC2, 0xC3, 0xC5, 0xC6, 0xCB, 0xE2))
_CLAUSE_PUNCTUATION = frozenset("、，。；：,;:")
# A non-ASCII Latin-1 character followed by another one (or by a cp1252 extra): the shape of
# UTF-8 or GBK bytes shown as Latin-1/cp1252. Only where it occurs do we try a repair.
_MOJIBAKE_HINT = re.compile(
    "[\u00a1-\u00fe][\u0080-\u00fe\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6"
    "\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
    "\u20ac\u2122]"
)


@dataclass(frozen=True)
class DecodingConfig:
    repair_mojibake: bool = True
    # Above this share of invalid bytes (and above 2 bytes) the file is `not_text`: 1% is far
    # more damage than a transfer error leaves, and far less than a wrong or binary file shows.
    max_invalid_ratio: float = 0.01
    sample_bytes: int = 4096  # scored per candidate, from the first non-ASCII byte
    min_chinese_score: float = 0.85  # share of common characters in the best reading; else chardet
    min_common_han_share: float = 0.6  # of Han characters; below it: mojibake_suspected
    max_spaced_han_share: float = 0.1  # Han followed by ' ' + Han: Korean read as GBK, not Chinese
    max_control_share: float = 0.02  # of decoded characters; above it: binary (not_text)
    chardet_sample_bytes: int = 65536


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    confidence: float
    flags: tuple[str, ...]  # values of transforms.records.Flag
    decode_errors: int  # bytes replaced
    lost_chars: int  # U+FFFD / '?'-for-Han markers already in the source


@dataclass(frozen=True)
class _Reading:
    text: str
    encoding: str
    confidence: float
    invalid_bytes: int = 0
    replacements: int = 0  # U+FFFD characters that decoding inserted


def decode_bytes(data: bytes, config: DecodingConfig = DecodingConfig()) -> DecodedText:
    """Decode one raw file; raise `UndecodableError` for what is not text.

    >>> decode_bytes("三明市".encode("gbk")).encoding
    'gb18030'
    >>> decode_bytes(codecs.BOM_UTF8 + "三明市".encode()).text
    '三明市'
    """
    reading = _read(data, config)
    _reject_binary(reading, config)
    text, flags = reading.text, []
    if config.repair_mojibake and _may_be_mojibake(data, reading):
        repaired = repair_mojibake(text, config.min_common_han_share)
        if repaired is not None:
            text = repaired
            flags.append(Flag.MOJIBAKE_REPAIRED.value)
    first_non_ascii = _FIRST_NON_ASCII_CHARACTER.search(text)
    sample_start = first_non_ascii.start() if first_non_ascii else 0
    han_share = common_han_share(text[sample_start : sample_start + config.sample_bytes // 4])
    if han_share is not None and han_share < config.min_common_han_share:
        flags.append(Flag.MOJIBAKE_SUSPECTED.value)
    lost_chars = len(find_loss_markers(text)) + text.count("\ufffd") - reading.replacements
    if lost_chars:
        flags.append(Flag.LOSSY_ENCODING.value)
    if reading.invalid_bytes:
        flags.append(Flag.DECODE_ERRORS.value)
    return DecodedText(
        text=text,
        encoding=reading.encoding,
        confidence=round(min(1.0, max(0.0, reading.confidence)), 4),
        flags=tuple(flags),
        decode_errors=reading.invalid_bytes,
        lost_chars=lost_chars,
    )


def _read(data: bytes, config: DecodingConfig) -> _Reading:
    if not data or data.isspace():
        detail = "0 bytes" if not data else f"only whitespace, {len(data)} bytes"
        raise UndecodableError("empty", f"empty file ({detail})")
    for signature, file_format in _binary_signatures():
        if data.startswith(signature):
            raise UndecodableError("not_text", f"not text: the bytes are a {file_format}")
    for mark, codec in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return _checked(_decode_with((codec,), data), data, config, 1.0)
    nul_count = data.count(0) if b"\x00" in data else 0
    if nul_count > max(1, len(data) // 100):
        return _read_nul_laden(data, nul_count, config)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _read_legacy(data, config)
    if _has_controls(text, config):  # UTF-16 without BOM can be 7-bit or valid UTF-8
        return _read_legacy(data, config)
    if len(text) == len(data):
        return _Reading(text, "ascii", 1.0)
    continuation_bytes = len(data) - len(text)  # random bytes are rarely valid UTF-8 for long
    return _Reading(text, "utf-8", 1.0 - 0.5**continuation_bytes)


def _read_nul_laden(data: bytes, nul_count: int, config: DecodingConfig) -> _Reading:
    """UTF-16/32 without a byte order mark, or binary data."""
    sample = data[: config.sample_bytes - config.sample_bytes % 4]
    scored = [(_text_score(_decode_sample(sample, codec)), codec) for codec in WIDE_CANDIDATES]
    score, codec = max(scored)
    if score < config.min_chinese_score:
        share = nul_count / len(data)
        raise UndecodableError(
            "not_text", f"not text: binary data ({nul_count} NUL bytes, {share:.0%} of the file)"
        )
    return _checked(_decode_with((codec,), data), data, config, score)


def _read_legacy(data: bytes, config: DecodingConfig) -> _Reading:
    """Bytes that are neither 7-bit nor UTF-8: the Chinese candidates first, then chardet."""
    match = _FIRST_NON_ASCII.search(data)
    start = match.start() if match else 0
    sample = data[start : start + config.sample_bytes]
    wide_sample = data[: config.sample_bytes]
    readings = [(_decode_sample(sample, family[0]), family) for family in CHINESE_CANDIDATES]
    readings += [
        (_decode_sample(wide_sample, codec), (codec,))
        for codec in WIDE_CANDIDATES[:2]  # UTF-32 always has NUL bytes
    ]
    (score, _), text, family = max(  # on a tie, the reading with more evidence
        ((_chinese_score(text), text, family) for text, family in readings),
        key=lambda scored: scored[0],
    )
    if score >= config.min_chinese_score and _spaced_han_share(text) <= config.max_spaced_han_share:
        return _checked(_decode_with(family, data), data, config, score)
    guess = _chardet_reading(data, config)
    if guess is not None:
        return guess
    return _checked(_decode_with(family, data), data, config, score)


def _chardet_reading(data: bytes, config: DecodingConfig) -> _Reading | None:
    """chardet's answer, if its codec (or codec family) decodes the whole file cleanly."""
    result = chardet.detect(data[: config.chardet_sample_bytes])
    if not result.get("encoding"):
        return None
    try:
        codec = codecs.lookup(result["encoding"]).name
    except LookupError:
        return None
    for member in CODEC_FAMILIES.get(codec, (codec,)):
        try:
            return _Reading(data.decode(member), member, float(result["confidence"] or 0.0))
        except UnicodeDecodeError:
            continue
    return None


def _checked(reading: _Reading, data: bytes, config: DecodingConfig, score: float) -> _Reading:
    _reject_binary(reading, config)  # binary data says so before it says "invalid bytes"
    allowed = max(2.0, config.max_invalid_ratio * len(data))
    if reading.invalid_bytes > allowed:
        share = reading.invalid_bytes / len(data)
        raise UndecodableError(
            "not_text",
            f"not text: {share:.0%} of the bytes are invalid even in the best-matching "
            f"encoding ({reading.encoding})",
        )
    return replace(reading, confidence=score - reading.invalid_bytes / len(data))


def _has_controls(text: str, config: DecodingConfig) -> bool:
    sample = text[: config.sample_bytes]
    return len(_CONTROL.findall(sample)) > max(2.0, config.max_control_share * len(sample))


def _reject_binary(reading: _Reading, config: DecodingConfig) -> None:
    if _has_controls(reading.text, config):
        sample = reading.text[: config.sample_bytes]
        share = len(_CONTROL.findall(sample)) / len(sample)
        raise UndecodableError(
            "not_text",
            f"not text: {share:.0%} control characters when read as {reading.encoding} "
            "(binary data)",
        )


# --- decoding with counted replacement ---------------------------------------------------

_replaced = threading.local()


def _count_and_replace(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    _replaced.bytes += error.end - error.start
    _replaced.calls += 1
    return "\ufffd", error.end


codecs.register_error("qingxi-count-replace", _count_and_replace)


def _decode_with(family: tuple[str, ...], data: bytes) -> _Reading:
    """Decode with the first codec of the family that decodes strictly, else with the one
    that replaces the fewest bytes (whole buffers: bytes.decode is the fast path)."""
    for codec in family:
        try:
            return _Reading(data.decode(codec), codec, 1.0)
        except UnicodeDecodeError:
            continue
    readings = []
    for codec in family:
        _replaced.bytes = _replaced.calls = 0
        text = data.decode(codec, "qingxi-count-replace")
        readings.append(_Reading(text, codec, 1.0, _replaced.bytes, _replaced.calls))
    return min(readings, key=lambda reading: reading.invalid_bytes)


def _decode_sample(sample: bytes, codec: str) -> str:
    """Decode a cut-out sample; a character cut at its end is left out, not replaced."""
    return codecs.getincrementaldecoder(codec)(errors="replace").decode(sample, final=False)


# --- scoring ----------------------------------------------------------------------------


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
def _common_characters() -> frozenset[str]:
    return common_han() | COMMON_PUNCTUATION


def _count_common(text: str) -> int:
    return sum(map(_common_characters().__contains__, text))


def _chinese_score(text: str) -> tuple[float, int]:
    """Share of the non-ASCII and control characters that are common Han or common Chinese
    punctuation (ASCII text reads the same in every candidate, control bytes do not), and
    how many characters that share is of."""
    counted = len(text) - len(text.encode("ascii", "ignore")) + len(_CONTROL.findall(text))
    return (_count_common(text) / counted if counted else 0.0), counted


def _spaced_han_share(text: str) -> float:
    """Share of Han characters followed by a space and another Han character: Chinese
    does not space its words, while Korean (EUC-KR syllables read as common GB2312
    characters) and alphabetic scripts read as Han do."""
    return len(_SPACED_HAN.findall(text)) / max(1, len(_IS_HAN.findall(text)))


def _text_score(text: str) -> float:
    """Share of characters that are printable ASCII, whitespace or common Chinese."""
    if not text:
        return 0.0
    ascii_text = sum(
        1 for char in text.encode("ascii", "ignore") if char >= 32 or char in b"\t\n\r"
    )
    return (ascii_text + _count_common(text)) / len(text)


def common_han_share(text: str) -> float | None:
    """Share of the Han characters in `text` that are common ones; None under 20 Han
    characters (too few to judge). Clean text scores ~0.99, UTF-8 read as GBK ~0.2.

    >>> common_han_share("三明市地处福建西部，是中央苏区核心区、中央红军长征的四个出发地之一")
    1.0
    """
    han = _IS_HAN.findall(text)
    if len(han) < 20:
        return None
    return sum(map(common_han().__contains__, han)) / len(han)


@cache
def _binary_signatures() -> tuple[tuple[bytes, str], ...]:
    rows = (DATA / "decoding_binary_signatures.tsv").read_text(encoding="utf-8").splitlines()
    fields = (row.split("\t") for row in rows if row and not row.startswith("#"))
    return tuple((bytes.fromhex(prefix), name) for prefix, name in fields)


# --- after decoding: mojibake and loss markers --------------------------------------------


def _may_be_mojibake(data: bytes, reading: _Reading) -> bool:
    """Worth a repair attempt: two Latin-1 characters in a row. In UTF-8 they are C2/C3
    byte pairs, found with bytes.find (a regex over MBs of clean text would cost more than
    decoding it); Chinese legacy codecs cannot hold mojibake text."""
    if reading.encoding != "utf-8":
        return reading.encoding not in ("gb18030", "cp950", "big5hkscs", "ascii")
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
    han = _IS_HAN.findall(text)
    if not han:
        return not needs_han
    return sum(map(common_han().__contains__, han)) / len(han) >= min_common_han_share


def find_loss_markers(text: str) -> tuple[int, ...]:
    """Positions of the `?` that stand for characters lost before the file reached us
    (a codec that could not write a character wrote `?`), not for question marks.

    A run of `?` (possibly with `;:,` between them) right after a Han character is lost
    text when it is followed by clause punctuation (a question mark never is), or by a Han
    character when the run has two or more `?` or the page writes its real question marks
    full-width (`？`). A single `?` between Han characters on a page that writes `?` for
    its questions is taken as a question mark.

    >>> find_loss_markers("構建專業化、規?;?、高端化")
    (7, 9)
    >>> find_loss_markers("什么是幸福?家住福建省")
    ()
    """
    position = text.find("?")
    if position < 0:
        return ()
    full_width_questions = "？" in text
    markers: list[int] = []
    while position >= 0:
        after = text[position + 1 : position + 2]
        suspicious = after in _CLAUSE_PUNCTUATION or after == "?"
        if (suspicious or (full_width_questions and _is_han(after))) and (
            position and _is_han(text[position - 1])
        ):
            run = _QUESTION_RUN.match(text, position)
            assert run is not None
            end = run.end()
            after = text[end : end + 1]
            if after in _CLAUSE_PUNCTUATION or (
                _is_han(after) and (end - position > 1 or full_width_questions)
            ):
                markers.extend(index for index in range(position, end) if text[index] == "?")
            position = text.find("?", end)
        else:  # the common case: a question mark, or a '?' in a URL or Latin text
            position = text.find("?", position + 1)
    return tuple(markers)


def _is_han(char: str) -> bool:
    return (
        "\u4e00" <= char <= "\u9fff"
        or "\u3400" <= char <= "\u4dbf"
        or "\uf900" <= char <= "\ufaff"
        or "\U00020000" <= char <= "\U0003134f"
    )
