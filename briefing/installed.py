"""Which release of a library is installed, read off its ``*.dist-info`` folder.

:mod:`importlib.metadata` answers by importing itself and its dependencies and scanning every
folder of ``sys.path`` (about 50 ms on a quiet two-core machine, the first time in a process):
that was the single largest cost of planning a one-sentence edit, which asks for its engine's
version (part of every segment's cache key; issue 17).  A wheel installs its module and its
``<name>-<version>.dist-info`` folder side by side, so the folder beside the module that Python
imports is found with one ``scandir`` and names the release of the code that actually runs.
Where that is not how the library was installed (an egg, a zip, two dist-info folders left
side by side), :mod:`importlib.metadata` answers as before.
"""

from __future__ import annotations

import os
from importlib.util import find_spec
from pathlib import Path

SUFFIX = ".dist-info"


def dist_info(module: str, distribution: str) -> str:
    """The names of the ``*.dist-info`` folders of ``distribution`` beside the top-level
    ``module`` (space-separated, sorted: it holds the version), found without importing the
    module or :mod:`importlib.metadata`; '' when there is none or the module is not found."""
    try:
        spec = find_spec(module)
    except (ImportError, ValueError):
        return ""
    if spec is None or spec.origin is None:
        return ""
    folder = Path(spec.origin).parent
    site = folder.parent if folder.name == module else folder  # a package, or a module file
    wanted = distribution.lower().replace("-", "_").replace(".", "_") + "-"
    try:
        found = sorted(entry.name for entry in os.scandir(site)
                       if entry.name.lower().startswith(wanted) and entry.name.endswith(SUFFIX))
    except OSError:
        return ""
    return " ".join(found)


def version(distribution: str, module: str | None = None) -> str:
    """The installed version of ``distribution`` (whose top-level module is ``module``, by
    default its name with ``_`` for ``-``), or "unknown" when it is not installed."""
    found = dist_info(module or distribution.replace("-", "_"), distribution).split()
    if len(found) == 1:  # <name>-<version>.dist-info: a version has no "-"
        return found[0].removesuffix(SUFFIX).rsplit("-", 1)[1]
    import importlib.metadata  # imported here: see the module docstring

    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
