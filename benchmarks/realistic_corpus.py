"""A realistic benchmark corpus: unique pages from a few hundred invented site templates.

    python -m benchmarks.realistic_corpus --megabytes 20 --output DIR

Writes the pages under DIR/raw/<site>/<number>.txt and one JSON line per page to
DIR/manifest.jsonl (outside the input folder: the pipeline reads every file under raw/).

- Chrome: every template (300 by default) has its own site name, top bar, nav menu (one line
  with separators, two lines, or one item a line), search box, breadcrumb, meta line
  (发布时间/来源/作者/浏览次数 in its own order and date format), font-size and print line,
  share bar, editor line, previous/next links, a related-articles list, a sidebar ranking, a
  footer (copyright, ICP and 公网安备 numbers, address) and sometimes comments. The strings
  are fixed per template, so they recur across that site's pages as in real dumps; the values
  in them (dates, counts, teaser headlines) vary per page. All chrome text is invented here.
- Bodies: a title, sometimes a subtitle, a dateline or byline, paragraphs of sentences
  composed from a vocabulary (words cut from the project's own seed pages in data/raw, plus
  invented news words): no paragraph is ever written twice (checked).
- Sizes: lognormal, median ~10 KB, clipped to 1.5 KB .. 200 KB (long pages: many paragraphs).
- 3% exact copies of an earlier page (another file name, often another site), 3% near copies
  (a few sentences rewritten, counters and dates changed).
- Encodings: 70% UTF-8, 15% GB18030, 10% Big5 (text first converted with OpenCC s2tw;
  characters Big5 cannot hold are dropped and counted), 5% UTF-16 with BOM.

Deterministic for a given seed and size (one `random.Random`, lists only, no set order).
"""

import argparse
import hashlib
import json
import math
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "data" / "raw"

# (codec, Traditional first?, cumulative share)
ENCODINGS = (
    ("utf-8", False, 0.70),
    ("gb18030", False, 0.85),
    ("big5", True, 0.95),
    ("utf-16", False, 1.00),
)
EXACT_SHARE = 0.03
NEAR_SHARE = 0.03
MEDIAN_BYTES = 10_000
SIGMA = 0.85
MIN_BYTES, MAX_BYTES = 1_500, 200_000

# ---------------------------------------------------------------- invented vocabulary


def words(text: str) -> list[str]:
    return text.split()


