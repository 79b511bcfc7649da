"""Classes (班级) and their 班主任: create, list, read, rename / change homeroom teacher, list students."""

from __future__ import annotations

import json

from chalicelib.core.outbox import OutboxEvent
from chalicelib.core.store import tenant_pk
from tests.functional.conftest import Api, World
from tests.functional.isolation_roster import new_class, new_student


def _events(school_id: str) -> list[tuple[str, dict[str, object]]]:
    return [(e.detail_type, json.loads(e.detail)) for e in OutboxEvent.query(tenant_pk(school_id, "OUTBOX"))]


def test_school_admin_creates_a_class_and_staff_read_it(api: Api, world: World) -> None:
    body = {"grade": "三年级", "name": "三年级 ２班", "homeroom_teacher_sub": "t-li", "homeroom_teacher_name": "李老师"}
    r = api.post(f"/schools/{world.school_id}/classes", body, as_=world.school_admin)
    assert r.status_code == 201 and r.headers["ETag"] == '"1"'
    klass = r.json
    assert (klass["grade"], klass["name"], klass["homeroom_teacher_sub"]) == (3, "三年级2班", "t-li")
    provider = api.tokens("provider_staff", tenant=world.school_id)
    for who in (world.school_admin, world.teacher, provider):
        assert api.get(f"/schools/{world.school_id}/classes/{klass['id']}", as_=who).json == klass
        listed = api.get(f"/schools/{world.school_id}/classes", as_=who).json
        assert listed == {"items": [klass], "next_cursor": None}
    created = [d for t, d in _events(world.school_id) if t == "ClassCreated"]
    assert [(d["class_id"], d["grade"]) for d in created] == [(klass["id"], 3)]


def test_only_the_school_admin_creates_and_guardians_do_not_read(api: Api, world: World) -> None:
    body = {"grade": 3, "name": "三年级1班"}
    for who in (world.teacher, world.guardian, api.tokens("provider_staff", tenant=world.school_id)):
        assert api.post(f"/schools/{world.school_id}/classes", body, as_=who).status_code == 403
    assert api.get(f"/schools/{world.school_id}/classes", as_=world.guardian).status_code == 403
    assert api.post(f"/schools/{world.school_id}/classes", body, as_=world.district_admin).status_code in (403, 404)


def test_other_schools_classes_are_not_found(api: Api, world: World, other: World) -> None:
    klass = new_class(api, other)
    assert api.get(f"/schools/{other.school_id}/classes/{klass['id']}", as_=world.school_admin).status_code == 404
    assert api.get(f"/schools/{world.school_id}/classes/{klass['id']}", as_=world.school_admin).status_code == 404
    assert api.get(f"/schools/{other.school_id}/classes", as_=world.teacher).status_code == 404
    r = api.post(f"/schools/{other.school_id}/classes", {"grade": 1, "name": "一年级1班"}, as_=world.school_admin)
    assert r.status_code == 404


def test_class_names_are_unique_per_grade(api: Api, world: World) -> None:
    new_class(api, world, grade=3, name="2班")
    dup = api.post(f"/schools/{world.school_id}/classes", {"grade": 3, "name": "2班"}, as_=world.school_admin)
    assert dup.status_code == 409 and dup.json["error"]["code"] == "class_exists"
    assert new_class(api, world, grade=4, name="2班")["grade"] == 4


def test_invalid_class_bodies(api: Api, world: World) -> None:
    for body in ({"grade": 10, "name": "x"}, {"grade": 3, "name": ""}, {"grade": 3, "name": "x", "extra": 1}):
        r = api.post(f"/schools/{world.school_id}/classes", body, as_=world.school_admin)
        assert r.status_code == 400 and r.json["error"]["code"] == "validation_error"


def test_homeroom_change_with_optimistic_locking(api: Api, world: World) -> None:
    klass = new_class(api, world, homeroom_teacher_sub="t-li", homeroom_teacher_name="李老师")
    url = f"/schools/{world.school_id}/classes/{klass['id']}"
    change = {"homeroom_teacher_sub": "t-zhao", "homeroom_teacher_name": "赵老师"}
    assert api.patch(url, change, as_=world.school_admin).status_code == 428
    r = api.patch(url, change, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert r.status_code == 200 and r.headers["ETag"] == '"2"'
    assert (r.json["homeroom_teacher_sub"], r.json["version"]) == ("t-zhao", 2)
    stale = api.patch(url, {"homeroom_teacher_sub": "t-wu"}, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "version_conflict"
    cleared = api.patch(url, {"homeroom_teacher_sub": None, "version": 2}, as_=world.school_admin)
    assert cleared.status_code == 200 and cleared.json["homeroom_teacher_sub"] is None
    assert api.patch(url, change, as_=world.teacher, headers={"If-Match": '"3"'}).status_code == 403
    changed = [d for t, d in _events(world.school_id) if t == "ClassChanged"]
    assert [d["fields"] for d in changed] == [
        ["homeroom_teacher_sub", "homeroom_teacher_name"],
        ["homeroom_teacher_sub"],
    ]


def test_rename_keeps_names_unique(api: Api, world: World) -> None:
    a = new_class(api, world, name="三年级1班")
    new_class(api, world, name="三年级2班")
    url = f"/schools/{world.school_id}/classes/{a['id']}"
    taken = api.patch(url, {"name": "三年级2班"}, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert taken.status_code == 409 and taken.json["error"]["code"] == "class_exists"
    ok = api.patch(url, {"name": "三年级3班"}, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert ok.status_code == 200 and ok.json["name"] == "三年级3班"
    assert new_class(api, world, name="三年级1班")["name"] == "三年级1班"  # the old name is free again


def test_class_students_for_the_homeroom_teacher_and_the_school_admin(api: Api, world: World) -> None:
    homeroom = api.tokens("teacher", tenant=world.school_id, sub="t-li")
    klass = new_class(api, world, homeroom_teacher_sub="t-li")
    other_class = new_class(api, world)
    made = [new_student(api, world, klass["id"], student_number=f"A{i}") for i in (3, 1, 2)]
    new_student(api, world, other_class["id"])
    url = f"/schools/{world.school_id}/classes/{klass['id']}/students"
    for who in (homeroom, world.school_admin):
        page = api.get(url, as_=who).json
        assert [s["student_number"] for s in page["items"]] == ["A1", "A2", "A3"] and page["next_cursor"] is None
        assert page["items"][0]["guardians"][0]["phone"] == "+8613800000000"  # both need the numbers
    first = api.get(url + "?limit=2", as_=world.school_admin).json
    second = api.get(url + f"?limit=2&cursor={first['next_cursor']}", as_=world.school_admin).json
    assert [s["student_number"] for s in first["items"] + second["items"]] == ["A1", "A2", "A3"]
    for who in (world.teacher, api.tokens("provider_staff", tenant=world.school_id), world.guardian):
        assert api.get(url, as_=who).status_code == 403
    log = api.get(f"/schools/{world.school_id}/access-log?limit=100", as_=world.school_admin).json["items"]
    exported = [e for e in log if e["action"] == "export"]
    assert {e["student_id"] for e in exported} == {s["id"] for s in made}
    assert {e["actor_role"] for e in exported} == {"teacher", "school_admin"}
