import random
import unicodedata

import pytest

from transforms.structure.boilerplate import _KEY_CHARACTERS, normalize_line
from transforms.structure.compatibility import nfkc, nfkc_folder

# Characters NFKC treats with care: combining marks, Hangul jamo and syllables, Indic vowel
# signs that compose, half-width kana and their voiced marks, full-width forms, ligatures,
# circled and squared forms, Greek sigma -- among the Han text and punctuation of a page.
TRICKY = [
    chr(code)
    for first, last in (
        (0x20, 0x250),
        (0x300, 0x3D0),
        (0x900, 0x980),
        (0xB3E, 0xB60),
        (0x1100, 0x1200),
        (0x2150, 0x2190),
        (0x2460, 0x24F0),
        (0x3000, 0x3100),
        (0xAC00, 0xAC40),
        (0xFF00, 0xFFF0),
    )
    for code in range(first, last)
]
TRICKY += [*"中文测试，。：“”ΣΑΣς\u212b\ufb01\u1e9e\u3392\ufdfa", "\U0001d15e"]


def test_a_fold_in_one_pass_equals_the_fold_of_the_nfkc_form_on_tricky_text():
    fold = nfkc_folder(lambda text: text.casefold().translate(_KEY_CHARACTERS))
    sample = random.Random(7)
    for _ in range(20_000):
        text = "".join(sample.choices(TRICKY, k=sample.randint(1, 10)))
        expected = unicodedata.normalize("NFKC", text).casefold().translate(_KEY_CHARACTERS)
        assert fold(text) == expected == normalize_line(text), repr(text)


def test_characters_that_compose_with_the_one_before_take_the_two_step_way():
    fold = nfkc_folder(lambda text: text.replace("\x00", ""))
    assert fold("ｶﾞ") == nfkc("ｶﾞ") == "ガ"  # half-width ka and voiced mark: one kana
    assert fold("e\u0301") == "é"
    assert fold("\u1100\u1161") == "가"  # Hangul jamo compose to a syllable


def test_a_fold_that_keeps_nul_is_refused():
    with pytest.raises(ValueError, match="drops NUL"):
        nfkc_folder(str.casefold)


def test_every_character_folds_alone_and_after_any_other_as_its_nfkc_form_does():
    # the quick passes cover most characters, the translate way the rest: every code point,
    # alone and after letters, Han and characters NFKC composes with, answers as the slow way
    from transforms.structure.duplicates import _NOT_WORD, comparable_text
    from transforms.structure.titles import _NOT_KEY, text_key

    folds = [
        (comparable_text, lambda text: _NOT_WORD.sub("", unicodedata.normalize("NFKC", text))),
        (text_key.__wrapped__, lambda text: _NOT_KEY.sub("", nfkc(text).casefold())),
        (normalize_line, lambda text: nfkc(text).casefold().translate(_KEY_CHARACTERS)),
    ]
    characters = [chr(code) for code in range(0x30000) if not 0xD800 <= code <= 0xDFFF]
    before = ["", "a", "中", "<", "\u1100", "\u0915", "ｶ"]
    joining = [chr(code) for code in (*range(0x300, 0x370), 0x3099, 0x309A, 0xFF9E, 0xFF9F,
                                      *range(0x1161, 0x1176), *range(0x93E, 0x94D))]  # fmt: skip
    sample = random.Random(11).sample(characters, 3_000) + joining
    for quick, slow in folds:
        assert [quick(char) for char in characters] == [slow(char) for char in characters]
        texts = [first + char + "，1" for first in before for char in sample]
        assert [quick(text) for text in texts] == [slow(text) for text in texts]


def test_a_quick_fold_sends_text_it_does_not_cover_the_translate_way():
    # digits are one pass of their own in a line key; a Hangul syllable is not covered
    assert normalize_line("２０２３年，第１２期") == "0000年第00期"
    assert normalize_line("한국어 뉴스 2023") == "한국어뉴스0000"
