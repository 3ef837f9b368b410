"""Forum threads and Q&A pages: the first post (a question and its chosen answer) is the article.

A thread's later posts read like prose and would stay in the body; they are told apart by the
headers that open them (楼主, 2楼, 某某 发表于 2011-12-15), a Q&A page's answers by the mark over
the chosen one (最佳答案) and the one over the rest (其他回答). Patterns: data/forum.toml. The
kept lines of later posts and other answers become `comment`; the page is flagged `forum_page`.
Linear in the page's lines.
"""

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from transforms.records import LineKind
from transforms.structure.lines import PATTERNS, Line, expand_macros
from transforms.structure.paragraphs import KEPT

_SENTENCE_END = frozenset("。！？!?；;")


@dataclass(frozen=True)
class ForumTables:
    post_headers: re.Pattern[str]
    header_max_chars: int
    min_posts: int
    chosen_answer: re.Pattern[str]
    other_answers: re.Pattern[str]


@cache
def forum_tables() -> ForumTables:
    document = tomllib.loads((PATTERNS / "forum.toml").read_text(encoding="utf-8"))
    headers = "|".join(f"(?:{expand_macros(pattern)})" for pattern in document["post_headers"])
    return ForumTables(
        re.compile(headers),
        document["header_max_chars"],
        document["min_posts"],
        re.compile(document["chosen_answer"]),
        re.compile(document["other_answers"]),
    )


def is_post_header(content: str) -> bool:
    """Whether a line opens a post of a thread.

    >>> is_post_header('楼主：江边散步的人'), is_post_header('2楼 小桥流水')
    (True, True)
    >>> is_post_header('某某 发表于 2011-12-15 10:22'), is_post_header('他说，这是第一次。')
    (True, False)
    """
    # the length first: a long line (page prose) is never remembered, nor kept alive
    return len(content) <= forum_tables().header_max_chars and _is_short_post_header(content)


@lru_cache(maxsize=1 << 14)  # a site's post headers recur across its pages
def _is_short_post_header(content: str) -> bool:
    tables = forum_tables()
    return _SENTENCE_END.isdisjoint(content) and bool(tables.post_headers.search(content))


def mark_forum_posts(lines: Sequence[Line], kinds: list[str]) -> bool:
    """In place: on a thread, the kept lines from the second post's header on become comments
    (the headers too), and the first post's header a byline; on a Q&A page, the kept lines
    after the mark over the other answers. Returns whether the page is a forum or Q&A page.

    >>> posts = ['楼主：甲', '门口的路修好了，走起来很平。', '2楼 乙', '恭喜，我们那里还没修。']
    >>> lines = [Line(number, text, text) for number, text in enumerate(posts, 1)]
    >>> kinds = ['caption', 'body', 'caption', 'body']
    >>> mark_forum_posts(lines, kinds), kinds
    (True, ['byline', 'body', 'comment', 'comment'])
    """
    tables = forum_tables()
    chosen = _first(lines, kinds, tables.chosen_answer)
    if chosen is not None:
        others = _first(lines, kinds, tables.other_answers, start=chosen + 1)
        if others is not None:
            _to_comments(kinds, others)
        return True
    headers = [
        index
        for index, (line, kind) in enumerate(zip(lines, kinds, strict=True))
        # the length test first: it is is_post_header's own, and spares its memo long lines
        if kind and len(line.content) <= tables.header_max_chars and is_post_header(line.content)
    ]
    posts = _post_headers(kinds, headers)
    if len(posts) < tables.min_posts:
        return False
    for index in posts[0]:
        if kinds[index] in KEPT or kinds[index] == LineKind.CAPTION:
            kinds[index] = LineKind.BYLINE.value  # the article's own header: its author
    for index in (index for post in posts[1:] for index in post):
        kinds[index] = LineKind.COMMENT.value
    _to_comments(kinds, posts[1][0])
    return True


def _post_headers(kinds: Sequence[str], headers: list[int]) -> list[list[int]]:
    """Header lines grouped by post: a post's header may take several lines (2楼 某某 over
    发表于 …), with no kept line between them."""
    posts: list[list[int]] = []
    for index in headers:
        if posts and not any(kinds[between] in KEPT for between in range(posts[-1][-1] + 1, index)):
            posts[-1].append(index)
        else:
            posts.append([index])
    return posts


def _first(
    lines: Sequence[Line], kinds: Sequence[str], pattern: re.Pattern[str], start: int = 0
) -> int | None:
    """The first non-blank line from `start` that opens with `pattern`."""
    found = (i for i in range(start, len(lines)) if kinds[i] and pattern.match(lines[i].content))
    return next(found, None)


def _to_comments(kinds: list[str], start: int) -> None:
    for index in range(start, len(kinds)):
        if kinds[index] in KEPT:
            kinds[index] = LineKind.COMMENT.value
