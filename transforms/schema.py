"""The Parquet contract: the one place that says which columns qingxi writes, their types and
what they mean. Writers build tables with these schemas and never let pyarrow infer one, so a
`None` or a missing key in a late batch fails loudly at the row, not silently in the file.

Every field carries a `description` in its Arrow field metadata; `data_dictionary()` renders
them for the README.
"""

from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa

CHINA_TIME_ZONE = "Asia/Shanghai"

REMOVED_SEGMENT_TYPE = pa.struct(
    [
        pa.field("kind", pa.string(), nullable=False),
        pa.field("line", pa.int32(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
    ]
)


def list_of(item_type: pa.DataType) -> pa.ListType:
    # Parquet names list items "element"; naming them so here makes a round trip exact.
    return pa.list_(pa.field("element", item_type))


def _field(name: str, type_: pa.DataType, description: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"description": description})


DOCUMENT_SCHEMA = pa.schema(
    [
        _field("doc_id", pa.string(), "sha256 hex digest of the raw file's bytes", False),
        _field("source_path", pa.string(), "path of the raw file relative to --input", False),
        _field("source_bytes", pa.int64(), "size of the raw file in bytes", False),
        _field(
            "encoding",
            pa.string(),
            "codec the bytes were decoded with (Python's name); for a file in mixed codecs, "
            "its segments' codecs joined by + (utf-8+gb18030+cp950)",
            False,
        ),
        _field("encoding_confidence", pa.float32(), "0..1 confidence in that codec", False),
        _field(
            "decode_errors", pa.int32(), "invalid bytes replaced by U+FFFD while decoding", False
        ),
        _field(
            "lost_chars", pa.int32(), "characters lost before we got the file (?, U+FFFD)", False
        ),
        _field(
            "script",
            pa.string(),
            "script of the raw text: simplified, traditional, mixed or none",
            False,
        ),
        _field(
            "converted_chars", pa.int32(), "characters changed by Traditional→Simplified", False
        ),
        _field(
            "punctuation_widened",
            pa.int32(),
            "half-width , : ; ( ) ? ! next to Han characters made full-width",
            False,
        ),
        _field(
            "entities_decoded",
            pa.int32(),
            "HTML character references (&#NNNN;, &#xHHHH;, &nbsp; …) turned into characters",
            False,
        ),
        _field("title", pa.string(), "headline, null when the page has none"),
        _field("subtitle", pa.string(), "sub-headline, null when the page has none"),
        _field("source", pa.string(), "publisher named by the page (来源), null if not stated"),
        _field(
            "author",
            pa.string(),
            "writer(s) the article's byline, lead or first post's header names, space-separated;"
            " null if none",
        ),
        _field(
            "published_date",
            pa.date32(),
            "publication date stated in the article's head (China time)",
        ),
        _field(
            "published_at",
            pa.timestamp("ms", tz=CHINA_TIME_ZONE),
            "publication time, only where the page gives a time of day",
        ),
        _field("continuation", pa.string(), "continuation marker such as 上接1版, if any"),
        _field(
            "text",
            pa.large_string(),
            "clean body in Simplified Chinese, one paragraph per line",
            False,
        ),
        _field(
            "text_original",
            pa.large_string(),
            "the whole page (every line) as decoded, before Traditional→Simplified",
        ),
        _field(
            "removed",
            list_of(REMOVED_SEGMENT_TYPE),
            "every non-blank raw line kept out of text: {kind, line (1-based), text}; kind comment"
            " or related for prose outside the article region (a reader's post, teasers)",
            False,
        ),
        _field(
            "flags",
            list_of(pa.string()),
            "quality flags (lossy_encoding, truncated, suspicious_date…)",
            False,
        ),
        _field(
            "is_duplicate", pa.bool_(), "true when another document is kept for this story", False
        ),
        _field("duplicate_of", pa.string(), "doc_id of the kept member of this document's cluster"),
        _field(
            "dup_cluster", pa.string(), "cluster id (the kept member's doc_id) shared by copies"
        ),
        _field("n_chars", pa.int32(), "characters in text, line breaks excluded", False),
        _field("n_paragraphs", pa.int32(), "paragraphs in text", False),
        _field("pipeline_version", pa.string(), "qingxi version that wrote the row", False),
        _field(
            "config_fingerprint", pa.string(), "hash of the configuration that made the row", False
        ),
        _field("run_id", pa.string(), "Prefect flow run that wrote the row", False),
        _field("processed_at", pa.timestamp("us", tz="UTC"), "when the row was made", False),
    ]
)

QUARANTINE_SCHEMA = pa.schema(
    [
        _field("source_path", pa.string(), "path of the raw file relative to --input", False),
        _field("doc_id", pa.string(), "sha256 of the raw bytes; null when unreadable"),
        _field(
            "error_kind",
            pa.string(),
            "not_text, empty, unreadable, processing_error; never opened: fifo, special_file"
            " (socket, device), symlink_loop, dangling_link",
            False,
        ),
        _field("message", pa.string(), "one line saying what went wrong", False),
        _field("source_bytes", pa.int64(), "size of the raw file in bytes, if known"),
        _field("run_id", pa.string(), "Prefect flow run that quarantined the file", False),
        _field("processed_at", pa.timestamp("us", tz="UTC"), "when it was quarantined", False),
    ]
)


def table_from_rows(rows: Iterable[Mapping[str, Any]], schema: pa.Schema) -> pa.Table:
    """Build a table with exactly `schema`; a missing or extra key is an error, never inferred.

    >>> table_from_rows([], QUARANTINE_SCHEMA).num_rows
    0
    """
    rows = list(rows)
    names = set(schema.names)
    for row in rows:
        if set(row) != names:
            missing, extra = names - set(row), set(row) - names
            raise ValueError(f"row does not match schema: missing {missing}, extra {extra}")
    return pa.Table.from_pylist(rows, schema=schema)


def data_dictionary(schema: pa.Schema = DOCUMENT_SCHEMA) -> str:
    """The schema as a markdown table: column, type, meaning."""
    lines = ["| column | type | meaning |", "| --- | --- | --- |"]
    for schema_field in schema:
        description = (schema_field.metadata or {}).get(b"description", b"").decode()
        lines.append(f"| `{schema_field.name}` | `{schema_field.type}` | {description} |")
    return "\n".join(lines)
