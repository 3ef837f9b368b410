"""Line classification: what each raw line of a page looks like, from its own text.

Two kinds of evidence, kept apart: *patterns* (transforms/structure/data/lines.toml) name page
furniture outright (breadcrumbs, datelines, bylines, captions, footers...), and *shapes*
(prose, a short headline-like line, a numbered heading, a Q&A turn, a bare statistic, a
bullet) are the structural signals that transforms.structure.extract weighs with the neighbours.
transforms.structure.captions settles the short lines left between paragraphs from their neighbours.
"""

import functools
import re
import re._constants as _constants
import re._parser as _parser
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

PATTERNS = Path(__file__).parent / "data"
SENTENCE_END = "。！？!?；;…：:"
CLOSING = "”’」』）)》〉】]\"'"
OPEN_CONTINUATION = "，,、（(“‘《〈【—-"
PROSE_RULE_MIN_CHARS = 40  # a finished sentence this long is tested by prose_ok rules only
# Shapes of distinct line texts remembered per process: chrome recurs across a site's pages, so
# most of its lines are described once; the bound keeps memory flat on any corpus size.
SHAPE_MEMO_LINES = 1 << 16
# Per-process memos of a line's text skip longer lines: text that long is page prose, which
# does not recur, and an entry would keep it alive (a one-line 60 MB page: ~100 MiB per memo).
MEMO_MAX_CHARS = 4096

_Function = TypeVar("_Function", bound=Callable[..., Any])


def remembered_by_text(maxsize: int) -> Callable[[_Function], _Function]:
    """Memoise a function of a line's text (its first argument) for texts of MEMO_MAX_CHARS
    or fewer, the last `maxsize` of them; longer texts are worked out each time. The result
    keeps `cache_info` and `cache_clear`.

    >>> @remembered_by_text(8)
    ... def width(text): return len(text)
    >>> width('首页'), width('长' * 5000), width.cache_info().currsize
    (2, 5000, 1)
    """

    def decorate(function: _Function) -> _Function:
        remembered = lru_cache(maxsize=maxsize)(function)

        @functools.wraps(function)
        def call(text: str, *arguments: Any) -> Any:
            return (remembered if len(text) <= MEMO_MAX_CHARS else function)(text, *arguments)

        call.cache_info, call.cache_clear = remembered.cache_info, remembered.cache_clear  # type: ignore[attr-defined]
        return call  # type: ignore[return-value]

    return decorate


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: re.Pattern[str]
    max_chars: int
    opens_box: bool  # a sidebar mark whose box goes on below it
    prose_ok: bool  # applies to lines that read as finished sentences too


@dataclass(frozen=True)
class Tables:
    rules: tuple[Rule, ...]
    shapes: dict[str, re.Pattern[str]]
    macros: dict[str, str]  # {NAME} {NAMES} {JOB}, for other tables that speak of names


class Line:
    """One raw line: `number` 1-based as in the raw text, `raw` as it stood, `content`
    without surrounding whitespace, `size` its characters that are not whitespace.

    A plain slotted class rather than a frozen dataclass: a page has hundreds of lines and
    every step reads `size`, so it is counted once, when the line is made.

    >>> Line(3, ' 第 一 行 ', '第 一 行').size
    3
    """

    __slots__ = ("content", "number", "raw", "size")

    def __init__(self, number: int, raw: str, content: str) -> None:
        self.number, self.raw, self.content = number, raw, content
        self.size = len("".join(content.split()))

    def __repr__(self) -> str:
        return f"Line({self.number!r}, {self.raw!r}, {self.content!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Line):
            return NotImplemented
        return (self.number, self.raw, self.content) == (other.number, other.raw, other.content)

    def __hash__(self) -> int:
        return hash((self.number, self.raw, self.content))


class Shape(NamedTuple):
    """A line's own evidence (a tuple: made for every distinct line text, and immutable,
    since the shape memo hands the same one to every page that has the line)."""

    pattern_kind: str | None  # the furniture kind a table rule names, if any
    opens_box: bool  # a sidebar mark heading the lines below it
    prose: bool  # a sentence or a paragraph: ends like one, or long enough to be one
    short: bool  # headline-sized and not prose: a title, heading, caption or label
    numbered: bool  # opens with section numbering (一、 （一） 1.)
    speaker: bool  # opens a Q&A turn (记者：…)
    statistic: bool  # a bare figure of a statistics box
    bullet: bool
    link_list: bool  # several short items on one line, as in a menu
    date_only: bool  # nothing but a date
    site_name: bool  # a site's or medium's name (某某县人民政府, 某某新闻网)
    scene: bool  # words that describe a photo's scene
    photo_words: bool  # words only a caption uses (某某现场, 合影): a caption even before prose
    picture_counter: bool  # a gallery's 1/6: the next line is that picture's caption
    photo_credit: bool  # a photo's credit alone (记者 某某 摄): the line above is its caption
    label: bool  # a bracketed label standing alone (【法官说法】): a section's, not a photo's
    table_row: bool  # cells separated by tabs


