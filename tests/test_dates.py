"""Resolving caption dates to full dates."""

from __future__ import annotations

import datetime as dt

from briefing.text.dates import resolve_mentions, say_date

REF = dt.date(2023, 9, 27)


def test_weekday_and_month() -> None:
    [m] = resolve_mentions("near Kornidzor on Wednesday, September 27.", REF)
    assert m.date == dt.date(2023, 9, 27)
    assert m.text == "Wednesday, September 27"
    assert m.weekday_matches


def test_month_only_takes_article_year() -> None:
    [m] = resolve_mentions("in Goris on September 26", REF)
    assert m.date == dt.date(2023, 9, 26)
    assert m.weekday_given is None


def test_weekday_mismatch_is_detected() -> None:
    [m] = resolve_mentions("on Friday, September 27", REF)
    assert not m.weekday_matches


def test_year_rollover_and_explicit_year() -> None:
    [m] = resolve_mentions("on December 30", dt.date(2024, 1, 3))
    assert m.date == dt.date(2023, 12, 30)
    [m] = resolve_mentions("on Sept. 5, 2021", REF)
    assert m.date == dt.date(2021, 9, 5)


def test_impossible_date_is_ignored() -> None:
    assert resolve_mentions("on February 30", REF) == []


def test_say_date() -> None:
    assert say_date(REF) == "Wednesday, September 27, 2023"
    assert say_date(REF, weekday=False) == "September 27, 2023"
