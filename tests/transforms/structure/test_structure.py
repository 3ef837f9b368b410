"""The structure stage as a whole, on small made-up pages of the kinds the pipeline meets."""

import datetime

import pytest

from transforms.structure.extract import StructureConfig, StructuredDocument, extract_structure
from transforms.structure.metadata import CHINA_TIME

PORTAL = """某某县人民政府
首页 | 政务公开 | 办事服务 | 互动交流
当前位置：首页 > 政务公开 > 部门动态

某某县推进农村公路建设
发布时间：2023-04-18 09:42　　来源：某某县交通运输局　　浏览次数：1268
【字体：大 中 小】【打印】【关闭】

　　今年以来，某某县把农村公路建设作为民生实事，全年新建改造农村公路120公里。
　　一、坚持规划先行
　　县交通运输局会同有关部门逐村踏勘，科学编制建设规划，优先保障通村通组道路。
　　二、强化质量监管
　　项目实行全过程监理，县里每月组织一次质量抽查，发现问题限期整改。

责任编辑：某某
上一篇：某某县召开安全生产工作会议
相关新闻
· 某乡通组公路全面完工
· 某某县启动公路养护月活动
主办单位：某某县人民政府办公室　闽ICP备00000000号"""


def kinds_by_text(text: str, result: StructuredDocument) -> dict[str, str]:
    return {
        line.strip(): kind
        for line, kind in zip(text.split("\n"), result.line_kinds, strict=True)
        if line.strip()
    }


def assert_every_line_accounted_for(text: str, result: StructuredDocument) -> None:
    lines = text.split("\n")
    assert len(result.line_kinds) == len(lines)
    removed = {segment.line: segment for segment in result.removed}
    body = "".join(result.paragraphs)
    for number, (line, kind) in enumerate(zip(lines, result.line_kinds, strict=True), 1):
        if not line.strip():
            assert kind == "" and number not in removed
        elif kind in ("body", "heading"):
            assert number not in removed
            assert all(piece in body for piece in line.split())
        else:
            assert removed[number].kind == kind and removed[number].text == line


def test_a_portal_article_is_taken_apart() -> None:
    result = extract_structure(PORTAL)
    assert_every_line_accounted_for(PORTAL, result)
    kinds = kinds_by_text(PORTAL, result)
    assert kinds["某某县人民政府"] == "nav"  # the site's name, above its menu
    assert kinds["某某县推进农村公路建设"] == "title"
    assert kinds["【字体：大 中 小】【打印】【关闭】"] == "nav"
    assert kinds["责任编辑：某某"] == "byline"
    assert kinds["· 某乡通组公路全面完工"] == "sidebar"
    assert kinds["主办单位：某某县人民政府办公室　闽ICP备00000000号"] == "footer"
    assert len(result.paragraphs) == 5 and result.paragraphs[1] == "一、坚持规划先行"
    assert result.metadata.title == "某某县推进农村公路建设"
    assert result.metadata.source == "某某县交通运输局"
    assert result.metadata.published_at == datetime.datetime(2023, 4, 18, 9, 42, tzinfo=CHINA_TIME)
    assert result.metadata.author is None  # an editor is not the author
    assert result.flags == ()


def test_a_sites_name_is_not_the_title_even_without_a_menu_under_it() -> None:
    text = PORTAL.replace("首页 | 政务公开 | 办事服务 | 互动交流\n", "")
    text = text.replace("当前位置：首页 > 政务公开 > 部门动态\n\n", "")
    assert text.startswith("某某县人民政府\n某某县推进农村公路建设\n")
    result = extract_structure(text)
    assert result.metadata.title == "某某县推进农村公路建设"
    assert result.line_kinds[0] == "nav"


def test_half_width_and_full_width_punctuation_read_the_same() -> None:
    half = PORTAL.replace("：", ":").replace("，", ",")
    assert extract_structure(half).line_kinds == extract_structure(PORTAL).line_kinds


