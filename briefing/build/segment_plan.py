"""Plan a script's segments: what each sentence is sent to the engine as, and its cache key."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from briefing.build.cache import ContentStore, SegmentKey
from briefing.engines.base import Engine, VoiceSettings
from briefing.errors import ScriptError
from briefing.speech.lexicon import Lexicon
from briefing.speech.spoken import SPEECH_VERSION, spoken_text
from briefing.text.script_read import Paragraph, Script, is_silent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlannedSegment:
    """One sentence to speak, with its cache key."""

    chapter: int
    """Index of its chapter."""

    number: int
    """Index of the sentence within its chapter."""

    text: str
    """The sentence as written in the script."""

    spoken: str
    """The text sent to the engine."""

    digest: str
    """Canonical hash of everything that changes its sound."""

    voice: VoiceSettings
    """The voice and rate it is spoken in (its chapter's)."""


def plan_segments(script: Script, engine: Engine, settings: VoiceSettings,
                  lexicon: Lexicon | None = None,
                  path: Path | None = None, stage: str = "",
                  voices: Sequence[VoiceSettings] | None = None) -> list[PlannedSegment]:
    """Every sentence of ``script`` with its cache key, in reading order.

    ``stage`` is the synthesis stage's key (:func:`briefing.build.keys.stage_keys`: its
    fingerprint and the settings tagged ``synthesis``), part of every segment's key.
    ``voices`` gives each chapter's voice and rate (:func:`briefing.build.voices.
    chapter_voices`); without it every chapter is read with ``settings``."""
    planned: list[PlannedSegment] = []
    version = f"{engine.version}+speech{SPEECH_VERSION}"
    for c, chapter in enumerate(script.chapters):
        own = voices[c] if voices is not None else settings
        voice = engine.voice_key(own.voice)
        repertoire = engine.repertoire(own.voice)
        lines = [b.line for b in chapter.blocks if isinstance(b, Paragraph) for _ in b.sentences]
        for n, sentence in enumerate(chapter.sentences):
            spoken = spoken_text(sentence, script.lang, lexicon, repertoire)
            if is_silent(spoken):
                where = f"line {lines[n]}: " if lines[n] else ""
                raise ScriptError(f"{where}{sentence!r} leaves nothing to say once the "
                                  "lexicon and number reading are applied", path)
            key = SegmentKey(spoken, engine.name, version, voice, own.rate,
                             engine.sample_rate, stage)
            planned.append(PlannedSegment(c, n, sentence, spoken, key.digest(), own))
    return planned


def missing_segments(planned: list[PlannedSegment], cache: ContentStore) -> list[PlannedSegment]:
    """The planned segments the cache lacks, each distinct text once."""
    missing: dict[str, PlannedSegment] = {}
    for seg in planned:
        if seg.digest not in missing and not cache.has(seg.digest):
            missing[seg.digest] = seg
    return list(missing.values())
