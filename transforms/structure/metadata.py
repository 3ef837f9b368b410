"""Metadata from the lines the structure stage removed: title, subtitle, date, source, author.

Nothing is invented: each field comes from a line of the page that says it (a dateline, a
byline, the title line), and stays None otherwise. Of the body, only the bracketed byline
that opens a story (本报讯（记者 …）) is read, for the author; a date or a name elsewhere in an
article's text is not the article's own. Patterns: data/metadata.toml.

Authors come only from a stated writer: a writer's label (记者, 作者, 文/, 楼主, 博主, 发表人 …)
followed by a value shaped like a name (2-4 Han characters, a Latin name; on a forum post's or
a blog's header, a member's handle) that is no label word, job title, organisation or 本报讯
(`is_writer`), on a byline of the article's head, inside the article or right under it (a
sidebar's or a comment's byline is not the article's). The date is the head's: the dated line
nearest the article's first kept line, a publication label (发布时间, 发表于) first; a date after
the body is taken only when the head has none. A date later than the reference day, or than a
reply's or a modification's date on the same page, is flagged (`Metadata.suspicious_date`).
"""

import datetime
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from transforms.records import LineKind
from transforms.structure.dates import (
    CHINA_TIME,
    parse_date,
    publication_date,
    suspicious_date,
)
from transforms.structure.lines import PATTERNS, Line, expand_macros

__all__ = [
    "CHINA_TIME",
    "LEAD_PARAGRAPHS",
    "Metadata",
    "extract_author",
    "extract_continuation",
    "extract_metadata",
    "extract_source",
    "is_writer",
    "lead_author",
    "masthead_source",
    "parse_date",
    "poster",
    "publication_date",
    "publication_name",
]


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
    subtitle: str | None = None
    source: str | None = None
    author: str | None = None
    published_date: datetime.date | None = None
    published_at: datetime.datetime | None = None  # tz-aware, only when a time of day is known
    continuation: str | None = None  # e.g. '上接1版'
    # the date is later than the reference day, or than a reply or a modification on the page
    suspicious_date: bool = False


@dataclass(frozen=True)
class MetadataTables:
    source: re.Pattern[str]
    masthead_token: re.Pattern[str]
    publication_suffixes: tuple[str, ...]
    section_max_chars: int
    institution_endings: tuple[str, ...]
    author_label: re.Pattern[str]
    author_end: re.Pattern[str]
    lead_byline: re.Pattern[str]
    job_bylines: tuple[re.Pattern[str], ...]
    name: re.Pattern[str]
    author_trailers: tuple[str, ...]
    place_trailers: tuple[str, ...]
    author_separator: str
    continuation: re.Pattern[str]
    heading_decoration: re.Pattern[str]
    non_author_words: frozenset[str]
    non_author_prefixes: tuple[str, ...]
    non_author_endings: tuple[str, ...]
    job_suffixes: tuple[str, ...]
    poster_label: re.Pattern[str]
    post_date: re.Pattern[str]
    poster_before_date: re.Pattern[str]
    handle: re.Pattern[str]
    latin_name: re.Pattern[str]
    signed_lead: re.Pattern[str]
    not_publication_date: re.Pattern[str]
    later_date_label: re.Pattern[str]
    head_lines: int
    tail_lines: int
    dated_list_min: int


@cache
def metadata_tables() -> MetadataTables:
    document = tomllib.loads((PATTERNS / "metadata.toml").read_text(encoding="utf-8"))

    def compile_(pattern: str) -> re.Pattern[str]:
        return re.compile(expand_macros(pattern))

    return MetadataTables(
        source=compile_(document["source"]),
        masthead_token=compile_(document["masthead_token"]),
        publication_suffixes=tuple(document["publication_suffixes"]),
        section_max_chars=document["section_max_chars"],
        institution_endings=tuple(document["institution_endings"]),
        author_label=compile_(document["author_label"]),
        author_end=compile_(document["author_end"]),
        lead_byline=compile_(document["lead_byline"]),
        job_bylines=tuple(compile_(pattern) for pattern in document["job_bylines"]),
        name=compile_("^{NAME}$"),
        author_trailers=tuple(document["author_trailers"]),
        place_trailers=tuple(document["place_trailers"]),
        author_separator=document["author_separator"],
        continuation=compile_(document["continuation"]),
        heading_decoration=compile_(document["heading_decoration"]),
        non_author_words=frozenset(document["non_author_words"]),
        non_author_prefixes=tuple(document["non_author_prefixes"]),
        non_author_endings=tuple(document["non_author_endings"])
        + tuple(document["publication_suffixes"])
        + tuple(document["institution_endings"]),
        job_suffixes=_job_suffixes(),
        poster_label=compile_(document["poster_label"]),
        post_date=compile_(document["post_date"]),
        poster_before_date=compile_(
            document["poster_before_date"].replace("{HANDLE}", document["handle"])
        ),
        handle=compile_(document["handle"]),
        latin_name=compile_(document["latin_name"]),
        signed_lead=compile_(document["signed_lead"]),
        not_publication_date=compile_(document["not_publication_date"]),
        later_date_label=compile_(document["later_date_label"]),
        head_lines=document["head_lines"],
        tail_lines=document["tail_lines"],
        dated_list_min=document["dated_list_min"],
    )


