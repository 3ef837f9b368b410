"""The structure stage: a page's raw lines -> body paragraphs, removed segments, metadata.

Evidence is applied from the most to the least certain, each step settling only lines the
steps before it left open (transforms.structure.page): the line tables (transforms.structure.lines),
cross-document recurrence (boilerplate), furniture found in blocks (sidebar boxes,
a gallery's captions, footer rows, menus: furniture), the article's head (title,
subtitle, a repeated title, a column's introduction: headings), a notice's closing
and a PDF's wrapped lines (transforms.structure.paragraphs), then the neighbour rule for short lines
between paragraphs (transforms.structure.captions). Repeated copies of the body go next
(duplicates), then the prose outside the article's region (regions), and the metadata
is read from the removed lines (metadata).
Every non-blank raw line ends up with a kind: `body`/`heading` lines make the paragraphs, all
others are in `removed`.
"""

import datetime
from collections.abc import Container, Hashable, Sequence
from dataclasses import dataclass

from transforms.records import Flag, LineKind, RemovedSegment
from transforms.structure.boilerplate import mark_recurring
from transforms.structure.captions import settle_short_lines
from transforms.structure.duplicates import mark_duplicates
from transforms.structure.forum import mark_forum_posts
from transforms.structure.furniture import (
    mark_credited_captions,
    mark_footer_rows,
    mark_gallery_captions,
    mark_link_labels,
    mark_menus,
    mark_sidebars,
)
from transforms.structure.headings import mark_column_intro, mark_head
from transforms.structure.lines import Line, describe, split_lines
from transforms.structure.metadata import LEAD_PARAGRAPHS, Metadata, extract_metadata
from transforms.structure.page import Page
from transforms.structure.paragraphs import (
    KEPT,
    build_paragraphs,
    keep_signatures,
    mark_wrapped_lines,
)
from transforms.structure.regions import mark_outside_region, photo_story_captions

__all__ = ["Metadata", "StructureConfig", "StructuredDocument", "extract_structure"]


@dataclass(frozen=True)
class StructureConfig:
    recurring_min_documents: int = 3  # K for cross-document boilerplate
    long_prose_chars: int = 200  # lines at least this long are never cross-doc boilerplate
    recurring_max_body_share: float = 0.5  # above it, the page itself is the repeat: keep body
    prose_min_chars: int = 60  # a line this long is prose even without a sentence end
    title_min_chars: int = 5
    title_max_chars: int = 64
    nav_item_max_chars: int = 8  # menu items, one a line or several on one
    caption_max_chars: int = 40  # a line above a lone photo credit: its caption up to this
    column_intro_max_share: float = 0.4  # of the prose, before a repeated title
    duplicate_min_chars: int = 20
    duplicate_containment: float = 0.8  # share of a line's 5-grams found earlier in the body
    duplicate_similarity: float = 0.85  # difflib ratio to one earlier line (a few chars changed)
    duplicate_shingle_chars: int = 5
    broken_paragraph_min_chars: int = 30  # shorter lines ending without a stop are not broken
    region_chrome_line_cost: int = 20  # body chars a chrome line inside the article costs


@dataclass(frozen=True)
class StructuredDocument:
    paragraphs: tuple[str, ...]
    removed: tuple[RemovedSegment, ...]
    metadata: Metadata
    flags: tuple[str, ...]
    line_kinds: tuple[str, ...]  # one LineKind value per raw line ('' for blank lines)


def extract_structure(
    text: str,
    config: StructureConfig = StructureConfig(),
    recurring_keys: Container[Hashable] = frozenset(),
    today: datetime.date | None = None,
    line_keys: Sequence[Hashable] | None = None,
) -> StructuredDocument:
    """Split one page (decoded, clean, Simplified; line i is raw line i) into its parts.
    `today` is the reference day a publication date may not be later than (the run's date).
    `line_keys`, when given, are the raw lines' keys in the form `recurring_keys` holds them
    (`boilerplate.line_keys_by_line`, or their hashes): the run has worked them out already
    to count them, and keying a page again was a tenth of this stage's time."""
    lines = split_lines(text)
    shapes = [
        describe(line, config.prose_min_chars, config.title_max_chars, config.nav_item_max_chars)
        for line in lines
    ]
    page = Page(lines, shapes)
    mark_recurring(
        [line.content for line in lines],
        [line.size for line in lines],
        page.kinds,
        [shape.prose for shape in shapes],
        recurring_keys,
        config.long_prose_chars,
        config.recurring_max_body_share,
        exempt=[shape.numbered for shape in shapes],
        keys=line_keys,
    )
    mark_sidebars(page)
    mark_gallery_captions(page)
    mark_credited_captions(page, config.caption_max_chars)
    mark_footer_rows(page)
    mark_menus(page, config.nav_item_max_chars)
    mark_link_labels(page, config.nav_item_max_chars)
    title = mark_head(page, config.title_min_chars)
    mark_column_intro(page, title, config.column_intro_max_share)
    keep_signatures(lines, shapes, page.kinds)
    wrapped = mark_wrapped_lines(lines, shapes, page.kinds)
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
    forum_page = mark_forum_posts(lines, kinds)
    unregioned = list(kinds)
    mark_outside_region(lines, kinds, config.region_chrome_line_cost)
    if story := photo_story_captions(lines, kinds, config.prose_min_chars):
        kinds = unregioned
        for index in story:
            kinds[index] = LineKind.BODY
        mark_outside_region(lines, kinds, config.region_chrome_line_cost)
    built = build_paragraphs(lines, kinds, config.broken_paragraph_min_chars, wrapped)
    metadata = extract_metadata(
        lines, kinds, [paragraph.text for paragraph in built.paragraphs[:LEAD_PARAGRAPHS]], today
    )
    return StructuredDocument(
        paragraphs=tuple(paragraph.text for paragraph in built.paragraphs),
        removed=_removed(lines, kinds),
        metadata=metadata,
        flags=tuple(
            flag.value
            for flag, raised in (
                (Flag.TRUNCATED, built.truncated),
                (Flag.FORUM_PAGE, forum_page),
                (Flag.SUSPICIOUS_DATE, metadata.suspicious_date),
            )
            if raised
        ),
        line_kinds=tuple(str(kind) for kind in kinds),
    )


# Each kind's text, looked up rather than made by str() for each removed line.
_KIND_TEXT = {kind: str(kind) for kind in LineKind}


def _removed(lines: Sequence[Line], kinds: Sequence[str]) -> tuple[RemovedSegment, ...]:
    return tuple(
        RemovedSegment(_KIND_TEXT.get(kind) or str(kind), line.number, line.raw)
        for line, kind in zip(lines, kinds, strict=True)
        if kind and kind not in KEPT
    )
