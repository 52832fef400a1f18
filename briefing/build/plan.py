"""The build plan: per date what is added, changed, removed or unchanged, and why.

:func:`plan` writes nothing and runs no engine: it reads the articles and the scripts, asks the
caches what they hold (by file name, not reading them) and compares every stage's key
(:mod:`briefing.build.keys`) with the keys the state recorded for the date's last build.  The
cheap checks come first: a date whose outputs' recorded key, sizes and mtimes all match is not
even read back.  :func:`briefing.build.execute.execute` carries a plan out.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.audio.assemble import Gaps
from briefing.build.bases import base_text
from briefing.build.causes import SOUND, input_hashes, stage_entries, what_changed
from briefing.build.context import BuildContext
from briefing.build.date_plans import DatePlans
from briefing.build.inputs import Articles, group_by_date, read_articles, rel
from briefing.build.inserts import resolve_inserts
from briefing.build.keys import (
    PIPELINE,
    Stage,
    assembly_key,
    encoding_key,
    outputs_key,
    summary_key,
)
from briefing.build.removed_dates import RemovedDate, removed_dates
from briefing.build.report import DateState
from briefing.build.scripts import ScriptResult, ScriptStatus, decide, new_path_for, offers_on_disk
from briefing.build.segment_plan import PlannedSegment, missing_segments, plan_segments
from briefing.build.voices import (
    chapter_voices,
    check_settings_voice,
    check_voices,
    gaps_shape,
    override_notes,
    script_gaps,
    script_voice,
)
from briefing.chapters import ChapterKind
from briefing.config import Settings
from briefing.engines.base import VoiceSettings
from briefing.errors import BriefingError, InputError
from briefing.fsutil import sha256_hex
from briefing.text.script_read import (
    Chapter,
    Pause,
    Script,
    parse_script,
    read_script,
    without_silent,
)
from briefing.text.sound import Sound

log = logging.getLogger(__name__)

REWRITES = (ScriptStatus.CREATED, ScriptStatus.UPDATED, ScriptStatus.FORCED)
"""Script decisions after which the date is built from the generated text."""

WRITES = (*REWRITES, ScriptStatus.MERGED)
"""Script decisions that write the script (the generated or the merged text)."""


@dataclass(frozen=True)
class ScriptPlan:
    """A date's generated script and what writing it will do."""

    day: dt.date
    text: str
    status: ScriptStatus
    path: Path
    sources: tuple[str, ...]
    """The article files it is generated from (relative to the workspace when inside)."""
    stories: int
    photos: int
    script_text: str | None = None
    """What the script file will hold once written (the generated or merged text); ``None``
    when it is left as it is."""
    conflicts: int = 0
    """Regions both the producer and the generator changed (a conflict)."""


@dataclass(frozen=True)
class ChapterPlan:
    """One chapter: its segments and the keys of its assembly and its encoded audio."""

    index: int
    title: str
    assembly: str
    key: str
    """The encoding key: the name of its encoded MP3 in the cache."""
    segments: tuple[PlannedSegment, ...]
    assembled: bool
    """Whether the assembly's results (the sentences' timings) are cached."""
    encoded: bool
    """Whether the encoded MP3 is cached."""
    kind: ChapterKind = ChapterKind.OTHER
    """What the chapter is (from the script's marker)."""
    story: int | None = None
    """The story it is, or is a photo of."""

    @property
    def cached(self) -> bool:
        """Nothing to assemble or encode."""
        return self.assembled and self.encoded


@dataclass(frozen=True)
class DatePlan:
    """What building one date's audio takes, and why."""

    day: dt.date
    script_path: Path
    script: Script
    voice: VoiceSettings
    segments: tuple[PlannedSegment, ...]
    to_synthesize: tuple[PlannedSegment, ...]
    chapters: tuple[ChapterPlan, ...]
    outputs_key: str
    stages: dict[str, str]
    """Stage name → this date's key of the stage (recorded with the outputs)."""
    state: DateState
    changed: tuple[Stage, ...]
    """Stages whose key differs from the last build's."""
    outputs_current: bool
    reason: str
    gaps: Gaps
    """Its pauses (:func:`briefing.build.voices.script_gaps`)."""
    notes: tuple[str, ...] = ()
    """A command-line value overriding the script's own (:func:`override_notes`)."""

    @property
    def to_encode(self) -> tuple[ChapterPlan, ...]:
        """Chapters whose encoded audio is not cached."""
        return tuple(c for c in self.chapters if not c.cached)

    @property
    def to_assemble(self) -> tuple[ChapterPlan, ...]:
        """Chapters whose assembly is not cached."""
        return tuple(c for c in self.chapters if not c.assembled)


