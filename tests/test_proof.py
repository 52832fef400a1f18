"""``briefing proof`` and its word error rate.

* the alignment and WER on exact cases, and against an independent edit distance (property);
* normalisation for the ear on both sides (numbers, punctuation, initialisms, diacritics);
* the report on a workspace built with the fake engine, heard by a scripted recogniser that
  mishears on purpose (the reporting is what is under test, through the Recognizer protocol);
* the real recogniser (faster-whisper, Whisper base) on a short espeak-ng build, skipped
  cleanly where the proof extra is not installed;
* the command line: exit status and message when the extra is missing or nothing is built.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.build.workspace import Workspace
from briefing.errors import RecognizerUnavailableError
from briefing.proof.listen import lexicon_line, proof
from briefing.proof.recognizer import check_installed
from briefing.proof.wer import align, ear_words, error_rate, syllables
from briefing.speech.spoken import spoken_text
from tests.conftest import Cli, SeedBuild

DATA = Path(__file__).resolve().parent / "data"


# --------------------------------------------------------------------------- alignment, WER

def _w(text: str) -> list[str]:
    return text.split()


def test_one_substitution() -> None:
    a = align(_w("the cat sat"), _w("the hat sat"))
    assert [s.op for s in a.steps] == ["ok", "sub", "ok"]
    assert (a.count("sub"), a.count("del"), a.count("ins")) == (1, 0, 0)
    assert a.wer == pytest.approx(1 / 3)


def test_one_insertion() -> None:
    a = align(_w("photo one of four"), _w("photo one of the four"))
    assert [s.op for s in a.steps] == ["ok", "ok", "ok", "ins", "ok"]
    assert a.steps[3].hyp == 3 and a.steps[3].ref is None
    assert a.wer == pytest.approx(1 / 4)


def test_one_deletion() -> None:
    a = align(_w("tens of thousands fled"), _w("tens thousands fled"))
    assert [s.op for s in a.steps] == ["ok", "del", "ok", "ok"]
    assert a.steps[1].ref == 1 and a.steps[1].hyp is None
    assert a.wer == pytest.approx(1 / 4)


def test_mixed_edits_are_minimal() -> None:
    # delete "the", substitute on→in, insert "the": 3 edits (a position-by-position
    # comparison would count 4)
    a = align(_w("the cat sat on the mat"), _w("cat sat in the the mat"))
    assert a.errors == 3
    assert a.wer == pytest.approx(0.5)


def test_empty_sides() -> None:
    assert align([], []).wer == 0.0
    assert align([], ["noise"]).errors == 1
    assert align(["a", "b"], []).wer == 1.0
    assert error_rate(0, 0) == 0.0


@functools.cache
def _distance(ref: tuple[str, ...], hyp: tuple[str, ...]) -> int:
    if not ref or not hyp:
        return len(ref) + len(hyp)
    return min(_distance(ref[1:], hyp[1:]) + (ref[0] != hyp[0]),
               _distance(ref[1:], hyp) + 1, _distance(ref, hyp[1:]) + 1)


words = st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=7)


@given(words, words)
def test_alignment_is_a_minimal_edit_script(ref: list[str], hyp: list[str]) -> None:
    a = align(ref, hyp)
    assert a.errors == _distance(tuple(ref), tuple(hyp))
    # replaying the steps turns the reference into the hypothesis
    rebuilt = [hyp[s.hyp] if s.op in ("sub", "ins") and s.hyp is not None
               else ref[s.ref] if s.ref is not None else None
               for s in a.steps if s.op != "del"]
    assert rebuilt == hyp
    assert [s.ref for s in a.steps if s.ref is not None] == list(range(len(ref)))
    for s in a.steps:
        if s.op == "ok":
            assert s.ref is not None and s.hyp is not None
            assert ref[s.ref] == hyp[s.hyp]


# --------------------------------------------------------------------------- normalisation

@pytest.mark.parametrize(("written", "said"), [
    ("home to 120,000 Armenians.", "home to one hundred and twenty thousand armenians"),
    ("Photo 1 of 13.", "photo one of thirteen"),
    ("about 3% of its ice", "about three percent of its ice"),
    ("on May 2, 2024", "on may second twenty twenty four"),
    ("Alain Jocard, AFP, via Getty Images", "alain jocard a.f.p. via getty images"),
    ("Hello, World!", "hello world"),
    ("the Rhône glacier", "the rhone glacier"),
    ("the city's river", "the citys river"),
    ("defence minister, 90 kilometres", "defense minister ninety kilometers"),
    ("organisers of the neighbouring centre", "organizers of the neighboring center"),
    ("travelled to the programme", "traveled to the program"),
])
def test_written_and_spoken_forms_are_the_same_words(written: str, said: str) -> None:
    assert ear_words(written) == ear_words(said)


def test_normalisation_keeps_real_differences() -> None:
    assert ear_words("photo one of four") != ear_words("photo one on four")
    assert ear_words("AFP") != ear_words("AFB")
    assert ear_words("tens of thousands") != ear_words("ten thousand")
    # spelling folds leave short words alone
    assert ear_words("four hour your tour rise") == ["four", "hour", "your", "tour", "rise"]


def test_respelling_suggestions() -> None:
    assert syllables("Kornidzor") == "Kor-nid-zor"
    assert syllables("Goris") == "Go-ris"
    assert syllables("Lachin") == "La-chin"  # a digraph is one consonant
    assert syllables("Sachsenbrucke") == "Sach-sen-bru-cke"  # "br" starts a syllable
    assert syllables("Tokyo") == "To-kyo" and syllables("Nhac") == "Nhac"
    assert lexicon_line("Kornidzor") == 'Kornidzor = "Kor-nid-zor"'
    assert lexicon_line("Rhône") == '"Rhône" = "Rho-ne"'  # non-ASCII key quoted, ASCII hint
    assert lexicon_line("AFP") == 'AFP = "A F P"'
    assert lexicon_line("SOPA") == 'SOPA = "SO-PA"'  # an acronym said as a word


# --------------------------------------------------------------------------- the report

class ScriptedRecognizer:
    """Hears each chapter as the engine was asked to say it (``written``: as the script writes
    it, digits and all), with some words replaced: a recogniser whose mistakes are known, so
    the report's figures can be checked exactly."""

    name = "scripted"

    def __init__(self, ws: Path, replace: dict[str, str], written: bool = False) -> None:
        self.ws = ws
        self.replace = replace
        self.written = written
        self.calls: list[tuple[Path, str]] = []

    def transcribe(self, audio: Path, lang: str) -> str:
        assert audio.is_file()
        self.calls.append((audio, lang))
        manifest = json.loads(next(audio.parent.parent.glob("briefing-*.json")).read_text())
        index = next(i for i, c in enumerate(manifest["chapters"]) if c["file"].endswith(
            audio.name))
        text = " ".join(c["text"] if self.written else spoken_text(c["text"], lang)
                        for c in manifest["cues"] if c["chapter"] == index)
        for old, new in self.replace.items():
            text = text.replace(old, new)
        return text


