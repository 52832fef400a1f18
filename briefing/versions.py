"""Format versions that are part of cache keys, kept where importing them costs nothing.

Bump one whenever the same inputs would give different output, so caches are rebuilt.
"""

from __future__ import annotations

LOUDNESS_VERSION = 1
"""Loudness normalisation (:mod:`briefing.loudness`); importing that module loads numpy."""
