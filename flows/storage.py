"""File I/O for the flows: finding raw files, reading them, and writing Parquet atomically.

Paths are local (`pathlib.Path`, as before) or fsspec URLs (`memory://…`, `s3://bucket/…`),
which become `Location`s. Nothing here knows about Prefect; the tasks in `flows.tasks` call it.

Atomicity
    Local folders: a file is written to a temporary name and renamed; the published dataset
    switches all its folders at once by one symlink (`flows.versions`); `replace_folder`
    swaps one folder by two renames.
    Object stores have no rename and no folders: a single object PUT is atomic (a reader sees
    the old object or the new one), a "folder" is a key prefix. There `replace_folder` copies
    the new parts in under names unique to the run, then PUTs the small `_current.json`
    pointer listing them (the switch: one atomic PUT), then deletes the parts it does not
    list. qingxi's readers follow the pointer, so they see the old dataset or the new one. A
    reader that lists `*.parquet` itself may, during the seconds between the copy and the
    clean-up (or after a crash in between), see old and new parts together: read the pointer.
"""

import errno
import json
import os
import posixpath
import shutil
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from stat import S_ISBLK, S_ISCHR, S_ISDIR, S_ISFIFO, S_ISSOCK
from typing import IO, Any

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
from fsspec.implementations.local import LocalFileSystem

PARQUET_COMPRESSION = "zstd"

# flows/__init__.py asks for Arrow's system allocator (why: see there). When pyarrow was
# imported first, its C++ code keeps the allocator it started with; its Python side follows.
if os.environ.get("ARROW_DEFAULT_MEMORY_POOL") == "system":
    pa.set_memory_pool(pa.system_memory_pool())
POINTER = "_current.json"  # object stores: the part files that make up a dataset folder


@dataclass(frozen=True)
class Location:
    """A file or folder (key prefix) on an fsspec filesystem, with the few `pathlib.Path`
    methods the flows use, so that code written against `Path` works on object stores.

    >>> where = location("memory://bucket/clean") / "documents" / "part-00000.parquet"
    >>> str(where), where.name, where.parent.name
    ('memory:///bucket/clean/documents/part-00000.parquet', 'part-00000.parquet', 'documents')
    """

    fs: fsspec.AbstractFileSystem
    path: str  # without the protocol, '/'-separated

    def __truediv__(self, name: str) -> "Location":
        return Location(self.fs, posixpath.join(self.path, name))

    def __str__(self) -> str:
        return self.fs.unstrip_protocol(self.path)

    @property
    def name(self) -> str:
        return posixpath.basename(self.path.rstrip("/"))

    @property
    def parent(self) -> "Location":
        return Location(self.fs, posixpath.dirname(self.path.rstrip("/")))

    def with_name(self, name: str) -> "Location":
        return self.parent / name

    def exists(self) -> bool:
        return self.fs.exists(self.path)

    def is_dir(self) -> bool:
        return self.fs.isdir(self.path)

    def is_file(self) -> bool:
        return self.fs.isfile(self.path)

    def glob(self, pattern: str) -> list["Location"]:
        return [Location(self.fs, path) for path in sorted(self.fs.glob(self.path + "/" + pattern))]

    def mkdir(self, parents: bool = True, exist_ok: bool = True) -> None:
        self.fs.makedirs(self.path, exist_ok=True)  # no-op on object stores

    def unlink(self, missing_ok: bool = False) -> None:
        if missing_ok and not self.fs.exists(self.path):
            return
        self.fs.rm(self.path)

    def open(self, mode: str = "rb") -> IO:
        return self.fs.open(self.path, mode)

    def read_text(self) -> str:
        return self.fs.cat_file(self.path).decode("utf-8")


Where = Path | Location


def location(path_or_url: str | Path) -> Where:
    """A local path as an absolute `Path`, anything else as a `Location`. Absolute, because
    the path travels to Dask workers, which run in folders of their own.

    >>> location("/data/clean"), type(location("memory://x")).__name__
    (PosixPath('/data/clean'), 'Location')
    >>> location("data/clean").is_absolute()
    True
    """
    if isinstance(path_or_url, Path) or "://" not in str(path_or_url):
        return Path(path_or_url).absolute()
    fs, path = fsspec.core.url_to_fs(str(path_or_url))
    if isinstance(fs, LocalFileSystem):
        return Path(path).absolute()
    return Location(fs, path)


