"""briefing's fixed pyttsx3 espeak driver, registered as ``pyttsx3.drivers._briefing_espeak``.

It fixes pyttsx3 2.99's espeak driver (the workarounds b, c, e, g and h of
:mod:`briefing.engines.espeak`) by subclassing ``pyttsx3.drivers.espeak.EspeakDriver``; nothing
of pyttsx3 itself is patched.  Importing this module imports pyttsx3's ctypes binding, which
loads libespeak-ng: import it only after
:func:`briefing.engines.espeak_library.load_library` has preloaded the right library (as
:func:`briefing.engines.espeak._install_driver_module` does).
"""

from __future__ import annotations

import ctypes
import sys
import threading
from typing import Any

from pyttsx3.drivers import _espeak as espeak
from pyttsx3.drivers import espeak as stock

from briefing.engines.base import wav_bytes
from briefing.engines.espeak_library import SAMPLE_RATE

DRIVER_NAME = "_briefing_espeak"
"""The name given to ``pyttsx3.init``."""


class BriefingEspeakDriver(stock.EspeakDriver):  # type: ignore[misc]  # pyttsx3 is untyped
    """pyttsx3's espeak driver, made safe for writing one file per ``runAndWait``.

    * :meth:`stop` does nothing: ``espeak_Cancel`` there races with the next utterance.
    * The synthesis callback never prints; it writes the file, releases the run loop and
      only then reports ``finished-utterance`` with the name of the utterance it wrote.
    * The text is forgotten once spoken, so a later ``runAndWait`` cannot speak it again.
    * The text may hold espeak-ng phonemes in ``[[...]]`` (a lexicon entry's): pyttsx3 calls
      ``espeak_Synth`` without ``espeakPHONEMES``, so espeak-ng read ``[[paSIn'jan]]`` as the
      letters of a word ("pah sinjun").  Only the lexicon writes ``[[``: briefing's spoken
      text turns any bracket of an article into a word (:mod:`briefing.speech.spoken`).
    * The run loop is woken by its end instead of polling for it: pyttsx3's loop sleeps 10 ms
      at a time until the synthesis callback ends it, so every segment waited up to 10 ms
      after espeak-ng had finished it (which takes a few ms for a short sentence): about 8 %
      of a cold build's time.
    """

    # Attributes of pyttsx3's EspeakDriver this class uses (declared for the type checker).
    _proxy: Any
    _speaking: bool
    _save_file: str | None
    _text_to_say: str | None

    _looping: bool

    def __init__(self, proxy: Any) -> None:
        self._chunks: list[bytes] = []
        self._utterance: str | None = None
        self._loop_ended = threading.Event()
        super().__init__(proxy)

    def startLoop(self) -> None:  # pyttsx3's driver protocol
        """pyttsx3's loop (run the queued commands, start the utterance, end when the
        utterance's callback calls :meth:`endLoop`), with its 10 ms sleeps between rounds
        replaced by a wait that :meth:`endLoop` ends at once."""
        self._loop_ended.clear()
        self._looping = True
        self._proxy.setBusy(False)  # runs what is queued
        if self._text_to_say:
            self._start_synthesis(self._text_to_say)
        self.iterate()
        while self._looping:
            self._loop_ended.wait(0.01)
            if self._looping:
                self.iterate()

    def endLoop(self) -> None:  # pyttsx3's driver protocol
        self._looping = False
        self._loop_ended.set()

    def stop(self) -> None:
        """Do nothing (pyttsx3 calls this from every ``runAndWait``)."""

    def save_to_file(self, text: str, filename: str) -> None:
        super().save_to_file(text, filename)
        # The proxy sets the command's utterance name just before running the command.
        self._utterance = getattr(self._proxy, "_name", None)

    def _start_synthesis(self, text: str) -> None:
        # pyttsx3's own method, with espeakPHONEMES added to the flags.
        self._chunks = []
        self._proxy.setBusy(True)
        self._proxy.notify("started-utterance")
        self._speaking = True
        try:
            espeak.Synth(str(text).encode("utf-8"),
                         flags=espeak.ENDPAUSE | espeak.CHARS_UTF8 | espeak.PHONEMES)
        except Exception as exc:
            self._proxy.setBusy(False)
            self._proxy.notify("error", exception=exc)
            raise

    def _onSynth(self, wav: Any, numsamples: int, events: Any) -> int:
        # Runs on espeak-ng's thread; an exception must not escape into ctypes.
        if not self._speaking:
            return 0
        try:
            if numsamples > 0:
                self._chunks.append(ctypes.string_at(wav, numsamples * 2))
            i = 0
            while events[i].type != espeak.EVENT_LIST_TERMINATED:
                if events[i].type == espeak.EVENT_MSG_TERMINATED:
                    self._finish(None)
                    break
                i += 1
        except Exception as exc:  # noqa: BLE001 - reported through the proxy, not lost
            self._finish(exc)
            return 1
        return 0

    def _finish(self, error: BaseException | None) -> None:
        name, wanted = self._utterance, self._save_file is not None
        data = b"".join(self._chunks)
        self._chunks = []
        self._speaking = False
        self._text_to_say = None
        self._save_file = None
        audio: bytes | None = None
        if error is None and wanted:
            # The WAV is handed over in memory: no temporary file, so a worker killed
            # mid-segment leaves nothing behind.
            audio = wav_bytes(data, SAMPLE_RATE)
        self._proxy.setBusy(False)
        self.endLoop()
        if error is not None:
            self._proxy.notify("error", exception=error, name=name)
        self._proxy.notify("finished-utterance", completed=error is None, name=name,
                           audio=audio)


def buildDriver(proxy: Any) -> BriefingEspeakDriver:  # pyttsx3's driver protocol
    """What ``pyttsx3.init(DRIVER_NAME)`` calls to make the driver."""
    return BriefingEspeakDriver(proxy)


def install() -> None:
    """Register this module as ``pyttsx3.drivers._briefing_espeak`` (idempotent)."""
    sys.modules.setdefault(f"pyttsx3.drivers.{DRIVER_NAME}", sys.modules[__name__])
