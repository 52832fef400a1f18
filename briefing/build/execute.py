"""Carry out a :class:`~briefing.build.plan.BuildPlan`: write the scripts, synthesise what the
caches lack, assemble and encode the chapters, write each date's outputs, then the site.

The synthesis, the encoding and the writing of each date's files overlap
(:mod:`briefing.build.pipeline`): a chapter is encoded as soon as its segments are synthesised
and a date's files are written while the workers go on with the next dates.  All side effects
happen here, in this process: the tasks handed to the worker pool only read (a segment's
path, or its bytes for remote workers).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.audio.chapter import Previous
from briefing.build.chapter_scans import remember
from briefing.build.context import BuildContext
from briefing.build.date_outputs import cached_chapter, prepare_outputs, write_outputs
from briefing.build.encode_task import encode_chapter_task, remove_worker_temps
from briefing.build.inputs import named
from briefing.build.inserts import decode_checked
from briefing.build.keys import memo_key
from briefing.build.pipeline import Steps, run_pipeline
from briefing.build.plan import BuildPlan, ChapterPlan, DatePlan
from briefing.build.remove import remove_dates
from briefing.build.scripts import ScriptResult, ScriptStatus, write_script
from briefing.build.segment_plan import PlannedSegment
from briefing.build.site import write_site
from briefing.build.state import OutputsRecord
from briefing.build.trash import Trash
from briefing.build.workers import Job, Task
from briefing.errors import BriefingError, EncoderError, EngineError, InputError

if TYPE_CHECKING:
    from briefing.publish.outputs import EncodedChapter

log = logging.getLogger(__name__)

ENCODE_SECONDS_PER_SENTENCE = 0.5
"""Time a chapter's encoding may take per sentence (about 20 times what it takes), beyond the
workers' stall timeout: a long chapter is not a hung engine."""


@dataclass(frozen=True)
class DateResult:
    """What was done for one date."""

    day: dt.date
    synthesized: int
    assembled: int
    encoded: int
    record: OutputsRecord
    written: tuple[str, ...]


@dataclass(frozen=True)
class BuildResult:
    """What :func:`execute` did."""

    scripts: tuple[ScriptResult, ...] = ()
    dates: dict[dt.date, DateResult] = field(default_factory=dict)
    site: tuple[str, ...] = ()
    errors: tuple[BriefingError, ...] = ()
    removed: dict[dt.date, Path] = field(default_factory=dict)
    """Dates whose articles are gone → the trash folder their script and outputs went to."""


def write_scripts(ctx: BuildContext, plan: BuildPlan,
                  trash: Trash | None = None) -> tuple[list[ScriptResult], list[BriefingError]]:
    """Write each planned script (never over a producer's edit) and record its sources."""
    if plan.scripts:
        ctx.ws.ensure_real_folder(ctx.ws.scripts)
    results: list[ScriptResult] = []
    errors: list[BriefingError] = []
    for sp in plan.scripts:
        try:
            with named(sp.path):
                results.append(write_script(ctx.ws, sp.day, sp.text, ctx.state,
                                            force=sp.status is ScriptStatus.FORCED,
                                            trash=trash))
        except InputError as exc:  # the script there is not a file we can read
            errors.append(exc)
            continue
        ctx.state.sources[sp.day.isoformat()] = sp.sources
    ctx.save()
    return results, errors


def _job(plan: DatePlan, seg: PlannedSegment) -> Job:
    where = f"{plan.day.isoformat()}, chapter {seg.chapter + 1}"
    if seg.insert is not None:
        return Job(seg.digest, seg.spoken, seg.voice, f"{where}, {seg.spoken}",
                   str(seg.insert.file))
    return Job(seg.digest, seg.spoken, seg.voice, f"{where}, sentence {seg.number + 1}")


def _put(ctx: BuildContext, job: Job, wav: bytes | str) -> None:
    """Store a synthesised segment in the cache: its WAV, or the temporary file a local
    worker wrote beside the entry (:func:`~briefing.build.workers.synthesize_task`)."""
    with named(ctx.segments.path(job.key)):
        if isinstance(wav, str):
            ctx.segments.adopt(job.key, Path(wav))
        else:
            ctx.segments.put(job.key, wav)
    ctx.stored.add(job.key)


def _synth_task(ctx: BuildContext, job: Job) -> Task:
    """The task that synthesises ``job``; local workers write the WAV beside its entry."""
    return ctx.workers.task(job, str(ctx.segments.path(job.key)) if ctx.workers.local else None)


def _decode_inserts(ctx: BuildContext, jobs: Iterable[Job]) -> list[Job]:
    """Store the sound inserts among ``jobs`` in the cache, each its file decoded here (no
    engine involved); returns the jobs left for the engine."""
    spoken = []
    for job in jobs:
        if job.source is None:
            spoken.append(job)
        else:
            _put(ctx, job, decode_checked(Path(job.source), job.key, job.label))
    return spoken


