"""Pure rules of the term calendar (学期校历): which dates are service days, and what makes a 学期 valid.

No I/O here: the service loads terms and asks these functions. A date inside a 学期 is a service
day when it is a weekday (Mon–Fri) outside every holiday, or a make-up day (调休), i.e. a Saturday or
Sunday that runs a named weekday's schedule (R5: five weekdays; R9: the timetable differs by weekday,
so a 调休 day must say *which* weekday it stands in for).

Example::

    >>> import datetime as dt
    >>> term = TermRules(dt.date(2026, 9, 1), dt.date(2027, 1, 15),
    ...                  (Holiday(dt.date(2026, 10, 1), dt.date(2026, 10, 7), "国庆节"),),
    ...                  (MakeUpDay(dt.date(2026, 9, 27), 3, "国庆调休"),))
    >>> term.service_day(dt.date(2026, 9, 27)).runs_weekday
    3
    >>> term.service_day(dt.date(2026, 10, 2)).reason
    'holiday:国庆节'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

SATURDAY, SUNDAY = 6, 7  # ISO weekdays; Monday is 1
MAX_CALENDAR_DAYS = 370

Problem = dict[str, str]  # {"field", "message", "type"}: one entry of a validation error's details


@dataclass(frozen=True)
class ServiceDay:
    """The answer for one date: does the after-school service run, and on which weekday's schedule."""

    date: dt.date
    service_day: bool
    runs_weekday: int | None  # 1 (Mon) .. 5 (Fri) when service_day, else None
    reason: str  # school_day | weekend | holiday:<name> | make_up:<name> | outside_term
    term_id: str | None = None  # the 学期 containing the date, None outside every term

    def as_json(self) -> dict[str, object]:
        return {
            "date": self.date.isoformat(),
            "service_day": self.service_day,
            "runs_weekday": self.runs_weekday,
            "reason": self.reason,
            "term_id": self.term_id,
        }


@dataclass(frozen=True)
class Holiday:
    """A named closed period inside a 学期 (e.g. 国庆节), both ends included."""

    starts_on: dt.date
    ends_on: dt.date
    name: str

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True)
class MakeUpDay:
    """调休: a Saturday or Sunday on which school runs the schedule of weekday ``runs_weekday``."""

    date: dt.date
    runs_weekday: int
    name: str


