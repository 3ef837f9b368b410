"""The article region: one page has one article, the densest run of kept lines.

After the line rules, prose that is not the article can still look like body: comments under
a post, the abstracts of a related-articles box, a sidebar of long teasers, a login box's
sentences. Those sit in their own blocks, away from the article and separated from it by chrome
(menus, counters, lists of links). As in BTE's maximal tokens-minus-tags window, each non-blank
line scores its characters when it is kept and a fixed cost when it is chrome; the maximum-sum
run of lines (Kadane's scan, linear in the page's lines) is the article. The cost is what a gap
of chrome between two kept blocks must be outweighed by: a few captions or a share bar inside an
article are crossed, a footer of 40 links before a block of comments is not. Kept lines outside
the run go to `removed`: `comment` when a time stamp or byline sits right above them (a reader's
post header), `related` otherwise.
"""

from collections.abc import Sequence

from transforms.records import LineKind
from transforms.structure.lines import Line
from transforms.structure.paragraphs import KEPT

# A page break's marks and the head repeated on the next page say the article goes on: they
# count as the article's own text, so a page-broken article stays one region.
ARTICLE_CONTINUES = (LineKind.TITLE_REPEAT, LineKind.CONTINUATION)

# Furniture that sits inside articles as often as outside (photo captions, bylines, time
# lines, rules): it costs a fraction of what a menu line does.
ARTICLE_FURNITURE = (LineKind.CAPTION, LineKind.SEPARATOR, LineKind.BYLINE, LineKind.DATELINE)
FURNITURE_COST_SHARE = 0.5

# Chrome right above a line that marks it as a reader's post rather than a teaser.
COMMENT_HEADER_KINDS = (LineKind.DATELINE, LineKind.BYLINE)
COMMENT_HEADER_WINDOW = 2  # non-blank lines above a line that may be its post header


CLAUSE_MARKS = frozenset("，。！？；、,!?;")


def _has_clause(text: str) -> bool:
    """Whether a line holds punctuation that only running text has (a clause or a sentence).

    >>> _has_clause('01. 储户定期存款变成九万'), _has_clause('他说，已经完成。')
    (False, True)
    """
    return not CLAUSE_MARKS.isdisjoint(text) or "\t" in text  # a table's row: its cells


def article_region(lines: Sequence[Line], kinds: Sequence[str], cost: int) -> tuple[int, int]:
    """(first, last) line index of the maximum-sum run; (0, -1) when nothing is kept."""
    best, best_span = 0.0, (0, -1)
    running, start = 0.0, 0
    for index, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        if not kind:  # blank lines neither join nor part blocks
            continue
        if kind in KEPT:
            # prose weighs its characters; a kept line without a clause in it (a heading,
            # a numbered teaser) joins the run at no cost but adds nothing to it
            value = line.size if _has_clause(line.content) else 0.0
        elif kind in ARTICLE_CONTINUES:
            value = line.size
        elif kind in ARTICLE_FURNITURE:
            value = -cost * FURNITURE_COST_SHARE
        else:
            value = -cost
        if running <= 0:
            running, start = value, index
        else:
            running += value
        if running > best:
            best, best_span = running, (start, index)
    return _with_adjacent_kept_lines(kinds, best_span)


def _with_adjacent_kept_lines(kinds: Sequence[str], span: tuple[int, int]) -> tuple[int, int]:
    """The run grown over the kept lines right next to it (blank lines between): a heading
    over the first paragraph, a list or a signature under the last add nothing to the sum
    but are the article's as long as no chrome parts them from it."""
    first, last = span
    if last < first:
        return span
    while first > 0 and kinds[first - 1] in ("", *KEPT):
        first -= 1
    while last + 1 < len(kinds) and kinds[last + 1] in ("", *KEPT):
        last += 1
    return first, last


def mark_outside_region(
    lines: Sequence[Line], kinds: list[str], chrome_line_cost: int
) -> tuple[int, int]:
    """Move the kept lines outside the article region to `comment` or `related`."""
    first, last = article_region(lines, kinds, chrome_line_cost)
    if last < first:
        return first, last
    recent: list[str] = []
    for index, kind in enumerate(kinds):
        if not kind:
            continue
        if kind in KEPT and not first <= index <= last:
            posted = index > last and any(earlier in COMMENT_HEADER_KINDS for earlier in recent)
            kinds[index] = LineKind.COMMENT if posted else LineKind.RELATED
        recent = [*recent, kind][-COMMENT_HEADER_WINDOW:]
    return first, last


# Between a title and its photo story's caption: the article's head and its tool rows.
PHOTO_STORY_HEAD = (*COMMENT_HEADER_KINDS, LineKind.SUBTITLE, LineKind.NAV, LineKind.BOILERPLATE)
PHOTO_STORY_WINDOW = 6  # non-blank lines under the title where the caption may start


def photo_story_captions(lines: Sequence[Line], kinds: Sequence[str], min_chars: int) -> list[int]:
    """A photo story's text is its picture's caption: the captions of running text (at least
    `min_chars`, with clauses) right under the title's head, when they hold more text than
    the body found elsewhere on the page. Returns their indexes (none: not a photo story).

    >>> lines = [Line(1, '', '某地公园开园'), Line(2, '', '2011-12-16 来源：某报'),
    ...          Line(3, '', '今天，某地公园正式开园，市民在园内观看雕塑作品。新华社发'),
    ...          Line(4, '', '广告：买车送好礼')]
    >>> photo_story_captions(lines, ['title', 'dateline', 'caption', 'body'], 20)
    [2]
    """
    title = next((index for index, kind in enumerate(kinds) if kind == LineKind.TITLE), None)
    if title is None:
        return []
    captions: list[int] = []
    seen = 0
    for index in range(title + 1, len(kinds)):
        kind, line = kinds[index], lines[index]
        if not kind:
            continue
        seen += 1
        if kind == LineKind.CAPTION and line.size >= min_chars and _has_clause(line.content):
            captions.append(index)
        elif captions or kind not in PHOTO_STORY_HEAD or seen > PHOTO_STORY_WINDOW:
            break
    body = sum(line.size for line, kind in zip(lines, kinds, strict=True) if kind in KEPT)
    caption_chars = sum(lines[index].size for index in captions)
    return captions if caption_chars > body else []
