"""Which line is the article's title: every headline-like line of the page is scored on a small
table of weighted features (data/titles.toml), and the best one is taken.

Scoring is kept apart from deciding: `is_candidate` says which lines may be a title,
`features` measures each one's evidence (each feature a number from 0 to 1; FEATURES names
them, the table weighs them), `score` weighs it (`scored_candidates` for a whole page) and
`best_title` decides; transforms.structure.headings then reads the pair of a title over its
subtitle or under its kicker. The evidence is about where a line stands, not what it says:
a headline stands right above the article's publication line and right before its prose,
under the site's breadcrumb (often the breadcrumb's last item), and shares characters with
the first paragraph; a sidebar's headline stands in a run of others, a site's or channel's
name shares nothing with the article, and a dateline, hotline or breadcrumb carries dates,
numbers and path separators. Every step reads each line a bounded number of times: linear in
the page's lines.
"""

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import NamedTuple

from transforms.records import LineKind
from transforms.structure.compatibility import nfkc_folder
from transforms.structure.lines import CLOSING, remembered_by_text
from transforms.structure.page import HEADER_KINDS, LineTexts, Page

TABLE = Path(__file__).parent / "data" / "titles.toml"
EXCLAIMED_MAX_CHARS = 40  # a line ending on ！ ？ or … this short may still be a headline
COPY_MAX_CHARS = 120  # longer lines are prose: never looked up as a copy of a headline
KEY_MEMO_LINES = 1 << 16  # distinct line texts whose keys are remembered per process
_NOT_KEY = re.compile(r"[\W_]+")
# The kinds a title may have been settled as before the head is looked for (weak evidence).
WEAK_KINDS = (None, LineKind.CAPTION, LineKind.NAV, LineKind.BOILERPLATE)


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
    candidate_prose_lines: int
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
        candidate_prose_lines=document["candidate_prose_lines"],
        list_run=document["list_run"],
    )


@remembered_by_text(KEY_MEMO_LINES)
def text_key(text: str) -> str:
    """A line's letters, digits and Han characters, casefolded: what two spellings of one
    headline share (punctuation, spaces and bullets aside). Remembered by text (short lines
    only): chrome recurs across a site's pages.

    >>> text_key('· 某县：推进“放心水”工程（图）')
    '某县推进放心水工程图'
    """
    return _key_of(text)


# NFKC, casefold and the filter in one pass over the text (two regex passes on most lines)
_key_of = nfkc_folder(lambda text: _NOT_KEY.sub("", text.casefold()))


