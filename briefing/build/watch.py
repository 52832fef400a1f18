"""Watch a workspace's inputs and say which changed (``briefing watch``)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from briefing.build.workspace import Workspace
from briefing.text.article import ARTICLE_SUFFIXES
from briefing.text.dates import parse_iso_date

log = logging.getLogger(__name__)

DEBOUNCE_MS = 400
"""Changes arriving within this many milliseconds are handled together."""

TEMPLATE_SUFFIX = ".j2"
"""Templates in a workspace's ``templates/`` end so (``script.md.j2``)."""


def _inside(path: Path, folder: Path) -> bool:
    return path.parent == folder or path.parent.resolve() == folder.resolve()


def is_input(ws: Workspace, path: Path, extra: Sequence[Path] = ()) -> bool:
    """Whether a changed path is an input of the build.

    Only the names the build reads count: article files directly in ``articles/`` (or a given
    folder), ``scripts/YYYY-MM-DD.md``, ``templates/*.j2``, the lexicon and ``briefing.toml``.
    Everything else is ignored, so an editor's swap, backup and lock files (``4913``,
    ``#a.txt#``, ``a.txt~``, ``.a.txt.swp``, ``a.txt.orig``, ``.kate-swp``) and briefing's own
    outputs, caches, temporary files and ``.new.md`` files never trigger a rebuild.
    """
    name = path.name
    if name.startswith(".") or not name:
        return False
    if path.resolve() in (ws.lexicon.resolve(), (ws.root / "briefing.toml").resolve()):
        return True
    if path.suffix.lower() in ARTICLE_SUFFIXES:
        folders = [ws.articles, *(p for p in extra if p.is_dir())]
        if any(_inside(path, folder) for folder in folders):
            return True
    if any(path.resolve() == p.resolve() for p in extra if not p.is_dir()):
        return True
    if path.suffix == ".md" and _inside(path, ws.scripts):
        try:
            parse_iso_date(path.stem)
        except ValueError:
            return False
        return True
    return name.endswith(TEMPLATE_SUFFIX) and _inside(path, ws.root / "templates")


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