@dataclass(frozen=True)
class TermRules:
    """A 学期's dates, holidays and 调休 days; ``term_id`` is carried into every :class:`ServiceDay`."""

    starts_on: dt.date
    ends_on: dt.date
    holidays: tuple[Holiday, ...] = ()
    make_up_days: tuple[MakeUpDay, ...] = ()
    term_id: str | None = None

    def contains(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def overlaps(self, other: TermRules) -> bool:
        return self.starts_on <= other.ends_on and other.starts_on <= self.ends_on

    def service_day(self, day: dt.date) -> ServiceDay:
        """Holidays win over everything (even an invalid 调休 inside one), then 调休, then the weekday."""
        if not self.contains(day):
            return outside_term(day)
        holiday = next((h for h in self.holidays if h.covers(day)), None)
        if holiday is not None:
            return ServiceDay(day, False, None, f"holiday:{holiday.name}", self.term_id)
        make_up = next((m for m in self.make_up_days if m.date == day), None)
        if make_up is not None:
            return ServiceDay(day, True, make_up.runs_weekday, f"make_up:{make_up.name}", self.term_id)
        weekday = day.isoweekday()
        if weekday >= SATURDAY:
            return ServiceDay(day, False, None, "weekend", self.term_id)
        return ServiceDay(day, True, weekday, "school_day", self.term_id)


def outside_term(day: dt.date) -> ServiceDay:
    return ServiceDay(day, False, None, "outside_term", None)


def service_days(terms: Sequence[TermRules], start: dt.date, end: dt.date) -> list[ServiceDay]:
    """Every date from ``start`` to ``end`` (both included) against a school's non-overlapping terms."""
    ordered = sorted(terms, key=lambda t: t.starts_on)
    return [_day_in(ordered, day) for day in dates(start, end)]


def _day_in(terms: Sequence[TermRules], day: dt.date) -> ServiceDay:
    term = next((t for t in terms if t.contains(day)), None)
    return term.service_day(day) if term else outside_term(day)


def dates(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    for offset in range((end - start).days + 1):
        yield start + dt.timedelta(days=offset)


def longer_than_a_year(start: dt.date, end: dt.date) -> bool:
    """True when ``end`` is on or after the same date a year after ``start`` (29 Feb → 1 Mar).

    Compared field by field rather than by adding a year, so it also works up to 9999-12-31.
    """
    return (end.year - start.year, end.month, end.day) >= (1, start.month, start.day)


# -- validation ----------------------------------------------------------------------------------


def problems(term: TermRules) -> list[Problem]:
    """Everything wrong with a 学期, as field-level details (empty when the term is valid).

    Field names follow the request body (``holidays.0.ends_on``), like pydantic's own errors.
    """
    return [
        *_span_problems(term),
        *_holiday_problems(term),
        *_holiday_overlaps(term.holidays),
        *_make_up_problems(term),
    ]


def _problem(field: str, kind: str, message: str) -> Problem:
    return {"field": field, "message": message, "type": kind}


def _span_problems(term: TermRules) -> Iterator[Problem]:
    if term.ends_on < term.starts_on:
        yield _problem("ends_on", "term_ends_before_start", "must be on or after starts_on")
    elif longer_than_a_year(term.starts_on, term.ends_on):
        yield _problem("ends_on", "term_too_long", "a term lasts at most one year")


def _holiday_problems(term: TermRules) -> Iterator[Problem]:
    for i, h in enumerate(term.holidays):
        if h.ends_on < h.starts_on:
            yield _problem(f"holidays.{i}.ends_on", "holiday_ends_before_start", "must be on or after starts_on")
        elif not (term.contains(h.starts_on) and term.contains(h.ends_on)):
            yield _problem(f"holidays.{i}", "holiday_outside_term", "must lie within the term")


def _holiday_overlaps(holidays: Sequence[Holiday]) -> Iterator[Problem]:
    """Sweep in start order, keeping the holiday that reaches furthest: each one that starts before
    that reach overlaps it (so a long holiday covering two short ones flags both)."""
    ranked = sorted((h.starts_on, i) for i, h in enumerate(holidays) if h.ends_on >= h.starts_on)
    reach: tuple[dt.date, int] | None = None
    for start, i in ranked:
        if reach is not None and start <= reach[0]:
            yield _problem(f"holidays.{i}", "holidays_overlap", f"overlaps holidays.{reach[1]}")
        if reach is None or holidays[i].ends_on > reach[0]:
            reach = (holidays[i].ends_on, i)


def _make_up_problems(term: TermRules) -> Iterator[Problem]:
    seen: dict[dt.date, int] = {}
    for i, m in enumerate(term.make_up_days):
        if m.date in seen:
            yield _problem(
                f"make_up_days.{i}.date", "make_up_day_duplicate", f"same date as make_up_days.{seen[m.date]}"
            )
        seen.setdefault(m.date, i)
        yield from _make_up_day_problems(term, i, m)


def _make_up_day_problems(term: TermRules, i: int, m: MakeUpDay) -> Iterator[Problem]:
    field = f"make_up_days.{i}"
    if not 1 <= m.runs_weekday <= 5:
        yield _problem(f"{field}.runs_weekday", "make_up_day_weekday", "must be 1 (Monday) to 5 (Friday)")
    if m.date.isoweekday() < SATURDAY:
        yield _problem(f"{field}.date", "make_up_day_not_weekend", "a make-up day (调休) must be a Saturday or Sunday")
    if not term.contains(m.date):
        yield _problem(f"{field}.date", "make_up_day_outside_term", "must lie within the term")
    holiday = next((h for h in term.holidays if h.covers(m.date)), None)
    if holiday is not None:
        yield _problem(f"{field}.date", "make_up_day_in_holiday", f"falls inside the holiday {holiday.name}")


def range_problems(start: dt.date, end: dt.date, max_days: int = MAX_CALENDAR_DAYS) -> list[Problem]:
    """A calendar query's ``from``..``to``: ordered, and at most ``max_days`` dates."""
    if end < start:
        return [_problem("to", "range_reversed", "must be on or after from")]
    if (end - start).days + 1 > max_days:
        return [_problem("to", "range_too_long", f"at most {max_days} days per request")]
    return []


def first_overlap(term: TermRules, others: Iterable[TermRules]) -> TermRules | None:
    """The first other 学期 of the school whose dates meet ``term``'s (its own id is skipped)."""
    return next((o for o in others if (term.term_id is None or o.term_id != term.term_id) and o.overlaps(term)), None)
