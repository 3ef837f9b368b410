"""Script detection: is a document Traditional, Simplified, mixed, or without Han text?

A document is `traditional`, `simplified`, `mixed` or `none` (no Han text) by counting its
characters that exist only in Traditional against those that exist only in Simplified. Both sets
are derived from OpenCC's own dictionaries (tools/build_script_characters.py ->
data/script_characters.json); characters common to both scripts count for neither. Text with
Han characters but none of either set is `simplified`: it is valid Simplified as it stands.

Speed: counting is one table lookup per code point over a NumPy view of the text.
"""

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

SCRIPTS = ("simplified", "traditional", "mixed", "none")
DATA_DIRECTORY = Path(__file__).resolve().parent / "data"
CHARACTER_SETS_PATH = DATA_DIRECTORY / "script_characters.json"
# A paragraph is of one script when at least this share of its distinctive characters is of it:
# mainland-made Traditional pages keep a few Simplified forms (并), hence not 100%.
DOMINANT_SHARE = 0.8

_TRADITIONAL_ONLY, _SIMPLIFIED_ONLY = 1, 2  # evidence values; every other character is 0
_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))


@dataclass(frozen=True)
class ScriptDetection:
    script: str
    traditional_only: int
    simplified_only: int


@functools.cache
def script_character_data() -> dict[str, Any]:
    """data/script_characters.json: the character sets, and t2s's context-free characters."""
    return json.loads(CHARACTER_SETS_PATH.read_text(encoding="utf-8"))


@functools.cache
def _evidence_table() -> npt.NDArray[np.uint8]:
    """Indexed by code point: 1 for a Traditional-only character, 2 for a Simplified-only one."""
    sets = script_character_data()
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


def code_points_of(text: str) -> npt.NDArray[np.uint32]:
    """The text as a NumPy array of code points (lone surrogates included)."""
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


class ScriptAnalysis(NamedTuple):
    detection: ScriptDetection
    lines_to_convert: list[bool] | None  # for a mixed document only
    code_points: npt.NDArray[np.uint32]


def analyse_script(text: str, min_han_for_paragraph: int) -> ScriptAnalysis:
    """The document's script and, for a mixed document only, which lines to convert.

    A document is mixed when it holds a Traditional paragraph and a Simplified one (each of at
    least `min_han_for_paragraph` Han characters); otherwise its overall counts decide.
    """
    code_points = code_points_of(text)
    evidence = _evidence_table().take(code_points)
    # One pass each for Traditional + Simplified and Traditional + 2 x Simplified.
    distinctive = int(np.count_nonzero(evidence))
    simplified = int(np.add.reduce(evidence, dtype=np.uint32)) - distinctive
    traditional = distinctive - simplified
    if traditional == 0 or simplified == 0:
        if traditional:
            script = "traditional"
        elif simplified or np.count_nonzero(_han_table().take(code_points)):
            script = "simplified"
        else:
            script = "none"
        return ScriptAnalysis(ScriptDetection(script, traditional, simplified), None, code_points)
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
        return ScriptAnalysis(ScriptDetection(overall, traditional, simplified), None, code_points)
    verdicts, han_per_line = _line_verdicts(code_points, evidence)
    paragraph_verdicts = {
        verdict
        for verdict, han in zip(verdicts, han_per_line, strict=True)
        if verdict in ("traditional", "simplified") and han >= min_han_for_paragraph
    }
    script = "mixed" if len(paragraph_verdicts) == 2 else overall
    lines_to_convert = _lines_to_convert(verdicts) if script == "mixed" else None
    return ScriptAnalysis(
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
    positions = np.flatnonzero(evidence == evidence_value)
    line_end, found = -1, 0
    while found < len(positions):
        position = int(positions[found])
        line_start = text.rfind("\n", 0, position) + 1
        line_end = text.find("\n", position)
        if line_end < 0:
            line_end = len(text)
        _, traditional, simplified = np.bincount(
            evidence[line_start:line_end], minlength=3
        ).tolist()
        if classify_counts(traditional, simplified) == script:  # the rarer case: count Han now
            han = np.count_nonzero(_han_table().take(code_points[line_start:line_end]))
            if han >= min_han:
                return True
        found = int(np.searchsorted(positions, line_end))  # the next line holding one
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
    return verdicts, per_line(_han_table().take(code_points))


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
    return analyse_script(text, min_han_for_paragraph).detection
