"""Metadata: dates, sources, authors and continuation marks, read only where the page says them."""

import datetime

import pytest

from transforms.structure.lines import split_lines
from transforms.structure.metadata import (
    CHINA_TIME,
    extract_author,
    extract_continuation,
    extract_metadata,
    extract_source,
    lead_author,
    masthead_source,
    parse_date,
    publication_date,
    publication_name,
)


@pytest.mark.parametrize(
    ("text", "date", "time"),
    [
        ("发布时间：2023-05-11 16:38", (2023, 5, 11), (16, 38, 0)),
        ("2019-07-08 10:05:33 来源：某某社", (2019, 7, 8), (10, 5, 33)),
        ("[2005年3月11日12:12]　来源：某某晚报", (2005, 3, 11), (12, 12, 0)),
        ("时间：2019年12月05日 10:20　作者：某某", (2019, 12, 5), (10, 20, 0)),
        ("2021/06/03 14:20", (2021, 6, 3), (14, 20, 0)),
        ("( 2022-10-12 ) 稿件来源: 某某日报 |", (2022, 10, 12), None),
        ("日期：2020年5月6日　　阅读量：88", (2020, 5, 6), None),
        ("某某日报　2024年1月9日　星期二", (2024, 1, 9), None),
        ("二〇二三年五月十一日", (2023, 5, 11), None),
        ("2023.05.11", (2023, 5, 11), None),
    ],
)
def test_dates_in_many_formats_in_china_time(text: str, date: tuple, time: tuple | None) -> None:
    published_date, published_at = parse_date(text)
    assert published_date == datetime.date(*date)
    if time is None:
        assert published_at is None
    else:
        assert published_at == datetime.datetime(*date, *time, tzinfo=CHINA_TIME)
        assert published_at.isoformat().endswith("+08:00")


def test_no_date_is_made_up() -> None:
    assert parse_date("浏览次数：1268") == (None, None)
    assert parse_date("2023-13-45") == (None, None)  # not a calendar date
    assert parse_date("今年5月以来") == (None, None)


def test_the_publication_date_wins_over_other_dates() -> None:
    line = "成文日期：2019-12-20　　发布日期：2020-01-06　　来源：某某局"
    assert publication_date(line)[0] == datetime.date(2020, 1, 6)
    assert parse_date(line)[0] == datetime.date(2019, 12, 20)


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("发布时间:2023-05-11 16:38 来源:某某政法 浏览次数:", "某某政法"),
        ("( 2022-10-12 ) 稿件来源: 某某日报要闻 |", "某某日报"),  # section name cut off
        ("稿件来源：某某法治报综合新闻", "某某法治报"),
        ("信息来源：某某县人力资源和社会保障局", "某某县人力资源和社会保障局"),  # a whole name
        ("发文机关：某某县财政局　　成文日期：2020-01-01", "某某县财政局"),
        ("2019-07-08 10:05:33 来源：新华社", "新华社"),
        ("来源：某某网", "某某网"),
    ],
)
def test_sources_after_a_label(text: str, source: str) -> None:
    assert extract_source(text) == source


def test_publication_names_and_mastheads() -> None:
    assert publication_name("某某日报客户端") == "某某日报客户端"
    assert masthead_source("某某晚报　2019年9月9日　星期一") == "某某晚报"
    assert masthead_source("发布时间：2019年9月9日") is None


@pytest.mark.parametrize(
    ("text", "author"),
    [
        ("□ 本报记者 赵某某", "赵某某"),
        ("本报记者　钱某　通讯员　孙某某", "钱某 孙某某"),
        ("记者 李某某 王某 报道", "李某某 王某"),
        ("作者：本报记者 周某 实习生 吴某", "周某 吴某"),
        ("时间:2020-6-5 8:03  作者:郑某  来源:某某小学  点击:", "郑某"),
        ("文/林某某　图/邓某", "林某某"),
        ("文字：王某某　图片：李某　编辑：赵某", "王某某"),
        ("记者：邹某 钟某　编辑：谢某", "邹某 钟某"),
        ("某县委副书记、县长  冯某某", "冯某某"),
        ("冯某某 某大学教授", "冯某某"),
        ("作者：林?　陈某某", "林? 陈某某"),  # a character lost to a bad encoding stays a "?"
        ("来源：某某局 | 作者：王某 | 发布时间：2022-06-05", "王某"),
        ("记者丨某某某 某某", "某某某 某某"),  # 丨, a Han character, written as a bar
    ],
)
def test_authors_from_bylines(text: str, author: str) -> None:
    assert extract_author(text) == author


