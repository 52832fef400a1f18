"""Checks of the files a build reads, remembered: what passed once is not checked again.

A producer's files (``briefing.toml``, each script's front matter) and the dates' manifests
are checked by pydantic models on every read, and importing pydantic with the models costs
about 85 ms, more than a rebuild after a one-sentence edit spends on anything else in its
process.  Within :func:`remembering` (a build), a check that passed is remembered in a folder
of the workspace's state, by the SHA-256 of the text checked and of the source of the modules
whose rules decided it; the same text read again, in any later process, gives the remembered
result without the model.  A changed text, a changed rule or a damaged entry is checked again.
Only results are remembered, never errors: a bad file is refused, with its message, every
time.  The one result remembered without a check is a manifest the build writes itself, from
checked values (:func:`briefing.publish.manifest.remember_written`).  A check that passed
before the state folder exists (a first build's settings) is remembered when the build has
made it, at the end of the command.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import json
import sys
from collections.abc import Iterator, Sequence
from importlib.abc import InspectLoader
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from briefing.fsutil import write_bytes_atomic
from briefing.installed import dist_info

VERSION = 1
"""The layout of a remembered entry."""

_FOLDER: contextvars.ContextVar[Path | None] = contextvars.ContextVar("remembered",
                                                                       default=None)
_PENDING: contextvars.ContextVar[list[tuple[Path, Path, bytes]] | None] = \
    contextvars.ContextVar("remembered-pending", default=None)
"""Results to remember once the state folder exists (a first build makes it after it has
checked the settings)."""


@contextlib.contextmanager
def remembering(folder: Path) -> Iterator[None]:
    """Within, remember passed checks in ``folder`` (made when needed, inside its parent, the
    workspace's state folder, when that exists) and use them.  A check that passed before the
    state folder existed is remembered on leaving, if the run made it by then, or else handed
    to the enclosing :func:`remembering` (a command's, around the build that makes it)."""
    token = _FOLDER.set(folder)
    pending: list[tuple[Path, Path, bytes]] = []  # (its folder, entry, result)
    pending_token = _PENDING.set(pending)
    try:
        yield
    finally:
        _PENDING.reset(pending_token)
        _FOLDER.reset(token)
        outer = _PENDING.get()
        for entry in pending:
            if entry[0].parent.is_dir():
                _write(entry[1], entry[2])
            elif outer is not None:
                outer.append(entry)


_LIBRARIES = {"pydantic": "pydantic", "pydantic_core": "pydantic_core", "yaml": "PyYAML"}
"""The libraries the checks run on (module: distribution): their installed versions are part
of every key."""


@functools.cache
def _code_digest(modules: tuple[str, ...]) -> str:
    """The identity of the checking code: Python's version, the libraries' installed versions
    and the source of ``modules`` ('' when one cannot be found: nothing is remembered then)."""
    digest = hashlib.sha256(f"{VERSION}\0{sys.version}".encode())
    try:
        for module, distribution in _LIBRARIES.items():
            installed = dist_info(module, distribution)
            if not installed:
                return ""
            digest.update(f"\0{installed}".encode())
        for name in modules:
            spec = find_spec(name)
            source = spec.loader.get_source(name) if spec is not None and isinstance(
                spec.loader, InspectLoader) else None
            if source is None:
                return ""
            digest.update(b"\0" + source.encode())
    except (OSError, ImportError, ValueError):  # a folder unreadable, a module not found
        return ""
    return digest.hexdigest()


def _entry(kind: str, modules: Sequence[str], text: str) -> Path | None:
    folder = _FOLDER.get()
    if folder is None:
        return None
    code = _code_digest(tuple(modules))
    if not code:
        return None
    key = hashlib.sha256(f"{kind}\0{code}\0{text}".encode()).hexdigest()
    return folder / kind / key[:2] / f"{key}.json"


def recall(kind: str, modules: Sequence[str], text: str) -> Any:
    """The result remembered for ``text`` checked by ``modules``' rules, or ``None``."""
    path = _entry(kind, modules, text)
    if path is None:
        return None
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):  # absent or damaged: checked again
        return None


def remember(kind: str, modules: Sequence[str], text: str, result: Any) -> None:
    """Remember ``result`` (JSON) of the check of ``text`` (when within :func:`remembering`,
    and only in a workspace whose state folder exists, by then or when the run ends: a run
    refused before it made one leaves nothing behind)."""
    path = _entry(kind, modules, text)
    folder = _FOLDER.get()
    if path is None or folder is None:
        return
    data = json.dumps(result).encode()
    pending = _PENDING.get()
    if folder.parent.is_dir():
        _write(path, data)
    elif pending is not None:
        pending.append((folder, path, data))


def _write(path: Path, data: bytes) -> None:
    with contextlib.suppress(OSError):  # remembering only saves time
        write_bytes_atomic(path, data, durable=False)


def forget(folder: Path, dry_run: bool = False) -> int:
    """Remove the checks remembered in ``folder``: each is one of the files' versions ever
    checked, and the next build checks the current ones again.  Only entries named as
    :func:`_entry` names them (``<kind>/<2 hex>/<sha256>.json``); returns the bytes freed."""
    freed = 0
    for entry in folder.glob("*/??/*.json"):
        if entry.is_symlink() or not entry.is_file() or len(entry.stem) != 64 or \
                not entry.stem.startswith(entry.parent.name):
            continue
        freed += entry.stat().st_size
        if not dry_run:
            entry.unlink(missing_ok=True)
    return freed
