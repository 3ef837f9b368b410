"""Line classification: the pattern tables, the shapes, and the heading/caption neighbour rule.

The example lines are made up in the style of Chinese news and government portals; none is
taken from the seed pages, so that the tests say what a rule is for, not what a seed says.
"""

import pytest

from tests.conftest import REPO
from transforms.config import PipelineConfig
from transforms.pipeline import PreparedDocument, RawDocument, prepare_document
from transforms.script import SimplifiedConverter
from transforms.structure.captions import settle_short_lines
from transforms.structure.lines import (
    Line,
    Shape,
    describe,
    ends_mid_sentence,
    ends_sentence,
    matching_rule,
    needle_gate,
    required_strings,
    split_lines,
    tables,
)


def kind_of(text: str) -> str | None:
    line = Line(1, text, text.strip())
    return describe(line, 60, 64, 8).pattern_kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("当前位置：首页 > 新闻中心 > 工作动态", "nav"),
        ("标签：枇杷 老屋 童年　分类：随笔", "nav"),
        ("关键词：加装电梯 老旧小区", "nav"),
        ("声明：", "footer"),
        (
            "凡注明来源为其他媒体的稿件，均为转载，不代表本网赞同其观点，也不代表本网对其真实性负责。",
            "footer",
        ),
        ("本文仅代表作者本人观点，不代表本站立场。", "footer"),
        ("您现在的位置: 首页 >> 通知公告", "nav"),
        ("首页 > 政务公开", "nav"),
        ("本地 > 社会", "nav"),
        ("上一篇：某县召开春耕生产部署会", "nav"),
        ("第05版：社会", "nav"),
        ("03　综合", "nav"),
        ("上一页　第1页　第2页　下一页", "nav"),
        ("【字体：大 中 小】【打印】【关闭】", "nav"),
        ("分享到：微信 微博 QQ空间", "nav"),
        ("实施细则.pdf", "nav"),
        ("1/5", "nav"),
        ("某政办发〔2023〕12号", "dateline"),
        ("（完）", "separator"),
        ("发布时间：2021-03-04 09:30　来源：某某县农业农村局　浏览次数：120", "dateline"),
        ("发布时间:2021-03-04 09:30 来源:某某县农业农村局", "dateline"),
        ("日期：2020年5月6日　　阅读量：88", "dateline"),
        ("( 2020-05-06 ) 稿件来源: 某某日报要闻 |", "dateline"),
        ("某某晚报　2019年9月9日　星期一", "dateline"),
        ("索引号：ABC-001-2020　　主题分类：农业", "dateline"),
        ("（上接第1版）", "continuation"),
        ("(下转A3版)", "continuation"),
        ("□ 本报记者 赵某某", "byline"),
        ("本报记者　钱某　通讯员　孙某某", "byline"),
        ("文/李某某　图/周某", "byline"),
        ("责任编辑：吴某", "byline"),
        ("【编辑:郑某】", "byline"),
        ("本期嘉宾：某市委常委、宣传部部长王某某", "byline"),
        ("某县委副书记、县长  冯某某", "byline"),
        ("图为村民在田间收割水稻。", "caption"),
        ("▲工作人员为群众讲解政策", "caption"),
        ("记者 陈某 摄", "caption"),
        ("村民在合作社分拣茶叶。（某某县融媒体中心供图）", "caption"),
        ("版权所有：某某市人民政府　闽ICP备00000000号", "footer"),
        ("某某镇人民政府 主办　　联系电话：0000-1234567", "footer"),
        ("相关阅读", "sidebar"),
        ("【人物简介】", "sidebar"),
        ("扫一扫在手机打开当前页", "sidebar"),
        ("开栏语：", "column_intro"),
        ("|", "separator"),
        ("--------------------------------------------------------", "separator"),
        # a mobile page's app chrome
        ("打开APP", "nav"),
        ("打开某某新闻APP阅读全文", "nav"),
        ("下载客户端查看更多", "nav"),
        ("展开全文", "nav"),
        ("关注", "nav"),
        ("返回新闻公报", "nav"),
        ("< 上一张　　下一张 >　　【返回列表】", "nav"),
        # a reprint's print headline, an end mark without brackets
        ("原标题：某某小区加装电梯破解上下楼难题", "title_repeat"),
        ("完", "separator"),
        # credits: any medium before 记者, photographers, designers, the paper's commentator
        ("（某某新闻记者 韩某 孟某）", "byline"),
        ("融媒体记者 骆某某 实习生 贺某", "byline"),
        ("摄影：宋某", "byline"),
        ("撰稿：金某　摄影：薛某　审核：何某", "byline"),
        ("责任编辑：伍某　　版式设计：蓝某", "byline"),
        ("本报评论员", "byline"),
        # the footer's policies and friendly links
        ("友情链接：", "footer"),
        ("2023 | 重要告示 | 私隐政策 | 版权告示", "footer"),
        ("相关图集", "sidebar"),
        # several paging links on one row, page numbers among them
        ("上一篇　　下一篇", "nav"),
        ("1　2　下一页　尾页", "nav"),
        ("首页　上一页　1　2　3", "nav"),
        ("阅读原文", "nav"),
        # an info table's labels spread by spaces, a bare read count
        ("标　　题：\t某某县关于开展安全检查的通知", "dateline"),
        ("文　　号：\t某政发〔2022〕3号\t发布日期：\t2022年08月17日", "dateline"),
        ("阅读 2.1万", "dateline"),
        # a guest's card, a platform's recommendations
        ("【嘉宾名片】", "sidebar"),
        ("喜欢此内容的人还喜欢", "sidebar"),
        # credits written with 丨, a page's editor
        ("记者丨某某某 某某", "byline"),
        ("监制丨某某", "byline"),
        ("本版责编：某某　美术编辑：某某", "byline"),
    ],
)
def test_furniture_lines_are_named_by_the_tables(text: str, kind: str) -> None:
    assert kind_of(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "记者：今年以来，贵单位在优化营商环境方面有哪些新举措？",
        "记者:请您谈谈下一步打算。",
        "近日，某某县召开全县春季森林防火工作会议，部署当前重点工作。",
        "某某县把“小田并大田”作为推进农业规模经营的突破口，资料显示效果明显。",
        "突出理论学习",
        "一、坚持规划引领",
        "联系人：某某某，联系电话：0000-1234567。",
        "组图：某乡千亩油菜花开 游客踏青赏春忙",  # a gallery's headline, not a caption
        "返回家乡创业的年轻人",  # 返回 as a word, not a link back
        "记者在现场看到，施工人员正在紧张作业。",
        "阅读点亮生活",  # 阅读 as a word, not a read count
        "1　2",  # bare numbers: no paging word
        "城市名片",  # a place's card is an article's heading, not a guest box
    ],
)
def test_body_lines_match_no_furniture_rule(text: str) -> None:
    assert kind_of(text) is None


