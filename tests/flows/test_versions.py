"""The local dataset switches as a whole: versions under .versions/, one `.current` link,
fixed links that readers open; old versions are deleted, the layout before versions is
migrated."""

import os
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from flows import versions
from flows.storage import write_parquet_atomically

KINDS = ("documents", "manifest")


def write_version(folder: Path, label: str) -> Path:
    """A written-but-unpublished dataset: one part per kind, holding `label`."""
    for kind in KINDS:
        write_parquet_atomically(pa.table({"label": [label]}), folder / kind / "part-00000.parquet")
    return folder


def labels(output: Path) -> dict[str, list[str]]:
    return {kind: pq.read_table(output / kind)["label"].to_pylist() for kind in KINDS}


def publish(output: Path, label: str) -> None:
    versions.switch_to(output, write_version(output / ".staging" / label, label), label, KINDS)


def test_the_first_publish_makes_the_links_and_the_switch(tmp_path):
    publish(tmp_path, "run-1")
    assert os.readlink(tmp_path / versions.CURRENT) == ".versions/run-1"
    assert os.readlink(tmp_path / "documents") == ".current/documents"
    assert labels(tmp_path) == {"documents": ["run-1"], "manifest": ["run-1"]}
    assert not (tmp_path / ".staging" / "run-1").exists()  # moved, not copied


def test_the_replaced_version_is_kept_once_and_older_ones_are_deleted(tmp_path):
    publish(tmp_path, "run-1")
    publish(tmp_path, "run-2")
    assert sorted(p.name for p in (tmp_path / ".versions").iterdir()) == ["run-1", "run-2"]
    write_version(tmp_path / ".versions" / "killed-before-its-switch", "x")
    publish(tmp_path, "run-3")
    assert sorted(p.name for p in (tmp_path / ".versions").iterdir()) == ["run-2", "run-3"]
    assert labels(tmp_path) == {"documents": ["run-3"], "manifest": ["run-3"]}
    assert versions.current_version(tmp_path) == "run-3"


def test_pandas_and_duckdb_read_the_linked_folders(tmp_path):
    publish(tmp_path, "run-1")
    assert pd.read_parquet(tmp_path / "documents")["label"].tolist() == ["run-1"]
    pattern = str(tmp_path / "documents" / "*.parquet")
    assert duckdb.sql(f"SELECT label FROM '{pattern}'").fetchall() == [("run-1",)]


def test_an_output_of_the_layout_before_versions_is_migrated(tmp_path):
    write_version(tmp_path, "old")  # real folders documents/ and manifest/
    publish(tmp_path, "run-1")
    assert all((tmp_path / kind).is_symlink() for kind in KINDS)
    assert labels(tmp_path) == {"documents": ["run-1"], "manifest": ["run-1"]}
    assert not list(tmp_path.glob(".*.old-*"))


def test_roll_forward_finishes_a_migration_killed_after_the_switch(tmp_path):
    write_version(tmp_path, "old")
    new = write_version(tmp_path / ".versions" / "run-1", "run-1")
    os.symlink(f".versions/{new.name}", tmp_path / versions.CURRENT)  # killed right here
    versions.roll_forward(tmp_path, KINDS)
    assert labels(tmp_path) == {"documents": ["run-1"], "manifest": ["run-1"]}


def test_before_any_switch_there_is_nothing_to_roll_forward(tmp_path):
    write_version(tmp_path, "old")
    versions.roll_forward(tmp_path, KINDS)
    assert labels(tmp_path) == {"documents": ["old"], "manifest": ["old"]}
    assert versions.current_version(tmp_path) is None
