"""The article's head: its title, subtitle (or kicker), the title repeated further down the page,
and a column's standing introduction before it; the site's lines above the title are nav."""

from transforms.records import LineKind
from transforms.structure.lines import opens_subtitle
from transforms.structure.metadata import masthead_source
from transforms.structure.page import HEADER_KINDS, Page
from transforms.structure.titles import PageView, best_title, objected, scored_candidates

SUBTITLE_CLAUSES = "，,、；;：:"  # a headline with clauses in it elaborates: a subtitle
KICKER_MAX_SHARE = 0.75  # a kicker is at most this share as long as the headline under it


def _find_title(page: Page, title_min_chars: int) -> int | None:
    """The best-scored headline (transforms.structure.titles), or the headline right above
    it when the two read as a title over its subtitle: the upper one scores nearly as well
    and as a title by itself (over a line opening as subtitles do, nearly as well is
    enough), nothing speaks against it as a title, and the lower one does not spell it
    whole (a line the next one holds whole is a keyword tag over the headline)."""
    view = PageView(page, title_min_chars)
    candidates = scored_candidates(view)
    best = best_title(candidates.values(), view.tables.min_score)
    if best is None:
        return None
    above = view.neighbours(best.index, -1, 1)
    upper = candidates.get(above[0]) if above else None
    # a line that reads as a title by itself, or over a line opening as subtitles do (——访)
    floor = view.tables.min_score
    if opens_subtitle(page.lines[best.index].content):
        floor = float("-inf")
    if (
        upper is not None
        and upper.score >= max(floor, best.score - view.tables.pair_margin)
        and not objected(view, upper, view.tables.pair_objections)
        and view.keys[upper.index] not in view.keys[best.index]
        and _subtitle_of(page, upper.index, title_min_chars) == best.index
    ):
        return upper.index
    return best.index


def _subtitle_of(page: Page, title: int, title_min_chars: int) -> int | None:
    """The headline under a title that is its subtitle: one opening like a subtitle (——,
    访), or followed by the article's header, or right before the prose (unless more
    sections follow under headlines of their own: then it is the first section's heading)."""
    after = page.following(title, limit=2)
    if not after or not page.headline(after[0], title_min_chars):
        return None
    if page.shapes[after[0]].site_name:
        return None
    rest = after[1:]
    header = not rest or page.kinds[rest[0]] in HEADER_KINDS
    lead = bool(rest) and page.open_prose(rest[0]) and not _section_headings(page, rest[0])
    return after[0] if opens_subtitle(page.lines[after[0]].content) or header or lead else None


def mark_head(page: Page, title_min_chars: int) -> int | None:
    """Title, subtitle, the title repeated (whole, or split over lines), and the menus and
    channel labels above the title. Of two headlines in a row, the first is the title and
    the second its subtitle, unless only the second is repeated further down the page or
    reads as a newspaper's headline under its kicker (a newspaper's kicker stands above its
    title). Returns the title's index."""
    title = _find_title(page, title_min_chars)
    if title is None:
        return None
    subtitle = _subtitle_of(page, title, title_min_chars)
    if (
        subtitle is not None
        and not _repeats(page, title)
        and (_repeats(page, subtitle) or _kicker_above(page, title, subtitle))
    ):
        title, subtitle = subtitle, title
    page.kinds[title] = LineKind.TITLE
    if subtitle is not None:
        page.kinds[subtitle] = LineKind.SUBTITLE
    for index in range(min(title, subtitle if subtitle is not None else title)):
        if page.kinds[index] is None and page.shapes[index].short:
            page.kinds[index] = LineKind.NAV
    for heading in (title, subtitle):
        for run in _repeats(page, heading) if heading is not None else []:
            for member in run:
                page.kinds[member] = LineKind.TITLE_REPEAT
    # Under the headline, a medium's own name (某某新闻客户端 over the date) says who
    # published the article: the first line of its publication information.
    for index in range(title + 1, len(page.lines)):
        if page.open_prose(index):
            break
        if page.kinds[index] is None and page.shapes[index].site_name:
            page.kinds[index] = LineKind.DATELINE
    return title


def _kicker_above(page: Page, first: int, second: int) -> bool:
    """Whether the first of two headlines is a newspaper's kicker (引题) over its headline:
    on a newspaper's page (a masthead dateline above them), a clearly shorter first line
    over a second that reads as no subtitle (no —— or 访, no clauses: a subtitle under a
    headline adds details, 前5个月完成86.4万标箱，同比增长12.7%)."""
    newspaper = any(
        page.kinds[index] == LineKind.DATELINE and masthead_source(page.lines[index].content)
        for index in range(first)
    )
    lower = page.lines[second].content
    plain = not (opens_subtitle(lower) or any(mark in lower for mark in SUBTITLE_CLAUSES))
    shorter = page.lines[first].size <= KICKER_MAX_SHARE * page.lines[second].size
    return newspaper and plain and shorter


def _section_headings(page: Page, start: int) -> bool:
    """Whether an open short line after `start` stands right before prose, as headings do."""
    for index in range(start, len(page.lines)):
        if page.kinds[index] is None and page.shapes[index].short:
            after = page.following(index, limit=1)
            if after and page.open_prose(after[0]):
                return True
    return False


def _repeats(page: Page, heading: int) -> list[list[int]]:
    """Later runs of open short lines that spell the heading's text again."""
    wanted = page.normalized(heading)
    kinds, shapes, count = page.kinds, page.shapes, len(page.lines)
    runs: list[list[int]] = []
    index = heading + 1
    while index < count:
        if kinds[index] is not None or not shapes[index].short:
            index += 1  # no run starts here (a blank line's run is the next line's)
            continue
        run, joined = [], ""
        for later in range(index, count):
            if kinds[later] == "":
                continue
            if kinds[later] is not None or not shapes[later].short:
                break
            joined += page.normalized(later)
            if not wanted.startswith(joined):
                break
            run.append(later)
            if joined == wanted:
                runs.append(run)
                break
        index = runs[-1][-1] + 1 if runs and runs[-1] is run else index + 1
    return runs


def mark_column_intro(page: Page, title: int | None, max_share: float) -> None:
    """A column's standing introduction: the prose after an 开栏语/编者按 mark, and the prose
    between the page's title and the article's own head (its repeated title)."""
    kinds = page.kinds
    for index, kind in enumerate(list(kinds)):
        # the mark itself (开栏语：), not a recurring line that reads as an introduction
        marked = page.shapes[index].pattern_kind == LineKind.COLUMN_INTRO
        if kind == LineKind.COLUMN_INTRO and marked and page.lines[index].size <= 8:
            for later in page.following(index, limit=3):
                if not page.open_prose(later):
                    break
                kinds[later] = LineKind.COLUMN_INTRO
    repeats = [i for i, kind in enumerate(kinds) if kind == LineKind.TITLE_REPEAT]
    if not repeats:
        return
    start = 0 if title is None else title + 1
    prose = page.open_prose_lines()
    before = [i for i in prose if start <= i < repeats[0]]
    prose_chars = sum(page.lines[i].size for i in prose)
    if sum(page.lines[i].size for i in before) <= max_share * prose_chars:
        for index in before:
            kinds[index] = LineKind.COLUMN_INTRO
