"""The LAME Info frame: golden bytes, and sample-exact decoding by two other tools."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from mutagen.mp3 import MP3

from briefing.encode import encode_mp3
from briefing.mp3frames import ENCODER_DELAY, iter_frames, parse_header

RATE = 22050


def impulses(total: int, at: tuple[int, ...]) -> bytes:
    return b"".join(struct.pack("<h", 12000 if i in at else 0) for i in range(total))


def test_header_parsing() -> None:
    header = parse_header(b"\xff\xf3\x82\xc4")
    assert header is not None
    assert (header.version_bits, header.bitrate_kbps, header.sample_rate) == (2, 64, 22050)
    assert header.padding and header.mono
    assert header.length == 209 and header.samples == 576 and header.side_info_length == 9
    assert parse_header(b"ID3\x03") is None


def test_info_frame_golden_fields() -> None:
    samples = 44100
    mp3 = encode_mp3(impulses(samples, ()), 64, 5)
    frames = list(iter_frames(mp3))
    offset, first = frames[0]
    assert offset == 0
    tag = mp3[: first.length]
    assert tag[:4] == b"\xff\xf3\x80\xc4"  # MPEG-2 layer III, 64 kbps, 22050 Hz, mono, no padding
    assert tag[13:17] == b"Info"
    assert struct.unpack(">II", tag[17:25]) == (0x03, len(frames) - 1)
    assert struct.unpack(">I", tag[25:29])[0] == len(mp3)
    assert tag[29:38] == b"LAME3.100"
    delay_padding = int.from_bytes(tag[29 + 21 : 29 + 24], "big")
    assert delay_padding >> 12 == ENCODER_DELAY
    assert (len(frames) - 1) * 576 - ENCODER_DELAY - (delay_padding & 0xFFF) == samples
    assert sum(h.length for _, h in frames) == len(mp3)


def test_mutagen_length_is_exact(tmp_path: Path) -> None:
    path = tmp_path / "a.mp3"
    path.write_bytes(encode_mp3(impulses(33333, ()), 64, 5))
    assert MP3(path).info.length * RATE == pytest.approx(33333, abs=0.5)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_ffmpeg_decodes_sample_exact(tmp_path: Path) -> None:
    total, marks = 3 * RATE + 17, (RATE, 2 * RATE + 5)
    path = tmp_path / "a.mp3"
    path.write_bytes(encode_mp3(impulses(total, marks), 64, 5))
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1",
                          "-"], capture_output=True, check=True).stdout
    decoded = struct.unpack(f"<{len(raw) // 2}h", raw)
    assert len(decoded) == total
    loudest = sorted(range(len(decoded)), key=lambda i: -abs(decoded[i]))[:2]
    assert sorted(loudest) == list(marks)
