"""The stages of a build, by name: the report, the state and the command line name them
without importing what computes their keys (:mod:`briefing.build.keys`, which imports the
audio stage's constants)."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """The stages of a build, in pipeline order."""

    SCRIPT = "script"
    SYNTHESIS = "synthesis"
    ASSEMBLY = "assembly"
    ENCODING = "encoding"
    OUTPUTS = "outputs"
    SITE = "site"


PIPELINE: tuple[Stage, ...] = tuple(Stage)
