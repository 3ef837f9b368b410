"""Authors and dates on the metadata pages (tests/fixtures/metadata): a forum thread, a blog
post with comments, a portal with later-dated sidebars, a page whose credits name no one. Each
page's author and published_at must be the gold's, and no date is flagged suspicious."""

import json

import pytest

from tests.conftest import REPO
from transforms.evaluation.scoring import prepare_text
from transforms.structure import extract_structure

PAGES = REPO / "tests" / "fixtures" / "metadata"
GOLD_PATHS = sorted((PAGES / "gold").glob("*.json"))


@pytest.mark.parametrize("gold_path", GOLD_PATHS, ids=[path.stem for path in GOLD_PATHS])
def test_author_and_date_are_the_golds(gold_path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    result = extract_structure(prepare_text((PAGES / "raw" / gold["file"]).read_text("utf-8")))
    published = result.metadata.published_at or result.metadata.published_date
    assert result.metadata.author == gold["author"]
    assert (published.isoformat() if published else None) == gold["published_at"]
    assert "suspicious_date" not in result.flags


def test_there_are_four_metadata_pages() -> None:
    assert len(GOLD_PATHS) >= 4
