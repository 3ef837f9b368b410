"""Which line is the article's title: every headline-like line of the page is scored on a small
table of weighted features (data/titles.toml), and the best one is taken.

Scoring is kept apart from deciding: `candidates` finds the lines that may be a title,
`features` measures each one's evidence (each feature a number from 0 to 1), `score` weighs
it, and `best_title` decides. The evidence is about where a line stands, not what it says:
a headline stands right above the article's publication line and right before its prose,
under the site's breadcrumb (often the breadcrumb's last item), and shares characters with
the first paragraph; a sidebar's headline stands in a run of others, a site's or channel's
name shares nothing with the article, and a dateline, hotline or breadcrumb carries dates,
numbers and path separators. Every step reads each line a bounded number of times: linear in
the page's lines.
"""

import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

from transforms.records import LineKind
from transforms.structure.lines import CLOSING
from transforms.structure.page import HEADER_KINDS, Page

TABLE = Path(__file__).parent / "data" / "titles.toml"
EXCLAIMED_MAX_CHARS = 40  # a line ending on ！ or ？ this short may still be a headline


@dataclass(frozen=True)
class TitleTables:
    """The weights, patterns and reaches of data/titles.toml."""

    weights: dict[str, float]
    patterns: dict[str, re.Pattern[str]]
    min_score: float
    pair_margin: float
    pair_objections: tuple[str, ...]
    header_reach: int
    neighbour_reach: int
    body_reach: int
    body_chars: int
    overlap_full_pairs: int
    prose_seen_chars: int
    list_run: int


@cache
def title_tables() -> TitleTables:
    """The title table, read once per process."""
    document = tomllib.loads(TABLE.read_text(encoding="utf-8"))
    return TitleTables(
        weights={name: float(value) for name, value in document["weights"].items()},
        patterns={name: re.compile(text) for name, text in document["patterns"].items()},
        min_score=float(document["min_score"]),
        pair_margin=float(document["pair_margin"]),
        pair_objections=tuple(document["pair_objections"]),
        header_reach=document["header_reach"],
        neighbour_reach=document["neighbour_reach"],
        body_reach=document["body_reach"],
        body_chars=document["body_chars"],
        overlap_full_pairs=document["overlap_full_pairs"],
        prose_seen_chars=document["prose_seen_chars"],
        list_run=document["list_run"],
    )


def text_key(text: str) -> str:
    """A line's letters, digits and Han characters, casefolded: what two spellings of one
    headline share (punctuation, spaces and bullets aside).

    >>> text_key('· 某县：推进“放心水”工程（图）')
    '某县推进放心水工程图'
    """
    return "".join(
        char for char in unicodedata.normalize("NFKC", text).casefold() if char.isalnum()
    )


def char_pairs(text: str) -> set[str]:
    """The adjacent character pairs of a key.

    >>> sorted(char_pairs('放心水'))
    ['心水', '放心']
    """
    return {text[index : index + 2] for index in range(len(text) - 1)}


