"""Normalisation for the ear: the text espeak-ng is asked to say for a sentence of the script.

The script keeps the article's wording ("numbers stay as digits"); :func:`normalize` runs between
the script and the engine and rewrites what an engine reads badly: numbers, money, dates, times,
units, abbreviations, initialisms, URLs and symbols.  Its output is part of each segment's cache
key, so :data:`NORMALIZE_VERSION` is bumped whenever the output changes for the same input.

Everything is one ordered table, :data:`RULES`, of small rules (name, compiled regex, replacement
function); each rule sees the text as the rules before it left it.  English (``lang`` ``en`` or
``en-*``) gets every rule; any other language gets only the language-neutral ones (quotes, dashes,
ellipses, control characters, URLs cut to their host, slashes in photo credits, spacing) and the
rest is left to the engine, which knows its own language.

Decisions (English)
    Years
        A four-digit number with no separator is read as a year ("1994": "nineteen ninety-four",
        "2009": "two thousand nine", "2010": "twenty ten", "1905": "nineteen oh five") when it is
        1100-2099, or 1000-2999 after a context word (in, since, by, of, from, until, till, to,
        through, before, after, during, around, circa, c., early, mid, late, year, a season or a
        month name).  Every other four-digit number is a quantity.  Numbers written with a
        separator ("2,000"), with a currency, a percent sign or a unit are never years.  "1990s"
        is "nineteen nineties", "'90s" and "90s" are "nineties".
    Dates
        "September 27" is "September twenty-seventh", "27 September" is "the twenty-seventh of
        September", "2023-09-27" is "September twenty-seventh, twenty twenty-three", "9/27/2023"
        is read month first (day first when the first number is over 12).  Abbreviated months
        ("Nov.", "Sept.", "Sept 5") are written out.
    Initialisms
        espeak-ng reads a spaced capital "A" as the article ("uh"), and hyphens stress every
        letter and reduce a middle "A", so letters are joined with dots and no final dot:
        "AFP" -> "A.F.P", "USAID" -> "U.S.A.I.D", "U.N." -> "U.N" (espeak-ng reads that with the
        stress of a spoken initialism and no pause).  Plurals and possessives become
        "N.G-O's" (the last letter hyphenated: espeak-ng misreads "U.S's").  Known initialisms
        (:data:`INITIALISMS`) are always spelled, known acronyms (:data:`ACRONYMS`: NATO, UNESCO,
        NASA ...) never; an unknown all-capital word of 2-4 letters without a vowel (A E I O U Y)
        is spelled, any other is left to the engine.
    Titles
        Expanded before a capitalised name, because espeak-ng pauses after "Mr." as after a
        sentence and reads "Ms." as "M S": Dr. Doctor, Mr. Mister, Mrs. Missus, Ms. Miz,
        Gov. Governor, Sen. Senator, Rep. Representative, Gen. General, St. Saint (and more,
        see :data:`TITLES`).  Without a dot only Dr, Mr, Mrs, Ms, Mx, Prof and St are titles
        ("Gen Z" stays).
    URLs and e-mail addresses
        A URL is said as its host without "www.", scheme, port, path or query:
        "https://www.example.com/a/b?c=1" -> "example dot com"; a bare domain with a common
        top-level domain likewise; "press@example.org" -> "press at example dot org".  Host
        labels that are initialisms are spelled ("bbc.co.uk" -> "B.B.C dot co dot U.K").
    Numbers
        Cardinals come from num2words ("120,000" -> "one hundred and twenty thousand"), decimals
        are read digit by digit after "point", numbers with leading zeros or more than 15 digits
        digit by digit.  "60-80" and "2019–2021" are ranges ("to"); "3-2" is read as a range too;
        "2023/24" is a season ("twenty twenty-three to twenty-four").  A unit after a number is
        written out in British spelling ("80 mm" -> "eighty millimetres"); a bare "m" after a
        number is metres ("1.5m people" says metres: write "million"), after a currency it is
        million ("$5m").  Codes read their digits in groups ("F-16" -> "F-sixteen", "A320" ->
        "A-three twenty"); Roman numerals after a name are regnal ("Charles III" -> "Charles the
        third"), after "War", "Part", "Type" ... cardinal ("World War two").
    Symbols
        "&" -> "and", "%" -> "percent", "+" -> "plus", "#5" -> "number five", "—" and "–"
        between words -> a comma pause, "…" -> "...", quotes are kept (as straight quotes).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from num2words import num2words

logger = logging.getLogger(__name__)

NORMALIZE_VERSION = 1
"""Bumped whenever :func:`normalize` changes its output for the same input (part of cache keys)."""

Replacement = Callable[[re.Match[str]], str]


@dataclass(frozen=True)
class Rule:
    """One step of normalisation: every match of ``pattern`` is replaced by ``replace(match)``."""

    name: str
    pattern: re.Pattern[str]
    replace: Replacement
    english_only: bool = True
    """Applied to English text only; other languages get only the language-neutral rules."""

    def apply(self, text: str) -> str:
        """``text`` with this rule applied; a match whose replacement fails is left as it is."""
        return self.pattern.sub(self._safe, text)

    def _safe(self, match: re.Match[str]) -> str:
        try:
            return self.replace(match)
        except (ArithmeticError, LookupError, ValueError, TypeError, NotImplementedError) as exc:
            logger.warning("normalize rule %s failed on %r: %s", self.name, match.group(0), exc)
            return match.group(0)


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


def _word_set(words: str) -> frozenset[str]:
    """The whitespace-separated words of ``words``."""
    return frozenset(words.split())


INITIALISMS = _word_set("""
    AFP AP BBC CNN CBS NBC ABC NPR PBS HBO ITV RTE ARD ZDF DPA EFE ANSA US USA UK EU UN UAE
    USSR DC NY NYC NYPD LA USAID UNHCR UNDP UNSC UNGA WFP WHO IMF ICC ICJ IAEA OSCE OECD ECB
    IOC IRC ICRC MSF FBI CIA NSA IRS FDA CDC EPA DHS DOJ FAA FCC SEC GOP DNC RNC IDF IRGC
    PLO ANC SNP MP PM CEO CFO CTO GDP NGO NHS BC AD AI EV SUV DNA RNA HIV ID TV LGBT
    LGBTQ VIP UFO MLB NBA NFL NHL KGB FSB RAF
