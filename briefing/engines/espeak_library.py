"""Loading espeak-ng for the ``pyttsx3`` engine (:mod:`briefing.engines.espeak`).

pip only: the ``espeakng-loader`` package ships ``libespeak-ng`` together with its
``espeak-ng-data``.  Its library is loaded with ``RTLD_GLOBAL`` and ``ESPEAK_DATA_PATH`` is
pointed at its data *before* pyttsx3 is imported, so pyttsx3's own ``dlopen`` of
``libespeak-ng.so.1`` finds the already loaded copy (matched by soname).  The bundled library
is preferred over a system one because it makes the output reproducible; a system
``libespeak-ng`` is used only when ``espeakng-loader`` is missing or cannot be loaded.

Loading is done once per process and starts no thread, so it is fork-safe (initialising
espeak-ng, in :mod:`briefing.engines.espeak`, is not).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.engines.espeak_state import UtteranceState, find_state
from briefing.errors import EngineUnavailableError

logger = logging.getLogger(__name__)

INSTALL_HINT = "pip install espeakng-loader (or apt-get install espeak-ng)"
_SYSTEM_LIBRARIES = (
    "libespeak-ng.so.1",
    "libespeak-ng.1.dylib",
    "/opt/homebrew/lib/libespeak-ng.1.dylib",
    "/usr/local/lib/libespeak-ng.1.dylib",
    "libespeak-ng.dll",
)
ESPEAK_RATE = 1
"""``espeakRATE`` in espeak-ng's ``espeak_PARAMETER``."""
ESPEAK_WORDGAP = 7
"""``espeakWORDGAP``: a pause between words, in units of 10 ms at the default speed."""
SAMPLE_RATE = 22050
"""pyttsx3's espeak driver writes every file at this rate (espeak-ng's own, except MBROLA)."""


@dataclass(frozen=True)
class Library:
    """The espeak-ng library pyttsx3 uses in this process (loaded, not yet initialised)."""

    espeak: Any
    """``pyttsx3.drivers._espeak``: pyttsx3's ctypes binding."""

    version: str
    """espeak-ng's version string (``espeak_Info``), e.g. ``1.52.0``."""

    origin: str
    """``espeakng-loader`` or ``system``."""

    current_parameter: Callable[[int], int]
    """``espeak_GetParameter(parameter, current=1)``: the value espeak-ng actually holds."""

    state: UtteranceState | None
    """espeak-ng's between-utterance statics, written back before every utterance so each
    segment depends only on its text, voice and rate (None: this library cannot be reset)."""


def _import_loader() -> Any:
    try:
        import espeakng_loader
    except ImportError:
        return None
    return espeakng_loader


def _preload() -> tuple[ctypes.CDLL, str, str | None]:
    """``dlopen`` libespeak-ng globally; return it, its origin and the ``ESPEAK_DATA_PATH`` set."""
    loader = _import_loader()
    if loader is not None:
        try:
            lib_path = str(loader.get_library_path())
            data_dir = Path(loader.get_data_path())
            lib = ctypes.CDLL(lib_path, mode=ctypes.RTLD_GLOBAL)
        except (OSError, RuntimeError) as exc:
            logger.warning(
                "espeakng-loader's espeak-ng cannot be loaded (%s); trying the system's", exc
            )
        else:
            # espeak-ng looks for <ESPEAK_DATA_PATH>/espeak-ng-data (the directory itself is
            # accepted too).  Without it the bundled library looks in its build directory and
            # exits the whole process ("Error processing file ... phontab").
            data_path = str(data_dir.parent)
            previous = os.environ.get("ESPEAK_DATA_PATH")
            if previous not in (None, data_path, str(data_dir)):
                logger.info(
                    "overriding ESPEAK_DATA_PATH=%s: the bundled espeak-ng needs its data", previous
                )
            os.environ["ESPEAK_DATA_PATH"] = data_path
            logger.debug("using espeak-ng from espeakng-loader: %s (data %s)", lib_path, data_dir)
            return lib, "espeakng-loader", data_path
    names = [ctypes.util.find_library("espeak-ng"), *_SYSTEM_LIBRARIES]
    for name in names:
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name, mode=ctypes.RTLD_GLOBAL)
        except OSError:
            continue
        logger.debug("using the system's espeak-ng: %s", name)
        return lib, "system", None
    raise EngineUnavailableError(f"the espeak-ng library is not installed: {INSTALL_HINT}")


def _symbol_address(lib: ctypes.CDLL, symbol: str) -> int | None:
    return ctypes.cast(lib[symbol], ctypes.c_void_p).value


def _open_library() -> Library:
    ours, origin, data_path = _preload()
    try:
        espeak = importlib.import_module("pyttsx3.drivers._espeak")
    except ImportError as exc:
        raise EngineUnavailableError("pyttsx3 is not installed: pip install pyttsx3") from exc
    except (OSError, RuntimeError) as exc:
        raise EngineUnavailableError(
            f"pyttsx3 cannot load the espeak-ng library: {INSTALL_HINT}"
        ) from exc
    dll: ctypes.CDLL = espeak.dll
    if _symbol_address(dll, "espeak_Info") != _symbol_address(ours, "espeak_Info"):
        # pyttsx3 found another copy (e.g. an absolute Homebrew path on macOS): use what it uses.
        logger.warning("pyttsx3 uses %s rather than %s's espeak-ng", dll._name, origin)
        origin = "system"
        if data_path is not None and os.environ.get("ESPEAK_DATA_PATH") == data_path:
            del os.environ["ESPEAK_DATA_PATH"]
    info = ctypes.CFUNCTYPE(ctypes.c_char_p, ctypes.c_void_p)(("espeak_Info", dll))
    get_parameter = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.c_int)(
        ("espeak_GetParameter", dll)
    )
    raw_version = info(None)
    version = raw_version.decode("utf-8", "replace") if raw_version else "unknown"

    def current_parameter(parameter: int) -> int:
        value: int = get_parameter(parameter, 1)
        return value

    state = find_state(dll)  # before anything is spoken: the initial values
    if state is None:
        logger.warning(
            "this espeak-ng library (%s) has no symbol table: a segment's audio may depend "
            "slightly on the segments spoken before it in the same worker", dll._name
        )
    return Library(
        espeak=espeak,
        version=version,
        origin=origin,
        current_parameter=current_parameter,
        state=state,
    )


_library_lock = threading.Lock()
_library: Library | None = None


def load_library() -> Library:
    """The espeak-ng library of this process, loaded on the first call."""
    global _library
    with _library_lock:
        if _library is None:
            _library = _open_library()
        return _library
