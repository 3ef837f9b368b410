"""Text hygiene: invisible characters out, one newline and one space, NFC, full-width
punctuation in Chinese context — and never a line more or less."""

import random
import sys
import unicodedata
from pathlib import Path

import pytest

from transforms.decoding.hygiene import CleanText, HygieneConfig, clean_text, widen_punctuation

RAW = Path(__file__).resolve().parents[3] / "data" / "raw"
DOCUMENTS = {path.name[:3]: path.read_text(encoding="utf-8") for path in sorted(RAW.glob("*.txt"))}
DATA = Path(__file__).resolve().parents[3] / "transforms" / "decoding" / "data"


def lines_of(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


# --- lines ---------------------------------------------------------------------------------


def test_crlf_and_lone_cr_become_lf() -> None:
    assert clean_text("一\r\n二\r三\n四").text == "一\n二\n三\n四"


def test_other_line_breaks_become_spaces_so_the_line_count_stays() -> None:
    text = "甲\x0b乙\x0c丙\x85丁\u2028戊\u2029己\x1e庚"
    cleaned = clean_text(text)
    assert cleaned.text == "甲 乙 丙 丁 戊 己 庚"
    assert cleaned.invisible_removed == 6
    assert len(cleaned.text.splitlines()) == 1


def test_lines_are_never_stripped_joined_or_dropped() -> None:
    text = "  　缩进的段落  \n\n\t表格\t列\n \u200b \n末行 "
    cleaned = clean_text(text).text
    assert cleaned.split("\n") == ["   缩进的段落  ", "", "\t表格\t列", "  ", "末行 "]


def test_random_text_keeps_its_lines() -> None:
    alphabet = "中文,:;?!() \t\n\r\x0b\x0c\x85\u2028\u3000\xa0\u200b\ufeff\x00é\u0301ab1:2"
    generator = random.Random(3)
    for _ in range(300):
        text = "".join(generator.choice(alphabet) for _ in range(generator.randrange(60)))
        cleaned = clean_text(text).text
        assert cleaned.count("\n") == len(lines_of(text)) - 1
        assert not set(cleaned) & set("\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def test_every_seed_keeps_every_line_and_only_changes_width() -> None:
    for name, text in DOCUMENTS.items():
        cleaned = clean_text(text).text
        assert [len(line) for line in cleaned.split("\n")] == [
            len(line) for line in text.split("\n")
        ], name
        # full-width punctuation and ASCII spaces fold back under NFKC: nothing else moved
        assert unicodedata.normalize("NFKC", cleaned) == unicodedata.normalize("NFKC", text)


def test_cleaning_twice_changes_nothing_more() -> None:
    for text in DOCUMENTS.values():
        once = clean_text(text)
        twice = clean_text(once.text)
        assert twice.text == once.text and twice.punctuation_widened == 0


# --- invisible characters and spaces --------------------------------------------------------


def test_invisible_and_control_characters_are_removed_and_counted() -> None:
    text = "\ufeff平安\u200b三明\u200d建设\u00ad\x00\x07\x1b[0m\x7f\x9f"
    cleaned = clean_text(text)
    assert cleaned.text == "平安三明建设[0m"
    assert cleaned.invisible_removed == 9


def test_tabs_and_newlines_are_kept() -> None:
    assert clean_text("甲\t乙\n丙").text == "甲\t乙\n丙"


def test_every_space_becomes_one_ascii_space() -> None:
    cleaned = clean_text("记者\u3000王莹\xa0\xa0摄 1\u202f000 a\u2009b")
    assert cleaned.text == "记者 王莹  摄 1 000 a b"
    assert cleaned.invisible_removed == 0


def test_the_character_table_covers_every_control_format_and_space_character() -> None:
    listed = set()
    for row in (DATA / "hygiene_characters.tsv").read_text(encoding="utf-8").splitlines():
        if row and not row.startswith("#"):
            first, last, action, _ = row.split("\t")
            assert action in {"remove", "blank", "space"}
            listed.update(range(int(first, 16), int(last, 16) + 1))
    wanted = {
        code
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in {"Cc", "Cf", "Zs", "Zl", "Zp"}
    } - {ord("\t"), ord("\n"), ord("\r"), ord(" ")}
    assert wanted <= listed
    assert not {ord("\t"), ord("\n"), ord(" ")} & listed


def test_text_is_nfc() -> None:
    assert clean_text("Cafe\u0301 e\u0301").text == "Café é"


# --- punctuation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("来源:安徽政法", "来源：安徽政法"),
        ("近年来,三明市", "近年来，三明市"),
        ("什么是幸福?家住福州", "什么是幸福？家住福州"),
        ("成效如何?", "成效如何？"),
        ("好!", "好！"),
        ("一是;二是", "一是；二是"),
        ("县(市、区)", "县（市、区）"),
        ("(上接1版)", "（上接1版）"),
        ("〔曾连续四届(2001—2016年)被评为", "〔曾连续四届（2001—2016年）被评为"),
        ("世界卫生组织(WHO)发布", "世界卫生组织（WHO）发布"),
        ("“两个维护”,建立", "“两个维护”，建立"),
        ("他说:“好”", "他说：“好”"),
        ("5.8%,同比增长", "5.8%，同比增长"),
    ],
)
def test_half_width_punctuation_next_to_chinese_becomes_full_width(before: str, after: str) -> None:
    changed = sum(a != b for a, b in zip(before, after, strict=True))
    assert widen_punctuation(before) == (after, changed)


@pytest.mark.parametrize(
    "text",
    [
        "发布时间：2023-05-11 16:38",
        "比分3:2 共1,000人",
        "Hello, world! (really?) a;b",
        "python(3.11) f(x)",
        "详见 https://www.gov.cn/zhengce/content?id=1,2&x=(3)!",
        "网址www.example.com/a?b=1",
        "規?;?、高端化",  # lost characters (see find_loss_markers), not punctuation
        "He said “hello”, then left.",
    ],
)
def test_numbers_times_latin_urls_and_loss_markers_stay_untouched(text: str) -> None:
    assert widen_punctuation(text) == (text, 0)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("真的?!", "真的？！"),
        ("上::", "上：："),
        ("0:“:。", "0：“：。"),
        ("中(abc):x", "中（abc）：x"),
        ("(abc),中", "（abc），中"),
    ],
)
def test_a_run_of_marks_in_chinese_context_is_widened_whole(before: str, after: str) -> None:
    assert widen_punctuation(before)[0] == after
    assert widen_punctuation(after) == (after, 0)


def test_a_parenthesis_pair_is_widened_together_or_not_at_all() -> None:
    assert widen_punctuation("(GPS)定位") == ("（GPS）定位", 2)
    assert widen_punctuation("见(图 1)") == ("见（图 1）", 2)
    assert widen_punctuation("未闭合(括号") == ("未闭合(括号", 0)


def test_url_trailing_punctuation_is_not_part_of_the_url() -> None:
    assert widen_punctuation("详见http://a.cn/x,全省推广") == ("详见http://a.cn/x，全省推广", 1)


def test_widening_is_counted_and_can_be_switched_off() -> None:
    text = "三明市地处福建西部,是中央苏区:群众安全感?"
    assert clean_text(text) == CleanText("三明市地处福建西部，是中央苏区：群众安全感？", 3, 0)
    kept = clean_text(text, HygieneConfig(widen_punctuation=False))
    assert kept == CleanText(text, 0, 0)


def test_seed_001_keeps_its_loss_markers_half_width() -> None:
    cleaned = clean_text(DOCUMENTS["001"])
    assert "規?;?、高端化" in cleaned.text
    assert cleaned.punctuation_widened > 100
