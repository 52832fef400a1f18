"""briefing.installed: a library's version from its dist-info folder, as importlib.metadata
gives it, and importlib.metadata's answer where the folder does not say."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

from briefing import installed


@pytest.mark.parametrize(("distribution", "module"), [
    ("pyttsx3", None), ("pydub", None), ("Jinja2", "jinja2"), ("PyYAML", "yaml"),
    ("pydantic", None), ("typer", None), ("espeakng-loader", None), ("mutagen", None),
])
def test_version_is_importlib_metadata_s(distribution: str, module: str | None) -> None:
    assert installed.version(distribution, module) == importlib.metadata.version(distribution)


def test_version_is_read_without_importlib_metadata() -> None:
    """In a fresh process (as a build's): the version, and importlib.metadata never imported."""
    code = ("import sys; from briefing import installed; "
            "print(installed.version('pyttsx3'), 'importlib.metadata' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == [importlib.metadata.version("pyttsx3"), "False"]


def test_not_installed_is_unknown() -> None:
    assert installed.version("no-such-distribution-here") == "unknown"
    assert installed.dist_info("no_such_module_here", "no-such-distribution-here") == ""


def _fake_site(tmp_path: Path, *folders: str) -> Path:
    (tmp_path / "fakelib_x").mkdir()
    (tmp_path / "fakelib_x" / "__init__.py").write_text("", encoding="utf-8")
    for name in folders:
        (tmp_path / name).mkdir()
    return tmp_path


def test_the_folder_beside_the_module_names_the_version(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(_fake_site(tmp_path, "fakelib_x-3.4.5rc1.dist-info",
                                               "fakelib_xy-9.9.dist-info")))
    assert installed.dist_info("fakelib_x", "fakelib-x") == "fakelib_x-3.4.5rc1.dist-info"
    assert installed.version("fakelib-x") == "3.4.5rc1"


def test_two_folders_side_by_side_ask_importlib_metadata(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = _fake_site(tmp_path, "fakelib_x-1.0.dist-info", "fakelib_x-2.0.dist-info")
    for version in ("1.0", "2.0"):
        (site / f"fakelib_x-{version}.dist-info" / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: fakelib-x\nVersion: {version}\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    asked: list[str] = []
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: asked.append(name) or real(name))
    assert installed.version("fakelib-x") in {"1.0", "2.0"}
    assert asked == ["fakelib-x"]
