"""What the timetable is built from: school settings, classes, venues, adults, the program's activities
and the fairness minima. Frozen dataclasses, no I/O: the service (later) loads them from the roster,
the catalog's published program and the school's settings, and hands them to the engine.

Example::

    >>> import datetime as dt
    >>> p = (Period(1, dt.time(15, 40), dt.time(16, 20)), Period(2, dt.time(16, 30), dt.time(17, 30)))
    >>> settings = SchoolSettings(tuple(DaySchedule(d, p) for d in range(1, 6)), dt.time(17, 0))
    >>> settings.slots()[:3]
    [(1, 1), (1, 2), (2, 1)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from chalicelib.roster.calendar.rules import TermRules, service_days

from .vocabulary import ACTIVITY_PERIOD, HOMEWORK, AdultKind, VenueType

Slot = tuple[int, int]  # (ISO weekday 1..5, period number 1..n)
WEEKDAYS: tuple[int, ...] = (1, 2, 3, 4, 5)
MONDAY = 1
SERVICE_END_MARGIN = dt.timedelta(minutes=30)  # R5: no earlier than 30 min after the usual end of work


@dataclass(frozen=True)
class Period:
    """One afternoon service period (课时), e.g. period 2 from 16:30 to 17:30."""

    number: int
    starts_at: dt.time
    ends_at: dt.time


@dataclass(frozen=True)
class DaySchedule:
    weekday: int  # ISO, Monday = 1
    periods: tuple[Period, ...]


@dataclass(frozen=True)
class SchoolSettings:
    """The school's service days and periods, and the local usual end of the working day (R5).

    ``stagger_by_grade`` (错峰, R9 note 3): on Tuesday-Friday period 2 all classes of a grade take the
    same category (三年级周二体育), and the grades rotate so that venues and staff suffice.
    """

    days: tuple[DaySchedule, ...]
    working_day_ends_at: dt.time
    stagger_by_grade: bool = True

    def periods(self, weekday: int) -> tuple[Period, ...]:
        day = next((d for d in self.days if d.weekday == weekday), None)
        return tuple(sorted(day.periods, key=lambda p: p.number)) if day else ()

    def weekdays(self) -> tuple[int, ...]:
        return tuple(sorted({d.weekday for d in self.days}))

    def slots(self) -> list[Slot]:
        return [(d, p.number) for d in self.weekdays() for p in self.periods(d)]


@dataclass(frozen=True)
class SchoolClass:
    """A class (班级) and its own classroom, where its homework periods take place."""

    id: str
    name: str  # 三年级（2）班
    grade: int
    size: int
    home_venue_id: str


@dataclass(frozen=True)
class Venue:
    """A place; ``capacity`` is how many classes it holds at once (a classroom 1, a playground several)."""

    id: str
    name: str
    type: VenueType
    capacity: int = 1


@dataclass(frozen=True)
class Adult:
    """A teacher, cadre, volunteer, specialist or provider's staff member (R7).

    ``skills`` are what the adult can lead: ``homework`` (supervising 自主作业) and activity categories.
    ``available`` lists the (weekday, period) slots the adult can take; None means every slot.
    ``max_periods`` is the most periods a week the adult may be placed in (supervising homework or
    leading an activity, one period per cell the adult is in); None means no limit.
    """

    id: str
    name: str
    kind: AdultKind
    skills: frozenset[str]
    available: frozenset[Slot] | None = None
    max_periods: int | None = None

    def is_available(self, weekday: int, period: int) -> bool:
        return self.available is None or (weekday, period) in self.available


@dataclass(frozen=True)
class Activity:
    """An activity of the published program (公示) as the timetable sees it.

    ``venue_types`` are the kinds of place it can use, preferred first; ``classroom`` means the class's
    own classroom. ``staff_ids`` names who may lead it (empty: any adult with the category as a skill).
    ``weekdays`` are the days the program offers it.
    """

    id: str
    name: str
    category: str
    grades: frozenset[int]
    venue_types: tuple[VenueType, ...]
    staff_ids: frozenset[str] = frozenset()
    weekdays: frozenset[int] = frozenset({2, 3, 4, 5})


@dataclass(frozen=True)
class FairnessMinimum:
    """Every class of ``grade`` gets ``category`` at least ``times`` a week (e.g. sports twice)."""

    grade: int
    category: str
    times: int


def minima(grades: Iterable[int], sports: int = 1, reading: int = 1) -> tuple[FairnessMinimum, ...]:
    """The usual fairness settings: the same sports and reading minimum for every grade."""
    return tuple(
        FairnessMinimum(g, category, times)
        for g in sorted(set(grades))
        for category, times in (("sports", sports), ("reading", reading))
        if times > 0
    )


@dataclass(frozen=True)
class TimetableInputs:
    """Everything one school's weekly timetable depends on."""

    settings: SchoolSettings
    classes: tuple[SchoolClass, ...]
    venues: tuple[Venue, ...]
    adults: tuple[Adult, ...]
    activities: tuple[Activity, ...]
    fairness: tuple[FairnessMinimum, ...] = field(default=())

    @cached_property
    def class_by_id(self) -> dict[str, SchoolClass]:
        return {c.id: c for c in self.classes}

    @cached_property
    def venue_by_id(self) -> dict[str, Venue]:
        return {v.id: v for v in self.venues}

    @cached_property
    def adult_by_id(self) -> dict[str, Adult]:
        return {a.id: a for a in self.adults}

    @cached_property
    def activity_by_id(self) -> dict[str, Activity]:
        return {a.id: a for a in self.activities}

    @cached_property
    def grades(self) -> dict[int, tuple[SchoolClass, ...]]:
        """Classes by grade, grades ascending, classes in input order."""
        out: dict[int, list[SchoolClass]] = {}
        for c in sorted(self.classes, key=lambda c: c.grade):
            out.setdefault(c.grade, []).append(c)
        return {g: tuple(cs) for g, cs in out.items()}

    @cached_property
    def home_venue_ids(self) -> frozenset[str]:
        return frozenset(c.home_venue_id for c in self.classes)

    @cached_property
    def memo(self) -> dict[Any, Any]:
        """Scratch space for lookups derived from these inputs (e.g. a grade's options on a day), so that
        the pre-checks and the model compute each once however many classes ask."""
        return {}

    def minimum(self, grade: int, category: str) -> int:
        return max((f.times for f in self.fairness if f.grade == grade and f.category == category), default=0)

    def venue_name(self, venue_id: str) -> str:
        v = self.venue_by_id.get(venue_id)
        return v.name if v else venue_id

    def adult_name(self, adult_id: str) -> str:
        a = self.adult_by_id.get(adult_id)
        return a.name if a else adult_id

    def class_name(self, class_id: str) -> str:
        c = self.class_by_id.get(class_id)
        return c.name if c else class_id

    def activity_slots(self) -> list[Slot]:
        """Tuesday-Friday period 2 (R9 note 3), as far as the settings define them."""
        return [(d, p) for d, p in self.settings.slots() if is_activity_slot(d, p)]


