"""Files in several Chinese codecs at once, and legacy text that is not Chinese (issue 15.3)."""

import codecs
from pathlib import Path

import pytest

from transforms.config import PipelineConfig
from transforms.decoding.decode import decode_bytes
from transforms.decoding.line_runs import Segment
from transforms.pipeline import RawDocument, prepare_document
from transforms.records import Flag, UndecodableError
from transforms.script import SimplifiedConverter

FAULTS = Path(__file__).resolve().parents[2] / "fixtures" / "faults"
HEAD = "今天上午，市政府召开新闻发布会，介绍今年以来全市经济运行情况。"
BODY = "记者从市统计局获悉，前三季度全市居民人均可支配收入稳步增长，消费市场持续回暖。"
QUOTE = "記者從市統計局獲悉，前三季度全市居民人均可支配收入穩步增長。"


def lines_of(text: str, segment: Segment) -> list[str]:
    return text.split("\n")[segment.first_line - 1 : segment.last_line]


# --- mixed Chinese codecs ----------------------------------------------------------------


def test_a_utf8_gbk_big5_file_is_decoded_per_segment_and_flagged() -> None:
    data = (
        f"{HEAD}\n".encode()
        + f"{BODY}\n{BODY}\n".encode("gbk")
        + b"2023-05-11 source: xinhua\n"  # 7-bit: joins the segment before it
        + f"{QUOTE}\n".encode("big5")
    )
    decoded = decode_bytes(data)
    assert decoded.text == f"{HEAD}\n{BODY}\n{BODY}\n2023-05-11 source: xinhua\n{QUOTE}\n"
    assert decoded.encoding == "utf-8+gb18030+cp950"
    assert decoded.flags == (Flag.MIXED_ENCODING,)
    assert decoded.segments == (
        Segment("utf-8", 1, 1),
        Segment("gb18030", 2, 4),
        Segment("cp950", 5, 6),
    )
    assert [lines_of(decoded.text, segment) for segment in decoded.segments] == [
        [HEAD],
        [BODY, BODY, "2023-05-11 source: xinhua"],
        [QUOTE, ""],
    ]
    assert (decoded.decode_errors, decoded.lost_chars) == (0, 0)


def test_one_utf8_line_among_many_gbk_lines_is_its_own_segment_not_mojibake() -> None:
    # read whole as GBK, the UTF-8 line has one invalid byte and reads as 戜汉鍧囧彲…
    data = f"{BODY}\n".encode("gbk") * 10 + f"{QUOTE}\n".encode()
    decoded = decode_bytes(data)
    assert decoded.text == f"{BODY}\n" * 10 + f"{QUOTE}\n"
    assert (decoded.encoding, decoded.flags, decoded.decode_errors) == (
        "gb18030+utf-8",
        (Flag.MIXED_ENCODING,),
        0,
    )


def test_one_damaged_byte_in_a_gbk_file_keeps_it_gbk() -> None:
    data = f"{BODY}\n".encode("gbk") * 5 + "三明市".encode("gbk") + b"\xff\n"
    decoded = decode_bytes(data)
    assert decoded.text == f"{BODY}\n" * 5 + "三明市\ufffd\n"
    assert (decoded.encoding, decoded.flags, decoded.segments) == (
        "gb18030",
        (Flag.DECODE_ERRORS,),
        (),
    )


def test_a_short_line_stays_in_the_codec_of_its_segment() -> None:
    # ↓ in Big5 is □ in GBK: a common character there, so alone the line would read as GBK
    data = f"{HEAD}\n".encode() + f"{QUOTE}\n72.96% ↓\n{QUOTE}\n".encode("big5")
    decoded = decode_bytes(data)
    assert decoded.text == f"{HEAD}\n{QUOTE}\n72.96% ↓\n{QUOTE}\n"
    assert decoded.segments == (Segment("utf-8", 1, 1), Segment("cp950", 2, 5))


def test_the_fault_corpus_mixed_file_decodes_exactly() -> None:
    decoded = decode_bytes((FAULTS / "mixed_encodings.txt").read_bytes())
    assert decoded.text == f"{HEAD}\n{HEAD}\n{QUOTE}\n"
    assert decoded.encoding == "utf-8+gb18030+cp950"
    assert decoded.flags == (Flag.MIXED_ENCODING,)


def test_a_utf8_byte_order_mark_before_gbk_text_is_a_utf8_sig_segment() -> None:
    decoded = decode_bytes((FAULTS / "utf8_bom_then_gbk.txt").read_bytes())
    assert decoded.text == f"{HEAD}\n" * 3
    assert decoded.encoding == "utf-8-sig+gb18030"
    assert decoded.flags == (Flag.MIXED_ENCODING,)
    assert decoded.segments == (Segment("gb18030", 1, 4),)


@pytest.mark.parametrize("codec", ["utf-8", "gbk", "big5"])
def test_a_file_in_one_codec_gets_no_flag_and_no_segments(codec: str) -> None:
    text = f"{QUOTE}\n" if codec == "big5" else f"{HEAD}\n{BODY}\n"
    decoded = decode_bytes(text.encode(codec))
    assert decoded.text == text
    assert decoded.flags == () and decoded.segments == ()
    assert "+" not in decoded.encoding


