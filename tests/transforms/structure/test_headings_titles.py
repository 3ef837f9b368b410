"""The article's title on news pages of the shapes that used to fool the first-headline rule: a
byline, a site's or channel's name, a hotline, a sidebar's headlines or a loading placeholder
above the headline, a breadcrumb holding it, a Traditional page. All pages are made up."""

import pytest

from transforms.config import PipelineConfig
from transforms.pipeline import RawDocument, finish_document, prepare_document
from transforms.script import SimplifiedConverter
from transforms.structure.extract import extract_structure
from transforms.structure.lines import describe, split_lines
from transforms.structure.page import Page
from transforms.structure.titles import (
    FEATURES,
    PageView,
    char_pairs,
    scored_candidates,
    text_key,
    title_tables,
)

ARTICLE = (
    "　　1月10日上午，某市地铁三号线正式开通运营，线路全长28公里，沿途设站22座，"
    "市民乘车从城东到城西只需40分钟。\n"
    "　　据介绍，三号线开通后，某市地铁运营里程将超过百公里，日均客流预计增加30万人次。"
)
HEADLINE = "某市地铁三号线正式开通运营"


def title_of(head: str) -> str | None:
    return extract_structure(head + "\n\n" + ARTICLE).metadata.title


def test_a_byline_above_the_headline_is_not_the_title() -> None:
    head = (
        f"首页 > 新闻 > 本地\n\n记者 王某 通讯员 李某\n\n{HEADLINE}\n\n"
        "2012-01-10 10:20 来源：某某晚报"
    )
    assert title_of(head) == HEADLINE


@pytest.mark.parametrize(
    "channel",
    ["某某网城市频道", "新闻中心 本地新闻 社会万象", "某某网视频 访谈", "ENGLISH VERSION"],
)
def test_a_channel_or_site_name_above_the_breadcrumb_is_not_the_title(channel: str) -> None:
    head = (
        f"{channel}\n\nwww.example.cn\n\n您的位置：首页 > 新闻 > 正文\n\n{HEADLINE}\n\n"
        "www.example.cn　2012年01月11日 15:29:18　来源：某某日报"
    )
    assert title_of(head) == HEADLINE


def test_a_hotline_over_the_menus_is_not_the_title() -> None:
    head = (
        "报料热线：0000-12345678\n加入收藏\n设为首页\n\n首页 | 新闻 | 财经 | 体育\n\n"
        f"当前位置：首页 > 国内新闻\n\n{HEADLINE}\n\n2012-1-17 13:08:57\n来源：某某网"
    )
    assert title_of(head) == HEADLINE


def test_a_sidebars_headlines_above_the_article_are_not_the_title() -> None:
    sidebar = "\n".join(
        f"・某区{name}活动举行" for name in ("迎新春文艺", "志愿服务", "科技周", "读书月", "招聘")
    )
    head = f"{sidebar}\n\n首页 >> 新闻 >> 本地新闻\n\n{HEADLINE}\n\n时间： 2012-01-12 16:01:03"
    assert title_of(head) == HEADLINE


def test_a_bracket_tagged_list_above_the_article_is_not_the_title() -> None:
    sidebar = "\n\n".join(
        f"[{tag}]某款新手机{what}" for tag, what in (("导购", "值得期待"), ("评测", "续航出色"))
    )
    head = (
        f"今日导读\n\n{sidebar}\n\n[报价]某款平板降价\n\n热点推荐\n\n"
        f"某某网首页 > 手机频道 > 行业新闻\n\n{HEADLINE}\n\n2012年01月17日 18:26"
    )
    assert title_of(head) == HEADLINE


def test_a_loading_placeholder_is_not_the_title() -> None:
    head = f"正在加载中...\n\n{HEADLINE}\n\n2012年01月10日 08:00　来源：某某网"
    assert title_of(head) == HEADLINE


def test_a_breadcrumb_ending_with_the_headline_is_not_the_title() -> None:
    head = (
        f"某某网首页 > 新闻中心 > 本地新闻 > {HEADLINE}\n\n{HEADLINE}\n\n"
        "某某网 作者：某某 2012年01月17日 17:40"
    )
    assert title_of(head) == HEADLINE


