"""The ``pyttsx3`` engine: espeak-ng, driven through pyttsx3's espeak driver.

The module is split by what it does: :mod:`briefing.engines.espeak_library` loads libespeak-ng
(the bundled ``espeakng-loader`` copy first), :mod:`briefing.engines.espeak_driver` is the fixed
pyttsx3 driver, :mod:`briefing.engines.espeak_state` resets espeak-ng between segments; here
are the per-process runtime and the engine.

Workarounds for pyttsx3 2.99's espeak driver (all reproduced on Linux, espeak-ng 1.52):

a. ``runAndWait()`` can return ~10 ms after queuing, before the WAV file exists (always on the
   first call in a process): we wait for the ``finished-utterance`` notification carrying our
   utterance name, with a timeout, and then validate the file.
b. ``runAndWait()`` calls the driver's ``stop()``, whose ``espeak_Cancel`` (when espeak-ng is
   still busy finishing the previous message, typically under CPU load) cancels the next
   utterance (empty or missing file) or drops the queued rate change: our driver's ``stop()`` is
   a no-op, and the rate espeak-ng actually holds is checked after every segment.
c. several ``save_to_file`` calls before one ``runAndWait`` write only the last file: exactly
   one utterance per ``runAndWait``.
d. ``save_to_file('')`` fails an assertion: empty text is rejected before pyttsx3 sees it.
e. the driver prints "Audio saved to ..." on stdout: our driver never prints.
f. forking after pyttsx3/espeak-ng was initialised leaves the child without espeak-ng's worker
   thread, and it hangs: initialisation is lazy and bound to the process that did it.
g. the driver writes a WAV file per utterance: ours hands the WAV over in memory (with the
   ``finished-utterance`` notification), so a killed worker leaves no temporary file.
h. the driver's run loop polls for the end of the utterance every 10 ms: ours is woken by it.

And one of espeak-ng itself: it carries state from one utterance to the next (its pitch flutter
phase, gain and noise generators), so the same sentence sounded slightly different after a
different history; :mod:`briefing.engines.espeak_state` puts that state back before every
segment.

The fixed driver is a subclass of ``pyttsx3.drivers.espeak.EspeakDriver`` in a private driver
module (:mod:`briefing.engines.espeak_driver`), registered as ``pyttsx3.drivers._briefing_espeak``
and selected with ``pyttsx3.init("_briefing_espeak")``; nothing of pyttsx3 itself is patched.
"""

from __future__ import annotations

import ctypes
import io
import itertools
import logging
import os
import threading
import wave
from typing import Any

from briefing.engines.base import Engine, VoiceInfo, VoiceSettings, dist_version
from briefing.engines.espeak_library import (
    ESPEAK_RATE,
    ESPEAK_WORDGAP,
    SAMPLE_RATE,
    Library,
    load_library,
)
from briefing.engines.espeak_text import ESPEAK_TEXT_VERSION, for_espeak, is_english
from briefing.errors import EngineError, EngineUnavailableError
from briefing.speech.repertoire import Repertoire, lookup

logger = logging.getLogger(__name__)

WORD_GAP = 5
"""The word gap every segment is spoken with (50 ms): espeak-ng runs words together.  With
gap 4 an offline recogniser misheard 12 % fewer words of built briefings at the same rate than
with none (0.224 -> 0.198; 2 gave 0.211, 7 gave 0.209); with :data:`PITCH_RANGE` 5 was better
than 4 again (pooled over the corpus and the seed 0.170 -> 0.163; see
docs/intelligibility-notes.md).  It lengthens speech by about 16 %.  Part of
:attr:`Pyttsx3Engine.version`."""
ESPEAK_RANGE = 4
"""``espeakRANGE``: the pitch range, 0 (monotone) to 100; espeak-ng's default is 50."""
PITCH_RANGE = 25
"""The pitch range every segment is spoken with: half espeak-ng's default.  espeak-ng's wide,
rule-driven intonation puts pitch jumps inside names and short words; with half the range the
recogniser misheard fewer words of whole briefings (see :data:`WORD_GAP`), and the voice still
rises and falls.  Part of :attr:`Pyttsx3Engine.version`."""
_SLOWEST_RATE = 80
"""espeak-ng speaks every slower rate at 80 words per minute."""
_DEFAULT_VOICE = "en"
"""The voice espeak-ng selects when initialised, which pyttsx3 keeps as its default."""


