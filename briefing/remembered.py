"""Checks of the files users write, remembered: what passed once is not checked again.

A producer's files (``briefing.toml``, each script's front matter) are checked by pydantic
models on every read, and importing pydantic with the models costs about 85 ms, more than a
rebuild after a one-sentence edit spends on anything else in its process.  Within
:func:`remembering` (a build), a check that passed is remembered in a folder of the workspace's
state, by the SHA-256 of the text checked and of the source of the modules whose rules decided
it; the same text read again, in any later process, gives the remembered result without the
model.  A changed text, a changed rule or a damaged entry is checked again.  Only results are
remembered, never errors: a bad file is refused, with its message, every time.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import importlib.util
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from briefing.fsutil import write_bytes_atomic

VERSION = 1
"""The layout of a remembered entry."""

_FOLDER: contextvars.ContextVar[Path | None] = contextvars.ContextVar("remembered",
                                                                       default=None)


@contextlib.contextmanager
def remembering(folder: Path) -> Iterator[None]:
    """Within, remember passed checks in ``folder`` (made when needed) and use them."""
    token = _FOLDER.set(folder)
    try:
        yield
    finally:
        _FOLDER.reset(token)


@functools.cache
def _code_digest(modules: tuple[str, ...]) -> str:
    """The identity of the checking code: the source of ``modules`` ('' if one has none)."""
    digest = hashlib.sha256(str(VERSION).encode())
    for name in modules:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            return ""
        digest.update(Path(spec.origin).read_bytes())
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
    """Remember ``result`` (JSON) of the check of ``text`` (when within :func:`remembering`)."""
    path = _entry(kind, modules, text)
    if path is not None:
        with contextlib.suppress(OSError):  # remembering only saves time
            write_bytes_atomic(path, json.dumps(result).encode(), durable=False)