def test_a_headline_marked_as_having_pictures_is_the_title() -> None:
    head = f"您现在的位置：首页 > 本地 > 正文\n\n{HEADLINE}（图）\n\n2011-12-16 01:01\n来源：某某报"
    assert title_of(head) == HEADLINE + "（图）"


def test_a_wire_dateline_with_the_headline_in_it_is_not_the_title() -> None:
    head = f"{HEADLINE}\n\n2012年01月17日 15:21 来源：某某网\n\n某某社某市1月17日电 题：{HEADLINE}"
    assert title_of(head) == HEADLINE


def test_a_keyword_tag_over_the_headline_is_not_the_title() -> None:
    head = f"当前位置：某某网 >> 资讯 >>\n\n地铁三号线\n\n{HEADLINE}\n\n发布时间：2012-01-12"
    assert title_of(head) == HEADLINE


def test_a_sidebar_copy_of_the_headline_after_the_article_leaves_the_title_in_place() -> None:
    text = (
        f"首页 > 新闻\n\n{HEADLINE}\n\n2012年01月10日 10:22　来源：某某网\n\n{ARTICLE}\n\n"
        f"相关新闻\n\n| 某市公交新开三条线路\n\n| {HEADLINE}\n\n| 某市出租车调价听证会召开"
    )
    assert extract_structure(text).metadata.title == HEADLINE


TRADITIONAL = """會員登入｜加入會員｜設成首頁
首頁 > 新聞 > 社會新聞

記者 王小明／台北報導
某市捷運新線今日通車 民眾搶搭
發表時間：2012-01-12 11:40
字級設定：小 中 大

　　某市捷運新線今天上午正式通車，沿線設有十二個車站，大批民眾一早就到車站排隊搶搭首班車。
　　市府表示，新線通車後，從市區到機場只需要二十五分鐘，預計每天可以疏運八萬人次。"""


def test_a_traditional_pages_title_is_found() -> None:
    config = PipelineConfig()
    prepared = prepare_document(
        RawDocument("page.txt", TRADITIONAL.encode("utf-8")), config, SimplifiedConverter()
    )
    row = finish_document(prepared, config, frozenset())
    assert row["title"] == "某市捷运新线今日通车 民众抢搭"


def test_every_weight_names_a_feature_and_every_feature_has_a_weight() -> None:
    assert set(title_tables().weights) == {*FEATURES, "first_candidate"}
    assert set(title_tables().pair_objections) <= set(title_tables().weights)


def test_keys_and_pairs() -> None:
    assert text_key("・某市：地铁（图）") == "某市地铁图"
    assert char_pairs("地铁") == {"地铁"} and char_pairs("地") == set()


def test_the_headline_outscores_the_lines_around_it() -> None:
    text = f"报料热线：0000-12345678\n\n首页 > 新闻\n\n{HEADLINE}\n\n2012-01-10 10:20\n\n{ARTICLE}"
    lines = split_lines(text)
    page = Page(lines, [describe(line, 60, 64, 8) for line in lines])
    scores = {lines[i].content: c.score for i, c in scored_candidates(PageView(page, 5)).items()}
    assert max(scores, key=scores.__getitem__) == HEADLINE
    assert scores[HEADLINE] >= title_tables().min_score


def test_a_short_headline_at_the_end_of_a_menu_is_the_title() -> None:
    text = (
        "首页\n\n新闻\n\n社会\n\n网购年菜 注意保存\n\n发表时间：2012-01-12 11:40\n\n"
        "　　卫生部门日前针对超商预购以及网购年菜进行调查，提醒民众收到年菜后注意保存方式。\n"
        "　　专家建议，年菜收到后应立即冷藏，食用前彻底加热。"
    )
    result = extract_structure(text)
    assert result.metadata.title == "网购年菜 注意保存"
    assert result.line_kinds[:5] == ("nav", "", "nav", "", "nav")