@dataclass(frozen=True)
class BuildPlan:
    """Everything a build would do, and what stopped it for some inputs."""

    scripts: tuple[ScriptPlan, ...] = ()
    dates: tuple[DatePlan, ...] = ()
    removed: tuple[RemovedDate, ...] = ()
    errors: tuple[BriefingError, ...] = ()
    warnings: tuple[str, ...] = ()
    conflicts: tuple[ScriptResult, ...] = ()
    """Scripts edited by hand whose regenerated text will be offered beside them."""
    audio: bool = True
    """Whether the audio (and the site) is built, or only the scripts."""


def _chapter_shape(chapter: Chapter) -> list[Any]:
    """The chapter's layout for its assembly key (an insert's cue is in its timings)."""
    return [["pause", b.ms] if isinstance(b, Pause) else ["sound", b.title]
            if isinstance(b, Sound) else ["para", len(b.sentences)] for b in chapter.blocks]


def _outputs_on_disk(ctx: BuildContext, label: str, key: str) -> bool:
    recorded = ctx.state.outputs.get(label)
    if recorded is None or recorded.key != key:
        return False
    for path, stat in recorded.stat.items():
        try:
            st = (ctx.ws.root / path).stat()
        except FileNotFoundError:
            return False
        if (st.st_size, st.st_mtime_ns) != (stat.size, stat.mtime_ns):
            return False
    return True


def _chapters(ctx: BuildContext, script: Script, segments: Sequence[PlannedSegment],
              gaps: Gaps, made: Collection[str]) -> list[ChapterPlan]:
    chapters = []
    for index, chapter in enumerate(script.chapters):
        own = tuple(p for p in segments if p.chapter == index)
        shape = _chapter_shape(chapter) + gaps_shape(ctx.settings, gaps)
        assembly = assembly_key(ctx.keys, [p.digest for p in own], shape,
                                index == len(script.chapters) - 1)
        key = encoding_key(ctx.keys, assembly)
        chapters.append(ChapterPlan(index, chapter.title, assembly, key, own,
                                    assembly not in made and ctx.timings.has(assembly),
                                    key not in made and ctx.chapters.has(key),
                                    chapter.kind, chapter.story))
    return chapters


def _why(ctx: BuildContext, label: str, stages: dict[str, str],
         current: bool) -> tuple[DateState, tuple[Stage, ...]]:
    recorded = ctx.state.outputs.get(label)
    if recorded is None:
        return DateState.ADDED, tuple(Stage(s) for s in stage_entries(stages))
    changed = tuple(Stage(s) for s, key in stage_entries(stages).items()
                    if recorded.stages.get(s) != key)
    if current:
        return DateState.UNCHANGED, ()
    return DateState.CHANGED, changed


