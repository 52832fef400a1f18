"""Sound inserts, ``[sound FILE]``, with the fake engine: the briefing grows by the file's length
plus its pauses, the cue is in every transcript and the page, the insert plays at the speech's
loudness, a changed file rebuilds only its chapter, and a missing, undecodable or outside file
is one line naming the script and the line, exit 2, before anything is synthesised."""

from __future__ import annotations

import io
import json
import math
import shutil
import subprocess
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from briefing.audio.assemble import SAMPLE_RATE, Gaps, SegmentTiming, chapter_pieces
from briefing.audio.insert import insert_levels
from briefing.audio.loudness import measure
from briefing.config import Settings
from briefing.text.script_read import parse_script
from tests.conftest import DATA, Cli

DAY = "2024-05-20"

SCRIPT = """---
date: 2024-05-20
rate: 175
---
## Opening <!-- kind: opening -->
This is the briefing for Monday, the twentieth of May.

Here are the stories of the day, read slowly and clearly for every listener.
{opening}
## Story 1: Trains <!-- kind: story 1 -->
The night train to the coast starts again in December, the operator said on Friday.

Tickets go on sale next week, and the first trains are expected to be full.
{story}
## Closing <!-- kind: closing -->
That is all for today. Thank you for listening.
"""

PAUSE_AROUND_MS = Settings().paragraph_pause_ms
"""An insert between paragraphs, or at a chapter's end, adds its own length and one paragraph
pause (it stands between paragraphs like a paragraph of its own)."""


def make_wav(path: Path, seconds: float = 2.0, amplitude: float = 0.25, rate: int = 44100,
             channels: int = 2, seed: int = 1) -> Path:
    """A noise burst (stereo 44.1 kHz by default): not the speech's format, so it must be
    mixed down and resampled."""
    rng = np.random.default_rng(seed)
    n = round(seconds * rate)
    signal = rng.uniform(-1.0, 1.0, n) * amplitude
    samples = np.repeat((signal * 32767).astype("<i2"), channels)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return path


def write_script(ws: Path, opening: str = "", story: str = "") -> Path:
    path = ws / "scripts" / f"{DAY}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SCRIPT.format(opening=f"\n{opening}\n" if opening else "",
                                  story=f"\n{story}\n" if story else ""), encoding="utf-8")
    return path


def render(cli: Cli, ws: Path, *extra: str) -> dict[str, Any]:
    result = cli("render", "-w", ws, "--engine", "fake", "--json", *extra)
    assert result.exit_code == 0, result.stderr
    [day] = result.json()["dates"]
    return dict(day)


def mp3_ms(ws: Path) -> float:
    from mutagen.mp3 import MP3

    return float(MP3(ws / "audio" / DAY / f"briefing-{DAY}.mp3").info.length * 1000)


def manifest(ws: Path) -> dict[str, Any]:
    data = json.loads((ws / "audio" / DAY / f"briefing-{DAY}.json").read_text("utf-8"))
    return dict(data)


def segment_files(ws: Path) -> int:
    return sum(1 for _ in (ws / ".briefing" / "segments").rglob("*.wav")) \
        if (ws / ".briefing" / "segments").is_dir() else 0


