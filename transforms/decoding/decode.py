"""Raw bytes -> text, with the codec actually used and what was lost before and while decoding.

Which codec, and the decoded text: codec_detection (the evidence, cheapest first).
`encoding` is Python's canonical codec name such that `data.decode(encoding)` gives `text`
(before replacement and repair) — except for a file in mixed codecs, flagged `mixed_encoding`:
its `encoding` is its segments' codecs joined by `+` (`utf-8+gb18030+cp950`), and `segments`
says which lines each codec decoded.

After decoding: mojibake is repaired (`repair_mojibake`, transforms.decoding.mojibake) or suspected,
and characters lost before the file reached us are counted (`find_loss_markers`,
transforms.decoding.loss_markers).
"""

import re
from dataclasses import dataclass

from transforms.decoding.codec_detection import DecodingConfig, read_bytes
from transforms.decoding.common_han import common_han_share
from transforms.decoding.line_runs import Segment
from transforms.decoding.loss_markers import find_loss_markers
from transforms.decoding.mojibake import may_be_mojibake, repair_mojibake
from transforms.records import Flag

_FIRST_NON_ASCII_CHARACTER = re.compile("[^\x00-\x7f]")
_DEFAULT_CONFIG = DecodingConfig()


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    confidence: float
    flags: tuple[str, ...]  # values of transforms.records.Flag
    decode_errors: int  # bytes replaced
    lost_chars: int  # U+FFFD / '?'-for-Han markers already in the source
    segments: tuple[Segment, ...] = ()  # mixed codecs only: which lines each codec decoded


def decode_bytes(data: bytes, config: DecodingConfig = _DEFAULT_CONFIG) -> DecodedText:
    """Decode one raw file; raise `UndecodableError` for what is not text.

    >>> decode_bytes("三明市".encode("gbk")).encoding
    'gb18030'
    >>> import codecs
    >>> decode_bytes(codecs.BOM_UTF8 + "三明市".encode()).text
    '三明市'
    >>> mixed = decode_bytes("三明市\\n".encode() + "三明市\\n".encode("gbk"))
    >>> mixed.text, mixed.encoding, mixed.flags
    ('三明市\\n三明市\\n', 'utf-8+gb18030', ('mixed_encoding',))
    """
    reading = read_bytes(data, config)  # binary data already rejected
    text, flags = reading.text, []
    if reading.segments:
        flags.append(Flag.MIXED_ENCODING.value)
    elif config.repair_mojibake and may_be_mojibake(data, reading.encoding):
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
        segments=reading.segments,
    )
