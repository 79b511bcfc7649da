"""家长申请 → 班级审核 → 校长审定, consent (PIPL), history and events (issue 3, stage 1)."""

from __future__ import annotations

from typing import Any

from tests.functional.conftest import Api, World
from tests.functional.isolation_enrollment import (
    PHONE,
    app_path,
    application_body,
    approved,
    consent,
    draft,
    new_family,
    new_term,
    to_teacher_approved,
)

EVENT_FIELDS = {"school_id", "application_id", "student_id", "guardian_sub", "term_id", "from", "to"}


def _events(container: Any, app_id: str) -> list[dict[str, Any]]:
    import json

    from chalicelib.core.outbox import OutboxEvent

    found = []
    school_id = None
    for e in OutboxEvent.scan(OutboxEvent.detail.contains(app_id)):  # test-only: find this application's events
        d = json.loads(e.detail)
        school_id = d["school_id"]
        found.append({"type": e.detail_type, "source": e.source, **d})
    assert all(f["school_id"] == school_id for f in found)
    return sorted(found, key=lambda f: f["event_id"])


def test_consent_is_required_recorded_and_withdrawable(api: Api, world: World) -> None:
    term, fam = new_term(api, world), new_family(api, world)
    sid = world.school_id
    r = api.post(f"/schools/{sid}/applications", application_body(fam, term), as_=fam.guardian)
    assert r.status_code == 403 and r.json["error"]["code"] == "consent_required"
    r = api.post(
        f"/schools/{sid}/applications",
        application_body(fam, term),
        as_=fam.guardian,
        headers={"Accept-Language": "en"},
    )
    assert "Consent" in r.json["error"]["message"]
    consent(api, world, fam)
    app_id = draft(api, world, fam, term)["id"]
    path = f"/schools/{sid}/students/{fam.student_id}/consent"
    assert api.call("DELETE", path, as_=fam.guardian).status_code == 200
    assert api.call("DELETE", path, as_=fam.guardian).json["error"]["code"] == "invalid_transition"
    r = api.post(app_path(world, app_id, "/submit"), as_=fam.guardian)
    assert r.status_code == 403 and r.json["error"]["code"] == "consent_required"
    state = api.get(path, as_=fam.guardian).json
    assert state["status"] == "withdrawn" and [h["status"] for h in state["history"]] == ["granted", "withdrawn"]
    # staff never consent for a family
    r = api.post(path, {"text_version": "v1"}, as_=world.school_admin)
    assert r.status_code == 403
    r = api.post(path, {}, as_=fam.guardian)
    assert r.status_code == 400 and r.json["error"]["details"][0]["field"] == "text_version"


def test_full_happy_path_with_history_and_events(api: Api, world: World, container: Any) -> None:
    term, fam = new_term(api, world), new_family(api, world)
    consent(api, world, fam)
    app = draft(api, world, fam, term)
    assert app["status"] == "draft" and app["activities"][0]["state"] == "requested"
    app_id = app["id"]
    r = api.patch(
        app_path(world, app_id),
        {k: v for k, v in application_body(fam, term, lunch=False).items() if k not in ("student_id", "term_id")},
        as_=fam.guardian,
        headers={"If-Match": f'"{app["version"]}"'},
    )
    assert r.status_code == 200 and r.json["lunch"] is False, r.body
    assert api.post(app_path(world, app_id, "/submit"), as_=fam.guardian).json["status"] == "submitted"
    queue = api.get(f"/schools/{world.school_id}/classes/{fam.class_id}/applications", as_=fam.teacher).json
    assert [a["id"] for a in queue["items"]] == [app_id]
    r = api.post(app_path(world, app_id, "/class-review"), {"decision": "return", "reason": "请补充"}, as_=fam.teacher)
    assert r.json["status"] == "returned" and r.json["status_reason"] == "请补充"
    assert api.post(app_path(world, app_id, "/submit"), as_=fam.guardian).json["status"] == "submitted"
    r = api.post(app_path(world, app_id, "/class-review"), {"decision": "approve"}, as_=fam.teacher)
    assert r.json["status"] == "teacher_approved"
    queue = api.get(f"/schools/{world.school_id}/applications", as_=world.school_admin).json
    assert [a["id"] for a in queue["items"]] == [app_id]
    r = api.post(app_path(world, app_id, "/decision"), {"decision": "approve"}, as_=world.school_admin)
    assert r.status_code == 200 and r.json["status"] == "approved"
    assert r.json["activities"][0]["state"] == "seated"
    # double click: never approved twice
    again = api.post(app_path(world, app_id, "/decision"), {"decision": "approve"}, as_=world.school_admin)
    assert again.status_code == 409 and again.json["error"]["code"] == "invalid_transition"
    history = api.get(app_path(world, app_id, "/history"), as_=fam.guardian).json["items"]
    assert [(h["from"], h["to"]) for h in history] == [
        ("none", "draft"),
        ("draft", "draft"),
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "teacher_approved"),
        ("teacher_approved", "approved"),
    ]
    assert history[3]["reason"] == "请补充" and history[3]["by"] == fam.teacher_sub
    assert api.get(app_path(world, app_id, "/history"), as_=fam.teacher).status_code == 200
    mine = api.get(f"/schools/{world.school_id}/my/applications", as_=fam.guardian).json["items"]
    assert [a["id"] for a in mine] == [app_id]
    events = _events(container, app_id)
    assert [e["type"] for e in events] == [
        "ApplicationSubmitted",
        "ApplicationReturned",
        "ApplicationSubmitted",
        "ApplicationApprovedByTeacher",
        "ApplicationApproved",
    ]
    for e in events:
        assert EVENT_FIELDS <= set(e) and e["source"] == "kehou.enrollment"
        assert "王" not in str(e) and PHONE not in str(e) and "13800000000" not in str(e)
    assert events[1]["reason"] == "请补充"


