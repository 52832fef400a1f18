"""Commands that build: build, script, render, status, check."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import typer

from briefing.cli.common import (
    app,
    build_request,
    errors,
    finish,
    parse_dates,
    progress_bar,
    resolve_settings,
    setup_logging,
    waiting,
)
from briefing.cli.options import (
    BaseUrlOpt,
    ChapterPauseOpt,
    EngineOpt,
    ExecutorOpt,
    FormatOpt,
    JobsOpt,
    JsonOpt,
    LoudnessOpt,
    NoWaitOpt,
    ParagraphPauseOpt,
    PathsArg,
    PhotoRateOpt,
    PhotoVoiceOpt,
    QuietOpt,
    RateOpt,
    SentencePauseOpt,
    VerboseOpt,
    VoiceOpt,
    WorkspaceOpt,
)


@app.command()
def build(
    paths: PathsArg = None,
    workspace: WorkspaceOpt = Path(),
    engine: EngineOpt = None,
    voice: VoiceOpt = None,
    rate: RateOpt = None,
    photo_voice: PhotoVoiceOpt = None,
    photo_rate: PhotoRateOpt = None,
    sentence_pause: SentencePauseOpt = None,
    paragraph_pause: ParagraphPauseOpt = None,
    chapter_pause: ChapterPauseOpt = None,
    jobs: JobsOpt = None,
    executor: ExecutorOpt = None,
    loudness: LoudnessOpt = None,
    base_url: BaseUrlOpt = None,
    formats: FormatOpt = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Regenerate scripts even when edited by hand (a backup is kept).")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Only say what would be regenerated, synthesised and encoded.")] = False,
    no_wait: NoWaitOpt = False,
    as_json: JsonOpt = False,
    verbose: VerboseOpt = 0,
    quiet: QuietOpt = False,
) -> None:
    """Build everything: articles → scripts → chaptered MP3s, playlists.

    Only what changed is rebuilt: sentences are synthesised once and cached by content,
    chapters are re-encoded only when their sentences or settings change, and unchanged files
    are not rewritten. A script a producer edited is merged with the regenerated text
    paragraph by paragraph ("merged"); where both changed the same paragraph it is kept, the
    merge with conflict markers goes to scripts/<date>.new.md, and the date is stale until
    'briefing resolve' (or deleting the .new.md after merging by hand) settles it.
    When no file changed since the last build (sizes and modification times), it answers
    from what that build recorded, without planning; --force plans everything.

    Exit status: 0 done, 1 failure, 2 bad input, 3 an open conflict (stale audio).
    """
    setup_logging(verbose, quiet)
    with errors():
        from briefing.build import noop
        from briefing.build.workspace import Workspace

        ws = Workspace(workspace)
        request = build_request(
            ws, paths, engine=engine, voice=voice, rate=rate, jobs=jobs, executor=executor,
            loudness=loudness, base_url=base_url, formats=formats, photo_voice=photo_voice,
            photo_rate=photo_rate, pauses=[sentence_pause, paragraph_pause, chapter_pause])
        if not dry_run and not force:  # nothing changed: the recorded answer, no planning
            recorded = noop.up_to_date(ws, request)
            if recorded is not None:
                finish(recorded, as_json, quiet)
                return
        from briefing.build.early import adopted, early_jobs, early_workers
        from briefing.remembered import remembering

        # The workers are forked before the settings are validated and the build imports
        # the rest: they stay small (briefing.build.early).  The settings' check is
        # remembered (in this context, not one of resolve_settings' own) even by a first
        # build, which makes the state folder after it.
        with early_workers(None if dry_run else early_jobs(ws.root, jobs, executor)) as early, \
                remembering(ws.checked) if not dry_run else contextlib.nullcontext():
            settings = resolve_settings(ws, engine, voice, rate, jobs, executor, loudness,
                                        base_url, formats, quiet, photo_voice=photo_voice,
                                        photo_rate=photo_rate,
                                        pauses=(sentence_pause, paragraph_pause, chapter_pause))
            from briefing.build import run

            if dry_run:
                finish(run.preview(ws, settings, run.article_paths(ws, paths), force=force),
                       as_json, quiet)
                return
            with progress_bar(not quiet and not as_json) as progress:
                report = run.build(ws, settings, paths, force=force, progress=progress,
                                   no_wait=no_wait, on_wait=waiting(ws), request=request,
                                   workers=adopted(early, settings))
        finish(report, as_json, quiet)


@app.command()
def script(
    paths: PathsArg = None,
    workspace: WorkspaceOpt = Path(),
    voice: VoiceOpt = None,
    rate: RateOpt = None,
    photo_voice: PhotoVoiceOpt = None,
    photo_rate: PhotoRateOpt = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Regenerate scripts even when edited by hand (a backup is kept).")] = False,
    as_json: JsonOpt = False,
    verbose: VerboseOpt = 0,
    quiet: QuietOpt = False,
) -> None:
    """Write the narration scripts (scripts/<date>.md) from articles, and stop there.

    The opening names the programme when briefing.toml sets programme = "Morning Briefing"
    ("This is Morning Briefing for ...", "That was Morning Briefing.").

    Exit status: 0 done, 1 failure, 2 bad input, 3 an open conflict (see 'build --help').
    """
    setup_logging(verbose, quiet)
    with errors():
        from briefing.build import run
        from briefing.build.workspace import Workspace

        ws = Workspace(workspace)
        settings = resolve_settings(ws, None, voice, rate, photo_voice=photo_voice,
                                    photo_rate=photo_rate)
        report = run.scripts(ws, settings, paths, force=force, on_wait=waiting(ws))
        finish(report, as_json, quiet)


@app.command()
def render(
    dates: Annotated[list[str] | None, typer.Argument(
        help="Dates (YYYY-MM-DD) to render. Default: every script in the workspace.",
        show_default=False)] = None,
    workspace: WorkspaceOpt = Path(),
    engine: EngineOpt = None,
    voice: VoiceOpt = None,
    rate: RateOpt = None,
    photo_voice: PhotoVoiceOpt = None,
    photo_rate: PhotoRateOpt = None,
    sentence_pause: SentencePauseOpt = None,
    paragraph_pause: ParagraphPauseOpt = None,
    chapter_pause: ChapterPauseOpt = None,
    jobs: JobsOpt = None,
    executor: ExecutorOpt = None,
    loudness: LoudnessOpt = None,
    base_url: BaseUrlOpt = None,
    formats: FormatOpt = None,
    no_wait: NoWaitOpt = False,
    as_json: JsonOpt = False,
    verbose: VerboseOpt = 0,
    quiet: QuietOpt = False,
) -> None:
    """Build the audio from the existing scripts (after a producer's edit).

    A line [sound jingles/ident.wav] in a script plays that file of the workspace there,
    matched to the speech's loudness.

    Exit status: 0 done, 1 failure, 2 bad input, 3 an open conflict: a script whose
    <date>.new.md is waiting (its audio has your wording, not the articles' new one).
    """
    setup_logging(verbose, quiet)
    with errors():
        from briefing.build import run
        from briefing.build.workspace import Workspace

        ws = Workspace(workspace)
        settings = resolve_settings(ws, engine, voice, rate, jobs, executor, loudness, base_url,
                                    formats, quiet, photo_voice=photo_voice,
                                    photo_rate=photo_rate,
                                    pauses=(sentence_pause, paragraph_pause, chapter_pause),
                                    remember=True)
        days = parse_dates(ws, dates)
        with progress_bar(not quiet and not as_json) as progress:
            report = run.render(ws, settings, days, progress=progress, no_wait=no_wait,
                                on_wait=waiting(ws))
        finish(report, as_json, quiet)


@app.command()
def status(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Article files or folders: plan a build of them. Default: a build of the "
             "workspace's articles/ (so an article changed under an edited script shows) "
             "and a render of its other scripts.", show_default=False)] = None,
    workspace: WorkspaceOpt = Path(),
    engine: EngineOpt = None,
    as_json: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Say what a build would regenerate, synthesise and encode, and why, and how long each
    date will run (estimated before synthesis; see 'target_duration' in the README). Writes
    nothing but the engine's speed, measured once per voice and rate, in .briefing/calibration/.

    Exit status: 0, 2 bad input, 3 an open conflict (a date whose audio is stale).
    """
    setup_logging(verbose, False)
    with errors():
        from briefing.build import run
        from briefing.build.workspace import Workspace

        ws = Workspace(workspace)
        settings = resolve_settings(ws, engine, None, None)
        if not paths and ws.articles.is_dir():
            report = run.preview(ws, settings, [ws.articles], every_script=True)
        else:
            report = run.preview(ws, settings, paths or None)
        finish(report, as_json, False)


@app.command()
def check(
    paths: PathsArg = None,
    workspace: WorkspaceOpt = Path(),
    as_json: JsonOpt = False,
    verbose: VerboseOpt = 0,
    quiet: QuietOpt = False,
) -> None:
    """Validate articles (and existing scripts) without writing anything.

    A script's [sound FILE] inserts are checked too: each file must be inside the workspace
    and decode as audio (WAV, FLAC, MP3, OGG).
    """

    setup_logging(verbose, quiet)
    with errors():
        from briefing.build.checking import check_workspace
        from briefing.build.workspace import Workspace
        from briefing.config import load_settings

        ws = Workspace(workspace)
        settings = load_settings(ws.root)
        finish(check_workspace(ws, settings, paths or None), as_json, quiet)