def test_furniture_rules_do_not_fire_on_a_sentence_that_mentions_their_word() -> None:
    prose = "某某市出台多项措施，依法保障著作权人和版权所有人的合法权益，维护公平竞争的市场秩序。"
    assert matching_rule(prose, len(prose)).kind == "footer"  # the bare table would say so
    assert kind_of(prose) is None  # but a finished sentence is only tested by prose_ok rules
    assert (
        kind_of("图为志愿者在社区广场向居民发放宣传资料，讲解防范电信诈骗的常识和技巧。")
        == "caption"
    )


def test_sentence_ends_and_mid_sentence_stops() -> None:
    assert ends_sentence("现在拧开龙头就是干净水。”")
    assert ends_sentence("我们主要有以下举措：")
    assert not ends_sentence("突出组织领导")
    assert ends_mid_sentence("严厉打击人民群众反映强烈的")
    assert ends_mid_sentence("提高到99.2%，")
    assert not ends_mid_sentence("联系电话：0000-1234567")
    assert not ends_mid_sentence("成效明显。")


def test_shapes_tell_prose_from_short_lines() -> None:
    def shape(text: str):
        return describe(Line(1, text, text), 60, 64, 8)

    assert shape("今年以来，全县新建改造农村公路120公里。").prose
    assert shape(
        "工程建成后，全县农村自来水普及率由86.5%提高到99.2%，"
    ).prose  # cut by a page break
    assert shape("突出理论学习").short and not shape("突出理论学习").prose
    assert shape("二、强化资金保障，拓宽投入渠道").numbered
    assert shape("问：哪些人可以申请补贴？").speaker
    assert shape("97%以上").statistic and shape("1.2万户").statistic
    assert shape("- 全年接待游客12万人次").bullet and not shape("- 全年接待游客12万人次").prose
    assert shape("首页 | 新闻 | 政务公开 | 互动交流").link_list
    assert shape("2020年1月2日").date_only


