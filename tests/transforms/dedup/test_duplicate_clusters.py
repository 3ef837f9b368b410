"""Clusters of linked documents and the keep rule (transforms/duplicate_clusters.py)."""

import datetime
import doctest

import pandas as pd

import transforms.dedup.duplicate_clusters
from tests.transforms.dedup.dedup_documents import BODIES, document
from transforms.dedup.duplicate_clusters import keep_order


def test_the_docstring_examples_hold():
    assert doctest.testmod(transforms.dedup.duplicate_clusters).failed == 0


def test_keep_rule_earliest_then_longest_then_path_then_doc_id():
    day = datetime.date(2023, 1, 1)
    candidates = pd.DataFrame(
        [
            document("undated", BODIES[0] + "补充", None, "a/1.txt"),
            document("later", BODIES[0], day + datetime.timedelta(days=1), "a/2.txt"),
            document("short", BODIES[0][:-1], day, "a/3.txt"),
            document("long_z", BODIES[0], day, "z/4.txt"),
            document("long_b", BODIES[0], day, "b/5.txt"),
            document("long_b_2", BODIES[0], day, "b/5.txt"),
        ]
    )
    order = keep_order(candidates.sample(frac=1, random_state=3))["doc_id"].tolist()
    assert order == ["long_b", "long_b_2", "long_z", "short", "later", "undated"]
