"""Commands around the build: voices, engines, preview, say, clean, watch, serve."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefing.cli.common import (
    app,
    build_request,
    err,
    errors,
    locked,
    parse_dates,
    print_report,
    resolve_settings,
    setup_logging,
)
from briefing.cli.options import (
    EngineOpt,
    ExecutorOpt,
    JobsOpt,
    JsonOpt,
    PathsArg,
    RateOpt,
    SayRateOpt,
    SayVoiceOpt,
    VerboseOpt,
    VoiceOpt,
    WorkspaceOpt,
)
from briefing.errors import BriefingError, InputError

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from briefing.build.workspace import Workspace


def watch_inputs(ws: Workspace, sources: Sequence[Path]) -> Iterator[list[Path]]:
    """:func:`briefing.build.watch.watch_inputs`, imported when ``watch`` runs (tests
    replace this)."""
    from briefing.build.watch import watch_inputs as watch

    return watch(ws, sources)


@app.command()
def voices(
    engine: EngineOpt = None,
    workspace: WorkspaceOpt = Path(),
    as_json: JsonOpt = False,
) -> None:
    """List the voices of the speech engine."""
    setup_logging(0, False)
    with errors():
        from briefing.build.workspace import Workspace
        from briefing.engines import load_engine

        settings = resolve_settings(Workspace(workspace), engine, None, None)
        eng = load_engine(settings.engine)
        try:
            found = eng.voices()
        finally:
            eng.close()
        if as_json:
            sys.stdout.write(json.dumps([asdict(v) for v in found], indent=2) + "\n")
            return
        for v in found:
            print(f"{v.id:24} {v.name:30} {', '.join(v.languages)}")


@app.command()
def engines(as_json: JsonOpt = False) -> None:
    """List the installed speech engines, whether each is usable here, and why not."""
    from briefing.engines import available_engines
    from briefing.engines.registry import engine_status

    found = [engine_status(name) for name in available_engines()]
    if as_json:
        sys.stdout.write(json.dumps([asdict(s) for s in found], indent=2) + "\n")
        return
    for status in found:
        state = (f"usable ({status.version}; {', '.join(status.settings)}; {status.output})"
                 if status.usable else f"unusable: {status.reason}")
        print(f"{status.name:10} {state}")
    from briefing.publish.m4b import encoder_status

    usable, how = encoder_status()
    print(f"\nm4b output: {'usable, ' if usable else 'unusable: '}{how}")




@app.command()
def preview(
    date: Annotated[str, typer.Argument(help="The date (YYYY-MM-DD) whose script to preview.")],
    workspace: WorkspaceOpt = Path(),
    engine: EngineOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Print, segment by segment, the exact text the engine will be asked to say.

    Each line is marked 'cached' when that segment's audio is already in the cache and 'new'
    when it will be synthesised.
    """
    setup_logging(0, False)
    with errors():
        from briefing.build.context import BuildContext
        from briefing.build.plan import plan_date
        from briefing.build.workspace import Workspace

        ws = Workspace(workspace)
        [day] = parse_dates(ws, [date])
        ctx = BuildContext(ws, resolve_settings(ws, engine, None, None))
        try:
            plan = plan_date(ctx, day)
        finally:
            ctx.release()
        missing = {p.digest for p in plan.to_synthesize}
        if as_json:
            doc = [{"chapter": plan.script.chapters[p.chapter].title, "text": p.text,
                    "spoken": p.spoken, "cached": p.digest not in missing}
                   for p in plan.segments]
            sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
            return
        current = -1
        for seg in plan.segments:
            if seg.chapter != current:
                current = seg.chapter
                print(f"## {plan.script.chapters[current].title}")
            mark = "new   " if seg.digest in missing else "cached"
            print(f"  {mark} {seg.spoken}")


_PLAYERS = (("paplay",), ("aplay", "-q"), ("afplay",), ("ffplay", "-nodisp", "-autoexit",
                                                           "-loglevel", "quiet"))


@app.command()
def say(
    text: Annotated[str, typer.Argument(help="The word or text to speak.")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the audio to this WAV file instead of playing it.",
        dir_okay=False)] = None,
    workspace: WorkspaceOpt = Path(),
    engine: EngineOpt = None,
    voice: SayVoiceOpt = None,
    rate: SayRateOpt = None,
) -> None:
    """Speak TEXT as a briefing would, with the workspace's lexicon applied.

    Prints the exact text sent to the engine, then plays it (or writes it with --output).
    """
    setup_logging(0, False)
    with errors():
        from briefing.build.workspace import Workspace
        from briefing.engines import load_engine
        from briefing.engines.base import VoiceSettings
        from briefing.fsutil import write_bytes_atomic
        from briefing.speech.lexicon import load_lexicon
        from briefing.speech.spoken import spoken_text

        ws = Workspace(workspace)
        settings = resolve_settings(ws, engine, voice, rate)
        eng = load_engine(settings.engine)
        try:
            spoken = spoken_text(" ".join(text.split()), settings.lang, load_lexicon(ws.lexicon),
                                 eng.repertoire(settings.voice))
            print(spoken)
            wav = eng.synthesize(spoken, VoiceSettings(settings.voice, settings.rate))
        finally:
            eng.close()
        if output is not None:
            write_bytes_atomic(output, wav)
            return
        player = next((p for p in _PLAYERS if shutil.which(p[0])), None)
        if player is None:
            raise InputError("no audio player found (paplay, aplay, afplay or ffplay); "
                             "use --output FILE.wav")
        with tempfile.NamedTemporaryFile(suffix=".wav") as tmp:
            tmp.write(wav)
            tmp.flush()
            subprocess.run([*player, tmp.name], check=False)