# --------------------------------------------------------------------------------------------
# The runtime: pyttsx3 + espeak-ng initialised once, in one process.


def _voice_languages(voice: Any) -> tuple[str, ...]:
    """Decode espeak_VOICE.languages: (priority byte, NUL-terminated name) pairs, then a 0 byte."""
    address = ctypes.c_void_p.from_buffer(voice, type(voice).languages.offset).value
    languages: list[str] = []
    offset = 0
    while address and len(languages) < 32:
        if ctypes.string_at(address + offset, 1) == b"\0":
            break
        language = ctypes.string_at(address + offset + 1)
        if not language:
            break
        languages.append(language.decode("utf-8", "replace"))
        offset += len(language) + 2
    return tuple(languages)


def _is_mbrola(voice: str) -> bool:
    return voice.lower().startswith(("mb/", "mb-"))


def _install_driver_module() -> str:
    """Register briefing's fixed driver with pyttsx3 (idempotent); return its name.

    Imported here, not at the top: importing it loads pyttsx3's binding of libespeak-ng, which
    must come after :func:`~briefing.engines.espeak_library.load_library`.
    """
    from briefing.engines import espeak_driver

    espeak_driver.install()
    return espeak_driver.DRIVER_NAME


class _Runtime:
    """One initialised pyttsx3 engine for this process; segments are synthesised one at a time."""

    def __init__(self, library: Library) -> None:
        self.pid = os.getpid()
        self._library = library
        self._lock = threading.Lock()
        self._names = itertools.count(1)
        self._finished: dict[str, threading.Event] = {}
        self._completed: dict[str, bool] = {}
        self._audio: dict[str, bytes] = {}
        self._errors: list[BaseException] = []
        self._pending: str | None = None
        driver = _install_driver_module()
        import pyttsx3

        try:
            self._engine: Any = pyttsx3.init(driver)
        except RuntimeError as exc:
            raise EngineUnavailableError(f"espeak-ng cannot be initialised: {exc}") from exc
        self._engine.connect("finished-utterance", self._on_finished)
        self._engine.connect("error", self._on_error)
        self.default_voice = str(self._engine.getProperty("voice") or "en")
        # An empty run loop leaves the proxy idle, so later commands run as soon as they are
        # queued and a bad voice is reported before anything is synthesised.
        self._engine.runAndWait()
        logger.debug(
            "initialised espeak-ng %s (%s) in process %d, default voice %s",
            library.version,
            library.origin,
            self.pid,
            self.default_voice,
        )

    def _on_finished(self, name: str | None = None, completed: bool = False,
                     audio: bytes | None = None, **_: Any) -> None:
        if name is None:
            return
        self._completed[name] = bool(completed)
        if audio is not None:
            self._audio[name] = audio
        event = self._finished.get(name)
        if event is not None:
            event.set()

    def _on_error(self, exception: BaseException | None = None, **_: Any) -> None:
        if exception is not None:
            logger.debug("pyttsx3 reported: %r", exception)
            self._errors.append(exception)

    def _wait_for_pending(self, timeout: float) -> None:
        """Wait for a segment that timed out earlier, so two never overlap."""
        if self._pending is None:
            return
        event = self._finished.get(self._pending)
        if event is not None and not event.wait(timeout):
            raise EngineError("espeak-ng is still busy with a segment that timed out earlier")
        self._finished.pop(self._pending, None)
        self._completed.pop(self._pending, None)
        self._audio.pop(self._pending, None)
        self._pending = None

    def _select_voice(self, voice: str | None) -> None:
        target = self.default_voice if voice is None else voice
        if _is_mbrola(target):
            raise EngineError(f"MBROLA voices are not supported: {target!r}")
        self._errors.clear()
        self._engine.setProperty("voice", target)
        if self._errors:
            raise EngineError(
                f"unknown voice {target!r}: espeak-ng voices look like 'gmw/en-us' or 'en-us'"
            )

    def voices(self, timeout: float) -> list[VoiceInfo]:
        with self._lock:
            self._wait_for_pending(timeout)
            result = []
            for voice in self._library.espeak.ListVoices(None):
                identifier = voice.identifier.decode("utf-8", "replace").lower()
                if _is_mbrola(identifier):
                    continue
                name = voice.name.decode("utf-8", "replace")
                result.append(
                    VoiceInfo(id=identifier, name=name, languages=_voice_languages(voice))
                )
            return result

    def synthesize(self, text: str, voice: str | None, rate: int, timeout: float) -> bytes:
        with self._lock:
            self._wait_for_pending(timeout)
            self._select_voice(voice)
            self._engine.setProperty("rate", rate)
            self._library.espeak.SetParameter(ESPEAK_WORDGAP, WORD_GAP, 0)
            self._library.espeak.SetParameter(ESPEAK_RANGE, PITCH_RANGE, 0)
            name = f"briefing-{next(self._names)}"
            if self._library.state is not None:
                self._library.state.restore()  # espeak-ng is idle: nothing is being spoken
            done = threading.Event()
            self._finished[name] = done
            try:
                # the file name is only a label: the driver hands the WAV over in memory
                self._engine.save_to_file(text, f"{name}.wav", name)
                self._engine.runAndWait()
            except (RuntimeError, ValueError, OSError, ctypes.ArgumentError) as exc:
                self._finished.pop(name, None)
                raise EngineError(f"pyttsx3 failed to synthesise the segment: {exc}") from exc
            try:
                finished = done.wait(timeout)
            finally:
                if not done.is_set():  # timed out or interrupted: still speaking
                    self._pending = name
            if not finished:
                raise EngineError(f"espeak-ng did not finish the segment within {timeout:g} s")
            self._finished.pop(name, None)
            completed = self._completed.pop(name, False)
            data = self._audio.pop(name, None)
            if self._errors or not completed:
                reason = f": {self._errors[0]}" if self._errors else ""
                raise EngineError(f"espeak-ng did not complete the segment{reason}")
            applied = self._library.current_parameter(ESPEAK_RATE)
            if applied != rate:
                raise EngineError(
                    f"espeak-ng spoke at {applied} words per minute instead of {rate}"
                )
            gap = self._library.current_parameter(ESPEAK_WORDGAP)
            if gap != WORD_GAP:
                raise EngineError(f"espeak-ng spoke with a word gap of {gap}, not {WORD_GAP}")
            pitch_range = self._library.current_parameter(ESPEAK_RANGE)
            if pitch_range != PITCH_RANGE:
                raise EngineError(
                    f"espeak-ng spoke with a pitch range of {pitch_range}, not {PITCH_RANGE}")
            if data is None:
                raise EngineError("espeak-ng produced no audio for the segment")
        return data