def _job_suffixes() -> tuple[str, ...]:
    rows = (PATTERNS / "job_titles.tsv").read_text(encoding="utf-8").splitlines()
    return tuple(row.split("\t")[0] for row in rows if row and not row.startswith("#"))


def publication_name(value: str) -> str:
    """A source without the section name a page glued onto it.

    >>> publication_name('某某日报要闻'), publication_name('某某政法'), publication_name('人民网')
    ('某某日报', '某某政法', '人民网')
    """
    table = metadata_tables()
    if value.endswith(table.publication_suffixes + table.institution_endings):
        return value
    for cut in range(1, min(table.section_max_chars, len(value) - 2) + 1):
        if value[:-cut].endswith(table.publication_suffixes):
            return value[:-cut]
    return value


def extract_source(text: str) -> str | None:
    """The publisher named after a source label (来源：, 稿件来源：, 发文机关：).

    >>> extract_source('发布时间:2023-05-11 16:38 来源:某某政法 浏览次数:')
    '某某政法'
    """
    match = metadata_tables().source.search(text)
    return publication_name(match["source"]) if match else None


def masthead_source(text: str) -> str | None:
    """A publication's name standing beside the date without a label (a newspaper masthead);
    a medium's name on a line of its own (某某新闻客户端 over the date) names the site, not
    the source.

    >>> masthead_source('某某日报 2022年10月12日 星期三'), masthead_source('2023-05-11 16:38')
    ('某某日报', None)
    >>> masthead_source('某某新闻客户端') is None
    True
    """
    table = metadata_tables()
    if parse_date(text)[0] is None:
        return None
    for token in text.split():
        if table.masthead_token.match(token) and token.endswith(table.publication_suffixes):
            return token
    return None


def is_writer(value: str, handle: bool = False) -> bool:
    """Whether a byline's value names a person: shaped like a name (or, on a forum post's or a
    blog's header, like a member's handle) and none of the words a page prints where a name
    could stand: labels, section names, job titles, organisations, 本报讯.

    >>> is_writer('王某某'), is_writer('简介'), is_writer('局长'), is_writer('某某日报')
    (True, False, False, False)
    >>> is_writer('本报讯'), is_writer('江边散步的人'), is_writer('江边散步的人', handle=True)
    (False, False, True)
    """
    table = metadata_tables()
    if value in table.non_author_words or value.startswith(table.non_author_prefixes):
        return False
    if value.endswith(table.job_suffixes):
        return False
    if len(value) >= 3 and value.endswith(table.non_author_endings):
        return False
    if handle:
        return bool(table.handle.fullmatch(value)) and not value.isdigit()
    return bool(table.name.match(value) or table.latin_name.match(value))


def _names(part: str) -> list[str]:
    """The names in the author part of a byline: role words and trailing 报道/摄 dropped."""
    table = metadata_tables()
    if table.latin_name.match(part.strip()):
        return [part.strip()]
    names: list[str] = []
    for token in re.split(r"[\s、，,]+", table.author_label.sub(" ", part)):
        if token in table.author_trailers:
            continue
        if names and token.endswith(table.place_trailers):
            continue  # 台北报导: the place the names filed from
        for trailer in table.author_trailers:
            if token.endswith(trailer) and len(token) - len(trailer) >= 2:
                token = token[: -len(trailer)]
        if is_writer(token):
            names.append(token)
    return names


