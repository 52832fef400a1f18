"""The English month and weekday names every module reads and writes, in one table.

Written out rather than taken from :mod:`calendar`: ``calendar.month_name`` follows the
process's ``LC_TIME`` locale, and the articles, scripts and the reading for the ear are English
whatever the machine's locale.  Dates in captions (:mod:`briefing.text.dates`), the narration's
"September 27" (:func:`briefing.text.dates.say_date`), caption labels and sentence ends
(:mod:`briefing.text.titles`, :mod:`briefing.text.article`), time adverbials
(:mod:`briefing.text.wordclasses`) and the reading of dates for the ear
(:mod:`briefing.speech.times`) all use these.
"""

from __future__ import annotations

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
"""The months in calendar order (``MONTHS[0]`` is January)."""

MONTH_ABBREVIATIONS = {
    "Jan": "January", "Feb": "February", "Mar": "March", "Apr": "April", "Jun": "June",
    "Jul": "July", "Aug": "August", "Sep": "September", "Sept": "September", "Oct": "October",
    "Nov": "November", "Dec": "December",
}
"""The abbreviations of month names written in news text ("Sept.", "Nov. 5"); "May" has none."""

MONTH_NUMBERS: dict[str, int] = {
    **{name.lower(): i for i, name in enumerate(MONTHS, start=1)},
    **{short.lower(): MONTHS.index(name) + 1 for short, name in MONTH_ABBREVIATIONS.items()},
}
"""A month's number (1-12) from its lower-case name or abbreviation."""

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
"""The weekdays in :meth:`datetime.date.weekday` order (``WEEKDAYS[0]`` is Monday)."""


def month_pattern(*, abbreviations: bool = True) -> str:
    """A regex alternation of the month names (and their abbreviations), longest first so a
    longer name wins ("Sept" before "Sep")."""
    names = [*MONTHS, *(MONTH_ABBREVIATIONS if abbreviations else ())]
    return "|".join(sorted(names, key=lambda name: (-len(name), name)))


def month_abbreviation_pattern() -> str:
    """A regex alternation of the month abbreviations, longest first."""
    return "|".join(sorted(MONTH_ABBREVIATIONS, key=lambda name: (-len(name), name)))
