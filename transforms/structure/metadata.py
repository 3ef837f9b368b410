"""Metadata from the lines the structure stage removed: title, subtitle, date, source, author.

Nothing is invented: each field comes from a line of the page that says it (a dateline, a
byline, the title line), and stays None otherwise. Of the body, only the bracketed byline
that opens a story (本报讯（记者 …）) is read, for the author; a date or a name elsewhere in an
article's text is not the article's own. Patterns: patterns/metadata.toml.
"""

import datetime
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from transforms.records import LineKind
from transforms.structure.dates import CHINA_TIME, parse_date, publication_date
from transforms.structure.lines import PATTERNS, Line, expand_macros

__all__ = [
    "CHINA_TIME",
    "Metadata",
    "extract_author",
    "extract_continuation",
    "extract_metadata",
    "extract_source",
    "lead_author",
    "masthead_source",
    "parse_date",
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
    author_separator: str
    continuation: re.Pattern[str]
    heading_decoration: re.Pattern[str]


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
        author_separator=document["author_separator"],
        continuation=compile_(document["continuation"]),
        heading_decoration=compile_(document["heading_decoration"]),
    )


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


def _names(part: str) -> list[str]:
    """The names in the author part of a byline: role words and trailing 报道/摄 dropped."""
    table = metadata_tables()
    names = []
    for token in re.split(r"[\s、，,]+", table.author_label.sub(" ", part)):
        if token in table.author_trailers:
            continue
        for trailer in table.author_trailers:
            if token.endswith(trailer) and len(token) - len(trailer) >= 2:
                token = token[: -len(trailer)]
        if table.name.match(token):
            names.append(token)
    return names


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
        if match := pattern.search(text):
            return match["author"]
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
    >>> lead_author('（一）单位申报。申报单位于…')
    """
    match = metadata_tables().lead_byline.match(paragraph)
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


def extract_metadata(
    lines: Sequence[Line], kinds: Sequence[str], first_paragraph: str | None = None
) -> Metadata:
    """Fields from the lines of each kind, in page order (sidebars are not the article's),
    and the author from the first paragraph's opening byline when no byline line has one."""

    def contents(*wanted: str) -> list[str]:
        return [line.content for line, kind in zip(lines, kinds, strict=True) if kind in wanted]

    datelines = contents(LineKind.DATELINE)
    dated = datelines + contents(LineKind.BYLINE, LineKind.NAV)
    published_date, published_at = next(
        (parsed for text in dated if (parsed := publication_date(text))[0]),
        next((parsed for text in dated if (parsed := parse_date(text))[0]), (None, None)),
    )
    titles, subtitles = contents(LineKind.TITLE), contents(LineKind.SUBTITLE)
    bylines = contents(LineKind.BYLINE, LineKind.DATELINE)
    return Metadata(
        title=_clean_heading(titles[0]) if titles else None,
        subtitle=_clean_heading(subtitles[0]) if subtitles else None,
        source=_first(map(extract_source, datelines)) or _first(map(masthead_source, datelines)),
        author=_all_authors(map(extract_author, bylines))
        or (lead_author(first_paragraph) if first_paragraph else None),
        published_date=published_date,
        published_at=published_at,
        continuation=_first(map(extract_continuation, contents(LineKind.CONTINUATION))),
    )
