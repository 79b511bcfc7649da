"""Timetable rules (R5-R9, R8): each rule flags a broken timetable with a message a principal understands,
in zh-CN and English, and stays silent on a valid one. Hand edits are checked against the same rules."""

from __future__ import annotations

import dataclasses as dc
import datetime as dt
import re
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from chalicelib.timetable import (
    RULE_BY_CODE,
    RULES,
    Activity,
    Cell,
    Timetable,
    TimetableInputs,
    Violation,
    check_edit,
    generate,
    sample_school,
    staff_periods,
    validate,
)
from chalicelib.timetable.messages import MESSAGES, RULE_TITLES


def generated(inputs: TimetableInputs) -> Timetable:
    timetable = generate(inputs).timetable
    assert timetable is not None
    return timetable


INP = sample_school(2, 2, 10)  # classes c101 c102 (一年级) c201 c202 (二年级), 10 adults p001..p010
BASE = generated(INP)
OLYMPIAD = Activity("a-olympiad", "奥数培优班", "science_technology", frozenset({1, 2}), ("classroom",))


def edit(t: Timetable, d: int, p: int, k: str, **changes: object) -> Timetable:
    cell = t.cell(d, p, k)
    assert cell is not None
    return t.with_cell(dc.replace(cell, **changes))  # type: ignore[arg-type]


def settings(**changes: object) -> TimetableInputs:
    return dc.replace(INP, settings=dc.replace(INP.settings, **changes))  # type: ignore[arg-type]


def with_max(**maxima: int) -> TimetableInputs:
    """INP with weekly maxima for some adults, e.g. ``with_max(p001=4)``."""
    return dc.replace(INP, adults=tuple(dc.replace(a, max_periods=maxima.get(a.id)) for a in INP.adults))


def wednesday_one_period() -> TimetableInputs:
    days = tuple(dc.replace(d, periods=d.periods[:1]) if d.weekday == 3 else d for d in INP.settings.days)
    return settings(days=days)


Case = tuple[Callable[[], tuple[Timetable, TimetableInputs]], str, str]