def _expand(pattern: str, macros: dict[str, str]) -> str:
    for _ in range(3):  # macros may use macros
        for name, value in macros.items():
            pattern = pattern.replace("{" + name + "}", value)
    return pattern


@cache
def tables() -> Tables:
    """The rule table, compiled once per process."""
    document = tomllib.loads((PATTERNS / "lines.toml").read_text(encoding="utf-8"))
    suffixes = [
        row.split("\t")[0]
        for row in (PATTERNS / "job_titles.tsv").read_text(encoding="utf-8").splitlines()
        if row and not row.startswith("#")
    ]
    suffixes.sort(key=len, reverse=True)
    macros = dict(document["macros"])
    macros["JOB"] = "[\u4e00-\u9fff、（）()]{0,28}(?:" + "|".join(suffixes) + ")"
    rules = tuple(
        Rule(
            entry["kind"],
            re.compile(_expand(entry["pattern"], macros)),
            entry["max_chars"],
            entry.get("opens_box", False),
            entry.get("prose_ok", False),
        )
        for entry in document["rule"]
    )
    shapes = {name: re.compile(_expand(text, macros)) for name, text in document["shapes"].items()}
    return Tables(rules, shapes, macros)


def expand_macros(pattern: str) -> str:
    """A pattern with the line table's {NAME}/{NAMES}/{JOB} spelled out."""
    return _expand(pattern, tables().macros)


def split_lines(text: str) -> list[Line]:
    """The raw lines, numbered from 1, with their content stripped of indentation.

    >>> [line.content for line in split_lines(' 标题 \\n\\n　　正文。')]
    ['标题', '', '正文。']
    """
    return [Line(number, raw, raw.strip()) for number, raw in enumerate(text.split("\n"), 1)]


def ends_sentence(text: str) -> bool:
    """Whether a text ends as a sentence does (closing quotes and brackets looked through).

    >>> ends_sentence('就是一种幸福。”'), ends_sentence('突出理论武装')
    (True, False)
    """
    stripped = text.rstrip().rstrip(CLOSING)
    return bool(stripped) and stripped[-1] in SENTENCE_END


def ends_mid_sentence(text: str) -> bool:
    """A paragraph that stops where a sentence cannot: on a Han word, a comma, an open quote
    (a number or a Latin word at the end is as often a phone number or a code: not counted).

    >>> ends_mid_sentence('积极探索将南孔优秀传统文化中“以和'), ends_mid_sentence('方便舒心。')
    (True, False)
    """
    stripped = text.rstrip()
    return bool(stripped) and (_is_han(stripped[-1]) or stripped[-1] in OPEN_CONTINUATION)


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def matching_rule(content: str, size: int, prose: bool = False) -> Rule | None:
    """The first table rule that names the line's kind, if any. A line that reads as a
    finished sentence of some length (`prose`) is only tested by rules marked `prose_ok`.

    >>> matching_rule('当前位置:首页 > 新闻 > 要闻', 20).kind, matching_rule('正文。', 3)
    ('nav', None)
    """
    candidates, anchored, floating, needles = _candidate_rules(_size_bucket(size), prose)
    # Most lines match no rule: two gates settle them, one tried only at the line's start
    # (rules all of whose branches open with ^) and one searched through it, and only a line
    # a gate lets through is tested rule by rule to find the first that applies. The search
    # is spared on lines holding none of the strings a match of it needs (`needles`: a
    # search for literals is many times cheaper than one for the rules themselves).
    searched = floating is not None and (needles is None or needles.search(content))
    if not (
        (anchored is not None and anchored.match(content))
        or (searched and floating.search(content))  # type: ignore[union-attr]
    ):
        return None
    for rule in candidates:
        if rule.pattern.search(content):
            return rule
    return None


@cache
def _rule_limits() -> tuple[int, ...]:
    return tuple(sorted({rule.max_chars for rule in tables().rules}))


def _size_bucket(size: int) -> int:
    """The smallest rule limit a line of `size` characters is within (rules with a limit at
    least that large are the ones that may apply to it); beyond every limit, -1."""
    for limit in _rule_limits():
        if size <= limit:
            return limit
    return -1


