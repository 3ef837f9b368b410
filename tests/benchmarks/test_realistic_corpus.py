"""The realistic benchmark corpus is what the README says it is: deterministic, its mix of
encodings and copies, pages whose paragraphs never repeat, the manifest outside raw/."""

import json
from collections import Counter

import pytest

from benchmarks.realistic_corpus import make_corpus, read_manifest


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return folder, make_corpus(folder, megabytes=3, seed=5)


def test_the_same_seed_writes_the_same_bytes(corpus, tmp_path):
    folder, _ = corpus
    make_corpus(tmp_path, megabytes=0.5, seed=5)
    again = {e["file"]: e for e in read_manifest(tmp_path)}
    for entry in read_manifest(folder)[: len(again) - 1]:  # the smaller corpus is a prefix
        assert again[entry["file"]] == entry
        data = (tmp_path / "raw" / entry["file"]).read_bytes()
        assert data == (folder / "raw" / entry["file"]).read_bytes()


def test_manifest_lists_every_page_and_stays_outside_raw(corpus):
    folder, stats = corpus
    entries = read_manifest(folder)
    files = sorted(
        p.relative_to(folder / "raw").as_posix() for p in (folder / "raw").rglob("*.txt")
    )
    assert sorted(e["file"] for e in entries) == files
    assert len(entries) == stats.documents
    assert not list((folder / "raw").rglob("*.jsonl"))
    assert sum(e["bytes"] for e in entries) == stats.bytes >= 3e6


def test_pages_decode_with_their_codec_and_the_mix_is_roughly_right(corpus):
    folder, stats = corpus
    entries = read_manifest(folder)
    for entry in entries:
        text = (folder / "raw" / entry["file"]).read_bytes().decode(entry["codec"])
        assert len(text) > 300
        if entry["codec"] == "utf-16":
            assert (folder / "raw" / entry["file"]).read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
        assert entry["traditional"] == (entry["codec"] == "big5")
    share = Counter(e["codec"] for e in entries)
    assert 0.6 < share["utf-8"] / len(entries) < 0.8
    assert share["gb18030"] and share["big5"] and share["utf-16"]
    assert stats.exact_copies and stats.near_copies


def test_exact_copies_are_byte_copies_and_paragraphs_never_repeat(corpus):
    folder, _ = corpus
    entries = read_manifest(folder)
    raw = folder / "raw"
    paragraphs = Counter()
    for entry in entries:
        data = (raw / entry["file"]).read_bytes()
        if entry["exact_of"]:
            assert data == (raw / entry["exact_of"]).read_bytes()
            continue
        if entry["near_of"]:
            assert data != (raw / entry["near_of"]).read_bytes()
            continue
        text = data.decode(entry["codec"])
        paragraphs.update(line.strip() for line in text.splitlines() if len(line) > 80)
    assert paragraphs and max(paragraphs.values()) == 1
    assert json.dumps(entries[0], ensure_ascii=False)
