"""Memory benchmark: a very long single-paragraph article builds within a fixed memory bound.

Builds one article of ``--words`` words (default 40,000, about 250 KB: under the 1 MB article
limit) in a single paragraph with the fake engine, and samples, every 20 ms, the resident memory
of the build and of all its worker processes together (Linux ``/proc``), and reads each
process's own high-water mark (``VmHWM``) as it runs.  Prints the peak beside the goal and
writes ``benchmarks/results/memory.json``.

    .venv/bin/python benchmarks/memory.py [--words 40000] [--engine fake] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from proctree import process_tree, status_kb

REPO = Path(__file__).resolve().parent.parent
GOAL_MB = 1500.0
"""Peak resident memory of the build and all its workers together, for 40,000 words."""


def long_article(path: Path, words: int, seed: int = 1) -> None:
    """One paragraph of ``words`` words in sentences of 8 to 30 words (deterministic)."""
    vocabulary = ["people", "region", "border", "fled", "thousands", "armenia", "azerbaijan",
                  "offensive", "control", "ceasefire", "fighters", "agreed", "surrender", "arms",
                  "citizenship", "homes", "mountainous", "population", "rights", "minister",
                  "experts", "warned", "risk", "humanitarian", "corridor", "satellite",
                  "traffic", "vehicles", "soldiers", "hotel", "camp", "volunteers", "apples",
                  "bus", "registration", "center", "doctors", "monitors", "organizations",
                  "access", "needs"]
    rng = random.Random(seed)
    sentences, count = [], 0
    while count < words:
        n = min(rng.randint(8, 30), words - count)
        sentence = " ".join(rng.choice(vocabulary) for _ in range(n))
        sentences.append(sentence[0].upper() + sentence[1:] + ".")
        count += n
    path.write_text("date 2024-05-15 " + " ".join(sentences) + "\n", encoding="utf-8")


def run_build(article: Path, ws: Path, engine: str, jobs: int) -> dict[str, Any]:
    """Build ``article`` in ``ws``, sampling memory; returns the figures (MB)."""
    cmd = [sys.executable, "-m", "briefing", "build", str(article), "-w", str(ws),
           "--engine", engine, "--jobs", str(jobs), "--json", "-q"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks = {"tree_kb": 0, "main_kb": 0}
    hwm: dict[int, int] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.02):
            pids = process_tree(proc.pid)
            peaks["tree_kb"] = max(peaks["tree_kb"], sum(status_kb(p, "VmRSS") for p in pids))
            peaks["main_kb"] = max(peaks["main_kb"], status_kb(proc.pid, "VmRSS"))
            for p in pids:
                hwm[p] = max(hwm.get(p, 0), status_kb(p, "VmHWM"))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"briefing failed ({proc.returncode}): {err[-2000:]}")
    report = json.loads(out)
    day = report["dates"][0]
    return {
        "seconds": round(elapsed, 1),
        "audio_minutes": round(day["duration_ms"] / 60000, 1),
        "peak_tree_mb": round(peaks["tree_kb"] / 1024, 1),
        "peak_main_mb": round(peaks["main_kb"] / 1024, 1),
        "sum_of_process_hwm_mb": round(sum(hwm.values()) / 1024, 1),
        "largest_process_hwm_mb": round(max(hwm.values(), default=0) / 1024, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=40_000)
    parser.add_argument("--engine", default="fake")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path,
                        default=REPO / "benchmarks" / "results" / "memory.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        article = tmp / "long.txt"
        long_article(article, args.words)
        figures = run_build(article, tmp / "ws", args.engine, args.jobs)
        figures.update(words=args.words, article_bytes=article.stat().st_size,
                       engine=args.engine, jobs=args.jobs, goal_mb=GOAL_MB)
    goal = GOAL_MB if args.words <= 40_000 else None
    print(f"{args.words:,}-word single-paragraph article ({figures['article_bytes']:,} bytes, "
          f"{figures['audio_minutes']} min of audio, engine {args.engine}, --jobs {args.jobs}): "
          f"built in {figures['seconds']} s")
    print(f"peak memory of the build and its workers together: {figures['peak_tree_mb']:.0f} MB"
          + (f" (goal <= {goal:.0f} MB)" if goal else "")
          + f"; main process {figures['peak_main_mb']:.0f} MB; largest single process "
          f"{figures['largest_process_hwm_mb']:.0f} MB (VmHWM), sum of every process's VmHWM "
          f"{figures['sum_of_process_hwm_mb']:.0f} MB")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
