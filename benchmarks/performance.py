"""Performance benchmark: every figure of issue 17 beside its goal, measured in one run.

* a cold build against the raw pipeline (espeak-ng's command line and one ffmpeg MP3 encode)
  per second of audio (goal <= 1.5x);
* a no-op rebuild and a one-sentence edit of nine dates against their cold build, each a
  ``briefing build`` subprocess (goals <= 3% and <= 5%; benchmarks/incremental.py);
* ``--jobs 2`` against ``--jobs 1`` on nine dates (goal >= 1.85x);
* the peak memory of a long briefing (18 articles on one date, about 76 minutes), all
  processes together (goal <= 200 MB);
* ``briefing --version`` (goal <= 0.08 s) with what its imports cost (``-X importtime``);
* with the piper extra: a cold piper build against the raw ``piper`` CLI (+ ffmpeg) per second
  of audio (goal <= 1.2x) and piper ``--jobs 2`` against ``--jobs 1`` (goal: not slower).

Ratios are of the two sides measured one after the other in the same repetition, and the
median of ``--repeat`` repetitions is reported (a shared machine is noisy).  Prints each figure
beside its goal and writes benchmarks/results/performance.json (``figures``: one object per
figure with name, value, unit, goal and met); ``--write-readme`` rewrites the README's table.

    .venv/bin/python benchmarks/performance.py [--quick] [--repeat N] [--write-readme]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import (
    Figure,
    import_breakdown,
    interpreter_seconds,
    median,
    ratio_figure,
    version_seconds,
    write_readme,
)
from incremental import (
    compile_bytecode,
    edit_one_sentence,
    make_workspace,
    run_build,
    settle_writes,
    summary,
)
from proctree import process_tree, status_kb

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "seeds" / "000_59d2dc9ad17c7b01.txt"
SAMPLE = REPO / "articles" / "2024-05-14-river-cleanup.txt"


def article() -> Path:
    return SEED if SEED.is_file() else SAMPLE


def spoken_text(path: Path) -> str:
    """The article's words without the date marker (what the raw pipeline speaks)."""
    text = path.read_text(encoding="utf-8")
    return re.sub(r"^\s*date \S+", "", text).strip()


def audio_seconds(mp3: Path) -> float:
    from mutagen.mp3 import MP3

    return float(MP3(mp3).info.length)


def raw_pipeline(text: str, tmp: Path) -> dict[str, Any]:
    """espeak-ng CLI to WAV, then ffmpeg to a 64 kbps mono MP3."""
    espeak, ffmpeg = shutil.which("espeak-ng"), shutil.which("ffmpeg")
    if not espeak or not ffmpeg:
        return {"skipped": "needs the espeak-ng and ffmpeg commands (make bench installs them)"}
    wav, mp3 = tmp / "raw.wav", tmp / "raw.mp3"
    (tmp / "raw.txt").write_text(text, encoding="utf-8")
    settle_writes()
    start = time.perf_counter()
    subprocess.run([espeak, "-s", "175", "-w", str(wav), "-f", str(tmp / "raw.txt")], check=True)
    synth = time.perf_counter() - start
    subprocess.run([ffmpeg, "-v", "error", "-y", "-i", str(wav), "-ac", "1", "-b:a", "64k",
                    str(mp3)], check=True)
    total = time.perf_counter() - start
    seconds = audio_seconds(mp3)
    return {"seconds": round(total, 3), "synthesis_seconds": round(synth, 3),
            "audio_seconds": round(seconds, 1), "per_audio_second": total / seconds}


def briefing(*args: str | Path, sample_memory: bool = False) -> tuple[float, dict[str, Any],
                                                                       dict[str, float]]:
    """Run ``briefing ARGS --json``; returns wall time, the report and memory peaks (MB)."""
    cmd = [sys.executable, "-m", "briefing", *map(str, args), "--json", "-q"]
    settle_writes()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks = {"main_mb": 0.0, "tree_mb": 0.0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.02):
            main, tree = _rss_tree(proc.pid)
            peaks["main_mb"] = max(peaks["main_mb"], main)
            peaks["tree_mb"] = max(peaks["tree_mb"], tree)

    sampler = threading.Thread(target=sample, daemon=True)
    if sample_memory:
        sampler.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    stop.set()
    if proc.returncode != 0:
        raise SystemExit(f"briefing failed ({proc.returncode}): {err}")
    return elapsed, json.loads(out), peaks


