"""The structure stage: a page's raw lines -> body paragraphs, removed segments, metadata.

Evidence is applied from the most to the least certain, each step settling only lines the
steps before it left open: the line tables (transforms.lines), cross-document recurrence
(transforms.boilerplate), the article's head (title, subtitle, a repeated title, a column's
introduction before it), sidebar boxes, then the neighbour rule for short lines between
paragraphs. Repeated copies of the body go next (transforms.paragraphs), and the metadata is
read from the removed lines (transforms.metadata). Every non-blank raw line ends up with a kind:
`body`/`heading` lines make the paragraphs, all others are in `removed`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from transforms.boilerplate import mark_recurring, normalize_line
from transforms.lines import Line, Shape, describe, opens_subtitle, settle_short_lines, split_lines
from transforms.metadata import Metadata, extract_metadata
from transforms.paragraphs import KEPT, build_paragraphs, keep_signatures, mark_duplicates
from transforms.records import Flag, LineKind, RemovedSegment

__all__ = ["Metadata", "StructureConfig", "StructuredDocument", "extract_structure"]
HEADER_KINDS = (LineKind.DATELINE, LineKind.BYLINE, LineKind.CONTINUATION)
BOX_KINDS = (None, LineKind.CAPTION, LineKind.SIDEBAR, LineKind.DATELINE)  # may be in a box


@dataclass(frozen=True)
class StructureConfig:
    recurring_min_documents: int = 3  # K for cross-document boilerplate
    long_prose_chars: int = 200  # lines at least this long are never cross-doc boilerplate
    recurring_max_body_share: float = 0.5  # above it, the page itself is the repeat: keep body
    prose_min_chars: int = 60  # a line this long is prose even without a sentence end
    title_min_chars: int = 5
    title_max_chars: int = 64
    nav_item_max_chars: int = 8  # menu items, one a line or several on one
    column_intro_max_share: float = 0.4  # of the prose, before a repeated title
    duplicate_min_chars: int = 20
    duplicate_containment: float = 0.8  # share of a line's 5-grams found earlier in the body
    duplicate_similarity: float = 0.85  # difflib ratio to one earlier line (a few chars changed)
    duplicate_shingle_chars: int = 5
    broken_paragraph_min_chars: int = 30  # shorter lines ending without a stop are not broken


@dataclass(frozen=True)
class StructuredDocument:
    paragraphs: tuple[str, ...]
    removed: tuple[RemovedSegment, ...]
    metadata: Metadata
    flags: tuple[str, ...]
    line_kinds: tuple[str, ...]  # one LineKind value per raw line ('' for blank lines)


class _Page:
    """The lines, their shapes and the kinds settled so far (None: still open)."""

    def __init__(self, lines: list[Line], shapes: list[Shape]) -> None:
        self.lines, self.shapes = lines, shapes
        self.kinds: list[str | None] = [
            "" if not line.content else _own_kind(shape)
            for line, shape in zip(lines, shapes, strict=True)
        ]

    def open_prose(self, index: int) -> bool:
        return self.kinds[index] is None and self.shapes[index].prose

    def headline(self, index: int, config: StructureConfig) -> bool:
        shape, size = self.shapes[index], self.lines[index].size
        return (
            self.kinds[index] is None
            and shape.short
            and size >= config.title_min_chars
            and not (shape.numbered or shape.speaker or shape.link_list or shape.bullet)
        )

    def following(self, index: int, limit: int = 4) -> list[int]:
        """The next non-blank, non-separator lines."""
        found = []
        for later in range(index + 1, len(self.lines)):
            if self.kinds[later] not in ("", LineKind.SEPARATOR):
                found.append(later)
                if len(found) == limit:
                    break
        return found


def _own_kind(shape: Shape) -> str | None:
    """What a line is by itself: its table rule's kind, or nav for a list of links."""
    return shape.pattern_kind or (LineKind.NAV if shape.link_list else None)


def _mark_menus(page: _Page, config: StructureConfig) -> None:
    """Runs of three or more menu-sized lines outside the article's prose."""
    prose = [i for i in range(len(page.lines)) if page.open_prose(i)]
    first, last = (prose[0], prose[-1]) if prose else (len(page.lines), -1)
    run: list[int] = []
    for index, kind in enumerate([*page.kinds, None]):
        if kind == "":
            continue
        item = index < len(page.lines) and kind is None and page.shapes[index].short
        if item and page.lines[index].size <= config.nav_item_max_chars:
            run.append(index)
            continue
        if len(run) >= 3 and (run[-1] < first or run[0] > last):
            for member in run:
                page.kinds[member] = LineKind.NAV
        run = []


