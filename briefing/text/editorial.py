"""The words briefing writes around the articles, as an editor would say them on air.

Hand-written because these are editorial choices no library makes: the date is said once in
full, in the opening, and after it the briefing's own day is "today" (the briefing is heard on
its date: :func:`briefing.text.dates.say_day`); the opening's rundown never reads a story's first
sentence word for word just before the story reads it again; the closing names the programme
and credits the photographers once, grouped by agency, in the order
they first appear ("Photos by A and B, Reuters; C, AFP; and the Associated Press.").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from briefing.text.article import Photo
from briefing.text.credits import Credit
from briefing.text.describe import short_title, spoken_name, spoken_person

# --------------------------------------------------------------------------- the rundown

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def repeats(headline: str, sentence: str) -> bool:
    """Whether saying ``headline`` and then ``sentence`` reads the same words twice: every word
    of the headline is the sentence's, in the sentence's order (case and punctuation aside), as
    in a headline cut from the sentence (its dateline, an opening "On Monday," or an aside
    between commas left out)."""
    said, then = _words(headline), iter(_words(sentence))
    return bool(said) and all(word in then for word in said)  # a subsequence: `in` consumes


def rundown_headline(headline: str, first_sentence: str, *, alone: bool) -> str | None:
    """What the opening says of a story whose text starts with ``first_sentence``.

    A headline that says something else (an article's own headline) is read as it is.  One that
    only repeats the first sentence's words (:func:`repeats`, as a headline derived from it
    does): for the only story, which is read
    straight after the opening, nothing (``None``: the listener would hear the same words twice
    in a row); in a rundown of several stories, a shorter phrase of it cut at a phrase boundary
    (:func:`briefing.text.describe.short_title`), never the whole sentence, or ``None`` when the
    sentence is too short to shorten.
    """
    if not repeats(headline, first_sentence):
        return headline
    if alone:
        return None
    whole = len(_words(first_sentence))
    if len(_words(headline)) < whole:
        return headline
    for limit in range(min(9, whole - 1), 2, -1):
        short = short_title(headline, limit)
        if short and 0 < len(_words(short)) < whole:
            return short
    return None


# --------------------------------------------------------------------------- the closing


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _agency_phrase(credit: Credit) -> str:
    """Whom a photographer worked for, as said after their name: ", AFP, via Getty Images",
    " for The New York Times" ("" when nobody is named).

    The agency is set off by commas, as in each photo's own credit ("Photo by Ann Lee, AFP,
    via Getty Images"): "Lee of AFP via Getty Images" ran together, and a recogniser heard
    the unstressed "of" as "on" and "AFP via" as "AF he via" in most closings of built
    briefings (espeak-ng)."""
    phrase = ""
    if credit.sources:
        phrase = ", " + _join([spoken_name(s) for s in credit.sources])
    if credit.via:
        phrase += f"{',' if credit.sources else ''} via {spoken_name(credit.via)}"
    if credit.for_org:
        phrase += f" for {credit.for_org}"
    return phrase


def credits_sentence(photos: Sequence[Photo]) -> str:
    """One sentence crediting every photographer and organisation of the briefing once.

    Photographers are grouped by the agencies they are credited with, the groups and the names
    in each in the order of first appearance, the groups apart by semicolons; organisations
    credited without a photographer come last, in that order, unless a group names them.  Roles
    (``Handout``, ``Pool``, ``File``) are not names (:class:`~briefing.text.credits.Credit` keeps
    them apart) and copyright signs and years are never read.
    """
    groups: dict[str, list[str]] = {}  # agency phrase -> photographers; "": no agency
    people: set[str] = set()
    organisations: list[str] = []  # credited without a photographer
    named: set[str] = set()  # organisations a group names
    kinds: set[str] = set()
    for photo in photos:
        credit = photo.credit
        if credit is None:
            continue
        kinds.add(photo.kind)
        if not credit.photographer:
            organisations.extend(spoken_name(o) for o in credit.organisations)
            continue
        person = spoken_person(credit.photographer)
        if person.lower() not in people:
            people.add(person.lower())
            groups.setdefault(_agency_phrase(credit), []).append(person)
            named.update(spoken_name(o).lower() for o in credit.organisations)
    parts = [_join(names) + phrase for phrase, names in groups.items()]
    others = [o for o in dict.fromkeys(organisations) if o.lower() not in named]
    if others:
        parts.append(_join(others))
    if not parts:
        return ""
    noun = "Photos" if kinds == {"photo"} else "Images"
    said = parts[0] if len(parts) == 1 else "; ".join(parts[:-1]) + "; and " + parts[-1]
    return f"{noun} by {said}."
