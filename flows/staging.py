"""The layout of a run's staging area and of the published dataset.

A run writes everything under `<output>/.staging/<run_id>/` first; only the publish step
touches the dataset folders, by switching to fully written folders (`flows.versions`).
`published(kind)` is what readers open: on the local filesystem a link into the current
version.
"""

from dataclasses import dataclass

import pyarrow as pa

from flows.storage import Where

# Folders of the published dataset under --output.
DOCUMENTS = "documents"
QUARANTINE = "quarantine"
SIGNATURES = "signatures"
LINE_KEYS = "line_keys"
MANIFEST = "manifest"
RUNS = "runs"
# The folders a publish switches together (runs/ holds one report file per run, apart).
KINDS = (DOCUMENTS, QUARANTINE, LINE_KEYS, SIGNATURES, MANIFEST)

PREPARED_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("source_path", pa.string()),
        ("source_bytes", pa.int64()),
        ("encoding", pa.string()),
        ("encoding_confidence", pa.float32()),
        ("decode_errors", pa.int32()),
        ("lost_chars", pa.int32()),
        ("flags", pa.list_(pa.string())),
        ("script", pa.string()),
        ("converted_chars", pa.int32()),
        ("punctuation_widened", pa.int32()),
        ("entities_decoded", pa.int32()),
        ("text", pa.large_string()),
        ("text_original", pa.large_string()),
        # each raw line's key hash, 0 where a line has none: worked out once, when the keys
        # are counted, and read by the structure stage
        ("line_key_hashes", pa.list_(pa.uint64())),
    ]
)

LINE_KEY_SCHEMA = pa.schema(
    [("doc_id", pa.string()), ("source_path", pa.string()), ("key_hash", pa.uint64())]
)

MANIFEST_SCHEMA = pa.schema(
    [
        ("source_path", pa.string()),
        ("size", pa.int64()),
        ("mtime_ns", pa.int64()),
        ("sha256", pa.string()),
        ("config_fingerprint", pa.string()),
        ("run_id", pa.string()),
    ]
)


@dataclass(frozen=True)
class RunLayout:
    output: Where  # a local Path or a Location (fsspec URL)
    run_id: str

    @property
    def staging(self) -> Where:
        return self.output / ".staging" / self.run_id

    def batch_file(self, kind: str, batch_index: int) -> Where:
        return self.staging / kind / f"batch-{batch_index:05d}.parquet"

    def staged(self, kind: str) -> Where:
        return self.staging / kind

    def published(self, kind: str) -> Where:
        return self.output / kind

    @property
    def next_version(self) -> Where:
        """Where publish writes the new dataset's folders before it switches to them."""
        return self.staging / "publish"

    def next_published(self, kind: str) -> Where:
        return self.next_version / kind

    @property
    def recurring_keys_file(self) -> Where:
        return self.staging / "recurring_keys.parquet"

    @property
    def assignments_file(self) -> Where:
        return self.staging / "assignments.parquet"

    @property
    def run_report_file(self) -> Where:
        return self.output / RUNS / f"{self.run_id}.json"

    @property
    def run_page_file(self) -> Where:
        return self.output / RUNS / f"{self.run_id}.html"
