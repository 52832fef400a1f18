"""Photo credit lines: what a credit says (a structured :class:`Credit`) and whether a line is one.

Newsrooms write credits in many forms: agency chains (``Alain Jocard/AFP/Getty Images``),
handouts and pools (``Handout via Reuters``, ``Pool/AFP/Getty Images``), file photos, courtesy
lines, press offices, copyright notices (``Satellite image ©2024 Maxar Technologies``) and
by-lines (``Jane Doe for The New York Times``).  No maintained library parses them, so this is a
small hand-written grammar of those forms with tables of the words agencies use.  How a credit is
*said* lives in :mod:`briefing.text.describe`; how a block of lines is split into captions and
credits
lives in :mod:`briefing.text.captions`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from briefing.text.credit_words import (
    CONNECTORS,
    CREDIT_WORDS,
    DISTRIBUTORS,
    KNOWN_AGENCIES,
    ORG_WORDS,
    PLATFORMS,
    SATELLITE_PROVIDERS,
)


class CreditRole(StrEnum):
    """What a credit says about where a photo comes from."""

    PHOTOGRAPHER = "photographer"
    """A person took it; agencies that carry it may follow (``Jane Doe/AP``)."""
    AGENCY = "agency"
    """An agency or organisation only (``Xinhua/Getty Images``, ``U.S. Navy``)."""
    HANDOUT = "handout"
    """Handed out by the people in the news (``Handout/Reuters``, ``Family handout``)."""
    POOL = "pool"
    """Taken by a pool photographer shared by several outlets (``Pool photo via AP``)."""
    FILE = "file"
    """An older photo from the archive (``File photo``, ``File/AP``)."""
    COURTESY = "courtesy"
    """Lent by its owner (``Courtesy of the Lithuanian presidency``)."""
    OFFICE = "office"
    """Issued by a press office or press service (``Festival press office``)."""
    PROVIDER = "provider"
    """A copyright holder or imagery provider (``© Planet Labs PBC``, ``Maxar Technologies``)."""
    SOCIAL_MEDIA = "social media"
    """Taken from a social network (``Social media/Reuters``, ``Telegram/Reuters``)."""


@dataclass(frozen=True)
class Credit:
    """Who made or supplied a photo, as given on its credit line."""

    raw: str
    """The credit line as written."""

    role: CreditRole = CreditRole.AGENCY
    """What the credit says about the photo's origin."""

    photographer: str | None = None
    """The person (or people) who took the photo, when named."""

    sources: tuple[str, ...] = ()
    """Agencies, offices or owners the photo comes from, in the order given."""

    via: str | None = None
    """The distributor (``via Getty Images``, or the last of a chain of agencies)."""

    for_org: str | None = None
    """The outlet a photographer worked for (``Jane Doe for The New York Times``)."""

    qualifier: str | None = None
    """A word qualifying the role: ``Family`` of ``Family handout``, ``Kremlin`` of a pool."""

    year: int | None = None
    """A copyright year (kept, never read out)."""

    kind: str | None = None
    """The image kind when the credit says it (``satellite image``)."""

    @property
    def organisations(self) -> tuple[str, ...]:
        """Every organisation named, in order: sources, distributor, outlet."""
        extra = tuple(x for x in (self.via, self.for_org) if x)
        return self.sources + extra


# --------------------------------------------------------------------------- vocabulary

_ROLE_WORDS = {"handout": CreditRole.HANDOUT, "pool": CreditRole.POOL, "file": CreditRole.FILE}
_ABBREV_END = re.compile(r"\b(?:Inc|Ltd|Co|Corp|Jr|Sr|LLC|PBC|Bros|U\.S|U\.K|U\.N|D\.C)\.$")
_SENTENCE_END = re.compile(r"[.!?;:,\"”’)]$")
_COPYRIGHT = re.compile(r"(?:©|\(c\)|\bcopyright\b)\s*(?P<year>(?:19|20)\d\d)?\s*", re.I)
_KIND_PREFIX = re.compile(
    r"^(?:(?P<kind>satellite|aerial|drone)\s+(?:image|photo|picture|imagery|view)s?\b\s*:?"
    r"|(?:photo\s+)?(?P<illustration>illustration)\b\s*(?::|\bby\b)?"
    r"|(?P<still>screen ?grab|screenshot|video grab|video still)s?(?:\s+from\s+video)?\b\s*"
    r"(?::|\bby\b|\bfrom\b|\bvia\b(?=\s*\S+\s*$))?)\s*", re.I)
