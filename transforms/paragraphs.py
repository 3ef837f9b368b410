"""The body's own lines and paragraphs: a notice's closing, repeated copies, paragraph repair.

The body lines of a page are not its paragraphs yet: a newspaper page break cuts a paragraph
in two mid-sentence, a flattened page runs all paragraphs (and their section headings) into
one line, and a page dump may carry the whole body twice. This module keeps a notice's
signature and date in the body, marks the repeated copy `duplicate`, then joins, splits and
checks what is left.
"""

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from transforms.lines import Line, Shape, ends_mid_sentence, tables
from transforms.records import LineKind

KEPT = (LineKind.BODY, LineKind.HEADING)
# Whitespace after a sentence end inside a line is a paragraph boundary (002's body line).
_BOUNDARY = re.compile(r"(?<=[。！？!?…])\s+|(?<=[。！？!?…][”’」』\"])\s+")
# A short run of Han text, with no clause punctuation, can be a paragraph's inline heading.
_INLINE_HEADING = re.compile(r"^[^\d，。,.;；:：!！?？、]{4,24}$")
_MIN_PARAGRAPH_CHARS = 10


@dataclass(frozen=True)
class Paragraph:
    text: str
    heading: bool


@dataclass(frozen=True)
class BuiltParagraphs:
    paragraphs: tuple[Paragraph, ...]
    truncated: bool  # some paragraph stops mid-sentence with nothing to continue it


_FIGURES = re.compile(r"\d+")
_NOT_WORD = re.compile(r"[\W_]+")


def _comparable(text: str) -> str:
    """The letters, digits and Han characters of a text, NFKC-normalised."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text))


def _shingles(text: str, size: int) -> set[str]:
    return {text[start : start + size] for start in range(max(1, len(text) - size + 1))}


def keep_signatures(
    lines: Sequence[Line], shapes: Sequence[Shape], kinds: list[str | None]
) -> None:
    """In place: a notice's closing, the issuer's name (one to three short lines) over a date
    and a bracketed remark after it (此件公开发布), is the document's own text, not a dateline.

    >>> from transforms.lines import describe, split_lines
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


def mark_duplicates(
    lines: Sequence[Line],
    kinds: list[str],
    min_chars: int,
    containment: float,
    similarity: float,
    shingle: int,
) -> None:
    """In place: a body line that repeats body before it is a duplicate. It repeats it when
    its text is (nearly) all found there (`containment` of its character `shingle`-grams: a
    copy split differently), or when it reads (nearly) like one earlier line (a difflib
    `similarity` ratio: a copy with a few characters changed) -- and, either way, its figures
    are the earlier text's: lines alike but for their numbers (1月份…增长5.2% / 2月份…增长6.1%)
    are a list, not a copy. A short line repeating an earlier one right next to a copy goes
    with it (the headings of a repeated block). The first occurrence is the one kept.

    >>> lines = [Line(1, '', '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉。'), Line(2, '', '标题'),
    ...          Line(3, '', '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉！')]
    >>> kinds = ['body', 'heading', 'body']
    >>> mark_duplicates(lines, kinds, 10, 0.8, 0.85, 5); [str(kind) for kind in kinds]
    ['body', 'heading', 'duplicate']
    """
    seen: set[str] = set()
    seen_figures: set[str] = set()
    earlier: list[str] = []
    holders: dict[str, list[int]] = {}  # shingle -> earlier lines that have it
    for index, line in enumerate(lines):
        text = _comparable(line.content)
        if kinds[index] not in KEPT or len(text) < min_chars:
            continue
        pieces = _shingles(text, shingle)
        figures = _FIGURES.findall(text)
        contained = len(pieces & seen) >= containment * len(pieces)
        if (contained and seen_figures.issuperset(figures)) or _resembles(
            text, pieces, figures, earlier, holders, similarity
        ):
            kinds[index] = LineKind.DUPLICATE
            continue
        seen |= pieces
        seen_figures.update(figures)
        for piece in pieces:
            holders.setdefault(piece, []).append(len(earlier))
        earlier.append(text)
    _mark_repeated_short_lines(lines, kinds, min_chars)


def _resembles(
    text: str,
    pieces: set[str],
    figures: list[str],
    earlier: Sequence[str],
    holders: dict[str, list[int]],
    similarity: float,
) -> bool:
    """Whether an earlier line with the same figures reads like `text`; only lines sharing
    at least half of its shingles are compared (found through `holders`, not one by one)."""
    shared = Counter(position for piece in pieces for position in holders.get(piece, ()))
    for position, count in shared.most_common():
        if count < len(pieces) / 2:
            break
        other = earlier[position]
        if _FIGURES.findall(other) != figures:
            continue
        matcher = difflib.SequenceMatcher(None, text, other, autojunk=False)
        if matcher.quick_ratio() >= similarity and matcher.ratio() >= similarity:
            return True
    return False


def _mark_repeated_short_lines(lines: Sequence[Line], kinds: list[str], min_chars: int) -> None:
    kept_or_copy = [i for i, kind in enumerate(kinds) if kind in (*KEPT, LineKind.DUPLICATE)]
    first_seen: dict[str, int] = {}
    for position, index in enumerate(kept_or_copy):
        text = _comparable(lines[index].content)
        if kinds[index] not in KEPT or len(text) >= min_chars:
            continue
        if text in first_seen and first_seen[text] < index:
            neighbours = kept_or_copy[max(0, position - 1) : position + 2]
            if any(kinds[other] == LineKind.DUPLICATE for other in neighbours):
                kinds[index] = LineKind.DUPLICATE
                continue
        first_seen.setdefault(text, index)


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
    shapes = tables().shapes
    if shapes["speaker_turn"].match(current.text) or shapes["numbered_heading"].match(current.text):
        return False
    return ends_mid_sentence(previous.text)


def build_paragraphs(
    lines: Sequence[Line], kinds: Sequence[str], broken_min_chars: int
) -> BuiltParagraphs:
    """The body's paragraphs in order: lines split where paragraphs ran together, halves of a
    paragraph cut mid-sentence joined (across any removed lines between them), and the
    document marked truncated when a paragraph still stops mid-sentence."""
    built: list[Paragraph] = []
    for line, kind in zip(lines, kinds, strict=True):
        if kind == LineKind.HEADING:
            pieces = [Paragraph(line.content, heading=True)]
        elif kind == LineKind.BODY:
            pieces = split_run_together(line.content)
        else:
            continue
        for piece in pieces:
            if built and _continues(built[-1], piece, broken_min_chars):
                built[-1] = Paragraph(built[-1].text + piece.text, heading=False)
            else:
                built.append(piece)
    truncated = any(
        not paragraph.heading
        and len(paragraph.text) >= broken_min_chars
        and ends_mid_sentence(paragraph.text)
        for paragraph in built
    )
    return BuiltParagraphs(tuple(built), truncated)
