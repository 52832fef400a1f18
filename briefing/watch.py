"""Watch a workspace's inputs and say which changed (``briefing watch``)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from briefing.workspace import Workspace

log = logging.getLogger(__name__)

DEBOUNCE_MS = 400
"""Changes arriving within this many milliseconds are handled together."""

_IGNORED_SUFFIXES = (".tmp", ".bak", ".new.md", ".swp", "~")


def is_input(ws: Workspace, path: Path, extra: Sequence[Path] = ()) -> bool:
    """Whether a changed path is an input of the build (not an output, cache or temp file)."""
    name = path.name
    if name.startswith(".") or name.endswith(_IGNORED_SUFFIXES):
        return False
    resolved = path.resolve()
    for outside in (ws.audio, ws.state_dir):
        if resolved.is_relative_to(outside.resolve()):
            return False
    inputs = [ws.articles, ws.scripts, ws.root / "templates", *extra]
    if any(resolved.is_relative_to(p.resolve()) for p in inputs):
        return True
    return resolved in (ws.lexicon.resolve(), (ws.root / "briefing.toml").resolve())


def watch_inputs(ws: Workspace, extra: Sequence[Path] = (),
                 stop: threading.Event | None = None,
                 debounce_ms: int = DEBOUNCE_MS) -> Iterator[list[Path]]:
    """Yield the input files that changed, batch by batch, until ``stop`` is set."""
    from watchfiles import watch

    roots = [ws.root, *(p for p in extra if not p.resolve().is_relative_to(ws.root.resolve()))]
    for changes in watch(*roots, debounce=debounce_ms, stop_event=stop,
                         watch_filter=lambda _change, p: is_input(ws, Path(p), extra),
                         raise_interrupt=True):
        paths = sorted({Path(p) for _change, p in changes})
        log.debug("changed: %s", ", ".join(map(str, paths)))
        yield paths
