"""Timings before synthesis: ``status`` estimates every date and chapter within 10% of what a
build then measures, and ``target_duration`` warns when a date runs long."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from briefing.audio.assemble import Gaps
from briefing.build.estimate import SpeakingSpeed, _fit, pauses_ms
from briefing.text.script_read import parse_script
from briefing.values import parse_duration
from tests.conftest import Cli

DATA = Path(__file__).parent / "data"


def _dates(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["date"]: d for d in report["dates"] if d["state"] != "removed"}


def _estimate_then_build(cli: Cli, ws: Path, *extra: str) -> tuple[dict[str, Any],
                                                                     dict[str, Any]]:
    """``status --json`` before any synthesis, then ``build --json``: their dates."""
    status = cli("status", "-w", ws, "--engine", "fake", "--json", *extra)
    assert status.exit_code == 0, status.stderr
    assert not (ws / ".briefing" / "segments").exists() or not any(
        (ws / ".briefing" / "segments").rglob("*.wav")), "status synthesised segments"
    built = cli("build", "-w", ws, "--engine", "fake", "--json", *extra)
    assert built.exit_code == 0, built.stderr
    return _dates(status.json()), _dates(built.json())


def _assert_within(estimated: dict[str, dict[str, Any]], built: dict[str, dict[str, Any]],
                   tolerance: float = 0.10) -> None:
    assert estimated.keys() == built.keys() and estimated
    for day, b in built.items():
        e = estimated[day]
        assert e["audio"] == "would build"
        assert e["estimated_duration_ms"] == pytest.approx(b["duration_ms"], rel=tolerance), day
        chapters = [c["estimated_duration_ms"] for c in e["estimated_chapters"]]
        assert len(chapters) == len(b["chapters"]) and sum(chapters) == e[
            "estimated_duration_ms"]
        for est, ch in zip(chapters, b["chapters"], strict=True):
            assert est == pytest.approx(ch["end_ms"] - ch["start_ms"], rel=tolerance,
                                        abs=300), (day, ch["title"])


def _workspace(ws: Path, *articles: Path) -> Path:
    (ws / "articles").mkdir()
    for a in articles:
        shutil.copy(a, ws / "articles" / a.name)
    return ws


def test_seed_estimate_is_within_ten_percent_of_the_build(cli: Cli, ws: Path,
                                                         seed_path: Path) -> None:
    estimated, built = _estimate_then_build(cli, _workspace(ws, seed_path))
    _assert_within(estimated, built)
    [day] = built.values()
    assert day["duration_ms"] > 60_000  # a real briefing, not a trivial one


def test_every_test_article_is_estimated_within_ten_percent(cli: Cli, ws: Path) -> None:
    articles = sorted([*DATA.glob("*.txt"), *(DATA / "unseen").glob("*.txt")])
    assert len(articles) >= 5
    estimated, built = _estimate_then_build(cli, _workspace(ws, *articles))
    _assert_within(estimated, built)


def test_pauses_and_rate_are_in_the_estimate(cli: Cli, ws: Path, seed_path: Path) -> None:
    """Long pauses, a fast rate and explicit [pause] blocks: still within 10%, and each moves
    the estimate the way it moves the audio."""
    _workspace(ws, seed_path)
    (ws / "briefing.toml").write_text("rate = 300\nparagraph_pause_ms = 2000\n"
                                      "chapter_pause_ms = 3000\n", encoding="utf-8")
    assert cli("script", "-w", ws).exit_code == 0
    [script] = (ws / "scripts").glob("*.md")
    text = script.read_text(encoding="utf-8")
    before = cli("status", "-w", ws, "--engine", "fake", "--json").json()
    script.write_text(text.replace("\n\nNagorno-Karabakh lies", "\n\n[pause 8s]\n\n"
                                   "Nagorno-Karabakh lies", 1), encoding="utf-8")
    estimated, built = _estimate_then_build(cli, ws)
    _assert_within(estimated, built)
    [b] = before["dates"]
    [e] = estimated.values()
    # the explicit pause replaces one paragraph pause: 8 s - 2 s more
    assert e["estimated_duration_ms"] - b["estimated_duration_ms"] == 6000
    # calibrated once per rate, and cached
    assert len(list((ws / ".briefing" / "calibration").glob("*.json"))) == 1


def test_calibration_is_cached_per_rate(cli: Cli, ws: Path, seed_path: Path) -> None:
    _workspace(ws, seed_path)
    slow = cli("status", "-w", ws, "--engine", "fake", "--json").json()["dates"][0]
    (ws / "briefing.toml").write_text('rate = "fast"\n', encoding="utf-8")
    fast = cli("status", "-w", ws, "--engine", "fake", "--json").json()["dates"][0]
    assert fast["estimated_duration_ms"] < slow["estimated_duration_ms"] * 0.9
    assert len(list((ws / ".briefing" / "calibration").glob("*.json"))) == 2


def test_target_duration_warns_with_the_overrun(cli: Cli, ws: Path, seed_path: Path) -> None:
    _workspace(ws, seed_path)
    (ws / "briefing.toml").write_text('target_duration = "1m"\n', encoding="utf-8")
    status = cli("status", "-w", ws, "--engine", "fake", "--json")
    assert status.exit_code == 0, status.stderr
    [day] = status.json()["dates"]
    over = day["estimated_duration_ms"] - 60_000
    [warning] = [w for w in status.json()["warnings"] if "target" in w]
    minutes, seconds = divmod(round(over / 1000), 60)
    assert f"{minutes}:{seconds:02d} over the target of 1:00" in warning
    assert "estimated" in warning and "over the target" in status.stderr
    built = cli("build", "-w", ws, "--engine", "fake", "--json")
    [warning] = [w for w in built.json()["warnings"] if "target" in w]
    assert "runs" in warning and "estimated" not in warning
    (ws / "briefing.toml").write_text('target_duration = "30m"\n', encoding="utf-8")
    quiet = cli("status", "-w", ws, "--engine", "fake", "--json")
    assert not [w for w in quiet.json()["warnings"] if "target" in w]


def test_a_bad_target_duration_is_refused(cli: Cli, ws: Path, seed_path: Path) -> None:
    _workspace(ws, seed_path)
    (ws / "briefing.toml").write_text('target_duration = "3 parsecs"\n', encoding="utf-8")
    result = cli("status", "-w", ws, "--engine", "fake")
    assert result.exit_code == 2
    assert "target_duration" in result.stderr and "3m" in result.stderr


@pytest.mark.parametrize(("text", "ms"), [("3m", 180_000), ("90s", 90_000),
                                          ("2m30s", 150_000), ("1h", 3_600_000),
                                          ("180", 180_000), ("1.5s", 1500), ("4min", 240_000)])
def test_durations_are_read(text: str, ms: int) -> None:
    assert parse_duration(text) == ms


@pytest.mark.parametrize("text", ["", "m", "3x", "-3m", "3m3m"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


def test_pauses_follow_the_assembly_rules() -> None:
    script = parse_script("---\ndate: 2024-01-02\n---\n"
                          "## One\n\nA b. C d.\n\nE f.\n\n[pause 3s]\n\nG h.\n\n"
                          "## Two\n\nI j.\n\n[pause 2s]\n", Path("x.md"))
    gaps = Gaps(100, 1000, 5000, end_ms=400, lead_ms=250)
    one, two = script.chapters
    # the lead-in, one sentence gap, one paragraph gap, the explicit pause, the chapter pause
    assert pauses_ms(one, gaps, last=False) == 250 + 100 + 1000 + 3000 + 5000
    # a pause that ends the chapter replaces the end pause
    assert pauses_ms(two, gaps, last=True) == 250 + 2000


def test_the_fit_recovers_a_linear_speed_and_never_goes_negative() -> None:
    texts = ["One two three.", "A much longer sentence with many more words in it.", "Yes.",
             "Characterisation internationally.", "Go to the shop and buy some bread."]
    speed = SpeakingSpeed(40.0, 0.0, 60.0)
    fitted = _fit([(t, speed.sentence_ms(t)) for t in texts])
    for t in texts:
        assert fitted.sentence_ms(t) == pytest.approx(speed.sentence_ms(t), abs=1)
    shrinking = _fit([(t, 5000.0 - 50 * len(t)) for t in texts])
    assert min(shrinking.per_sentence_ms, shrinking.per_word_ms, shrinking.per_char_ms) >= 0


def test_an_engine_that_cannot_be_calibrated_gives_no_estimate_not_a_failure(
        cli: Cli, ws: Path, seed_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.engines.fake import FakeEngine
    from briefing.errors import EngineError

    def broken(self: FakeEngine, text: str, settings: object) -> bytes:
        raise EngineError("the voice is gone")

    monkeypatch.setattr(FakeEngine, "synthesize", broken)
    _workspace(ws, seed_path)
    status = cli("status", "-w", ws, "--engine", "fake", "--json")
    assert status.exit_code == 0, status.stderr
    [day] = status.json()["dates"]
    assert day["estimated_duration_ms"] is None and day["estimated_chapters"] == []
    assert "no duration estimate" in status.stderr and "the voice is gone" in status.stderr
    assert not (ws / ".briefing" / "calibration").exists() or not any(
        (ws / ".briefing" / "calibration").iterdir())