def _rss_tree(root: int) -> tuple[float, float]:
    """RSS of ``root`` and of ``root`` with all its descendants, in MB (Linux /proc)."""
    total = sum(status_kb(pid, "VmRSS") for pid in process_tree(root))
    return status_kb(root, "VmRSS") / 1024, total / 1024


def ebur128(path: Path) -> tuple[float, float] | None:
    """Integrated loudness and true peak as ffmpeg's ebur128 filter measures them."""
    if not shutil.which("ffmpeg"):
        return None
    out = subprocess.run(["ffmpeg", "-nostats", "-hide_banner", "-i", str(path),
                          "-filter_complex", "ebur128=peak=true", "-f", "null", "-"],
                         capture_output=True, text=True, check=True).stderr
    summary = out[out.rindex("Summary:"):]
    integrated = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if not integrated or not peak:
        return None
    return float(integrated.group(1)), float(peak.group(1))


def loudness_figures(ws: Path, tmp: Path) -> dict[str, Any]:
    """ebur128 of the single-article build's outputs, and the time to normalise its audio."""
    import wave

    from briefing.audio.loudness import LoudnessTarget, measure, normalize

    figures: dict[str, Any] = {}
    readings = [r for r in (ebur128(p) for p in sorted((ws / "audio").rglob("*.mp3"))) if r]
    if readings:
        figures["outputs_measured"] = len(readings)
        figures["integrated_lufs_min"] = min(r[0] for r in readings)
        figures["integrated_lufs_max"] = max(r[0] for r in readings)
        figures["true_peak_dbtp_max"] = max(r[1] for r in readings)
    raw = tmp / "raw.wav"
    if raw.is_file():
        with wave.open(str(raw)) as w:
            pcm, rate = w.readframes(w.getnframes()), w.getframerate()
        start = time.perf_counter()
        normalize(pcm, rate, LoudnessTarget())
        figures["normalize_seconds"] = round(time.perf_counter() - start, 3)
        figures["normalized_audio_seconds"] = round(len(pcm) / 2 / rate, 1)
        figures["raw_espeak"] = vars(measure(pcm, rate))
    return figures


def usable_engines() -> list[str]:
    """Installed real engines that can run here (``briefing engines --json``)."""
    out = subprocess.run([sys.executable, "-m", "briefing", "engines", "--json"],
                         capture_output=True, text=True, check=True)
    return [e["name"] for e in json.loads(out.stdout) if e["usable"] and e["name"] != "fake"]


def one_hour_workspace(root: Path, articles: int) -> None:
    """``articles`` distinct articles on one date (copies of the seed, made distinct)."""
    (root / "articles").mkdir(parents=True)
    head, body = article().read_text(encoding="utf-8").split("\n", 1)
    head = re.sub(r"date \d{4}-\d{2}-\d{2}", "date 2025-02-01", head, count=1)
    for i in range(articles):
        edition = f" in edition {i + 1}.\\1"
        text = re.sub(r"\.(\s|$)", edition, head) + "\n" + re.sub(r"\.(\s|$)", edition, body)
        (root / "articles" / f"{i:02d}.txt").write_text(text, encoding="utf-8")


def cold_vs_raw(tmp: Path, engine: str, repeat: int) -> tuple[Figure, Path]:
    """A cold build of one article against the raw espeak-ng + ffmpeg pipeline, per second
    of audio, in each repetition one after the other."""
    pairs, runs = [], []
    ws = tmp
    for i in range(repeat):
        raw = raw_pipeline(spoken_text(article()), tmp)
        if "per_audio_second" not in raw:
            return Figure("cold_build_vs_raw_pipeline", None, "x", "<= 1.5",
                          "cold build vs raw espeak-ng + ffmpeg, per audio second",
                          skipped=raw["skipped"]), ws
        ws = tmp / f"single-{i}"
        seconds, report, _ = briefing("build", article(), "-w", ws, "--engine", engine)
        audio = audio_seconds(ws / report["dates"][0]["files"]["mp3"])
        pairs.append((seconds / audio, raw["per_audio_second"]))
        runs.append({"raw": raw, "cold_seconds": round(seconds, 3),
                     "cold_audio_seconds": round(audio, 1)})
    return ratio_figure("cold_build_vs_raw_pipeline",
                        "cold build vs raw espeak-ng + ffmpeg, per audio second", "<= 1.5",
                        "x", pairs, details={"runs": runs}), ws


