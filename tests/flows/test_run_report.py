"""The run report page of two flow runs over one output (tests/flows/conftest.py), read back
as HTML and compared with the runs' JSON reports and the published dataset."""

import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from flows.run_figures import histogram

SECTIONS = {
    "summary",
    "encodings-scripts",
    "removed",
    "body-length",
    "duplicates",
    "boilerplate",
    "quarantine",
    "flags",
    "seconds",
}


class ReportPage(HTMLParser):
    """Section ids, every table with a data-figure (its rows of cell texts), every attribute."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.attributes: list[tuple[str, str, str | None]] = []
        self.open_tags: list[str] = []
        self.table: str | None = None
        self.cell: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.attributes += [(tag, name, value) for name, value in attrs]
        attributes = dict(attrs)
        if tag not in {"br", "meta", "path", "use", "rect", "circle", "line"}:
            self.open_tags.append(tag)
        if tag == "section":
            self.sections.append(attributes["id"])
        if tag == "table" and "data-figure" in attributes:
            self.table = attributes["data-figure"]
            self.tables[self.table] = []
        if tag == "tr" and self.table:
            self.tables[self.table].append([])
        if tag in {"td", "th"} and self.table:
            self.cell = []
        if tag == "br" and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag):
        if self.open_tags and self.open_tags[-1] == tag:
            self.open_tags.pop()
        if tag in {"td", "th"} and self.cell is not None:
            self.tables[self.table][-1].append("".join(self.cell))
            self.cell = None
        if tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)

    def counts(self, figure: str) -> dict[str, float]:
        """A table of counts: first cell the name, second this run's number."""
        return {row[0]: float(row[1]) for row in self.tables[figure][1:]}


@pytest.fixture(scope="module")
def two_runs(published_twice):
    folder, first, second = published_twice
    return folder / "clean", first, second


def test_every_run_writes_a_page_beside_its_json_report(two_runs):
    output, first, second = two_runs
    for report in (first, second):
        page = Path(report["report_page"])
        assert page == output / "runs" / f"{report['run_id']}.html"
        saved = json.loads(Path(report["report_file"]).read_text())
        assert saved["figures"] == json.loads(json.dumps(report["figures"]))


def test_the_page_is_html_with_every_section_and_fetches_nothing(two_runs):
    text = Path(two_runs[2]["report_page"]).read_text(encoding="utf-8")
    page = ReportPage(text)
    assert set(page.sections) == SECTIONS
    assert page.open_tags == []  # every element that was opened was closed
    assert "http:" not in text and "https:" not in text
    assert re.findall(r"url\((?!#)", text) == []  # only references inside the page: url(#clip)
    assert not [tag for tag, name, _ in page.attributes if name == "src" or tag == "link"]
    assert "<script" not in text
    assert text.count("<svg") >= 8


def test_the_page_shows_the_numbers_of_the_json_report(two_runs):
    report = json.loads(Path(two_runs[2]["report_file"]).read_text())
    figures = report["figures"]
    page = ReportPage(Path(report["report_page"]).read_text(encoding="utf-8"))
    for figure in (
        "by_encoding",
        "by_script",
        "removed_lines_by_kind",
        "flags",
        "body_share_percent",
        "body_length_chars",
        "duplicate_clusters_by_size",
    ):
        assert page.counts(figure) == figures[figure], figure
    seconds = {stage: round(value, 2) for stage, value in report["seconds_per_stage"].items()}
    assert page.counts("seconds_per_stage") == seconds
    counts = {row[0]: row[1] for row in page.tables["counts"][1:]}
    assert all(counts[name.replace("_", " ")] == str(v) for name, v in report["counts"].items())
    clusters = [(int(row[0]), row[1]) for row in page.tables["largest_clusters"][1:]]
    assert clusters == [(c["size"], c["kept"]) for c in figures["largest_clusters"]]
    quarantined = {row[0]: row[2].split("\n") for row in page.tables["quarantined_by_reason"][1:]}
    assert quarantined == figures["quarantined_by_reason"] == {"not_text": ["image.png"]}


def test_the_figures_are_counted_from_the_published_dataset(two_runs):
    output, _, second = two_runs
    figures = second["figures"]
    documents = pq.read_table(output / "documents").to_pylist()
    assert figures["documents"] == len(documents) == 6
    assert figures["by_script"] == {"simplified": 5, "traditional": 1}
    kinds = Counter(segment["kind"] for row in documents for segment in row["removed"])
    assert figures["removed_lines_by_kind"] == dict(kinds)
    assert sum(figures["body_share_percent"].values()) == 6
    assert figures["duplicate_clusters_by_size"] == {"2": 1}
    (cluster,) = figures["largest_clusters"]
    assert {cluster["kept"], *cluster["copies"]} == {"003_copy.txt", "003_de09101387fcaee4.txt"}
    # the copy is one story: its lines do not make boilerplate of themselves
    assert all(line["documents"] >= 2 for line in figures["boilerplate_lines"])
    assert "当前位置：首页 > 政法要闻 > 政法要闻" not in {
        line["line"] for line in figures["boilerplate_lines"]
    }


def test_the_second_run_is_compared_with_the_first(two_runs):
    _, first, second = two_runs
    first_text = Path(first["report_page"]).read_text(encoding="utf-8")
    assert "No earlier run in this output to compare with." in first_text
    text = Path(second["report_page"]).read_text(encoding="utf-8")
    assert f"Compared with run {first['run_id']}" in text
    assert "share of duplicate pages 0% → 17%" in text
    assert "quarantined files 0 → 1" in text
    assert "documents in the dataset 5 → 6" in text
    assert ReportPage(text).tables["by_script"][0] == ["", "this run", "previous"]


def test_histograms_count_every_value_once_and_close_the_last_bin():
    shares = histogram([0, 9.9, 10, 55, 100], (0, 10, 50, 100), open_ended=False)
    assert shares == {"0–10": 2, "10–50": 1, "50–100": 2}
    lengths = histogram([0, 150, 10_000], (0, 100, 1000), open_ended=True)
    assert lengths == {"0–100": 1, "100–1000": 1, "≥1000": 1}


def test_the_charts_and_tables_are_artifacts_of_the_run(two_runs):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    report = two_runs[2]
    only_this_run = ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[report["run_id"]]))
    with get_client(sync_client=True) as client:
        artifacts = {a.key: a for a in client.read_artifacts(artifact_filter=only_this_run)}
    tables = {"normalize-removed-kinds", "normalize-clusters", "normalize-quarantine"}
    assert {"normalize-summary", "normalize-encodings", "normalize-seconds"} | tables <= set(
        artifacts
    )
    summary = artifacts["normalize-summary"].data
    charts = Path(report["report_page"]).read_text(encoding="utf-8").count("<svg")
    assert summary.count("](data:image/svg+xml;base64,") == charts
    assert "share of duplicate pages 0% → 17%" in summary


def test_qingxi_report_draws_the_same_page_again_from_the_json(two_runs, capsys):
    from flows.run_page import redraw

    output, first, second = two_runs
    written = Path(second["report_page"]).read_text(encoding="utf-8")
    Path(second["report_page"]).unlink()
    assert redraw(str(output)) == 0  # the latest run by default
    assert capsys.readouterr().out.strip() == second["report_page"]
    assert Path(second["report_page"]).read_text(encoding="utf-8") == written
    assert redraw(str(output), first["run_id"]) == 0
    assert "No earlier run" in Path(first["report_page"]).read_text(encoding="utf-8")
    assert redraw(str(output), "no-such-run") == 2
