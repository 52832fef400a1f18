"""Performance benchmark: how close a cold build gets to the raw engine + encoder floor.

Prints, in one run, and writes as JSON (benchmarks/results/performance.json):

* the raw pipeline: espeak-ng's command line on the article text plus one ffmpeg MP3 encode,
  and a cold ``briefing build`` of the same article, each in seconds per second of audio, and
  their ratio (target: the build within 1.5x of the raw pipeline);
* ``--jobs 1`` against ``--jobs 2`` on a workspace of nine dates (target: >= 1.8x faster);
* the peak memory of a build of a briefing of 18 articles on one date (about an hour of audio;
  target <= 200 MB), for the main process and for the whole process tree;
* the producer-workflow figures (no-op and one-sentence edit), from benchmarks/incremental.py.

    .venv/bin/python benchmarks/performance.py [--quick]
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

from incremental import make_workspace
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="smaller workloads (4 articles for the long briefing)")
    parser.add_argument("--engine", default="pyttsx3")
    parser.add_argument("--json", type=Path,
                        default=REPO / "benchmarks" / "results" / "performance.json")
    args = parser.parse_args()
    results: dict[str, Any] = {"engine": args.engine, "cores": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        # 1. raw pipeline vs cold build of the same article
        results["raw_pipeline"] = raw_pipeline(spoken_text(article()), tmp)
        ws = tmp / "single"
        seconds, report, _ = briefing("build", article(), "-w", ws, "--engine", args.engine)
        audio = audio_seconds(ws / report["dates"][0]["files"]["mp3"])
        cold = {"seconds": round(seconds, 3), "audio_seconds": round(audio, 1),
                "per_audio_second": seconds / audio}
        results["cold_build"] = cold
        raw = results["raw_pipeline"]
        if "per_audio_second" in raw:
            results["cold_to_raw_ratio"] = round(cold["per_audio_second"] /
                                                 raw["per_audio_second"], 2)
        # real-time factor of every usable engine on the same article (a cold build each)
        results["engines"] = {}
        for name in usable_engines():
            engine_ws = tmp / f"engine-{name}"
            seconds, report, _ = briefing("build", article(), "-w", engine_ws, "--engine", name)
            audio = audio_seconds(engine_ws / report["dates"][0]["files"]["mp3"])
            results["engines"][name] = {"seconds": round(seconds, 2),
                                        "audio_seconds": round(audio, 1),
                                        "real_time_factor": round(audio / seconds, 1)}
        # 2. --jobs 1 vs --jobs 2 on nine dates
        timings = {}
        for jobs in (1, 2):
            nine = tmp / f"nine-{jobs}"
            make_workspace(nine, 9)
            timings[jobs], _, _ = briefing("build", "-w", nine, "--engine", args.engine,
                                           "--jobs", jobs)
        results["nine_dates"] = {"jobs1_seconds": round(timings[1], 3),
                                 "jobs2_seconds": round(timings[2], 3),
                                 "speedup": round(timings[1] / timings[2], 2)}
        # 3. peak memory of a long briefing
        long_ws = tmp / "long"
        count = 4 if args.quick else 18
        one_hour_workspace(long_ws, count)
        seconds, report, peaks = briefing("build", "-w", long_ws, "--engine", args.engine,
                                          sample_memory=True)
        results["long_briefing"] = {
            "articles": count, "audio_minutes": round(report["dates"][0]["duration_ms"] / 60000, 1),
            "seconds": round(seconds, 2), "peak_main_mb": round(peaks["main_mb"], 1),
            "peak_tree_mb": round(peaks["tree_mb"], 1)}
        # 4. loudness: what the outputs measure (ffmpeg ebur128), and what normalising costs
        results["loudness"] = loudness_figures(ws, tmp)
    # 5. the producer workflow
    incremental = subprocess.run([sys.executable, str(REPO / "benchmarks" / "incremental.py"),
                                  "--json", str(args.json.with_name("incremental.json"))],
                                 capture_output=True, text=True, check=True)
    results["incremental"] = json.loads(args.json.with_name("incremental.json").read_text())

    print_results(results, args.engine)
    print(incremental.stdout.strip())
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"results written to {args.json}")
    return 0


def print_results(results: dict[str, Any], engine: str) -> None:
    """Each figure beside its goal."""
    raw = results["raw_pipeline"]
    cold = results["cold_build"]
    print(f"engine {engine} on {results['cores']} cores")
    if "per_audio_second" in raw:
        print(f"raw pipeline (espeak-ng CLI + ffmpeg): {raw['seconds']:.2f} s for "
              f"{raw['audio_seconds']:.0f} s of audio = {raw['per_audio_second'] * 1000:.1f} ms "
              "per second of audio")
    else:
        print(f"raw pipeline: {raw['skipped']}")
    print(f"cold briefing build: {cold['seconds']:.2f} s for {cold['audio_seconds']:.0f} s of "
          f"audio = {cold['per_audio_second'] * 1000:.1f} ms per second of audio"
          + (f"; {results['cold_to_raw_ratio']}x the raw pipeline (target <= 1.5x)"
             if "cold_to_raw_ratio" in results else ""))
    for name, figures in results["engines"].items():
        print(f"engine {name}: cold build {figures['seconds']:.2f} s for "
              f"{figures['audio_seconds']:.0f} s of audio, {figures['real_time_factor']}x real "
              "time")
    nine = results["nine_dates"]
    print(f"nine dates: --jobs 1 {nine['jobs1_seconds']:.2f} s, --jobs 2 "
          f"{nine['jobs2_seconds']:.2f} s, speed-up {nine['speedup']}x (target >= 1.8x)")
    long_ = results["long_briefing"]
    print(f"long briefing ({long_['articles']} articles, {long_['audio_minutes']} min): "
          f"{long_['seconds']:.1f} s, peak memory {long_['peak_main_mb']:.0f} MB main process, "
          f"{long_['peak_tree_mb']:.0f} MB with its workers (target <= 200 MB)")
    loud = results["loudness"]
    if "integrated_lufs_min" in loud:
        print(f"loudness of {loud['outputs_measured']} outputs (ffmpeg ebur128): "
              f"{loud['integrated_lufs_min']} to {loud['integrated_lufs_max']} LUFS, true peak "
              f"<= {loud['true_peak_dbtp_max']} dBTP (target -16 +/- 1 LUFS, <= -1 dBTP)")
    if "normalize_seconds" in loud:
        print(f"normalising {loud['normalized_audio_seconds']} s of raw espeak-ng audio "
              f"(measured {loud['raw_espeak']['integrated_lufs']:.1f} LUFS) took "
              f"{loud['normalize_seconds']} s")


if __name__ == "__main__":
    raise SystemExit(main())
