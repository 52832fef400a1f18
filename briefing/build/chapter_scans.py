"""What a cached chapter MP3 holds, walked once and remembered while the file is unchanged.

Writing a date's outputs needs, for every chapter, the figures of its cached MP3 (frames,
samples, the first frame's header, where the audio starts and its music CRC) to tag the chapter
file and join the full MP3.  Walking a file for them (:func:`~briefing.audio.mp3file.scan_file`)
reads and checksums every byte, so a one-sentence edit, which re-encodes one chapter, paid for
reading all of the date's chapters again.  The figures depend only on the file's bytes, and a
cache entry is never rewritten in place (it is replaced by a rename), so they are kept in a
small JSON beside the entries, with the file's size and modification time (which the no-op
build's snapshot trusts too, :mod:`briefing.build.noop`), and used while the file still has
those; any other file is walked again (and a damaged one refused).
A chapter just encoded is not walked at all: the worker that made it reads its figures from the
bytes it holds (:func:`figures`), and the build remembers them as it stores the file.

Hand-written: the figures are this project's own and the check is a ``stat``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from briefing.audio.mp3file import Mp3File, scan_file
from briefing.audio.mp3frames import Mp3Stream, parse_header, read_stream
from briefing.build.cache import ContentStore

log = logging.getLogger(__name__)

SCAN_VERSION = 1
"""The layout of a remembered scan."""


def _identity(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _remembered(data: bytes | None, identity: list[int], path: Path) -> Mp3File | None:
    if data is None:
        return None
    try:
        doc = json.loads(data)
        if doc.get("version") != SCAN_VERSION or doc.get("file") != identity:
            return None
        header = parse_header(bytes.fromhex(doc["header"]))
        if header is None:
            return None
        stream = Mp3Stream(b"", int(doc["frames"]), int(doc["samples"]),
                           int(doc["frame_samples"]), header, int(doc["bytes"]),
                           int(doc["crc"]))
        return Mp3File(path, int(doc["offset"]), stream)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _figures(offset: int, s: Mp3Stream) -> dict[str, Any]:
    return {"version": SCAN_VERSION, "offset": offset, "frames": s.frame_count,
            "samples": s.samples, "frame_samples": s.samples_per_frame,
            "header": s.header.raw.hex(), "bytes": s.size, "crc": s.music_crc}


def figures(mp3: bytes) -> dict[str, Any]:
    """The figures of a chapter MP3 just encoded (its Info frame's music CRC, computed as it
    was made), for :func:`remember` once the file is in the cache; ``ValueError`` when the
    bytes are not such an MP3."""
    stream = read_stream(mp3)
    return _figures(len(mp3) - stream.size, stream)


def _put(scans: ContentStore, key: str, path: Path, doc: dict[str, Any],
         identity: list[int]) -> None:
    try:
        scans.put(key, json.dumps({**doc, "file": identity}).encode())
    except OSError as exc:  # remembering only saves time
        log.debug("could not remember the scan of %s: %s", path.name, exc)


def remember(chapters: ContentStore, scans: ContentStore, key: str,
             found: dict[str, Any]) -> None:
    """Remember ``found`` (:func:`figures`) for the cache entry of ``key`` as it now is."""
    path = chapters.path(key)
    try:
        identity = _identity(path)
    except OSError:
        return
    _put(scans, key, path, found, identity)


def scan_chapter(chapters: ContentStore, scans: ContentStore, key: str) -> Mp3File:
    """The figures of the cached chapter MP3 of ``key``: remembered in ``scans`` while the file
    is unchanged, else walked (:func:`scan_file`) and remembered.  Raises as :func:`scan_file`
    does: ``FileNotFoundError`` when absent, ``ValueError`` when damaged, ``OSError``."""
    path = chapters.path(key)
    identity = _identity(path)
    found = _remembered(scans.get(key), identity, path)
    if found is not None:
        return found
    scan = scan_file(path)
    if _identity(path) == identity:  # not replaced while it was walked
        _put(scans, key, path, _figures(scan.offset, scan.stream), identity)
    return scan


__all__ = ["SCAN_VERSION", "figures", "remember", "scan_chapter"]
