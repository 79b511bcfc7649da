"""Adults (成人, R7): teachers, cadres, volunteers, specialists and providers' staff, with their skills,
weekday availability and provider; optimistic locking; who may read and write."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.api.container import Container
from chalicelib.core.identity import Principal, Role
from chalicelib.core.outbox import OutboxEvent
from chalicelib.core.store import tenant_pk
from tests.functional.conftest import Api, World
from tests.functional.isolation_timetable import new_adult
from tests.functional.timetable_school import ready_school

PROVIDER = {
    "name": "青苗体育",
    "licence_number": "91110101MA01ABCD3X",
    "contact_name": "张",
    "contact_phone": "13800000000",
}
COACH: dict[str, Any] = {
    "name": "赵教练",
    "kind": "provider_staff",
    "skills": ["sports"],
    "availability": [{"weekday": 5, "periods": [2]}, {"weekday": 3, "periods": [2]}],
    "max_periods_per_week": 2,
}


def _adults(w: World) -> str:
    return f"/schools/{w.school_id}/timetable/adults"


def _provider(api: Api, w: World) -> str:
    r = api.post(f"/schools/{w.school_id}/providers", PROVIDER, as_=w.school_admin)
    assert r.status_code == 201, r.body
    return str(r.json["id"])


def _events(school_id: str) -> list[tuple[str, dict[str, Any]]]:
    return [(e.detail_type, json.loads(e.detail)) for e in OutboxEvent.query(tenant_pk(school_id, "OUTBOX"))]


def test_school_admin_adds_a_providers_coach_and_staff_read_it(api: Api, world: World) -> None:
    provider_id = _provider(api, world)
    r = api.post(_adults(world), {**COACH, "provider_id": provider_id}, as_=world.school_admin)
    assert r.status_code == 201 and r.headers["ETag"] == '"1"', r.body
    coach = r.json
    assert coach["provider_id"] == provider_id and coach["account_sub"] is None
    assert coach["availability"] == [{"weekday": 3, "periods": [2]}, {"weekday": 5, "periods": [2]}]  # sorted
    assert (coach["kind"], coach["skills"], coach["max_periods_per_week"]) == ("provider_staff", ["sports"], 2)
    teacher = new_adult(api, world, name="李老师", account_sub="teacher-li", skills=["reading", "homework"])
    assert teacher["skills"] == ["homework", "reading"] and teacher["availability"] is None
    provider_token = api.tokens("provider_staff", tenant=world.school_id)
    for who in (world.school_admin, world.teacher, provider_token):
        assert api.get(f"{_adults(world)}/{coach['id']}", as_=who).json == coach
        assert api.get(_adults(world), as_=who).json == {"items": [coach, teacher], "next_cursor": None}
    created = [d for t, d in _events(world.school_id) if t == "AdultCreated"]
    assert [(d["adult_id"], d["kind"]) for d in created] == [
        (coach["id"], "provider_staff"),
        (teacher["id"], "teacher"),
    ]
    assert all("name" not in d for d in created)


def test_only_the_school_admin_writes_and_guardians_do_not_read(api: Api, world: World) -> None:
    body = {"name": "张老师", "kind": "teacher", "skills": ["homework"]}
    provider = api.tokens("provider_staff", tenant=world.school_id)
    for who in (world.teacher, world.guardian, provider):
        assert api.post(_adults(world), body, as_=who).status_code == 403
    adult = new_adult(api, world)
    url = f"{_adults(world)}/{adult['id']}"
    for who in (world.teacher, world.guardian, provider):
        assert api.patch(url, {"name": "x"}, as_=who, headers={"If-Match": '"1"'}).status_code == 403
        assert api.call("DELETE", url, as_=who, headers={"If-Match": '"1"'}).status_code == 403
    assert api.get(_adults(world), as_=world.guardian).status_code == 403
    assert api.get(url, as_=world.guardian).status_code == 403


def test_providers_and_kinds_are_checked(api: Api, world: World, other: World) -> None:
    theirs = _provider(api, other)
    r = api.post(_adults(world), {**COACH, "provider_id": theirs}, as_=world.school_admin)
    assert r.status_code == 400 and r.json["error"]["details"] == [
        {"field": "provider_id", "message": "no such provider in this school"}
    ]
    mine = _provider(api, world)
    r = api.post(_adults(world), {**COACH, "kind": "volunteer", "provider_id": mine}, as_=world.school_admin)
    assert r.status_code == 400 and r.json["error"]["details"][0]["field"] == "provider_id"
    assert r.json["error"]["details"][0]["type"] == "provider_staff_only"


def test_bad_bodies_list_each_field(api: Api, world: World) -> None:
    bad = {
        "name": "",
        "kind": "principal",
        "skills": ["tutoring"],
        "availability": [{"weekday": 6, "periods": [1]}, {"weekday": 2, "periods": [1, 1]}],
        "max_periods_per_week": 0,
        "unknown": 1,
    }
    r = api.post(_adults(world), bad, as_=world.school_admin)
    assert r.status_code == 400 and r.json["error"]["code"] == "validation_error"
    fields = {d["field"] for d in r.json["error"]["details"]}
    assert fields == {
        "name",
        "kind",
        "skills.0",
        "availability.0.weekday",
        "availability.1.periods",
        "max_periods_per_week",
        "unknown",
    }
    empty = api.post(_adults(world), {"name": "x", "kind": "teacher", "skills": []}, as_=world.school_admin)
    assert [d["field"] for d in empty.json["error"]["details"]] == ["skills"]


def test_change_clear_and_delete_with_optimistic_locking(api: Api, world: World) -> None:
    provider_id = _provider(api, world)
    coach = api.post(_adults(world), {**COACH, "provider_id": provider_id}, as_=world.school_admin).json
    url = f"{_adults(world)}/{coach['id']}"
    assert api.patch(url, {"availability": None}, as_=world.school_admin).status_code == 428
    r = api.patch(url, {"availability": None, "max_periods_per_week": None}, as_=world.school_admin,
                  headers={"If-Match": '"1"'})  # fmt: skip
    assert r.status_code == 200 and r.headers["ETag"] == '"2"'
    assert (r.json["availability"], r.json["max_periods_per_week"], r.json["name"]) == (None, None, "赵教练")
    to_teacher = api.patch(url, {"kind": "teacher"}, as_=world.school_admin, headers={"If-Match": '"2"'})
    assert to_teacher.status_code == 400 and to_teacher.json["error"]["details"][0]["field"] == "provider_id"
    r = api.patch(url, {"kind": "teacher", "provider_id": None, "version": 2}, as_=world.school_admin)
    assert r.status_code == 200 and (r.json["kind"], r.json["provider_id"], r.json["version"]) == ("teacher", None, 3)
    stale = api.patch(url, {"name": "赵老师"}, as_=world.school_admin, headers={"If-Match": '"2"'})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "version_conflict"
    assert api.call("DELETE", url, as_=world.school_admin, headers={"If-Match": '"2"'}).status_code == 409
    assert api.call("DELETE", url, as_=world.school_admin, headers={"If-Match": '"3"'}).status_code == 204
    assert api.get(url, as_=world.school_admin).status_code == 404
    changes = [(t, d.get("fields")) for t, d in _events(world.school_id) if t.startswith("Adult")]
    assert changes == [
        ("AdultCreated", None),
        ("AdultChanged", ["availability", "max_periods_per_week"]),
        ("AdultChanged", ["kind", "provider_id"]),
        ("AdultDeleted", None),
    ]


def test_the_weekly_maximum_reaches_the_timetable_engine(api: Api, world: World, container: Container) -> None:
    """max_periods_per_week is the engine's max_periods: the assembler passes it on, and the readiness
    pre-checks count with it."""
    term_id = ready_school(api, world)["term_id"]
    capped = new_adult(api, world, name="孙老师", kind="cadre", skills=["homework"], max_periods_per_week=3)
    admin = Principal("principal-1", frozenset({Role.SCHOOL_ADMIN}), tenant=world.school_id)
    inputs = container.timetable.assembler.load(admin, world.school_id, term_id).assembly.inputs
    assert inputs.adult_by_id[capped["id"]].max_periods == 3
    assert {a.max_periods for a in inputs.adults if a.id != capped["id"]} == {None}
    readiness = f"/schools/{world.school_id}/timetable/terms/{term_id}/readiness"
    assert api.get(readiness, as_=world.school_admin).json["ready"] is True
    for adult in api.get(_adults(world), as_=world.school_admin).json["items"]:
        if adult["kind"] == "teacher":  # 3 teachers at most 2 a week, 孙老师 3, the coaches 2 each: 13 of 20
            r = api.patch(f"{_adults(world)}/{adult['id']}", {"max_periods_per_week": 2, "version": 1},
                          as_=world.school_admin)  # fmt: skip
            assert r.status_code == 200, r.body
    body = api.get(readiness, as_=world.school_admin).json
    assert body["ready"] is False
    [problem] = [p for p in body["problems"] if p["code"] == "too_few_adult_periods"]
    assert (problem["severity"], problem["source"], problem["params"]) == (
        "error",
        "precheck",
        {"count": 20, "available": 13},
    )


def test_other_schools_adults_are_not_found(api: Api, world: World, other: World) -> None:
    adult = new_adult(api, other)
    for school in (other, world):
        url = f"/schools/{school.school_id}/timetable/adults/{adult['id']}"
        assert api.get(url, as_=world.school_admin).status_code == 404
        assert api.patch(url, {"name": "x"}, as_=world.school_admin, headers={"If-Match": '"1"'}).status_code == 404
        assert api.call("DELETE", url, as_=world.school_admin, headers={"If-Match": '"1"'}).status_code == 404
    assert api.get(_adults(other), as_=world.teacher).status_code == 404
    r = api.post(_adults(other), {"name": "x", "kind": "teacher", "skills": ["homework"]}, as_=world.school_admin)
    assert r.status_code == 404
    assert api.get(_adults(other), as_=other.school_admin).json["items"] == [adult]
