"""What a chapter is, from the script to every output: its kind, its story, its place in time.

The script generator knows what each chapter is (the opening, a story, a photo of a story, the
closing) and writes it into the script as a marker comment on the heading line,
``## Story 1: Night trains <!-- kind: story 1 -->`` (``docs/script-format.md``).  The reader
parses the marker into a :class:`ChapterKind` and a story number, and the build carries them to
the manifest and the pages, which take nesting and counts from them and never from the titles:
a producer who retitles a heading changes only its title.

Scripts written before the markers existed (or without any) are read with the rule the pages
used to apply, :func:`infer_roles` from the titles, so they keep their look.

Every chapter also has a navigation *level* (:func:`chapter_levels`), the one rule that every
outline follows (the page's nested list, the ID3 CTOC tree, the chapters JSON ``toc``, DAISY
headings): level 1 for the opening, the stories, the closing and any other chapter, level 2 for
a photo under its story.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum


class ChapterKind(StrEnum):
    """What a chapter is."""

    OPENING = "opening"
    STORY = "story"
    PHOTO = "photo"
    """A photo description; its story, when it belongs to one, is :attr:`ChapterRole.story`."""
    CLOSING = "closing"
    OTHER = "other"
    """A chapter a producer added without saying what it is."""


@dataclass(frozen=True)
class ChapterRole:
    """A chapter's kind and the story it is, or is a photo of (numbered from 1)."""

    kind: ChapterKind = ChapterKind.OTHER
    story: int | None = None


TOP_LEVEL = 1
"""The level of the opening, the stories, the closing and other chapters."""

PHOTO_LEVEL = 2
"""The level of a photo under its story."""


@dataclass(frozen=True)
class PublishedChapter:
    """A chapter as published: title, role and place on the briefing's timeline."""

    title: str
    kind: ChapterKind
    story: int | None
    start_ms: int
    end_ms: int
    level: int = TOP_LEVEL
    """Its navigation level among the briefing's chapters (:func:`chapter_levels`)."""

    @property
    def role(self) -> ChapterRole:
        """Its kind and story."""
        return ChapterRole(self.kind, self.story)

    def to_dict(self) -> dict[str, object]:
        """Its JSON form (the state, ``--json``): the fields, with the kind as its value."""
        return {"title": self.title, "kind": self.kind.value, "story": self.story,
                "level": self.level, "start_ms": self.start_ms, "end_ms": self.end_ms}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> PublishedChapter:
        """The chapter recorded as :meth:`to_dict` wrote it (kind ``other`` if absent).  The
        level is not read: it depends on the chapters around it, see :func:`with_levels`."""
        story = data.get("story")
        return cls(str(data["title"]), ChapterKind(str(data.get("kind", "other"))),
                   story if isinstance(story, int) else None,
                   int(str(data["start_ms"])), int(str(data["end_ms"])))


def with_levels(chapters: Sequence[PublishedChapter]) -> tuple[PublishedChapter, ...]:
    """``chapters`` (a briefing's, in time order) each with its level from
    :func:`chapter_levels`."""
    levels = chapter_levels([c.role for c in chapters])
    return tuple(replace(c, level=level) for c, level in zip(chapters, levels, strict=True))


# --------------------------------------------------------------------------- markers

MARKER_PREFIX = "kind:"
"""A comment on a heading line starting with this (``<!-- kind: ... -->``) is a marker."""

_MARKER = re.compile(r"^\s*kind\s*:(.*)$", re.I | re.S)
_VALUE = re.compile(
    r"^(?:(?P<plain>opening|closing|other)"
    r"|story(?:\s+(?P<story>[0-9]{1,3}))?"
    r"|photo(?:\s+of\s+story\s+(?P<of>[0-9]{1,3}))?)$",
    re.I | re.ASCII,
)


@dataclass(frozen=True)
class Marker:
    """A parsed marker; ``story`` is ``None`` where the marker leaves it to the context
    (``kind: story`` is the next story, ``kind: photo`` a photo of the story it follows)."""

    kind: ChapterKind
    story: int | None = None


def is_marker(comment: str) -> bool:
    """Whether the text inside a ``<!-- -->`` comment is a chapter marker."""
    return _MARKER.match(comment) is not None


