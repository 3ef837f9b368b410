"""Why was this line removed from this page? `qingxi explain --output data/clean PATH`.

Prints the page line by line with each line's kind (in colour on a terminal, plain text when
piped), then the body as paragraphs, the metadata fields with the line each came from, the
flags and the duplicate cluster; `--html FILE` writes the same as a page, removed lines greyed.

It reads the published dataset only: `text_original` is the page line for line, `removed`
names the kind of every raw line kept out of the body, and every other non-blank line is body.
"""

import argparse
import sys
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

import pyarrow.compute as pc

from flows import staging
from flows.storage import location, parquet_files, read_table, write_text_atomically

BODY = "body"
BLANK = "blank"
# colours of the kinds that carry the page's content; every other kind is dim, whatever it is
KIND_STYLES = {BODY: "", "title": "bold cyan", "subtitle": "cyan", "heading": "bold"}
REMOVED_STYLE = "dim"
METADATA_FIELDS = ("title", "subtitle", "published_date", "published_at", "source", "author")


@dataclass(frozen=True)
class PageLine:
    number: int  # 1-based, as in the raw file
    kind: str
    text: str


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", default="data/clean", help="dataset folder (path or URL)")
    parser.add_argument("--html", help="also write the explanation as an HTML page here")
    parser.add_argument("source_path", help="the page's source_path (relative to --input)")


def find_document(output: str, source_path: str) -> dict[str, Any] | None:
    for part in parquet_files(location(output) / staging.DOCUMENTS):
        table = read_table(part, filters=pc.field("source_path") == source_path)
        if table.num_rows:
            return table.to_pylist()[0]
    return None


def cluster_members(output: str, cluster: str) -> list[dict[str, Any]]:
    columns = ["source_path", "is_duplicate"]
    rows = []
    for part in parquet_files(location(output) / staging.DOCUMENTS):
        table = read_table(part, columns=columns, filters=pc.field("dup_cluster") == cluster)
        rows += table.to_pylist()
    return sorted(rows, key=lambda row: (row["is_duplicate"], row["source_path"]))


def page_lines(document: dict[str, Any]) -> list[PageLine]:
    """Every raw line with its kind: the removed kind, else body (or blank)."""
    removed = {segment["line"]: segment for segment in document["removed"] or []}
    if document["text_original"] is None:  # a row written before text_original held every page
        return [PageLine(s["line"], s["kind"], s["text"]) for s in removed.values()]
    lines = []
    for number, text in enumerate(document["text_original"].split("\n"), start=1):
        if number in removed:
            lines.append(PageLine(number, removed[number]["kind"], text))
        else:
            lines.append(PageLine(number, BODY if text.strip() else BLANK, text))
    return lines


def date_spellings(value: date) -> list[str]:
    return [
        f"{value.year}年{value.month}月{value.day}日",
        f"{value.year}年{value.month:02d}月{value.day:02d}日",
        value.isoformat(),
        f"{value.year}.{value.month:02d}.{value.day:02d}",
        f"{value.year}/{value.month:02d}/{value.day:02d}",
        f"{value.year}/{value.month}/{value.day}",
    ]


def metadata_sources(document: dict[str, Any], lines: list[PageLine]) -> list[tuple]:
    """(field, value, line number or None): the first line that holds the value. Lines are
    compared in Simplified (`removed` texts) and as they were (`text_original`)."""
    simplified = {s["line"]: s["text"] for s in document["removed"] or []}
    found = []
    for name in METADATA_FIELDS:
        value = document.get(name)
        if value is None:
            continue
        day = value.date() if hasattr(value, "date") else value
        spellings = date_spellings(day) if isinstance(day, date) else str(value).split()[:1]
        number = next(
            (
                line.number
                for line in lines
                for text in (line.text, simplified.get(line.number, ""))
                if any(spelling and spelling in text for spelling in spellings)
            ),
            None,
        )
        found.append((name, value, number))
    return found


