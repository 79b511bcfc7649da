"""The assembler's mapping (chalicelib.timetable.mapping) and the stored settings (periods): pure, no I/O."""

from __future__ import annotations

import datetime as dt
import doctest
import subprocess
import sys
from typing import Any

import pytest

from chalicelib.timetable import periods
from chalicelib.timetable.mapping import AdultRecord, ClassRecord, Sources, VenueRecord, assemble
from chalicelib.timetable.precheck import precheck

C1, C2 = "class-1", "class-2"


def _activity(**over: Any) -> dict[str, Any]:
    base = {
        "id": "a-read",
        "name": "经典诵读",
        "category": "reading",
        "provider": "school",
        "grades": [3],
        "weekdays": [2, 4],
        "period": 2,
        "venue": "图书馆",
        "staff": [],
    }
    return {**base, **over}


def _sources(**over: Any) -> Sources:
    base: dict[str, Any] = {
        "settings": periods.default_document("17:30"),
        "workday_end": "17:30",
        "classes": [ClassRecord(C1, "三年级1班", 3, 38), ClassRecord(C2, "三年级2班", 3, 40)],
        "venues": [
            VenueRecord("v-r1", "三年级1班教室", "classroom", 1, (C1,)),
            VenueRecord("v-r2", "三年级2班教室", "classroom", 1, (C2,)),
            VenueRecord("v-lib", "图书馆", "library", 2),
            VenueRecord("v-field", "田径场", "playground", 2),
        ],
        "adults": [
            AdultRecord("p-zhou", "周老师", "teacher", frozenset({"homework", "reading"})),
            AdultRecord("p-wu", "吴老师", "teacher", frozenset({"homework", "reading", "sports"})),
            AdultRecord(
                "p-zhao", "赵教练", "provider_staff", frozenset({"sports"}), {3: [2], 5: [2]}, provider_id="prov-1"
            ),
        ],
        "activities": [_activity(staff=["周老师"])],
        "providers": {"prov-1": "青苗体育"},
        "term_name": "2026秋季学期",
    }
    return Sources(**{**base, **over})


def _codes(src: Sources) -> list[tuple[str, str]]:
    return [(p.code, p.severity) for p in assemble(src).problems]


def test_a_consistent_school_maps_without_problems() -> None:
    sports = _activity(id="a-ball", name="篮球", category="sports", provider="prov-1", weekdays=[3, 5], venue="操场")
    homework = _activity(id="a-hw", name="作业辅导", category="homework_help", weekdays=[1, 2, 3, 4, 5], period=1)
    result = assemble(_sources(activities=[homework, _activity(staff=["周老师"]), sports]))
    assert result.problems == ()
    inputs = result.inputs
    assert [(c.id, c.grade, c.size, c.home_venue_id) for c in inputs.classes] == [
        (C1, 3, 38, "v-r1"),
        (C2, 3, 40, "v-r2"),
    ]
    read, ball = inputs.activities  # homework help belongs to the homework periods
    assert (read.category, read.venue_types, read.staff_ids, read.weekdays) == (
        "reading",
        ("library",),  # 图书馆 names a registered venue: its type
        frozenset({"p-zhou"}),
        frozenset({2, 4}),
    )
    assert ball.venue_types == ("playground", "gym")  # 操场 names no venue: the category's usual types
    assert ball.staff_ids == frozenset({"p-zhao"})  # a provider's activity naming nobody: that provider's adults
    zhao = inputs.adult_by_id["p-zhao"]
    assert zhao.available == frozenset({(3, 2), (5, 2)}) and inputs.adult_by_id["p-zhou"].available is None
    assert inputs.settings.slots()[:2] == [(1, 1), (1, 2)]
    assert inputs.settings.working_day_ends_at == dt.time(17, 30)
    assert [(f.grade, f.category, f.times) for f in inputs.fairness] == [(3, "sports", 1), (3, "reading", 1)]


def test_an_adults_weekly_maximum_reaches_the_engine() -> None:
    capped = AdultRecord("p-sun", "孙老师", "cadre", frozenset({"homework"}), max_periods=4)
    inputs = assemble(_sources(adults=[*_sources().adults, capped])).inputs
    assert inputs.adult_by_id["p-sun"].max_periods == 4
    assert inputs.adult_by_id["p-zhou"].max_periods is None  # not set: no limit


