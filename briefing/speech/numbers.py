"""Numbers for the ear: cardinals, ordinals, years, decades, fractions, ranges, codes and Roman
numerals (the decisions are listed in :mod:`briefing.speech.normalize`).

Cardinals and ordinals come from num2words; what is written here is what num2words does not
decide: when four digits are a year and how a year is said, digit-by-digit reading of IDs and
leading zeros, the digit groups of model names ("A320" -> "A-three twenty") and regnal numerals.
"""

from __future__ import annotations

import re

from num2words import num2words

from briefing.speech.abbreviations import say_caps
from briefing.speech.rules import spaced, word_set
from briefing.text.months import MONTHS

_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

_FRACTIONS = {"½": (1, 2), "¼": (1, 4), "¾": (3, 4), "⅓": (1, 3), "⅔": (2, 3), "⅛": (1, 8)}

_MAX_DIGITS = 15
"""Longer digit strings (IDs, not amounts) are read digit by digit."""

_ROMAN_CARDINAL_AFTER = word_set("""
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


def cardinal(n: int) -> str:
    """``n`` in words, without num2words' commas ("one thousand two hundred and five")."""
    return str(num2words(n, lang="en")).replace(",", "")


def say_digits(digits: str) -> str:
    """Each digit in words: "007" -> "zero zero seven"."""
    return " ".join(_DIGIT_WORDS[int(c)] for c in digits if c in "0123456789")


def say_int(written: str) -> str:
    """An integer as written ("120,000") in words."""
    digits = written.replace(",", "")
    if not digits:
        return ""
    if (len(digits) > 1 and digits.startswith("0")) or len(digits) > _MAX_DIGITS:
        return say_digits(digits)
    return cardinal(int(digits))


def say_number(written: str) -> str:
    """A number as written ("3.5", "120,000", ".5") in words: "three point five"."""
    whole, _, fraction = written.partition(".")
    words = say_int(whole)
    if fraction:
        words = f"{words} point {say_digits(fraction)}".strip()
    return words


def say_ordinal(written: str) -> str:
    """An integer as an ordinal: "25" -> "twenty-fifth"."""
    digits = written.replace(",", "")
    if len(digits) > _MAX_DIGITS:
        return say_digits(digits)
    return str(num2words(int(digits), lang="en", to="ordinal")).replace(",", "")


def say_year(n: int) -> str:
    """A year: 1994 "nineteen ninety-four", 2009 "two thousand nine", 1905 "nineteen oh five"."""
    century, rest = divmod(n, 100)
    if n % 1000 < 10 and century % 10 == 0:
        words = f"{cardinal(n // 1000)} thousand"
        return f"{words} {cardinal(n % 1000)}" if n % 1000 else words
    if rest == 0:
        return f"{cardinal(century)} hundred"
    if rest < 10:
        return f"{cardinal(century)} oh {cardinal(rest)}"
    return f"{cardinal(century)} {cardinal(rest)}"


def plural(words: str) -> str:
    """The last word of ``words`` in the plural: "nineteen ninety" -> "nineteen nineties"."""
    if words.endswith("y"):
        return words[:-1] + "ies"
    return words + "s"


def say_digit_groups(match: re.Match[str]) -> str:
    """Three or more hyphenated digit groups (phone numbers, IDs): digit by digit, with pauses."""
    return ", ".join(say_digits(group) for group in match.group(0).split("-"))


def say_dotted_numbers(match: re.Match[str]) -> str:
    """Version numbers and the like: "3.5.1" -> "three point five point one"."""
    return " point ".join(say_int(part) for part in match.group(0).split("."))


def say_range(match: re.Match[str]) -> str:
    """A dash between two numbers is a range: "60-80" -> "60 to 80"."""
    return " to "


def say_minus(match: re.Match[str]) -> str:
    """A minus sign before a number: "-5°C" -> "minus 5°C"."""
    return "minus "


def say_decade(match: re.Match[str]) -> str:
    """"1990s" -> "nineteen nineties", "'90s" and "90s" -> "nineties", "100s" -> "hundreds"."""
    if match["year"] == "1000":
        return "thousands"
    if match["hundreds"]:
        number = int(match["hundreds"])
        return "hundreds" if number == 100 else plural(cardinal(number))
    if match["year"]:
        return plural(say_year(int(match["year"])))
    return plural(cardinal(int(match["tens"]) * 10))


def say_ordinal_number(match: re.Match[str]) -> str:
    """"25th" -> "twenty-fifth", "1st" -> "first"."""
    return say_ordinal(match["n"])


def say_year_number(match: re.Match[str]) -> str:
    """A four-digit number that is a year (see the module docstring) -> "nineteen ninety-four";
    any other is left to the number rule."""
    n = int(match.group(0))
    if 1100 <= n <= 2099:
        return say_year(n)
    if 1000 <= n <= 2999:
        before = match.string[max(0, match.start() - 24):match.start()]
        if _YEAR_CONTEXT.search(before):
            return say_year(n)
    return match.group(0)


def say_fraction(match: re.Match[str]) -> str:
    """"3/4" -> "three quarters", "2 1/2" -> "two and one half", "24/7" -> "twenty-four seven"."""
    top, bottom = int(match["a"]), int(match["b"])
    if 2 <= bottom <= 10 and 1 <= top < bottom:
        if bottom == 2:
            name = "half" if top == 1 else "halves"
        elif bottom == 4:
            name = "quarter" if top == 1 else "quarters"
        else:
            name = say_ordinal(str(bottom))
            name = name if top == 1 else name + "s"
        words = f"{cardinal(top)} {name}"
    else:
        words = f"{say_int(match['a'])} {say_int(match['b'])}"
    if match["w"]:
        if top == 1 and bottom <= 10:
            words = "a " + words.removeprefix("one ")
        words = f"{say_int(match['w'])} and {words}"
    return words


def say_vulgar_fraction(match: re.Match[str]) -> str:
    """"2½" -> "two and a half", "¾" -> "three quarters"."""
    top, bottom = _FRACTIONS[match["f"]]
    if bottom == 2:
        name = "a half"
    elif bottom == 4:
        name = "a quarter" if top == 1 else "three quarters"
    else:
        ordinal = say_ordinal(str(bottom))
        name = f"a {ordinal}" if top == 1 else f"{cardinal(top)} {ordinal}s"
    if match["w"]:
        return f"{say_int(match['w'])} and {name}"
    return name


def _code_digits(digits: str) -> str:
    """Digits in a model name or code: "16" "sixteen", "320" "three twenty", "1234" digits."""
    if len(digits) <= 2:
        return say_int(digits)
    if len(digits) == 3:
        if digits.endswith("00"):
            return say_int(digits)
        if digits[1] == "0":
            return f"{say_digits(digits[0])} oh {say_digits(digits[2])}"
        return f"{say_digits(digits[0])} {say_int(digits[1:])}"
    return say_digits(digits)


def say_letter_code(match: re.Match[str]) -> str:
    """Capitals then digits: "F-16" -> "F-sixteen", "A320" -> "A-three twenty", "G7", "MH17"."""
    letters = match["l"]
    number = _code_digits(match["d"]) + (match["pl"] or "")
    if len(letters) == 1:
        return f"{letters}-{number}"
    return f"{say_caps(letters)} {number}"


def say_digit_code(match: re.Match[str]) -> str:
    """Digits then capitals: "5G" -> "five G", "3D" -> "three D"."""
    return f"{say_int(match['d'])} {say_caps(match['l'])}"


def say_roman(match: re.Match[str]) -> str:
    """A Roman numeral after a capitalised word: "Charles III" -> "Charles the third",
    "World War II" -> "World War two" (espeak-ng would say "roman three")."""
    value = _roman_value(match["r"])
    if value is None or not 2 <= value <= 39:
        return match.group(0)
    word = match["w"]
    if word in _ROMAN_CARDINAL_AFTER:
        return f"{word} {cardinal(value)}"
    return f"{word} the {say_ordinal(str(value))}"


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


def say_any_number(match: re.Match[str]) -> str:
    """Any number left: "120,000" -> "one hundred and twenty thousand", "3.5" -> "three point
    five", "007" -> "zero zero seven"."""
    return spaced(match, say_number(match.group(0)))
