"""Authors only where a page states a writer (issue 13, point 4).

A byline's label (作者 记者 文/ 楼主 …) is no writer by itself: label words, job titles without a
name, site and organisation names, 本报讯 and the paper's own voice must give no author; a name
after a writer's label, the bracketed lead byline and a forum post's or a blog's header must
give exactly that name. All the text is invented.
"""

import datetime

import pytest

from transforms.structure import extract_structure
from transforms.structure.lines import split_lines
from transforms.structure.metadata import (
    CHINA_TIME,
    extract_author,
    extract_metadata,
    is_writer,
    lead_author,
    poster,
)

NOT_AUTHORS = [
    # label words and generic nouns printed where a name could stand
    "作者简介",
    "作者：简介",
    "记者调查",
    "记者 调查",
    "作者：文章",
    "作者须知",
    "记者：摘要",
    "作者：导读",
    "作者：来源",
    "作者：责任编辑",
    "记者 编辑",
    "作者：专题",
    "作者：综合",
    "作者：整理",
    "作者：佚名",
    "作者：匿名",
    "作者：网友",
    "作者：管理员",
    # job titles without a name
    "作者：主任",
    "作者：局长",
    "记者：记者",
    "通讯员：教授",
    "作者：王局长",
    "县委副书记　县长",
    # sites, publications, organisations
    "作者：临川新闻网",
    "作者：青梧日报",
    "作者：新华社",
    "记者：中新社",
    "作者：东岚电视台",
    "文/编辑部",
    "作者：柳岸街道办",
    "作者：市委宣传部",
    "作者：桐安区教育局",
    "作者：县融媒体中心",
    "作者：办公室",
    # the paper's own voice, and credits with no one named
    "本报记者",
    "本报讯",
    "作者：本报讯",
    "撰稿：本报",
    "文/图",
    "文/　图/",
    "文/本报评论员",
    "记者 报道",
    # a site's parts, columns, roles glued to a label
    "记者部落",
    "作者：手机版",
    "作者专栏",
    "作者：特约评论员",
    # forum and blog headers that name no member
    "楼主 发表于 2011-12-15 10:22",
    "发表人：系统",
    "博主：网络",
    "发帖人：游客",
]


@pytest.mark.parametrize("text", NOT_AUTHORS)
def test_a_label_a_title_or_an_organisation_is_no_author(text: str) -> None:
    assert extract_author(text) is None
    lines = split_lines(f"某地开展春季植树活动\n{text}\n三月十二日，全区干部群众来到河堤植树。")
    assert extract_metadata(lines, ["title", "byline", "body"]).author is None


def test_there_are_thirty_negative_cases_at_least() -> None:
    assert len(NOT_AUTHORS) >= 30


AUTHORS = [
    ("作者：李晓梅", "李晓梅"),
    ("记者 王建国 通讯员 刘芳", "王建国 刘芳"),
    ("文/陈思远", "陈思远"),
    ("撰文：赵一鸣", "赵一鸣"),
    ("本报记者 韩雪 报道", "韩雪"),
    ("通讯员 宋佳佳", "宋佳佳"),
    ("作者：见习编辑 孔令仪", "孔令仪"),
    ("记者：温子晴 柯一帆 嘉禾报导", "温子晴 柯一帆"),
    ("记者 蓝海报道", "蓝海"),
    ("□ 本报记者 吴桐", "吴桐"),
    ("作者：欧阳明远", "欧阳明远"),
    ("记者：阿依·木合", "阿依·木合"),
    ("作者：Anna Lee", "Anna Lee"),
    ("发布时间：2023-04-18 09:42　作者：孟秋　来源：某某区融媒体中心", "孟秋"),
    # forum posts' and blogs' headers: a member's handle
    ("楼主：江边散步的人", "江边散步的人"),
    ("江边散步的人 发表于 2011-12-15 10:22", "江边散步的人"),
    ("楼主：老街坊 发表于 2011-12-15 10:22", "老街坊"),
    ("作者：青石板路上的猫 发表于 2012-03-08 21:15", "青石板路上的猫"),
    ("博主：半山听雨", "半山听雨"),
    ("发表人：柳下客", "柳下客"),
    ("发帖人：xiaoyu_2012", "xiaoyu_2012"),
]


