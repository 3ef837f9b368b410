"""Documents for the deduplication tests: the gold bodies, their sentences, a row builder."""

import json
import re
from pathlib import Path

GOLD = Path(__file__).resolve().parents[2] / "gold"
BODIES = ["\n".join(json.loads(p.read_text("utf-8"))["body"]) for p in sorted(GOLD.glob("*.json"))]
SENTENCES = [s for body in BODIES for s in re.findall(r"[^。！？；]+[。！？；]*", body)]


def document(doc_id, text, published=None, path=None):
    return {
        "doc_id": doc_id,
        "source_path": path or f"raw/{doc_id}.txt",
        "published_date": published,
        "n_chars": len(text) - text.count("\n"),
        "text": text,
    }
