"""Write the fault corpus `tests/fixtures/faults/`: small files that are hard to read.

    python tools/make_fault_corpus.py [folder]

Every text is written here, by hand; nothing is copied from a web page. Entries that cannot
live in git (symlink loops, dangling links, FIFOs, a folder named like a file, a huge line,
millions of lines) are made at test time by `make_runtime_faults`.
"""

import os
import sys
from pathlib import Path

FAULTS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "faults"

CHINESE = "今天上午，市政府召开新闻发布会，介绍今年以来全市经济运行情况。"
TRADITIONAL = "記者從市統計局獲悉，前三季度全市居民人均可支配收入穩步增長。"
FRENCH = "Le café du village propose un résumé naïf des élections régionales à l'été.\n"
GERMAN = "Die Straßenbahn fährt über die Brücke; Müller grüßt die Bäckerin schön.\n"
SPANISH = "El niño comió piñas en la montaña; mañana habrá más canción española.\n"


def fault_files() -> dict[str, bytes]:
    """Name -> bytes of every committed fault file."""
    body = (CHINESE + "\n") * 3
    return {
        "binary.bin": bytes(range(256)) * 8,
        "empty.txt": b"",
        "whitespace_only.txt": " \t\n\r\n   \n\u3000\n".encode("utf-8"),
        "nul_laden.txt": "\x00".join(CHINESE).encode("utf-8"),
        "truncated_gbk.txt": body.encode("gbk") + CHINESE.encode("gbk")[:-1],
        "truncated_utf8.txt": body.encode("utf-8") + CHINESE.encode("utf-8")[:-2],
        "utf16_no_bom_odd.txt": body.encode("utf-16-le") + b"\x41",
        "mixed_encodings.txt": (CHINESE + "\n").encode("utf-8")
        + (CHINESE + "\n").encode("gbk")
        + (TRADITIONAL + "\n").encode("big5"),
        "utf8_bom_then_gbk.txt": b"\xef\xbb\xbf" + body.encode("gbk"),
        "crlf.txt": body.replace("\n", "\r\n").encode("utf-8"),
        "meta_charset.html": (
            '<html><head><meta charset="gb2312"><title>通知</title></head>'
            f"<body><p>{CHINESE}</p><p>{CHINESE}</p></body></html>\n"
        ).encode("gb2312"),
        "name with spaces.txt": body.encode("utf-8"),
        "中文名称.txt": (TRADITIONAL + "\n").encode("utf-8") * 2,
        "emoji_📰.txt": body.encode("utf-8"),
        "latin1_french.txt": (FRENCH * 3).encode("latin-1"),
        "cp1252_german.txt": ("„" + GERMAN.strip() + "“ – 5 €\n").encode("cp1252") * 3,
        "cp1252_spanish.txt": (SPANISH * 3).encode("cp1252"),
    }


def write_fault_corpus(folder: Path = FAULTS) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in fault_files().items():
        (folder / name).write_bytes(data)
        written.append(folder / name)
    return written


def make_runtime_faults(folder: Path, huge_line_bytes: int, short_lines: int) -> None:
    """The faults git cannot hold, made in a temporary folder."""
    (folder / "loop_a.txt").symlink_to(folder / "loop_b.txt")
    (folder / "loop_b.txt").symlink_to(folder / "loop_a.txt")
    (folder / "dangling.txt").symlink_to(folder / "missing.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "x.txt").mkdir()
    sentence = CHINESE.encode("utf-8")
    (folder / "huge_single_line.txt").write_bytes(sentence * (huge_line_bytes // len(sentence)))
    lines = (f"第{number}行。\n" for number in range(short_lines))
    (folder / "many_short_lines.txt").write_text("".join(lines), encoding="utf-8")


if __name__ == "__main__":
    for path in write_fault_corpus(Path(sys.argv[1]) if len(sys.argv) > 1 else FAULTS):
        print(path)