""")
"""All-capital words always spelled out letter by letter."""

ACRONYMS = _word_set("""
    NATO UNESCO UNICEF UNRWA NASA OPEC FIFA UEFA ASEAN NAFTA COVID AIDS SARS MERS ISIS
    NASDAQ FEMA OSHA NORAD CERN SWAT POTUS SCOTUS IKEA LEGO INTERPOL FRONTEX BRICS OK
""")
"""All-capital words said as words: never spelled, even without a vowel."""

MIXED_INITIALISMS = {"dpa": "D.P.A", "PhD": "P.H.D", "AfD": "A.F.D"}
"""Initialisms that are not all capitals, matched exactly."""

TITLES = {
    "Dr": "Doctor", "Mr": "Mister", "Mrs": "Missus", "Ms": "Miz", "Mx": "Mix",
    "Prof": "Professor", "Gov": "Governor", "Sen": "Senator", "Rep": "Representative",
    "Gen": "General", "Lt": "Lieutenant", "Col": "Colonel", "Maj": "Major", "Capt": "Captain",
    "Cpt": "Captain", "Sgt": "Sergeant", "Cpl": "Corporal", "Pvt": "Private", "Adm": "Admiral",
    "Cmdr": "Commander", "Cdr": "Commander", "Brig": "Brigadier", "Pres": "President",
    "Supt": "Superintendent", "Insp": "Inspector", "Det": "Detective", "Rev": "Reverend",
    "Fr": "Father", "Hon": "Honourable", "Amb": "Ambassador", "Atty": "Attorney",
    "St": "Saint", "Mt": "Mount", "Ft": "Fort",
}
"""Abbreviations expanded before a capitalised word."""

_TITLES_WITHOUT_DOT = frozenset({"Dr", "Mr", "Mrs", "Ms", "Mx", "Prof", "St"})

ABBREVIATIONS = {
    "e.g.": "for example", "i.e.": "that is", "etc.": "et cetera", "vs.": "versus",
    "vs": "versus", "approx.": "approximately", "Jr.": "Junior", "Sr.": "Senior",
    "Corp.": "Corporation", "Dept.": "Department", "Ave.": "Avenue", "Blvd.": "Boulevard",
    "N/A": "not available", "WWII": "World War Two", "WWI": "World War One",
    "km/h": "kilometres per hour", "mph": "miles per hour",
}
"""Abbreviations expanded wherever they stand."""

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
_MONTH_ABBREVIATIONS = {
    "Jan": "January", "Feb": "February", "Mar": "March", "Apr": "April", "Jun": "June",
    "Jul": "July", "Aug": "August", "Sep": "September", "Sept": "September", "Oct": "October",
    "Nov": "November", "Dec": "December",
}

TIME_ZONES = {
    "ET": "Eastern Time", "EST": "Eastern Standard Time", "EDT": "Eastern Daylight Time",
    "CT": "Central Time", "CST": "Central Standard Time", "CDT": "Central Daylight Time",
    "MT": "Mountain Time", "MST": "Mountain Standard Time", "MDT": "Mountain Daylight Time",
    "PT": "Pacific Time", "PST": "Pacific Standard Time", "PDT": "Pacific Daylight Time",
    "GMT": "G.M.T", "UTC": "U.T.C", "BST": "British Summer Time",
    "CET": "Central European Time", "CEST": "Central European Summer Time",
}
"""Time zones read out after a time of day."""


@dataclass(frozen=True)
class Currency:
    """How an amount of one currency is said."""

    one: str
    many: str
    cent: str | None = None
    cents: str | None = None


CURRENCIES = {
    "$": Currency("dollar", "dollars", "cent", "cents"),
    "US$": Currency("US dollar", "US dollars", "cent", "cents"),
    "A$": Currency("Australian dollar", "Australian dollars", "cent", "cents"),
    "C$": Currency("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "NZ$": Currency("New Zealand dollar", "New Zealand dollars", "cent", "cents"),
    "HK$": Currency("Hong Kong dollar", "Hong Kong dollars", "cent", "cents"),
    "€": Currency("euro", "euros", "cent", "cents"),
    "£": Currency("pound", "pounds", "penny", "pence"),
    "¥": Currency("yen", "yen"),
    "₹": Currency("rupee", "rupees"),
}
"""Currency symbols written before the amount."""

SCALES = {
    "thousand": "thousand", "k": "thousand", "K": "thousand", "million": "million",
    "m": "million", "mn": "million", "billion": "billion", "bn": "billion",
    "trillion": "trillion", "tn": "trillion", "trn": "trillion",
}
"""Scale words and suffixes after a currency amount ("$5m", "£4.2bn")."""

UNITS: dict[str, tuple[str, str]] = {
    "mm": ("millimetre", "millimetres"), "cm": ("centimetre", "centimetres"),
    "m": ("metre", "metres"), "km": ("kilometre", "kilometres"),
    "km/h": ("kilometre per hour", "kilometres per hour"),
    "kph": ("kilometre per hour", "kilometres per hour"),
    "mph": ("mile per hour", "miles per hour"), "m/s": ("metre per second", "metres per second"),
    "mi": ("mile", "miles"), "ft": ("foot", "feet"),
    "mg": ("milligram", "milligrams"), "g": ("gram", "grams"), "kg": ("kilogram", "kilograms"),
    "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"), "oz": ("ounce", "ounces"),
    "ha": ("hectare", "hectares"),
    "km²": ("square kilometre", "square kilometres"),
    "km2": ("square kilometre", "square kilometres"),
    "sq km": ("square kilometre", "square kilometres"),
    "m²": ("square metre", "square metres"), "m³": ("cubic metre", "cubic metres"),
    "ml": ("millilitre", "millilitres"), "mL": ("millilitre", "millilitres"),
    "kW": ("kilowatt", "kilowatts"), "MW": ("megawatt", "megawatts"),
    "GW": ("gigawatt", "gigawatts"), "kWh": ("kilowatt hour", "kilowatt hours"),
    "MWh": ("megawatt hour", "megawatt hours"), "GWh": ("gigawatt hour", "gigawatt hours"),
    "TWh": ("terawatt hour", "terawatt hours"),
    "Hz": ("hertz", "hertz"), "kHz": ("kilohertz", "kilohertz"),
    "MHz": ("megahertz", "megahertz"), "GHz": ("gigahertz", "gigahertz"),
    "MB": ("megabyte", "megabytes"), "GB": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"), "dB": ("decibel", "decibels"),
    "min": ("minute", "minutes"), "mins": ("minute", "minutes"),
    "hr": ("hour", "hours"), "hrs": ("hour", "hours"),
    "°C": ("degree Celsius", "degrees Celsius"), "ºC": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°N": ("degree north", "degrees north"), "°S": ("degree south", "degrees south"),
    "°E": ("degree east", "degrees east"), "°W": ("degree west", "degrees west"),
    "°": ("degree", "degrees"),
    "bn": ("billion", "billion"), "tn": ("trillion", "trillion"),
}
"""Unit symbols directly after a number: (singular, plural).  Singular after exactly "1" and in
compounds ("a 14-km walk" -> "a fourteen-kilometre walk")."""

_ROMAN_CARDINAL_AFTER = _word_set("""
    War Part Phase Chapter Volume Vol Act Article Title Book Stage Level Class Category Type
    Vatican Apollo Section Grade Tier Round Season Episode Schedule Annex Protocol Gemini