def duplicate_note(output: str, document: dict[str, Any]) -> str:
    if not document["dup_cluster"]:
        return "not in a duplicate cluster"
    members = cluster_members(output, document["dup_cluster"])
    kept = next((row["source_path"] for row in members if not row["is_duplicate"]), "?")
    role = "a copy; kept member: " + kept if document["is_duplicate"] else "the kept member"
    others = [row["source_path"] for row in members]
    others.remove(document["source_path"])
    return f"cluster of {len(members)}, this page is {role}; others: {', '.join(others)}"


def explain_text(document: dict[str, Any], lines: list[PageLine], duplicates: str) -> list:
    """The explanation as (text, style) pieces, one list per printed line."""
    width = max((len(line.kind) for line in lines), default=4)
    header = f"{document['source_path']}  {document['encoding']} · {document['script']}"
    out: list[list[tuple[str, str]]] = [[(header, "bold")], []]
    for line in lines:
        style = KIND_STYLES.get(line.kind, REMOVED_STYLE)
        out.append([(f"{line.number:4d}  ", "dim"), (f"{line.kind:<{width}}  ", style or "green"),
                    (line.text, style)])  # fmt: skip
    paragraphs = document["text"].split("\n") if document["text"] else []
    out += [[], [(f"body: {len(paragraphs)} paragraphs", "bold")]]
    out += [[("  " + paragraph, "")] for paragraph in paragraphs]
    out += [[], [("metadata", "bold")]]
    for name, value, number in metadata_sources(document, lines):
        where = f"line {number}" if number else "no single line"
        out.append([(f"  {name}: {value}", ""), (f"  ({where})", "dim")])
    out += [[], [("flags: " + (", ".join(document["flags"] or []) or "none"), "")]]
    out.append([("duplicates: " + duplicates, "")])
    return out


def print_explanation(pieces: list) -> None:
    from rich.console import Console
    from rich.text import Text

    # rich colours a terminal and writes plain text to a pipe or a file
    console = Console(highlight=False, soft_wrap=True)
    for parts in pieces:
        console.print(Text.assemble(*parts) if parts else "")


def explain_page(document: dict[str, Any], lines: list[PageLine], duplicates: str) -> str:
    rows = "".join(
        f'<tr class="{"kept" if line.kind == BODY else "removed"}"><td>{line.number}</td>'
        f"<td>{escape(line.kind)}</td><td>{escape(line.text)}</td></tr>"
        for line in lines
        if line.kind != BLANK
    )
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in (document["text"] or "").split("\n"))
    fields = "".join(
        f"<tr><th>{name}</th><td>{escape(str(value))}</td><td>{number or ''}</td></tr>"
        for name, value, number in metadata_sources(document, lines)
    )
    style = (
        "body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto}"
        "td,th{padding:.1em .5em;vertical-align:top;text-align:left}"
        "tr.removed td{color:#999} tr.removed td:nth-child(2){font-style:italic}"
        "tr.kept td:nth-child(2){color:#2a7a2a}"
    )
    return (
        f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8">'
        f"<title>{escape(document['source_path'])}</title><style>{style}</style></head><body>"
        f"<h1>{escape(document['source_path'])}</h1><h2>Page, line by line</h2>"
        f'<table id="lines"><tr><th>line</th><th>kind</th><th>text</th></tr>{rows}</table>'
        f"<h2>Body</h2>{paragraphs}<h2>Metadata</h2>"
        f"<table><tr><th>field</th><th>value</th><th>line</th></tr>{fields}</table>"
        f"<h2>Flags</h2><p>{escape(', '.join(document['flags'] or []) or 'none')}</p>"
        f"<h2>Duplicates</h2><p>{escape(duplicates)}</p></body></html>\n"
    )


def run(args: argparse.Namespace) -> int:
    document = find_document(args.output, args.source_path)
    if document is None:
        print(f"qingxi: error: no document {args.source_path} in {args.output}", file=sys.stderr)
        return 2
    lines = page_lines(document)
    duplicates = duplicate_note(args.output, document)
    print_explanation(explain_text(document, lines, duplicates))
    if args.html:
        write_text_atomically(explain_page(document, lines, duplicates), location(args.html))
    return 0
