"""Intelligibility benchmark: the word error an independent recogniser makes on the briefings.

For each usable real engine (pyttsx3/espeak-ng, piper) and each set of articles (the sample in
articles/, the seed in ../shared/seeds when present, and the corpus in benchmarks/corpus/ that
the project's code was not tuned on), it prints and writes (benchmarks/results/
intelligibility.json):

* the pooled word error rate of the built briefing against its own spoken text, as
  ``briefing proof`` measures it (every chapter transcribed by Whisper base, compared with the
  chapter's sentences read for the ear);
* the raw-engine anchor: the article file's own text (each paragraph, caption and credit line
  as in the file) read by the same engine with no normalisation and no lexicon, compared with
  that text;
* the goals (on the corpus): at most 0.17 with espeak-ng and 0.10 with piper.

Needs the proof extra (``pip install -e '.[proof]'``).  One recogniser (int8, a thread per
core) is loaded once and reused.  Measured on two shared cores: the sample alone with pyttsx3
takes about a minute; the full run (three sets, two engines, built and raw) 24 minutes under a
load of about 9, mostly Whisper listening to some 8,000 words (about 45 minutes) of speech and
piper synthesising; ``--sets`` and ``--engines`` narrow it.

    .venv/bin/python benchmarks/intelligibility.py [--engines pyttsx3,piper] [--sets corpus]

A one-run figure moves by about a point when the pauses move by a few milliseconds (the
recogniser's decoding of a whole chapter shifts; docs/intelligibility-notes.md).  ``--jitter N``
builds and recognises each set N times, with the sentence pause spread evenly over
default-15 .. default+15 ms (always the same N values), in one workspace (only the assembly is
redone), and reports the median errors and their spread (min..max); with N=1 (the default) one
build at the default pause, as before.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import io
import json
import multiprocessing
import re
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SETS = {
    "sample": REPO / "articles",
    "seed": REPO.parent / "shared" / "seeds",
    "corpus": REPO / "benchmarks" / "corpus",
    "heldout": REPO / "benchmarks" / "heldout",  # never tuned on (its README)
}
GOALS = {"pyttsx3": 0.17, "piper": 0.10}
RESULTS = REPO / "benchmarks" / "results" / "intelligibility.json"
GAP_S = 0.4
JITTER_MS = 15
PAUSE_KEY = "sentence_pause_ms"


def usable_engines() -> list[str]:
    out = subprocess.run([sys.executable, "-m", "briefing", "engines", "--json"],
                         capture_output=True, text=True, check=True).stdout
    return [e["name"] for e in json.loads(out) if e["usable"] and e["name"] != "fake"]


def jitter_pauses(n: int, base: int, spread: int = JITTER_MS) -> list[int]:
    """``n`` sentence pauses evenly spaced over base-spread .. base+spread ms (base alone if 1)."""
    if n < 1:
        raise ValueError(f"--jitter must be at least 1, not {n}")
    if n == 1:
        return [base]
    return [base + round(-spread + 2 * spread * i / (n - 1)) for i in range(n)]


def base_pause(settings: tuple[str, ...]) -> int:
    """The sentence pause the settings ask for (a ``--setting`` line), else briefing's default."""
    for line in settings:
        key, _, value = line.partition("=")
        if key.strip() == PAUSE_KEY:
            return int(value.strip())
    from briefing.config import Settings

    return Settings().sentence_pause_ms


def with_pause(settings: tuple[str, ...], ms: int) -> tuple[str, ...]:
    """The settings with the sentence pause set to ``ms`` (replacing one already given)."""
    kept = tuple(line for line in settings if line.partition("=")[0].strip() != PAUSE_KEY)
    return (*kept, f"{PAUSE_KEY} = {ms}")


