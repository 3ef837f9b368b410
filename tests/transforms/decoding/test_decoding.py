"""Decoding: which codec, what text, and what was lost — on the raw seeds in many encodings."""

import codecs
import doctest
import random
from pathlib import Path

import pytest

import transforms.decoding.alphabets
import transforms.decoding.codec_detection
import transforms.decoding.common_han
import transforms.decoding.decode
import transforms.decoding.line_runs
import transforms.decoding.loss_markers
import transforms.decoding.mojibake
from benchmarks.encoding_matrix import (
    BIG5_WRITERS,
    GB_WRITERS,
    UNICODE_WRITERS,
    cut,
    hard_cases,
    to_big5_text,
    writer,
)
from transforms.decoding.codec_detection import DecodingConfig
from transforms.decoding.decode import DecodedText, decode_bytes
from transforms.decoding.loss_markers import find_loss_markers
from transforms.decoding.mojibake import repair_mojibake
from transforms.records import Flag, UndecodableError

RAW = Path(__file__).resolve().parents[3] / "data" / "raw"
DOCUMENTS = {path.name[:3]: path.read_text(encoding="utf-8") for path in sorted(RAW.glob("*.txt"))}
EXPECTED_CODEC = {  # writer -> the codec decode_bytes must name
    "utf-8": "utf-8",
    "utf-8-bom": "utf-8-sig",
    "utf-16-le": "utf-16-le",
    "utf-16-be": "utf-16-be",
    "utf-16-le-bom": "utf-16",
    "utf-16-be-bom": "utf-16",
    "utf-32-le": "utf-32-le",
    "utf-32-be": "utf-32-be",
    "utf-32-le-bom": "utf-32",
    "utf-32-be-bom": "utf-32",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "cp950": "cp950",
    "big5hkscs": "cp950",  # these texts use no HKSCS-only code, so cp950 reads them
}
RUSSIAN = "Все люди рождаются свободными и равными в своем достоинстве и правах."


@pytest.fixture(scope="module")
def big5_documents() -> dict[str, str]:
    return {name: to_big5_text(text) for name, text in DOCUMENTS.items()}


# --- the encoding matrix, small: every seed, every encoding, three sizes ------------------


@pytest.mark.parametrize("encoding", [*UNICODE_WRITERS, *GB_WRITERS, *BIG5_WRITERS])
def test_every_seed_round_trips_in_every_encoding_it_can_be_written_in(
    encoding: str, big5_documents: dict[str, str]
) -> None:
    write = writer(encoding)
    checked = 0
    for name, text in DOCUMENTS.items():
        source = big5_documents[name] if encoding in BIG5_WRITERS else text
        try:
            full = write(source)
        except UnicodeEncodeError:
            continue  # e.g. 003 has a no-break space, which GBK and Big5 cannot write
        for data, expected in [(full, source), cut(source, write, 32), cut(source, write, 64)]:
            decoded = decode_bytes(data)
            assert (decoded.text, decoded.encoding) == (expected, EXPECTED_CODEC[encoding])
            assert 0.0 <= decoded.confidence <= 1.0
            checked += 1
    assert checked >= 9


def test_hard_cases_of_the_matrix_decode_exactly() -> None:
    for case in hard_cases({"002": DOCUMENTS["002"]}):
        assert decode_bytes(case.data).text == case.expected, case.group


def test_gb_punctuation_is_read_with_gb18030_not_gb2312() -> None:
    data = "马克思·恩格斯——选集".encode("gbk")  # A1A4 and A1AA: ・ and ― to the gb2312 codec
    decoded = decode_bytes(data)
    assert (decoded.text, decoded.encoding) == ("马克思·恩格斯——选集", "gb18030")


def test_big5hkscs_is_used_where_cp950_fails() -> None:
    text = "佢哋嘅意見係：政府應該加強社區服務。"  # 嘅 and 哋 are HKSCS-only
    decoded = decode_bytes(text.encode("big5hkscs"))
    assert (decoded.text, decoded.encoding) == (text, "big5hkscs")


def test_seven_bit_text_is_ascii_and_utf8_with_bom_loses_its_mark() -> None:
    assert decode_bytes(b"plain text\n").encoding == "ascii"
    decoded = decode_bytes(codecs.BOM_UTF8 + DOCUMENTS["000"].encode())
    assert decoded.text == DOCUMENTS["000"] and not decoded.text.startswith("\ufeff")


def test_other_languages_fall_back_to_chardet_only_when_its_codec_decodes_cleanly() -> None:
    assert decode_bytes(RUSSIAN.encode("cp1251")).text == RUSSIAN
    korean = "대한민국은 민주공화국이다. 대한민국의 주권은 국민에게 있고, 모든 권력은 국민으로부터."
    decoded = decode_bytes(korean.encode("euc-kr"))  # reads as common GB2312 characters
    assert decoded.text == korean and decoded.encoding == "cp949"


# --- errors and losses -------------------------------------------------------------------


def test_a_few_invalid_bytes_are_replaced_counted_and_flagged() -> None:
    text = DOCUMENTS["000"]
    data = text[:100].encode("gbk") + b"\xff" + text[100:].encode("gbk")
    decoded = decode_bytes(data)
    assert decoded.text == text[:100] + "\ufffd" + text[100:]
    assert (decoded.encoding, decoded.decode_errors, decoded.lost_chars) == ("gb18030", 1, 0)
    assert Flag.DECODE_ERRORS in decoded.flags and Flag.LOSSY_ENCODING not in decoded.flags


def test_one_invalid_byte_in_utf8_keeps_utf8() -> None:
    text = DOCUMENTS["002"]
    decoded = decode_bytes(text[:300].encode() + b"\xff" + text[300:].encode())
    assert decoded.encoding == "utf-8" and decoded.decode_errors == 1


