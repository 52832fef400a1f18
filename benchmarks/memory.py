"""Memory benchmark: a very long single-paragraph article builds within a fixed memory bound.

Builds one article of ``--words`` words (default 40,000, about 250 KB: under the 1 MB article
limit) in a single paragraph with the fake engine, and samples, every 20 ms, the resident memory
of the build and of all its worker processes together (Linux ``/proc``), and reads each
process's own high-water mark (``VmHWM``) as it runs.  Prints the peak beside the goal and
writes ``benchmarks/results/memory.json``.

With ``--articles N`` it builds instead N distinct copies of the seed article on one date (18
make a briefing of about 76 minutes: the issue's long briefing, goal 200 MB for all processes).

    .venv/bin/python benchmarks/memory.py [--words 40000] [--engine fake] [--jobs 2]
    .venv/bin/python benchmarks/memory.py --articles 18 [--engine pyttsx3]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from proctree import process_tree, pss_kb, status_kb

REPO = Path(__file__).resolve().parent.parent
GOAL_MB = 1500.0
"""Peak resident memory of the build and all its workers together, for 40,000 words."""

LONG_GOAL_MB = 200.0
"""The same for the 76-minute briefing of 18 articles (issue 17)."""

SEED = REPO.parent / "shared" / "seeds" / "000_59d2dc9ad17c7b01.txt"
SAMPLE = REPO / "articles" / "2024-05-14-river-cleanup.txt"


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


def long_briefing(root: Path, articles: int) -> None:
    """``articles`` distinct articles on one date: copies of the seed (or of a sample article),
    each sentence made distinct ("... in edition 3."), as benchmarks/performance.py makes them."""
    source = SEED if SEED.is_file() else SAMPLE
    (root / "articles").mkdir(parents=True)
    head, body = source.read_text(encoding="utf-8").split("\n", 1)
    head = re.sub(r"date \d{4}-\d{2}-\d{2}", "date 2025-02-01", head, count=1)
    for i in range(articles):
        edition = f" in edition {i + 1}.\\1"
        text = re.sub(r"\.(\s|$)", edition, head) + "\n" + re.sub(r"\.(\s|$)", edition, body)
        (root / "articles" / f"{i:02d}.txt").write_text(text, encoding="utf-8")


def run_build(article: Path | None, ws: Path, engine: str, jobs: int) -> dict[str, Any]:
    """Build ``article`` (or the workspace's articles) in ``ws``, sampling memory; returns the
    figures (MB)."""
    cmd = [sys.executable, "-m", "briefing", "build", *([str(article)] if article else []),
           "-w", str(ws), "--engine", engine, "--jobs", str(jobs), "--json", "-q"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks = {"tree_kb": 0, "main_kb": 0, "pss_kb": 0}
    hwm: dict[int, int] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.02):
            pids = process_tree(proc.pid)
            peaks["tree_kb"] = max(peaks["tree_kb"], sum(status_kb(p, "VmRSS") for p in pids))
            peaks["main_kb"] = max(peaks["main_kb"], status_kb(proc.pid, "VmRSS"))
            peaks["pss_kb"] = max(peaks["pss_kb"], sum(pss_kb(p) for p in pids))
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
        "peak_tree_pss_mb": round(peaks["pss_kb"] / 1024, 1),
        "sum_of_process_hwm_mb": round(sum(hwm.values()) / 1024, 1),
        "largest_process_hwm_mb": round(max(hwm.values(), default=0) / 1024, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=40_000)
    parser.add_argument("--articles", type=int, default=0,
                        help="build this many articles on one date instead (18: 76 minutes)")
    parser.add_argument("--engine", default="fake")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    name = "memory-long.json" if args.articles else "memory.json"
    out = args.json or REPO / "benchmarks" / "results" / name
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.articles:
            long_briefing(tmp / "ws", args.articles)
            figures = run_build(None, tmp / "ws", args.engine, args.jobs)
            figures.update(articles=args.articles, goal_mb=LONG_GOAL_MB)
            what = f"{args.articles} articles on one date"
            goal: float | None = LONG_GOAL_MB
        else:
            article = tmp / "long.txt"
            long_article(article, args.words)
            figures = run_build(article, tmp / "ws", args.engine, args.jobs)
            figures.update(words=args.words, article_bytes=article.stat().st_size,
                           goal_mb=GOAL_MB)
            what = (f"{args.words:,}-word single-paragraph article "
                    f"({figures['article_bytes']:,} bytes)")
            goal = GOAL_MB if args.words <= 40_000 else None
        figures.update(engine=args.engine, jobs=args.jobs)
    print(f"{what}, {figures['audio_minutes']} min of audio, engine {args.engine}, --jobs "
          f"{args.jobs}: built in {figures['seconds']} s")
    print(f"peak memory of the build and its workers together: {figures['peak_tree_mb']:.0f} MB"
          + (f" (goal <= {goal:.0f} MB)" if goal else "")
          + f"; main process {figures['peak_main_mb']:.0f} MB; largest single process "
          f"{figures['largest_process_hwm_mb']:.0f} MB (VmHWM), sum of every process's VmHWM "
          f"{figures['sum_of_process_hwm_mb']:.0f} MB; peak PSS of the tree (shared pages "
          f"counted once) {figures['peak_tree_pss_mb']:.0f} MB")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"results written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
