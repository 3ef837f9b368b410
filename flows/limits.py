"""Limits a run applies to its input, kept apart so the CLI can state them before importing
the heavier modules (Prefect, pyarrow)."""

# Files larger than this are quarantined as `too_large` and never loaded (`--max-file-bytes`):
# a page dump is kilobytes; a file of tens of megabytes is a log or a database dump, and one
# line of it costs the structure stage many times its size in memory.
DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024
