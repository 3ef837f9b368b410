"""Cross-document deduplication: exact and near copies clustered, one member kept."""

import datetime
import random

import opencc
import pandas as pd
import pytest

from tests.transforms.dedup.dedup_documents import BODIES, SENTENCES, document
from transforms.dedup.minhash_lsh import DedupConfig, signature_table
from transforms.dedup.near_duplicates import find_duplicates
from transforms.dedup.shingling import jaccard, shingles
from transforms.dedup.signature_store import (
    changed_documents,
    remembered_signatures,
    signatures_from_arrow,
    signatures_to_arrow,
)

CONFIG = DedupConfig()
JACCARD_ONLY = DedupConfig(containment_min_jaccard=CONFIG.threshold)


def deduplicate(*documents, config=CONFIG):
    docs = pd.DataFrame(documents)
    texts = dict(zip(docs["doc_id"], docs["text"], strict=True))
    result = find_duplicates(signature_table(docs, config), texts, config)
    return {
        row.doc_id: (row.dup_cluster, row.is_duplicate, row.duplicate_of)
        for row in result.itertuples()
    }


def similarity(left, right):
    return jaccard(shingles(left, CONFIG.ngram), shingles(right, CONFIG.ngram))


def test_an_exact_copy_joins_the_original_and_the_earlier_one_is_kept():
    result = deduplicate(
        document("a", BODIES[0], datetime.date(2023, 5, 2)),
        document("b", BODIES[0].replace("，", ", "), datetime.date(2023, 5, 1)),
        document("c", BODIES[1]),
    )
    assert result["b"] == ("b", False, None)
    assert result["a"] == ("b", True, "b")
    assert result["c"] == (None, False, None)


def test_a_copy_with_a_sentence_changed_is_a_near_duplicate():
    edited = BODIES[2].replace(SENTENCES[60], "本报记者从有关部门获悉，上述工作已全面完成。")
    assert 0.8 <= similarity(BODIES[2], edited) < 1.0
    result = deduplicate(document("original", BODIES[2]), document("edited", edited))
    assert result["edited"][0] == result["original"][0] is not None


def test_documents_on_the_same_topic_that_share_sentences_are_not_merged():
    shuffled = random.Random(7).sample(SENTENCES, len(SENTENCES))
    first, second = "".join(shuffled[:40]), "".join(shuffled[20:60])  # half their sentences shared
    assert 0.25 < similarity(first, second) < 0.5
    result = deduplicate(
        document("first", first),
        document("second", second),
        *[document(f"seed{i}", body) for i, body in enumerate(BODIES)],
    )
    assert all(cluster is None for cluster, _, _ in result.values())


def test_a_body_mostly_contained_in_another_is_its_near_duplicate():
    """Jaccard alone misses copies that lost or gained whole paragraphs; containment (the share
    of the smaller body's shingles found in the larger) catches them."""
    base = "".join(SENTENCES[20:50])  # the end of seed 0 and most of seed 1
    replaced = "".join(SENTENCES[20:46]) + "".join(SENTENCES[120:124])  # 4 of 30 replaced
    shortened = "".join(SENTENCES[20:38])  # the last 12 sentences dropped
    assert 0.7 < similarity(base, replaced) < 0.8
    assert 0.4 < similarity(base, shortened) < 0.7
    result = deduplicate(
        document("base", base), document("replaced", replaced), document("shortened", shortened)
    )
    assert result["replaced"][0] == result["shortened"][0] == result["base"][0] is not None


def test_the_kept_member_is_chosen_by_the_keep_rule_across_a_cluster():
    result = deduplicate(
        document("undated", BODIES[1]),
        document("dated", BODIES[1][:-40], datetime.date(2022, 10, 12)),
        document("longer", BODIES[1] + "\n（完）", datetime.date(2022, 10, 13)),
    )
    assert {doc_id: row[0] for doc_id, row in result.items()} == dict.fromkeys(result, "dated")
    assert result["undated"] == ("dated", True, "dated")


def test_clusters_are_transitive():
    first, middle, last = (
        "".join(SENTENCES[0:20]),
        "".join(SENTENCES[2:22]),
        "".join(SENTENCES[4:24]),
    )
    assert similarity(first, middle) >= 0.8 and similarity(middle, last) >= 0.8
    assert similarity(first, last) < 0.8
    day = datetime.date(2023, 1, 1)
    result = deduplicate(
        document("x", first, day), document("y", middle, day), document("z", last, day)
    )
    assert result["x"][0] == result["y"][0] == result["z"][0] == "y"  # same day: the longest


def test_a_result_does_not_depend_on_input_order():
    documents = [
        document(f"doc{i}", text, datetime.date(2023, 1, 1 + i % 3))
        for i, text in enumerate(
            [*BODIES, BODIES[0], BODIES[3] + "\n责任编辑：王莹", "".join(SENTENCES[:25])]
        )
    ]
    runs = [
        deduplicate(*random.Random(seed).sample(documents, len(documents))) for seed in range(4)
    ]
    assert all(run == runs[0] for run in runs)
    assert runs[0]["doc5"][0] == runs[0]["doc0"][0] is not None


