"""Term calendar rules (学期、节假日、调休): service days and what makes a term valid."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from chalicelib.roster.calendar import schemas
from chalicelib.roster.calendar.rules import (
    Holiday,
    MakeUpDay,
    TermRules,
    dates,
    first_overlap,
    longer_than_a_year,
    problems,
    range_problems,
    service_days,
)

D = dt.date
AUTUMN = TermRules(
    D(2026, 9, 1),
    D(2027, 1, 15),
    (Holiday(D(2026, 10, 1), D(2026, 10, 7), "国庆节"),),
    (MakeUpDay(D(2026, 9, 27), 3, "国庆调休"), MakeUpDay(D(2026, 10, 10), 5, "国庆调休")),
    "T1",
)


def kinds(term: TermRules) -> set[tuple[str, str]]:
    return {(p["field"], p["type"]) for p in problems(term)}


# -- service days --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 9, 1), (True, 2, "school_day")),  # a Tuesday
        (D(2026, 9, 4), (True, 5, "school_day")),
        (D(2026, 9, 5), (False, None, "weekend")),
        (D(2026, 9, 6), (False, None, "weekend")),
        (D(2026, 9, 27), (True, 3, "make_up:国庆调休")),  # Sunday running Wednesday's timetable
        (D(2026, 10, 10), (True, 5, "make_up:国庆调休")),
        (D(2026, 10, 1), (False, None, "holiday:国庆节")),
        (D(2026, 10, 7), (False, None, "holiday:国庆节")),
        (D(2026, 10, 8), (True, 4, "school_day")),
        (D(2026, 8, 31), (False, None, "outside_term")),
        (D(2027, 1, 15), (True, 5, "school_day")),
        (D(2027, 1, 16), (False, None, "outside_term")),
    ],
)
def test_service_day(day: dt.date, expected: tuple[bool, int | None, str]) -> None:
    answer = AUTUMN.service_day(day)
    assert (answer.service_day, answer.runs_weekday, answer.reason) == expected
    assert answer.date == day
    assert answer.term_id == (None if expected[2] == "outside_term" else "T1")


def test_holiday_wins_over_a_make_up_day_inside_it() -> None:
    term = TermRules(D(2026, 9, 1), D(2026, 12, 31), (Holiday(D(2026, 10, 1), D(2026, 10, 7), "国庆节"),))
    bad = TermRules(term.starts_on, term.ends_on, term.holidays, (MakeUpDay(D(2026, 10, 3), 1, "x"),))
    assert bad.service_day(D(2026, 10, 3)).reason == "holiday:国庆节"


def test_service_days_across_terms_and_gaps() -> None:
    spring = TermRules(D(2027, 2, 22), D(2027, 7, 2), term_id="T2")
    days = service_days([spring, AUTUMN], D(2027, 1, 14), D(2027, 2, 23))
    assert len(days) == 41
    assert [(d.date, d.term_id) for d in days[:3]] == [
        (D(2027, 1, 14), "T1"),
        (D(2027, 1, 15), "T1"),
        (D(2027, 1, 16), None),
    ]
    assert days[-2].term_id == days[-1].term_id == "T2" and days[-2].reason == "school_day"
    assert all(d.reason == "outside_term" for d in days[2:-2])


def test_service_day_as_json() -> None:
    assert AUTUMN.service_day(D(2026, 9, 27)).as_json() == {
        "date": "2026-09-27",
        "service_day": True,
        "runs_weekday": 3,
        "reason": "make_up:国庆调休",
        "term_id": "T1",
    }


# -- validation ----------------------------------------------------------------------------------


def test_the_example_term_is_valid() -> None:
    assert problems(AUTUMN) == []


def test_term_must_not_end_before_it_starts() -> None:
    assert kinds(TermRules(D(2026, 9, 2), D(2026, 9, 1))) == {("ends_on", "term_ends_before_start")}
    assert problems(TermRules(D(2026, 9, 1), D(2026, 9, 1))) == []  # one day is fine


@pytest.mark.parametrize(
    ("start", "last_ok"),
    [(D(2026, 9, 1), D(2027, 8, 31)), (D(2024, 2, 29), D(2025, 2, 28)), (D(2027, 3, 1), D(2028, 2, 29))],
)
def test_term_lasts_at_most_one_year(start: dt.date, last_ok: dt.date) -> None:
    assert problems(TermRules(start, last_ok)) == []
    too_long = TermRules(start, last_ok + dt.timedelta(days=1))
    assert kinds(too_long) == {("ends_on", "term_too_long")}


def test_holiday_must_not_end_before_it_starts() -> None:
    term = TermRules(D(2026, 9, 1), D(2026, 12, 31), (Holiday(D(2026, 10, 7), D(2026, 10, 1), "国庆节"),))
    assert kinds(term) == {("holidays.0.ends_on", "holiday_ends_before_start")}


@pytest.mark.parametrize(
    ("start", "end"),
    [(D(2026, 8, 31), D(2026, 9, 3)), (D(2026, 12, 30), D(2027, 1, 2)), (D(2027, 2, 1), D(2027, 2, 3))],
)
def test_holidays_lie_within_the_term(start: dt.date, end: dt.date) -> None:
    term = TermRules(D(2026, 9, 1), D(2026, 12, 31), (Holiday(start, end, "x"),))
    assert kinds(term) == {("holidays.0", "holiday_outside_term")}


def test_holidays_must_not_overlap() -> None:
    long = Holiday(D(2026, 10, 1), D(2026, 10, 20), "长假")
    inside_a, inside_b = Holiday(D(2026, 10, 3), D(2026, 10, 4), "a"), Holiday(D(2026, 10, 10), D(2026, 10, 11), "b")
    term = TermRules(D(2026, 9, 1), D(2026, 12, 31), (inside_b, long, inside_a))
    assert kinds(term) == {("holidays.0", "holidays_overlap"), ("holidays.2", "holidays_overlap")}
    touching = TermRules(term.starts_on, term.ends_on, (long, Holiday(D(2026, 10, 21), D(2026, 10, 22), "c")))
    assert problems(touching) == []
    same_day = TermRules(term.starts_on, term.ends_on, (long, Holiday(D(2026, 10, 20), D(2026, 10, 22), "c")))
    assert kinds(same_day) == {("holidays.1", "holidays_overlap")}


def test_make_up_days_are_unique() -> None:
    term = TermRules(
        D(2026, 9, 1), D(2026, 12, 31), (), (MakeUpDay(D(2026, 9, 27), 3, "a"), MakeUpDay(D(2026, 9, 27), 4, "b"))
    )
    assert kinds(term) == {("make_up_days.1.date", "make_up_day_duplicate")}


def test_make_up_day_must_be_a_weekend() -> None:
    term = TermRules(D(2026, 9, 1), D(2026, 12, 31), (), (MakeUpDay(D(2026, 9, 28), 3, "周一"),))
    assert kinds(term) == {("make_up_days.0.date", "make_up_day_not_weekend")}


def test_make_up_day_must_lie_within_the_term() -> None:
    term = TermRules(D(2026, 9, 1), D(2026, 12, 31), (), (MakeUpDay(D(2026, 8, 30), 3, "x"),))
    assert kinds(term) == {("make_up_days.0.date", "make_up_day_outside_term")}


def test_make_up_day_must_not_fall_in_a_holiday() -> None:
    term = TermRules(
        D(2026, 9, 1),
        D(2026, 12, 31),
        (Holiday(D(2026, 10, 1), D(2026, 10, 7), "国庆节"),),
        (MakeUpDay(D(2026, 10, 3), 1, "x"),),
    )
    assert kinds(term) == {("make_up_days.0.date", "make_up_day_in_holiday")}


@pytest.mark.parametrize("weekday", [0, 6, 7, -1])
def test_make_up_day_runs_a_weekday(weekday: int) -> None:
    term = TermRules(D(2026, 9, 1), D(2026, 12, 31), (), (MakeUpDay(D(2026, 9, 27), weekday, "x"),))
    assert kinds(term) == {("make_up_days.0.runs_weekday", "make_up_day_weekday")}


def test_problems_carry_field_code_params_and_a_localised_message() -> None:
    (p,) = problems(TermRules(D(2026, 9, 2), D(2026, 9, 1)))
    assert set(p) == {"field", "type", "code", "message", "params"}
    assert p["code"] == p["type"] == "term_ends_before_start" and p["message"] == "学期的结束日期不能早于开始日期。"
    (en,) = problems(TermRules(D(2026, 9, 2), D(2026, 9, 1)), "en")
    assert en["message"] == "The term must end on or after its first day."


# Every rule, broken once: (term, the problem's field, code, zh-CN message, English message).
EVERY_RULE = [
    (
        TermRules(D(2026, 9, 1), D(2027, 9, 1)),
        "ends_on",
        "term_too_long",
        "一个学期最长一年。",
        "A term lasts at most one year.",
    ),
    (
        TermRules(D(2026, 9, 1), D(2026, 12, 31), (Holiday(D(2026, 10, 7), D(2026, 10, 1), "国庆节"),)),
        "holidays.0.ends_on",
        "holiday_ends_before_start",
        "节假日“国庆节”的结束日期不能早于开始日期。",
        'The holiday "国庆节" must end on or after its first day.',
    ),
    (
        TermRules(D(2026, 9, 1), D(2026, 12, 31), (Holiday(D(2026, 12, 20), D(2027, 1, 3), "元旦"),)),
        "holidays.0",
        "holiday_outside_term",
        "节假日“元旦”须在学期日期（2026-09-01 至 2026-12-31）之内。",
        'The holiday "元旦" must lie within the term (2026-09-01 to 2026-12-31).',
    ),
    (
        TermRules(
            D(2026, 9, 1),
            D(2026, 12, 31),
            (Holiday(D(2026, 10, 1), D(2026, 10, 7), "国庆节"), Holiday(D(2026, 10, 5), D(2026, 10, 9), "秋假")),
        ),
        "holidays.1",
        "holidays_overlap",
        "节假日“秋假”与“国庆节”的日期重叠。",
        'The holiday "秋假" overlaps "国庆节".',
    ),
    (
        TermRules(
            D(2026, 9, 1),
            D(2026, 12, 31),
            (),
            (MakeUpDay(D(2026, 9, 27), 3, "国庆调休"), MakeUpDay(D(2026, 9, 27), 4, "又一天")),
        ),
        "make_up_days.1.date",
        "make_up_day_duplicate",
        "调休日 2026-09-27 与“国庆调休”是同一天。",
        'The make-up day 2026-09-27 is the same date as "国庆调休".',
    ),
    (
        TermRules(D(2026, 9, 1), D(2026, 12, 31), (), (MakeUpDay(D(2026, 9, 27), 6, "调休"),)),
        "make_up_days.0.runs_weekday",
        "make_up_day_weekday",
        "调休日须按周一至周五中某一天的课表上课（1 = 周一 … 5 = 周五）。",
        "A make-up day runs the timetable of a weekday: 1 (Monday) to 5 (Friday).",
    ),
    (
        TermRules(D(2026, 9, 1), D(2026, 12, 31), (), (MakeUpDay(D(2026, 9, 28), 1, "调休"),)),
        "make_up_days.0.date",
        "make_up_day_not_weekend",
        "调休上课日须是周六或周日，2026-09-28 不是。",
        "A make-up day (调休) must be a Saturday or Sunday; 2026-09-28 is not.",
    ),
    (
        TermRules(D(2026, 9, 1), D(2026, 12, 31), (), (MakeUpDay(D(2027, 1, 2), 1, "元旦调休"),)),
        "make_up_days.0.date",
        "make_up_day_outside_term",
        "调休日 2027-01-02 须在学期日期（2026-09-01 至 2026-12-31）之内。",
        "The make-up day 2027-01-02 must lie within the term (2026-09-01 to 2026-12-31).",
    ),
    (
        TermRules(
            D(2026, 9, 1),
            D(2026, 12, 31),
            (Holiday(D(2026, 10, 1), D(2026, 10, 7), "国庆节"),),
            (MakeUpDay(D(2026, 10, 3), 1, "调休"),),
        ),
        "make_up_days.0.date",
        "make_up_day_in_holiday",
        "调休日 2026-10-03 落在节假日“国庆节”之内。",
        'The make-up day 2026-10-03 falls inside the holiday "国庆节".',
    ),
]


@pytest.mark.parametrize(("term", "field", "code", "zh", "en"), EVERY_RULE, ids=[r[2] for r in EVERY_RULE])
def test_every_rule_has_a_stable_code_and_both_messages(
    term: TermRules, field: str, code: str, zh: str, en: str
) -> None:
    (p,) = problems(term)
    assert (p["field"], p["code"], p["type"], p["message"]) == (field, code, code, zh)
    (p_en,) = problems(term, "en")
    assert (p_en["field"], p_en["code"], p_en["message"]) == (field, code, en)
    assert p_en["params"] == p["params"]  # the values the message names, for clients that word it themselves


def test_every_calendar_message_exists_in_both_languages() -> None:
    from chalicelib.core.i18n import MESSAGES

    calendar = {k: v for k, v in MESSAGES.items() if k.startswith("calendar.")}
    codes = {r[2] for r in EVERY_RULE} | {"term_ends_before_start", "range_reversed", "range_too_long"}
    assert {f"calendar.{c}" for c in codes} | {"calendar.term_overlaps"} == set(calendar)
    assert all(set(v) == {"zh-CN", "en"} and all(v.values()) for v in calendar.values())


def test_terms_overlap_when_they_share_a_date() -> None:
    spring = TermRules(D(2027, 1, 15), D(2027, 7, 1), term_id="T2")
    assert first_overlap(spring, [AUTUMN]) is AUTUMN
    assert first_overlap(TermRules(D(2027, 1, 16), D(2027, 7, 1), term_id="T2"), [AUTUMN]) is None
    assert first_overlap(AUTUMN, [AUTUMN]) is None  # a term does not overlap itself
    assert first_overlap(TermRules(AUTUMN.starts_on, AUTUMN.ends_on), [AUTUMN]) is AUTUMN


def test_calendar_range() -> None:
    assert range_problems(D(2026, 9, 1), D(2026, 9, 1)) == []
    assert range_problems(D(2026, 1, 1), D(2026, 1, 1) + dt.timedelta(days=369)) == []
    assert [p["type"] for p in range_problems(D(2026, 1, 1), D(2026, 1, 1) + dt.timedelta(days=370))] == [
        "range_too_long"
    ]
    assert [p["type"] for p in range_problems(D(2026, 9, 2), D(2026, 9, 1))] == ["range_reversed"]
    (long,) = range_problems(D(2026, 1, 1), D(2027, 1, 10), locale="en")
    assert long["code"] == "range_too_long" and long["message"] == "At most 370 days per request."
    assert long["params"] == {"max_days": 370}
    (backwards,) = range_problems(D(2026, 9, 2), D(2026, 9, 1))
    assert backwards["message"] == "结束日期（to）不能早于开始日期（from）。"


def test_a_year_is_counted_by_the_calendar() -> None:
    assert longer_than_a_year(D(2024, 2, 29), D(2025, 3, 1))
    assert not longer_than_a_year(D(2024, 2, 29), D(2025, 2, 28))
    assert longer_than_a_year(D(2026, 9, 1), D(2028, 1, 1))
    assert not longer_than_a_year(D(9999, 1, 1), D(9999, 12, 31))  # no overflow at the end of time
    assert kinds(TermRules(D(9999, 6, 1), D(9999, 12, 31))) == set()


@given(st.dates(max_value=D(9998, 12, 31)), st.integers(min_value=0, max_value=800))
def test_a_year_means_before_the_same_date_next_year(start: dt.date, length: int) -> None:
    end = start + dt.timedelta(days=length)
    try:
        next_year = start.replace(year=start.year + 1)
    except ValueError:
        next_year = D(start.year + 1, 3, 1)
    assert longer_than_a_year(start, end) == (end >= next_year)


# -- properties ----------------------------------------------------------------------------------

days_ = st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31))


@st.composite
def terms(draw: st.DrawFn) -> TermRules:
    """A valid term with any number of non-overlapping holidays and weekend 调休 days."""
    start = draw(days_)
    length = draw(st.integers(min_value=0, max_value=364))
    end = start + dt.timedelta(days=length)
    cuts = sorted(draw(st.sets(st.integers(min_value=0, max_value=length), max_size=10)))
    holidays = tuple(
        Holiday(start + dt.timedelta(days=a), start + dt.timedelta(days=b), f"假{i}")
        for i, (a, b) in enumerate(zip(cuts[::2], cuts[1::2], strict=False))
    )
    weekends = [d for d in dates(start, end) if d.isoweekday() >= 6 and not any(h.covers(d) for h in holidays)]
    chosen = draw(st.lists(st.sampled_from(weekends), unique=True, max_size=5)) if weekends else []
    make_ups = tuple(MakeUpDay(d, draw(st.integers(1, 5)), "调休") for d in chosen)
    return TermRules(start, end, holidays, make_ups, "T")


@given(terms(), days_)
def test_no_date_is_both_holiday_and_service_day(term: TermRules, day: dt.date) -> None:
    assert problems(term) == []
    answer = term.service_day(day)
    if any(h.covers(day) for h in term.holidays):
        assert not answer.service_day and answer.reason.startswith("holiday:")
    if answer.service_day:
        assert answer.runs_weekday in range(1, 6) and answer.term_id == "T"
    else:
        assert answer.runs_weekday is None


@given(days_, st.integers(min_value=0, max_value=364), st.data())
def test_every_weekday_of_a_term_without_holidays_runs_its_own_weekday(
    start: dt.date, length: int, data: st.DataObject
) -> None:
    term = TermRules(start, start + dt.timedelta(days=length))
    day = data.draw(st.sampled_from(list(dates(term.starts_on, term.ends_on))))
    answer = term.service_day(day)
    if day.isoweekday() <= 5:
        assert (answer.service_day, answer.runs_weekday, answer.reason) == (True, day.isoweekday(), "school_day")
    else:
        assert (answer.service_day, answer.reason) == (False, "weekend")


@given(terms(), days_)
def test_service_days_agrees_with_service_day(term: TermRules, start: dt.date) -> None:
    end = start + dt.timedelta(days=20)
    assert service_days([term], start, end) == [term.service_day(d) for d in dates(start, end)]


# -- request shapes ------------------------------------------------------------------------------


def test_dates_must_be_plain_iso_dates() -> None:
    from pydantic import ValidationError

    base = {"name": "x", "starts_on": "2026-09-01", "ends_on": "2026-12-31"}
    for bad in (0, "2026-09-01T00:00:00", "2026/09/01", "2026-02-30", None):
        with pytest.raises(ValidationError):
            schemas.TermCreate.model_validate({**base, "starts_on": bad})
    with pytest.raises(ValidationError):
        schemas.MakeUpDayIn.model_validate({"date": "2026-09-27", "runs_weekday": "3", "name": "x"})


def test_update_applies_to_the_whole_term() -> None:
    cmd = schemas.TermUpdate.model_validate({"ends_on": "2027-01-20", "holidays": []})
    after = cmd.applied_to(AUTUMN)
    assert (after.starts_on, after.ends_on, after.holidays) == (AUTUMN.starts_on, D(2027, 1, 20), ())
    assert after.make_up_days == AUTUMN.make_up_days and after.term_id == "T1"


def test_calendar_query_reads_from_and_to() -> None:
    q = schemas.CalendarQuery.model_validate({"from": "2026-09-01", "to": "2026-09-30"})
    assert q.model_dump() == {"from": D(2026, 9, 1), "to": D(2026, 9, 30)}
    with pytest.raises(ValidationError) as err:
        schemas.CalendarQuery.model_validate({})
    assert {e["loc"][0] for e in err.value.errors()} == {"from", "to"}
