"""Paragraph repair, within-document duplicates and a notice's closing lines."""

import re
import unicodedata

from transforms.structure.duplicates import comparable_text, mark_duplicates
from transforms.structure.lines import describe, split_lines
from transforms.structure.paragraphs import (
    build_paragraphs,
    keep_signatures,
    mark_wrapped_lines,
    split_run_together,
)


def paragraphs_of(lines_and_kinds: list[tuple[str, str]]) -> tuple[list[str], bool]:
    lines = split_lines("\n".join(text for text, _ in lines_and_kinds))
    built = build_paragraphs(lines, [kind for _, kind in lines_and_kinds], broken_min_chars=30)
    return [paragraph.text for paragraph in built.paragraphs], built.truncated


FIRST_HALF = "针对群众反映强烈的突出问题，县公安局持续开展专项整治行动，严厉打击人民群众反映强烈的"
SECOND_HALF = "电信网络诈骗等违法犯罪，发案数连续十个月下降。"


def test_a_paragraph_cut_by_a_page_break_is_joined_across_removed_lines() -> None:
    paragraphs, truncated = paragraphs_of(
        [(FIRST_HALF, "body"), ("", ""), ("（下转第2版）", "continuation"), (SECOND_HALF, "body")]
    )
    assert paragraphs == [FIRST_HALF + SECOND_HALF]
    assert not truncated


def test_a_paragraph_left_mid_sentence_flags_the_document_truncated() -> None:
    paragraphs, truncated = paragraphs_of(
        [
            ("记者：请问这项工作目前进展如何？", "body"),
            ("某某：我们积极探索将优秀传统文化融入基层治理，推动形成“以和", "body"),
            ("记者：下一步有什么打算？", "body"),
        ]
    )
    assert len(paragraphs) == 3  # a new Q&A turn does not continue the cut answer
    assert truncated


def test_headings_and_complete_paragraphs_are_never_joined() -> None:
    paragraphs, truncated = paragraphs_of(
        [
            ("加强组织领导", "heading"),
            ("成立工作专班，明确责任分工，确保各项任务落到实处。", "body"),
            ("联系人：某某某　　联系电话：0000-1234567", "body"),
            ("某某县人民政府办公室", "body"),
        ]
    )
    assert len(paragraphs) == 4
    assert not truncated


def test_paragraphs_run_together_on_one_line_are_split_with_their_inline_headings() -> None:
    line = (
        "今年以来，全县新建农村公路120公里。 “路通了，日子就好过了。”村民说。 "
        "完善管护机制 县里建立县乡村三级路长制，实现管护全覆盖。"
    )
    pieces = split_run_together(line)
    assert [piece.text for piece in pieces] == [
        "今年以来，全县新建农村公路120公里。",
        "“路通了，日子就好过了。”村民说。",
        "完善管护机制",
        "县里建立县乡村三级路长制，实现管护全覆盖。",
    ]
    assert [piece.heading for piece in pieces] == [False, False, True, False]


def test_the_paragraph_separator_decides_where_an_inline_heading_ends() -> None:
    line = (
        "全区调解员达430余名。\u3000\u3000熟人调解 说话有分量\u3000\u3000“调解员都是本村人。”他说。"
    )
    assert [piece.text for piece in split_run_together(line)] == [
        "全区调解员达430余名。",
        "熟人调解 说话有分量",
        "“调解员都是本村人。”他说。",
    ]


def test_a_line_with_spaces_but_one_sentence_is_left_whole() -> None:
    line = "省委政法委联合报社开展“深学争优 敢为争先 实干争效”系列访谈活动。"
    assert [piece.text for piece in split_run_together(line)] == [line]


BODY = [
    "近日，某镇组织安监、派出所等力量，对辖区重点场所开展消防安全大检查。",
    "检查中，工作人员重点查看了消防通道是否畅通、消防设施是否完好有效。",
]


def duplicates(texts: list[str], kinds: list[str]) -> list[str]:
    lines = split_lines("\n".join(texts))
    kinds = list(kinds)
    mark_duplicates(lines, kinds, min_chars=20, containment=0.8, similarity=0.85, shingle=5)
    return [str(kind) for kind in kinds]


def test_a_repeated_block_is_kept_once_the_first_copy_stays() -> None:
    kinds = duplicates(
        [*BODY, "某镇开展消防安全检查", *BODY], ["body"] * 2 + ["title_repeat"] + ["body"] * 2
    )
    assert kinds == ["body", "body", "title_repeat", "duplicate", "duplicate"]


def test_a_near_copy_with_a_few_characters_changed_is_a_duplicate() -> None:
    changed = BODY[0].replace("近日", "日前").replace("重点场所", "重点单位")
    assert duplicates([BODY[0], changed], ["body", "body"]) == ["body", "duplicate"]


def test_a_copy_split_differently_is_still_found() -> None:
    whole = BODY[0] + " " + BODY[1]
    assert duplicates([whole, BODY[0], BODY[1]], ["body"] * 3) == ["body", "duplicate", "duplicate"]


def test_the_headings_of_a_repeated_block_go_with_it_but_a_lone_repeat_stays() -> None:
    texts = ["加强巡查", BODY[0], "加强巡查", BODY[0], "工作要求", BODY[1], "工作要求"]
    kinds = duplicates(texts, ["heading", "body"] * 3 + ["heading"])
    assert kinds == ["heading", "body", "duplicate", "duplicate", "heading", "body", "heading"]


