"""The `normalize` flow on a Dask cluster gives the same dataset as a local run.

A `LocalCluster` of two worker processes stands in for an existing cluster: the flow gets
only its address, runs its batch tasks there through prefect-dask, and counts recurring
lines and deduplicates there as Dask DataFrame jobs.
"""

import shutil

import pytest

from benchmarks.synthetic_corpus import make_corpus
from flows.normalize import normalize, read_documents
from tests.conftest import RAW
from transforms.schema import DOCUMENT_SCHEMA

# the run's own identity differs between runs; everything else must not
SAME_COLUMNS = [name for name in DOCUMENT_SCHEMA.names if name not in ("run_id", "processed_at")]


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local_cluster:
        yield local_cluster


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The seeds, a copy of one, and 240 generated pages: copies, near copies (a changed
    phrase, an added source line) and re-encodings (GBK, Big5, UTF-16, Traditional)."""
    folder = tmp_path_factory.mktemp("raw")
    for path in RAW.iterdir():
        shutil.copy(path, folder / path.name)
    shutil.copy(RAW / "003_de09101387fcaee4.txt", folder / "003_copy.txt")
    make_corpus(folder / "generated", 240, seed=11)
    return folder


@pytest.fixture(scope="module")
def runs(corpus, cluster, tmp_path_factory, prefect_harness):
    local = tmp_path_factory.mktemp("local")
    on_dask = tmp_path_factory.mktemp("dask")
    options = {"input_path": str(corpus), "batch_size": 40}
    local_summary = normalize(output_path=str(local), workers=1, **options)
    dask_summary = normalize(
        output_path=str(on_dask), dask_address=cluster.scheduler_address, **options
    )
    return (local, local_summary), (on_dask, dask_summary)


def frame(output):
    return read_documents(output).select(SAME_COLUMNS).to_pandas().set_index("source_path")


def test_the_cluster_run_writes_the_same_rows_texts_and_flags(runs):
    (local, _), (on_dask, _) = runs
    expected, actual = frame(local).sort_index(), frame(on_dask).sort_index()
    assert len(actual) == len(expected) == 246
    assert list(actual.index) == list(expected.index)
    assert actual["text"].equals(expected["text"])
    assert [list(f) for f in actual["flags"]] == [list(f) for f in expected["flags"]]
    assert actual.drop(columns=["removed", "flags"]).equals(
        expected.drop(columns=["removed", "flags"])
    )
    assert [list(r) for r in actual["removed"]] == [list(r) for r in expected["removed"]]


def test_the_cluster_run_finds_the_same_duplicate_clusters(runs):
    (local, local_summary), (on_dask, dask_summary) = runs
    columns = ["is_duplicate", "duplicate_of", "dup_cluster"]
    expected, actual = frame(local)[columns].sort_index(), frame(on_dask)[columns].sort_index()
    assert expected["is_duplicate"].sum() > 20  # the corpus has copies and near copies
    assert expected["dup_cluster"].nunique() > 5
    assert actual.equals(expected)
    assert dask_summary["counts"]["duplicates"] == local_summary["counts"]["duplicates"]


def test_the_batches_and_the_corpus_steps_ran_on_the_cluster(runs, cluster):
    from distributed import Client

    import flows.tasks

    (_, _), (_, summary) = runs
    assert summary["counts"]["failed_batches"] == 0
    assert summary["counts"]["files_processed"] == 246
    with Client(cluster) as client:  # each worker loaded OpenCC: it ran batch tasks
        loaded = client.run(lambda: flows.tasks.converter_for.cache_info().currsize)
    assert len(loaded) == 2 and all(loaded.values())
    ran = set(cluster.scheduler.task_prefixes)
    assert {"bands", "candidate_pairs", "verify", "body_groups"} <= ran, sorted(ran)