def poster(text: str) -> str | None:
    """The writer a forum post's or a blog's header names: after 楼主：/博主：/发表人：, or the
    handle before 发表于 and a date.

    >>> poster('楼主：江边散步的人'), poster('小桥流水 发表于 2011-12-15 10:22')
    ('江边散步的人', '小桥流水')
    >>> poster('楼主 发表于 2011-12-15 10:22') is None
    True
    """
    table = metadata_tables()
    label = table.poster_label.search(text)
    if label and label["label"] == "作者" and not table.post_date.search(text):
        return None  # a news byline's 作者: read by extract_author, names and all
    if label:
        rest = text[label.end() :].split()
        value = rest[0].strip("|｜丨,，") if rest else ""
        return value if is_writer(value, handle=True) else None
    if match := table.poster_before_date.search(text):
        return match["author"] if is_writer(match["author"], handle=True) else None
    return None


def extract_author(text: str) -> str | None:
    """The author's name(s) in a byline; None for guests, editors and bare job titles.

    >>> extract_author('□ 本报记者 王某某　本报通讯员 李某'), extract_author('作者:郑某  来源:某校')
    ('王某某 李某', '郑某')
    >>> extract_author('某市委副书记、政法委书记  张某某')
    '张某某'
    >>> extract_author('本期嘉宾：某市委书记张某') is None
    True
    >>> extract_author('〔记者王某某／某地报导〕'), extract_author('责任编辑：吴某')
    ('王某某', None)
    """
    table = metadata_tables()
    for pattern in table.job_bylines:
        if (match := pattern.search(text)) and is_writer(match["author"]):
            return match["author"]
    if name := poster(text):
        return name
    label = table.author_label.search(text)
    if not label:
        return None
    rest = text[label.end() :].lstrip(" :：/|｜丨　")
    end = table.author_end.search(rest)
    names = _names(rest[: end.start()] if end else rest)
    return table.author_separator.join(names) if names else None


def lead_author(paragraph: str) -> str | None:
    """The author named in the bracketed byline that opens a story, if any.

    >>> lead_author('本报讯（记者 陈某某 通讯员 刘某）10月11日上午，…')
    '陈某某 刘某'
    >>> lead_author('（一）单位申报。申报单位于…'), lead_author('□ 李某某')
    (None, '李某某')
    """
    table = metadata_tables()
    if signed := table.signed_lead.match(paragraph):
        return signed["author"] if is_writer(signed["author"]) else None
    match = table.lead_byline.match(paragraph)
    return extract_author(match["byline"]) if match else None


def extract_continuation(text: str) -> str | None:
    """The page-continuation marker of a line, brackets and spaces dropped.

    >>> extract_continuation('（上接 1 版）')
    '上接1版'
    """
    match = metadata_tables().continuation.search(text)
    return re.sub(r"\s+", "", match["continuation"]) if match else None


def _first(found: Iterable[str | None]) -> str | None:
    return next((value for value in found if value), None)


def _all_authors(found: Iterable[str | None]) -> str | None:
    """Every writer the bylines name, each once, in page order: a page may print its byline
    twice, the second time with a trainee or a correspondent the first one left out.

    >>> _all_authors(['王某', None, '王某 李某'])
    '王某 李某'
    """
    separator = metadata_tables().author_separator
    names: dict[str, None] = {}
    for value in found:
        names.update(dict.fromkeys(value.split(separator) if value else ()))
    return separator.join(names) or None


def _clean_heading(text: str) -> str:
    """A title or subtitle without the dashes and brackets that decorate it.

    >>> _clean_heading('——访某局局长某某')
    '访某局局长某某'
    """
    return metadata_tables().heading_decoration.sub("", text)


LEAD_PARAGRAPHS = 2  # the first paragraphs read for an opening byline: the first may be a
# headline or a standfirst the structure stage kept
_HEAD, _BODY, _TAIL, _OUTSIDE = range(4)
_DATE_KINDS = {LineKind.DATELINE: 0, LineKind.BYLINE: 1, LineKind.NAV: 2}
# Between the title and the body any removed line may carry the article's date, except these.
_NOT_HEAD_DATES = frozenset(
    {
        LineKind.TITLE,
        LineKind.SUBTITLE,
        LineKind.SIDEBAR,
        LineKind.COMMENT,
        LineKind.FOOTER,
        LineKind.BOILERPLATE,
    }
)
# Kinds that close the article's bottom: a byline past one of these is a sidebar's or a reply's.
_AFTER_ARTICLE = frozenset(
    {LineKind.SIDEBAR, LineKind.RELATED, LineKind.COMMENT, LineKind.FOOTER, LineKind.BOILERPLATE}
)
_KEPT = frozenset({LineKind.BODY, LineKind.HEADING})