def test_classes_without_a_classroom_are_listed_in_one_error_and_left_out() -> None:
    classes = [*_sources().classes, ClassRecord("c3", "三年级3班", 3), ClassRecord("c4", "四年级1班", 4)]
    result = assemble(_sources(classes=classes))
    [problem] = result.problems
    assert (problem.code, problem.severity, problem.violation.class_ids) == (
        "class_without_classroom",
        "error",
        ("c3", "c4"),
    )
    assert (
        problem.violation.message()
        == "2 个班没有本班教室：三年级3班、四年级1班。请在场地中登记教室，并把这些班设为其所属班级。"
    )
    assert problem.violation.message("en").startswith(
        "2 class(es) have no classroom of their own: 三年级3班, 四年级1班."
    )
    assert [c.id for c in result.inputs.classes] == [C1, C2]


def test_a_room_that_is_not_a_classroom_is_no_class_home() -> None:
    venues = [
        VenueRecord("v-r1", "三年级1班教室", "classroom", 1, (C1,)),
        VenueRecord("v-lab", "实验室", "lab", 1, (C2,)),
    ]
    result = assemble(_sources(venues=venues))
    assert [p.violation.class_ids for p in result.problems if p.code == "class_without_classroom"] == [(C2,)]


def test_no_classes_and_no_program_are_errors() -> None:
    result = assemble(_sources(classes=[], activities=None))
    assert [(p.code, p.severity) for p in result.problems] == [
        ("no_classes", "error"),
        ("no_published_program", "error"),
    ]
    assert result.problems[1].violation.message() == "2026秋季学期还没有公示课后服务方案，没有可排的活动。"
    assert result.inputs.activities == () and result.inputs.fairness == ()


def test_program_days_and_periods_that_r9_changes_are_warnings() -> None:
    monday_only = _activity(id="a-1", name="棋类", weekdays=[1])
    with_monday = _activity(
        id="a-2", name="围棋", category="traditional_culture", weekdays=[1, 3], period=1, venue="棋室"
    )
    result = assemble(_sources(activities=[monday_only, with_monday]))
    assert [(p.code, p.severity, p.activity_ids) for p in result.problems] == [
        ("activity_monday_only", "warning", ("a-1",)),
        ("activity_monday", "warning", ("a-2",)),
        ("activity_period_one", "warning", ("a-2",)),
    ]
    assert result.problems[1].violation.message() == (
        "活动“围棋”在方案中含周一；周一两个课时都是自主作业（R9），只在周三排入。"
    )
    [chess] = result.inputs.activities
    assert (chess.id, chess.weekdays, chess.venue_types) == ("a-2", frozenset({3}), ("function_room", "classroom"))


@pytest.mark.parametrize(
    ("staff", "code", "ids"),
    [
        (["周老师", "孙老师"], "staff_unknown", {"p-zhou"}),  # only the listed named adults
        (["孙老师"], "staff_none_known", set()),  # nobody matched: any adult able to lead it
        (["  周 老师 "], None, {"p-zhou"}),  # names compare without spaces and width
    ],
)
def test_staff_names_map_to_adults_by_name(staff: list[str], code: str | None, ids: set[str]) -> None:
    result = assemble(_sources(activities=[_activity(staff=staff)]))
    assert [p.code for p in result.problems] == ([code] if code else [])
    assert all(p.severity == "warning" for p in result.problems)
    assert result.inputs.activities[0].staff_ids == frozenset(ids)
    if code == "staff_none_known":
        assert result.problems[0].violation.message("en") == (
            "None of the people the program names to lead “经典诵读” (孙老师) is among the adults; "
            "any adult able to lead reading may lead it."
        )


def test_two_adults_of_one_name_may_both_lead() -> None:
    adults = [*_sources().adults, AdultRecord("p-zhou2", "周老师", "volunteer", frozenset({"reading"}))]
    result = assemble(_sources(adults=adults))
    assert [(p.code, p.violation.params["count"]) for p in result.problems] == [("staff_ambiguous", 2)]
    assert result.inputs.activities[0].staff_ids == frozenset({"p-zhou", "p-zhou2"})


def test_a_providers_activity_needs_that_providers_adults() -> None:
    sports = _activity(id="a-ball", name="篮球", category="sports", provider="prov-2", weekdays=[3])
    result = assemble(_sources(activities=[sports], providers={"prov-2": "飞跃体育"}))
    [problem] = result.problems
    assert (problem.code, problem.severity) == ("provider_without_adults", "error")
    assert problem.violation.message() == "活动“篮球”由飞跃体育开设，但成人名单中还没有该机构的人员。"


