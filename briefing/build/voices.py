"""Which voice and rate each chapter of a script is read in, checked against the engine.

Photo descriptions can be read in a second voice, as audio description practice does, so a
listener knows without a word that a description has started.  The order, most specific first:

1. a ``<!-- voice: ... rate: ... -->`` comment on the chapter's heading line (``voice:
   default`` is the script's voice of step 3);
2. for a photo chapter, ``photo_voice``/``photo_rate``: the command line's
   (``--photo-voice``), else the script's front matter, else briefing.toml's;
3. ``voice``/``rate``: the command line's (``--voice``, ``--rate``), else the script's front
   matter, else briefing.toml's, else the defaults.

The pauses (``sentence_pause_ms``, ...) follow the same order (:func:`script_gaps`).

Each setting follows one order, :data:`briefing.config.PRECEDENCE`: the command line, the
script's front matter, briefing.toml, the default.  A command-line value that overrides a
value the front matter gives is reported (:func:`override_notes`), never silently ignored.

Each segment's cache key carries its chapter's voice and rate (:mod:`briefing.build.segment_plan`),
so changing the photo voice synthesises the photo chapters again and reuses every other segment.
A voice the engine does not have is refused before anything is synthesised, in one line naming
the script (or briefing.toml) and the line.
"""

from __future__ import annotations

import functools
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from briefing.audio.assemble import Gaps
from briefing.chapters import ChapterKind
from briefing.config import CONFIG_NAME, PAUSES, Settings
from briefing.engines.base import Engine, VoiceSettings
from briefing.engines.registry import load_engine
from briefing.errors import BriefingError, ConfigError, ScriptError
from briefing.text.chapter_voice import DEFAULT
from briefing.text.script_read import Chapter, Script


def _value(settings: Settings, script: Script, name: str) -> Any:
    """Setting ``name`` for ``script``: the command line's, else the front matter's, else the
    settings' (briefing.toml's or the default); ``None`` where none is set."""
    if settings.given(name):
        return getattr(settings, name)
    own = getattr(script, name)
    return own if own is not None else getattr(settings, name)


def script_voice(settings: Settings, script: Script) -> VoiceSettings:
    """Voice and rate for a script (:data:`briefing.config.PRECEDENCE`)."""
    return VoiceSettings(voice=_value(settings, script, "voice"),
                         rate=_value(settings, script, "rate") or settings.rate)


def photo_voice(settings: Settings, script: Script) -> VoiceSettings:
    """Voice and rate of a script's photo chapters (the script's voice where none is set)."""
    base = script_voice(settings, script)
    voice = _value(settings, script, "photo_voice")
    return VoiceSettings(voice=voice if voice is not None else base.voice,
                         rate=_value(settings, script, "photo_rate") or base.rate)


def script_gaps(settings: Settings, script: Script) -> Gaps:
    """The pauses of a script's audio: each of :data:`briefing.config.PAUSES` by
    :data:`briefing.config.PRECEDENCE` (the command line, front matter, briefing.toml,
    default)."""
    return Gaps(*(_value(settings, script, name) for name in PAUSES))


def gaps_shape(settings: Settings, gaps: Gaps) -> list[list[Any]]:
    """What a chapter's assembly key adds for ``gaps``: nothing when they are the settings'
    own (already in the assembly stage's key), else the three lengths."""
    if gaps == Gaps(*(getattr(settings, name) for name in PAUSES)):
        return []
    return [["gaps", gaps.sentence_ms, gaps.paragraph_ms, gaps.chapter_ms]]


def override_notes(settings: Settings, script: Script) -> tuple[str, ...]:
    """One note per command-line value that overrides a different value of ``script``'s front
    matter: ``2024-05-14: --rate fast overrides the script's rate: 175``."""
    notes = []
    for given in settings.command_line:
        own = getattr(script, given.name, None)
        if own is not None and own != getattr(settings, given.name):
            notes.append(f"{script.date.isoformat()}: --{given.name.replace('_', '-')} "
                         f"{given.typed} overrides the script's {given.name}: {own}")
    return tuple(notes)