Gate = re.Pattern[str] | None


@cache
def _candidate_rules(bucket: int, prose: bool) -> tuple[tuple[Rule, ...], Gate, Gate, Gate]:
    """The rules, in table order, that may apply to a line of a size bucket, one pattern
    matching at the line's start wherever an anchored one of them does, one matching
    anywhere wherever one of the others does (None when there are none of a kind), and one
    finding the strings a match of that second one needs one of (None: not known)."""
    rules = tuple(
        rule
        for rule in tables().rules
        if bucket != -1 and bucket <= rule.max_chars and (rule.prose_ok or not prose)
    )
    anchored = [rule.pattern.pattern for rule in rules if _is_anchored(rule.pattern.pattern)]
    floating = [rule.pattern.pattern for rule in rules if not _is_anchored(rule.pattern.pattern)]
    return rules, _union(anchored), _union(floating), needle_gate(floating) if floating else None


_SMALL_CLASS = 32  # a character class of at most this many characters is a set of needles


def required_strings(pattern: str) -> frozenset[str] | None:
    """Strings of which every match of `pattern` holds at least one (None when the pattern
    does not say: it may match with any characters, or with none). Of the sets a pattern's
    parts require, the one with the longest shortest string is chosen: the rarer the needle,
    the fewer lines a gate built on it lets through.

    >>> sorted(required_strings('版权所有|Copyright|(主办|承办)单位'))
    ['Copyright', '单位', '版权所有']
    >>> required_strings('(浏览|阅读)?次数'), required_strings('.{0,3}$')
    (frozenset({'次数'}), None)
    >>> sorted(required_strings('[(（] *供图')), required_strings('(?i:ab)')
    (['供图'], None)
    """
    parsed = _parser.parse(pattern)
    if parsed.state.flags & _constants.SRE_FLAG_IGNORECASE:
        return None  # a literal's other cases would match too
    return _required_in(parsed)


def needle_gate(patterns: Iterable[str]) -> Gate:
    """One pattern finding any of the strings every match of one of `patterns` needs: a line
    it does not match cannot match them (None when some pattern needs no string known).

    >>> needle_gate(['版权所有|ICP备', '(浏览|阅读)次数', '备']).pattern
    '版权所有|次数|备'
    >>> needle_gate(['a', '.*']) is None
    True
    """
    needed = [required_strings(pattern) for pattern in patterns]
    if not needed or None in needed:
        return None
    found: frozenset[str] = frozenset().union(*needed)  # type: ignore[arg-type]
    # a string holding another one of them is found whenever that one is: not searched for
    kept = [text for text in found if not any(other in text for other in found - {text})]
    # longest first (then by text, so the pattern is the same every run)
    return re.compile("|".join(map(re.escape, sorted(kept, key=lambda text: (-len(text), text)))))


def _required_in(sequence) -> frozenset[str] | None:
    found, run = [], ""  # the sets each part of the sequence requires; literals in a row
    for op, value in sequence:
        if op is _constants.LITERAL:
            run += chr(value)
            continue
        if run:
            found.append(frozenset({run}))
            run = ""
        if (needed := _required_by(op, value)) is not None:
            found.append(needed)
    if run:
        found.append(frozenset({run}))
    return max(found, key=lambda strings: (min(map(len, strings)), -len(strings)), default=None)


def _required_by(op, value) -> frozenset[str] | None:
    if op is _constants.IN:
        return _class_characters(value)
    if op is _constants.SUBPATTERN:
        _, add_flags, _, sequence = value
        return None if add_flags & _constants.SRE_FLAG_IGNORECASE else _required_in(sequence)
    if op is _constants.ATOMIC_GROUP:
        return _required_in(value)
    if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT):
        low, _, item = value
        return _required_in(item) if low >= 1 else None
    if op is _constants.BRANCH:
        branches = [_required_in(branch) for branch in value[1]]
        return None if None in branches else frozenset().union(*branches)  # type: ignore[arg-type]
    return None  # any character, a position, a look-around: nothing a match must hold


def _class_characters(items) -> frozenset[str] | None:
    characters: set[str] = set()
    for op, value in items:
        if op is _constants.LITERAL:
            characters.add(chr(value))
        elif op is _constants.RANGE and value[1] - value[0] < _SMALL_CLASS:
            characters.update(map(chr, range(value[0], value[1] + 1)))
        else:
            return None  # a negated class, a category (\s, \d) or a wide range
    return frozenset(characters) if len(characters) <= _SMALL_CLASS else None