def plan_date(ctx: BuildContext, day: dt.date, text: str | None = None,
              made: Collection[str] = frozenset()) -> DatePlan:
    """What building ``day``'s audio takes, and why; ``text`` overrides the script file.

    ``made``: the cache keys the build under way stored, taken as absent, so that a date
    planned while the workers go on (:class:`DatePlans`) is planned against the caches as they
    were when the build began: its plan, and so the report, never depend on how far the
    workers got.
    """
    path = ctx.ws.script_path(day)
    if text is None:
        script = read_script(path)
        data = path.read_bytes()
    else:
        script = parse_script(text, path)
        data = text.encode("utf-8")
    script = without_silent(script, path)
    if script.date != day:
        raise InputError(f"front matter date {script.date} does not match the file name", path)
    voice, gaps = script_voice(ctx.settings, script), script_gaps(ctx.settings, script)
    check_voices(ctx.engine, ctx.settings, script, path)
    script, inserts = resolve_inserts(script, ctx.ws.root, path, ctx.segments.cached_path)
    segments = plan_segments(script, ctx.engine, voice, ctx.lexicon, path,
                             stage=ctx.keys[Stage.SYNTHESIS],
                             voices=chapter_voices(ctx.settings, script), inserts=inserts)
    missing = missing_segments(segments, ctx.segments, made)
    chapters = _chapters(ctx, script, segments, gaps, made)
    key = outputs_key(ctx.keys, [(c.key, c.title, c.kind, c.story) for c in chapters], script.title,
                      script.date.isoformat(),
                      ctx.formats.fingerprint())
    stages = {
        Stage.SCRIPT.value: sha256_hex(data),
        Stage.SYNTHESIS.value: summary_key([p.digest for p in segments]),
        Stage.ASSEMBLY.value: summary_key([c.assembly for c in chapters]),
        Stage.ENCODING.value: summary_key([c.key for c in chapters]),
        Stage.OUTPUTS.value: key,
        **input_hashes(ctx),
        **{f"{SOUND}{written}": i.digest for written, i in inserts.items()},
    }
    label = day.isoformat()
    current = _outputs_on_disk(ctx, label, key)
    state, changed = _why(ctx, label, stages, current)
    where = rel(ctx.ws, path)
    to_encode = sum(1 for c in chapters if not c.cached)
    if current:
        reason = "up to date"
    elif state is DateState.ADDED:
        reason = f"{where}: not built yet"
    elif not changed or ctx.state.outputs[label].key == key:
        reason = f"{where}: outputs missing or modified on disk"
    else:
        reason = (f"{what_changed(ctx.state.outputs[label].stages, stages, where)}: "
                  f"{len(missing)} segment(s) to synthesise, "
                  f"{to_encode} chapter(s) to encode")
    log.info("%s: %s", label, reason)
    return DatePlan(day, path, script, voice, tuple(segments), tuple(missing), tuple(chapters),
                    key, stages, state, changed, current, reason, gaps,
                    override_notes(ctx.settings, script))


def _script_plans(ctx: BuildContext, read: Articles, force: bool, s: Settings,
                  only: frozenset[dt.date] | None) -> tuple[list[ScriptPlan], list[BriefingError]]:
    """Articles → each date's generated script (with the voice and rate of ``s``) and what
    writing it would do; ``only`` those dates when given."""
    plans: list[ScriptPlan] = []
    errors: list[BriefingError] = []
    for day, group in group_by_date(read.articles).items():
        if only is not None and day not in only:
            continue
        # with ``only`` nothing the script is made from changed since it was last generated,
        # so the text generated then is the text (not rendered again: no templates to load)
        text = (base_text(ctx.ws, ctx.state, day) if only is not None else None) or \
            render_script(day, group, voice=s.voice or "default", rate=s.rate, lang=s.lang,
                          workspace=ctx.ws.root, photo_voice=s.photo_voice,
                          photo_rate=s.photo_rate, programme=s.programme)
        try:
            decision = decide(ctx.ws, day, text, ctx.state, force)
        except InputError as exc:  # the script there is not a file we can read
            errors.append(exc)
            continue
        plans.append(ScriptPlan(day, text, decision.status, ctx.ws.script_path(day),
                                tuple(_source_name(ctx, a.source) for a in group), len(group),
                                sum(len(a.photos) for a in group), decision.script,
                                decision.conflicts))
    return plans, errors


def render_script(day: dt.date, group: Sequence[Any], **options: Any) -> str:
    """:func:`briefing.text.script_render.render_script`, imported when first needed."""
    from briefing.text.script_render import render_script as render

    return render(day, group, **options)


def _source_name(ctx: BuildContext, path: Path) -> str:
    """An article's path as the state records it: relative to the workspace when inside it."""
    full, root = path.resolve(), ctx.ws.root.resolve()
    return full.relative_to(root).as_posix() if full.is_relative_to(root) else str(full)


def open_conflicts(ctx: BuildContext, days: Sequence[dt.date]) -> list[ScriptResult]:
    """The dates of ``days`` whose conflict is open (its ``.new.md`` is still there): their
    audio has the producer's wording, not the articles'."""
    found = []
    for day in days:
        path = ctx.ws.script_path(day)
        if day.isoformat() in ctx.state.conflicts and offers_on_disk(path):
            found.append(ScriptResult(day, ScriptStatus.CONFLICT, path,
                                      new_path=new_path_for(path)))
    return found


