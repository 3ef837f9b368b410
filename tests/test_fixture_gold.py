"""The hand-labelled gold itself is consistent with its raw pages: every removed line
exists as written, and the kept lines spell out exactly the gold body."""

import pytest

from tests.conftest import GOLD, RAW, REPO
from tests.fixtures.pages.check_gold import check_page

PAGES = REPO / "tests" / "fixtures" / "pages"
BLIND = REPO / "tests" / "fixtures" / "blind"
METADATA = REPO / "tests" / "fixtures" / "metadata"
GOLD_FILES = [(RAW, path) for path in sorted(GOLD.glob("*.json"))] + [
    (folder / "raw", path)
    for folder in (PAGES, BLIND, METADATA)
    for path in sorted((folder / "gold").glob("*.json"))
]


@pytest.mark.parametrize("raw_folder, gold_path", GOLD_FILES, ids=lambda v: getattr(v, "stem", ""))
def test_gold_agrees_with_its_raw_page(raw_folder, gold_path):
    raw_path = raw_folder / (gold_path.stem + ".txt")
    assert check_page(raw_path, gold_path) == []


def test_there_are_at_least_twenty_generalization_pages():
    assert len(list((PAGES / "gold").glob("*.json"))) >= 20
