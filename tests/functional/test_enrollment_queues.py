"""Review queues (班级审核, 校长审定) and optimistic locking of a guardian's edits."""

from __future__ import annotations

import uuid
from typing import Any

from tests.functional.conftest import Api, World
from tests.functional.isolation_enrollment import (
    app_path,
    approved,
    consent,
    draft,
    new_family,
    new_term,
    to_teacher_approved,
)

EDIT = {"care_reason": {"pickup_by": "母亲", "pickup_time": "18:00"}, "services": [], "activity_ids": []}


def test_queues_filter_by_status_and_page(api: Api, world: World) -> None:
    term = new_term(api, world)
    fam1 = new_family(api, world, "+8613800000601", teacher_sub="t-q")
    fam2 = new_family(api, world, "+8613800000602", class_id=fam1.class_id, teacher_sub="t-q")
    a1 = to_teacher_approved(api, world, fam1, term)
    a2 = approved(api, world, fam2, term)["id"]
    sid = world.school_id
    page = api.get(
        f"/schools/{sid}/classes/{fam1.class_id}/applications?status=teacher_approved&limit=1", as_=fam1.teacher
    ).json
    assert [a["id"] for a in page["items"]] == [a1] and page["next_cursor"] is None
    approved_ids = [
        a["id"] for a in api.get(f"/schools/{sid}/applications?status=approved", as_=world.school_admin).json["items"]
    ]
    assert approved_ids == [a2]
    assert api.get(f"/schools/{sid}/applications?status=nope", as_=world.school_admin).status_code == 400
    r = api.get(f"/schools/{sid}/applications?status=approved&cursor=bm9wZQ", as_=world.school_admin)
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_cursor"
    missing = "01K0SEED00000000000000C1A5"
    assert api.get(f"/schools/{sid}/classes/{missing}/applications", as_=world.school_admin).status_code == 404


def test_edits_are_version_checked(api: Api, world: World) -> None:
    term, fam = new_term(api, world), new_family(api, world)
    consent(api, world, fam)
    app = draft(api, world, fam, term)
    path = app_path(world, app["id"])
    assert api.patch(path, EDIT, as_=fam.guardian).status_code == 428
    stale = api.patch(path, EDIT, as_=fam.guardian, headers={"If-Match": '"99"'})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "version_conflict"
    ok = api.patch(path, EDIT, as_=fam.guardian, headers={"If-Match": f'"{app["version"]}"'})
    assert ok.status_code == 200 and ok.json["care_reason"]["pickup_by"] == "母亲" and ok.json["activities"] == []
    again = api.patch(path, EDIT, as_=fam.guardian, headers={"If-Match": f'"{app["version"]}"'})
    assert again.status_code == 409
    assert api.patch(path, EDIT, as_=world.school_admin, headers={"If-Match": '"2"'}).status_code == 403
    bad = api.patch(path, {**EDIT, "lunch": "maybe"}, as_=fam.guardian, headers={"If-Match": '"2"'})
    assert bad.status_code == 400 and bad.json["error"]["details"][0]["field"] == "lunch"


def _class(api: Api, w: World, teacher_sub: str, teacher_name: str | None) -> str:
    body: dict[str, Any] = {"grade": 3, "name": f"三年级{uuid.uuid4().hex[:4]}班", "homeroom_teacher_sub": teacher_sub}
    if teacher_name:
        body["homeroom_teacher_name"] = teacher_name
    r = api.post(f"/schools/{w.school_id}/classes", body, as_=w.school_admin)
    assert r.status_code == 201, r.body
    return str(r.json["id"])