@pytest.fixture
def built(seed_copy: SeedBuild) -> Path:
    """A private copy of the seed's shared build (proof reads it; a test adds a lexicon)."""
    return seed_copy.ws


def test_report_finds_exactly_the_misheard_words(built: Path) -> None:
    rec = ScriptedRecognizer(built, {"Kornidzor": "Corny door", "Goris": "Doris"})
    [day] = proof(Workspace(built), None, rec)
    manifest = json.loads((built / "audio" / "2023-09-27" / "briefing-2023-09-27.json")
                          .read_text())
    assert len(rec.calls) == len(manifest["chapters"]) == len(day.chapters)
    assert {lang for _, lang in rec.calls} == {manifest["lang"]}
    for chapter in day.chapters:
        text = " ".join(c["text"] for c in manifest["cues"] if c["chapter"] == chapter.index)
        # each Kornidzor: one substitution and one insertion; each Goris: one substitution
        expected = 2 * text.count("Kornidzor") + text.count("Goris")
        assert chapter.errors == expected, chapter.title
        assert chapter.words >= len(text.split())  # numbers are said in more words
    assert day.errors == sum(c.errors for c in day.chapters) > 0
    assert day.wer == pytest.approx(day.errors / day.words)
    assert 'Kornidzor = "Kor-nid-zor"' in day.lexicon_lines
    assert 'Goris = "Go-ris"' in day.lexicon_lines
    misheard = [m for c in day.chapters for s in c.sentences for m in s.misheard]
    assert {(m.expected, m.heard) for m in misheard} == {("kornidzor", "corny door"),
                                                          ("goris", "doris")}
    sentences = [s for c in day.chapters for s in c.sentences if s.errors]
    assert sentences and all("Kornidzor" in s.text or "Goris" in s.text for s in sentences)