def test_a_venue_named_in_the_program_gives_its_type() -> None:
    result = assemble(_sources(activities=[_activity(category="sports", venue="田径场")]))
    assert result.inputs.activities[0].venue_types == ("playground",)
    result = assemble(_sources(activities=[_activity(venue="阅览室")]))  # no such venue: reading's usual types
    assert result.inputs.activities[0].venue_types == ("library", "reading_room", "classroom")


def test_fairness_per_grade_overrides_the_school_wide_minima() -> None:
    settings = periods.default_document("17:30")
    settings["fairness"] = {"sports": 2, "reading": 0, "grades": [{"grade": 4, "sports": 1, "reading": 1}]}
    classes = [*_sources().classes, ClassRecord("c4", "四年级1班", 4)]
    venues = [*_sources().venues, VenueRecord("v-r4", "四年级1班教室", "classroom", 1, ("c4",))]
    inputs = assemble(_sources(settings=settings, classes=classes, venues=venues)).inputs
    assert [(f.grade, f.category, f.times) for f in inputs.fairness] == [
        (3, "sports", 2),
        (4, "sports", 1),
        (4, "reading", 1),
    ]


def test_precheck_finds_nothing_in_a_consistent_assembly() -> None:
    sports = _activity(id="a-run", name="跑步", category="sports", weekdays=[3, 5], venue="田径场")
    adults = [*_sources().adults, AdultRecord("p-li", "李老师", "teacher", frozenset({"homework", "sports"}))]
    read = _activity(staff=["周老师", "吴老师"])
    result = assemble(_sources(adults=adults, activities=[read, sports]))
    assert result.problems == () and precheck(result.inputs) == []


# -- stored settings (periods) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("workday_end", "expected"),
    [
        ("16:30", [("15:30", "16:20"), ("16:30", "17:20")]),  # the usual afternoon
        ("17:00", [("15:40", "16:30"), ("16:40", "17:30")]),
        ("17:07", [("15:50", "16:40"), ("16:50", "17:40")]),  # rounded up to 5 minutes
        ("17:30", [("16:10", "17:00"), ("17:10", "18:00")]),
    ],
)
def test_default_periods_end_30_minutes_after_work(workday_end: str, expected: list[tuple[str, str]]) -> None:
    days = periods.default_days(workday_end)
    assert [d["weekday"] for d in days] == [1, 2, 3, 4, 5]
    assert all([(p["starts_at"], p["ends_at"]) for p in d["periods"]] == expected for d in days)
    assert periods.rule_problems({"days": days}, workday_end) == []


def test_a_working_day_ending_after_23_30_leaves_no_valid_end() -> None:
    days = periods.default_days("23:40")  # capped at 23:55: never past midnight
    assert [(p["starts_at"], p["ends_at"]) for p in days[0]["periods"]] == [("22:05", "22:55"), ("23:05", "23:55")]
    # 23:55 is not 30 minutes after 23:40; the rule must not wrap past midnight and let it pass.
    assert {v.code for v in periods.rule_problems({"days": days}, "23:40")} == {"ends_after_work"}


def test_settings_rules_are_the_engines() -> None:
    doc = periods.default_document("17:30")
    doc["days"] = doc["days"][:4]
    doc["days"][0]["periods"] = doc["days"][0]["periods"][1:]
    assert [(v.code, v.weekday) for v in periods.rule_problems(doc, "17:30")] == [
        ("five_weekdays", None),
        ("two_afternoon_periods", 1),
        ("two_afternoon_periods", 5),
    ]


def test_the_docstring_examples_hold() -> None:
    assert doctest.testmod(periods).failed == 0


def test_the_readiness_path_never_imports_ortools() -> None:
    """Readiness runs in the API Lambda: the assembler, the mapping and the pre-checks stay clear of the
    solver (about half a second of imports), checked in a fresh interpreter."""
    code = (
        "import sys\n"
        "from chalicelib.timetable import samples, services, assembler, mapping\n"
        "from chalicelib.timetable.precheck import precheck\n"
        "import chalicelib.api.timetable\n"
        "precheck(samples.sample_school(2, 2, 12))\n"
        "assert not [m for m in sys.modules if m.startswith('ortools')], 'ortools imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