@pytest.mark.parametrize(
    "text",
    [
        "责任编辑：吴某",
        "本期嘉宾：某市委常委、宣传部部长王某某",
        "编辑：周某　审核：陈某",
        "（作者系某大学教授）",
        "编辑丨某某",
        "本版责编：某某　美术编辑：某某",
    ],
)
def test_editors_guests_and_descriptions_are_not_authors(text: str) -> None:
    assert extract_author(text) is None


def test_the_byline_opening_a_story() -> None:
    assert lead_author("本报讯（记者 陈某某 通讯员 刘某）10月11日上午，…") == "陈某某 刘某"
    assert lead_author("新华社北京7月8日电（记者周某某、许某）暑期到来，…") == "周某某 许某"
    assert lead_author("〔记者王某某／某地报导〕某市65岁以上人口…") == "王某某"
    assert lead_author("（一）单位申报。申报单位于1月6日前提交材料。") is None
    assert lead_author("近日（5月20日），某县召开会议。") is None


def test_continuation_marks() -> None:
    assert extract_continuation("（上接 1 版）") == "上接1版"
    assert extract_continuation("(下转第A3版)") == "下转第A3版"


def test_fields_come_from_lines_of_their_kind_only() -> None:
    lines = split_lines(
        "某某县开展春季植树活动\n——访某县林业局局长某某\n"
        "发布时间：2023-03-12 10:00 来源：某某日报\n"
        "本报记者 张某\n2020年1月1日，某某记者在现场看到群众热情高涨。"
    )
    kinds = ["title", "subtitle", "dateline", "byline", "body"]
    metadata = extract_metadata(lines, kinds)
    assert metadata.title == "某某县开展春季植树活动"
    assert metadata.subtitle == "访某县林业局局长某某"
    assert metadata.source == "某某日报"
    assert metadata.author == "张某"
    assert metadata.published_at == datetime.datetime(2023, 3, 12, 10, 0, tzinfo=CHINA_TIME)
    assert metadata.continuation is None


def test_a_page_that_says_nothing_gets_nothing() -> None:
    lines = split_lines("2020年1月1日，某某记者在现场看到群众热情高涨。\n来源：网络传言不可信。")
    metadata = extract_metadata(lines, ["body", "body"])
    assert metadata.published_date is None and metadata.source is None
    assert metadata.author is None and metadata.title is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年5月11日（星期四） 香港时间16时38分", "2023-05-11T16:38:00+08:00"),
        ("2022年10月12日 星期三 10:20", "2022-10-12T10:20:00+08:00"),
        ("北京时间2024年1月18日 12时46分", "2024-01-18T12:46:00+08:00"),
        ("2019.03.16 10:12　来源：某某晚报", "2019-03-16T10:12:00+08:00"),
    ],
)
def test_a_time_after_the_weekday_or_a_clocks_name(text: str, expected: str) -> None:
    _, published_at = parse_date(text)
    assert published_at is not None and published_at.isoformat() == expected


def test_every_writer_of_two_bylines_is_an_author_once() -> None:
    lines = split_lines("记者 骆某某\n正文。\n融媒体记者 骆某某 实习生 贺某\n责任编辑：唐某")
    metadata = extract_metadata(lines, ["byline", "body", "byline", "byline"])
    assert metadata.author == "骆某某 贺某"


def test_a_mediums_name_alone_on_its_line_is_not_the_source() -> None:
    lines = split_lines("某某新闻客户端\n2024-01-18 12:46")
    assert extract_metadata(lines, ["dateline", "dateline"]).source is None
    assert masthead_source("某某日报　　2022年6月30日　星期四") == "某某日报"


@pytest.mark.parametrize(
    ("text", "author"),
    [
        ("（某某新闻记者 韩某 孟某）", "韩某 孟某"),
        ("撰稿：金某　摄影：薛某　审核：何某", "金某"),
    ],
)
def test_authors_named_by_any_medium_or_as_writers(text: str, author: str) -> None:
    assert extract_author(text) == author


def test_the_papers_commentator_and_a_photographer_are_no_authors() -> None:
    assert extract_author("本报评论员") is None
    assert extract_author("摄影：程某") is None
