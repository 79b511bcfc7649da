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

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.core import i18n

SATURDAY, SUNDAY = 6, 7  # ISO weekdays; Monday is 1
MAX_CALENDAR_DAYS = 370

# One entry of a validation error's details: {"field", "type", "code", "message", "params"}.
Problem = dict[str, Any]


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


@dataclass(frozen=True)
class Found:
    """One broken rule: where (the request body's field path), which rule (a stable code, also the
    i18n key ``calendar.<code>``) and the values its message names."""

    field: str
    code: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def detail(self, locale: str = i18n.DEFAULT_LOCALE) -> Problem:
        """As a validation error's detail, the message in ``locale`` (zh-CN or en).

        ``type`` repeats ``code``, so clients that branch on pydantic's ``type`` keep working.
        """
        text = i18n.message(f"calendar.{self.code}", locale).format_map(_Params(self.params))
        return {"field": self.field, "type": self.code, "code": self.code, "message": text, "params": self.params}


class _Params(dict[str, Any]):
    """A message's values; a placeholder without one stays as written rather than failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def problems(term: TermRules, locale: str = i18n.DEFAULT_LOCALE) -> list[Problem]:
    """Everything wrong with a 学期, as field-level details (empty when the term is valid).

    Field names follow the request body (``holidays.0.ends_on``), like pydantic's own errors; each
    detail has its rule's ``code`` and a message in ``locale``.
    """
    found = [
        *_span_problems(term),
        *_holiday_problems(term),
        *_holiday_overlaps(term.holidays),
        *_make_up_problems(term),
    ]
    return [f.detail(locale) for f in found]


def _span_problems(term: TermRules) -> Iterator[Found]:
    if term.ends_on < term.starts_on:
        yield Found("ends_on", "term_ends_before_start")
    elif longer_than_a_year(term.starts_on, term.ends_on):
        yield Found("ends_on", "term_too_long")


def _holiday_problems(term: TermRules) -> Iterator[Found]:
    for i, h in enumerate(term.holidays):
        if h.ends_on < h.starts_on:
            yield Found(f"holidays.{i}.ends_on", "holiday_ends_before_start", {"name": h.name})
        elif not (term.contains(h.starts_on) and term.contains(h.ends_on)):
            yield Found(f"holidays.{i}", "holiday_outside_term", {"name": h.name, **_term_span(term)})


def _term_span(term: TermRules) -> dict[str, str]:
    return {"term_starts_on": term.starts_on.isoformat(), "term_ends_on": term.ends_on.isoformat()}


def _holiday_overlaps(holidays: Sequence[Holiday]) -> Iterator[Found]:
    """Sweep in start order, keeping the holiday that reaches furthest: each one that starts before
    that reach overlaps it (so a long holiday covering two short ones flags both)."""
    ranked = sorted((h.starts_on, i) for i, h in enumerate(holidays) if h.ends_on >= h.starts_on)
    reach: tuple[dt.date, int] | None = None
    for start, i in ranked:
        if reach is not None and start <= reach[0]:
            other = holidays[reach[1]]
            params = {"name": holidays[i].name, "other": f"holidays.{reach[1]}", "other_name": other.name}
            yield Found(f"holidays.{i}", "holidays_overlap", params)
        if reach is None or holidays[i].ends_on > reach[0]:
            reach = (holidays[i].ends_on, i)


def _make_up_problems(term: TermRules) -> Iterator[Found]:
    seen: dict[dt.date, int] = {}
    for i, m in enumerate(term.make_up_days):
        if m.date in seen:
            first = seen[m.date]
            params = {
                "date": m.date.isoformat(),
                "other": f"make_up_days.{first}",
                "other_name": term.make_up_days[first].name,
            }
            yield Found(f"make_up_days.{i}.date", "make_up_day_duplicate", params)
        seen.setdefault(m.date, i)
        yield from _make_up_day_problems(term, i, m)


def _make_up_day_problems(term: TermRules, i: int, m: MakeUpDay) -> Iterator[Found]:
    path = f"make_up_days.{i}"
    day = {"date": m.date.isoformat()}
    if not 1 <= m.runs_weekday <= 5:
        yield Found(f"{path}.runs_weekday", "make_up_day_weekday", {"runs_weekday": m.runs_weekday})
    if m.date.isoweekday() < SATURDAY:
        yield Found(f"{path}.date", "make_up_day_not_weekend", day)
    if not term.contains(m.date):
        yield Found(f"{path}.date", "make_up_day_outside_term", day | _term_span(term))
    holiday = next((h for h in term.holidays if h.covers(m.date)), None)
    if holiday is not None:
        yield Found(f"{path}.date", "make_up_day_in_holiday", day | {"holiday": holiday.name})


def range_problems(
    start: dt.date, end: dt.date, max_days: int = MAX_CALENDAR_DAYS, locale: str = i18n.DEFAULT_LOCALE
) -> list[Problem]:
    """A calendar query's ``from``..``to``: ordered, and at most ``max_days`` dates."""
    if end < start:
        return [Found("to", "range_reversed").detail(locale)]
    if (end - start).days + 1 > max_days:
        return [Found("to", "range_too_long", {"max_days": max_days}).detail(locale)]
    return []


def first_overlap(term: TermRules, others: Iterable[TermRules]) -> TermRules | None:
    """The first other 学期 of the school whose dates meet ``term``'s (its own id is skipped)."""
    return next((o for o in others if (term.term_id is None or o.term_id != term.term_id) and o.overlaps(term)), None)
