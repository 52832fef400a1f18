"""The build's inputs: the articles of each date, the scripts in a workspace, and paths.

Small helpers the planning and the running of a build share.  The article reader (caption and
credit analysis, the article formats) is imported only when articles are read: ``briefing
render`` and a build after an edit of scripts only (:mod:`briefing.build.partial`) read none.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.build.workspace import Workspace
from briefing.config import Settings
from briefing.errors import ArticleError, InputError
from briefing.text.dates import parse_iso_date

if TYPE_CHECKING:
    from briefing.text.article import Article


@dataclass(frozen=True)
class Articles:
    """The articles read from some paths, and what went wrong reading the others."""

    articles: tuple[Article, ...]
    errors: tuple[ArticleError, ...] = ()
    warnings: tuple[str, ...] = ()
    unreadable: frozenset[Path] = field(default_factory=frozenset)
    """Files found that could not be read as articles."""


def read_articles(paths: Sequence[Path], settings: Settings) -> Articles:
    """Read every article under ``paths``; bad ones are reported and skipped."""
    from briefing.text.article import find_articles, read_article

    files = find_articles(list(paths))
    if not files:
        where = ", ".join(str(p) for p in paths)
        raise InputError(f"no article files (*.txt, *.json, *.yaml) in {where}")
    articles: list[Article] = []
    errors: list[ArticleError] = []
    warnings: list[str] = []
    unreadable: set[Path] = set()
    for path in files:
        try:
            article = read_article(path, settings.max_article_bytes)
        except ArticleError as exc:
            errors.append(exc)
            unreadable.add(path.resolve())
            continue
        articles.append(article)
        warnings.extend(f"{path}: {w}" for w in article.warnings)
    return Articles(tuple(articles), tuple(errors), tuple(warnings), frozenset(unreadable))


def group_by_date(articles: Sequence[Article]) -> dict[dt.date, list[Article]]:
    """Articles of each date, ordered by file name."""
    groups: dict[dt.date, list[Article]] = defaultdict(list)
    for article in sorted(articles, key=lambda a: (a.source.name, str(a.source))):
        groups[article.date].append(article)
    return dict(sorted(groups.items()))


def script_dates(ws: Workspace) -> list[dt.date]:
    """Dates that have a script in the workspace."""
    dates = []
    for path in sorted(ws.scripts.glob("*.md")):
        try:
            dates.append(parse_iso_date(path.stem))
        except ValueError:
            continue
    return dates


def rel(ws: Workspace, path: Path) -> str:
    """``path`` relative to the workspace when inside it."""
    try:
        return path.relative_to(ws.root).as_posix()
    except ValueError:
        return str(path)


@contextmanager
def named(path: Path) -> Iterator[None]:
    """An :class:`OSError` raised inside names ``path`` when it names no file itself.

    A full disk fails a write or ``fsync`` with a bare "No space left on device"; the message
    must say where.  ``path`` is the file (or the folder of files) being written.
    """
    try:
        yield
    except OSError as exc:
        if exc.filename is not None or exc.errno is None:
            raise
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