_ROLE_LEAD = re.compile(r"^(?P<role>handout|pool)(?:\s+(?:photo|picture|image)s?)?\s*"
                        r"(?::|\bby\b|\bfrom\b)\s*", re.I)
_PHOTO_PREFIX = re.compile(
    r"^(?:(?:photo(?:graph)?s?|pictures?|images?|imagery)\s*(?:credits?\s*)?(?::|\bby\b)"
    r"|(?:(?:photo(?:graph)?|picture|image)s?\s+)?(?:provided|supplied|released|distributed"
    r"|obtained|issued)\s+by\b|credits?\s*:)\s*", re.I)
_UNNAMED = frozenset({"staff", "stringer", "str", "staff photographer", "-", "uncredited",
                      "unknown", "photographer unknown"})
"""Parts that name nobody (``REUTERS/Stringer``, ``STR/AFP``): left out."""
_COURTESY = re.compile(r"^(?:(?:photo|image|picture)s?\s+)?courtesy\b(?:\s+of\b)?\s*[:,]?\s*",
                       re.I)
_FILE_EDGE = re.compile(r"^file(?:\s+(?:photo|picture|image))?\b\s*(?::|/|,|\bby\b)?\s*"
                        r"|\s*(?:[,/]\s*file|\(file(?:\s+photo)?\))$", re.I)
_WORD = re.compile(r"^[\w@'’.&()-]+$")


def _words(text: str) -> list[str]:
    return text.replace("/", " ").replace(" | ", " ").split()


def _unwrap(text: str) -> str:
    """A credit without the brackets some sites put around it: ``(Photo: Jane Doe/AP)``."""
    m = re.fullmatch(r"\((.+)\)|\[(.+)\]", text.strip())
    return (m.group(1) or m.group(2)).strip() if m else text


