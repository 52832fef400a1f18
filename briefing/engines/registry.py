"""Find engines: briefing's own by name, the others through the ``briefing.engines``
entry-point group.

Built-in engines are registered in ``pyproject.toml`` exactly like third-party ones, so any
tool reading entry points sees them; :data:`BUILT_IN` names the same classes (a test checks
they agree), so loading one does not scan every installed distribution's entry points
(9 ms in the test environment, on every build's way to its plan, and importing
:mod:`importlib.metadata` 13 ms more; issue 17), as llm loads its
default plugins.  A third-party engine cannot take a built-in engine's name.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing.engines.base import Engine
from briefing.errors import BriefingError, ConfigError, EngineUnavailableError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

log = logging.getLogger(__name__)

GROUP = "briefing.engines"


BUILT_IN = {
    "pyttsx3": "briefing.engines.espeak:Pyttsx3Engine",
    "fake": "briefing.engines.fake:FakeEngine",
    "piper": "briefing.engines.piper:PiperEngine",
}
"""briefing's own engines: name → ``module:class``, as in ``pyproject.toml``."""


def _entry_points() -> dict[str, EntryPoint]:
    from importlib.metadata import entry_points  # imported here: 13 ms, for plug-ins only

    return {ep.name: ep for ep in entry_points(group=GROUP)}


def available_engines() -> list[str]:
    """Names of the installed engines, sorted."""
    return sorted(set(BUILT_IN) | set(_entry_points()))


def _engine_class(name: str) -> tuple[object, str]:
    """The object registered as ``name`` and where it comes from (``module:class``)."""
    if name in BUILT_IN:
        module, _, attr = BUILT_IN[name].partition(":")
        return getattr(importlib.import_module(module), attr), BUILT_IN[name]
    eps = _entry_points()
    if name not in eps:
        known = ", ".join(sorted(set(BUILT_IN) | set(eps)))
        raise ConfigError(f"unknown engine {name!r} (installed engines: {known})")
    return eps[name].load(), eps[name].value


def load_engine(name: str) -> Engine:
    """Create an instance of the engine registered as ``name``."""
    try:
        cls, where = _engine_class(name)
    except ImportError as exc:
        raise EngineUnavailableError(f"engine {name!r} cannot be loaded: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, Engine)):
        raise EngineUnavailableError(f"entry point {name!r} is not a briefing Engine")
    log.debug("loaded engine %s from %s", name, where)
    engine: Engine = cls()
    return engine


@dataclass(frozen=True)
class EngineStatus:
    """Whether an installed engine can be used here."""

    name: str
    usable: bool
    version: str | None
    reason: str | None
    """Why it cannot be used (one line), when it cannot."""

    settings: tuple[str, ...] = ()
    """The voice settings it honours."""

    output: str = ""
    """What it returns (``WAV mono 16-bit 22050 Hz``)."""


def engine_status(name: str) -> EngineStatus:
    """Load ``name`` and ask for its version, without synthesising anything."""
    try:
        engine = load_engine(name)
        try:
            version = engine.version
            output = f"WAV mono 16-bit {engine.sample_rate} Hz"
        finally:
            engine.close()
    except BriefingError as exc:
        return EngineStatus(name, False, None, exc.message)
    return EngineStatus(name, True, version, None, engine.settings, output)


def choose_voice(engine: Engine, voice: str) -> str:
    """The id of the voice ``voice`` names on ``engine``, checked before anything is written.

    ``voice`` is a voice's id (``gmw/en-gb-x-rp``), or a language that ``briefing voices``
    lists beside a voice (``en-gb``), which resolves to the first voice listing it (case does
    not matter), or a name the engine takes without listing it (:meth:`Engine.unlisted_voice`:
    a Piper model's path).  An engine that lists no voices accepts any name.  Anything else is a
    :class:`~briefing.errors.ConfigError` (exit status 2) naming a few voices offered.
    """
    offered = engine.voices()
    if not offered:
        return voice
    wanted = voice.strip().lower()
    for info in offered:
        if info.id.lower() == wanted:
            return info.id
    for info in offered:
        if any(lang.lower() == wanted for lang in info.languages):
            log.info("voice %r is %s", voice, info.id)
            return info.id
    for info in offered:  # "en-gb" for the id "gmw/en-gb": the part after the family
        if info.id.lower().rsplit("/", 1)[-1] == wanted:
            return info.id
    unlisted = engine.unlisted_voice(voice)
    if unlisted is not None:
        return unlisted
    sample = ", ".join(v.id for v in offered[:5])
    raise ConfigError(f"unknown voice {voice!r} for engine {engine.name!r} (e.g. {sample}; "
                      "'briefing voices' lists them all)")
