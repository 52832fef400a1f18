"""Normalisation for the ear: the text espeak-ng is asked to say for a sentence of the script.

The script keeps the article's wording ("numbers stay as digits"); :func:`normalize` runs between
the script and the engine and rewrites what an engine reads badly: numbers, money, dates, times,
units, abbreviations, initialisms, URLs and symbols.  Its output is part of each segment's cache
key, so :data:`NORMALIZE_VERSION` is bumped whenever the output changes for the same input.

Everything is one ordered table, :data:`RULES`, of small rules (name, compiled regex, replacement
function); each rule sees the text as the rules before it left it.  English (decided by
:func:`briefing.speech.language.reads_as_english`: ``en``, ``en-*``, ``gmw/en-us`` ...) gets every
rule; any other language gets only the language-neutral ones (quotes, dashes, ellipses, control
characters, URLs cut to their host, slashes in photo credits, spacing) and the rest is left to
the engine, which knows its own language.

The table and the patterns are here, in reading order; the replacements live by subject:
:mod:`~briefing.speech.punctuation` (characters, dashes, symbols, tidying),
:mod:`~briefing.speech.addresses` (URLs, e-mail), :mod:`~briefing.speech.numbers` (cardinals,
years, fractions, codes, numerals), :mod:`~briefing.speech.quantities` (money, percent, units),
:mod:`~briefing.speech.times` (dates, times of day) and :mod:`~briefing.speech.abbreviations`
(titles, abbreviations, initialisms), with the rule type in :mod:`~briefing.speech.rules`.

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

import re

from briefing.speech.abbreviations import (
    ABBREVIATIONS,
    ACRONYMS,
    INITIALISMS,
    MIXED_INITIALISMS,
    TITLES,
    expand_abbreviation,
    expand_street,
    expand_title,
    say_capitals,
    say_dotted_initialism,
    say_letters_and,
    say_mixed_initialism,
    say_number_sign,
)
from briefing.speech.addresses import say_domain, say_email, say_url, url_host_only
from briefing.speech.language import reads_as_english
from briefing.speech.numbers import (
    say_any_number,
    say_decade,
    say_digit_code,
    say_digit_groups,
    say_dotted_numbers,
    say_fraction,
    say_letter_code,
    say_minus,
    say_ordinal_number,
    say_range,
    say_roman,
    say_vulgar_fraction,
    say_year_number,
)
from briefing.speech.punctuation import (
    credit_slash_pause,
    dash_pause,
    drop_invisible,
    one_space,
    say_hash,
    say_slash_or,
    say_stray_percent,
    say_symbol,
    straight_double_quote,
    straight_single_quote,
    three_dots,
    tidy_comma_space,
    tidy_drop,
    tidy_one_comma,
)
from briefing.speech.quantities import (
    CURRENCIES,
    SCALES,
    UNITS,
    Currency,
    say_money,
    say_percent,
    say_unit,
)
from briefing.speech.rules import Replacement, Rule, alternation, rule
from briefing.speech.times import (
    TIME_ZONES,
    expand_month,
    say_day_month,
    say_iso_date,
    say_month_day,
    say_numeric_date,
    say_season,
    say_time_ampm,
    say_time_clock,
)
from briefing.text.months import MONTH_ABBREVIATIONS, MONTHS

__all__ = [
    "ABBREVIATIONS", "ACRONYMS", "CURRENCIES", "INITIALISMS", "MIXED_INITIALISMS", "MONTHS",
    "NORMALIZE_VERSION", "RULES", "SCALES", "TIME_ZONES", "TITLES", "UNITS", "Currency",
    "Replacement", "Rule", "normalize",
]

NORMALIZE_VERSION = 1
"""Bumped whenever :func:`normalize` changes its output for the same input (part of cache keys)."""

_URL = r"\b(?:https?://|www\.)[^\s<>\"]{0,500}[^\s<>\".,;:!?)\]']"
"""A URL (up to 500 characters, not counting the punctuation after it)."""
_TLDS = "com|org|net|edu|gov|int|info|io|co|uk|eu|de|fr|ca|au|news|tv|ai|app|me|us|ly"
_CUR = alternation(CURRENCIES)
_MONTH = "|".join(MONTHS)
_AMPM = r"(?P<ampm>[aApP]\.\s?[mM]\.?|[aApP][mM](?!\w))"
_ZONE = rf"(?:\s(?P<zone>{alternation(TIME_ZONES)})(?!\w))?"
_NUM = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
"""A number as written in English text: optional thousands separators, optional decimals."""

RULES: tuple[Rule, ...] = (
    # -- every language: characters --------------------------------------------------------
    rule("controls", r"[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]",
         drop_invisible, english_only=False),
    rule("spaces", r"\s+", one_space, english_only=False),
    rule("double_quotes", r"[“”„‟«»]", straight_double_quote, english_only=False),
    rule("single_quotes", r"[‘’‚‛′]", straight_single_quote, english_only=False),
    rule("ellipsis", r"…", three_dots, english_only=False),
    rule("dashes", r"\s*(?:[—―–]|--+|(?<=\s)-(?=\s))\s*", dash_pause, english_only=False),
    # -- addresses -------------------------------------------------------------------------
    rule("url", _URL, say_url, flags=re.IGNORECASE),
    rule("url_generic", _URL, url_host_only, english_only=False, flags=re.IGNORECASE),
    rule("email", r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
         say_email),
    rule("domain",
         rf"(?<![\w.@/-])(?P<host>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.)+"
         rf"(?:{_TLDS}))(?![\w-])(?:/[^\s<>\"]*[^\s<>\".,;:!?)\]'])?", say_domain),
    # -- numbers with structure --------------------------------------------------------------
    rule("iso_date", r"(?<![\w-])(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})(?![\w-])",
         say_iso_date),
    rule("numeric_date",
         r"(?<![\w/])(?P<a>[0-9]{1,2})/(?P<b>[0-9]{1,2})/(?P<y>[0-9]{4}|[0-9]{2})(?![\w/])",
         say_numeric_date),
    rule("season", r"(?<![\w/])(?P<y>[12][0-9]{3})/(?=(?:[0-9]{2}|[12][0-9]{3})(?![\w/]))",
         say_season),
    rule("digit_groups", r"(?<![\w-])[0-9]+(?:-[0-9]+){2,}(?![\w-])", say_digit_groups),
    rule("dotted_numbers", r"(?<![\w.])[0-9]+(?:\.[0-9]+){2,}(?![\w]|\.[0-9])",
         say_dotted_numbers),
    rule("range", r"(?:(?<=[0-9])|(?<=[aApP]\.[mM]\.)|(?<=[aApP][mM]))"
         r"(?:\s*[–‒]\s*|\s+-\s+|-)(?=[$€£¥]?[0-9])", say_range),
    rule("time_ampm",
         rf"(?<![\w.:])(?P<h>[0-9]{{1,2}})(?:[:.](?P<m>[0-5][0-9]))?\s?{_AMPM}{_ZONE}",
         say_time_ampm),
    rule("time_clock",
         rf"(?<![\w.:])(?P<h>[01]?[0-9]|2[0-3]):(?P<m>[0-5][0-9])(?::(?P<s>[0-5][0-9]))?"
         rf"(?![\w:]){_ZONE}", say_time_clock),
    rule("minus", r"(?<![^\s(\[])[-−](?=[0-9])", say_minus),
    rule("money",
         rf"(?<![\w$])(?P<cur>{_CUR})\s?(?P<a>{_NUM})"
         rf"(?:\s?(?:to|-)\s?(?:{_CUR})?\s?(?P<b>{_NUM}))?"
         rf"(?:\s?(?P<scale>{alternation(SCALES)})(?!\w))?", say_money),
    rule("percent", rf"(?<![\w.])(?P<n>{_NUM})\s?%", say_percent),
    rule("unit",
         rf"(?<![\w.])(?P<n>{_NUM})(?P<sep> ?|-)(?P<unit>{alternation(UNITS)})(?![\w²³/])",
         say_unit),
    # -- words with dots ---------------------------------------------------------------------
    rule("abbreviations",
         rf"(?<![\w.])(?:{alternation(ABBREVIATIONS)})(?![\w/])", expand_abbreviation),
    rule("number_sign", r"\b(?:[Nn]os?)\.(?=\s?[0-9])", say_number_sign),
    rule("titles", rf"\b(?P<title>{alternation(TITLES)})(?P<dot>\.)?(?=\s+[A-Z])", expand_title),
    rule("street", r"\bSt\b\.?(?!\s+[A-Z])", expand_street),
    rule("month_abbreviations",
         rf"\b(?P<mon>{alternation(MONTH_ABBREVIATIONS)})(?:\.|(?=\s+[0-9]))",
         expand_month),
    # -- dates, ordinals, years --------------------------------------------------------------
    rule("month_day",
         rf"\b(?P<mon>{_MONTH})\s+(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?(?![\w]|[.,:][0-9]|\s?%)",
         say_month_day),
    rule("day_month", rf"(?<![\w.,])(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MONTH})\b",
         say_day_month),
    rule("decade",
         r"(?<![\w'])(?:(?P<year>1[0-9][0-9]0|20[0-9]0)|(?P<hundreds>[1-9]00)|'?(?P<tens>[1-9])0)"
         r"'?s(?!\w)", say_decade),
    rule("ordinal", r"(?<![\w.])(?P<n>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:st|nd|rd|th)(?!\w)",
         say_ordinal_number),
    rule("year", r"(?<![\w.,])[0-9]{4}(?![\w]|[.,][0-9])", say_year_number),
    rule("fraction",
         r"(?<![\w/.,])(?:(?P<w>[0-9]+)\s)?(?P<a>[0-9]+)/(?P<b>[0-9]+)(?![\w/]|[.,][0-9])",
         say_fraction),
    rule("vulgar_fraction", r"(?:(?<![0-9])(?P<w>[0-9]+)\s?)?(?P<f>[½¼¾⅓⅔⅛])", say_vulgar_fraction),
    # -- codes, numerals, symbols ------------------------------------------------------------
    rule("letter_code", r"\b(?P<l>[A-Z]{1,5})-?(?P<d>[0-9]+)(?P<pl>s)?\b", say_letter_code),
    rule("digit_code", r"\b(?P<d>[0-9]{1,3})(?P<l>[A-Z]{1,3})\b", say_digit_code),
    rule("roman", r"\b(?P<w>[A-Z][a-z]+)\s+(?P<r>[IVX]{2,6})\b", say_roman),
    rule("letters_and", r"\b(?P<a>[A-Z]{1,3})&(?P<b>[A-Z]{1,3})\b", say_letters_and),
    rule("hash", r"#(?=(\w))", say_hash),
    rule("symbols", r"[&+=±×~≈@°|*_→‰§]", say_symbol),
    rule("stray_percent", r"\s?%", say_stray_percent),
    rule("number", r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|(?<![\w.])\.[0-9]+",
         say_any_number),
    # -- slashes and initialisms -------------------------------------------------------------
    rule("slash_or", r"(?<![\w/])(?P<a>[a-z]+)/(?P<b>[a-z]+)(?![\w/])", say_slash_or),
    rule("credit_slash", r"(?<=\w)\s*/\s*(?=\w)", credit_slash_pause, english_only=False),
    rule("dotted_initialisms", r"(?<![\w.])[A-Za-z](?:\.[A-Za-z])+\.?(?![\w])",
         say_dotted_initialism),
    rule("mixed_initialisms", rf"\b(?:{alternation(MIXED_INITIALISMS)})\b", say_mixed_initialism),
    rule("caps", r"(?<![\w.])(?P<w>[A-Z]{2,})(?P<s>'s|s)?(?![\w])", say_capitals),
    # -- every language: tidy ----------------------------------------------------------------
    rule("space_before_mark", r"\s+(?=[,.;:!?])", tidy_drop, english_only=False),
    rule("repeated_commas", r",(?:\s*,)+", tidy_one_comma, english_only=False),
    rule("comma_before_stop", r",\s*(?=[.;:!?]|$)", tidy_drop, english_only=False),
    rule("leading_comma", r"^\s*,\s*", tidy_drop, english_only=False),
    rule("comma_space", r",(?=[^\s\d\"'])", tidy_comma_space, english_only=False),
)
"""Every rule, in the order they are applied."""


def normalize(text: str, lang: str = "en") -> str:
    """What the engine is asked to say for ``text`` (a sentence of the script) in ``lang``.

    English gets every rule of :data:`RULES`; other languages only the language-neutral ones.
    Never raises for any string; the result has single spaces and no leading or trailing space.
    """
    english = reads_as_english(lang)
    for step in RULES:
        if english or not step.english_only:
            text = step.apply(text)
    return " ".join(text.split())
