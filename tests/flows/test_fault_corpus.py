"""The fault corpus (tests/fixtures/faults/, made by tools/make_fault_corpus.py) beside the
seeds: every file ends as a document or a quarantine row with a reason, the seeds' rows are
those of a run over the seeds alone, and nothing crashes or hangs."""

import importlib.util
import shutil
import signal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from flows.normalize import normalize
from tests.conftest import RAW, REPO

FAULTS = REPO / "tests" / "fixtures" / "faults"
HUGE_LINE_BYTES = 4_000_000  # a 60 MB line is the memory benchmark's job, not CI's
SHORT_LINES = 200_000  # the two million would cost CI minutes; the shape is the same


def load_generator():
    spec = importlib.util.spec_from_file_location(
        "make_fault_corpus", REPO / "tools" / "make_fault_corpus.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generator = load_generator()


def test_the_committed_corpus_is_what_the_script_writes(tmp_path):
    generator.write_fault_corpus(tmp_path)
    expected = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    committed = {path.name: path.read_bytes() for path in FAULTS.iterdir()}
    assert committed == expected


@pytest.fixture(scope="module")
def runs(tmp_path_factory, prefect_harness):
    def interrupt(signum, frame):
        raise TimeoutError("the run over the fault corpus hung")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(240)
    try:
        raw = tmp_path_factory.mktemp("faulty")
        for path in [*FAULTS.iterdir(), *RAW.iterdir()]:
            shutil.copy(path, raw / path.name)
        generator.make_runtime_faults(raw, HUGE_LINE_BYTES, SHORT_LINES)
        faulty_output = tmp_path_factory.mktemp("faulty_clean")
        summary = normalize(input_path=str(raw), output_path=str(faulty_output), workers=1)
        seeds_output = tmp_path_factory.mktemp("seeds_clean")
        normalize(input_path=str(RAW), output_path=str(seeds_output), workers=1)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return raw, faulty_output, seeds_output, summary


def rows(output: Path, kind: str) -> dict[str, dict]:
    return {row["source_path"]: row for row in pq.read_table(output / kind).to_pylist()}


def test_every_file_is_a_document_or_a_quarantine_row_with_a_reason(runs):
    raw, output, _, summary = runs
    documents, quarantined = rows(output, "documents"), rows(output, "quarantine")
    expected = {path.name for path in raw.iterdir() if path.name != "x.txt"}
    assert set(documents) | set(quarantined) == expected
    assert not set(documents) & set(quarantined)
    assert all(row["error_kind"] and row["message"] for row in quarantined.values())
    assert summary["failed_batches"] == []
    assert {quarantined[name]["error_kind"] for name in ("loop_a.txt", "loop_b.txt")} == {
        "symlink_loop"
    }
    assert quarantined["dangling.txt"]["error_kind"] == "dangling_link"
    assert quarantined["pipe.txt"]["error_kind"] == "fifo"
    assert quarantined["binary.bin"]["error_kind"] == "not_text"
    assert quarantined["empty.txt"]["error_kind"] == "empty"


def test_readable_faults_become_documents(runs):
    _, output, _, _ = runs
    documents = rows(output, "documents")
    for name in ("crlf.txt", "name with spaces.txt", "中文名称.txt", "emoji_📰.txt"):
        assert "市" in documents[name]["text"], name
    assert "市政府" in documents["huge_single_line.txt"]["text"]
    assert "第199999行" in documents["many_short_lines.txt"]["text"]


def test_the_seeds_rows_equal_a_run_over_the_seeds_alone(runs):
    _, faulty, seeds, _ = runs
    alone, beside = rows(seeds, "documents"), rows(faulty, "documents")
    for name, row in alone.items():
        for column in ("doc_id", "encoding", "text", "removed", "flags", "is_duplicate"):
            assert beside[name][column] == row[column], (name, column)


def test_mixed_codec_and_legacy_alphabetic_faults_decode_exactly(runs):
    """mixed_encodings.txt (UTF-8, GBK, Big5 lines) and the UTF-8 mark before GBK text are
    documents flagged mixed_encoding, their Big5 line converted; the Latin legacy files are
    read with the codec their words agree with, not as Greek."""
    _, output, _, _ = runs
    documents = rows(output, "documents")
    mixed = documents["mixed_encodings.txt"]
    assert mixed["encoding"] == "utf-8+gb18030+cp950"
    assert mixed["flags"][:1] == ["mixed_encoding"] and "converted" in mixed["flags"]
    assert mixed["script"] == "mixed"
    chinese, traditional = generator.CHINESE, generator.TRADITIONAL
    assert mixed["text_original"] == f"{chinese}\n{chinese}\n{traditional}\n"
    assert "记者从市统计局获悉" in mixed["text"]
    bom = documents["utf8_bom_then_gbk.txt"]
    assert (bom["encoding"], bom["flags"][:1]) == ("utf-8-sig+gb18030", ["mixed_encoding"])
    assert bom["text_original"] == f"{chinese}\n" * 3
    latin = {
        "latin1_french.txt": ("iso8859-1", generator.FRENCH * 3),
        "cp1252_german.txt": ("cp1252", ("„" + generator.GERMAN.strip() + "“ – 5 €\n") * 3),
        "cp1252_spanish.txt": ("iso8859-1", generator.SPANISH * 3),
    }
    for name, (encoding, text) in latin.items():
        assert (documents[name]["encoding"], documents[name]["text_original"]) == (encoding, text)
        assert "mixed_encoding" not in documents[name]["flags"], name
