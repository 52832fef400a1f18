"""Hostile workspaces: odd entries in articles/, unreadable or read-only folders, a folder that
is not a workspace, editor files under watch (issue 12, the "Smaller" input items)."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefing.build.watch import is_input
from briefing.build.workspace import Workspace
from briefing.errors import ArticleError
from briefing.text.article import find_articles, read_article
from tests.conftest import DATA, Cli


def odd_entries(folder: Path) -> dict[str, str]:
    """Entries with article names that are not readable files, and the warning each gives."""
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    (folder / "loop.json").symlink_to(folder / "loop.json")
    (folder / "a.yaml").symlink_to(folder / "b.yaml")
    (folder / "b.yaml").symlink_to(folder / "a.yaml")
    os.mkfifo(folder / "pipe.txt")
    (folder / "folder.yml").mkdir()
    (folder / "null.txt").symlink_to("/dev/null")
    return {
        "dangling.txt": "a symbolic link to a file that does not exist",
        "loop.json": "a symbolic link loop",
        "a.yaml": "a symbolic link loop",
        "b.yaml": "a symbolic link loop",
        "pipe.txt": "a FIFO (named pipe), not a regular file",
        "folder.yml": "a folder, not a regular file",
        "null.txt": "a character device, not a regular file",
    }


def test_odd_entries_in_articles_are_skipped_with_a_warning(
        ws: Path, cli: Cli) -> None:
    articles = ws / "articles"
    articles.mkdir()
    shutil.copy(DATA / "no_photos.txt", articles / "good.txt")
    expected = odd_entries(articles)
    (articles / ".hidden.txt").symlink_to(articles / "nowhere")  # hidden: silent
    (articles / "notes.md").symlink_to(articles / "nowhere")  # not an article name: silent
    assert find_articles([articles]) == [articles / "good.txt"]
    result = cli("check", "-w", ws)
    assert result.exit_code == 0, result.stderr
    warnings = sorted(result.stderr.strip().splitlines())
    assert warnings == sorted(f"warning: {articles / name}: skipped: {why}"
                              for name, why in expected.items())
    assert "2024-03-08 — 1 story" in result.stdout


def test_unreadable_articles_folder_is_bad_input(ws: Path, cli: Cli,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    articles = ws / "articles"
    articles.mkdir()
    shutil.copy(DATA / "no_photos.txt", articles / "good.txt")
    real = Path.iterdir

    def denied(self: Path) -> Iterator[Path]:
        if self == articles:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", denied)  # chmod 000 does not stop root
    for command in ("check", "build"):
        result = cli(command, "-w", ws, "--engine", "fake") if command == "build" else cli(
            command, "-w", ws)
        assert result.exit_code == 2
        assert result.stderr == (
            f"error: {articles}: the folder cannot be read: Permission denied\n")


@pytest.mark.parametrize("failing", ["mkstemp", "replace", "write"])
def test_write_errors_name_the_target_not_the_temporary_file(
        ws: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch,
        failing: str) -> None:
    (ws / "articles").mkdir()
    shutil.copy(DATA / "no_photos.txt", ws / "articles")
    scripts = ws / "scripts"
    import briefing.fsutil as fsutil

    if failing == "mkstemp":
        real_mkstemp = tempfile.mkstemp

        def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
            folder = Path(kwargs["dir"])
            if folder == scripts:
                raise PermissionError(errno.EACCES, "Permission denied",
                                      str(folder / f"{kwargs['prefix']}x1y2z3{kwargs['suffix']}"))
            return real_mkstemp(*args, **kwargs)

        monkeypatch.setattr(fsutil.tempfile, "mkstemp", mkstemp)
    elif failing == "replace":
        real_replace = Path.replace

        def replace(self: Path, target: Path) -> Path:
            if Path(target).parent == scripts:
                raise OSError(errno.EROFS, "Read-only file system", str(self), str(target))
            return real_replace(self, target)

        monkeypatch.setattr(Path, "replace", replace)
    else:
        real_write = Path.write_bytes

        def write_bytes(self: Path, data: bytes) -> int:
            if self.parent == scripts and self.name.endswith(".tmp"):
                raise OSError(errno.ENOSPC, "No space left on device", str(self))
            return real_write(self, data)

        monkeypatch.setattr(Path, "write_bytes", write_bytes)
    result = cli("build", "-w", ws, "--engine", "fake")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {scripts / '2024-03-08.md'}: ")
    assert ".tmp" not in lines[0]
    assert not list(ws.rglob("*.tmp"))


@pytest.mark.parametrize("kind", ["empty folder", "missing folder", "articles only"])
def test_clean_refuses_a_folder_that_is_not_a_workspace(
        tmp_path: Path, cli: Cli, kind: str) -> None:
    folder = tmp_path / "not-a-workspace"
    if kind != "missing folder":
        folder.mkdir()
    if kind == "articles only":
        (folder / "articles").mkdir()
    result = cli("clean", "--cache", "-w", folder, "--engine", "fake")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "is not a briefing workspace" in result.stderr
    assert not (folder / ".briefing").exists()


def test_clean_still_works_in_a_workspace(ws: Path, cli: Cli) -> None:
    (ws / "articles").mkdir()
    shutil.copy(DATA / "no_photos.txt", ws / "articles")
    assert cli("build", "-w", ws, "--engine", "fake").exit_code == 0
    result = cli("clean", "--cache", "-w", ws, "--engine", "fake")
    assert result.exit_code == 0 and "removed 0 segment(s)" in result.stdout


@pytest.mark.parametrize("value", ["٢٠٢٤-05-15", "２０２４-05-15", "2024-05-1５", "20240515",
                                   "2024-W20-3", "2024-136"])
def test_article_dates_with_other_digits_or_forms(tmp_path: Path, value: str) -> None:
    path = tmp_path / "a.txt"
    path.write_text(f" date {value} Text.\n", encoding="utf-8")
    with pytest.raises(ArticleError, match="is not a YYYY-MM-DD date"):
        read_article(path)


EDITOR_FILES = ["articles/4913", "articles/#a.txt#", "articles/a.txt~", "articles/.a.txt.swp",
                "articles/a.txt.orig", "articles/.a.txt.kate-swp", "articles/a.txt.kate-swp",
                "articles/.#a.txt", "articles/a.txt.swx", "articles/a.txt.rej",
                "scripts/2024-03-08.md~", "scripts/#2024-03-08.md#", "scripts/4913",
                "scripts/2024-03-08.new.md", "scripts/2024-03-08.md.bak", "scripts/notes.md",
                "scripts/.2024-03-08.md.abc.tmp", "templates/script.md.j2~",
                "templates/.script.md.j2.swp", "articles/sub/a.txt", "audio/2024-03-08/x.mp3",
                ".briefing/state.json", "briefing.toml~", "pronunciations.toml.orig",
                "README.md"]
INPUTS = ["articles/a.txt", "articles/b.JSON", "articles/c.yaml", "articles/d.yml",
          "scripts/2024-03-08.md", "templates/script.md.j2", "briefing.toml",
          "pronunciations.toml"]


@pytest.mark.parametrize("rel", EDITOR_FILES)
def test_watch_ignores_editor_and_output_files(ws: Path, rel: str) -> None:
    for folder in ("articles", "scripts", "templates"):
        (ws / folder).mkdir(exist_ok=True)
    assert not is_input(Workspace(ws), ws / rel)


@pytest.mark.parametrize("rel", INPUTS)
def test_watch_sees_inputs(ws: Path, rel: str) -> None:
    for folder in ("articles", "scripts", "templates"):
        (ws / folder).mkdir(exist_ok=True)
    assert is_input(Workspace(ws), ws / rel)


def test_watch_sees_given_article_folders_and_files(ws: Path, tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    single = tmp_path / "one.txt"
    single.write_text("x")
    workspace = Workspace(ws)
    assert is_input(workspace, folder / "x.txt", [folder, single])
    assert is_input(workspace, single, [folder, single])
    assert not is_input(workspace, folder / "x.txt~", [folder, single])
    assert not is_input(workspace, folder / "4913", [folder, single])
    assert not is_input(workspace, tmp_path / "two.txt", [folder, single])