@remembered_by_text(KEY_MEMO_LINES)
def line_marks(content: str) -> frozenset[str]:
    """The names of the table's patterns a line's text matches, remembered by text (short
    lines only).

    >>> sorted(line_marks('2012-01-17 10:20 来源：www.example.cn'))
    ['contact', 'dated']
    """
    return frozenset(
        name for name, pattern in title_tables().patterns.items() if pattern.search(content)
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
        kinds, lines, count = page.kinds, page.lines, len(page.lines)
        # the lines that are neither blank nor separators, and each line's place among them
        self.solid = [i for i in range(count) if kinds[i] not in ("", LineKind.SEPARATOR)]
        self.place = [-1] * count
        for place, index in enumerate(self.solid):
            self.place[index] = place
        self.keys = LineTexts(lines, text_key)
        self._register_copies()
        prose = page.open_prose_flags()
        # open prose characters and lines, the last open prose line, open lines above each
        # line (running sums: accumulate runs them in C)
        prose_sizes = [line.size if open_ else 0 for line, open_ in zip(lines, prose, strict=True)]
        self.prose_chars = list(accumulate(prose_sizes, initial=0))
        self.prose_lines = list(accumulate(prose, initial=0))
        self.open_before = list(accumulate((kind is None for kind in kinds), initial=0))
        last = -1
        self.last_prose = [-1] + [last := index if prose[index] else last for index in range(count)]
        self.next_prose = [-1] * (count + 1)  # the first open prose line at or after each line
        for index in range(count - 1, -1, -1):
            self.next_prose[index] = index if prose[index] else self.next_prose[index + 1]
        self._prose_memo: dict[tuple[int, int], str] = {}
        reach = self.tables.candidate_prose_lines  # deeper in the article, nothing is weighed
        self.candidate = [
            self.prose_lines[index] <= reach and is_candidate(page, index, min_chars)
            for index in range(count)
        ]
        # header lines among the solid lines above each place
        self.headers_before = list(accumulate(map(self.header, self.solid), initial=0))
        # a list is a run of headlines; lines the site's other pages have next to one (its
        # standing furniture) do not make one
        listed = [self.candidate[i] and not recurring(page, i) for i in self.solid]
        self.run = _runs(listed)

    def _register_copies(self) -> None:
        """Where each text stands first and last, alone on a line or split over two short
        ones (prose is never a headline's copy)."""
        first_at: dict[str, int] = {}
        last_at: dict[str, int] = {}
        lines, shapes, keys = self.page.lines, self.page.shapes, self.keys
        for place, index in enumerate(self.solid):
            if lines[index].size > COPY_MAX_CHARS:
                continue
            if key := keys[index]:
                first_at.setdefault(key, index)
                last_at[key] = index
            if shapes[index].short and (pair := self.joined(place)):
                first_at.setdefault(pair, index)
                last_at[pair] = index
        self.first_at, self.last_at = first_at, last_at

    def joined(self, place: int) -> str:
        """The keys of the solid line at `place` and the next one, joined ('' at the end)."""
        if place + 1 >= len(self.solid):
            return ""
        second = self.solid[place + 1]
        if not self.page.shapes[second].short:
            return ""
        first = self.keys[self.solid[place]]
        return first + self.keys[second] if first and self.keys[second] else ""

    def neighbours(self, index: int, step: int, reach: int) -> list[int]:
        """Up to `reach` solid lines after (step 1) or before (step -1) a solid line."""
        place = self.place[index]
        if step > 0:
            return self.solid[place + 1 : place + 1 + reach]
        return self.solid[max(0, place - reach) : place][::-1]

    def header(self, index: int) -> bool:
        """A line of the article's publication information: a dateline or byline, or an
        open short line with a date or time in it."""
        kind = self.page.kinds[index]
        if kind in HEADER_KINDS:
            return True
        if kind is not None or self.page.shapes[index].prose:
            return False
        return "dated" in line_marks(self.page.lines[index].content)

    def navigation(self, index: int) -> bool:
        """A menu or breadcrumb line (settled as one, or spelled as a path)."""
        kind = self.page.kinds[index]
        if kind == LineKind.NAV:
            return True
        return kind is None and "breadcrumb" in line_marks(self.page.lines[index].content)

    def prose_after(self, index: int) -> str:
        """The key of the open prose under a line, up to the table's body_chars."""
        return self._prose(self.next_prose[index + 1], 1)

    def prose_before(self, index: int) -> str:
        """The key of the open prose above a line (the nearest first), up to body_chars."""
        return self._prose(self.last_prose[index], -1)

    def _prose(self, found: int, step: int) -> str:
        """The prose from the open prose line `found` on (step 1) or back (step -1); the
        lines under one headline share it, so it is worked out once per starting line."""
        memo = (found, step)
        if memo in self._prose_memo:
            return self._prose_memo[memo]
        texts: list[str] = []
        size, limit = 0, self.tables.body_chars
        while found != -1 and size < limit:
            texts.append(self.keys[found])
            size += len(texts[-1])
            found = self.next_prose[found + 1] if step > 0 else self.last_prose[found]
        text = self._prose_memo[memo] = "".join(texts)[:limit]
        return text


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
    if kind not in WEAK_KINDS or line.size < min_chars:
        return False
    if shape.numbered or shape.bullet or shape.table_row:
        return False
    if kind is not None and not (
        (kind == LineKind.CAPTION and "headline_mark" in line_marks(line.content))
        or menu_item(page, index)
        or link_row(page, index)
        or recurring(page, index)
    ):
        return False
    if shape.short:
        return True
    ending = line.content.rstrip(CLOSING)[-1:]
    exclaimed = shape.prose and line.size <= EXCLAIMED_MAX_CHARS and ending in "！？!?…"
    return exclaimed and not any(mark in line.content for mark in "。，,；;")


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
        return float(name in line_marks(view.page.lines[index].content))

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


def _header_seen(view: PageView, index: int) -> float:
    # a header higher up than the lines right above (a byline over its headline)
    place = view.place[index] - view.tables.neighbour_reach
    return float(place > 0 and view.headers_before[place] > 0)


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
    "header_seen": _header_seen,
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


# The features that read the most, weighed last (a candidate that cannot win any more is
# dropped before they are read).
COSTLY = ("breadcrumb_tail", "copy_below", "copy_above", "body_overlap")


@cache
def _weighted() -> tuple[tuple[Feature, float, float], ...]:
    """(feature, weight, the most the features from this one on can still add) for every
    weighted feature: the ones against a title first, the costly ones last."""
    weights = title_tables().weights
    named = [(name, weights[name]) for name in FEATURES if weights.get(name)]
    named.sort(
        key=lambda item: (
            item[1] > 0,
            item[0] in COSTLY,
            COSTLY.index(item[0]) if item[0] in COSTLY else 0,
        )
    )
    ceilings = [0.0] * (len(named) + 1)
    for place in range(len(named) - 1, -1, -1):
        ceilings[place] = ceilings[place + 1] + max(0.0, named[place][1])
    return tuple(
        (FEATURES[name], weight, ceilings[place]) for place, (name, weight) in enumerate(named)
    )


def _score_of(view: PageView, index: int, first: bool, floor: float) -> float | None:
    """`score(features(view, index, first), weights)`, computed straight (every candidate
    of every page is weighed: no dict per candidate); None as soon as it cannot reach
    `floor` any more."""
    total = view.tables.weights.get("first_candidate", 0.0) * first
    for feature, weight, ceiling in _weighted():
        if total + ceiling < floor:
            return None
        value = feature(view, index)
        if value:
            total += weight * value
    return total if total >= floor else None


class Candidate(NamedTuple):
    """A line that may be the title and its score (`first`: no candidate above it)."""

    index: int
    score: float
    first: bool = False


def objected(view: PageView, candidate: Candidate, objections: Iterable[str]) -> bool:
    """Whether one of the features named (what a line's own text says against it being a
    title) applies to a candidate."""
    evidence = features(view, candidate.index, candidate.first)
    return any(evidence.get(name) for name in objections)


def scored_candidates(view: PageView) -> dict[int, Candidate]:
    """The candidates that may matter (the best, and any within the pair margin of it),
    scored, by line (in page order)."""
    found: dict[int, Candidate] = {}
    tables, best, first = view.tables, float("-inf"), True
    for index in view.solid:
        if view.prose_lines[index] > tables.candidate_prose_lines:
            break  # deep in the article: a section's heading or a sidebar's headline
        if not view.candidate[index]:
            continue
        # one that cannot come within the pair margin of the best cannot matter
        floor = max(best, tables.min_score) - tables.pair_margin
        value = _score_of(view, index, first, floor)
        if value is not None:
            found[index] = Candidate(index, value, first)
            best = max(best, value)
        first = False
    return found


def best_title(candidates: Iterable[Candidate], min_score: float) -> Candidate | None:
    """The best-scored candidate (the first of equals), if its score reaches `min_score`.

    >>> found = [Candidate(3, 1.5), Candidate(7, 4.0), Candidate(9, 4.0)]
    >>> best_title(found, 1.0).index, best_title(found[:1], 2.0)
    (7, None)
    """
    best: Candidate | None = None
    for candidate in candidates:
        if best is None or candidate.score > best.score:
            best = candidate
    return best if best is not None and best.score >= min_score else None
