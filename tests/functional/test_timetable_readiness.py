"""Readiness of a term's timetable inputs: the assembler reads settings, venues, adults, the roster's
classes and the published program (公示), maps them, and runs the engine's pre-checks, in a handful
of DynamoDB calls and no Scan."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pynamodb.connection.base import Connection

from tests.functional.conftest import Api, World
from tests.functional.isolation_roster import new_class
from tests.functional.timetable_school import activity, new_term, publish_program, ready_school


def _readiness(api: Api, w: World, term_id: str, **kw: Any) -> Any:
    return api.get(
        f"/schools/{w.school_id}/timetable/terms/{term_id}/readiness", as_=kw.pop("as_", w.school_admin), **kw
    )


@pytest.fixture
def dynamo_calls() -> Iterator[list[str]]:
    """The DynamoDB operations sent while the test runs (PynamoDB's one way out to botocore)."""
    calls: list[str] = []
    original = Connection._make_api_call

    def counting(self: Connection, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
        calls.append(operation_name)
        return original(self, operation_name, operation_kwargs)

    Connection._make_api_call = counting  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        Connection._make_api_call = original  # type: ignore[method-assign]


def test_a_complete_school_is_ready_in_a_handful_of_reads(api: Api, world: World, dynamo_calls: list[str]) -> None:
    school = ready_school(api, world)
    dynamo_calls.clear()
    r = _readiness(api, world, school["term_id"])
    assert r.status_code == 200, r.body
    body = r.json
    assert (body["ready"], body["problems"], body["program_version"]) == (True, [], 1)
    assert body["counts"] == {"classes": 2, "venues": 4, "adults": 5, "activities": 2}  # homework help is not placed
    # school (suspended check), term, TIMETABLE# items, classes, program pointer + version
    assert sorted(dynamo_calls) == ["BatchGetItem", "GetItem", "GetItem", "GetItem", "Query", "Query"]
    for who in (world.teacher, api.tokens("provider_staff", tenant=world.school_id)):
        assert _readiness(api, world, school["term_id"], as_=who).json == body


def test_every_problem_is_listed_with_its_code_and_message(api: Api, world: World) -> None:
    school = ready_school(api, world)
    new_class(api, world, grade=3, name="三年级3班")  # no classroom
    term_id = new_term(api, world)
    coaching = activity(name="棋类", category="traditional_culture", weekdays=[1], staff=["孙老师"])
    chess = activity(name="围棋", category="traditional_culture", weekdays=[1, 3], staff=["孙老师"], venue="棋室")
    sports = activity(name="足球", category="sports", provider=school["provider_id"], weekdays=[2], period=1)
    publish_program(api, world, term_id, [coaching, chess, sports])
    body = _readiness(api, world, term_id).json
    assert body["ready"] is False
    codes = [(p["code"], p["severity"], p["source"]) for p in body["problems"]]
    assert codes[0] == ("class_without_classroom", "error", "records")
    assert ("activity_monday_only", "warning", "records") in codes
    assert ("activity_monday", "warning", "records") in codes
    assert ("staff_none_known", "warning", "records") in codes
    assert ("activity_period_one", "warning", "records") in codes
    assert any(source == "precheck" for _, _, source in codes)  # 3班 excluded, 1-2班 lack options
    assert [s for _, s, _ in codes] == sorted((s for _, s, _ in codes), key=lambda s: s != "error")
    roomless = body["problems"][0]
    assert roomless["message"] == "1 个班没有本班教室：三年级3班。请在场地中登记教室，并把这些班设为其所属班级。"
    assert len(roomless["class_ids"]) == 1
    unknown = next(p for p in body["problems"] if p["code"] == "staff_none_known")
    assert unknown["activity_ids"] and unknown["params"]["activity"] == "围棋"
    english = _readiness(api, world, term_id, headers={"Accept-Language": "en"}).json["problems"][0]
    assert english["message"].startswith("1 class(es) have no classroom of their own: 三年级3班.")


def test_an_empty_school_is_not_ready(api: Api, world: World) -> None:
    term_id = new_term(api, world)
    body = _readiness(api, world, term_id).json
    assert body["ready"] is False and body["program_version"] is None
    assert body["counts"] == {"classes": 0, "venues": 0, "adults": 0, "activities": 0}
    assert [p["code"] for p in body["problems"]][:2] == ["no_classes", "no_published_program"]
    assert "还没有公示课后服务方案" in body["problems"][1]["message"]


def test_settings_broken_by_a_later_working_day_show_as_the_rules_codes(api: Api, world: World) -> None:
    term_id = new_term(api, world)
    school = f"/schools/{world.school_id}"
    assert (
        api.patch(school, {"workday_end": "19:00"}, as_=world.school_admin, headers={"If-Match": '"1"'}).status_code
        == 200
    )
    put = api.call("PUT", f"{school}/timetable/settings", _settings_from(api, world), as_=world.school_admin,
                   headers={"If-Match": '"0"'})  # fmt: skip
    assert put.status_code == 200
    assert (
        api.patch(school, {"workday_end": "19:30"}, as_=world.school_admin, headers={"If-Match": '"2"'}).status_code
        == 200
    )
    problems = _readiness(api, world, term_id).json["problems"]
    assert [p["code"] for p in problems if p["source"] == "precheck"] == ["ends_after_work"] * 5


def _settings_from(api: Api, w: World) -> dict[str, Any]:
    current = api.get(f"/schools/{w.school_id}/timetable/settings", as_=w.school_admin).json
    return {k: current[k] for k in ("days", "stagger_by_grade", "fairness")}


def test_who_may_ask(api: Api, world: World, other: World) -> None:
    term_id = new_term(api, world)
    assert _readiness(api, world, term_id, as_=world.guardian).status_code == 403
    theirs = new_term(api, other)
    assert _readiness(api, other, theirs, as_=world.school_admin).status_code == 404
    assert _readiness(api, world, theirs).status_code == 404  # another school's term in my school's path
    assert _readiness(api, world, "01K0SEED0000000000000T0000").status_code == 404