def median_run(runs: list[dict[str, Any]], pauses: list[int]) -> dict[str, Any]:
    """One figure from the runs of a jitter: the run with the median errors, plus the spread.

    The median run (the lower middle one for an even count) keeps its details (chapters,
    misheard words); ``jitter`` lists every run's errors and the misheard words counted over
    all runs, so a frequent error is told from one run's accident.
    """
    order = sorted(range(len(runs)), key=lambda i: (runs[i]["errors"], i))
    middle = dict(runs[order[(len(runs) - 1) // 2]])
    errors = [r["errors"] for r in runs]
    words = middle["words"]
    pairs: Counter[str] = Counter()
    for run in runs:
        for line in run.get("misheard", []):
            count, _, pair = line.partition("x ")
            pairs[pair] += int(count)
    if len(runs) > 1:
        middle["jitter"] = {
            "pauses_ms": pauses, "errors": errors,
            "min": min(errors), "max": max(errors),
            "wer_min": round(min(errors) / words, 4), "wer_max": round(max(errors) / words, 4),
            "misheard": [f"{n}x {pair}" for pair, n in pairs.most_common(40)]}
    return middle


def raw_lines(path: Path) -> list[str]:
    """The file's paragraphs, captions and credits, one per line as written, no date marker."""
    text = re.sub(r"^\ufeff?\s*date \S+", "", path.read_text(encoding="utf-8"))
    return [line.strip() for line in text.splitlines() if line.strip()]


def _synthesize_raw(engine: str, lines: list[str]) -> list[bytes]:
    """Each line read by ``engine`` as it is (run in its own process: one espeak-ng each)."""
    from briefing.engines import load_engine
    from briefing.engines.base import VoiceSettings

    eng = load_engine(engine)
    try:
        return [eng.synthesize(line, VoiceSettings(None, 175)) for line in lines]
    finally:
        eng.close()


def join_wavs(wavs: list[bytes], target: Path) -> None:
    params = None
    frames = []
    for data in wavs:
        with wave.open(io.BytesIO(data)) as w:
            params = params or w.getparams()
            frames.append(w.readframes(w.getnframes()))
    assert params is not None
    gap = b"\0" * (int(params.framerate * GAP_S) * params.sampwidth * params.nchannels)
    with wave.open(str(target), "wb") as out:
        out.setnchannels(params.nchannels)
        out.setsampwidth(params.sampwidth)
        out.setframerate(params.framerate)
        out.writeframes(gap.join(frames))


def raw_anchor(engine: str, files: list[Path], recognizer: Any, tmp: Path) -> dict[str, Any]:
    from briefing.proof.wer import align, ear_words

    words = errors = 0
    audio_s = 0.0
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=ctx) as pool:
        for path in files:
            lines = raw_lines(path)
            wavs = pool.submit(_synthesize_raw, engine, lines).result()
            target = tmp / f"raw-{engine}-{path.stem}.wav"
            join_wavs(wavs, target)
            with wave.open(str(target)) as w:
                audio_s += w.getnframes() / w.getframerate()
            heard = recognizer.transcribe(target, "en")
            result = align(ear_words("\n".join(lines)), ear_words(heard))
            words += len(result.ref)
            errors += result.errors
    return {"words": words, "errors": errors, "wer": round(errors / words, 4),
            "audio_seconds": round(audio_s, 1)}


def built(engine: str, files: list[Path], recognizer: Any, tmp: Path,
          settings: tuple[str, ...] = (), jitter: int = 1) -> dict[str, Any]:
    """The built briefing's figures: one build, or the median of ``jitter`` pause variants."""
    from briefing.build.workspace import Workspace
    from briefing.proof.listen import proof

    ws = tmp / f"ws-{engine}"
    (ws / "articles").mkdir(parents=True)
    for path in files:
        shutil.copy(path, ws / "articles" / path.name)
    pauses = jitter_pauses(jitter, base_pause(settings))
    runs = []
    for ms in pauses:
        lines = settings if jitter == 1 else with_pause(settings, ms)
        if lines:  # e.g. voice = "gmw/en-us": tried as a producer would, in briefing.toml
            (ws / "briefing.toml").write_text("".join(f"{s}\n" for s in lines),
                                              encoding="utf-8")
        subprocess.run([sys.executable, "-m", "briefing", "build", "-w", str(ws), "--engine",
                        engine, "-q"], check=True)
        runs.append(_figures(proof(Workspace(ws), None, recognizer)))
        if jitter > 1:
            print(f"        pause {ms} ms: {runs[-1]['errors']}/{runs[-1]['words']}", flush=True)
    return median_run(runs, pauses)


def _figures(results: list[Any]) -> dict[str, Any]:
    words = sum(d.words for d in results)
    errors = sum(d.errors for d in results)
    worst = sorted(((c.wer, f"{d.date} {c.title}") for d in results for c in d.chapters),
                   reverse=True)[:3]
    lines = sorted({line for d in results for line in d.lexicon_lines})
    pairs = Counter(f"{m.expected or '-'} → {m.heard or '-'}" for d in results
                    for c in d.chapters for s in c.sentences for m in s.misheard)
    return {"words": words, "errors": errors, "wer": round(errors / words, 4),
            "dates": {d.date: round(d.wer, 4) for d in results},
            "worst_chapters": [{"chapter": t, "wer": round(w, 4)} for w, t in worst],
            "suggested_lexicon": lines,
            "misheard": [f"{n}x {pair}" for pair, n in pairs.most_common(30)]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", help="comma-separated engines (default: every usable one)")
    parser.add_argument("--sets", default=",".join(SETS),
                        help=f"comma-separated sets of articles ({', '.join(SETS)})")
    parser.add_argument("--no-raw", action="store_true", help="skip the raw-engine anchors")
    parser.add_argument("--setting", action="append", default=[], metavar="TOML",
                        help="a briefing.toml line for the built workspaces, e.g. "
                             "'sentence_pause_ms = 400' (repeatable)")
    parser.add_argument("--jitter", type=_positive, default=1, metavar="N",
                        help="build and recognise each set N times, the sentence pause spread "
                             f"over default±{JITTER_MS} ms; report the median and min..max")
    parser.add_argument("--out", type=Path, default=RESULTS,
                        help="where to write the JSON (default: %(default)s)")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from briefing.errors import RecognizerUnavailableError
    from briefing.proof.recognizer import WhisperRecognizer

    try:
        recognizer = WhisperRecognizer()
    except RecognizerUnavailableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    engines = args.engines.split(",") if args.engines else usable_engines()
    results: dict[str, Any] = {"recognizer": recognizer.name, "goals": GOALS,
                               "settings": args.setting, "jitter": args.jitter, "sets": {}}
    for name in args.sets.split(","):
        files = sorted(p for p in SETS[name].glob("*.txt")) if SETS[name].is_dir() else []
        if not files:
            print(f"{name}: no articles in {SETS[name]}, skipped")
            continue
        entry: dict[str, Any] = {"articles": [p.name for p in files]}
        results["sets"][name] = entry
        for engine in engines:
            start = time.perf_counter()
            with tempfile.TemporaryDirectory(prefix="intelligibility-") as tmp:
                figures = {"built": built(engine, files, recognizer, Path(tmp),
                                         tuple(args.setting), args.jitter)}
                if not args.no_raw:
                    figures["raw"] = raw_anchor(engine, files, recognizer, Path(tmp))
            figures["seconds"] = round(time.perf_counter() - start, 1)
            entry[engine] = figures
            raw = figures.get("raw")
            goal = GOALS.get(engine)
            verdict = "" if goal is None or name != "corpus" else (
                f", goal ≤ {goal:.2f} {'met' if figures['built']['wer'] <= goal else 'NOT met'}")
            spread = figures["built"].get("jitter")
            print(f"{name:7} {engine:8} built {figures['built']['wer']:.3f} "
                  f"({figures['built']['errors']}/{figures['built']['words']} words"
                  + (f", median of {args.jitter}, spread {spread['min']}..{spread['max']}"
                     if spread else "") + ")"
                  + (f", raw engine {raw['wer']:.3f} ({raw['errors']}/{raw['words']})"
                     if raw else "") + f"{verdict}  [{figures['seconds']:.0f} s]", flush=True)
    for engine in engines:  # pooled over every set
        pooled = [results["sets"][s][engine] for s in results["sets"]]
        w = sum(p["built"]["words"] for p in pooled)
        e = sum(p["built"]["errors"] for p in pooled)
        results.setdefault("pooled", {})[engine] = round(e / w, 4) if w else None
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


if __name__ == "__main__":
    sys.exit(main())
