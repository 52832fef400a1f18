"""Producers' files are never lost: backups, ``.new.md`` offers, temp clean-up, symlinks.

Every file briefing did not write (or that a producer changed since it wrote it) must survive
every build, ``--force`` and the clean-up after a killed build.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from briefing.build import scripts as generate
from briefing.build.lock import remove_stale_temp_files
from briefing.build.scripts import ScriptStatus, write_script
from briefing.build.state import State
from briefing.build.workspace import Workspace
from briefing.fsutil import create_new_file, is_own_temp, write_text_atomic
from tests.conftest import DATA, Cli

DAY = dt.date(2024, 3, 8)


def _text(n: int) -> str:
    return f"---\ndate: 2024-03-08\n---\n\n## Opening\n\nGenerated text number {n}.\n"


def _edit(path: Path, n: int) -> str:
    text = f"---\ndate: 2024-03-08\n---\n\n## Opening\n\nThe producer's edit number {n}.\n"
    path.write_text(text, encoding="utf-8")
    return text


class _FrozenClock(dt.datetime):
    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> _FrozenClock:
        return cls(2024, 3, 8, 12, 0, 0)


# --------------------------------------------------------------------------- backups

def test_backups_in_the_same_second_never_overwrite_each_other(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generate.dt, "datetime", _FrozenClock)
    ws, state = Workspace(tmp_path), State()
    script = ws.script_path(DAY)
    assert write_script(ws, DAY, _text(0), state).status is ScriptStatus.CREATED
    edits = []
    for n in range(1, 5):
        edits.append(_edit(script, n))
        result = write_script(ws, DAY, _text(n), state, force=True)
        assert result.status is ScriptStatus.FORCED
        assert result.backup_path is not None
    backups = sorted(ws.scripts.glob("2024-03-08.md.*.bak"))
    assert len(backups) == 4
    assert sorted(b.read_text(encoding="utf-8") for b in backups) == sorted(edits)


def test_create_new_file_never_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a.bak"
    target.write_bytes(b"first")
    with pytest.raises(FileExistsError):
        create_new_file(target, b"second")
    assert target.read_bytes() == b"first"
    link = tmp_path / "b.bak"
    link.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(FileExistsError):
        create_new_file(link, b"x")
    assert not (tmp_path / "elsewhere").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


# --------------------------------------------------------------------------- .new.md offers

def _conflicted(tmp_path: Path) -> tuple[Workspace, State, Path]:
    ws, state = Workspace(tmp_path), State()
    write_script(ws, DAY, _text(0), state)
    _edit(ws.script_path(DAY), 0)
    result = write_script(ws, DAY, _text(1), state)
    assert result.status is ScriptStatus.CONFLICT
    assert result.new_path == ws.scripts / "2024-03-08.new.md"
    return ws, state, result.new_path


def test_an_edited_new_md_is_never_overwritten(tmp_path: Path) -> None:
    ws, state, offer = _conflicted(tmp_path)
    offer.write_text("the producer merged by hand here\n", encoding="utf-8")
    result = write_script(ws, DAY, _text(2), state)
    assert result.status is ScriptStatus.CONFLICT
    assert offer.read_text(encoding="utf-8") == "the producer merged by hand here\n"
    assert result.new_path == ws.scripts / "2024-03-08.2.new.md"
    assert "Generated text number 2." in result.new_path.read_text(encoding="utf-8")
    # briefing's own offer is replaced by the next regeneration, the producer's is not
    result = write_script(ws, DAY, _text(3), state)
    assert result.new_path == ws.scripts / "2024-03-08.2.new.md"
    assert "Generated text number 3." in result.new_path.read_text(encoding="utf-8")
    assert offer.read_text(encoding="utf-8") == "the producer merged by hand here\n"


@pytest.mark.parametrize("force", [True, False])
def test_force_and_kept_never_delete_an_edited_new_md(tmp_path: Path, force: bool) -> None:
    ws, state, offer = _conflicted(tmp_path)
    offer.write_text("edited offer\n", encoding="utf-8")
    write_script(ws, DAY, _text(2), state)  # a second offer, briefing's own
    own = ws.scripts / "2024-03-08.2.new.md"
    assert own.is_file()
    # force: regenerated; not forced, same text again: the edit is kept
    result = write_script(ws, DAY, _text(2), state, force=force)
    assert result.status is (ScriptStatus.FORCED if force else ScriptStatus.CONFLICT)
    if not force:  # the producer adopts the offer: the script now holds it, nothing new
        ws.script_path(DAY).write_text("---\ndate: 2024-03-08\n---\n\n## A\n\nMine.\n")
        state.generated["2024-03-08"] = generate.sha256_hex(_text(2).encode())
        result = write_script(ws, DAY, _text(2), state)
        assert result.status is ScriptStatus.KEPT
    assert offer.read_text(encoding="utf-8") == "edited offer\n"
    assert not own.exists()  # briefing's own, unchanged offer is gone


def test_a_new_md_briefing_did_not_write_is_never_deleted(tmp_path: Path) -> None:
    ws, state = Workspace(tmp_path), State()
    write_script(ws, DAY, _text(0), state)
    mine = ws.scripts / "2024-03-08.new.md"
    mine.write_text("the producer's own draft\n", encoding="utf-8")
    for text, force in ((_text(0), False), (_text(1), False), (_text(2), True)):
        write_script(ws, DAY, text, state, force=force)
        assert mine.read_text(encoding="utf-8") == "the producer's own draft\n"


def test_cli_conflict_keeps_an_edited_offer(ws: Path, cli: Cli) -> None:
    articles = ws / "articles"
    articles.mkdir()
    shutil.copy(DATA / "no_photos.txt", articles / "lib.txt")
    assert cli("script", "-w", ws).exit_code == 0
    script = ws / "scripts" / "2024-03-08.md"
    # the producer rewords the paragraph the article changes next: a conflict each time
    script.write_text(script.read_text(encoding="utf-8").replace("on weekends", "on Sundays"))
    article = articles / "lib.txt"
    for n in (14, 15, 16):
        article.write_text(article.read_text().replace(f"{n - 2 if n == 14 else n - 1} librarians",
                                                       f"{n} librarians"))
        result = cli("script", "-w", ws, "--json")
        assert result.exit_code == 3, result.stderr
        [conflict] = result.json()["conflicts"]
        if n == 14:
            offer = Path(conflict["new"])
            offer.write_text("merged by the producer\n", encoding="utf-8")
        else:
            assert Path(conflict["new"]).name == "2024-03-08.2.new.md"
            assert f"{n} librarians" in Path(conflict["new"]).read_text(encoding="utf-8")
    assert offer.read_text(encoding="utf-8") == "merged by the producer\n"
    assert cli("script", "-w", ws, "--force").exit_code == 0
    assert offer.read_text(encoding="utf-8") == "merged by the producer\n"
    assert not (ws / "scripts" / "2024-03-08.2.new.md").exists()


# --------------------------------------------------------------------------- temp files

def test_own_temp_names_are_recognised() -> None:
    assert not is_own_temp(".notes.tmp")
    assert not is_own_temp(".2024-03-08.md.abcdefgh.tmp")
    assert is_own_temp(".2024-03-08.md.abcd_fgh.briefing.tmp")


def test_write_leaves_only_recognisable_temp_names(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real_replace = Path.replace

    def spy(self: Path, target: str | Path) -> Path:
        seen.append(self.name)
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", spy)
    write_text_atomic(tmp_path / ("x" * 250), "long name")
    write_text_atomic(tmp_path / "2024-03-08.md", "text")
    assert seen and all(is_own_temp(name) for name in seen)


def test_clean_up_removes_only_own_temp_files_and_follows_no_link(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / ".x.abcdefgh.briefing.tmp").write_text("not the workspace's")
    (outside / ".other.tmp").write_text("not the workspace's")
    ws.scripts.mkdir(parents=True)
    (ws.audio / "2024-03-08").mkdir(parents=True)
    (ws.audio / "2024-03-08" / "linked").symlink_to(outside)
    notes = ws.scripts / ".notes.tmp"
    notes.write_text("producer's notes")
    old_style = ws.audio / ".foo.abcdefgh.tmp"
    old_style.write_text("maybe someone's")
    own = [ws.scripts / ".2024-03-08.md.a1b2c3d4.briefing.tmp",
           ws.audio / "2024-03-08" / ".briefing-2024-03-08.mp3.zz_9zz9z.briefing.tmp"]
    for p in own:
        p.write_text("partial")
    dangling = ws.scripts / ".z.abcdefgh.briefing.tmp"
    dangling.symlink_to(outside / ".x.abcdefgh.briefing.tmp")
    assert remove_stale_temp_files(ws) == 2
    assert not any(p.exists() for p in own)
    assert notes.read_text() == "producer's notes" and old_style.exists()
    assert sorted(p.name for p in outside.iterdir()) == [".other.tmp", ".x.abcdefgh.briefing.tmp"]
    assert dangling.is_symlink()
    # a symlinked scripts/ is not searched at all
    shutil.rmtree(ws.scripts)
    ws.scripts.symlink_to(outside)
    assert remove_stale_temp_files(ws) == 0
    assert len(list(outside.iterdir())) == 2



def test_the_workspace_is_walked_for_leftovers_only_after_a_holder_that_did_not_end_cleanly(
        tmp_path: Path) -> None:
    """A holder of the lock that ends without an exception leaves the clean mark, and the next
    one, finding it, does not walk the workspace; one that ends in an exception (as one
    killed, which cannot leave the mark at all) leaves none, and the next one walks it."""
    from briefing.build.lock import CLEAN_MARK, workspace_lock

    ws = Workspace(tmp_path / "ws")
    ws.scripts.mkdir(parents=True)
    mark = ws.state_dir / CLEAN_MARK
    left = ws.scripts / ".2024-03-08.md.a1b2c3d4.briefing.tmp"
    left.write_text("partial")
    with workspace_lock(ws):  # no mark yet: walked
        assert not left.exists() and not mark.exists()
    assert mark.is_file()
    left.write_text("written after a clean end, as no build of ours does")
    with workspace_lock(ws):  # the mark is taken: not walked
        assert left.exists() and not mark.exists()
    assert mark.is_file()
    with pytest.raises(RuntimeError), workspace_lock(ws):
        raise RuntimeError("the build failed")
    assert not mark.exists()
    with workspace_lock(ws):  # after a holder that failed: walked
        assert not left.exists()
    assert mark.is_file()


def test_a_no_op_build_keeps_the_clean_mark_and_takes_it_away_while_it_writes(
        tmp_path: Path) -> None:
    from briefing.build.lock import CLEAN_MARK, lock_if_free, unmarked, workspace_lock

    ws = Workspace(tmp_path / "ws")
    with workspace_lock(ws):
        pass
    mark = ws.state_dir / CLEAN_MARK
    stamp = mark.stat().st_mtime_ns
    with lock_if_free(ws) as held:
        assert held and mark.stat().st_mtime_ns == stamp  # a no-op build changes no file
        with unmarked(ws):
            assert not mark.exists()  # a kill while it writes leaves no mark
        assert mark.is_file()
        with pytest.raises(OSError), unmarked(ws):
            raise OSError("disk full")
        assert not mark.exists()

# --------------------------------------------------------------------------- symlinked outputs

@pytest.fixture
def built(ws: Path, cli: Cli) -> Path:
    articles = ws / "articles"
    articles.mkdir()
    shutil.copy(DATA / "no_photos.txt", articles / "lib.txt")
    (ws / "briefing.toml").write_text('engine = "fake"\n')
    result = cli("build", "-w", ws)
    assert result.exit_code == 0, result.stderr
    return ws


@pytest.mark.parametrize("link", ["scripts", "audio", "audio/2024-03-08",
                                  "audio/2024-03-08/chapters"])
def test_a_symlinked_output_folder_is_refused(built: Path, cli: Cli, tmp_path: Path,
                                              link: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    keep = {".notes.tmp": b"notes", ".a.abcdefgh.briefing.tmp": b"x", "other.mp3": b"ID3",
            "01-opening.mp3": b"ID3 someone else's", "2024-03-08.md": b"---\n"}
    for name, data in keep.items():
        (outside / name).write_bytes(data)
    folder = built / link
    shutil.rmtree(folder)
    folder.symlink_to(outside)
    article = built / "articles" / "lib.txt"
    article.write_text(article.read_text().replace("12 librarians", "14 librarians"))
    result = cli("build", "-w", built)
    assert result.exit_code == 2, (result.stdout, result.stderr, result.exception)
    assert "symbolic link" in result.stderr
    assert result.exception is None
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == keep


def test_stale_chapter_removal_spares_files_briefing_did_not_write(built: Path, cli: Cli) -> None:
    chapters = built / "audio" / "2024-03-08" / "chapters"
    before = {p.name for p in chapters.iterdir()}
    mine = [chapters / "99-my-intro.mp3", chapters / "notes.mp3"]
    for p in mine:
        p.write_bytes(b"ID3 the producer's")
    script = built / "scripts" / "2024-03-08.md"
    script.write_text(script.read_text(encoding="utf-8").replace("## Closing", "## The end"),
                      encoding="utf-8")
    result = cli("render", "2024-03-08", "-w", built)
    assert result.exit_code == 0, result.stderr
    after = {p.name for p in chapters.iterdir()}
    stale = {n for n in before if "closing" in n}
    assert stale and not stale & after  # briefing's own old chapter file is gone
    assert any("the-end" in n for n in after)
    assert all(p.read_bytes() == b"ID3 the producer's" for p in mine)


def test_a_chapter_file_a_killed_build_left_is_removed_a_producers_is_not(
        built: Path, cli: Cli) -> None:
    from mutagen.id3 import ID3, TALB

    chapters = built / "audio" / "2024-03-08" / "chapters"
    own = sorted(chapters.glob("*.mp3"))[0]
    leftover = chapters / "09-a-title-of-a-killed-build.mp3"  # written, never in a manifest
    shutil.copy(own, leftover)
    producers = chapters / "10-the-producers-own.mp3"  # a real MP3, tagged by someone else
    shutil.copy(own, producers)
    tags = ID3(producers)
    tags.add(TALB(encoding=3, text=["My own album"]))
    tags.save(producers)
    kept = producers.read_bytes()
    script = built / "scripts" / "2024-03-08.md"
    script.write_text(script.read_text(encoding="utf-8").replace("## Closing", "## The end"),
                      encoding="utf-8")
    assert cli("render", "2024-03-08", "-w", built).exit_code == 0
    assert not leftover.exists()
    assert producers.read_bytes() == kept
