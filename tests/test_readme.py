"""The README tells new users the truth: its two commands, its data dictionary, its examples."""

import re
import shutil

import duckdb
import pandas as pd
import pytest

from flows.normalize import normalize
from tests.conftest import RAW, REPO
from transforms.schema import data_dictionary

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_set_up_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["make run", "make test"]


def test_ci_runs_exactly_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text()
    assert [line for line in ci.splitlines() if line.startswith("make")] == ["make test"]


def test_data_dictionary_matches_the_schema():
    assert data_dictionary() in README


@pytest.fixture(scope="module")
def dataset(tmp_path_factory, prefect_harness):
    raw, output = tmp_path_factory.mktemp("raw"), tmp_path_factory.mktemp("clean")
    for path in RAW.iterdir():
        shutil.copy(path, raw / path.name)
    normalize(input_path=str(raw), output_path=str(output), workers=1)
    return output


def test_the_pandas_example_reads_the_dataset(dataset):
    documents = pd.read_parquet(dataset / "documents")
    originals = documents[~documents.is_duplicate]
    traditional = documents.loc[documents.script == "traditional", ["title", "text_original"]]
    assert len(originals) == 5
    assert len(traditional) == 1


def test_the_duckdb_examples_run(dataset):
    pattern = str(dataset / "documents" / "*.parquet")
    queries = re.search(r"```sql\n(.*?)```", README, re.S).group(1)
    for query in queries.split(";"):
        if "SELECT" not in query:
            continue
        sql = query.replace("'data/clean/documents/*.parquet'", f"'{pattern}'")
        rows = duckdb.sql(sql).fetchall()
        assert rows