# rule code -> (a broken timetable with its inputs, the first violation's message in zh-CN, in English)
BROKEN: dict[str, Case] = {
    "five_weekdays": (
        lambda: (BASE, settings(days=INP.settings.days[:4])),
        "课后服务应在周一至周五五个工作日开展，现设置为：周一、周二、周三、周四。",
        "The service runs on the five weekdays, Monday to Friday; the settings have: Monday, Tuesday, Wednesday, "
        "Thursday.",
    ),
    "two_afternoon_periods": (
        lambda: (BASE, wednesday_one_period()),
        "周三只有 1 个下午课后服务课时，每天至少需要 2 个。",
        "Wednesday has 1 afternoon service period(s); at least 2 are needed every day.",
    ),
    "ends_after_work": (
        lambda: (BASE, settings(working_day_ends_at=dt.time(17, 10))),
        "周一课后服务 17:30 结束，不得早于当地下班时间 17:10 后半小时（17:40）。",
        "Monday: the service ends at 17:30, before 17:40 (30 minutes after the usual end of work, 17:10).",
    ),
    "every_slot_filled": (
        lambda: (Timetable(tuple(c for c in BASE.cells if c.key != (2, 1, "c101"))), INP),
        "周二第1课时：一年级（1）班没有安排。",
        "Tuesday period 1: 一年级（1）班 has no cell.",
    ),
    "unknown_reference": (
        lambda: (edit(BASE, 2, 1, "c101", venue_id="v-nowhere"), INP),
        "周二第1课时：一年级（1）班的安排引用了不存在的场地（v-nowhere）。",
        "Tuesday period 1: the cell of 一年级（1）班 names a venue that does not exist (v-nowhere).",
    ),
    "period1_homework": (
        lambda: (edit(BASE, 3, 1, "c201", activity_id="a-go"), INP),
        "周三第1课时：二年级（1）班应在本班教室（二年级（1）班教室）上自主作业，现为“围棋”（二年级（1）班教室）。",
        "Wednesday period 1: 二年级（1）班 should do supervised homework in its own classroom (二年级（1）班教室); "
        "it has “围棋” in 二年级（1）班教室.",
    ),
    "monday_homework": (
        lambda: (edit(BASE, 1, 2, "c102", activity_id="a-drawing", venue_id="v-art", adult_ids=("p003",)), INP),
        "周一第2课时：周一两个课时都是自主作业（便于教师开会），一年级（2）班现为“美术”（美术室）。",
        "Monday period 2: on Monday both periods are supervised homework (teachers meet); 一年级（2）班 has “美术” "
        "in 美术室.",
    ),
    "activity_period": (
        lambda: (edit(BASE, 2, 2, "c201", activity_id=None), INP),
        "周二第2课时：二年级（1）班应安排特长发展、阅读或体育活动，现为自主作业。",
        "Tuesday period 2: 二年级（1）班 should have a specialty, reading or sports activity; it has supervised "
        "homework.",
    ),
    "activity_eligible": (
        lambda: (edit(BASE, 4, 2, "c101", activity_id="a-calligraphy"), INP),
        "周四第2课时：一年级（1）班安排了“书法”，该活动只面向二年级、三年级、四年级、五年级、六年级，只在周二、周三、周四、周五开设。",
        "Thursday period 2: 一年级（1）班 has “书法”, which the program offers to Grade 2, Grade 3, Grade 4, Grade 5, "
        "Grade 6 on Tuesday, Wednesday, Thursday, Friday only.",
    ),
    "venue_suits": (
        lambda: (edit(BASE, 3, 2, "c101", venue_id="v-library"), INP),
        "周三第2课时：一年级（1）班的“绘本阅读”安排在图书馆（图书馆），该活动需要阅览室或教室（本班或空闲教室）。",
        "Wednesday period 2: “绘本阅读” of 一年级（1）班 is in 图书馆 (library); it needs a reading room or classroom "
        "(its own or a spare classroom).",
    ),
    "grade_stagger": (
        lambda: (edit(BASE, 4, 2, "c101", activity_id="a-reading"), INP),
        "周四第2课时：按年级错峰，一年级各班应安排同一类活动，现有：阅读、传统文化。",
        "Thursday period 2: staggered by grade, the classes of Grade 1 take the same kind of activity; they have "
        "reading, traditional culture.",
    ),
    "venue_capacity": (
        lambda: (edit(BASE, 2, 2, "c101", venue_id="v-gym"), INP),
        "周二第2课时：体育馆同时安排了 2 个班，只能容纳 1 个班。",
        "Tuesday period 2: 2 classes are placed in 体育馆, which holds 1.",
    ),
    "adult_one_place": (
        lambda: (edit(BASE, 2, 1, "c101", adult_ids=("p002",)), INP),
        "周二第1课时：李老师2同时被安排在 2 处（一年级（1）班、一年级（2）班）。",
        "Tuesday period 1: 李老师2 is placed in 2 places at once (一年级（1）班, 一年级（2）班).",
    ),
    "adult_available": (
        lambda: (edit(BASE, 2, 1, "c101", adult_ids=("p010",)), INP),  # a volunteer, Wednesday and Friday only
        "周二第1课时：吴老师10此时段不在岗，不能安排到一年级（1）班。",
        "Tuesday period 1: 吴老师10 is not available then and cannot be with 一年级（1）班.",
    ),
    "adult_able": (
        lambda: (edit(BASE, 4, 1, "c101", adult_ids=("p006",)), INP),  # a specialist: arts and science only
        "周四第1课时：杨老师6不能带自主作业（一年级（1）班）。",
        "Thursday period 1: 杨老师6 cannot lead supervised homework (一年级（1）班).",
    ),
    "adult_max_periods": (
        lambda: (BASE, with_max(p001=4)),  # BASE gives 王老师1 five periods
        "王老师1每周最多 4 个课时，现安排了 5 个。",
        "王老师1 may take at most 4 periods a week; 5 are planned.",
    ),
    "supervised": (
        lambda: (edit(BASE, 5, 1, "c202", adult_ids=()), INP),
        "周五第1课时：二年级（2）班没有看管的成人。",
        "Friday period 1: no adult is with 二年级（2）班.",
    ),
    "fairness_minimum": (
        lambda: (edit(BASE, 2, 2, "c101", activity_id="a-reading", venue_id="room-101"), INP),
        "一年级（1）班每周体育 0 次，少于一年级要求的 1 次。",
        "一年级（1）班 has sports 0 time(s) a week, fewer than the 1 required for Grade 1.",
    ),
    "allowed_content": (
        lambda: (
            edit(BASE, 5, 2, "c101", activity_id=OLYMPIAD.id),
            dc.replace(INP, activities=(*INP.activities, OLYMPIAD)),
        ),
        "周五第2课时：一年级（1）班安排了“奥数培优班”，不属于课后服务可开展的内容（严禁集体补课或超前教学）。",
        "Friday period 2: 一年级（1）班 has “奥数培优班”, which after-school time may not hold (no group tutoring or "
        "curriculum teaching).",
    ),
}