def plan(ctx: BuildContext, paths: Sequence[Path] | None = None, *,
         dates: Sequence[dt.date] | None = None, force: bool = False,
         audio: bool = True, only: frozenset[dt.date] | None = None) -> BuildPlan:
    """The plan of a build of the articles under ``paths`` (their scripts are generated), or,
    without ``paths``, of a render of the scripts of ``dates``; ``audio=False`` plans only
    the scripts.  ``only``: just these dates of the articles; the others are known to be up
    to date, articles unchanged, none removed (:mod:`briefing.build.partial`)."""
    base, later = plan_streamed(ctx, paths, dates=dates, force=force, audio=audio, only=only)
    return later.complete(base)


def _from_articles(ctx: BuildContext, paths: Sequence[Path], force: bool, audio: bool,
                   only: frozenset[dt.date] | None
                   ) -> tuple[list[ScriptPlan], list[RemovedDate], list[BriefingError],
                              tuple[str, ...]]:
    """The articles under ``paths`` read: each date's script plan, the dates removed, the
    errors and the warnings."""
    read = read_articles(paths, ctx.settings)
    # a build reads the scripts at the command line's voice and rate without writing them
    # in; 'briefing script --rate' (no audio) writes them
    written = ctx.settings.configured() if audio else ctx.settings
    scripts, failed = _script_plans(ctx, read, force, written, only)
    default = [Path(p).resolve() for p in paths] == [ctx.ws.articles.resolve()]
    removed = ([] if only is not None else
               removed_dates(ctx, read, {p.day for p in scripts}, default))
    return scripts, removed, [*read.errors, *failed], read.warnings


def plan_streamed(ctx: BuildContext, paths: Sequence[Path] | None = None, *,
                  dates: Sequence[dt.date] | None = None, force: bool = False,
                  audio: bool = True, only: frozenset[dt.date] | None = None,
                  known: tuple[Sequence[ScriptPlan], tuple[str, ...]] | None = None
                  ) -> tuple[BuildPlan, DatePlans]:
    """:func:`plan` with its dates left to plan: the plan of the scripts (its ``dates``
    empty), and the dates to plan one by one as a build goes (:class:`DatePlans`).
    ``known``: with ``only``, the plans of its scripts and the articles' warnings, known
    without reading the articles (:func:`briefing.build.partial.edited_scripts`)."""
    errors: list[BriefingError] = []
    scripts: list[ScriptPlan] = []
    removed: list[RemovedDate] = []
    warnings: tuple[str, ...] = ()
    conflicts: list[ScriptResult] = []
    todo: dict[dt.date, str | None] = dict.fromkeys(dates or ())
    if paths is not None:
        if only is not None and known is not None:
            scripts, warnings = list(known[0]), known[1]
        else:
            scripts, removed, errors, warnings = _from_articles(ctx, paths, force, audio, only)
        for sp in scripts:
            todo[sp.day] = sp.script_text if sp.status in WRITES else None
            if sp.status is ScriptStatus.CONFLICT:
                conflicts.append(ScriptResult(sp.day, sp.status, sp.path,
                                              new_path=new_path_for(sp.path),
                                              conflicts=sp.conflicts))
        todo.update((r.day, None) for r in removed if r.edited)  # kept: still rendered
    else:
        conflicts = open_conflicts(ctx, list(todo))
    if audio:
        check_settings_voice(ctx.engine, ctx.settings, ctx.ws.root)
    return (BuildPlan(tuple(scripts), (), tuple(removed), tuple(errors), warnings,
                      tuple(conflicts), audio),
            DatePlans(lambda day, text: plan_date(ctx, day, text, ctx.stored),
                      tuple(todo.items()) if audio else ()))


__all__ = ["PIPELINE", "WRITES", "BuildPlan", "ChapterPlan", "DatePlan", "DatePlans",
           "RemovedDate", "ScriptPlan", "open_conflicts", "plan", "plan_date", "plan_streamed"]
