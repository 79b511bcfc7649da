"""Places, waiting lists (候补), withdrawal and dropping an activity (issue 3, stages 1 and 3)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chalicelib.core.errors import DomainError
from chalicelib.core.identity import Principal, Role
from tests.functional.conftest import Api, World
from tests.functional.isolation_enrollment import (
    app_path,
    approved,
    new_family,
    new_term,
    to_teacher_approved,
)


def _events_of(app_id: str, kind: str) -> list[dict[str, Any]]:
    from chalicelib.core.outbox import OutboxEvent

    found = [json.loads(e.detail) for e in OutboxEvent.scan(OutboxEvent.detail.contains(app_id))]
    return [
        d
        for d, e in zip(found, OutboxEvent.scan(OutboxEvent.detail.contains(app_id)), strict=False)
        if e.detail_type == kind
    ]


def _family_apps(api: Api, w: World, term: Any, n: int, first: int = 20) -> list[tuple[Any, str]]:
    out = []
    for i in range(n):
        fam = new_family(api, w, f"+86138000{first + i:05d}")
        out.append((fam, to_teacher_approved(api, w, fam, term)))
    return out


def test_full_activity_waitlists_with_visible_position(api: Api, world: World) -> None:
    term = new_term(api, world, capacities=(1,))
    first = approved(api, world, new_family(api, world, "+8613800000101"), term)
    assert first["activities"][0]["state"] == "seated"
    fam2, fam3 = new_family(api, world, "+8613800000102"), new_family(api, world, "+8613800000103")
    second = approved(api, world, fam2, term)
    third = approved(api, world, fam3, term)
    assert second["activities"][0] == {"activity_id": term.activity_ids[0], "state": "waitlisted", "position": 1}
    assert third["activities"][0]["position"] == 2
    assert api.get(app_path(world, third["id"]), as_=fam3.guardian).json["activities"][0]["position"] == 2
    waitlisted = _events_of(third["id"], "Waitlisted")
    assert waitlisted and waitlisted[0]["activity_id"] == term.activity_ids[0] and waitlisted[0]["position"] == 2
    for field in ("school_id", "application_id", "student_id", "guardian_sub", "term_id", "from", "to"):
        assert field in waitlisted[0]


def test_parallel_approvals_never_exceed_capacity(api: Api, world: World, container: Any) -> None:
    term = new_term(api, world, capacities=(3,))
    apps = [app_id for _, app_id in _family_apps(api, world, term, 8, first=200)]
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
    states = [api.get(app_path(world, a), as_=world.school_admin).json["activities"][0] for a in apps]
    assert sum(s["state"] == "seated" for s in states) == 3
    positions = sorted(s["position"] for s in states if s["state"] == "waitlisted")
    assert positions == [1, 2, 3, 4, 5]


def test_drop_hands_the_place_to_the_next_waiting_child(api: Api, world: World) -> None:
    term = new_term(api, world, capacities=(1,))
    fam1, fam2, fam3 = (new_family(api, world, f"+861380000030{i}") for i in range(3))
    a1, a2, a3 = (approved(api, world, f, term)["id"] for f in (fam1, fam2, fam3))
    activity = term.activity_ids[0]
    drop = app_path(world, a1, f"/activities/{activity}/drop")
    assert api.post(drop, {"effective_on": "3000-03-01"}, as_=world.school_admin).status_code == 403
    r = api.post(drop, {"effective_on": "3000-03-01", "reason": "时间冲突"}, as_=fam1.guardian)
    assert r.status_code == 200, r.body
    assert r.json["status"] == "approved" and r.json["activities"][0]["state"] == "dropped"
    again = api.post(drop, {"effective_on": "3000-03-01"}, as_=fam1.guardian)
    assert again.status_code == 400 and again.json["error"]["code"] == "activity_not_chosen"
    second = api.get(app_path(world, a2), as_=fam2.guardian).json
    assert second["activities"][0]["state"] == "seated"
    assert api.get(app_path(world, a3), as_=fam3.guardian).json["activities"][0]["position"] == 1
    offered = _events_of(a2, "PlaceOffered")
    assert offered and offered[0]["activity_id"] == activity and offered[0]["position"] == 1
    assert offered[0]["guardian_sub"] == second["guardian_sub"]
    history = api.get(app_path(world, a2, "/history"), as_=fam2.guardian).json["items"]
    assert history[-1]["action"] == "place_offered"
    dropped = _events_of(a1, "ActivityDropped")
    assert dropped and dropped[0]["activity_id"] == activity and dropped[0]["reason"] == "时间冲突"


def test_withdraw_frees_places_and_is_final(api: Api, world: World) -> None:
    term = new_term(api, world, capacities=(1,))
    fam1, fam2 = new_family(api, world, "+8613800000401"), new_family(api, world, "+8613800000402")
    a1, a2 = approved(api, world, fam1, term)["id"], approved(api, world, fam2, term)["id"]
    body = {"effective_on": "3000-03-01", "reason": "家中老人可接送"}
    assert api.post(app_path(world, a1, "/withdraw"), body, as_=fam1.teacher).status_code == 403
    assert api.post(app_path(world, a1, "/withdraw"), {"reason": "x"}, as_=fam1.guardian).status_code == 400
    r = api.post(app_path(world, a1, "/withdraw"), body, as_=fam1.guardian)
    assert r.status_code == 200 and r.json["status"] == "withdrawn" and r.json["effective_on"] == "3000-03-01"
    assert api.post(app_path(world, a1, "/withdraw"), body, as_=fam1.guardian).json["error"]["code"] == (
        "invalid_transition"
    )
    assert api.get(app_path(world, a2), as_=fam2.guardian).json["activities"][0]["state"] == "seated"
    withdrawn = _events_of(a1, "Withdrawn")
    assert withdrawn[0]["from"] == "approved" and withdrawn[0]["to"] == "withdrawn"
    # the claim is released: the family may apply again later
    from tests.functional.isolation_enrollment import draft

    assert draft(api, world, fam1, term)["status"] == "draft"


def test_withdrawing_a_waiting_child_leaves_the_list(api: Api, world: World) -> None:
    term = new_term(api, world, capacities=(1,))
    fams = [new_family(api, world, f"+861380000050{i}") for i in range(3)]
    ids = [approved(api, world, f, term)["id"] for f in fams]
    api.post(app_path(world, ids[1], "/withdraw"), {"effective_on": "3000-03-01", "reason": "x"}, as_=fams[1].guardian)
    assert api.get(app_path(world, ids[2]), as_=fams[2].guardian).json["activities"][0]["position"] == 1
    api.post(app_path(world, ids[0], "/withdraw"), {"effective_on": "3000-03-01", "reason": "x"}, as_=fams[0].guardian)
    assert api.get(app_path(world, ids[2]), as_=fams[2].guardian).json["activities"][0]["state"] == "seated"
