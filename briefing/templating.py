"""The one place jinja2 environments are made, for the script template and the web templates.

Templates are looked up in the workspace's ``templates/`` first, then in briefing's own, with
``StrictUndefined`` (a misspelt field is an error, not an empty string).  The script template
renders Markdown (no autoescaping, Markdown filters); the pages and the feed render HTML and
XML with autoescaping on, so article text is only ever a value.  One environment per set of
folders and kind is kept, so each template is compiled once per process (jinja2 still reloads
a template whose file changed).

A build also keeps each template's compiled code in the workspace's state folder
(:func:`compiled_templates`, jinja2's bytecode cache), so a later build in a new process does
not compile the templates again (about 30 ms for the script, page and feed templates); jinja2
checks each entry against the template's source.  Only commands that write the workspace
enable it: ``status`` and ``check`` leave the workspace as they found it.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.fsutil import write_bytes_atomic

if TYPE_CHECKING:
    import jinja2

_COMPILED: contextvars.ContextVar[Path | None] = contextvars.ContextVar("compiled", default=None)


@functools.cache
def _bytecode_cache() -> jinja2.BytecodeCache:
    """The compiled templates of the folder :func:`compiled_templates` names (none outside
    it): made when the first environment is, so importing this module imports no jinja2."""
    import jinja2

    class CompiledTemplates(jinja2.BytecodeCache):
        def _file(self, bucket: jinja2.bccache.Bucket) -> Path | None:
            folder = _COMPILED.get()
            return folder / f"{bucket.key}.cache" if folder is not None else None

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            path = self._file(bucket)
            if path is not None:
                with contextlib.suppress(OSError):
                    bucket.bytecode_from_string(path.read_bytes())  # a stale one is ignored

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            path = self._file(bucket)
            if path is not None:
                with contextlib.suppress(OSError):  # the cache only saves time
                    write_bytes_atomic(path, bucket.bytecode_to_string())

    return CompiledTemplates()


@contextlib.contextmanager
def compiled_templates(folder: Path) -> Iterator[None]:
    """Within, keep compiled templates in ``folder`` (made when needed) and use them."""
    token = _COMPILED.set(folder)
    try:
        yield
    finally:
        _COMPILED.reset(token)


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
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters.update(dict(filters))
    return env
