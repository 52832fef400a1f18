"""An M4B audiobook of a date: AAC in MP4, with chapters, tags and the cover.

Audiobook players (Apple Books, BookPlayer, Smart AudioBook Player, Voice) want M4B, and
converting the MP3 with a command-line tool is what listeners otherwise do by hand.  The M4B is
made in-process with PyAV, whose wheel carries FFmpeg's own AAC encoder and MP4 muxer: the
date's finished MP3 is decoded (FFmpeg honours its LAME delay and padding, so the timeline is
sample for sample the MP3's) and encoded to AAC.  The MP3 is already normalised, so the M4B
has the same loudness without a second pass.  The muxer writes the chapters both as a
QuickTime chapter track and as a Nero ``chpl`` box (players read one or the other); mutagen
then adds the iTunes tags and the cover (``covr``).

The file is written atomically and only when its inputs change: their hash is kept in the
manifest, and a date whose MP3, chapters, tags, cover and settings are unchanged is not
encoded again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from briefing.artwork import Cover
from briefing.audio.id3 import ChapterMark, TagInfo
from briefing.errors import EncoderError
from briefing.fsutil import atomic_path, remove_own_files, sha256_hex, still_current
from briefing.hashing import canonical_hash
from briefing.publish.formats import M4B_VERSION, M4bOptions

log = logging.getLogger(__name__)


AAC_CODEC = "aac"
"""FFmpeg's native AAC-LC encoder (in PyAV's wheel)."""

GENRE = "Audiobook"


@dataclass(frozen=True)
class M4bResult:
    """The M4B of a date."""

    path: Path
    size: int
    key: str
    written: bool


def encoder_status() -> tuple[bool, str]:
    """Whether M4B files can be made here, and with which encoder (for ``briefing engines``)."""
    try:
        import av
    except ImportError as exc:
        return False, f"PyAV is not installed ({exc}); pip install av"
    try:
        codec = av.codec.Codec(AAC_CODEC, "w")
    except Exception as exc:  # noqa: BLE001 - any failure means: not usable
        return False, f"PyAV {av.__version__} has no AAC encoder ({exc})"
    return True, (f"AAC encoder '{codec.name}' ({codec.long_name}) of FFmpeg "
                  f"{av.ffmpeg_version_info}, in-process through PyAV {av.__version__}")


def m4b_key(mp3_sha256: str, marks: Sequence[ChapterMark], info: TagInfo,
            options: M4bOptions) -> str:
    """The hash of everything the M4B is made from."""
    import av

    return canonical_hash({
        "version": M4B_VERSION,
        "av": [av.__version__, av.ffmpeg_version_info],
        "mp3": mp3_sha256,
        "chapters": [[m.title, m.start_ms, m.end_ms] for m in marks],
        "tags": [info.title, info.album, info.artist, info.date],
        "bitrate": options.bitrate_kbps,
        "cover": sha256_hex(options.cover.data) if options.cover else None,
    })


def write_m4b(path: Path, mp3: Path, mp3_sha256: str, marks: Sequence[ChapterMark],
              info: TagInfo, options: M4bOptions,
              previous: Mapping[str, Any] | None) -> M4bResult:
    """Make ``path`` from the date's MP3 unless the previous manifest's M4B has the same key
    and is still on disk with its recorded size."""
    key = m4b_key(mp3_sha256, marks, info, options)
    old = previous.get("m4b") if previous else None
    if still_current(old, path, key):
        return M4bResult(path, path.stat().st_size, key, False)
    with atomic_path(path) as tmp:
        _encode(mp3, tmp, marks, options.bitrate_kbps)
        _tag(tmp, info, options.cover)
    log.info("wrote %s", path)
    return M4bResult(path, path.stat().st_size, key, True)


def _encode(mp3: Path, out: Path, marks: Sequence[ChapterMark], bitrate_kbps: int) -> None:
    import av

    try:
        with av.open(str(mp3)) as source, av.open(str(out), "w", format="ipod") as sink:
            decoded = source.streams.audio[0]
            rate = decoded.codec_context.sample_rate
            stream = sink.add_stream(AAC_CODEC, rate=rate, layout="mono")
            assert isinstance(stream, av.audio.stream.AudioStream)
            stream.bit_rate = bitrate_kbps * 1000
            sink.set_chapters([
                {"id": i + 1, "start": m.start_ms, "end": m.end_ms,
                 "time_base": Fraction(1, 1000), "metadata": {"title": m.title}}
                for i, m in enumerate(marks)
            ])
            pts = 0
            for frame in source.decode(decoded):
                frame.pts = pts
                frame.time_base = Fraction(1, rate)
                pts += frame.samples
                for packet in stream.encode(frame):
                    sink.mux(packet)
            for packet in stream.encode(None):
                sink.mux(packet)
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise EncoderError(f"cannot make the M4B from {mp3}: {exc}") from exc


def _tag(path: Path, info: TagInfo, cover: Cover | None) -> None:
    from mutagen.mp4 import MP4, MP4Cover

    audio = MP4(str(path))
    tags = audio.tags
    if tags is None:
        audio.add_tags()
        tags = audio.tags
    assert tags is not None
    tags["\xa9nam"] = [info.title]
    tags["\xa9alb"] = [info.album]
    tags["\xa9ART"] = [info.artist]
    tags["aART"] = [info.artist]
    tags["\xa9day"] = [info.date]
    tags["\xa9gen"] = [GENRE]
    tags["stik"] = [2]  # media kind: audiobook
    if cover is not None:
        kind = MP4Cover.FORMAT_PNG if cover.kind == "PNG" else MP4Cover.FORMAT_JPEG
        tags["covr"] = [MP4Cover(cover.data, imageformat=kind)]
    audio.save()


_OWN = re.compile(r"briefing-[0-9-]+\.m4b")


def remove_unlisted(folder: Path, earlier: object, now: Mapping[str, Any] | None) -> None:
    """Remove the M4B the previous manifest lists when this build makes none (``m4b`` was
    dropped from the formats); a file briefing did not list is never touched."""
    old = earlier.get("m4b") if isinstance(earlier, dict) else None
    if now is None and isinstance(old, dict):
        remove_own_files(folder, [old.get("file")], _OWN, "m4b is no longer among the formats")