def test_a_traditional_copy_converted_by_the_pipeline_is_a_duplicate():
    simplified = BODIES[2]
    traditional = opencc.OpenCC("s2t").convert(simplified)
    taiwan_edition = opencc.OpenCC("s2twp").convert(simplified)
    assert traditional != simplified
    result = deduplicate(
        document("simplified", simplified),
        document("traditional", opencc.OpenCC("t2s").convert(traditional)),
        document("taiwan", opencc.OpenCC("tw2s").convert(taiwan_edition)),
    )
    assert result["traditional"][0] == result["taiwan"][0] == result["simplified"][0] is not None


def test_empty_bodies_are_never_duplicates():
    result = deduplicate(document("a", ""), document("b", "，。"), document("c", BODIES[0]))
    assert result["a"] == result["b"] == (None, False, None)
    assert signature_table(pd.DataFrame([document("a", "")]), CONFIG)["body_hash"].tolist() == [
        None
    ]


def test_only_candidates_texts_are_fetched_in_batches():
    docs = pd.DataFrame(
        [document(f"seed{i}", body) for i, body in enumerate(BODIES)]
        + [document("copy", BODIES[4] + "\n来源：法治日报")]
    )
    requests = []

    def fetch(doc_ids):
        requests.append(list(doc_ids))
        return {doc_id: docs.set_index("doc_id").loc[doc_id, "text"] for doc_id in doc_ids}

    result = find_duplicates(signature_table(docs, CONFIG), fetch, CONFIG)
    assert requests == [["copy", "seed4"]]
    assert result.set_index("doc_id").loc["seed4", "is_duplicate"]


def test_a_later_run_with_stored_signatures_matches_one_run_over_everything():
    # Jaccard only (containment would already merge s2, a truncated seed 0, with s0), so that
    # the later run changes earlier clusters: a newcomer dated earlier, a bridge
    config = JACCARD_ONLY
    day = datetime.date(2023, 3, 1)
    earlier = [
        document("s0", BODIES[0], day),
        document("s0_copy", BODIES[0] + "\n（完）", day + datetime.timedelta(days=2)),
        document("s1", BODIES[1], day),
        document("s1_copy", BODIES[1] + "\n来源：三明日报", day),
        document("s2", "".join(SENTENCES[0:20]), day - datetime.timedelta(days=5)),
        document("s4", "".join(SENTENCES[4:24]), day),
        document("s3", BODIES[3], day),
    ]
    later = [
        document("n0", BODIES[0], day - datetime.timedelta(days=1)),  # now kept: earlier
        document("n_bridge", "".join(SENTENCES[2:22]), None),  # joins s2 and s4
        document("n_new", BODIES[4], day),
        document("n_new_copy", BODIES[4] + "\n来源：法治日报", day),
    ]
    all_at_once = deduplicate(*earlier, *later, config=config)

    first_docs = pd.DataFrame(earlier)
    first_signatures = signature_table(first_docs, config)
    first = find_duplicates(
        first_signatures, dict(zip(first_docs.doc_id, first_docs.text, strict=True)), config
    )
    stored = signatures_to_arrow(remembered_signatures(first_signatures, first), config)

    seen = signatures_from_arrow(stored, config)
    second_docs = pd.DataFrame(later)
    every_text = dict(zip(first_docs.doc_id, first_docs.text, strict=True)) | dict(
        zip(second_docs.doc_id, second_docs.text, strict=True)
    )
    fetched = []

    def fetch(doc_ids):
        fetched.extend(doc_ids)
        return {doc_id: every_text[doc_id] for doc_id in doc_ids}

    second = find_duplicates(signature_table(second_docs, config), fetch, config, seen=seen)

    incremental = {
        r.doc_id: (r.dup_cluster, r.is_duplicate, r.duplicate_of) for r in second.itertuples()
    }
    assert incremental == all_at_once
    assert incremental["s0"] == ("n0", True, "n0")
    assert incremental["s2"][0] == incremental["s4"][0] == incremental["n_bridge"][0] == "s2"
    assert changed_documents(seen, second) == ["s0", "s0_copy", "s2", "s4"]
    assert {"s1", "s1_copy"}.isdisjoint(fetched)  # a pair seen before is not verified again


def test_a_candidate_without_a_text_is_an_error_that_names_it():
    docs = pd.DataFrame([document("a", BODIES[0]), document("b", BODIES[0] + "\n（完）")])
    with pytest.raises(KeyError, match="no text for 1 candidate"):
        find_duplicates(signature_table(docs, CONFIG), {"a": BODIES[0]}, CONFIG)
