"""The no-op build, decided from what the last build recorded, without planning.

A producer runs ``briefing build`` again and again; most runs change nothing.  Planning one
reads every article, renders and reads back every script, loads the engine and imports the
whole pipeline, which costs far more than the answer.  After a clean build (no errors,
conflicts, merges or removed dates) this module records, in ``.briefing/noop.json``, what the
next build of the same request would report when nothing changed, beside a snapshot of what
that build would read: every file of the workspace (size and ``mtime_ns``, and a SHA-256 of
each input that is not briefing's own output), the article sources given, briefing's own code
and the installed packages' folder.  The next ``briefing build`` with the same options compares
that snapshot with the files on disk, with ``stat`` alone when sizes and modification times
match; an input whose stat changed is read and hashed, and is still "unchanged" when its bytes
are (a ``touch``).  Any other difference, a file added or removed, or another request, and the
build is planned as always.

Known limitation of every modification-time check: an edit that keeps a file's size *and* its
``mtime_ns`` (``touch -d`` back to the old time after an edit of the same length) is not seen;
``briefing build --force`` (or deleting ``.briefing/noop.json``) plans everything.  A system
library upgraded outside the Python environment (espeak-ng from the distribution) is not seen
either; the packages installed in the environment are (their folder's modification time).

Hand-written because the decision must be made before any of the pipeline is imported: this
module imports only the standard library and the report's types, and takes the workspace
lock with ``flock`` itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sys
import sysconfig
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import briefing
from briefing.build.lock import CLEAN_MARK, LOCK_NAME, lock_if_free, unmarked
from briefing.build.report import (
    AudioStatus,
    BuildReport,
    DateReport,
    DateState,
    StageAction,
    StageWork,
    date_from_json,
    report_json,
)
from briefing.build.script_status import ScriptStatus
from briefing.build.workspace import CHECKED, COMPILED_TEMPLATES, Workspace
from briefing.fsutil import write_bytes_atomic
from briefing.hashing import canonical_hash

log = logging.getLogger(__name__)

SNAPSHOT_VERSION = 2
"""2: the warnings of reading the articles recorded apart (``input_warnings``)."""
SNAPSHOT_NAME = "noop.json"

NOT_READ = frozenset({"segments", "chapters", "trash", "calibration", LOCK_NAME, CLEAN_MARK,
                      SNAPSHOT_NAME, COMPILED_TEMPLATES, CHECKED})
"""Entries of ``.briefing/`` a build with nothing to do does not read: the caches (outputs
that are current are not rebuilt from them; compiled templates; the checks remembered, by the
content checked, which change no output), the trash, the lock and its clean mark, and this
snapshot."""

OUTPUTS = ("audio/", ".briefing/")
"""Where briefing's own outputs are: checked by stat alone (a stat that changed means they
were rewritten or touched by someone; the build is planned)."""

ENVIRONMENT = ("SOURCE_DATE_EPOCH", "ESPEAK_DATA_PATH")
"""Environment variables that change what a build makes."""

_SETTLED = {ScriptStatus.CREATED.value, ScriptStatus.UPDATED.value, ScriptStatus.FORCED.value,
            ScriptStatus.UNCHANGED.value}
"""Script outcomes after which the script is what briefing generated: ``unchanged`` next time."""


@dataclass(frozen=True)
class Request:
    """What ``briefing build`` was asked: the article sources, the command line's options
    (``None`` for an option not given) and the environment variables that change a build, as
    they were when the command started (an engine may set one for itself)."""

    sources: tuple[Path, ...]
    options: Mapping[str, object]
    env: Mapping[str, str | None] = field(default_factory=lambda: {
        k: os.environ.get(k) for k in ENVIRONMENT})

    def key(self, ws: Workspace) -> str:
        """The hash of the request, the workspace's place (reports name files by absolute
        path) and the interpreter it builds in."""
        return canonical_hash({
            "version": briefing.__version__, "python": sys.version, "exe": sys.executable,
            "workspace": str(ws.root.absolute()),
            "sources": [str(p.absolute()) for p in self.sources],
            "options": {k: v for k, v in sorted(self.options.items())},
            "env": dict(self.env),
        })


Stat = tuple[str, int, int]
"""(kind, size, mtime_ns): kind ``f`` a file, ``l`` a symbolic link to one (its target's size
and time), ``L`` a link to a folder, ``-`` a dangling link or missing source, ``d`` a folder
given as a source."""


def _walk(top: Path, prefix: str, found: dict[str, Stat], skip: Callable[[str], bool],
          seen: set[str] | None = None) -> None:
    """Every file under ``top``.  A symbolic link is followed, as the build reads through it
    (a link to a folder once: ``seen`` holds the real folders walked), and recorded as one
    (``l``), so that replacing a file by a link is a change too."""
    seen = set() if seen is None else seen
    real = os.path.realpath(top)
    if real in seen:
        return
    seen.add(real)
    try:
        entries = list(os.scandir(top))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        name = prefix + entry.name
        if skip(name):
            continue
        link = entry.is_symlink()
        try:
            st = entry.stat()
        except FileNotFoundError:  # a dangling link
            found[name] = ("-", 0, 0)
            continue
        if entry.is_dir():
            if link:
                found[name] = ("L", 0, 0)
            _walk(Path(entry.path), name + "/", found, skip, seen)
        else:
            found[name] = ("l" if link else "f", st.st_size, st.st_mtime_ns)


def _skipped(name: str) -> bool:
    parts = name.split("/")
    return (len(parts) == 2 and parts[0] == ".briefing" and parts[1] in NOT_READ) or \
        parts[-1] == "__pycache__"


def scan(ws: Workspace, sources: Sequence[Path]) -> dict[str, Stat]:
    """The stat of everything a no-op build of ``sources`` reads: the workspace's files (by
    path relative to it), sources outside it (by absolute path), briefing's code and
    templates (``code:``) and the installed packages' folder (``packages:``)."""
    found: dict[str, Stat] = {}
    _walk(ws.root, "", found, _skipped)
    root = ws.root.absolute()
    for source in sources:
        path = source.absolute()
        if path.is_relative_to(root):
            continue
        try:
            st = path.stat()
        except OSError:
            found[str(path)] = ("-", 0, 0)
            continue
        if path.is_dir():
            found[str(path)] = ("d", 0, 0)
            _walk(path, f"{path}/", found, _skipped)
        else:
            found[str(path)] = ("f", st.st_size, st.st_mtime_ns)
    package = Path(briefing.__file__).resolve().parent
    _walk(package, "code:", found, _skipped)
    if not (package / "templates").is_dir():  # a checkout: its templates/ beside the package
        _walk(package.parent / "templates", "code:templates/", found, _skipped)
    packages = Path(sysconfig.get_paths()["purelib"])
    try:
        st = packages.stat()
        found["packages:"] = ("d", 0, st.st_mtime_ns)
    except OSError:
        pass
    return found


