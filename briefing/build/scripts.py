"""Write generated scripts without ever destroying a producer's edit.

A script that nobody edited since briefing generated it (its hash is the one recorded in the
state) is replaced.  A script edited by hand is kept: the new version is written beside it as
``scripts/<date>.new.md`` and a conflict is reported; with ``force`` the edited script is backed
up first and then replaced.

The same rule protects the ``.new.md`` files: briefing records the hash of each one it writes,
and replaces or removes only a file that still has exactly those bytes.  One the producer edited
(or that briefing did not write) is kept, and the regenerated text goes to the next free name,
``scripts/<date>.2.new.md``, ``<date>.3.new.md`` ...  A backup never replaces anything: its name
is made unique and it is created exclusively.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from briefing.build.state import State
from briefing.build.workspace import Workspace
from briefing.errors import ScriptError
from briefing.fsutil import create_new_file, sha256_hex, write_bytes_atomic, write_if_changed
from briefing.readfile import read_limited
from briefing.text.script_read import MAX_SCRIPT_BYTES

log = logging.getLogger(__name__)


class ScriptStatus(StrEnum):
    """What happened to a date's script."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT = "kept"
    """Edited by hand, and the generator has nothing new: the edit stands."""
    CONFLICT = "conflict"
    """Edited by hand, and the generator has something new: offered beside it."""
    FORCED = "forced"


@dataclass(frozen=True)
class ScriptResult:
    """The outcome of writing one generated script."""

    date: dt.date
    status: ScriptStatus
    path: Path
    new_path: Path | None = None
    """Where the regenerated text was put when the script was edited by hand."""

    backup_path: Path | None = None
    """Where an edited script was backed up (``force``)."""


def new_path_for(script: Path) -> Path:
    """``scripts/<date>.new.md`` beside ``scripts/<date>.md``."""
    return script.with_name(script.stem + ".new.md")


def _offer_paths(script: Path) -> Iterator[Path]:
    """``<date>.new.md``, then ``<date>.2.new.md``, ``<date>.3.new.md`` ..."""
    yield new_path_for(script)
    for n in itertools.count(2):
        yield script.with_name(f"{script.stem}.{n}.new.md")


def _read(path: Path) -> bytes | None:
    """The bytes of a regular file at ``path``; ``None`` when absent; a link or folder raises."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise FileExistsError(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _is_ours(path: Path, current: bytes, state: State) -> bool:
    """Whether ``current`` (the bytes at ``path``) is exactly what briefing wrote there."""
    return state.offered.get(path.name) == sha256_hex(current)


def _own_offers(script: Path, state: State) -> list[Path]:
    """The ``.new.md`` files of ``script`` briefing wrote and nobody changed since."""
    ours = []
    for name in list(state.offered):
        path = script.with_name(name)
        if not _is_offer_of(script, name):
            continue
        try:
            current = _read(path)
        except FileExistsError:
            current = None
        if current is None:
            del state.offered[name]  # gone (the producer removed it): forget it
        elif _is_ours(path, current, state):
            ours.append(path)
        else:
            log.info("%s was edited since briefing wrote it; it is kept", path)
            del state.offered[name]  # the producer's file from now on
    return ours


def _is_offer_of(script: Path, name: str) -> bool:
    stem = re.escape(script.stem)
    return re.fullmatch(rf"{stem}(\.[1-9][0-9]*)?\.new\.md", name) is not None


def _offer(script: Path, data: bytes, state: State) -> Path:
    """Write the regenerated ``data`` beside ``script``, never over a file briefing did not write.

    The first of :func:`_offer_paths` that is free, briefing's own or already holds ``data`` is
    used; the other unchanged ``.new.md`` files briefing wrote for this script are removed.
    """
    ours = _own_offers(script, state)
    for path in _offer_paths(script):
        try:
            current = _read(path)
        except FileExistsError:
            continue
        if current is None or current == data or path in ours:
            write_if_changed(path, data)
            state.offered[path.name] = sha256_hex(data)
            _remove_offers([p for p in ours if p != path], state)
            return path
    raise AssertionError("unreachable")  # pragma: no cover


def _remove_offers(paths: list[Path], state: State) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
        state.offered.pop(path.name, None)


def _backup(path: Path, data: bytes) -> Path:
    """Copy ``data`` (the edited script) to a new, unique ``<name>.<timestamp>[-n].bak``."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for n in itertools.count(1):
        backup = path.with_name(f"{path.name}.{stamp}{'' if n == 1 else f'-{n}'}.bak")
        try:
            create_new_file(backup, data)
        except FileExistsError:
            continue
        return backup
    raise AssertionError("unreachable")  # pragma: no cover


def decide_script(ws: Workspace, day: dt.date, text: str, state: State,
                  force: bool = False) -> ScriptStatus:
    """What :func:`write_script` would do with ``text``, without writing anything.

    A script is only ever replaced when the generated text changed since briefing last wrote
    it; an edited script whose articles and templates did not change is simply kept.
    """
    path = ws.script_path(day)
    if not path.exists() and not path.is_symlink():
        return ScriptStatus.CREATED
    # bounded, and refusing FIFOs, devices and dangling or looping symlinks (ScriptError)
    current = read_limited(path, MAX_SCRIPT_BYTES, ScriptError, "script")
    data = text.encode("utf-8")
    if current == data:
        return ScriptStatus.UNCHANGED
    recorded = state.generated.get(day.isoformat())
    if sha256_hex(current) == recorded:
        return ScriptStatus.UPDATED
    if force:
        return ScriptStatus.FORCED
    if sha256_hex(data) == recorded:
        return ScriptStatus.KEPT  # edited by hand; nothing new was generated
    return ScriptStatus.CONFLICT


def write_script(ws: Workspace, day: dt.date, text: str, state: State,
                 force: bool = False) -> ScriptResult:
    """Write the generated ``text`` of ``day``'s script, protecting a producer's edits.

    Neither the script, nor a ``.new.md`` the producer edited, nor any file briefing did not
    write is ever overwritten or removed.
    """
    path = ws.script_path(day)
    data = text.encode("utf-8")
    key = day.isoformat()
    status = decide_script(ws, day, text, state, force)
    if status is ScriptStatus.CONFLICT:
        offered = _offer(path, data, state)
        log.warning("%s was edited by hand; kept it, new version in %s", path, offered.name)
        return ScriptResult(day, status, path, new_path=offered)
    backup = None
    if status is ScriptStatus.FORCED:
        backup = _backup(path, path.read_bytes())
        log.info("%s was edited; backed up to %s and regenerated", path, backup.name)
    if status is not ScriptStatus.KEPT:
        if status is not ScriptStatus.UNCHANGED:
            write_bytes_atomic(path, data)
        state.generated[key] = sha256_hex(data)
    _remove_offers(_own_offers(path, state), state)  # no conflict any more
    return ScriptResult(day, status, path, backup_path=backup)