class PageView:
    """What the features read about a page, worked out once, in one pass or two over it."""

    def __init__(self, page: Page, min_chars: int) -> None:
        self.page, self.tables = page, title_tables()
        count = len(page.lines)
        # the lines that are neither blank nor separators, and each line's place among them
        self.solid = [i for i in range(count) if page.kinds[i] not in ("", LineKind.SEPARATOR)]
        self.place = [-1] * count
        for place, index in enumerate(self.solid):
            self.place[index] = place
        self.keys = [text_key(line.content) if line.size <= 120 else "" for line in page.lines]
        # where each text stands first and last, alone on a line or split over two
        self.first_at: dict[str, int] = {}
        self.last_at: dict[str, int] = {}
        for place, index in enumerate(self.solid):
            for key in (self.keys[index], self.joined(place)):
                if key:
                    self.first_at.setdefault(key, index)
                    self.last_at[key] = index
        self.prose_chars = [0] * (count + 1)  # open prose characters above each line
        for index in range(count):
            chars = page.lines[index].size if page.open_prose(index) else 0
            self.prose_chars[index + 1] = self.prose_chars[index] + chars
        self.next_prose = [-1] * (count + 1)
        for index in range(count - 1, -1, -1):
            self.next_prose[index] = index if page.open_prose(index) else self.next_prose[index + 1]
        self.last_prose = [-1] * (count + 1)  # the last open prose line before each line
        for index in range(count):
            self.last_prose[index + 1] = index if page.open_prose(index) else self.last_prose[index]
        self.open_before = [0] * (count + 1)  # open lines above each line
        for index in range(count):
            self.open_before[index + 1] = self.open_before[index] + (page.kinds[index] is None)
        self.candidate = [is_candidate(page, index, min_chars) for index in range(count)]
        # a list is a run of headlines; lines the site's other pages have next to one (its
        # standing furniture) do not make one
        listed = [self.candidate[i] and not recurring(page, i) for i in self.solid]
        self.run = _runs(listed)

    def joined(self, place: int) -> str:
        """The keys of the solid line at `place` and the next one, joined ('' at the end)."""
        if place + 1 >= len(self.solid):
            return ""
        first, second = self.keys[self.solid[place]], self.keys[self.solid[place + 1]]
        return first + second if first and second else ""

    def neighbours(self, index: int, step: int, reach: int) -> list[int]:
        """Up to `reach` solid lines after (step 1) or before (step -1) a solid line."""
        place, found = self.place[index], []
        for offset in range(1, reach + 1):
            other = place + step * offset
            if not 0 <= other < len(self.solid):
                break
            found.append(self.solid[other])
        return found

    def header(self, index: int) -> bool:
        """A line of the article's publication information: a dateline or byline, or an
        open short line with a date or time in it."""
        kind = self.page.kinds[index]
        if kind in HEADER_KINDS:
            return True
        dated = self.tables.patterns["dated"].search(self.page.lines[index].content)
        return kind is None and dated is not None and not self.page.shapes[index].prose

    def navigation(self, index: int) -> bool:
        """A menu or breadcrumb line (settled as one, or spelled as a path)."""
        kind = self.page.kinds[index]
        path = self.tables.patterns["breadcrumb"].search(self.page.lines[index].content)
        return kind == LineKind.NAV or (kind is None and path is not None)

    def prose_after(self, index: int) -> str:
        """The key of the open prose under a line, up to the table's body_chars."""
        return self._prose(index + 1, self.next_prose, 1)

    def prose_before(self, index: int) -> str:
        """The key of the open prose above a line (the nearest first), up to body_chars."""
        return self._prose(index, self.last_prose, -1)

    def _prose(self, start: int, nearest: list[int], step: int) -> str:
        texts: list[str] = []
        size, limit = 0, self.tables.body_chars
        while size < limit and 0 <= start < len(self.page.lines) + (step < 0):
            found = nearest[start]
            if found == -1:
                break
            texts.append(self.keys[found] or text_key(self.page.lines[found].content))
            size, start = size + len(texts[-1]), found + step if step > 0 else found
        return "".join(texts)[:limit]


def _runs(flags: list[bool]) -> list[int]:
    """For each place, the length of the run of True it is in (0 where False).

    >>> _runs([True, True, False, True])
    [2, 2, 0, 1]
    """
    lengths, start = [0] * len(flags), 0
    for place in range(len(flags) + 1):
        if place == len(flags) or not flags[place]:
            for member in range(start, place):
                lengths[member] = place - start
            start = place + 1
    return lengths


def menu_item(page: Page, index: int) -> bool:
    """A line only its neighbours made a menu's (a run of menu-sized lines), not its text."""
    shape = page.shapes[index]
    return page.kinds[index] == LineKind.NAV and shape.pattern_kind is None and not shape.link_list


def link_row(page: Page, index: int) -> bool:
    """A line settled as a menu only for its shape: short words between spaces or bars (a
    headline in words set apart by spaces has that shape too)."""
    shape = page.shapes[index]
    return page.kinds[index] == LineKind.NAV and shape.pattern_kind is None and shape.link_list


