"""The vocabulary shared by every stage: line kinds, quality flags, removed segments.

A document moves through the stages as raw bytes -> decoded text -> classified lines ->
output row (see `transforms.pipeline.DocumentRecord`). This module holds only the small
types and names that more than one stage needs, so that no stage imports another's
internals.
"""

from enum import StrEnum
from typing import NamedTuple


class LineKind(StrEnum):
    """Why a raw line is where it is. `body` and `heading` stay in `text`; all others go
    to `removed`. The removed kinds are the gold's vocabulary (tests/gold/README.md)."""

    BODY = "body"
    HEADING = "heading"
    TITLE = "title"
    SUBTITLE = "subtitle"
    TITLE_REPEAT = "title_repeat"
    NAV = "nav"
    DATELINE = "dateline"
    BYLINE = "byline"
    COLUMN_INTRO = "column_intro"
    CAPTION = "caption"
    SIDEBAR = "sidebar"
    CONTINUATION = "continuation"
    SEPARATOR = "separator"
    DUPLICATE = "duplicate"
    FOOTER = "footer"
    BOILERPLATE = "boilerplate"
    COMMENT = "comment"  # a reader's comment or a later post under the article
    RELATED = "related"  # prose outside the article: teasers, related articles, other posts

    @property
    def is_kept(self) -> bool:
        return self in (LineKind.BODY, LineKind.HEADING)


class Flag(StrEnum):
    """Quality flags a row can carry in its `flags` column."""

    LOSSY_ENCODING = "lossy_encoding"  # characters were lost before we got the file
    DECODE_ERRORS = "decode_errors"  # a few invalid bytes were replaced with U+FFFD
    MIXED_ENCODING = "mixed_encoding"  # segments (line runs) in different codecs
    MOJIBAKE_REPAIRED = "mojibake_repaired"
    MOJIBAKE_SUSPECTED = "mojibake_suspected"
    TRUNCATED = "truncated"  # a paragraph stops mid-sentence where the text ends
    CONVERTED = "converted"  # Traditional text was converted to Simplified
    EMPTY_BODY = "empty_body"  # nothing in the page looked like body text
    FORUM_PAGE = "forum_page"  # a thread or Q&A page: the body is its first post (and answer)
    # the publication date is later than the run's day, or than the page's replies/modification
    SUSPICIOUS_DATE = "suspicious_date"


class RemovedSegment(NamedTuple):
    """A raw line (or a part of one) kept out of the body, and why.

    `line` is 1-based in the decoded raw text; `text` is the line as it stood there. A named
    tuple, not a dataclass: a page removes hundreds of lines, and a tuple is made in one call.
    """

    kind: str
    line: int
    text: str


class UndecodableError(ValueError):
    """Raised for input that is not text in any encoding we accept; it goes to quarantine.

    `error_kind` is a short machine-readable reason (`not_text`, `empty`, ...).
    """

    def __init__(self, error_kind: str, message: str) -> None:
        super().__init__(message)
        self.error_kind = error_kind
        self.message = message
