"""The build's audio work as one pipeline: synthesis, encoding and each date's outputs overlap.

Hand-written because no executor orders dependent tasks by priority: done as three phases
(every segment synthesised, then every chapter encoded, then each date's files written by the
build), the workers idled while the build wrote the files and while the last segments of the
synthesis and the last chapters of the encoding ended one by one.  Here one stream of tasks
feeds the workers: a chapter's encoding is queued as soon as its last segment is synthesised,
ahead of the synthesis still to do, and each date's files are written by the build, in date
order, as soon as its chapters are encoded, while the workers go on with the next dates: in
a thread of the build (most of that time is spent in ``fsync`` and in numpy, without the GIL),
so the build goes on storing the workers' results and handing them new tasks meanwhile.  The
dates themselves come one at a time, when the workers need more to do: the build plans the
next date while the workers synthesise the ones before it, so the synthesis starts once the
first date is planned, not the last.

The outputs are the same bytes whatever order the tasks end in: each task's result depends only
on its inputs, and the build alone writes the cache and the outputs, one date after another.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import contextvars
import functools
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
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


DateWork = tuple[DatePlan, Mapping[str, Job]]
"""A date to build, and the segments to synthesise that no date before it needs."""


class _Pipeline:
    """What the tasks wait for: the chapters for their segments, the dates for their
    chapters; and the tasks to hand out (:meth:`__next__`)."""

    def __init__(self, dates: Iterable[DateWork], steps: Steps) -> None:
        self._dates = iter(dates)
        self._steps = steps
        self.plans: list[DatePlan] = []
        self.left: list[int] = []
        """Per date (in order), its chapters still to encode."""
        self.ready: deque[tuple[DatePlan, ChapterPlan]] = deque()
        self._synthesis: deque[Job] = deque()
        self._waiting: dict[tuple[int, int], set[str]] = {}
        self._chapters_of: dict[str, list[tuple[int, ChapterPlan]]] = defaultdict(list)
        self._unfinished: set[str] = set()
        self._number_of: dict[int, int] = {}
        self.jobs = 0
        """The segments to synthesise so far (more as dates are taken)."""
        self.chapters = 0
        """The chapters to encode so far."""

    def __iter__(self) -> _Pipeline:
        return self

    def __next__(self) -> Task:
        """The next task: a chapter ready to encode, else a segment to synthesise, else those
        of the next date (taken, so planned, only now).  Raises ``StopIteration`` when there
        is nothing to hand out for now; :meth:`Workers.run` asks again after each result, and
        ends once nothing is in flight either."""
        while True:
            if self.ready:
                return self._steps.encode_task(*self.ready.popleft())
            if self._synthesis:
                return self._steps.synth_task(self._synthesis.popleft())
            self._add(*next(self._dates))

    def _add(self, plan: DatePlan, jobs: Mapping[str, Job]) -> None:
        number = len(self.plans)
        self.plans.append(plan)
        self._number_of[id(plan)] = number
        self.left.append(len(plan.to_encode))
        self.chapters += len(plan.to_encode)
        self.jobs += len(jobs)
        self._synthesis.extend(jobs.values())
        self._unfinished.update(jobs)
        for chapter in plan.to_encode:
            need = {seg.digest for seg in chapter.segments if seg.digest in self._unfinished}
            if not need:
                self.ready.append((plan, chapter))
                continue
            self._waiting[number, chapter.index] = need
            for digest in need:
                self._chapters_of[digest].append((number, chapter))

    def synthesised(self, key: str) -> None:
        """Segment ``key`` is in the cache: queue the chapters it completes."""
        self._unfinished.discard(key)
        for number, chapter in self._chapters_of.pop(key, []):
            need = self._waiting[number, chapter.index]
            need.discard(key)
            if not need:
                del self._waiting[number, chapter.index]
                self.ready.append((self.plans[number], chapter))

    def encoded(self, plan: DatePlan) -> None:
        """One more of ``plan``'s chapters is in the cache."""
        self.left[self._number_of[id(plan)]] -= 1


def run_pipeline(workers: Workers, dates: Iterable[DateWork], steps: Steps,
                 synthesis: Progress, encoding: Progress) -> None:
    """Synthesise the segments of ``dates``, encode their chapters the cache lacks and write
    each date's outputs (in the order of ``dates``), overlapped as the module says.

    ``dates`` is read one date at a time, when the workers need more to do (so a date is
    planned while the workers synthesise the ones before it).  A chapter waits for those of
    its segments that are among the dates' jobs; the others must be in the cache.  The totals
    given to the progress callbacks grow as dates are read.  Errors are the workers'
    (:meth:`Workers.run`) or those of reading ``dates``: the first one stops the workers.
    """
    pipeline = _Pipeline(dates, steps)
    writer = _Writer()
    ready = 0

    def write_ready() -> None:
        nonlocal ready
        writer.check()
        while ready < len(pipeline.plans) and pipeline.left[ready] == 0:
            writer.submit(steps.date_ready(pipeline.plans[ready]))
            ready += 1

    counts = {"synthesised": 0, "encoded": 0}
    # leaving, the workers are stopped first on any error (closing the run kills them), then
    # the date being written is waited for
    prepare = None if steps.prepare is None else functools.partial(writer.submit, steps.prepare)
    with writer, contextlib.closing(workers.run(pipeline, handed_out=prepare)) as results:
        for task, result in results:
            if isinstance(task.item, Job):
                steps.stored(task.item, result)
                pipeline.synthesised(task.item.key)
                counts["synthesised"] += 1
                synthesis(counts["synthesised"], pipeline.jobs)
            else:
                item: tuple[DatePlan, ChapterPlan] = task.item  # type: ignore[assignment]
                steps.encoded(*item, result)
                pipeline.encoded(item[0])
                counts["encoded"] += 1
                encoding(counts["encoded"], pipeline.chapters)
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
        """Write in the thread, within the build's context (its remembered checks:
        :func:`briefing.remembered.remembering`)."""
        self._futures.append(self._pool.submit(contextvars.copy_context().run, write))

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
