"""Find engines through the ``briefing.engines`` entry-point group.

Built-in engines are registered in ``pyproject.toml`` exactly like third-party ones.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from briefing.engines.base import Engine
from briefing.errors import BriefingError, ConfigError, EngineUnavailableError

log = logging.getLogger(__name__)

GROUP = "briefing.engines"


def _entry_points() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def available_engines() -> list[str]:
    """Names of the installed engines, sorted."""
    return sorted(_entry_points())


def load_engine(name: str) -> Engine:
    """Create an instance of the engine registered as ``name``."""
    eps = _entry_points()
    if name not in eps:
        known = ", ".join(sorted(eps)) or "none"
        raise ConfigError(f"unknown engine {name!r} (installed engines: {known})")
    try:
        cls = eps[name].load()
    except ImportError as exc:
        raise EngineUnavailableError(f"engine {name!r} cannot be loaded: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, Engine)):
        raise EngineUnavailableError(f"entry point {name!r} is not a briefing Engine")
    log.debug("loaded engine %s from %s", name, eps[name].value)
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
