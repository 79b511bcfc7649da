"""Enrolment objects for the cross-tenant matrix (``PARAMS``/``objects``), and helpers the enrolment tests share."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from typing import Any

from tests.functional.conftest import Api, World

PARAMS = ("application_id", "activity_id")
PHONE = "+8613800000000"
REASON = {"pickup_by": "父亲", "pickup_time": "18:30", "note": "父母下班晚"}


@dataclass
class Family:
    """A class with its 班主任, a child on the roster, and the child's guardian signed in by phone."""

    class_id: str
    student_id: str
    guardian: str
    teacher: str
    teacher_sub: str


@dataclass
class Term:
    term_id: str
    activity_ids: list[str]


def new_term(api: Api, w: World, capacities: tuple[int, ...] = (20,), lunch: bool = True) -> Term:
    """A term with a published program: care (+ lunch) and one school-run activity per capacity."""
    sid, admin = w.school_id, w.school_admin
    term_id = ""
    for _ in range(10):
        year = random.randint(3000, 3900)
        body = {"name": f"{year}春季学期", "starts_on": f"{year}-02-20", "ends_on": f"{year}-07-10"}
        r = api.post(f"/schools/{sid}/terms", body, as_=admin)
        if r.status_code == 201:
            term_id = r.json["id"]
            break
        assert r.status_code == 409, r.body
    assert term_id
    activities = [
        {
            "name": f"活动{i}",
            "category": "sports",
            "provider": "school",
            "grades": [3],
            "weekdays": [2],
            "period": 2,
            "venue": "操场",
            "capacity": cap,
            "fee_fen": 10000,
            "fee_basis": "per_term",
        }
        for i, cap in enumerate(capacities)
    ]
    services: list[dict[str, Any]] = [{"kind": "care", "fee_fen": 0, "fee_basis": "free"}]
    if lunch:
        services.append({"kind": "lunch", "price_per_day_fen": 1500})
    path = f"/schools/{sid}/terms/{term_id}/program"
    r = api.call("PUT", path, {"services": services, "activities": activities}, as_=admin, headers={"If-Match": '"0"'})
    assert r.status_code == 200, r.body
    r = api.post(f"{path}/publish", as_=admin)
    assert r.status_code == 201, r.body
    return Term(term_id, [a["id"] for a in r.json["activities"]])


def new_family(api: Api, w: World, phone: str = PHONE, class_id: str | None = None, teacher_sub: str = "") -> Family:
    sid = w.school_id
    teacher_sub = teacher_sub or f"t-{uuid.uuid4().hex[:8]}"
    if class_id is None:
        body = {"grade": 3, "name": f"三年级{uuid.uuid4().hex[:4]}班", "homeroom_teacher_sub": teacher_sub}
        r = api.post(f"/schools/{sid}/classes", body, as_=w.school_admin)
        assert r.status_code == 201, r.body
        class_id = r.json["id"]
    student = {
        "student_number": f"S{uuid.uuid4().hex[:8]}",
        "name": "王小明",
        "class_id": class_id,
        "guardians": [{"name": "王强", "relationship": "父亲", "phone": phone}],
    }
    r = api.post(f"/schools/{sid}/students", student, as_=w.school_admin)
    assert r.status_code == 201, r.body
    guardian = api.tokens("guardian", tenant=sid, phone=phone)
    teacher = api.tokens("teacher", tenant=sid, sub=teacher_sub)
    return Family(class_id, r.json["id"], guardian, teacher, teacher_sub)


def consent(api: Api, w: World, f: Family) -> None:
    r = api.post(f"/schools/{w.school_id}/students/{f.student_id}/consent", {"text_version": "v1"}, as_=f.guardian)
    assert r.status_code == 201, r.body


def application_body(f: Family, t: Term, **over: Any) -> dict[str, Any]:
    return {
        "student_id": f.student_id,
        "term_id": t.term_id,
        "care_reason": REASON,
        "services": ["care"],
        "activity_ids": t.activity_ids,
        "lunch": True,
        **over,
    }


def draft(api: Api, w: World, f: Family, t: Term, **over: Any) -> dict[str, Any]:
    r = api.post(f"/schools/{w.school_id}/applications", application_body(f, t, **over), as_=f.guardian)
    assert r.status_code == 201, r.body
    return dict(r.json)


def app_path(w: World, app_id: str, tail: str = "") -> str:
    return f"/schools/{w.school_id}/applications/{app_id}{tail}"


def to_teacher_approved(api: Api, w: World, f: Family, t: Term) -> str:
    consent(api, w, f)
    app_id = draft(api, w, f, t)["id"]
    r = api.post(app_path(w, app_id, "/submit"), as_=f.guardian)
    assert r.status_code == 200, r.body
    r = api.post(app_path(w, app_id, "/class-review"), {"decision": "approve"}, as_=f.teacher)
    assert r.status_code == 200, r.body
    return app_id


def approved(api: Api, w: World, f: Family, t: Term) -> dict[str, Any]:
    app_id = to_teacher_approved(api, w, f, t)
    r = api.post(app_path(w, app_id, "/decision"), {"decision": "approve"}, as_=w.school_admin)
    assert r.status_code == 200, r.body
    return dict(r.json)


def objects(api: Api, owner: World) -> dict[str, str]:
    """An approved application (with one activity) in ``owner``'s school."""
    term = new_term(api, owner)
    family = new_family(api, owner)
    app = approved(api, owner, family, term)
    return {"application_id": app["id"], "activity_id": term.activity_ids[0]}
