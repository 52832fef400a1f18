"""Dates and times of day for the ear: ISO and numeric dates, "September 27", "27 September",
abbreviated months, seasons ("2023/24"), clock times and time zones."""

from __future__ import annotations

import datetime as dt
import re

from briefing.speech.numbers import cardinal, say_ordinal, say_year
from briefing.speech.rules import keep_dot
from briefing.text.months import MONTH_ABBREVIATIONS, MONTHS

TIME_ZONES = {
    "ET": "Eastern Time", "EST": "Eastern Standard Time", "EDT": "Eastern Daylight Time",
    "CT": "Central Time", "CST": "Central Standard Time", "CDT": "Central Daylight Time",
    "MT": "Mountain Time", "MST": "Mountain Standard Time", "MDT": "Mountain Daylight Time",
    "PT": "Pacific Time", "PST": "Pacific Standard Time", "PDT": "Pacific Daylight Time",
    "GMT": "G.M.T", "UTC": "U.T.C", "BST": "British Summer Time",
    "CET": "Central European Time", "CEST": "Central European Summer Time",
}
"""Time zones read out after a time of day."""


def _date_words(day: dt.date) -> str:
    return f"{MONTHS[day.month - 1]} {say_ordinal(str(day.day))}, {say_year(day.year)}"


def say_iso_date(match: re.Match[str]) -> str:
    """"2023-09-27" -> "September twenty-seventh, twenty twenty-three" (invalid dates kept)."""
    try:
        day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return match.group(0)
    return _date_words(day)


def say_numeric_date(match: re.Match[str]) -> str:
    """"9/27/2023" -> a date, month first unless the first number is over 12."""
    first, second, year = int(match["a"]), int(match["b"]), int(match["y"])
    if year < 100:
        year += 2000
    month, day_ = (second, first) if first > 12 else (first, second)
    try:
        day = dt.date(year, month, day_)
    except ValueError:
        return match.group(0)
    return _date_words(day)


def say_season(match: re.Match[str]) -> str:
    """A season or fiscal year: "2023/24" -> "2023 to 24" (then read as years)."""
    return f"{match['y']} to "


def _time_words(hour: int, minute: str | None, second: str | None, spoken_suffix: bool) -> str:
    words = cardinal(hour)
    if minute is None or minute == "00":
        if second is None:
            if spoken_suffix:
                return words
            if hour == 0:
                return "midnight"
            return f"{words} o'clock" if hour <= 12 else f"{words} hundred"
        words += " hundred"
    elif minute.startswith("0"):
        words += f" oh {cardinal(int(minute))}"
    else:
        words += f" {cardinal(int(minute))}"
    if second is not None:
        words += f" and {cardinal(int(second))} seconds"
    return words


def _zone(match: re.Match[str]) -> str:
    zone = match["zone"]
    return f" {TIME_ZONES[zone]}" if zone else ""


def say_time_ampm(match: re.Match[str]) -> str:
    """"3 p.m. ET" -> "three P.M Eastern Time", "10:30 a.m." -> "ten thirty A.M"."""
    hour = int(match["h"])
    if not 1 <= hour <= 12:
        return match.group(0)
    suffix = "A.M" if match["ampm"][0] in "aA" else "P.M"
    words = f"{_time_words(hour, match['m'], None, True)} {suffix}{_zone(match)}"
    return keep_dot(match, words)


def say_time_clock(match: re.Match[str]) -> str:
    """"10:30" -> "ten thirty", "10:00" -> "ten o'clock", "14:05 GMT" -> "fourteen oh five ..."."""
    words = _time_words(int(match["h"]), match["m"], match["s"], bool(match["zone"]))
    return words + _zone(match)


def expand_month(match: re.Match[str]) -> str:
    """"Nov." -> "November", "Sept 5" -> "September 5"."""
    return keep_dot(match, MONTH_ABBREVIATIONS[match["mon"]])


def say_month_day(match: re.Match[str]) -> str:
    """"September 27" -> "September twenty-seventh"."""
    if not 1 <= int(match["d"]) <= 31:
        return match.group(0)
    return f"{match['mon']} {say_ordinal(match['d'])}"


def say_day_month(match: re.Match[str]) -> str:
    """"27 September" -> "the twenty-seventh of September"."""
    if not 1 <= int(match["d"]) <= 31:
        return match.group(0)
    the = "" if match.string[max(0, match.start() - 4):match.start()].lower() == "the " else "the "
    return f"{the}{say_ordinal(match['d'])} of {match['mon']}"
