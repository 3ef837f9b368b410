"""`qingxi explain` and the installed `qingxi` command, run from a temporary folder over a
dataset the flow published from the seeds (tests/flows/conftest.py)."""

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import RAW
from tests.flows.conftest import PORTAL_PAGE
from transforms.evaluation.scoring import comparable

TRADITIONAL_PAGE = "001_45dff95fb4eadf66.txt"
# `qingxi` beside the interpreter: the one `pip install -e .` (make) put in this environment
QINGXI = Path(sys.executable).with_name("qingxi")
PAGE_LINE = re.compile(r"^ *(\d+)  (\S+) *(.*)$")


@pytest.fixture(scope="module")
def published(published_twice) -> Path:
    return published_twice[0]


@pytest.fixture(scope="module")
def portal_page(published) -> tuple[subprocess.CompletedProcess, str]:
    """`qingxi explain` of the portal page, run in the working folder: its printed output and
    the HTML page it wrote."""
    result = qingxi(published, "explain", "--output", "clean", "--html", "page.html", PORTAL_PAGE)
    return result, (published / "page.html").read_text(encoding="utf-8")


def qingxi(folder: Path, *arguments: str) -> subprocess.CompletedProcess:
    """Run the installed command in `folder`, its output piped (so: no colour)."""
    return subprocess.run(
        [str(QINGXI), *arguments], cwd=folder, capture_output=True, text=True, timeout=120
    )


def row_of(folder: Path, source_path: str) -> dict:
    rows = pq.read_table(folder / "clean" / "documents").to_pylist()
    return next(row for row in rows if row["source_path"] == source_path)


def printed_lines(output: str) -> dict[int, tuple[str, str]]:
    """line number → (kind, text) from the page part of the explanation."""
    page = output.split("\nbody: ")[0].split("\n")[2:]
    return {int(m[1]): (m[2], m[3]) for m in map(PAGE_LINE.match, page) if m}


def test_the_installed_command_lists_its_sub_commands_from_any_folder(tmp_path):
    result = qingxi(tmp_path, "--help")
    assert result.returncode == 0
    assert all(command in result.stdout for command in ("normalize", "explain", "report"))


def test_qingxi_normalize_takes_the_options_of_python_m_flows_normalize(tmp_path):
    options = re.compile(r"--[a-z][a-z-]+")
    installed = qingxi(tmp_path, "normalize", "--help").stdout
    module = subprocess.run(
        [sys.executable, "-m", "flows.normalize", "--help"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
    ).stdout
    assert set(options.findall(installed)) == set(options.findall(module))
    assert {"--input", "--output", "--full-refresh", "--dedup-threshold"} <= set(
        options.findall(installed)
    )
    missing = qingxi(tmp_path, "normalize", "--input", "nowhere")
    assert missing.returncode == 2
    assert missing.stderr.strip() == "qingxi: error: input path does not exist: nowhere"


def test_explain_prints_every_raw_line_with_its_kind(published, portal_page):
    result = portal_page[0]
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout  # piped: plain text
    raw_lines = (RAW / PORTAL_PAGE).read_text(encoding="utf-8").split("\n")
    removed = {
        segment["line"]: segment["kind"] for segment in row_of(published, PORTAL_PAGE)["removed"]
    }
    printed = printed_lines(result.stdout)
    assert sorted(printed) == list(range(1, len(raw_lines) + 1))
    for number, line in enumerate(raw_lines, start=1):
        kind, text = printed[number]
        expected = removed.get(number, "body" if line.strip() else "blank")
        assert kind == expected, (number, line)
        assert comparable(text) == comparable(line)
    assert {"nav", "title", "dateline", "byline", "caption", "body"} <= {
        kind for kind, _ in printed.values()
    }


def test_explain_shows_body_metadata_with_its_line_flags_and_cluster(published, portal_page):
    output = portal_page[0].stdout
    row = row_of(published, PORTAL_PAGE)
    paragraphs = row["text"].split("\n")
    assert f"body: {len(paragraphs)} paragraphs" in output
    assert all(f"\n  {paragraph}\n" in output for paragraph in paragraphs)
    printed = printed_lines(output)
    title_line = next(n for n, (kind, _) in printed.items() if kind == "title")
    assert f"title: {row['title']}  (line {title_line})" in output
    assert f"author: {row['author']}" in output
    assert "flags: none" in output
    assert "duplicates: cluster of 2" in output and "003_copy.txt" in output


def test_explain_of_a_converted_page_shows_its_original_lines(published):
    output = qingxi(published, "explain", "--output", "clean", TRADITIONAL_PAGE).stdout
    assert "三明市地處福建西部" in output  # the page as it was
    assert "三明市地处福建西部" in output  # the body, in Simplified
    assert "flags: " in output and "converted" in output


class LineRows(HTMLParser):
    """(css class, [line, kind, text]) of every row of the page's table of lines."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.rows: list[tuple[str, list[str]]] = []
        self.in_lines = False
        self.cell: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.in_lines = self.in_lines or attributes.get("id") == "lines"
        if self.in_lines and tag == "tr" and "class" in attributes:
            self.rows.append((attributes["class"], []))
        if self.in_lines and tag == "td":
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.rows[-1][1].append("".join(self.cell))
            self.cell = None
        self.in_lines = self.in_lines and tag != "table"

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def test_explain_html_greys_the_removed_lines_and_names_their_kinds(published, portal_page):
    parser = LineRows(portal_page[1])
    removed = {
        segment["line"]: segment["kind"] for segment in row_of(published, PORTAL_PAGE)["removed"]
    }
    raw_lines = (RAW / PORTAL_PAGE).read_text(encoding="utf-8").split("\n")
    nonblank = [n for n, line in enumerate(raw_lines, start=1) if line.strip()]
    assert [int(cells[0]) for _, cells in parser.rows] == nonblank
    for css_class, (number, kind, _text) in parser.rows:
        assert kind == removed.get(int(number), "body")
        assert css_class == ("kept" if kind == "body" else "removed")


def test_explain_of_an_unknown_page_says_so(published):
    result = qingxi(published, "explain", "--output", "clean", "no/such/page.txt")
    assert result.returncode == 2
    assert "no document no/such/page.txt" in result.stderr