PLACES = words(
    "北京 上海 天津 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 "
    "湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 "
    "石家庄 太原 沈阳 长春 哈尔滨 南京 杭州 合肥 福州 南昌 济南 郑州 武汉 长沙 广州 海口 成都 "
    "贵阳 昆明 西安 兰州 西宁 南宁 拉萨 银川 乌鲁木齐 苏州 无锡 宁波 温州 厦门 泉州 青岛 烟台 "
    "洛阳 宜昌 襄阳 株洲 深圳 珠海 佛山 东莞 绵阳 遵义 大理 宝鸡 天水 桂林 台北 高雄 台中 新竹"
)
SITE_SUFFIXES = words(
    "新闻网 日报 日报网 晚报 在线 人民政府 政府门户网站 融媒体中心 发布 新闻中心 广播电视台 "
    "教育局 发展和改革委员会 生态环境局 市场监督管理局 统计局 商务厅 文化和旅游厅 科技网 "
    "财经网 法治网 民生网 网信办 时报 商报 都市报 电视台 之窗 热线"
)
SECTIONS = words(
    "新闻 国内 国际 财经 体育 文化 教育 科技 健康 旅游 房产 汽车 评论 图片 视频 专题 政务公开 "
    "政策解读 通知公告 办事服务 互动交流 领导信息 机构设置 人事信息 统计数据 本地 社会 民生 "
    "法治 军事 娱乐 读书 乡村振兴 营商环境 招商引资 信息公开 在线访谈 征集调查 要闻 动态 基层 "
    "部门 区县 公示 双语 数字报 原创 深度 观察 访谈"
)
SURNAMES = words(
    "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹"
)
GIVEN = words(
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 桂 英 华 玉 萍 红 鹏 飞 "
    "晨 晓 宇 欣 然 婷 博 文 斌 雪 琳 凯 浩 宁 颖 锋 海 波 辉 健 亮 俊 倩 蕾 悦 佳 阳"
)
NEWS_WORDS = words(
    "高质量发展 产业升级 数字经济 营商环境 民生保障 基层治理 乡村振兴 生态保护 科技创新 "
    "人才引进 项目建设 招商引资 服务企业 安全生产 疫情防控 防汛抗旱 城市更新 老旧小区 "
    "公共服务 教育资源 医疗保障 养老服务 就业创业 社会保险 文化旅游 交通运输 现代农业 "
    "粮食安全 能源保供 碳达峰 新能源汽车 集成电路 人工智能 跨境电商 对外开放 自由贸易 "
    "区域协调 新型城镇化 市场主体 中小企业 金融服务 普惠金融 税费减免 政务服务 一网通办 "
    "法治建设 平安建设 矛盾纠纷 网格化管理 志愿服务 群众满意度 工作机制 实施方案 重点任务 "
    "统筹推进 持续深化 全面落实 扎实开展 积极探索 加快建设 不断完善 切实加强 有效提升 "
    "稳步推进 同比增长 环比下降 累计完成 占比 百分点 亿元 万人次 个项目 家企业 公里"
)
VERBS = words(
    "推进 落实 召开 部署 开展 发布 完成 实现 提升 加强 推动 组织 举办 启动 签约 建成 投用 "
    "出台 印发 调研 督导 检查 走访 慰问 座谈 培训 宣传 引导 支持 保障 服务 解决 优化 改善"
)
CONNECTORS = words(
    "据了解， 记者注意到， 与此同时， 此外， 下一步， 近年来， 截至目前， 据介绍， 会上， "
    "会议指出， 他表示， 她说， 对此， 今年以来， 另据统计， 值得一提的是， 在此基础上， "
    "具体来看， 总的来看，"
)
WEEKDAYS = words("星期一 星期二 星期三 星期四 星期五 星期六 星期日")
SHARE_TARGETS = words("微信 微博 QQ空间 QQ好友 朋友圈 复制链接 人人网 豆瓣 抖音 头条")
FOOTER_LINKS = words(
    "关于我们 联系我们 网站地图 法律声明 隐私政策 招聘信息 广告服务 投稿邮箱 意见反馈 "
    "网站纠错 使用帮助 无障碍浏览"
)
UNITS = ("万元", "亿元", "人", "个", "家", "项", "吨")
DOMAINS = ("cn", "com", "gov.cn", "com.cn", "org.cn", "net", "tw", "hk")
PROVINCE_SHORT = "京沪津渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川贵云陕甘青桂"
TOP_BAR = words(
    "登录 注册 手机版 设为首页 加入收藏 无障碍 长者模式 English 繁体 简体 RSS订阅 客户端"
)


@dataclass
class Template:
    slug: str
    site: str
    domain: str
    owner: str
    lines_top: list[str]
    nav: list[str]
    search: str | None
    crumb_label: str
    crumb_sep: str
    crumb_sections: list[str]
    meta_fields: list[str]
    meta_on_lines: bool
    date_format: int
    sources: list[str]
    font_line: str | None
    share_line: str | None
    editor_format: str
    editors: list[str]
    prev_next: bool
    related_heading: str | None
    sidebar_heading: str | None
    sidebar_pool: list[str]
    sidebar_first: bool
    comments: bool
    footer: list[str]
    indent: str
    crlf: bool
    byline_style: int
    reporters: list[str] = field(default_factory=list)


