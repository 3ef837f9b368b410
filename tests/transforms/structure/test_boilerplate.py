"""Cross-document evidence: count line keys over a run first, then classify each page.

The small corpus below is a run of four pages from one made-up portal: the same header, menu,
column introduction and footer, different articles.
"""

from transforms.structure.boilerplate import (
    document_line_keys,
    line_key,
    line_key_hash,
    line_keys_by_line,
    normalize_line,
    recurring_keys,
)
from transforms.structure.extract import StructureConfig, extract_structure

HEADER = "某某县融媒体中心\n要闻 · 民生 · 文旅 · 视点\n"
INTRO = "为展示基层治理的生动实践，本网推出“治理一线”系列报道，敬请关注。\n"
FOOTER = "\n欢迎扫描下方二维码关注我们\n某某县融媒体中心 版权所有 2023\n"
ARTICLES = [
    "某镇推进农村人居环境整治\n全镇完成改厕1200户，村庄保洁实现全覆盖。\n"
    "镇里还建立“红黑榜”，每月评比一次，群众参与热情高涨。",
    "某村探索积分制管理\n村民参加志愿服务可以获得积分，积分能在超市兑换生活用品。\n"
    "一年来，全村累计发放积分3万余分，村风民风明显好转。",
    "某街道打造“十五分钟便民圈”\n街道新建社区食堂3个、托育点2个，方便居民就近办事。\n"
    "居民李某说：“下楼就能吃上热乎饭，省心多了。”",
    "某社区成立调解工作室\n今年以来，工作室共调解邻里纠纷86起，调解成功率达97%。\n"
    "工作室还定期开展法律咨询活动，把矛盾化解在萌芽状态。",
]
PAGES = [HEADER + INTRO + article + FOOTER for article in ARTICLES]


def test_line_keys_ignore_digits_punctuation_width_and_case() -> None:
    assert line_key("版权所有 © 2019 某某网") == line_key("版权所有©2023某某网")
    assert line_key("发布时间:2023-05-11") == line_key("发布时间：2024－01－02")
    assert line_key("ABC新闻") == line_key("abc新闻")
    assert line_key("某某网") != line_key("某某报")
    assert line_key(" | ") == "" and line_key("") == ""
    assert normalize_line("第12版：要闻") == "第00版要闻"


def test_a_document_counts_each_key_once() -> None:
    keys = document_line_keys("首页\n正文一。\n首页\n\n|\n正文二。")
    assert len(keys) == 3


def test_keys_found_in_k_documents_recur() -> None:
    corpus = [document_line_keys(page) for page in PAGES]
    recurring = recurring_keys(corpus, min_documents=3)
    assert line_key("某某县融媒体中心") in recurring
    assert line_key(INTRO.strip()) in recurring
    assert line_key("某镇推进农村人居环境整治") not in recurring
    assert recurring_keys(corpus[:2], min_documents=3) == frozenset()


def test_recurring_lines_leave_the_body_and_a_repeated_introduction_is_column_intro() -> None:
    recurring = recurring_keys((document_line_keys(page) for page in PAGES), min_documents=3)
    for page, article in zip(PAGES, ARTICLES, strict=True):
        result = extract_structure(page, StructureConfig(), recurring)
        kinds = dict(zip(page.split("\n"), result.line_kinds, strict=True))
        assert kinds[INTRO.strip()] == "column_intro"
        assert kinds["某某县融媒体中心"] in ("nav", "boilerplate")
        assert kinds["某某县融媒体中心 版权所有 2023"] == "footer"
        assert list(result.paragraphs) == article.split("\n")[1:]


def test_the_lines_keys_handed_in_as_hashes_classify_a_page_as_its_own_keys_do() -> None:
    # what the flow does: each line's key hashed once when the run counts keys, and the
    # run's recurring hashes asked with them, no page keyed again
    by_line = [
        [line_key_hash(key) if key else 0 for key in line_keys_by_line(page)] for page in PAGES
    ]
    recurring = recurring_keys([set(filter(None, hashes)) for hashes in by_line], 3)
    keyed = recurring_keys((document_line_keys(page) for page in PAGES), min_documents=3)
    for page, hashes in zip(PAGES, by_line, strict=True):
        given = extract_structure(page, StructureConfig(), recurring, line_keys=hashes)
        assert given == extract_structure(page, StructureConfig(), keyed)
        assert "column_intro" in given.line_kinds
    # the keys are the lines' own: one line off, the page's recurring lines are not found
    first = extract_structure(PAGES[0], StructureConfig(), recurring, line_keys=by_line[0])
    shifted = [0, *by_line[0][:-1]]
    off = extract_structure(PAGES[0], StructureConfig(), recurring, line_keys=shifted)
    assert off.line_kinds != first.line_kinds


def test_without_the_runs_evidence_the_introduction_stays_in_the_body() -> None:
    result = extract_structure(PAGES[0])
    assert INTRO.strip() in result.paragraphs


def test_long_prose_is_never_cross_document_boilerplate() -> None:
    long_line = "这是一段反复出现的很长的说明文字，" * 15 + "结束。"
    own = ["甲乙丙丁", "子丑寅卯", "东南西北", "春夏秋冬"]
    pages = [f"标题{word}\n{long_line}\n{(word + '，') * 80}完。" for word in own]
    recurring = recurring_keys((document_line_keys(page) for page in pages), 3)
    assert line_key(long_line) in recurring
    result = extract_structure(pages[0], StructureConfig(long_prose_chars=200), recurring)
    assert long_line in result.paragraphs
    shorter = extract_structure(pages[0], StructureConfig(long_prose_chars=1000), recurring)
    assert long_line not in shorter.paragraphs


def test_a_page_whose_prose_recurs_for_the_most_part_keeps_it() -> None:
    article = "某县召开会议\n会议传达了上级精神。\n会议部署了下一步工作。\n会议强调要狠抓落实。"
    pages = [article + f"\n第{index}次转载。" for index in range(4)]
    recurring = recurring_keys((document_line_keys(page) for page in pages), 3)
    result = extract_structure(pages[0], StructureConfig(), recurring)
    assert "会议部署了下一步工作。" in result.paragraphs


def test_numbered_section_headings_survive_recurrence() -> None:
    places = ["东城", "西城", "南城", "北城"]
    pages = [
        f"{place}报告\n一、基本情况\n{place}今年完成投资，同比增长。\n二、存在问题\n资金缺口较大。"
        for place in places
    ]
    recurring = recurring_keys((document_line_keys(page) for page in pages), 3)
    result = extract_structure(pages[0], StructureConfig(), recurring)
    assert "一、基本情况" in result.paragraphs
    assert "资金缺口较大。" not in result.paragraphs  # recurring short prose goes
