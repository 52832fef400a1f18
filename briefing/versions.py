"""Format versions that are part of cache keys, kept where importing them costs nothing.

Bump one whenever the same inputs would give different output, so caches are rebuilt.
"""

from __future__ import annotations

LOUDNESS_VERSION = 2
"""Loudness normalisation (:mod:`briefing.loudness`); importing that module loads numpy.

2: measured and limited in blocks of 30 s (a chapter longer than one block may differ from
version 1 by a rounding in a few samples)."""
