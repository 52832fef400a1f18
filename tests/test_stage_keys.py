"""Stage keys are derived from the settings' tags: flipping any setting changes exactly the key
of the stage it is tagged with and of every stage downstream of it, and no other."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

import pytest

from briefing.build.keys import (
    FINGERPRINTS,
    PIPELINE,
    UPSTREAM,
    Stage,
    assembly_key,
    downstream,
    encoding_key,
    outputs_key,
    stage_keys,
    tagged,
)
from briefing.config import FeedSettings, Settings, invalidates
from briefing.errors import ConfigError

FIELDS = [f.name for f in dataclasses.fields(Settings) if f.name != "command_line"]


def _candidates(value: Any) -> list[Any]:
    """Other values of the same kind as ``value`` (the first valid one is used)."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [value + 1, value * 2, value - 1]
    if isinstance(value, float):
        return [value - 1.0, value + 1.0, value / 2]
    if isinstance(value, str):
        return [value + "x", "de", "https://example.org/briefings/"]
    if isinstance(value, tuple):
        return [value + value, (*reversed(value), "m4b")]
    if isinstance(value, FeedSettings):
        return [dataclasses.replace(value, title=value.title + " (other)")]
    if value is None:  # an optional text, rate or duration setting
        return ["https://example.org/briefings/", "tcp://127.0.0.1:8786", "gmw/en-us", 160, "3m"]
    raise AssertionError(f"no other value for {value!r}")


def flipped(name: str) -> Settings:
    """The default settings with ``name`` changed to another valid value."""
    base = Settings()
    for candidate in _candidates(getattr(base, name)):
        try:
            other = base.overridden(**{name: candidate})
        except ConfigError:
            continue
        if getattr(other, name) != getattr(base, name):
            return other
    raise AssertionError(f"found no other valid value of {name}")


def changed_stages(a: Settings, b: Settings) -> set[Stage]:
    ka, kb = stage_keys(a), stage_keys(b)
    return {s for s in PIPELINE if ka[s] != kb[s]}


def expected(name: str) -> set[Stage]:
    tag = invalidates(name)
    return set() if tag == "none" else set(downstream(Stage(tag)))


@pytest.mark.parametrize("name", FIELDS)
def test_flipping_a_setting_changes_exactly_its_stage_and_downstream(name: str) -> None:
    assert changed_stages(Settings(), flipped(name)) == expected(name), invalidates(name)


def test_every_setting_is_tagged_with_a_stage_or_none() -> None:
    stages = {s.value for s in Stage}
    for name in FIELDS:
        assert invalidates(name) in stages | {"none"}, name
    # every setting is in exactly one stage's tagged list, or tagged "none"
    listed = [n for s in PIPELINE for n in tagged(s)]
    assert sorted(listed) == sorted(n for n in FIELDS if invalidates(n) != "none")


def test_the_acceptance_settings_are_in_the_stages_the_issue_names() -> None:
    # ID3 tags are written after encoding: the artist is no part of any audio stage's key
    assert expected("artist") == {Stage.OUTPUTS, Stage.SITE}
    assert expected("bitrate_kbps") == {Stage.ENCODING, Stage.OUTPUTS, Stage.SITE}
    assert expected("sentence_pause_ms") == {Stage.ASSEMBLY, Stage.ENCODING, Stage.OUTPUTS,
                                             Stage.SITE}
    # the rate reaches synthesis through the script's front matter (see test_build_plan)
    assert expected("rate") == {Stage.SCRIPT}
    assert expected("engine") == {Stage.SYNTHESIS, Stage.ASSEMBLY, Stage.ENCODING,
                                  Stage.OUTPUTS, Stage.SITE}


def test_same_settings_same_keys_and_stages_differ() -> None:
    a, b = stage_keys(Settings()), stage_keys(Settings())
    assert a == b
    assert len({a[s] for s in PIPELINE}) == len(PIPELINE)


def test_a_fingerprint_change_changes_its_stage_and_downstream(
        monkeypatch: pytest.MonkeyPatch) -> None:
    before = stage_keys(Settings())
    for stage in PIPELINE:
        bumped = dict(FINGERPRINTS)
        bumped[stage] = {**FINGERPRINTS[stage], "version": FINGERPRINTS[stage]["version"] + 1}
        monkeypatch.setattr("briefing.build.keys.FINGERPRINTS", bumped)
        after = stage_keys(Settings())
        assert {s for s in PIPELINE if before[s] != after[s]} == set(downstream(stage))
    monkeypatch.undo()


def test_audio_constants_are_in_the_assembly_fingerprint() -> None:
    fp = FINGERPRINTS[Stage.ASSEMBLY]
    from briefing.audio.assemble import Gaps
    from briefing.audio.chapter import MP3_LOUDNESS_LOSS_LU
    from briefing.audio.trim import SILENCE_THRESHOLD_DBFS

    assert fp["mp3_loudness_loss_lu"] == MP3_LOUDNESS_LOSS_LU
    assert fp["silence_threshold_dbfs"] == SILENCE_THRESHOLD_DBFS
    assert fp["end_ms"] == Gaps(0, 0, 0).end_ms


def test_item_keys_follow_their_stage_keys() -> None:
    base, louder = stage_keys(Settings()), stage_keys(Settings(bitrate_kbps=96))
    paused = stage_keys(Settings(sentence_pause_ms=300))
    tagged_ = stage_keys(Settings(artist="Someone else"))
    asm = assembly_key(base, ["a", "b"], [["para", 2]], last=True)
    assert assembly_key(louder, ["a", "b"], [["para", 2]], last=True) == asm
    assert assembly_key(paused, ["a", "b"], [["para", 2]], last=True) != asm
    assert assembly_key(base, ["a", "b"], [["para", 2]], last=False) != asm
    assert assembly_key(base, ["b", "a"], [["para", 2]], last=True) != asm
    enc = encoding_key(base, asm)
    assert encoding_key(tagged_, asm) == enc  # the artist re-encodes nothing
    assert encoding_key(louder, asm) != enc
    out = outputs_key(base, [(enc, "Opening")], "Title", "2024-05-14", {})
    assert outputs_key(tagged_, [(enc, "Opening")], "Title", "2024-05-14", {}) != out
    assert outputs_key(base, [(enc, "Retitled")], "Title", "2024-05-14", {}) != out


def test_the_pipeline_is_a_chain_from_synthesis() -> None:
    assert PIPELINE[0] is Stage.SCRIPT and UPSTREAM[Stage.SCRIPT] is None
    assert UPSTREAM[Stage.SYNTHESIS] is None  # the script's text, not its settings
    for earlier, later in itertools.pairwise(PIPELINE[1:]):
        assert UPSTREAM[later] is earlier
