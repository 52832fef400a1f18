"""Why a date's audio is out of date, in words that name the file or setting that changed.

The stage keys say *which* stage changed, not *what* the producer changed: after an edit of
``pronunciations.toml`` the script is byte for byte the same, yet its segments' keys are new.
So the plan records, beside the stage keys, a hash of each input the keys cannot name — the
lexicon and the settings' part of the keys — under names no stage has (``input:…``), and the
reason compares them with what the last build recorded.  A state written before these names
existed gives the neutral "what is spoken changed" rather than a guess.
"""

from __future__ import annotations

from collections.abc import Mapping

from briefing.build.context import BuildContext
from briefing.build.keys import Stage
from briefing.fsutil import sha256_hex

LEXICON = "input:lexicon"
SETTINGS = "input:settings"
SOUND = "input:sound:"
"""Followed by a sound insert's file (relative to the workspace): the key of its bytes."""


def input_hashes(ctx: BuildContext) -> dict[str, str]:
    """The hashes of the inputs the stage keys do not name, as recorded in the state."""
    path = ctx.ws.lexicon
    lexicon = sha256_hex(path.read_bytes()) if path.is_file() else ""
    return {LEXICON: lexicon, SETTINGS: ctx.keys[Stage.OUTPUTS]}


def stage_entries(stages: Mapping[str, str]) -> dict[str, str]:
    """Only the stages' own keys of a recorded ``stages`` mapping."""
    names = {s.value for s in Stage}
    return {k: v for k, v in stages.items() if k in names}


def what_changed(recorded: Mapping[str, str], now: Mapping[str, str], script: str) -> str:
    """The inputs that changed since ``recorded``, named: ``"pronunciations.toml changed"``.

    ``script`` is the script's workspace-relative path, named when its own text changed.
    """
    named = []
    if recorded.get(Stage.SCRIPT.value) != now.get(Stage.SCRIPT.value):
        named.append(script)
    if LEXICON in recorded and recorded[LEXICON] != now.get(LEXICON):
        named.append("pronunciations.toml")
    if SETTINGS in recorded and recorded[SETTINGS] != now.get(SETTINGS):
        named.append("the settings")
    named.extend(key.removeprefix(SOUND) for key, value in now.items()
                 if key.startswith(SOUND) and recorded.get(key, value) != value)
    if not named:
        return "what is spoken or how it is encoded changed"
    return " and ".join(named) + " changed"