def synthesize(ctx: BuildContext, jobs: Sequence[Job]) -> None:
    """Synthesise ``jobs`` in the workers and store them in the cache (sound inserts decoded
    in the build: :func:`_decode_inserts`)."""
    spoken = _decode_inserts(ctx, jobs)
    if not spoken:
        return
    for job, wav in ctx.workers.synthesize(spoken, ctx.tick("synthesising")):
        _put(ctx, job, wav)


def _repair(ctx: BuildContext, chapter: tuple[DatePlan, ChapterPlan]) -> None:
    """Synthesise again the segments of a chapter whose cache entry is damaged or gone (a
    damaged one is removed as it is read)."""
    plan, planned = chapter
    jobs: dict[str, Job] = {}
    for seg in planned.segments:
        if seg.digest not in jobs and ctx.segments.get(seg.digest) is None:
            jobs[seg.digest] = _job(plan, seg)
    synthesize(ctx, list(jobs.values()))
    for job in jobs.values():
        if not ctx.segments.has(job.key):
            raise EngineError(f"{job.label}: the audio could not be stored in the cache")


def _encode_task(ctx: BuildContext, plan: DatePlan, chapter: ChapterPlan) -> Task:
    """The task of one chapter: local workers get the paths of the cache files (a long
    chapter's audio is never held whole), remote ones (Dask) the bytes.  Reads only."""
    s = ctx.settings
    wavs: list[bytes | str] = []
    for seg in chapter.segments:
        if ctx.workers.local:
            wavs.append(str(ctx.segments.path(seg.digest)))
            continue
        wav = ctx.segments.get(seg.digest)
        if wav is None:
            raise EngineError(f"{_job(plan, seg).label}: its audio vanished from the cache; "
                              "build again")
        wavs.append(wav)
    args = (plan.script.chapters[chapter.index], wavs,
            plan.gaps,
            chapter.index == len(plan.chapters) - 1, s.bitrate_kbps, s.mp3_quality,
            s.loudness_lufs, s.true_peak_dbtp, _previous(ctx, plan, chapter),
            str(ctx.chapters.path(chapter.key)) if ctx.workers.local else None,
            str(ctx.analyses.path(chapter.key)) if ctx.workers.local else None)
    return Task(f"{plan.day.isoformat()}, chapter {chapter.index + 1}", encode_chapter_task,
                args, (plan, chapter), timeout=ENCODE_SECONDS_PER_SENTENCE * len(wavs))


def _memo_key(ctx: BuildContext, plan: DatePlan, chapter: ChapterPlan) -> str:
    return memo_key(ctx.keys, plan.day.isoformat(), chapter.index)


def _previous(ctx: BuildContext, plan: DatePlan, chapter: ChapterPlan) -> Previous | None:
    """The chapter's last encode, whose unchanged units the new one reuses (local workers
    only: they read its MP3 from the cache)."""
    if not ctx.workers.local:
        return None
    data = ctx.memos.get(_memo_key(ctx, plan, chapter))
    if data is None:
        return None
    memo = json.loads(data)
    if not isinstance(memo, dict) or not isinstance(memo.get("chapter"), str):
        return None
    path = ctx.chapters.path(memo["chapter"])
    analyses = ctx.analyses.cached_path(memo["chapter"])
    return (Previous(memo, str(path), str(analyses) if analyses is not None else None)
            if path.is_file() else None)


def _store(ctx: BuildContext, plan: DatePlan, chapter: ChapterPlan, mp3: bytes | str,
           timings: list[list[Any]], memo: dict[str, Any]) -> None:
    """Cache a chapter: its MP3 (bytes, or the temporary file a local worker wrote) under the
    encoding key, its timings under the assembly key, its memo (gain and units) for the next
    encode of the same chapter."""
    scan = memo.pop("scan", None)
    analyses = memo.pop("analyses_file", None)
    with named(ctx.chapters.path(chapter.key)):
        if isinstance(mp3, str):
            ctx.chapters.adopt(chapter.key, Path(mp3))
        else:
            ctx.chapters.put(chapter.key, mp3)
    if isinstance(scan, dict):
        remember(ctx.chapters, ctx.scans, chapter.key, scan)
    if isinstance(analyses, str):
        with named(ctx.analyses.path(chapter.key)):
            ctx.analyses.adopt(chapter.key, Path(analyses))
    key = _memo_key(ctx, plan, chapter)
    with named(ctx.memos.path(key)):
        ctx.memos.put(key, json.dumps({**memo, "chapter": chapter.key}).encode("utf-8"))
    with named(ctx.timings.path(chapter.assembly)):
        ctx.timings.put(chapter.assembly,
                        json.dumps(timings, ensure_ascii=False).encode("utf-8"))
    ctx.stored.update((chapter.key, chapter.assembly))