class Vocabulary:
    """Words and clauses to compose sentences from: cut from our seed pages plus invented ones."""

    def __init__(self, rng: random.Random) -> None:
        import opencc

        from transforms.decoding import decode_bytes

        to_simplified = opencc.OpenCC("t2s")  # one seed is Traditional: Simplified pages stay pure
        clauses: list[str] = []
        for path in sorted(SEEDS.glob("*.txt")):
            text = to_simplified.convert(decode_bytes(path.read_bytes()).text)
            for piece in re.split(r"[，。；：、！？“”‘’（）《》\s,.;:!?()\"]+", text):
                if 4 <= len(piece) <= 24 and re.fullmatch(r"[\u4e00-\u9fff0-9]+", piece):
                    clauses.append(piece)
        self.clauses = list(dict.fromkeys(clauses))
        words: list[str] = list(NEWS_WORDS) + list(VERBS) + list(PLACES)
        for clause in self.clauses:
            start = 0
            while start < len(clause) - 1:
                size = rng.choice((2, 2, 2, 3, 4))
                words.append(clause[start : start + size])
                start += size
        self.words = [w for w in dict.fromkeys(words) if len(w) >= 2]
        self.rng = rng

    def name(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))

    def clause(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.25:
            base = rng.choice(self.clauses)
            cut = rng.randrange(len(base))
            return base[:cut] + rng.choice(self.words) + base[cut + 2 :]
        parts = [rng.choice(self.words) for _ in range(rng.randint(2, 5))]
        if roll < 0.35:
            number = rng.choice(
                (
                    f"{rng.randint(2, 98)}.{rng.randint(0, 9)}%",
                    f"{rng.randint(3, 9999)}{rng.choice(UNITS)}",
                    f"{rng.randint(2015, 2026)}年",
                    f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
                )
            )
            parts.insert(rng.randrange(len(parts) + 1), number)
        if roll > 0.9:
            parts.insert(0, rng.choice(VERBS))
        return "".join(parts)

    def sentence(self) -> str:
        rng = self.rng
        clauses = [self.clause() for _ in range(rng.randint(1, 4))]
        text = "，".join(clauses)
        if rng.random() < 0.2:
            text = rng.choice(CONNECTORS) + text
        if rng.random() < 0.08:
            text = f"“{text}”"
            return text + rng.choice(("", "。"))
        return text + rng.choice(("。",) * 12 + ("！", "；", "？"))

    def paragraph(self) -> str:
        return "".join(self.sentence() for _ in range(self.rng.randint(1, 7)))

    def headline(self) -> str:
        rng = self.rng
        head = "".join(rng.choice(self.words) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.3:
            head = rng.choice(PLACES) + head
        if rng.random() < 0.25:
            head += rng.choice(("：", " ")) + "".join(
                rng.choice(self.words) for _ in range(rng.randint(2, 3))
            )
        return head


def make_template(number: int, rng: random.Random, vocab: Vocabulary) -> Template:
    place = rng.choice(PLACES)
    site = place + rng.choice(SITE_SUFFIXES)
    letters = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 9)))
    domain = f"www.{letters}.{rng.choice(DOMAINS)}"
    owner = (
        site
        if rng.random() < 0.6
        else place
        + rng.choice(("市委宣传部", "日报社", "人民政府办公厅", "传媒集团", "大数据中心"))
    )
    top: list[str] = []
    if rng.random() < 0.6:
        top.append(" | ".join(rng.sample(TOP_BAR, rng.randint(2, 6))))
    if rng.random() < 0.5:
        top.append("欢迎访问" + site + "！ 今天是{today}")
    top.append(site)
    if rng.random() < 0.3:
        top.append(
            rng.choice(
                (
                    "权威发布 服务民生",
                    "传播主流声音",
                    "立足本地 服务全国",
                    "政务公开 便民服务",
                    "新闻资讯 一网打尽",
                )
            )
        )
    sections = rng.sample(SECTIONS, rng.randint(6, 15))
    nav_style = rng.random()
    if nav_style < 0.45:
        nav = [rng.choice(("  ", " | ", " · ", "　", " ")).join(["首页", *sections])]
    elif nav_style < 0.7:
        half = len(sections) // 2
        sep = rng.choice(("  ", " | ", " "))
        nav = [sep.join(["首页", *sections[:half]]), sep.join(sections[half:])]
    else:
        nav = ["首页", *sections]
    search = rng.choice((None, "请输入关键词 搜索", "站内搜索： 高级搜索", "搜索", "全文检索"))
    meta_fields = [
        "date",
        *rng.sample(["source", "author", "views", "editor_top"], rng.randint(1, 3)),
    ]
    rng.shuffle(meta_fields)
    editors = [vocab.name() for _ in range(rng.randint(2, 6))]
    reporters = [vocab.name() for _ in range(rng.randint(3, 10))]
    sources = [
        site,
        *rng.sample(
            [
                "新华社",
                "人民日报",
                "中国新闻网",
                "央视新闻",
                place + "日报",
                place + "发布",
                "本网",
                "综合",
                "客户端",
            ],
            rng.randint(1, 4),
        ),
    ]
    footer: list[str] = []
    if rng.random() < 0.8:
        footer.append(
            rng.choice((" | ", "  ", " · ")).join(rng.sample(FOOTER_LINKS, rng.randint(3, 8)))
        )
    footer.append(
        rng.choice(("版权所有：", "版权所有 ", "Copyright © 2003-2026 ", "主办单位："))
        + owner
        + rng.choice(("", "  未经授权禁止转载", " 保留所有权利", " All Rights Reserved"))
    )
    if rng.random() < 0.6:
        footer.append(f"承办：{place}{rng.choice(('信息中心', '网络传媒有限公司', '融媒体中心'))}")
    icp = f"{rng.choice(PROVINCE_SHORT)}ICP备{rng.randint(10_000_000, 99_999_999)}号"
    if rng.random() < 0.5:
        icp += f"-{rng.randint(1, 9)}"
    security = f"公网安备 {rng.randint(10_000_000_000_000, 99_999_999_999_999)}号"
    footer.append(rng.choice((f"{icp}  {security}", icp, f"{icp} | {security}")))
    if rng.random() < 0.5:
        footer.append(
            f"地址：{place}{rng.choice(vocab.words)}路{rng.randint(1, 999)}号  "
            f"邮编：{rng.randint(100000, 860000)}  "
            f"电话：0{rng.randint(10, 999)}-{rng.randint(2000000, 89999999)}"
        )
    if rng.random() < 0.4:
        footer.append(f"网站标识码：{rng.randint(1000000000, 6599999999)}")
    if rng.random() < 0.3:
        footer.append(
            f"技术支持：{place}{rng.choice(('数字科技有限公司', '网络技术公司', '大数据中心'))}"
        )
    if rng.random() < 0.3:
        footer.append("建议使用1920×1080分辨率 IE10以上浏览器")
    return Template(
        slug=f"site-{number:03d}",
        site=site,
        domain=domain,
        owner=owner,
        lines_top=top,
        nav=nav,
        search=search,
        crumb_label=rng.choice(("当前位置：", "您现在的位置：", "位置：", "", "您当前所在位置：")),
        crumb_sep=rng.choice((" > ", " >> ", " » ", " / ", "->", " - ", "＞")),
        crumb_sections=sections,
        meta_fields=meta_fields,
        meta_on_lines=rng.random() < 0.3,
        date_format=rng.randrange(4),
        sources=sources,
        font_line=rng.choice(
            (
                None,
                "【字体：大 中 小】",
                "字号：大 中 小",
                "[ 打印 ] [ 关闭 ]",
                "打印本页 | 关闭窗口",
                "【字体：大 中 小】【打印】【关闭】",
                "字体：T | T",
            )
        ),
        share_line=rng.choice(
            (
                None,
                "分享到：",
                "分享到：" + " ".join(rng.sample(SHARE_TARGETS, 3)),
                " ".join(rng.sample(SHARE_TARGETS, rng.randint(2, 5))),
                "扫一扫在手机打开当前页",
            )
        ),
        editor_format=rng.choice(
            (
                "（责任编辑：{e}）",
                "责任编辑：{e}",
                "编辑：{e}  审核：{f}",
                "【责任编辑：{e}】",
                "[责任编辑：{e}]",
                "编辑 {e} 校对 {f}",
            )
        ),
        editors=editors,
        prev_next=rng.random() < 0.5,
        related_heading=rng.choice(
            (None, "相关新闻", "相关阅读", "推荐阅读", "延伸阅读", "相关文章", "相关链接")
        ),
        sidebar_heading=rng.choice(
            (None, "热点排行", "点击排行", "24小时热文", "热门推荐", "最新发布", "图片新闻")
        ),
        sidebar_pool=[vocab.headline() for _ in range(rng.randint(15, 40))],
        sidebar_first=rng.random() < 0.3,
        comments=rng.random() < 0.25,
        footer=footer,
        indent=rng.choice(("", "", "", "　　", "  ")),
        crlf=rng.random() < 0.1,
        byline_style=rng.randrange(4),
        reporters=reporters,
    )