def test_the_fixture_timetable_is_valid() -> None:
    assert validate(BASE, INP) == []


def test_every_rule_has_a_case_a_title_and_a_template_in_both_languages() -> None:
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    assert set(codes) == set(BROKEN)
    for rule in RULES:
        assert rule.title("zh-CN") and rule.title("en")
        assert rule.template("zh-CN") == MESSAGES[rule.code]["zh-CN"]
        assert rule.template("en") == MESSAGES[rule.code]["en"]
        assert rule.requirement in {"R5", "R6", "R7", "R8", "R9", "R11"}
    assert set(RULE_TITLES) == set(codes)


@pytest.mark.parametrize("code", list(BROKEN))
def test_rule_flags_a_broken_timetable_in_both_languages(code: str) -> None:
    make, zh, en = BROKEN[code]
    timetable, inputs = make()
    found = RULE_BY_CODE[code].check(timetable, inputs)
    assert found, f"{code} did not fire"
    assert {v.code for v in found} == {code}
    assert found[0].message("zh-CN") == zh
    assert found[0].message("en") == en
    assert found[0].as_json()["message"] == {"zh-CN": zh, "en": en}
    assert code in {v.code for v in validate(timetable, inputs)}  # the validator runs it too


@pytest.mark.parametrize("code", list(BROKEN))
def test_rule_passes_a_valid_timetable(code: str) -> None:
    assert RULE_BY_CODE[code].check(BASE, INP) == []


def test_violations_say_where() -> None:
    (v,) = RULE_BY_CODE["venue_capacity"].check(edit(BASE, 2, 2, "c101", venue_id="v-gym"), INP)
    assert (v.weekday, v.period, v.venue_ids, v.class_ids) == (2, 2, ("v-gym",), ("c101", "c102"))
    (v,) = RULE_BY_CODE["adult_one_place"].check(edit(BASE, 2, 1, "c101", adult_ids=("p002",)), INP)
    assert (v.weekday, v.period, v.adult_ids, v.class_ids) == (2, 1, ("p002",), ("c101", "c102"))


# -- passing edge cases, one or more per rule -------------------------------------------------------


def test_service_may_end_exactly_thirty_minutes_after_work() -> None:
    assert RULE_BY_CODE["ends_after_work"].check(BASE, settings(working_day_ends_at=dt.time(17, 0))) == []


def test_a_saturday_in_the_settings_is_not_five_weekdays() -> None:
    saturday = dc.replace(INP.settings.days[0], weekday=6)
    found = RULE_BY_CODE["five_weekdays"].check(BASE, settings(days=(*INP.settings.days, saturday)))
    assert found[0].message("en").endswith("Thursday, Friday, Saturday.")