""")
"""Words after which a Roman numeral is a cardinal ("World War II"); elsewhere, after a
capitalised word, it is a regnal ordinal ("Charles III" -> "Charles the third")."""

_YEAR_CONTEXT = re.compile(
    r"(?:\b(?:in|since|by|of|from|until|till|to|through|before|after|during|around|circa|c\.|"
    r"early|mid|late|year|spring|summer|autumn|fall|winter|" + "|".join(MONTHS) + r"))[\s-]+$",
    re.IGNORECASE,
)
_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_FRACTIONS = {"½": (1, 2), "¼": (1, 4), "¾": (3, 4), "⅓": (1, 3), "⅔": (2, 3), "⅛": (1, 8)}
_MAX_DIGITS = 15
"""Longer digit strings (IDs, not amounts) are read digit by digit."""

_VOWELS = frozenset("AEIOUY")
_END = re.compile(r"[\s\"')\]]*$")
_CAPITALISED_BEFORE = re.compile(r"\b[A-Z][a-z]+\s$")

_NUM = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
"""A number as written in English text: optional thousands separators, optional decimals."""


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _cardinal(n: int) -> str:
    """``n`` in words, without num2words' commas ("one thousand two hundred and five")."""
    return str(num2words(n, lang="en")).replace(",", "")


def _digits(digits: str) -> str:
    """Each digit in words: "007" -> "zero zero seven"."""
    return " ".join(_DIGIT_WORDS[int(c)] for c in digits if c in "0123456789")


def _say_int(written: str) -> str:
    """An integer as written ("120,000") in words."""
    digits = written.replace(",", "")
    if not digits:
        return ""
    if (len(digits) > 1 and digits.startswith("0")) or len(digits) > _MAX_DIGITS:
        return _digits(digits)
    return _cardinal(int(digits))


def _say_number(written: str) -> str:
    """A number as written ("3.5", "120,000", ".5") in words: "three point five"."""
    whole, _, fraction = written.partition(".")
    words = _say_int(whole)
    if fraction:
        words = f"{words} point {_digits(fraction)}".strip()
    return words


def _ordinal(written: str) -> str:
    """An integer as an ordinal: "25" -> "twenty-fifth"."""
    digits = written.replace(",", "")
    if len(digits) > _MAX_DIGITS:
        return _digits(digits)
    return str(num2words(int(digits), lang="en", to="ordinal")).replace(",", "")


def _year(n: int) -> str:
    """A year: 1994 "nineteen ninety-four", 2009 "two thousand nine", 1905 "nineteen oh five"."""
    century, rest = divmod(n, 100)
    if n % 1000 < 10 and century % 10 == 0:
        words = f"{_cardinal(n // 1000)} thousand"
        return f"{words} {_cardinal(n % 1000)}" if n % 1000 else words
    if rest == 0:
        return f"{_cardinal(century)} hundred"
    if rest < 10:
        return f"{_cardinal(century)} oh {_cardinal(rest)}"
    return f"{_cardinal(century)} {_cardinal(rest)}"


def _plural(words: str) -> str:
    """The last word of ``words`` in the plural: "nineteen ninety" -> "nineteen nineties"."""
    if words.endswith("y"):
        return words[:-1] + "ies"
    return words + "s"


