"""Plan a script's segments and synthesise the ones the cache does not have."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from briefing.cache import ContentStore, SegmentKey
from briefing.engines.base import Engine, VoiceSettings
from briefing.errors import EngineError
from briefing.lexicon import Lexicon
from briefing.segments import Script
from briefing.speech import SPEECH_VERSION, spoken_text

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


def plan_segments(script: Script, engine: Engine, settings: VoiceSettings,
                  lexicon: Lexicon | None = None) -> list[PlannedSegment]:
    """Every sentence of ``script`` with its cache key, in reading order."""
    planned: list[PlannedSegment] = []
    version = f"{engine.version}+speech{SPEECH_VERSION}"
    for c, chapter in enumerate(script.chapters):
        for n, sentence in enumerate(chapter.sentences):
            spoken = spoken_text(sentence, script.lang, lexicon)
            key = SegmentKey(spoken, engine.name, version, settings.voice, settings.rate,
                             engine.sample_rate)
            planned.append(PlannedSegment(c, n, sentence, spoken, key.digest()))
    return planned


def missing_segments(planned: list[PlannedSegment], cache: ContentStore) -> list[PlannedSegment]:
    """The planned segments the cache lacks, each distinct text once."""
    missing: dict[str, PlannedSegment] = {}
    for seg in planned:
        if seg.digest not in missing and not cache.has(seg.digest):
            missing[seg.digest] = seg
    return list(missing.values())


def synthesize(missing: list[PlannedSegment], cache: ContentStore, engine: Engine,
               settings: VoiceSettings,
               progress: Callable[[int, int], None] | None = None) -> int:
    """Synthesise ``missing`` into the cache; returns how many were synthesised."""
    total = len(missing)
    for done, seg in enumerate(missing, start=1):
        try:
            wav = engine.synthesize(seg.spoken, settings)
        except EngineError as exc:
            raise EngineError(f"chapter {seg.chapter + 1}, sentence {seg.number + 1} "
                              f"({seg.text[:40]!r}): {exc.message}") from exc
        cache.put(seg.digest, wav)
        if progress is not None:
            progress(done, total)
    return total
