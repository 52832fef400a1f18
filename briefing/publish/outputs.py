"""A date's outputs: the chaptered MP3, one MP3 per chapter, playlist, transcripts, chapters.

The full MP3 is not encoded on its own: it is the chapters' encoded frames joined, so every
sample is encoded once and a change to one chapter re-encodes only that chapter.  Every file's
bytes are computed first and written only when they differ from what is on disk (atomically:
temp file + rename), so an unchanged output keeps its bytes and mtime and an old MP3 stays
playable until its replacement is complete.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.audio.assemble import SegmentTiming, samples_to_ms
from briefing.audio.id3 import ChapterMark, TagInfo, is_own_chapter, tag_briefing, tag_chapter
from briefing.audio.mp3file import Mp3File
from briefing.audio.mp3frames import JoinPlan, Mp3Stream, plan_join
from briefing.chapters import ChapterKind, PublishedChapter, with_levels
from briefing.errors import EncoderError
from briefing.fsutil import write_chunks_if_changed, write_if_changed
from briefing.publish.formats import remove_dropped
from briefing.publish.manifest import (
    MANIFEST_FORMAT,
    earlier_manifest,
    manifest_chapter,
    remember_written,
)
from briefing.publish.publication import next_published
from briefing.publish.transcripts import Cue, chapters_json, subrip, webvtt
from briefing.text.markup import plain

if TYPE_CHECKING:
    from briefing.publish.broadcast import Broadcast
    from briefing.publish.formats import BookOptions, BroadcastOptions, M4bOptions
    from briefing.publish.manifest_model import Manifest, ManifestCue, ManifestFile, ManifestM4b

log = logging.getLogger(__name__)


def slugify(text: str, max_length: int = 48) -> str:
    """An ASCII file-name slug: ``"Photo 3: Bus near Goris"`` → ``"photo-3-bus-near-goris"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug.rfind("-", 0, max_length + 1)
        slug = slug[: cut if cut > 0 else max_length]
    slug = slug.rstrip("-")
    return slug or "chapter"


@dataclass(frozen=True)
class EncodedChapter:
    """A chapter's title and role, its encoded untagged MP3 (with a LAME Info frame) and its
    sentences: what the build hands to :func:`write_date_outputs`."""

    title: str
    mp3: Mp3File
    """The MP3's file (in the cache), read block by block when written: a long briefing, or a
    long chapter, is never in memory."""

    segments: tuple[SegmentTiming, ...]
    """Its sentences, timed from the start of the chapter."""

    kind: ChapterKind = ChapterKind.OTHER
    story: int | None = None


@dataclass(frozen=True)
class DateOutputs:
    """The outputs of one date, once written."""

    folder: Path
    mp3: Path
    playlist: Path
    chapters: tuple[PublishedChapter, ...]
    chapter_files: tuple[Path, ...]
    """The chapters' MP3s, in the order of :attr:`chapters`."""

    duration_ms: float
    paths: tuple[Path, ...]
    """Every output file."""

    written: tuple[Path, ...]
    """The files whose bytes changed."""

    m4b: Path | None = None
    """The M4B audiobook, when one was made."""

    daisy: Path | None = None
    """The DAISY 2.02 book's NCC (``daisy/ncc.html``), when one was made."""

    epub: Path | None = None
    """The EPUB 3, when one was made."""

    wav: Path | None = None
    """The broadcast WAV (:mod:`briefing.publish.broadcast`), when one was made."""


_DIGIT_GROUP = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_COMMA = re.compile(r"\s*,+\s*")


def playlist_title(text: str) -> str:
    """``text`` as an ``#EXTINF`` title every player reads whole: without commas.

    Players split ``#EXTINF:<seconds>,<title>`` at a comma, but not the same one: VLC takes
    the title after the last comma (``2,000 volunteers`` shows as ``000 volunteers``), mpv
    and foobar2000 after the first.  A digit-group comma is dropped (``2000``), any other
    between other digits is a decimal point (``2,5`` → ``2.5``), any other comma becomes a
    dash, which a screen reader pauses at as it would at the comma.
    """
    text = _DECIMAL_COMMA.sub(".", _DIGIT_GROUP.sub("", plain(text)))
    return _COMMA.sub(" \u2013 ", text).strip(" \u2013") or "Chapter"


