"""HTML character references in decoded text: `&#NNNN;`, `&#xHHHH;` and the HTML5 named ones.

Page dumps made from HTML keep them: `&nbsp;`, `&amp;`, `&quot;` and, on pages saved in a legacy
code page, `&#NNNN;` for every character the code page lacks (a GB2312 page writes 镕 as
`&#38229;`). Decoded before hygiene, the same page saved in GB2312 and in UTF-8 gives one text.

Only references closed by `;` are decoded, by the standard library's `html.unescape` rules
(numeric references to NUL, surrogates or C1 controls become what browsers show); a
reference to a line break becomes a space, so that the text keeps the raw file's lines. HTML5 also
accepts some named references without the `;` (`&copy`, `&amp`); in a text dump those are far
more often a URL's query (`?a=1&copy=2`) than markup, so they stay as they are.
"""

import html
import re

# a reference to a line break must not add a line: later stages cite raw line numbers
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_character_references(text: str) -> tuple[str, int]:
    """The text with its character references replaced, and how many were replaced.

    >>> decode_character_references("朱&#38229;基&nbsp;&amp;&#x2014;&quot;好&quot;")
    ('朱镕基\\xa0&—"好"', 6)
    >>> decode_character_references("一&#10;行&#x2028;")
    ('一 行 ', 2)
    >>> decode_character_references("a=1&copy=2 &unknown; 100%&")
    ('a=1&copy=2 &unknown; 100%&', 0)
    """
    if "&" not in text:  # the common case costs one scan
        return text, 0
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        reference = match.group()
        character = html.unescape(reference)
        if character == reference:  # not a known name
            return reference
        count += 1
        return " " if character in _LINE_BREAKS else character

    return _REFERENCE.sub(replace, text), count