def test_the_application_carries_the_class_review(api: Api, world: World) -> None:
    """班级审核 is kept on the application (who, name, when, why), so the principal's queue needs no history."""
    term = new_term(api, world)
    sub = f"t-{uuid.uuid4().hex[:8]}"
    fam = new_family(api, world, "+8613800000611", class_id=_class(api, world, sub, "李老师"), teacher_sub=sub)
    consent(api, world, fam)
    app = draft(api, world, fam, term)
    assert app["class_review"] is None
    app_id = app["id"]
    assert api.post(app_path(world, app_id, "/submit"), as_=fam.guardian).json["class_review"] is None

    returned = api.post(
        app_path(world, app_id, "/class-review"), {"decision": "return", "reason": "请补充"}, as_=fam.teacher
    )
    assert returned.json["class_review"] == {
        "decision": "return",
        "by": sub,
        "by_name": "李老师",
        "at": returned.json["updated_at"],
        "reason": "请补充",
    }
    # resubmitted: the latest review stays until the 班主任 reviews again
    resubmitted = api.post(app_path(world, app_id, "/submit"), as_=fam.guardian).json
    assert resubmitted["class_review"] == returned.json["class_review"]
    approved_ = api.post(app_path(world, app_id, "/class-review"), {"decision": "approve"}, as_=fam.teacher).json
    review = approved_["class_review"]
    assert review == {
        "decision": "approve",
        "by": sub,
        "by_name": "李老师",
        "at": approved_["updated_at"],
        "reason": None,
    }

    # what the principal's queue shows, and every read after it
    queue = api.get(f"/schools/{world.school_id}/applications", as_=world.school_admin).json["items"]
    assert [(a["id"], a["class_review"]) for a in queue] == [(app_id, review)]
    assert api.get(app_path(world, app_id), as_=fam.guardian).json["class_review"] == review
    # the history says the same, and the review added no entry of its own
    history = api.get(app_path(world, app_id, "/history"), as_=world.school_admin).json["items"]
    last = history[-1]
    assert (last["action"], last["by"], last["reason"]) == ("teacher_approve", sub, None)
    assert [h["action"] for h in history] == ["create", "submit", "return", "submit", "teacher_approve"]
    # the principal's decision leaves the 班主任's on it
    decided = api.post(app_path(world, app_id, "/decision"), {"decision": "approve"}, as_=world.school_admin).json
    assert decided["class_review"] == review


def test_a_rejection_is_kept_and_a_class_without_a_teacher_name_gives_none(api: Api, world: World) -> None:
    term = new_term(api, world)
    fam = new_family(api, world, "+8613800000612")  # the roster has the 班主任's sub only
    consent(api, world, fam)
    app_id = draft(api, world, fam, term)["id"]
    api.post(app_path(world, app_id, "/submit"), as_=fam.guardian)
    refused = api.post(app_path(world, app_id, "/class-review"), {"decision": "reject"}, as_=fam.teacher)
    assert refused.status_code == 400
    assert api.get(app_path(world, app_id), as_=fam.guardian).json["class_review"] is None  # nothing written
    r = api.post(
        app_path(world, app_id, "/class-review"), {"decision": "reject", "reason": "不符合条件"}, as_=fam.teacher
    )
    assert r.status_code == 200 and r.json["status"] == "rejected"
    assert r.json["class_review"] == {
        "decision": "reject",
        "by": fam.teacher_sub,
        "by_name": None,
        "at": r.json["updated_at"],
        "reason": "不符合条件",
    }


def test_an_application_reviewed_before_the_field_existed_answers_null(api: Api, world: World) -> None:
    from chalicelib.enrollment.models import Application

    term = new_term(api, world)
    fam = new_family(api, world, "+8613800000613")
    app_id = to_teacher_approved(api, world, fam, term)
    item = Application.get(*Application.key(world.school_id, app_id), consistent_read=True)
    assert item.class_review is not None
    item.update(actions=[Application.class_review.remove()])  # as written before this change
    queue = api.get(f"/schools/{world.school_id}/applications", as_=world.school_admin).json["items"]
    assert [(a["id"], a["status"], a["class_review"]) for a in queue] == [(app_id, "teacher_approved", None)]
    history = api.get(app_path(world, app_id, "/history"), as_=world.school_admin).json["items"]
    assert history[-1]["action"] == "teacher_approve"  # where the page finds it for such an application