def _find_title(page: _Page, config: StructureConfig) -> int | None:
    """The first headline-like line before any prose that is not a site's name (named like
    one, or followed by the site's menus), or a headline after prose that an article head
    follows (a dateline, byline or continuation mark, perhaps after a subtitle)."""
    seen_prose = False
    for index in range(len(page.lines)):
        if page.open_prose(index):
            seen_prose = True
        if not page.headline(index, config):
            continue
        after = page.following(index, limit=3)
        if not seen_prose:
            site_name = page.shapes[index].site_name or (
                bool(after) and page.kinds[after[0]] == LineKind.NAV
            )
            if not site_name:
                return index
            continue
        header = [i for i in after if page.kinds[i] in HEADER_KINDS]
        if header and not any(page.open_prose(i) for i in after if i < header[0]):
            return index
    return None


def _mark_head(page: _Page, config: StructureConfig) -> int | None:
    """Title, subtitle, the title repeated (whole, or split over lines), and the menus and
    channel labels above the title. Of two headlines in a row, the first is the title and
    the second its subtitle, unless only the second is repeated further down the page (a
    newspaper's kicker stands above its title). Returns the title's index."""
    title = _find_title(page, config)
    if title is None:
        return None
    subtitle = None
    after = page.following(title, limit=2)
    if after and page.headline(after[0], config):
        rest = after[1:]
        header = not rest or page.kinds[rest[0]] in HEADER_KINDS
        # Right before the prose, a headline is the subtitle, unless more sections follow
        # under headlines of their own: then it is the first section's heading.
        lead = bool(rest) and page.open_prose(rest[0]) and not _section_headings(page, rest[0])
        if opens_subtitle(page.lines[after[0]].content) or header or lead:
            subtitle = after[0]
    if subtitle is not None and not _repeats(page, title) and _repeats(page, subtitle):
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
    return title


def _section_headings(page: _Page, start: int) -> bool:
    """Whether an open short line after `start` stands right before prose, as headings do."""
    for index in range(start, len(page.lines)):
        if page.kinds[index] is None and page.shapes[index].short:
            after = page.following(index, limit=1)
            if after and page.open_prose(after[0]):
                return True
    return False


def _repeats(page: _Page, heading: int) -> list[list[int]]:
    """Later runs of open short lines that spell the heading's text again."""
    wanted = normalize_line(page.lines[heading].content)
    runs: list[list[int]] = []
    index = heading + 1
    while index < len(page.lines):
        run, joined = [], ""
        for later in range(index, len(page.lines)):
            if page.kinds[later] == "":
                continue
            if page.kinds[later] is not None or not page.shapes[later].short:
                break
            joined += normalize_line(page.lines[later].content)
            if not wanted.startswith(joined):
                break
            run.append(later)
            if joined == wanted:
                runs.append(run)
                break
        index = runs[-1][-1] + 1 if runs and runs[-1] is run else index + 1
    return runs


def _mark_column_intro(page: _Page, title: int | None, config: StructureConfig) -> None:
    """A column's standing introduction: the prose after an 开栏语/编者按 mark, and the prose
    between the page's title and the article's own head (its repeated title)."""
    kinds = page.kinds
    for index, kind in enumerate(list(kinds)):
        if kind == LineKind.COLUMN_INTRO and page.lines[index].size <= 8:
            for later in page.following(index, limit=3):
                if not page.open_prose(later):
                    break
                kinds[later] = LineKind.COLUMN_INTRO
    repeats = [i for i, kind in enumerate(kinds) if kind == LineKind.TITLE_REPEAT]
    if not repeats:
        return
    start = 0 if title is None else title + 1
    before = [i for i in range(start, repeats[0]) if page.open_prose(i)]
    prose_chars = sum(page.lines[i].size for i in range(len(kinds)) if page.open_prose(i))
    if sum(page.lines[i].size for i in before) <= config.column_intro_max_share * prose_chars:
        for index in before:
            kinds[index] = LineKind.COLUMN_INTRO