def recurring(page: Page, index: int) -> bool:
    """A line settled as boilerplate only because other pages of the run have it too (the
    site's lists of headlines name this article's on the site's other pages)."""
    return page.kinds[index] == LineKind.BOILERPLATE and page.shapes[index].pattern_kind is None


def is_candidate(page: Page, index: int, min_chars: int) -> bool:
    """A line that may be the title: open, or settled only by weak evidence (a caption by its
    headline's （图） mark, a menu's item for standing among short lines or for its spaced
    words, boilerplate for recurring on other pages), headline-sized (or a short exclamation
    or question), and not a numbered or bulleted item."""
    kind, shape, line = page.kinds[index], page.shapes[index], page.lines[index]
    marked = title_tables().patterns["headline_mark"].search(line.content) is not None
    weak = (
        (kind == LineKind.CAPTION and marked)
        or menu_item(page, index)
        or link_row(page, index)
        or recurring(page, index)
    )
    if not (kind is None or weak):
        return False
    ending = line.content.rstrip(CLOSING)[-1:]
    exclaimed = shape.prose and line.size <= EXCLAIMED_MAX_CHARS and ending in "！？!?"
    exclaimed = exclaimed and not any(mark in line.content for mark in "。，,；;")
    return (
        (shape.short or exclaimed)
        and line.size >= min_chars
        and not (shape.numbered or shape.bullet or shape.table_row)
    )


Feature = Callable[[PageView, int], float]


def _header_below(view: PageView, index: int) -> float:
    for later in view.neighbours(index, 1, view.tables.header_reach):
        if view.page.open_prose(later):
            return 0.0
        if view.header(later):
            return 1.0
    return 0.0


def _header_above(view: PageView, index: int) -> float:
    above = view.neighbours(index, -1, 1)
    return float(bool(above) and view.header(above[0]))


def _nav_above(view: PageView, index: int) -> float:
    return float(any(view.navigation(i) for i in view.neighbours(index, -1, 2)))


def _breadcrumb_tail(view: PageView, index: int) -> float:
    key = view.keys[index]
    above = view.neighbours(index, -1, view.tables.neighbour_reach + 1)
    return float(
        any(
            view.navigation(i) and view.keys[i] != key and view.keys[i].endswith(key) for i in above
        )
    )


def _body_near(view: PageView, index: int) -> float:
    found = view.next_prose[index + 1]
    if found == -1:
        return 0.0
    # settled furniture between (a dateline, a share bar) does not part a head from its prose
    distance = view.open_before[found] - view.open_before[index + 1]
    return max(0.0, 1.0 - distance / view.tables.body_reach)


def _body_overlap(view: PageView, index: int) -> float:
    pairs = char_pairs(view.keys[index])
    if not pairs:
        return 0.0
    # the prose under a headline is its article's; above it only on a page with none under
    prose = view.prose_after(index) or view.prose_before(index)
    # a short line's few pairs are found in any paragraph that names its subject
    weight = min(1.0, len(pairs) / view.tables.overlap_full_pairs)
    return weight * sum(pair in prose for pair in pairs) / len(pairs)


def _tag_line(view: PageView, index: int) -> float:
    below = view.neighbours(index, 1, 1)
    if not below or not view.candidate[below[0]]:
        return 0.0
    key, headline = view.keys[index], view.keys[below[0]]
    return float(key != headline and key in headline)


def _copy_below(view: PageView, index: int) -> float:
    return float(view.last_at.get(view.keys[index], index) > index)


def _copy_above(view: PageView, index: int) -> float:
    place = view.place[index]
    copies = [(view.keys[index], index), (view.joined(place), index)]
    if place:
        copies.append((view.joined(place - 1), view.solid[place - 1]))
    return float(any(view.first_at.get(text, start) < start for text, start in copies if text))


def _prose_above(view: PageView, index: int) -> float:
    above = view.neighbours(index, -1, 1)
    return float(bool(above) and view.page.open_prose(above[0]))


def _in_list(view: PageView, index: int) -> float:
    return float(view.run[view.place[index]] >= view.tables.list_run)