def _letters(word: str, suffix: str = "") -> str:
    """Letters the engine spells: "AFP" -> "A.F.P"; with "'s": "NGO" -> "N.G-O's"."""
    letters = word.upper()
    if suffix:
        return ".".join(letters[:-1]) + ("-" if len(letters) > 1 else "") + letters[-1] + "'s"
    return ".".join(letters)


def _say_caps(word: str, suffix: str = "") -> str:
    """An all-capital word: spelled when it is a known or vowel-less initialism, else kept."""
    if word in ACRONYMS:
        return word + suffix
    if word in INITIALISMS or (2 <= len(word) <= 4 and not _VOWELS & set(word)):
        return _letters(word, "'s" if suffix else "")
    return word + suffix


def _at_end(match: re.Match[str]) -> bool:
    """Whether nothing but closing quotes, brackets and spaces follows ``match``."""
    return _END.match(match.string, match.end()) is not None


def _keep_dot(match: re.Match[str], words: str) -> str:
    """``words``, plus the dot the match swallowed when it also ended the sentence."""
    if match.group(0).endswith(".") and _at_end(match):
        return words + "."
    return words


def _spaced(match: re.Match[str], words: str) -> str:
    """``words`` with a space where the match touched a letter ("4x4" -> "four x four")."""
    text, start, end = match.string, match.start(), match.end()
    if start > 0 and text[start - 1].isalpha():
        words = " " + words
    if end < len(text) and text[end].isalpha():
        words += " "
    return words


def _say_host(host: str) -> str:
    """A host name for the ear: "www.bbc.co.uk" -> "B.B.C dot co dot U.K"."""
    host = host.lower().removeprefix("www.").strip(".")
    labels = []
    for label in host.split("."):
        if not label:
            continue
        upper = label.upper()
        if upper.isalpha() and (upper in INITIALISMS or (
                2 <= len(upper) <= 4 and not _VOWELS & set(upper))):
            labels.append(_letters(upper))
        else:
            labels.append(label)
    return " dot ".join(labels)


def _url_host(url: str) -> str:
    """The host part of ``url``, without scheme, user, port, path, query or fragment."""
    rest = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", url)
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    host = host.rpartition("@")[2]
    return host.partition(":")[0]


# --------------------------------------------------------------------------------------------
# Rules (in table order)
# --------------------------------------------------------------------------------------------


def _drop(match: re.Match[str]) -> str:
    """Control and invisible formatting characters are dropped; line breaks become spaces."""
    return " " if match.group(0) in "\n\r\t\v\f\u2028\u2029\x85" else ""


def _space(match: re.Match[str]) -> str:
    """Any run of white space (including no-break and thin spaces) is one space."""
    return " "


def _straight_double(match: re.Match[str]) -> str:
    """Typographic double quotes become straight quotes (kept: they are not spoken)."""
    return '"'


def _straight_single(match: re.Match[str]) -> str:
    """Typographic single quotes and apostrophes become straight apostrophes."""
    return "'"


def _ellipsis(match: re.Match[str]) -> str:
    """"…" is three dots, which the engine reads as a pause."""
    return "..."


def _dash(match: re.Match[str]) -> str:
    """A dash between words is a comma pause; between numbers it is a range, kept as "-"."""
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if before.isdigit() and (after.isdigit() or after in "$€£¥"):
        return "-"
    return ", "


def _url(match: re.Match[str]) -> str:
    """A URL is said as its host: "https://www.example.com/x?y" -> "example dot com"."""
    return _say_host(_url_host(match.group(0)))


def _url_generic(match: re.Match[str]) -> str:
    """(Other languages.) A URL is cut to its host, which the engine reads in its language."""
    return _url_host(match.group(0)).lower().removeprefix("www.")


def _email(match: re.Match[str]) -> str:
    """"jane.doe@example.org" -> "jane dot doe at example dot org"."""
    local, _, host = match.group(0).rpartition("@")
    spoken = {".": " dot ", "_": " underscore ", "-": " dash ", "+": " plus ", "%": " percent "}
    local = re.sub(r"[._+%-]", lambda m: spoken[m.group(0)], local)
    return " ".join(f"{local} at {_say_host(host)}".split())


def _domain(match: re.Match[str]) -> str:
    """A bare domain with a common top-level domain: "CNN.com/live" -> "C.N.N dot com"."""
    return _say_host(match.group("host"))


def _date_words(day: dt.date) -> str:
    return f"{MONTHS[day.month - 1]} {_ordinal(str(day.day))}, {_year(day.year)}"


def _iso_date(match: re.Match[str]) -> str:
    """"2023-09-27" -> "September twenty-seventh, twenty twenty-three" (invalid dates kept)."""
    try:
        day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return match.group(0)
    return _date_words(day)


def _numeric_date(match: re.Match[str]) -> str:
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


def _season(match: re.Match[str]) -> str:
    """A season or fiscal year: "2023/24" -> "2023 to 24" (then read as years)."""
    return f"{match['y']} to "


def _digit_groups(match: re.Match[str]) -> str:
    """Three or more hyphenated digit groups (phone numbers, IDs): digit by digit, with pauses."""
    return ", ".join(_digits(group) for group in match.group(0).split("-"))


def _dotted_numbers(match: re.Match[str]) -> str:
    """Version numbers and the like: "3.5.1" -> "three point five point one"."""
    return " point ".join(_say_int(part) for part in match.group(0).split("."))


def _range(match: re.Match[str]) -> str:
    """A dash between two numbers is a range: "60-80" -> "60 to 80"."""
    return " to "


def _time_words(hour: int, minute: str | None, second: str | None, spoken_suffix: bool) -> str:
    words = _cardinal(hour)
    if minute is None or minute == "00":
        if second is None:
            if spoken_suffix:
                return words
            if hour == 0:
                return "midnight"
            return f"{words} o'clock" if hour <= 12 else f"{words} hundred"
        words += " hundred"
    elif minute.startswith("0"):
        words += f" oh {_cardinal(int(minute))}"
    else:
        words += f" {_cardinal(int(minute))}"
    if second is not None:
        words += f" and {_cardinal(int(second))} seconds"
    return words