def exists(path_or_url: str | Path) -> bool:
    return location(path_or_url).exists()


@dataclass(frozen=True)
class InputFile:
    path: str  # absolute path as given to open(), or a URL
    relative_path: str  # relative to the input root, '/'-separated: the row's source_path
    size: int
    mtime_ns: int


def chunks(files: list[InputFile], max_files: int, max_bytes: int) -> list[list[InputFile]]:
    """Consecutive batches of at most `max_files` files and `max_bytes` bytes (a file larger
    than that is a batch of its own).

    >>> def file(size): return InputFile(f"{size}.txt", f"{size}.txt", size, 0)
    >>> [[f.size for f in batch] for batch in chunks([file(n) for n in (3, 4, 5, 9, 1)], 2, 8)]
    [[3, 4], [5], [9], [1]]
    """
    batches: list[list[InputFile]] = []
    size = 0
    for file in files:
        if not batches or len(batches[-1]) >= max_files or size + file.size > max_bytes:
            batches.append([])
            size = 0
        batches[-1].append(file)
        size += file.size
    return batches


def discover_files(input_path: str, pattern: str = "**/*") -> list[InputFile]:
    """Every file under `input_path` matching the glob `pattern`, in path order.

    A single file is accepted too; its relative path is its name. Hidden files and folders
    (dot-names) are skipped: they are editor and VCS litter, not documents. Besides regular
    files, the entries a reader must not open (FIFOs, sockets, devices, symlink loops,
    dangling links) are listed too, so that `read_input` quarantines them with a reason;
    folders are walked, not listed.
    """
    root = location(input_path)
    if isinstance(root, Location):
        return _discover_remote(root, pattern)
    if root.is_file():
        candidates, base = [root], root.parent
    else:
        candidates, base = sorted(root.glob(pattern)), root
    found = []
    for candidate in candidates:
        relative = candidate.relative_to(base)
        if any(part.startswith(".") for part in relative.parts):
            continue
        try:
            stat = candidate.stat()
        except OSError:  # a loop or a dangling link: not openable, but reported
            found.append(InputFile(str(candidate), relative.as_posix(), 0, 0))
            continue
        if not S_ISDIR(stat.st_mode):
            found.append(
                InputFile(str(candidate), relative.as_posix(), stat.st_size, stat.st_mtime_ns)
            )
    return found


# Why a file that is not a regular file is not read: its `error_kind` and the reason.
SPECIAL_FILES = (
    (S_ISFIFO, "fifo", "a named pipe (FIFO): reading it could block forever"),
    (S_ISSOCK, "special_file", "a socket, not a file"),
    (S_ISCHR, "special_file", "a character device, not a file"),
    (S_ISBLK, "special_file", "a block device, not a file"),
)


def unopenable_reason(path: str) -> tuple[str, str] | None:
    """(error_kind, message) for a local path that must not be opened, or None.

    Checked just before `open`, without opening: a FIFO would block the run, a device may
    never end, and a symlink loop or a dangling link has nothing to read.
    """
    if "://" in path:
        return None
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symlink_loop", f"symbolic link loop: {error.strerror}"
        if os.path.islink(path):
            return "dangling_link", f"symbolic link to a missing file: {os.readlink(path)}"
        return None  # the open will fail and say why
    for test, kind, message in SPECIAL_FILES:
        if test(mode):
            return kind, message
    return None


def _discover_remote(root: Location, pattern: str) -> list[InputFile]:
    if root.is_file():
        infos, base = {root.path: root.fs.info(root.path)}, root.parent.path
    else:
        infos, base = root.fs.glob(root.path + "/" + pattern, detail=True), root.path
    found = []
    for path, info in sorted(infos.items()):
        relative = posixpath.relpath(path, base)
        if info.get("type") != "file" or any(p.startswith(".") for p in relative.split("/")):
            continue
        found.append(
            InputFile(str(Location(root.fs, path)), relative, int(info["size"]), _mtime_ns(info))
        )
    return found


