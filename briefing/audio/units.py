"""A chapter's MP3 made of independently encoded units, joined frame by frame, sample-exact.

Why: a one-sentence edit used to re-encode its whole chapter.  Here a chapter is cut into
*units* (a sentence or a run of sentences) inside the silent pauses between sentences, each unit
is encoded on its own, and the chapter's MP3 is the units' frames one after the other; a unit
whose normalised PCM is unchanged is not encoded again (its frames are cached by the digest of
that PCM).

Why the seams are exact (checked by the tests against a single-pass encode decoded by ffmpeg):

* every unit but the last is a whole number of MP3 frames long (:data:`FRAME` samples: its
  trailing pause is lengthened by less than one frame, 26 ms), so a unit's frames sit on the
  same grid in the chapter as in its own encoding, and the chapter's one encoder delay (the
  first unit's first frame) and padding (the last unit's last frames) are recorded in its Info
  frame as for one encode;
* a cut lies in digital silence with at least :data:`SEAM_FRAMES` frames of it on each side:
  the frames around it code nothing (all-zero spectra), so the decoder's overlap-add and
  filterbank state carry only zeros across the seam;
* LAME's bit reservoir: the first kept frame of a unit may start its main data in the frame
  before it (``main_data_begin``), which is not kept.  Those bytes ("borrow") are copied into
  the unused tail of the previous unit's last frames' main-data slots (the reservoir left after
  silent frames, normally 255 bytes, more than any borrow); where it does not fit the chapter is
  encoded in one pass instead (:class:`SeamError`).

Only MPEG-2/2.5 mono frames (one granule, as at :data:`~briefing.audio.assemble.SAMPLE_RATE`)
are split; other streams raise :class:`SeamError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from briefing.audio.crc16 import crc16
from briefing.audio.mp3frames import FrameHeader, info_frame, iter_frames

FRAME = 576
"""Samples per MP3 frame (MPEG-2 layer III)."""

SEAM_FRAMES = 3
"""Frames of digital silence needed on each side of a cut between units."""

SEAM_SAMPLES = SEAM_FRAMES * FRAME


class SeamError(ValueError):
    """Two units cannot be joined frame-wise (the caller encodes the chapter in one pass)."""


@dataclass(frozen=True)
class UnitFrames:
    """One unit's kept frames and what joining them needs."""

    frames: bytes
    """The kept frames: from the second frame (the first too for a chapter's first unit) to
    the last frame of its audio (every frame for a chapter's last unit)."""

    frame_count: int
    samples: int
    """Samples of PCM the unit was encoded from."""

    borrow: bytes
    """Main data the first kept frame takes from the frame before it (empty when first)."""

    free: int
    """Unused main-data bytes at the end of the kept frames (room for the next's borrow)."""


@dataclass(frozen=True)
class _Frame:
    offset: int
    header: FrameHeader
    main_data_begin: int
    main_bits: int

    @property
    def slot(self) -> tuple[int, int]:
        """Where its main-data slot lies in the stream."""
        return self.offset + 4 + self.header.side_info_length, self.offset + self.header.length


def _frames(stream: bytes) -> list[_Frame]:
    found: list[_Frame] = []
    for offset, header in iter_frames(stream):
        if header.version_bits == 3 or not header.mono or not header.raw[1] & 0x01:
            raise SeamError("only mono MPEG-2 frames without CRC are joined frame-wise")
        side = int.from_bytes(stream[offset + 4 : offset + 13], "big")  # 72 bits
        found.append(_Frame(offset, header, side >> 64, (side >> 51) & 0xFFF))
    return found


def _free_tail(frames: list[_Frame]) -> int:
    """Main-data bytes after the last frame's data, to the end of the last slot."""
    position = end = 0
    for frame in frames:
        start, stop = frame.slot
        end = position - frame.main_data_begin + (frame.main_bits + 7) // 8
        position += stop - start
    return position - end