def _hashed(name: str) -> bool:
    """Whether ``name`` is an input worth hashing (not briefing's output or code)."""
    return not name.startswith((*OUTPUTS, "code:", "packages:"))


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _path(ws: Workspace, name: str) -> Path:
    return Path(name) if Path(name).is_absolute() else ws.root / name


def noop_form(report: BuildReport) -> BuildReport | None:
    """What the next build reports when nothing changed after ``report``, or ``None`` when that
    is not known from ``report`` alone (errors, conflicts, merges, removed dates, a dry run,
    a date without audio or with a script briefing did not settle)."""
    if report.errors or report.conflicts or report.merged or report.dry_run:
        return None
    dates: list[DateReport] = []
    for d in report.dates:
        if d.state is DateState.REMOVED or d.stale or d.audio not in (
                AudioStatus.BUILT, AudioStatus.UP_TO_DATE):
            return None
        if d.script_status in _SETTLED:
            status = ScriptStatus.UNCHANGED.value
        elif d.script_status == ScriptStatus.KEPT.value:
            status = d.script_status
        else:
            return None
        stages = {s: StageWork(StageAction.REUSE, 0, w.total) for s, w in d.stages.items()}
        dates.append(replace(
            d, state=DateState.UNCHANGED, script_status=status, segments_synthesized=0,
            segments_reused=d.segments_total, chapters_encoded=0, audio=AudioStatus.UP_TO_DATE,
            reason="up to date", changed=(), stages=stages, written=(), estimated_ms=(),
            files=_as_recorded(d.files)))
    return BuildReport(tuple(dates), (), (), (), report.warnings, (), notes=report.notes,
                       input_warnings=report.input_warnings)


def _as_recorded(files: Mapping[str, object]) -> dict[str, Any]:
    """A date's ``files`` as the state gives them back to an up-to-date date: through JSON
    with sorted keys (:meth:`briefing.build.state.State.save`)."""
    return dict(json.loads(json.dumps(files, sort_keys=True)))


def _snapshot_path(ws: Workspace) -> Path:
    return ws.state_dir / SNAPSHOT_NAME


def forget(ws: Workspace) -> None:
    """Remove the recorded no-op (a build that is not clean, or of another request)."""
    with contextlib.suppress(FileNotFoundError):
        _snapshot_path(ws).unlink()


def record(ws: Workspace, request: Request, report: BuildReport) -> None:
    """Record what the next build of ``request`` reports if nothing changes, with the snapshot
    of the files it reads; called under the workspace lock after the state is saved."""
    noop = noop_form(report)
    if noop is None:
        forget(ws)
        return
    try:
        files = scan(ws, request.sources)
    except OSError as exc:
        log.info("could not record the no-op build: %s", exc)
        forget(ws)
        return
    hashes = {name: digest for name, (kind, _, _) in files.items()
              if kind in ("f", "l") and _hashed(name)
              and (digest := _sha256(_path(ws, name))) is not None}
    _write(ws, {"version": SNAPSHOT_VERSION, "request": request.key(ws), "files": files,
                "hashes": hashes, "report": report_json(noop),
                "input_warnings": list(noop.input_warnings)})