def test_a_perfect_hearing_has_no_errors_despite_digits(built: Path) -> None:
    [day] = proof(Workspace(built), None, ScriptedRecognizer(built, {}))
    assert day.errors == 0 and day.wer == 0.0 and day.words > 300
    assert day.lexicon_lines == ()
    # heard as the script writes it ("120,000", "Photo 1 of 13", "September 27"): still no
    # error, except the words "quote" and "end quote" the engine says around quotations
    [written] = proof(Workspace(built), None, ScriptedRecognizer(built, {}, written=True))
    for chapter in written.chapters:
        quotations = sum(s.spoken.count("end quote") for s in chapter.sentences)
        assert chapter.errors == 3 * quotations, chapter.title
    digits = [c for c in written.chapters if any(ch.isdigit() for s in c.sentences
                                                 for ch in s.text)]
    assert len(digits) > 10


def test_known_lexicon_words_get_no_new_line(built: Path) -> None:
    (built / "pronunciations.toml").write_text('Kornidzor = "Kor-nid-zor"\n')
    rec = ScriptedRecognizer(built, {"Kornidzor": "Corny door"})
    [day] = proof(Workspace(built), None, rec)
    misheard = [m for c in day.chapters for s in c.sentences for m in s.misheard]
    assert misheard and all(m.in_lexicon == ("Kornidzor",) and m.lexicon_lines == ()
                            for m in misheard)


