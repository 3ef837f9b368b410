"""Decoding stage: raw bytes -> clean text, never silently mangling a byte.

    decode_bytes(data, DecodingConfig) -> DecodedText   # codec, confidence, flags, losses
    decode_character_references(text) -> (text, count) # &#NNNN; &nbsp; … -> characters
    clean_text(text, HygieneConfig) -> CleanText        # NFC, spaces, line ends, punctuation

`decode_bytes` raises `transforms.records.UndecodableError` (not_text, empty) for bytes that are
not text. Modules: codec_detection (BOM, strict UTF-8, UTF-16/32, GB/Big5 by common-Han share,
chardet for the rest), line_runs (files whose lines are in different Chinese codecs, flag
`mixed_encoding`), alphabets (the language check on single-byte legacy codecs), mojibake
(repair with ftfy), loss_markers (U+FFFD and '?' for lost Han), hygiene; tables in data/.
"""

from transforms.decoding.codec_detection import DecodingConfig
from transforms.decoding.decode import DecodedText, decode_bytes
from transforms.decoding.entities import decode_character_references
from transforms.decoding.hygiene import CleanText, HygieneConfig, clean_text

__all__ = [
    "CleanText",
    "DecodedText",
    "DecodingConfig",
    "HygieneConfig",
    "clean_text",
    "decode_bytes",
    "decode_character_references",
]
