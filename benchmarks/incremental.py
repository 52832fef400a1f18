"""Benchmark of the producer workflow: cold build, no-op rebuild, one-sentence edit.

Builds a workspace of several dates (the seed when ../shared/seeds is present, the sample
articles, and copies of them under other dates) with the real engine, as a user runs it (a
``briefing build`` subprocess each time), and prints each wall time, the segments synthesised
and the ratios to the cold build.  Results are also written as JSON.

    .venv/bin/python benchmarks/incremental.py [--dates 9] [--json FILE]
"""

from __future__ import annotations

import argparse
import compileall
import json
import logging
import os
import re
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
            edition = f" in edition {day}.\\1"
            head = re.sub(r"\.(\s|$)", edition, head)
            body = re.sub(r"\.(\s|$)", edition, body)
        target = articles / f"2025-01-{day:02d}-{source.stem}.txt"
        target.write_text(head + "\n" + body, encoding="utf-8")
        made.append(target)
    return made


_WORKERS: Any = None


def run_in_process(ws: Path) -> tuple[float, dict[str, Any]]:
    """One build in this process, as ``briefing watch`` rebuilds: no interpreter start-up, and
    the same worker processes from one build to the next."""
    global _WORKERS
    from briefing.build import run
    from briefing.build.report import report_json
    from briefing.build.workspace import Workspace
    from briefing.cli.common import build_request
    from briefing.config import load_settings

    logging.getLogger("briefing").setLevel(logging.ERROR)  # warnings are not what we time
    settings = load_settings(ws)
    if _WORKERS is None:
        _WORKERS = run.make_workers(settings)
    workspace = Workspace(ws)
    start = time.perf_counter()
    report = run.build(workspace, settings, None, workers=_WORKERS,
                       request=build_request(workspace, None))  # as 'briefing watch' does
    return time.perf_counter() - start, report_json(report)


def edit_one_sentence(ws: Path, which: int) -> str:
    """Add a few words to the first sentence of the story of the ``which``-th script."""
    scripts = sorted((ws / "scripts").glob("*.md"))
    script = scripts[which % len(scripts)]
    text = script.read_text(encoding="utf-8")
    story = text.index("## Story 1")
    end = text.index(".", text.index("\n\n", story) + 2)
    script.write_text(text[:end] + f", the producer added ({which})" + text[end:],
                      encoding="utf-8")
    return script.name


_COMPILED = False


def compile_bytecode() -> None:
    """Byte-compile briefing's modules once, as ``pip install`` does: an editable install run
    with ``PYTHONDONTWRITEBYTECODE=1`` (as on the shared machines) otherwise compiles every
    module from source in every subprocess, ~0.1 s (0.3 s under load) that an installed
    briefing never spends and that would count against the no-op and the edit."""
    global _COMPILED
    if not _COMPILED:
        compileall.compile_dir(REPO / "briefing", quiet=1)
        _COMPILED = True


def settle_writes() -> None:
    """Put the last build's writes on disk before the next build is timed (``os.sync``, not
    timed).  Segments are cached without ``fsync`` (a damaged one is made again), so a cold
    build leaves ~100 MB in the page cache; an edit timed right after it waited in its first
    ``fsync`` for the kernel to write them (ext4 commits a file's metadata after the data of
    every file in the same journal transaction), a cost of the cold build that a producer, who
    edits seconds or minutes later, never sees: about a point of the edit's ratio here."""
    if hasattr(os, "sync"):
        os.sync()


def run_build(ws: Path) -> tuple[float, dict[str, Any]]:
    compile_bytecode()
    settle_writes()
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
        edited = edit_one_sentence(ws, args.dates // 2)
        edit_s, edit = run_build(ws)
        # the same in one long-lived process, as `briefing watch` rebuilds
        ws2 = Path(tmp) / "ws2"
        make_workspace(ws2, args.dates)
        warm_cold_s, _ = run_in_process(ws2)
        warm_noop_s, warm_noop = run_in_process(ws2)
        edit_one_sentence(ws2, args.dates // 2)
        warm_edit_s, warm_edit = run_in_process(ws2)
    results = {
        "cold": {"seconds": round(cold_s, 3), **summary(cold)},
        "noop": {"seconds": round(noop_s, 3), **summary(noop),
                 "ratio_to_cold": round(noop_s / cold_s, 4)},
        "one_sentence_edit": {"seconds": round(edit_s, 3), **summary(edit),
                              "ratio_to_cold": round(edit_s / cold_s, 4),
                              "edited": edited},
        "in_process": {
            "cold_seconds": round(warm_cold_s, 3),
            "noop": {"seconds": round(warm_noop_s, 3), **summary(warm_noop),
                     "ratio_to_cold": round(warm_noop_s / warm_cold_s, 4)},
            "one_sentence_edit": {"seconds": round(warm_edit_s, 3), **summary(warm_edit),
                                  "ratio_to_cold": round(warm_edit_s / warm_cold_s, 4)},
        },
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
    warm = results["in_process"]
    print(f"in one process (as 'briefing watch' rebuilds): cold {warm['cold_seconds']:.2f} s, "
          f"no-op {warm['noop']['seconds']:.3f} s ({warm['noop']['ratio_to_cold'] * 100:.1f}%), "
          f"edit {warm['one_sentence_edit']['seconds']:.3f} s "
          f"({warm['one_sentence_edit']['ratio_to_cold'] * 100:.1f}%, synthesised "
          f"{warm['one_sentence_edit']['segments_synthesized']})")
    print("targets: no-op <= 3% and one-sentence edit <= 5% of the cold build")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