def test_duplicate_extra_and_unknown_cells() -> None:
    dup = Timetable((*BASE.cells, BASE.cells[0]))
    extra = Timetable((*BASE.cells, Cell(2, 3, "c101", "room-101", ("p001",))))
    stranger = Timetable((*BASE.cells, Cell(2, 1, "c999", "room-101", ("p001",))))
    messages = [
        v.message("en") for t in (dup, extra, stranger) for v in RULE_BY_CODE["every_slot_filled"].check(t, INP)
    ]
    assert messages == [
        "Monday period 1: c101 has more than one cell.",
        "Tuesday period 3: c101 has a cell outside the school's periods.",
        "Tuesday period 1: c999 is not a class of the school.",
    ]


def test_an_adult_at_the_weekly_maximum_is_fine_and_one_over_is_not() -> None:
    loads = {s.adult_id: s.periods for s in staff_periods(BASE, INP)}
    assert RULE_BY_CODE["adult_max_periods"].check(BASE, with_max(**loads)) == []  # everyone exactly at it
    over = with_max(**{**loads, "p001": loads["p001"] - 1, "p010": loads["p010"] - 2})
    found = RULE_BY_CODE["adult_max_periods"].check(BASE, over)
    assert [(v.adult_ids, v.params["max"], v.params["count"]) for v in found] == [
        (("p001",), 4, 5),
        (("p010",), 1, 3),
    ]
    assert (found[0].weekday, found[0].period, found[0].class_ids) == (None, None, ())


def test_the_weekly_count_is_one_period_per_cell_and_ignores_strangers() -> None:
    cell = BASE.cell(2, 1, "c101")
    assert cell is not None and cell.adult_ids == ("p001",)
    twice = BASE.with_cell(dc.replace(cell, adult_ids=("p001", "p001", "p404")))  # listed twice, and a stranger
    assert RULE_BY_CODE["adult_max_periods"].check(twice, with_max(p001=5)) == []
    assert RULE_BY_CODE["adult_max_periods"].check(Timetable(), with_max(p001=0)) == []


def test_homework_elsewhere_than_the_own_classroom_breaks_period_1() -> None:
    (v,) = RULE_BY_CODE["period1_homework"].check(edit(BASE, 2, 1, "c101", venue_id="v-library"), INP)
    assert v.message("en").endswith("it has supervised homework in 图书馆.")


def test_a_period_after_the_second_is_homework_too() -> None:
    third = dc.replace(INP.settings.days[1].periods[1], number=3, starts_at=dt.time(17, 40), ends_at=dt.time(18, 20))
    days = tuple(dc.replace(d, periods=(*d.periods, third)) for d in INP.settings.days)
    inputs = settings(days=days)
    result = generate(inputs)
    assert result.status == "ok" and result.timetable is not None
    assert {c.activity_id for c in result.timetable.cells if c.period == 3} == {None}
    late = edit(result.timetable, 2, 3, "c101", activity_id="a-go")
    assert "period1_homework" in {v.code for v in validate(late, inputs)}


def test_an_activity_on_a_day_the_program_does_not_offer_it() -> None:
    tuesday_only = dc.replace(INP.activity_by_id["a-go"], weekdays=frozenset({2}))
    inputs = dc.replace(INP, activities=tuple(tuesday_only if a.id == "a-go" else a for a in INP.activities))
    found = RULE_BY_CODE["activity_eligible"].check(BASE, inputs)
    assert found and found[0].message("zh-CN").endswith(
        "只面向一年级、二年级、三年级、四年级、五年级、六年级，只在周二开设。"
    )


def test_another_classs_classroom_does_not_suit_but_a_spare_one_does() -> None:
    other = edit(BASE, 4, 2, "c101", venue_id="room-201")  # 二年级（1）班's own room
    assert [v.code for v in RULE_BY_CODE["venue_suits"].check(other, INP)] == ["venue_suits"]
    spare = dc.replace(INP, venues=(*INP.venues, dc.replace(INP.venue_by_id["room-101"], id="room-spare")))
    assert RULE_BY_CODE["venue_suits"].check(edit(BASE, 4, 2, "c101", venue_id="room-spare"), spare) == []


