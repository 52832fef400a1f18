"""What a cached chapter MP3 holds, walked once and remembered while the file is unchanged.

Writing a date's outputs needs, for every chapter, the figures of its cached MP3 (frames,
samples, the first frame's header, where the audio starts and its music CRC) to tag the chapter
file and join the full MP3.  Walking a file for them (:func:`~briefing.audio.mp3file.scan_file`)
reads and checksums every byte, so a one-sentence edit, which re-encodes one chapter, paid for
reading all of the date's chapters again.  The figures depend only on the file's bytes, and a
cache entry is never rewritten in place (it is replaced by a rename), so they are kept in a
small JSON beside the entries, with the file's size, modification time and inode, and used
while the file still has those; any other file is walked again (and a damaged one refused).

Hand-written: the figures are this project's own and the check is a ``stat``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from briefing.audio.mp3file import Mp3File, scan_file
from briefing.audio.mp3frames import Mp3Stream, parse_header
from briefing.build.cache import ContentStore

log = logging.getLogger(__name__)

SCAN_VERSION = 1
"""The layout of a remembered scan."""


def _identity(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino]


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


def _record(scan: Mp3File, identity: list[int]) -> dict[str, Any]:
    s = scan.stream
    return {"version": SCAN_VERSION, "file": identity, "offset": scan.offset,
            "frames": s.frame_count, "samples": s.samples, "frame_samples": s.samples_per_frame,
            "header": s.header.raw.hex(), "bytes": s.size, "crc": s.music_crc}


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
        try:
            scans.put(key, json.dumps(_record(scan, identity)).encode())
        except OSError as exc:  # remembering only saves time
            log.debug("could not remember the scan of %s: %s", path.name, exc)
    return scan


__all__ = ["SCAN_VERSION", "scan_chapter"]
