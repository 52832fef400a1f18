"""The autouse isolation of tests/conftest.py: no test reads or writes the real working folder,
home, settings or caches."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from briefing.proof.recognizer import _cache_root
from tests.conftest import DATA, ISOLATED_ENV, REAL_HOME, Cli


def test_each_test_runs_in_its_own_folder_with_a_temporary_home(tmp_path: Path) -> None:
    assert Path.cwd() == tmp_path
    home = Path.home()
    assert home != REAL_HOME and not home.is_relative_to(REAL_HOME)
    assert home.is_relative_to(tmp_path.parent.parent)  # pytest's temporary folder
    for name in ISOLATED_ENV:
        assert Path(os.environ[name]).is_relative_to(home), name
    assert "BRIEFING_DEBUG" not in os.environ


def test_the_model_cache_is_in_the_temporary_home() -> None:
    """Unless a test says otherwise, the recogniser would assemble its model in the temporary
    home, never in the developer's ~/.cache."""
    assert _cache_root() == Path(os.environ["XDG_CACHE_HOME"]) / "briefing" / "models"
    assert _cache_root().is_relative_to(Path.home())


def test_a_command_without_a_workspace_uses_the_test_folder(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "articles").mkdir()
    shutil.copy(DATA / "no_photos.txt", tmp_path / "articles")
    result = cli("script")
    assert result.exit_code == 0, result.stderr
    assert [p.name for p in (tmp_path / "scripts").iterdir()] == ["2024-03-08.md"]
