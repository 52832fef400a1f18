"""Speech engines: one abstract method, found through the ``briefing.engines`` entry points."""

from __future__ import annotations

from briefing.engines.base import Engine, VoiceInfo, VoiceSettings
from briefing.engines.registry import available_engines, load_engine

__all__ = ["Engine", "VoiceInfo", "VoiceSettings", "available_engines", "load_engine"]
