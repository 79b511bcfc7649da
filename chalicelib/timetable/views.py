"""What people read off a timetable: a class's (hence each of its children's) day, an adult's week, a
venue's week, and the planned staff periods per adult that feed the staff-hours record (R13).

Every view is a list of :class:`Entry`, one per cell, ordered by weekday and period, with names and
times filled in, so a page or a notice renders it without the inputs.

Example::

    >>> from chalicelib.timetable.samples import sample_school
    >>> from chalicelib.timetable.generator import generate
    >>> inputs = sample_school(grades=1, classes_per_grade=1, adults=4)
    >>> week = class_week(generate(inputs).timetable, inputs, "c101")
    >>> [(e.weekday, e.period, e.category) for e in week][:3]
    [(1, 1, 'homework'), (1, 2, 'homework'), (2, 1, 'homework')]
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.roster.calendar.rules import TermRules

from .inputs import Period, TimetableInputs, is_activity_slot, schedule_weekday
from .timetable import Cell, Timetable
from .vocabulary import HOMEWORK


@dataclass(frozen=True)
class Entry:
    """One cell as a person reads it: when, which class, what, where and with whom."""

    weekday: int
    period: int
    starts_at: dt.time | None
    ends_at: dt.time | None
    class_id: str
    class_name: str
    category: str  # "homework" or the activity's category
    activity_id: str | None
    activity_name: str | None  # None for supervised homework
    venue_id: str
    venue_name: str
    adult_ids: tuple[str, ...]
    adult_names: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "weekday": self.weekday,
            "period": self.period,
            "starts_at": self.starts_at.strftime("%H:%M") if self.starts_at else None,
            "ends_at": self.ends_at.strftime("%H:%M") if self.ends_at else None,
            "class_id": self.class_id,
            "class_name": self.class_name,
            "category": self.category,
            "activity_id": self.activity_id,
            "activity_name": self.activity_name,
            "venue_id": self.venue_id,
            "venue_name": self.venue_name,
            "adults": [{"id": i, "name": n} for i, n in zip(self.adult_ids, self.adult_names, strict=True)],
        }


def entry(cell: Cell, inputs: TimetableInputs) -> Entry:
    period = _period(inputs, cell.weekday, cell.period)
    activity = inputs.activity_by_id.get(cell.activity_id) if cell.activity_id else None
    return Entry(
        weekday=cell.weekday,
        period=cell.period,
        starts_at=period.starts_at if period else None,
        ends_at=period.ends_at if period else None,
        class_id=cell.class_id,
        class_name=inputs.class_name(cell.class_id),
        category=activity.category if activity else (HOMEWORK if cell.activity_id is None else "unknown"),
        activity_id=cell.activity_id,
        activity_name=activity.name if activity else cell.activity_id,
        venue_id=cell.venue_id,
        venue_name=inputs.venue_name(cell.venue_id),
        adult_ids=cell.adult_ids,
        adult_names=tuple(inputs.adult_name(a) for a in cell.adult_ids),
    )


def _period(inputs: TimetableInputs, weekday: int, number: int) -> Period | None:
    return next((p for p in inputs.settings.periods(weekday) if p.number == number), None)


def _entries(cells: Iterable[Cell], inputs: TimetableInputs) -> list[Entry]:
    return [entry(c, inputs) for c in sorted(cells, key=lambda c: c.key)]


def class_week(timetable: Timetable, inputs: TimetableInputs, class_id: str) -> list[Entry]:
    """The class's week; every child of the class follows it."""
    return _entries((c for c in timetable.cells if c.class_id == class_id), inputs)


def class_day(timetable: Timetable, inputs: TimetableInputs, class_id: str, weekday: int) -> list[Entry]:
    return [e for e in class_week(timetable, inputs, class_id) if e.weekday == weekday]


def itinerary(
    timetable: Timetable, inputs: TimetableInputs, class_id: str, day: dt.date, terms: Sequence[TermRules]
) -> list[Entry]:
    """A child's afternoon on a date: where, with whom and what each period. A make-up day (调休) runs
    the weekday it stands for; a weekend, holiday or a date outside every term has no service (empty)."""
    weekday = schedule_weekday(day, terms)
    return [] if weekday is None else class_day(timetable, inputs, class_id, weekday)


def adult_week(timetable: Timetable, inputs: TimetableInputs, adult_id: str) -> list[Entry]:
    """Teacher: my week."""
    return _entries((c for c in timetable.cells if adult_id in c.adult_ids), inputs)


def venue_week(timetable: Timetable, inputs: TimetableInputs, venue_id: str) -> list[Entry]:
    """Every class in the venue, each period of the week (several at once where it holds several)."""
    return _entries((c for c in timetable.cells if c.venue_id == venue_id), inputs)


@dataclass(frozen=True)
class StaffLoad:
    """Planned service for one adult in a week, for the staff-hours record (绩效考核, R13)."""

    adult_id: str
    adult_name: str
    periods: int
    minutes: int

    def as_json(self) -> dict[str, Any]:
        return {
            "adult_id": self.adult_id,
            "adult_name": self.adult_name,
            "periods": self.periods,
            "minutes": self.minutes,
        }


def staff_periods(timetable: Timetable, inputs: TimetableInputs) -> list[StaffLoad]:
    """Every adult of the inputs (those without periods too), in input order."""
    periods: Counter[str] = Counter()
    minutes: Counter[str] = Counter()
    for c in timetable.cells:
        p = _period(inputs, c.weekday, c.period)
        length = _minutes(p) if p else 0
        for a in set(c.adult_ids):
            periods[a] += 1
            minutes[a] += length
    return [StaffLoad(a.id, a.name, periods[a.id], minutes[a.id]) for a in inputs.adults]


def _minutes(p: Period) -> int:
    start, end = (dt.datetime.combine(dt.date(2000, 1, 3), t) for t in (p.starts_at, p.ends_at))
    return int((end - start).total_seconds() // 60)


@dataclass(frozen=True)
class Balance:
    """How fair and calm a timetable is: what the generator's objective weighs."""

    sports_spread: int  # most minus fewest sports periods a week, over classes
    reading_spread: int
    venue_moves: int  # (class, day) pairs whose activity is away from the class's own classroom
    busiest_adult_periods: int
    quietest_adult_periods: int  # among adults with at least one period

    def as_json(self) -> dict[str, int]:
        return dict(self.__dict__)


def balance(timetable: Timetable, inputs: TimetableInputs) -> Balance:
    counts: Counter[tuple[str, str]] = Counter()
    moves = 0
    for c in timetable.cells:
        if not is_activity_slot(c.weekday, c.period):
            continue
        activity = inputs.activity_by_id.get(c.activity_id) if c.activity_id else None
        if activity is not None:
            counts[(c.class_id, activity.category)] += 1
        home = inputs.class_by_id.get(c.class_id)
        moves += home is not None and c.venue_id != home.home_venue_id
    loads = [s.periods for s in staff_periods(timetable, inputs) if s.periods]

    def spread(category: str) -> int:
        per_class = [counts[(k.id, category)] for k in inputs.classes]
        return max(per_class, default=0) - min(per_class, default=0)

    return Balance(spread("sports"), spread("reading"), moves, max(loads, default=0), min(loads, default=0))
