"""Write generated scripts without ever destroying a producer's edit.

A script that nobody edited since briefing generated it (its hash is the one recorded in the
state) is replaced.  A script edited by hand whose generated text changed is merged with it
paragraph by paragraph against the text it was generated from (:mod:`briefing.build.bases`,
:mod:`briefing.build.merge`): changes to different paragraphs are merged into the script
(its previous version goes to the trash); changes to the same paragraph are a conflict: the
script is kept exactly and the merge, with conflict markers, is written beside it as
``scripts/<date>.new.md``.  Deleting that file (after merging by hand) settles the conflict,
as ``briefing resolve`` does.  With ``force`` the edited script is backed up first and then
replaced.

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
from pathlib import Path

from briefing.build.bases import base_text, clear_pending, pending_text, record_base, record_pending
from briefing.build.merge import merge_scripts
from briefing.build.script_status import ScriptResult as ScriptResult  # re-exported
from briefing.build.script_status import ScriptStatus as ScriptStatus
from briefing.build.state import State
from briefing.build.trash import Trash
from briefing.build.workspace import Workspace
from briefing.errors import ScriptError
from briefing.fsutil import create_new_file, sha256_hex, write_bytes_atomic, write_if_changed
from briefing.readfile import read_limited
from briefing.text.script_read import MAX_SCRIPT_BYTES, parse_script, without_silent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScriptDecision:
    """What writing a generated script will do (:func:`decide`)."""

    status: ScriptStatus
    script: str | None = None
    """The script's new text (the generated or the merged one); ``None``: left as it is."""
    offer: str | None = None
    """What ``<date>.new.md`` gets (a conflict)."""
    base: str | None = None
    """The generated text to record as the next merge's base; ``None``: the base stays."""
    conflicts: int = 0


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


def is_own_offer(path: Path, state: State) -> bool:
    """Whether the ``.new.md`` at ``path`` holds exactly what briefing wrote there."""
    try:
        current = _read(path)
    except FileExistsError:
        return False
    return current is not None and _is_ours(path, current, state)


def _is_ours(path: Path, current: bytes, state: State) -> bool:
    """Whether ``current`` (the bytes at ``path``) is exactly what briefing wrote there."""
    return state.offered.get(path.name) == sha256_hex(current)


def _own_offers(script: Path, state: State) -> list[Path]:
    """The ``.new.md`` files of ``script`` briefing wrote and nobody changed since."""
    ours = []
    for name in list(state.offered):
        path = script.with_name(name)
        if not is_offer_of(script, name):
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


def is_offer_of(script: Path, name: str) -> bool:
    """Whether ``name`` is one of the ``.new.md`` names of ``script``."""
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


def offers_on_disk(script: Path) -> bool:
    """Whether any ``.new.md`` of ``script`` is there."""
    try:
        return any(is_offer_of(script, p.name) for p in script.parent.iterdir())
    except OSError:
        return False


def _effective_base(ws: Workspace, state: State, day: dt.date,
                    path: Path) -> tuple[str | None, str | None, bool]:
    """The merge base of ``day``'s script: its text, its hash, and whether it is the text of
    a conflict the producer settled by deleting the ``.new.md`` (merged by hand)."""
    key = day.isoformat()
    if key in state.conflicts and not offers_on_disk(path):
        pending = pending_text(ws, state, day)
        if pending is not None:
            log.info("%s was removed: the conflict is taken as merged by hand",
                     new_path_for(path).name)
            return pending, state.conflicts[key], True
    return base_text(ws, state, day), state.generated.get(key), False


def _reads_back(text: str, path: Path) -> bool:
    try:
        without_silent(parse_script(text, path), path)
    except ScriptError as exc:
        log.warning("%s: the merge does not read back as a script (%s); offered instead",
                    path, exc.message)
        return False
    return True


