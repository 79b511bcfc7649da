"""What is read off a timetable: a child's day (make-up days run the weekday they stand for), an adult's
and a venue's week, and the planned staff periods behind the staff-hours record (R13)."""

from __future__ import annotations

import datetime as dt
import doctest
import importlib

import pytest

from chalicelib.roster.calendar.rules import Holiday, MakeUpDay, TermRules
from chalicelib.timetable import (
    adult_week,
    balance,
    class_day,
    class_week,
    generate,
    itinerary,
    sample_school,
    schedule_weekday,
    staff_periods,
    venue_week,
)

INP = sample_school(2, 2, 10)
RESULT = generate(INP)
assert RESULT.timetable is not None
T = RESULT.timetable
D = dt.date
AUTUMN = TermRules(
    D(2026, 9, 1),
    D(2027, 1, 15),
    (Holiday(D(2026, 10, 1), D(2026, 10, 7), "国庆节"),),
    (MakeUpDay(D(2026, 9, 27), 3, "国庆调休"),),  # a Sunday that runs Wednesday's timetable
    "T1",
)


def test_a_class_week_has_every_period_with_times_places_and_people() -> None:
    week = class_week(T, INP, "c101")
    assert [(e.weekday, e.period) for e in week] == [(d, p) for d in range(1, 6) for p in (1, 2)]
    monday = week[0]
    assert (monday.starts_at, monday.ends_at) == (dt.time(15, 40), dt.time(16, 20))
    assert (monday.category, monday.activity_name, monday.venue_name) == ("homework", None, "一年级（1）班教室")
    assert monday.adult_names == tuple(INP.adult_name(a) for a in monday.adult_ids)
    tuesday_2 = week[3]
    assert tuesday_2.category in {"sports", "reading", "arts", "traditional_culture"}
    assert tuesday_2.activity_name == INP.activity_by_id[tuesday_2.activity_id or ""].name
    assert tuesday_2.as_json()["starts_at"] == "16:30"
    assert tuesday_2.as_json()["adults"] == [{"id": tuesday_2.adult_ids[0], "name": tuesday_2.adult_names[0]}]


@pytest.mark.parametrize(
    ("day", "weekday"),
    [
        (D(2026, 9, 1), 2),  # a Tuesday
        (D(2026, 9, 27), 3),  # 调休: Sunday runs Wednesday
        (D(2026, 9, 26), None),  # an ordinary Saturday
        (D(2026, 10, 2), None),  # 国庆节
        (D(2027, 2, 1), None),  # after the term
    ],
)
def test_the_calendar_says_which_weekday_a_date_runs(day: dt.date, weekday: int | None) -> None:
    assert schedule_weekday(day, [AUTUMN]) == weekday
    expected = class_day(T, INP, "c201", weekday) if weekday else []
    assert itinerary(T, INP, "c201", day, [AUTUMN]) == expected


def test_a_make_up_day_gives_the_child_wednesdays_afternoon() -> None:
    sunday = itinerary(T, INP, "c101", D(2026, 9, 27), [AUTUMN])
    assert [(e.weekday, e.period) for e in sunday] == [(3, 1), (3, 2)]
    assert sunday == class_day(T, INP, "c101", 3)


def test_an_adults_week_and_the_staff_periods_agree() -> None:
    loads = {s.adult_id: s for s in staff_periods(T, INP)}
    assert [s.adult_id for s in staff_periods(T, INP)] == [a.id for a in INP.adults]
    for adult in INP.adults:
        week = adult_week(T, INP, adult.id)
        assert len(week) == loads[adult.id].periods
        assert all(adult.id in e.adult_ids for e in week)
        assert len({(e.weekday, e.period) for e in week}) == len(week)  # never two places at once
    # one adult per cell; period 1 lasts 40 minutes and period 2 an hour
    assert sum(s.periods for s in loads.values()) == len(T.cells) == 40
    assert sum(s.minutes for s in loads.values()) == 20 * 40 + 20 * 60
    assert loads["p001"].as_json()["adult_name"] == INP.adult_name("p001")


def test_a_venues_week_lists_every_class_in_it() -> None:
    for venue in INP.venues:
        week = venue_week(T, INP, venue.id)
        assert all(e.venue_id == venue.id for e in week)
        per_slot: dict[tuple[int, int], int] = {}
        for e in week:
            per_slot[(e.weekday, e.period)] = per_slot.get((e.weekday, e.period), 0) + 1
        assert all(n <= venue.capacity for n in per_slot.values())
    assert sum(len(venue_week(T, INP, v.id)) for v in INP.venues) == len(T.cells)
    room = venue_week(T, INP, "room-101")
    assert {e.class_id for e in room} == {"c101"}  # only its own class ever uses a classroom


def test_the_balance_is_what_the_generator_reports() -> None:
    assert RESULT.figures is not None
    assert balance(T, INP) == RESULT.figures.balance
    assert RESULT.figures.as_json()["busiest_adult_periods"] == max(s.periods for s in staff_periods(T, INP))


@pytest.mark.parametrize(
    "module", ["inputs", "timetable", "rules", "views", "generator", "samples", "precheck", "messages"]
)
def test_the_docstring_examples_hold(module: str) -> None:
    result = doctest.testmod(importlib.import_module(f"chalicelib.timetable.{module}"))
    assert result.failed == 0
