"""The parsed form of a narration script: chapters of paragraphs (of sentences) and pauses.

Kept apart from the reader (:mod:`briefing.text.script_read`, which re-exports these) so the
steps that work on a parsed script, such as recomputing its photo numbers
(:mod:`briefing.text.numbering`), can use the types without importing the reader.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from briefing.chapters import ChapterKind
from briefing.text.sound import Sound


@dataclass(frozen=True)
class Pause:
    """An explicit pause written as ``[pause 1.5s]``."""

    ms: int
    """Length in milliseconds."""


@dataclass(frozen=True)
class Paragraph:
    """A spoken paragraph."""

    sentences: tuple[str, ...]
    """Its sentences, each one synthesised as one segment."""

    line: int = field(default=0, compare=False)
    """The script line it starts on (for error messages)."""


Block = Paragraph | Pause | Sound


@dataclass(frozen=True)
class Chapter:
    """A chapter: a ``## `` heading and what follows it."""

    title: str
    """The heading text."""

    blocks: tuple[Block, ...]
    """Paragraphs, pauses and sound inserts, in order."""

    line: int = field(default=0, compare=False)
    """The line of its heading (for error messages)."""

    kind: ChapterKind = ChapterKind.OTHER
    """What the chapter is: its heading's marker (``<!-- kind: story 1 -->``), or for a script
    without markers what its title says (:func:`briefing.chapters.infer_roles`)."""

    story: int | None = None
    """The story it is, or is a photo of (numbered from 1)."""

    voice: str | None = None
    """The voice of a ``<!-- voice: ... -->`` comment on its heading (``None``: none given;
    ``default``: the script's voice)."""

    rate: int | None = None
    """The rate of a ``<!-- rate: ... -->`` comment on its heading (``None``: none given)."""

    @property
    def sentences(self) -> tuple[str, ...]:
        """Every spoken sentence of the chapter, in order."""
        return tuple(s for b in self.blocks if isinstance(b, Paragraph) for s in b.sentences)


@dataclass(frozen=True)
class Script:
    """A parsed narration script."""

    date: dt.date
    """The briefing's date (front matter ``date``)."""

    title: str
    """The briefing's title (front matter ``title``)."""

    voice: str | None
    """The voice (front matter ``voice``; ``None`` for the engine default)."""

    rate: int | None
    """Speaking rate in words per minute (front matter ``rate``; ``None``: the setting)."""

    lang: str
    """Language code (front matter ``lang``)."""

    chapters: tuple[Chapter, ...]
    """The chapters, in order."""

    photo_voice: str | None = None
    """The voice of photo chapters (front matter ``photo_voice``; ``None``: not given)."""

    photo_rate: int | None = None
    """The rate of photo chapters (front matter ``photo_rate``; ``None``: not given)."""

    sentence_pause_ms: int | None = None
    """Front matter ``sentence_pause_ms`` (``None``: not given); also the two below."""
    paragraph_pause_ms: int | None = None
    chapter_pause_ms: int | None = None
