"""The LAME Info frame: golden bytes, and sample-exact decoding by two other tools."""

from __future__ import annotations

import random
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from mutagen.mp3 import MP3

from briefing.audio.crc16 import MAX_BLOCK, MIN_BLOCK, block_length, crc16, crc16_combine
from briefing.audio.mp3encode import encode_mp3
from briefing.audio.mp3frames import (
    ENCODER_DELAY,
    iter_frames,
    lame_tag_offset,
    parse_header,
    read_stream,
)
from tests.conftest import SeedBuild

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
    # frames, bytes, TOC and quality fields present
    assert struct.unpack(">II", tag[17:25]) == (0x0F, len(frames) - 1)
    assert struct.unpack(">I", tag[25:29])[0] == len(mp3)
    assert list(tag[29:129]) == [i * 256 // 100 for i in range(100)]
    assert tag[133:142] == b"LAME3.100"
    delay_padding = int.from_bytes(tag[133 + 21 : 133 + 24], "big")
    assert delay_padding >> 12 == ENCODER_DELAY
    assert (len(frames) - 1) * 576 - ENCODER_DELAY - (delay_padding & 0xFFF) == samples
    assert sum(h.length for _, h in frames) == len(mp3)
    assert struct.unpack(">I", tag[133 + 28 : 133 + 32])[0] == len(mp3)
    # the music CRC covers every frame after this one, the tag CRC the frame up to itself
    assert struct.unpack(">HH", tag[133 + 32 : 133 + 36]) == (
        reference_crc16(mp3[first.length :]), reference_crc16(tag[: 133 + 34]))


def reference_crc16(data: bytes, crc: int = 0) -> int:
    """CRC-16/ARC bit by bit, straight from its definition (a second implementation)."""
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def test_crc16_matches_the_definition() -> None:
    rng = random.Random(5)
    assert crc16(b"123456789") == 0xBB3D  # the catalogue check value of CRC-16/ARC
    for length in (0, 1, 1023, 1024 * 8, 1024 * 8 + 1, 1024 * 40 + 77):
        data = rng.randbytes(length)
        assert crc16(data) == reference_crc16(data), length
        assert crc16(data, 0x1D0F) == reference_crc16(data, 0x1D0F)
        cut = rng.randrange(length + 1)
        assert crc16_combine(crc16(data[:cut]), crc16(data[cut:]), length - cut) == crc16(data)
        assert crc16(data[cut:], crc16(data[:cut])) == crc16(data)


def test_crc16_of_long_data_at_every_block_length() -> None:
    # a chapter (hundreds of kB) and a briefing (megabytes) take longer blocks than short data
    rng = random.Random(7)
    lengths = (300_000 + 5, 1_200_000 + 3, 20_000_000)
    assert [block_length(n) for n in lengths] == [128, 256, MAX_BLOCK]
    assert block_length(0) == block_length(5000) == MIN_BLOCK
    for length in lengths[:2]:
        data = rng.randbytes(length)
        assert crc16(data) == reference_crc16(data), length
        assert crc16(data, 0xBEEF) == reference_crc16(data, 0xBEEF), length


def test_small_frames_carry_no_toc() -> None:
    # 32 kbps at 22.05 kHz: 104-byte frames, too small for the seek table and the LAME tag
    mp3 = encode_mp3(impulses(30000, ()), 32, 5)
    assert mp3[13:17] == b"Info" and struct.unpack(">I", mp3[17:21])[0] == 0x03
    assert mp3[29:38] == b"LAME3.100"
    stream = read_stream(mp3)
    assert stream.samples == 30000
    assert stream.music_crc == reference_crc16(stream.frames)
    assert stream.with_info_frame(stream.music_crc) == mp3


@pytest.mark.skipif(shutil.which("lame") is None, reason="lame (Debian) is not installed")
def test_crcs_are_computed_as_lame_computes_them(tmp_path: Path) -> None:
    """LAME's own Info frame: our CRC-16 reproduces both of its CRCs."""
    import wave

    with wave.open(str(tmp_path / "in.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(random.Random(1).randbytes(RATE * 2))
    subprocess.run(["lame", "--quiet", "-b", "64", "--cbr", str(tmp_path / "in.wav"),
                    str(tmp_path / "out.mp3")], check=True)
    mp3 = (tmp_path / "out.mp3").read_bytes()
    first = next(iter_frames(mp3))[1]
    lame = lame_tag_offset(mp3, first)
    music, tag = struct.unpack(">HH", mp3[lame + 32 : lame + 36])
    assert music == crc16(mp3[first.length :])
    assert tag == crc16(mp3[: lame + 34])


def test_eyed3_reads_the_lame_tag(tmp_path: Path) -> None:
    from eyed3.mp3.headers import LameHeader

    mp3 = encode_mp3(impulses(44100, (500,)), 64, 5)
    first = next(iter_frames(mp3))[1]
    lame = LameHeader(mp3[: first.length])
    assert lame["encoder_version"] == "LAME3.100"
    assert lame["encoder_delay"] == ENCODER_DELAY
    assert lame["music_length"] == len(mp3)
    # eyeD3's own table-driven CRC-16 agrees on the music CRC
    assert lame["music_crc"] == LameHeader._crc16(lame, mp3[first.length :])
    # (eyeD3 checks the tag CRC at the offset of MPEG-1 stereo frames, byte 190, so it cannot
    # check it in MPEG-2 mono frames, LAME's own included: see the test against lame above)


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


@pytest.fixture
def built(seed_build: SeedBuild) -> list[Path]:
    """The MP3 files of the seed's shared build (read only): the full briefing, then chapters."""
    files = seed_build.day["files"]
    return [seed_build.ws / files["mp3"], *(seed_build.ws / f for f in files["chapters"])]


def audio_of(path: Path) -> bytes:
    data = path.read_bytes()
    assert data[:3] == b"ID3"
    size = 0
    for byte in data[6:10]:
        size = size << 7 | byte
    return data[10 + size :]


def test_the_joined_file_describes_itself(built: list[Path]) -> None:
    """The full briefing's Info frame: the joined file's frame count, bytes, TOC and CRCs."""
    assert len(built) == 17
    for path in built:
        mp3 = audio_of(path)
        frames = list(iter_frames(mp3))
        first = frames[0][1]
        assert sum(h.length for _, h in frames) == len(mp3)
        assert mp3[13:17] == b"Info"
        assert struct.unpack(">III", mp3[17:29]) == (0x0F, len(frames) - 1, len(mp3))
        assert list(mp3[29:129]) == [i * 256 // 100 for i in range(100)]
        music, tag = struct.unpack(">HH", mp3[133 + 32 : 133 + 36])
        assert music == reference_crc16(mp3[first.length :]), path.name
        assert tag == reference_crc16(mp3[: 133 + 34]), path.name


@pytest.mark.skipif(shutil.which("mp3val") is None, reason="mp3val (Debian) is not installed")
def test_mp3val_finds_nothing_wrong(built: list[Path]) -> None:
    files = built
    out = subprocess.run(["mp3val", *map(str, files)], capture_output=True, text=True,
                         check=True).stdout
    assert "WARNING" not in out and "PROBLEM" not in out, out
    infos = [line for line in out.splitlines() if line.startswith("INFO:")]
    assert len(infos) == len(files) and all("+ID3v2, CBR" in line for line in infos)
