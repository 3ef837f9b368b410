"""Page furniture found in blocks, from a line's neighbours as much as from its own text: menus,
sidebar boxes (related links, a guest's biography, a statistics box), a gallery's captions and
the rows of the site's footer."""

from itertools import pairwise

from transforms.records import LineKind
from transforms.structure.page import Page

BOX_KINDS = (None, LineKind.CAPTION, LineKind.SIDEBAR, LineKind.DATELINE)  # may be in a box


def mark_gallery_captions(page: Page) -> None:
    """In a gallery, the line after each picture counter (1/6) is that picture's caption,
    however long and however much it reads like prose."""
    for index, shape in enumerate(page.shapes):
        if shape.picture_counter:
            after = page.following(index, limit=1)
            if after and page.kinds[after[0]] is None:
                page.kinds[after[0]] = LineKind.CAPTION


def mark_credited_captions(page: Page, caption_max_chars: int) -> None:
    """A photo's credit alone on its line (记者 某某 摄) closes that photo's caption: the line
    right above it (no blank line between), when it is no longer than a caption and holds at
    most one sentence, is the caption, even indented like the article's paragraphs."""
    for index, shape in enumerate(page.shapes):
        if not (shape.photo_credit and index and page.kinds[index - 1] is None):
            continue
        above, above_shape = page.lines[index - 1], page.shapes[index - 1]
        sentences = sum(above.content.count(mark) for mark in "。！？!?")
        listed = above_shape.numbered or above_shape.speaker or above_shape.bullet
        if above.size <= caption_max_chars and sentences <= 1 and not listed:
            page.kinds[index - 1] = LineKind.CAPTION


def mark_footer_rows(page: Page) -> None:
    """A short line inside the site footer (under a footer line, over another or at the
    page's end) is the footer's: the row of sites under 友情链接, a second address line."""
    for index in range(len(page.lines)):
        if page.kinds[index] is not None or page.shapes[index].prose:
            continue
        before = next((i for i in range(index - 1, -1, -1) if page.kinds[i] != ""), None)
        after = page.following(index, limit=1)
        under_footer = before is not None and page.kinds[before] == LineKind.FOOTER
        if under_footer and (not after or page.kinds[after[0]] == LineKind.FOOTER):
            page.kinds[index] = LineKind.FOOTER


def mark_menus(page: Page, item_max_chars: int) -> None:
    """Runs of three or more menu-sized lines outside the article's prose, and a row of
    links above the article even when it names footer pages (联系我们, 网站地图)."""
    prose = page.open_prose_lines()
    first, last = (prose[0], prose[-1]) if prose else (len(page.lines), -1)
    for index in range(first):
        if page.kinds[index] == LineKind.FOOTER and page.shapes[index].link_list:
            page.kinds[index] = LineKind.NAV
    run: list[int] = []
    for index, kind in enumerate([*page.kinds, None]):
        if kind == "":
            continue
        item = index < len(page.lines) and kind is None and page.shapes[index].short
        if item and page.lines[index].size <= item_max_chars:
            run.append(index)
            continue
        if len(run) >= 3 and (run[-1] < first or run[0] > last):
            for member in run:
                page.kinds[member] = LineKind.NAV
        run = []


def mark_link_labels(page: Page, item_max_chars: int) -> None:
    """A menu-sized label ending in a colon right over links (附件： over the files to
    download) is the links' own label, when every line under it up to a blank line is a link."""
    for index, line in enumerate(page.lines):
        if page.kinds[index] is not None or line.size > item_max_chars:
            continue
        if not line.content.endswith(("：", ":")):
            continue
        block = []
        for later in range(index + 1, len(page.lines)):
            if page.kinds[later] == "":
                break
            block.append(later)
        if block and all(page.kinds[later] == LineKind.NAV for later in block):
            page.kinds[index] = LineKind.NAV


def mark_sidebars(page: Page) -> None:
    """Boxes set beside the article: the lines a sidebar mark heads (`_box`), and a block
    between two paragraphs of the article (or after the last) holding bare figures with
    other box signals (bullets, marks), from its first line to its last signal."""
    kinds, shapes = page.kinds, page.shapes
    anchors = [i for i in page.open_prose_lines() if not shapes[i].bullet]
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


def _box(page: Page, mark: int, after_article: bool) -> list[int]:
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
