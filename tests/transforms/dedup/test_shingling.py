"""Text fingerprints for deduplication (transforms/shingling.py)."""

import doctest

import transforms.dedup.shingling
from transforms.dedup.shingling import body_hash, normalize_for_dedup


def test_the_docstring_examples_hold():
    assert doctest.testmod(transforms.dedup.shingling).failed == 0


def test_normalization_ignores_spacing_punctuation_width_and_case():
    assert normalize_for_dedup("２０２２年，ＡＢＣ 公司。") == normalize_for_dedup("2022年abc公司")
    assert body_hash("福州市 幸福满城！") == body_hash("福州市幸福满城")
    assert body_hash("福州市幸福满城") != body_hash("福州市幸福满城了")
