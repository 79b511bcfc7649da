"""``student_count`` on classes: kept by single adds and moves (same transaction), by class edits
(which never write the count back), and by the roster import (BatchWriteItem, then the difference
per class), so the class listing needs no Scan and no read per class."""

from __future__ import annotations

from typing import Any

from pynamodb.connection import Connection

from chalicelib.api.container import Container
from chalicelib.core.identity import Principal, Role
from chalicelib.roster import schemas
from chalicelib.roster.imports import RosterImport
from chalicelib.roster.models import ClassStudentCount
from tests.functional.conftest import Api, World
from tests.functional.isolation_roster import csv_body, import_roster, new_class, new_student, phone_number


def counts(api: Api, w: World) -> dict[str, int | None]:
    r = api.get(f"/schools/{w.school_id}/classes?limit=100", as_=w.school_admin)
    assert r.status_code == 200
    return {c["name"]: c["student_count"] for c in r.json["items"]}


def row(i: int, klass: str = "三年级1班", grade: int = 3) -> list[str]:
    return [f"C{i:05d}", f"学生{i}", str(grade), klass, "t-li", "李老师", f"父{i}", "父亲", phone_number(50_000 + i)]


def move(api: Api, w: World, student: dict[str, Any], class_id: str) -> Any:
    url = f"/schools/{w.school_id}/students/{student['id']}"
    return api.patch(url, {"class_id": class_id}, as_=w.school_admin, headers={"If-Match": f'"{student["version"]}"'})


def test_adds_and_moves_keep_the_count_without_touching_the_class_version(api: Api, world: World) -> None:
    a, b = new_class(api, world, name="三年级1班"), new_class(api, world, name="三年级2班")
    assert (a["student_count"], b["student_count"]) == (0, 0)
    first = new_student(api, world, a["id"])
    new_student(api, world, a["id"])
    assert counts(api, world) == {"三年级1班": 2, "三年级2班": 0}
    assert move(api, world, first, b["id"]).status_code == 200
    assert counts(api, world) == {"三年级1班": 1, "三年级2班": 1}
    got = api.get(f"/schools/{world.school_id}/classes/{a['id']}", as_=world.school_admin)
    assert got.headers["ETag"] == '"1"' and got.json["student_count"] == 1  # counting is not an edit
    # an edit that is not a move leaves the counts alone
    url = f"/schools/{world.school_id}/students/{first['id']}"
    assert api.patch(url, {"name": "改名"}, as_=world.school_admin, headers={"If-Match": '"2"'}).status_code == 200
    assert counts(api, world) == {"三年级1班": 1, "三年级2班": 1}


def test_refused_writes_leave_the_count(api: Api, world: World, other: World) -> None:
    a = new_class(api, world)
    taken = new_student(api, world, a["id"], student_number="N-1")
    dup = {**{k: taken[k] for k in ("name", "class_id")}, "student_number": "N-1"}
    dup["guardians"] = [{"name": "王强", "relationship": "父亲", "phone": "13800000000"}]
    r = api.post(f"/schools/{world.school_id}/students", dup, as_=world.school_admin)
    assert r.status_code == 409 and r.json["error"]["code"] == "student_number_taken"
    elsewhere = new_class(api, other)
    assert move(api, world, taken, elsewhere["id"]).status_code == 400  # another school's class: not a class here
    stale = api.patch(
        f"/schools/{world.school_id}/students/{taken['id']}",
        {"class_id": new_class(api, world)["id"]},
        as_=world.school_admin,
        headers={"If-Match": '"9"'},
    )
    assert stale.status_code == 409
    assert counts(api, world) == {a["name"]: 1, **{n: 0 for n in counts(api, world) if n != a["name"]}}


def test_class_edits_never_write_back_an_older_count(api: Api, world: World) -> None:
    a = new_class(api, world, name="三年级1班")
    new_student(api, world, a["id"])
    url = f"/schools/{world.school_id}/classes/{a['id']}"
    r = api.patch(
        url, {"name": "三年级甲班", "homeroom_teacher_name": None}, as_=world.school_admin, headers={"If-Match": '"1"'}
    )
    assert r.status_code == 200 and r.headers["ETag"] == '"2"'
    assert (r.json["name"], r.json["student_count"], r.json["homeroom_teacher_name"]) == ("三年级甲班", 1, None)
    assert counts(api, world) == {"三年级甲班": 1}
    stale = api.patch(url, {"name": "三年级乙班"}, as_=world.school_admin, headers={"If-Match": '"1"'})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "version_conflict"


def test_the_import_counts_new_classes_moves_and_children_left_out(api: Api, world: World) -> None:
    assert import_roster(api, world, csv_body([row(1), row(2), row(3, "四年级1班", 4)])).status_code == 200
    assert counts(api, world) == {"三年级1班": 2, "四年级1班": 1}
    again = import_roster(api, world, csv_body([row(1), row(2), row(3, "四年级1班", 4)])).json
    assert again["unchanged"] == 3 and counts(api, world) == {"三年级1班": 2, "四年级1班": 1}
    # row 2 moves to a new class; rows 1 and 3 are not in the file (an import never deletes: still counted)
    r = import_roster(api, world, csv_body([row(2, "三年级2班"), row(4)])).json
    assert (r["moved"], r["created"], r["classes_created"]) == (1, 1, 1)
    assert counts(api, world) == {"三年级1班": 2, "三年级2班": 1, "四年级1班": 1}
    # single writes and imports add up
    klass = {c["name"]: c for c in api.get(f"/schools/{world.school_id}/classes", as_=world.school_admin).json["items"]}
    new_student(api, world, klass["三年级2班"]["id"])
    assert counts(api, world)["三年级2班"] == 2


def test_a_class_stored_before_counting_shows_null_until_an_import_counts_it(api: Api, world: World) -> None:
    import_roster(api, world, csv_body([row(1), row(2)]))
    (klass,) = api.get(f"/schools/{world.school_id}/classes", as_=world.school_admin).json["items"]
    ClassStudentCount.of(world.school_id, klass["id"]).update(actions=[ClassStudentCount.student_count.remove()])
    assert counts(api, world) == {"三年级1班": None}
    new_student(api, world, klass["id"])  # adding to nothing would start a wrong count: it stays unknown
    assert counts(api, world) == {"三年级1班": None}
    import_roster(api, world, csv_body([row(1)]))  # nothing changes in the file, but the class is counted
    assert counts(api, world) == {"三年级1班": 3}


def test_a_single_add_during_an_import_is_kept(api: Api, container: Container, world: World) -> None:
    """Deterministic race: a child is added after the import read the school, before it writes."""
    import_roster(api, world, csv_body([row(1), row(2)]))
    (klass,) = api.get(f"/schools/{world.school_id}/classes", as_=world.school_admin).json["items"]
    fired: list[bool] = []

    def connection_with_single_add_first() -> Connection:
        if not fired:
            fired.append(True)
            new_student(api, world, klass["id"])
        return container.data.connection()

    job = RosterImport(connection_with_single_add_first, container.clock, container.vault, lambda: None)
    admin = Principal("sa", frozenset({Role.SCHOOL_ADMIN}), tenant=world.school_id)
    body = csv_body([row(1), row(2), row(3)])
    result = job.run(admin, world.school_id, schemas.RosterImport.model_validate(body), "zh-CN")
    assert fired and result["created"] == 1
    assert counts(api, world) == {"三年级1班": 4}
    listed = api.get(f"/schools/{world.school_id}/classes/{klass['id']}/students", as_=world.school_admin).json
    assert len(listed["items"]) == 4
