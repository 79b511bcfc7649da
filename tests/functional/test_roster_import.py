"""Importing the roster spreadsheet (花名册): all-or-nothing validation, upserts by 学号, moves, 3,000 rows."""

from __future__ import annotations

import json
import time
from typing import Any

from chalicelib.core.outbox import OutboxEvent
from chalicelib.core.store import tenant_pk
from tests.functional.conftest import Api, World
from tests.functional.isolation_roster import csv_body, import_roster, phone_number, xlsx_body

FULL = [
    "学号", "姓名", "年级", "班级", "班主任账号", "班主任", "监护人1姓名", "监护人1关系", "监护人1手机",
    "监护人2姓名", "监护人2关系", "监护人2手机", "接送人姓名", "接送人关系", "接送人手机",
]  # fmt: skip


def _row(i: int, grade: int = 3, klass: str = "三年级1班", teacher: str = "t-li") -> list[str]:
    return [f"2024{i:04d}", f"学生{i}", str(grade), klass, teacher, "李老师", f"父{i}", "父亲", phone_number(i)]


def _classes(api: Api, w: World) -> dict[str, dict[str, Any]]:
    items = api.get(f"/schools/{w.school_id}/classes?limit=100", as_=w.school_admin).json["items"]
    return {c["name"]: c for c in items}


def _students(api: Api, w: World, class_id: str) -> list[dict[str, Any]]:
    url = f"/schools/{w.school_id}/classes/{class_id}/students?limit=100"
    return list(api.get(url, as_=w.school_admin).json["items"])


def _imported_events(school_id: str) -> list[dict[str, Any]]:
    events = OutboxEvent.query(tenant_pk(school_id, "OUTBOX"))
    return [json.loads(e.detail) for e in events if e.detail_type == "RosterImported"]


def test_csv_with_bom_creates_classes_and_students(api: Api, world: World) -> None:
    rows = [_row(1), _row(2), _row(3, grade=4, klass="四年级2班", teacher="t-zhao")]
    r = import_roster(api, world, csv_body(rows, bom=True))
    assert r.status_code == 200, r.json
    counts = {k: v for k, v in r.json.items() if k != "job_id"}
    assert counts == {
        "rows": 3, "created": 3, "updated": 0, "unchanged": 0, "moved": 0,
        "classes_created": 2, "classes_updated": 0, "ignored_columns": [],
    }  # fmt: skip
    classes = _classes(api, world)
    assert {(c["grade"], c["homeroom_teacher_sub"]) for c in classes.values()} == {(3, "t-li"), (4, "t-zhao")}
    students = _students(api, world, classes["三年级1班"]["id"])
    assert [(s["student_number"], s["name"]) for s in students] == [("20240001", "学生1"), ("20240002", "学生2")]
    assert students[0]["guardians"] == [
        {"name": "父1", "relationship": "father", "phone": "+8613900000001", "phone_masked": False}
    ]
    homeroom = api.tokens("teacher", tenant=world.school_id, sub="t-li")
    assert len(_students(api, world, classes["三年级1班"]["id"])) == len(
        api.get(f"/schools/{world.school_id}/classes/{classes['三年级1班']['id']}/students", as_=homeroom).json["items"]
    )
    guardian = api.tokens("guardian", tenant=world.school_id, phone="+8613900000003")
    mine = api.get(f"/schools/{world.school_id}/my/children", as_=guardian).json["items"]
    assert [(c["name"], c["class_name"]) for c in mine] == [("学生3", "四年级2班")]
    (event,) = _imported_events(world.school_id)
    assert {k: event[k] for k in ("rows", "created", "classes_created")} == {
        "rows": 3,
        "created": 3,
        "classes_created": 2,
    }
    assert not any(secret in json.dumps(event, ensure_ascii=False) for secret in ("学生", "父1", "1390000000"))


def test_xlsx_with_numeric_cells_and_every_optional_column(api: Api, world: World) -> None:
    rows = [
        [20240001, "王小明", "三年级", "三年级2班", "t-li", "李老师", "王强", "爸爸", 13800000000,
         "李丽", "妈妈", 13700000000, "张秀英", "外婆", 13900000000],
    ]  # fmt: skip
    r = import_roster(api, world, xlsx_body(rows, FULL))
    assert r.status_code == 200 and r.json["created"] == 1, r.json
    (s,) = _students(api, world, _classes(api, world)["三年级2班"]["id"])
    assert s["student_number"] == "20240001"
    assert [(g["relationship"], g["phone"]) for g in s["guardians"]] == [
        ("father", "+8613800000000"),
        ("mother", "+8613700000000"),
    ]
    assert [(a["relationship"], a["phone"]) for a in s["pickup_adults"]] == [("maternal_grandparent", "+8613900000000")]


def test_reimporting_the_same_file_changes_nothing(api: Api, world: World) -> None:
    body = csv_body([_row(i) for i in range(1, 6)])
    assert import_roster(api, world, body).json["created"] == 5
    class_id = _classes(api, world)["三年级1班"]["id"]
    before = _students(api, world, class_id)
    again = import_roster(api, world, body).json
    assert (again["unchanged"], again["created"], again["updated"], again["classes_created"]) == (5, 0, 0, 0)
    after = _students(api, world, class_id)
    assert [(s["id"], s["version"], s["updated_at"]) for s in after] == [
        (s["id"], s["version"], s["updated_at"]) for s in before
    ]
    assert [e["unchanged"] for e in _imported_events(world.school_id)] in ([0, 5], [5, 0])


