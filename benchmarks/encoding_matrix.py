"""Decode accuracy and speed of transforms.decoding.decode over the encoding matrix.

    python -m benchmarks.encoding_matrix [--quick]

Every raw document (data/raw/*) in every encoding it can be written in (for Big5, after
OpenCC s2t and then t2tw, since s2t writes variants such as 爲/羣/衆 that Big5 lacks), full
and cut to 32, 64, 128, 256 and 1024 bytes on a character boundary, plus hard cases (one
invalid byte in a GBK file, 200 KB of ASCII header before a GBK body, BOM-less UTF-16 with
no ASCII at all, mixed line endings, mojibake, other languages for the chardet fallback).
A case is right when the decoded text equals the original. Speed is measured on MB-size
files against bare `bytes.decode` with the same codec in the same run.
"""

import argparse
import codecs
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from transforms.decoding.decode import decode_bytes
from transforms.decoding.hygiene import clean_text

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
SIZES = (32, 64, 128, 256, 1024)
FULL = "full"
# name -> (byte order mark, codec that writes the rest)
UNICODE_WRITERS = {
    "utf-8": (b"", "utf-8"),
    "utf-8-bom": (codecs.BOM_UTF8, "utf-8"),
    "utf-16-le": (b"", "utf-16-le"),
    "utf-16-be": (b"", "utf-16-be"),
    "utf-16-le-bom": (codecs.BOM_UTF16_LE, "utf-16-le"),
    "utf-16-be-bom": (codecs.BOM_UTF16_BE, "utf-16-be"),
    "utf-32-le": (b"", "utf-32-le"),
    "utf-32-be": (b"", "utf-32-be"),
    "utf-32-le-bom": (codecs.BOM_UTF32_LE, "utf-32-le"),
    "utf-32-be-bom": (codecs.BOM_UTF32_BE, "utf-32-be"),
}
GB_WRITERS = ("gb2312", "gbk", "gb18030")
BIG5_WRITERS = ("cp950", "big5hkscs")
OTHER_LANGUAGES = {  # text, codecs it is written in: the chardet fallback's cases
    "Все люди рождаются свободными и равными в своем достоинстве и правах. Они наделены "
    "разумом и совестью и должны поступать в отношении друг друга в духе братства.": (
        "cp1251",
        "koi8-r",
    ),
    "日本国民は、正当に選挙された国会における代表者を通じて行動し、われらとわれらの子孫の"
    "ために、諸国民との協和による成果と、わが国全土にわたつて自由のもたらす恵沢を確保し、"
    "政府の行為によつて再び戦争の惨禍が起ることのないやうにすることを決意する。": (
        "shift_jis",
        "euc-jp",
    ),
    "대한민국은 민주공화국이다. 대한민국의 주권은 국민에게 있고, 모든 권력은 국민으로부터 "
    "나온다. 대한민국의 국민이 되는 요건은 법률로 정한다. 국가는 법률이 정하는 바에 의하여 "
    "재외국민을 보호할 의무를 진다.": ("euc-kr",),
    "Tous les êtres humains naissent libres et égaux en dignité et en droits. Ils sont doués "
    "de raison et de conscience et doivent agir les uns envers les autres dans un esprit de "
    "fraternité.": ("latin-1", "cp1252"),
    "„Alle Menschen sind frei und gleich an Würde und Rechten geboren.“ Sie sind mit Vernunft "
    "und Gewissen begabt und sollen einander im Geist der Brüderlichkeit begegnen.": ("cp1252",),
    "Todos los seres humanos nacen libres e iguales en dignidad y derechos y, dotados como "
    "están de razón y conciencia, deben comportarse fraternalmente los unos con los otros.": (
        "latin-1",
    ),
    "Όλοι οι άνθρωποι γεννιούνται ελεύθεροι και ίσοι στην αξιοπρέπεια και τα δικαιώματα. "
    "Είναι προικισμένοι με λογική και συνείδηση.": ("cp1253", "iso8859-7"),
    "Wszyscy ludzie rodzą się wolni i równi pod względem swej godności i swych praw. Są oni "
    "obdarzeni rozumem i sumieniem.": ("cp1250",),
}


SKIPPED: list[str] = []


@dataclass(frozen=True)
class Case:
    group: str  # the encoding (or hard case) it is counted under
    size: str  # "32".."1024" or "full"
    data: bytes
    expected: str


def raw_documents() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(RAW.glob("*.txt"))}


def to_big5_text(text: str) -> str:
    """Simplified -> Traditional as a Big5 file would hold it: s2t, then Taiwan variants."""
    import opencc

    return opencc.OpenCC("t2tw").convert(opencc.OpenCC("s2t").convert(text))


