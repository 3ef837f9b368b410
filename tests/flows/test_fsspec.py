"""Input and output as fsspec URLs, end to end, on fsspec's in-memory filesystem.

`memory://` is an object store in miniature: no folders, no rename, one process (so one
worker). A dataset folder there is switched by its `_current.json` pointer, not by rename.
"""

import json

import fsspec
import pyarrow.parquet as pq
import pytest

from flows.normalize import normalize, read_documents
from flows.storage import location, replace_folder
from tests.conftest import RAW
from transforms.schema import DOCUMENT_SCHEMA

SAME_COLUMNS = [name for name in DOCUMENT_SCHEMA.names if name not in ("run_id", "processed_at")]
BUCKET = "memory://qingxi-test"


@pytest.fixture(scope="module")
def memory():
    filesystem = fsspec.filesystem("memory")
    for path in sorted(RAW.iterdir()):
        filesystem.pipe(f"/qingxi-test/raw/{path.name}", path.read_bytes())
    copied = (RAW / "003_de09101387fcaee4.txt").read_bytes()
    filesystem.pipe("/qingxi-test/raw/copies/003_copy.txt", copied)
    yield filesystem
    filesystem.rm("/qingxi-test", recursive=True)


@pytest.fixture(scope="module")
def first_run(memory, prefect_harness):
    return normalize(input_path=f"{BUCKET}/raw", output_path=f"{BUCKET}/clean", workers=1)


def test_a_run_reads_and_writes_memory_urls_like_local_paths(
    memory, first_run, tmp_path, prefect_harness
):
    local_raw = tmp_path / "raw"
    memory.get("/qingxi-test/raw", str(local_raw), recursive=True)
    normalize(input_path=str(local_raw), output_path=str(tmp_path / "clean"), workers=1)

    in_memory = read_documents(f"{BUCKET}/clean").select(SAME_COLUMNS).sort_by("source_path")
    on_disk = pq.read_table(tmp_path / "clean" / "documents").select(SAME_COLUMNS)
    assert in_memory.num_rows == 6 and first_run["counts"]["duplicates"] == 1
    assert in_memory.equals(on_disk.sort_by("source_path"))
    assert memory.isfile(f"/qingxi-test/clean/runs/{first_run['run_id']}.json")
    assert not memory.exists(f"/qingxi-test/clean/.staging/{first_run['run_id']}")


def test_a_second_run_over_memory_skips_unchanged_files_and_keeps_one_dataset(
    memory, first_run, prefect_harness
):
    memory.pipe(
        "/qingxi-test/raw/new.txt", "标题\n这是一段新的正文内容，用来检验增量运行。".encode()
    )
    summary = normalize(input_path=f"{BUCKET}/raw", output_path=f"{BUCKET}/clean", workers=1)
    assert summary["counts"]["files_unchanged"] == 6
    assert summary["counts"]["files_processed"] == 1
    assert read_documents(f"{BUCKET}/clean").num_rows == 7
    pointer = json.loads(memory.cat_file("/qingxi-test/clean/documents/_current.json"))
    listed = memory.glob("/qingxi-test/clean/documents/*.parquet")
    assert sorted(path.rsplit("/", 1)[1] for path in listed) == sorted(pointer["parts"])


def test_an_object_store_folder_switches_by_its_pointer(memory):
    target, staged = location(f"{BUCKET}/swap/data"), location(f"{BUCKET}/swap/staged")
    memory.pipe("/qingxi-test/swap/data/part-00000.parquet", b"old")
    memory.pipe("/qingxi-test/swap/staged/part-00000.parquet", b"new")
    replace_folder(staged, target)
    pointer = json.loads(memory.cat_file("/qingxi-test/swap/data/_current.json"))
    [name] = pointer["parts"]
    assert memory.cat_file(f"/qingxi-test/swap/data/{name}") == b"new"
    assert memory.glob("/qingxi-test/swap/data/*.parquet") == [f"/qingxi-test/swap/data/{name}"]
    assert not memory.exists("/qingxi-test/swap/staged")
