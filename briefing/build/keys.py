"""Stage keys: what each stage's result depends on, derived from the settings' tags.

The pipeline is script → synthesis → assembly → encoding → outputs → site.  Every setting says
which stage it invalidates (``invalidates`` in :mod:`briefing.config`); the key of a stage is the
canonical hash of

* that stage's versioned fingerprint (:data:`FINGERPRINTS`, the one place where a change of
  code that changes a stage's result for the same inputs is recorded),
* the values of exactly the settings tagged with that stage,
* the key of the stage upstream of it (so a setting invalidates its stage and every later one),

and the key of each item a stage makes (a segment, a chapter, a date's outputs, a page) adds the
item's own inputs to it.  Nobody lists settings by hand, so a new setting is in the right keys
as soon as it is declared.

The script is the one break in the chain: it is a file the producer owns and may edit, so the
stages after it depend on the script's *text* (its sentences, voice and rate), not on the
settings that generated it; a script setting reaches the audio only by changing the script.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from briefing.audio.assemble import SAMPLE_RATE, Gaps
from briefing.audio.chapter import GAIN_TOLERANCE_DB, MP3_LOUDNESS_LOSS_LU
from briefing.audio.trim import (
    EDGE_MARGIN_MS,
    ONSET_FLOOR_DBFS,
    ONSET_MAX_MS,
    SILENCE_THRESHOLD_DBFS,
)
from briefing.audio.units import SEAM_FRAMES
from briefing.audio.versions import LOUDNESS_VERSION
from briefing.build.stages import PIPELINE as PIPELINE  # re-exported: defined there
from briefing.build.stages import Stage as Stage
from briefing.config import Settings, invalidates
from briefing.hashing import canonical_hash

UPSTREAM: Mapping[Stage, Stage | None] = {
    Stage.SCRIPT: None,
    Stage.SYNTHESIS: None,  # reads the script's text, not the script settings (see above)
    Stage.ASSEMBLY: Stage.SYNTHESIS,
    Stage.ENCODING: Stage.ASSEMBLY,
    Stage.OUTPUTS: Stage.ENCODING,
    Stage.SITE: Stage.OUTPUTS,
}
"""The stage whose key is part of each stage's key."""

FINGERPRINTS: Mapping[Stage, Mapping[str, Any]] = {
    Stage.SCRIPT: {
        # generated scripts change for the same articles and templates; 3: every heading
        # carries its chapter marker (``<!-- kind: story 1 -->``); 4: the editor's wording
        # (photos "taken today", a rundown that does not repeat the first sentence, the
        # closing without the date and with the credits grouped by agency, a programme name)
        # and the second ``]`` of an article's ``]]`` escaped (the reader refuses a ``]]``
        # that closes no ``[[``); 5: the closing's credits set the agency off by commas
        # ("Ann Lee, AFP, via Getty Images", was "Ann Lee of AFP via Getty Images")
        "version": 5,
    },
    Stage.SYNTHESIS: {
        "version": 1,  # the layout of a segment's key and its cache entry
        # (engine versions are the engines' own, the speech step's is in briefing.speech)
    },
    Stage.ASSEMBLY: {
        # trimming, pauses, normalisation: other PCM for the same segments; 5: pauses long
        # enough for a seam lengthened to put their middle on an MP3 frame boundary; 6: a
        # lead-in silence before a chapter's first sentence
        "version": 6,
        "sample_rate": SAMPLE_RATE,
        "silence_threshold_dbfs": SILENCE_THRESHOLD_DBFS,
        "onset_floor_dbfs": ONSET_FLOOR_DBFS,
        "onset_max_ms": ONSET_MAX_MS,
        "edge_margin_ms": EDGE_MARGIN_MS,
        "end_ms": Gaps(0, 0, 0).end_ms,
        "lead_ms": Gaps(0, 0, 0).lead_ms,
        "loudness": LOUDNESS_VERSION,
        "mp3_loudness_loss_lu": MP3_LOUDNESS_LOSS_LU,
    },
    Stage.ENCODING: {
        # the encoder's use (frames, Info frame) for the same PCM; 2: encoded in units joined
        # frame by frame (briefing.audio.units), an edited chapter keeping its gain
        "version": 2,
        "seam_frames": SEAM_FRAMES,
        "gain_tolerance_db": GAIN_TOLERANCE_DB,
    },
    Stage.OUTPUTS: {
        # 2: ID3 frames in time order and v2.3 dates, Xing TOC and LAME CRCs, playlist titles
        # without commas, WebVTT lines of at most 42 characters; 3: manifest format 2 (each
        # chapter's kind and story); 4: two levels (manifest format 3 with each chapter's
        # level, a child CTOC per story with photos, photos "toc": false in chapters.json);
        # 5: a talking book's last clip ends at the chapter's last whole millisecond
        "version": 5,
    },
    Stage.SITE: {
        # pages and feed for the same outputs (the templates are hashed too); 2: the episode
        # description of a one-story briefing adds the story's first sentence
        "version": 2,
    },
}
"""One versioned fingerprint per stage: bump a stage's ``version`` (or add the constant) when
its code makes other output from the same inputs."""


