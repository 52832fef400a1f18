"""The one place jinja2 environments are made, for the script template and the web templates.

Templates are looked up in the workspace's ``templates/`` first, then in briefing's own, with
``StrictUndefined`` (a misspelt field is an error, not an empty string).  The script template
renders Markdown (no autoescaping, Markdown filters); the pages and the feed render HTML and
XML with autoescaping on, so article text is only ever a value.  One environment per set of
folders and kind is kept, so each template is compiled once per process (jinja2 still reloads
a template whose file changed).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import jinja2


def packaged_template_dir() -> Path:
    """The templates shipped with briefing (inside the wheel, or ``templates/`` of a checkout)."""
    package = Path(__file__).resolve().parent
    inside = package / "templates"
    if inside.is_dir():
        return inside
    return package.parent / "templates"


def template_dirs(workspace: Path | None) -> list[Path]:
    """Where templates are looked up: the workspace's ``templates/`` first, then briefing's."""
    dirs = []
    if workspace is not None and (workspace / "templates").is_dir():
        dirs.append(workspace / "templates")
    packaged = packaged_template_dir()
    if packaged not in dirs:
        dirs.append(packaged)
    return dirs


def find_templates(names: tuple[str, ...], workspace: Path | None = None) -> list[Path]:
    """The files the templates ``names`` are rendered from (as found for this workspace), so a
    change to any of them can be detected."""
    found = []
    for name in names:
        for folder in template_dirs(workspace):
            if (folder / name).is_file():
                found.append(folder / name)
                break
    return found


def environment(workspace: Path | None, *, autoescape: bool,
                filters: tuple[tuple[str, Callable[..., str]], ...] = ()) -> jinja2.Environment:
    """The environment for the templates of ``workspace`` (``StrictUndefined``, blocks trimmed,
    trailing newline kept), with ``filters`` added."""
    return _environment(tuple(template_dirs(workspace)), autoescape, filters)


@functools.lru_cache(maxsize=16)
def _environment(dirs: tuple[Path, ...], autoescape: bool,
                 filters: tuple[tuple[str, Callable[..., str]], ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(dict(filters))
    return env
