"""MinHash signatures and LSH candidate pairs (transforms/minhash_lsh.py)."""

import doctest

import pandas as pd

import transforms.dedup.minhash_lsh
from transforms.dedup.minhash_lsh import DedupConfig, candidate_pairs

CONFIG = DedupConfig()


def test_the_docstring_examples_hold():
    assert doctest.testmod(transforms.dedup.minhash_lsh).failed == 0


def test_an_oversized_bucket_is_paired_with_its_smallest_member_only():
    rows = pd.DataFrame(
        {"doc_id": ["d", "b", "a", "c"], "band_index": [0] * 4, "band_key": [7] * 4}
    )
    small = DedupConfig(max_bucket_size=3)
    assert candidate_pairs(rows, small).values.tolist() == [["a", "b"], ["a", "c"], ["a", "d"]]
    assert len(candidate_pairs(rows, CONFIG)) == 6


def test_a_text_longer_than_a_batch_is_hashed_in_windows_to_the_same_signature(monkeypatch):
    """MinHash is a minimum over n-grams: windows overlapping by n-1 characters give the same
    values as the whole text, whatever the window (memory follows the window)."""
    import random

    import numpy as np

    from transforms.dedup import DedupConfig, minhash_lsh

    chooser = random.Random(3)
    texts = [
        "".join(chr(0x4E00 + chooser.randrange(3000)) for _ in range(size))
        for size in (10, 5000, 30_000, 2, 0, 1)
    ]
    whole = minhash_lsh._minhash_matrix(texts, DedupConfig())
    monkeypatch.setattr(minhash_lsh, "MINHASH_BATCH_CHARS", 1000)
    windowed = minhash_lsh._minhash_matrix(texts, DedupConfig())
    assert whole.shape == (6, DedupConfig().num_perm)
    assert np.array_equal(whole, windowed)
