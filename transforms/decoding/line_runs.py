"""Files whose lines are in different Chinese codecs: decoded line by line, then in segments.

Pages pasted together from several sources (a UTF-8 head, a GBK body, a Big5 quote) fail
every whole-file reading. Only then (codec_detection tries the whole file first) are the bytes
split into lines at b"\\n", each line decoded strictly with every candidate of LINE_CODECS
and given to the candidate whose reading scores highest as Chinese (`chinese_score`: the share
of common Han characters and Chinese punctuation; on a tie, the earlier candidate). A short
line (under SHORT_LINE non-ASCII characters: too little evidence, `↓` in Big5 is `□` in GBK)
stays in the codec of the line before it when that codec decodes it to common Han characters,
punctuation and symbols only. Adjacent
lines of one codec make a segment; 7-bit lines read the same in every codec and join the
segment before them (or, at the start, the one after).

The reading is a candidate only when the lines that decode strictly read as Chinese, taken
together. Bytes that decode in no candidate are replaced with U+FFFD and counted, never
dropped: codec_detection accepts the reading with a few of them, and quarantines the file
with many. Files with NUL bytes (UTF-16/32, binary) never take this path: b"\\n" is not a line
break there.
"""

import re
import unicodedata
from dataclasses import dataclass

from transforms.decoding.common_han import chinese_score, common_characters, spaced_han_share

# In order of preference on a tie. The GB family is read with gb18030 (as for whole files);
# Big5 with cp950, and big5hkscs where cp950 fails (HKSCS-only characters).
LINE_CODECS = ("utf-8", "gb18030", "cp950", "big5hkscs")
SHORT_LINE = 8
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]+")


@dataclass(frozen=True)
class Segment:
    """Lines `first_line`..`last_line` (1-based, inclusive) of the text, decoded with `encoding`."""

    encoding: str
    first_line: int
    last_line: int


@dataclass(frozen=True)
class LineRuns:
    text: str
    segments: tuple[Segment, ...]
    score: float  # chinese_score of the non-ASCII lines that decode strictly, together
    invalid_bytes: int
    replacements: int

    @property
    def encodings(self) -> tuple[str, ...]:
        """The segments' codecs in order of first appearance.

        >>> LineRuns("", (Segment("utf-8", 1, 1), Segment("gb18030", 2, 2),
        ...     Segment("utf-8", 3, 3)), 1.0, 0, 0).encodings
        ('utf-8', 'gb18030')
        """
        return tuple(dict.fromkeys(segment.encoding for segment in self.segments))


def decode_line(
    line: bytes, previous: str | None = None, min_score: float = 0.85
) -> tuple[str, str | None, int, int]:
    """One line's text, its codec (None for 7-bit lines), invalid bytes and U+FFFD inserted;
    `previous` is the codec of the non-ASCII line before it. A line no candidate reads
    strictly as Chinese is read, bad bytes replaced, by the candidate that reads it most like
    Chinese (then: with the fewest bad bytes).

    >>> decode_line("三明市".encode("big5"))[:2]
    ('三明市', 'cp950')
    >>> decode_line("↓ 5%".encode("big5"))[:2], decode_line("↓ 5%".encode("big5"), "cp950")[:2]
    (('□ 5%', 'gb18030'), ('↓ 5%', 'cp950'))
    >>> decode_line("三明市".encode("gbk") + b"\\xff")[1:]
    ('gb18030', 1, 1)
    >>> decode_line("三明市地处福建西部，是中央苏区".encode() + b"\\xff")[1:]  # valid GBK!
    ('utf-8', 1, 1)
    """
    strict = decode_strictly(line, previous, min_score)
    if strict is not None:
        return strict[0], strict[1], 0, 0
    readings = [decode_counting(line, codec) for codec in LINE_CODECS]
    return max(readings, key=lambda reading: (chinese_score(reading[0])[0], -reading[2]))


