"""Photo credit lines: what a credit says, read into a structured :class:`Credit`.

Newsrooms write credits in many forms: agency chains (``Alain Jocard/AFP/Getty Images``),
handouts and pools (``Handout via Reuters``, ``Pool/AFP/Getty Images``), file photos, courtesy
lines, press offices, copyright notices (``Satellite image ©2024 Maxar Technologies``) and
by-lines (``Jane Doe for The New York Times``).  No maintained library parses them, so this is a
small hand-written grammar of those forms with tables of the words agencies use.  How a credit is
*said* lives in :mod:`briefing.text.describe`, whether a line is one in
:mod:`briefing.text.credit_lines`, and how a block of lines is split into captions and credits in
:mod:`briefing.text.captions`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from briefing.text.credit_words import (
    CONNECTORS,
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
ABBREV_END = re.compile(r"\b(?:Inc|Ltd|Co|Corp|Jr|Sr|LLC|PBC|Bros|U\.S|U\.K|U\.N|D\.C)\.$")
COPYRIGHT = re.compile(r"(?:©|\(c\)|\bcopyright\b)\s*(?P<year>(?:19|20)\d\d)?\s*", re.I)
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
COURTESY = re.compile(r"^(?:(?:photo|image|picture)s?\s+)?courtesy\b(?:\s+of\b)?\s*[:,]?\s*",
                       re.I)
_FILE_EDGE = re.compile(r"^file(?:\s+(?:photo|picture|image))?\b\s*(?::|/|,|\bby\b)?\s*"
                        r"|\s*(?:[,/]\s*file|\(file(?:\s+photo)?\))$", re.I)


def unwrap(text: str) -> str:
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
    """Read a credit line into a :class:`Credit` (any form; unknown forms keep their names).

    The line is read from the outside in: its brackets and final dot, an image kind ("Satellite
    image:"), a copyright notice, the words that name a role first ("Photo provided by",
    "Pool photo by", "File/", "Courtesy of"), the distributor after "via", the outlet after
    "for"; what is left is split at slashes and commas into people and organisations.
    """
    text = " ".join(raw.split())
    rest = unwrap(text)
    rest = rest.rstrip(".") if not ABBREV_END.search(rest) else rest
    kind, rest = _take_kind(rest)
    year, copyright_sign, rest = _take_copyright(rest)
    roles, rest = _take_leading_roles(rest)
    via, rest = _take_via(rest)
    for_org, rest = _take_for_org(rest, text)
    parts = _sort_parts(rest, roles)
    orgs = list(parts.orgs)
    if via is None and len(orgs) >= 2 and orgs[-1].lower() in DISTRIBUTORS:
        via = orgs.pop()
    photographer = " and ".join(parts.people) or None
    role = _main_role(parts.roles, photographer, orgs, copyright_sign)
    if kind is None and SATELLITE_PROVIDERS.search(text):
        kind = "satellite image"
    return Credit(raw=text, role=role, photographer=photographer, sources=tuple(orgs), via=via,
                  for_org=for_org, qualifier=parts.qualifier, year=year, kind=kind)


def _take_kind(rest: str) -> tuple[str | None, str]:
    """The image kind a credit starts with ("Satellite image:", "Screengrab from video") and the
    rest of the credit."""
    m = _KIND_PREFIX.match(rest)
    if not m:
        return None, rest
    kind = (m.group("kind").lower() + " image" if m.group("kind") else
            "video still" if m.group("still") else "illustration")
    return kind, rest[m.end():]


def _take_copyright(rest: str) -> tuple[int | None, bool, str]:
    """A copyright notice's year, whether there was one ("©", "(c)", "copyright"), and the rest
    of the credit without them."""
    m = COPYRIGHT.search(rest)
    if not m:
        return None, False, rest
    year = int(m.group("year")) if m.group("year") else None
    rest = (rest[:m.start()] + " " + rest[m.end():]).strip()
    found = re.search(r"\s*\b(?:19|20)\d\d\b", rest)  # "©Jane Doe 2024"
    if found:
        year = year or int(found.group(0))
        rest = (rest[:found.start()] + rest[found.end():]).strip()
    return year, True, rest


def _take_leading_roles(rest: str) -> tuple[list[CreditRole], str]:
    """The roles named around the names ("Photo provided by", "Pool photo by", "File/",
    "Courtesy of"), in that order, and the rest of the credit without them."""
    roles: list[CreditRole] = []
    m = _PHOTO_PREFIX.match(rest)
    if m:
        if re.search(r"provided|supplied|released|issued", m.group(0), re.I):
            roles.append(CreditRole.HANDOUT)  # "Photo provided by the city of Tartu"
        rest = rest[m.end():]
    m = _ROLE_LEAD.match(rest)
    if m:  # "Pool photo by Jane Doe via AP", "Handout: Ministry of Defence"
        roles.append(_ROLE_WORDS[m.group("role").lower()])
        rest = rest[m.end():]
    m = _FILE_EDGE.search(rest)
    if m and m.group(0).strip(" ,/:"):
        roles.append(CreditRole.FILE)
        rest = (rest[:m.start()] + rest[m.end():]).strip()
        rest = _PHOTO_PREFIX.sub("", rest, count=1)
    m = COURTESY.match(rest)
    if m:
        roles.append(CreditRole.COURTESY)
        rest = rest[m.end():]
    return roles, rest


def _take_via(rest: str) -> tuple[str | None, str]:
    """The distributor after the last "via" and the rest of the chain ("KCNA via KNS/AP": the
    chain goes on after "via", and its last agency distributes)."""
    pieces = re.split(r"(?:\s+|/|^)via\s+", rest, flags=re.I)
    if len(pieces) <= 1:
        return None, rest
    after = [_clean_part(p) for p in pieces[-1].split("/") if _clean_part(p)]
    via = after.pop() if after else None
    return via, "/".join(p for p in [" via ".join(pieces[:-1]), *after] if p)


def _take_for_org(rest: str, text: str) -> tuple[str | None, str]:
    """The outlet of a by-line ("Jane Doe for The New York Times") and the rest; a courtesy line
    (``text``) has none ("Courtesy of the family for ...")."""
    m = re.match(r"^(?P<who>[^/]+?)\s+for\s+(?P<org>[^/]+)$", rest) or re.match(
        r"^(?P<who>.+?)\s+for\s+(?P<org>[^/]+)$", rest)
    if m and not COURTESY.match(text) and m.group("org")[:1].isupper():
        return _clean_part(m.group("org")), m.group("who")
    return None, rest


@dataclass(frozen=True)
class _Parts:
    """The names of a credit sorted, with the roles the whole credit names."""

    people: tuple[str, ...]
    orgs: tuple[str, ...]
    """Organisations in order, the owner of a courtesy line first."""
    roles: tuple[CreditRole, ...]
    qualifier: str | None


def _sort_parts(rest: str, roles: list[CreditRole]) -> _Parts:
    """The parts of ``rest`` (split at slashes, bars and commas) sorted into people,
    organisations and role words ("Family handout"), after the ``roles`` already found."""
    found = list(roles)
    qualifier = None
    courtesy = None
    people: list[str] = []
    orgs: list[str] = []
    for raw_part in (p for p in re.split(r"\s*[/|]\s*|,\s+", rest) if p.strip(" ,")):
        role, qual = _role_of_part(raw_part.strip(" ,;:-"))
        part = _clean_part(raw_part)
        if not part or part.lower() in _UNNAMED:
            continue
        if role is not None:
            found.append(role)
            qualifier = qualifier or qual
        elif CreditRole.COURTESY in found and courtesy is None:
            courtesy = part
        elif is_organisation(part):
            orgs.append(part)
        else:
            people.append(part)
    if courtesy is not None:
        orgs.insert(0, courtesy)
    return _Parts(tuple(people), tuple(orgs), tuple(found), qualifier)


_OFFICE = re.compile(r"\b(?:office|service|press centre|press center)\b", re.I)


def _main_role(roles: tuple[CreditRole, ...], photographer: str | None, orgs: list[str],
               copyright_sign: bool) -> CreditRole:
    """The credit's role: the first role named, else what its names say."""
    if roles:
        return roles[0]
    if photographer:
        return CreditRole.PHOTOGRAPHER
    if any(_OFFICE.search(o) for o in orgs):
        return CreditRole.OFFICE
    if orgs and all(o.lower() in PLATFORMS for o in orgs):
        return CreditRole.SOCIAL_MEDIA
    if copyright_sign or any(SATELLITE_PROVIDERS.search(o) for o in orgs):
        return CreditRole.PROVIDER
    return CreditRole.AGENCY
