"""The dates of a build planned one by one, as the build asks for them.

:func:`~briefing.build.plan.plan_streamed` plans the scripts and leaves the dates to a
:class:`DatePlans`, which the build's pipeline (:mod:`briefing.build.pipeline`) reads a date at
a time when its workers need more to do: the first date's segments are synthesised while the
next dates are still to plan, rather than once all of them are.  Each date is planned against
the caches as they were when the build began (:func:`~briefing.build.plan.plan_date`'s
``made``), so the plan, and the report, are the same whenever the date is planned.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from briefing.errors import BriefingError, InputError

if TYPE_CHECKING:
    from briefing.build.plan import BuildPlan, DatePlan


class DatePlans:
    """The dates still to plan, planned (by ``plan_one(day, text)``) as they are iterated.

    A date that cannot be planned (an :class:`InputError`) is left out, its error kept for the
    plan (:meth:`complete`).  Iterated once: a second loop goes on where the first stopped.
    """

    def __init__(self, plan_one: Callable[[dt.date, str | None], DatePlan],
                 todo: Sequence[tuple[dt.date, str | None]]) -> None:
        self._plan_one = plan_one
        self._todo = iter(todo)
        self.planned: list[DatePlan] = []
        """The dates planned so far, in order."""
        self.errors: list[BriefingError] = []
        """The errors of the dates left out so far."""

    def __iter__(self) -> Iterator[DatePlan]:
        for day, text in self._todo:
            try:
                planned = self._plan_one(day, text)
            except InputError as exc:
                self.errors.append(exc)
                continue
            self.planned.append(planned)
            yield planned

    def complete(self, base: BuildPlan) -> BuildPlan:
        """``base`` with every date (those not asked for yet planned now) and their errors
        after its own."""
        for _ in self:
            pass
        return dataclasses.replace(base, dates=tuple(self.planned),
                                   errors=base.errors + tuple(self.errors))
