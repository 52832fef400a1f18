"""Worker processes forked before ``briefing build`` reads its settings and plans.

A forked worker's resident memory starts as its parent's, and the build's memory goal counts
every process's (issue 17: a 76-minute briefing within 200 MB).  Validating the settings
imports pydantic, and planning imports templates, containers and tags: forked after those,
each worker would hold them too, unused.  So the build forks its workers first, knowing only
how many it needs (``--jobs`` or the settings file's ``jobs``, read without validating it),
and gives them the engine and the timeout once the settings are read.  Whenever that count
cannot be read simply (a Dask executor, an unreadable file), no worker is forked early and
the build starts its workers as before.
"""

from __future__ import annotations

import contextlib
import tomllib
from collections.abc import Iterator
from pathlib import Path

from briefing.build.workers import Workers, default_jobs
from briefing.config import CONFIG_NAME, MAX_CONFIG_BYTES, MAX_JOBS, Settings


def early_jobs(root: Path, jobs: int | None, executor: str | None) -> int | None:
    """How many local workers a build of the workspace at ``root`` will start (0: the
    default), read from ``--jobs`` and the settings file without validating it; ``None``
    when it uses a Dask executor or the file does not say simply."""
    if executor:
        return None
    path = root / CONFIG_NAME
    table: dict[str, object] = {}
    if path.exists() or path.is_symlink():
        try:
            if not path.is_file() or path.stat().st_size > MAX_CONFIG_BYTES:
                return None
            table = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeError, tomllib.TOMLDecodeError):
            return None  # the settings' own checks name the problem
    if "executor" in table:
        return None
    value = table.get("jobs", 0) if jobs is None else jobs
    return value if type(value) is int and 0 <= value <= MAX_JOBS else None


@contextlib.contextmanager
def early_workers(count: int | None) -> Iterator[Workers | None]:
    """``count`` local workers (0: the default) forked now, closed on leaving (killed on an
    error); ``None`` when ``count`` is."""
    if count is None:
        yield None
        return
    with Workers("", count or None).start() as workers:
        yield workers


def adopted(workers: Workers | None, settings: Settings) -> Workers | None:
    """``workers`` given the settings' engine and timeout, if they are the workers the
    settings ask for (``None`` otherwise: the build starts its own)."""
    if workers is None or settings.executor or workers.jobs != (settings.jobs or
                                                                default_jobs()):
        return None
    workers.engine = settings.engine
    workers.timeout = settings.segment_timeout_s
    return workers
