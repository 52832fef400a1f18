"""The build's audio work as one pipeline: synthesis, encoding and each date's outputs overlap.

Hand-written because no executor orders dependent tasks by priority: done as three phases
(every segment synthesised, then every chapter encoded, then each date's files written by the
build), the workers idled while the build wrote the files and while the last segments of the
synthesis and the last chapters of the encoding ended one by one.  Here one stream of tasks
feeds the workers: a chapter's encoding is queued as soon as its last segment is synthesised,
ahead of the synthesis still to do, and each date's files are written by the build, in date
order, as soon as its chapters are encoded, while the workers go on with the next dates: in
a thread of the build (most of that time is spent in ``fsync`` and in numpy, without the GIL),
so the build goes on storing the workers' results and handing them new tasks meanwhile.

The outputs are the same bytes whatever order the tasks end in: each task's result depends only
on its inputs, and the build alone writes the cache and the outputs, one date after another.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import functools
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from briefing.build.plan import ChapterPlan, DatePlan
from briefing.build.workers import Job, Task, Workers

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Steps:
    """What the build does at each step of the pipeline (all in the build's own process)."""

    synth_task: Callable[[Job], Task]
    """The worker task that synthesises a segment."""

    encode_task: Callable[[DatePlan, ChapterPlan], Task]
    """The worker task that encodes a chapter (made only when it is about to be submitted)."""

    stored: Callable[[Job, Any], None]
    """Put a synthesised segment (the synthesis task's result) in the cache."""

    encoded: Callable[[DatePlan, ChapterPlan, Any], object]
    """Put an encoded chapter (the encode task's result) in the cache."""

    date_ready: Callable[[DatePlan], Callable[[], None]]
    """Called once a date's chapters are all in the cache: returns what writes its outputs,
    which runs in the build's writer thread (beside the storing of the workers' results)."""

    prepare: Callable[[], None] | None = None
    """Run in the writer thread once the first tasks are handed out, while the build waits
    for their results: what writing the outputs needs that takes time once (importing their
    modules), done before the first date is ready rather than then."""


class _Feed:
    """The tasks for the workers: chapters ready to encode first, then synthesis in date order.

    An iterator that may run dry for now and have more later: :meth:`Workers.run` asks it again
    after each result, and ends once it is dry with nothing in flight.
    """

    def __init__(self, synthesis: Iterator[Task],
                 encode_task: Callable[[DatePlan, ChapterPlan], Task]) -> None:
        self.ready: deque[tuple[DatePlan, ChapterPlan]] = deque()
        self._synthesis = synthesis
        self._encode_task = encode_task

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> Task:
        if self.ready:
            return self._encode_task(*self.ready.popleft())
        return next(self._synthesis)


def run_pipeline(workers: Workers, plans: Sequence[DatePlan], jobs: Mapping[str, Job],
                 steps: Steps, synthesis: Progress, encoding: Progress) -> None:
    """Synthesise ``jobs``, encode every chapter of ``plans`` the cache lacks and write each
    date's outputs (in the order of ``plans``), overlapped as the module says.

    A chapter waits for those of its segments that are among ``jobs``; the others must be in
    the cache.  Errors are the workers' (:meth:`Workers.run`): the first one stops them.
    """
    waiting: dict[tuple[int, int], set[str]] = {}
    chapters_of: dict[str, list[tuple[int, ChapterPlan]]] = defaultdict(list)
    left = [len(plan.to_encode) for plan in plans]
    feed = _Feed((steps.synth_task(job) for job in jobs.values()), steps.encode_task)
    for number, plan in enumerate(plans):
        for chapter in plan.to_encode:
            need = {seg.digest for seg in chapter.segments if seg.digest in jobs}
            if not need:
                feed.ready.append((plan, chapter))
                continue
            waiting[number, chapter.index] = need
            for digest in need:
                chapters_of[digest].append((number, chapter))
    writer = _Writer()
    ready = 0

    def write_ready() -> None:
        nonlocal ready
        writer.check()
        while ready < len(plans) and left[ready] == 0:
            writer.submit(steps.date_ready(plans[ready]))
            ready += 1

    counts = {"synthesised": 0, "encoded": 0}
    total_encode = sum(left)
    number_of = {id(plan): n for n, plan in enumerate(plans)}
    # leaving, the workers are stopped first on any error (closing the run kills them), then
    # the date being written is waited for
    prepare = None if steps.prepare is None else functools.partial(writer.submit, steps.prepare)
    with writer, contextlib.closing(workers.run(feed, handed_out=prepare)) as results:
        write_ready()
        for task, result in results:
            if isinstance(task.item, Job):
                steps.stored(task.item, result)
                counts["synthesised"] += 1
                synthesis(counts["synthesised"], len(jobs))
                for number, chapter in chapters_of.pop(task.item.key, []):
                    need = waiting[number, chapter.index]
                    need.discard(task.item.key)
                    if not need:
                        feed.ready.append((plans[number], chapter))
                writer.check()
                continue
            plan, chapter = task.item  # type: ignore[misc]
            steps.encoded(plan, chapter, result)
            counts["encoded"] += 1
            encoding(counts["encoded"], total_encode)
            left[number_of[id(plan)]] -= 1
            write_ready()
        write_ready()


class _Writer:
    """One thread writing the dates' outputs in turn; its first error is raised in the build.

    Leaving it waits for the date being written (its files are written atomically, but the
    state must not be saved by two threads) and drops the dates not yet begun.
    """

    def __init__(self) -> None:
        self._pool = cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix="outputs")
        self._futures: list[cf.Future[None]] = []

    def submit(self, write: Callable[[], None]) -> None:
        self._futures.append(self._pool.submit(write))

    def check(self) -> None:
        """Raise the error of a date that failed to be written, if one has."""
        for future in self._futures:
            if future.done():
                future.result()
        self._futures = [f for f in self._futures if not f.done()]

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._pool.shutdown(wait=True, cancel_futures=exc is not None)
        if exc is None:
            self.check()