def _zone(match: re.Match[str]) -> str:
    zone = match["zone"]
    return f" {TIME_ZONES[zone]}" if zone else ""


def _time_ampm(match: re.Match[str]) -> str:
    """"3 p.m. ET" -> "three P.M Eastern Time", "10:30 a.m." -> "ten thirty A.M"."""
    hour = int(match["h"])
    if not 1 <= hour <= 12:
        return match.group(0)
    suffix = "A.M" if match["ampm"][0] in "aA" else "P.M"
    words = f"{_time_words(hour, match['m'], None, True)} {suffix}{_zone(match)}"
    return _keep_dot(match, words)


def _time_clock(match: re.Match[str]) -> str:
    """"10:30" -> "ten thirty", "10:00" -> "ten o'clock", "14:05 GMT" -> "fourteen oh five ..."."""
    words = _time_words(int(match["h"]), match["m"], match["s"], bool(match["zone"]))
    return words + _zone(match)


def _minus(match: re.Match[str]) -> str:
    """A minus sign before a number: "-5°C" -> "minus 5°C"."""
    return "minus "


def _money_amount(written: str, currency: Currency) -> str:
    whole, _, fraction = written.replace(",", "").partition(".")
    if len(fraction) == 2 and currency.cent and currency.cents:
        units, cents = int(whole or "0"), int(fraction)
        parts = []
        if units:
            parts.append(f"{_say_int(whole)} {currency.one if units == 1 else currency.many}")
        if cents or not units:
            parts.append(f"{_cardinal(cents)} {currency.cent if cents == 1 else currency.cents}")
        return " and ".join(parts)
    return f"{_say_number(written)} {currency.one if written == '1' else currency.many}"


def _money(match: re.Match[str]) -> str:
    """"$350,000" -> "three hundred and fifty thousand dollars", "£4.2bn" -> "four point two
    billion pounds", "$5 to 10 million" -> "five to ten million dollars"."""
    currency = CURRENCIES[match["cur"]]
    first, second, scale = match["a"], match["b"], match["scale"]
    if scale:
        amount = _say_number(first)
        if second:
            amount += f" to {_say_number(second)}"
        return f"{amount} {SCALES[scale]} {currency.many}"
    if second:
        if "." not in first + second:
            return f"{_say_number(first)} to {_money_amount(second, currency)}"
        return f"{_money_amount(first, currency)} to {_money_amount(second, currency)}"
    return _money_amount(first, currency)


def _percent(match: re.Match[str]) -> str:
    """"3%" -> "three percent", "2.5 %" -> "two point five percent"."""
    return f"{_say_number(match['n'])} percent"


def _unit(match: re.Match[str]) -> str:
    """"80 mm" -> "eighty millimetres", "1 km" -> "one kilometre", "14-km" -> "fourteen-kilometre"
    (a compound takes the singular)."""
    one, many = UNITS[match["unit"]]
    number = _say_number(match["n"])
    if match["sep"] == "-":
        return f"{number}-{one}"
    return f"{number} {one if match['n'] == '1' else many}"


def _abbreviation(match: re.Match[str]) -> str:
    """"e.g." -> "for example", "etc." -> "et cetera" (see :data:`ABBREVIATIONS`)."""
    return _keep_dot(match, ABBREVIATIONS[match.group(0)])


def _number_sign(match: re.Match[str]) -> str:
    """"No. 10" -> "number 10", "Nos. 3 and 4" -> "numbers 3 and 4"."""
    return "numbers" if match.group(0).lower().startswith("nos") else "number"


def _title(match: re.Match[str]) -> str:
    """A title before a capitalised name: "Dr. Smith" -> "Doctor Smith" (see :data:`TITLES`)."""
    title = match["title"]
    if not match["dot"] and title not in _TITLES_WITHOUT_DOT:
        return match.group(0)
    return TITLES[title]


def _street(match: re.Match[str]) -> str:
    """"St." after a capitalised word and not before one is "Street": "Main St." """
    before = match.string[max(0, match.start() - 40):match.start()]
    if not _CAPITALISED_BEFORE.search(before):
        return match.group(0)
    return _keep_dot(match, "Street")


def _month_abbreviation(match: re.Match[str]) -> str:
    """"Nov." -> "November", "Sept 5" -> "September 5"."""
    return _keep_dot(match, _MONTH_ABBREVIATIONS[match["mon"]])


def _month_day(match: re.Match[str]) -> str:
    """"September 27" -> "September twenty-seventh"."""
    if not 1 <= int(match["d"]) <= 31:
        return match.group(0)
    return f"{match['mon']} {_ordinal(match['d'])}"


def _day_month(match: re.Match[str]) -> str:
    """"27 September" -> "the twenty-seventh of September"."""
    if not 1 <= int(match["d"]) <= 31:
        return match.group(0)
    the = "" if match.string[max(0, match.start() - 4):match.start()].lower() == "the " else "the "
    return f"{the}{_ordinal(match['d'])} of {match['mon']}"


def _decade(match: re.Match[str]) -> str:
    """"1990s" -> "nineteen nineties", "'90s" and "90s" -> "nineties", "100s" -> "hundreds"."""
    if match["year"] == "1000":
        return "thousands"
    if match["hundreds"]:
        number = int(match["hundreds"])
        return "hundreds" if number == 100 else _plural(_cardinal(number))
    if match["year"]:
        return _plural(_year(int(match["year"])))
    return _plural(_cardinal(int(match["tens"]) * 10))


