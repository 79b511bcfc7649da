"""Students with 监护人 and 接送人: single create and change, masking per role, the access log, and
personal data sealed at rest (PIPL)."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.core.outbox import OutboxEvent
from chalicelib.core.store import tenant_pk
from devstack.stack import LocalStack
from tests.functional.conftest import Api, World
from tests.functional.isolation_roster import new_class, new_student

FATHER, PICKUP = "+8613800000000", "+8613900000000"


def _events(school_id: str, *types: str) -> list[tuple[str, dict[str, Any]]]:
    found = [(e.detail_type, json.loads(e.detail)) for e in OutboxEvent.query(tenant_pk(school_id, "OUTBOX"))]
    return [(t, d) for t, d in found if t in types]


def _phones(student: dict[str, Any]) -> list[str]:
    return [c["phone"] for c in student["guardians"] + student["pickup_adults"]]


def test_create_student_normalises_and_returns_the_record(api: Api, world: World) -> None:
    klass = new_class(api, world, grade=4, name="四年级1班")
    s = new_student(api, world, klass["id"], student_number=" g4-001 ", id_number="11010520150101123x")
    assert (s["student_number"], s["grade"], s["class_id"], s["class_name"]) == ("G4-001", 4, klass["id"], "四年级1班")
    assert s["guardians"] == [{"name": "王强", "relationship": "father", "phone": FATHER, "phone_masked": False}]
    assert s["pickup_adults"][0]["relationship"] == "maternal_grandparent" and s["id_number"] == "11010520150101123X"
    assert s["version"] == 1
    added = _events(world.school_id, "StudentAdded")
    assert [d["student_id"] for _, d in added] == [s["id"]]
    assert set(added[0][1]) == {"student_id", "class_id", "grade", "event_id", "tenant_id", "occurred_at"}


def test_student_numbers_are_unique_and_the_class_must_exist(api: Api, world: World, other: World) -> None:
    klass = new_class(api, world)
    new_student(api, world, klass["id"], student_number="2023001")
    body = {
        "student_number": "2023001",
        "name": "李雷",
        "class_id": klass["id"],
        "guardians": [{"name": "李强", "relationship": "father", "phone": "13800000001"}],
    }
    dup = api.post(f"/schools/{world.school_id}/students", body, as_=world.school_admin)
    assert dup.status_code == 409 and dup.json["error"]["code"] == "student_number_taken", dup.json
    foreign = new_class(api, other)["id"]
    for class_id in (foreign, "01K0SEED0000000000000C1A55"):
        r = api.post(
            f"/schools/{world.school_id}/students",
            {**body, "student_number": "2023002", "class_id": class_id},
            as_=world.school_admin,
        )
        assert r.status_code == 400 and r.json["error"]["details"][0]["field"] == "class_id"


def test_invalid_student_bodies_name_the_field(api: Api, world: World) -> None:
    klass = new_class(api, world)
    base = {
        "student_number": "S1",
        "name": "王小明",
        "class_id": klass["id"],
        "guardians": [{"name": "王强", "relationship": "father", "phone": "13800000000"}],
    }
    cases: dict[str, dict[str, Any]] = {
        "guardians.0.phone": {"guardians": [{"name": "王强", "relationship": "father", "phone": "12345"}]},
        "guardians.0.relationship": {"guardians": [{"name": "王强", "relationship": "叔叔", "phone": "13800000000"}]},
        "guardians": {"guardians": []},
        "student_number": {"student_number": "S 1#"},
    }
    for field, over in cases.items():
        r = api.post(f"/schools/{world.school_id}/students", {**base, **over}, as_=world.school_admin)
        assert r.status_code == 400 and field in [d["field"] for d in r.json["error"]["details"]], (field, r.json)


def test_who_sees_full_phone_numbers(api: Api, world: World) -> None:
    klass = new_class(api, world, homeroom_teacher_sub="t-homeroom")
    s = new_student(api, world, klass["id"], id_number="11010520150101123X")
    url = f"/schools/{world.school_id}/students/{s['id']}"
    homeroom = api.tokens("teacher", tenant=world.school_id, sub="t-homeroom")
    full, masked = [FATHER, PICKUP], ["138****0000", "139****0000"]
    assert _phones(api.get(url, as_=world.school_admin).json) == full
    assert api.get(url, as_=world.school_admin).json["id_number"] == "11010520150101123X"
    assert _phones(api.get(url, as_=homeroom).json) == full
    assert api.get(url, as_=homeroom).json["id_number"] == "**************123X"
    other_teacher = api.get(url, as_=world.teacher).json
    assert _phones(other_teacher) == masked and all(c["phone_masked"] for c in other_teacher["guardians"])
    assert api.get(url, as_=api.tokens("provider_staff", tenant=world.school_id)).status_code == 403


def test_every_staff_read_is_logged_and_only_the_school_admin_reads_the_log(api: Api, world: World) -> None:
    s = new_student(api, world, new_class(api, world)["id"])
    url = f"/schools/{world.school_id}/students/{s['id']}"
    api.get(url, as_=world.teacher)
    api.get(url, as_=world.school_admin)
    guardian = api.tokens("guardian", tenant=world.school_id, phone=FATHER)
    assert api.get(url, as_=guardian).status_code == 200  # a guardian's read of their own child is not logged
    log_url = f"/schools/{world.school_id}/access-log"
    page = api.get(log_url, as_=world.school_admin).json
    entries = [(e["actor_role"], e["student_id"], e["action"]) for e in page["items"]]
    assert entries == [("teacher", s["id"], "view"), ("school_admin", s["id"], "view")]
    assert page["items"][0]["at"] < page["items"][1]["at"]
    first = api.get(log_url + f"?date={page['date']}&limit=1", as_=world.school_admin).json
    rest = api.get(log_url + f"?date={page['date']}&cursor={first['next_cursor']}", as_=world.school_admin).json
    assert [e["id"] for e in first["items"] + rest["items"]] == [e["id"] for e in page["items"]]
    assert api.get(log_url + "?date=2020-01-01", as_=world.school_admin).json["items"] == []
    assert api.get(log_url + "?date=yesterday", as_=world.school_admin).status_code == 400
    for who in (world.teacher, guardian, api.tokens("provider_staff", tenant=world.school_id)):
        assert api.get(log_url, as_=who).status_code == 403


def test_phones_and_identity_numbers_are_sealed_at_rest(api: Api, world: World, stack: LocalStack) -> None:
    s = new_student(api, world, new_class(api, world)["id"], id_number="11010520150101123X")
    ddb = stack.dynamodb_client()
    table = stack.settings.main_table
    raw = ddb.get_item(TableName=table, Key={"pk": {"S": f"T#{world.school_id}"}, "sk": {"S": f"STUDENT#{s['id']}"}})
    text = json.dumps(raw["Item"], ensure_ascii=False)
    assert "王小明" in text  # the right item
    for secret in ("13800000000", "13900000000", "0101123X", "138****"):
        assert secret not in text
    items = ddb.query(
        TableName=table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"T#{world.school_id}"}},
    )["Items"]
    assert not [i for i in items if "13800000000" in json.dumps(i) or "13900000000" in json.dumps(i)]


def test_change_guardians_and_move_class(api: Api, world: World) -> None:
    a, b = new_class(api, world, name="三年级1班"), new_class(api, world, name="三年级2班")
    s = new_student(api, world, a["id"])
    url = f"/schools/{world.school_id}/students/{s['id']}"
    mother = {"name": "李丽", "relationship": "母亲", "phone": "13700000000"}
    assert api.patch(url, {"guardians": [mother]}, as_=world.school_admin).status_code == 428
    r = api.patch(
        url, {"guardians": [mother], "class_id": b["id"]}, as_=world.school_admin, headers={"If-Match": '"1"'}
    )
    assert r.status_code == 200 and r.headers["ETag"] == '"2"'
    assert (r.json["class_id"], r.json["class_name"], r.json["guardians"][0]["phone"]) == (
        b["id"],
        "三年级2班",
        "+8613700000000",
    )
    stale = api.patch(url, {"name": "王大明"}, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "version_conflict"
    in_a = api.get(f"/schools/{world.school_id}/classes/{a['id']}/students", as_=world.school_admin).json["items"]
    in_b = api.get(f"/schools/{world.school_id}/classes/{b['id']}/students", as_=world.school_admin).json["items"]
    assert in_a == [] and [x["id"] for x in in_b] == [s["id"]]
    # the old guardian's phone no longer finds the child; the new one does
    old = api.tokens("guardian", tenant=world.school_id, phone=FATHER)
    new = api.tokens("guardian", tenant=world.school_id, phone="+8613700000000")
    assert api.get(f"/schools/{world.school_id}/my/children", as_=old).status_code == 404
    assert [c["id"] for c in api.get(f"/schools/{world.school_id}/my/children", as_=new).json["items"]] == [s["id"]]
    events = dict(_events(world.school_id, "StudentMoved", "StudentChanged"))  # one of each, same transaction
    assert {k: events["StudentMoved"][k] for k in ("student_id", "from_class_id", "to_class_id")} == {
        "student_id": s["id"],
        "from_class_id": a["id"],
        "to_class_id": b["id"],
    }
    assert (events["StudentChanged"]["student_id"], events["StudentChanged"]["fields"]) == (s["id"], ["guardians"])
    unchanged = api.patch(url, {"guardians": [mother]}, as_=world.school_admin, headers={"If-Match": '"2"'})
    assert unchanged.status_code == 200 and unchanged.json["version"] == 2  # nothing changed, nothing written


def test_change_student_number_and_refusals(api: Api, world: World, other: World) -> None:
    klass = new_class(api, world)
    s = new_student(api, world, klass["id"], student_number="N1")
    new_student(api, world, klass["id"], student_number="N2")
    url = f"/schools/{world.school_id}/students/{s['id']}"
    taken = api.patch(url, {"student_number": "N2"}, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert taken.status_code == 409 and taken.json["error"]["code"] == "student_number_taken"
    ok = api.patch(url, {"student_number": "N3"}, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert ok.status_code == 200 and ok.json["student_number"] == "N3"
    assert new_student(api, world, klass["id"], student_number="N1")["student_number"] == "N1"  # freed
    assert api.patch(url, {"name": "x"}, as_=world.teacher, headers={"If-Match": '"2"'}).status_code == 403
    assert api.patch(url, {"name": "x"}, as_=other.school_admin, headers={"If-Match": '"2"'}).status_code == 404
    assert api.get(url, as_=other.school_admin).status_code == 404
    assert api.get(f"/schools/{world.school_id}/students/not-an-id", as_=world.school_admin).status_code == 404
