"""The build sequences the commands run: plan, carry the plan out, report.

``build`` (articles → scripts → audio → site), ``scripts`` (articles → scripts), ``render``
(scripts → audio → site) and ``preview`` (the plan of any of them, writing nothing).  The
command line parses options, calls one of these and prints the :class:`BuildReport`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from briefing.build import noop, partial
from briefing.build.context import BuildContext, ProgressFn, make_workers
from briefing.build.estimate import estimate_date, over_target
from briefing.build.execute import BuildResult, DateResult, execute
from briefing.build.inputs import rel, script_dates
from briefing.build.keys import Stage
from briefing.build.lock import remove_stale_temp_files, workspace_lock
from briefing.build.plan import WRITES, BuildPlan, DatePlan, ScriptPlan, plan, plan_streamed
from briefing.build.report import (
    AudioStatus,
    BuildReport,
    DateReport,
    DateState,
    StageWork,
)
from briefing.build.scripts import ScriptResult, ScriptStatus
from briefing.build.workers import Workers
from briefing.build.workspace import Workspace
from briefing.chapters import ChapterKind
from briefing.config import Settings
from briefing.errors import InputError
from briefing.remembered import remembering
from briefing.templating import compiled_templates
from briefing.values import parse_duration

log = logging.getLogger(__name__)

__all__ = ["BuildReport", "ProgressFn", "build", "locked", "make_report", "make_workers",
           "preview", "render", "scripts"]


def article_paths(ws: Workspace, paths: Sequence[Path] | None) -> list[Path]:
    """The article files or folders given, else the workspace's ``articles/``."""
    if paths:
        return list(paths)
    if not ws.articles.is_dir():
        raise InputError(f"no articles given and {ws.articles} does not exist; give article "
                         "files or folders, or create articles/ in the workspace")
    return [ws.articles]


