"""One month table (briefing.text.months) read the same way by every module that names months:
captions' dates, sentence ends, the narration's dates and the reading for the ear."""

from __future__ import annotations

import datetime as dt

import pytest

from briefing.speech.normalize import normalize
from briefing.text.article import split_sentences
from briefing.text.dates import resolve_mentions, say_date
from briefing.text.months import MONTH_ABBREVIATIONS, MONTH_NUMBERS, MONTHS, WEEKDAYS
from briefing.text.wordclasses import TIME_WORDS

SPELLINGS = sorted([*MONTHS, *MONTH_ABBREVIATIONS])


def test_the_table_is_consistent() -> None:
    assert len(MONTHS) == 12 and len(set(MONTHS)) == 12
    for short, name in MONTH_ABBREVIATIONS.items():
        assert name in MONTHS and name.startswith(short)
    for i, name in enumerate(MONTHS, start=1):
        assert MONTH_NUMBERS[name.lower()] == i
    assert set(MONTH_NUMBERS) == {s.lower() for s in SPELLINGS}
    assert [dt.date(2024, 1, 1 + i).weekday() for i in range(7)] == list(range(7))
    assert WEEKDAYS[dt.date(2024, 1, 1).weekday()] == "Monday"  # 2024-01-01 was a Monday


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_resolves_in_a_caption(spelling: str) -> None:
    month = MONTH_NUMBERS[spelling.lower()]
    dot = "." if spelling in MONTH_ABBREVIATIONS else ""
    found = resolve_mentions(f"Rescuers search the rubble on {spelling}{dot} 5.",
                             dt.date(2024, month, 20))
    assert [m.date for m in found] == [dt.date(2024, month, 5)]


@pytest.mark.parametrize("short", sorted(MONTH_ABBREVIATIONS))
def test_an_abbreviated_month_ends_no_sentence_and_is_said_in_full(short: str) -> None:
    text = f"The dam opened on {short}. 5 in the valley. Then it closed."
    assert split_sentences(text) == [f"The dam opened on {short}. 5 in the valley.",
                                     "Then it closed."]
    name = MONTH_ABBREVIATIONS[short]
    assert normalize(text).startswith(f"The dam opened on {name} fifth in the valley.")


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_is_a_time_word(spelling: str) -> None:
    assert spelling.lower() in TIME_WORDS


def test_dates_are_said_with_the_table() -> None:
    for month in range(1, 13):
        day = dt.date(2023, month, 27)
        said = say_date(day)
        assert said == f"{WEEKDAYS[day.weekday()]}, {MONTHS[month - 1]} 27, 2023"
        assert resolve_mentions(said, day)[0].weekday_matches
