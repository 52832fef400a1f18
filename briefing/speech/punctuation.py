"""Characters, punctuation and symbols for the ear, in every language: invisible characters,
white space, typographic quotes, dashes as pauses, slashes in photo credits, symbols the engine
would skip ("&" -> "and"), and the tidying of commas the other rules leave."""

from __future__ import annotations

import re


def drop_invisible(match: re.Match[str]) -> str:
    """Control and invisible formatting characters are dropped; line breaks become spaces."""
    return " " if match.group(0) in "\n\r\t\v\f\u2028\u2029\x85" else ""


def one_space(match: re.Match[str]) -> str:
    """Any run of white space (including no-break and thin spaces) is one space."""
    return " "


def straight_double_quote(match: re.Match[str]) -> str:
    """Typographic double quotes become straight quotes (kept: they are not spoken)."""
    return '"'


def straight_single_quote(match: re.Match[str]) -> str:
    """Typographic single quotes and apostrophes become straight apostrophes."""
    return "'"


def three_dots(match: re.Match[str]) -> str:
    """"…" is three dots, which the engine reads as a pause."""
    return "..."


def dash_pause(match: re.Match[str]) -> str:
    """A dash between words is a comma pause; between numbers it is a range, kept as "-"."""
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if before.isdigit() and (after.isdigit() or after in "$€£¥"):
        return "-"
    return ", "


_SYMBOLS = {
    "&": " and ", "+": " plus ", "=": " equals ", "±": " plus or minus ", "×": " by ",
    "~": " about ", "≈": " about ", "@": " at ", "°": " degrees ", "|": ", ", "*": " ",
    "_": " ", "→": " to ", "‰": " per mille ", "§": " section ",
}


def say_symbol(match: re.Match[str]) -> str:
    """Symbols the engine would skip or name oddly: "&" -> "and", "+" -> "plus"
    (see ``_SYMBOLS``)."""
    return _SYMBOLS[match.group(0)]


def say_hash(match: re.Match[str]) -> str:
    """"#5" -> "number 5", "#MeToo" -> "hashtag MeToo"."""
    return "number " if match.group(1)[0].isdigit() else "hashtag "


def say_stray_percent(match: re.Match[str]) -> str:
    """A "%" not after a number."""
    return " percent"


def say_slash_or(match: re.Match[str]) -> str:
    """A slash between lower-case words: "and/or" -> "and or", "he/she" -> "he or she"."""
    first, second = match["a"], match["b"]
    if first == "and" and second == "or":
        return "and or"
    return f"{first} or {second}"


def credit_slash_pause(match: re.Match[str]) -> str:
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


def tidy_drop(match: re.Match[str]) -> str:
    """Tidy: no space before punctuation, no comma at the start or before a full stop."""
    return ""


def tidy_one_comma(match: re.Match[str]) -> str:
    """Tidy: repeated commas (left by dashes and slashes) become one."""
    return ","


def tidy_comma_space(match: re.Match[str]) -> str:
    """Tidy: a space after a comma before a word ("1,23" was read as two numbers)."""
    return ", "