def settle(text: str) -> list[str]:
    lines = split_lines(text)
    shapes = [describe(line, 60, 64, 8) for line in lines]
    kinds = [
        "" if not line.content else shape.pattern_kind
        for line, shape in zip(lines, shapes, strict=True)
    ]
    settle_short_lines(kinds, shapes, lines)
    return [str(kind) for kind in kinds]


def test_a_short_line_before_its_section_is_a_heading() -> None:
    kinds = settle(
        "今年以来，某县把农田建设摆在突出位置。\n"
        "加强资金保障\n"
        "县财政安排资金3600万元，保障建设资金及时到位。\n"
        "强化质量监管\n"
        "项目实行全程监理，质量监管贯穿建设全过程。"
    )
    assert kinds == ["body", "heading", "body", "heading", "body"]


def test_a_short_line_followed_by_a_heading_or_by_nothing_is_a_caption() -> None:
    kinds = settle(
        "某县把农田建设摆在突出位置，全年新建高标准农田5万亩。\n"
        "村民在新修的机耕道上驾驶收割机\n"
        "强化质量监管\n"
        "项目实行全程监理，质量监管贯穿建设全过程。\n"
        "监理人员在工地检查沟渠质量"
    )
    assert kinds == ["body", "caption", "heading", "body", "caption"]


def test_unnumbered_short_lines_in_a_numbered_article_are_captions() -> None:
    kinds = settle(
        "一、加强组织领导\n成立工作专班，明确责任分工。\n"
        "专班成员在会上研究部署\n某县建立周调度机制，确保任务落实。\n"
        "二、强化督促检查\n定期通报进展，推动问题整改。"
    )
    assert kinds[2] == "caption" and kinds[0] == kinds[4] == "heading"


def test_a_line_in_scene_words_is_a_caption_and_a_table_row_is_body() -> None:
    kinds = settle(
        "今年全市新建改造口袋公园50个，让市民出门就能见绿。\n"
        "市民在新建成的口袋公园里休闲\n"
        "据介绍，口袋公园重点布局在老旧小区周边，市民出门就能见绿。\n"
        "指标\t2021年\t2022年"
    )
    assert kinds == ["body", "caption", "body", "body"]


def test_without_clear_headings_a_line_describing_the_paragraph_before_is_a_caption() -> None:
    kinds = settle(
        "在竹编工坊里，十几名妇女正围坐在一起，手中的竹篾上下翻飞。\n"
        "妇女们在竹编工坊里编织竹篮\n"
        "竹编技艺在当地已有数百年历史，如今成了群众增收的好门路。"
    )
    assert kinds == ["body", "caption", "body"]


