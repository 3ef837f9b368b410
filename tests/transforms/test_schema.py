"""The Parquet contract: explicit types, described fields, no inference."""

import datetime
import re

import pyarrow as pa
import pytest

from transforms.schema import DOCUMENT_SCHEMA, QUARANTINE_SCHEMA, data_dictionary, table_from_rows


def quarantine_row(**changes):
    row = {
        "source_path": "a.bin",
        "doc_id": None,
        "error_kind": "not_text",
        "message": "binary content (NUL bytes)",
        "source_bytes": 10,
        "run_id": "run",
        "processed_at": datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    }
    return {**row, **changes}


def test_every_field_has_a_description():
    for schema in (DOCUMENT_SCHEMA, QUARANTINE_SCHEMA):
        for field in schema:
            assert field.metadata[b"description"], field.name


def test_a_row_with_a_missing_key_is_refused_not_inferred():
    row = quarantine_row()
    del row["message"]
    with pytest.raises(ValueError, match=re.escape("missing {'message'}")):
        table_from_rows([row], QUARANTINE_SCHEMA)


def test_a_row_with_an_extra_key_is_refused():
    with pytest.raises(ValueError, match=re.escape("extra {'colour'}")):
        table_from_rows([quarantine_row(colour="red")], QUARANTINE_SCHEMA)


def test_nulls_in_a_later_row_keep_the_declared_type():
    table = table_from_rows(
        [quarantine_row(doc_id="ab"), quarantine_row(doc_id=None)], QUARANTINE_SCHEMA
    )
    assert table.schema.field("doc_id").type == pa.string()
    assert table["doc_id"].to_pylist() == ["ab", None]


def test_published_at_is_china_time_and_removed_is_a_list_of_structs():
    assert DOCUMENT_SCHEMA.field("published_at").type.tz == "Asia/Shanghai"
    removed = DOCUMENT_SCHEMA.field("removed").type
    assert [field.name for field in removed.value_type] == ["kind", "line", "text"]


def test_data_dictionary_lists_every_column():
    dictionary = data_dictionary()
    for name in DOCUMENT_SCHEMA.names:
        assert f"| `{name}` |" in dictionary
