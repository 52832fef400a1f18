"""An encoded chapter's MP3 read from its file block by block, never whole.

:func:`~briefing.audio.mp3frames.read_stream` takes an MP3 apart in memory; a chapter of a
40,000-word article is a hundred megabytes, and the build would hold it several times over
while it tags the chapter file and joins the full MP3.  Here the file is walked frame by frame
through a bounded buffer (the same checks as :func:`read_stream`, the music CRC computed on the
way), and its audio frames are streamed from the file when they are written.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from briefing.audio.crc16 import crc16
from briefing.audio.mp3frames import (
    FrameHeader,
    Mp3Stream,
    lame_tag_offset,
    parse_header,
)

BLOCK = 1 << 20
"""Bytes read at a time."""

HEAD = 8192
"""Bytes read for the Info frame (larger than any MPEG layer III frame)."""


@dataclass(frozen=True)
class Mp3File:
    """An MP3 with a LAME Info frame, as the encoder writes it, found in a file."""

    path: Path
    offset: int
    """Where its audio frames start (after the Info frame)."""

    stream: Mp3Stream
    """Its figures (``frames`` left empty); ``music_crc`` is the CRC of the frames as read."""

    def frames(self) -> Iterator[bytes]:
        """The audio frames' bytes, block by block."""
        with self.path.open("rb") as fh:
            fh.seek(self.offset)
            while block := fh.read(BLOCK):
                yield block


def _walk(fh: BinaryIO, start: int) -> tuple[int, FrameHeader | None, int, int, bool]:
    """Frames from ``start`` to the end of the open file ``fh``: their count, the first's
    header, where the last ends, the CRC of the bytes from ``start`` on, and whether a
    non-frame was met."""
    read = fh.read
    buf, base, nxt = b"", start, start
    count, first, crc = 0, None, 0
    while block := read(BLOCK):
        crc = crc16(block, crc)
        skip = nxt - base
        if skip >= len(buf):
            base, buf = base + len(buf), block
        else:
            base, buf = nxt, buf[skip:] + block
        while nxt + 4 <= base + len(buf):
            header = parse_header(buf, nxt - base)
            if header is None:
                return count, first, nxt, crc, True
            count += 1
            first = first or header
            nxt += header.length
    return count, first, nxt, crc, False


def scan_file(path: Path) -> Mp3File:
    """Walk the MP3 at ``path``; ``ValueError`` when it is damaged (as :func:`read_stream`
    finds it), ``OSError`` when it cannot be read."""
    with path.open("rb") as fh:
        head = fh.read(HEAD)
        info = parse_header(head)
        if info is None or info.length > len(head):
            raise ValueError("too few MPEG frames")
        fh.seek(info.length)
        count, first, end, crc, stray = _walk(fh, info.length)
        size = fh.seek(0, 2)
    if count < 1 or first is None:
        raise ValueError("too few MPEG frames")
    if stray or end != size:
        raise ValueError("the stream is truncated or has trailing bytes")
    pos = 4 + info.side_info_length
    lame = lame_tag_offset(head, info)
    if struct.unpack(">I", head[pos + 8 : pos + 12])[0] != count:
        raise ValueError("the Info frame's frame count does not match the stream")
    value = int.from_bytes(head[lame + 21 : lame + 24], "big")
    samples = count * info.samples - (value >> 12) - (value & 0xFFF)
    if samples <= 0:
        raise ValueError("the stream holds no samples")
    return Mp3File(path, info.length, Mp3Stream(b"", count, samples, info.samples, first,
                                                size - info.length, crc))