def _mark_sidebars(page: _Page) -> None:
    """Boxes set beside the article: the lines a sidebar mark heads (`_box`), and a block
    between two paragraphs of the article (or after the last) holding bare figures with
    other box signals (bullets, marks), from its first line to its last signal."""
    kinds, shapes = page.kinds, page.shapes
    anchors = [i for i in range(len(page.lines)) if page.open_prose(i) and not shapes[i].bullet]
    last_anchor = anchors[-1] if anchors else -1
    for mark in [i for i, kind in enumerate(kinds) if kind == LineKind.SIDEBAR]:
        for member in _box(page, mark, after_article=mark > last_anchor):
            kinds[member] = LineKind.SIDEBAR
    for start, end in pairwise([*anchors, len(page.lines)]):
        block = [i for i in range(start + 1, end) if kinds[i] != ""]
        signals = [
            i
            for i in block
            if shapes[i].statistic or shapes[i].bullet or kinds[i] == LineKind.SIDEBAR
        ]
        if len(signals) >= 2 and any(shapes[i].statistic for i in signals):
            for member in range(block[0], signals[-1] + 1):
                if kinds[member] in (*BOX_KINDS, LineKind.BYLINE) and not shapes[member].numbered:
                    kinds[member] = LineKind.SIDEBAR


def _box(page: _Page, mark: int, after_article: bool) -> list[int]:
    """The lines a sidebar mark (相关阅读, 嘉宾简介…) heads. After the article's last paragraph:
    every open line to the end. Elsewhere: the lines right after the mark, up to a blank line
    (a bulleted list: up to its last bullet) or the article's next paragraph; a mark that
    opens a box (嘉宾简介) may have one paragraph of its own (the bio)."""
    kinds, shapes = page.kinds, page.shapes
    taken: list[int] = []
    for later in range(mark + 1, len(page.lines)):
        kind = kinds[later]
        if after_article:
            if kind in BOX_KINDS:
                taken.append(later)
            continue
        bulleted = bool(taken) and shapes[taken[0]].bullet
        if kind in ("", LineKind.SEPARATOR):
            if kind == "" and taken and not bulleted:
                break
            continue
        if kind not in BOX_KINDS or (bulleted and not shapes[later].bullet):
            break
        if page.open_prose(later) and (taken or not shapes[mark].opens_box):
            break
        taken.append(later)
    return [index for index in taken if not shapes[index].numbered]


def extract_structure(
    text: str,
    config: StructureConfig = StructureConfig(),
    recurring_keys: frozenset[str] = frozenset(),
) -> StructuredDocument:
    """Split one page (decoded, clean, Simplified; line i is raw line i) into its parts."""
    lines = split_lines(text)
    shapes = [
        describe(line, config.prose_min_chars, config.title_max_chars, config.nav_item_max_chars)
        for line in lines
    ]
    page = _Page(lines, shapes)
    mark_recurring(
        [line.content for line in lines],
        page.kinds,
        [shape.prose for shape in shapes],
        recurring_keys,
        config.long_prose_chars,
        config.recurring_max_body_share,
        exempt=[shape.numbered for shape in shapes],
    )
    _mark_sidebars(page)
    _mark_menus(page, config)
    title = _mark_head(page, config)
    _mark_column_intro(page, title, config)
    keep_signatures(lines, shapes, page.kinds)
    settle_short_lines(page.kinds, shapes, lines)
    kinds: list[str] = [kind or "" for kind in page.kinds]
    mark_duplicates(
        lines,
        kinds,
        config.duplicate_min_chars,
        config.duplicate_containment,
        config.duplicate_similarity,
        config.duplicate_shingle_chars,
    )
    built = build_paragraphs(lines, kinds, config.broken_paragraph_min_chars)
    return StructuredDocument(
        paragraphs=tuple(paragraph.text for paragraph in built.paragraphs),
        removed=_removed(lines, kinds),
        metadata=extract_metadata(
            lines, kinds, built.paragraphs[0].text if built.paragraphs else None
        ),
        flags=(Flag.TRUNCATED.value,) if built.truncated else (),
        line_kinds=tuple(str(kind) for kind in kinds),
    )


def _removed(lines: Sequence[Line], kinds: Sequence[str]) -> tuple[RemovedSegment, ...]:
    return tuple(
        RemovedSegment(str(kind), line.number, line.raw)
        for line, kind in zip(lines, kinds, strict=True)
        if kind and kind not in KEPT
    )