def _pattern(name: str) -> Feature:
    def feature(view: PageView, index: int) -> float:
        return float(view.tables.patterns[name].search(view.page.lines[index].content) is not None)

    feature.__doc__ = f"Whether the line matches the table's {name} pattern."
    return feature


def _site_name(view: PageView, index: int) -> float:
    return float(view.page.shapes[index].site_name)


def _menu_item(view: PageView, index: int) -> float:
    return float(menu_item(view.page, index))


def _link_row(view: PageView, index: int) -> float:
    return float(link_row(view.page, index))


def _recurring(view: PageView, index: int) -> float:
    return float(recurring(view.page, index))


def _tiny(view: PageView, index: int) -> float:
    return float(view.page.lines[index].size < 6)


def _sentence(view: PageView, index: int) -> float:
    return float(view.page.shapes[index].prose)


def _speaker(view: PageView, index: int) -> float:
    return float(view.page.shapes[index].speaker)


def _prose_seen(view: PageView, index: int) -> float:
    return float(view.prose_chars[index] >= view.tables.prose_seen_chars)


FEATURES: dict[str, Feature] = {
    "header_below": _header_below,
    "header_above": _header_above,
    "nav_above": _nav_above,
    "breadcrumb_tail": _breadcrumb_tail,
    "body_near": _body_near,
    "body_overlap": _body_overlap,
    "copy_below": _copy_below,
    "copy_above": _copy_above,
    "prose_above": _prose_above,
    "tag_line": _tag_line,
    "in_list": _in_list,
    "list_marker": _pattern("list_marker"),
    "site_name": _site_name,
    "contact": _pattern("contact"),
    "dated": _pattern("dated"),
    "breadcrumb": _pattern("breadcrumb"),
    "trailing_ellipsis": _pattern("trailing_ellipsis"),
    "menu_item": _menu_item,
    "link_row": _link_row,
    "recurring": _recurring,
    "tiny": _tiny,
    "sentence": _sentence,
    "speaker": _speaker,
    "prose_seen": _prose_seen,
}


def features(view: PageView, index: int, first: bool) -> dict[str, float]:
    """A candidate's evidence, feature by feature (`first`: no candidate stands above it)."""
    found = {name: feature(view, index) for name, feature in FEATURES.items()}
    found["first_candidate"] = float(first)
    return found


def score(evidence: dict[str, float], weights: dict[str, float]) -> float:
    """The weighted sum of a candidate's features.

    >>> score({'header_below': 1.0, 'dated': 0.0}, {'header_below': 2.5, 'dated': -3.0})
    2.5
    """
    return sum(weights.get(name, 0.0) * value for name, value in evidence.items())


class Candidate(NamedTuple):
    """A line that may be the title, its evidence and its score."""

    index: int
    score: float
    evidence: dict[str, float]

    def objected(self, objections: Iterable[str]) -> bool:
        """Whether one of the features named (what a line's own text says against it being
        a title) applies.

        >>> Candidate(3, 1.0, {'dated': 1.0, 'tiny': 0.0}).objected(['tiny'])
        False
        """
        return any(self.evidence.get(name) for name in objections)


def scored_candidates(view: PageView) -> dict[int, Candidate]:
    """Every candidate, scored, by line (in page order)."""
    weights, found = view.tables.weights, {}
    for index in view.solid:
        if view.candidate[index]:
            evidence = features(view, index, not found)
            found[index] = Candidate(index, score(evidence, weights), evidence)
    return found


def best_title(candidates: Iterable[Candidate], min_score: float) -> Candidate | None:
    """The best-scored candidate (the first of equals), if its score reaches `min_score`.

    >>> found = [Candidate(3, 1.5, {}), Candidate(7, 4.0, {}), Candidate(9, 4.0, {})]
    >>> best_title(found, 1.0).index, best_title(found[:1], 2.0)
    (7, None)
    """
    best: Candidate | None = None
    for candidate in candidates:
        if best is None or candidate.score > best.score:
            best = candidate
    return best if best is not None and best.score >= min_score else None