def _write(ws: Workspace, doc: Mapping[str, Any]) -> None:
    try:
        write_bytes_atomic(_snapshot_path(ws), json.dumps(doc).encode())
    except OSError as exc:  # the snapshot only saves time: a build never fails for it
        log.info("could not record the no-op build in %s: %s", _snapshot_path(ws), exc)


def _load(ws: Workspace, request: Request) -> dict[str, Any] | None:
    try:
        doc = json.loads(_snapshot_path(ws).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("version") != SNAPSHOT_VERSION or \
            doc.get("request") != request.key(ws):
        log.debug("the recorded no-op build is of another request; planning the build")
        return None
    return doc


def _changes(ws: Workspace, recorded: dict[str, Any], now: dict[str, Stat],
             hashes: Mapping[str, str]) -> tuple[frozenset[str], bool]:
    """The files (of both ``recorded`` and ``now``) whose bytes changed since they were
    recorded: their stat changed and they are not hashed inputs, or their hash differs; and
    whether any stat changed at all (a ``touch`` changes the stat, not the bytes)."""
    changed: set[str] = set()
    touched = False
    for name, stat in now.items():
        if tuple(recorded[name]) == stat:
            continue
        touched = True
        if stat[0] not in ("f", "l") or name not in hashes or \
                _sha256(_path(ws, name)) != hashes[name]:
            log.debug("%s changed since the last build", name)
            changed.add(name)
    return frozenset(changed), touched


def _unchanged(ws: Workspace, recorded: dict[str, Any], now: dict[str, Stat],
               hashes: Mapping[str, str]) -> bool | None:
    """Whether the files are as recorded: ``True`` by stat alone, ``None`` when some stat
    changed but every such file still has its recorded bytes, ``False`` otherwise."""
    if recorded.keys() != now.keys():
        log.debug("files added or removed since the last build: %s",
                  ", ".join(sorted(recorded.keys() ^ now.keys())[:5]))
        return False
    changed, touched = _changes(ws, recorded, now, hashes)
    if changed:
        return False
    return None if touched else True


def _report(doc: Mapping[str, Any]) -> BuildReport:
    report = doc["report"]
    return BuildReport(tuple(date_from_json(d) for d in report["dates"]),
                       warnings=tuple(str(w) for w in report["warnings"]),
                       notes=tuple(str(n) for n in report["notes"]),
                       input_warnings=tuple(str(w) for w in doc["input_warnings"]))


def changed_inputs(ws: Workspace, request: Request) -> tuple[BuildReport, frozenset[str]] | None:
    """The recorded no-op report of ``request`` and the files whose bytes changed since it
    was recorded (call under the workspace lock); ``None`` without a usable snapshot or when
    files were added or removed (:mod:`briefing.build.partial` plans only what changed)."""
    doc = _load(ws, request)
    if doc is None:
        return None
    try:
        now, recorded = scan(ws, request.sources), doc["files"]
        if recorded.keys() != now.keys():
            return None
        changed, _ = _changes(ws, recorded, now, doc["hashes"])
        return _report(doc), changed
    except (KeyError, TypeError, ValueError, AttributeError, OSError) as exc:
        log.debug("cannot compare with the recorded build (%s); planning every date", exc)
        return None


def recorded_report(ws: Workspace, request: Request) -> BuildReport | None:
    """The report of a build of ``request`` when nothing changed since the build that recorded
    it (call under the workspace lock), else ``None``: the build must be planned."""
    doc = _load(ws, request)
    if doc is None:
        return None
    try:
        now = scan(ws, request.sources)
        verdict = _unchanged(ws, doc["files"], now, doc["hashes"])
        if verdict is False:
            return None
        built = _report(doc)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        log.info("%s is damaged (%s); planning the build", _snapshot_path(ws), exc)
        return None
    except OSError as exc:  # an unreadable folder: the planned build says what is wrong
        log.debug("cannot check the recorded no-op build (%s); planning the build", exc)
        return None
    if verdict is None:  # touched, not changed: record the new stats, skip hashing next time
        with unmarked(ws):
            _write(ws, {**doc, "files": now})
    for warning in built.warnings:  # what planning would have logged
        log.warning("%s", warning)
    for d in built.dates:
        log.info("%s: up to date", d.date)
    return built


def up_to_date(ws: Workspace, request: Request) -> BuildReport | None:
    """:func:`recorded_report` under the workspace lock, or ``None`` when no build recorded a
    no-op or another build holds the lock (the build then waits for it and is planned)."""
    if not _snapshot_path(ws).is_file():
        return None
    with lock_if_free(ws) as held:
        return recorded_report(ws, request) if held else None