_runtime_lock = threading.Lock()
_runtime: _Runtime | None = None


def _acquire_runtime() -> _Runtime:
    global _runtime
    with _runtime_lock:
        if _runtime is None:
            _runtime = _Runtime(load_library())
        elif _runtime.pid != os.getpid():
            raise EngineError(
                f"espeak-ng was initialised in process {_runtime.pid}, which then forked this one;"
                " it cannot work after fork(): create the engine in each worker process"
            )
        return _runtime


def _validate_wav(data: bytes, sample_rate: int) -> float:
    """Check ``data`` is a mono 16-bit WAV with audio at ``sample_rate``; return its duration."""
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            channels, width = wav.getnchannels(), wav.getsampwidth()
            rate, frames = wav.getframerate(), wav.getnframes()
    except (wave.Error, EOFError) as exc:
        raise EngineError(f"espeak-ng produced an unreadable WAV file: {exc}") from exc
    if channels != 1 or width != 2 or rate != sample_rate:
        raise EngineError(
            f"espeak-ng produced {channels} channel(s), {8 * width}-bit, {rate} Hz audio;"
            f" expected mono 16-bit {sample_rate} Hz"
        )
    if frames == 0:
        raise EngineError("espeak-ng produced no audio for the segment")
    return frames / rate


# --------------------------------------------------------------------------------------------


