"""The run report as one self-contained HTML page: `<output>/runs/<run id>.html`.

Charts are inline SVG (flows.charts), styles are inline, there is no script and no font or
image to fetch: the file opens from a disk, a mail attachment or an object store alike. Every
number drawn is also in a table beside its chart, taken from the run's JSON report, so the
page and the JSON never disagree. With an earlier run's report, each table gets a column for
that run and the page opens with what changed.
"""

import json
import sys
from html import escape
from typing import Any

from flows.charts import bar_chart, inline
from flows.run_comparison import changes, previous_report
from flows.staging import RUNS
from flows.storage import location, write_text_atomically

BOILERPLATE = "boilerplate_lines"

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
.pair { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.4em 0; }
th, td { padding: 0.15em 0.6em; border-bottom: 1px solid #eee; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.changes li { margin: 0.15em 0; } .muted { color: #777; }
"""

# (section id, heading, figures in it: (figure key, chart title, horizontal bars?, unit))
COUNT_SECTIONS = (
    ("encodings-scripts", "Documents by encoding and by script", (
        ("by_encoding", "documents by encoding", True, "documents"),
        ("by_script", "documents by script", True, "documents"),
    )),
    ("removed", "Removed lines by kind, and the share of each page kept as body", (
        ("removed_lines_by_kind", "removed lines by kind", True, "lines"),
        ("body_share_percent", "pages by % of characters kept as body", False, "pages"),
    )),
    ("body-length", "Body length", (
        ("body_length_chars", "pages by body length (characters)", False, "pages"),
    )),
    ("duplicates", "Duplicate clusters", (
        ("duplicate_clusters_by_size", "clusters by size (documents)", False, "clusters"),
    )),
    ("flags", "Flags", (("flags", "documents by flag", True, "documents"),)),
)  # fmt: skip


def count_table(key: str, counts: dict[str, Any], previous: dict[str, Any] | None) -> str:
    names = list(counts) + [name for name in previous or {} if name not in counts]
    header = "<tr><th></th><th>this run</th>" + (
        "<th>previous</th>" if previous is not None else ""
    )
    rows = []
    for name in names:
        cells = f'<td class="number" data-value>{counts.get(name, 0)}</td>'
        if previous is not None:
            cells += f'<td class="number">{previous.get(name, 0)}</td>'
        rows.append(f"<tr><th>{escape(str(name))}</th>{cells}</tr>")
    body = "".join(rows) or '<tr><td class="muted" colspan="3">none</td></tr>'
    return f'<table data-figure="{key}">{header}</tr>{body}</table>'


def figure_block(
    key: str, title: str, horizontal: bool, unit: str, figures: dict, previous: dict | None
) -> str:
    counts = figures.get(key, {})
    before = previous.get(key) if previous else None
    chart = inline(bar_chart(counts, title, before, horizontal, unit)) if counts else ""
    return f"<div>{chart}{count_table(key, counts, before)}</div>"


def rows_table(key: str, columns: list[str], rows: list[dict[str, Any]]) -> str:
    header = "".join(f"<th>{escape(name)}</th>" for name in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{cell(row.get(name))}</td>" for name in columns) + "</tr>"
        for row in rows
    )
    empty = f'<tr><td class="muted" colspan="{len(columns)}">none</td></tr>'
    return f'<table data-figure="{key}"><tr>{header}</tr>{body or empty}</table>'


def cell(value: Any) -> str:
    if isinstance(value, list):
        return "<br>".join(escape(str(item)) for item in value)
    if isinstance(value, float):
        return f"{value:.2f}"
    return escape("" if value is None else str(value))


def summary_section(report: dict[str, Any], previous: dict[str, Any] | None) -> str:
    counts = {name.replace("_", " "): value for name, value in report["counts"].items()}
    figures = report["figures"]
    counts["documents in the dataset"] = figures["documents"]
    counts["median % of page kept as body"] = figures["median_body_share_percent"]
    counts["median body length (characters)"] = figures["median_body_length_chars"]
    table = rows_table(
        "counts", ["", "value"], [{"": name, "value": value} for name, value in counts.items()]
    )
    if previous is None:
        compared = '<p class="muted">No earlier run in this output to compare with.</p>'
    else:
        found = changes(previous, report)
        items = "".join(f"<li>{escape(text)}</li>" for text in found) or "<li>no change</li>"
        compared = (
            f"<h3>Compared with run {escape(previous['run_id'])}</h3>"
            f'<ul class="changes" data-figure="changes">{items}</ul>'
        )
    return (
        f'<section id="summary"><h2>Summary</h2><div class="pair">{table}'
        f"<div>{compared}</div></div></section>"
    )


def run_page(report: dict[str, Any], previous: dict[str, Any] | None = None) -> str:
    """The whole page for a run's JSON report (and the previous run's, when there is one)."""
    figures = report["figures"]
    before = previous.get("figures") if previous else None
    sections = [summary_section(report, previous)]
    for section_id, heading, blocks in COUNT_SECTIONS:
        parts = [figure_block(*block, figures, before) for block in blocks]
        extra = ""
        if section_id == "duplicates":
            extra = "<h3>Largest clusters</h3>" + rows_table(
                "largest_clusters",
                ["size", "kept", "title", "copies"],
                figures["largest_clusters"],
            )
        sections.append(
            f'<section id="{section_id}"><h2>{heading}</h2>'
            f'<div class="pair">{"".join(parts)}</div>{extra}</section>'
        )
    sections.append(
        '<section id="boilerplate"><h2>Most frequent cross-document boilerplate lines</h2>'
        + rows_table("boilerplate_lines", ["documents", "kind", "line"], figures[BOILERPLATE])
        + "</section>"
    )
    quarantined = [
        {"reason": reason, "files": len(paths), "paths": paths}
        for reason, paths in figures["quarantined_by_reason"].items()
    ]
    sections.append(
        '<section id="quarantine"><h2>Quarantined files by reason</h2>'
        + rows_table("quarantined_by_reason", ["reason", "files", "paths"], quarantined)
        + "</section>"
    )
    seconds = {name: round(value, 2) for name, value in report["seconds_per_stage"].items()}
    previous_seconds = previous.get("seconds_per_stage") if previous else None
    if previous_seconds is not None:
        previous_seconds = {name: round(value, 2) for name, value in previous_seconds.items()}
    chart = inline(bar_chart(seconds, "seconds per stage", previous_seconds, unit="seconds"))
    sections.append(
        f'<section id="seconds"><h2>Seconds per stage</h2><div class="pair"><div>{chart}'
        f"{count_table('seconds_per_stage', seconds, previous_seconds)}</div></div></section>"
    )
    title = f"qingxi run {escape(report['run_id'])}"
    meta = (
        f'<p class="muted">{escape(report.get("finished_at", ""))} · input '
        f"{escape(report['input'])} → {escape(report['output'])} · qingxi "
        f"{escape(report['pipeline_version'])} · {report['seconds']:.1f} s</p>"
    )
    return (
        f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{STYLE}</style></head><body><h1>{title}</h1>{meta}"
        + "\n".join(sections)
        + "</body></html>\n"
    )


def redraw(output: str, run_id: str | None = None) -> int:
    """`qingxi report`: write `<run id>.html` again from `<run id>.json` (default: the
    latest run), e.g. after an upgrade of qingxi; prints the page's path."""
    runs = location(output) / RUNS
    files = runs.glob("*.json") if runs.is_dir() else []
    reports = [json.loads(path.read_text()) for path in files]
    reports = [report for report in reports if "figures" in report]
    if run_id is not None:
        reports = [report for report in reports if report["run_id"] == run_id]
    if not reports:
        print(f"qingxi: error: no run report with figures under {runs}", file=sys.stderr)
        return 2
    report = max(reports, key=lambda report: report["finished_at"])
    page = runs / f"{report['run_id']}.html"
    write_text_atomically(run_page(report, previous_report(runs, report)), page)
    print(page)
    return 0