@app.command()
def clean(
    cache: Annotated[bool, typer.Option(
        "--cache", help="Remove cached segments and chapters that no script uses (the "
                        "default when neither --cache nor --trash is given).")] = False,
    trash: Annotated[bool, typer.Option(
        "--trash", help="Empty .briefing/trash/ (scripts replaced by merges, removed dates' "
                        "scripts and audio, resolved conflicts' files).")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Only say what would be removed.")] = False,
    workspace: WorkspaceOpt = Path(),
    engine: EngineOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Remove what is no longer needed: unused cache entries (--cache), the trash (--trash).

    With neither flag, the cache is cleaned (as --cache); the trash is only emptied when
    asked for, since it holds the producer's replaced scripts. Cache entries are kept when
    any script of the workspace uses them with the current settings; if a script cannot be
    read, nothing is removed.
    """
    setup_logging(0, False)
    with errors():
        from briefing.build.clean import clean_cache
        from briefing.build.context import BuildContext
        from briefing.build.trash import empty_trash
        from briefing.build.workspace import Workspace

        if not cache and not trash:
            cache = True  # the default: the trash holds the producer's files, ask for it
        ws = Workspace(workspace)
        if not ws.state_dir.is_dir():
            raise InputError(f"{ws.root} is not a briefing workspace (it has no .briefing/ "
                             "folder); nothing to clean")
        doc: dict[str, object] = {}
        verb = "would remove" if dry_run else "removed"
        with locked(ws):
            if cache:
                ctx = BuildContext(ws, resolve_settings(ws, engine, None, None))
                try:
                    result = clean_cache(ctx, dry_run=dry_run)
                finally:
                    ctx.release()
                doc.update(asdict(result))
            if trash:
                emptied = empty_trash(ws, dry_run=dry_run)
                doc["trash"] = asdict(emptied)
        if as_json:
            sys.stdout.write(json.dumps(doc, indent=2) + "\n")
            return
        if cache:
            print(f"{verb} {result.segments_removed} segment(s) and {result.chapters_removed} "
                  f"chapter(s), {result.bytes_freed / 1e6:.1f} MB; kept {result.segments_kept} "
                  f"segment(s) and {result.chapters_kept} chapter(s)")
        if trash:
            print(f"{verb} {emptied.files} file(s) from the trash, "
                  f"{emptied.bytes_freed / 1e6:.1f} MB")


def _now() -> str:
    """The time of day a watch line is printed at, ``[07:42:05]``: a producer looking back at
    the terminal sees when each rebuild happened."""
    return dt.datetime.now().strftime("[%H:%M:%S]")


@app.command()
def watch(
    paths: PathsArg = None,
    workspace: WorkspaceOpt = Path(),
    engine: EngineOpt = None,
    voice: VoiceOpt = None,
    rate: RateOpt = None,
    jobs: JobsOpt = None,
    executor: ExecutorOpt = None,
    verbose: VerboseOpt = 0,
) -> None:
    """Build, then rebuild whenever articles, scripts, templates, the lexicon or settings change.

    Changes are gathered for a moment (debounced) and only what changed is rebuilt. Stop with
    Ctrl-C.
    """
    setup_logging(verbose, False)
    with errors():
        from briefing.build import run
        from briefing.build.context import make_workers
        from briefing.build.run import article_paths
        from briefing.build.workspace import Workspace

        ws = Workspace(workspace)
        sources = article_paths(ws, paths)
        # as 'briefing build' with these options: an edit of scripts alone plans just their
        # dates (briefing.build.partial), and a build after the watch answers from its record
        request = build_request(ws, paths, engine=engine, voice=voice, rate=rate, jobs=jobs,
                                executor=executor)
        settings = resolve_settings(ws, engine, voice, rate, jobs, executor)
        workers = make_workers(settings)  # kept across rebuilds: no start-up per change
        try:
            print_report(run.build(ws, settings, paths, workers=workers, request=request),
                         False, False)
            err.print(f"{_now()} watching {ws.root} for changes (Ctrl-C to stop)", markup=False)
            for changed in watch_inputs(ws, sources):
                names = ", ".join(str(p) for p in changed)
                err.print(f"{_now()} changed: {names}", markup=False)
                started = time.monotonic()
                try:
                    settings = resolve_settings(ws, engine, voice, rate, jobs, executor)
                    if settings.engine != workers.engine:
                        workers.close()
                        workers = make_workers(settings)
                    report = run.build(ws, settings, paths, workers=workers, request=request)
                except BriefingError as exc:
                    err.print(f"error: {exc}", markup=False)
                    continue
                print_report(report, False, False)
                err.print(f"{_now()} rebuilt in {time.monotonic() - started:.1f} s", markup=False)
        except KeyboardInterrupt:
            err.print("stopped watching", markup=False)
        finally:
            workers.close(kill=True)


@app.command()
def serve(
    workspace: WorkspaceOpt = Path(),
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on.", min=0,
                                      max=65535)] = 8000,
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on. Default 127.0.0.1: only this machine can "
                       "connect; give another address only to share on purpose.")] = "127.0.0.1",
) -> None:
    """Serve audio/ (pages, MP3s with seeking, transcripts) for previewing in a browser."""
    setup_logging(0, False)
    with errors():
        from briefing.build.workspace import Workspace
        from briefing.publish.serve import make_server

        ws = Workspace(workspace)
        if not ws.audio.is_dir():
            raise InputError(f"{ws.audio} does not exist; run 'briefing build' first")
        try:
            server = make_server(ws.audio, host, port)
        except OSError as exc:
            raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        shown = f"[{host}]" if ":" in host else host
        err.print(f"serving {ws.audio} at http://{shown}:{server.server_port}/ (Ctrl-C to "
                  "stop)", markup=False)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            err.print("stopped", markup=False)
        finally:
            server.server_close()
