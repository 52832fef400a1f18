"""Benchmark of the producer workflow: cold build, no-op rebuild, one-sentence edit.

Builds a workspace of several dates (the seed when ../shared/seeds is present, the sample
articles, and copies of them under other dates) with the real engine, as a user runs it (a
``briefing build`` subprocess each time), and prints each wall time, the segments synthesised
and the ratios to the cold build.  Results are also written as JSON.

    .venv/bin/python benchmarks/incremental.py [--dates 9] [--json benchmarks/results/incremental.json]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "seeds" / "000_59d2dc9ad17c7b01.txt"


def make_workspace(root: Path, dates: int) -> list[Path]:
    """Articles for ``dates`` dates: the seed and the samples, then copies on later dates.

    Each copy's sentences are made distinct ("... in edition 3."), so no date shares a segment
    with another and the cold build synthesises everything, as a real workspace would.
    """
    articles = root / "articles"
    articles.mkdir(parents=True)
    sources = sorted((REPO / "articles").glob("*.txt"))
    if SEED.is_file():
        sources.insert(0, SEED)
    made: list[Path] = []
    for day in range(1, dates + 1):
        source = sources[(day - 1) % len(sources)]
        head, body = source.read_text(encoding="utf-8").split("\n", 1)
        head = re.sub(r"date \d{4}-\d{2}-\d{2}", f"date 2025-01-{day:02d}", head, count=1)
        if day > len(sources):
            edition = f" in edition {day}."
            head = re.sub(r"\.(\s|$)", lambda m: edition + m.group(1), head)
            body = re.sub(r"\.(\s|$)", lambda m: edition + m.group(1), body)
        target = articles / f"2025-01-{day:02d}-{source.stem}.txt"
        target.write_text(head + "\n" + body, encoding="utf-8")
        made.append(target)
    return made


def run_build(ws: Path) -> tuple[float, dict[str, Any]]:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "briefing", "build", "-w", str(ws), "--json",
                          "-q"], capture_output=True, text=True, check=True)
    return time.perf_counter() - start, json.loads(out.stdout)


def summary(report: dict[str, Any]) -> dict[str, int]:
    dates = report["dates"]
    return {
        "dates": len(dates),
        "segments_synthesized": sum(d["segments"]["synthesized"] for d in dates),
        "segments_total": sum(d["segments"]["total"] for d in dates),
        "chapters_encoded": sum(d["chapters_encoded"] for d in dates),
        "files_written": sum(len(d["written"]) for d in dates),
        "audio_seconds": round(sum(d["duration_ms"] for d in dates) / 1000),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dates", type=int, default=9, help="dates in the workspace")
    parser.add_argument("--json", type=Path, default=REPO / "benchmarks" / "results" /
                        "incremental.json", help="where to write the results")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        make_workspace(ws, args.dates)
        cold_s, cold = run_build(ws)
        noop_s, noop = run_build(ws)
        script = sorted((ws / "scripts").glob("*.md"))[len(list((ws / "scripts").glob("*.md")))
                                                       // 2]
        text = script.read_text(encoding="utf-8")
        story = text.index("## Story 1")
        end = text.index(".", text.index("\n\n", story) + 2)
        script.write_text(text[:end] + ", the producer added" + text[end:], encoding="utf-8")
        edit_s, edit = run_build(ws)
        shutil.rmtree(ws / ".briefing")
    results = {
        "cold": {"seconds": round(cold_s, 3), **summary(cold)},
        "noop": {"seconds": round(noop_s, 3), **summary(noop),
                 "ratio_to_cold": round(noop_s / cold_s, 4)},
        "one_sentence_edit": {"seconds": round(edit_s, 3), **summary(edit),
                              "ratio_to_cold": round(edit_s / cold_s, 4),
                              "edited": script.name},
        "targets": {"noop_ratio": 0.03, "edit_ratio": 0.05},
    }
    print(f"workspace: {results['cold']['dates']} dates, {results['cold']['audio_seconds']} s "
          f"of audio, {results['cold']['segments_total']} segments")
    for name in ("cold", "noop", "one_sentence_edit"):
        r = results[name]
        ratio = f", {r['ratio_to_cold'] * 100:.1f}% of cold" if "ratio_to_cold" in r else ""
        print(f"{name:18} {r['seconds']:7.2f} s  synthesised {r['segments_synthesized']:4d}  "
              f"chapters encoded {r['chapters_encoded']:3d}  files written "
              f"{r['files_written']:3d}{ratio}")
    print("targets: no-op <= 3% and one-sentence edit <= 5% of the cold build")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