def test_a_line_in_no_codec_is_replaced_and_counted_never_dropped() -> None:
    data = (f"{HEAD}\n".encode() + f"{BODY}\n".encode("gbk")) * 20 + b"\xff\xfe bad\n"
    decoded = decode_bytes(data)
    assert decoded.text == f"{HEAD}\n{BODY}\n" * 20 + "\ufffd bad\n"
    assert decoded.encoding == "utf-8+gb18030"
    assert decoded.flags == (Flag.MIXED_ENCODING, Flag.DECODE_ERRORS)
    assert (decoded.decode_errors, decoded.lost_chars) == (2, 0)


def test_a_mixed_file_with_many_bytes_in_no_codec_is_still_quarantined() -> None:
    data = f"{HEAD}\n".encode() + f"{BODY}\n".encode("gbk") + b"\xff\xfe\xff\xfe\xff\n" * 10
    with pytest.raises(UndecodableError) as raised:
        decode_bytes(data)
    assert raised.value.error_kind == "not_text"
    assert "line by line" in raised.value.message and "utf-8+gb18030" in raised.value.message


def test_binary_data_is_still_not_text() -> None:
    for name in ("binary.bin", "nul_laden.txt"):
        with pytest.raises(UndecodableError) as raised:
            decode_bytes((FAULTS / name).read_bytes())
        assert raised.value.error_kind == "not_text", name


def test_utf16_never_takes_the_line_path() -> None:
    decoded = decode_bytes((FAULTS / "utf16_no_bom_odd.txt").read_bytes())
    assert decoded.encoding == "utf-16-le" and decoded.segments == ()


def test_the_script_stage_converts_only_the_traditional_segment() -> None:
    data = f"{HEAD}\n".encode() + f"{BODY}\n".encode("gbk") + f"{QUOTE}\n".encode("big5")
    prepared = prepare_document(
        RawDocument("mixed.txt", data), PipelineConfig(), SimplifiedConverter()
    )
    assert prepared.script == "mixed"
    assert (
        prepared.text
        == f"{HEAD}\n{BODY}\n记者从市统计局获悉，前三季度全市居民人均可支配收入稳步增长。\n"
    )
    assert prepared.text_original == f"{HEAD}\n{BODY}\n{QUOTE}\n"
    assert prepared.flags == (Flag.MIXED_ENCODING, Flag.CONVERTED)


# --- legacy text that is not Chinese -----------------------------------------------------

FRENCH = "Le café du village propose un résumé naïf des élections régionales à l'été.\n"
GERMAN = "„Die Straßenbahn fährt über die Brücke; Müller grüßt die Bäckerin schön.“ – 5 €\n"
SPANISH = "El niño comió piñas en la montaña; mañana habrá más canción española.\n"


@pytest.mark.parametrize(
    ("name", "text", "encoding"),
    [
        ("latin1_french.txt", FRENCH * 3, "iso8859-1"),
        ("cp1252_german.txt", GERMAN * 3, "cp1252"),  # „ “ – € are bytes 0x80-0x9F
        ("cp1252_spanish.txt", SPANISH * 3, "iso8859-1"),  # no 0x80-0x9F: the same bytes
    ],
)
def test_the_fault_corpus_latin_files_decode_exactly(name: str, text: str, encoding: str) -> None:
    decoded = decode_bytes((FAULTS / name).read_bytes())
    assert (decoded.text, decoded.encoding, decoded.flags) == (text, encoding, ())
    assert decoded.confidence == 1.0  # every word with a non-ASCII letter is plausible


@pytest.mark.parametrize(
    ("text", "codec", "encoding"),
    [
        ("Café résumé naïve", "latin-1", "iso8859-1"),  # chardet says Windows-1253 (Greek)
        ("¿Qué pasó? ¡Señor Muñoz!", "latin-1", "iso8859-1"),
        ("A informação sobre a situação não está disponível.", "cp1252", "iso8859-1"),
        ("«Ça coûte 5 € — c’est l’été», dit-il…", "cp1252", "cp1252"),
        ("Zażółć gęślą jaźń, powiedział pan Łukasz w Gdańsku.", "cp1250", "cp1250"),
        ("Příliš žluťoučký kůň úpěl ďábelské ódy.", "cp1250", "cp1250"),  # chardet: Greek
        (
            "Η Ελλάδα είναι χώρα της νοτιοανατολικής Ευρώπης, με πρωτεύουσα την Αθήνα.",
            "cp1253",
            "cp1253",
        ),
        (
            "Все люди рождаются свободными и равными в своем достоинстве и правах.",
            "cp1251",
            "cp1251",
        ),
        (
            "Все люди рождаются свободными и равными в своем достоинстве и правах.",
            "koi8-r",
            "koi8-r",
        ),
    ],
)
def test_alphabetic_legacy_text_is_decoded_with_the_codec_its_words_agree_with(
    text: str, codec: str, encoding: str
) -> None:
    decoded = decode_bytes(text.encode(codec))
    assert (decoded.text, decoded.encoding) == (text, encoding)
    assert Flag.MIXED_ENCODING not in decoded.flags


def test_c1_controls_make_cp1252_win_over_latin1() -> None:
    data = "Preis: 5 € – „günstig“".encode("cp1252")
    assert data.decode("latin-1") != data.decode("cp1252")
    assert decode_bytes(data).encoding == "cp1252"


def test_a_utf8_bom_file_in_utf8_is_untouched() -> None:
    decoded = decode_bytes(codecs.BOM_UTF8 + f"{HEAD}\n".encode())
    assert (decoded.text, decoded.encoding, decoded.flags) == (f"{HEAD}\n", "utf-8-sig", ())
