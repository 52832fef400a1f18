"""Words for the ear: photo descriptions (alt text), credits and short chapter titles."""

from __future__ import annotations

import datetime as dt
import re

from briefing.text.article import Photo
from briefing.text.credit_words import CONNECTORS, INSTITUTIONS, TITLE_CASED
from briefing.text.credits import Credit, CreditRole, is_acronym
from briefing.text.dates import resolve_mentions, say_day
from briefing.text.numbering import photo_position
from briefing.text.titles import chapter_title

_LEADING_SHOWS = re.compile(
    r"^(?:this|the|a|an)\s+(?:[\w-]+\s+){0,2}?(?:image|photo|photograph|picture|map|chart|graphic"
    r"|illustration|still|screengrab|screenshot|view)\s+(?:taken\s+\S+\s+)?shows\s+",
    re.I,
)


def spoken_person(name: str) -> str:
    """A person's name as said: a name written in capitals (``JOHN MACDOUGALL``) in title case."""
    words = name.split()
    if len(words) > 1 and all(is_acronym(w) or w.lower() in CONNECTORS for w in words):
        return " ".join(w if w.lower() in CONNECTORS else w.title() for w in words)
    return name


def spoken_name(name: str) -> str:
    """A name as said after "by" or "from": institutions take "the" (``the U.S. Navy``)."""
    if name.isupper() and name.lower() in TITLE_CASED:
        name = name.title()  # "REUTERS" is a word, not letters
    if name.lower() == "social media":
        return "social media"
    words = name.split()
    if not words or words[0].lower() in ("the", "a", "an"):
        return name
    lowered = name.lower()
    if any(w.lower().strip(".,") in INSTITUTIONS for w in words) or "white house" in lowered:
        first = words[0]
        if first.lower() in ("press", "office", "presidential", "festival"):
            name = first.lower() + name[len(first):]
        return "the " + name
    return name


def say_credit(credit: Credit | None, kind: str = "photo") -> str:
    """A credit as a newsreader says it, e.g. ``"Photo by Alain Jocard, AFP, via Getty Images"``.

    Handouts, pools and file photos name the role first (``"Handout photo from Reuters"``,
    ``"Pool photo from AFP, via Getty Images"``), courtesy lines say ``"Photo courtesy of ..."``,
    press offices ``"Photo from the ... press office"``; a copyright sign and year are never
    read out.  ``kind`` is the image's kind noun (``satellite image``).
    """
    if credit is None:
        return f"{kind[:1].upper()}{kind[1:]} credit not given"
    names = [spoken_name(s) for s in credit.sources]
    via = spoken_name(credit.via) if credit.via else None
    person = spoken_person(credit.photographer) if credit.photographer else None
    if credit.role in (CreditRole.HANDOUT, CreditRole.POOL, CreditRole.FILE):
        text, via = _role_first(credit, kind, person, names, via)
    else:
        said = _source_after(credit.role, kind, person, names, via)
        if said is None:
            return f"{kind[:1].upper()}{kind[1:]} credit not given"
        text, via = said
    if credit.for_org:  # "Photo by Jane Doe for The New York Times"
        text += f"{'' if person and not names else ','} for {credit.for_org}"
    if via:
        text += f", via {via}"
    return text


def _role_first(credit: Credit, kind: str, person: str | None, names: list[str],
                via: str | None) -> tuple[str, str | None]:
    """A handout, pool or file photo's credit, its role first ("Handout photo from Reuters"),
    and the distributor still to be said after it."""
    head = " ".join(x for x in (credit.qualifier, credit.role.value, kind) if x)
    head = head[:1].upper() + head[1:] if credit.qualifier else head.capitalize()
    if person:
        return f"{head} by " + ", ".join([person, *names]), via
    if names:
        return f"{head} from " + ", ".join(names), via
    return (f"{head} from {via}", None) if via else (head, None)


def _source_after(role: CreditRole, kind: str, person: str | None, names: list[str],
                  via: str | None) -> tuple[str, str | None] | None:
    """Any other credit, the kind first ("Photo by ...", "Photo courtesy of ...", "Photo from
    the ... press office"), and the distributor still to be said; None when nobody is named."""
    noun = kind[:1].upper() + kind[1:]
    if role is CreditRole.COURTESY and names:
        return f"{noun} courtesy of " + ", ".join(names), via
    if role in (CreditRole.OFFICE, CreditRole.SOCIAL_MEDIA) and names and not person:
        return f"{noun} from " + ", ".join(names), via
    if person or names:
        by = [person] if person else []
        return f"{noun} by " + ", ".join(by + names), via
    if via:
        return f"{noun} by {via}", None
    return None


def adapt_caption(caption: str) -> str:
    """The caption with "This satellite image shows" and the like removed (the kind is said)."""
    text = caption.strip()
    stripped = _LEADING_SHOWS.sub("", text, count=1)
    if stripped != text and stripped:
        text = stripped[0].upper() + stripped[1:]
    if text and text[-1] not in ".!?\"”":
        text += "."
    return text


def short_title(text: str, max_words: int = 8) -> str:
    """A short chapter title from a caption or headline: its main clause, a few words long.

    ``"Samantha Power, the administrator of USAID, speaks to the press after ..."`` gives
    ``"Samantha Power speaks to the press"`` (the cutting rules are in :mod:`briefing.text.titles`).
    """
    return chapter_title(adapt_caption(text), max_words)


def describe_photo(photo: Photo, number: int, total: int, today: dt.date | None = None) -> str:
    """An alt text for listening: which photo of how many, kind, when, what it shows, credit.

    ``today`` is the briefing's date: a photo taken that day was "taken today", the day before
    "taken yesterday" (:func:`briefing.text.dates.say_day`); a date the caption itself names is
    the article's wording and is left as written.

    A producer-written ``alt_text`` wins over the generated description (the position and the
    credit are still said, so the listener keeps their bearings).
    """
    kind = photo.kind
    article = "an" if kind[:1].lower() in "aeiou" else "a"
    position = photo_position(number, total)  # the reader renumbers it (text.numbering)
    if kind != "photo":
        position += f", {article} {kind}"
    if photo.alt_text:
        return f"{position}. {adapt_caption(photo.alt_text)} {say_credit(photo.credit, kind)}."
    when = ""
    if photo.date is not None and not resolve_mentions(photo.caption, photo.date):
        when = f", taken {say_day(photo.date, today)}"
    return f"{position}{when}. {adapt_caption(photo.caption)} {say_credit(photo.credit, kind)}."