@dataclass
class Page:
    lines: list[str]
    body_lines: list[int]  # indexes of body paragraphs in `lines`


def date_text(stamp: tuple[int, int, int, int, int, int], style: int) -> str:
    y, mo, d, h, mi, s = stamp
    return (
        f"{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}",
        f"{y}年{mo:02d}月{d:02d}日 {h:02d}:{mi:02d}:{s:02d}",
        f"{y}/{mo:02d}/{d:02d} {h:02d}:{mi:02d}:{s:02d}",
        f"{y}年{mo}月{d}日",
    )[style]


def render(
    t: Template, rng: random.Random, vocab: Vocabulary, target_chars: int, seen: set
) -> Page:
    stamp = (
        rng.choice((2024, 2025, 2026)),
        rng.randint(1, 12),
        rng.randint(1, 28),
        rng.randint(6, 23),
        rng.randint(0, 59),
        rng.randint(0, 59),
    )
    today = f"{stamp[0]}年{stamp[1]}月{stamp[2]}日 {rng.choice(WEEKDAYS)}"
    lines: list[str] = []
    body: list[int] = []
    lines += [line.replace("{today}", today) for line in t.lines_top]
    lines += t.nav
    if t.search:
        lines.append(t.search)
    crumb = rng.sample(t.crumb_sections, rng.randint(1, 2))
    lines.append(
        t.crumb_label
        + t.crumb_sep.join(["首页", *crumb])
        + (t.crumb_sep + "正文" if rng.random() < 0.2 else "")
    )

    def sidebar() -> list[str]:
        if not t.sidebar_heading:
            return []
        picked = rng.sample(t.sidebar_pool, min(len(t.sidebar_pool), rng.randint(5, 10)))
        return [t.sidebar_heading] + [
            f"{i + 1} {h}" if rng.random() < 0.7 else h for i, h in enumerate(picked)
        ]

    if t.sidebar_first:
        lines += sidebar()
    title = vocab.headline()
    lines.append(title)
    if rng.random() < 0.3:
        lines.append("——" + vocab.headline())
    reporter = rng.choice(t.reporters)
    meta = {
        "date": "发布时间：" + date_text(stamp, t.date_format),
        "source": "来源：" + rng.choice(t.sources),
        "author": "作者：" + reporter,
        "views": rng.choice(("浏览次数：", "点击：", "阅读：", "浏览量："))
        + str(rng.randint(0, 98765)),
        "editor_top": "编辑：" + rng.choice(t.editors),
    }
    values = [meta[name] for name in t.meta_fields]
    lines += values if t.meta_on_lines else ["  ".join(values)]
    if t.font_line:
        lines.append(t.font_line)
    if t.byline_style == 0:
        lines.append(
            f"本报记者 {reporter}" + (f" 通讯员 {vocab.name()}" if rng.random() < 0.5 else "")
        )
    first_prefix = (
        "",
        f"新华社{rng.choice(PLACES)}{stamp[1]}月{stamp[2]}日电（记者 {reporter}）",
        f"本报讯（记者 {reporter}）",
        f"{t.site}讯 ",
    )[t.byline_style]
    chars = sum(len(line) for line in lines) + 600  # the chrome still to come
    first = True
    while chars < target_chars or first:
        paragraph = vocab.paragraph()
        key = hashlib.blake2b(paragraph.encode(), digest_size=8).digest()
        if key in seen:
            continue
        seen.add(key)
        if first:
            paragraph = first_prefix + paragraph
            first = False
        body.append(len(lines))
        lines.append(t.indent + paragraph)
        chars += len(paragraph) + 1
        if rng.random() < 0.04:
            lines.append(f"（图为{vocab.headline()}。{vocab.name()} 摄）")
        if rng.random() < 0.03 and chars < target_chars:
            lines.append(vocab.headline())  # an in-body subheading
    lines.append(t.editor_format.format(e=rng.choice(t.editors), f=rng.choice(t.editors)))
    if t.share_line:
        lines.append(t.share_line)
    if t.prev_next:
        lines += ["上一篇：" + vocab.headline(), "下一篇：" + vocab.headline()]
    if t.related_heading:
        lines.append(t.related_heading)
        for _ in range(rng.randint(3, 8)):
            teaser = vocab.headline()
            if rng.random() < 0.5:
                teaser += f" {stamp[0]}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            lines.append(teaser)
    if not t.sidebar_first:
        lines += sidebar()
    if t.comments and rng.random() < 0.6:
        count = rng.randint(1, 6)
        lines.append(rng.choice(("网友评论", "发表评论", "我要评论")))
        lines.append(f"已有{count}条评论，{count * rng.randint(2, 40)}人参与")
        for _ in range(count):
            lines.append(
                f"{rng.choice(('网友', '用户', '游客'))}{rng.randint(1000, 99999)} "
                f"{date_text(stamp, 0)}"
            )
            lines.append(vocab.sentence())
        lines.append("请文明上网，理性发言")
    lines += t.footer
    return Page(lines, body)


