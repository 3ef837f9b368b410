"""Text hygiene after decoding: one newline, one space, no invisible characters, NFC, and
full-width punctuation in Chinese context.

Line numbers of later stages refer to the raw lines, so hygiene never adds, removes or
strips a line: CRLF and lone CR become LF (the only change to line breaks), and the
characters that other tools count as line breaks (VT, FF, NEL, U+2028/9, FS..US) become
spaces. Steps, in order:

1. CRLF and lone CR -> LF.
2. Invisible and control characters are removed, line-like separators become a space
   (table: data/hygiene_characters.tsv). \\n and \\t stay.
3. Spaces: every Unicode space character becomes one ASCII space, one for one — the
   no-break space U+00A0, the thin and em spaces, and the ideographic space U+3000 too
   (pages use it for indentation and as a field separator, never for meaning; one for one
   keeps the characters' positions within the line). Runs of spaces are not collapsed.
4. NFC.
5. Half-width `, : ; ? !` next to a Chinese character or full-width punctuation become
   `，：；？！`; a `(...)` pair on one line becomes `（...）` when it holds or touches Chinese
   (data/hygiene_punctuation.tsv). URLs and the `?` that stand for lost characters
   (transforms.loss_markers.find_loss_markers) are left alone; numbers, times (16:38), ratios
   and Latin text have no Chinese neighbour and so stay as they are.
"""

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from transforms.decoding.common_han import HAN
from transforms.decoding.loss_markers import find_loss_markers

DATA = Path(__file__).parent / "data"

