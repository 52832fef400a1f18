"""What a talking book of one date holds: the input of the DAISY 2.02 and EPUB 3 writers.

Both formats say the same thing in different markup: a book title, its chapters in reading order
with their heading level, and, for each chapter, its MP3 and the sentences spoken in it with
their times in that MP3 (the "text linked to its clip" that lets a player highlight the text it
plays).  This module holds that common input as frozen data and checks it once, so both writers
can rely on it: the levels nest (a photo description is level 2 and follows the story it belongs
to, or another photo of that story), every sentence lies inside its chapter's audio and the
sentences of a chapter are in time order.  The writers never read the script or the manifest
themselves; the build fills a :class:`TalkingBook` from what it already knows.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from briefing.artwork import Cover
from briefing.chapters import PHOTO_LEVEL, TOP_LEVEL, ChapterKind
from briefing.errors import BriefingError

TIME_SLACK_S = 0.05
"""How far (seconds) a sentence may end past its chapter's duration: MP3 frame rounding."""

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_XML_SPACE = re.compile("[ \t\n\r]+")


class TalkingBookError(BriefingError, ValueError):
    """A talking book's input is inconsistent (a bug in whatever built it, not the user's)."""


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (C0 controls, lone surrogates), its
    runs of XML white space (which parsers normalise in attributes) one space, stripped."""
    return _XML_SPACE.sub(" ", _NOT_XML.sub("", text)).strip()


def clock(seconds: float, *, fraction: bool = True) -> str:
    """``seconds`` as ``h:mm:ss.fff`` (``h:mm:ss`` without ``fraction``, rounded)."""
    if not fraction:
        whole = round(seconds)
        return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"
    millis = round(seconds * 1000)
    whole, ms = divmod(millis, 1000)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}.{ms:03d}"


@dataclass(frozen=True)
class Sentence:
    """One spoken sentence: its text and where it lies in its chapter's MP3 (seconds)."""

    text: str
    begin: float
    end: float


@dataclass(frozen=True)
class BookChapter:
    """One chapter: its kind, title, MP3 and sentences."""

    kind: ChapterKind
    title: str
    audio: str
    """The chapter's MP3, relative to the audio folder given to the writers (``/`` separated)."""

    duration: float
    """The MP3's duration in seconds (what a player plays of it)."""

    sentences: tuple[Sentence, ...]

    nav_level: int | None = None
    """Its navigation level as the build's outlines have it (:func:`briefing.chapters.
    chapter_levels`); by default 2 for a photo, 1 for any other kind."""

    @property
    def level(self) -> int:
        """Its heading level: :attr:`nav_level`, else from its kind."""
        if self.nav_level is not None:
            return self.nav_level
        return PHOTO_LEVEL if self.kind is ChapterKind.PHOTO else TOP_LEVEL

    def clips(self) -> tuple[tuple[int, int], ...]:
        """Each sentence's clip of the MP3, in whole milliseconds: from where it begins to where
        the next one begins (the first from 0, the last to the end of the audio).

        DAISY and EPUB players seek to every clip, so clips holding only the speech would cut
        the pauses the build spaced between sentences and paragraphs; these clips play the
        whole chapter, and each still holds its sentence (see :data:`TIME_SLACK_S`).
        """
        starts = [0, *(round(s.begin * 1000) for s in self.sentences[1:])]
        # round first: 1.001 s * 1000 is 1000.999... in binary floating point
        end = max(math.floor(round(self.duration * 1000, 6)), starts[-1] + 1)
        return tuple(zip(starts, [*starts[1:], end], strict=True))

    def timed(self) -> tuple[tuple[Sentence, int, int], ...]:
        """Each sentence with its clip's begin and end (ms): :meth:`clips`."""
        return tuple((s, b, e) for s, (b, e) in zip(self.sentences, self.clips(), strict=True))

    @property
    def played(self) -> float:
        """What a player plays of the chapter: the span of its :meth:`clips`, in seconds."""
        return self.clips()[-1][1] / 1000

    def check(self, number: int) -> None:
        """Raise :class:`TalkingBookError` unless the chapter can be written (``number`` from 1)."""
        where = f"chapter {number} ({self.title!r})"
        path = PurePosixPath(self.audio)
        if path.is_absolute() or ".." in path.parts or path.suffix.lower() != ".mp3":
            raise TalkingBookError(f"{where}: its audio {self.audio!r} is not a relative .mp3 path")
        if not xml_text(self.title):
            raise TalkingBookError(f"{where}: the title is empty")
        if not self.duration > 0:
            raise TalkingBookError(f"{where}: the duration {self.duration} is not positive")
        if not self.sentences:
            raise TalkingBookError(f"{where}: no sentences")
        previous_end = 0.0
        for k, sentence in enumerate(self.sentences, 1):
            if not xml_text(sentence.text):
                raise TalkingBookError(f"{where}: sentence {k} is empty")
            if not previous_end - TIME_SLACK_S <= sentence.begin < sentence.end:
                raise TalkingBookError(
                    f"{where}: sentence {k} runs from {sentence.begin} to {sentence.end} s "
                    f"(after one ending at {previous_end} s)")
            if sentence.end > self.duration + TIME_SLACK_S:
                raise TalkingBookError(
                    f"{where}: sentence {k} ends at {sentence.end} s, after the audio "
                    f"({self.duration} s)")
            previous_end = sentence.end