def chapter_voice(chapter: Chapter, base: VoiceSettings, photo: VoiceSettings) -> VoiceSettings:
    """The voice and rate ``chapter`` is read in."""
    own = photo if chapter.kind is ChapterKind.PHOTO else base
    if chapter.voice is not None:
        own = replace(own, voice=base.voice if chapter.voice == DEFAULT else chapter.voice)
    if chapter.rate is not None:
        own = replace(own, rate=chapter.rate)
    return own


def chapter_voices(settings: Settings, script: Script) -> tuple[VoiceSettings, ...]:
    """The voice and rate of each of ``script``'s chapters, in order."""
    base, photo = script_voice(settings, script), photo_voice(settings, script)
    return tuple(chapter_voice(c, base, photo) for c in script.chapters)


def _voice_ids(name: str) -> list[str]:
    """In a child process: the ids of engine ``name``'s voices, lower case."""
    engine = load_engine(name)
    try:
        return [v.id.lower() for v in engine.voices()]
    finally:
        engine.close()


@functools.cache
def listed_voices(name: str) -> tuple[str, ...]:
    """The voice ids engine ``name`` lists (``briefing voices``), asked once per process in a
    spawned child: listing loads the engine's library (espeak-ng), which must never be
    initialised in the parent of the forked synthesis workers."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return tuple(pool.submit(_voice_ids, name).result())


def voice_problem(engine: Engine, voice: str) -> str | None:
    """Why ``engine`` cannot speak ``voice``, or ``None``.

    An engine whose voices are files (piper) resolves ``voice`` in :meth:`Engine.voice_key`
    and fails there when there is no such file; any other voice must be one the engine lists
    (by its id, ``gmw/en-us``, or the id's last part, ``en-us``)."""
    try:
        key = engine.voice_key(voice)
    except (BriefingError, OSError) as exc:
        return str(exc)
    if key != voice:
        return None  # resolved to the engine's own files
    try:
        ids = set(listed_voices(engine.name))
    except (BriefingError, OSError, RuntimeError):
        return None  # an engine that cannot list its voices says what is wrong as it speaks
    if not ids or voice.lower() in ids | {i.rsplit("/", 1)[-1] for i in ids}:
        return None
    return f"engine {engine.name!r} has no voice {voice!r} (see 'briefing voices')"


def check_voices(engine: Engine, settings: Settings, script: Script, path: Path) -> None:
    """Refuse a photo or chapter voice of ``script`` that ``engine`` does not have:
    :class:`ScriptError` naming ``path`` (and the heading's line).  briefing.toml's is
    :func:`check_settings_voice`'s."""
    base = script_voice(settings, script).voice
    seen: set[str] = set() if base is None else {base}
    for chapter in script.chapters:
        if chapter.voice not in (None, DEFAULT, *seen):
            problem = voice_problem(engine, str(chapter.voice))
            if problem is not None:
                raise ScriptError(f"line {chapter.line}: {problem}", path)
            seen.add(str(chapter.voice))
    voice = photo_voice(settings, script).voice
    if voice is None or voice in seen or not any(
            c.kind is ChapterKind.PHOTO and c.voice is None for c in script.chapters):
        return
    problem = voice_problem(engine, voice) if script.photo_voice is not None else None
    if problem is not None:
        raise ScriptError(f"front matter photo_voice: {problem}", path)


def check_settings_voice(engine: Engine, settings: Settings, workspace: Path) -> None:
    """Refuse briefing.toml's ``photo_voice`` when ``engine`` lacks it, once per build:
    :class:`ConfigError` naming briefing.toml."""
    if settings.photo_voice is None:
        return
    problem = voice_problem(engine, settings.photo_voice)
    if problem is not None:
        raise ConfigError(f"photo_voice: {problem}", workspace / CONFIG_NAME)
