"""Incremental runs: which files need processing, from the manifest of the last publish.

A file is unchanged when the manifest holds its path with the same size, modification time
and configuration fingerprint; its rows are carried over as they are. Anything else (new,
changed, processed under another configuration, or all with `full_refresh`) is processed
again and replaces its previous rows.
"""

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from flows import staging
from flows.staging import RunLayout
from flows.storage import InputFile, read_parquet_folder


@dataclass(frozen=True)
class RunPlan:
    to_process: list[InputFile]
    unchanged_paths: list[str]
    previous_paths: frozenset[str]  # every source_path the published dataset holds
    retained_paths: list[str]  # published paths whose rows this run carries over
    previous_manifest: pa.Table
    config_fingerprint: str

    def manifest(self, processed: list[InputFile], layout: RunLayout, run_id: str) -> pa.Table:
        """The manifest after this run: carried-over rows plus one row per processed file
        that was read (an unreadable file stays out, so the next run tries it again)."""
        sha_by_path: dict[str, str] = {}
        for kind in ("prepared", staging.QUARANTINE):
            # two columns, not the staged texts: a 200 MB corpus's prepared table is ~400 MB
            table = read_parquet_folder(layout.staged(kind), columns=["source_path", "doc_id"])
            if table is not None:
                for path, doc_id in zip(
                    table["source_path"].to_pylist(), table["doc_id"].to_pylist(), strict=True
                ):
                    if doc_id:
                        sha_by_path[path] = doc_id
        rows = [
            {
                "source_path": file.relative_path,
                "size": file.size,
                "mtime_ns": file.mtime_ns,
                "sha256": sha_by_path[file.relative_path],
                "config_fingerprint": self.config_fingerprint,
                "run_id": run_id,
            }
            for file in processed
            if file.relative_path in sha_by_path
        ]
        kept = self.previous_manifest.filter(
            pc.is_in(
                self.previous_manifest["source_path"],
                value_set=pa.array(self.retained_paths, pa.string()),
            )
        )
        return pa.concat_tables([kept, pa.Table.from_pylist(rows, staging.MANIFEST_SCHEMA)])


def plan_run(
    files: list[InputFile], layout: RunLayout, fingerprint: str, full_refresh: bool
) -> RunPlan:
    previous = read_parquet_folder(layout.published(staging.MANIFEST), staging.MANIFEST_SCHEMA)
    if previous is None:
        previous = staging.MANIFEST_SCHEMA.empty_table()
    previous_paths = set(previous["source_path"].to_pylist())
    for kind in (staging.DOCUMENTS, staging.QUARANTINE):
        published = read_parquet_folder(layout.published(kind), columns=["source_path"])
        if published is not None:
            previous_paths |= set(published["source_path"].to_pylist())
    known = {
        row["source_path"]: (row["size"], row["mtime_ns"], row["config_fingerprint"])
        for row in previous.to_pylist()
    }
    unchanged, to_process = [], []
    for file in files:
        same = known.get(file.relative_path) == (file.size, file.mtime_ns, fingerprint)
        (unchanged if same and not full_refresh else to_process).append(file)
    processed_paths = {file.relative_path for file in to_process}
    retained = [] if full_refresh else sorted(previous_paths - processed_paths)
    return RunPlan(
        to_process=to_process,
        unchanged_paths=[file.relative_path for file in unchanged],
        previous_paths=frozenset(previous_paths),
        retained_paths=retained,
        previous_manifest=previous,
        config_fingerprint=fingerprint,
    )
