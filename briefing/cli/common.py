"""Shared pieces of the command line: the app, options, error handling, reports.

The ``briefing.cli`` package is the only place that prints."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from briefing import __version__
from briefing.cli.signals import (
    INTERRUPTED_EXIT,
    TERMINATED_EXIT,
    sigterm_as_interrupt,
    terminated,
)
from briefing.errors import BriefingError, InputError

if TYPE_CHECKING:
    from briefing.build.context import ProgressFn
    from briefing.build.noop import Request
    from briefing.build.report import BuildReport, DateReport
    from briefing.build.workspace import Workspace
    from briefing.config import Settings

# Plain help, as click formats it: typer's rich help shows "<bool>" beside every flag (as if
# it took a value), reads "[dask]" in a help text as markup and drops it, keeps a docstring's
# line breaks, and draws boxes that a screen reader reads out line by line.
app = typer.Typer(
    name="briefing",
    rich_markup_mode=None,
    help=(
        "Turn news articles with photo captions into accessible audio briefings.\n\n"
        "Articles → narrated scripts (scripts/<date>.md, which producers may edit) → "
        "chaptered MP3s in audio/<date>/. Run 'briefing build' in a workspace that has an "
        "articles/ folder, or give article files and folders."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



class _Stderr:
    """Lines on stderr, as they are (no markup, no wrapping, no highlighting): the one place
    the command line says what is not the result.  Looked up on each call, so a test's
    captured stderr is used; rich (for the progress bar) is imported only when a bar is
    drawn."""

    def print(self, text: str, markup: bool = False) -> None:
        sys.stderr.write(f"{text}\n")
        sys.stderr.flush()

    @property
    def is_terminal(self) -> bool:
        try:
            return sys.stderr.isatty()
        except (AttributeError, ValueError):
            return False


err = _Stderr()



class _Fail(Exception):
    """Raised inside a command to exit with a status after output was printed."""

    def __init__(self, code: int) -> None:
        self.code = code


class _LowerLevelFormatter(logging.Formatter):
    """``warning: message`` rather than ``WARNING: message``."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace(record.levelname, record.levelname.lower(), 1)


def setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[
        min(verbose, 2)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LowerLevelFormatter("%(levelname)s: %(message)s"))
    root = logging.getLogger("briefing")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


@contextmanager
def errors() -> Iterator[None]:
    """Turn library errors into one line on stderr and an exit status; no tracebacks.

    Ctrl-C is ``interrupted`` (exit 130), SIGTERM ``terminated`` (exit 143), after the same
    clean-up (:mod:`briefing.cli.signals`).
    """
    with sigterm_as_interrupt():
        try:
            yield
        except _Fail as fail:
            raise typer.Exit(fail.code) from None
        except BriefingError as exc:
            if terminated():  # the workers died of the same signal
                _terminated()
            if os.environ.get("BRIEFING_DEBUG"):
                raise
            err.print(f"error: {_one_line(exc)}", markup=False)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            if terminated():
                _terminated()
            err.print("interrupted", markup=False)
            raise typer.Exit(INTERRUPTED_EXIT) from None
        except BrokenPipeError:
            reader_gone()
            raise typer.Exit(0) from None
        except OSError as exc:
            if os.environ.get("BRIEFING_DEBUG"):
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            err.print(f"error: {where}{exc.strerror or exc}", markup=False)
            raise typer.Exit(1) from None