def _merge(ws: Workspace, day: dt.date, text: str, state: State, path: Path,
           current: bytes) -> ScriptDecision:
    """An edited script whose generated text changed (or settled by hand): merge."""
    base, base_hash, settled = _effective_base(ws, state, day, path)
    kept_base = base if settled else None
    if sha256_hex(text.encode("utf-8")) == base_hash:
        return ScriptDecision(ScriptStatus.KEPT, base=kept_base)  # nothing new was generated
    try:
        ours = current.decode("utf-8")
    except UnicodeDecodeError:
        ours = None
    if base is None or ours is None:  # no base kept (built before bases were): offer it all
        return ScriptDecision(ScriptStatus.CONFLICT, offer=text, base=kept_base, conflicts=1)
    merged = merge_scripts(base, ours, text)
    if merged.conflicts == 0 and merged.text == ours:
        return ScriptDecision(ScriptStatus.KEPT, base=text)  # the producer already has it
    if merged.conflicts == 0 and _reads_back(merged.text, path):
        return ScriptDecision(ScriptStatus.MERGED, script=merged.text, base=text)
    return ScriptDecision(ScriptStatus.CONFLICT, offer=merged.text, base=kept_base,
                          conflicts=max(merged.conflicts, 1))


def decide(ws: Workspace, day: dt.date, text: str, state: State,
           force: bool = False) -> ScriptDecision:
    """What :func:`write_script` would do with ``text``, without writing anything.

    A script is only ever replaced when the generated text changed since briefing last wrote
    it; an edited script whose articles and templates did not change is simply kept; one whose
    generated text changed is merged with it (:mod:`briefing.build.merge`).
    """
    path = ws.script_path(day)
    if not path.exists() and not path.is_symlink():
        return ScriptDecision(ScriptStatus.CREATED, script=text, base=text)
    # bounded, and refusing FIFOs, devices and dangling or looping symlinks (ScriptError)
    current = read_limited(path, MAX_SCRIPT_BYTES, ScriptError, "script")
    if current == text.encode("utf-8"):
        return ScriptDecision(ScriptStatus.UNCHANGED, base=text)
    if sha256_hex(current) == state.generated.get(day.isoformat()):
        return ScriptDecision(ScriptStatus.UPDATED, script=text, base=text)
    if force:
        return ScriptDecision(ScriptStatus.FORCED, script=text, base=text)
    return _merge(ws, day, text, state, path, current)


def decide_script(ws: Workspace, day: dt.date, text: str, state: State,
                  force: bool = False) -> ScriptStatus:
    """The status :func:`decide` gives."""
    return decide(ws, day, text, state, force).status


def write_script(ws: Workspace, day: dt.date, text: str, state: State,
                 force: bool = False, trash: Trash | None = None) -> ScriptResult:
    """Write the generated ``text`` of ``day``'s script, protecting a producer's edits.

    Neither the script, nor a ``.new.md`` the producer edited, nor any file briefing did not
    write is ever overwritten or removed; a script replaced by a merge is first copied to the
    trash.
    """
    path = ws.script_path(day)
    decision = decide(ws, day, text, state, force)
    status = decision.status
    if decision.base is not None:
        record_base(ws, state, day, decision.base)
    if status is ScriptStatus.CONFLICT:
        assert decision.offer is not None
        offered = _offer(path, decision.offer.encode("utf-8"), state)
        record_pending(ws, state, day, text)
        log.info("%s was edited by hand; kept it, the merge is in %s", path, offered.name)
        return ScriptResult(day, status, path, new_path=offered, conflicts=decision.conflicts)
    backup = None
    if status is ScriptStatus.FORCED:
        backup = _backup(path, path.read_bytes())
        log.info("%s was edited; backed up to %s and regenerated", path, backup.name)
    elif status is ScriptStatus.MERGED:
        backup = (trash or Trash(ws)).copy(path, path.read_bytes())
        log.info("%s: merged the producer's edits with the regenerated text; the previous "
                 "version is in %s", path, backup)
    if decision.script is not None and status is not ScriptStatus.UNCHANGED:
        write_bytes_atomic(path, decision.script.encode("utf-8"))
    clear_pending(ws, state, day)
    _remove_offers(_own_offers(path, state), state)  # no conflict any more
    return ScriptResult(day, status, path, backup_path=backup)
