"""Write a date's audio outputs: the chaptered MP3, one MP3 per chapter, and the playlist.

Every file is written to a temporary file, tagged there, and renamed into place, so an old
MP3 stays playable until its replacement is complete.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from briefing.assemble import ChapterAudio
from briefing.encode import Mp3Encoder, encode_mp3
from briefing.fsutil import atomic_path, write_if_changed
from briefing.tags import ChapterMark, TagInfo, tag_briefing, tag_chapter

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
class ChapterFile:
    """A written chapter MP3."""

    title: str
    path: Path
    start_ms: float
    end_ms: float


@dataclass(frozen=True)
class DateOutputs:
    """The files written for one date."""

    mp3: Path
    playlist: Path
    chapters: tuple[ChapterFile, ...]
    duration_ms: float


def _playlist(title: str, chapters: Iterable[ChapterFile], folder: Path) -> str:
    lines = ["#EXTM3U", f"#PLAYLIST:{' '.join(title.split())}"]
    for ch in chapters:
        seconds = round((ch.end_ms - ch.start_ms) / 1000)
        lines.append(f"#EXTINF:{seconds},{' '.join(ch.title.split())}")
        lines.append(ch.path.relative_to(folder).as_posix())
    return "\n".join(lines) + "\n"


def write_date_outputs(folder: Path, day: str, info: TagInfo, chapters: Iterable[ChapterAudio],
                       bitrate_kbps: int, quality: int) -> DateOutputs:
    """Encode and write every output of one date into ``folder`` (``audio/<date>/``)."""
    chapter_dir = folder / "chapters"
    full = Mp3Encoder(bitrate_kbps, quality)
    written: list[ChapterFile] = []
    audios: list[tuple[int, str, float, float]] = []
    pending: list[tuple[Path, bytes, str]] = []
    for ch in chapters:
        full.feed(ch.pcm)
        audios.append((ch.index, ch.title, ch.start_ms, ch.end_ms))
        name = f"{ch.index + 1:02d}-{slugify(ch.title)}.mp3"
        pending.append((chapter_dir / name, encode_mp3(ch.pcm, bitrate_kbps, quality), ch.title))
        written.append(ChapterFile(ch.title, chapter_dir / name, ch.start_ms, ch.end_ms))
    total = len(pending)
    for track, (path, data, title) in enumerate(pending, start=1):
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
            tag_chapter(tmp, info, title, track, total)
    mp3_path = folder / f"briefing-{day}.mp3"
    marks = [ChapterMark(t, round(s), round(e)) for _, t, s, e in audios]
    with atomic_path(mp3_path) as tmp:
        tmp.write_bytes(full.finish())
        tag_briefing(tmp, info, marks)
    keep = {p for p, _, _ in pending}
    for old in chapter_dir.glob("*.mp3"):
        if old not in keep:
            old.unlink()
            log.info("removed stale chapter file %s", old)
    playlist = folder / f"briefing-{day}.m3u8"
    write_if_changed(playlist, _playlist(info.title, written, folder).encode("utf-8"))
    duration = written[-1].end_ms if written else 0.0
    return DateOutputs(mp3_path, playlist, tuple(written), duration)