def test_grades_may_mix_when_staggering_is_off() -> None:
    mixed = edit(BASE, 4, 2, "c101", activity_id="a-reading")
    assert RULE_BY_CODE["grade_stagger"].check(mixed, settings(stagger_by_grade=False)) == []


def test_a_venue_holding_several_classes_is_not_over_capacity() -> None:
    both = edit(edit(BASE, 2, 2, "c101", venue_id="v-field"), 2, 2, "c102", venue_id="v-field")  # holds 2
    assert RULE_BY_CODE["venue_capacity"].check(both, INP) == []


def test_an_activity_restricted_to_named_staff() -> None:
    only_p009 = dc.replace(INP.activity_by_id["a-go"], staff_ids=frozenset({"p009"}))
    inputs = dc.replace(INP, activities=tuple(only_p009 if a.id == "a-go" else a for a in INP.activities))
    found = RULE_BY_CODE["adult_able"].check(BASE, inputs)
    assert found and {v.params["found"] for v in found} == {"围棋"}


def test_homework_help_is_allowed_content_but_not_an_activity_period() -> None:
    help_ = Activity("a-help", "作业答疑", "homework_help", frozenset({1, 2}), ("classroom",))
    inputs = dc.replace(INP, activities=(*INP.activities, help_))
    t = edit(BASE, 4, 2, "c101", activity_id="a-help")
    assert RULE_BY_CODE["allowed_content"].check(t, inputs) == []
    assert [v.code for v in RULE_BY_CODE["activity_period"].check(t, inputs)] == ["activity_period"]


def test_a_category_outside_the_closed_list_is_never_allowed() -> None:
    maths = Activity("a-maths", "数学提高", "mathematics", frozenset({1, 2}), ("classroom",))
    inputs = dc.replace(INP, activities=(*INP.activities, maths))
    (v,) = RULE_BY_CODE["allowed_content"].check(edit(BASE, 4, 2, "c101", activity_id="a-maths"), inputs)
    assert "严禁集体补课" in v.message("zh-CN")


def test_no_message_leaves_a_placeholder_unfilled() -> None:
    for make, _, _ in BROKEN.values():
        timetable, inputs = make()
        for v in validate(timetable, inputs):
            for locale in ("zh-CN", "en"):
                assert not re.search(r"\{\w+\}", v.message(locale)), v


# -- hand edits ---------------------------------------------------------------------------------------


def test_an_edit_into_a_conflict_is_refused_with_the_rules_message() -> None:
    cell = BASE.cell(2, 2, "c101")
    assert cell is not None
    _, found = check_edit(BASE, INP, dc.replace(cell, venue_id="v-gym"))
    assert [v.message("zh-CN") for v in found] == ["周二第2课时：体育馆同时安排了 2 个班，只能容纳 1 个班。"]


def test_a_harmless_edit_passes_and_changes_only_that_cell() -> None:
    cell = BASE.cell(2, 2, "c101")
    assert cell is not None and cell.venue_id != "v-field"
    edited, found = check_edit(BASE, INP, dc.replace(cell, venue_id="v-field"))
    assert found == []
    assert edited.cell(2, 2, "c101") == dc.replace(cell, venue_id="v-field")
    assert {c for c in edited.cells if c.key != cell.key} == {c for c in BASE.cells if c.key != cell.key}


def test_an_edit_is_judged_only_on_what_it_breaks() -> None:
    broken = edit(BASE, 5, 1, "c202", adult_ids=())  # an old problem, e.g. a stored version
    cell = broken.cell(2, 2, "c101")
    assert cell is not None
    _, found = check_edit(broken, INP, dc.replace(cell, venue_id="v-field"))
    assert found == []


