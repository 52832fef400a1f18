"""The no-op build answered from the recorded snapshot (:mod:`briefing.build.noop`).

Each test builds a small workspace with the fake engine, then changes one thing and checks
that the recorded answer is given exactly when planning would find nothing to do, and that it
is the same answer, on stdout and stderr, as the planned one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from briefing.build.noop import SNAPSHOT_NAME, Request, noop_form
from briefing.build.report import BuildReport, date_from_json, report_json
from briefing.build.workspace import Workspace
from tests.conftest import THREE_DATES, Cli
from tests.test_startup import HEAVY, heavy_in, imported

DATES = THREE_DATES


@pytest.fixture
def three(three_built: Path, tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(three_built, ws, symlinks=True)  # modification times kept
    return ws


def snapshot_file(ws: Path) -> Path:
    return ws / ".briefing" / SNAPSHOT_NAME


def planned(cli: Cli, ws: Path, *args: str) -> tuple[str, str]:
    """A build planned as always (the recorded answer removed first): stdout, stderr."""
    snapshot_file(ws).unlink(missing_ok=True)
    result = cli("build", "-w", ws, *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout, result.stderr


def recorded(cli: Cli, ws: Path, *args: str) -> tuple[str, str]:
    """A build that must be answered from the snapshot: it stays byte-identical."""
    before = snapshot_file(ws).read_bytes()
    with mock.patch("briefing.build.run.build", side_effect=AssertionError("planned")):
        result = cli("build", "-w", ws, *args)
    assert result.exit_code == 0, result.stderr
    assert snapshot_file(ws).read_bytes() == before
    return result.stdout, result.stderr


@pytest.mark.parametrize("args", [("--json",), (), ("-v",)])
def test_recorded_answer_is_the_planned_one(three: Path, cli: Cli, args: tuple[str, ...]) -> None:
    slow = planned(cli, three, *args)  # a no-op planned in full records its answer again
    fast = recorded(cli, three, *args)
    assert fast[0] == slow[0]
    if "-v" not in args:  # -v: planning says more about the engine than the answer does
        assert fast[1] == slow[1]
    if args == ("--json",):
        doc = json.loads(fast[0])
        assert [d["audio"] for d in doc["dates"]] == ["up to date"] * 3


def test_answer_after_a_real_build_is_what_planning_then_says(three_built: Path, tmp_path: Path,
                                                              cli: Cli) -> None:
    """The recorded answer of a build that built everything (a cold build) is the report a
    planned no-op gives afterwards."""
    fast = recorded(cli, three_built, "--json")[0]  # answered from the cold build's record
    ws = tmp_path / "ws"
    shutil.copytree(three_built, ws, symlinks=True)
    slow = planned(cli, ws, "--json")[0]
    assert fast == slow.replace(str(ws), str(three_built))


def test_report_json_round_trip(three: Path, cli: Cli) -> None:
    doc = json.loads(planned(cli, three, "--json")[0])
    dates = tuple(date_from_json(d) for d in doc["dates"])
    again = report_json(BuildReport(dates, warnings=tuple(doc["warnings"])))
    assert again == doc


def test_noop_form_refuses_what_it_cannot_know() -> None:
    assert noop_form(BuildReport(dry_run=True)) is None
    assert noop_form(BuildReport()) == BuildReport()


def test_edit_of_same_length_with_a_new_mtime_is_rebuilt(three: Path, cli: Cli) -> None:
    script = three / "scripts" / f"{DATES[1]}.md"
    text = script.read_text(encoding="utf-8")
    spoken = next(line for line in text.splitlines()
                  if "volunteers" in line and not line.startswith(("#", "<!--")))
    edited = text.replace(spoken, spoken.replace("volunteers", "Volunteers", 1), 1)
    assert edited != text and len(edited) == len(text)
    before = script.stat()
    script.write_text(edited, encoding="utf-8")
    os.utime(script, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
    assert script.stat().st_size == before.st_size
    result = cli("build", "-w", three, "--json")
    assert result.exit_code == 0, result.stderr
    days = {d["date"]: d for d in result.json()["dates"]}
    assert days[DATES[1]]["audio"] == "built"
    assert days[DATES[1]]["segments"]["synthesized"] >= 1
    assert {days[d]["audio"] for d in (DATES[0], DATES[2])} == {"up to date"}


def test_touched_input_is_hashed_and_still_a_noop(three: Path, cli: Cli) -> None:
    article = three / "articles" / f"{DATES[0]}.txt"
    st = article.stat()
    os.utime(article, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000))
    first = cli("build", "-w", three, "--json")
    assert first.exit_code == 0
    doc = json.loads(snapshot_file(three).read_text())
    assert doc["files"][f"articles/{DATES[0]}.txt"][2] == st.st_mtime_ns + 5_000_000
    assert first.stdout == recorded(cli, three, "--json")[0]


@pytest.mark.parametrize("change", ["new article", "removed output", "touched output",
                                    "other option", "settings", "lexicon"])
def test_a_change_is_planned(three: Path, cli: Cli, change: str) -> None:
    args: tuple[str, ...] = ()
    if change == "new article":
        text = (three / "articles" / f"{DATES[0]}.txt").read_text(encoding="utf-8")
        (three / "articles" / "2024-05-04.txt").write_text(
            text.replace(DATES[0], "2024-05-04"), encoding="utf-8")
    elif change == "removed output":
        next((three / "audio" / DATES[2] / "chapters").glob("*.mp3")).unlink()
    elif change == "touched output":
        mp3 = three / "audio" / DATES[2] / f"briefing-{DATES[2]}.mp3"
        mp3.write_bytes(mp3.read_bytes())
    elif change == "other option":
        args = ("--rate", "200")
    elif change == "settings":
        (three / "briefing.toml").write_text('engine = "fake"\nrate = 200\n')
    else:
        (three / "pronunciations.toml").write_text('volunteers = "vol un teers"\n')
    result = cli("build", "-w", three, "--json", *args)
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    built = [d["date"] for d in doc["dates"] if d["audio"] == "built"]
    if change in ("removed output", "touched output"):
        assert DATES[2] in built or doc["dates"][2]["written"], doc["dates"][2]
    elif change == "new article":
        assert "2024-05-04" in built
    else:
        assert built == list(DATES)


def test_dry_run_and_force_are_always_planned(three: Path, cli: Cli) -> None:
    dry = cli("build", "-w", three, "--dry-run", "--json")
    assert dry.exit_code == 0 and all(d["reason"] for d in dry.json()["dates"])
    forced = cli("build", "-w", three, "--force", "--json")
    assert forced.exit_code == 0
    assert {d["script_status"] for d in forced.json()["dates"]} == {"unchanged"}


def test_request_key_keeps_the_environment_it_started_with(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    ws = Workspace(Path("ws"))
    request = Request((ws.articles,), {"rate": None})
    key = request.key(ws)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert request.key(ws) == key  # an engine setting a variable for itself changes nothing
    assert Request((ws.articles,), {"rate": None}).key(ws) != key
    assert Request((ws.articles,), {"rate": "200"}, request.env).key(ws) != key
    moved = Workspace(Path("elsewhere"))  # reports name its files: not the same answer
    assert Request((moved.articles,), {"rate": None}, request.env).key(moved) != key


def test_noop_build_imports_no_pipeline(three: Path, cli: Cli) -> None:
    """As a user runs it: a second ``briefing build`` imports no audio, engine, template,
    pydantic or planning code."""
    planned(cli, three)  # the copy's first build records its own answer
    env_cwd = three.parent
    names, out = imported("build", "-w", three, "--json", cwd=env_cwd)
    assert [d["audio"] for d in json.loads(out)["dates"]] == ["up to date"] * 3
    assert heavy_in(names, (*HEAVY, "briefing.build.plan", "briefing.build.execute",
                            "briefing.build.run", "briefing.build.keys", "briefing.audio",
                            "briefing.engines", "briefing.publish", "briefing.text",
                            "briefing.config_model", "filelock")) == []


def test_busy_workspace_is_planned_and_waits(three: Path) -> None:
    """While another build holds the lock the recorded answer is not given: the build waits
    for the lock (and says so) as always, and is answered once it is free."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, time; "
         f"fd = os.open({str(three / '.briefing' / 'lock')!r}, os.O_RDWR); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(120)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        build = subprocess.Popen([sys.executable, "-m", "briefing", "build", "-w", str(three),
                                  "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        assert build.stderr is not None
        said = ""
        while "waiting for another build" not in said:
            line = build.stderr.readline()
            assert line, f"the build ended without waiting: {said}"
            said += line
    finally:
        holder.kill()
        holder.wait()
    out, _ = build.communicate(timeout=300)
    assert build.returncode == 0
    assert [d["audio"] for d in json.loads(out)["dates"]] == ["up to date"] * 3


def test_watch_and_build_with_the_same_options_share_the_recorded_answer(
        tmp_path: Path) -> None:
    """``watch`` records and reads the no-op answer (and plans an edit of scripts alone) as
    ``build`` does: with the same options, the same request; with another option, another."""
    from briefing.cli.common import build_request

    ws = Workspace(tmp_path)
    plain = build_request(ws, None)
    assert plain.key(ws) == build_request(ws, None, engine=None, jobs=None).key(ws)
    assert build_request(ws, None, rate="fast").key(ws) != plain.key(ws)
    assert build_request(ws, [tmp_path / "a.txt"]).key(ws) != plain.key(ws)
    with pytest.raises(TypeError):
        build_request(ws, None, colour="red")