def is_acronym(word: str) -> bool:
    """Whether a word is written in capitals (``AFP``, ``ТАСС``, ``U.S.``)."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


def is_organisation(name: str) -> bool:
    """Whether a credit part names an organisation rather than a person."""
    words = name.split()
    lowered = name.lower().strip(" .")
    if not words:
        return False
    if lowered in KNOWN_AGENCIES or lowered.startswith("the "):
        return True
    capitals = all(is_acronym(w) or w.lower() in CONNECTORS for w in words)
    if len(words) > 1 and capitals and not any(w.lower().strip(".,") in ORG_WORDS for w in words):
        return False  # a name in capitals: "JOHN MACDOUGALL/AFP"
    if len(words) == 1 or any(is_acronym(w) or any(c.isdigit() for c in w) for w in words):
        return True
    if any(w.lower().strip(".,()") in ORG_WORDS for w in words):
        return True
    return not words[0][:1].isupper()


# --------------------------------------------------------------------------- parsing

def _role_of_part(part: str) -> tuple[CreditRole | None, str | None]:
    """The role a part names (``Family handout``, ``Kremlin Pool Photo``) and its qualifier."""
    words = part.split()
    trimmed = [w for w in words if w.lower().strip(".") not in ("photo", "photos", "picture",
                                                               "image")]
    if not trimmed:
        return None, None
    if [w.lower() for w in trimmed] == ["family"] and len(words) > 1:  # "Family photo via AP"
        return CreditRole.HANDOUT, trimmed[0]
    for i, word in enumerate(trimmed):
        role = _ROLE_WORDS.get(word.lower().strip("."))
        if role is not None and (i == len(trimmed) - 1 or i == 0):
            rest = trimmed[:i] + trimmed[i + 1:]
            if len(rest) <= 2:
                return role, " ".join(rest) or None
    return None, None


def _clean_part(part: str) -> str:
    part = part.strip(" ,;:-")
    m = re.fullmatch(r"(.+?)\s+(?:photos?|pictures?)", part, re.I)
    if m and is_organisation(m.group(1)):  # "AP Photo", "Kommersant Photo"
        part = m.group(1)
    return part


def parse_credit(raw: str) -> Credit:
    """Read a credit line into a :class:`Credit` (any form; unknown forms keep their names)."""
    text = " ".join(raw.split())
    rest = _unwrap(text)
    rest = rest.rstrip(".") if not _ABBREV_END.search(rest) else rest
    kind = None
    m = _KIND_PREFIX.match(rest)
    if m:
        kind = (m.group("kind").lower() + " image" if m.group("kind") else
                "video still" if m.group("still") else "illustration")
        rest = rest[m.end():]
    year = None
    m = _COPYRIGHT.search(rest)
    copyright_sign = m is not None
    if m:
        year = int(m.group("year")) if m.group("year") else None
        rest = (rest[:m.start()] + " " + rest[m.end():]).strip()
        found = re.search(r"\s*\b(?:19|20)\d\d\b", rest)  # "©Jane Doe 2024"
        if found:
            year = year or int(found.group(0))
            rest = (rest[:found.start()] + rest[found.end():]).strip()
    roles: list[CreditRole] = []
    m = _PHOTO_PREFIX.match(rest)
    if m:
        if re.search(r"provided|supplied|released|issued", m.group(0), re.I):
            roles.append(CreditRole.HANDOUT)  # "Photo provided by the city of Tartu"
        rest = rest[m.end():]
    qualifier = None
    m = _ROLE_LEAD.match(rest)
    if m:  # "Pool photo by Jane Doe via AP", "Handout: Ministry of Defence"
        roles.append(_ROLE_WORDS[m.group("role").lower()])
        rest = rest[m.end():]
    m = _FILE_EDGE.search(rest)
    if m and m.group(0).strip(" ,/:"):
        roles.append(CreditRole.FILE)
        rest = (rest[:m.start()] + rest[m.end():]).strip()
        rest = _PHOTO_PREFIX.sub("", rest, count=1)
    courtesy = None
    m = _COURTESY.match(rest)
    if m:
        roles.append(CreditRole.COURTESY)
        rest = rest[m.end():]
    via = None
    pieces = re.split(r"(?:\s+|/|^)via\s+", rest, flags=re.I)
    if len(pieces) > 1:  # "KCNA via KNS/AP": the chain goes on after "via"
        after = [_clean_part(p) for p in pieces[-1].split("/") if _clean_part(p)]
        via = after.pop() if after else None
        rest = "/".join(p for p in [" via ".join(pieces[:-1]), *after] if p)
    for_org = None
    m = re.match(r"^(?P<who>[^/]+?)\s+for\s+(?P<org>[^/]+)$", rest) or re.match(
        r"^(?P<who>.+?)\s+for\s+(?P<org>[^/]+)$", rest)
    if m and not _COURTESY.match(text) and m.group("org")[:1].isupper():
        for_org, rest = _clean_part(m.group("org")), m.group("who")
    people: list[str] = []
    orgs: list[str] = []
    for raw_part in (p for p in re.split(r"\s*[/|]\s*|,\s+", rest) if p.strip(" ,")):
        role, qual = _role_of_part(raw_part.strip(" ,;:-"))
        part = _clean_part(raw_part)
        if not part or part.lower() in _UNNAMED:
            continue
        if role is not None:
            roles.append(role)
            qualifier = qualifier or qual
        elif CreditRole.COURTESY in roles and courtesy is None:
            courtesy = part
        elif is_organisation(part):
            orgs.append(part)
        else:
            people.append(part)
    if courtesy is not None:
        orgs.insert(0, courtesy)
    if via is None and len(orgs) >= 2 and orgs[-1].lower() in DISTRIBUTORS:
        via = orgs.pop()
    photographer = " and ".join(people) or None
    if roles:
        role = roles[0]
    elif photographer:
        role = CreditRole.PHOTOGRAPHER
    elif any(re.search(r"\b(?:office|service|press centre|press center)\b", o, re.I)
             for o in orgs):
        role = CreditRole.OFFICE
    elif orgs and all(o.lower() in PLATFORMS for o in orgs):
        role = CreditRole.SOCIAL_MEDIA
    elif copyright_sign or any(SATELLITE_PROVIDERS.search(o) for o in orgs):
        role = CreditRole.PROVIDER
    else:
        role = CreditRole.AGENCY
    if kind is None and SATELLITE_PROVIDERS.search(text):
        kind = "satellite image"
    return Credit(raw=text, role=role, photographer=photographer, sources=tuple(orgs), via=via,
                  for_org=for_org, qualifier=qualifier, year=year, kind=kind)


# --------------------------------------------------------------------------- line evidence

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
    text = _unwrap(" ".join(line.split()))
    words = _words(text)
    if not words or len(text) > 120 or len(words) > 14:
        return Likelihood.SENTENCE
    form = bool(_FORM_START.match(text) or _COPYRIGHT.search(text))
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
    if _SENTENCE_END.search(text) and not _ABBREV_END.search(text):
        if text.endswith(".") and len(words) <= 8 and (form or chain) and prose == 0:
            return Likelihood.FORM  # "Handout via Reuters."
        return Likelihood.SENTENCE
    if form and text[:4].lower() == "via " and prose:
        form = False  # "Via Dolorosa in Jerusalem" is a place
    if form and (prose <= 1 or (_COURTESY.match(text) and len(words) <= 10 and prose <= 2)):
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