# Chinese context: Han characters, CJK punctuation (U+3001..U+303F) and full-width forms.
CHINESE = f"{HAN}\u3001-\u303f\uff01-\uff60"
_SINGLE = re.compile(  # the punctuation first, so that re can skip quickly to candidates
    rf"[,:;?!](?:(?=[{CHINESE}])|(?=[“‘][{CHINESE}])|(?<=[{CHINESE}].)|(?<=[{CHINESE}][”’].))"
)
_PAIR = re.compile(r"\(([^()\n]{0,200})\)")
_CHINESE_CHARACTER = re.compile(f"[{CHINESE}]")
_URL = re.compile(r"(?:https?://|ftp://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
_URL_TRAILING = ".,;:!?)]'"


@dataclass(frozen=True)
class HygieneConfig:
    widen_punctuation: bool = True


@dataclass(frozen=True)
class CleanText:
    text: str
    punctuation_widened: int
    invisible_removed: int  # invisible or control characters removed or blanked


def clean_text(text: str, config: HygieneConfig = HygieneConfig()) -> CleanText:
    """Normalise decoded text without touching its lines.

    >>> clean_text("时间:2023-05-11 16:38\\r\\n来源:\\u200b安徽\\u3000政法").text
    '时间：2023-05-11 16:38\\n来源：安徽 政法'
    >>> clean_text("Hello, world (1:2)").punctuation_widened
    0
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, removed, blanked = apply_character_table(text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    widened = 0
    if config.widen_punctuation:
        text, widened = widen_punctuation(text)
    return CleanText(text, widened, removed + blanked)


def widen_punctuation(text: str) -> tuple[str, int]:
    """Half-width punctuation in Chinese context made full-width, and how many.

    >>> widen_punctuation("县(市、区)党政一把手,连续4年:群众安全感?是的!")
    ('县（市、区）党政一把手，连续4年：群众安全感？是的！', 6)
    >>> widen_punctuation("16:38, 1,000 (Python) 见http://a.cn/list?id=1,2&p=(3)")[0]
    '16:38, 1,000 (Python) 见http://a.cn/list?id=1,2&p=(3)'
    >>> widen_punctuation("規?;?、高端化")[0]
    '規?;?、高端化'

    A widened mark is Chinese context for its neighbours, so a run of marks after Chinese is
    widened as a whole ("真的?!" -> "真的？！"): passes repeat while a widened mark touches
    another half-width one, and the result is a fixed point (cleaning it again changes
    nothing).

    >>> widen_punctuation("真的?!(续)")
    ('真的？！（续）', 4)
    """
    total = 0
    while True:
        text, positions = _widen_once(text)
        total += len(positions)
        if not any(_touches_half_width(text, position) for position in positions):
            return text, total


_HALF_WIDTH = frozenset(",:;?!()")


def _touches_half_width(text: str, position: int) -> bool:
    """Whether a mark just widened at `position` may be the Chinese context of a half-width
    one: a neighbour, or one across a quotation mark (`_SINGLE` looks that far)."""
    nearby = text[max(position - 2, 0) : position] + text[position + 1 : position + 3]
    return not _HALF_WIDTH.isdisjoint(nearby)


def _widen_once(text: str) -> tuple[str, list[int]]:
    """One pass of `widen_punctuation`: the text and the positions it widened."""
    full_width = _full_width()
    pairs: list[tuple[int, int]] = []
    for pair in _PAIR.finditer(text):
        opening, closing = pair.start(), pair.end() - 1
        touches_chinese = _is_chinese(text, opening - 1) or _is_chinese(text, closing + 1)
        if touches_chinese or _CHINESE_CHARACTER.search(pair.group(1)):
            pairs.append((opening, closing))
    singles = [match.start() for match in _SINGLE.finditer(text)]
    if not pairs and not singles:  # most passes: the protected spans are not needed
        return text, []
    protected = _Protected(text)
    parentheses = [
        position
        for opening, closing in pairs
        if not (protected.covers(opening) or protected.covers(closing))
        for position in (opening, closing)
    ]
    if protected:
        singles = [position for position in singles if not protected.covers(position)]
    positions = sorted(singles + parentheses) if parentheses else singles
    if not positions:
        return text, []
    pieces, previous = [], 0
    for position in positions:  # one for one: no position shifts
        pieces += (text[previous:position], full_width[text[position]])
        previous = position + 1
    pieces.append(text[previous:])
    return "".join(pieces), positions


class _Protected:
    """Positions punctuation widening must not touch: URLs and lost-character markers."""

    def __init__(self, text: str) -> None:
        self.markers = frozenset(find_loss_markers(text))
        self.starts: list[int] = []
        self.ends: list[int] = []
        if "://" in text or "www." in text:
            for url in _URL.finditer(text):
                self.starts.append(url.start())
                self.ends.append(url.start() + len(url.group().rstrip(_URL_TRAILING)))

    def __bool__(self) -> bool:
        return bool(self.markers or self.starts)

    def covers(self, position: int) -> bool:
        if position in self.markers:
            return True
        index = bisect_right(self.starts, position) - 1
        return index >= 0 and position < self.ends[index]


def _is_chinese(text: str, position: int) -> bool:
    return 0 <= position < len(text) and bool(_CHINESE_CHARACTER.match(text, position))


# Actions of data/hygiene_characters.tsv, as values of `_action_table`.
_KEEP, _REMOVE, _BLANK, _SPACE = 0, 1, 2, 3
_ACTIONS = {"remove": _REMOVE, "blank": _BLANK, "space": _SPACE}


def apply_character_table(text: str) -> tuple[str, int, int]:
    """Steps 2 and 3: the text with data/hygiene_characters.tsv applied, and how many
    characters were removed and blanked.

    One table lookup per code point over a NumPy view of the text, rather than a regex pass
    per action: most pages have nothing to change, and that costs a single pass. The ranges
    of the table do not overlap and none holds U+0020, so the actions are independent of
    their order.

    >>> apply_character_table("来源:\u200b安徽\u3000政法\x0c")
    ('来源:安徽 政法 ', 1, 1)
    """
    code_points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    actions = _action_table().take(code_points)
    if not actions.any():
        return text, 0, 0
    removed = int(np.count_nonzero(actions == _REMOVE))
    blanked = int(np.count_nonzero(actions == _BLANK))
    changed = np.where(actions >= _BLANK, np.uint32(ord(" ")), code_points)
    if removed:
        changed = changed[actions != _REMOVE]
    return changed.tobytes().decode("utf-32-le", "surrogatepass"), removed, blanked


@cache
def _action_table() -> npt.NDArray[np.uint8]:
    """Indexed by code point: the action of data/hygiene_characters.tsv (0: keep)."""
    table = np.zeros(0x110000, dtype=np.uint8)
    for first, last, action in _rows("hygiene_characters.tsv"):
        table[int(first, 16) : int(last, 16) + 1] = _ACTIONS[action]
    return table


@cache
def _full_width() -> dict[str, str]:
    return {half: full for half, full in _rows("hygiene_punctuation.tsv")}


def _rows(name: str) -> list[list[str]]:
    """The tab-separated rows of a data table, comments and the trailing column left out
    where a table has a description column (hygiene_characters.tsv)."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line and not line.startswith("#")]
    return [row[:3] if len(row) == 4 else row for row in rows]
