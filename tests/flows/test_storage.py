"""Finding input files and writing Parquet so that readers never see half a dataset."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flows.storage import (
    discover_files,
    replace_folder,
    statistics_columns,
    write_parquet_atomically,
)
from transforms.schema import DOCUMENT_SCHEMA, table_from_rows


def test_discovery_is_recursive_sorted_filtered_and_skips_hidden_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("二")
    (tmp_path / "1.txt").write_text("一")
    (tmp_path / "notes.md").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("x")
    found = discover_files(str(tmp_path), "**/*.txt")
    assert [file.relative_path for file in found] == ["1.txt", "b/2.txt"]
    assert found[0].size == 3


def test_a_single_file_is_an_input_too(tmp_path):
    (tmp_path / "page.txt").write_text("正文")
    assert [f.relative_path for f in discover_files(str(tmp_path / "page.txt"))] == ["page.txt"]


def test_atomic_write_leaves_no_temporary_file_and_keeps_metadata(tmp_path):
    path = write_parquet_atomically(pa.table({"a": [1]}), tmp_path / "t.parquet", {"run_id": "r1"})
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]
    assert pq.read_schema(path).metadata[b"qingxi.run_id"] == b'"r1"'


def test_statistics_are_written_for_every_column_but_the_page_texts(tmp_path):
    schema = pa.schema([field.with_nullable(True) for field in DOCUMENT_SCHEMA])
    rows = [{name: None for name in schema.names}]
    rows[0].update(text="正文", removed=[{"kind": "nav", "line": 1, "text": "首页"}])
    rows[0].update(flags=["truncated"])
    table = table_from_rows(rows, schema)
    written = pq.ParquetFile(write_parquet_atomically(table, tmp_path / "t.parquet"))
    group = written.metadata.row_group(0)
    paths = {group.column(i).path_in_schema: group.column(i) for i in range(group.num_columns)}
    assert set(statistics_columns(schema)) == set(paths) - {"text", "text_original"}
    assert not paths["text"].is_stats_set
    assert paths["flags.list.element"].statistics.max == "truncated"
    assert paths["removed.list.element.kind"].is_stats_set


def test_a_failed_write_keeps_the_previous_file(tmp_path, monkeypatch):
    path = write_parquet_atomically(pa.table({"a": [1]}), tmp_path / "t.parquet")

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", explode)
    with pytest.raises(OSError):
        write_parquet_atomically(pa.table({"a": [2]}), path)
    assert pq.read_table(path)["a"].to_pylist() == [1]
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]


def test_replace_folder_swaps_the_whole_dataset(tmp_path):
    old, new = tmp_path / "documents", tmp_path / "staged"
    old.mkdir()
    (old / "part-00000.parquet").write_text("old")
    (old / "part-00001.parquet").write_text("old")
    new.mkdir()
    (new / "part-00000.parquet").write_text("new")
    replace_folder(new, old)
    assert [p.read_text() for p in old.iterdir()] == ["new"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents"]
