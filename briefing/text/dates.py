"""Resolve the dates captions mention ("on Wednesday, September 27") to full dates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from briefing.text.months import MONTH_NUMBERS, MONTHS, WEEKDAYS, month_pattern

_WEEKDAYS = {name.lower(): i for i, name in enumerate(WEEKDAYS)}

_MONTH_RE = rf"(?P<month>{month_pattern()})\.?"
DATE_RE = re.compile(
    rf"\b(?:(?P<weekday>{'|'.join(WEEKDAYS)}),?\s+)?"
    + _MONTH_RE
    + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{4})\b)?"
)


@dataclass(frozen=True)
class DateMention:
    """A date mentioned in a caption, resolved to a full date."""

    date: dt.date
    """The resolved date."""

    text: str
    """The words of the caption that name it (``"Wednesday, September 27"``)."""

    weekday_given: str | None
    """The weekday the caption names, if any."""

    @property
    def weekday_matches(self) -> bool:
        """Whether the named weekday (if any) is the resolved date's weekday."""
        if self.weekday_given is None:
            return True
        return _WEEKDAYS[self.weekday_given.lower()] == self.date.weekday()


def resolve_mentions(text: str, reference: dt.date) -> list[DateMention]:
    """Every date named in ``text``, resolved with ``reference`` (the article's date).

    A date without a year takes the reference year, or the year before when that would put it
    more than six months after the reference (a January article about "December 30").
    """
    found: list[DateMention] = []
    for m in DATE_RE.finditer(text):
        month = MONTH_NUMBERS[m.group("month").lower()]
        day = int(m.group("day"))
        candidate = _resolve(reference, month, day,
                             int(m.group("year")) if m.group("year") else None)
        if candidate is None:
            continue
        found.append(DateMention(candidate, m.group(0), m.group("weekday")))
    return found


def _resolve(reference: dt.date, month: int, day: int, year: int | None) -> dt.date | None:
    if year is not None:
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    for candidate_year in (reference.year, reference.year - 1):
        try:
            candidate = dt.date(candidate_year, month, day)
        except ValueError:
            return None
        if (candidate - reference).days <= 183:
            return candidate
    return None


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


class DateFormatError(ValueError):
    """A date that is not written ``YYYY-MM-DD`` with ASCII digits."""


class NoSuchDateError(ValueError):
    """A ``YYYY-MM-DD`` date that is not in the calendar (``2023-02-30``)."""


def parse_iso_date(value: str) -> dt.date:
    """A strict ``YYYY-MM-DD`` date: ASCII digits, dashes, nothing else.

    ``datetime.date.fromisoformat`` also takes ``20240514``, ``2024-W20-2`` and non-ASCII
    digits; a date users write must be the one form every file name and URL uses.  Raises
    :class:`DateFormatError` or :class:`NoSuchDateError` (both ``ValueError``).
    """
    m = _ISO_DATE.fullmatch(value)
    if m is None:
        raise DateFormatError(value)
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise NoSuchDateError(value) from None


def say_date(day: dt.date, *, weekday: bool = True, year: bool = True) -> str:
    """A date as it is read aloud: ``"Wednesday, September 27, 2023"``."""
    text = f"{MONTHS[day.month - 1]} {day.day}"
    if year:
        text += f", {day.year}"
    if weekday:
        text = f"{WEEKDAYS[day.weekday()]}, {text}"
    return text


def say_day(day: dt.date, today: dt.date | None) -> str:
    """When ``day`` was, as said in the briefing of ``today``: "today", "yesterday", else "on"
    and the date in full.  A briefing is heard on its date, and its opening names that date in
    full, so its own day and the day before are said as a newsreader says them."""
    if today is not None:
        if day == today:
            return "today"
        if day == today - dt.timedelta(days=1):
            return "yesterday"
    return "on " + say_date(day)
