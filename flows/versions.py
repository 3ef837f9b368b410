"""A local dataset switched as a whole: versions under `.versions/`, one link says which.

    <output>/
      .versions/<run id>/documents/ quarantine/ signatures/ line_keys/ manifest/
      .current -> .versions/<run id>        the switch: one symlink, replaced by one rename
      documents -> .current/documents       fixed links, what readers open (pandas, DuckDB,
      quarantine -> .current/quarantine     Polars and pyarrow follow them)
      …
      runs/                                 run reports (not versioned: one file per run)

A publish moves its fully written folders into `.versions/<run id>` and then replaces
`.current` (`os.replace` of a new symlink: atomic on POSIX). A reader opening
`<output>/documents` before the switch reads the previous version, after it the new one;
a run killed at any point leaves one of the two whole. The version replaced is kept until
the next publish, so that a reader that listed its files just before the switch can still
open them; every other version (the previous-but-one, and versions of runs killed before
their switch) is deleted after the switch.

Outputs written before this layout hold real folders at `<output>/documents` etc.: the first
publish switches `.current`, then replaces those folders by links one at a time. That
migration is the one moment a reader may see folders of two runs; a run killed during it
leaves the rest to the next run (`roll_forward`), before it reads anything.

Object stores (fsspec URLs) have neither symlinks nor rename: there each folder is switched
by its own pointer (`flows.storage.replace_folder`), one folder after another.
"""

import os
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from flows.storage import remove_tree

VERSIONS = ".versions"
CURRENT = ".current"

# Test hook: the kill tests set it to a step name of `switch_to` to SIGKILL a run there.
PAUSE_VARIABLE = "QINGXI_TEST_PAUSE_IN_PUBLISH"


def pause_here_for_tests(step: str) -> None:
    """When QINGXI_TEST_PAUSE_IN_PUBLISH names `step`, say so on stderr and sleep, so that a
    test can kill the run at exactly this point (tests/flows/test_kill.py). Real runs leave
    the variable unset and pass straight through."""
    if os.environ.get(PAUSE_VARIABLE) == step:
        os.write(2, f"qingxi: test pause in publish at {step}\n".encode())
        time.sleep(600)


def current_version(output: Path) -> str | None:
    """The name of the version `.current` points at, or None before the first switch."""
    try:
        return Path(os.readlink(output / CURRENT)).name
    except OSError:  # missing, or not a link
        return None


def _replace_with_link(link: Path, target: str) -> None:
    """Make `link` a symlink to `target` in one rename (it must not be a real folder)."""
    temporary = link.with_name(f".{link.name}.link-{uuid.uuid4().hex[:8]}")
    os.symlink(target, temporary)
    try:
        os.replace(temporary, link)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def link_folders(output: Path, kinds: Sequence[str]) -> None:
    """Point `<output>/<kind>` at `.current/<kind>` for every kind. A missing entry gets its
    link (dangling, so absent to readers, until the first switch); a real folder of the
    layout before versions is put aside, linked, then deleted."""
    for kind in kinds:
        entry, target = output / kind, f"{CURRENT}/{kind}"
        if entry.is_symlink():
            if os.readlink(entry) != target:
                _replace_with_link(entry, target)
            continue
        retired = None
        if entry.exists():
            retired = output / f".{kind}.old-{uuid.uuid4().hex[:8]}"
            os.replace(entry, retired)
        _replace_with_link(entry, target)
        if retired is not None:
            remove_tree(retired)


def switch_to(output: Path, written: Path, version: str, kinds: Sequence[str]) -> None:
    """Publish the folders under `written` (one per kind) as the dataset's version `version`:
    move them into `.versions/`, switch `.current` to them, then delete old versions."""
    versions = output / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    previous = current_version(output)
    if not (output / CURRENT).is_symlink():  # first publish: links first, dangling till the switch
        link_folders(output, [kind for kind in kinds if not (output / kind).exists()])
    destination = versions / version
    remove_tree(destination)  # a half-moved folder of an earlier attempt under this id
    os.replace(written, destination)
    pause_here_for_tests("moved")
    _replace_with_link(output / CURRENT, f"{VERSIONS}/{version}")
    _sync_folder(output)
    pause_here_for_tests("switched")
    link_folders(output, kinds)  # outputs of the layout before versions: their folders
    for folder in versions.iterdir():
        if folder.name not in (version, previous):
            remove_tree(folder)


def roll_forward(output: Path, kinds: Sequence[str]) -> None:
    """Finish what a killed publish left: once `.current` exists, every kind is a link."""
    if (output / CURRENT).is_symlink():
        link_folders(output, kinds)
