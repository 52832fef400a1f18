"""The command line, in-process, in an isolated workspace, with the fake engine."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, REPO, Cli, SeedBuild, assert_built


def files_under(root: Path) -> dict[str, int]:
    """Relative path → mtime_ns of every file under ``root``."""
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_build_seed_json(seed_build: SeedBuild) -> None:
    ws, report = seed_build.ws, seed_build.report
    assert report["errors"] == [] and report["conflicts"] == []
    [day] = report["dates"]
    assert day["date"] == "2023-09-27"
    assert (day["stories"], day["photos"]) == (1, 13)
    assert len(day["chapters"]) >= 15
    assert day["segments"]["total"] == day["segments"]["synthesized"] + day["segments"]["reused"]
    assert day["segments"]["synthesized"] > 0
    assert day["files"]["mp3"] == "audio/2023-09-27/briefing-2023-09-27.mp3"
    assert day["duration_ms"] == day["chapters"][-1]["end_ms"]
    script = (ws / "scripts" / "2023-09-27.md").read_text(encoding="utf-8")
    for credit in ("Alain Jocard", "Irakli Gedenidze", "Maxar Technologies",
                   "Emmanuel Dunand", "Vasily Krestyaninov", "Astrig Agopian"):
        assert credit in script


def test_unseen_articles_per_date(ws: Path, cli: Cli) -> None:
    result = cli("build", DATA, "-w", ws, "--engine", "fake", "--json")
    assert result.exit_code == 0, result.stderr
    counts = {d["date"]: (d["stories"], d["photos"]) for d in result.json()["dates"]}
    assert counts == {"2024-03-08": (2, 4), "2024-03-09": (1, 2)}
    assert "photo 2 has no credit line" in result.stderr


def test_second_build_changes_nothing(ws: Path, cli: Cli) -> None:
    assert cli("build", DATA, "-w", ws, "--engine", "fake").exit_code == 0
    before = files_under(ws)
    result = cli("build", DATA, "-w", ws, "--engine", "fake", "--json")
    assert result.exit_code == 0
    for day in result.json()["dates"]:
        assert day["segments"]["synthesized"] == 0
        assert day["audio"] == "up to date"
    assert files_under(ws) == before


def test_edited_script_is_kept_and_rendered(ws: Path, cli: Cli) -> None:
    articles = ws / "articles"
    articles.mkdir()
    shutil.copy(DATA / "no_photos.txt", articles / "lib.txt")
    assert cli("build", "-w", ws, "--engine", "fake").exit_code == 0
    script = ws / "scripts" / "2024-03-08.md"
    edited = script.read_text(encoding="utf-8").replace(
        "longer opening hours on weekends.", "longer opening hours on Saturdays and Sundays.")
    script.write_text(edited, encoding="utf-8")

    # render after the edit: exactly the edited sentence is synthesised again
    result = cli("render", "2024-03-08", "-w", ws, "--engine", "fake", "--json")
    assert result.exit_code == 0, result.stderr
    [day] = result.json()["dates"]
    assert day["segments"]["synthesized"] == 1
    assert day["audio"] == "built"

    # the article changes the same sentence: a conflict (exit 3); the edit survives, the
    # merge with both wordings is offered beside it
    (articles / "lib.txt").write_text(
        (articles / "lib.txt").read_text().replace("12 librarians", "14 librarians"))
    result = cli("build", "-w", ws, "--engine", "fake", "--json")
    assert result.exit_code == 3, result.stderr
    assert script.read_text(encoding="utf-8") == edited
    new = ws / "scripts" / "2024-03-08.new.md"
    offered = new.read_text(encoding="utf-8")
    assert "14 librarians" in offered and "Saturdays and Sundays" in offered
    assert result.json()["conflicts"] == [
        {"date": "2024-03-08", "script": str(script), "new": str(new)}]
    assert "was edited by hand and its articles changed the same paragraph" in result.stderr

    # --force regenerates, keeping a backup of the edit
    result = cli("build", "-w", ws, "--engine", "fake", "--force")
    assert result.exit_code == 0
    assert "14 librarians" in script.read_text(encoding="utf-8")
    [backup] = (ws / "scripts").glob("2024-03-08.md.*.bak")
    assert backup.read_text(encoding="utf-8") == edited
    assert not new.exists()


def test_unedited_script_is_regenerated(ws: Path, cli: Cli) -> None:
    articles = ws / "articles"
    articles.mkdir()
    shutil.copy(DATA / "no_photos.txt", articles / "lib.txt")
    assert cli("script", "-w", ws).exit_code == 0
    (articles / "lib.txt").write_text(
        (articles / "lib.txt").read_text().replace("12 librarians", "14 librarians"))
    result = cli("script", "-w", ws, "--json")
    assert result.json()["dates"][0]["script_status"] == "updated"
    assert "14 librarians" in (ws / "scripts" / "2024-03-08.md").read_text(encoding="utf-8")
    assert not (ws / "audio").exists()


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the file is empty"),
    (b"no date here\n", "does not start with 'date YYYY-MM-DD'"),
    (b" date 2023-02-30 Text.\n", "the date 2023-02-30 does not exist"),
    (b" date ../../x Text.\n", "is not a YYYY-MM-DD date"),
    (b"\x00\x01\x02binary", "is binary data"),
    (b" date 2023-09-27 Caf\xe9\n", "is not UTF-8 text"),
    (b" date 2023-09-27\n", "the article has no text after the date"),
    (b" date 2023-09-27 " + b"word " * 300, "larger than the 1,000-byte limit"),
])
def test_bad_article_one_line_exit_2_nothing_written(
        ws: Path, cli: Cli, tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    (ws / "briefing.toml").write_text("max_article_bytes = 1000\n")
    result = cli("build", bad, "-w", ws, "--engine", "fake")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"error: {bad}: {message}"] or (
        result.stderr.count("\n") == 1 and message in result.stderr and str(bad) in result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exception is None
    assert not (ws / "scripts").exists() and not (ws / "audio").exists()


@pytest.mark.parametrize("kind", ["dangling symlink", "folder", "missing"])
def test_unreadable_paths(ws: Path, cli: Cli, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "article.txt"
    if kind == "dangling symlink":
        path.symlink_to(tmp_path / "nowhere.txt")
    elif kind == "folder":
        path.mkdir()
        (path / "inner.md").write_text("x")
    result = cli("build", path, "-w", ws, "--engine", "fake")
    assert result.exit_code == 2
    expected = {"dangling symlink":
                f"error: {path}: is a symbolic link to a file that does not exist",
                "folder": f"error: no article files (*.txt, *.json, *.yaml) in {path}",
                "missing": f"error: {path}: no such file"}[kind]
    assert result.stderr == expected + "\n"


def test_missing_espeak_says_what_to_install(ws: Path, tmp_path: Path) -> None:
    code = ("import sys; sys.modules['espeakng_loader'] = None\n"
            "import ctypes.util; ctypes.util.find_library = lambda name: None\n"
            "import briefing.engines.espeak_library as e; e._SYSTEM_LIBRARIES = ()\n"
            "from briefing.cli import main; main()\n")
    out = subprocess.run([sys.executable, "-c", code, "build", str(DATA / "no_photos.txt"),
                          "-w", str(ws), "-j", "1"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1].endswith(
        "the espeak-ng library is not installed: pip install espeakng-loader "
        "(or apt-get install espeak-ng)")
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_mixed_folder_builds_the_good_and_reports_the_bad(
        ws: Path, cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(DATA / "no_photos.txt", folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "nodate.txt").write_text("hello\n")
    result = cli("build", folder, "-w", ws, "--engine", "fake", "--json")
    assert result.exit_code == 2
    report = result.json()
    assert [d["date"] for d in report["dates"]] == ["2024-03-08"]
    assert report["dates"][0]["audio"] == "built"
    assert sorted(Path(e["path"]).name for e in report["errors"]) == ["empty.txt", "nodate.txt"]
    assert_built(ws, "2024-03-08")


def test_folder_without_articles(ws: Path, cli: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = cli("build", empty, "-w", ws, "--engine", "fake")
    assert result.exit_code == 2
    assert result.stderr == f"error: no article files (*.txt, *.json, *.yaml) in {empty}\n"


def test_no_articles_folder(ws: Path, cli: Cli) -> None:
    result = cli("build", "-w", ws, "--engine", "fake")
    assert result.exit_code == 2
    assert "articles does not exist" in result.stderr


def test_unknown_engine(ws: Path, cli: Cli) -> None:
    result = cli("build", DATA, "-w", ws, "--engine", "nope")
    assert result.exit_code == 2
    assert "unknown engine 'nope'" in result.stderr and "fake" in result.stderr


def test_broken_script_is_reported(ws: Path, cli: Cli) -> None:
    (ws / "scripts").mkdir()
    (ws / "scripts" / "2024-01-01.md").write_text("---\ndate: 2024-01-01\n---\nstray\n")
    result = cli("render", "-w", ws, "--engine", "fake")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {ws / 'scripts' / '2024-01-01.md'}: line 4: text before the first '## ' "
        "chapter heading")


def test_render_unknown_date(ws: Path, cli: Cli) -> None:
    result = cli("render", "2024-01-01", "-w", ws, "--engine", "fake")
    assert result.exit_code == 2 and "no script for 2024-01-01" in result.stderr
    result = cli("render", "yesterday", "-w", ws, "--engine", "fake")
    assert result.exit_code == 2 and "'yesterday' is not a YYYY-MM-DD date" in result.stderr


def test_check_writes_nothing(ws: Path, cli: Cli, seed_path: Path) -> None:
    result = cli("check", seed_path, DATA, "-w", ws, "--json")
    assert result.exit_code == 0
    assert {d["date"]: d["photos"] for d in result.json()["dates"]} == {
        "2023-09-27": 13, "2024-03-08": 4, "2024-03-09": 2}
    assert list(ws.iterdir()) == []


def test_config_file(ws: Path, cli: Cli) -> None:
    (ws / "briefing.toml").write_text('engine = "fake"\nrate = 250\n')
    assert cli("script", DATA / "no_photos.txt", "-w", ws).exit_code == 0
    assert "rate: 250" in (ws / "scripts" / "2024-03-08.md").read_text()
    (ws / "briefing.toml").write_text("rat = 250\n")
    result = cli("script", DATA / "no_photos.txt", "-w", ws)
    assert result.exit_code == 2
    assert result.stderr == f"error: {ws / 'briefing.toml'}: unknown setting(s): rat\n"


def test_voices_and_engines(cli: Cli) -> None:
    result = cli("voices", "--engine", "fake")
    assert result.exit_code == 0 and "Fake test voice" in result.stdout
    result = cli("engines", "--json")
    statuses = {e["name"]: e for e in result.json()}
    assert {"fake", "pyttsx3"} <= set(statuses)
    assert statuses["fake"]["usable"] and statuses["fake"]["version"] == "1"
    assert statuses["fake"]["settings"] == ["voice", "rate"]
    assert statuses["fake"]["output"] == "WAV mono 16-bit 22050 Hz"


def test_help_explains(cli: Cli) -> None:
    result = cli("--help")
    assert result.exit_code == 0
    for command in ("build", "script", "render", "check", "voices"):
        assert command in result.stdout
    result = cli("build", "--help")
    assert "--workspace" in result.stdout and "--json" in result.stdout


def test_help_reads_clean(cli: Cli) -> None:
    """Every command's --help: flags without a value type, no markup eaten, no box drawing."""
    import typer.main
    from typer.core import TyperGroup

    from briefing.cli import app

    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    commands = sorted(group.commands)
    assert {"build", "render", "script", "serve"} <= set(commands)
    for args in ([], *([name] for name in commands)):
        result = cli(*args, "--help")
        assert result.exit_code == 0, (args, result.stderr)
        text = result.stdout
        assert "--help" in text and "Usage:" in text
        assert "<bool>" not in text, args
        assert not set(text) & set("│╭╮╰╯─"), args  # plain text a screen reader reads well
        for line in text.splitlines():
            assert len(line) <= 80, (args, line)
    build = cli("build", "--help").stdout
    assert "briefing[dask]" in build  # not read as markup and dropped
    assert re.search(r"^  --force +Regenerate", build, re.MULTILINE)


