"""flows.publish: the new dataset's folders are written from the kept published rows and the
run's staged rows, in that order, several streams at once."""

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq

from flows import staging
from flows.publish import carried_and_new, write_parts
from flows.staging import RunLayout
from flows.storage import location, parquet_files


def key_rows(*paths: str) -> pa.Table:
    rows = [{"doc_id": path, "source_path": path, "key_hash": 1} for path in paths]
    return pa.Table.from_pylist(rows, schema=staging.LINE_KEY_SCHEMA)


def test_streams_cover_the_kept_rows_then_the_staged_ones_in_order(tmp_path):
    layout = RunLayout(tmp_path, "run")
    published, staged = layout.published(staging.LINE_KEYS), layout.staged(staging.LINE_KEYS)
    for folder, parts in ((published, [("a", "b"), ("c",)]), (staged, [("d",), ("e", "f")])):
        folder.mkdir(parents=True)
        for number, paths in enumerate(parts):
            pq.write_table(key_rows(*paths), folder / f"part-{number:05d}.parquet")
    kept = pa.array(["a", "c"])
    streams = carried_and_new(layout, staging.LINE_KEYS, staging.LINE_KEYS, kept, streams=2)
    paths = [
        [p for table in stream for p in table["source_path"].to_pylist()] for stream in streams
    ]
    assert paths == [["a", "c"], ["d", "e", "f"]]  # b was not kept
    (one,) = carried_and_new(layout, staging.LINE_KEYS, staging.LINE_KEYS, kept)
    assert [p for table in one for p in table["source_path"].to_pylist()] == [
        "a",
        "c",
        "d",
        "e",
        "f",
    ]


def test_a_folder_with_nothing_to_read_is_one_empty_stream(tmp_path):
    layout = RunLayout(tmp_path, "run")
    streams = carried_and_new(layout, staging.QUARANTINE, staging.QUARANTINE, pa.array([]), 2)
    assert [list(stream) for stream in streams] == [[]]


def test_each_stream_names_its_parts_after_its_number_so_name_order_is_row_order(tmp_path):
    folder = tmp_path / "documents"
    write_parts(iter([key_rows("d")]), folder, staging.LINE_KEY_SCHEMA, {}, "part-1-")
    first = iter([key_rows("a"), key_rows("b")])
    write_parts(first, folder, staging.LINE_KEY_SCHEMA, {}, "part-0-")
    names = [file.name for file in parquet_files(folder)]
    assert names == ["part-0-00000.parquet", "part-1-00000.parquet"]
    assert pq.read_table(folder)["source_path"].to_pylist() == ["a", "b", "d"]


def test_part_files_on_an_object_store_are_listed_in_name_order():
    memory = fsspec.filesystem("memory")
    for name in ("part-1-00000.parquet", "part-0-00000.parquet", "part-0-00001.parquet"):
        memory.pipe(f"/qingxi-test/parts/{name}", b"")
    folder = location("memory://qingxi-test/parts")
    names = [file.name for file in parquet_files(folder)]
    assert names == ["part-0-00000.parquet", "part-0-00001.parquet", "part-1-00000.parquet"]
    memory.rm("/qingxi-test/parts", recursive=True)