def is_activity_slot(weekday: int, period: int) -> bool:
    """R9: the specialty / reading / sports period is period 2 from Tuesday to Friday. Every other slot
    (period 1 every day, Monday period 2 so teachers can meet, any period after 2) is homework."""
    return period == ACTIVITY_PERIOD and weekday != MONDAY and weekday in WEEKDAYS


def can_lead(adult: Adult, activity: Activity | None) -> bool:
    """Homework (``activity`` None) needs the ``homework`` skill; an activity its category and, when the
    program names its staff, a place on that list."""
    if activity is None:
        return HOMEWORK in adult.skills
    return activity.category in adult.skills and (not activity.staff_ids or adult.id in activity.staff_ids)


def venue_fits(venue: Venue, activity: Activity, school_class: SchoolClass, home_venue_ids: frozenset[str]) -> bool:
    """The venue is of a type the activity uses, and is not another class's own classroom (a class
    uses its own classroom, or a spare one)."""
    if venue.type not in activity.venue_types:
        return False
    return venue.id == school_class.home_venue_id or venue.id not in home_venue_ids


def schedule_weekday(day: dt.date, terms: Sequence[TermRules]) -> int | None:
    """The weekday whose timetable runs on ``day``: its own on a school day, the named one on a make-up
    day (调休), None on weekends, holidays and outside every term. Asks the calendar's own rules."""
    return service_days(terms, day, day)[0].runs_weekday
