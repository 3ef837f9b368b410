"""The `normalize` flow end to end, in Prefect's test harness, over copies of data/raw."""

import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from flows.normalize import normalize
from tests.conftest import RAW, REPO
from transforms.evaluation.scoring import comparable
from transforms.schema import DOCUMENT_SCHEMA, QUARANTINE_SCHEMA
from transforms.script.conversion import detect_script

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)) * 4


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The five seeds, an exact copy of one of them, and a binary file."""
    folder = tmp_path_factory.mktemp("raw")
    for path in RAW.iterdir():
        shutil.copy(path, folder / path.name)
    (folder / "copies").mkdir()
    shutil.copy(RAW / "003_de09101387fcaee4.txt", folder / "copies" / "003_copy.txt")
    (folder / "image.png").write_bytes(PNG_HEADER)
    return folder


@pytest.fixture(scope="module")
def first_run(corpus, tmp_path_factory, prefect_harness):
    output = tmp_path_factory.mktemp("clean")
    summary = normalize(input_path=str(corpus), output_path=str(output), workers=1)
    return output, summary


def documents(output: Path):
    return pq.read_table(output / "documents").to_pandas().set_index("source_path")


def test_every_text_file_becomes_one_row_with_the_contract_schema(first_run):
    output, summary = first_run
    table = pq.read_table(output / "documents")
    assert table.num_rows == 6
    assert table.schema.remove_metadata().equals(DOCUMENT_SCHEMA.remove_metadata())
    assert summary["counts"]["documents_written"] == 6


def test_every_field_is_described_and_files_carry_run_metadata(first_run):
    output, summary = first_run
    part = next((output / "documents").glob("*.parquet"))
    schema = pq.read_schema(part)
    assert all(field.metadata and field.metadata.get(b"description") for field in schema)
    keys = set(schema.metadata)
    assert {b"qingxi.pipeline_version", b"qingxi.run_id", b"qingxi.config"} <= keys
    assert {b"qingxi.created_at", b"qingxi.counts"} <= keys
    assert schema.metadata[b"qingxi.run_id"].decode().strip('"') == summary["run_id"]


def test_binary_file_is_quarantined_with_its_reason_and_the_run_goes_on(first_run):
    output, summary = first_run
    quarantine = pq.read_table(output / "quarantine")
    assert quarantine.schema.remove_metadata().equals(QUARANTINE_SCHEMA.remove_metadata())
    rows = quarantine.to_pylist()
    assert [row["source_path"] for row in rows] == ["image.png"]
    assert rows[0]["error_kind"] == "not_text"
    assert rows[0]["message"]
    assert summary["counts"]["quarantined"] == 1


def test_traditional_page_is_converted_and_keeps_its_original(first_run):
    row = documents(first_run[0]).loc["001_45dff95fb4eadf66.txt"]
    assert row["script"] == "traditional"
    assert detect_script(row["text"]).traditional_only == 0
    assert row["converted_chars"] > 600
    assert "三明市地處福建西部" in row["text_original"]


def test_simplified_pages_are_not_converted(first_run, corpus):
    frame = documents(first_run[0])
    simplified = frame[frame.index != "001_45dff95fb4eadf66.txt"]
    assert set(simplified["script"]) == {"simplified"}
    assert (simplified["converted_chars"] == 0).all()
    # text_original is the page line for line, converted or not (what `qingxi explain` shows)
    for source_path, row in simplified.iterrows():
        raw = (corpus / source_path).read_text(encoding="utf-8")
        assert len(row["text_original"].split("\n")) == len(raw.split("\n"))


def test_a_body_printed_twice_in_one_page_is_kept_once(first_run):
    text = documents(first_run[0]).loc["002_75079be61b51ed11.txt", "text"]
    assert text.count("什么是幸福") == 1
    assert text.count("全国文明城市") == 1


def test_every_nonblank_raw_line_is_in_text_or_removed(first_run, corpus):
    frame = documents(first_run[0])
    for source_path, row in frame.iterrows():
        raw_lines = (corpus / source_path).read_text(encoding="utf-8").split("\n")
        removed_lines = {segment["line"] for segment in row["removed"]}
        body = comparable(row["text"])
        for number, line in enumerate(raw_lines, start=1):
            if not line.strip() or number in removed_lines:
                continue
            # body lines may be split into paragraphs or joined across page breaks
            fragments = [part for part in line.split() if len(part) > 8]
            found = all(comparable(f)[:8] in body for f in fragments)
            assert found or row["script"] == "traditional", (
                f"{source_path}:{number} is neither in text nor in removed"
            )


def test_an_exact_copy_is_marked_duplicate_of_the_kept_page(first_run):
    frame = documents(first_run[0])
    original = frame.loc["003_de09101387fcaee4.txt"]
    copy = frame.loc["copies/003_copy.txt"]
    assert copy["is_duplicate"] and not original["is_duplicate"]
    assert copy["duplicate_of"] == original["doc_id"]
    assert copy["dup_cluster"] == original["dup_cluster"]
    assert frame["is_duplicate"].sum() == 1


def test_run_report_is_written_beside_the_output(first_run):
    output, summary = first_run
    report = output / "runs" / f"{summary['run_id']}.json"
    assert report.is_file()
    assert '"quarantined": 1' in report.read_text()


def test_rerun_replaces_rows_instead_of_adding_them(corpus, tmp_path, prefect_harness):
    normalize(input_path=str(corpus), output_path=str(tmp_path), workers=1)
    before = pq.read_table(tmp_path / "documents").sort_by("source_path")
    summary = normalize(
        input_path=str(corpus), output_path=str(tmp_path), workers=1, full_refresh=True
    )
    after = pq.read_table(tmp_path / "documents").sort_by("source_path")
    assert after.num_rows == before.num_rows == 6
    assert summary["counts"]["files_processed"] == 7
    same_columns = [n for n in DOCUMENT_SCHEMA.names if n not in ("run_id", "processed_at")]
    assert after.select(same_columns).equals(before.select(same_columns))
    assert pq.read_table(tmp_path / "quarantine").num_rows == 1


def test_cli_rejects_a_missing_input_with_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "flows.normalize", "--input", str(tmp_path / "nowhere")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"qingxi: error: input path does not exist: {tmp_path / 'nowhere'}"
    ]


def test_cli_help_documents_the_options():
    result = subprocess.run(
        [sys.executable, "-m", "flows.normalize", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    for option in ("--input", "--glob", "--output", "--workers", "--verbose", "--opencc-config"):
        assert option in result.stdout
