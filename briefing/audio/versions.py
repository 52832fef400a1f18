"""The versions of the audio stage's algorithms that cache keys depend on.

Kept apart from the algorithms themselves so that the planner (:mod:`briefing.build.keys`)
reads them without importing numpy and the signal code, which only the workers run.
"""

from __future__ import annotations

LOUDNESS_VERSION = 3
"""The loudness normalisation's version (:mod:`briefing.audio.loudness`), part of the assembly
stage's fingerprint.  2: measured and limited in blocks of 30 s (a chapter longer than one
block may differ from version 1 by a rounding in a few samples); 3: a chapter encoded in units
has its gain searched on its units' analyses (:mod:`briefing.audio.unit_levels`)."""

__all__ = ["LOUDNESS_VERSION"]