def _union(patterns: list[str]) -> Gate:
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns)) if patterns else None


def _is_anchored(pattern: str) -> bool:
    """Whether every top-level branch of a pattern opens with ^ (so it can only match at the
    start of a line: `match` tries it once where `search` tries it at every position).

    >>> _is_anchored('^a|^(b|c)'), _is_anchored('^a|b'), _is_anchored('^(a|b)|[|]x')
    (True, False, False)
    """
    depth, in_class, escaped, branch_start = 0, False, False, True
    for char in pattern:
        if branch_start:
            if char != "^":
                return False
            branch_start = False
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branch_start = True
    return not branch_start


_LIST_BREAKERS = frozenset("。，,；;")
_CLAUSE_MARKS = frozenset("，,；;")
_FINISHED = tuple("。！？!?…")
# The shapes of whole short lines (date_only, site_name, label, picture_counter, photo_credit)
# cannot match a line with more characters than this (their patterns bound what they take):
# longer lines are not tested. scene and photo_words are read of short lines only.
SHORT_SHAPE_MAX_CHARS = 30


def _is_link_list(content: str, item_max_chars: int) -> bool:
    if not _LIST_BREAKERS.isdisjoint(content):
        return False
    bars = re.split(r"\s*[|｜]\s*", content)
    if len(bars) >= 3 and all(0 < len(item) <= 2 * item_max_chars for item in bars):
        return True
    if len(bars) == 2 and all(0 < len(item) <= item_max_chars // 2 for item in bars):
        return True  # 简体 | 繁体
    words = content.split()
    return len(words) >= 5 and all(len(word) <= item_max_chars for word in words)


def describe(
    line: Line, prose_min_chars: int, title_max_chars: int, nav_item_max_chars: int
) -> Shape:
    """The line's own evidence: the table rule it matches and its shape (blank lines have
    no kind and no shape)."""
    return _describe_content(line.content, prose_min_chars, title_max_chars, nav_item_max_chars)


@remembered_by_text(SHAPE_MEMO_LINES)  # a shape depends on the text alone (Shape is frozen)
def _describe_content(
    content: str, prose_min_chars: int, title_max_chars: int, nav_item_max_chars: int
) -> Shape:
    size, shapes = len("".join(content.split())), tables().shapes
    bullet = bool(shapes["bullet"].match(content))
    statistic = bool(shapes["statistic"].match(content))
    # A line ending on a comma, or holding clauses and half as long as a paragraph, is (part
    # of) a sentence, often cut by a page break: not a title or a caption.
    clauses = (content[-1:] in "，,、" and size >= 4) or (
        size >= prose_min_chars * 0.6 and not _CLAUSE_MARKS.isdisjoint(content)
    )
    sentence = ends_sentence(content)
    prose = (sentence or size >= prose_min_chars or clauses) and not statistic
    prose = prose and not (bullet and not sentence)
    finished = content.rstrip(CLOSING)[-1:] in _FINISHED
    rule = matching_rule(content, size, finished and size >= PROSE_RULE_MIN_CHARS)
    short = bool(content) and not prose and not statistic and size <= title_max_chars
    small = size <= SHORT_SHAPE_MAX_CHARS
    # In Shape's field order, made by tuple.__new__: a NamedTuple's own __new__ is Python
    # code, and a shape is made for every distinct line of a corpus (a tenth of this function).
    return _new_shape(
        Shape,
        (
            rule.kind if rule else None,  # pattern_kind
            bool(rule and rule.opens_box),  # opens_box
            prose,
            short,
            bool(shapes["numbered_heading"].match(content)),  # numbered
            bool(shapes["speaker_turn"].match(content)),  # speaker
            statistic,
            bullet,
            _is_link_list(content, nav_item_max_chars),  # link_list
            small and bool(shapes["date_only"].match(content)),  # date_only
            small and bool(shapes["site_name"].match(content)),  # site_name
            short and bool(shapes["scene"].search(content)),  # scene
            short and bool(shapes["photo_words"].search(content)),  # photo_words
            small and bool(shapes["picture_counter"].match(content)),  # picture_counter
            small and bool(shapes["photo_credit"].match(content)),  # photo_credit
            small and bool(shapes["label"].match(content)),  # label
            "\t" in content,  # table_row
        ),
    )


_new_shape = tuple.__new__


def opens_subtitle(content: str) -> bool:
    """Whether a line opens the way subtitles do (——, 访…).

    >>> opens_subtitle('访某市委副书记某某'), opens_subtitle('群众安居乐业')
    (True, False)
    """
    return bool(tables().shapes["subtitle_opening"].match(content))