def _ordinal_rule(match: re.Match[str]) -> str:
    """"25th" -> "twenty-fifth", "1st" -> "first"."""
    return _ordinal(match["n"])


def _year_rule(match: re.Match[str]) -> str:
    """A four-digit number that is a year (see the module docstring) -> "nineteen ninety-four";
    any other is left to the number rule."""
    n = int(match.group(0))
    if 1100 <= n <= 2099:
        return _year(n)
    if 1000 <= n <= 2999:
        before = match.string[max(0, match.start() - 24):match.start()]
        if _YEAR_CONTEXT.search(before):
            return _year(n)
    return match.group(0)


def _fraction(match: re.Match[str]) -> str:
    """"3/4" -> "three quarters", "2 1/2" -> "two and one half", "24/7" -> "twenty-four seven"."""
    top, bottom = int(match["a"]), int(match["b"])
    if 2 <= bottom <= 10 and 1 <= top < bottom:
        if bottom == 2:
            name = "half" if top == 1 else "halves"
        elif bottom == 4:
            name = "quarter" if top == 1 else "quarters"
        else:
            name = _ordinal(str(bottom))
            name = name if top == 1 else name + "s"
        words = f"{_cardinal(top)} {name}"
    else:
        words = f"{_say_int(match['a'])} {_say_int(match['b'])}"
    if match["w"]:
        if top == 1 and bottom <= 10:
            words = "a " + words.removeprefix("one ")
        words = f"{_say_int(match['w'])} and {words}"
    return words


def _vulgar_fraction(match: re.Match[str]) -> str:
    """"2½" -> "two and a half", "¾" -> "three quarters"."""
    top, bottom = _FRACTIONS[match["f"]]
    if bottom == 2:
        name = "a half"
    elif bottom == 4:
        name = "a quarter" if top == 1 else "three quarters"
    else:
        ordinal = _ordinal(str(bottom))
        name = f"a {ordinal}" if top == 1 else f"{_cardinal(top)} {ordinal}s"
    if match["w"]:
        return f"{_say_int(match['w'])} and {name}"
    return name


def _code_digits(digits: str) -> str:
    """Digits in a model name or code: "16" "sixteen", "320" "three twenty", "1234" digits."""
    if len(digits) <= 2:
        return _say_int(digits)
    if len(digits) == 3:
        if digits.endswith("00"):
            return _say_int(digits)
        if digits[1] == "0":
            return f"{_digits(digits[0])} oh {_digits(digits[2])}"
        return f"{_digits(digits[0])} {_say_int(digits[1:])}"
    return _digits(digits)


def _letter_code(match: re.Match[str]) -> str:
    """Capitals then digits: "F-16" -> "F-sixteen", "A320" -> "A-three twenty", "G7", "MH17"."""
    letters = match["l"]
    number = _code_digits(match["d"]) + (match["pl"] or "")
    if len(letters) == 1:
        return f"{letters}-{number}"
    return f"{_say_caps(letters)} {number}"


def _digit_code(match: re.Match[str]) -> str:
    """Digits then capitals: "5G" -> "five G", "3D" -> "three D"."""
    return f"{_say_int(match['d'])} {_say_caps(match['l'])}"


def _roman(match: re.Match[str]) -> str:
    """A Roman numeral after a capitalised word: "Charles III" -> "Charles the third",
    "World War II" -> "World War two" (espeak-ng would say "roman three")."""
    value = _roman_value(match["r"])
    if value is None or not 2 <= value <= 39:
        return match.group(0)
    word = match["w"]
    if word in _ROMAN_CARDINAL_AFTER:
        return f"{word} {_cardinal(value)}"
    return f"{word} the {_ordinal(str(value))}"


def _roman_value(numeral: str) -> int | None:
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for i, char in enumerate(numeral):
        value = values[char]
        if i + 1 < len(numeral) and values[numeral[i + 1]] > value:
            total -= value
        else:
            total += value
    canonical = ""
    rest = total
    for value, symbol in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while rest >= value:
            canonical += symbol
            rest -= value
    return total if canonical == numeral else None


def _letters_and(match: re.Match[str]) -> str:
    """"R&D" -> "R and D", "AT&T" -> "A.T and T": both sides are letters."""
    return f"{_spell(match['a'])} and {_spell(match['b'])}"


def _spell(letters: str) -> str:
    return letters if letters in ACRONYMS else _letters(letters)


_SYMBOLS = {
    "&": " and ", "+": " plus ", "=": " equals ", "±": " plus or minus ", "×": " by ",
    "~": " about ", "≈": " about ", "@": " at ", "°": " degrees ", "|": ", ", "*": " ",
    "_": " ", "→": " to ", "‰": " per mille ", "§": " section ",
}


def _symbol(match: re.Match[str]) -> str:
    """Symbols the engine would skip or name oddly: "&" -> "and", "+" -> "plus"
    (see ``_SYMBOLS``)."""
    return _SYMBOLS[match.group(0)]


def _hash(match: re.Match[str]) -> str:
    """"#5" -> "number 5", "#MeToo" -> "hashtag MeToo"."""
    return "number " if match.group(1)[0].isdigit() else "hashtag "


def _stray_percent(match: re.Match[str]) -> str:
    """A "%" not after a number."""
    return " percent"


def _number(match: re.Match[str]) -> str:
    """Any number left: "120,000" -> "one hundred and twenty thousand", "3.5" -> "three point
    five", "007" -> "zero zero seven"."""
    return _spaced(match, _say_number(match.group(0)))


def _slash_or(match: re.Match[str]) -> str:
    """A slash between lower-case words: "and/or" -> "and or", "he/she" -> "he or she"."""
    first, second = match["a"], match["b"]
    if first == "and" and second == "or":
        return "and or"
    return f"{first} or {second}"


