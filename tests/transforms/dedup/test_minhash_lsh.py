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
