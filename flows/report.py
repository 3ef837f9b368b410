"""What a run tells its users: a console progress bar for ad hoc runs, Prefect artifacts for
the UI, and the same summary as JSON beside the output."""

import contextlib
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.futures import PrefectFuture, as_completed

from flows.charts import bar_chart, data_uri
from flows.run_comparison import changes
from flows.run_page import COUNT_SECTIONS

# Set by the CLI for ad hoc runs; deployments and tests report through artifacts only.
console_progress: bool = False


class Progress:
    """Progress of a run's batches: a rich bar on the console (CLI only) and a Prefect
    progress artifact in the UI."""

    def __init__(self, total_steps: int) -> None:
        self.total_steps = max(total_steps, 1)
        self.done = 0
        self.artifact_id = None
        with contextlib.suppress(Exception):  # the UI's progress is a nicety, never a failure
            self.artifact_id = create_progress_artifact(0.0, key="normalize-progress")
        self.bar = None
        if console_progress:
            from rich.progress import BarColumn, MofNCompleteColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            self.bar = RichProgress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                transient=True,
            )
            self.bar.start()
            self.bar_task = self.bar.add_task("normalize", total=self.total_steps)

    def advance(self, description: str) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(self.bar_task, completed=self.done, description=description)
        if self.artifact_id is not None:
            with contextlib.suppress(Exception):
                update_progress_artifact(self.artifact_id, 100.0 * self.done / self.total_steps)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def completed(
    futures: Iterable[PrefectFuture], progress: Progress, description: str
) -> Iterator[tuple[PrefectFuture, Any]]:
    """Yield (future, result or exception) as futures finish, advancing the progress."""
    for future in as_completed(list(futures)):
        try:
            result: Any = future.result()
        except Exception as error:  # reported, not raised: other batches keep their output
            result = error
        progress.advance(description)
        yield future, result


def merge_counts(summaries: Iterable[dict[str, Any]], key: str) -> dict[str, int]:
    total: Counter[str] = Counter()
    for summary in summaries:
        total.update(summary.get(key, {}))
    return dict(sorted(total.items()))


def markdown_summary(report: dict[str, Any], previous: dict[str, Any] | None = None) -> str:
    """The run's counts, what changed since the previous run, and every chart of the HTML
    page as an image (data: URIs: the Prefect UI fetches nothing either)."""
    figures = report["figures"]
    before = previous.get("figures") if previous else None
    lines = [
        f"# qingxi run {report['run_id']}",
        "",
        "| | |",
        "| --- | --- |",
        *(f"| {name.replace('_', ' ')} | {value} |" for name, value in report["counts"].items()),
        "",
        f"Full report: `{report['report_page']}`",
    ]
    if previous is not None:
        lines += ["", f"## Compared with run {previous['run_id']}", ""]
        lines += [f"- {text}" for text in changes(previous, report)] or ["- no change"]
    for _, heading, blocks in COUNT_SECTIONS:
        lines += ["", f"## {heading}", ""]
        for key, title, horizontal, unit in blocks:
            if figures.get(key):
                previous_counts = before.get(key) if before else None
                chart = bar_chart(figures[key], title, previous_counts, horizontal, unit)
                lines.append(f"![{title}]({data_uri(chart)})")
    lines += ["", "## Seconds per stage", ""]
    seconds = bar_chart(report["seconds_per_stage"], "seconds per stage", unit="seconds")
    lines.append(f"![seconds per stage]({data_uri(seconds)})")
    if report["failed_batches"]:
        lines += ["", "**Failed batches**:"]
        lines += [
            f"- batch {b['batch']} ({b['files']} files): {b['error']}"
            for b in report["failed_batches"]
        ]
    return "\n".join(lines)


def artifact_tables(report: dict[str, Any]) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """Every table of the HTML page, as rows for Prefect table artifacts (key → rows)."""
    figures = report["figures"]
    counted = {
        key: [{"name": name, "count": count} for name, count in figures[key].items()]
        for key in ("by_encoding", "by_script", "removed_lines_by_kind", "flags")
    }
    tables = {
        "normalize-encodings": ("Documents by encoding", counted["by_encoding"]),
        "normalize-scripts": ("Documents by script", counted["by_script"]),
        "normalize-removed-kinds": ("Removed lines by kind", counted["removed_lines_by_kind"]),
        "normalize-flags": ("Documents by flag", counted["flags"]),
        "normalize-clusters": ("Largest duplicate clusters", figures["largest_clusters"]),
        "normalize-boilerplate": ("Most frequent boilerplate lines", figures["boilerplate_lines"]),
        "normalize-seconds": (
            "Seconds per stage",
            [{"stage": k, "seconds": round(v, 2)} for k, v in report["seconds_per_stage"].items()],
        ),
    }
    return {key: (description, rows) for key, (description, rows) in tables.items() if rows}


def publish_artifacts(
    report: dict[str, Any],
    quarantined: list[dict[str, Any]],
    previous: dict[str, Any] | None = None,
) -> None:
    with contextlib.suppress(Exception):  # the UI's copy is a nicety: the files are the record
        create_markdown_artifact(markdown_summary(report, previous), key="normalize-summary")
        create_table_artifact(
            quarantined or [{"source_path": "", "error_kind": "", "message": "none quarantined"}],
            key="normalize-quarantine",
            description="Files this run could not turn into documents, and why",
        )
        for key, (description, rows) in artifact_tables(report).items():
            create_table_artifact(rows, key=key, description=description)


def console_summary(report: dict[str, Any]) -> str:
    counts = report["counts"]
    parts = [
        f"{counts['files_found']} files",
        f"{counts['files_processed']} processed",
        f"{counts['files_unchanged']} unchanged",
        f"{counts['documents_written']} documents written",
        f"{counts['quarantined']} quarantined",
        f"{counts['duplicates']} duplicates",
        f"{counts['converted']} converted to Simplified",
    ]
    text = "qingxi: " + ", ".join(parts) + f" in {report['seconds']:.1f} s"
    if report["failed_batches"]:
        failed = len(report["failed_batches"])
        text += f"\nqingxi: {failed} batch(es) failed: see {report['report_file']}"
    text += f"\nqingxi: dataset in {report['output']}"
    return text + f"\nqingxi: run report in {report['report_page']}"
