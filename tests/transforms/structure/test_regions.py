"""The article region: prose outside the page's one article goes to removed, with its kind."""

from transforms.structure import extract_structure
from transforms.structure.lines import split_lines
from transforms.structure.regions import article_region

MENU = "\n".join(["首页", "新闻", "财经", "体育", "娱乐", "科技", "汽车", "房产", "教育", "旅游"])

BLOG_WITH_COMMENTS = f"""{MENU}

桐湾老街的一个清晨
2024-03-02 07:40　作者：江边散步的人

天刚亮，桐湾老街的早点铺子就升起了白汽，卖豆浆的阿婆一边收钱一边和熟客聊着昨晚的雨。
沿着石板路往东走，修鞋摊、裁缝铺和一家开了四十年的理发店挨在一起，门口都摆着小板凳。
我在街口买了两个烧饼，坐在河边的台阶上看船慢慢靠岸，觉得这一天可以过得很慢很慢。

{MENU}
网友评论
登录
注册
发表
网友 小桥流水 2024-03-02 09:12
我小时候也在这样的老街上长大，现在想起来还是觉得那种烟火气最让人怀念，谢谢作者写出来。"""

PORTAL_WITH_RELATED = f"""{MENU}

云溪县新建三座乡村图书室
2024-05-10 10:05　来源：云溪县融媒体中心

今年以来，云溪县在三个行政村新建乡村图书室，每座藏书三千册以上，并配有阅读桌椅和电脑。
图书室由村委会安排专人管理，每周开放五天，周末还将组织亲子阅读和农技讲座等活动。

{MENU}
南屿镇举办首届农民读书节，来自十二个村的两百多名村民参加了朗读比赛和图书交换活动。"""


def kind_of(text: str, page: str) -> str:
    result = extract_structure(page)
    lines = page.split("\n")
    return result.line_kinds[next(i for i, line in enumerate(lines) if line.startswith(text))]


def test_a_comment_under_a_blog_post_is_not_the_article() -> None:
    result = extract_structure(BLOG_WITH_COMMENTS)
    assert len(result.paragraphs) == 3
    assert result.paragraphs[0].startswith("天刚亮")
    assert kind_of("我小时候也在", BLOG_WITH_COMMENTS) == "comment"  # under a post header


def test_a_teaser_abstract_after_the_menus_is_not_the_article() -> None:
    result = extract_structure(PORTAL_WITH_RELATED)
    assert [paragraph[:4] for paragraph in result.paragraphs] == ["今年以来", "图书室由"]
    assert kind_of("南屿镇举办", PORTAL_WITH_RELATED) == "related"


def test_the_region_is_the_run_of_kept_lines_chrome_does_not_outweigh() -> None:
    lines = split_lines(
        "甲" * 29 + "。\n菜单\n" + "乙" * 29 + "。\n" + "\n".join(["菜单"] * 5) + "\n丙，丁。"
    )
    kinds = ["body", "nav", "body"] + ["nav"] * 5 + ["body"]
    assert article_region(lines, kinds, cost=20) == (0, 2)  # one menu line is crossed, five not


def test_a_block_of_numbered_teasers_does_not_outweigh_a_short_article() -> None:
    """Kept lines without a clause in them (01. 某地新闻标题) weigh nothing: twenty teasers
    under the footer are not the article, the three paragraphs at the top are."""
    article = ["某地今天发布通知，明确了春运期间的客运安排，旅客可以提前在网上购票。"] * 3
    teasers = [f"{number:02d}. 某地新闻标题第{number}条" for number in range(1, 21)]
    lines = split_lines("\n".join([*article, "返回首页", "相关文章", "联系我们", *teasers]))
    kinds = ["body"] * 3 + ["nav"] * 3 + ["body"] * 20
    assert article_region(lines, kinds, cost=20) == (0, 2)


def test_a_heading_above_and_a_signature_under_the_prose_belong_to_it() -> None:
    lines = split_lines("菜单\n一、工作安排\n今年的工作，分三步完成。\n某某县人民政府\n菜单")
    kinds = ["nav", "heading", "body", "body", "nav"]
    assert article_region(lines, kinds, cost=20) == (1, 3)
