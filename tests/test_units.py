"""Chapters encoded in units (briefing.audio.units): seams sample-exact against a single-pass
encode, unchanged units reused after an edit, the gain kept within its tolerance."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import briefing.audio.mp3encode as mp3encode
from briefing.audio.assemble import SAMPLE_RATE, Gaps, chapter_pieces
from briefing.audio.chapter import (
    GAIN_TOLERANCE_DB,
    MP3_LOUDNESS_LOSS_LU,
    Previous,
    _reader,
    render_chapter,
)
from briefing.audio.loudness import LoudnessTarget
from briefing.audio.mp3frames import parse_header, read_stream
from briefing.audio.unit_levels import analyse_unit, chapter_gain, limited
from briefing.audio.units import (
    FRAME,
    SEAM_SAMPLES,
    SeamError,
    UnitFrames,
    _frames,
    join_units,
    split_unit,
    unit_blocks,
)
from briefing.engines.base import VoiceSettings
from briefing.engines.fake import FakeEngine
from briefing.text.script_read import Chapter, Paragraph

GAPS = Gaps(250, 650, 1200)
ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")


def _chapter(texts: list[list[str]]) -> tuple[Chapter, list[bytes | str]]:
    engine, voice = FakeEngine(), VoiceSettings(rate=175)
    chapter = Chapter("Story", tuple(Paragraph(tuple(p)) for p in texts))
    wavs: list[bytes | str] = [engine.synthesize(s, voice) for p in texts for s in p]
    return chapter, wavs


TEXTS = [[f"Sentence {i} of paragraph {p} with {'many ' * (i + p)}words." for i in range(3)]
         for p in range(3)]


def _pcm_and_cuts(chapter: Chapter, wavs: list[bytes | str]) -> tuple[bytes, list[int]]:
    """The chapter's normalised PCM as render_chapter makes it (each unit limited alone), and
    its cuts."""
    cuts: list[int] = []

    def source() -> Iterator[bytes]:
        cuts.clear()
        return chapter_pieces(chapter, _reader(wavs), GAPS, False, None, cuts=cuts)

    target = LoudnessTarget(-16.0 + MP3_LOUDNESS_LOSS_LU, -1.0)
    units = list(unit_blocks(source(), list(cuts)))
    gain = chapter_gain((analyse_unit(u, SAMPLE_RATE) for u in units), SAMPLE_RATE, target)
    assert gain is not None
    return b"".join(limited(u, SAMPLE_RATE, target, gain) for u in units), list(cuts)


def _decode(mp3: bytes, tmp: Path) -> np.ndarray:
    path = tmp / "x.mp3"
    path.write_bytes(mp3)
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1",
                          "-ar", str(SAMPLE_RATE), "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype="<i2").astype(np.int64)


def test_cuts_fall_on_frame_boundaries_in_silence() -> None:
    chapter, wavs = _chapter(TEXTS)
    pcm, cuts = _pcm_and_cuts(chapter, wavs)
    samples = np.frombuffer(pcm, dtype="<i2")
    assert len(cuts) == len(wavs) - 1  # every pause here is long enough for a seam
    for cut in cuts:
        assert cut % FRAME == 0
        assert not samples[cut - SEAM_SAMPLES : cut + SEAM_SAMPLES].any()


def test_no_cut_in_the_lead_in() -> None:
    chapter, wavs = _chapter(TEXTS)
    cuts: list[int] = []
    pieces = chapter_pieces(chapter, _reader(wavs), Gaps(250, 650, 1200, lead_ms=600), False,
                            None, cuts=cuts)
    first = len(next(pieces)) // 2  # the lead-in, long enough to hold a seam
    assert first >= 4 * SEAM_SAMPLES
    list(pieces)
    assert len(cuts) == len(wavs) - 1  # between the sentences only
    assert min(cuts) > first


def test_short_pauses_are_not_cut() -> None:
    chapter, wavs = _chapter(TEXTS)
    cuts: list[int] = []
    short = Gaps(2 * SEAM_SAMPLES * 1000 // SAMPLE_RATE - 10, 650, 1200)
    list(chapter_pieces(chapter, _reader(wavs), short, False, None, cuts=cuts))
    assert len(cuts) == len(TEXTS) - 1  # only between paragraphs


@ffmpeg
def test_units_decode_like_one_pass_sample_exact_at_the_seams(tmp_path: Path) -> None:
    chapter, wavs = _chapter(TEXTS)
    mp3, timings, memo = render_chapter(chapter, wavs, GAPS, False, 64, 5, -16.0, -1.0)
    pcm, cuts = _pcm_and_cuts(chapter, wavs)
    assert len(memo["units"]) == len(cuts) + 1
    source = np.frombuffer(pcm, dtype="<i2").astype(np.int64)
    joined = _decode(mp3, tmp_path)
    single = _decode(mp3encode.encode_mp3(pcm, 64, 5), tmp_path)
    assert len(joined) == len(single) == len(source)  # sample-exact duration
    assert read_stream(mp3).samples == len(source)
    for cut in cuts:  # no click: silence stays digital silence across every seam
        around = slice(cut - SEAM_SAMPLES // 2, cut + SEAM_SAMPLES // 2)
        assert not joined[around].any()
        assert not single[around].any()
    # elsewhere the units are as faithful as one pass
    error = float(np.sqrt(np.mean((joined - source) ** 2)))
    reference = float(np.sqrt(np.mean((single - source) ** 2)))
    assert error <= 1.1 * reference + 1.0
    if shutil.which("mp3val"):
        path = tmp_path / "c.mp3"
        path.write_bytes(mp3)
        report = subprocess.run(["mp3val", str(path)], capture_output=True, text=True).stdout
        problems = [line for line in report.splitlines() if line.startswith(("WARNING", "ERROR"))
                    and "No supported tags" not in line]
        assert not problems, report
    assert [t[0] for t in timings] == [s for p in TEXTS for s in p]


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = mp3encode.encode_raw

    def counted(*args: object, **kwargs: object) -> tuple[bytes, int]:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(mp3encode, "encode_raw", counted)
    return calls


def test_an_edit_reencodes_only_its_unit(monkeypatch: pytest.MonkeyPatch) -> None:
    chapter, wavs = _chapter(TEXTS)
    first, _, memo = render_chapter(chapter, wavs, GAPS, False, 64, 5, -16.0, -1.0)
    edited_texts = [list(p) for p in TEXTS]
    edited_texts[1][1] = "Sentence one of paragraph one, as the producer rewrote it."
    edited, new_wavs = _chapter(edited_texts)
    calls = _counting(monkeypatch)
    second, _, memo2 = render_chapter(edited, new_wavs, GAPS, False, 64, 5, -16.0, -1.0,
                                      Previous(memo, first))
    assert len(calls) == 1
    assert memo2["gain_db"] == memo["gain_db"]  # kept: the measured one moved less than 0.5 dB
    old = {u["digest"]: u for u in memo["units"]}
    for unit in memo2["units"]:
        if unit["digest"] in old:  # the same frames (their reservoir tails aside)
            o = old[unit["digest"]]
            assert unit["size"] == o["size"] and unit["frames"] == o["frames"]
    assert sum(u["digest"] not in old for u in memo2["units"]) == 1
    # the result is what encoding the edited chapter afresh with that gain gives
    fresh, _, _ = render_chapter(edited, new_wavs, GAPS, False, 64, 5, -16.0, -1.0,
                                 Previous({"gain_db": memo["gain_db"]}, b""))
    assert len(fresh) == len(second) and read_stream(fresh).samples == read_stream(second).samples


@ffmpeg
def test_a_previous_encode_with_damaged_frames_is_not_reused(tmp_path: Path) -> None:
    """A unit of the previous chapter MP3 whose frames are not what its memo recorded (the
    file changed under the build) is found when the units are joined: the chapter is
    encoded afresh, in one pass, and decodes sample-exact all the same."""
    chapter, wavs = _chapter(TEXTS)
    first, _, memo = render_chapter(chapter, wavs, GAPS, False, 64, 5, -16.0, -1.0)
    unit = memo["units"][1]
    damaged = bytearray(first)
    second_frame = unit["offset"] + read_stream_header_length(first[unit["offset"]:])
    damaged[second_frame] = 0  # the sync of the unit's second frame
    edited_texts = [list(p) for p in TEXTS]
    edited_texts[-1][-1] = "The last sentence, as the producer rewrote it."
    edited, new_wavs = _chapter(edited_texts)
    mp3, _, memo2 = render_chapter(edited, new_wavs, GAPS, False, 64, 5, -16.0, -1.0,
                                   Previous(memo, bytes(damaged)))
    assert memo2["units"] == []  # encoded in one pass
    pcm, _ = _pcm_and_cuts(edited, new_wavs)
    assert read_stream(mp3).samples == len(pcm) // 2
    assert len(_decode(mp3, tmp_path)) == len(pcm) // 2


def _render_keeping_analyses(chapter: Chapter, wavs: list[bytes | str], path: Path,
                             previous: Previous | None = None,
                             ) -> tuple[bytes, dict[str, object]]:
    with path.open("w+b") as file:
        mp3, _, memo = render_chapter(chapter, wavs, GAPS, False, 64, 5, -16.0, -1.0, previous,
                                      file)
    return mp3, memo


def test_an_edit_analyses_only_its_unit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        ) -> None:
    import briefing.audio.unit_levels as unit_levels

    chapter, wavs = _chapter(TEXTS)
    first, memo = _render_keeping_analyses(chapter, wavs, tmp_path / "a.knots")
    edited_texts = [list(p) for p in TEXTS]
    edited_texts[2][0] = "Sentence zero of paragraph two, as the producer rewrote it."
    edited, new_wavs = _chapter(edited_texts)
    analysed: list[bytes] = []
    real = unit_levels.analyse_unit

    def counting(pcm: bytes, sample_rate: int) -> unit_levels.UnitAnalysis:
        analysed.append(pcm)
        return real(pcm, sample_rate)

    monkeypatch.setattr(unit_levels, "analyse_unit", counting)
    previous = Previous(memo, first, str(tmp_path / "a.knots"))
    second, memo2 = _render_keeping_analyses(edited, new_wavs, tmp_path / "b.knots", previous)
    assert len(analysed) == 1  # the edited sentence's unit; the others' were remembered
    # what was remembered is what analysing each unit again gives, bit for bit
    monkeypatch.setattr(unit_levels, "analyse_unit", real)
    cuts: list[int] = []
    pieces = chapter_pieces(edited, _reader(new_wavs), GAPS, False, None, cuts=cuts)
    pcm = b"".join(pieces)
    units = list(unit_blocks((pcm,), cuts))
    with (tmp_path / "b.knots").open("rb") as file:
        stored = memo2["analyses"]
        assert isinstance(stored, dict)
        kept = unit_levels.PreviousAnalyses(tmp_path / "b.knots", stored["where"],
                                            stored["sha256"])
        for i, unit in enumerate(units):
            again, remembered = real(unit, SAMPLE_RATE), kept.get(i)
            assert remembered is not None
            assert np.array_equal(again.peaks, remembered.peaks)
            assert np.array_equal(again.energies, remembered.energies)
        kept.close()
        assert file.read(4) == b"BRK1"
    # a damaged file is not used: every unit is analysed again, with the same result
    damaged = tmp_path / "a.knots"
    data = bytearray(damaged.read_bytes())
    data[-1] ^= 0xFF
    damaged.write_bytes(bytes(data))
    analysed.clear()
    monkeypatch.setattr(unit_levels, "analyse_unit", counting)
    third, _ = _render_keeping_analyses(edited, new_wavs, tmp_path / "c.knots", previous)
    assert len(analysed) == len(units)
    assert third == second


def test_the_units_gain_is_the_whole_chapters() -> None:
    # Limited unit by unit at the gain found on the units laid end to end, the chapter measures
    # as loud as normalised in one pass, on target.
    from briefing.audio.loudness import measure, normalized

    chapter, wavs = _chapter(TEXTS)
    cuts: list[int] = []
    pcm = b"".join(chapter_pieces(chapter, _reader(wavs), GAPS, False, None, cuts=cuts))
    target = LoudnessTarget(-16.0 + MP3_LOUDNESS_LOSS_LU, -1.0)
    units = list(unit_blocks((pcm,), cuts))
    gain = chapter_gain((analyse_unit(u, SAMPLE_RATE) for u in units), SAMPLE_RATE, target)
    assert gain is not None
    by_units = b"".join(limited(u, SAMPLE_RATE, target, gain) for u in units)
    whole = normalized(lambda: (pcm,), SAMPLE_RATE, target, b"".join)
    lufs = measure(by_units, SAMPLE_RATE).integrated_lufs
    assert abs(lufs - measure(whole, SAMPLE_RATE).integrated_lufs) < 0.03
    assert abs(lufs - target.integrated_lufs) < 0.05


def test_a_gain_beyond_the_tolerance_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    chapter, wavs = _chapter(TEXTS)
    first, _, memo = render_chapter(chapter, wavs, GAPS, False, 64, 5, -16.0, -1.0)
    calls = _counting(monkeypatch)
    far = {**memo, "gain_db": memo["gain_db"] + 2 * GAIN_TOLERANCE_DB}
    again, _, memo2 = render_chapter(chapter, wavs, GAPS, False, 64, 5, -16.0, -1.0,
                                     Previous(far, first))
    assert memo2["gain_db"] == memo["gain_db"]  # measured again, not the far one
    assert again == first  # and the same bytes as before: every unit found again
    assert not calls
    near = {**memo, "gain_db": memo["gain_db"] + GAIN_TOLERANCE_DB / 2}
    _, _, memo3 = render_chapter(chapter, wavs, GAPS, False, 64, 5, -16.0, -1.0,
                                 Previous(near, first))
    assert memo3["gain_db"] == near["gain_db"]
    assert len(calls) == len(memo["units"])  # other PCM everywhere: every unit encoded


def test_a_seam_without_room_in_the_reservoir_is_refused() -> None:
    pcm = np.zeros(10 * FRAME, dtype="<i2").tobytes()
    stream, samples = mp3encode.encode_raw((pcm,), 64, 5)
    head = split_unit(stream, samples, True, False)
    tail = split_unit(*mp3encode.encode_raw((pcm,), 64, 5), False, True)
    assert join_units([head, tail])[0]
    if tail.borrow:
        cramped = UnitFrames(head.frames, head.frame_count, head.samples, b"",
                             len(tail.borrow) - 1)
        with pytest.raises(SeamError):
            join_units([cramped, tail])
    with pytest.raises(SeamError):  # not a whole number of frames
        split_unit(*mp3encode.encode_raw((pcm[:-2],), 64, 5), True, False)


def read_stream_header_length(frames: bytes) -> int:
    header = parse_header(frames)
    assert header is not None
    return header.length


def test_units_with_damaged_frames_are_not_joined() -> None:
    pcm = np.zeros(4 * FRAME, dtype="<i2").tobytes()
    head = split_unit(*mp3encode.encode_raw((pcm,), 64, 5), True, False)
    unit = split_unit(*mp3encode.encode_raw((pcm,), 64, 5), False, False)
    assert join_units([head, unit])[0]
    second = read_stream_header_length(unit.frames)
    broken = unit.frames[:second] + b"\x00" + unit.frames[second + 1 :]  # the 2nd frame's sync
    for frames, count in ((unit.frames[:-1], unit.frame_count), (broken, unit.frame_count),
                          (unit.frames, unit.frame_count + 1)):
        damaged = UnitFrames(frames, count, unit.samples, unit.borrow, unit.free)
        with pytest.raises(SeamError, match="damaged"):
            join_units([head, damaged])


@ffmpeg
def test_a_unit_starting_with_sound_takes_its_reservoir_along(tmp_path: Path) -> None:
    """The seams of a chapter lie in silence, where frames carry no main data; a unit whose
    first kept frame does carry some needs the bytes it borrows spliced into the unit before
    (at 32 kbps the reservoir matters most: small frames)."""
    rng = np.random.default_rng(7)
    noise = (rng.standard_normal(20 * FRAME) * 3000).astype("<i2").tobytes()
    silence = bytes(2 * 10 * FRAME)
    head = split_unit(*mp3encode.encode_raw((silence,), 32, 5), True, False)
    tail = split_unit(*mp3encode.encode_raw((noise,), 32, 5), False, True)
    assert tail.borrow  # LAME's first frame left a reservoir the second one uses
    mp3 = join_units([head, tail])[0]
    # the main data the first frame of the tail reads is what it borrowed
    frames = _frames(mp3)[1:]  # past the Info frame
    data = b"".join(mp3[a:b] for a, b in (f.slot for f in frames[: head.frame_count]))
    assert data[len(data) - len(tail.borrow) :] == tail.borrow
    assert frames[head.frame_count].main_data_begin == len(tail.borrow)
    joined = _decode(mp3, tmp_path)
    alone = _decode(mp3encode.encode_mp3(noise, 32, 5), tmp_path)
    assert len(joined) == 30 * FRAME
    # past the overlap with the frame before (silence here, the delay frame alone), the same
    # bits decode to the same samples
    assert np.array_equal(joined[10 * FRAME + FRAME :], alone[FRAME:])


def test_a_chapter_too_long_to_cut_is_streamed_in_one_pass(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import briefing.audio.chapter as chapter_module

    chapter, wavs = _chapter(TEXTS)
    short = Gaps(100, 100, 1200)  # no pause long enough for a seam: one unit
    mp3, timings, memo = render_chapter(chapter, wavs, short, False, 64, 5, -16.0, -1.0)
    assert len(memo["units"]) == 1
    monkeypatch.setattr(chapter_module, "MAX_UNIT_SECONDS", 1)
    streamed, timings2, memo2 = render_chapter(chapter, wavs, short, False, 64, 5, -16.0, -1.0)
    assert memo2 == {"gain_db": None, "units": []}
    assert timings2 == timings
    assert read_stream(streamed).samples == read_stream(mp3).samples
