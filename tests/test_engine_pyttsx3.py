"""The real pyttsx3/espeak-ng engine.

The pytest process itself never initialises espeak-ng: espeak-ng runs a worker thread, and a
process forked after initialising it cannot use it (see :class:`Pyttsx3Engine`).  So every test
synthesises in a spawned helper process (a ``multiprocessing`` pool of one, fed with bound
methods of an unused engine, which pickle without importing this module), or, for the fork
tests, in a fresh interpreter; other tests remain free to fork.
"""

from __future__ import annotations

import array
import io
import json
import math
import multiprocessing
import multiprocessing.pool
import os
import signal
import subprocess
import sys
import textwrap
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from briefing.engines.base import VoiceSettings
from briefing.engines.espeak import PITCH_RANGE, WORD_GAP, Pyttsx3Engine
from briefing.errors import EngineError, EngineUnavailableError

pytestmark = pytest.mark.real_engine

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = 60.0
"""Seconds any one wait on a helper process may take; nothing in this file can hang longer."""

SENTENCE = "The city council approved a new budget for the public libraries on Tuesday."
SENTENCES = (
    "The city council approved a new budget for the public libraries on Tuesday.",
    "Heavy rain is expected across the northern valleys tonight.",
    "A photo shows volunteers planting trees along the river bank, smiling at the camera.",
    "Ticket prices for the regional trains will rise by three percent in March.",
    "The museum reopens on Saturday after two years of renovation work.",
    "Officials said the bridge would stay closed until engineers finish their inspection.",
    "Local farmers welcomed the news.",
)
SLOW, FAST = 120, 320


@contextmanager
def _helper() -> Iterator[multiprocessing.pool.Pool]:
    """A pool of one spawned process; terminated (killed if need be) on the way out."""
    pool = multiprocessing.get_context("spawn").Pool(1)
    try:
        yield pool
    finally:
        pool.terminate()
        pool.join()


@pytest.fixture(scope="module")
def helper() -> Iterator[multiprocessing.pool.Pool]:
    """A spawned process holding this module's espeak-ng instance (skips without espeak-ng)."""
    with _helper() as pool:
        try:
            pool.apply_async(Pyttsx3Engine().voices).get(TIMEOUT)
        except EngineUnavailableError as exc:
            pytest.skip(f"espeak-ng is not available: {exc}")
        yield pool


def synth(
    pool: multiprocessing.pool.Pool, text: str, rate: int = 175, voice: str | None = None
) -> bytes:
    data: bytes = pool.apply_async(
        Pyttsx3Engine().synthesize, (text, VoiceSettings(voice=voice, rate=rate))
    ).get(TIMEOUT)
    return data


def read_wav(data: bytes) -> tuple[int, int, int, array.array[int]]:
    """(channels, sample width, sample rate, samples)."""
    with wave.open(io.BytesIO(data), "rb") as w:
        params = w.getnchannels(), w.getsampwidth(), w.getframerate()
        frames = w.readframes(w.getnframes())
    samples = array.array("h")
    samples.frombytes(frames)
    if sys.byteorder == "big":
        samples.byteswap()
    return (*params, samples)


def duration(data: bytes) -> float:
    channels, _, rate, samples = read_wav(data)
    return len(samples) / channels / rate


def rms(data: bytes) -> float:
    samples = read_wav(data)[3][::7]  # every 7th sample is plenty for a level check
    return math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0


@contextmanager
def cpu_load() -> Iterator[None]:
    """Busy loops on every core, in other processes, killed on the way out."""
    burners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range(os.cpu_count() or 2)
    ]
    try:
        yield
    finally:
        for p in burners:
            p.kill()
        for p in burners:
            p.wait()


