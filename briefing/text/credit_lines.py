"""Whether a line, taken alone, is a photo credit: how much it looks like one (:class:`Likelihood`).

A credit line is told from a caption by its shape: a known form ("Handout via Reuters", "©",
"Courtesy of"), a chain of agencies, a press office, a by-line, or a short run of capitalised
names, against the lower-case prose words of a sentence.  Hand-written for the same reason as
:mod:`briefing.text.credits` (no library knows credit lines); the neighbours of a line are
weighed in :mod:`briefing.text.captions`.
"""

from __future__ import annotations

import re
from enum import IntEnum

from briefing.text.credit_words import CONNECTORS, CREDIT_WORDS, KNOWN_AGENCIES, ORG_WORDS
from briefing.text.credits import ABBREV_END, COPYRIGHT, COURTESY, is_acronym, unwrap

_SENTENCE_END = re.compile(r"[.!?;:,\"”’)]$")
_WORD = re.compile(r"^[\w@'’.&()-]+$")


def _words(text: str) -> list[str]:
    return text.replace("/", " ").replace(" | ", " ").split()


class Likelihood(IntEnum):
    """How much a line looks like a credit on its own (before its neighbours are weighed)."""

    SENTENCE = -2
    """Shaped like a sentence or a long phrase: not a credit."""
    UNLIKELY = -1
    """A short phrase with ordinary lower-case words."""
    NAME = 1
    """A short run of names (``Astrig Agopian``): a credit after a caption, or a short caption."""
    ORGANISATION = 2
    """The name of an organisation (``U.S. Navy``, ``The White House``): a credit after a
    caption, though a short caption may name one too."""
    FORM = 3
    """A known credit form (agency, chain, handout, pool, courtesy, office, ©): a credit."""


_FORM_START = re.compile(
    r"^(?:(?:\w+\s+)?(?:handout|pool|file)(?:\s+(?:photo|picture|image)s?)?\s*(?:$|[/:,]|by\b"
    r"|via\b|from\b)"
    r"|(?:(?:photo|image|picture)s?\s+)?courtesy\b(?:\s+of\b|\s*:|\s+(?-i:[A-Z0-9\"“]))"
    r"|via\s+(?-i:[A-Z])|(?:photo )?illustration\s*(?::|by\b)"
    r"|(?:(?:photo|picture|image)s?\s+)?(?:provided|supplied|released|distributed|obtained"
    r"|issued)\s+by\b|(?:photo\s+)?credits?\s*:|(?:screen ?grab|screenshot|video grab"
    r"|video still)s?(?:\s+from\s+(?:a\s+)?video)?\s*(?:$|[/:]|by\b|via\b|from\b)"
    r"|©|\(c\)|copyright\b|photo(?:graph)?s?\s*(?::|by\b)|pictures?\s*(?::|by\b)"
    r"|images?\s*(?::|by\b)|(?:satellite|aerial|drone) (?:image|photo)s?\s*(?:©|\(c\)|by\b|:))",
    re.I)


def _prose_words(text: str) -> int:
    """Lower-case words that are neither connectors, credit words nor lower-case agencies."""
    lowered = text.lower()
    for name in ("picture alliance", "dpa", "imago"):
        lowered = lowered.replace(name, " ")
    count = 0
    for raw_word, low in zip(_words(text), _words(lowered), strict=False):
        word = raw_word.strip(",.;:()")
        if not word or not word[:1].isalpha() or word[:1].isupper():
            continue
        low = low.strip(",.;:()")
        if low and low not in CONNECTORS and low not in CREDIT_WORDS and low not in ORG_WORDS:
            count += 1
    return count


def _name_shaped(text: str) -> bool:
    for word in _words(text.replace(",", " ")):
        if not _WORD.match(word):
            return False
        bare = word.lstrip("@'’(")
        if bare.lower() in CONNECTORS or bare.lower() in ("dpa", "imago"):
            continue
        if not (bare[:1].isupper() or bare[:1].isdigit()):
            return False
    return True


def credit_likelihood(line: str) -> Likelihood:
    """How much one line, taken alone, looks like a photo credit."""
    text = unwrap(" ".join(line.split()))
    words = _words(text)
    if not words or len(text) > 120 or len(words) > 14:
        return Likelihood.SENTENCE
    form = bool(_FORM_START.match(text) or COPYRIGHT.search(text))
    lowered = text.lower()
    parts = [p.strip() for p in re.split(r"/|\s\|\s|\s+via\s+", text, flags=re.I)]
    known = any(p.lower().rstrip(".") in KNOWN_AGENCIES for p in parts)
    known_word = any(w.lower().strip(",.") in KNOWN_AGENCIES and (is_acronym(w) or w[:1].isupper())
                     for w in words)
    chain = len(parts) > 1 and all(p and (_name_shaped(p) or _prose_words(p) == 0)
                                   for p in parts)
    office = bool(re.search(r"\b(?:press|media) (?:office|service)\b|\bhandout\b", lowered)
                  or re.match(r"(?i:office|press office|press service) of (?:the )?[A-Z]", text))
    by_line = bool(re.match(r"^[^/]+ for (?:the )?[A-Z]", text)) and len(words) <= 9
    prose = _prose_words(text)
    if _SENTENCE_END.search(text) and not ABBREV_END.search(text):
        if text.endswith(".") and len(words) <= 8 and (form or chain) and prose == 0:
            return Likelihood.FORM  # "Handout via Reuters."
        return Likelihood.SENTENCE
    if form and text[:4].lower() == "via " and prose:
        form = False  # "Via Dolorosa in Jerusalem" is a place
    if form and (prose <= 1 or (COURTESY.match(text) and len(words) <= 10 and prose <= 2)):
        return Likelihood.FORM
    if prose >= 3:
        return Likelihood.SENTENCE
    if prose <= 1 and (chain or office or known):
        return Likelihood.FORM
    if prose == 0 and by_line:
        return Likelihood.FORM
    if prose == 0 and _name_shaped(text) and len(words) <= 8 and (known_word or any(
            w.lower().strip(",.()") in ORG_WORDS or is_acronym(w) for w in words)):
        return Likelihood.ORGANISATION
    if prose == 0 and _name_shaped(text) and len(words) <= 6:
        return Likelihood.NAME
    return Likelihood.UNLIKELY


def looks_like_credit(line: str) -> bool:
    """Whether a line, taken alone, could be a credit line (a known form or a run of names)."""
    return credit_likelihood(line) >= Likelihood.NAME