def _playlist(title: str, chapters: Sequence[tuple[str, Path]], lengths: Sequence[float],
              folder: Path) -> str:
    """The M3U8 playlist of ``chapters`` (title and file of each)."""
    lines = ["#EXTM3U", f"#PLAYLIST:{plain(title)}"]
    for (chapter_title, path), length_ms in zip(chapters, lengths, strict=True):
        lines.append(f"#EXTINF:{length_ms / 1000:.3f},{playlist_title(chapter_title)}")
        lines.append(path.relative_to(folder).as_posix())
    return "\n".join(lines) + "\n"


class _Files:
    """The files of one date being written: their sizes, and which ones changed on disk."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.written: list[Path] = []
        self.sizes: dict[Path, int] = {}

    def put(self, path: Path, data: bytes) -> None:
        self.sizes[path] = len(data)
        if write_if_changed(path, data):
            self.written.append(path)

    def record(self, path: Path, size: int, written: bool) -> None:
        self.sizes[path] = size
        if written:
            self.written.append(path)


def _write_chapter_files(files: _Files, info: TagInfo,
                         chapters: Sequence[EncodedChapter]) -> tuple[list[Mp3Stream], list[Path]]:
    """Tag and write each chapter's MP3, streamed from its file; their streams' figures and
    paths."""
    streams: list[Mp3Stream] = []
    paths: list[Path] = []
    total = len(chapters)
    for i, chapter in enumerate(chapters):
        stream = chapter.mp3.stream
        streams.append(stream)
        path = files.folder / "chapters" / f"{i + 1:02d}-{slugify(chapter.title)}.mp3"
        # the Info frame is made again, so a chapter encoded by an earlier version gets the
        # current one; the music CRC computed as the file was read also gives the full file's
        head = (tag_chapter(b"", info, chapter.title, i + 1, total)
                + stream.with_info_frame(stream.music_crc))
        files.record(path, len(head) + stream.size,
                     write_chunks_if_changed(path, itertools.chain((head,),
                                                                   chapter.mp3.frames())))
        paths.append(path)
    return streams, paths


def _write_full_mp3(files: _Files, path: Path, tag: bytes, join: JoinPlan,
                    chapters: Sequence[EncodedChapter]) -> str:
    """Stream the full MP3 to disk (tag, Info frame, each chapter's frames); its SHA-256."""

    def full_mp3() -> Iterator[bytes]:
        yield tag
        yield join.info
        for chapter in chapters:
            yield from chapter.mp3.frames()

    digest = hashlib.sha256()
    files.record(path, len(tag) + join.size,
                 write_chunks_if_changed(path, _hashed(full_mp3(), digest)))
    return digest.hexdigest()


def _write_m4b(files: _Files, day: str, mp3: tuple[Path, str], marks: Sequence[ChapterMark],
               info: TagInfo, m4b: M4bOptions | None,
               earlier: Mapping[str, Any] | None) -> ManifestM4b | None:
    """Make the M4B audiobook from the MP3 (path and SHA-256) when ``m4b`` options are given."""
    if m4b is None:
        return None
    from briefing.publish.m4b import write_m4b

    made = write_m4b(files.folder / f"briefing-{day}.m4b", mp3[0], mp3[1], marks, info, m4b,
                     earlier)
    files.record(made.path, made.size, made.written)
    return {"file": made.path.name, "bytes": made.size, "key": made.key}


def _write_books(files: _Files, day: str, info: TagInfo, lang: str,
                 books: BookOptions | None,
                 chapters: Sequence[tuple[PublishedChapter, Path, float, EncodedChapter]],
                 ) -> dict[str, ManifestFile]:
    """Make the DAISY and EPUB books ``books`` asks for from the written chapter files;
    their manifest entries."""
    if books is None:
        return {}
    from briefing.publish.books import BookChapterInput, talking_book, write_books

    book = talking_book(info.title, day, lang, info.artist, info.album, [
        BookChapterInput(c, p.relative_to(files.folder).as_posix(), length, e.segments)
        for c, p, length, e in chapters], books.cover)
    made = write_books(files.folder, day, book, books)
    for path in made.paths:
        files.record(path, path.stat().st_size, path in made.written)
    return {name: {"file": str(entry["file"]), "bytes": int(entry["bytes"])}
            for name, entry in made.entries.items()}


def _write_wav(files: _Files, mp3: tuple[Path, str], join: JoinPlan, rate: int,
               layout: Sequence[PublishedChapter], info: TagInfo,
               options: BroadcastOptions | None, published: Mapping[str, Any],
               earlier: Mapping[str, Any] | None) -> Broadcast | None:
    """Make the broadcast WAV and its cue sheets when ``options`` are given."""
    if options is None:
        return None
    from briefing.publish.broadcast import Timeline, write_master

    made = write_master(files.folder, mp3, Timeline(rate, join.samples, join.starts), layout,
                        info, options, published, earlier)
    files.record(made.path, int(made.entry["bytes"]), made.written)
    for path, data in made.sheets:
        files.put(path, data)
    return made


def _cues(chapters: Sequence[EncodedChapter], starts: Sequence[float]) -> list[Cue]:
    """Every sentence on the briefing's timeline; a chapter's first carries its title."""
    return [
        Cue(start + seg.start_ms, start + seg.end_ms, seg.text,
            chapter.title if n == 0 else None, index, seg.sound)
        for index, (chapter, start) in enumerate(zip(chapters, starts, strict=True))
        for n, seg in enumerate(chapter.segments)
    ]


def _manifest_cue(cue: Cue) -> ManifestCue:
    entry: ManifestCue = {"start_ms": round(cue.start_ms), "end_ms": round(cue.end_ms),
                          "text": cue.text, "chapter": cue.chapter_index}
    if cue.sound:
        entry["sound"] = True
    return entry


def write_date_outputs(folder: Path, day: str, info: TagInfo,
                       chapters: Sequence[EncodedChapter], lang: str = "en",
                       m4b: M4bOptions | None = None,
                       books: BookOptions | None = None,
                       wav: BroadcastOptions | None = None) -> DateOutputs:
    """Write every output of one date (``audio/<date>/``) from its encoded chapters.

    Memory stays bounded by one chapter's MP3: chapter files are tagged and written one at a
    time, and the full MP3 is streamed to disk (tag, Info frame, then each chapter's frames).
    Each file is written only when its bytes differ from what is on disk.  A chapter file
    the previous build wrote (its manifest says which) that is no longer a chapter is removed.
    With ``m4b`` options an M4B audiobook is made from the MP3 too (:mod:`briefing.publish.m4b`),
    with ``books`` a DAISY 2.02 book and an EPUB 3 from the chapter files
    (:mod:`briefing.publish.books`), with ``wav`` a broadcast WAV and its cue sheets.
    """
    if not chapters:
        raise EncoderError("a briefing needs at least one chapter")
    files = _Files(folder)
    previous = _previous_chapter_files(folder, day, info)
    earlier = earlier_manifest(folder / f"briefing-{day}.json")
    streams, chapter_paths = _write_chapter_files(files, info, chapters)
    try:
        join = plan_join(streams)
    except ValueError as exc:
        raise EncoderError(f"cannot join the chapters of {day}: {exc}") from exc
    bounds = [samples_to_ms(b) for b in (*join.starts, join.samples)]
    layout = with_levels([PublishedChapter(c.title, c.kind, c.story, round(bounds[i]),
                                           round(bounds[i + 1])) for i, c in enumerate(chapters)])
    marks = [ChapterMark(c.title, c.start_ms, c.end_ms, c.level) for c in layout]
    mp3_path = folder / f"briefing-{day}.mp3"
    mp3_sha256 = _write_full_mp3(files, mp3_path, tag_briefing(b"", info, marks), join, chapters)
    m4b_entry = _write_m4b(files, day, (mp3_path, mp3_sha256), marks, info, m4b, earlier)
    published = next_published(earlier, day, mp3_sha256)
    master = _write_wav(files, (mp3_path, mp3_sha256), join, streams[0].header.sample_rate,
                        layout, info, wav, published, earlier)
    lengths = [samples_to_ms(stream.samples) for stream in streams]
    playlist = folder / f"briefing-{day}.m3u8"
    files.put(playlist, _playlist(info.title, [(c.title, p) for c, p in zip(
        chapters, chapter_paths, strict=True)], lengths, folder).encode("utf-8"))
    book_entries = _write_books(files, day, info, lang, books, list(zip(
        layout, chapter_paths, lengths, chapters, strict=True)))
    cues = _cues(chapters, bounds[:-1])
    files.put(folder / f"briefing-{day}.vtt", webvtt(cues, info.title).encode("utf-8"))
    files.put(folder / f"briefing-{day}.srt", subrip(cues).encode("utf-8"))
    files.put(folder / "chapters.json", chapters_json(marks, info.title).encode("utf-8"))
    manifest: Manifest = {
        "format": MANIFEST_FORMAT,
        "date": day,
        "title": info.title,
        "lang": lang,
        "duration_ms": round(samples_to_ms(join.samples)),
        "mp3": {"file": mp3_path.name, "bytes": files.sizes[mp3_path], "sha256": mp3_sha256},
        "playlist": playlist.name,
        "vtt": f"briefing-{day}.vtt",
        "srt": f"briefing-{day}.srt",
        "chapters_json": "chapters.json",
        "chapters": [manifest_chapter(c, p.relative_to(folder).as_posix(), files.sizes[p])
                     for c, p in zip(layout, chapter_paths, strict=True)],
        "cues": [_manifest_cue(cue) for cue in cues],
        "published": published,
    }
    if m4b_entry is not None:
        manifest["m4b"] = m4b_entry
    for name in ("daisy", "epub"):
        if name in book_entries:
            manifest[name] = book_entries[name]
    if master is not None:
        manifest["wav"] = master.entry
    text = json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"
    files.put(folder / f"briefing-{day}.json", text.encode("utf-8"))
    remember_written(text, manifest)
    remove_dropped(folder, day, earlier, m4b_entry, book_entries, master)
    _remove_stale(previous, files.sizes)
    return DateOutputs(folder, mp3_path, playlist, tuple(layout), tuple(chapter_paths),
                       bounds[-1], tuple(files.sizes), tuple(files.written),
                       folder / m4b_entry["file"] if m4b_entry else None,
                       _entry_path(folder, book_entries, "daisy"),
                       _entry_path(folder, book_entries, "epub"),
                       master.path if master else None)


def _entry_path(folder: Path, entries: Mapping[str, ManifestFile], name: str) -> Path | None:
    return folder / entries[name]["file"] if name in entries else None


def _remove_stale(previous: set[Path], kept: Mapping[Path, int]) -> None:
    """Remove the chapter files an earlier build wrote that this one did not."""
    for old in sorted(previous):
        if old not in kept and old.is_file() and not old.is_symlink():
            old.unlink()
            log.info("removed stale chapter file %s", old)


def _hashed(chunks: Iterator[bytes], digest: hashlib._Hash) -> Iterator[bytes]:
    """``chunks``, fed to ``digest`` as they pass."""
    for chunk in chunks:
        digest.update(chunk)
        yield chunk


_CHAPTER_FILE = re.compile(r"chapters/\d{2,}-[a-z0-9-]+\.mp3")


def _previous_chapter_files(folder: Path, day: str, info: TagInfo) -> set[Path]:
    """The chapter files earlier builds of this date wrote: the ones its manifest lists, and
    those a build killed before writing its manifest left (named and tagged as briefing names
    and tags them).  Only these are ever removed as stale: a file briefing did not write (a
    producer's, or any file of a folder that is not briefing's) is never deleted.
    """
    found: set[Path] = set()
    try:
        manifest = json.loads((folder / f"briefing-{day}.json").read_text(encoding="utf-8"))
        names = [c["file"] for c in manifest["chapters"]]
    except (OSError, ValueError, KeyError, TypeError):
        names = []
    found.update(folder / name for name in names
                 if isinstance(name, str) and _CHAPTER_FILE.fullmatch(name))
    chapter_dir = folder / "chapters"
    if chapter_dir.is_dir() and not chapter_dir.is_symlink():
        found.update(path for path in chapter_dir.iterdir()
                     if path not in found and _CHAPTER_FILE.fullmatch(f"chapters/{path.name}")
                     and path.is_file() and not path.is_symlink() and is_own_chapter(path, info))
    return found