def decode_strictly(
    line: bytes, previous: str | None = None, min_score: float = 0.85
) -> tuple[str, str | None] | None:
    """`decode_line` for a line that some candidate decodes strictly (as Chinese, if the line
    is long enough to tell), else None."""
    if line.isascii():
        return line.decode("ascii"), None
    readings = []
    for codec in LINE_CODECS:
        try:
            readings.append((line.decode(codec), codec))
        except UnicodeDecodeError:
            continue
    for text, codec in readings:
        if codec == previous and _is_short_and_common(text):
            return text, codec
    if not readings:
        return None
    # max keeps the first of equal scores: the candidates' order breaks ties
    text, codec = max(readings, key=lambda reading: chinese_score(reading[0])[0])
    share, counted = chinese_score(text)
    return (text, codec) if share >= min_score or counted < SHORT_LINE else None


def _is_short_and_common(text: str) -> bool:
    """Under SHORT_LINE non-ASCII characters, each a common Han character, punctuation or a
    symbol (not a rare Han character, kana or private use: a wrong codec's marks)."""
    others = [char for char in text if not char.isascii() and char not in common_characters()]
    return len(text.encode("ascii", "ignore")) + SHORT_LINE > len(text) and all(
        unicodedata.category(char)[0] in "PS" for char in others
    )


def decode_counting(data: bytes, codec: str) -> tuple[str, str, int, int]:
    """`data` decoded with `codec`, each run of invalid bytes replaced with one U+FFFD:
    (text, codec, invalid bytes, replacements).

    >>> decode_counting(b"ab\\xff\\xfecd", "utf-8")
    ('ab\\ufffdcd', 'utf-8', 2, 1)
    """
    escaped = data.decode(codec, "surrogateescape")
    invalid = sum(match.end() - match.start() for match in _ESCAPED_BYTES.finditer(escaped))
    text, replacements = _ESCAPED_BYTES.subn("\ufffd", escaped)
    return text, codec, invalid, replacements


def read_line_runs(data: bytes, min_score: float, max_spaced_han_share: float) -> LineRuns | None:
    """The file decoded line by line, or None when that does not read as Chinese.

    >>> mixed = "三明市\\n".encode() + "三明市\\n".encode("gbk") + "三明市\\n".encode("big5")
    >>> runs = read_line_runs(mixed, 0.85, 0.1)
    >>> runs.text, runs.encodings
    ('三明市\\n三明市\\n三明市\\n', ('utf-8', 'gb18030', 'cp950'))
    """
    if b"\x00" in data:
        return None
    lines = data.split(b"\n")
    readings: list[tuple[str, str | None] | None] = []
    previous = None
    for line in lines:
        readings.append(decode_strictly(line, previous, min_score))
        previous = (readings[-1] or ("", None))[1] or previous
    chinese = "".join(reading[0] for reading in readings if reading and reading[1])
    score = chinese_score(chinese)[0]
    if not chinese or score < min_score or spaced_han_share(chinese) > max_spaced_han_share:
        return None  # before counting the other lines' bad bytes: most files stop here
    texts, codecs, invalid, replacements = [], [], 0, 0
    for line, reading in zip(lines, readings, strict=True):
        text, codec, line_invalid, line_replacements = (
            (*reading, 0, 0) if reading else decode_line(line, None, min_score)
        )
        texts.append(text)
        codecs.append(codec)
        invalid += line_invalid
        replacements += line_replacements
    return LineRuns("\n".join(texts), segments_of(codecs), score, invalid, replacements)


def segments_of(codecs: list[str | None]) -> tuple[Segment, ...]:
    """Adjacent lines of one codec merged; 7-bit lines (None) join the segment before them,
    or the first segment when they open the file.

    >>> segments_of([None, "utf-8", None, "gb18030", "gb18030"])
    (Segment(encoding='utf-8', first_line=1, last_line=3), Segment(encoding='gb18030', \
first_line=4, last_line=5))
    """
    segments: list[Segment] = []
    first_codec = next((codec for codec in codecs if codec), "ascii")
    for number, codec in enumerate(codecs, start=1):
        codec = codec or (segments[-1].encoding if segments else first_codec)
        if segments and segments[-1].encoding == codec:
            segments[-1] = Segment(codec, segments[-1].first_line, number)
        else:
            segments.append(Segment(codec, number, number))
    return tuple(segments)
