"""The run report's figures, counted column by column over a small hand-made dataset."""

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from flows.run_figures import dataset_figures


def page(name: str, removed: list[tuple[str, str]], n_chars: int = 10, **columns) -> dict:
    return {
        "source_path": name,
        "doc_id": name,
        "encoding": columns.get("encoding", "utf-8"),
        "script": "simplified",
        "title": f"{name}的标题",
        "removed": [
            {"kind": kind, "line": i, "text": text} for i, (kind, text) in enumerate(removed)
        ],
        "flags": columns.get("flags", []),
        "n_chars": n_chars,
        "is_duplicate": columns.get("is_duplicate", False),
        "dup_cluster": columns.get("dup_cluster"),
    }


def figures_of(tmp_path: Path, pages: list[dict]) -> dict:
    (tmp_path / "documents").mkdir()
    pq.write_table(pa.Table.from_pylist(pages), tmp_path / "documents" / "part-00000.parquet")
    return dataset_figures(tmp_path)


def test_boilerplate_lines_count_pages_not_lines_and_skip_copies(tmp_path: Path) -> None:
    menu, footer = "首页 | 新闻 | 政务", "版权所有 某某县人民政府"
    pages = [
        page("a", [("nav", menu), ("nav", menu), ("footer", footer)]),  # twice on one page
        page("b", [("nav", f"\u3000{menu} "), ("boilerplate", footer)]),  # str.strip's spaces
        page("c", [("footer", footer), ("caption", "只在这一页")]),
        # a copy of a page would make its every line recurring: it is not counted
        page("d", [("nav", menu), ("nav", menu)], is_duplicate=True, dup_cluster="x"),
        page("e", [("nav", menu)], dup_cluster="x"),
    ]
    figures = figures_of(tmp_path, pages)
    assert figures["boilerplate_lines"] == [
        {"line": menu, "documents": 3, "kind": "nav"},
        {"line": footer, "documents": 3, "kind": "footer"},  # footer twice, boilerplate once
    ]
    # every removed line of every page, copies too
    assert figures["removed_lines_by_kind"] == {
        "nav": 6,
        "footer": 2,
        "boilerplate": 1,
        "caption": 1,
    }
    assert figures["duplicates"] == 1
    assert figures["largest_clusters"] == [
        {"cluster": "x", "size": 2, "kept": "e", "title": "e的标题", "copies": ["d"]}
    ]


def test_body_share_counts_characters_that_are_not_whitespace(tmp_path: Path) -> None:
    # 30 body characters against 10 removed ones (the spaces, ideographic one too, not counted)
    pages = [
        page("a", [("nav", "首页　新闻 政务 通知公告 ")], n_chars=30),
        page("b", [], n_chars=0),
    ]
    figures = figures_of(tmp_path, pages)
    assert figures["median_body_share_percent"] == 37.5  # 75 % and 0 % (an empty page)
    assert figures["body_share_percent"]["70–80"] == 1
    assert figures["body_share_percent"]["0–10"] == 1
    assert figures["documents"] == 2
    assert figures["boilerplate_lines"] == []
