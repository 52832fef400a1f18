"""Words for the ear: photo descriptions (alt text), credits and short chapter titles."""

from __future__ import annotations

import re

from briefing.article import Credit, Photo
from briefing.dates import resolve_mentions, say_date

_LEADING_SHOWS = re.compile(
    r"^(?:this|the|a|an)\s+(?:[\w-]+\s+){0,2}?(?:image|photo|photograph|picture|map|chart|graphic"
    r"|illustration|still|screengrab|screenshot|view)\s+(?:taken\s+\S+\s+)?shows\s+",
    re.I,
)
_TITLE_STOP = {
    "a", "an", "the", "of", "in", "on", "at", "to", "from", "near", "and", "as", "for", "with",
    "by", "after", "while", "who", "which", "that", "is", "are", "their", "his", "her", "its",
    "along", "into", "over", "under", "up", "out", "through", "across", "outside", "inside",
}
_APPOSITIVE = re.compile(r"^((?:[A-Z][\w'’.-]*\s?){1,4}),\s[^,]+,\s(?=[a-z])")
_TITLE_CUTS = re.compile(
    r", |; |: | — | – | after | as | while | when | who | which | because | before | during "
    r"| following | on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February"
    r"|March|April|May|June|July|August|September|October|November|December)\b"
)


def say_credit(credit: Credit | None, kind: str = "photo") -> str:
    """A credit as a listener hears it: ``"Photo by Alain Jocard, AFP, via Getty Images"``."""
    noun = kind[:1].upper() + kind[1:]
    if credit is None:
        return f"{noun} credit not given"
    orgs = list(credit.organisations)
    if credit.photographer:
        parts = [credit.photographer]
        if len(orgs) >= 2:
            parts.extend(orgs[:-1])
            parts.append(f"via {orgs[-1]}")
        else:
            parts.extend(orgs)
        return f"{noun} by " + ", ".join(parts)
    if len(orgs) >= 2:
        return f"{noun} by " + ", ".join(orgs[:-1]) + f", via {orgs[-1]}"
    return f"{noun} by {orgs[0]}" if orgs else f"{noun} credit not given"


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
    ``"Samantha Power speaks to the press"``.
    """
    text = " ".join(adapt_caption(text).rstrip(".!?").split())
    appositive = _APPOSITIVE.match(text)
    if appositive:
        text = appositive.group(1).strip() + " " + text[appositive.end():]
    m = _TITLE_CUTS.search(text)
    if m and len(text[: m.start()].split()) >= 3:
        text = text[: m.start()]
    words = text.split()
    if words and words[0].lower() in ("a", "an", "the") and len(words) > 2:
        words = words[1:]
    words = words[:max_words]
    while len(words) > 2 and words[-1].lower().strip(",.") in _TITLE_STOP:
        words.pop()
    title = " ".join(words).strip(" ,;:—–-\"“”")
    return title[:1].upper() + title[1:]


def describe_photo(photo: Photo, number: int, total: int) -> str:
    """An alt text for listening: which photo of how many, kind, when, what it shows, credit.

    A producer-written ``alt_text`` wins over the generated description (the position and the
    credit are still said, so the listener keeps their bearings).
    """
    kind = photo.kind
    noun = kind[:1].upper() + kind[1:]
    article = "an" if kind[:1].lower() in "aeiou" else "a"
    # "out of", not "of": a synthetic voice reduces "1 of 13" to "1 on 13" (measured with a
    # recogniser: every photo's position was misheard with espeak-ng; see
    # docs/intelligibility-notes.md).
    position = f"{noun} {number} out of {total}" if kind == "photo" else (
        f"Photo {number} out of {total}, {article} {kind}")
    if photo.alt_text:
        return f"{position}. {adapt_caption(photo.alt_text)} {say_credit(photo.credit, kind)}."
    when = ""
    if photo.date is not None and not resolve_mentions(photo.caption, photo.date):
        when = f", taken on {say_date(photo.date)}"
    return f"{position}{when}. {adapt_caption(photo.caption)} {say_credit(photo.credit, kind)}."
