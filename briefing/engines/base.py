"""The engine interface: text and voice settings in, WAV bytes out."""

from __future__ import annotations

import abc
import functools
import io
import wave
from dataclasses import dataclass

from briefing.speech.repertoire import EVERYTHING, Repertoire


@functools.cache
def dist_version(dist: str, module: str | None = None) -> str:
    """The installed version of the distribution ``dist`` (top-level module ``module``, by
    default its name with ``_`` for ``-``), "unknown" when not installed
    (:func:`briefing.installed.version`: without :mod:`importlib.metadata`, 50 ms)."""
    from briefing.installed import version

    return version(dist, module)


_thread_budget: list[int] = []


def set_thread_budget(threads: int | None) -> None:
    """How many threads an engine of this process may compute on (``None``: its default).

    Set in each worker process (:mod:`briefing.build.workers`) to the cores divided by the
    workers: an engine with its own thread pool (Piper's onnxruntime) would otherwise start one
    thread per core in every worker, and the workers' threads fight for the cores.
    """
    _thread_budget[:] = [] if threads is None else [max(1, threads)]


def thread_budget() -> int | None:
    """The threads set by :func:`set_thread_budget`, or ``None``."""
    return _thread_budget[0] if _thread_budget else None


def wav_bytes(pcm: bytes, sample_rate: int) -> bytes:
    """Mono 16-bit PCM as the bytes of a WAV file: what :meth:`Engine.synthesize` returns."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(pcm)
    return buffer.getvalue()


@dataclass(frozen=True)
class VoiceSettings:
    """Everything that selects how an engine speaks. Part of every segment's cache key."""

    voice: str | None = None
    """Engine-specific voice identifier (``None``: the engine's default voice)."""

    rate: int = 175
    """Speaking rate in words per minute."""


@dataclass(frozen=True)
class VoiceInfo:
    """A voice an engine offers."""

    id: str
    """Identifier to pass as ``--voice``."""

    name: str
    """Human-readable name."""

    languages: tuple[str, ...] = ()
    """Language codes the voice speaks (``en``, ``en-us`` ...)."""


class Engine(abc.ABC):
    """A speech synthesiser.

    Subclasses set :attr:`name` and :attr:`version` (both are part of every cache key, so bump
    the version whenever the same text would sound different) and implement :meth:`synthesize`.
    An engine instance is used from one process only; create one per worker process.
    """

    name: str = ""
    """Registered name of the engine (``--engine NAME``)."""

    sample_rate: int = 22050
    """Sample rate of the WAV data :meth:`synthesize` returns (mono, 16-bit)."""

    settings: tuple[str, ...] = ("voice", "rate")
    """The :class:`VoiceSettings` fields the engine honours (``rate`` may map to the engine's
    own speed control, such as piper's length scale)."""

    @property
    @abc.abstractmethod
    def version(self) -> str:
        """Version string; part of the cache key."""

    @abc.abstractmethod
    def synthesize(self, text: str, settings: VoiceSettings) -> bytes:
        """Return a complete mono 16-bit PCM WAV file speaking ``text``.

        Raises :class:`~briefing.errors.EngineError` when synthesis fails or ``text`` has
        nothing to speak.
        """

    def voices(self) -> list[VoiceInfo]:
        """The voices this engine offers."""
        return []

    def unlisted_voice(self, voice: str) -> str | None:
        """``voice`` if this engine takes it although :meth:`voices` does not list it (a model
        file's path), else ``None``.  By default only listed voices are taken."""
        return None

    def voice_key(self, voice: str | None) -> str | None:
        """What identifies ``voice`` in cache keys (by default its name).

        An engine whose voices are files overrides this so that a file replaced at the same
        path gives new keys, and stale audio is never reused.
        """
        return voice

    def repertoire(self, voice: str | None) -> Repertoire:
        """The characters ``voice`` (``None``: the engine's default) says within a word.

        Words with any other character are transliterated before the engine sees them
        (:mod:`briefing.speech.transliterate`).  By default an engine says every character; an
        engine that spells unknown characters out (espeak-ng) overrides this with what it
        measured.
        """
        return EVERYTHING

    def close(self) -> None:  # noqa: B027 - optional hook, empty on purpose
        """Release resources held by the engine."""