def decoded(path: Path) -> tuple[np.ndarray[Any, Any], int]:
    """An MP3's samples as 16-bit mono, decoded by PyAV (FFmpeg's decoder)."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate = int(stream.rate)
        parts = [frame.to_ndarray().reshape(-1) for frame in container.decode(stream)]
    samples = np.concatenate(parts)
    if samples.dtype.kind == "f":
        samples = np.clip(samples * 32768.0, -32768, 32767)
    return samples.astype("<i2"), rate


@pytest.fixture
def sound_ws(ws: Path, cli: Cli) -> Path:
    """A small script workspace built once without any insert."""
    write_script(ws)
    render(cli, ws)
    return ws


def test_a_two_second_insert_lengthens_the_briefing_by_two_seconds_and_its_pause(
        cli: Cli, sound_ws: Path) -> None:
    ws = sound_ws
    before_ms = mp3_ms(ws)
    before = cli("status", "-w", ws, "--engine", "fake", "--json").json()["dates"][0]
    make_wav(ws / "ident.wav")
    write_script(ws, story="[sound ident.wav]")
    status = cli("status", "-w", ws, "--engine", "fake", "--json")
    assert status.exit_code == 0, status.stderr
    [estimated] = status.json()["dates"]
    grown = estimated["estimated_duration_ms"] - before["estimated_duration_ms"]
    assert grown == pytest.approx(2000 + PAUSE_AROUND_MS, abs=2)  # its real length, before
    day = render(cli, ws)                                         # anything is synthesised
    assert day["segments"]["synthesized"] == 1  # the insert; every sentence is cached
    assert mp3_ms(ws) - before_ms == pytest.approx(2000 + PAUSE_AROUND_MS, abs=60)
    assert day["duration_ms"] == pytest.approx(estimated["estimated_duration_ms"], rel=0.10)


def test_the_cue_is_in_the_transcripts_and_the_page(cli: Cli, sound_ws: Path) -> None:
    ws = sound_ws
    (ws / "jingles").mkdir()
    make_wav(ws / "jingles" / "ident.wav", seconds=1.0)
    write_script(ws, opening="[sound jingles/ident.wav]")
    render(cli, ws)
    folder = ws / "audio" / DAY
    cues = manifest(ws)["cues"]
    [cue] = [c for c in cues if c.get("sound")]
    assert cue["text"] == "[Sound: ident]" and cue["chapter"] == 0
    assert cue["end_ms"] - cue["start_ms"] == pytest.approx(1000, abs=2)
    assert not any("Sound" in c["text"] for c in cues if not c.get("sound"))
    for name in (f"briefing-{DAY}.srt", f"briefing-{DAY}.vtt", "index.html"):
        assert "[Sound: ident]" in (folder / name).read_text(encoding="utf-8"), name
    # in its place in the reading order: after the opening's two sentences, a pause later
    opening = [c for c in cues if c["chapter"] == 0]
    assert [c.get("sound", False) for c in opening] == [False, False, True]
    # (a pause cut for encoding in units is lengthened by less than one 26 ms MP3 frame)
    assert PAUSE_AROUND_MS - 2 <= cue["start_ms"] - opening[1]["end_ms"] <= PAUSE_AROUND_MS + 27


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")
@pytest.mark.parametrize("suffix", ["mp3", "ogg", "flac"])
def test_mp3_ogg_and_flac_play_with_their_title_tag(cli: Cli, sound_ws: Path,
                                                    suffix: str) -> None:
    ws = sound_ws
    source = make_wav(ws / "source.wav")
    target = ws / f"clip.{suffix}"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(source), "-metadata",
                    "title=Station ident", str(target)], check=True, timeout=60)
    source.unlink()
    before_ms = mp3_ms(ws)
    write_script(ws, story=f"[sound clip.{suffix}]")
    render(cli, ws)
    [cue] = [c for c in manifest(ws)["cues"] if c.get("sound")]
    assert cue["text"] == "[Sound: Station ident]"
    # MP3 and Vorbis decoders may pad a few milliseconds
    assert mp3_ms(ws) - before_ms == pytest.approx(2000 + PAUSE_AROUND_MS, abs=120)


@pytest.mark.parametrize("amplitude", [0.01, 0.9], ids=["quiet", "loud"])
def test_the_insert_plays_at_the_loudness_of_the_speech(cli: Cli, sound_ws: Path,
                                                        amplitude: float) -> None:
    """Quiet and loud files alike come out within 2 LU of the speech around them, measured
    in the published MP3."""
    ws = sound_ws
    make_wav(ws / "ident.wav", seconds=3.0, amplitude=amplitude)
    write_script(ws, story="[sound ident.wav]")
    render(cli, ws)
    samples, rate = decoded(ws / "audio" / DAY / f"briefing-{DAY}.mp3")
    cues = manifest(ws)["cues"]
    [cue] = [c for c in cues if c.get("sound")]

    def region(start_ms: float, end_ms: float) -> bytes:
        return bytes(samples[round(start_ms * rate / 1000) : round(end_ms * rate / 1000)]
                     .tobytes())

    insert = measure(region(cue["start_ms"] + 100, cue["end_ms"] - 100), rate).integrated_lufs
    speech = measure(b"".join(region(c["start_ms"], c["end_ms"]) for c in cues
                              if c["chapter"] == cue["chapter"] and not c.get("sound")),
                     rate).integrated_lufs
    assert math.isfinite(insert) and math.isfinite(speech)
    assert abs(insert - speech) <= 2.0, (insert, speech)
    assert speech == pytest.approx(-16.0, abs=2.0)  # the chapter still on target


def _wav_bytes(samples: np.ndarray[Any, Any]) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(np.clip(samples * 32767, -32768, 32767).astype("<i2").tobytes())
    return out.getvalue()


def test_an_insert_too_peaky_to_raise_takes_the_speech_down_instead() -> None:
    """Loud speech and a quiet insert whose short bursts leave no headroom: the assembled
    chapter has both at one loudness and nothing clipped."""
    script = parse_script("---\ndate: 2024-05-20\n---\n## One\nSpeech.\n\n[sound x.wav]\n",
                          Path("s.md"))
    [chapter] = script.chapters
    rng = np.random.default_rng(3)
    speech = rng.uniform(-0.9, 0.9, 3 * SAMPLE_RATE)
    quiet = rng.uniform(-0.01, 0.01, 3 * SAMPLE_RATE)
    quiet[:: SAMPLE_RATE // 10] = 0.3  # a burst every 100 ms: peaks 30 dB over the noise
    wavs = [_wav_bytes(speech), _wav_bytes(quiet)]
    gaps = Gaps(250, 650, 1500)
    levels = insert_levels(chapter, wavs.__getitem__, gaps, last=True)
    assert levels.speech_db < -3.0  # the speech is taken down
    timings: list[SegmentTiming] = []
    pcm = b"".join(chapter_pieces(chapter, wavs.__getitem__, gaps, True, timings, levels=levels))
    samples = np.frombuffer(pcm, dtype="<i2")
    assert int(np.abs(samples.astype(np.int32)).max()) < 32767 * 10 ** (-0.9 / 20)
    spoken, insert = timings
    assert insert.sound and not spoken.sound and insert.text == "[Sound: x]"

    def lufs(t: SegmentTiming) -> float:
        part = samples[round(t.start_ms * SAMPLE_RATE / 1000) : round(t.end_ms * SAMPLE_RATE
                                                                      / 1000)]
        return measure(part.tobytes(), SAMPLE_RATE).integrated_lufs

    assert lufs(insert) == pytest.approx(lufs(spoken), abs=0.5)


def test_changing_the_file_rebuilds_only_its_chapter(cli: Cli, sound_ws: Path) -> None:
    ws = sound_ws
    make_wav(ws / "ident.wav", seed=1)
    shutil.copy(ws / "ident.wav", ws / "same-bytes.wav")
    write_script(ws, story="[sound ident.wav]")
    first = render(cli, ws)
    assert first["segments"]["synthesized"] == 1 and first["chapters_encoded"] == 1
    again = render(cli, ws)
    assert again["segments"]["synthesized"] == 0 and again["chapters_encoded"] == 0
    make_wav(ws / "ident.wav", seed=2)  # other bytes, same name and length
    status = cli("status", "-w", ws, "--engine", "fake", "--json")
    assert status.json()["dates"][0]["reason"].startswith("ident.wav changed:")
    changed = render(cli, ws)
    assert changed["segments"]["synthesized"] == 1 and changed["chapters_encoded"] == 1
    titles = {c["title"] for c in changed["chapters"]}
    assert "Story 1: Trains" in titles
    # the same bytes under another name: the decoded audio is reused, not decoded again
    write_script(ws, story="[sound same-bytes.wav]")
    moved = render(cli, ws)
    assert moved["segments"]["synthesized"] == 0 and moved["chapters_encoded"] == 1
    [cue] = [c for c in manifest(ws)["cues"] if c.get("sound")]
    assert cue["text"] == "[Sound: same-bytes]"


def _refused(cli: Cli, ws: Path, line_text: str, *words: str) -> None:
    """``render`` and ``check`` both refuse the script: one line naming it and the line of the
    tag, exit 2, and nothing new is synthesised."""
    (ws / "articles").mkdir(exist_ok=True)  # check needs an article (of another date)
    shutil.copy(DATA / "no_photos.txt", ws / "articles")
    path = write_script(ws, story=line_text)
    lineno = path.read_text(encoding="utf-8").splitlines().index(line_text) + 1
    cached = segment_files(ws)
    for command in (("render", "--engine", "fake"), ("check",)):
        result = cli(*command, "-w", ws)
        assert result.exit_code == 2, (command, result.stdout, result.stderr)
        [line] = [ln for ln in result.stderr.splitlines() if f"line {lineno}:" in ln]
        assert f"{DAY}.md" in line, line
        for word in words:
            assert word in line, (word, line)
    assert segment_files(ws) == cached


def test_a_missing_file_is_an_error_naming_the_script_line(cli: Cli, sound_ws: Path) -> None:
    _refused(cli, sound_ws, "[sound jingles/nowhere.wav]", "jingles/nowhere.wav",
             "does not exist")


def test_an_undecodable_file_is_an_error_naming_the_script_line(cli: Cli,
                                                                sound_ws: Path) -> None:
    (sound_ws / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEnot audio at all")
    _refused(cli, sound_ws, "[sound broken.wav]", "broken.wav", "decoded")
    (sound_ws / "notes.mp3").write_text("a text file named like audio\n", encoding="utf-8")
    _refused(cli, sound_ws, "[sound notes.mp3]", "notes.mp3", "decoded")


def test_a_path_outside_the_workspace_is_refused(cli: Cli, sound_ws: Path,
                                                 tmp_path: Path) -> None:
    ws = sound_ws
    outside = make_wav(tmp_path / "outside.wav")
    _refused(cli, ws, "[sound ../outside.wav]", "outside the workspace")
    _refused(cli, ws, f"[sound {outside}]", "absolute path")
    (ws / "link.wav").symlink_to(outside)
    _refused(cli, ws, "[sound link.wav]", "outside the workspace")
    (ws / "jingles").mkdir()
    (ws / "jingles" / "out").symlink_to(tmp_path)
    _refused(cli, ws, "[sound jingles/out/outside.wav]", "outside the workspace")
    (ws / "loop-a.wav").symlink_to("loop-b.wav")
    (ws / "loop-b.wav").symlink_to("loop-a.wav")
    _refused(cli, ws, "[sound loop-a.wav]", "cannot be opened")
    _refused(cli, ws, "[sound jingles]", "is not a file")


def test_a_sound_tag_must_stand_on_its_own_line(cli: Cli, sound_ws: Path) -> None:
    make_wav(sound_ws / "ident.wav")
    _refused(cli, sound_ws, "And now [sound ident.wav] the news.", "own")
    _refused(cli, sound_ws, "[sound]", "names no file")


def test_the_reader_and_the_layout_of_an_insert() -> None:
    """Any case, escapes in the name, the stem as title; an insert stands like a paragraph
    and a [pause] beside it replaces the pause there."""
    from briefing.audio.assemble import chapter_layout
    from briefing.text.sound import Sound

    text = ("---\ndate: 2024-05-20\n---\n## One\nFirst.\n\n[SOUND clips/a\\]b.v2.wav]\n"
            "[pause 2s]\nSecond.\n\n[sound tone.ogg]\n")
    [chapter] = parse_script(text, Path("s.md")).chapters
    sounds = [b for b in chapter.blocks if isinstance(b, Sound)]
    assert [(s.path, s.title, s.line, s.cue) for s in sounds] == [
        ("clips/a]b.v2.wav", "a]b.v2", 7, "[Sound: a]b.v2]"), ("tone.ogg", "tone", 11,
                                                                "[Sound: tone]")]
    gaps = Gaps(250, 650, 1500)
    layout = [(gap, item if isinstance(item, str | None) else item.path)
              for gap, item in chapter_layout(chapter, gaps)]
    assert layout == [(gaps.lead_ms, "First."), (650, "clips/a]b.v2.wav"), (2000, "Second."),
                      (650, "tone.ogg"), (1500, None)]
