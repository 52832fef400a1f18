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


def usable_engines() -> list[str]:
    out = subprocess.run([sys.executable, "-m", "briefing", "engines", "--json"],
                         capture_output=True, text=True, check=True).stdout
    return [e["name"] for e in json.loads(out) if e["usable"] and e["name"] != "fake"]


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
          settings: tuple[str, ...] = ()) -> dict[str, Any]:
    from briefing.build.workspace import Workspace
    from briefing.proof.listen import proof

    ws = tmp / f"ws-{engine}"
    (ws / "articles").mkdir(parents=True)
    if settings:  # e.g. voice = "gmw/en-us": tried as a producer would, in briefing.toml
        (ws / "briefing.toml").write_text("".join(f"{s}\n" for s in settings), encoding="utf-8")
    for path in files:
        shutil.copy(path, ws / "articles" / path.name)
    subprocess.run([sys.executable, "-m", "briefing", "build", "-w", str(ws), "--engine",
                    engine, "-q"], check=True)
    results = proof(Workspace(ws), None, recognizer)
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
                               "settings": args.setting, "sets": {}}
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
                                         tuple(args.setting))}
                if not args.no_raw:
                    figures["raw"] = raw_anchor(engine, files, recognizer, Path(tmp))
            figures["seconds"] = round(time.perf_counter() - start, 1)
            entry[engine] = figures
            raw = figures.get("raw")
            goal = GOALS.get(engine)
            verdict = "" if goal is None or name != "corpus" else (
                f", goal ≤ {goal:.2f} {'met' if figures['built']['wer'] <= goal else 'NOT met'}")
            print(f"{name:7} {engine:8} built {figures['built']['wer']:.3f} "
                  f"({figures['built']['errors']}/{figures['built']['words']} words)"
                  + (f", raw engine {raw['wer']:.3f} ({raw['errors']}/{raw['words']})"
                     if raw else "") + f"{verdict}  [{figures['seconds']:.0f} s]", flush=True)
    for engine in engines:  # pooled over every set
        pooled = [results["sets"][s][engine] for s in results["sets"]]
        w = sum(p["built"]["words"] for p in pooled)
        e = sum(p["built"]["errors"] for p in pooled)
        results.setdefault("pooled", {})[engine] = round(e / w, 4) if w else None
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
