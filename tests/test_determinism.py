"""Synthesis is a function of its cache key, with the real engine (pyttsx3/espeak-ng).

espeak-ng keeps state from one utterance to the next (its pitch flutter phase, gain and noise
generators); :mod:`briefing.engines.espeak_state` puts it back before every segment.  These tests
check the property itself: the same sentence after any history gives the same bytes, and whole
builds do not depend on how segments were spread over workers.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, REPO

pytestmark = pytest.mark.real_engine

TARGETS = (
    ("The council approved the new library budget on Tuesday.", None, 175),
    ("Is the bridge open? Not until March!", "de", 230),
    ("Heavy rain is expected tonight.", "en-us+klatt", 175),
    ("Heavy rain is expected tonight.", "en+f3", 320),
)
HISTORIES = (
    (),
    (("Hello.", None, 175),),
    (("Is it? Yes! 12,000 people, said Mrs. O'Brien.", "en+klatt2", 120),
     ("Zwölf Bücher liegen dort.", "de", 380),
     ("The council approved the new library budget on Tuesday.", None, 175)),
    tuple((f"Sentence number {n} is a little longer than the one before it.", None, 175)
          for n in range(12)),
)


def synthesise_after(history: tuple[tuple[str, str | None, int], ...]) -> list[str]:
    """Hashes of :data:`TARGETS` spoken by one fresh process after it spoke ``history``."""
    code = (
        "import hashlib, json, sys\n"
        "from briefing.engines.espeak import Pyttsx3Engine\n"
        "from briefing.engines.base import VoiceSettings\n"
        "history, targets = json.loads(sys.argv[1])\n"
        "engine = Pyttsx3Engine()\n"
        "for text, voice, rate in history:\n"
        "    engine.synthesize(text, VoiceSettings(voice, rate))\n"
        "print(json.dumps([hashlib.sha256(engine.synthesize(t, VoiceSettings(v, r)))"
        ".hexdigest() for t, v, r in targets]))\n")
    result = subprocess.run([sys.executable, "-c", code, json.dumps([history, TARGETS])],
                            capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr
    hashes: list[str] = json.loads(result.stdout)
    return hashes


def test_same_sentence_after_any_history_gives_the_same_bytes() -> None:
    first = synthesise_after(HISTORIES[0])
    for history in HISTORIES[1:]:
        assert synthesise_after(history) == first, history


def test_the_same_sentence_twice_in_a_row_is_identical() -> None:
    hashes = synthesise_after(())
    again = synthesise_after(tuple(TARGETS))  # every target spoken once before
    assert again == hashes


def make_ws(root: Path, jobs: int) -> Path:
    (root / "articles").mkdir(parents=True)
    shutil.copy(DATA / "no_photos.txt", root / "articles" / "lib.txt")
    shutil.copy(DATA / "last_credit_missing.txt", root / "articles" / "credit.txt")
    (root / "briefing.toml").write_text(f'engine = "pyttsx3"\njobs = {jobs}\n')
    return root


def build(ws: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "briefing", "build", "-w", str(ws), "-q"],
                            capture_output=True, text=True, timeout=300, cwd=REPO,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr


def digests(ws: Path) -> dict[str, str]:
    found = {p.relative_to(ws).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for folder in ("audio", "scripts", ".briefing/segments")
             for p in sorted((ws / folder).rglob("*")) if p.is_file()}
    assert any(name.endswith(".mp3") for name in found)
    return found


def test_clean_builds_with_one_and_two_workers_are_byte_identical(tmp_path: Path) -> None:
    one, two = make_ws(tmp_path / "one", 1), make_ws(tmp_path / "two", 2)
    build(one)
    build(two)
    assert digests(one) == digests(two)
    # and a third, with two workers again, splits the segments differently and still agrees
    again = make_ws(tmp_path / "again", 2)
    build(again)
    assert digests(again) == digests(one)


def test_the_bundled_library_has_every_state_variable_and_restores_it() -> None:
    from briefing.engines.espeak_library import load_library
    from briefing.engines.espeak_state import STATE_VARIABLES

    state = load_library().state  # loads the library; nothing is initialised or spoken
    if state is None:
        pytest.skip("this espeak-ng library has no symbol table")
    from briefing.engines.espeak import Pyttsx3Engine

    # the cache keys say so: audio cached before the reset existed is never reused
    assert "+reset/" in Pyttsx3Engine().version
    bases = {name.split(".")[0] for name, _, _ in state.variables}
    assert "Flutter_ix" in bases and "agc" in bases
    assert bases <= set(STATE_VARIABLES) | {"espeak_rand_state"}
    initial = state.current()
    import ctypes

    name, address, value = state.variables[0]
    ctypes.memmove(address, b"\x07" * len(value), len(value))
    assert state.current()[name] != initial[name]
    state.restore()
    assert state.current() == initial


def test_a_library_without_a_symbol_table_is_not_reset(tmp_path: Path) -> None:
    from briefing.engines.espeak_state import elf_objects

    espeakng_loader = pytest.importorskip("espeakng_loader")
    library = Path(espeakng_loader.get_library_path())
    assert "Flutter_ix" in {name.split(".")[0] for name in elf_objects(library.read_bytes())}
    strip = shutil.which("strip")
    if strip is None:
        pytest.skip("no strip(1) here")
    stripped = tmp_path / library.name
    shutil.copy(library, stripped)
    subprocess.run([strip, str(stripped)], check=True, timeout=60)
    assert elf_objects(stripped.read_bytes()) == {}
    assert elf_objects(b"not an ELF file") == {}
    assert elf_objects(b"\x7fELF" + b"\x02\x01" + b"\xff" * 100) == {}