def test_an_edit_over_an_adults_weekly_maximum_is_refused() -> None:
    inputs = with_max(p002=4)  # 李老师2 has 4 periods in BASE and is free on Thursday period 1
    cell = BASE.cell(4, 1, "c101")
    assert cell is not None and cell.adult_ids == ("p003",)
    _, found = check_edit(BASE, inputs, dc.replace(cell, adult_ids=("p002",)))
    assert [v.message("zh-CN") for v in found] == ["李老师2每周最多 4 个课时，现安排了 5 个。"]
    assert [v.message("en") for v in found] == ["李老师2 may take at most 4 periods a week; 5 are planned."]
    _, found = check_edit(BASE, with_max(p002=5), dc.replace(cell, adult_ids=("p002",)))
    assert found == []  # exactly at the maximum


def test_an_edit_easing_an_adult_already_over_the_maximum_passes_but_one_adding_is_refused() -> None:
    """A version made before the maximum was set can hold an adult over it: taking a period away is the
    fix and passes, even though the adult is still over; giving them one more is refused."""
    inputs = with_max(p001=3)  # 王老师1 has 5
    monday = BASE.cell(1, 1, "c101")
    assert monday is not None and monday.adult_ids == ("p001",)
    eased, found = check_edit(BASE, inputs, dc.replace(monday, adult_ids=("p003",)))  # 张老师3 is free then
    assert found == []
    assert [v.params["count"] for v in validate(eased, inputs) if v.code == "adult_max_periods"] == [4]
    thursday = BASE.cell(4, 1, "c101")
    assert thursday is not None
    _, found = check_edit(BASE, inputs, dc.replace(thursday, adult_ids=("p001",)))
    assert [v.message("en") for v in found] == ["王老师1 may take at most 3 periods a week; 6 are planned."]


def test_violation_json_round_trip_of_a_timetable() -> None:
    assert Timetable.from_json(BASE.as_json()) == BASE
    v = Violation("supervised", 5, 1, ("c202",), params={"class": "二年级（2）班"})
    assert v.as_json()["message"]["en"] == "Friday period 1: no adult is with 二年级（2）班."


ids = st.sampled_from(["c101", "c202", "c999", "room-101", "v-gym", "v-none", "p001", "p010", "p404", "a-go", "a-x"])
cells = st.builds(
    Cell,
    weekday=st.integers(0, 8),
    period=st.integers(0, 4),
    class_id=ids,
    venue_id=ids,
    adult_ids=st.lists(ids, max_size=3).map(tuple),
    activity_id=st.none() | ids,
)


@hypothesis_settings(max_examples=40, deadline=None)
@given(st.lists(cells, max_size=12))
def test_the_validator_takes_any_cells_without_failing(extra: list[Cell]) -> None:
    """Hand edits and stored versions can hold anything; every rule reports, none raises."""
    found = validate(Timetable((*BASE.cells[:20], *extra)), with_max(p001=2, p010=0))
    for v in found:
        assert v.code in RULE_BY_CODE and v.message("zh-CN") and v.message("en")


def test_an_edit_easing_an_overfull_venue_passes_but_one_filling_it_further_is_refused() -> None:
    """The same for a venue: a draft with three classes in a one-class gym (inputs changed under it)
    may move one out, though two still remain; moving a fourth in is refused."""
    crowded = BASE
    for k in ("c101", "c102", "c201"):
        c = BASE.cell(2, 2, k)
        assert c is not None
        crowded = crowded.with_cell(dc.replace(c, venue_id="v-gym"))
    (before,) = [v for v in validate(crowded, INP) if v.code == "venue_capacity" and v.venue_ids == ("v-gym",)]
    assert before.params["count"] == 3
    out = crowded.cell(2, 2, "c101")
    assert out is not None
    _, found = check_edit(crowded, INP, dc.replace(out, venue_id="v-field"))
    assert [v for v in found if v.code == "venue_capacity"] == []
    fourth = crowded.cell(2, 2, "c202")
    assert fourth is not None
    _, found = check_edit(crowded, INP, dc.replace(fourth, venue_id="v-gym"))
    assert [v.params["count"] for v in found if v.code == "venue_capacity"] == [4]
