"""Assembly, encoding and tagging, with the deterministic fake engine: exact timings."""

from __future__ import annotations

import io
import re
import wave
from pathlib import Path
from typing import Any

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from briefing.audio.assemble import SAMPLE_RATE, ChapterPcm, Gaps, assemble_chapter, trimmed_pcm
from briefing.engines.base import VoiceSettings
from briefing.engines.fake import FakeEngine, fake_duration_ms
from briefing.text.script_read import parse_script
from tests.conftest import (
    SeedBuild,
    ffprobe_chapters,
    ffprobe_duration,
    ffprobe_json,
    needs_ffprobe,
)

SCRIPT = """---
date: 2024-01-01
title: Test briefing
rate: 120
---
## Opening

One two three. Four five.

Six seven eight nine.

## Middle

[pause 2s]

Ten.

[pause 1s]
"""


def wav_ms(wav: bytes) -> float:
    with wave.open(io.BytesIO(wav)) as w:
        return w.getnframes() * 1000 / w.getframerate()


def test_fake_engine_duration_is_exact() -> None:
    wav = FakeEngine().synthesize("one two three", VoiceSettings(rate=120))
    assert wav_ms(wav) == pytest.approx(1500, abs=0.05)
    assert fake_duration_ms("one two three", 120) == 1500


def test_trimming_keeps_speech_of_fake_segments() -> None:
    wav = FakeEngine().synthesize("one two", VoiceSettings(rate=120))
    pcm = trimmed_pcm(wav)
    # the tone starts at full level, so only the margin logic can change the length
    assert abs(len(pcm) / 2 / SAMPLE_RATE * 1000 - 1000) < 25


def test_assembly_gaps_and_boundaries() -> None:
    script = parse_script(SCRIPT, Path("2024-01-01.md"))
    engine = FakeEngine()
    settings = VoiceSettings(rate=120)
    gaps = Gaps(sentence_ms=300, paragraph_ms=700, chapter_ms=1200)

    def chapter_pcm(index: int) -> ChapterPcm:
        chapter = script.chapters[index]
        return assemble_chapter(
            chapter, lambda n: engine.synthesize(chapter.sentences[n], settings), gaps)

    one, two = chapter_pcm(0), chapter_pcm(1)
    lead = gaps.lead_ms
    # chapter 1: lead-in + 1500 + 300 + 1000 + 700 + 2000 + 1200 (tail); trimming changes each
    # by <25 ms
    assert one.samples * 1000 / SAMPLE_RATE == pytest.approx(
        lead + 1500 + 300 + 1000 + 700 + 2000 + 1200, abs=80)
    # chapter 2: its explicit pause replaces the chapter tail, the leading pause is dropped
    # (the lead-in stands instead)
    assert two.samples * 1000 / SAMPLE_RATE == pytest.approx(lead + 500 + 1000, abs=30)
    first, second, third = one.segments
    assert first.start_ms == lead
    assert second.start_ms - first.end_ms == pytest.approx(300, abs=0.1)
    assert third.start_ms - second.end_ms == pytest.approx(700, abs=0.1)
    assert third.end_ms == pytest.approx(one.samples * 1000 / SAMPLE_RATE - 1200, abs=0.1)


@pytest.mark.parametrize("lead", [0, 450])
def test_a_lead_in_silence_opens_every_chapter(lead: int) -> None:
    script = parse_script(SCRIPT, Path("2024-01-01.md"))
    engine = FakeEngine()
    settings = VoiceSettings(rate=120)
    gaps = Gaps(sentence_ms=300, paragraph_ms=700, chapter_ms=1200, lead_ms=lead)
    for chapter in script.chapters:
        pcm = assemble_chapter(
            chapter, lambda n, c=chapter: engine.synthesize(c.sentences[n], settings), gaps)
        first = pcm.segments[0]
        assert first.start_ms == pytest.approx(lead, abs=0.1)
        # the lead-in is digital silence, and the fake engine's tone starts at full level
        opening = pcm.pcm[: 2 * round(first.start_ms * SAMPLE_RATE / 1000)]
        assert not any(opening)
        assert pcm.pcm[2 * round((first.start_ms + 25) * SAMPLE_RATE / 1000):][:200].strip(b"\0")


@pytest.fixture
def built(seed_build: SeedBuild) -> tuple[Path, dict[str, Any]]:
    """The seed's shared build (read only): its workspace and ``--json`` report."""
    return seed_build.ws, seed_build.report


