"""How long a date will run, before anything is synthesised.

A producer wants to know whether a bulletin fits its slot while the script can still be cut.
The estimate adds the pauses, computed exactly as :mod:`briefing.audio.assemble` places them,
to each sentence's speaking time predicted from its spoken text by the engine's measured speed,
and each sound insert's real length.

The speed is measured once per engine version, voice and rate: a fixed calibration text is
synthesised sentence by sentence, each sentence trimmed as assembly trims it, and a line
``ms = a + b·words + c·characters`` is fitted to the results (least squares: the fake engine is
exact in words, espeak-ng closer to characters, a per-sentence constant covers onsets).  The
fit is cached as JSON under ``.briefing/calibration/``; no library does this for an arbitrary
engine, hence this module.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from briefing.audio.assemble import Gaps, chapter_layout, samples_to_ms, trimmed_pcm
from briefing.build.context import BuildContext
from briefing.build.segment_plan import PlannedSegment
from briefing.engines.base import Engine, VoiceSettings
from briefing.errors import BriefingError
from briefing.fsutil import write_text_atomic
from briefing.hashing import canonical_hash
from briefing.text.script_read import Chapter, Script

log = logging.getLogger(__name__)

CALIBRATION_VERSION = 1
"""Changes when the calibration text or the fit changes: older measurements are ignored."""

CALIBRATION_TEXT: tuple[str, ...] = (
    "Good morning.",
    "Here is the news.",
    "The council met on Tuesday evening to discuss the new budget for the coming year.",
    "Residents said the changes would affect schools, libraries and the weekly market.",
    "A photograph shows a crowd gathered outside the town hall in the rain.",
    "Officials expect a decision within three weeks.",
    "Meanwhile, engineers continued repairs on the damaged bridge near the railway station, "
    "which has been closed to traffic since the storm.",
    "That is all for today.",
    "Thank you for listening.",
    "Unprecedented international cooperation characterised the negotiations.",
)
"""Sentences of news-like length and word shape, read one at a time like a script's."""


@dataclass(frozen=True)
class SpeakingSpeed:
    """A measured speaking speed: milliseconds for a sentence of so many words and characters."""

    per_sentence_ms: float
    per_word_ms: float
    per_char_ms: float

    def sentence_ms(self, spoken: str) -> float:
        """Predicted length of ``spoken`` once synthesised and trimmed."""
        words = len(spoken.split())
        return max(0.0, self.per_sentence_ms + self.per_word_ms * words
                   + self.per_char_ms * len(spoken))


def _fit(samples: Sequence[tuple[str, float]]) -> SpeakingSpeed:
    """Least-squares fit of ``ms = a + b·words + c·chars``; a coefficient that comes out
    negative is dropped and the rest fitted again, so a longer sentence never gets shorter."""
    import numpy as np

    rows = np.array([[1.0, len(t.split()), len(t)] for t, _ in samples])
    ms = np.array([m for _, m in samples])
    active = [0, 1, 2]
    while active:
        coef, *_ = np.linalg.lstsq(rows[:, active], ms, rcond=None)
        negative = [i for i, c in zip(active, coef, strict=True) if c < 0]
        if not negative:
            full = [0.0, 0.0, 0.0]
            for i, c in zip(active, coef, strict=True):
                full[i] = float(c)
            return SpeakingSpeed(*full)
        active.remove(negative[0])
    return SpeakingSpeed(0.0, 0.0, 0.0)


def calibration_key(engine: Engine, voice: VoiceSettings) -> str:
    """What a measured speed depends on: the engine, its version, the voice and the rate."""
    return canonical_hash({"calibration": CALIBRATION_VERSION, "engine": engine.name,
                           "version": engine.version, "voice": engine.voice_key(voice.voice),
                           "rate": voice.rate, "sample_rate": engine.sample_rate})


