"""Signatures remembered between runs (transforms/signature_store.py)."""

import datetime

import pandas as pd
import pytest

from tests.transforms.dedup.dedup_documents import BODIES, document
from transforms.dedup.minhash_lsh import DedupConfig, signature_table
from transforms.dedup.near_duplicates import find_duplicates
from transforms.dedup.signature_store import (
    remembered_signatures,
    signatures_from_arrow,
    signatures_to_arrow,
)

CONFIG = DedupConfig()


def test_stored_signatures_round_trip_and_refuse_another_configuration():
    docs = pd.DataFrame([document("a", BODIES[0], datetime.date(2023, 1, 2)), document("b", "")])
    signatures = signature_table(docs, CONFIG)
    remembered = remembered_signatures(signatures, find_duplicates(signatures, {}, CONFIG))
    back = signatures_from_arrow(signatures_to_arrow(remembered, CONFIG), CONFIG)
    assert back["published_date"].tolist() == [datetime.date(2023, 1, 2), None]
    assert back["signature"][0].tolist() == signatures["signature"][0].tolist()
    assert back["signature"][1] is None and back["dup_cluster"].tolist() == [None, None]
    with pytest.raises(ValueError, match="ngram"):
        signatures_from_arrow(signatures_to_arrow(remembered, CONFIG), DedupConfig(ngram=4))