NEWSPAPER = """某某日报　2024年1月9日　星期二
02　要闻

让群众喝上“放心水”
某某县城乡供水一体化工程全面完工
本报记者　某某某　通讯员　某某

　　1月8日，随着最后一段输水管网通水，历时三年建设的城乡供水一体化工程全面完工。
　　工程建成后，全县农村自来水普及率由86.5%提高到99.2%，
（下转第3版）

某某日报　2024年1月9日　星期二
03　综合
某某县城乡供水一体化工程全面完工
（上接第2版）
农村供水保证率达到95%以上，群众吃水难问题彻底解决。"""


def test_a_newspaper_page_with_kicker_and_continuation() -> None:
    result = extract_structure(NEWSPAPER)
    assert_every_line_accounted_for(NEWSPAPER, result)
    kinds = kinds_by_text(NEWSPAPER, result)
    assert kinds["让群众喝上“放心水”"] == "subtitle"  # the kicker: only the title is repeated
    assert kinds["02　要闻"] == "nav"
    assert [segment.kind for segment in result.removed].count("title_repeat") == 1
    assert result.metadata.title == "某某县城乡供水一体化工程全面完工"
    assert result.metadata.source == "某某日报"
    assert result.metadata.author == "某某某 某某"
    assert result.metadata.published_date == datetime.date(2024, 1, 9)
    assert result.metadata.published_at is None  # no time of day on the page
    assert result.metadata.continuation == "下转第3版"
    assert result.paragraphs[-1].startswith("工程建成后") and result.paragraphs[-1].endswith(
        "解决。"
    )
    assert result.flags == ()


def test_a_body_printed_before_its_title_and_printed_twice_is_kept_once() -> None:
    body = "什么是幸福？老人说：“住在这样的社区，就是幸福。” 党的十九大以来，某市不断提升治理水平。"
    text = f"|\n□ 本报记者 某某\n{body}\n|\n某市全力推进社会治理现代化\n|\n群众安居乐业\n|\n"
    text += f"( 2022-10-12 ) 稿件来源: 某某日报要闻 |\n□ 本报记者 某某\n{body}\n|"
    result = extract_structure(text)
    assert_every_line_accounted_for(text, result)
    assert result.line_kinds[2] == "body" and result.line_kinds[10] == "duplicate"
    assert result.paragraphs == (
        "什么是幸福？老人说：“住在这样的社区，就是幸福。”",
        "党的十九大以来，某市不断提升治理水平。",
    )
    metadata = result.metadata
    assert (metadata.title, metadata.subtitle) == ("某市全力推进社会治理现代化", "群众安居乐业")
    assert (metadata.source, metadata.author) == ("某某日报", "某某")


SERIES = """在全市开展“治理一线”系列访谈，展示各地推进基层治理的新思路、新举措。
以“小切口”
推动基层治理“大变化”
某区委书记　某某某
近年来，某区坚持把抓基层、打基础作为长远之计，推动治理重心下移。
把网格织密织实
全区划分为486个网格，每个网格配备专职网格员，做到人在网中走、事在格中办。
社区网格员入户走访独居老人
把服务送到门口
全区所有社区建成党群服务中心，推行“一窗受理、全科服务”。"""


def test_a_column_introduction_before_the_repeated_title_and_a_caption() -> None:
    text = "以“小切口”推动基层治理“大变化”\n" + SERIES
    result = extract_structure(text)
    assert_every_line_accounted_for(text, result)
    kinds = kinds_by_text(text, result)
    assert kinds["以“小切口”"] == kinds["推动基层治理“大变化”"] == "title_repeat"
    assert kinds[SERIES.split("\n")[0]] == "column_intro"
    assert kinds["社区网格员入户走访独居老人"] == "caption"
    assert kinds["把网格织密织实"] == kinds["把服务送到门口"] == "heading"
    assert result.metadata.author == "某某某"


