"""The body's own lines and paragraphs: a notice's closing, repeated copies, paragraph repair.

The body lines of a page are not its paragraphs yet: a newspaper page break cuts a paragraph
in two mid-sentence, a flattened page runs all paragraphs (and their section headings) into
one line, and a page dump may carry the whole body twice. This module keeps a notice's
signature and date in the body and a PDF's wrapped lines together, then (once
transforms.structure.duplicates has marked a repeated copy) joins, splits and checks what is left.
"""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from transforms.records import LineKind
from transforms.structure.lines import Line, Shape, ends_mid_sentence, tables

KEPT = (LineKind.BODY, LineKind.HEADING)
# Whitespace after a sentence end inside a line is a paragraph boundary (002's body line).
_BOUNDARY = re.compile(r"(?<=[。！？!?…])\s+|(?<=[。！？!?…][”’」』\"])\s+")
# A short run of Han text, with no clause punctuation, can be a paragraph's inline heading.
_SPACE = re.compile(r"\s")
_INLINE_HEADING = re.compile(r"^[^\d，。,.;；:：!！?？、]{4,24}$")
_MIN_PARAGRAPH_CHARS = 10
_TABLE_CELL = "\t"  # a flattened table's cells are tab-separated, one row a line


class Paragraph(NamedTuple):
    """A paragraph of the body, or a heading (a tuple: a page makes one per body line)."""

    text: str
    heading: bool


@dataclass(frozen=True)
class BuiltParagraphs:
    paragraphs: tuple[Paragraph, ...]
    truncated: bool  # some paragraph stops mid-sentence with nothing to continue it


def keep_signatures(
    lines: Sequence[Line], shapes: Sequence[Shape], kinds: list[str | None]
) -> None:
    """In place: a notice's closing, the issuer's name (one to three short lines) over a date
    and a bracketed remark after it (此件公开发布), is the document's own text, not a dateline.

    >>> from transforms.structure.lines import describe, split_lines
    >>> closing = '各单位：|请按时报送。|某某县人民政府|2020年1月2日|（此件公开发布）'
    >>> lines = split_lines(closing.replace('|', chr(10)))
    >>> shapes = [describe(line, 60, 64, 8) for line in lines]
    >>> kinds = [None, None, None, 'dateline', None]
    >>> keep_signatures(lines, shapes, kinds); [str(kind) for kind in kinds]
    ['None', 'None', 'body', 'body', 'body']
    """
    prose = [index for index, kind in enumerate(kinds) if kind is None and shapes[index].prose]
    for index, shape in enumerate(shapes):
        if not (shape.date_only and prose and index > prose[0]):
            continue
        issuers: list[int] = []
        for earlier in reversed(range(index)):
            if kinds[earlier] == "" or not lines[earlier].content:
                continue
            issuer = kinds[earlier] is None and shapes[earlier].short
            if not issuer or shapes[earlier].numbered or len(issuers) == 3:
                break
            issuers.append(earlier)
        if not issuers:
            continue
        for member in [*issuers, index]:
            kinds[member] = LineKind.BODY
        remark = next((i for i in range(index + 1, len(lines)) if lines[i].content), None)
        if remark is not None and kinds[remark] is None and lines[remark].content[0] in "（(":
            kinds[remark] = LineKind.BODY


def _indented(line: Line) -> bool:
    return line.raw[:1].isspace()


def mark_wrapped_lines(
    lines: Sequence[Line], shapes: Sequence[Shape], kinds: list[str | None]
) -> frozenset[int]:
    """In place: on a page whose paragraphs open with an indent, as a newspaper PDF's do, an
    unindented line right under a paragraph's line (no blank line between) is the rest of that
    paragraph, wrapped: both are body. Returns the indexes of the wrapped lines, which
    `build_paragraphs` joins to the line above. A line under a finished sentence continues it
    only when it stops mid-sentence too, with the next unindented line right under it.

    >>> from transforms.structure.lines import describe, split_lines
    >>> text = '　　民生无小事。日前，某市公布了实事项|目，件件连着群众。|　　贵在实。|　　重在效。'
    >>> lines = split_lines(text.replace('|', chr(10)))
    >>> shapes = [describe(line, 60, 64, 8) for line in lines]
    >>> kinds = [None, None, None, None]
    >>> sorted(mark_wrapped_lines(lines, shapes, kinds)), [str(kind) for kind in kinds]
    ([1], ['body', 'body', 'None', 'None'])
    """
    prose = [index for index, kind in enumerate(kinds) if kind is None and shapes[index].prose]
    indented = sum(1 for index in prose if _indented(lines[index]))
    if indented < 2 or 2 * indented < len(prose):
        return frozenset()
    wrapped: set[int] = set()
    for index in range(1, len(lines)):
        above, line, shape = lines[index - 1], lines[index], shapes[index]
        if not (above.content and line.content) or _indented(line):
            continue
        if kinds[index - 1] not in (None, LineKind.BODY) or kinds[index] is not None:
            continue
        if not (_indented(above) or index - 1 in wrapped):
            continue
        if shape.numbered or shape.speaker or shape.bullet or shape.label or shape.table_row:
            continue
        if ends_mid_sentence(above.content) or _wraps_on(lines, kinds, index):
            wrapped.add(index)
            kinds[index - 1] = kinds[index] = LineKind.BODY
    return frozenset(wrapped)