def split_unit(stream: bytes, samples: int, first: bool, last: bool) -> UnitFrames:
    """The frames of one unit's own encode (``samples`` of PCM, a whole number of frames unless
    ``last``) that the chapter keeps."""
    frames = _frames(stream)
    audio = samples // FRAME  # frames 1..audio carry the unit's audio (frame 0: the delay)
    if not last and (samples % FRAME or len(frames) < audio + 1):
        raise SeamError("a unit that is not last must be a whole number of frames")
    begin = 0 if first else 1
    kept = frames[begin:] if last else frames[begin : audio + 1]
    borrow = b""
    if not first:
        need = kept[0].main_data_begin
        data = b"".join(stream[a:b] for a, b in (f.slot for f in frames[:begin]))
        if need > len(data):
            raise SeamError("a unit's first frame reaches past its own stream")
        borrow = data[len(data) - need :] if need else b""
    body = stream[kept[0].offset : kept[-1].offset + kept[-1].header.length]
    return UnitFrames(body, len(kept), samples, borrow, 0 if last else _free_tail(kept))


def join_units(units: Iterable[UnitFrames]) -> tuple[bytes, list[int]]:
    """The chapter's MP3: the units' frames spliced at each seam, with one Info frame; and
    where each unit's frames start in it.

    Each unit's frames are walked once, here (their main-data slots for the next seam, their
    count checked against the unit's: :class:`SeamError` for a unit whose frames are not what
    its encode recorded), and the Info frame is made from those counts.
    """
    out = bytearray()
    samples = frames = 0
    first: FrameHeader | None = None
    previous: list[tuple[int, int]] = []  # main-data slots of the previous unit, in ``out``
    free = 0
    starts: list[int] = []
    for unit in units:
        walked = _frames(unit.frames)
        if len(walked) != unit.frame_count or not walked or \
                walked[-1].offset + walked[-1].header.length != len(unit.frames):
            raise SeamError("a unit's frames are damaged")
        if unit.borrow:
            if len(unit.borrow) > free:
                raise SeamError(f"a seam needs {len(unit.borrow)} reservoir bytes, "
                                f"{free} are free")
            _write_back(out, previous, unit.borrow)
        base = len(out)
        starts.append(base)
        out += unit.frames
        previous = [(base + a, base + b) for a, b in (f.slot for f in walked)]
        free = unit.free
        samples += unit.samples
        frames += len(walked)
        first = first or walked[0].header
    if first is None:
        raise SeamError("no units to join")
    info = info_frame(first, frames, len(out), samples, music_crc=crc16(out))
    return info + out, [len(info) + s for s in starts]


def _write_back(out: bytearray, slots: list[tuple[int, int]], data: bytes) -> None:
    """Write ``data`` into the last ``len(data)`` main-data bytes of ``slots``."""
    remaining = len(data)
    for start, stop in reversed(slots):
        if not remaining:
            return
        take = min(remaining, stop - start)
        out[stop - take : stop] = data[remaining - take : remaining]
        remaining -= take


def unit_blocks(blocks: Iterable[bytes], bounds: list[int]) -> Iterator[bytes]:
    """The PCM of each unit, cut from a stream of blocks at the sample offsets ``bounds`` (each
    unit's end; the last unit runs to the end of the stream)."""
    pending = bytearray()
    done = 0  # samples handed on
    cut = iter(bounds)
    target = next(cut, None)
    for block in blocks:
        pending += block
        while target is not None and done + len(pending) // 2 >= target:
            size = 2 * (target - done)
            yield bytes(pending[:size])
            del pending[:size]
            done = target
            target = next(cut, None)
    yield bytes(pending)


def units_as_cut(pieces: Iterable[bytes], cuts: list[int], max_samples: int) -> Iterator[bytes]:
    """The PCM of each unit of a stream of ``pieces`` whose producer appends each cut to
    ``cuts`` (a sample offset) before it yields the first piece after it, as
    :func:`~briefing.audio.assemble.chapter_pieces` does: one pass, no bounds known before.
    :class:`SeamError` for a unit longer than ``max_samples`` (it is not held)."""
    pending = bytearray()
    done = 0  # samples handed on
    seen = 0
    for piece in pieces:
        while seen < len(cuts):
            size = 2 * (cuts[seen] - done)
            seen += 1
            if not 0 <= size <= len(pending):
                raise ValueError("a cut outside the audio produced so far")
            yield bytes(pending[:size])
            del pending[:size]
            done += size // 2
        pending += piece
        if len(pending) > 2 * max_samples:
            raise SeamError(f"a unit of over {max_samples} samples (pauses too short to cut)")
    yield bytes(pending)