def measure(engine: Engine, voice: VoiceSettings) -> SpeakingSpeed:
    """Synthesise :data:`CALIBRATION_TEXT` and fit its speed (no cache)."""
    samples = []
    for sentence in CALIBRATION_TEXT:
        pcm = trimmed_pcm(engine.synthesize(sentence, voice))
        samples.append((sentence, samples_to_ms(len(pcm) // 2)))
    return _fit(samples)


def speaking_speed(engine: Engine, voice: VoiceSettings, folder: Path) -> SpeakingSpeed:
    """The engine's measured speed for ``voice``, from ``folder``'s cache or measured now."""
    path = folder / f"{calibration_key(engine, voice)}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return SpeakingSpeed(float(data["per_sentence_ms"]), float(data["per_word_ms"]),
                             float(data["per_char_ms"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    log.info("calibrating %s (voice %s, rate %d)", engine.name, voice.voice, voice.rate)
    speed = measure(engine, voice)
    folder.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, json.dumps({
        "engine": engine.name, "version": engine.version, "voice": voice.voice,
        "rate": voice.rate, "per_sentence_ms": speed.per_sentence_ms,
        "per_word_ms": speed.per_word_ms, "per_char_ms": speed.per_char_ms}, indent=1) + "\n")
    return speed


def pauses_ms(chapter: Chapter, gaps: Gaps, last: bool) -> int:
    """The silence :func:`briefing.audio.assemble.chapter_pieces` puts into ``chapter``."""
    return sum(gap for gap, _ in chapter_layout(chapter, gaps, last))


def estimate_chapters(script: Script, segments: Sequence[PlannedSegment], gaps: Gaps,
                      speed: SpeakingSpeed | Mapping[VoiceSettings, SpeakingSpeed]
                      ) -> tuple[int, ...]:
    """Each chapter's estimated duration in milliseconds, in order.  ``speed`` is one speed for
    every segment, or each segment's voice's (a photo chapter read at ``photo_rate`` or in
    ``photo_voice`` is estimated at its own speed)."""
    speech = [0.0] * len(script.chapters)
    for seg in segments:  # a sound insert plays for its decoded length
        if seg.insert is not None:
            speech[seg.chapter] += seg.insert.duration_ms
            continue
        own = speed if isinstance(speed, SpeakingSpeed) else speed[seg.voice]
        speech[seg.chapter] += own.sentence_ms(seg.spoken)
    last = len(script.chapters) - 1
    return tuple(round(speech[c] + pauses_ms(ch, gaps, c == last))
                 for c, ch in enumerate(script.chapters))


def estimate_date(ctx: BuildContext, script: Script, segments: Sequence[PlannedSegment],
                  voice: VoiceSettings, gaps: Gaps | None = None) -> tuple[int, ...]:
    """Each chapter's estimated duration for a date's planned ``segments``, calibrating the
    build's engine first for each voice and rate they are read in (``voice``, the script's,
    and any photo or chapter voice) whose speed is not cached.  An engine that cannot be
    calibrated (or a cache that cannot be written) gives no estimate, not a failed plan."""
    s = ctx.settings
    voices = dict.fromkeys([voice, *(seg.voice for seg in segments)])
    try:
        speeds = {v: speaking_speed(ctx.engine, v, ctx.ws.state_dir / "calibration")
                  for v in voices}
    except (BriefingError, OSError) as exc:
        log.warning("no duration estimate: calibrating %s failed: %s", ctx.engine.name, exc)
        return ()
    if gaps is None:  # the settings' pauses (a script's own are the plan's: DatePlan.gaps)
        gaps = Gaps(s.sentence_pause_ms, s.paragraph_pause_ms, s.chapter_pause_ms)
    return estimate_chapters(script, segments, gaps, speeds)


def over_target(day: str, duration_ms: int, target_ms: int, estimated: bool) -> str | None:
    """The warning for a date that runs longer than its target, or ``None``."""
    if not target_ms or duration_ms <= target_ms:
        return None
    what = "is estimated at" if estimated else "runs"
    return (f"{day}: {what} {_clock(duration_ms)}, {_clock(duration_ms - target_ms)} over "
            f"the target of {_clock(target_ms)}")


def _clock(ms: int) -> str:
    seconds = round(ms / 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"