def test_a_statistics_box_after_the_article_is_a_sidebar() -> None:
    text = (
        "某市养老服务提质增效\n近年来，某市大力发展社区养老服务，群众满意度持续提升。\n\n"
        "某某某 某市民政局局长\n\n数说养老\n\n612个\n\n- 社区养老服务站\n\n97%以上\n\n- 老人满意率"
    )
    result = extract_structure(text)
    assert_every_line_accounted_for(text, result)
    assert [segment.kind for segment in result.removed] == ["title"] + ["sidebar"] * 6
    assert result.metadata.author is None


def test_an_interview_cut_mid_answer_is_flagged_truncated() -> None:
    text = (
        "守好群众健康第一道关口\n——访某县卫生健康局局长某某某\n"
        "记者：今年以来，基层医疗机构建设有哪些进展？\n"
        "某某某：我们把“小病不出乡”作为目标，重点抓了乡镇卫生院标准化建设，推动优质资源下沉到\n"
        "记者：下一步还有哪些打算？"
    )
    result = extract_structure(text)
    assert result.flags == ("truncated",)
    assert len(result.paragraphs) == 3
    assert result.metadata.subtitle == "访某县卫生健康局局长某某某"
    assert result.metadata.author is None  # the interviewee is not the author


def test_a_headline_right_before_the_prose_is_a_subtitle_unless_sections_follow() -> None:
    deck = "某县新建农村公路120公里\n通村公路实现全覆盖，惠及群众20万人\n今年以来，某县加快建设。"
    assert extract_structure(deck).metadata.subtitle == "通村公路实现全覆盖，惠及群众20万人"
    sections = (
        "某县推进农村公路建设\n加强规划引领\n县里逐村踏勘，科学编制建设规划，优先保障通村道路。\n"
        "强化质量监管\n项目实行全过程监理，每月组织一次质量抽查，发现问题限期整改。"
    )
    result = extract_structure(sections)
    assert result.metadata.subtitle is None
    assert result.line_kinds == ("title", "heading", "body", "heading", "body")


def test_a_page_with_nothing_but_prose_has_no_title() -> None:
    text = (
        "某市地处山区，近年来持续推进平安建设。\n强化牵头抓总，凝聚平安建设共识\n"
        "全面落实平安建设领导责任制，市委书记、市长每年与各县签订责任书，形成齐抓共管的责任体系。"
    )
    result = extract_structure(text)
    assert result.metadata.title is None
    assert result.line_kinds == ("body", "heading", "body")


@pytest.mark.parametrize("text", ["", "\n\n", "|", "　　"])
def test_empty_pages(text: str) -> None:
    result = extract_structure(text)
    assert result.paragraphs == ()
    assert len(result.line_kinds) == len(text.split("\n"))


def test_the_result_is_deterministic_and_the_configuration_is_used() -> None:
    assert extract_structure(PORTAL) == extract_structure(PORTAL)
    strict = StructureConfig(title_min_chars=20)
    assert extract_structure(PORTAL, strict).metadata.title is None


GALLERY = """某某新闻网
首页 | 新闻 | 图片 | 视频 | 专题

组图：某乡千亩油菜花开 游客踏青赏春忙
2019.03.16 10:12　来源：某某晚报
摄影：程某

　　连日来，随着气温回升，某乡千余亩油菜花竞相绽放，吸引了大批游客前来踏青赏花。
　　近年来，该乡依托油菜花海连续举办文化旅游节，带动周边农户增收。

1/3
航拍镜头下，层层叠叠的油菜花田与村庄交织，勾勒出一幅田园画卷。某某晚报记者 程某 摄
2/3
几名小朋友在花田间的木栈道上奔跑嬉戏。
3/3
蜂农在花田边查看蜂箱。花期正是采蜜的好时节，今年他家的蜜蜂预计可产蜜600多公斤。

< 上一张　　下一张 >　　【返回列表】
相关图集
组图：某镇樱花绽放春意浓
版权所有 某某新闻网"""