def run_script(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter, in its own process group, killed whole on timeout."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the script and any children it forked
        proc.communicate()
        pytest.fail(f"script still running after {TIMEOUT:g} s (hang)")
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


# --------------------------------------------------------------------------------------------


def test_synthesises_a_sentence_without_printing(capfd: pytest.CaptureFixture[str]) -> None:
    # A fresh helper started inside the test inherits capfd's file descriptors, so anything
    # it writes to stdout, from Python or from C, is caught.
    with _helper() as pool:
        try:
            data = synth(pool, SENTENCE, rate=175)
        except EngineUnavailableError as exc:
            pytest.skip(f"espeak-ng is not available: {exc}")
        voices = pool.apply_async(Pyttsx3Engine().voices).get(TIMEOUT)
    out = capfd.readouterr().out
    assert out == ""
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    channels, width, rate, _ = read_wav(data)
    assert (channels, width, rate) == (1, 2, 22050)
    assert rate == Pyttsx3Engine.sample_rate
    words = len(SENTENCE.split())
    nominal = words * 60 / 175
    assert 0.6 * nominal < duration(data) < 1.8 * nominal
    assert rms(data) > 300, "the segment is (nearly) silent"
    ids = {v.id for v in voices}
    assert "gmw/en-us" in ids
    assert any("en-us" in v.languages for v in voices)


def test_version_names_pyttsx3_and_espeak(helper: multiprocessing.pool.Pool) -> None:
    version = helper.apply_async(getattr, (Pyttsx3Engine(), "version")).get(TIMEOUT)
    assert version.startswith("pyttsx3-")
    _, espeak_part, origin, word_gap, pitch_range = version.split("/")
    assert espeak_part.startswith("espeak-ng-1.")
    assert origin in {"espeakng-loader", "system"}
    assert word_gap == f"wordgap{WORD_GAP}"
    assert pitch_range == f"range{PITCH_RANGE}"


@pytest.mark.parametrize("text", ["", "   ", "\n\t \n"])
def test_empty_text_raises(helper: multiprocessing.pool.Pool, text: str) -> None:
    with pytest.raises(EngineError, match="nothing to speak"):
        synth(helper, text)


def test_unknown_voice_raises_and_names_it(helper: multiprocessing.pool.Pool) -> None:
    with pytest.raises(EngineError, match="no-such-voice"):
        synth(helper, SENTENCE, voice="no-such-voice")
    # The engine is still usable afterwards, and the default voice is restored.
    assert duration(synth(helper, SENTENCE)) > 1.0


def test_voice_is_set_per_segment(helper: multiprocessing.pool.Pool) -> None:
    # espeak-ng's state is reset before every segment: back to the default voice, the same
    # sentence gives the same bytes as before the German one
    first = synth(helper, SENTENCE)
    default = duration(first)
    german = duration(synth(helper, SENTENCE, voice="de"))
    assert abs(german - default) > 0.05 * default
    assert synth(helper, SENTENCE) == first  # back to default
    us = duration(synth(helper, SENTENCE, voice="en-us"))
    assert duration(synth(helper, SENTENCE, voice="gmw/en-us")) == pytest.approx(us, rel=0.01)


def test_higher_rate_is_shorter(helper: multiprocessing.pool.Pool) -> None:
    slow = duration(synth(helper, SENTENCE, rate=120))
    fast = duration(synth(helper, SENTENCE, rate=300))
    assert 1.8 < slow / fast < 3.2, (slow, fast)


def _synth_with_word_gap(text: str, gap: int) -> bytes:
    """In the helper process: synthesise ``text`` with the engine's word gap set to ``gap``."""
    import briefing.engines.espeak as espeak

    saved = espeak.WORD_GAP
    espeak.WORD_GAP = gap
    try:
        return Pyttsx3Engine().synthesize(text, VoiceSettings(rate=175))
    finally:
        espeak.WORD_GAP = saved


def test_words_are_separated_by_the_word_gap(helper: multiprocessing.pool.Pool) -> None:
    words = len(SENTENCE.split())
    base = duration(helper.apply_async(_synth_with_word_gap, (SENTENCE, 0)).get(TIMEOUT))
    spaced = duration(helper.apply_async(_synth_with_word_gap, (SENTENCE, WORD_GAP)).get(TIMEOUT))
    added = spaced - base
    # espeakWORDGAP is in units of 10 ms at the default speed: roughly one gap per word space.
    assert 0.5 * (words - 1) * WORD_GAP * 0.01 < added < 2.0 * words * WORD_GAP * 0.01
    # and the default is in force for an ordinary segment
    assert duration(synth(helper, SENTENCE)) == pytest.approx(spaced, abs=0.01)


def _synth_with_pitch_range(text: str, pitch_range: int) -> bytes:
    """In the helper process: synthesise ``text`` with the engine's pitch range set."""
    import briefing.engines.espeak as espeak

    saved = espeak.PITCH_RANGE
    espeak.PITCH_RANGE = pitch_range
    try:
        return Pyttsx3Engine().synthesize(text, VoiceSettings(rate=175))
    finally:
        espeak.PITCH_RANGE = saved


def pitch_spread(data: bytes) -> float:
    """The 10th to 90th percentile span of the voice's pitch, in octaves (autocorrelation on
    voiced 40 ms frames)."""
    _, _, rate, samples = read_wav(data)
    x = np.asarray(samples, dtype=float)
    n = int(0.04 * rate)
    low, high = rate // 400, rate // 60
    octaves = []
    for start in range(0, len(x) - n, n // 2):
        frame = x[start:start + n] - x[start:start + n].mean()
        if np.sqrt((frame ** 2).mean()) < 1000:
            continue
        ac = np.correlate(frame, frame, "full")[n - 1:]
        lag = low + int(np.argmax(ac[low:high]))
        if ac[lag] > 0.5 * ac[0]:
            octaves.append(math.log2(rate / lag))
    p10, p90 = np.percentile(octaves, [10, 90])
    return float(p90 - p10)


def test_pitch_range_narrows_the_intonation(helper: multiprocessing.pool.Pool) -> None:
    text = " ".join(SENTENCES[:3])
    default = pitch_spread(synth(helper, text))
    espeaks = pitch_spread(helper.apply_async(_synth_with_pitch_range, (text, 50)).get(TIMEOUT))
    flat = pitch_spread(helper.apply_async(_synth_with_pitch_range, (text, 0)).get(TIMEOUT))
    # half espeak-ng's own range (50): clearly narrower, but the voice still rises and falls
    assert PITCH_RANGE < 50
    assert default < 0.8 * espeaks, (default, espeaks)
    assert default > 2 * flat, (default, flat)


def test_rate_and_audio_survive_cpu_load(helper: multiprocessing.pool.Pool) -> None:
    """120 segments, alternating 120/320 wpm, under full CPU load, in one engine.

    pyttsx3 2.99's own ``stop()`` (espeak_Cancel) drops queued rate changes and empties
    utterances under load; each segment must be non-empty, audible and last as long as the
    same sentence at the same rate without load.
    """
    keys = [(s, r) for s in SENTENCES for r in (SLOW, FAST)]
    reference = {key: duration(synth(helper, *key)) for key in keys}
    for s in SENTENCES:
        assert reference[s, SLOW] > 2 * reference[s, FAST]  # the two rates separate cleanly

    plan = [(SENTENCES[i % len(SENTENCES)], SLOW if i % 2 == 0 else FAST) for i in range(120)]
    engine = Pyttsx3Engine()
    with cpu_load():
        pending = [
            helper.apply_async(engine.synthesize, (text, VoiceSettings(rate=rate)))
            for text, rate in plan
        ]
        outcomes: list[bytes | EngineError] = []
        for p in pending:
            try:
                outcomes.append(p.get(TIMEOUT))
            except EngineError as exc:
                outcomes.append(exc)

    failures = []
    for i, ((text, rate), outcome) in enumerate(zip(plan, outcomes, strict=True)):
        if isinstance(outcome, EngineError):
            failures.append(f"#{i} ({rate} wpm): {outcome}")
            continue
        got, want = duration(outcome), reference[text, rate]
        if abs(got - want) > 0.05 * want:
            failures.append(f"#{i} ({rate} wpm): {got:.2f} s, expected {want:.2f} s")
        elif rms(outcome) < 300:
            failures.append(f"#{i} ({rate} wpm): silent")
    assert not failures, f"{len(failures)} of {len(plan)} segments wrong:\n" + "\n".join(failures)


FORK_POOL = """
    import concurrent.futures, io, json, multiprocessing, wave
    from briefing.engines.base import VoiceSettings
    from briefing.engines.espeak import Pyttsx3Engine

    def work(i):
        engine = Pyttsx3Engine()
        frames = []
        for k, rate in enumerate((150, 250, 150)):
            data = engine.synthesize(f"Worker {i} reads segment {k}.", VoiceSettings(rate=rate))
            with wave.open(io.BytesIO(data)) as w:
                frames.append(w.getnframes())
        engine.close()
        return frames

    if __name__ == "__main__":
        # Reading the version loads the library in the parent; that must stay fork-safe.
        version = Pyttsx3Engine().version
        ctx = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(2, mp_context=ctx) as pool:
            results = list(pool.map(work, range(4), timeout=40))
        print(json.dumps({"version": version, "results": results}))
"""


def test_fork_pool_with_one_engine_per_worker() -> None:
    done = run_script(FORK_POOL)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["version"].startswith("pyttsx3-")
    assert len(report["results"]) == 4
    for frames in report["results"]:
        assert all(n > 0 for n in frames)
        assert frames[0] > frames[1]  # 150 wpm is longer than 250 wpm


FORK_AFTER_INIT = """
    import concurrent.futures, json, multiprocessing
    from briefing.engines.base import VoiceSettings
    from briefing.engines.espeak import Pyttsx3Engine
    from briefing.errors import EngineError

    engine = Pyttsx3Engine()

    def work(_):
        try:
            engine.synthesize("Hello from the child.", VoiceSettings())
        except EngineError as exc:
            return str(exc)
        return "no error"

    if __name__ == "__main__":
        engine.synthesize("Hello from the parent.", VoiceSettings())
        ctx = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=ctx) as pool:
            print(json.dumps(pool.submit(work, 0).result(timeout=40)))
"""


def test_fork_after_initialising_fails_cleanly_instead_of_hanging() -> None:
    done = run_script(FORK_AFTER_INIT)
    assert done.returncode == 0, done.stderr
    message = json.loads(done.stdout)
    assert "forked" in message and "each worker process" in message


def test_the_run_loop_ends_when_the_utterance_does() -> None:
    """pyttsx3's loop polls every 10 ms for the end of the utterance (workaround h): ours never
    sleeps, and each utterance's end wakes it."""
    result = run_script(f"""
        import threading, time
        from briefing.engines.base import VoiceSettings
        from briefing.engines.espeak import Pyttsx3Engine
        waits, slept, real_wait, real_sleep = [], [], threading.Event.wait, time.sleep
        def wait(self, timeout=None):
            woken = real_wait(self, timeout)
            waits.append((timeout, woken))
            return woken
        threading.Event.wait = wait
        import pyttsx3.drivers.espeak as stock
        stock.time.sleep = lambda s: (slept.append(s), real_sleep(s))[1]
        engine = Pyttsx3Engine()
        for text in {list(SENTENCES[:3])!r}:
            assert engine.synthesize(text, VoiceSettings(None, 175))
        print(sum(timeout == 0.01 and not woken for timeout, woken in waits), len(slept))
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "0"]  # never a sleep, never a wait that ran out
