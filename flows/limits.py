"""Limits a run applies to its input, kept apart so the CLI can state them before importing
the heavier modules (Prefect, pyarrow)."""

# Files larger than this are quarantined as `too_large` and never loaded (`--max-file-bytes`):
# a page dump is kilobytes; a file of tens of megabytes is a log or a database dump, and one
# line of it costs the structure stage many times its size in memory.
DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024

# A batch is one Prefect task run, and each costs ~0.2 s of the worker's time in state reports
# to the API whatever it holds (measured: 149 batches of 100 files cost a 200 MB run ~25 s), so
# batches are large: up to this many bytes and `--batch-size` files. Their size is also what a
# worker holds in memory at once, and a run's last batch is its tail on one core, so a corpus
# too small to fill `BATCHES_PER_WORKER` batches a worker at this size gets smaller ones.
DEFAULT_BATCH_BYTES = 8 * 1024 * 1024
DEFAULT_BATCH_FILES = 1000
MIN_BATCH_BYTES = 1024 * 1024
BATCHES_PER_WORKER = 4


def batch_bytes(total_bytes: int, workers: int, max_bytes: int = DEFAULT_BATCH_BYTES) -> int:
    """The byte size batches are cut at: `max_bytes`, or less when a corpus would otherwise
    give each worker fewer than BATCHES_PER_WORKER batches (never under MIN_BATCH_BYTES).

    >>> batch_bytes(200 * 2**20, 2) == DEFAULT_BATCH_BYTES, batch_bytes(20 * 2**20, 2) / 2**20
    (True, 2.5)
    >>> batch_bytes(10_000, 2) == MIN_BATCH_BYTES
    True
    """
    share = total_bytes // (BATCHES_PER_WORKER * max(workers, 1))
    return max(MIN_BATCH_BYTES, min(max_bytes, share))
