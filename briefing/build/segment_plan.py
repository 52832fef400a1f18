"""Plan a script's segments: what each sentence is sent to the engine as, and its cache key.

A sound insert (``[sound FILE]``) is a segment too, in its place in the reading order, whose
audio comes from its file (:mod:`briefing.build.inserts`) instead of the engine."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from briefing.build.cache import ContentStore, SegmentKey
from briefing.build.inserts import Insert
from briefing.engines.base import Engine, VoiceSettings
from briefing.errors import ScriptError
from briefing.speech.lexicon import Lexicon
from briefing.speech.spoken import SPEECH_VERSION, spoken_text
from briefing.text.script_read import Chapter, Paragraph, Script, is_silent
from briefing.text.sound import Sound

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlannedSegment:
    """One sentence to speak, with its cache key."""

    chapter: int
    """Index of its chapter."""

    number: int
    """Index of the sentence (or insert) within its chapter, in reading order."""

    text: str
    """The sentence as written in the script (an insert's cue, ``[Sound: ident]``)."""

    spoken: str
    """The text sent to the engine (an insert's cue)."""

    digest: str
    """Canonical hash of everything that changes its sound."""

    voice: VoiceSettings
    """The voice and rate it is spoken in (its chapter's)."""

    insert: Insert | None = None
    """For a sound insert, its file: decoded, not synthesised."""


def _items(chapter: Chapter) -> Iterator[tuple[str | Sound, int]]:
    """The chapter's sentences and inserts in reading order, each with its line."""
    for block in chapter.blocks:
        if isinstance(block, Paragraph):
            yield from ((s, block.line) for s in block.sentences)
        elif isinstance(block, Sound):
            yield block, block.line


def plan_segments(script: Script, engine: Engine, settings: VoiceSettings,
                  lexicon: Lexicon | None = None,
                  path: Path | None = None, stage: str = "",
                  voices: Sequence[VoiceSettings] | None = None,
                  inserts: Mapping[str, Insert] | None = None) -> list[PlannedSegment]:
    """Every sentence and sound insert of ``script`` with its cache key, in reading order.

    ``stage`` is the synthesis stage's key (:func:`briefing.build.keys.stage_keys`: its
    fingerprint and the settings tagged ``synthesis``), part of every segment's key.
    ``voices`` gives each chapter's voice and rate (:func:`briefing.build.voices.
    chapter_voices`); without it every chapter is read with ``settings``.  ``inserts`` are
    the script's inserts by path (:func:`briefing.build.inserts.resolve_inserts`)."""
    planned: list[PlannedSegment] = []
    version = f"{engine.version}+speech{SPEECH_VERSION}"
    for c, chapter in enumerate(script.chapters):
        own = voices[c] if voices is not None else settings
        voice = engine.voice_key(own.voice)
        repertoire = engine.repertoire(own.voice)
        for n, (item, line) in enumerate(_items(chapter)):
            if isinstance(item, Sound):
                insert = (inserts or {}).get(item.path)
                if insert is None:
                    raise ScriptError(f"line {line}: sound file {item.path!r} was not "
                                      "checked", path)
                planned.append(PlannedSegment(c, n, item.cue, item.cue, insert.digest, own,
                                              insert))
                continue
            spoken = spoken_text(item, script.lang, lexicon, repertoire)
            if is_silent(spoken):
                where = f"line {line}: " if line else ""
                raise ScriptError(f"{where}{item!r} leaves nothing to say once the "
                                  "lexicon and number reading are applied", path)
            key = SegmentKey(spoken, engine.name, version, voice, own.rate,
                             engine.sample_rate, stage)
            planned.append(PlannedSegment(c, n, item, spoken, key.digest(), own))
    return planned


def missing_segments(planned: list[PlannedSegment], cache: ContentStore,
                     made: Collection[str] = frozenset()) -> list[PlannedSegment]:
    """The planned segments the cache lacks, each distinct text once; those of ``made``
    (stored by the build under way) count as lacking."""
    missing: dict[str, PlannedSegment] = {}
    for seg in planned:
        if seg.digest not in missing and (seg.digest in made or not cache.has(seg.digest)):
            missing[seg.digest] = seg
    return list(missing.values())