def test_first_run_without_ffmpeg_prints_no_warning(tmp_path: Path, seed_path: Path) -> None:
    """Nothing a build does needs ffmpeg: without it on PATH, pydub's import-time warning
    ("Couldn't find ffmpeg or avconv") must not reach the newcomer, nor any other warning."""
    env = {"PATH": str(tmp_path / "empty"), "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    importing = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-c",
         "import briefing.cli, briefing.audio.assemble, briefing.build.run\n"
         "from pydub import AudioSegment\n"
         "from briefing.audio.assemble import trimmed_pcm"],
        capture_output=True, text=True, env=env, cwd=tmp_path)
    assert importing.returncode == 0, importing.stderr
    assert importing.stderr == ""
    ws = tmp_path / "ws"
    ws.mkdir()
    built = subprocess.run(
        [sys.executable, "-m", "briefing", "build", str(seed_path), "-w", str(ws),
         "--engine", "fake", "--quiet", "--jobs", "2"],
        capture_output=True, text=True, env=env, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert "ffmpeg" not in built.stderr and "Warning" not in built.stderr, built.stderr
    assert any((ws / "audio").rglob("*.mp3"))


def test_python_dash_m(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "briefing", "--version"], capture_output=True,
                         text=True, check=True, cwd=tmp_path)
    assert out.stdout.startswith("briefing ")


