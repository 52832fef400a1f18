"""The ID3v2.3 tag as stored: golden frame bytes, frames in time order, v2.3-only frames, and
what real tools (ffprobe, an ffmpeg conversion and remux, id3lib's id3v2) make of it."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from briefing.audio.id3 import PADDING, ChapterMark, TagInfo, tag_briefing, tag_chapter
from briefing.audio.mp3encode import encode_mp3
from tests.conftest import ffprobe_json, needs_ffprobe

INFO = TagInfo("B", "A", "P", "2024-01-02")

GOLDEN_FRAMES = [
    # TIT2 "B" in UTF-16 with BOM (v2.3 has no UTF-8), NUL-terminated
    "5449543200000007000001fffe42000000",
    "5450453100000007000001fffe50000000",  # TPE1 "P"
    "54414c4200000007000001fffe41000000",  # TALB "A"
    "545945520000000d000001fffe32003000320034000000",  # TYER "2024"
    "544441540000000d000001fffe30003200300031000000",  # TDAT "0201" (DDMM)
    "54434f4e00000011000001fffe5300700065006500630068000000",  # TCON "Speech"
    # CTOC "toc": flags top-level|ordered, 2 children chp0 chp1, TIT2 "B"
    "43544f43000000210000746f63000302636870300063687031005449543200000007000001fffe42000000",
    # CHAP chp0 0..1500 ms, no byte offsets, TIT2 "One"
    "434841500000002a0000636870300000000000000005dcffffffffffffffff"
    "544954320000000b000001fffe4f006e0065000000",
    # CHAP chp1 1500..4250 ms, TIT2 "Two"
    "434841500000002a00006368703100000005dc0000109affffffffffffffff"
    "544954320000000b000001fffe540077006f000000",
]


def frames_of(data: bytes) -> list[bytes]:
    """Walk the stored tag: each frame's bytes, in file order."""
    assert data[:5] == b"ID3\x03\x00"
    size = 0
    for byte in data[6:10]:
        assert byte < 0x80
        size = size << 7 | byte
    body = data[10 : 10 + size]
    frames, pos = [], 0
    while pos + 10 <= len(body) and body[pos] != 0:
        length = struct.unpack(">I", body[pos + 4 : pos + 8])[0]
        frames.append(body[pos : pos + 10 + length])
        pos += 10 + length
    assert not body[pos:].strip(b"\x00")
    return frames


def test_golden_tag_bytes() -> None:
    tag = tag_briefing(b"", INFO, [ChapterMark("One", 0, 1500), ChapterMark("Two", 1500, 4250)])
    assert [f.hex() for f in frames_of(tag)] == GOLDEN_FRAMES
    assert tag[:10] == b"ID3\x03\x00\x00" + bytes.fromhex("00000a0f")
    assert len(tag) == 10 + sum(len(f) // 2 for f in GOLDEN_FRAMES) + PADDING


def chapter_marks(count: int) -> list[ChapterMark]:
    # titles of very different lengths, so a size-sorted tag would scramble the chapters
    return [ChapterMark(f"Chapter {i}: " + "word " * ((i * 7) % 11), i * 1000, (i + 1) * 1000)
            for i in range(count)]


def test_chapters_are_stored_in_time_order() -> None:
    marks = chapter_marks(16)
    frames = frames_of(tag_briefing(b"", INFO, marks))
    ids = [f[:4] for f in frames]
    assert b"TDRC" not in ids and b"TYER" in ids and b"TDAT" in ids
    chaps = [f for f in frames if f[:4] == b"CHAP"]
    assert ids.index(b"CTOC") < ids.index(b"CHAP")
    assert all(i == b"CHAP" for i in ids[ids.index(b"CHAP"):])
    element_ids = [f[10 : f.index(b"\x00", 10)] for f in chaps]
    assert element_ids == [f"chp{i}".encode() for i in range(16)]
    starts = [struct.unpack(">I", f[11 + len(e) : 15 + len(e)])[0]
              for f, e in zip(chaps, element_ids, strict=True)]
    assert starts == [m.start_ms for m in marks]


def test_chapter_tag_has_no_v24_frames() -> None:
    frames = frames_of(tag_chapter(b"", INFO, "Four, five", 4, 9))
    assert [f[:4] for f in frames] == [b"TIT2", b"TPE1", b"TALB", b"TYER", b"TDAT", b"TCON",
                                      b"TRCK"]
    # mutagen reads the date back whole (it joins TYER and TDAT)
    assert str(ID3(fileobj_of(frames_of(tag_chapter(b"", INFO, "x", 1, 1)))).get("TDRC")) \
        == "2024-01-02"


def fileobj_of(frames: list[bytes]) -> io.BytesIO:
    body = b"".join(frames)
    size = bytes((len(body) >> s) & 0x7F for s in (21, 14, 7, 0))
    return io.BytesIO(b"ID3\x03\x00\x00" + size + body)


def briefing_mp3(tmp_path: Path, count: int = 16) -> tuple[Path, list[ChapterMark]]:
    seconds = count
    pcm = b"".join(struct.pack("<h", (i * 37 % 200) - 100) for i in range(seconds * 22050))
    marks = chapter_marks(count)
    path = tmp_path / "briefing.mp3"
    path.write_bytes(tag_briefing(encode_mp3(pcm, 64, 5), INFO, marks))
    return path, marks


@needs_ffprobe
def test_ffprobe_conversion_and_remux_keep_the_chapters_in_order(tmp_path: Path) -> None:
    path, marks = briefing_mp3(tmp_path)

    def listed(file: Path) -> list[tuple[float, str]]:
        return [(float(c["start_time"]), c["tags"]["title"])
                for c in ffprobe_json(file, "-show_chapters")["chapters"]]

    expected = [(m.start_ms / 1000, m.title) for m in marks]
    assert listed(path) == expected  # file order, not sorted
    m4a = tmp_path / "out.m4a"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-c:a", "aac", str(m4a)],
                   check=True, capture_output=True)
    converted = listed(m4a)
    assert [t for _, t in converted] == [m.title for m in marks]
    for (start, _), mark in zip(converted, marks, strict=True):
        assert abs(start * 1000 - mark.start_ms) <= 50
    remux = tmp_path / "remux.mp3"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-c", "copy", str(remux)],
                   check=True, capture_output=True)
    tags = ID3(remux)
    [toc] = tags.getall("CTOC")
    starts = {c.element_id: c.start_time for c in tags.getall("CHAP")}
    in_toc = [starts[i] for i in toc.child_element_ids]
    assert in_toc == sorted(in_toc) and len(in_toc) == len(marks)
    # ffmpeg's remux moves the marks by the encoder delay it drops (50 ms at 22.05 kHz)
    assert all(abs(a - m.start_ms) <= 60 for a, m in zip(in_toc, marks, strict=True))
    assert [t for _, t in listed(remux)] == [m.title for m in marks]


@pytest.mark.skipif(shutil.which("id3v2") is None, reason="id3v2 (Debian) is not installed")
def test_id3lib_reads_the_year(tmp_path: Path) -> None:
    path, _ = briefing_mp3(tmp_path, 3)
    out = subprocess.run(["id3v2", "-l", str(path)], check=True, capture_output=True,
                         text=True).stdout
    assert "id3v2 tag info" in out
    assert "TYER (Year): 2024" in out
    assert "TDAT" in out and "TDRC" not in out
    # id3lib shows a frame it does not know (a v2.4 one) as "XXXX ():  frame"
    text_frames = [line for line in out.splitlines() if line[:1] == "T"]
    assert len(text_frames) == 6 and all("():" not in line for line in text_frames)
