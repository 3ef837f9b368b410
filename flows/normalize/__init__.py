"""The `normalize` flow: `from flows.normalize import normalize`; `python -m flows.normalize`
runs its command line (flows.cli), which is kept out of this package so that the flow never
imports the CLI."""

from flows.normalize.flow import normalize, read_documents

__all__ = ["normalize", "read_documents"]
