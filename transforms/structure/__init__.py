"""Structure stage: classify every line of a page, keep the article, extract its metadata.

    extract_structure(text, StructureConfig, recurring=..., line_keys=...) -> StructuredDocument
    document_line_keys(text) -> set[str]     # cross-document evidence, counted before classifying
    line_keys_by_line(text) -> list[str]     # the same keys line by line, for extract_structure
    line_key_hash(key) -> int                # a key as the run stores and counts it
    recurring_hashes(hashes, k)              # the hashed keys of at least k documents
    line_key(line) -> str                    # cc_net's normalized line key

Modules: lines (line shapes and the pattern rules of data/lines.toml), page, captions, headings
(the article's head) and titles (its title: candidates scored on data/titles.toml),
furniture, paragraphs (page-break joins, splits), duplicates (within-page copies), metadata and
dates (data/metadata.toml, data/job_titles.tsv), boilerplate (cross-document recurrence),
extract (the stage's order of steps).
"""

from transforms.structure.boilerplate import (
    document_line_keys,
    line_key,
    line_key_hash,
    line_keys_by_line,
    recurring_hashes,
)
from transforms.structure.extract import StructureConfig, StructuredDocument, extract_structure
from transforms.structure.metadata import CHINA_TIME, Metadata

__all__ = [
    "CHINA_TIME",
    "Metadata",
    "StructureConfig",
    "StructuredDocument",
    "document_line_keys",
    "extract_structure",
    "line_key",
    "line_key_hash",
    "line_keys_by_line",
    "recurring_hashes",
]