def parse_marker(comment: str) -> Marker:
    """The marker in the text of a comment (:func:`is_marker`); ``ValueError`` if malformed."""
    m = _MARKER.match(comment)
    if m is None:
        raise ValueError("not a chapter marker")
    value = " ".join(m.group(1).split())
    v = _VALUE.match(value)
    if v is None:
        raise ValueError(f"chapter marker 'kind: {value}' is not one of 'opening', "
                         "'story <n>', 'photo of story <n>', 'closing', 'other'")
    number = v.group("story") or v.group("of")
    if number is not None and int(number) < 1:
        raise ValueError(f"chapter marker 'kind: {value}': stories are numbered from 1")
    if v.group("plain"):
        return Marker(ChapterKind(v.group("plain").lower()))
    kind = ChapterKind.STORY if value[:1].lower() == "s" else ChapterKind.PHOTO
    return Marker(kind, int(number) if number else None)


def format_marker(role: ChapterRole) -> str:
    """The marker comment of ``role``, as the generator writes it on a heading line."""
    if role.kind is ChapterKind.STORY and role.story is not None:
        value = f"story {role.story}"
    elif role.kind is ChapterKind.PHOTO and role.story is not None:
        value = f"photo of story {role.story}"
    else:
        value = role.kind.value
    return f"<!-- {MARKER_PREFIX} {value} -->"


def resolve_markers(markers: Sequence[Marker | None]) -> list[ChapterRole]:
    """The roles of a script's chapters from their markers (``None``: an unmarked chapter,
    which is :attr:`ChapterKind.OTHER`).  A story without a number is the one after the
    highest so far; a photo without one belongs to the story it follows, if any."""
    roles: list[ChapterRole] = []
    highest = 0
    open_story: int | None = None
    for marker in markers:
        if marker is None:
            role = ChapterRole()
        elif marker.kind is ChapterKind.STORY:
            role = ChapterRole(ChapterKind.STORY, marker.story or highest + 1)
        elif marker.kind is ChapterKind.PHOTO:
            role = ChapterRole(ChapterKind.PHOTO, marker.story or open_story)
        else:
            role = ChapterRole(marker.kind)
        if role.kind is ChapterKind.STORY:
            highest = max(highest, role.story or 0)
            open_story = role.story
        elif role.kind is not ChapterKind.PHOTO:
            open_story = None
        roles.append(role)
    return roles


def infer_roles(titles: Sequence[str]) -> list[ChapterRole]:
    """The roles of unmarked chapters, from their titles as briefing generates them: the
    rule for scripts (and manifests) made before the markers.

    ``Story ...`` is a story (numbered in order), ``Photo ...`` a photo of the story it
    follows, ``Opening`` and ``Closing`` are those; anything else is :attr:`ChapterKind.OTHER`
    and ends the story before it.
    """
    markers: list[Marker | None] = []
    for title in titles:
        if title.startswith("Story "):
            markers.append(Marker(ChapterKind.STORY))
        elif title.startswith("Photo "):
            markers.append(Marker(ChapterKind.PHOTO))
        elif title.lower() in ("opening", "closing"):
            markers.append(Marker(ChapterKind(title.lower())))
        else:
            markers.append(None)
    return resolve_markers(markers)


@dataclass(frozen=True)
class Nesting:
    """Where each chapter stands in the outline of a briefing, and its counts."""

    nested: tuple[bool, ...]
    """Per chapter: a photo shown under the story it follows."""

    stories: int
    photos: int


def nesting(roles: Sequence[ChapterRole]) -> Nesting:
    """Nesting and counts from the roles alone: a photo is nested when it belongs to the story
    it follows (only photos between them)."""
    nested: list[bool] = []
    open_story: int | None = None
    for role in roles:
        if role.kind is ChapterKind.STORY:
            open_story = role.story
        elif role.kind is not ChapterKind.PHOTO:
            open_story = None
        nested.append(role.kind is ChapterKind.PHOTO and role.story is not None
                      and role.story == open_story)
    return Nesting(tuple(nested), sum(r.kind is ChapterKind.STORY for r in roles),
                   sum(r.kind is ChapterKind.PHOTO for r in roles))


def chapter_levels(roles: Sequence[ChapterRole]) -> tuple[int, ...]:
    """The navigation level of each of a briefing's chapters (``roles`` in time order).

    Level 1 (:data:`TOP_LEVEL`): the opening, each story, the closing, any other chapter.
    Level 2 (:data:`PHOTO_LEVEL`): a photo of the story it follows (only photos between them,
    as :func:`nesting` says).  A photo of no story, which a hand-edited script can have, is
    level 1, and so is a photo a producer moved away from its story: every outline made from
    the levels (a level-2 chapter belongs to the level-1 chapter before it, as in a DAISY NCC
    or an ID3 CTOC tree) then stays in time order and never puts a photo under the wrong story.
    """
    return tuple(PHOTO_LEVEL if nested else TOP_LEVEL for nested in nesting(roles).nested)