def test_a_gallerys_captions_follow_its_picture_counters() -> None:
    result = extract_structure(GALLERY)
    assert_every_line_accounted_for(GALLERY, result)
    kinds = kinds_by_text(GALLERY, result)
    assert result.metadata.title == "组图：某乡千亩油菜花开 游客踏青赏春忙"
    assert kinds["摄影：程某"] == "byline" and result.metadata.author is None
    assert kinds["几名小朋友在花田间的木栈道上奔跑嬉戏。"] == "caption"
    assert kinds["2/3"] == "nav" and kinds["组图：某镇樱花绽放春意浓"] == "sidebar"
    assert len(result.paragraphs) == 2


APP_PAGE = """某某新闻
打开APP

某某大桥主塔封顶 预计明年底通车

某某新闻客户端
2024-01-18 12:46
关注

　　某某新闻客户端消息，1月18日上午，某某大桥主塔顺利封顶，大桥建设进入关键阶段。
展开全文
　　大桥全长11.6公里，建成后市区至海岛的车程将缩短至20分钟。
（某某记者 韩某 孟某）
打开APP阅读更多精彩内容"""


def test_a_mobile_pages_app_chrome_and_account_line() -> None:
    result = extract_structure(APP_PAGE)
    assert_every_line_accounted_for(APP_PAGE, result)
    kinds = kinds_by_text(APP_PAGE, result)
    assert result.metadata.title == "某某大桥主塔封顶 预计明年底通车"
    assert kinds["某某新闻客户端"] == "dateline" and result.metadata.source is None
    assert {kinds[line] for line in ("打开APP", "关注", "展开全文", "打开APP阅读更多精彩内容")} == {
        "nav"
    }
    assert result.metadata.author == "韩某 孟某"
    assert result.metadata.published_at == datetime.datetime(2024, 1, 18, 12, 46, tzinfo=CHINA_TIME)
    assert len(result.paragraphs) == 2


COMPANY_PAGE = """某某能源集团有限公司
网站首页 集团概况 新闻中心 企业动态 党建工作 联系我们
新闻中心 > 企业动态

某地：集团首座智慧电站并网发电
点击数：842

　　近日，由集团投资建设的智慧电站顺利并网发电，标志着集团在新能源领域迈出了新步伐。
　　集团相关负责人表示，下一步将加快推进分布式光伏和储能项目布局。

友情链接：
某某市人民政府  某某省能源局
版权所有 某某能源集团有限公司"""


def test_a_company_name_over_its_menu_is_no_title_and_a_footer_row_stays_footer() -> None:
    result = extract_structure(COMPANY_PAGE)
    assert_every_line_accounted_for(COMPANY_PAGE, result)
    kinds = kinds_by_text(COMPANY_PAGE, result)
    assert kinds["某某能源集团有限公司"] == "nav"
    assert kinds["网站首页 集团概况 新闻中心 企业动态 党建工作 联系我们"] == "nav"
    assert result.metadata.title == "某地：集团首座智慧电站并网发电"  # a 地名： headline
    assert kinds["某某市人民政府  某某省能源局"] == "footer"
    assert result.metadata.published_at is None


EPAPER = """某某日报　2024年6月18日　星期二
第05版：经济

夏粮收购首周
全省入库小麦超过四十万吨
本报记者　某某某

　　6月17日，记者从省粮食和物资储备局获悉，全省夏粮收购进展总体平稳。
　　省粮食和物资储备局有关负责人表示，下一步将加强市场监测。

本版责编：某某　美术编辑：某某
上一篇　　下一篇"""