def test_lines_alike_but_for_their_figures_are_a_list_not_copies() -> None:
    months = [
        f"{month}月份，全市规模以上工业增加值同比增长{rate}%，增速比上月加快0.{month}个百分点。"
        for month, rate in [(1, "5.2"), (2, "6.1"), (3, "6.4")]
    ]
    assert duplicates(months, ["body"] * 3) == ["body"] * 3
    assert duplicates([*months, months[1]], ["body"] * 4)[-1] == "duplicate"


def test_different_paragraphs_on_the_same_topic_are_not_duplicates() -> None:
    other = "针对检查中发现的问题，检查组当场下发整改通知书，明确整改时限和责任人。"
    assert duplicates([*BODY, other], ["body"] * 3) == ["body"] * 3


def test_a_notices_issuer_and_date_are_body_but_a_header_date_is_not() -> None:
    lines = split_lines(
        "关于开展春季植树活动的通知\n2021-03-01\n各单位：\n请按要求组织实施。\n"
        "某某县林业局\n某某县财政局\n2021年3月1日\n（此件公开发布）"
    )
    shapes = [describe(line, 60, 64, 8) for line in lines]
    kinds: list[str | None] = ["title", "dateline", None, None, None, None, "dateline", None]
    keep_signatures(lines, shapes, kinds)
    assert [str(kind) for kind in kinds] == [
        "title", "dateline", "None", "None", "body", "body", "body", "body"
    ]  # fmt: skip


def test_a_pdfs_wrapped_lines_are_joined_into_their_paragraphs() -> None:
    text = (
        "　　民生无小事。日前，某市公布今年20项民生实事项\n"
        "目，从老旧小区改造到社区食堂建设，件件连着群众。\n"
        "　　办实事，贵在实。件件都要落到具体的楼栋和家庭。\n"
        "只有沉下身子摸清底数，才能避免“政府\n"
        "干、群众看”，让每一项实事都办到群众心坎上。\n"
        "　　民之所盼，政之所向。"
    )
    lines = split_lines(text)
    shapes = [describe(line, 60, 64, 8) for line in lines]
    kinds: list[str | None] = [None] * len(lines)
    wrapped = mark_wrapped_lines(lines, shapes, kinds)
    assert sorted(wrapped) == [1, 3, 4]
    built = build_paragraphs(lines, [kind or "body" for kind in kinds], 30, wrapped)
    assert [paragraph.text for paragraph in built.paragraphs] == [
        "民生无小事。日前，某市公布今年20项民生实事项目，从老旧小区改造到社区食堂建设，件件连着群众。",
        "办实事，贵在实。件件都要落到具体的楼栋和家庭。只有沉下身子摸清底数，才能避免“政府"
        "干、群众看”，让每一项实事都办到群众心坎上。",
        "民之所盼，政之所向。",
    ]


def test_an_unindented_caption_under_an_indented_paragraph_is_not_joined() -> None:
    text = "　　游客在花田中赏花拍照。\n游客在花田中赏花\n　　近年来，该乡连续举办文化旅游节。"
    lines = split_lines(text)
    shapes = [describe(line, 60, 64, 8) for line in lines]
    kinds: list[str | None] = [None] * len(lines)
    assert mark_wrapped_lines(lines, shapes, kinds) == frozenset()
    assert kinds == [None, None, None]


def test_a_page_without_paragraph_indents_has_no_wrapped_lines() -> None:
    lines = split_lines("第一段没有缩进，在这里断\n开了一行。\n第二段也没有缩进。")
    shapes = [describe(line, 60, 64, 8) for line in lines]
    assert mark_wrapped_lines(lines, shapes, [None, None, None]) == frozenset()


def test_comparable_text_equals_nfkc_then_dropping_punctuation() -> None:
    text = "".join(map(chr, range(0x20, 0x3100))) + "１２月，“ＡＢ”㎡①…ｶﾞ\u3000"
    expected = re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text))
    assert comparable_text(text) == expected


def test_a_tables_rows_are_paragraphs_of_their_own_never_joined_nor_truncated() -> None:
    rows = [
        "线路\t调整方向\t调整后走向\t取消站点",
        "12路\t双向\t江滨路—滨海大道—三号大桥—北环路—新城东路\t某某大桥南、某某大桥北",
        "37路\t往火车站方向\t北环路—三号大桥—滨海大道—火车站广场\t某某大桥北、某某大桥南",
    ]
    paragraphs, truncated = paragraphs_of(
        [("经研究，决定对5条公交线路进行临时调整，具体如下：", "body")]
        + [(row, "body") for row in rows]
        + [("调整期间，乘客可换乘其他线路。", "body")]
    )
    assert paragraphs[1:4] == rows and len(paragraphs) == 5
    assert not truncated  # a row ends on its last cell, not mid-sentence


def test_a_tables_rows_under_an_indented_paragraph_are_not_wrapped_lines() -> None:
    text = "　　经研究，决定对部分线路临时调整：\n线路\t调整方向\n12路\t双向\n　　特此公告。"
    lines = split_lines(text)
    shapes = [describe(line, 60, 64, 8) for line in lines]
    assert mark_wrapped_lines(lines, shapes, [None] * len(lines)) == frozenset()