def test_refused_transitions_answer_409(api: Api, world: World) -> None:
    term, fam = new_term(api, world), new_family(api, world)
    consent(api, world, fam)
    app_id = draft(api, world, fam, term)["id"]
    refused: list[tuple[str, dict[str, str] | None, str]] = [
        ("/class-review", {"decision": "approve"}, fam.teacher),
        ("/decision", {"decision": "approve"}, world.school_admin),
        ("/decision", {"decision": "reject", "reason": "x"}, world.school_admin),
    ]
    for tail, body, who in refused:
        r = api.post(app_path(world, app_id, tail), body, as_=who)
        assert r.status_code == 409 and r.json["error"]["code"] == "invalid_transition", (tail, r.body)
    api.post(app_path(world, app_id, "/submit"), as_=fam.guardian)
    for tail, body, who in [("/submit", None, fam.guardian), refused[1]]:
        r = api.post(app_path(world, app_id, tail), body, as_=who)
        assert r.status_code == 409, (tail, r.body)
    r = api.patch(
        app_path(world, app_id),
        {"care_reason": {"pickup_by": "母亲", "pickup_time": "18:00"}, "version": 2},
        as_=fam.guardian,
    )
    assert r.status_code == 409 and r.json["error"]["code"] == "invalid_transition"
    rejection = {"decision": "reject", "reason": "不符合条件"}
    r = api.post(app_path(world, app_id, "/class-review"), rejection, as_=fam.teacher)
    assert r.json["status"] == "rejected"
    for tail, body, who in [("/submit", None, fam.guardian), ("/class-review", {"decision": "approve"}, fam.teacher)]:
        assert api.post(app_path(world, app_id, tail), body, as_=who).status_code == 409
    # one open application per child and term; a rejected one no longer counts, so the family may apply again
    assert draft(api, world, fam, term)["status"] == "draft"
    r = api.post(f"/schools/{world.school_id}/applications", application_body(fam, term), as_=fam.guardian)
    assert r.status_code == 409 and r.json["error"]["code"] == "application_exists"


def test_roles_are_checked_on_the_object(api: Api, world: World) -> None:
    term, fam = new_term(api, world), new_family(api, world)
    sid = world.school_id
    consent(api, world, fam)
    # staff cannot apply on a family's behalf (R2)
    for who in (world.school_admin, fam.teacher):
        r = api.post(f"/schools/{sid}/applications", application_body(fam, term), as_=who)
        assert r.status_code == 403, r.body
    # another guardian (another phone) does not see the child
    stranger = api.tokens("guardian", tenant=sid, phone="+8613700000001")
    assert api.post(f"/schools/{sid}/applications", application_body(fam, term), as_=stranger).status_code == 404
    app_id = draft(api, world, fam, term)["id"]
    assert api.get(app_path(world, app_id), as_=stranger).status_code == 404
    assert api.post(app_path(world, app_id, "/submit"), as_=world.school_admin).status_code == 403
    api.post(app_path(world, app_id, "/submit"), as_=fam.guardian)
    other_teacher = api.tokens("teacher", tenant=sid, sub="t-other")
    r = api.post(app_path(world, app_id, "/class-review"), {"decision": "approve"}, as_=other_teacher)
    assert r.status_code == 403
    assert api.get(f"/schools/{sid}/classes/{fam.class_id}/applications", as_=other_teacher).status_code == 403
    assert api.get(app_path(world, app_id), as_=other_teacher).status_code == 403
    # the principal does 校长审定, not 班级审核
    r = api.post(app_path(world, app_id, "/class-review"), {"decision": "approve"}, as_=world.school_admin)
    assert r.status_code == 403
    api.post(app_path(world, app_id, "/class-review"), {"decision": "approve"}, as_=fam.teacher)
    r = api.post(app_path(world, app_id, "/decision"), {"decision": "approve"}, as_=fam.teacher)
    assert r.status_code == 403
    assert api.get(f"/schools/{sid}/applications", as_=fam.teacher).status_code == 403
    assert api.post(app_path(world, app_id, "/decision"), {"decision": "approve"}, as_=fam.guardian).status_code == 403


