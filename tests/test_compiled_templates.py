"""A build keeps the templates' compiled code in ``.briefing/compiled`` (jinja2's bytecode cache,
:func:`briefing.templating.compiled_templates`), so the next build's process does not compile
them again.  A template edited since is compiled afresh (its page shows the edit), a damaged
entry is compiled again, and ``status`` and ``check`` write nothing there.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import (
    NEWSROOM_FOOTER,
    REPO,
    THREE_DATES,
    add_footer_template,
    copy_tree,
)

COMPILED = Path(".briefing") / "compiled"


def run(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``briefing`` in a process of its own, as a user runs it (nothing compiled in memory)."""
    done = subprocess.run([sys.executable, "-m", "briefing", *args, "-w", str(ws)],
                          capture_output=True, text=True, cwd=REPO, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def ws(three_built: Path, tmp_path: Path) -> Path:
    """A copy of ``three_built`` whose pages were written by a build in a process of its own (an
    in-process build may have found the templates compiled in memory by another test)."""
    to = copy_tree(three_built, tmp_path / "ws")
    shutil.rmtree(to / COMPILED, ignore_errors=True)
    for page in (to / "audio").rglob("index.html"):
        page.unlink()
    run(to, "build")
    return to


def entries(ws: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((ws / COMPILED).glob("*.cache"))}


def test_a_build_keeps_each_template_compiled(ws: Path) -> None:
    # the script template and the two page templates (the date pages and the index)
    assert len(entries(ws)) >= 3


def test_status_and_check_write_nothing_there(ws: Path) -> None:
    shutil.rmtree(ws / COMPILED)
    run(ws, "status")
    run(ws, "check")
    assert not (ws / COMPILED).exists()


def test_an_edited_template_is_compiled_again_and_used(ws: Path) -> None:
    before = entries(ws)
    add_footer_template(ws)
    run(ws, "build")
    page = ws / "audio" / THREE_DATES[0] / "index.html"
    assert NEWSROOM_FOOTER in page.read_text(encoding="utf-8")
    after = entries(ws)
    assert set(before) < set(after)  # the workspace's template has an entry of its own
    assert all(after[name] == data for name, data in before.items())


def test_a_damaged_entry_is_compiled_again(ws: Path) -> None:
    pages = {p: p.read_bytes() for p in sorted((ws / "audio").rglob("index.html"))}
    for name in entries(ws):
        (ws / COMPILED / name).write_bytes(b"not compiled code")
    for page in pages:
        page.unlink()
    run(ws, "build")
    assert {p: p.read_bytes() for p in pages} == pages
    assert all(data != b"not compiled code" for data in entries(ws).values())