def writer(name: str) -> Callable[[str], bytes]:
    """A function writing text in the named encoding; raises UnicodeEncodeError when the
    text cannot be written in it (GB2312 = GBK bytes inside GB2312's rows)."""
    if name in UNICODE_WRITERS:
        mark, codec = UNICODE_WRITERS[name]
        return lambda text: mark + text.encode(codec)
    if name == "gb2312":
        return _write_gb2312
    return lambda text: text.encode(name)


def _write_gb2312(text: str) -> bytes:
    data = text.encode("gbk")
    for char in set(text):
        encoded = char.encode("gbk")
        if len(encoded) == 2 and not (0xA1 <= encoded[0] <= 0xF7 and encoded[1] >= 0xA1):
            raise UnicodeEncodeError("gb2312", char, 0, 1, "outside GB2312")
    return data


def cut(text: str, write: Callable[[str], bytes], size: int) -> tuple[bytes, str]:
    """The longest prefix of text whose encoding fits in `size` bytes (a character
    boundary), as (bytes, text)."""
    low, high = 0, min(len(text), size)
    while low < high:
        middle = (low + high + 1) // 2
        if len(write(text[:middle])) <= size:
            low = middle
        else:
            high = middle - 1
    return write(text[:low]), text[:low]


def document_cases(documents: dict[str, str], sizes: tuple[int, ...] = SIZES) -> Iterator[Case]:
    """Each document in each encoding it can be written in, full and cut."""
    names = (*UNICODE_WRITERS, *GB_WRITERS, *BIG5_WRITERS)
    for text in documents.values():
        big5_text = to_big5_text(text)
        for name in names:
            source = big5_text if name in BIG5_WRITERS else text
            write = writer(name)
            try:
                full = write(source)
            except UnicodeEncodeError:
                SKIPPED.append(f"{name}: a document with a character it cannot write")
                continue
            yield Case(name, FULL, full, source)
            for size in sizes:
                data, expected = cut(source, write, size)
                yield Case(name, str(size), data, expected)


def hard_cases(documents: dict[str, str]) -> Iterator[Case]:
    header = "".join(f"X-Archive-Field-{n:05d}: value {n}\n" for n in range(7000))[:200_000]
    for text in documents.values():
        mixed = _mixed_line_endings(text)
        yield Case("mixed line endings", FULL, mixed.encode("utf-8"), mixed)
        no_ascii = "".join(char for char in text if not char.isascii())
        for codec in ("utf-16-le", "utf-16-be"):
            yield Case("utf-16 no BOM, no ASCII", FULL, no_ascii.encode(codec), no_ascii)
        for shown_as in ("latin-1", "sloppy-windows-1252"):
            mojibake = text.encode("utf-8").decode(shown_as).encode("utf-8")
            yield Case(f"mojibake utf-8 as {shown_as}", FULL, mojibake, text)
        try:
            gbk = text.encode("gbk")
        except UnicodeEncodeError:
            continue
        middle = len(text) // 2
        damaged = text[:middle].encode("gbk") + b"\xff" + text[middle:].encode("gbk")
        yield Case("gbk + 1 invalid byte", FULL, damaged, text[:middle] + "\ufffd" + text[middle:])
        yield Case("200 KB ASCII + gbk", FULL, header.encode() + gbk, header + text)
        yield Case("mixed line endings", FULL, mixed.encode("gbk"), mixed)
        yield Case("mojibake gbk as latin-1", FULL, gbk.decode("latin-1").encode("utf-8"), text)
        yield _mixed_codecs_case(text)
    for text, codec_names in OTHER_LANGUAGES.items():
        for codec in codec_names:
            yield Case(f"other language ({codec})", FULL, text.encode(codec), text)