def article_regions(kinds: Sequence[str], head_lines: int | None, tail_lines: int) -> list[int]:
    """Where each line stands against the article: in its head (the title and the lines
    between it and the first kept line, or at most `head_lines` lines above that line; any
    line above it when `head_lines` is None), inside it, in its tail (at most `tail_lines`
    lines under the last kept line, before any sidebar, comment or footer), or outside.
    Blank lines and separators are not counted. A page with no kept line is all head.

    >>> article_regions(['nav', 'title', 'dateline', 'body', 'byline', 'sidebar', 'byline'], 1, 3)
    [3, 0, 0, 1, 2, 3, 3]
    >>> article_regions(['nav', 'title', 'dateline', 'body'], None, 3)
    [0, 0, 0, 1]
    """
    kept = [index for index, kind in enumerate(kinds) if kind in _KEPT]
    if not kept:
        return [_HEAD] * len(kinds)
    first, last = kept[0], kept[-1]
    title = next((i for i in range(first) if kinds[i] == LineKind.TITLE), first)
    regions = [_OUTSIDE] * len(kinds)
    seen = 0
    for index in range(first - 1, -1, -1):
        if index >= title or head_lines is None or seen < head_lines:
            regions[index] = _HEAD
        seen += _counted(kinds[index])
    for index in range(first, last + 1):
        regions[index] = _BODY
    seen = 0
    for index in range(last + 1, len(kinds)):
        if kinds[index] in _AFTER_ARTICLE or seen >= tail_lines:
            break
        regions[index] = _TAIL
        seen += _counted(kinds[index])
    return regions


def _counted(kind: str) -> bool:
    return bool(kind) and kind != LineKind.SEPARATOR


def _publication(text: str) -> tuple[bool, tuple[datetime.date | None, datetime.datetime | None]]:
    """A line's publication date, and whether a label says it is one; none on a line whose
    date is another's (今天是…, 注册时间：, 更新时间：) unless a publication label stands there."""
    labelled = publication_date(text)
    if labelled[0]:
        return True, labelled
    if metadata_tables().not_publication_date.search(text):
        return False, (None, None)
    return False, parse_date(text)


def _head_date(
    lines: Sequence[Line], kinds: Sequence[str], regions: Sequence[int]
) -> tuple[datetime.date | None, datetime.datetime | None]:
    """The date of the dated line nearest the article's head: a line of the head first, then
    one inside the article, then one under it (never a sidebar's, a footer's or a reply's);
    in each, a publication label first, then datelines before bylines before menus before the
    other lines between the title and the body, then the line closest to the article. A list
    of dated teasers (`_dated_runs`) gives none, unless a publication label stands on the line."""
    kept = [index for index, kind in enumerate(kinds) if kind in _KEPT]
    first, last = (kept[0], kept[-1]) if kept else (len(kinds), len(kinds))
    title = next((i for i in range(first) if kinds[i] == LineKind.TITLE), first)
    listed = _dated_runs(lines, kinds)
    candidates = []
    for index, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        under_title = title < index < first and kind not in _NOT_HEAD_DATES
        if not (kind in _DATE_KINDS or under_title) or regions[index] == _OUTSIDE:
            continue
        labelled, parsed = _publication(line.content)
        if parsed[0] is None or (index in listed and not labelled):
            continue
        distance = first - index if index < first else index - (last if index > last else first)
        rank = _DATE_KINDS.get(kind, len(_DATE_KINDS))  # type: ignore[call-overload]
        candidates.append(((regions[index], not labelled, rank, distance), parsed))
    return min(candidates, key=lambda candidate: candidate[0])[1] if candidates else (None, None)


def _dated_runs(lines: Sequence[Line], kinds: Sequence[str]) -> set[int]:
    """The removed lines that belong to a list of dated items: at least `dated_list_min` of
    them in a row (blank lines between are no break), each carrying a date (a column's teasers:
    `某某标题 (2012-01-16)`)."""
    minimum = metadata_tables().dated_list_min
    found: set[int] = set()
    run: list[int] = []
    for index, (line, kind) in enumerate([*zip(lines, kinds, strict=True), (None, "end")]):
        if line is not None and not kind:
            continue  # blank lines do not break a run
        if line is not None and kind not in _KEPT and parse_date(line.content)[0]:
            run.append(index)
            continue
        if len(run) >= minimum:
            found.update(run)
        run = []
    return found