def _wraps_on(lines: Sequence[Line], kinds: Sequence[str | None], index: int) -> bool:
    """Whether a line stops mid-sentence with an unindented line right under it: inside a
    wrapped paragraph, where a caption or heading under a paragraph would not be."""
    below = index + 1
    return (
        ends_mid_sentence(lines[index].content)
        and below < len(lines)
        and bool(lines[below].content)
        and not _indented(lines[below])
        and kinds[below] is None
    )


def _inline_heading(text: str) -> bool:
    han = sum(1 for char in text if "\u4e00" <= char <= "\u9fff")
    return bool(_INLINE_HEADING.match(text)) and han >= 4


def split_run_together(text: str) -> list[Paragraph]:
    """Paragraphs flattened onto one line, and their inline section headings, apart again.

    The whitespace that most often follows a sentence end is the page's paragraph separator;
    a paragraph that starts with a short clause-free phrase and that separator starts with
    its section heading (which may itself hold a narrower space: 熟人调解 说话有分量).

    >>> line = '就是幸福。” 党的十九大以来,提升水平。 理顺社会治理链条 2020年5月,入选。'
    >>> [paragraph.text for paragraph in split_run_together(line)]
    ['就是幸福。”', '党的十九大以来,提升水平。', '理顺社会治理链条', '2020年5月,入选。']
    >>> [p.text for p in split_run_together('深学争优 敢为争先 实干争效')]
    ['深学争优 敢为争先 实干争效']
    >>> [p.text for p in split_run_together('“一定要把路修好。” 他说。')]
    ['“一定要把路修好。” 他说。']
    """
    text = text.strip()
    if not _SPACE.search(text):  # most lines: no space, so no boundary to split at
        return [Paragraph(text, heading=False)]
    separators = Counter(match.group() for match in _BOUNDARY.finditer(text))
    if not separators:
        return [Paragraph(text, heading=False)]
    separator = separators.most_common(1)[0][0]
    paragraphs: list[Paragraph] = []
    for piece in (piece.strip() for piece in _BOUNDARY.split(text)):
        if not piece:
            continue
        heading, found, rest = piece.partition(separator)
        if found and rest.strip() and _inline_heading(heading):
            paragraphs.append(Paragraph(heading, heading=True))
            piece = rest.strip()
        if paragraphs and not paragraphs[-1].heading and len(piece) < _MIN_PARAGRAPH_CHARS:
            # a quotation's attribution after a space (“…。” 他说。) is no paragraph of its own
            paragraphs[-1] = Paragraph(f"{paragraphs[-1].text} {piece}", heading=False)
        else:
            paragraphs.append(Paragraph(piece, heading=False))
    return paragraphs


def _continues(previous: Paragraph, current: Paragraph, broken_min_chars: int) -> bool:
    """Whether `current` is the rest of `previous`, cut by a page or column break."""
    if previous.heading or current.heading or len(previous.text) < broken_min_chars:
        return False
    if _TABLE_CELL in previous.text or _TABLE_CELL in current.text:
        return False  # a table's row ends where its last cell does, sentence or not
    if not ends_mid_sentence(previous.text):
        return False  # most paragraphs end a sentence: asked first, before the two patterns
    shapes = tables().shapes
    return not (
        shapes["speaker_turn"].match(current.text) or shapes["numbered_heading"].match(current.text)
    )


def build_paragraphs(
    lines: Sequence[Line],
    kinds: Sequence[str],
    broken_min_chars: int,
    wrapped: frozenset[int] = frozenset(),
) -> BuiltParagraphs:
    """The body's paragraphs in order: lines split where paragraphs ran together, halves of a
    paragraph cut mid-sentence joined (across any removed lines between them), `wrapped` lines
    (indexes) joined to the line above, and the document marked truncated when a paragraph
    still stops mid-sentence."""
    built: list[Paragraph] = []
    for index, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        if kind == LineKind.HEADING:
            pieces = [Paragraph(line.content, heading=True)]
        elif kind == LineKind.BODY and _TABLE_CELL in line.content:
            pieces = [Paragraph(line.content, heading=False)]  # a table's row, kept whole
        elif kind == LineKind.BODY:
            pieces = split_run_together(line.content)
        else:
            continue
        for number, piece in enumerate(pieces):
            joined = number == 0 and index in wrapped and built and not built[-1].heading
            if joined or (built and _continues(built[-1], piece, broken_min_chars)):
                built[-1] = Paragraph(built[-1].text + piece.text, heading=False)
            else:
                built.append(piece)
    truncated = any(
        not paragraph.heading
        and _TABLE_CELL not in paragraph.text
        and len(paragraph.text) >= broken_min_chars
        and ends_mid_sentence(paragraph.text)
        for paragraph in built
    )
    return BuiltParagraphs(tuple(built), truncated)