@pytest.mark.parametrize(("text", "author"), AUTHORS)
def test_a_stated_writer_is_the_author(text: str, author: str) -> None:
    assert extract_author(text) == author


@pytest.mark.parametrize(
    ("paragraph", "author"),
    [
        ("本报讯（记者 林一帆）3月12日，桐安区开展春季植树活动。", "林一帆"),
        ("新华社临江3月12日电（记者 许某某、周某）当天，…", "许某某 周某"),
        ("□ 周慕言", "周慕言"),
        ("本报讯（本报记者）3月12日，桐安区开展春季植树活动。", None),
        ("□ 本报讯", None),
    ],
)
def test_the_lead_byline(paragraph: str, author: str | None) -> None:
    assert lead_author(paragraph) == author


def test_names_are_told_from_handles_and_words() -> None:
    assert is_writer("王某某") and not is_writer("须知") and not is_writer("新华社")
    assert not is_writer("江边散步的人") and is_writer("江边散步的人", handle=True)
    assert poster("来源：某某局　作者：王某") is None  # a news byline, read with all its names


THREAD = """首页 | 论坛 | 本地交流
河堤边新修的步道怎么样
楼主：晚饭后散步
发表于 2011-12-15 10:22
新修的步道铺了塑胶，晚上有路灯，走一圈大概四十分钟，大家去走过没有？
听说明年还要把步道接到南边的公园，到时候就能一直走到江边了。
2楼 骑车的老张
发表于 2011-12-16 08:05
走过，路面很好，就是周末人太多，骑车的和散步的挤在一起。
3楼 阿梅
发表于 2011-12-17 19:40
晚上灯光挺亮，带孩子去也放心，希望多放几个垃圾桶。
版权所有 某某论坛 2003-2011"""


def test_a_threads_author_and_date_are_its_first_posts() -> None:
    result = extract_structure(THREAD)
    assert result.metadata.author == "晚饭后散步"
    assert result.metadata.published_at == datetime.datetime(
        2011, 12, 15, 10, 22, tzinfo=CHINA_TIME
    )
    assert "suspicious_date" not in result.flags


PORTAL = """某某区人民政府
首页 | 政务公开 | 新闻中心
今天是2024年5月6日 星期一
区图书馆延长周末开放时间
发布时间：2023-04-18 09:42　来源：某某区文旅局
　　从本周起，区图书馆周六、周日的开放时间延长至晚上九点，方便上班族和学生借阅。
　　图书馆负责人介绍，延长开放期间，自习区和少儿阅览区照常开放，并增加了志愿者服务岗。
相关新闻
区文化馆举办春季书法展 2024-05-02
社区图书室新增电子阅读设备 2024-04-28
版权所有：某某区人民政府 2024
ICP备00000000号"""


def test_the_heads_date_and_not_the_top_bar_sidebar_or_footer() -> None:
    result = extract_structure(PORTAL, today=datetime.date(2024, 5, 6))
    assert result.metadata.published_at == datetime.datetime(2023, 4, 18, 9, 42, tzinfo=CHINA_TIME)
    assert result.metadata.author is None
    assert "suspicious_date" not in result.flags


def test_a_date_after_the_reference_day_is_suspicious() -> None:
    page = PORTAL.replace("2023-04-18 09:42", "2031-04-18 09:42")
    assert "suspicious_date" in extract_structure(page, today=datetime.date(2024, 5, 6)).flags
    assert "suspicious_date" not in extract_structure(page).flags  # no reference day given


def test_a_date_after_every_reply_is_suspicious() -> None:
    page = THREAD.replace("发表于 2011-12-15 10:22", "发表于 2013-12-15 10:22")
    result = extract_structure(page)
    assert result.metadata.published_date == datetime.date(2013, 12, 15)
    assert "suspicious_date" in result.flags