class Pyttsx3Engine(Engine):
    """espeak-ng through pyttsx3: offline, free, pip-installable.

    espeak-ng is initialised lazily, on the first :meth:`synthesize` or :meth:`voices` call, and
    then belongs to the process that initialised it: espeak-ng runs a worker thread, and a
    process forked after that point hangs.  Create one engine per worker process, and do not
    synthesise in a parent before forking workers (reading :attr:`version` is fine: it loads
    the library without initialising it).  Using an engine in a forked child of a process that
    already synthesised raises :class:`~briefing.errors.EngineError` instead of hanging.

    All engines in one process share the single espeak-ng instance; segments are synthesised
    one at a time.  :meth:`close` drops the engine's hold on it, but espeak-ng itself stays
    initialised until the process exits (it cannot be initialised twice).

    Args:
        timeout: Seconds to wait for one segment, plus one second per 1000 characters.
    """

    name = "pyttsx3"
    sample_rate = SAMPLE_RATE

    def __init__(self, *, timeout: float = 30.0) -> None:
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, not {timeout}")
        self.timeout = timeout
        self._runtime: _Runtime | None = None

    @property
    def version(self) -> str:
        """``pyttsx3-<version>/espeak-ng-<version>/<origin>``, e.g.

        ``pyttsx3-2.99/espeak-ng-1.52.0+phonemes+text1+reset/espeakng-loader/wordgap5/range25``;
        ``+phonemes`` says a lexicon's ``[[...]]`` is spoken as phonemes (before, as letters)
        and ``+text1`` is :data:`~briefing.engines.espeak_text.ESPEAK_TEXT_VERSION` (what
        English voices are asked to say); *origin* is
        ``espeakng-loader`` (the bundled library and data) or ``system``, and the last parts are
        :data:`WORD_GAP` and :data:`PITCH_RANGE`.  ``+reset`` says every segment is synthesised
        from espeak-ng's initial state (:mod:`briefing.engines.espeak_state`), so its audio is a
        function of its text, voice and rate; without it (a library with no symbol table) audio
        cached before and after cannot be mixed up.
        """
        library = load_library()
        reset = "+reset" if library.state is not None else ""
        return (f"pyttsx3-{dist_version('pyttsx3')}/espeak-ng-{library.version}"
                f"+phonemes+text{ESPEAK_TEXT_VERSION}{reset}/"
                f"{library.origin}/wordgap{WORD_GAP}/range{PITCH_RANGE}")

    def _runtime_for_process(self) -> _Runtime:
        if self._runtime is None or self._runtime.pid != os.getpid():
            self._runtime = _acquire_runtime()
        return self._runtime

    def synthesize(self, text: str, settings: VoiceSettings) -> bytes:
        """Speak ``text`` at ``settings.rate`` words per minute with ``settings.voice``.

        ``settings.voice`` is an espeak-ng voice (``gmw/en-us``, ``en-us``, ``en-us+f3`` ...);
        ``None`` is espeak-ng's default voice.  Voice and rate are set for every segment.
        """
        text = text.replace("\0", " ")
        if not text.strip():
            raise EngineError("nothing to speak: the text is empty or only whitespace")
        if settings.rate <= 0:
            raise EngineError(f"rate must be positive, not {settings.rate}")
        if settings.rate < _SLOWEST_RATE:
            logger.warning(
                "espeak-ng speaks no slower than %d words per minute (asked for %d)",
                _SLOWEST_RATE,
                settings.rate,
            )
        if is_english(settings.voice):
            text = for_espeak(text)
        timeout = self.timeout + len(text) / 1000
        data = self._runtime_for_process().synthesize(text, settings.voice, settings.rate, timeout)
        duration = _validate_wav(data, self.sample_rate)
        logger.debug(
            "synthesised %d characters at %d wpm (voice %s): %.2f s",
            len(text),
            settings.rate,
            settings.voice or "default",
            duration,
        )
        return data

    def repertoire(self, voice: str | None) -> Repertoire:
        """What the espeak-ng ``voice`` says in a word, as measured for espeakng-loader's
        espeak-ng (``repertoires/espeak-ng.json``; a system espeak-ng is assumed to match)."""
        return lookup("espeak-ng", voice or _DEFAULT_VOICE)

    def voices(self) -> list[VoiceInfo]:
        """espeak-ng's voices (MBROLA voices excluded), ids as ``gmw/en-us``."""
        return self._runtime_for_process().voices(self.timeout)

    def close(self) -> None:
        self._runtime = None