def test_a_changed_class_moves_the_student_and_a_changed_phone_follows(api: Api, world: World) -> None:
    import_roster(api, world, csv_body([_row(1), _row(2)]))
    moved_row = _row(2, klass="三年级2班")
    changed_phone = _row(1)
    changed_phone[8] = "13711112222"
    r = import_roster(api, world, csv_body([changed_phone, moved_row]))
    assert (r.json["updated"], r.json["moved"], r.json["created"], r.json["classes_created"]) == (2, 1, 0, 1)
    classes = _classes(api, world)
    assert [s["name"] for s in _students(api, world, classes["三年级1班"]["id"])] == ["学生1"]
    (moved,) = _students(api, world, classes["三年级2班"]["id"])
    assert (moved["name"], moved["version"]) == ("学生2", 2)
    old = api.tokens("guardian", tenant=world.school_id, phone="+8613900000001")
    new = api.tokens("guardian", tenant=world.school_id, phone="+8613711112222")
    assert api.get(f"/schools/{world.school_id}/my/children", as_=old).status_code == 404
    assert api.get(f"/schools/{world.school_id}/my/children", as_=new).json["items"][0]["name"] == "学生1"


def test_a_bad_file_reports_every_bad_row_and_writes_nothing(api: Api, world: World) -> None:
    bad_phone, bad_grade, dup = _row(2), _row(3), _row(1)
    bad_phone[8] = "12345"
    bad_grade[2] = "十二"
    dup[1] = "另一个学生"
    r = import_roster(api, world, csv_body([_row(1), bad_phone, bad_grade, dup]))
    assert r.status_code == 400 and r.json["error"]["code"] == "roster_import_invalid"
    assert r.json["error"]["message"].startswith("花名册有误")
    details = r.json["error"]["details"]
    assert [(d["row"], d["column"], d["code"]) for d in details] == [
        (3, "监护人1手机", "invalid_phone"),
        (4, "年级", "invalid_grade"),
        (5, "学号", "duplicate_student_number"),
    ]
    assert details[2]["message"] == "学号与第 2 行重复。"
    en = import_roster(api, world, csv_body([dup, dup]), headers={"Accept-Language": "en"}).json["error"]
    assert en["details"][0]["message"] == "Same student number as row 2."
    assert _classes(api, world) == {} and _imported_events(world.school_id) == []


def test_missing_columns_and_unreadable_files(api: Api, world: World) -> None:
    r = import_roster(api, world, csv_body([["S1", "王小明"]], header=["学号", "姓名"]))
    assert r.status_code == 400 and {d["column"] for d in r.json["error"]["details"]} >= {"年级", "班级", "监护人1手机"}
    garbage = import_roster(api, world, {"format": "xlsx", "content_base64": "bm90IGEgd29ya2Jvb2s="})
    assert garbage.status_code == 400 and garbage.json["error"]["details"][0]["code"] == "file_unreadable"
    not_base64 = import_roster(api, world, {"format": "csv", "content_base64": "***not base64***"})
    assert not_base64.status_code == 400 and not_base64.json["error"]["details"][0]["field"] == "content_base64"
    wrong_format = import_roster(api, world, {"format": "xls", "content_base64": "AAAA"})
    assert wrong_format.status_code == 400 and wrong_format.json["error"]["details"][0]["field"] == "format"


def test_only_the_school_admin_imports(api: Api, world: World, other: World) -> None:
    body = csv_body([_row(1)])
    for who in (world.teacher, world.guardian, api.tokens("provider_staff", tenant=world.school_id)):
        assert import_roster(api, world, body, as_=who).status_code == 403
    assert import_roster(api, other, body, as_=world.school_admin).status_code == 404
    assert _classes(api, other) == {}


def test_three_thousand_rows_import_within_the_api_gateway_limit(api: Api, world: World) -> None:
    """3,000 students (two guardians and a pickup adult each) in 60 classes: ~12,000 items written."""
    rows = []
    for i in range(3000):
        grade, section = i % 6 + 1, i // 6 % 10 + 1
        rows.append(
            [f"2024{i:05d}", f"学生{i}", str(grade), f"{grade}年级{section}班", f"t-{grade}-{section}", "老师",
             f"父{i}", "父亲", phone_number(2 * i), f"母{i}", "母亲", phone_number(2 * i + 1),
             f"接{i}", "其他", phone_number(900_000 + i)]
        )  # fmt: skip
    body = csv_body(rows, FULL)
    started = time.perf_counter()
    r = import_roster(api, world, body)
    first = time.perf_counter() - started
    assert r.status_code == 200, r.json
    assert (r.json["created"], r.json["classes_created"], r.json["rows"]) == (3000, 60, 3000)
    started = time.perf_counter()
    again = import_roster(api, world, body).json
    second = time.perf_counter() - started
    assert again["unchanged"] == 3000 and again["created"] == again["updated"] == 0
    print(f"\n3,000-row roster import: {first:.1f} s; re-import of the same file: {second:.1f} s")
    mother = api.tokens("guardian", tenant=world.school_id, phone="+86" + phone_number(2 * 2999 + 1))
    (child,) = api.get(f"/schools/{world.school_id}/my/children", as_=mother).json["items"]
    assert (child["name"], child["class_name"]) == ("学生2999", "6年级10班")