def test_cli_json_and_text(built: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    rec = ScriptedRecognizer(built, {"Goris": "Doris"})
    monkeypatch.setattr("briefing.cli.proof_cmd.check_installed", lambda: None)
    monkeypatch.setattr("briefing.cli.proof_cmd.make_recognizer", lambda: rec)
    result = cli("proof", "2023-09-27", "-w", built, "--json")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert doc["recognizer"] == "scripted"
    [date] = doc["dates"]
    assert date["date"] == "2023-09-27" and date["lexicon"] == ['Goris = "Go-ris"']
    assert doc["errors"] == date["errors"] == sum(c["errors"] for c in date["chapters"]) > 0
    assert doc["wer"] == pytest.approx(doc["errors"] / doc["words"])
    bad = [s for c in date["chapters"] for s in c["sentences"]]
    assert bad and all({"text", "spoken", "heard", "words", "errors", "misheard"} <= set(s)
                       for s in bad)
    text = cli("proof", "-w", built)
    assert text.exit_code == 0
    assert "2023-09-27: word error rate" in text.stdout
    assert "'goris' heard as 'doris'" in text.stdout
    assert 'Goris = "Go-ris"' in text.stdout


# --------------------------------------------------------------------------- the command line

def test_missing_extra_is_one_line(ws: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "faster_whisper", None)  # as if not installed
    with pytest.raises(RecognizerUnavailableError):
        check_installed()
    result = cli("proof", "-w", ws)
    assert result.exit_code == 1
    assert result.stderr.strip() == ("error: briefing proof needs faster-whisper, which is not "
                                     "installed: pip install 'briefing[proof]'")
    assert result.exception is None


def test_nothing_built_is_a_usage_error(
        ws: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("briefing.cli.proof_cmd.check_installed", lambda: None)
    monkeypatch.setattr("briefing.cli.proof_cmd.make_recognizer",
                        lambda: ScriptedRecognizer(ws, {}))
    nothing = cli("proof", "-w", ws)
    assert nothing.exit_code == 2 and "no built audio" in nothing.stderr
    assert cli("build", DATA / "no_photos.txt", "-w", ws, "--engine", "fake").exit_code == 0
    unbuilt = cli("proof", "2024-03-09", "-w", ws)
    assert unbuilt.exit_code == 2
    assert "no built audio for 2024-03-09; run 'briefing build' first" in unbuilt.stderr
    bad = cli("proof", "yesterday", "-w", ws)
    assert bad.exit_code == 2 and "not a YYYY-MM-DD date" in bad.stderr
    assert cli("proof", "2024-03-08", "-w", ws).exit_code == 0


# --------------------------------------------------------------------------- the real one

@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        check_installed()
    except RecognizerUnavailableError as exc:
        pytest.skip(str(exc))
    return tmp_path_factory.mktemp("models")


@pytest.mark.real_engine
def test_model_is_assembled_once_from_the_packages(model_cache: Path) -> None:
    from briefing.proof.recognizer import model_dir

    folder = model_dir(model_cache)
    model = folder / "model.bin"
    assert {p.name for p in folder.iterdir()} == {"model.bin", "config.json", "tokenizer.json",
                                                 "vocabulary.txt"}
    assert model.stat().st_size == 145_217_532  # the two halves of Whisper base
    mtime = model.stat().st_mtime_ns
    assert model_dir(model_cache) == folder and model.stat().st_mtime_ns == mtime
    assert [p.name for p in model_cache.iterdir()] == [folder.name]  # no temporary left


@pytest.mark.real_engine
def test_real_recognizer_on_a_short_espeak_build(ws: Path, cli: Cli, model_cache: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_MODEL_CACHE", str(model_cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")  # the recogniser must set it itself
    assert cli("build", DATA / "no_photos.txt", "-w", ws, "-j", "1", "-q").exit_code == 0
    result = cli("proof", "-w", ws, "--json")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert doc["recognizer"].startswith("faster-whisper ") and "base" in doc["recognizer"]
    [date] = doc["dates"]
    assert date["date"] == "2024-03-08" and date["words"] > 40
    assert 0.0 <= doc["wer"] < 0.5
    heard = " ".join(c["transcript"] for c in date["chapters"]).lower()
    assert "librar" in heard and "budget" in heard
    assert [c["index"] for c in date["chapters"]] == list(range(len(date["chapters"])))


def test_common_words_are_listed_but_get_no_lexicon_line(built: Path) -> None:
    rec = ScriptedRecognizer(built, {" people ": " peephole ", "Tens of": "Ten of",
                                     "Goris": "Doris"})
    [day] = proof(Workspace(built), None, rec)
    misheard = {(m.expected, m.heard): m for c in day.chapters for s in c.sentences
                for m in s.misheard}
    assert misheard[("people", "peephole")].lexicon_lines == ()
    assert misheard[("tens", "ten")].names == ()  # capitalised only as a first word
    assert misheard[("goris", "doris")].names == ("Goris",)
    assert day.lexicon_lines == ('Goris = "Go-ris"',)


def test_a_misheard_run_of_names_suggests_a_line_per_name(built: Path) -> None:
    rec = ScriptedRecognizer(built, {"Alain Jocard": "a angel card"})
    [day] = proof(Workspace(built), None, rec)
    runs = {m.expected: m for c in day.chapters for s in c.sentences for m in s.misheard}
    run = runs["alain jocard"]
    assert run.heard == "a angel card"
    assert run.names == ("Alain", "Jocard")
    assert run.lexicon_lines == ('Alain = "A-lain"', 'Jocard = "Jo-card"')
