"""MPEG audio frames: parse headers, and write the LAME "Info" tag that makes MP3s gapless.

An MP3 encoder delays the audio by ``ENCODER_DELAY`` samples and pads the last frame, so a
plain MP3 starts about 50 ms late (at 22.05 kHz) and ends with silence.  A LAME tag in a first,
silent frame records the delay and padding; decoders (ffmpeg, browsers, mutagen) then drop them
and the decoded audio is sample-exact, so chapter marks fall exactly where the chapters start.

The Xing part of that frame also holds a 100-entry seek table (TOC) when the frame has room
for it (at 56 kbps and up for 22.05 kHz mono), and the LAME tag holds the CRC-16 of the music
frames and of the tag itself, as LAME writes them (the tag CRC covers the frame up to it).
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from briefing.audio.crc16 import crc16, crc16_combine

ENCODER_DELAY = 576
"""Samples LAME adds before the audio (``lame_get_encoder_delay``)."""

_BITRATES = {
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1 layer III
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG-2/2.5 layer III
}
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


@dataclass(frozen=True)
class FrameHeader:
    """The fields of a layer III frame header that decide its size."""

    raw: bytes
    """The four header bytes."""

    version_bits: int
    """3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5."""

    bitrate_kbps: int
    sample_rate: int
    padding: bool
    mono: bool

    @property
    def samples(self) -> int:
        """Samples per frame."""
        return 1152 if self.version_bits == 3 else 576

    @functools.cached_property
    def length(self) -> int:
        """Frame length in bytes, header included."""
        factor = 144 if self.version_bits == 3 else 72
        return factor * self.bitrate_kbps * 1000 // self.sample_rate + int(self.padding)

    @property
    def side_info_length(self) -> int:
        """Bytes of side information after the header (no CRC)."""
        if self.version_bits == 3:
            return 17 if self.mono else 32
        return 9 if self.mono else 17


def parse_header(data: bytes, offset: int = 0) -> FrameHeader | None:
    """The layer III frame header at ``offset``, or ``None`` when there is none."""
    if offset + 4 > len(data):
        return None
    return _parse_header_bytes(bytes(data[offset : offset + 4]))


@functools.lru_cache(maxsize=256)
def _parse_header_bytes(raw: bytes) -> FrameHeader | None:
    # a stream repeats a handful of distinct headers, so each is parsed once
    b0, b1, b2, b3 = raw
    if b0 != 0xFF or (b1 & 0xE0) != 0xE0:
        return None
    version_bits = (b1 >> 3) & 0x03
    layer_bits = (b1 >> 1) & 0x03
    bitrate_index = b2 >> 4
    rate_index = (b2 >> 2) & 0x03
    if version_bits == 1 or layer_bits != 1 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    table = _BITRATES[1 if version_bits == 3 else 2]
    return FrameHeader(
        raw=raw,
        version_bits=version_bits,
        bitrate_kbps=table[bitrate_index],
        sample_rate=_SAMPLE_RATES[version_bits][rate_index],
        padding=bool((b2 >> 1) & 0x01),
        mono=(b3 >> 6) == 3,
    )


def iter_frames(data: bytes | bytearray) -> Iterator[tuple[int, FrameHeader]]:
    """Offsets and headers of consecutive frames from the start of an MP3 stream."""
    offset = 0
    end = len(data) - 4
    while offset <= end:
        header = _parse_header_bytes(bytes(data[offset : offset + 4]))
        if header is None:
            return
        yield offset, header
        offset += header.length


def _frame_summary(data: bytes | bytearray) -> tuple[int, list[FrameHeader], int]:
    """Number of frames, the headers of the first two, and where the last ends (no list of
    every frame: a long chapter has hundreds of thousands)."""
    count, end = 0, 0
    headers: list[FrameHeader] = []
    for offset, header in iter_frames(data):
        count += 1
        if len(headers) < 2:
            headers.append(header)
        end = offset + header.length
    return count, headers, end



XING_FRAMES, XING_BYTES, XING_TOC, XING_QUALITY = 0x01, 0x02, 0x04, 0x08
"""Xing header flags: which optional fields follow the flags."""

LAME_TAG_LENGTH = 36


def _xing_fields(flags: int) -> int:
    """Bytes of the Xing fields after ``Info`` and the flags."""
    return (4 * bool(flags & XING_FRAMES) + 4 * bool(flags & XING_BYTES)
            + 100 * bool(flags & XING_TOC) + 4 * bool(flags & XING_QUALITY))


def cbr_toc() -> bytes:
    """The Xing seek table of a CBR stream: at ``i`` % of the time, ``i`` % of the bytes (in
    256ths); the frames of one bitrate differ only by a padding byte."""
    return bytes(i * 256 // 100 for i in range(100))


def info_frame(first: FrameHeader, frames: int, stream_bytes: int, samples: int,
               delay: int = ENCODER_DELAY, music_crc: int = 0) -> bytes:
    """A silent first frame holding a Xing "Info" header and a LAME tag.

    ``frames`` and ``stream_bytes`` describe the audio frames that follow; ``samples`` is the
    number of real samples they carry, ``music_crc`` the CRC-16 of their bytes.
    """
    header = bytearray(first.raw)
    header[2] &= ~0x02  # no padding in the tag frame
    size = FrameHeader(bytes(header), first.version_bits, first.bitrate_kbps, first.sample_rate,
                       False, first.mono).length
    padding = frames * first.samples - delay - samples
    if not 0 <= padding < 4096 or not 0 <= delay < 4096:
        raise ValueError(f"encoder delay {delay} or padding {padding} out of range")
    pos = 4 + first.side_info_length
    flags = XING_FRAMES | XING_BYTES | XING_TOC | XING_QUALITY
    if pos + 8 + _xing_fields(flags) + LAME_TAG_LENGTH > size:
        flags = XING_FRAMES | XING_BYTES  # a small frame: no room for the seek table
    frame = bytearray(size)
    frame[0:4] = header
    frame[pos : pos + 4] = b"Info"
    frame[pos + 4 : pos + 16] = struct.pack(">III", flags, frames, stream_bytes + size)
    if flags & XING_TOC:
        frame[pos + 16 : pos + 116] = cbr_toc()
        # quality indicator (pos + 116) left zero: not recorded
    lame = pos + 8 + _xing_fields(flags)
    frame[lame : lame + 9] = b"LAME3.100"
    # revision 0 / CBR (1); lowpass, replay gain, flags left zero
    frame[lame + 9] = 0x01
    frame[lame + 20] = min(first.bitrate_kbps, 255)
    frame[lame + 21 : lame + 24] = ((delay << 12) | padding).to_bytes(3, "big")
    music_length = stream_bytes + size
    frame[lame + 28 : lame + 34] = struct.pack(">IH", music_length, music_crc)
    # the tag CRC covers the frame up to it, as LAME computes it
    tag_end = lame + 34
    frame[tag_end : tag_end + 2] = struct.pack(">H", crc16(bytes(frame[:tag_end])))
    return bytes(frame)


def lame_tag_offset(data: bytes, first: FrameHeader) -> int:
    """Where the LAME tag starts in the Info frame at the start of ``data`` (``ValueError``
    when there is no Info frame with a LAME tag)."""
    pos = 4 + first.side_info_length
    if data[pos : pos + 4] != b"Info":
        raise ValueError("no LAME Info frame")
    flags = struct.unpack(">I", data[pos + 4 : pos + 8])[0]
    lame = pos + 8 + _xing_fields(flags)
    if not flags & XING_FRAMES or data[lame : lame + 4] != b"LAME":
        raise ValueError("no LAME Info frame")
    return lame


def add_info_frame(stream: bytes | bytearray, samples: int) -> bytes:
    """Prefix a CBR MP3 stream (no tags) with a LAME Info frame for ``samples`` samples."""
    count, headers, end = _frame_summary(stream)
    if not count:
        raise ValueError("no MPEG layer III frames in the stream")
    if end != len(stream):
        raise ValueError(f"the stream has {len(stream) - end} bytes after its last frame")
    return info_frame(headers[0], count, len(stream), samples, music_crc=crc16(stream)) + stream


@dataclass(frozen=True)
class Mp3Stream:
    """An MP3 made by :func:`add_info_frame`, taken apart again."""

    frames: bytes
    """The audio frames, without the Info frame."""

    frame_count: int
    """Number of audio frames."""

    samples: int
    """Real samples they carry (delay and padding excluded)."""

    samples_per_frame: int
    """576 or 1152."""

    header: FrameHeader
    """The header of its first audio frame."""

    size: int
    """Bytes of the audio frames."""

    music_crc: int
    """The CRC-16 of the audio frames, as its Info frame records it."""

    def with_info_frame(self, music_crc: int) -> bytes:
        """The stream with a new Info frame (recording ``music_crc``): the current format."""
        return info_frame(self.header, self.frame_count, self.size, self.samples,
                          music_crc=music_crc) + self.frames


def read_stream(data: bytes) -> Mp3Stream:
    """Split an MP3 with a LAME Info frame into its parts; ``ValueError`` when it is damaged."""
    frame_count, headers, end = _frame_summary(data)
    if frame_count < 2:
        raise ValueError("too few MPEG frames")
    if end != len(data):
        raise ValueError("the stream is truncated or has trailing bytes")
    first = headers[0]
    pos = 4 + first.side_info_length
    lame = lame_tag_offset(data, first)
    count = struct.unpack(">I", data[pos + 8 : pos + 12])[0]
    if count != frame_count - 1:
        raise ValueError("the Info frame's frame count does not match the stream")
    value = int.from_bytes(data[lame + 21 : lame + 24], "big")
    delay, padding = value >> 12, value & 0xFFF
    samples = count * first.samples - delay - padding
    if samples <= 0:
        raise ValueError("the stream holds no samples")
    music_crc = struct.unpack(">H", data[lame + 32 : lame + 34])[0]
    return Mp3Stream(data[first.length :], count, samples, first.samples, headers[1],
                     len(data) - first.length, music_crc)


@dataclass(frozen=True)
class JoinPlan:
    """How MP3 parts join: each part's audio start, and the Info frame of the whole."""

    info: bytes
    """The Info frame that starts the joined stream; the parts' frames follow it."""

    starts: tuple[int, ...]
    """Sample position where each part's audio starts in the decoded whole."""

    samples: int
    """Total samples of the decoded whole."""

    size: int
    """Bytes of the joined stream (Info frame included)."""


def plan_join(streams: Sequence[Mp3Stream]) -> JoinPlan:
    """The layout of ``streams`` joined frame by frame, without holding their frames together.

    Every part starts a fresh bit reservoir, so its frames can follow another part's.  Each part
    keeps its own encoder delay and padding inside the whole (a few dozen milliseconds of
    silence, at a chapter's end where there is silence anyway); the start of each part's audio
    in the whole is computed exactly from the frame counts.  The whole's music CRC is joined
    from the parts' (their ``music_crc``), so no part is read again for it.
    """
    if not streams:
        raise ValueError("nothing to join")
    spf = streams[0].samples_per_frame
    starts: list[int] = []
    position = 0
    for stream in streams:
        starts.append(position)
        position += stream.frame_count * spf
    last = streams[-1]
    padding = last.frame_count * spf - ENCODER_DELAY - last.samples
    total = position - ENCODER_DELAY - padding
    frames = sum(s.frame_count for s in streams)
    body = sum(s.size for s in streams)
    music_crc = 0
    for stream in streams:
        music_crc = crc16_combine(music_crc, stream.music_crc, stream.size)
    info = info_frame(streams[0].header, frames, body, total, music_crc=music_crc)
    return JoinPlan(info, tuple(starts), total, len(info) + body)
