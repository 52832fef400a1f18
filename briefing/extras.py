"""Whether an optional extra (``briefing[piper]``, ``briefing[proof]``) is installed, cheaply."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable


def first_missing(modules: Iterable[tuple[str, str]]) -> str | None:
    """The distribution of the first ``(module, distribution)`` whose module cannot be found.

    Nothing is imported: :func:`importlib.util.find_spec` only looks the module up, so the
    check costs no start-up time (onnxruntime or ctranslate2 take seconds to import).
    """
    for module, dist in modules:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            return dist
    return None