def tagged(stage: Stage) -> tuple[str, ...]:
    """The names of the settings tagged as invalidating ``stage``, in declaration order."""
    return tuple(f.name for f in dataclasses.fields(Settings) if invalidates(f.name) == stage)


def downstream(stage: Stage) -> tuple[Stage, ...]:
    """``stage`` and every stage whose key contains its key."""
    found = [stage]
    for later in PIPELINE:
        if UPSTREAM[later] in found:
            found.append(later)
    return tuple(found)


def _plain(value: Any) -> Any:
    """A setting's value as JSON (a nested dataclass becomes a dict, a tuple a list)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def settings_of(stage: Stage, settings: Settings) -> dict[str, Any]:
    """The values of the settings tagged with ``stage``."""
    return {name: _plain(getattr(settings, name)) for name in tagged(stage)}


@dataclasses.dataclass(frozen=True)
class StageKeys:
    """The settings part of every stage's key for one set of settings."""

    keys: Mapping[Stage, str]

    def __getitem__(self, stage: Stage) -> str:
        return self.keys[stage]


def stage_keys(settings: Settings) -> StageKeys:
    """Each stage's key: its fingerprint, its tagged settings, its upstream stage's key."""
    keys: dict[Stage, str] = {}
    for stage in PIPELINE:
        upstream = UPSTREAM[stage]
        keys[stage] = canonical_hash({
            "stage": stage.value,
            "fingerprint": dict(FINGERPRINTS[stage]),
            "settings": settings_of(stage, settings),
            "upstream": keys[upstream] if upstream is not None else None,
        })
    return StageKeys(keys)


def assembly_key(keys: StageKeys, segments: Sequence[str], shape: Sequence[Any],
                 last: bool) -> str:
    """A chapter's assembled audio: its segments (their digests), its pauses, its place."""
    return canonical_hash({"stage": keys[Stage.ASSEMBLY], "segments": list(segments),
                           "shape": list(shape), "last": last})


def encoding_key(keys: StageKeys, assembly: str) -> str:
    """A chapter's encoded (untagged) MP3: its assembly and the encoding settings."""
    return canonical_hash({"stage": keys[Stage.ENCODING], "assembly": assembly})


def memo_key(keys: StageKeys, date: str, chapter: int) -> str:
    """Where the memo of a date's ``chapter``-th chapter's last encode is kept (its gain and
    units, reused by the next encode of that chapter after an edit)."""
    return canonical_hash({"stage": keys[Stage.ENCODING], "date": date, "chapter": chapter})


def outputs_key(keys: StageKeys, chapters: Sequence[tuple[str, str, str, int | None]], title: str,
                date: str,
                extra: Mapping[str, Any]) -> str:
    """A date's output files: its chapters (encoding key, title, kind, story), the script's title
    and date
    (tags), and ``extra`` (the M4B's options, with its cover's hash)."""
    return canonical_hash({"stage": keys[Stage.OUTPUTS],
                           "chapters": [list(c) for c in chapters],
                           "tags": [title, date], **extra})


def site_key(keys: StageKeys, templates: Sequence[str], extra: Mapping[str, Any]) -> str:
    """The web pages' and feed's common key: the templates' hashes and ``extra`` (the feed's
    cover)."""
    return canonical_hash({"stage": keys[Stage.SITE], "templates": list(templates), **extra})


def summary_key(parts: Sequence[Any]) -> str:
    """One hash of a date's items of a stage (its segments' or its chapters' keys)."""
    return canonical_hash(list(parts))