def _mtime_ns(info: Mapping[str, Any]) -> int:
    """Modification time from an fsspec `info` (its key differs between implementations)."""
    for key in ("mtime", "LastModified", "last_modified", "updated", "created"):
        value = info.get(key)
        if isinstance(value, datetime):
            return int(value.timestamp() * 1e9)
        if isinstance(value, int | float):
            return int(value * 1e9)
        if isinstance(value, str):
            return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1e9)
    return 0


class FileTooLargeError(OSError):
    """The file holds more bytes than the run's limit (found while reading: it grew)."""


def read_input_bytes(path: str, max_bytes: int | None = None) -> bytes:
    """The bytes of an input file, local path or URL; at most `max_bytes` of them, else
    FileTooLargeError (the file may have grown since it was listed)."""
    opener = fsspec.open(path, "rb") if "://" in path else open(path, "rb")  # noqa: SIM115
    with opener as handle:
        data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    if max_bytes is not None and len(data) > max_bytes:
        raise FileTooLargeError(f"more than {max_bytes:,} bytes (the --max-file-bytes limit)")
    return data


def file_metadata(values: Mapping[str, Any]) -> dict[bytes, bytes]:
    """Parquet key-value metadata: every value JSON-encoded so readers can parse it back."""
    return {
        f"qingxi.{key}".encode(): json.dumps(value, default=str, ensure_ascii=False).encode()
        for key, value in values.items()
    }


def _leaf_columns(name: str, type_: pa.DataType) -> Iterator[tuple[str, pa.DataType]]:
    """Parquet's column paths under one Arrow field (lists as `name.list.element`)."""
    if pa.types.is_list(type_) or pa.types.is_large_list(type_):
        yield from _leaf_columns(f"{name}.list.element", type_.value_type)
    elif pa.types.is_struct(type_):
        for child in type_:
            yield from _leaf_columns(f"{name}.{child.name}", child.type)
    else:
        yield name, type_


def statistics_columns(schema: pa.Schema) -> list[str]:
    """The columns to write min/max statistics for: all but the large_string ones (page
    text). Their statistics cost the writer two copies of the longest value (~250 MiB for a
    60 MB page's text and text_original) and Parquet drops any over 4 KiB from the file."""
    return [
        path
        for field in schema
        for path, type_ in _leaf_columns(field.name, field.type)
        if not pa.types.is_large_string(type_)
    ]


# Row groups of about this many bytes (in memory): a reader decodes a whole row group at
# once, so a staged batch of a thousand pages written as one held ~100 MiB of the process
# that read it back (publish, in the flow process).
ROW_GROUP_BYTES = 2 * 1024 * 1024