def incremental_figures(tmp: Path, repeat: int, dates: int = 9) -> list[Figure]:
    """No-op and one-sentence edit against the cold build of ``dates`` dates (subprocesses)."""
    noop, edit, runs = [], [], []
    for i in range(repeat):
        ws = tmp / f"incremental-{i}"
        make_workspace(ws, dates)
        cold_s, cold = run_build(ws)
        noop_s, _ = run_build(ws)
        edit_one_sentence(ws, dates // 2)
        edit_s, edited = run_build(ws)
        noop.append((noop_s, cold_s))
        edit.append((edit_s, cold_s))
        runs.append({"cold_seconds": round(cold_s, 3), **summary(cold),
                     "noop_seconds": round(noop_s, 3), "edit_seconds": round(edit_s, 3),
                     "edit_synthesized": summary(edited)["segments_synthesized"]})
    details = {"dates": dates, "runs": runs}
    return [ratio_figure("noop_vs_cold", f"no-op rebuild vs cold build, {dates} dates",
                         "<= 3", "%", noop, 100, details),
            ratio_figure("edit_vs_cold", f"one-sentence edit vs cold build, {dates} dates",
                         "<= 5", "%", edit, 100, details)]


def jobs_speedup(tmp: Path, engine: str, repeat: int, dates: int = 9, name: str = "jobs2_speedup",
                 goal: str = ">= 1.85") -> Figure:
    """``--jobs 1`` time over ``--jobs 2`` time on ``dates`` dates, built one after the other
    (briefing byte-compiled first, as installed: else each build compiles it from source, a
    serial start that would weigh on the ratio)."""
    compile_bytecode()
    pairs = []
    for i in range(repeat):
        timings = {}
        for jobs in (1, 2):
            ws = tmp / f"{name}-{i}-{jobs}"
            make_workspace(ws, dates)
            timings[jobs], _, _ = briefing("build", "-w", ws, "--engine", engine,
                                           "--jobs", jobs)
        pairs.append((timings[1], timings[2]))
    return ratio_figure(name, f"{engine} --jobs 2 speed-up over --jobs 1, {dates} dates", goal,
                        "x", pairs, details={"machine_ceiling": machine_ceiling(repeat)})


_CPU_LOOP = "x = 0\nfor i in range(6_000_000):\n    x += i * i\n"


def machine_ceiling(repeat: int) -> dict[str, float]:
    """What this machine gives two CPU-bound processes at once against one alone: a pure
    Python loop run alone, then two at once (2 x alone / the pair's wall time).  The ceiling of
    any ``--jobs 2`` speed-up here, before a build's own serial start and end."""
    alone, pair = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", _CPU_LOOP], check=True)
        alone.append(time.perf_counter() - start)
        start = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", _CPU_LOOP]) for _ in range(2)]
        for proc in procs:
            proc.wait()
        pair.append(time.perf_counter() - start)
    return {"alone_seconds": round(median(alone), 3), "pair_seconds": round(median(pair), 3),
            "speedup": round(2 * median(alone) / median(pair), 3)}


def long_briefing_memory(tmp: Path, engine: str, count: int) -> Figure:
    """Peak memory of the build of ``count`` articles on one date, all processes together."""
    ws = tmp / "long"
    one_hour_workspace(ws, count)
    seconds, report, peaks = briefing("build", "-w", ws, "--engine", engine, sample_memory=True)
    minutes = round(report["dates"][0]["duration_ms"] / 60000, 1)
    return Figure("long_briefing_peak_mb", round(peaks["tree_mb"], 1), "MB", "<= 200",
                  f"peak memory, all processes, {minutes}-minute briefing",
                  {"articles": count, "audio_minutes": minutes, "seconds": round(seconds, 2),
                   "peak_main_mb": round(peaks["main_mb"], 1)})


def version_figure() -> Figure:
    """``briefing --version`` wall time, with the interpreter's own start-up beside it and the
    import breakdown of --version, --help and a command's --help."""
    seconds, times = version_seconds()
    return Figure("version_seconds", round(seconds, 4), "s", "<= 0.08", "briefing --version",
                  {"runs": [round(t, 4) for t in times],
                   "interpreter_seconds": round(interpreter_seconds(), 4),
                   "imports": {"--version": import_breakdown("--version"),
                               "--help": import_breakdown("--help"),
                               "build --help": import_breakdown("build", "--help")}})


def raw_piper(text: str, tmp: Path) -> dict[str, Any]:
    """The ``piper`` CLI with the joe voice to WAV, then ffmpeg to a 64 kbps mono MP3."""
    from briefing.engines.piper_voices import joe_files

    piper_cli, ffmpeg = Path(sys.executable).with_name("piper"), shutil.which("ffmpeg")
    if not piper_cli.is_file() or not ffmpeg:
        return {"skipped": "needs the piper command (the piper extra) and ffmpeg"}
    model, config = joe_files()
    wav, mp3 = tmp / "piper.wav", tmp / "piper.mp3"
    settle_writes()
    start = time.perf_counter()
    subprocess.run([str(piper_cli), "-m", str(model), "-c", str(config), "-f", str(wav)],
                   input=text, text=True, check=True, capture_output=True)
    subprocess.run([ffmpeg, "-v", "error", "-y", "-i", str(wav), "-ac", "1", "-b:a", "64k",
                    str(mp3)], check=True)
    total = time.perf_counter() - start
    return {"seconds": round(total, 3), "per_audio_second": total / audio_seconds(mp3)}


def piper_figures(tmp: Path, repeat: int, dates: int) -> list[Figure]:
    """Piper's cold build against the raw piper CLI, and its --jobs 2 against --jobs 1."""
    label = "piper cold build vs raw piper CLI + ffmpeg, per audio second"
    jobs_label = f"piper --jobs 2 speed-up over --jobs 1, {dates} dates"
    if "piper" not in usable_engines():
        why = "the piper engine is not usable here (pip install 'briefing[piper]')"
        return [Figure("piper_vs_raw", None, "x", "<= 1.2", label, skipped=why),
                Figure("piper_jobs2_speedup", None, "x", ">= 1.0", jobs_label, skipped=why)]
    pairs = []
    for i in range(repeat):
        raw = raw_piper(spoken_text(article()), tmp)
        if "per_audio_second" not in raw:
            return [Figure("piper_vs_raw", None, "x", "<= 1.2", label, skipped=raw["skipped"])]
        ws = tmp / f"piper-{i}"
        seconds, report, _ = briefing("build", article(), "-w", ws, "--engine", "piper")
        pairs.append((seconds / audio_seconds(ws / report["dates"][0]["files"]["mp3"]),
                      raw["per_audio_second"]))
    return [ratio_figure("piper_vs_raw", label, "<= 1.2", "x", pairs),
            jobs_speedup(tmp, "piper", repeat, dates, "piper_jobs2_speedup", ">= 1.0")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="one repetition, 4 articles for the long briefing, 3 piper dates")
    parser.add_argument("--repeat", type=int, help="repetitions (default 3, 1 with --quick)")
    parser.add_argument("--engine", default="pyttsx3")
    parser.add_argument("--write-readme", action="store_true",
                        help="rewrite the README's table of the latest figures")
    parser.add_argument("--json", type=Path,
                        default=REPO / "benchmarks" / "results" / "performance.json")
    args = parser.parse_args()
    repeat = args.repeat or (1 if args.quick else 3)
    figures: list[Figure] = [version_figure()]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        cold, single_ws = cold_vs_raw(tmp, args.engine, repeat)
        figures.append(cold)
        figures.extend(incremental_figures(tmp, repeat))
        figures.append(jobs_speedup(tmp, args.engine, repeat))
        figures.append(long_briefing_memory(tmp, args.engine, 4 if args.quick else 18))
        figures.extend(piper_figures(tmp, repeat, 3 if args.quick else 9))
        loudness = loudness_figures(single_ws, tmp) if single_ws != tmp else {}
    context = (f"Engine {args.engine}, {os.cpu_count()} cores, median of {repeat} "
               f"repetition(s){' (--quick)' if args.quick else ''}, measured "
               f"{time.strftime('%Y-%m-%d')} by `benchmarks/performance.py"
               f"{' --quick' if args.quick else ''}`.")
    print(context)
    for f in figures:
        print(f.line())
    for f in figures:
        ceiling = f.details.get("machine_ceiling")
        if ceiling:
            print(f"  {f.name}: two CPU-bound processes at once run {ceiling['speedup']:.2f}x "
                  f"one alone on this machine ({ceiling['alone_seconds']} s alone, "
                  f"{ceiling['pair_seconds']} s for two): the ceiling of --jobs 2 here")
    imports = figures[0].details["imports"]["--version"]
    print(f"  --version imports {imports['modules']} modules, {imports['total_ms']} ms: "
          + ", ".join(f"{name} {ms} ms" for name, ms in imports["top"].items()))
    doc = {"engine": args.engine, "cores": os.cpu_count(), "repeat": repeat,
           "quick": args.quick, "figures": [f.to_json() for f in figures],
           "loudness": loudness}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"results written to {args.json}")
    if args.write_readme:
        write_readme(REPO / "README.md", figures, context)
        print("README.md: Performance table rewritten")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