def near_copy(page: Page, rng: random.Random, vocab: Vocabulary) -> Page:
    """A few sentences rewritten, counters and dates changed: the same story, edited."""
    lines = list(page.lines)
    for index in rng.sample(page.body_lines, min(len(page.body_lines), rng.randint(1, 3))):
        sentences = re.findall(r"[^。！？；]+[。！？；]?", lines[index])
        if sentences:
            sentences[rng.randrange(len(sentences))] = vocab.sentence()
        lines[index] = "".join(sentences)
    for index, line in enumerate(lines):
        lines[index] = re.sub(
            r"((?:浏览次数|点击|阅读|浏览量)：)\d+",
            lambda m: m.group(1) + str(rng.randint(0, 99999)),
            line,
        )
    if rng.random() < 0.5:
        lines.insert(0, rng.choice(("转载自", "原标题：")) + vocab.headline())
    return Page(lines, page.body_lines)


def encode(text: str, codec: str) -> tuple[bytes, int]:
    """The page in `codec`; characters the codec cannot hold are dropped (returns how many)."""
    try:
        return text.encode(codec), 0
    except UnicodeEncodeError:
        kept = [ch for ch in text if _encodable(ch, codec)]
        return "".join(kept).encode(codec), len(text) - len(kept)


def _encodable(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class CorpusStats:
    documents: int
    bytes: int
    exact_copies: int
    near_copies: int
    templates: int
    by_codec: dict


def pick_codec(rng: random.Random) -> tuple[str, bool]:
    roll = rng.random()
    for codec, traditional, upto in ENCODINGS:
        if roll < upto:
            return codec, traditional
    return ENCODINGS[0][:2]


def make_corpus(
    folder: Path, megabytes: float, seed: int = 12, templates: int = 300
) -> CorpusStats:
    import opencc

    rng = random.Random(seed)
    vocab = Vocabulary(rng)
    sites = [make_template(n, rng, vocab) for n in range(templates)]
    to_traditional = opencc.OpenCC("s2tw")
    raw = folder / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    target = megabytes * 1e6
    total = exact = near = 0
    by_codec: dict[str, int] = {}
    recent: list[tuple[str, Page, Template, str, bool, bytes]] = []  # for copies: last 400 pages
    seen: set[bytes] = set()
    counter = [0] * templates
    number = 0
    with (folder / "manifest.jsonl").open("w", encoding="utf-8") as manifest:
        while total < target:
            roll = rng.random()
            entry: dict = {"exact_of": None, "near_of": None}
            site = sites[rng.randrange(templates)]
            if recent and roll < EXACT_SHARE:
                source, _, _, codec, traditional, data = rng.choice(recent)
                entry["exact_of"] = source
                dropped = 0
                exact += 1
            else:
                if recent and roll < EXACT_SHARE + NEAR_SHARE:
                    source, original, site, codec, traditional, _ = rng.choice(recent)
                    page = near_copy(original, rng, vocab)
                    entry["near_of"] = source
                    near += 1
                else:
                    codec, traditional = pick_codec(rng)
                    size = math.exp(rng.gauss(math.log(MEDIAN_BYTES), SIGMA))
                    size = min(max(size, MIN_BYTES), MAX_BYTES)
                    bytes_per_char = 2.9 if codec == "utf-8" else 2.0
                    page = render(site, rng, vocab, int(size / bytes_per_char), seen)
                text = ("\r\n" if site.crlf else "\n").join(page.lines) + "\n"
                if traditional:
                    text = to_traditional.convert(text)
                data, dropped = encode(text, codec)
            counter[sites.index(site)] += 1
            name = f"{site.slug}/{counter[sites.index(site)]:05d}.txt"
            path = raw / name
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)
            if entry["exact_of"] is None:
                recent.append((name, page, site, codec, traditional, data))
                if len(recent) > 400:
                    recent.pop(rng.randrange(len(recent)))
            entry = {
                "file": name,
                "codec": codec,
                "traditional": traditional,
                "bytes": len(data),
                "dropped_chars": dropped,
                **entry,
            }
            manifest.write(json.dumps(entry, ensure_ascii=False) + "\n")
            total += len(data)
            by_codec[codec] = by_codec.get(codec, 0) + 1
            number += 1
    return CorpusStats(number, total, exact, near, templates, by_codec)


def read_manifest(folder: Path) -> list[dict]:
    with (folder / "manifest.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megabytes", type=float, default=20)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--templates", type=int, default=300)
    args = parser.parse_args()
    print(make_corpus(args.output, args.megabytes, args.seed, args.templates))


if __name__ == "__main__":
    main()
