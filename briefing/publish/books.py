"""A date's talking books (DAISY 2.02 and EPUB 3), made from what the outputs already hold.

The writers (:mod:`briefing.publish.daisy`, :mod:`briefing.publish.epub`) take a
:class:`~briefing.publish.talking_book.TalkingBook`; this module fills one from the date's
outputs (the chapters with their kinds and levels, the chapter MP3s just written, their
durations and the sentences' timings and text), so the books reuse the chapter files and never
re-encode audio.  The books' share of the outputs key is in :mod:`briefing.publish.formats`: the
formats are an ``outputs`` setting already, and the EPUB's cover (the site's, as for the M4B) is
added there, so changing the artwork remakes the EPUB.  Which files changed is read from the
folder before and after writing (every write is an atomic rename, so a changed file is a new
inode), so a rebuild that changes nothing reports nothing written.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.artwork import Cover
from briefing.audio.assemble import SegmentTiming
from briefing.chapters import PublishedChapter
from briefing.fsutil import remove_own_files
from briefing.publish.formats import BookOptions
from briefing.publish.talking_book import BookChapter, Sentence, TalkingBook
from briefing.text.markup import plain

log = logging.getLogger(__name__)


DAISY_FOLDER = "daisy"
_OWN_EPUB = re.compile(r"briefing-[0-9-]+\.epub")
_SUBTAG = re.compile(r"[A-Za-z0-9]{1,8}")
_BOOK_FILE = re.compile(r"ncc\.html|content\.html|c\d{3,}\.(?:smil|mp3)")
"""The files :func:`briefing.publish.daisy.write_daisy` writes in a book's folder."""


@dataclass(frozen=True)
class BookChapterInput:
    """One chapter as the outputs have it: its place in the layout, its MP3 (relative to the
    date's folder), the MP3's duration (ms) and its sentences."""

    chapter: PublishedChapter
    audio: str
    duration_ms: float
    segments: tuple[SegmentTiming, ...]


@dataclass(frozen=True)
class WrittenBooks:
    """What :func:`write_books` made: every file, the ones whose bytes changed, and the
    manifest entries (``file`` relative to the date's folder, ``bytes``)."""

    paths: tuple[Path, ...]
    written: tuple[Path, ...]
    entries: Mapping[str, Mapping[str, Any]]


def book_language(lang: str) -> str:
    """``lang`` (a BCP 47 tag, or an espeak-ng voice id such as ``gmw/en-us``) as a BCP 47 tag
    in its usual case: ``en-US``, ``zh-Hant-TW``, ``en-029``; ``und`` when nothing is left."""
    parts = lang.strip().replace("_", "-").rpartition("/")[2].split("-")
    if not parts[0].isalpha() or not all(_SUBTAG.fullmatch(p) for p in parts):
        return "und"
    tag = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha():
            tag.append(part.upper())
        elif len(part) == 4 and part.isalpha():
            tag.append(part.title())
        else:
            tag.append(part.lower())
    return "-".join(tag)


def _sentences(segments: Sequence[SegmentTiming]) -> tuple[Sentence, ...]:
    """The chapter's spoken sentences as plain text with their times in seconds (silent
    segments, which have no text, are left out)."""
    return tuple(Sentence(plain(s.text), s.start_ms / 1000, s.end_ms / 1000)
                 for s in segments if plain(s.text).strip())


def talking_book(title: str, day: str, lang: str, author: str, publisher: str,
                 chapters: Sequence[BookChapterInput], cover: Cover | None) -> TalkingBook:
    """The talking book of one date from its outputs."""
    return TalkingBook(
        title=title, date=dt.date.fromisoformat(day), language=book_language(lang),
        author=author, publisher=publisher, cover=cover,
        chapters=tuple(
            BookChapter(kind=c.chapter.kind, title=plain(c.chapter.title),
                        audio=c.audio, duration=c.duration_ms / 1000,
                        sentences=_sentences(c.segments), nav_level=c.chapter.level)
            for c in chapters))


def _snapshot(paths: Sequence[Path]) -> dict[Path, tuple[int, int, int]]:
    found: dict[Path, tuple[int, int, int]] = {}
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            continue
        found[path] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return found


def _daisy_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if _BOOK_FILE.fullmatch(p.name) and p.is_file())


def write_books(folder: Path, day: str, book: TalkingBook, options: BookOptions) -> WrittenBooks:
    """Write the books ``options`` ask for into the date's ``folder`` (only the files whose
    bytes change)."""
    from briefing.publish.daisy import write_daisy
    from briefing.publish.epub import write_epub

    paths: list[Path] = []
    written: list[Path] = []
    entries: dict[str, Mapping[str, Any]] = {}
    if options.daisy:
        daisy = folder / DAISY_FOLDER
        before = _snapshot(_daisy_files(daisy))
        write_daisy(book, folder, daisy)
        files = _daisy_files(daisy)
        after = _snapshot(files)
        paths += files
        written += [p for p in files if before.get(p) != after.get(p)]
        entries["daisy"] = {"file": f"{DAISY_FOLDER}/ncc.html",
                            "bytes": sum(size for _, size, _ in after.values())}
    if options.epub:
        epub = folder / f"briefing-{day}.epub"
        if write_epub(book, folder, epub):
            written.append(epub)
        paths.append(epub)
        entries["epub"] = {"file": epub.name, "bytes": epub.stat().st_size}
    return WrittenBooks(tuple(paths), tuple(written), entries)


def remove_unlisted(folder: Path, day: str, earlier: object,
                    now: Mapping[str, object]) -> None:
    """Remove the books the previous manifest lists when this build makes none of that kind
    (the format was dropped); only files named as briefing names them are touched."""
    old = earlier if isinstance(earlier, dict) else {}
    if "epub" in old and "epub" not in now:
        remove_own_files(folder, [f"briefing-{day}.epub"], _OWN_EPUB,
                         "epub is no longer among the formats")
    daisy = folder / DAISY_FOLDER
    if "daisy" not in old or "daisy" in now or daisy.is_symlink():
        return
    for path in _daisy_files(daisy):
        if not path.is_symlink():
            path.unlink()
    if daisy.is_dir() and not any(daisy.iterdir()):
        daisy.rmdir()
        log.info("removed the DAISY book %s (daisy is no longer among the formats)", daisy)
