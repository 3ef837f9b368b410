"""Corpus-wide pieces that both the local tasks (flows.tasks) and the Dask path (flows.cluster)
run, so that neither imports the other."""

import pyarrow as pa

from transforms import dedup
from transforms.config import PipelineConfig


def signatures_for(documents: pa.Table, config: PipelineConfig) -> pa.Table:
    """MinHash signatures of the bodies, keyed by source_path: the dedup stage needs a key
    unique per row, and doc_id (the raw bytes' hash) repeats when a file is copied."""
    frame = documents.select(["source_path", "published_date", "n_chars", "text"]).to_pandas()
    frame.insert(0, "doc_id", frame["source_path"])
    return dedup.signatures_to_arrow(dedup.signature_table(frame, config.dedup), config.dedup)
