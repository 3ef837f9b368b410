"""HTML character references become characters before hygiene, and nothing else changes."""

import pytest

from tests.conftest import RAW
from transforms.config import PipelineConfig
from transforms.decoding import decode_character_references
from transforms.pipeline import RawDocument, prepare_document
from transforms.script import SimplifiedConverter

# written for these tests: each holds characters its legacy code page lacks
SIMPLIFIED_PAGE = (
    "区县新闻\n"
    "记者朱镕基纪念馆报道：陶喆与王堃在昨日的会议上发言，镕炉旁的工人说“这是好事”。\n"
    "市民在评论区留言😀，表示支持。\n"
)
TRADITIONAL_PAGE = (
    "地方新聞\n"
    "記者報導：陳昇與周堃昨日在會議上發言，「這是好事」，鄉親們表示支持。\n"
    "網友留言說𠮷野家的價格沒有變😀。\n"
)


def prepared(data: bytes):
    return prepare_document(RawDocument("page.txt", data), PipelineConfig(), SimplifiedConverter())


@pytest.mark.parametrize(
    ("text", "codec"), [(SIMPLIFIED_PAGE, "gb2312"), (TRADITIONAL_PAGE, "big5")]
)
def test_a_legacy_page_with_references_decodes_to_its_utf8_original(text, codec):
    legacy = text.encode(codec, errors="xmlcharrefreplace")
    assert b"&#" in legacy  # the code page really lacks some of the characters
    from_legacy, from_utf8 = prepared(legacy), prepared(text.encode("utf-8"))
    assert from_legacy.text == from_utf8.text
    assert from_legacy.entities_decoded == legacy.count(b"&#") > 0
    assert from_utf8.entities_decoded == 0


def test_named_references_are_decoded_and_counted():
    text, count = decode_character_references("A&amp;B&nbsp;说&quot;好&quot;&lt;b&gt;")
    assert (text, count) == ('A&B\xa0说"好"<b>', 6)
    assert prepared("价格&nbsp;100元&amp;更多".encode()).text == "价格 100元&更多"


def test_text_without_references_is_returned_unchanged():
    for path in sorted(RAW.iterdir()):
        text = prepared(path.read_bytes()).text_original or prepared(path.read_bytes()).text
        assert decode_character_references(text) == (text, 0)
    plain = "没有字符引用的文本 & 一个孤立的和号; a=1&copy=2"
    assert decode_character_references(plain) == (plain, 0)
    assert decode_character_references(plain)[0] is plain


def test_unknown_names_and_unterminated_references_stay():
    assert decode_character_references("&unknown; &#38229 &amp") == ("&unknown; &#38229 &amp", 0)
