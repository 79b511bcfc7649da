"""R4 (四(一)): the reason on the application sets the waiting-list priority when places are short."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chalicelib.core.errors import DomainError
from chalicelib.core.identity import Principal, Role
from tests.functional.conftest import Api, World
from tests.functional.isolation_enrollment import (
    REASON,
    Family,
    Term,
    app_path,
    consent,
    new_family,
    new_term,
)

NOBODY = "no_one_available"
LATE = "guardians_work_late"


def _events(app_id: str, kind: str) -> list[dict[str, Any]]:
    from chalicelib.core.outbox import OutboxEvent

    return [
        json.loads(e.detail) for e in OutboxEvent.scan(OutboxEvent.detail.contains(app_id)) if e.detail_type == kind
    ]


def _reason(situation: str | None) -> dict[str, str]:
    return {**REASON, "situation": situation} if situation else dict(REASON)


def _teacher_approved(api: Api, w: World, f: Family, t: Term, situation: str | None) -> str:
    consent(api, w, f)
    body = {"student_id": f.student_id, "term_id": t.term_id, "care_reason": _reason(situation)}
    r = api.post(f"/schools/{w.school_id}/applications", {**body, "activity_ids": t.activity_ids}, as_=f.guardian)
    assert r.status_code == 201, r.body
    app_id = str(r.json["id"])
    assert api.post(app_path(w, app_id, "/submit"), as_=f.guardian).status_code == 200
    r = api.post(app_path(w, app_id, "/class-review"), {"decision": "approve"}, as_=f.teacher)
    assert r.status_code == 200, r.body
    return app_id


def _approved(api: Api, w: World, f: Family, t: Term, situation: str | None = None) -> dict[str, Any]:
    app_id = _teacher_approved(api, w, f, t, situation)
    r = api.post(app_path(w, app_id, "/decision"), {"decision": "approve"}, as_=w.school_admin)
    assert r.status_code == 200, r.body
    return dict(r.json)


def _activity(api: Api, w: World, f: Family, app_id: str) -> dict[str, Any]:
    return dict(api.get(app_path(w, app_id), as_=f.guardian).json["activities"][0])


def _drop_first(api: Api, w: World, f: Family, app_id: str, t: Term) -> None:
    path = app_path(w, app_id, f"/activities/{t.activity_ids[0]}/drop")
    r = api.post(path, {"effective_on": "3000-03-01", "reason": "时间冲突"}, as_=f.guardian)
    assert r.status_code == 200, r.body


def test_a_later_child_with_a_higher_priority_goes_ahead_and_gets_the_freed_place(api: Api, world: World) -> None:
    term = new_term(api, world, capacities=(1,))
    fams = [new_family(api, world, f"+861380000070{i}") for i in range(3)]
    seated = _approved(api, world, fams[0], term)
    assert seated["activities"][0]["state"] == "seated"
    early = _approved(api, world, fams[1], term)  # no situation sent: "other", rank 4
    assert early["care_reason"]["situation"] == "other" and early["priority"]["rank"] == 4
    assert early["activities"][0]["position"] == 1
    late = _approved(api, world, fams[2], term, NOBODY)  # joins later, rank 1
    assert late["activities"][0] == {"activity_id": term.activity_ids[0], "state": "waitlisted", "position": 1}
    assert late["priority"] == {
        "rank": 1,
        "situation": NOBODY,
        "labels": {"zh-CN": "服务结束前无人能接孩子", "en": "No adult can collect the child before the service ends"},
    }
    assert _activity(api, world, fams[1], early["id"])["position"] == 2  # pushed back by the higher priority
    assert _events(late["id"], "Waitlisted")[0]["position"] == 1

    _drop_first(api, world, fams[0], seated["id"], term)
    assert _activity(api, world, fams[2], late["id"])["state"] == "seated"
    offered = _events(late["id"], "PlaceOffered")
    assert offered and offered[0]["activity_id"] == term.activity_ids[0] and offered[0]["position"] == 1
    assert not _events(early["id"], "PlaceOffered")
    assert _activity(api, world, fams[1], early["id"]) == {
        "activity_id": term.activity_ids[0],
        "state": "waitlisted",
        "position": 1,
    }


def test_equal_priority_stays_first_come_first_served(api: Api, world: World) -> None:
    term = new_term(api, world, capacities=(1,))
    fams = [new_family(api, world, f"+861380000071{i}") for i in range(4)]
    seated = _approved(api, world, fams[0], term, LATE)
    first, second = (_approved(api, world, f, term, LATE)["id"] for f in fams[1:3])
    lower = _approved(api, world, fams[3], term, "other")["id"]
    positions = [_activity(api, world, f, a)["position"] for f, a in zip(fams[1:], (first, second, lower), strict=True)]
    assert positions == [1, 2, 3]
    _drop_first(api, world, fams[0], seated["id"], term)
    assert _activity(api, world, fams[1], first)["state"] == "seated"
    assert [_activity(api, world, f, a)["position"] for f, a in ((fams[2], second), (fams[3], lower))] == [1, 2]


def test_the_principal_sees_each_childs_priority_in_the_queue(api: Api, world: World) -> None:
    term = new_term(api, world, capacities=(1,))
    fams = [new_family(api, world, f"+861380000072{i}") for i in range(2)]
    situations = ("single_guardian_or_guardian_away", None)
    ids = [_teacher_approved(api, world, f, term, s) for f, s in zip(fams, situations, strict=True)]
    queue = api.get(f"/schools/{world.school_id}/applications", as_=world.school_admin).json["items"]
    shown = {a["id"]: (a["care_reason"]["situation"], a["priority"]["rank"]) for a in queue}
    assert shown == {ids[0]: ("single_guardian_or_guardian_away", 3), ids[1]: ("other", 4)}
    assert {a["priority"]["labels"]["en"] for a in queue} == {
        "Single guardian, or a guardian works away from home",
        "Other reason",
    }
    klass = api.get(
        f"/schools/{world.school_id}/classes/{fams[0].class_id}/applications?status=teacher_approved",
        as_=fams[0].teacher,
    ).json["items"]
    assert [a["priority"]["rank"] for a in klass] == [3]


def test_an_unknown_situation_is_a_validation_error(api: Api, world: World) -> None:
    term, fam = new_term(api, world), new_family(api, world, "+8613800000730")
    consent(api, world, fam)
    body = {"student_id": fam.student_id, "term_id": term.term_id, "care_reason": _reason("rich_family")}
    r = api.post(f"/schools/{world.school_id}/applications", body, as_=fam.guardian)
    assert r.status_code == 400 and r.json["error"]["code"] == "validation_error"
    assert [(d["field"], d["type"]) for d in r.json["error"]["details"]] == [("care_reason.situation", "literal_error")]
    ok = api.post(f"/schools/{world.school_id}/applications", {**body, "care_reason": _reason(LATE)}, as_=fam.guardian)
    assert ok.status_code == 201 and ok.json["care_reason"]["situation"] == LATE
    edit = {"care_reason": {**REASON, "situation": ""}, "version": ok.json["version"]}
    bad = api.patch(app_path(world, ok.json["id"]), edit, as_=fam.guardian)
    assert bad.status_code == 400 and bad.json["error"]["details"][0]["field"] == "care_reason.situation"


def test_parallel_approvals_with_priorities_never_exceed_capacity(api: Api, world: World, container: Any) -> None:
    term = new_term(api, world, capacities=(3,))
    situations = [NOBODY if i % 2 else "other" for i in range(8)]
    apps = [
        _teacher_approved(api, world, new_family(api, world, f"+86138000074{i:02d}"), term, s)
        for i, s in enumerate(situations)
    ]
    principal = Principal(sub="principal", roles=frozenset({Role.SCHOOL_ADMIN}), tenant=world.school_id)
    api.get(f"/schools/{world.school_id}/applications", as_=world.school_admin)  # this school's credentials

    def approve(app_id: str) -> str:
        try:
            return str(container.enrollment.decide(principal, world.school_id, app_id, "approve", None)["status"])
        except DomainError as err:
            return err.code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(approve, apps))
    assert statuses == ["approved"] * 8, statuses
    views = [api.get(app_path(world, a), as_=world.school_admin).json for a in apps]
    assert sum(v["activities"][0]["state"] == "seated" for v in views) == 3
    waiting = sorted(
        (v["activities"][0]["position"], v["priority"]["rank"])
        for v in views
        if v["activities"][0]["state"] != "seated"
    )
    assert [p for p, _ in waiting] == [1, 2, 3, 4, 5]
    ranks = [r for _, r in waiting]
    assert ranks == sorted(ranks)  # every rank-1 child waits ahead of every rank-4 child
