"""The record that flows through the stages, and the two pure steps that move it.

raw bytes --prepare_document--> PreparedDocument (decoded, clean, Simplified text)
          --finish_document---> output row (body, removed lines, metadata, flags)

The split is where cross-document evidence comes in: the flow counts recurring line keys
over every prepared document of the run before any document is finished, so that
classification is deterministic and independent of batch order.
"""

import datetime
import hashlib
from collections.abc import Container, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from transforms import PIPELINE_VERSION
from transforms.config import PipelineConfig
from transforms.decoding import clean_text, decode_bytes, decode_character_references
from transforms.records import Flag, UndecodableError
from transforms.script import SimplifiedConverter
from transforms.structure import document_line_keys, extract_structure


@dataclass(frozen=True)
class RawDocument:
    source_path: str  # relative to the run's input root, '/'-separated
    data: bytes

    @property
    def doc_id(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class QuarantinedDocument:
    source_path: str
    doc_id: str | None
    error_kind: str
    message: str
    source_bytes: int | None


@dataclass(frozen=True)
class PreparedDocument:
    """A decoded page in clean Simplified Chinese, line for line with the raw file."""

    doc_id: str
    source_path: str
    source_bytes: int
    encoding: str
    encoding_confidence: float
    decode_errors: int
    lost_chars: int
    flags: tuple[str, ...]
    script: str
    converted_chars: int
    punctuation_widened: int
    entities_decoded: int
    text: str
    # the whole page before conversion, for every page: `qingxi explain` shows each raw line
    text_original: str

    def line_keys(self) -> set[str]:
        return document_line_keys(self.text)


def prepare_document(
    raw: RawDocument, config: PipelineConfig, converter: SimplifiedConverter
) -> PreparedDocument | QuarantinedDocument:
    """Decode, clean and convert one raw file; undecodable input becomes a quarantine record."""
    try:
        decoded = decode_bytes(raw.data, config.decoding)
    except UndecodableError as error:
        return QuarantinedDocument(
            raw.source_path, raw.doc_id, error.error_kind, error.message, len(raw.data)
        )
    # before hygiene, so that a decoded &nbsp; is cleaned like any other space
    text, entities_decoded = decode_character_references(decoded.text)
    cleaned = clean_text(text, config.hygiene)
    conversion = converter.convert(cleaned.text)
    converted = conversion.converted_chars > 0
    flags = decoded.flags + ((Flag.CONVERTED.value,) if converted else ())
    return PreparedDocument(
        doc_id=raw.doc_id,
        source_path=raw.source_path,
        source_bytes=len(raw.data),
        encoding=decoded.encoding,
        encoding_confidence=decoded.confidence,
        decode_errors=decoded.decode_errors,
        lost_chars=decoded.lost_chars,
        flags=flags,
        script=conversion.script,
        converted_chars=conversion.converted_chars,
        punctuation_widened=cleaned.punctuation_widened,
        entities_decoded=entities_decoded,
        text=conversion.text,
        text_original=cleaned.text,
    )


def finish_document(
    prepared: PreparedDocument,
    config: PipelineConfig,
    recurring_keys: Container[Hashable],
    today: datetime.date | None = None,
    line_keys: Sequence[Hashable] | None = None,
) -> dict[str, Any]:
    """Split a prepared page into body, removed lines and metadata: the row, less the
    corpus-level (duplicate) and run-level (run id, time) columns the flow adds. `today` is the
    day a publication date may not be later than (the flow passes its run's day, China time;
    an argument, not configuration, so that the config fingerprint stays the same each day).
    `line_keys`: each raw line's key as `recurring_keys` holds them, if already worked out."""
    structured = extract_structure(
        prepared.text, config.structure, recurring_keys, today, line_keys
    )
    metadata = structured.metadata
    text = "\n".join(structured.paragraphs)
    flags = list(dict.fromkeys(prepared.flags + structured.flags))
    if not structured.paragraphs:
        flags.append(Flag.EMPTY_BODY.value)
    return {
        "doc_id": prepared.doc_id,
        "source_path": prepared.source_path,
        "source_bytes": prepared.source_bytes,
        "encoding": prepared.encoding,
        "encoding_confidence": prepared.encoding_confidence,
        "decode_errors": prepared.decode_errors,
        "lost_chars": prepared.lost_chars,
        "script": prepared.script,
        "converted_chars": prepared.converted_chars,
        "punctuation_widened": prepared.punctuation_widened,
        "entities_decoded": prepared.entities_decoded,
        "title": metadata.title,
        "subtitle": metadata.subtitle,
        "source": metadata.source,
        "author": metadata.author,
        "published_date": metadata.published_date,
        "published_at": metadata.published_at,
        "continuation": metadata.continuation,
        "text": text,
        "text_original": prepared.text_original,
        "removed": [
            {"kind": kind, "line": line, "text": text} for kind, line, text in structured.removed
        ],
        "flags": flags,
        "n_chars": len(text) - text.count("\n"),
        "n_paragraphs": len(structured.paragraphs),
        "pipeline_version": PIPELINE_VERSION,
        "config_fingerprint": config.fingerprint(),
    }
