"""The package layout shows the pipeline: stage subpackages, data flowing one way, small modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "briefing"

STAGES = ("text", "speech", "engines", "audio", "publish", "build", "proof", "cli")
"""The stage subpackages in pipeline order: a stage imports only from itself, earlier stages and
the shared top-level modules (``build`` runs every stage before it; ``cli`` only calls)."""

SHARED = {"__init__", "__main__", "errors", "fsutil", "readfile", "values", "extras", "config",
          "hashing", "templating", "artwork", "chapters", "config_model", "remembered",
          "installed"}
"""Top-level modules every stage may use: errors, files, settings, hashing, templates, checks,
installed versions."""

MAX_LINES = 400


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _stage(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


def _imports(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return [(line, name) for line, name in found if name.split(".")[0] == "briefing"]


def test_stage_subpackages_exist() -> None:
    for stage in STAGES:
        assert (PACKAGE / stage / "__init__.py").is_file(), stage
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text()))
        assert doc, f"briefing/{stage}/__init__.py says what the stage does"


def test_only_shared_modules_at_the_top() -> None:
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top <= SHARED, f"modules outside a stage: {sorted(top - SHARED)}"
    dirs = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert dirs == set(STAGES)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_is_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE)} has {lines} lines"


def test_data_flows_one_way() -> None:
    backwards = []
    for path in _modules():
        stage = _stage(path)
        for line, name in _imports(path):
            parts = name.split(".")
            if len(parts) < 2 or parts[1] not in STAGES:
                continue
            if stage is None:
                if path.stem != "__main__":
                    backwards.append(f"{path.relative_to(PACKAGE)}:{line} imports {name}")
            elif STAGES.index(parts[1]) > STAGES.index(stage):
                backwards.append(f"{path.relative_to(PACKAGE)}:{line} imports {name}")
    assert not backwards, "\n".join(backwards)