def _credit_slash(match: re.Match[str]) -> str:
    """A slash next to a capitalised word, as in photo credits, is a pause:
    "Alain Jocard/AFP/Getty Images" -> "Alain Jocard, AFP, Getty Images"."""
    text, start, end = match.string, match.start(), match.end()
    before = re.search(r"[\w.'-]*$", text[max(0, start - 40):start])
    after = re.match(r"[\w.'-]*", text[end:end + 40])
    left = before.group(0) if before else ""
    right = after.group(0) if after else ""
    if left.isdigit() or right.isdigit():
        return match.group(0)
    if left[:1].isupper() or right[:1].isupper():
        return ", "
    return match.group(0)


def _dotted_initialism(match: re.Match[str]) -> str:
    """"U.N." -> "U.N", "U.S.-led" -> "U.S-led" (a final dot ending the text is kept)."""
    letters = match.group(0).replace(".", "")
    return _keep_dot(match, _letters(letters))


def _caps(match: re.Match[str]) -> str:
    """All-capital words: "AFP" -> "A.F.P", "NGOs" -> "N.G-O's", "NATO" kept (see
    :func:`_say_caps`)."""
    return _say_caps(match["w"], match["s"] or "")


def _mixed_initialism(match: re.Match[str]) -> str:
    """Initialisms that are not all capitals: "dpa" -> "D.P.A", "PhD" -> "P.H.D"."""
    return MIXED_INITIALISMS[match.group(0)]


def _nothing(match: re.Match[str]) -> str:
    """Tidy: no space before punctuation, no comma at the start or before a full stop."""
    return ""


def _comma(match: re.Match[str]) -> str:
    """Tidy: repeated commas (left by dashes and slashes) become one."""
    return ","


def _comma_space(match: re.Match[str]) -> str:
    """Tidy: a space after a comma before a word ("1,23" was read as two numbers)."""
    return ", "


# --------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first so longer ones win."""
    items = sorted(words, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in items)


_URL = r"\b(?:https?://|www\.)[^\s<>\"]{0,500}[^\s<>\".,;:!?)\]']"
"""A URL (up to 500 characters, not counting the punctuation after it)."""
_TLDS = "com|org|net|edu|gov|int|info|io|co|uk|eu|de|fr|ca|au|news|tv|ai|app|me|us|ly"
_CUR = _alternation(CURRENCIES)
_MONTH = "|".join(MONTHS)
_AMPM = r"(?P<ampm>[aApP]\.\s?[mM]\.?|[aApP][mM](?!\w))"
_ZONE = rf"(?:\s(?P<zone>{_alternation(TIME_ZONES)})(?!\w))?"


def _rule(name: str, pattern: str, replace: Replacement, *, english_only: bool = True,
          flags: int = 0) -> Rule:
    return Rule(name, re.compile(pattern, flags), replace, english_only)