def test_seed_001_has_lost_characters_and_the_others_none() -> None:
    flags = {name: decode_bytes(text.encode()) for name, text in DOCUMENTS.items()}
    assert flags["001"].lost_chars == 2  # 規?;?、 was 規模化、
    assert flags["001"].flags == (Flag.LOSSY_ENCODING,)
    for name in ("000", "002", "003", "004"):  # 002 and 004 write '?' for their questions
        assert (flags[name].flags, flags[name].lost_chars) == ((), 0), name


def test_loss_markers_are_told_from_question_marks() -> None:
    assert find_loss_markers("規?;?、高端化") == (1, 3)
    assert find_loss_markers("推进??化建设") == (2, 3)  # two '?' for one character
    assert find_loss_markers("什么是幸福?家住福建") == ()  # a real question
    assert find_loss_markers("成效如何?\n哪些?”") == ()
    assert find_loss_markers("他问：为什么？中?国人民") == (8,)  # this page writes ？
    assert find_loss_markers("https://a.cn/?id=1, ok?") == ()


def test_replacement_characters_in_the_source_count_as_lost_not_as_decode_errors() -> None:
    decoded = decode_bytes("平安三明\ufffd\ufffd建设".encode())
    assert (decoded.lost_chars, decoded.decode_errors) == (2, 0)
    assert decoded.flags == (Flag.LOSSY_ENCODING,)


# --- mojibake ----------------------------------------------------------------------------


@pytest.mark.parametrize("shown_as", ["latin-1", "sloppy-windows-1252"])
def test_utf8_read_as_latin1_or_cp1252_is_repaired_exactly(shown_as: str) -> None:
    for text in DOCUMENTS.values():
        mojibake = text.encode().decode(shown_as).encode()
        decoded = decode_bytes(mojibake)
        assert decoded.text == text
        assert Flag.MOJIBAKE_REPAIRED in decoded.flags and decoded.encoding == "utf-8"


def test_gbk_read_as_latin1_is_repaired_exactly() -> None:
    for name, text in DOCUMENTS.items():
        if name == "003":  # its no-break space cannot be written in GBK
            continue
        decoded = decode_bytes(text.encode("gbk").decode("latin-1").encode())
        assert decoded.text == text and Flag.MOJIBAKE_REPAIRED in decoded.flags


def test_clean_text_passes_through_unchanged() -> None:
    for text in DOCUMENTS.values():
        assert repair_mojibake(text) is None
        decoded = decode_bytes(text.encode())
        assert decoded.text == text
        assert not {Flag.MOJIBAKE_REPAIRED, Flag.MOJIBAKE_SUSPECTED} & set(decoded.flags)
    latin = "Café crème, déjà vu — Zhōngguó Xiàmén, 1 °C ± 2".encode()
    assert decode_bytes(latin).text == latin.decode()


def test_repair_can_be_switched_off() -> None:
    mojibake = DOCUMENTS["000"].encode().decode("latin-1").encode()
    decoded = decode_bytes(mojibake, DecodingConfig(repair_mojibake=False))
    assert decoded.text == mojibake.decode() and Flag.MOJIBAKE_REPAIRED not in decoded.flags


def test_utf8_read_as_gbk_is_suspected_not_repaired() -> None:
    mojibake = DOCUMENTS["004"].encode().decode("gbk", errors="replace")
    for data in (mojibake.encode(), mojibake.encode("gb18030")):
        decoded = decode_bytes(data)
        assert decoded.text == mojibake
        assert Flag.MOJIBAKE_SUSPECTED in decoded.flags
        assert Flag.MOJIBAKE_REPAIRED not in decoded.flags


# --- what is not text --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind", "words"),
    [
        (b"", "empty", "0 bytes"),
        (b" \r\n\t\n", "empty", "whitespace"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "not_text", "PNG image"),
        (b"PK\x03\x04\x14\x00\x00\x00" + bytes(200), "not_text", "ZIP archive"),
        (bytes(1000), "not_text", "NUL bytes"),
        (random.Random(7).randbytes(5000), "not_text", "binary"),
    ],
)
def test_what_is_not_text_raises_with_a_one_line_reason(data: bytes, kind: str, words: str) -> None:
    with pytest.raises(UndecodableError) as raised:
        decode_bytes(data)
    assert raised.value.error_kind == kind
    assert words in raised.value.message and "\n" not in raised.value.message


def test_a_mostly_invalid_file_is_not_text() -> None:
    damaged = bytearray(DOCUMENTS["002"].encode("gbk"))
    for position in range(0, len(damaged), 20):  # 5% of the bytes
        damaged[position] = 0xFF
    with pytest.raises(UndecodableError) as raised:
        decode_bytes(bytes(damaged))
    assert raised.value.error_kind == "not_text" and "invalid" in raised.value.message


def test_the_result_is_the_documented_record() -> None:
    decoded = decode_bytes(DOCUMENTS["001"].encode("utf-16"))
    assert decoded == DecodedText(
        text=DOCUMENTS["001"],
        encoding="utf-16",
        confidence=1.0,
        flags=("lossy_encoding",),
        decode_errors=0,
        lost_chars=2,
    )
    assert codecs.lookup(decoded.encoding).name == decoded.encoding


def test_the_docstring_examples_hold():
    modules = (
        transforms.decoding.decode,
        transforms.decoding.codec_detection,
        transforms.decoding.common_han,
        transforms.decoding.mojibake,
        transforms.decoding.loss_markers,
        transforms.decoding.line_runs,
        transforms.decoding.alphabets,
    )
    for module in modules:
        assert doctest.testmod(module).failed == 0, module.__name__