def gather_chapters(ctx: BuildContext, plan: DatePlan) -> tuple[list[EncodedChapter], int]:
    """A date's chapters from the cache, a chapter missing from it (or damaged since) encoded
    here; and how many were."""
    encoded: list[EncodedChapter] = []
    late = 0
    for chapter in plan.chapters:
        cached = cached_chapter(ctx, chapter)
        if cached is None:  # not encoded beforehand (or damaged since): encode it here
            _repair(ctx, (plan, chapter))
            task = _encode_task(ctx, plan, chapter)
            _store(ctx, plan, chapter, *task.fn(*task.args))
            cached = cached_chapter(ctx, chapter)
            if cached is None:
                raise EncoderError(f"{task.label}: the encoded chapter is not a usable MP3")
            late += 1
        encoded.append(cached)
    return encoded, late


def _date_jobs(ctx: BuildContext, p: DatePlan, jobs: dict[str, Job]) -> list[Job]:
    """The segments of ``p`` to synthesise that ``jobs`` (those of the dates before it) lacks,
    added to it: the planned ones, and the cached ones of chapters to encode whose cache
    entry is damaged or gone (a damaged one is removed as it is read)."""
    new: list[Job] = []
    for seg in p.to_synthesize:
        if seg.digest not in jobs:
            jobs[seg.digest] = _job(p, seg)
            new.append(jobs[seg.digest])
    for chapter in p.to_encode:
        for seg in chapter.segments:
            if seg.digest not in jobs and ctx.segments.get(seg.digest) is None:
                jobs[seg.digest] = _job(p, seg)
                new.append(jobs[seg.digest])
    return new


def build_audio(ctx: BuildContext, plans: Iterable[DatePlan]
                ) -> tuple[dict[dt.date, DateResult], list[BriefingError]]:
    """Synthesise, encode and write the outputs of every date of ``plans`` not up to date.

    ``plans`` is read as the pipeline needs more work (:mod:`briefing.build.pipeline`): it may
    plan each date then (:class:`~briefing.build.date_plans.DatePlans`)."""
    errors: list[BriefingError] = []
    todo: list[DatePlan] = []
    jobs: dict[str, Job] = {}
    synthesized: Counter[dt.date] = Counter()
    results: dict[dt.date, DateResult] = {}

    def dates() -> Iterator[tuple[DatePlan, dict[str, Job]]]:
        for p in plans:
            if p.outputs_current:
                continue
            try:
                ctx.ws.ensure_real_folder(ctx.ws.audio_dir(p.day) / "chapters")
            except InputError as exc:
                errors.append(exc)
                continue
            todo.append(p)
            new = _date_jobs(ctx, p, jobs)
            synthesized[p.day] = len(new)
            yield p, {job.key: job for job in _decode_inserts(ctx, new)}  # inserts: here

    def date_ready(p: DatePlan) -> Callable[[], None]:
        encoded, late = gather_chapters(ctx, p)

        def write() -> None:
            record, written = write_outputs(ctx, p, encoded)
            results[p.day] = DateResult(p.day, synthesized[p.day], len(p.to_assemble),
                                        len(p.to_encode) + late, record, written)
            log.info("%s: synthesised %d segment(s), encoded %d chapter(s), wrote %d file(s)",
                     p.day.isoformat(), synthesized[p.day], results[p.day].encoded, len(written))

        return write

    steps = Steps(synth_task=lambda job: _synth_task(ctx, job),
                  encode_task=lambda p, chapter: _encode_task(ctx, p, chapter),
                  stored=lambda job, wav: _put(ctx, job, wav),
                  encoded=lambda p, chapter, done: _store(ctx, p, chapter, *done),
                  date_ready=date_ready, prepare=prepare_outputs)
    try:
        run_pipeline(ctx.workers, dates(), steps, ctx.tick("synthesising"),
                     ctx.tick("encoding"))
    except BaseException:
        remove_worker_temps([*(ctx.chapters.path(c.key) for p in todo for c in p.to_encode),
                             *(ctx.analyses.path(c.key) for p in todo for c in p.to_encode),
                             *(ctx.segments.path(key) for key in jobs)])
        raise
    return results, errors


def execute(ctx: BuildContext, plan: BuildPlan,
            dates: Iterable[DatePlan] | None = None) -> BuildResult:
    """Carry ``plan`` out: scripts, audio, removed dates, site.  ``dates``: its dates, when
    they are planned as the audio is built (:func:`~briefing.build.plan.plan_streamed`),
    rather than ``plan.dates``."""
    trash = Trash(ctx.ws)
    scripts, errors = write_scripts(ctx, plan, trash)
    failed = {e.path for e in errors}
    results, audio_errors = build_audio(ctx, (p for p in (plan.dates if dates is None else dates)
                                              if p.script_path not in failed))
    site: tuple[str, ...] = ()
    # a removed date goes to the trash whichever command saw its articles go ("script" too:
    # else its unedited script stayed until the next build); the site is rewritten when it
    # listed the date, so the index and the feed never name a date whose audio is gone
    had_audio = any(r.day.isoformat() in ctx.state.outputs for r in plan.removed if not r.edited)
    removed = remove_dates(ctx, plan.removed, trash)
    if plan.audio or had_audio:
        site = write_site(ctx, {d.isoformat() for d, r in results.items() if r.written})
    return BuildResult(tuple(scripts), results, site, tuple(errors + audio_errors), removed)
