"""Manifests the build wrote are read back without pydantic; every one of them passes the
model's check, and a changed one is checked again (:mod:`briefing.publish.manifest`)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from briefing.publish.manifest import ManifestError, load_manifests, read_manifest
from briefing.publish.manifest_model import validated
from briefing.remembered import remembering
from tests.conftest import isolate, run_cli

REPO = Path(__file__).resolve().parent.parent

READ = """
import sys
from pathlib import Path
from briefing.publish.manifest import load_manifests
from briefing.remembered import remembering
from tests.conftest import isolate, run_cli
with remembering(Path({checked!r})):
    found = load_manifests(Path({audio!r}))
print(len(found), sorted(m["date"] for m in found), "pydantic" in sys.modules)
"""


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's dates built with the fake engine and every audio format, so each
    manifest has its M4B, DAISY, EPUB and WAV entries (read only: tests copy it)."""
    root = tmp_path_factory.mktemp("formats")
    ws = root / "ws"
    (ws / "articles").mkdir(parents=True)
    for article in sorted((REPO / "articles").glob("*.txt")):
        shutil.copy(article, ws / "articles" / article.name)
    (ws / "briefing.toml").write_text(
        'engine = "fake"\nformats = ["mp3", "m4b", "daisy", "epub", "wav"]\n', encoding="utf-8")
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch, root / "home", root)
        result = run_cli("build", "-w", ws)
    assert result.exit_code == 0, result.stderr
    return ws


@pytest.fixture
def every_format(built_once: Path, tmp_path: Path) -> Path:
    """A copy of :func:`built_once` to change."""
    return Path(shutil.copytree(built_once, tmp_path / "ws", symlinks=True))


def _manifests(ws: Path) -> list[Path]:
    return sorted((ws / "audio").glob("*/briefing-*.json"))


def test_every_manifest_the_build_writes_passes_the_model(every_format: Path) -> None:
    paths = _manifests(every_format)
    assert len(paths) >= 2
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert {"m4b", "daisy", "epub", "wav", "published"} <= set(data)
        manifest = validated(data)  # the layout, by pydantic
        assert read_manifest(path, path.parent.name) == manifest  # and every other rule


def test_read_back_in_a_new_process_without_pydantic(every_format: Path) -> None:
    code = READ.format(checked=str(every_format / ".briefing" / "checked"),
                       audio=str(every_format / "audio"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    dates = sorted(p.parent.name for p in _manifests(every_format))
    assert out[0] == str(len(dates))
    assert out[-1] == "False", "a manifest the build wrote was checked again"
    # outside a build nothing is remembered: the same manifests are checked by the model
    outside = [m for m in load_manifests(every_format / "audio")]
    with remembering(every_format / ".briefing" / "checked"):
        assert load_manifests(every_format / "audio") == outside


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["chapters"][0].update(file="../escape.mp3"),
     r"manifest\.chapters\[0\]\.file is not a plain file name"),
    (lambda d: d.update(surprise=1), r"manifest\.surprise is not a field of a manifest"),
    (lambda d: d["cues"][0].update(chapter=99), r"manifest\.cues\[0\]\.chapter 99"),
])
def test_a_changed_manifest_is_checked_again(every_format: Path,
                                             change: Callable[[dict[str, Any]], None],
                                             message: str) -> None:
    path = _manifests(every_format)[0]
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    with remembering(every_format / ".briefing" / "checked"):
        for _ in range(2):  # refused every time: an error is never remembered
            with pytest.raises(ManifestError, match=message):
                read_manifest(path, path.parent.name)


def test_a_remembered_manifest_must_still_be_in_its_own_folder(every_format: Path) -> None:
    path = _manifests(every_format)[0]
    moved = every_format / "audio" / "2001-01-01" / "briefing-2001-01-01.json"
    moved.parent.mkdir()
    shutil.copy(path, moved)
    with remembering(every_format / ".briefing" / "checked"), \
            pytest.raises(ManifestError, match="does not match its folder 2001-01-01"):
        read_manifest(moved, moved.parent.name)


def test_a_damaged_entry_is_checked_again(every_format: Path) -> None:
    path = _manifests(every_format)[0]
    checked = every_format / ".briefing" / "checked"
    good = read_manifest(path, path.parent.name)
    entries = list(checked.glob("manifest/??/*.json"))
    assert entries
    for damage in (b"{not json", b'{"chapters": []}', b"[]", b'{"chapters": [{"kind": "x"}]}'):
        for entry in entries:
            entry.write_bytes(damage)
        with remembering(checked):
            assert read_manifest(path, path.parent.name) == good


def _edit_build(ws: Path, words: str) -> tuple[dict[str, Any], set[str]]:
    """Add ``words`` to the first sentence of the first script, build in a new process: its
    report, and the modules it imported."""
    script = sorted((ws / "scripts").glob("*.md"))[0]
    text = script.read_text(encoding="utf-8")
    end = text.index(".", text.index("## Story 1"))
    script.write_text(text[:end] + words + text[end:], encoding="utf-8")
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "briefing", "build", "-w",
                          str(ws), "--json", "-q"], capture_output=True, text=True,
                         cwd=ws, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout), {line.split("|")[-1].strip() for line in
                                    run.stderr.splitlines() if line.startswith("import time:")}


def test_an_edit_build_imports_no_pydantic(every_format: Path) -> None:
    """The edited date's manifest is written and read back by the site, the others read back:
    none is checked by the model again, and neither is the settings file (which the first
    build checked before it made the state folder, and remembered when it had)."""
    report, imported = _edit_build(every_format, ", the producer added")
    assert sum(d["segments"]["synthesized"] for d in report["dates"]) == 1
    assert "briefing.publish.outputs" in imported  # the outputs were written
    assert not {m for m in imported if m.split(".")[0] in ("pydantic", "pydantic_core")}


def test_a_hand_edited_previous_manifest_is_not_carried_over(every_format: Path) -> None:
    """What a rebuild carries over from the previous manifest (the WAV's entry, the
    publication times) is checked first: a hand-edited entry is not written, and so not
    remembered, as part of a manifest the build made."""
    path = _manifests(every_format)[0]
    data = json.loads(path.read_text(encoding="utf-8"))
    data["wav"]["cues_csv"] = "../escape.csv"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    (path.parent / f"briefing-{path.parent.name}.vtt").unlink()  # the date's files rewritten
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(every_format)
        result = run_cli("build", "-w", every_format)
    assert result.exit_code == 0, result.stderr
    assert "manifest.wav.cues_csv is not a plain file name" in result.stderr
    assert "it is written anew, nothing of it carried over" in result.stderr
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["wav"]["cues_csv"] == f"briefing-{path.parent.name}.cues.csv"
    validated(written)
