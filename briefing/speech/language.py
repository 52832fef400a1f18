"""Which reading rules a script's language gets: the one place that decides it.

A script's ``lang`` is a BCP 47 tag ("en", "en-GB", "en_US", "EN") or, when a producer copies
the engine's voice name, an espeak-ng voice id ("gmw/en-us", "en-029", "roa/fr").  The
English-only rules (numbers, money, dates, initialisms ... in :mod:`briefing.speech.normalize`)
and the framing of quotations ("quote ... end quote", in :mod:`briefing.speech.spoken`) apply
to exactly the same tags; deciding it twice had drifted ("gmw/en-us" read numbers but did not
frame quotes, "eng" framed quotes but did not read numbers).
"""

from __future__ import annotations


def language_code(lang: str) -> str:
    """The primary language subtag of ``lang``, lower case: "en" for "gmw/en-us", "EN_gb",
    "en-029"; "fr" for "fr-FR"; "" for ""."""
    tag = lang.strip().lower().replace("_", "-").rpartition("/")[2]
    return tag.partition("-")[0]


def reads_as_english(lang: str) -> bool:
    """Whether text in ``lang`` gets the English reading rules (numbers, quotations ...);
    any other language gets only the language-neutral ones, the rest being left to the engine."""
    return language_code(lang) == "en"
