"""Is this run like the last one? The previous run's JSON report, and what changed since.

Shares are compared, not counts, so a run over more files does not read as a change in
itself: "share of traditional pages 12% → 31%". Kinds, scripts, encodings and flags are
taken from both reports, so a kind that only one of them has still shows.
"""

import json
from typing import Any

from flows.storage import Where

# (figure key, how a line about it reads); each is a count of documents or lines
SHARE_FIGURES = (
    ("by_script", "share of {name} pages"),
    ("by_encoding", "share of pages in {name}"),
    ("flags", "share of pages flagged {name}"),
)
# a change of a share smaller than this (in percentage points) is noise, not news
MIN_POINTS = 0.5


def previous_report(runs_folder: Where, report: dict[str, Any]) -> dict[str, Any] | None:
    """The latest run report in `runs_folder` that finished before `report` and has
    figures, or None."""
    earlier = []
    for path in runs_folder.glob("*.json") if runs_folder.is_dir() else []:
        try:
            other = json.loads(path.read_text())
        except (OSError, ValueError):  # a damaged report is no reason to fail a run
            continue
        finished = other.get("finished_at", "")
        if "figures" in other and other.get("run_id") != report["run_id"]:
            earlier += [other] if finished < report["finished_at"] else []
    if not earlier:
        return None
    return max(earlier, key=lambda other: other["finished_at"])


def percent(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole else 0.0


def changes(previous: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """Sentences saying what changed from the previous run's figures to this run's."""
    before, after = previous["figures"], current["figures"]
    old_config, new_config = flat(previous.get("config", {})), flat(current.get("config", {}))
    found = [
        f"option {name} {old_config.get(name)} → {new_config.get(name)}"
        for name in dict.fromkeys([*old_config, *new_config])
        if old_config.get(name) != new_config.get(name)
    ]
    if before["documents"] != after["documents"]:
        found.append(f"documents in the dataset {before['documents']} → {after['documents']}")
    for key, wording in SHARE_FIGURES:
        names = dict.fromkeys([*before.get(key, {}), *after.get(key, {})])
        for name in names:
            old = percent(before.get(key, {}).get(name, 0), before["documents"])
            new = percent(after.get(key, {}).get(name, 0), after["documents"])
            if abs(new - old) >= MIN_POINTS:
                found.append(f"{wording.format(name=name)} {old:.0f}% → {new:.0f}%")
    kinds = dict.fromkeys([*before["removed_lines_by_kind"], *after["removed_lines_by_kind"]])
    for kind in kinds:
        old = per_document(before, "removed_lines_by_kind", kind)
        new = per_document(after, "removed_lines_by_kind", kind)
        if abs(new - old) >= 0.05:
            found.append(f"{kind} lines removed per page {old:.1f} → {new:.1f}")
    for key, wording in (
        (
            "median_body_share_percent",
            "median share of a page kept as body {old:.0f}% → {new:.0f}%",
        ),
        ("median_body_length_chars", "median body length {old:.0f} → {new:.0f} characters"),
    ):
        if before.get(key) != after.get(key):
            found.append(wording.format(old=before.get(key, 0), new=after.get(key, 0)))
    old_share = percent(before["duplicates"], before["documents"])
    new_share = percent(after["duplicates"], after["documents"])
    if abs(new_share - old_share) >= MIN_POINTS:
        found.append(f"share of duplicate pages {old_share:.0f}% → {new_share:.0f}%")
    old_quarantined = sum(len(paths) for paths in before["quarantined_by_reason"].values())
    new_quarantined = sum(len(paths) for paths in after["quarantined_by_reason"].values())
    if old_quarantined != new_quarantined:
        found.append(f"quarantined files {old_quarantined} → {new_quarantined}")
    return found


def flat(config: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"dedup": {"threshold": 0.7}} → {"dedup.threshold": 0.7}"""
    names: dict[str, Any] = {}
    for name, value in config.items():
        if isinstance(value, dict):
            names.update(flat(value, f"{prefix}{name}."))
        else:
            names[f"{prefix}{name}"] = value
    return names


def per_document(figures: dict[str, Any], key: str, name: str) -> float:
    return figures.get(key, {}).get(name, 0) / figures["documents"] if figures["documents"] else 0