RULES: tuple[Rule, ...] = (
    # -- every language: characters --------------------------------------------------------
    _rule("controls", r"[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]",
          _drop, english_only=False),
    _rule("spaces", r"\s+", _space, english_only=False),
    _rule("double_quotes", r"[“”„‟«»]", _straight_double, english_only=False),
    _rule("single_quotes", r"[‘’‚‛′]", _straight_single, english_only=False),
    _rule("ellipsis", r"…", _ellipsis, english_only=False),
    _rule("dashes", r"\s*(?:[—―–]|--+|(?<=\s)-(?=\s))\s*", _dash, english_only=False),
    # -- addresses -------------------------------------------------------------------------
    _rule("url", _URL, _url, flags=re.IGNORECASE),
    _rule("url_generic", _URL, _url_generic, english_only=False, flags=re.IGNORECASE),
    _rule("email", r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
          _email),
    _rule("domain",
          rf"(?<![\w.@/-])(?P<host>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.)+"
          rf"(?:{_TLDS}))(?![\w-])(?:/[^\s<>\"]*[^\s<>\".,;:!?)\]'])?", _domain),
    # -- numbers with structure --------------------------------------------------------------
    _rule("iso_date", r"(?<![\w-])(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})(?![\w-])",
          _iso_date),
    _rule("numeric_date",
          r"(?<![\w/])(?P<a>[0-9]{1,2})/(?P<b>[0-9]{1,2})/(?P<y>[0-9]{4}|[0-9]{2})(?![\w/])",
          _numeric_date),
    _rule("season", r"(?<![\w/])(?P<y>[12][0-9]{3})/(?=(?:[0-9]{2}|[12][0-9]{3})(?![\w/]))",
          _season),
    _rule("digit_groups", r"(?<![\w-])[0-9]+(?:-[0-9]+){2,}(?![\w-])", _digit_groups),
    _rule("dotted_numbers", r"(?<![\w.])[0-9]+(?:\.[0-9]+){2,}(?![\w]|\.[0-9])",
          _dotted_numbers),
    _rule("range", r"(?:(?<=[0-9])|(?<=[aApP]\.[mM]\.)|(?<=[aApP][mM]))"
          r"(?:\s*[–‒]\s*|\s+-\s+|-)(?=[$€£¥]?[0-9])", _range),
    _rule("time_ampm",
          rf"(?<![\w.:])(?P<h>[0-9]{{1,2}})(?:[:.](?P<m>[0-5][0-9]))?\s?{_AMPM}{_ZONE}",
          _time_ampm),
    _rule("time_clock",
          rf"(?<![\w.:])(?P<h>[01]?[0-9]|2[0-3]):(?P<m>[0-5][0-9])(?::(?P<s>[0-5][0-9]))?"
          rf"(?![\w:]){_ZONE}", _time_clock),
    _rule("minus", r"(?<![^\s(\[])[-−](?=[0-9])", _minus),
    _rule("money",
          rf"(?<![\w$])(?P<cur>{_CUR})\s?(?P<a>{_NUM})"
          rf"(?:\s?(?:to|-)\s?(?:{_CUR})?\s?(?P<b>{_NUM}))?"
          rf"(?:\s?(?P<scale>{_alternation(SCALES)})(?!\w))?", _money),
    _rule("percent", rf"(?<![\w.])(?P<n>{_NUM})\s?%", _percent),
    _rule("unit",
          rf"(?<![\w.])(?P<n>{_NUM})(?P<sep> ?|-)(?P<unit>{_alternation(UNITS)})(?![\w²³/])",
          _unit),
    # -- words with dots ---------------------------------------------------------------------
    _rule("abbreviations",
          rf"(?<![\w.])(?:{_alternation(ABBREVIATIONS)})(?![\w/])", _abbreviation),
    _rule("number_sign", r"\b(?:[Nn]os?)\.(?=\s?[0-9])", _number_sign),
    _rule("titles", rf"\b(?P<title>{_alternation(TITLES)})(?P<dot>\.)?(?=\s+[A-Z])", _title),
    _rule("street", r"\bSt\b\.?(?!\s+[A-Z])", _street),
    _rule("month_abbreviations",
          rf"\b(?P<mon>{_alternation(_MONTH_ABBREVIATIONS)})(?:\.|(?=\s+[0-9]))",
          _month_abbreviation),
    # -- dates, ordinals, years --------------------------------------------------------------
    _rule("month_day",
          rf"\b(?P<mon>{_MONTH})\s+(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?(?![\w]|[.,:][0-9]|\s?%)",
          _month_day),
    _rule("day_month", rf"(?<![\w.,])(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MONTH})\b",
          _day_month),
    _rule("decade",
          r"(?<![\w'])(?:(?P<year>1[0-9][0-9]0|20[0-9]0)|(?P<hundreds>[1-9]00)|'?(?P<tens>[1-9])0)"
          r"'?s(?!\w)", _decade),
    _rule("ordinal", r"(?<![\w.])(?P<n>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:st|nd|rd|th)(?!\w)",
          _ordinal_rule),
    _rule("year", r"(?<![\w.,])[0-9]{4}(?![\w]|[.,][0-9])", _year_rule),
    _rule("fraction",
          r"(?<![\w/.,])(?:(?P<w>[0-9]+)\s)?(?P<a>[0-9]+)/(?P<b>[0-9]+)(?![\w/]|[.,][0-9])",
          _fraction),
    _rule("vulgar_fraction", r"(?:(?<![0-9])(?P<w>[0-9]+)\s?)?(?P<f>[½¼¾⅓⅔⅛])", _vulgar_fraction),
    # -- codes, numerals, symbols ------------------------------------------------------------
    _rule("letter_code", r"\b(?P<l>[A-Z]{1,5})-?(?P<d>[0-9]+)(?P<pl>s)?\b", _letter_code),
    _rule("digit_code", r"\b(?P<d>[0-9]{1,3})(?P<l>[A-Z]{1,3})\b", _digit_code),
    _rule("roman", r"\b(?P<w>[A-Z][a-z]+)\s+(?P<r>[IVX]{2,6})\b", _roman),
    _rule("letters_and", r"\b(?P<a>[A-Z]{1,3})&(?P<b>[A-Z]{1,3})\b", _letters_and),
    _rule("hash", r"#(?=(\w))", _hash),
    _rule("symbols", r"[&+=±×~≈@°|*_→‰§]", _symbol),
    _rule("stray_percent", r"\s?%", _stray_percent),
    _rule("number", r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|(?<![\w.])\.[0-9]+",
          _number),
    # -- slashes and initialisms -------------------------------------------------------------
    _rule("slash_or", r"(?<![\w/])(?P<a>[a-z]+)/(?P<b>[a-z]+)(?![\w/])", _slash_or),
    _rule("credit_slash", r"(?<=\w)\s*/\s*(?=\w)", _credit_slash, english_only=False),
    _rule("dotted_initialisms", r"(?<![\w.])[A-Za-z](?:\.[A-Za-z])+\.?(?![\w])",
          _dotted_initialism),
    _rule("mixed_initialisms", rf"\b(?:{_alternation(MIXED_INITIALISMS)})\b", _mixed_initialism),
    _rule("caps", r"(?<![\w.])(?P<w>[A-Z]{2,})(?P<s>'s|s)?(?![\w])", _caps),
    # -- every language: tidy ----------------------------------------------------------------
    _rule("space_before_mark", r"\s+(?=[,.;:!?])", _nothing, english_only=False),
    _rule("repeated_commas", r",(?:\s*,)+", _comma, english_only=False),
    _rule("comma_before_stop", r",\s*(?=[.;:!?]|$)", _nothing, english_only=False),
    _rule("leading_comma", r"^\s*,\s*", _nothing, english_only=False),
    _rule("comma_space", r",(?=[^\s\d\"'])", _comma_space, english_only=False),
)
"""Every rule, in the order they are applied."""


def _is_english(lang: str) -> bool:
    code = lang.strip().lower().replace("_", "-").rpartition("/")[2]
    return code == "en" or code.startswith("en-")


def normalize(text: str, lang: str = "en") -> str:
    """What the engine is asked to say for ``text`` (a sentence of the script) in ``lang``.

    English gets every rule of :data:`RULES`; other languages only the language-neutral ones.
    Never raises for any string; the result has single spaces and no leading or trailing space.
    """
    english = _is_english(lang)
    for rule in RULES:
        if english or not rule.english_only:
            text = rule.apply(text)
    return " ".join(text.split())