def reader_gone() -> None:
    """The reader of stdout went away (``briefing voices | head``): nothing more can be said
    there and it is not an error.  stdout is pointed at the null device so that flushing it at
    exit does not fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _terminated() -> None:
    with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
        err.print("terminated", markup=False)
    raise typer.Exit(terminated() or TERMINATED_EXIT) from None


def resolve_settings(ws: Workspace, engine: str | None, voice: str | None,
                     rate: str | None, jobs: int | None = None,
                     executor: str | None = None, loudness: float | None = None,
                     base_url: str | None = None,
                     formats: list[str] | None = None, quiet: bool = False, *,
                     photo_voice: str | None = None,
                     photo_rate: str | None = None,
                     pauses: tuple[int | None, int | None, int | None] = (None, None, None),
                     remember: bool = False) -> Settings:
    """Settings from briefing.toml with the command line's overrides (a note on stderr, unless
    ``quiet``, when ``--loudness`` differs from the lasting ``loudness_lufs``); the voices and
    rates given are recorded (``Settings.command_line``): they also win over a script's front
    matter.  With ``remember`` (a command that writes the workspace), the checks that pass are
    remembered in its state (:mod:`briefing.remembered`)."""
    if remember:
        from briefing.remembered import remembering

        with remembering(ws.checked):
            return resolve_settings(ws, engine, voice, rate, jobs, executor, loudness, base_url,
                                    formats, quiet, photo_voice=photo_voice,
                                    photo_rate=photo_rate, pauses=pauses)
    chosen = None
    if formats:  # mp3 is always built; --format m4b adds the audiobook
        chosen = tuple(dict.fromkeys(["mp3", *(f.strip().lower() for f in formats)]))
    from briefing.config import CONFIG_NAME, PAUSES, Given, load_settings, parse_rate

    settings = load_settings(ws.root)
    if loudness is not None and loudness != settings.loudness_lufs and not quiet:
        err.print(f"note: --loudness {loudness:g} is for this run only; the next build without "
                  f"it re-encodes at {settings.loudness_lufs:g} LUFS (set loudness_lufs = "
                  f"{loudness:g} in {CONFIG_NAME} to keep it)", markup=False)
    typed = {"voice": voice, "rate": rate, "photo_voice": photo_voice, "photo_rate": photo_rate,
             **{name: None if ms is None else str(ms)
                for name, ms in zip(PAUSES, pauses, strict=True)}}
    if voice is not None:  # refused (exit 2) before any script is written with it
        voice = _checked_voice(engine or settings.engine, voice)
    if photo_voice is not None:
        photo_voice = _checked_voice(engine or settings.engine, photo_voice)
    resolved = settings.overridden(
        engine=engine, voice=voice, rate=parse_rate(rate) if rate is not None else None,
        photo_voice=photo_voice,
        photo_rate=parse_rate(photo_rate) if photo_rate is not None else None,
        jobs=jobs, executor=executor, loudness_lufs=loudness, base_url=base_url,
        formats=chosen, **dict(zip(PAUSES, pauses, strict=True)))
    given = tuple(Given(name, value.strip(), getattr(settings, name))
                  for name, value in typed.items() if value is not None)
    return dataclasses.replace(resolved, command_line=given)


def build_request(ws: Workspace, paths: Sequence[Path] | None, **options: object) -> Request:
    """What ``briefing build`` (or ``watch``) was asked, for the no-op answer and the partial
    plan (:mod:`briefing.build.noop`): the options a build takes, ``None`` where not given, so
    ``watch`` and ``build`` with the same options share the recorded answer."""
    from briefing.build.noop import Request

    given = {"engine": None, "voice": None, "rate": None, "jobs": None, "executor": None,
             "loudness": None, "base_url": None, "formats": None, "photo_voice": None,
             "photo_rate": None, "pauses": [None, None, None]}
    unknown = set(options) - set(given)
    if unknown:
        raise TypeError(f"not build options: {sorted(unknown)}")
    return Request(tuple(paths) if paths else (ws.articles,), {**given, **options})


def _checked_voice(engine_name: str, voice: str) -> str:
    from briefing.engines.registry import choose_voice, load_engine

    eng = load_engine(engine_name)
    try:
        return choose_voice(eng, voice)
    finally:
        eng.close()


@contextmanager
def progress_bar(enabled: bool, doing: str = "") -> Iterator[ProgressFn | None]:
    """A progress bar on a terminal, one task per label, described as ``"<doing> <label>"``
    (the build's labels say what is done: "synthesising", "encoding"); ``None`` when disabled
    or when stderr is not a terminal."""
    if not enabled or not err.is_terminal:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(stderr=True, highlight=False, soft_wrap=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(f"{doing} {label}".strip(), total=total)
            bar.update(tasks[label], completed=done, total=total)

        yield update


def finish(report: BuildReport, as_json: bool, quiet: bool) -> None:
    """Print the report; exit 2 if any input was bad, 1 for other failures, 3 for an open
    conflict (a date whose audio does not follow its articles)."""
    from briefing.build.report import CONFLICT_EXIT

    print_report(report, as_json, quiet)
    if report.errors:
        raise _Fail(max(e.exit_code for e in report.errors))
    if report.conflicts:
        raise _Fail(CONFLICT_EXIT)


def _audio_line(d: DateReport) -> str | None:
    from briefing.build.report import AudioStatus
    from briefing.values import short_duration

    if d.audio is AudioStatus.WOULD_BUILD:
        return (f"would synthesise {d.segments_synthesized} of {d.segments_total} "
                f"segments and encode {d.chapters_encoded} chapter(s) ({d.reason})")
    if d.audio is AudioStatus.NONE:
        return None
    if d.stale and not d.chapters:
        return "audio STALE: it has your script's wording, the articles changed (conflict)"
    if not d.chapters:
        return "audio up to date"
    audio = ("audio STALE (your script's wording; the articles changed: conflict)" if d.stale
             else f"audio {d.audio.value}")
    return (f"{len(d.chapters)} chapters, {short_duration(d.duration_ms)}, "
            f"{d.segments_synthesized} of {d.segments_total} segments synthesised, "
            f"{audio}: {d.files.get('mp3', '')}")


def _print_scripts(report: BuildReport) -> None:
    for m in report.merged:
        if report.dry_run:  # nothing was written: say what a build would do
            err.print(f"would merge: {m.path}: your edits and the updated articles change "
                      "different paragraphs; a build puts both in the script", markup=False)
            continue
        previous = f" (the previous version is in {m.backup_path})" if m.backup_path else ""
        err.print(f"merged: {m.path}: your edits and the updated articles changed different "
                  f"paragraphs; both are in the script{previous}", markup=False)
    for c in report.conflicts:
        day = c.date.isoformat()
        offered = c.new_path is not None and c.new_path.is_file()
        where = (f"is in {c.new_path}" if offered or not report.dry_run
                 else f"would be written to {c.new_path} by a build (this run wrote nothing)")
        err.print(f"conflict: {c.path} was edited by hand and its articles changed the same "
                  f"paragraph; your script is kept and its audio has your wording. The merge, "
                  f"with <<<<<<< yours / ======= / >>>>>>> generated markers, {where}. "
                  f"Settle it: edit your script and delete {c.new_path}, or "
                  f"'briefing resolve {day} --ours' (keep yours) or '--theirs' (take the "
                  f"articles'); 'briefing diff {day}' shows your changes", markup=False)


def print_report(report: BuildReport, as_json: bool, quiet: bool) -> None:
    """Print the report: a line per date on stdout (or JSON), conflicts and errors on stderr."""
    from briefing.build.report import DateState, report_json
    from briefing.values import short_duration

    if as_json:
        sys.stdout.write(json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n")
    elif not quiet:
        for d in report.dates:
            if d.state is DateState.REMOVED:
                print(f"{d.date} — removed: {d.reason} ({d.script})")
                continue
            parts = [d.date]
            if d.script_status or d.stories:
                parts.append(f"{d.stories} {'story' if d.stories == 1 else 'stories'}, "
                             f"{d.photos} photo{'s' if d.photos != 1 else ''}"
                             f" (script {d.script_status or 'read'}: {d.script})")
            audio = _audio_line(d)
            if audio is not None:
                parts.append(audio)
            if d.estimated_ms:
                parts.append(f"estimated {short_duration(d.estimated_duration_ms)}")
            print(" — ".join(parts))
    if not quiet:
        for note in report.notes:
            err.print(f"note: {note}", markup=False)
    _print_scripts(report)
    for e in report.errors:
        err.print(f"error: {_one_line(e)}", markup=False)




@contextmanager
def locked(ws: Workspace, no_wait: bool = False) -> Iterator[None]:
    """Hold the workspace lock, saying so on stderr while waiting for another build."""
    from briefing.build import run

    with run.locked(ws, no_wait, on_wait=waiting(ws)):
        yield


def waiting(ws: Workspace) -> Callable[[], None]:
    """What to print while waiting for another build of ``ws`` to finish."""
    def say() -> None:
        err.print(f"waiting for another build of {ws.root} to finish...", markup=False)

    return say


def parse_dates(ws: Workspace, dates: list[str] | None) -> list[dt.date]:
    from briefing.build.inputs import script_dates
    from briefing.text.dates import NoSuchDateError, parse_iso_date

    if not dates:
        found = script_dates(ws)
        if not found:
            raise InputError(f"no scripts in {ws.scripts}; run 'briefing script' first")
        return found
    parsed = []
    for value in dates:
        try:
            parsed.append(parse_iso_date(value))
        except NoSuchDateError:
            raise InputError(f"{value!r} is not a date: that day does not exist") from None
        except ValueError:
            raise InputError(f"{value!r} is not a YYYY-MM-DD date") from None
        if not ws.script_path(parsed[-1]).is_file():
            raise InputError(f"no script for {value}", ws.script_path(parsed[-1]))
    return parsed


def _version(value: bool) -> None:
    if value:
        print(f"briefing {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """Turn news articles with photo captions into accessible audio briefings."""

