"""Defects an independent review found in the remembered checks and the units' analyses, each
shown by a test that failed before its fix: a refused run leaves no state folder, a chapter
made in one pass keeps no analyses, briefing.toml is remembered by the bytes that were checked,
and units of one word give the whole chapter's gain."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, SEED, Cli


@pytest.mark.parametrize("command", ["render", "build"])
def test_a_refused_run_on_a_missing_folder_creates_nothing(tmp_path: Path, cli: Cli,
                                                           command: str) -> None:
    missing = tmp_path / "typo"
    result = cli(command, "-w", missing, "--engine", "fake")
    assert result.exit_code == 2  # "no scripts in .../scripts" / "no articles given ..."
    assert not missing.exists(), sorted(str(p.relative_to(missing)) for p in missing.rglob("*"))


def test_a_chapter_encoded_in_one_pass_keeps_no_analyses(tmp_path: Path, cli: Cli,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         ) -> None:
    import briefing.audio.chapter as chapter

    monkeypatch.setattr(chapter, "MAX_UNIT_SECONDS", 2)  # every chapter: pauses too short
    ws = tmp_path / "ws"
    assert cli("build", SEED, "-w", ws, "--engine", "fake", "--jobs", "1").exit_code == 0
    memos = [json.loads(p.read_bytes()) for p in ws.glob(".briefing/chapters/memo/??/*.json")]
    assert memos and not any(m["units"] for m in memos)  # all in one pass
    assert not list(ws.glob(".briefing/chapters/analyses/??/*.knots"))


def test_settings_remembered_for_the_bytes_that_were_checked(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             ) -> None:
    import briefing.readfile as readfile
    from briefing.build.workspace import Workspace
    from briefing.cli.common import resolve_settings

    toml = tmp_path / "briefing.toml"
    toml.write_text("", encoding="utf-8")  # an emptied file: the defaults
    real = readfile.read_limited

    def editor_saves_meanwhile(path: Path, *args: object, **kwargs: object) -> bytes:
        data = real(path, *args, **kwargs)  # type: ignore[arg-type]
        if path == toml:  # the editor's write lands between the build's two reads
            toml.write_text("bitrate_kbps = 128\n", encoding="utf-8")
        return data

    monkeypatch.setattr(readfile, "read_limited", editor_saves_meanwhile)
    ws = Workspace(tmp_path)
    resolve_settings(ws, None, None, None, remember=True)
    monkeypatch.setattr(readfile, "read_limited", real)
    toml.write_text("", encoding="utf-8")  # emptied again, later
    assert resolve_settings(ws, None, None, None, remember=True).bitrate_kbps == 64


def test_the_units_gain_is_the_whole_chapters_with_short_sentences() -> None:
    from briefing.audio.assemble import SAMPLE_RATE, Gaps, chapter_pieces
    from briefing.audio.chapter import GAIN_TOLERANCE_DB, MP3_LOUDNESS_LOSS_LU, _reader
    from briefing.audio.loudness import LoudnessTarget
    from briefing.audio.unit_levels import analyse_unit, chapter_gain
    from briefing.audio.units import unit_blocks
    from briefing.engines.base import VoiceSettings
    from briefing.engines.fake import FakeEngine
    from briefing.text.script_model import Chapter, Paragraph

    texts = [f"Yes{i}." for i in range(150)]  # a unit of about 0.6 s per sentence
    chapter = Chapter("Short", (Paragraph(tuple(texts)),))
    engine, voice = FakeEngine(), VoiceSettings(rate=175)
    wavs: list[bytes | str] = [engine.synthesize(s, voice) for s in texts]
    cuts: list[int] = []
    pcm = b"".join(chapter_pieces(chapter, _reader(wavs), Gaps(250, 650, 1200), False, None,
                                  cuts=cuts))
    units = list(unit_blocks((pcm,), list(cuts)))
    target = LoudnessTarget(-16.0 + MP3_LOUDNESS_LOSS_LU, -1.0)
    gain = chapter_gain((analyse_unit(u, SAMPLE_RATE) for u in units), SAMPLE_RATE, target)
    assert gain is not None
    whole_gain = chapter_gain([analyse_unit(pcm, SAMPLE_RATE)], SAMPLE_RATE, target)
    assert whole_gain is not None  # the chapter analysed as one unit: the whole-chapter gain
    assert abs(gain - whole_gain) < GAIN_TOLERANCE_DB / 10, (gain, whole_gain)


def test_units_as_cut_splits_as_the_cuts_come() -> None:
    from briefing.audio.units import SeamError, unit_blocks, units_as_cut

    cuts: list[int] = []

    def pieces() -> Iterator[bytes]:  # as chapter_pieces: a cut is known before what follows
        cuts.clear()
        for n in range(5):
            yield bytes([n + 1]) * 2 * (300 + 7 * n)
            cuts.append(sum(300 + 7 * k for k in range(n + 1)))
        yield b"\x09\x09" * 50

    lazy = list(units_as_cut(pieces(), cuts, 10_000))
    assert lazy == list(unit_blocks([b"".join(pieces())], list(cuts)))
    assert len(lazy) == 6 and b"".join(lazy) == b"".join(pieces())
    with pytest.raises(SeamError, match="pauses too short"):
        list(units_as_cut(pieces(), cuts, 200))


def test_a_temp_file_beside_is_removed_when_its_block_fails(tmp_path: Path) -> None:
    from briefing.fsutil import is_own_temp, temp_file_beside

    target = tmp_path / "entry.knots"
    with temp_file_beside(target) as (file, path):
        file.write(b"BRK1")
    assert is_own_temp(path.name) and path.read_bytes() == b"BRK1"
    assert path.stat().st_mode & 0o777 == 0o644 and not target.exists()
    with pytest.raises(RuntimeError), temp_file_beside(target) as (file, failed):
        file.write(b"half")
        raise RuntimeError
    assert not failed.exists()


def test_a_worker_runs_blas_on_one_thread() -> None:
    script = textwrap.dedent("""
        from briefing.build.workers import Task, Workers

        def blas_threads():
            import numpy  # loaded in the worker, after its start
            from threadpoolctl import threadpool_info
            return sorted({p["num_threads"] for p in threadpool_info()
                           if p["user_api"] == "blas"})

        with Workers("fake", jobs=2, timeout=30) as workers:
            print([r for _, r in workers.run([Task("blas", blas_threads, ())])][0])
    """)
    run = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[1]"


def test_a_check_made_before_the_state_folder_is_remembered_once_it_exists(
        tmp_path: Path) -> None:
    """A first build checks its settings before it makes ``.briefing/``: the result waits for
    the end of the command (handed from the settings' own context to the command's), and
    only a state folder that exists by then receives it."""
    from briefing.remembered import recall, remember, remembering

    modules = ["briefing.remembered"]
    made, never = tmp_path / "made" / ".briefing", tmp_path / "never" / ".briefing"
    with remembering(made / "checked"):
        with remembering(made / "checked"):
            remember("kind", modules, "text", {"ok": 1})
        assert not made.exists()  # nothing written before the folder exists
        made.mkdir(parents=True)
        with remembering(never / "checked"):
            remember("kind", modules, "other", {"ok": 2})
    assert not never.exists() and not never.parent.exists()
    with remembering(made / "checked"):
        assert recall("kind", modules, "text") == {"ok": 1}
        assert recall("kind", modules, "other") is None
