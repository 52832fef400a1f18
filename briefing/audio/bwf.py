"""Broadcast WAV (BWF) chunks, and a mono 16-bit PCM file written as a stream.

Written by hand with :mod:`struct`: no maintained library on PyPI writes what a playout system
wants.  The standard library's :mod:`wave` writes ``fmt `` and ``data`` only; ``wavinfo`` reads
BWF (``bext``, cue points, labels; the tests use it) but writes nothing; ``wave-bwf-rf64``
(NRK) writes ``bext`` but no ``cue ``/``LIST adtl`` chapter marks and is GPL-3, which this MIT
project does not take on; soundfile/libsndfile writes ``bext`` without the version 2 loudness
fields and no cue labels.  The chunks are small fixed layouts (EBU Tech 3285 v2 for ``bext``,
the 1991 RIFF MCI specification for ``cue `` and ``adtl``), so packing them is a few lines.

The file is laid out as ``RIFF/WAVE``: ``bext``, ``fmt ``, ``data``, then ``cue `` and
``LIST/adtl`` (one ``labl`` with each chapter's title, in UTF-8 as ``CSET`` says) after the
audio.  :class:`BwfWriter` writes a placeholder header, streams the audio,
appends the cue chunks and then writes the real header over the placeholder (same length), so
the loudness measured while the audio streamed can go into ``bext`` and no sample is held.
"""

from __future__ import annotations

import datetime as dt
import math
import struct
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from briefing.audio.r128 import R128Stats

BITS = 16
CHANNELS = 1
BEXT_VERSION = 2
MAX_RIFF_BYTES = 0xFFFFFFFF
"""A RIFF size field is 32 bits: about 12 hours of 48 kHz 16-bit mono."""

UNKNOWN_LOUDNESS = 0x7FFF
"""What EBU Tech 3285 v2 says to write for a loudness figure that is not known."""

UTF8_CODEPAGE = 65001
"""Code page of the labels' text (``CSET`` chunk)."""

_BEXT_FIXED = "<256s32s32s10s8sIIH64s5h180s"


def ascii_text(text: str, size: int) -> bytes:
    """``text`` as the ASCII a ``bext`` text field holds (accents dropped), cut to ``size``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
    return bytes(c for c in plain if 32 <= c < 127)[:size]


@dataclass(frozen=True)
class Bext:
    """The fields of a ``bext`` chunk (EBU Tech 3285 version 2)."""

    description: str
    originator: str
    originator_reference: str
    origination: dt.datetime
    time_reference: int
    """Samples since midnight of the first sample."""

    coding_history: str
    loudness: R128Stats | None = None


def _centi(value: float) -> int:
    """A loudness figure as the hundredths ``bext`` stores (unknown where not finite)."""
    if not math.isfinite(value):
        return UNKNOWN_LOUDNESS
    return max(-0x7FFF, min(0x7FFE, round(value * 100)))


def chunk(name: bytes, payload: bytes) -> bytes:
    """A RIFF chunk, padded to an even length."""
    return name + struct.pack("<I", len(payload)) + payload + b"\0" * (len(payload) % 2)


def bext_chunk(bext: Bext) -> bytes:
    """The ``bext`` chunk of ``bext``."""
    stats = bext.loudness
    figures = (UNKNOWN_LOUDNESS,) * 5 if stats is None else tuple(_centi(v) for v in (
        stats.integrated_lufs, stats.range_lu, stats.true_peak_dbtp, stats.max_momentary_lufs,
        stats.max_short_term_lufs))
    fixed = struct.pack(
        _BEXT_FIXED, ascii_text(bext.description, 256), ascii_text(bext.originator, 32),
        ascii_text(bext.originator_reference, 32),
        bext.origination.strftime("%Y-%m-%d").encode("ascii"),
        bext.origination.strftime("%H:%M:%S").encode("ascii"),
        bext.time_reference & 0xFFFFFFFF, bext.time_reference >> 32, BEXT_VERSION, b"",
        *figures, b"")
    history = bext.coding_history.encode("ascii", "replace")
    return chunk(b"bext", fixed + history)


def fmt_chunk(sample_rate: int) -> bytes:
    """``fmt `` of mono 16-bit PCM."""
    align = CHANNELS * BITS // 8
    return chunk(b"fmt ", struct.pack("<HHIIHH", 1, CHANNELS, sample_rate,
                                      sample_rate * align, align, BITS))


@dataclass(frozen=True)
class CuePoint:
    """A cue point: its number (from 1), first sample and label."""

    ident: int
    sample: int
    label: str


def cue_chunks(points: Sequence[CuePoint]) -> bytes:
    """``cue `` with the points, ``LIST/adtl`` with a ``labl`` for each, and ``CSET`` saying
    the labels are UTF-8.

    No ``ltxt`` regions (the chapters' lengths): wavinfo 4 misreads their code page from the
    length field and fails on any region longer than 65535 samples; the lengths are in the
    cue sheet, and each chapter ends where the next cue point starts."""
    cues = struct.pack("<I", len(points)) + b"".join(
        struct.pack("<II4sIII", p.ident, p.sample, b"data", 0, 0, p.sample) for p in points)
    adtl = b"adtl"
    for p in points:
        label = p.label.replace("\0", "").encode("utf-8") + b"\0"
        adtl += chunk(b"labl", struct.pack("<I", p.ident) + label)
    cset = struct.pack("<HHHH", UTF8_CODEPAGE, 0, 0, 0)
    return chunk(b"cue ", cues) + chunk(b"LIST", adtl) + chunk(b"CSET", cset)


class BwfWriter:
    """Writes a BWF to an open, empty binary file: :meth:`write` the audio, then
    :meth:`finish` with the final ``bext`` (whose length must be the placeholder's)."""

    def __init__(self, fh: BinaryIO, sample_rate: int, placeholder: Bext) -> None:
        self.fh = fh
        self.sample_rate = sample_rate
        self.data_bytes = 0
        self._bext_length = len(bext_chunk(placeholder))
        self._header_length = len(self._header(bext_chunk(placeholder), 0, 0))
        fh.write(b"\0" * self._header_length)

    def _header(self, bext: bytes, data_bytes: int, tail_bytes: int) -> bytes:
        fmt = fmt_chunk(self.sample_rate)
        size = 4 + len(bext) + len(fmt) + 8 + data_bytes + data_bytes % 2 + tail_bytes
        if size > MAX_RIFF_BYTES:
            raise ValueError(f"{size} bytes do not fit in a RIFF file (at most 4 GiB)")
        return (b"RIFF" + struct.pack("<I", size) + b"WAVE" + bext + fmt + b"data"
                + struct.pack("<I", data_bytes))

    def write(self, pcm: bytes) -> None:
        """Append mono 16-bit little-endian samples."""
        self.fh.write(pcm)
        self.data_bytes += len(pcm)
        if self.data_bytes > MAX_RIFF_BYTES:
            raise ValueError("the audio does not fit in a RIFF file (at most 4 GiB)")

    @property
    def samples(self) -> int:
        return self.data_bytes // (BITS // 8)

    def finish(self, bext: Bext, points: Sequence[CuePoint]) -> int:
        """Append the cue chunks, write the real header; the file's size."""
        data = bext_chunk(bext)
        if len(data) != self._bext_length:
            raise ValueError("the final bext chunk must be as long as the placeholder")
        if self.data_bytes % 2:
            self.fh.write(b"\0")
        tail = cue_chunks(points)
        self.fh.write(tail)
        end = self.fh.tell()
        self.fh.seek(0)
        self.fh.write(self._header(data, self.data_bytes, len(tail)))
        self.fh.seek(end)
        return end
