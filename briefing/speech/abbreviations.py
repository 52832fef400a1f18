"""Abbreviations, titles and initialisms for the ear: which capital words are spelled, which are
said as words, and the abbreviations written out ("Dr." -> "Doctor", "e.g." -> "for example").

espeak-ng reads a spaced capital "A" as the article and pauses after "Mr." as after a sentence,
so these decisions cannot be left to the engine (see :mod:`briefing.speech.normalize`).
"""

from __future__ import annotations

import re

from briefing.speech.rules import keep_dot, word_set

INITIALISMS = word_set("""
    AFP AP BBC CNN CBS NBC ABC NPR PBS HBO ITV RTE ARD ZDF DPA EFE ANSA US USA UK EU UN UAE
    USSR DC NY NYC NYPD LA USAID UNHCR UNDP UNSC UNGA WFP WHO IMF ICC ICJ IAEA OSCE OECD ECB
    IOC IRC ICRC MSF FBI CIA NSA IRS FDA CDC EPA DHS DOJ FAA FCC SEC GOP DNC RNC IDF IRGC
    PLO ANC SNP MP PM CEO CFO CTO GDP NGO NHS BC AD AI EV SUV DNA RNA HIV ID TV LGBT
    LGBTQ VIP UFO MLB NBA NFL NHL KGB FSB RAF
""")
"""All-capital words always spelled out letter by letter."""

ACRONYMS = word_set("""
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

_VOWELS = frozenset("AEIOUY")
_CAPITALISED_BEFORE = re.compile(r"\b[A-Z][a-z]+\s$")


def is_spelled(word: str) -> bool:
    """Whether the capital letters ``word`` are an initialism: a known one, or 2-4 letters
    without a vowel."""
    return word in INITIALISMS or (2 <= len(word) <= 4 and not _VOWELS & set(word))


def spell_letters(word: str, suffix: str = "") -> str:
    """Letters the engine spells: "AFP" -> "A.F.P"; with "'s": "NGO" -> "N.G-O's"."""
    letters = word.upper()
    if suffix:
        return ".".join(letters[:-1]) + ("-" if len(letters) > 1 else "") + letters[-1] + "'s"
    return ".".join(letters)


def say_caps(word: str, suffix: str = "") -> str:
    """An all-capital word: spelled when it is a known or vowel-less initialism, else kept."""
    if word in ACRONYMS:
        return word + suffix
    if is_spelled(word):
        return spell_letters(word, "'s" if suffix else "")
    return word + suffix


def expand_abbreviation(match: re.Match[str]) -> str:
    """"e.g." -> "for example", "etc." -> "et cetera" (see :data:`ABBREVIATIONS`)."""
    return keep_dot(match, ABBREVIATIONS[match.group(0)])


def say_number_sign(match: re.Match[str]) -> str:
    """"No. 10" -> "number 10", "Nos. 3 and 4" -> "numbers 3 and 4"."""
    return "numbers" if match.group(0).lower().startswith("nos") else "number"


def expand_title(match: re.Match[str]) -> str:
    """A title before a capitalised name: "Dr. Smith" -> "Doctor Smith" (see :data:`TITLES`)."""
    title = match["title"]
    if not match["dot"] and title not in _TITLES_WITHOUT_DOT:
        return match.group(0)
    return TITLES[title]


def expand_street(match: re.Match[str]) -> str:
    """"St." after a capitalised word and not before one is "Street": "Main St." """
    before = match.string[max(0, match.start() - 40):match.start()]
    if not _CAPITALISED_BEFORE.search(before):
        return match.group(0)
    return keep_dot(match, "Street")


def say_letters_and(match: re.Match[str]) -> str:
    """"R&D" -> "R and D", "AT&T" -> "A.T and T": both sides are letters."""
    return f"{_spell(match['a'])} and {_spell(match['b'])}"


def _spell(letters: str) -> str:
    return letters if letters in ACRONYMS else spell_letters(letters)


def say_dotted_initialism(match: re.Match[str]) -> str:
    """"U.N." -> "U.N", "U.S.-led" -> "U.S-led" (a final dot ending the text is kept)."""
    letters = match.group(0).replace(".", "")
    return keep_dot(match, spell_letters(letters))


def say_capitals(match: re.Match[str]) -> str:
    """All-capital words: "AFP" -> "A.F.P", "NGOs" -> "N.G-O's", "NATO" kept (see
    :func:`say_caps`)."""
    return say_caps(match["w"], match["s"] or "")


def say_mixed_initialism(match: re.Match[str]) -> str:
    """Initialisms that are not all capitals: "dpa" -> "D.P.A", "PhD" -> "P.H.D"."""
    return MIXED_INITIALISMS[match.group(0)]
