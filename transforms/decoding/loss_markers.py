"""Characters lost before a file reached us: the `?` a codec wrote for what it could not."""

import re

from transforms.decoding.common_han import is_han

_QUESTION_RUN = re.compile(r"\?(?:[;:,]?\?)*")
_CLAUSE_PUNCTUATION = frozenset("、，。；：,;:")


def find_loss_markers(text: str) -> tuple[int, ...]:
    """Positions of the `?` that stand for characters lost before the file reached us
    (a codec that could not write a character wrote `?`), not for question marks.

    A run of `?` (possibly with `;:,` between them) right after a Han character is lost
    text when it is followed by clause punctuation (a question mark never is), or by a Han
    character when the run has two or more `?` or the page writes its real question marks
    full-width (`？`). A single `?` between Han characters on a page that writes `?` for
    its questions is taken as a question mark.

    >>> find_loss_markers("構建專業化、規?;?、高端化")
    (7, 9)
    >>> find_loss_markers("什么是幸福?家住福建省")
    ()
    """
    position = text.find("?")
    if position < 0:
        return ()
    full_width_questions = "？" in text
    markers: list[int] = []
    while position >= 0:
        after = text[position + 1 : position + 2]
        suspicious = after in _CLAUSE_PUNCTUATION or after == "?"
        if (suspicious or (full_width_questions and is_han(after))) and (
            position and is_han(text[position - 1])
        ):
            run = _QUESTION_RUN.match(text, position)
            assert run is not None
            end = run.end()
            after = text[end : end + 1]
            if after in _CLAUSE_PUNCTUATION or (
                is_han(after) and (end - position > 1 or full_width_questions)
            ):
                markers.extend(index for index in range(position, end) if text[index] == "?")
            position = text.find("?", end)
        else:  # the common case: a question mark, or a '?' in a URL or Latin text
            position = text.find("?", position + 1)
    return tuple(markers)