def test_other_school_answers_404(api: Api, world: World, other: World) -> None:
    term, fam = new_term(api, world), new_family(api, world)
    app_id = approved(api, world, fam, term)["id"]
    for path in (app_path(world, app_id), app_path(world, app_id, "/history")):
        assert api.get(path, as_=other.school_admin).status_code == 404
    r = api.post(app_path(world, app_id, "/decision"), {"decision": "reject", "reason": "x"}, as_=other.school_admin)
    assert r.status_code == 404
    # the same id under the other school's own path is just missing
    r = api.get(f"/schools/{other.school_id}/applications/{app_id}", as_=other.school_admin)
    assert r.status_code == 404


def test_bad_input_is_400_with_details_and_writes_nothing(api: Api, world: World) -> None:
    term, fam = new_term(api, world, lunch=False), new_family(api, world)
    consent(api, world, fam)
    sid = world.school_id
    bad = application_body(fam, term, activity_ids=["01K0SEED0000000000000NOPE1"], lunch=True, services=["nap"])
    r = api.post(f"/schools/{sid}/applications", bad, as_=fam.guardian)
    assert r.status_code == 400, r.body
    fields = {d["field"] for d in r.json["error"]["details"]}
    assert fields == {"activity_ids.0", "lunch", "services.0"}
    r = api.post(f"/schools/{sid}/applications", {**application_body(fam, term), "care_reason": {}}, as_=fam.guardian)
    assert r.status_code == 400 and {d["field"] for d in r.json["error"]["details"]} >= {"care_reason.pickup_by"}
    assert api.get(f"/schools/{sid}/my/applications", as_=fam.guardian).json["items"] == []
    app_id = draft(api, world, fam, term, lunch=False)["id"]
    api.post(app_path(world, app_id, "/submit"), as_=fam.guardian)
    r = api.post(app_path(world, app_id, "/class-review"), {"decision": "reject"}, as_=fam.teacher)
    assert r.status_code == 400 and r.json["error"]["details"][0]["field"] == "reason"
    r = api.post(app_path(world, app_id, "/class-review"), {"decision": "maybe"}, as_=fam.teacher)
    assert r.status_code == 400
    assert api.get(app_path(world, app_id), as_=fam.guardian).json["status"] == "submitted"
    r = api.post(
        f"/schools/{sid}/application-decisions", {"application_ids": [], "decision": "approve"}, as_=world.school_admin
    )
    assert r.status_code == 400


def test_batch_decisions_report_each_result(api: Api, world: World) -> None:
    term = new_term(api, world)
    a = to_teacher_approved(api, world, new_family(api, world, "+8613800000011"), term)
    b = to_teacher_approved(api, world, new_family(api, world, "+8613800000012"), term)
    fam_c = new_family(api, world, "+8613800000013")
    consent(api, world, fam_c)
    c = draft(api, world, fam_c, term)["id"]
    ids = [a, b, c, "01K0SEED0000000000000NOPE1"]
    r = api.post(
        f"/schools/{world.school_id}/application-decisions",
        {"application_ids": ids, "decision": "approve"},
        as_=world.school_admin,
    )
    assert r.status_code == 200, r.body
    results = {x["application_id"]: x for x in r.json["results"]}
    assert results[a]["ok"] and results[b]["ok"] and results[a]["status"] == "approved"
    assert results[a]["activities"] == [{"activity_id": term.activity_ids[0], "state": "seated", "position": None}]
    assert results[c] == {
        "application_id": c,
        "ok": False,
        "error": "invalid_transition",
        "status_code": 409,
        "message": "申请当前的状态不允许此操作。",
        "details": {"action": "approve", "status": "draft", "allowed_from": ["teacher_approved"]},
    }
    assert results[ids[3]] == {
        "application_id": ids[3],
        "ok": False,
        "error": "not_found",
        "status_code": 404,
        "message": "未找到该资源。",
    }
    # in English on request; an application decided already says what it is now
    r = api.post(
        f"/schools/{world.school_id}/application-decisions",
        {"application_ids": [a, c], "decision": "approve"},
        as_=world.school_admin,
        headers={"Accept-Language": "en"},
    )
    again = {x["application_id"]: x for x in r.json["results"]}
    assert again[a]["details"]["status"] == "approved" and again[a]["message"].startswith("The application")
    assert "activities" not in again[a] and "status" not in again[a]
    r = api.post(
        f"/schools/{world.school_id}/application-decisions",
        {"application_ids": [a], "decision": "approve"},
        as_=fam_c.guardian,
    )
    assert r.status_code == 403
    r = api.post(
        f"/schools/{world.school_id}/application-decisions",
        {"application_ids": [c], "decision": "reject"},
        as_=world.school_admin,
    )
    assert r.status_code == 400
