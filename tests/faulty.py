"""Engines that fail on purpose, for the fault-injection tests."""

from __future__ import annotations

import io
import os
import time
import wave

from briefing.engines.base import VoiceSettings
from briefing.engines.fake import FakeEngine
from briefing.errors import EngineError


class FailingEngine(FakeEngine):
    """Raises on every segment, as a crashing synthesiser would."""

    name = "failing"

    def synthesize(self, text: str, settings: VoiceSettings) -> bytes:
        raise EngineError("the synthesiser crashed")


class HangingEngine(FakeEngine):
    """Never returns."""

    name = "hanging"

    def synthesize(self, text: str, settings: VoiceSettings) -> bytes:
        while True:
            time.sleep(60)


class SlowEngine(FakeEngine):
    """The fake engine at a real engine's pace (0.1 s a segment), so a build lasts a while."""

    name = "slow"

    def synthesize(self, text: str, settings: VoiceSettings) -> bytes:
        time.sleep(0.1)
        return super().synthesize(text, settings)


class EmptyEngine(FakeEngine):
    """Returns a WAV with no audio in it."""

    name = "empty"

    def synthesize(self, text: str, settings: VoiceSettings) -> bytes:
        buf = io.BytesIO()
        with wave.open(buf, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(22050)
            w.writeframes(b"")
        return buf.getvalue()


def kill_own_process() -> None:
    """A worker task that dies as a SIGKILLed worker does (out-of-memory killer, kill -9)."""
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)


def echo(value: object) -> object:
    """A worker task that returns its argument."""
    return value


def wait_for_group_to_end(pgid: int) -> None:
    """A killed build's worker processes notice and exit: nothing of its group is left running."""
    deadline = time.monotonic() + 20
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        assert time.monotonic() < deadline, "worker processes outlived the build"
        time.sleep(0.1)