def _mixed_codecs_case(text: str) -> Case:
    """The text's lines in thirds: UTF-8, GBK, and Big5 (the last third made Traditional)."""
    lines = text.split("\n")
    third = max(1, len(lines) // 3)
    head, body = "\n".join(lines[:third]), "\n".join(lines[third : 2 * third])
    tail = to_big5_text("\n".join(lines[2 * third :]))
    data = b"\n".join([head.encode(), body.encode("gbk"), tail.encode("cp950")])
    return Case("utf-8 + gbk + big5 lines", FULL, data, "\n".join([head, body, tail]))


def _mixed_line_endings(text: str) -> str:
    endings = ("\r\n", "\n", "\r")
    lines = text.split("\n")
    return "".join(line + endings[i % 3] for i, line in enumerate(lines[:-1])) + lines[-1]


def all_cases(documents: dict[str, str]) -> list[Case]:
    return [*document_cases(documents), *hard_cases(documents)]


def decoded_text(data: bytes) -> str | None:
    try:
        return decode_bytes(data).text
    except ValueError:
        return None


def print_accuracy(cases: list[Case]) -> list[Case]:
    right: dict[tuple[str, str], int] = defaultdict(int)
    total: dict[tuple[str, str], int] = defaultdict(int)
    wrong = []
    for case in cases:
        total[case.group, case.size] += 1
        if decoded_text(case.data) == case.expected:
            right[case.group, case.size] += 1
        else:
            wrong.append(case)
    columns = [str(size) for size in SIZES] + [FULL]
    groups = list(dict.fromkeys(case.group for case in cases))
    print(f"{'encoding / case':32}" + "".join(f"{column:>10}" for column in columns))
    for group in groups:
        cells = []
        for column in columns:
            n = total[group, column]
            cells.append(f"{right[group, column]}/{n}".rjust(10) if n else " " * 10)
        print(f"{group:32}" + "".join(cells))
    for column in columns:
        n = sum(total[group, column] for group in groups)
        share = sum(right[group, column] for group in groups) / n
        print(f"  accuracy at {column:>4}: {share:.2%} of {n}")
    overall = sum(right.values()) / len(cases)
    print(f"  overall: {overall:.2%} of {len(cases)} files; wrong: {len(wrong)}")
    for case in wrong[:20]:
        print(f"    WRONG {case.group} @ {case.size}: {case.data[:24]!r}")
    return wrong


def print_speed(documents: dict[str, str], megabytes: float, repeats: int) -> None:
    corpus = "\n".join(documents.values()).replace("\xa0", " ")
    corpus = corpus * int(megabytes * 1e6 / len(corpus.encode("gbk")) + 1)
    files = {
        "gb18030": (corpus.encode("gbk"), "gb18030"),
        "cp950": (to_big5_text(corpus).encode("cp950"), "cp950"),
        "utf-8": (corpus.encode("utf-8"), "utf-8"),
        "200 KB ASCII + gbk": (b"X-Field: value\n" * 13_400 + corpus.encode("gbk"), "gb18030"),
    }
    print(f"\nspeed (best of {repeats}; baseline = bare bytes.decode with the same codec)")
    for name, (data, codec) in files.items():
        ours, bare = _best_times(
            lambda data=data: decode_bytes(data),
            lambda data=data, codec=codec: _bare_decode(data, codec),
            repeats,
        )
        megabytes_in = len(data) / 1e6
        print(
            f"  {name:20} {megabytes_in:5.2f} MB  decode_bytes {megabytes_in / ours:7.1f} MB/s  "
            f"bytes.decode {megabytes_in / bare:7.1f} MB/s  ratio {bare / ours:.2f}"
        )
    data = corpus.encode("utf-8")
    text = data.decode("utf-8")
    ours, bare = _best_times(lambda: clean_text(text), lambda: _bare_decode(data, "utf-8"), repeats)
    print(
        f"  {'clean_text (hygiene)':20} {len(data) / 1e6:5.2f} MB  clean_text   "
        f"{len(data) / 1e6 / ours:7.1f} MB/s  (ratio to UTF-8 bytes.decode {bare / ours:.2f})"
    )


def _bare_decode(data: bytes, codec: str) -> str:
    return data.decode(codec)


def _best_times(
    ours: Callable[[], object], baseline: Callable[[], object], repeats: int
) -> tuple[float, float]:
    """Best wall times of both, measured alternately so that load from other processes
    hits both alike."""
    ours(), baseline()  # warm-up: tables, chardet models
    best_ours = best_baseline = float("inf")
    for _ in range(repeats):
        for function, is_ours in ((ours, True), (baseline, False)):
            start = time.perf_counter()
            function()
            elapsed = time.perf_counter() - start
            if is_ours:
                best_ours = min(best_ours, elapsed)
            else:
                best_baseline = min(best_baseline, elapsed)
    return best_ours, best_baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 MB files, 5 repeats")
    args = parser.parse_args()
    documents = raw_documents()
    start = time.perf_counter()
    cases = all_cases(documents)
    print(f"{len(cases)} files from {len(documents)} raw documents")
    print_accuracy(cases)
    print(f"  (accuracy pass: {time.perf_counter() - start:.1f} s)")
    for skipped, count in Counter(SKIPPED).items():
        print(f"  skipped {count} x {skipped}")
    print_speed(documents, 1.0 if args.quick else 2.0, 5 if args.quick else 15)


if __name__ == "__main__":
    main()
