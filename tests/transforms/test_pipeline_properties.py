"""Properties of the per-document pipeline on arbitrary input (hypothesis, derandomized so
CI is reproducible, a bounded number of examples)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.config import PipelineConfig
from transforms.decoding import decode_bytes
from transforms.pipeline import (
    PreparedDocument,
    QuarantinedDocument,
    RawDocument,
    finish_document,
    prepare_document,
)
from transforms.records import UndecodableError
from transforms.script import SimplifiedConverter

CONFIG = PipelineConfig()
CONVERTER = SimplifiedConverter(CONFIG.script)
bounded = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

# Text like the pages': Han characters, full-width punctuation, ASCII, line breaks.
page_text = st.text(
    alphabet=st.sampled_from(
        "市政府今天召开新闻发布会记者报道。，：“”（）《》0123456789 abcXYZ\n\t"
    ),
    max_size=400,
)
encoded_pages = st.builds(
    lambda text, codec: text.encode(codec, errors="ignore"),
    page_text,
    st.sampled_from(["utf-8", "gbk", "big5"]),
)
arbitrary_input = st.one_of(st.binary(max_size=600), encoded_pages)


@bounded
@given(arbitrary_input)
def test_decode_bytes_returns_text_or_says_why_not(data):
    try:
        decoded = decode_bytes(data, CONFIG.decoding)
    except UndecodableError as error:
        assert error.error_kind
    else:
        assert isinstance(decoded.text, str)


def run_pipeline(data: bytes) -> tuple[PreparedDocument, dict] | None:
    prepared = prepare_document(RawDocument("page.txt", data), CONFIG, CONVERTER)
    if isinstance(prepared, QuarantinedDocument):
        assert prepared.error_kind and prepared.message
        return None
    return prepared, finish_document(prepared, CONFIG, frozenset())


@bounded
@given(arbitrary_input)
def test_the_whole_pipeline_never_raises_and_accounts_for_every_line(data):
    result = run_pipeline(data)
    if result is None:
        return
    prepared, row = result
    removed_lines = {segment["line"] for segment in row["removed"]}
    body = "".join(row["text"].split())
    for number, line in enumerate(prepared.text.split("\n"), start=1):
        if line.strip() and number not in removed_lines:
            # body lines may be split into paragraphs or joined: compare without spaces
            assert "".join(line.split())[:8] in body, (number, line)