@dataclass(frozen=True)
class TalkingBook:
    """One date's talking book."""

    title: str
    date: dt.date
    language: str
    """A BCP 47 tag (``en``, ``en-GB``)."""

    author: str
    publisher: str
    chapters: tuple[BookChapter, ...]
    cover: Cover | None = None
    """Artwork for the EPUB (DAISY 2.02 has no cover)."""

    modified: dt.datetime | None = None
    """When the book last changed (EPUB's ``dcterms:modified``); ``None``: midnight UTC of
    :attr:`date`, so the same input always gives the same bytes."""

    narrator: str = ""
    """Who (which voice) reads the book: DAISY's ``ncc:narrator``, EPUB's ``media:narrator``;
    empty: not given."""

    identifier: str = field(default="")
    """A unique id; empty: a UUID derived from the title, date and language."""

    def __post_init__(self) -> None:
        if not xml_text(self.title):
            raise TalkingBookError("the book's title is empty")
        if not re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", self.language):
            raise TalkingBookError(f"{self.language!r} is not a language tag")
        if not self.chapters:
            raise TalkingBookError("the book has no chapters")
        for number, chapter in enumerate(self.chapters, 1):
            chapter.check(number)
            if chapter.level == PHOTO_LEVEL and (
                number == 1 or self.chapters[number - 2].kind
                not in (ChapterKind.STORY, ChapterKind.PHOTO)):
                raise TalkingBookError(
                    f"chapter {number} ({chapter.title!r}) is a photo that follows no story")

    @property
    def uid(self) -> str:
        """:attr:`identifier`, or a deterministic ``urn:uuid:`` when it is empty."""
        if self.identifier:
            return self.identifier
        name = f"briefing:{self.title}:{self.date.isoformat()}:{self.language}"
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"

    @property
    def modified_utc(self) -> dt.datetime:
        """:attr:`modified` in UTC, whole seconds."""
        when = self.modified or dt.datetime.combine(self.date, dt.time(), dt.UTC)
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return when.astimezone(dt.UTC).replace(microsecond=0)

    @property
    def depth(self) -> int:
        """The deepest heading level used (1 or 2)."""
        return max(chapter.level for chapter in self.chapters)

    @property
    def duration(self) -> float:
        """The whole book's audio, in seconds."""
        return sum(chapter.duration for chapter in self.chapters)

    @property
    def played(self) -> float:
        """What a player plays of the book (the sum of :attr:`BookChapter.played`)."""
        return sum(chapter.played for chapter in self.chapters)


def chapter_id(number: int) -> str:
    """The id of chapter ``number`` (1-based) in every file of both formats."""
    return f"c{number:03d}"


def sentence_id(number: int, sentence: int) -> str:
    """The id of sentence ``sentence`` (1-based) of chapter ``number``."""
    return f"{chapter_id(number)}s{sentence:03d}"


def audio_name(number: int) -> str:
    """The file name chapter ``number``'s MP3 gets inside a book (plain ASCII, unique)."""
    return f"{chapter_id(number)}.mp3"
