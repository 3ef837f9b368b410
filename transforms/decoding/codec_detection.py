"""Which codec a raw file is in, and its text decoded with it.

The evidence is taken cheapest first, each step deciding only what it can decide for sure:

1. nothing, or a known binary signature (PNG, ZIP...)      -> `UndecodableError`
2. a byte order mark                                         -> its UTF codec
3. NUL-laden bytes                                           -> UTF-16/32 without BOM, or binary
4. 7-bit bytes -> `ascii`; bytes that are strict UTF-8      -> `utf-8`
5. a bounded sample, from the first non-ASCII byte, decoded with each Chinese candidate
   (gb18030, the Big5 family, utf-8 with errors, UTF-16 without BOM) and scored by the share
   of common Chinese characters: the best wins when it looks like Chinese
6. lines in different Chinese codecs (UTF-8, GB, Big5), when the whole file fails in each
   (or reads with a few invalid bytes, and line by line with fewer): decoded line by line
   (transforms.decoding.line_runs) and flagged `mixed_encoding`
7. chardet for everything else: a single-byte answer is checked against the language check
   of transforms.decoding.alphabets (Latin-1 French is not Greek); any other answer is
   accepted only if its codec decodes the whole file cleanly.

The GB family (GB2312, GBK, GB18030) is always decoded with `gb18030`: Python's `gb2312`
codec maps A1A4/A1AA to ・/― instead of ·/—. The Big5 family is decoded with `cp950`
(Windows-made files), and with `big5hkscs` when `cp950` fails on the file.

`encoding` is Python's canonical codec name such that `data.decode(encoding)` gives `text`
(before replacement and repair): `utf-8-sig`, `utf-16` and `utf-32` for files with a byte
order mark, `utf-16-le`... without one, `ascii` for 7-bit files. A file in mixed codecs has
the codecs of its segments in order of first appearance, joined by `+` (`utf-8+gb18030+cp950`;
a UTF-8 byte order mark before GBK text is `utf-8-sig+gb18030`), and no single codec decodes it.
"""

import codecs
import re
import threading
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import chardet

from transforms.decoding.alphabets import canonical_codec, is_single_byte, read_alphabetic
from transforms.decoding.common_han import (
    CONTROL_CHARACTER,
    chinese_score,
    spaced_han_share,
    text_score,
)
from transforms.decoding.line_runs import Segment, read_line_runs
from transforms.records import UndecodableError

DATA = Path(__file__).parent / "data"

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
class Reading:
    """A file's text decoded with `encoding`; confidence and invalid bytes as scored."""

    text: str
    encoding: str
    confidence: float
    invalid_bytes: int = 0
    replacements: int = 0  # U+FFFD characters that decoding inserted
    segments: tuple[Segment, ...] = ()  # for a file in mixed codecs only


def read_bytes(data: bytes, config: DecodingConfig) -> Reading:
    """The file's reading; `UndecodableError` for what is not text. Every reading returned
    has passed `reject_binary` (each path checks its own, so no caller scans twice)."""
    if not data or data.isspace():
        detail = "0 bytes" if not data else f"only whitespace, {len(data)} bytes"
        raise UndecodableError("empty", f"empty file ({detail})")
    for signature, file_format in _binary_signatures():
        if data.startswith(signature):
            raise UndecodableError("not_text", f"not text: the bytes are a {file_format}")
    for mark, codec in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            reading = _decode_with((codec,), data)
            if codec == "utf-8-sig" and reading.invalid_bytes > _allowed_invalid(data, config):
                # a UTF-8 mark before text in another codec (a GBK file "saved as UTF-8")
                mixed = _read_mixed(data[len(mark) :], config, leading=(codec,))
                if mixed is not None:
                    return mixed
            return _checked(reading, data, config, 1.0)
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
        return Reading(text, "ascii", 1.0)
    continuation_bytes = len(data) - len(text)  # random bytes are rarely valid UTF-8 for long
    return Reading(text, "utf-8", 1.0 - 0.5**continuation_bytes)


def _read_nul_laden(data: bytes, nul_count: int, config: DecodingConfig) -> Reading:
    """UTF-16/32 without a byte order mark, or binary data."""
    sample = data[: config.sample_bytes - config.sample_bytes % 4]
    scored = [(text_score(_decode_sample(sample, codec)), codec) for codec in WIDE_CANDIDATES]
    score, codec = max(scored)
    if score < config.min_chinese_score:
        share = nul_count / len(data)
        raise UndecodableError(
            "not_text", f"not text: binary data ({nul_count} NUL bytes, {share:.0%} of the file)"
        )
    return _checked(_decode_with((codec,), data), data, config, score)


def _read_legacy(data: bytes, config: DecodingConfig) -> Reading:
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
        ((chinese_score(text), text, family) for text, family in readings),
        key=lambda scored: scored[0],
    )
    if score >= config.min_chinese_score and spaced_han_share(text) <= config.max_spaced_han_share:
        try:
            reading = _checked(_decode_with(family, data), data, config, score)
        except UndecodableError:  # too many invalid bytes: segments in other codecs?
            mixed = None if family[0] in WIDE_CANDIDATES else _read_mixed(data, config)
            if mixed is None:
                raise
            return mixed
        return _with_fewer_errors(reading, data, config) if reading.invalid_bytes else reading
    mixed = _read_mixed(data, config)
    if mixed is not None:
        return mixed
    guess = _chardet_reading(data, config)
    if guess is not None:
        reject_binary(guess, config)
        return guess
    return _checked(_decode_with(family, data), data, config, score)


