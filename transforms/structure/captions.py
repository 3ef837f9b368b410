"""The short lines left open between an article's paragraphs: a section's heading or a photo's
caption, told apart by their neighbours (transforms.structure.lines gives each line's own shape)."""

from collections.abc import Sequence

from transforms.records import LineKind
from transforms.structure.lines import Line, Shape

CLEAR_HEADING = 0.2  # share of a short line's characters more found after it than before


def _han(text: str) -> set[str]:
    # each distinct character tested once: a paragraph repeats most of its characters
    return {char for char in set(text) if "\u4e00" <= char <= "\u9fff"}


def _overlap(short: str, paragraph: str) -> float:
    """Share of a short line's Han characters found in a paragraph."""
    characters = _han(short)
    return len(characters & _han(paragraph)) / len(characters) if characters else 0.0


def settle_short_lines(
    kinds: list[str | None], shapes: Sequence[Shape], lines: Sequence[Line]
) -> None:
    """Decide each short line still open between paragraphs: heading or caption.

    A heading introduces what follows it, so it sits right before prose: a short line followed
    by another short line (the heading of the next section), or by nothing of the body at all,
    describes a picture instead; one right before a numbered list or section introduces it.
    Between two paragraphs, a heading shares its words with the paragraph it introduces, a
    caption with the paragraph its picture illustrates, the one before it. A bracketed label
    (【法官说法】) is a heading; so is a line that clearly introduces what follows
    (`CLEAR_HEADING` more of its Han characters found after than before) unless it holds
    words only captions use (某某现场). Otherwise a line in scene words (正在…) is a caption;
    in an article whose sections are numbered, so is an unnumbered line; in one with a series
    of unnumbered headings (one of them clear) it is a heading; elsewhere, a line closer to
    the paragraph before it is a caption. Lines already settled keep their kind.
    """
    open_lines = [index for index, kind in enumerate(kinds) if kind is None]
    # Numbered headings, not a numbered list of sentences (1.所有刷单都是诈骗！…).
    numbered_sections = sum(1 for i in open_lines if shapes[i].numbered and shapes[i].short) >= 2
    between: dict[int, float] = {}  # how much more a line shares with what follows
    for index in open_lines:
        shape = shapes[index]
        following = _next_body_candidate(kinds, index)
        if not shape.short or shape.table_row:
            kinds[index] = LineKind.BODY
        elif shape.numbered or shape.speaker:
            kinds[index] = LineKind.HEADING if shape.numbered else LineKind.BODY
        elif following is None or (shapes[following].short and not shapes[following].speaker):
            kinds[index] = LineKind.CAPTION
        elif shapes[following].numbered and not (shape.scene or shape.photo_words):
            kinds[index] = LineKind.HEADING  # it introduces a numbered list: 警示：1.… 2.…
        else:
            before = _previous_body(kinds, shapes, index)
            before_text = lines[before].content if before is not None else ""
            between[index] = _overlap(lines[index].content, lines[following].content) - _overlap(
                lines[index].content, before_text
            )
    series = any(lead >= CLEAR_HEADING for lead in between.values())
    for index, lead in between.items():
        if shapes[index].label or (lead >= CLEAR_HEADING and not shapes[index].photo_words):
            caption = False
        elif numbered_sections or shapes[index].scene or shapes[index].photo_words:
            caption = True
        else:
            caption = lead < 0 and not series
        kinds[index] = LineKind.CAPTION if caption else LineKind.HEADING


def _previous_body(kinds: Sequence[str | None], shapes: Sequence[Shape], index: int) -> int | None:
    for earlier in range(index - 1, -1, -1):
        if kinds[earlier] == LineKind.BODY or (kinds[earlier] is None and shapes[earlier].prose):
            return earlier
        if kinds[earlier] in (LineKind.HEADING, LineKind.TITLE, LineKind.SUBTITLE):
            return None
    return None


def _next_body_candidate(kinds: Sequence[str | None], index: int) -> int | None:
    """The next line that is (or may still become) body, furniture in between skipped."""
    for later in range(index + 1, len(kinds)):
        if kinds[later] in (None, LineKind.BODY, LineKind.HEADING):
            return later
    return None
