"""Script stage: Traditional -> Simplified Chinese with OpenCC, only where the text is Traditional.

    detect_script(text) -> ScriptDetection               # simplified | traditional | mixed | none
    SimplifiedConverter(ScriptConfig).convert(text) -> Conversion

Modules: detection (Traditional-only vs Simplified-only character counts, sets in
data/script_characters.json, built by tools.build_script_characters), conversion (OpenCC plus a
context-free lookup table), corrections (the phrase table data/t2s_corrections.tsv).
"""

from transforms.script.conversion import (
    Conversion,
    ScriptConfig,
    SimplifiedConverter,
    count_changed_characters,
)
from transforms.script.detection import ScriptDetection, detect_script

__all__ = [
    "Conversion",
    "ScriptConfig",
    "ScriptDetection",
    "SimplifiedConverter",
    "count_changed_characters",
    "detect_script",
]