def test_a_newspapers_short_kicker_stands_above_its_headline() -> None:
    result = extract_structure(EPAPER)
    assert result.metadata.title == "全省入库小麦超过四十万吨"
    assert result.metadata.subtitle == "夏粮收购首周"
    kinds = kinds_by_text(EPAPER, result)
    assert kinds["本版责编：某某　美术编辑：某某"] == "byline"
    assert kinds["上一篇　　下一篇"] == "nav"
    assert result.metadata.author == "某某某"  # the page's editors are not its authors


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # no masthead: a portal's title comes first
        ("某某网\n\n夏粮收购首周\n全省入库小麦超过四十万吨", "夏粮收购首周"),
        # a second line with clauses elaborates: a subtitle
        ("某某日报　2024年6月18日\n\n夏粮收购首周\n全省入库小麦41万吨，增加5万吨", "夏粮收购首周"),
        # a first line about as long as the second: the title
        ("某某日报　2024年6月18日\n\n夏粮收购启动首周\n入库小麦超四十万吨", "夏粮收购启动首周"),
    ],
)
def test_the_first_of_two_headlines_stays_the_title_without_kicker_evidence(
    head: str, title: str
) -> None:
    text = head + "\n本报记者　某某某\n\n　　6月17日，记者从省粮食局获悉，夏粮收购进展平稳。"
    assert extract_structure(text).metadata.title == title


PHOTO_REPORT = """某某马拉松鸣枪开跑
2024年11月18日 08:02　来源：某某日报

　　11月17日7时30分，某某马拉松在市民广场鸣枪开跑，2.6万名选手参赛。
　　选手途经江边赛道。
　　新华社记者 某某 摄
　　经过激烈角逐，某某选手以2小时09分41秒获得男子全程冠军。
　　“沿海风大，后半程有点吃力。”他说。
　　据了解，赛事期间全市酒店入住率达93%。

【嘉宾名片】
某某，1975年生，历史学硕士，现任某市体育局局长。

编辑：某某"""


def test_a_caption_over_its_lone_photo_credit_and_a_guest_card_after_the_body() -> None:
    result = extract_structure(PHOTO_REPORT)
    assert_every_line_accounted_for(PHOTO_REPORT, result)
    kinds = kinds_by_text(PHOTO_REPORT, result)
    assert kinds["选手途经江边赛道。"] == kinds["新华社记者 某某 摄"] == "caption"
    assert kinds["“沿海风大，后半程有点吃力。”他说。"] == "body"  # a paragraph has no credit
    assert kinds["【嘉宾名片】"] == "sidebar"
    assert kinds["某某，1975年生，历史学硕士，现任某市体育局局长。"] == "sidebar"
    assert len(result.paragraphs) == 4


NOTICE_WITH_DOWNLOADS = """关于开展安全隐患排查的通知
标　　题：\t关于开展安全隐患排查的通知
文　　号：\t某应急〔2022〕23号\t发布日期：\t2022年08月17日

各乡镇人民政府：
　　请于8月31日前完成辖区安全隐患排查，并将情况报县应急管理局。
　　附件：排查登记表
某某县应急管理局
2022年8月15日

附件：
1.排查登记表.xlsx
2.责任人名单.docx"""


def test_an_info_tables_spaced_labels_and_a_download_lists_label_are_not_body() -> None:
    result = extract_structure(NOTICE_WITH_DOWNLOADS)
    kinds = kinds_by_text(NOTICE_WITH_DOWNLOADS, result)
    assert result.metadata.title == "关于开展安全隐患排查的通知"
    assert kinds["标　　题：\t关于开展安全隐患排查的通知"] == "dateline"
    assert kinds["附件："] == kinds["1.排查登记表.xlsx"] == "nav"
    assert kinds["附件：排查登记表"] == "body"  # the notice's own attachment note
    assert result.paragraphs[-1] == "2022年8月15日"


MULTIPAGE = """某地湿地的十年修复
2022年04月22日 07:58　来源：某某日报

　　清晨的湿地，成群的黑脸琵鹭在浅滩上觅食，观鸟爱好者举着望远镜数了又数。
　　区里按照养殖年限和面积分档补偿，并在湿地公园安排就业岗位。曾经的养殖大户郑

1　2　下一页　尾页

某地湿地的十年修复
2022年04月22日 07:58　来源：某某日报

海生如今是一名巡护员，每天骑着电动车沿堤巡查。
　　“湿地修复是一场慢功夫，急不得，也停不得。”他说。

首页　上一页　1　2"""