def test_committed_sample_scripts_match_the_generator(tmp_path: Path, cli: Cli) -> None:
    result = cli("script", REPO / "articles", "-w", tmp_path)
    assert result.exit_code == 0, result.stderr
    generated_scripts = sorted((tmp_path / "scripts").glob("*.md"))
    # one script per date of the sample articles, as committed
    assert [p.name for p in generated_scripts] == sorted(
        p.name for p in (REPO / "scripts").glob("*.md")) == ["2024-05-14.md", "2024-05-15.md"]
    for generated in generated_scripts:
        committed = REPO / "scripts" / generated.name
        assert committed.read_text(encoding="utf-8") == generated.read_text(encoding="utf-8")


def test_rate_presets(ws: Path, cli: Cli) -> None:
    assert cli("script", DATA / "no_photos.txt", "-w", ws, "--rate", "fast").exit_code == 0
    assert "rate: 240" in (ws / "scripts" / "2024-03-08.md").read_text()
    result = cli("script", DATA / "no_photos.txt", "-w", ws, "--rate", "warp")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: rate 'warp' is neither words per minute nor one of: "
                                    "slow (140), normal (175), fast (240)")
    result = cli("script", DATA / "no_photos.txt", "-w", ws, "--rate", "1000")
    assert result.exit_code == 2 and "between 40 and 900" in result.stderr