def test_shapes_name_a_gallery_counter_a_bracketed_label_and_caption_words() -> None:
    def shape(text: str) -> Shape:
        return describe(Line(1, text, text), 60, 64, 8)

    assert shape("3/6").picture_counter and shape("【2/6】").picture_counter
    assert not shape("2023/6").picture_counter
    assert shape("【法官说法】").label and not shape("法官说法").label
    assert shape("论坛现场").photo_words and not shape("现场教学见实效").photo_words
    assert shape("某某新闻客户端").site_name


def test_a_bracketed_label_is_a_heading_and_a_scene_line_a_caption_even_when_it_leads() -> None:
    text = (
        "　　开幕式上，学院负责人致辞，希望同学们珍惜交流机会。|论坛现场|"
        "　　论坛分为口头报告和墙报展示两个环节，评审专家逐一点评。|【法官说法】|"
        "　　承办法官表示，劳动者遇到欠薪问题时，应注意保存证据，说法明白。"
    )
    lines = split_lines(text.replace("|", "\n"))
    shapes = [describe(line, 60, 64, 8) for line in lines]
    kinds: list[str | None] = [None] * len(lines)
    settle_short_lines(kinds, shapes, lines)
    assert [str(kind) for kind in kinds] == ["body", "caption", "body", "heading", "body"]


def test_a_short_line_right_before_a_numbered_list_introduces_it() -> None:
    kinds = settle(
        "近日，某区居民在社交平台看到一则兼职广告，先后被骗走积蓄。\n"
        "警方提醒\n"
        "1.所有刷单都是诈骗，先小额返利、再诱导垫资是惯用手法。\n"
        "2.不要下载来路不明的App。\n"
        "目前，案件正在进一步侦办中。\n"
        "民警在社区讲解防骗知识\n"
        "遇到可疑情况，请拨打96110咨询。"
    )
    # the numbered sentences are a list, not numbered sections: the last short line, which
    # shares no words with what follows, is still weighed as a caption would be
    assert kinds[1] == "heading" and kinds[2] == kinds[3] == "body"
    assert kinds[5] == "caption"


def test_a_photo_credit_alone_is_recognised_by_its_shape() -> None:
    def shape(text: str) -> Shape:
        return describe(Line(1, text, text), 60, 64, 8)

    assert shape("新华社记者 某某 摄").photo_credit and shape("（某某市体育局供图）").photo_credit
    assert not shape("市民在公园里拍摄").photo_credit


def test_required_strings_are_what_every_match_holds() -> None:
    assert required_strings("(责任)?编辑[:：]") == frozenset({"编辑"})
    assert required_strings("来源|出处") == frozenset({"来源", "出处"})
    assert required_strings("[图文]{2}片") == frozenset({"片"})  # the longer set wins ties
    assert required_strings("点击(查看|阅读)全文") == frozenset({"点击"})
    assert required_strings("(?i)copyright") is None  # COPYRIGHT matches too
    assert required_strings("(图片)?$") is None  # matches with no character at all


def test_a_line_a_rule_finds_is_never_turned_away_by_its_needles() -> None:
    # every line of the fixture and seed pages, decoded as the pipeline decodes them
    config = PipelineConfig()
    converter = SimplifiedConverter(config.script)
    lines = set()
    for path in [*REPO.glob("tests/fixtures/*/raw/*.txt"), *REPO.glob("data/raw/*.txt")]:
        prepared = prepare_document(RawDocument(path.name, path.read_bytes()), config, converter)
        if isinstance(prepared, PreparedDocument):
            lines.update(line.strip() for line in prepared.text.splitlines())
    assert len(lines) > 1000
    found = 0
    for rule in tables().rules:
        gate = needle_gate([rule.pattern.pattern])
        if gate is None:
            continue
        matched = [line for line in lines if rule.pattern.search(line)]
        found += len(matched)
        assert all(gate.search(line) for line in matched), rule.pattern.pattern
    assert found > 100  # the rules do find lines here: the check is not vacuous
