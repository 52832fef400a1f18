"""Long chapters: memory does not grow with their length, and they are still on target.

A chapter is assembled, normalised and encoded as a stream of bounded blocks; the loudness
normalisation makes two passes over it.  These tests trace the memory Python and numpy allocate
(tracemalloc) while chapters of different lengths go through, and check that blocks change
nothing: the same audio in pieces of any size, or in blocks of any size, gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

import briefing.audio.loudness as loudness
from briefing.audio.assemble import SAMPLE_RATE, Gaps
from briefing.audio.chapter import render_chapter
from briefing.audio.loudness import LoudnessTarget, measure, normalize, normalized
from briefing.audio.mp3encode import encode_mp3, encode_stream
from briefing.engines.base import VoiceSettings
from briefing.engines.fake import FakeEngine
from briefing.text.script_read import Chapter, Paragraph
from briefing.text.sentences import MAX_SENTENCE_CHARS, MAX_SENTENCE_WORDS, split_sentences
from tests.test_loudness import speech

PIECE_S = 10.0
"""Each test chapter repeats one piece of speech-like audio this long (loud: it is limited)."""


def _source(minutes: float) -> Callable[[], Iterator[bytes]]:
    piece = speech(PIECE_S, peak=0.9)
    count = round(minutes * 60 / PIECE_S)
    return lambda: (piece for _ in range(count))


def _traced_peak(run: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _digest(blocks: Iterator[bytes]) -> str:
    h = hashlib.sha256()
    for block in blocks:
        h.update(block)
    return h.hexdigest()


def test_normalising_memory_does_not_grow_with_length() -> None:
    peaks = {}
    for minutes in (10, 30):
        source = _source(minutes)
        peaks[minutes] = _traced_peak(
            lambda source=source: normalized(source, SAMPLE_RATE, LoudnessTarget(), _digest))
    # 30 minutes of 16-bit PCM are 79 MB, its float64 copies 318 MB: none of it is ever held
    assert peaks[30] < 40e6, peaks
    assert peaks[30] < peaks[10] * 1.15 + 2e6, peaks


def test_long_chapter_is_on_target() -> None:
    source = _source(30)
    out = normalized(source, SAMPLE_RATE, LoudnessTarget(), b"".join)
    assert len(out) == sum(len(p) for p in source())
    result = measure(out, SAMPLE_RATE)
    assert result.integrated_lufs == pytest.approx(-16.0, abs=0.1)
    assert result.true_peak_dbtp <= -2.0 + 0.05  # the ceiling: -1 dBTP less the PCM margin


def test_pieces_and_blocks_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    pcm = b"".join(_source(2)())
    whole = normalize(pcm, SAMPLE_RATE)

    def odd_pieces() -> Iterator[bytes]:
        sizes = [2, 4410, 6, 1_000_002, 88_200]
        i = k = 0
        while i < len(pcm):
            yield pcm[i : i + sizes[k % len(sizes)]]
            i += sizes[k % len(sizes)]
            k += 1

    assert normalized(odd_pieces, SAMPLE_RATE, LoudnessTarget(), b"".join) == whole
    # 2 minutes in one block, or in blocks of 2 s: the filter state and the limiter's reach
    # carry across block boundaries
    assert loudness.BLOCK_STEPS * 0.1 < 120
    monkeypatch.setattr(loudness, "BLOCK_STEPS", 20)
    small = normalize(pcm, SAMPLE_RATE)
    monkeypatch.setattr(loudness, "BLOCK_STEPS", 2000)
    one = normalize(pcm, SAMPLE_RATE)
    x = np.frombuffer(whole, dtype="<i2").astype(int)
    for other in (small, one):
        y = np.frombuffer(other, dtype="<i2").astype(int)
        assert np.abs(x - y).max() <= 1  # at most a rounding apart
        assert np.mean(x != y) < 1e-4
    assert measure(small, SAMPLE_RATE) == pytest.approx(measure(whole, SAMPLE_RATE), abs=0.01)


def test_measure_in_blocks_agrees_with_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    pcm = b"".join(_source(1.5)())
    default = measure(pcm, SAMPLE_RATE)
    monkeypatch.setattr(loudness, "BLOCK_STEPS", 7)
    small = measure(pcm, SAMPLE_RATE)
    assert small.integrated_lufs == pytest.approx(default.integrated_lufs, abs=1e-9)
    assert small.true_peak_dbtp == pytest.approx(default.true_peak_dbtp, abs=1e-6)


def test_encoding_in_blocks_is_encoding_whole() -> None:
    pcm = b"".join(_source(0.5)())
    blocks = (pcm[i : i + 30_000] for i in range(0, len(pcm), 30_000))
    assert encode_stream(blocks, 64, 5) == encode_mp3(pcm, 64, 5)


def test_rendering_a_long_chapter_holds_one_block_and_its_mp3() -> None:
    engine, voice = FakeEngine(), VoiceSettings(rate=175)
    sentences = [f"sentence {i} " + " ".join(["word"] * (10 + i)) for i in range(12)]
    wavs = [engine.synthesize(s, voice) for s in sentences]
    peaks, sizes = {}, {}
    for minutes in (4, 12):
        count = round(minutes * 60 / 6.4)  # about 6.4 s per sentence with its pause
        chapter = Chapter("Long", (Paragraph(tuple(sentences[i % 12] for i in range(count))),))
        shared: list[bytes | str] = [wavs[i % 12] for i in range(count)]

        def run(chapter: Chapter = chapter, shared: list[bytes | str] = shared,
                minutes: int = minutes) -> None:
            mp3, timings, _ = render_chapter(chapter, shared, Gaps(400, 800, 1200), True, 64, 5,
                                            -16.0, -1.0)
            sizes[minutes] = len(mp3)
            assert len(timings) == len(chapter.sentences)

        peaks[minutes] = _traced_peak(run)
    # what grows is the MP3 (64 kbps: 8 KB per second), held twice at the end
    growth = peaks[12] - peaks[4]
    assert growth < 2.5 * (sizes[12] - sizes[4]) + 2e6, (peaks, sizes)


def test_long_sentences_are_spoken_in_bounded_parts() -> None:
    words = [f"w{i}" for i in range(40_000)]
    parts = split_sentences(" ".join(words))
    assert " ".join(parts).split() == words
    assert all(len(p.split()) <= MAX_SENTENCE_WORDS for p in parts)
    assert all(len(p) <= MAX_SENTENCE_CHARS for p in parts)
    # a clause break in the second half of a part is preferred
    clauses = ", ".join(" ".join(["word"] * 7) for _ in range(30)) + "."
    first = split_sentences(clauses)[0]
    assert first.endswith(",") and len(first.split()) > MAX_SENTENCE_WORDS // 2
    # one "word" longer than a part is cut
    token = "x" * (3 * MAX_SENTENCE_CHARS + 5)
    assert "".join(split_sentences(token)) == token
    assert max(len(p) for p in split_sentences(token)) <= MAX_SENTENCE_CHARS
    # ordinary sentences are left as they are
    text = "Dr. Smith went home. Very " + " ".join(["very"] * (MAX_SENTENCE_WORDS - 2)) + " long."
    assert split_sentences(text) == ["Dr. Smith went home.", text[21:]]


def test_sentence_splitting_is_linear() -> None:
    """Thousands of abbreviations in one paragraph: no quadratic rescanning."""
    text = " ".join(["Mr. A. B. Dr."] * 20_000)
    start = time.perf_counter()
    parts = split_sentences(text)
    assert time.perf_counter() - start < 5.0
    assert " ".join(parts).split() == text.split()


@pytest.mark.skipif(sys.platform != "linux", reason="address-space limits as on Linux")
def test_long_single_paragraph_builds_under_a_memory_limit(tmp_path: Path) -> None:
    """30 minutes of audio from one paragraph, built with 700 MB of address space.

    Holding the chapter whole took about 1 GB here (float64 copies of its samples), and the
    build failed with numpy's MemoryError; streamed, it needs about 100 MB.
    """
    words = ["people", "region", "border", "fled", "thousands", "control", "ceasefire",
             "citizenship", "homes"]
    sentences = [" ".join(words[(i + j) % len(words)] for j in range(8 + i % 17)) + "."
                 for i in range(400)]
    text = " ".join(s[0].upper() + s[1:] for s in sentences)
    assert len(text.split()) > 5000
    article = tmp_path / "long.txt"
    article.write_text("date 2024-05-15 " + text + "\n", encoding="utf-8")
    limit = 700 * 1024 * 1024

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    out = subprocess.run([sys.executable, "-m", "briefing", "build", str(article), "-w",
                          str(tmp_path / "ws"), "--engine", "fake", "--jobs", "1", "--json",
                          "-q"], capture_output=True, text=True, preexec_fn=limited, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    day = json.loads(out.stdout)["dates"][0]
    assert day["duration_ms"] > 29 * 60_000