def _read_mixed(
    data: bytes, config: DecodingConfig, leading: tuple[str, ...] = ()
) -> Reading | None:
    """The file decoded line by line in the Chinese codecs, if that reads as Chinese in more
    than one codec (`leading`: a codec before the lines, such as a byte order mark's);
    `UndecodableError` if it does but too many bytes decode in none of them."""
    runs = read_line_runs(data, config.min_chinese_score, config.max_spaced_han_share)
    if runs is None or len(leading + runs.encodings) < 2:
        return None
    encoding = "+".join(leading + runs.encodings)
    _reject_invalid(
        runs.invalid_bytes,
        data,
        config,
        f"line by line in the best-matching encodings ({encoding})",
    )
    reading = Reading(
        runs.text,
        encoding,
        runs.score - runs.invalid_bytes / len(data),
        runs.invalid_bytes,
        runs.replacements,
        runs.segments,
    )
    reject_binary(reading, config)
    return reading


def _with_fewer_errors(reading: Reading, data: bytes, config: DecodingConfig) -> Reading:
    """A reading with a few invalid bytes, or the line-by-line one if that has fewer (10 GBK
    lines and a UTF-8 one read as GBK: one invalid byte and a line of mojibake)."""
    if reading.encoding in WIDE_CANDIDATES:
        return reading
    try:
        mixed = _read_mixed(data, config)
    except UndecodableError:
        return reading
    return mixed if mixed is not None and mixed.invalid_bytes < reading.invalid_bytes else reading


def _chardet_reading(data: bytes, config: DecodingConfig) -> Reading | None:
    """chardet's answer: for a single-byte codec (or none), the reading the language check
    prefers (its confidence: the share of plausible words); for another codec, its reading
    if its codec (or codec family) decodes the whole file cleanly."""
    result = chardet.detect(data[: config.chardet_sample_bytes])
    codec = canonical_codec(result.get("encoding"))
    if codec is None or is_single_byte(codec):
        alphabetic = read_alphabetic(data, codec)
        if alphabetic is not None:
            confidence = alphabetic.plausibility.words
            return Reading(alphabetic.text, alphabetic.encoding, confidence)
    if codec is None:
        return None
    for member in CODEC_FAMILIES.get(codec, (codec,)):
        try:
            return Reading(data.decode(member), member, float(result["confidence"] or 0.0))
        except UnicodeDecodeError:
            continue
    return None


def _allowed_invalid(data: bytes, config: DecodingConfig) -> float:
    return max(2.0, config.max_invalid_ratio * len(data))


def _reject_invalid(invalid: int, data: bytes, config: DecodingConfig, reading: str) -> None:
    """`not_text` when more bytes are invalid than the configuration allows."""
    if invalid > _allowed_invalid(data, config):
        share = invalid / len(data)
        raise UndecodableError(
            "not_text", f"not text: {share:.0%} of the bytes are invalid even {reading}"
        )


def _checked(reading: Reading, data: bytes, config: DecodingConfig, score: float) -> Reading:
    reject_binary(reading, config)  # binary data says so before it says "invalid bytes"
    _reject_invalid(
        reading.invalid_bytes, data, config, f"in the best-matching encoding ({reading.encoding})"
    )
    return replace(reading, confidence=score - reading.invalid_bytes / len(data))


def _has_controls(text: str, config: DecodingConfig) -> bool:
    sample = text[: config.sample_bytes]
    return len(CONTROL_CHARACTER.findall(sample)) > max(2.0, config.max_control_share * len(sample))


def reject_binary(reading: Reading, config: DecodingConfig) -> None:
    if _has_controls(reading.text, config):
        sample = reading.text[: config.sample_bytes]
        share = len(CONTROL_CHARACTER.findall(sample)) / len(sample)
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


def _decode_with(family: tuple[str, ...], data: bytes) -> Reading:
    """Decode with the first codec of the family that decodes strictly, else with the one
    that replaces the fewest bytes (whole buffers: bytes.decode is the fast path)."""
    for codec in family:
        try:
            return Reading(data.decode(codec), codec, 1.0)
        except UnicodeDecodeError:
            continue
    readings = []
    for codec in family:
        _replaced.bytes = _replaced.calls = 0
        text = data.decode(codec, "qingxi-count-replace")
        readings.append(Reading(text, codec, 1.0, _replaced.bytes, _replaced.calls))
    return min(readings, key=lambda reading: reading.invalid_bytes)


def _decode_sample(sample: bytes, codec: str) -> str:
    """Decode a cut-out sample; a character cut at its end is left out, not replaced."""
    return codecs.getincrementaldecoder(codec)(errors="replace").decode(sample, final=False)


@cache
def _binary_signatures() -> tuple[tuple[bytes, str], ...]:
    rows = (DATA / "decoding_binary_signatures.tsv").read_text(encoding="utf-8").splitlines()
    fields = (row.split("\t") for row in rows if row and not row.startswith("#"))
    return tuple((bytes.fromhex(prefix), name) for prefix, name in fields)