def test_a_paragraph_cut_by_a_page_of_a_multipage_article_is_joined() -> None:
    result = extract_structure(MULTIPAGE)
    kinds = kinds_by_text(MULTIPAGE, result)
    assert kinds["1　2　下一页　尾页"] == kinds["首页　上一页　1　2"] == "nav"
    assert any("养殖大户郑海生如今" in paragraph for paragraph in result.paragraphs)
    assert result.flags == ()


def test_a_recurring_label_ending_in_a_colon_does_not_swallow_the_article() -> None:
    """A site's tool label over every article (调整字级：) recurs across the run and, ending
    in a colon, reads like a sentence before the article: it is boilerplate, and the article's
    paragraphs under it stay body (only a column's own mark, 开栏语：, introduces prose)."""
    from transforms.structure.boilerplate import line_key

    page = "\n".join(
        [
            "某某新闻网",
            "",
            "社区诊所漏看肿瘤 法院判赔百万",
            "某某新闻 2012-01-17 16:04",
            "调整字级：",
            "",
            "一位旅居海外的工程师四年前回乡做健康检查，医师没有发现他的片子有异常，两年后确诊。",
            "",
            "诊所方面表示，这类肿瘤位置特殊，一般不容易判读，法院认为诊所仍有疏失，判决赔偿。",
            "",
            "家属说，希望这起判决能让更多医疗机构重视复查，不要再让病人错过治疗的时机。",
        ]
    )
    recurring = frozenset({line_key("某某新闻网"), line_key("调整字级：")})
    result = extract_structure(page, recurring_keys=recurring)
    kinds = kinds_by_text(page, result)
    assert kinds["调整字级："] == "column_intro"  # recurring, before the article: kept out
    assert len(result.paragraphs) == 3
    assert result.paragraphs[0].startswith("一位旅居海外的工程师")
    assert_every_line_accounted_for(page, result)


PHOTO_STORY = """某某网 > 新闻中心 > 滚动新闻 > 正文
社区开通农民工维权绿色通道（图）
2011-12-16 01:23:34 来源：某某日报
12月6日，某区某社区为农民工开设“维权绿色通道”，及时、高效地提高农民工的维权效率，降低农民工维权成本，确保农民工的血汗钱得到保障。新华社发
（本文来源：某某网）
【有0人参与】
车主集结令，8种好礼送不停，车险怎么买划算，专家来支招"""


def test_a_photo_storys_caption_is_its_article_and_a_headline_tag_is_no_caption() -> None:
    """A page whose only running text is its picture's caption, under a title tagged （图）:
    the caption is the article (not the advertisement further down), the title is the title."""
    result = extract_structure(PHOTO_STORY)
    kinds = kinds_by_text(PHOTO_STORY, result)
    assert kinds["社区开通农民工维权绿色通道（图）"] == "title"
    assert result.metadata.title == "社区开通农民工维权绿色通道（图）"
    assert len(result.paragraphs) == 1 and result.paragraphs[0].startswith("12月6日")
    assert "车主集结令" not in result.paragraphs[0]
    assert_every_line_accounted_for(PHOTO_STORY, result)


def test_a_caption_ending_in_a_bracketed_picture_mark_after_a_sentence_stays_a_caption() -> None:
    page = "\n".join(
        [
            "某地举行春季植树活动",
            "",
            "　　今天上午，三百多名志愿者来到河边，种下一千多株树苗。",
            "志愿者在河边植树。（图）",
            "",
            "　　活动持续了一整天，参加的市民表示，明年还要再来。",
        ]
    )
    kinds = kinds_by_text(page, extract_structure(page))
    assert kinds["志愿者在河边植树。（图）"] == "caption"