def test_outputs_of_the_seed(built: tuple[Path, dict[str, Any]]) -> None:
    ws, report = built
    [day] = report["dates"]
    folder = ws / "audio" / "2023-09-27"
    mp3 = folder / "briefing-2023-09-27.mp3"
    chapters = day["chapters"]
    assert len(chapters) == 16
    # mutagen reads the chapter frames back: an ordered top-level CTOC of the level-1
    # chapters with the story's photos in a child CTOC after it, one CHAP per chapter
    tags = ID3(mp3)
    toc, photos = tags.getall("CTOC")
    chaps = {f.element_id: f for f in tags.getall("CHAP")}
    assert [c["level"] for c in chapters] == [1, 1, *[2] * 13, 1]
    assert list(toc.child_element_ids) == ["chp0", "chp1", "toc1", "chp15"]
    assert toc.flags & 0x03 == 0x03  # top-level and ordered
    assert list(photos.child_element_ids) == [f"chp{i}" for i in range(2, 15)]
    assert photos.flags & 0x03 == 0x01  # ordered, not top-level
    read_back = sorted(chaps.values(), key=lambda f: f.start_time)
    for frame, expected in zip(read_back, chapters, strict=True):
        assert frame.sub_frames["TIT2"].text[0] == expected["title"]
        assert abs(frame.start_time - expected["start_ms"]) <= 1
        assert abs(frame.end_time - expected["end_ms"]) <= 1
    assert tags["TCON"].text == ["Speech"]
    assert str(tags["TDRC"].text[0]) == "2023-09-27"
    assert tags["TIT2"].text == ["News briefing, Wednesday, September 27, 2023"]
    # the audio is as long as the chapters say
    audio = MP3(mp3)
    assert audio.info.channels == 1 and audio.info.bitrate == 64000
    assert audio.info.length * 1000 == pytest.approx(day["duration_ms"], abs=1)
    # one chapter file per chapter, in order, with track numbers
    files = sorted((folder / "chapters").glob("*.mp3"))
    assert [f.relative_to(ws).as_posix() for f in files] == day["files"]["chapters"]
    total = 0.0
    for track, (path, chapter) in enumerate(zip(files, chapters, strict=True), start=1):
        ctags = ID3(path)
        assert ctags["TRCK"].text == [f"{track}/16"]
        assert ctags["TIT2"].text == [chapter["title"]]
        length = MP3(path).info.length * 1000
        # inside the full file each chapter also spans its encoder delay and padding: a few
        # dozen ms of extra silence at its end (the full file is the chapters' frames joined)
        assert -1 < (chapter["end_ms"] - chapter["start_ms"]) - length < 80
        total += length
    assert total == pytest.approx(audio.info.length * 1000, rel=0.03)


def test_playlist(built: tuple[Path, dict[str, Any]]) -> None:
    ws, report = built
    [day] = report["dates"]
    text = (ws / day["files"]["playlist"]).read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "#EXTM3U"
    entries = [(lines[i], lines[i + 1]) for i in range(2, len(lines), 2)]
    assert len(entries) == 16
    for (extinf, path), chapter, file in zip(entries, day["chapters"], day["files"]["chapters"],
                                            strict=True):
        seconds, title = extinf.removeprefix("#EXTINF:").split(",", 1)
        # a duration with decimals, as long as the chapter file's audio
        assert re.fullmatch(r"\d+\.\d{3}", seconds)
        length = MP3(ws / file).info.length
        assert float(seconds) == pytest.approx(length, abs=0.001)
        # VLC takes the title after the last comma, mpv and foobar2000 after the first: the
        # same whole title, every word of the chapter's title, digit groups joined
        assert extinf.rsplit(",", 1)[1] == title
        words = re.findall(r"\w+", chapter["title"].replace(",000", "000"))
        assert re.findall(r"\w+", title) == words
        assert (ws / "audio" / "2023-09-27" / path).is_file()
        assert f"audio/2023-09-27/{path}" == file


@needs_ffprobe
def test_ffprobe_reads_every_chapter(built: tuple[Path, dict[str, Any]]) -> None:
    ws, report = built
    [day] = report["dates"]
    mp3 = ws / day["files"]["mp3"]
    chapters = ffprobe_chapters(mp3)
    assert len(chapters) == 16
    # in file order (as ffprobe lists them and ffmpeg converts them) too: time order
    listed = ffprobe_json(mp3, "-show_chapters")["chapters"]
    assert [c["tags"]["title"] for c in listed] == [c["title"] for c in day["chapters"]]
    titles = [c["tags"]["title"] for c in chapters]
    assert all(titles) and len(set(titles)) == len(titles)
    for probed, expected in zip(chapters, day["chapters"], strict=True):
        assert probed["tags"]["title"] == expected["title"]
        assert abs(float(probed["start_time"]) * 1000 - expected["start_ms"]) <= 50
        assert abs(float(probed["end_time"]) * 1000 - expected["end_ms"]) <= 50
    full = ffprobe_duration(mp3)
    parts = sum(ffprobe_duration(ws / f) for f in day["files"]["chapters"])
    assert parts == pytest.approx(full, rel=0.03)


@needs_ffprobe
def test_chapter_marks_sit_on_the_real_boundaries(built: tuple[Path, dict[str, Any]]) -> None:
    """Decode the MP3 with ffmpeg: each chapter starts with its silent lead-in after a silent
    pause, and sound right after the lead-in."""
    import struct
    import subprocess

    ws, report = built
    [day] = report["dates"]
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(ws / day["files"]["mp3"]),
                          "-f", "s16le", "-ac", "1", "-"], capture_output=True, check=True).stdout
    pcm = struct.unpack(f"<{len(raw) // 2}h", raw)
    assert len(pcm) / SAMPLE_RATE * 1000 == pytest.approx(day["duration_ms"], abs=1)

    def level(start_ms: float, end_ms: float) -> int:
        a, b = int(start_ms * SAMPLE_RATE / 1000), int(end_ms * SAMPLE_RATE / 1000)
        return max(abs(x) for x in pcm[a:b])

    lead = Gaps(0, 0, 0).lead_ms
    assert lead >= 100
    for chapter in day["chapters"][1:]:
        start = chapter["start_ms"]
        assert level(start - 1000, start - 30) < 300, chapter["title"]  # the pause before
        assert level(start + 30, start + lead - 30) < 300, chapter["title"]  # the lead-in
        assert level(start + lead + 30, start + lead + 80) > 2000, chapter["title"]  # speech
