"""briefing: turn news articles with photo captions into accessible, chaptered audio briefings."""

from __future__ import annotations

__version__ = "0.1.0"
