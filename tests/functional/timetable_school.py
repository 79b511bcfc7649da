"""A small school whose term is ready for the timetable generator (shared by the timetable tests)."""

from __future__ import annotations

import random
from typing import Any

from tests.functional.conftest import Api, World
from tests.functional.isolation_roster import new_class
from tests.functional.isolation_timetable import new_adult, new_venue

PROVIDER = {
    "name": "青苗体育",
    "licence_number": "91110101MA01ABCD3X",
    "contact_name": "张",
    "contact_phone": "13800000000",
}


def new_term(api: Api, w: World) -> str:
    for _ in range(10):
        year = random.randint(4000, 4900)
        body = {"name": f"{year}秋季学期", "starts_on": f"{year}-09-01", "ends_on": f"{year + 1}-01-15"}
        r = api.post(f"/schools/{w.school_id}/terms", body, as_=w.school_admin)
        if r.status_code == 201:
            return str(r.json["id"])
    raise AssertionError("no free term")


def activity(**over: Any) -> dict[str, Any]:
    return {
        "name": "经典诵读",
        "category": "reading",
        "provider": "school",
        "grades": [3],
        "weekdays": [2, 4],
        "period": 2,
        "venue": "图书馆",
        "capacity": 40,
        "fee_fen": 0,
        "fee_basis": "free",
        **over,
    }


def publish_program(api: Api, w: World, term_id: str, activities: list[dict[str, Any]]) -> None:
    path = f"/schools/{w.school_id}/terms/{term_id}/program"
    body = {"services": [{"kind": "care", "fee_fen": 0, "fee_basis": "free"}], "activities": activities}
    assert api.call("PUT", path, body, as_=w.school_admin, headers={"If-Match": '"0"'}).status_code == 200
    assert api.post(f"{path}/publish", as_=w.school_admin).status_code == 201


def ready_school(api: Api, w: World) -> dict[str, Any]:
    """Two grade-3 classes with classrooms, a library and a playground, teachers, and a provider's
    two coaches; a published program with reading (school) and sports (the provider), and homework help."""
    classes = [new_class(api, w, grade=3, name=f"三年级{n}班") for n in (1, 2)]
    for c in classes:
        new_venue(api, w, name=f"{c['name']}教室", type="classroom", capacity=1, home_class_ids=[c["id"]])
    new_venue(api, w, name="图书馆", type="library", capacity=2)
    new_venue(api, w, name="操场", type="playground", capacity=2)
    for name in ("周老师", "吴老师", "郑老师"):
        new_adult(api, w, name=name, skills=["homework", "reading"])
    r = api.post(f"/schools/{w.school_id}/providers", PROVIDER, as_=w.school_admin)
    provider_id = r.json["id"]
    approve = {"status": "approved", "reason": "ok"}
    assert (
        api.post(f"/schools/{w.school_id}/providers/{provider_id}/status", approve, as_=w.school_admin).status_code
        == 200
    )
    slots = [{"weekday": 3, "periods": [2]}, {"weekday": 5, "periods": [2]}]
    for name in ("赵教练", "钱教练"):
        new_adult(
            api, w, name=name, kind="provider_staff", provider_id=provider_id, skills=["sports"], availability=slots
        )
    term_id = new_term(api, w)
    sports = activity(name="少儿篮球", category="sports", provider=provider_id, weekdays=[3, 5], venue="操场",
                       fee_fen=30000, fee_basis="per_term")  # fmt: skip
    homework = activity(name="作业辅导", category="homework_help", weekdays=[1, 2, 3, 4, 5], period=1, venue="本班教室")
    publish_program(api, w, term_id, [homework, activity(staff=["周老师", "吴老师"]), sports])
    return {"term_id": term_id, "classes": classes, "provider_id": provider_id}