@contextmanager
def locked(ws: Workspace, no_wait: bool = False,
           on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the workspace lock (``on_wait`` is called while waiting for another build); on
    Ctrl-C or SIGTERM, remove the temporary files of the writes it cut short before letting
    go."""
    with workspace_lock(ws, wait=not no_wait, on_wait=on_wait):
        try:
            yield
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM (briefing.cli.signals)
            # A signal can land between creating a temporary file and the code that removes
            # it on failure; the lock is still held, so every one left is this build's.
            remove_stale_temp_files(ws)
            raise


# --------------------------------------------------------------------------- report

def _script_status(sp: ScriptPlan | None, result: BuildResult | None) -> str:
    if sp is None:
        return ""
    if result is None:
        return f"would be {sp.status.value}" if sp.status in WRITES else sp.status.value
    done = next((r for r in result.scripts if r.date == sp.day), None)
    return done.status.value if done is not None else ""


def _audio(ctx: BuildContext, dp: DatePlan, done: DateResult | None,
           dry: bool) -> dict[str, object]:
    """The audio fields of a date's report."""
    total, chapters = len(dp.segments), len(dp.chapters)
    if dp.outputs_current:
        rec = ctx.state.outputs[dp.day.isoformat()]
        work = {s: StageWork.of(0, n) for s, n in
                ((Stage.SYNTHESIS, total), (Stage.ASSEMBLY, chapters),
                 (Stage.ENCODING, chapters), (Stage.OUTPUTS, 1))}
        return {"audio": AudioStatus.UP_TO_DATE, "segments_reused": total,
                "chapters": rec.chapters, "duration_ms": rec.duration_ms, "files": rec.files,
                "stages": work}
    if dry or done is None:
        synthesized, assembled, encoded = (len(dp.to_synthesize), len(dp.to_assemble),
                                           len(dp.to_encode))
    else:
        synthesized, assembled, encoded = done.synthesized, done.assembled, done.encoded
    work = {Stage.SYNTHESIS: StageWork.of(synthesized, total),
            Stage.ASSEMBLY: StageWork.of(assembled, chapters),
            Stage.ENCODING: StageWork.of(encoded, chapters),
            Stage.OUTPUTS: StageWork.of(1 if dry or done else 0, 1)}
    fields: dict[str, object] = {
        "segments_synthesized": synthesized, "segments_reused": total - synthesized,
        "chapters_encoded": encoded, "stages": work}
    if dry:
        fields["audio"] = AudioStatus.WOULD_BUILD
    elif done is not None:
        fields.update(audio=AudioStatus.BUILT, chapters=done.record.chapters,
                      duration_ms=done.record.duration_ms, files=done.record.files,
                      written=done.written)
    return fields


def _conflicts(built: BuildPlan, result: BuildResult | None) -> tuple[ScriptResult, ...]:
    """The open conflicts: the ones this build offered, and (render, status) the ones the
    state records whose ``.new.md`` is still there."""
    if result is None:
        return built.conflicts
    offered = tuple(r for r in result.scripts if r.status is ScriptStatus.CONFLICT)
    written = {r.date for r in result.scripts}
    return offered + tuple(c for c in built.conflicts if c.date not in written)


def _removed(ctx: BuildContext, built: BuildPlan, result: BuildResult | None) -> list[DateReport]:
    entries = []
    for r in built.removed:
        if r.edited:
            continue
        if result is None:
            reason = "its articles are gone; its script and audio would move to the trash"
        elif r.day in result.removed:
            reason = (f"its articles are gone; its script and audio were moved to "
                      f"{rel(ctx.ws, result.removed[r.day])}")
        else:
            reason = "its articles are gone; nothing of it was left to move"
        entries.append(DateReport(r.day.isoformat(), DateState.REMOVED, script=r.script,
                                  reason=reason))
    return entries


def _merged(built: BuildPlan, result: BuildResult | None) -> tuple[ScriptResult, ...]:
    if result is None:
        return tuple(ScriptResult(sp.day, sp.status, sp.path) for sp in built.scripts
                     if sp.status is ScriptStatus.MERGED)
    return tuple(r for r in result.scripts if r.status is ScriptStatus.MERGED)


def make_report(ctx: BuildContext, built: BuildPlan, result: BuildResult | None,
                recorded: BuildReport | None = None) -> BuildReport:
    """The report of ``built`` carried out (``result``), or of the plan alone (``None``);
    ``recorded``: the report of the dates not planned (:mod:`briefing.build.partial`)."""
    dry = result is None
    scripts = {sp.day: sp for sp in built.scripts}
    plans = {dp.day: dp for dp in built.dates}
    conflicts = _conflicts(built, result)
    stale = {c.date for c in conflicts}
    kept = {r.day for r in built.removed if r.edited}
    days: list[dt.date] = list(dict.fromkeys([*scripts, *plans]))
    entries: list[DateReport] = []
    for day in days:
        sp, dp = scripts.get(day), plans.get(day)
        status = _script_status(sp, result)
        if day in kept:
            status = ScriptStatus.KEPT_NO_ARTICLES.value
        elif day in stale and not status:
            status = ScriptStatus.CONFLICT.value
        fields: dict[str, object] = {"script": rel(ctx.ws, ctx.ws.script_path(day)),
                                     "script_status": status, "stale": day in stale}
        if sp is not None:
            fields.update(stories=sp.stories, photos=sp.photos)
        if dp is not None:  # the script read is the truth: a producer may cut a photo
            kinds = [c.kind for c in dp.script.chapters]
            fields.update(stories=kinds.count(ChapterKind.STORY),
                          photos=kinds.count(ChapterKind.PHOTO))
            fields.update(segments_total=len(dp.segments), reason=dp.reason, state=dp.state,
                          changed=dp.changed)
            fields.update(_audio(ctx, dp, None if result is None else result.dates.get(day),
                                 dry))
            if dry:
                fields["estimated_ms"] = estimate_date(ctx, dp.script, dp.segments, dp.voice,
                                                       dp.gaps)
        entries.append(DateReport(day.isoformat(), **fields))  # type: ignore[arg-type]
    entries.extend(_removed(ctx, built, result))
    if recorded is not None:
        entries = partial.merged(entries, recorded)
    errors = built.errors + (result.errors if result is not None else ())
    return BuildReport(tuple(entries), result.site if result is not None else (), errors,
                       conflicts, built.warnings + _long(ctx, entries), _merged(built, result),
                       dry_run=dry, notes=tuple(n for dp in built.dates for n in dp.notes),
                       input_warnings=built.warnings)


def _long(ctx: BuildContext, entries: Sequence[DateReport]) -> tuple[str, ...]:
    """A warning for each date whose built (or else estimated) duration runs over
    ``target_duration``, logged and returned for the report."""
    found: list[str] = []
    if ctx.settings.target_duration is None:
        return ()
    target = parse_duration(ctx.settings.target_duration)
    for d in entries:
        built = d.audio in (AudioStatus.BUILT, AudioStatus.UP_TO_DATE) and d.duration_ms
        ms = d.duration_ms if built else d.estimated_duration_ms
        warning = over_target(d.date, ms, target, not built)
        if warning is not None:
            log.warning("%s", warning)
            found.append(warning)
    return tuple(found)


# --------------------------------------------------------------------------- sequences

def _context(ws: Workspace, settings: Settings, progress: ProgressFn | None,
             workers: Workers | None) -> BuildContext:
    return BuildContext(ws, settings, progress=progress, workers=workers)


@dataclass(frozen=True)
class _Lock:
    """How to take the workspace lock: fail at once (``no_wait``) or wait, calling ``on_wait``."""

    no_wait: bool = False
    on_wait: Callable[[], None] | None = None


def _carry_out(ws: Workspace, settings: Settings, lock: _Lock, sources: Sequence[Path] | None,
               *, dates: Sequence[dt.date] | None = None, force: bool = False,
               audio: bool = True, progress: ProgressFn | None = None,
               workers: Workers | None = None,
               request: noop.Request | None = None) -> BuildReport:
    """Under the workspace lock: plan, execute the plan, report (the one sequence of
    :func:`build`, :func:`scripts` and :func:`render`); then, for a ``request`` of the command
    line, record what its next run reports if nothing changes (:mod:`briefing.build.noop`)."""
    with locked(ws, lock.no_wait, lock.on_wait), compiled_templates(ws.compiled_templates), \
            remembering(ws.checked):
        ctx = _context(ws, settings, progress, workers)
        try:
            only = _edited_only(ctx, request, sources, dates is None and audio and not force)
            # the dates are planned as the workers need them (the first date's synthesis
            # starts before the last date is planned), then reported as one plan
            scripts_plan, date_plans = plan_streamed(
                ctx, sources, dates=dates, force=force, audio=audio,
                only=only.days if only else None,
                known=partial.edited_scripts(ctx, only) if only else None)
            result = execute(ctx, scripts_plan, date_plans)
            report = make_report(ctx, date_plans.complete(scripts_plan), result,
                                 only.recorded if only else None)
        finally:
            ctx.close()
        if request is not None:
            noop.record(ws, request, report)
        return report


def _edited_only(ctx: BuildContext, request: noop.Request | None,
                 sources: Sequence[Path] | None, allowed: bool) -> partial.Scope | None:
    """The dates to plan when only their scripts changed since the recorded build of the
    command line's ``request`` (:mod:`briefing.build.partial`); ``None``: plan every date."""
    if request is None or sources is None or not allowed:
        return None
    return partial.scope(ctx.ws, request, ctx.state.sources)


def build(ws: Workspace, settings: Settings, paths: Sequence[Path] | None = None, *,
          force: bool = False, progress: ProgressFn | None = None, no_wait: bool = False,
          workers: Workers | None = None,
          on_wait: Callable[[], None] | None = None,
          request: noop.Request | None = None) -> BuildReport:
    """Articles → scripts → audio → site under the workspace lock.

    ``workers`` (kept by ``briefing watch`` across rebuilds) saves starting new ones.
    ``request`` (the command line's) records the no-op answer of its next run
    (:func:`briefing.build.noop.up_to_date`).
    """
    return _carry_out(ws, settings, _Lock(no_wait, on_wait), article_paths(ws, paths),
                      force=force, progress=progress, workers=workers, request=request)



def scripts(ws: Workspace, settings: Settings, paths: Sequence[Path] | None = None, *,
            force: bool = False, on_wait: Callable[[], None] | None = None) -> BuildReport:
    """Articles → scripts, and stop there."""
    return _carry_out(ws, settings, _Lock(False, on_wait), article_paths(ws, paths),
                      force=force, audio=False)


def render(ws: Workspace, settings: Settings, dates: Sequence[dt.date], *,
           progress: ProgressFn | None = None, no_wait: bool = False,
           on_wait: Callable[[], None] | None = None) -> BuildReport:
    """The scripts of ``dates`` → audio → site, under the workspace lock."""
    return _carry_out(ws, settings, _Lock(no_wait, on_wait), None, dates=dates,
                      progress=progress)


def preview(ws: Workspace, settings: Settings, paths: Sequence[Path] | None, *,
            force: bool = False, every_script: bool = False) -> BuildReport:
    """What a build of ``paths`` (or, ``None``, a render of every script) would do; writes
    nothing and starts no worker.  ``every_script`` adds the render of the scripts no
    article of ``paths`` generates."""
    ctx = _context(ws, settings, None, None)
    try:
        if paths is None:
            planned = plan(ctx, None, dates=script_dates(ws))
        else:
            planned = plan(ctx, paths, force=force,
                           dates=script_dates(ws) if every_script else None)
        return make_report(ctx, planned, None)
    finally:
        ctx.release()
