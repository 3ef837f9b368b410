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


def markdown_summary(report: dict[str, Any]) -> str:
    counts = report["counts"]
    lines = [
        f"# qingxi run {report['run_id']}",
        "",
        "| | |",
        "| --- | --- |",
        *(f"| {name.replace('_', ' ')} | {value} |" for name, value in counts.items()),
        "",
        "**Encodings**: " + ", ".join(f"{k} {v}" for k, v in report["encodings"].items()),
        "",
        "**Scripts**: " + ", ".join(f"{k} {v}" for k, v in report["scripts"].items()),
        "",
        "**Removed lines by kind**: "
        + ", ".join(f"{k} {v}" for k, v in report["removed_by_kind"].items()),
        "",
        "**Seconds per stage**: "
        + ", ".join(f"{k} {v:.2f}" for k, v in report["seconds_per_stage"].items()),
    ]
    if report["failed_batches"]:
        lines += ["", "**Failed batches**:"]
        lines += [
            f"- batch {b['batch']} ({b['files']} files): {b['error']}"
            for b in report["failed_batches"]
        ]
    return "\n".join(lines)


def publish_artifacts(report: dict[str, Any], quarantined: list[dict[str, Any]]) -> None:
    with contextlib.suppress(Exception):
        create_markdown_artifact(markdown_summary(report), key="normalize-summary")
        create_table_artifact(
            quarantined or [{"source_path": "", "error_kind": "", "message": "none quarantined"}],
            key="normalize-quarantine",
            description="Files this run could not turn into documents, and why",
        )


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
    return text + f"\nqingxi: dataset in {report['output']}"
