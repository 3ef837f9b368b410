"""Publication dates and times as Chinese pages write them: 2023-05-11 16:38, 2023年5月11日
（星期四） 香港时间16时38分, 二〇二三年五月十一日. Times are China time (+08:00), Taiwan's and Hong
Kong's being the same. Patterns: patterns/metadata.toml (`dates`, `publication_date_label`)."""

import datetime
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from transforms.structure.lines import PATTERNS, expand_macros, needle_gate

CHINA_TIME = datetime.timezone(datetime.timedelta(hours=8))
_HAN_DIGITS = {char: value for value, chars in enumerate(["〇○零", "一", "二", "三", "四", "五",
               "六", "七", "八", "九"]) for char in chars}  # fmt: skip


@dataclass(frozen=True)
class DatePatterns:
    dates: tuple[re.Pattern[str], ...]
    publication_label: re.Pattern[str]
    # finds the strings every date match holds one of (None: not known), read off the
    # patterns: a page's lines are asked for dates ~150 times, and most hold no date at all
    needles: re.Pattern[str] | None


@cache
def _date_patterns() -> DatePatterns:
    document = tomllib.loads((PATTERNS / "metadata.toml").read_text(encoding="utf-8"))
    dates = tuple(re.compile(expand_macros(pattern)) for pattern in document["dates"])
    return DatePatterns(
        dates=dates,
        publication_label=re.compile(expand_macros(document["publication_date_label"])),
        needles=needle_gate([pattern.pattern for pattern in dates]),
    )


def _number(text: str) -> int:
    """A year, month or day written in Arabic or Chinese numerals.

    >>> _number('2023'), _number('二〇二三'), _number('十二'), _number('二十一')
    (2023, 2023, 12, 21)
    """
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        return 10 * (_HAN_DIGITS[tens] if tens else 1) + (_HAN_DIGITS[units] if units else 0)
    return int("".join(str(_HAN_DIGITS[char]) for char in text))


def parse_date(text: str) -> tuple[datetime.date | None, datetime.datetime | None]:
    """The first valid date in a line, and its date-time when a time of day follows it.

    >>> parse_date('发布时间:2023-05-11 16:38 来源:某某')[1].isoformat()
    '2023-05-11T16:38:00+08:00'
    >>> parse_date('( 2022-10-12 ) 稿件来源: 某某报')
    (datetime.date(2022, 10, 12), None)
    >>> parse_date('2005年3月11日12:12')[1].isoformat()
    '2005-03-11T12:12:00+08:00'
    """
    patterns = _date_patterns()
    if patterns.needles is not None and not patterns.needles.search(text):
        return None, None
    for pattern in patterns.dates:
        for match in pattern.finditer(text):
            parsed = _date_of(match.groupdict())
            if parsed[0]:
                return parsed
    return None, None


def publication_date(text: str) -> tuple[datetime.date | None, datetime.datetime | None]:
    """The date a line gives as the publication's, after a 发布日期-like label.

    >>> publication_date('成文日期：2019-12-30　发布日期：2020-01-02')[0].isoformat()
    '2020-01-02'
    """
    for label in _date_patterns().publication_label.finditer(text):
        parsed = parse_date(text[label.end() :])
        if parsed[0]:
            return parsed
    return None, None


def _date_of(parts: dict[str, str | None]) -> tuple[datetime.date | None, datetime.datetime | None]:
    try:
        day = datetime.date(
            _number(parts["year"] or ""), _number(parts["month"] or ""), _number(parts["day"] or "")
        )
        if parts.get("hour") is None:
            return day, None
        time = datetime.time(
            int(parts["hour"] or 0), int(parts["minute"] or 0), int(parts.get("second") or 0)
        )
    except (ValueError, KeyError):
        return None, None
    return day, datetime.datetime.combine(day, time, tzinfo=CHINA_TIME)


def suspicious_date(
    chosen: datetime.date | None,
    later: Sequence[datetime.date],
    today: datetime.date | None = None,
) -> bool:
    """Whether a page's publication date cannot be right: after the reference day (`today`,
    the day the page was processed), or after every date the page gives to what follows its
    article (`later`: its replies' and comments' headers, a modification), which the article
    precedes by nature. Days are compared, not times.

    >>> day = datetime.date
    >>> suspicious_date(day(2031, 1, 1), [], today=day(2026, 12, 3))
    True
    >>> suspicious_date(day(2012, 5, 1), [day(2011, 12, 15), day(2011, 12, 16)])
    True
    >>> suspicious_date(day(2011, 12, 15), [day(2011, 12, 15), day(2012, 1, 2)], day(2026, 1, 1))
    False
    """
    if chosen is None:
        return False
    if today is not None and chosen > today:
        return True
    return bool(later) and chosen > max(later)