def test_a_headline_in_spaced_words_is_the_title_though_shaped_like_a_menus_row() -> None:
    headline = "苹果 新款 iPad 下月 发表"
    text = (
        f"首页 > 科技 > 正文\n\n{headline}\n\n2012-01-17 10:20 来源：某某网\n\n"
        "　　据外电报道，苹果新款iPad将于下月发表，新机配备更高分辨率的屏幕与更快的处理器。\n"
        "　　分析师认为，新款iPad发表后，平板电脑市场的竞争将更加激烈。"
    )
    assert extract_structure(text).metadata.title == headline


def test_a_headline_the_sites_other_pages_list_too_is_the_title() -> None:
    from transforms.structure.boilerplate import line_key

    standing = ["某某新闻网", "首页 | 新闻 | 财经 | 体育 | 娱乐", "热门新闻"]
    text = "\n\n".join(
        [*standing[:2], "首页 > 本地", HEADLINE, "2012-01-10 10:22　来源：某某网", ARTICLE]
    )
    text += "\n\n" + "\n\n".join([standing[2], "某市公交新开三条线路", "某市出租车调价听证会召开"])
    recurring = frozenset(line_key(line) for line in [*standing, HEADLINE, "某市公交新开三条线路"])
    result = extract_structure(text, recurring_keys=recurring)
    assert result.metadata.title == HEADLINE


def evidence_by_text(text: str) -> dict[str, set[str]]:
    """The features that apply to each candidate of a page, by the candidate's text."""
    from transforms.structure.titles import features

    lines = split_lines(text)
    page = Page(lines, [describe(line, 60, 64, 8) for line in lines])
    view = PageView(page, 5)
    found, first = {}, True
    for index in view.solid:
        if view.candidate[index]:
            values = features(view, index, first)
            found[lines[index].content] = {name for name, value in values.items() if value}
            first = False
    return found


def test_the_features_of_a_headline_and_of_a_sidebars_items() -> None:
    sidebar = "\n".join(f"・某区{name}活动举行" for name in ("迎新春", "志愿服务", "科技周"))
    text = (
        f"{sidebar}\n\n某某网 > 新闻 > {HEADLINE}\n\n{HEADLINE}\n\n"
        f"2012-01-10 10:20 来源：某某网\n\n{ARTICLE}"
    )
    evidence = evidence_by_text(text)
    assert {"header_below", "nav_above", "breadcrumb_tail", "body_near", "body_overlap"} <= (
        evidence[HEADLINE]
    )
    assert {"in_list", "list_marker"} <= evidence["・某区志愿服务活动举行"]
    assert "header_below" not in evidence["・某区志愿服务活动举行"]


def test_a_channel_name_over_a_headline_with_no_dateline_is_no_kicker() -> None:
    assert title_of(f"某某网城市频道\n\n{HEADLINE}") == HEADLINE


def test_a_headline_trailing_off_in_an_ellipsis_may_still_be_the_title() -> None:
    headline = "某市地铁三号线开通：终于等到你……"
    head = f"首页 > 新闻\n\n{headline}\n\n2012-01-10 10:20 来源：某某网"
    assert title_of(head) == headline


def test_a_documents_title_quoted_under_the_articles_dateline_is_not_the_title() -> None:
    text = (
        "首页 > 财经 > 正文\n\n某省小微企业所得税减半政策延长三年\n\n2011-12-09 20:30\n\n财政部\n\n"
        "字号：大 中 小\n\n关于小型企业所得税优惠政策有关问题的通知\n\n财税〔2011〕117号\n\n"
        "各省、自治区、直辖市财政厅（局），国家税务局、地方税务局：\n\n"
        "　　为了进一步支持小型企业发展，经国务院批准，现就小型企业所得税政策通知如下。\n"
        "　　自2012年1月1日至2015年12月31日，对年应纳税所得额低于6万元的小型企业，"
        "其所得减按50%计入应纳税所得额。"
    )
    assert extract_structure(text).metadata.title == "某省小微企业所得税减半政策延长三年"
