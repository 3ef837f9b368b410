"""A page as the structure stage works on it: its lines, their shapes, and the kinds settled
so far, each step of transforms.structure.extract settling only the lines the steps before it left
open (kind None; blank lines have kind '')."""

from collections.abc import Callable

from transforms.records import LineKind
from transforms.structure.boilerplate import normalize_line
from transforms.structure.lines import Line, Shape

# The lines of an article's head under its title: publication information and page marks.
HEADER_KINDS = (LineKind.DATELINE, LineKind.BYLINE, LineKind.CONTINUATION)


class LineTexts(dict[int, str]):
    """`function(line.content)` of each line, worked out the first time it is asked for:
    most steps ask for a few lines of a page, not all of them. A dict that fills its own
    gaps, so a line asked for again is one lookup in C (the title scorer asks ~600 times a
    page).

    >>> texts = LineTexts([Line(1, 'Ab', 'Ab')], str.lower)
    >>> texts[0], dict(texts)
    ('ab', {0: 'ab'})
    """

    def __init__(self, lines: list[Line], function: Callable[[str], str]) -> None:
        super().__init__()
        self.lines, self.function = lines, function

    def __missing__(self, index: int) -> str:
        text = self[index] = self.function(self.lines[index].content)
        return text


class Page:
    """The lines, their shapes and the kinds settled so far (None: still open)."""

    def __init__(self, lines: list[Line], shapes: list[Shape]) -> None:
        self.lines, self.shapes = lines, shapes
        self.kinds: list[str | None] = [
            "" if not line.content else _own_kind(shape)
            for line, shape in zip(lines, shapes, strict=True)
        ]
        self._normalized = LineTexts(lines, normalize_line)

    def normalized(self, index: int) -> str:
        """The line's text as line keys see it (boilerplate.normalize_line), once a line."""
        return self._normalized[index]

    def open_prose(self, index: int) -> bool:
        return self.kinds[index] is None and self.shapes[index].prose

    def open_prose_flags(self) -> list[bool]:
        """`open_prose` of every line, in one pass (the kinds as they stand now)."""
        return [
            kind is None and shape.prose
            for kind, shape in zip(self.kinds, self.shapes, strict=True)
        ]

    def open_prose_lines(self) -> list[int]:
        """The open prose lines, in page order (the kinds as they stand now)."""
        return [index for index, prose in enumerate(self.open_prose_flags()) if prose]

    def headline(self, index: int, min_chars: int, labelled: bool = False) -> bool:
        """A line that may be a title or subtitle (at least `min_chars` long); `labelled`
        ones too (地名：标题, 组图：标题), which elsewhere read as a speaker's turn."""
        shape, size = self.shapes[index], self.lines[index].size
        return (
            self.kinds[index] is None
            and shape.short
            and size >= min_chars
            and not (shape.numbered or shape.link_list or shape.bullet)
            and (labelled or not shape.speaker)
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