def row_group_rows(table: pa.Table) -> int:
    """Rows per row group for about ROW_GROUP_BYTES each (at least one row)."""
    return max(1, table.num_rows * ROW_GROUP_BYTES // max(table.nbytes, 1))


def write_parquet_atomically(
    table: pa.Table, path: Where, metadata: Mapping[str, Any] | None = None
) -> Where:
    """Write `table` to `path` through a temporary file in the same folder and a rename, so a
    reader never sees half a file and a crash leaves the previous file in place. On an
    object store the single PUT at close is the atomic step."""
    with parquet_writer_atomically(path, table.schema, metadata) as writer:
        writer.write_table(table, row_group_size=row_group_rows(table))
    return path


@contextmanager
def parquet_writer_atomically(
    path: Where, schema: pa.Schema, metadata: Mapping[str, Any] | None = None
) -> Iterator[pq.ParquetWriter]:
    """A Parquet writer whose tables become the file's row groups one by one (nothing is
    gathered first), the file appearing at `path` only when the block ends without error
    (as `write_parquet_atomically`: a temporary file and a rename; one PUT on an object
    store)."""
    if metadata:
        schema = schema.with_metadata({**(schema.metadata or {}), **file_metadata(metadata)})
    options = {"compression": PARQUET_COMPRESSION, "write_statistics": statistics_columns(schema)}
    if isinstance(path, Location):
        with path.open("wb") as handle, pq.ParquetWriter(handle, schema, **options) as writer:
            yield writer
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with pq.ParquetWriter(temporary, schema, **options) as writer:
            yield writer
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_json_atomically(value: Any, path: Where) -> Where:
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n"
    return write_text_atomically(text, path)


def write_text_atomically(text: str, path: Where) -> Where:
    """Write UTF-8 text through a temporary file and a rename (one PUT on an object store)."""
    if isinstance(path, Location):
        with path.open("wb") as handle:
            handle.write(text.encode("utf-8"))
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return path


def parquet_files(folder: Where) -> list[Where]:
    """The part files of a dataset folder, in name order; on an object store, the ones its
    `_current.json` pointer lists (when there is one)."""
    if isinstance(folder, Location) and (folder / POINTER).is_file():
        names = json.loads((folder / POINTER).read_text())["parts"]
        return [folder / name for name in names]
    # by name: a Location has no order of its own
    return sorted(folder.glob("*.parquet"), key=lambda file: file.name) if folder.is_dir() else []


def read_table(file: Where, **options: Any) -> pa.Table:
    """`pq.read_table` for a local file or a Location (options: columns, schema, filters)."""
    if isinstance(file, Location):
        with file.open("rb") as handle:
            return pq.read_table(handle, **options)
    return pq.read_table(file, **options)


@contextmanager
def _parquet_file(file: Where) -> Iterator[pq.ParquetFile]:
    if isinstance(file, Location):
        with file.open("rb") as handle:
            yield pq.ParquetFile(handle)
    else:
        yield pq.ParquetFile(file)


def iter_row_groups(file: Where) -> Iterator[pa.Table]:
    """A Parquet file's row groups one at a time (written at about ROW_GROUP_BYTES each)."""
    with _parquet_file(file) as parquet:
        for index in range(parquet.num_row_groups):
            yield parquet.read_row_group(index)


def read_parquet_folder(
    folder: Where, schema: pa.Schema | None = None, columns: list[str] | None = None
) -> pa.Table | None:
    """All part files of a folder as one table, or None when there are none."""
    files = parquet_files(folder)
    if not files:
        return None
    tables = [read_table(file, schema=schema, columns=columns) for file in files]
    return pa.concat_tables(tables)


def iter_parquet_batches(
    folder: Where, rows: int = 1000, columns: list[str] | None = None
) -> Iterator[pa.RecordBatch]:
    """The folder's rows `rows` at a time (only `columns`, when given: unread columns cost
    no memory, and the texts are most of a part)."""
    for file in parquet_files(folder):
        yield from iter_file_batches(file, rows, columns)


def iter_file_batches(
    file: Where, rows: int = 1000, columns: list[str] | None = None
) -> Iterator[pa.RecordBatch]:
    """One part file's rows `rows` at a time, as `iter_parquet_batches` reads a folder's."""
    with _parquet_file(file) as parquet:
        present = columns
        if columns is not None:  # a part written before a column existed has the others
            present = [name for name in columns if name in parquet.schema_arrow.names]
        yield from parquet.iter_batches(batch_size=rows, columns=present)


def remove_tree(folder: Where) -> None:
    """Delete a folder and everything under it; nothing happens when it is missing."""
    if isinstance(folder, Location):
        if folder.exists():
            folder.fs.rm(folder.path, recursive=True)
        return
    shutil.rmtree(folder, ignore_errors=True)


def replace_folder(staged: Where, target: Where) -> None:
    """Swap a fully written folder into place: rename the old one aside, rename the new one
    in, then delete the old one. Each rename is atomic; a reader sees the old dataset or
    the new one, never a mix of their files. On an object store: see the module docstring."""
    if isinstance(staged, Location) and isinstance(target, Location):
        _replace_prefix(staged, target)
        return
    assert isinstance(staged, Path) and isinstance(target, Path)
    target.parent.mkdir(parents=True, exist_ok=True)
    retired = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
    if target.exists():
        os.replace(target, retired)
    os.replace(staged, target)
    shutil.rmtree(retired, ignore_errors=True)


def _replace_prefix(staged: Location, target: Location) -> None:
    """Copy the new parts in under unique names, switch the pointer, delete the old parts."""
    token = uuid.uuid4().hex[:8]
    previous = [file.name for file in target.glob("*.parquet")] if target.is_dir() else []
    names = []
    for file in parquet_files(staged):
        name = f"{file.name.removesuffix('.parquet')}-{token}.parquet"
        staged.fs.copy(file.path, (target / name).path)
        names.append(name)
    write_json_atomically({"parts": names}, target / POINTER)
    for name in previous:
        if name not in names:
            (target / name).unlink(missing_ok=True)
    remove_tree(staged)
