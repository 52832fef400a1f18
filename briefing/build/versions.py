"""Format versions that are part of cache keys, kept where importing them costs nothing.

Bump one whenever the same inputs would give different output, so caches are rebuilt.
"""

from __future__ import annotations

LOUDNESS_VERSION = 2
"""Loudness normalisation (:mod:`briefing.audio.loudness`); importing that module loads numpy.

2: measured and limited in blocks of 30 s (a chapter longer than one block may differ from
version 1 by a rounding in a few samples)."""

OUTPUTS_VERSION = 3
"""The bytes of a date's outputs for the same chapters (:mod:`briefing.publish.outputs`, tags, Info
frames, playlist, transcripts).  2: ID3 frames in time order and v2.3 dates, Xing TOC and LAME
CRCs, playlist titles without commas, WebVTT lines of at most 42 characters.  3: manifest
format 2 (each chapter's kind and story)."""