def _article_bylines(
    lines: Sequence[Line],
    kinds: Sequence[str],
    regions: Sequence[int],
    published: datetime.date | None,
) -> tuple[list[str], list[str]]:
    """The byline and dateline texts of the article's head, and those inside and under it.
    Under the body, a line dated otherwise than the article is another article's (a teaser
    list's 作者：某某 | 2021-11-05): the tail ends there."""
    head: list[str] = []
    later: list[str] = []
    for line, kind, region in zip(lines, kinds, regions, strict=True):
        if kind not in (LineKind.BYLINE, LineKind.DATELINE) or region == _OUTSIDE:
            continue
        if region == _TAIL and (day := parse_date(line.content)[0]) and day != published:
            break
        (head if region == _HEAD else later).append(line.content)
    return head, later


def _writers(
    head: Iterable[str | None], lead: str | None, later: Iterable[str | None]
) -> str | None:
    """The article's writers: every name the head's bylines give, else its lead byline's; a
    byline inside or under the article adds its names only when it repeats one of those (the
    byline printed again, with a trainee the first left out) or when nothing named anyone
    before it: a credit deep in the page naming someone else is another piece's (a book box's
    作者：某某 kept among the paragraphs).

    >>> _writers(['王某'], None, ['王某 李某', '赵某某']), _writers([], None, ['赵某某', '钱某'])
    ('王某 李某', '赵某某')
    """
    separator = metadata_tables().author_separator
    names = (_all_authors(head) or lead or "").split(separator)
    names = [name for name in names if name]
    for value in later:
        found = value.split(separator) if value else []
        if found and (not names or set(found) & set(names)):
            names += [name for name in found if name not in names]
    return separator.join(names) or None


def later_dates(lines: Sequence[Line], kinds: Sequence[str]) -> list[datetime.date]:
    """Dates the page shows for what comes after its article: a reply's or comment's header
    (a short comment line with a date), a modification (更新时间：)."""
    table = metadata_tables()
    found = []
    for line, kind in zip(lines, kinds, strict=True):
        text = line.content
        if kind == LineKind.COMMENT and len(text) <= 40 and not re.search("[。！？!?；;]", text):
            found.append(parse_date(text)[0])
        elif kind and kind not in _KEPT and (label := table.later_date_label.search(text)):
            found.append(parse_date(text[label.end() :])[0])
    return [day for day in found if day]


def extract_metadata(
    lines: Sequence[Line],
    kinds: Sequence[str],
    first_paragraph: str | Sequence[str] | None = None,
    today: datetime.date | None = None,
) -> Metadata:
    """Fields from the lines of each kind (sidebars, footers and replies are not the
    article's): the author from the bylines of the article's head, else from the opening byline
    of its first paragraphs (`first_paragraph`: the first, or the first few), and from a credit
    inside or under it as `_writers` allows; the date from the head (`_head_date`), flagged
    suspicious when later than `today` (the reference day the caller passes: the run's date)
    or than `later_dates`."""
    table = metadata_tables()

    def contents(*wanted: str) -> list[str]:
        return [line.content for line, kind in zip(lines, kinds, strict=True) if kind in wanted]

    regions = article_regions(kinds, table.head_lines, table.tail_lines)
    datelines = contents(LineKind.DATELINE)
    published_date, published_at = _head_date(
        lines, kinds, article_regions(kinds, None, table.tail_lines)
    )
    titles, subtitles = contents(LineKind.TITLE), contents(LineKind.SUBTITLE)
    head, later_bylines = _article_bylines(lines, kinds, regions, published_date)
    paragraphs = [first_paragraph] if isinstance(first_paragraph, str) else first_paragraph or []
    later = later_dates(lines, kinds)
    return Metadata(
        title=_clean_heading(titles[0]) if titles else None,
        subtitle=_clean_heading(subtitles[0]) if subtitles else None,
        source=_first(map(extract_source, datelines)) or _first(map(masthead_source, datelines)),
        author=_writers(
            map(extract_author, head),
            _first(map(lead_author, paragraphs[:LEAD_PARAGRAPHS])),
            map(extract_author, later_bylines),
        ),
        published_date=published_date,
        published_at=published_at,
        continuation=_first(map(extract_continuation, contents(LineKind.CONTINUATION))),
        suspicious_date=suspicious_date(published_date, later, today),
    )
